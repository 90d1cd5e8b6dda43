"""The offline engine's planner: which tools to call for a question, with which inputs.

Intent comes from trigger words (zh and en) and the numbers the seller typed; each number goes
to the input whose cue stands nearest to it in the same clause, unless it names a required input
of another calculation the question asks for ("预算2万" is a budget). A second calculation reads a
number only when the question asks for it outright and names the number with the same words ("is
a $15 AI video cheaper": the budget plan's AI cost and the comparison's). A later clause or a
follow-up message reuses the calculations before it with the values it changes. Nothing here
does arithmetic: the calculators do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.engine.acts import asks_source, read_act
from assistant.engine.conversation import Conversation, Turn
from assistant.engine.guard import looks_like_follow_up
from assistant.engine.intents import INTENTS, Intent, Slot
from assistant.engine.premises import stated_premise
from assistant.engine.scope import scope_of
from assistant.engine.solver import solve
from assistant.kb.schema import Lang
from assistant.tools.numbers import NumberMention, NumberParseError, find_numbers, parse_number

SEARCH_K = 6
_SPECIFIC = {"risk_adjusted_return", "plan_test_budget", "compare_content_options", "growth_rate", "implied_gmv_share",
             "creator_collab_return"}
"""Intents whose question the solver's generic shapes leave to the intent table."""
_CALCULATED = {i.tool for i in INTENTS}
"""Tools a follow-up can vary (search and policy checks are simply run again)."""
MAX_REPLAYED_TURNS = 12
"""Earlier turns whose calculations a follow-up may build on; older ones are not re-planned."""
MAX_CALCULATIONS = 3
"""The calculations the question asks for, then variations of them, up to this many in all."""
_CUE_REACH = 40
"""A number further than this many characters from every cue of a slot is not that slot's value."""
_CLAUSE_END = re.compile(r"[；;。！？!?\n]|\.(?=\s)")
_PHRASE_BREAK = re.compile(r"[，、]|,(?!\d)")
"""A comma inside a clause: a cue on the number's own side of it comes first ("AI视频一条10美元，达人200美元")."""
_RANGE_SPLIT = re.compile(r"\s*(?:-|–|~|到|至|(?<![a-z])to(?![a-z]))\s*", re.IGNORECASE)
_VARIATION = re.compile(r"换成|改成|换作|又要|那如果|如果换|instead|what if|how about|what about|versus", re.IGNORECASE)
_REFERS_BACK = re.compile(r"(?<![a-z])(it|this|that|they|them|those)(?![a-z])|这个|那个|它|这样|这种|下一步", re.IGNORECASE)


@dataclass
class Call:
    name: str
    args: dict[str, Any]


@dataclass
class Plan:
    query: str
    calls: list[Call] = field(default_factory=list)
    clarification: str | None = None


def plan_turn(conversation: Conversation) -> Plan:
    """Search the knowledge base, and run the calculations the question asks for."""
    earlier = conversation.earlier
    return _plan(conversation.question, conversation.lang, earlier, _previous_calculations(earlier))


def _plan(question: str, lang: Lang, earlier: list[Turn], previous: list[Call]) -> Plan:
    """The plan for `question`, given the calculations the conversation carried so far."""
    query = question
    if earlier and (looks_like_follow_up(question) or _REFERS_BACK.search(question)):
        query = f"{earlier[-1].question} {question}"

    asked = [question, *([earlier[-1].question] if earlier and _VARIATION.search(question) else [])]
    specific = any(i.triggers.search(text) for text in asked for i in INTENTS if i.tool in _SPECIFIC)
    solved = [Call(name, args) for name, args in solve(question, [t.question for t in earlier], defer=specific)]
    premise = stated_premise(question)
    main, variations = _split_variations(question)
    checks = any(i.asked.search(question) for i in INTENTS if i.tool == "implied_gmv_share")
    quoted = premise or (asks_source(question) and not checks)
    # figures the seller quotes or doubts are not inputs, unless the question asks to check them ("对得上吗")
    if quoted or solved:  # a quoted figure is sourced or corrected, not computed on; a solved question is done
        calls, missing, variations = ([] if quoted else solved), [], []
    else:
        calls, missing = _calculations(main, _mentions(main))
        if not calls and previous and looks_like_follow_up(question):
            calls = [_follow_up(call, main, _mentions(main)) for call in previous]
    for clause in variations:
        calls += [c for c in (_follow_up(call, clause, _mentions(clause)) for call in calls) if c not in calls]
    calls = calls[:MAX_CALCULATIONS]
    if missing and not calls:
        return Plan(query, clarification=_clarify(missing, lang))
    hints = " ".join(dict.fromkeys(i.topic for c in calls for i in INTENTS if i.tool == c.name))
    searches = [Call("search_knowledge", {"query": f"{query} {hints}".strip(), "k": SEARCH_K, "lang": lang})]
    if premise:
        searches.append(Call("search_knowledge", {"query": premise.query, "k": 3, "lang": lang}))
    if read_act(question) in ("comply", "decide"):  # a decision may be ruled out by a clause of its format
        scope = scope_of(question, [t.question for t in earlier])
        searches.append(Call("check_policy", {"action": question, "market": scope.market, "format": scope.format}))
    return Plan(query, [*searches, *calls])


