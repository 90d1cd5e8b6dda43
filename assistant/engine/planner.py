"""The offline engine's planner: which tools to call for a question, with which inputs.

Intent comes from cue words (zh and en) and the numbers the seller typed; each number goes to
the input whose cue word stands nearest to it. Follow-ups reuse the last turn's calculations
with the new values. Nothing here does arithmetic: the calculators do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.engine.conversation import Conversation
from assistant.engine.guard import looks_like_follow_up
from assistant.engine.intents import INTENTS, Intent, Slot
from assistant.kb.schema import Lang
from assistant.tools.numbers import NumberMention, find_numbers

SEARCH_K = 6
MAX_CALCULATIONS = 2
_CUE_REACH = 14
"""A number further than this many characters from every cue of a slot is not that slot's value."""



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
    mentions = [m for m in find_numbers(question) if m.kind in ("amount", "duration")]
    matched = [i for i in INTENTS if i.triggers.search(question)]
    previous = _previous_calculations(conversation)
    if not matched and previous and looks_like_follow_up(question):
        calls = [_follow_up(call, question, mentions) for call in previous]
        query = f"{conversation.earlier[-1].question} {question}"
        return Plan(query, [Call("search_knowledge", {"query": query, "k": SEARCH_K}), *calls])

    calls, missing = [], []
    for intent in sorted(matched, key=lambda i: -_score(i, question, mentions))[:MAX_CALCULATIONS]:
        args = fill_slots(intent.slots, question, mentions)
        absent = [s for s in intent.slots if s.required and s.field not in args]
        if absent:
            missing.append((intent, absent))
            continue
        args.update(intent.context(question))
        calls.append(Call(intent.tool, args))
    if missing and not calls and mentions:
        return Plan(question, clarification=_clarify(missing[0][1], conversation.lang))
    return Plan(question, [Call("search_knowledge", {"query": question, "k": SEARCH_K}), *calls])


def fill_slots(slots: tuple[Slot, ...], text: str, mentions: list[NumberMention]) -> dict[str, Any]:
    """Give each number to the slot whose cue is nearest; each number and slot used once."""
    candidates = []
    for m_index, mention in enumerate(mentions):
        for s_index, slot in enumerate(slots):
            if not slot.accepts(mention):
                continue
            distance = min((_gap(mention.span, c.span()) for c in slot.cues.finditer(text)), default=None)
            if distance is not None and distance <= _CUE_REACH:
                candidates.append((distance, s_index, m_index))
    args: dict[str, Any] = {}
    used: set[int] = set()
    for _, s_index, m_index in sorted(candidates):
        slot = slots[s_index]
        if slot.field not in args and m_index not in used:
            args[slot.field] = slot.value(mentions[m_index])
            used.add(m_index)
    return args


def _gap(number: tuple[int, int], cue: tuple[int, int]) -> int:
    """Characters between a number and a cue word; a cue just before the number wins ties."""
    if cue[1] <= number[0]:
        return number[0] - cue[1]
    if cue[0] >= number[1]:
        return cue[0] - number[1] + 1
    return 0


def _score(intent: Intent, text: str, mentions: list[NumberMention]) -> int:
    return 10 * len(intent.triggers.findall(text)) + len(fill_slots(intent.slots, text, mentions))


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


def _follow_up(call: Call, question: str, mentions: list[NumberMention]) -> Call:
    """The earlier calculation with the values this message changes."""
    intent = next(i for i in INTENTS if i.tool == call.name)
    changed = fill_slots(intent.slots, question, mentions)
    if not changed and len(mentions) == 1:
        slot = next((s for s in intent.slots if s.accepts(mentions[0]) and s.field in call.args), None)
        if slot is not None:
            changed = {slot.field: slot.value(mentions[0])}
    return Call(call.name, {**call.args, **changed})


def _clarify(absent: list[Slot], lang: Lang) -> str:
    names = ("、" if lang == "zh" else ", ").join(s.label[lang] for s in absent)
    example = absent[0].example[lang]
    if lang == "zh":
        return f"要帮您算清楚，还需要：{names}。比如：“{example}”。"
    return f"To work this out I also need: {names}. For example: \"{example}\"."


