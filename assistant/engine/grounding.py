"""The grounding check: every number in an answer has a source, and every citation is to an entry
that was retrieved and that states the numbers of the sentence it sits on.

A number is grounded when it is the seller's (any of their messages), a tool's (this turn or an
earlier one), an earlier reply's, a cited entry's, a `calculate` result over sourced values, or the
result of a sum the answer writes out over sourced values ("396 ÷ 120,000 × 1,000 ≈ 3.3").
Kinds must agree (sources.py): a percentage backs only a percentage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.messages import BaseMessage, ToolMessage

from assistant.engine import stated_math
from assistant.engine.sources import AnyOf, Conversation, Facts, Kind, facts, is_trivial, shown_digits, tool_payload, values_of
from assistant.kb.schema import Entry

CITATION = re.compile(r"\[([a-z0-9]+(?:-[a-z0-9]+)+)\]")
SEARCH_TOOL = "search_knowledge"
_SENTENCE_BREAKS = "。！？!?\n"

Problem = Literal["no_source", "uncited", "miscited", "not_retrieved"]


@dataclass(frozen=True)
class Flag:
    """One thing wrong with an answer, and what would fix it."""

    problem: Problem
    figure: str
    """The number as written, or the citation id (`not_retrieved`)."""
    stated_by: tuple[str, ...] = ()
    """Entries that state the number (for `uncited` and `miscited`)."""
    cited: tuple[str, ...] = ()
    """The citations on the sentence (for `miscited`)."""


@dataclass(frozen=True)
class GroundingReport:
    flags: tuple[Flag, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.flags

    @property
    def unsupported_numbers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.figure for f in self.flags if f.problem != "not_retrieved"))

    @property
    def unknown_citations(self) -> tuple[str, ...]:
        return tuple(f.figure for f in self.flags if f.problem == "not_retrieved")

    def describe(self) -> str:
        """One line for logs and warnings."""
        parts = []
        if self.unsupported_numbers:
            parts.append("numbers without a source: " + ", ".join(self.unsupported_numbers))
        miscited = [f for f in self.flags if f.problem == "miscited"]
        if miscited:
            parts.append("citations that do not state the sentence's numbers: "
                         + ", ".join(f"{'/'.join(f.cited)} for {f.figure}" for f in miscited))
        if self.unknown_citations:
            parts.append("citations not retrieved: " + ", ".join(self.unknown_citations))
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
        payload = tool_payload(message)
        if message.name == SEARCH_TOOL and isinstance(payload, list):
            ids.update(p["id"] for p in payload if isinstance(p, dict) and isinstance(p.get("id"), str))
        elif isinstance(payload, dict):
            ids.update(s for s in payload.get("sources", []) if isinstance(s, str))
    return ids


def check_grounding(answer: str, messages: list[BaseMessage], lookup: Callable[[str], Entry | None]) -> GroundingReport:
    """Check a draft `answer` against the conversation before it (earlier turns, the seller's
    messages, this turn's tool results)."""
    retrieved = retrieved_ids(messages)
    cited = cited_ids(answer)
    flags = [Flag("not_retrieved", c) for c in cited if c not in retrieved]
    entries = {i: facts(e) for i in sorted(retrieved | set(cited)) if (e := lookup(i)) is not None}
    sources = Conversation.of(messages)

    in_entries = AnyOf(entries.values())

    def backs_operand(value: float, kind: Kind) -> bool:
        return sources.backs_operand(value, kind, in_entries)

    sources.accept_calculations(in_entries)
    text = _blank_quotes(answer, sources.tool_lines, [entries[c] for c in cited if c in entries])
    found = stated_math.figures(text)
    sums = stated_math.vouched(text, found, backs_operand)
    sentences = _sentences(answer)
    for i, figure in enumerate(found):
        if i in sums.figures:
            continue
        here = sentences.cited_at(figure.mention.span[0])
        for value in values_of(figure.mention):
            if is_trivial(value) or sums.derived(value):
                continue
            flag = _judge(figure, value, here, cited, sources, entries)
            if flag is not None:
                flags.append(flag)
                break
    return GroundingReport(tuple(flags))


def _judge(figure: stated_math.Figure, value: float, here: list[str], cited: list[str], sources: Conversation,
           entries: dict[str, Facts]) -> Flag | None:  # fmt: skip
    """None when the value has a source fit for where it stands, else what is wrong."""
    digits = shown_digits(figure.mention.raw)
    if digits is not None and figure.kind == "percent":
        digits += 2
    if sources.known.backs(value, figure.kind, digits):
        return None
    stated_by = tuple(i for i, f in entries.items() if f.known.backs(value, figure.kind, digits))
    if here:
        if any(i in stated_by for i in here):
            return None
        return Flag("miscited", figure.mention.raw, stated_by, tuple(here)) if stated_by else Flag("no_source", figure.mention.raw)
    if any(i in cited for i in stated_by):
        return None
    return Flag("uncited", figure.mention.raw, stated_by) if stated_by else Flag("no_source", figure.mention.raw)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _blank_quotes(answer: str, tool_lines: list[str], cited: list[Facts]) -> str:
    """The answer without citation markers, and without the tool lines and cited entries' sentences
    it quotes whole (they carry their own numbers); positions are kept."""
    text = CITATION.sub(lambda m: " " * len(m.group(0)), answer)
    for quoted in (*sorted(tool_lines, key=len, reverse=True), *(s for f in cited for s in f.sentences)):
        start = text.find(quoted)
        while start >= 0:
            text = _blank(text, start, start + len(quoted))
            start = text.find(quoted, start + len(quoted))
    return text


class _Sentences:
    """Which citations sit on the sentence around a position."""

    def __init__(self, bounds: list[tuple[int, int]], cited: list[list[str]]):
        self._bounds, self._cited = bounds, cited

    def cited_at(self, position: int) -> list[str]:
        for (start, end), ids in zip(self._bounds, self._cited, strict=True):
            if start <= position < end:
                return ids
        return []


def _sentences(answer: str) -> _Sentences:
    """Sentence spans (ending at 。！？!? a line break, or a full stop before a space) and the
    citations of each; markers that open a sentence ("…100+. [id]") belong to the one before."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for i, char in enumerate(answer):
        if char in _SENTENCE_BREAKS or (char == "." and (i + 1 == len(answer) or answer[i + 1].isspace())):
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(answer) + 1))
    cited: list[list[str]] = [[] for _ in bounds]
    for marker in CITATION.finditer(answer):
        n = next(k for k, (s, e) in enumerate(bounds) if s <= marker.start() < e)
        before = CITATION.sub("", answer[bounds[n][0] : marker.start()])
        if n and not before.strip():
            n -= 1
        if marker.group(1) not in cited[n]:
            cited[n].append(marker.group(1))
    return _Sentences(bounds, cited)