def _mentions(text: str) -> list[NumberMention]:
    return [m for m in find_numbers(text) if m.kind in ("amount", "duration")]


def _split_variations(text: str) -> tuple[str, list[str]]:
    """The main ask, and later clauses that vary it ("换成GPM 15的AI视频又要多少?", "what if it's 40%?")."""
    clauses, start = [], 0
    for match in _CLAUSE_END.finditer(text):
        clauses.append(text[start : match.end()])
        start = match.end()
    clauses.append(text[start:])
    main = [clauses[0]]
    variations = [c for c in clauses[1:] if _VARIATION.search(c) and _mentions(c)]
    main += [c for c in clauses[1:] if c not in variations]
    return "".join(main), variations


def _calculations(text: str, mentions: list[NumberMention]) -> tuple[list[Call], list[Slot]]:
    """The triggered calculations the seller's numbers fill completely, best filled first; else the
    required inputs still missing from the best-filled one (to ask for them).

    A number one calculation reads, another reads only when the question asks for it outright, and
    through the same words ("is a $15 AI video cheaper": an AI video's cost to a budget plan and to
    the comparison asked for alike). A number named as the required input of one complete
    calculation ("预算2万": a budget) is that calculation's: no other calculation reads it through a
    cue further away ("AI" as a per-video cost)."""
    triggered = [i for i in INTENTS if i.triggers.search(text)]
    alone = {i.tool: read_slots(i.slots, text, _numbers_for(i, mentions)) for i in triggered}
    claims = [s for i in triggered if not _absent(i, alone[i.tool]) for s in i.slots if s.required]
    candidates = []
    for intent in triggered:
        rivals = tuple(s for s in claims if s.tool != intent.tool)
        readings = read_slots(intent.slots, text, _numbers_for(intent, mentions), rivals) if rivals else alone[intent.tool]
        absent = _absent(intent, readings)
        candidates.append((not absent, len(readings), len(intent.triggers.findall(text)), intent, readings, absent))
    candidates.sort(key=lambda c: c[:3], reverse=True)
    calls: list[Call] = []
    read: dict[tuple[int, int], tuple[int, int]] = {}
    for complete, filled, _, intent, readings, _ in candidates:
        asked = bool(intent.asked.search(text))
        shared = [r for r in readings.values() if r.number in read]
        shares_fairly = not shared or (asked and all(read[r.number] == r.cue for r in shared))
        if complete and (filled or asked) and shares_fairly:
            calls.append(Call(intent.tool, {**_values(readings), **intent.context(text)}))
            read.update({r.number: r.cue for r in readings.values()})
    best = next((c for c in candidates if c[1]), None)
    return calls, [] if calls or not best else best[5]


def _numbers_for(intent: Intent, mentions: list[NumberMention]) -> list[NumberMention]:
    return _range_ends(mentions) if intent.split_ranges else mentions


def _absent(intent: Intent, filled: dict[str, Any]) -> list[Slot]:
    """The required inputs `filled` leaves out."""
    return [s for s in intent.slots if s.required and s.field not in filled]


@dataclass(frozen=True)
class Reading:
    """A slot's value, the number it came from and the words that named it (both as text spans)."""

    value: Any
    number: tuple[int, int]
    cue: tuple[int, int]


def fill_slots(
    slots: tuple[Slot, ...], text: str, mentions: list[NumberMention], rivals: tuple[Slot, ...] = ()
) -> dict[str, Any]:
    """The calculator inputs `read_slots` finds."""
    return _values(read_slots(slots, text, mentions, rivals))


def read_slots(
    slots: tuple[Slot, ...], text: str, mentions: list[NumberMention], rivals: tuple[Slot, ...] = ()
) -> dict[str, Reading]:
    """Give each number to the slot whose cue is nearest in its clause; each number and slot used once.

    A number that stands nearer to a cue of `rivals` (other calculations' inputs) than to any of these
    slots' cues is the rival's, and left alone here."""
    candidates = _nearness(slots, text, mentions)
    own = _nearest(candidates)
    used = {m for m, gap in _nearest(_nearness(rivals, text, mentions)).items() if gap < own.get(m, gap)}
    readings: dict[str, Reading] = {}
    for _, s_index, m_index, cue in sorted(candidates):
        slot = slots[s_index]
        if slot.field not in readings and m_index not in used:
            readings[slot.field] = Reading(slot.value(mentions[m_index]), mentions[m_index].span, cue)
            used.add(m_index)
    return readings


def _values(readings: dict[str, Reading]) -> dict[str, Any]:
    return {field: reading.value for field, reading in readings.items()}


