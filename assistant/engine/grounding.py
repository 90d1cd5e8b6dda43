"""The grounding check: every number in an answer has a source, every citation was retrieved."""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import ToolMessage

from assistant.kb.schema import Entry
from assistant.tools.numbers import find_numbers

CITATION = re.compile(r"\[([a-z0-9]+(?:-[a-z0-9]+)+)\]")
SEARCH_TOOL = "search_knowledge"
_REL_TOL = 0.01
_IGNORED_BELOW = 10
"""Small integers (list numbering, "3 waves") are not checked."""


@dataclass(frozen=True)
class GroundingReport:
    unsupported_numbers: tuple[str, ...] = ()
    unknown_citations: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.unsupported_numbers or self.unknown_citations)

    def describe(self) -> str:
        parts = []
        if self.unsupported_numbers:
            parts.append("numbers without a source: " + ", ".join(self.unsupported_numbers))
        if self.unknown_citations:
            parts.append("citations not retrieved in this turn: " + ", ".join(self.unknown_citations))
        return "; ".join(parts)


def cited_ids(text: str) -> list[str]:
    """Citation ids in order of first appearance."""
    return list(dict.fromkeys(CITATION.findall(text)))


def retrieved_ids(messages: Iterable[Any]) -> set[str]:
    """Entry ids the tools brought in: search hits, and the entries calculators took defaults from."""
    ids: set[str] = set()
    for message in messages:
        if not isinstance(message, ToolMessage):
            continue
        payload = _json(message.text)
        if message.name == SEARCH_TOOL and isinstance(payload, list):
            ids.update(p["id"] for p in payload if isinstance(p, dict) and "id" in p)
        elif isinstance(payload, dict):
            ids.update(s for s in payload.get("sources", []) if isinstance(s, str))
    return ids


def check_grounding(
    answer: str, turn: list[Any], user_text: str, lookup: Callable[[str], Entry | None]
) -> GroundingReport:
    """Check `answer` against this turn's tool results, the cited entries and the user's message."""
    retrieved = retrieved_ids(turn)
    citations = cited_ids(answer)
    unknown = tuple(c for c in citations if c not in retrieved)
    calculated = [leaf for m in turn if isinstance(m, ToolMessage) and m.name != SEARCH_TOOL for leaf in _leaves(m.text)]
    facts = [_facts(entry) for entry in filter(None, map(lookup, retrieved | set(citations)))]
    text = CITATION.sub(" ", answer)
    for line in (leaf for leaf in calculated if isinstance(leaf, str) and len(leaf) > 8):
        text = text.replace(line, " ")  # a calculator's own line (a step, the formula) carries its numbers
    for fact in facts:
        for sentence in fact.sentences:  # a sentence quoted from an entry carries that entry's numbers
            text = text.replace(sentence, " ")
    pending = list(_answer_numbers(text))
    for values in _sources(calculated, user_text, facts):
        if not pending:
            break
        known = _Known(values)
        pending = [(raw, value) for raw, value in pending if value not in known]
    return GroundingReport(tuple(dict.fromkeys(raw for raw, _ in pending)), unknown)


def _sources(calculated: list[str | float], user_text: str, facts: list[_Facts]) -> Iterator[Iterable[float]]:
    """The values that may back an answer's numbers, cheapest first: reading the numbers out of the
    calculators' texts costs most and is only needed for what the figures themselves do not cover."""
    yield [leaf for leaf in calculated if isinstance(leaf, float)]
    yield [value for fact in facts for value in fact.values]
    yield _values_of(user_text)
    yield [value for leaf in calculated if isinstance(leaf, str) for value in _values_of(leaf)]


def _answer_numbers(text: str) -> Iterator[tuple[str, float]]:
    for mention in find_numbers(text):
        for value in _parts(mention.number):
            if not (value.is_integer() and abs(value) <= _IGNORED_BELOW):
                yield mention.raw, value


def _parts(number: Any) -> list[float]:
    """A range's ends (an open range has one), or the single value."""
    ends = [v for v in (number.low, number.high) if v is not None]
    return ends or [number.value]


def _values_in(text: str) -> Iterator[float]:
    """Every number in a text, and inside JSON payloads every numeric value and string."""
    for leaf in _leaves(text):
        yield from _values_of(leaf)


def _values_of(leaf: str | float) -> Iterator[float]:
    if isinstance(leaf, float):
        yield leaf
        return
    for mention in find_numbers(leaf):
        yield mention.number.value
        yield from _parts(mention.number)


def _leaves(text: str) -> list[str | float]:
    """The numbers and strings of a JSON payload (strings holding JSON opened too); a plain text is its own leaf."""
    payload = _json(text)
    if payload is None:
        return [text]
    leaves: list[str | float] = []
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int | float):
            leaves.append(float(item))
        elif isinstance(item, str):
            leaves.extend(_leaves(item))
    return leaves


@dataclass(frozen=True)
class _Facts:
    entry: Entry
    values: tuple[float, ...]
    """Every number the entry states (texts, figures, dates)."""
    sentences: tuple[str, ...]
    """Its sentences that contain digits, as an answer may quote them."""


_FACTS: dict[int, _Facts] = {}
_SENTENCE_END = re.compile(r"(?<=[。！？；.!?])\s*")


def _facts(entry: Entry) -> _Facts:
    """What an entry can vouch for; entries never change, so computed once each."""
    cached = _FACTS.get(id(entry))
    if cached is None or cached.entry is not entry:
        texts = [t for f in (entry.title, entry.text, entry.guidance) for t in (f.zh, f.en)]
        sentences = tuple(s for t in texts for s in _SENTENCE_END.split(t) if len(s) > 8 and any(c.isdigit() for c in s))
        texts.append(" ".join(str(d) for d in (entry.source.date, entry.source.accessed, entry.reviewed, entry.review_by) if d))
        texts.append(json.dumps({k: v for k, v in entry.numbers.items() if not isinstance(v, str)}))
        cached = _FACTS[id(entry)] = _Facts(entry, tuple(v for t in texts for v in _values_in(t)), sentences)
    return cached


class _Known:
    """Source values, looked up within tolerance, also across the percent and fraction forms of a rate."""

    def __init__(self, values: Iterable[float]):
        self._sorted = sorted({form for v in values for form in (v, v * 100, v / 100)})

    def __contains__(self, value: float) -> bool:
        i = bisect.bisect_left(self._sorted, value)
        return any(
            math.isclose(value, self._sorted[j], rel_tol=_REL_TOL, abs_tol=1e-9)
            for j in (i - 1, i)
            if 0 <= j < len(self._sorted)
        )


def _json(text: str) -> Any:
    text = text.strip()
    if not text or text[0] not in "[{":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
