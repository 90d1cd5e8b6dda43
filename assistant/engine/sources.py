"""Where an answer's numbers may come from: the seller's messages, tool results (this turn or an
earlier one), earlier replies, knowledge entries, and `calculate` results over those.

Every value keeps its kind. Percentages are fractions ("15%" is 0.15), so a GPM of 13 never backs
"13%" and "30%" never backs "30 days"; a figure written with % is backed only by a percentage or by
a bare tool figure, and a bare number never by a percentage.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from assistant.engine.conversation import is_user_message
from assistant.kb.schema import Entry
from assistant.tools.calculate import CALCULATE_TOOL
from assistant.tools.expression import ExpressionError, literals, parse
from assistant.tools.numbers import NumberMention, find_numbers

Kind = Literal["percent", "money", "duration", "number"]
"""`number`: a bare figure (a JSON value of a tool, or a number written without a unit)."""

REL_TOL = 0.01
CONSTANTS = frozenset({100.0, 1000.0, 7.0, 12.0, 24.0, 30.0, 31.0, 52.0, 60.0, 365.0})
"""Numbers an expression may write in itself: per cent, per mille, days, months, weeks."""
IGNORED_BELOW = 10
"""Small whole numbers (list numbering, "3 waves") are never checked."""

_BACKS: dict[Kind, frozenset[Kind]] = {
    "percent": frozenset({"percent", "number"}),
    "money": frozenset({"money", "number"}),
    "duration": frozenset({"duration", "number"}),
    "number": frozenset({"money", "number", "duration"}),
}
"""For a figure of each kind in the answer, the kinds of source value that may back it."""


def kind_of(mention: NumberMention) -> Kind:
    if mention.number.unit == "percent":
        return "percent"
    if mention.number.currency:
        return "money"
    return "duration" if mention.kind == "duration" else "number"


def values_of(mention: NumberMention) -> list[float]:
    """A range's ends (an open range has one), or the single value."""
    ends = [v for v in (mention.number.low, mention.number.high) if v is not None]
    return ends or [mention.number.value]


def is_trivial(value: float) -> bool:
    return value.is_integer() and abs(value) <= IGNORED_BELOW


def tolerance(value: float, shown_digits: int | None = None) -> float:
    """How far a source value may be from a figure written as `value`: 1%, or half its last written
    digit when it has two significant digits or more ("3.8" for 3.75, "6.7%" for 0.0667)."""
    tol = abs(value) * REL_TOL + 1e-9
    if shown_digits is not None and abs(value) * 10**shown_digits >= 10:
        tol = max(tol, 0.5 * 10**-shown_digits + 1e-12)
    return tol


class Backs(Protocol):
    def backs(self, value: float, kind: Kind, shown_digits: int | None = None) -> bool: ...


class Known:
    """Values by kind, looked up within tolerance."""

    def __init__(self) -> None:
        self._by_kind: dict[Kind, list[float]] = {"percent": [], "money": [], "duration": [], "number": []}

    def add(self, value: float, kind: Kind) -> None:
        if math.isfinite(value):
            bisect.insort(self._by_kind[kind], value)

    def add_text(self, text: str) -> None:
        for mention in find_numbers(text):
            for value in {mention.number.value, *values_of(mention)}:
                self.add(value, kind_of(mention))

    def backs(self, value: float, kind: Kind, shown_digits: int | None = None) -> bool:
        """A value of a kind that may back a figure of `kind` lies within tolerance of `value`."""
        tol = tolerance(value, shown_digits)
        for source_kind in _BACKS[kind]:
            found = self._by_kind[source_kind]
            i = bisect.bisect_left(found, value - tol)
            if i < len(found) and found[i] <= value + tol:
                return True
        return False


def shown_digits(raw: str) -> int | None:
    """Decimals written in a figure ("3.75" → 2, "6,667" → 0); None when unclear (10万, 1.5w, 3k)."""
    digits = re.sub(r"[^\d.]", "", raw.split("-")[0])
    if any(c.isalpha() or c in "万亿千" for c in raw):
        return None
    whole, _, decimals = digits.partition(".")
    return len(decimals) if whole or decimals else None


@dataclass(frozen=True)
class Facts:
    """What an entry vouches for: its numbers by kind, and its sentences with digits (an answer may quote them)."""

    entry: Entry
    known: Known
    sentences: tuple[str, ...]


class AnyOf:
    """Several entries' values as one source."""

    def __init__(self, entries: Iterable[Facts]):
        self._entries = list(entries)

    def backs(self, value: float, kind: Kind, shown_digits: int | None = None) -> bool:
        return any(f.known.backs(value, kind, shown_digits) for f in self._entries)