def _nearness(
    slots: tuple[Slot, ...], text: str, mentions: list[NumberMention]
) -> list[tuple[int, int, int, tuple[int, int]]]:
    """(gap, slot index, mention index, cue span) for each number a slot can take: -1 for its unit
    written right after the number, else the characters to the slot's nearest cue in the number's
    clause (a cue past a comma counts as further than any cue on the number's side of it)."""
    candidates = []
    clause_of = _clause_index(text)
    priced = any(m.number.currency for m in mentions)
    for m_index, mention in enumerate(mentions):
        for s_index, slot in enumerate(slots):
            if not slot.accepts(mention) or (priced and slot.kind == "money" and not mention.number.currency):
                continue  # where the seller writes prices with a currency, a bare number is not a price
            if unit := slot.units.match(text, mention.span[1]):
                candidates.append((-1, s_index, m_index, unit.span()))
                continue
            cues = [c.span() for c in slot.cues.finditer(text) if clause_of(c.start()) == clause_of(mention.span[0])]
            ranked = [(_rank(text, mention.span, cue), cue) for cue in cues if _gap(mention.span, cue) <= _CUE_REACH]
            if ranked:
                rank, cue = min(ranked)
                candidates.append((rank, s_index, m_index, cue))
    return candidates


def _nearest(candidates: list[tuple[int, int, int, tuple[int, int]]]) -> dict[int, int]:
    """Each mention's smallest gap to any slot."""
    nearest: dict[int, int] = {}
    for gap, _, m_index, _ in candidates:
        nearest[m_index] = min(gap, nearest.get(m_index, gap))
    return nearest


def _range_ends(mentions: list[NumberMention]) -> list[NumberMention]:
    """Each range mention as its two ends, in the order written."""
    ends: list[NumberMention] = []
    for mention in mentions:
        parts = _RANGE_SPLIT.split(mention.raw, maxsplit=1)
        if mention.number.low is None or mention.number.high is None or len(parts) != 2:
            ends.append(mention)
            continue
        offset = mention.span[0]
        second = mention.raw.index(parts[1], len(parts[0]))
        for raw, start in ((parts[0], offset), (parts[1], offset + second)):
            try:
                ends.append(NumberMention(span=(start, start + len(raw)), raw=raw, number=parse_number(raw)))
            except NumberParseError:
                return mentions
    return ends


def _clause_index(text: str) -> Any:
    ends = [m.end() for m in _CLAUSE_END.finditer(text)]
    return lambda position: sum(1 for end in ends if end <= position)


def _rank(text: str, number: tuple[int, int], cue: tuple[int, int]) -> int:
    """The gap between a number and a cue, plus the whole reach when a comma stands between them."""
    crosses = _PHRASE_BREAK.search(text, min(number[1], cue[1]), max(number[0], cue[0]))
    return _gap(number, cue) + (_CUE_REACH if crosses else 0)


def _gap(number: tuple[int, int], cue: tuple[int, int]) -> int:
    """Characters between a number and a cue word; a cue just before the number wins ties."""
    if cue[1] <= number[0]:
        return number[0] - cue[1]
    if cue[0] >= number[1]:
        return cue[0] - number[1] + 1
    return 0


def _previous_calculations(earlier: list[Turn]) -> list[Call]:
    """The calculations of the latest earlier turn that ran any, re-planned when not recorded.

    One pass forward over at most `MAX_REPLAYED_TURNS` turns, carrying the calculations so far,
    so the work grows linearly with the history (a client may send hundreds of turns).
    """
    replayed = earlier[-MAX_REPLAYED_TURNS:]
    carried: list[Call] = []
    for i, turn in enumerate(replayed):
        calls = [Call(c["name"], dict(c["args"])) for c in turn.calls if c["name"] in _CALCULATED]
        if not turn.calls:
            calls = [c for c in _plan(turn.question, turn.lang, replayed[:i], carried).calls if c.name in _CALCULATED]
        carried = calls or carried
    return carried


def _follow_up(call: Call, text: str, mentions: list[NumberMention]) -> Call:
    """The earlier calculation with the values this text changes."""
    intent = next(i for i in INTENTS if i.tool == call.name)
    mentions = _numbers_for(intent, mentions)
    changed = fill_slots(intent.slots, text, mentions)
    if not changed and len(mentions) == 1:
        slot = next((s for s in intent.slots if s.accepts(mentions[0]) and s.field in call.args), None)
        if slot is not None:
            changed = {slot.field: slot.value(mentions[0])}
    return Call(call.name, {**call.args, **changed})


def _clarify(absent: list[Slot], lang: Lang) -> str:
    names = ("、" if lang == "zh" else ", ").join(dict.fromkeys(s.label[lang] for s in absent))
    example = absent[0].example[lang]
    if lang == "zh":
        return f"要帮您算清楚，还需要：{names}。比如：“{example}”。"
    return f"To work this out I also need: {names}. For example: \"{example}\"."
