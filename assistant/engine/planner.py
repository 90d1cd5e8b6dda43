"""The offline engine's planner: which tools to call for a question, with which inputs.

Intent comes from trigger words (zh and en) and the numbers the seller typed; each number goes
to the input whose cue stands nearest to it in the same clause. A later clause or a follow-up
message reuses the calculations before it with the values it changes. Nothing here does
arithmetic: the calculators do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.engine.conversation import Conversation
from assistant.engine.guard import looks_like_follow_up
from assistant.engine.intents import INTENTS, Slot
from assistant.kb.schema import Lang
from assistant.tools.numbers import NumberMention, NumberParseError, find_numbers, parse_number

SEARCH_K = 6
MAX_CALCULATIONS = 3
"""The main calculation and up to two variations of it."""
_CUE_REACH = 40
"""A number further than this many characters from every cue of a slot is not that slot's value."""
_CLAUSE_END = re.compile(r"[；;。！？!?\n]|\.(?=\s)")
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
    question = conversation.question
    previous = _previous_calculations(conversation)
    query = question
    if conversation.earlier and (looks_like_follow_up(question) or _REFERS_BACK.search(question)):
        query = f"{conversation.earlier[-1].question} {question}"

    main, variations = _split_variations(question)
    calls, missing = _calculations(main, _mentions(main))
    if not calls and previous and looks_like_follow_up(question):
        calls = [_follow_up(call, main, _mentions(main)) for call in previous]
    for clause in variations:
        calls += [c for c in (_follow_up(call, clause, _mentions(clause)) for call in calls) if c not in calls]
    calls = calls[:MAX_CALCULATIONS]
    if missing and not calls:
        return Plan(query, clarification=_clarify(missing, conversation.lang))
    hints = " ".join(dict.fromkeys(i.topic for c in calls for i in INTENTS if i.tool == c.name))
    search = Call("search_knowledge", {"query": f"{query} {hints}".strip(), "k": SEARCH_K, "lang": conversation.lang})
    return Plan(query, [search, *calls])


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
    """The triggered calculation the seller's numbers fill best and completely; else the required
    inputs still missing from the best-filled one (to ask for them)."""
    candidates = []
    for intent in (i for i in INTENTS if i.triggers.search(text)):
        args = fill_slots(intent.slots, text, _range_ends(mentions) if intent.split_ranges else mentions)
        absent = [s for s in intent.slots if s.required and s.field not in args]
        candidates.append((not absent, len(args), len(intent.triggers.findall(text)), intent, args, absent))
    candidates.sort(key=lambda c: c[:3], reverse=True)
    for complete, filled, _, intent, args, _ in candidates:
        if complete and (filled or intent.standalone.search(text)):
            return [Call(intent.tool, {**args, **intent.context(text)})], []
    best = next((c for c in candidates if c[1]), None)
    return [], best[5] if best else []


def fill_slots(slots: tuple[Slot, ...], text: str, mentions: list[NumberMention]) -> dict[str, Any]:
    """Give each number to the slot whose cue is nearest in its clause; each number and slot used once."""
    candidates = []
    clause_of = _clause_index(text)
    priced = any(m.number.currency for m in mentions)
    for m_index, mention in enumerate(mentions):
        for s_index, slot in enumerate(slots):
            if not slot.accepts(mention) or (priced and slot.kind == "money" and not mention.number.currency):
                continue  # where the seller writes prices with a currency, a bare number is not a price
            if slot.units.match(text, mention.span[1]):
                candidates.append((-1, s_index, m_index))
                continue
            gaps = [_gap(mention.span, c.span()) for c in slot.cues.finditer(text)
                    if clause_of(c.start()) == clause_of(mention.span[0])]  # fmt: skip
            if gaps and min(gaps) <= _CUE_REACH:
                candidates.append((min(gaps), s_index, m_index))
    args: dict[str, Any] = {}
    used: set[int] = set()
    for _, s_index, m_index in sorted(candidates):
        slot = slots[s_index]
        if slot.field not in args and m_index not in used:
            args[slot.field] = slot.value(mentions[m_index])
            used.add(m_index)
    return args


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


def _gap(number: tuple[int, int], cue: tuple[int, int]) -> int:
    """Characters between a number and a cue word; a cue just before the number wins ties."""
    if cue[1] <= number[0]:
        return number[0] - cue[1]
    if cue[0] >= number[1]:
        return cue[0] - number[1] + 1
    return 0


def _previous_calculations(conversation: Conversation) -> list[Call]:
    """The calculations of the latest earlier turn that ran any, re-planned when not recorded."""
    for i in range(len(conversation.earlier) - 1, -1, -1):
        turn = conversation.earlier[i]
        recorded = [Call(c["name"], dict(c["args"])) for c in turn.calls if c["name"] != "search_knowledge"]
        if not turn.calls:
            earlier = Conversation(turn.question, turn.lang, conversation.earlier[:i], [])
            recorded = [c for c in plan_turn(earlier).calls if c.name != "search_knowledge"]
        if recorded:
            return recorded
    return []


def _follow_up(call: Call, text: str, mentions: list[NumberMention]) -> Call:
    """The earlier calculation with the values this text changes."""
    intent = next(i for i in INTENTS if i.tool == call.name)
    mentions = _range_ends(mentions) if intent.split_ranges else mentions
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