_FACTS: dict[int, Facts] = {}
_SENTENCE_END = re.compile(r"(?:(?<=[。！？；!?])|(?<=\.)(?!\d))\s*")
"""Where an entry sentence ends; a decimal point (1.02) is not an end."""


def facts(entry: Entry) -> Facts:
    """Computed once per entry (entries never change)."""
    cached = _FACTS.get(id(entry))
    if cached is None or cached.entry is not entry:
        texts = [t for f in (entry.title, entry.text, entry.guidance) for t in (f.zh, f.en)]
        sentences = tuple(s for t in texts for s in _SENTENCE_END.split(t) if len(s) > 8 and any(c.isdigit() for c in s))
        known = Known()
        for text in texts:
            known.add_text(text)
        known.add_text(" ".join(str(d) for d in (entry.source.date, entry.source.accessed, entry.reviewed, entry.review_by) if d))
        for value in entry.numbers.values():
            if isinstance(value, int | float) and not isinstance(value, bool):
                known.add(float(value), "number")
        cached = _FACTS[id(entry)] = Facts(entry, known, sentences)
    return cached


def tool_payload(message: ToolMessage) -> Any:
    text = message.text.strip()
    if not text or text[0] not in "[{":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def leaves(payload: Any) -> Iterator[str | float]:
    """The numbers and strings of a JSON payload (strings holding JSON opened too)."""
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int | float):
            yield float(item)
        elif isinstance(item, str):
            inner = item.strip()
            if inner[:1] in ("[", "{"):
                try:
                    stack.append(json.loads(inner))
                    continue
                except ValueError:
                    pass
            yield item


@dataclass
class Conversation:
    """The sources of one answer: everything but `calculate` results and entries, which are judged apart."""

    known: Known = field(default_factory=Known)
    tool_lines: list[str] = field(default_factory=list)
    """Texts of tool results (steps, headlines, worked lines): an answer may quote them whole."""
    calculations: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, messages: Iterable[BaseMessage]) -> Conversation:
        sources = cls()
        messages = list(messages)
        asked = max((i for i, m in enumerate(messages) if is_user_message(m)), default=len(messages))
        for i, message in enumerate(messages):
            if isinstance(message, ToolMessage):
                sources._add_tool(message)
            elif is_user_message(message):
                sources.known.add_text(message.text)
            elif isinstance(message, AIMessage) and not message.tool_calls and i < asked:
                sources.known.add_text(message.text)  # an earlier turn's reply; never a draft of this turn
        return sources

    def _add_tool(self, message: ToolMessage) -> None:
        payload = tool_payload(message)
        if payload is None:
            return
        if message.name == CALCULATE_TOOL and isinstance(payload, dict) and "result" in payload:
            self.calculations.append(payload)
            return
        if isinstance(payload, list):  # search passages: their figures count only when the entry is cited
            return
        for leaf in leaves(payload):
            if isinstance(leaf, float):
                self.known.add(leaf, "number")
            elif any(c.isdigit() for c in leaf):
                self.known.add_text(leaf)
                if len(leaf) > 8:
                    self.tool_lines.append(leaf)

    def accept_calculations(self, entries: Backs) -> list[str]:
        """Add each `calculate` result whose operands all have a source (in order: a later one may use an
        earlier one's result); its worked lines become quotable. Returns the expressions refused."""
        refused = []
        for calc in self.calculations:
            operands = [(float(v), "percent" if name in calc.get("percent_values", []) else "number")
                        for name, v in (calc.get("values") or {}).items()]
            try:
                operands += [(v, "number") for v in literals(parse(str(calc.get("expression", ""))))]
            except ExpressionError:
                refused.append(str(calc.get("expression")))
                continue
            if all(self.backs_operand(v, k, entries) for v, k in operands):
                unit = calc.get("unit")
                self.known.add(float(calc["result"]), "percent" if unit == "percent" else "money" if unit == "money" else "number")
                self.tool_lines += [line for line in (calc.get("worked") or {}).values() if isinstance(line, str)]
            else:
                refused.append(str(calc.get("expression")))
        return refused

    def backs_operand(self, value: float, kind: Kind, entries: Backs) -> bool:
        """An operand of a sum: a constant, or a value some source gives (a percentage also as its fraction)."""
        if is_trivial(value) or value in CONSTANTS:
            return True
        kinds: tuple[Kind, ...] = ("percent", "number") if kind == "percent" else ("number", "percent")
        return any(known.backs(value, k) for known in (self.known, entries) for k in kinds)
