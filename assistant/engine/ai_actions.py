"""What a seller's message says is made or done with AI: concepts and their qualifiers.

The vocabulary is data (`lexicon/ai_actions.yaml`, both languages, with examples); this module only
finds its terms in a message and attaches each qualifier to the concept it belongs to. The rulings
(`assistant/kb/rulings.py`) match rule clauses on what it reads, never on words anywhere.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.kb.schema import Bilingual
from assistant.yaml_fast import safe_load

LEXICON_PATH = Path(__file__).with_name("lexicon") / "ai_actions.yaml"
DERIVED_QUALIFIERS = frozenset({"light_only", "ai_content", "faceless"})
"""Qualifiers read from the whole message rather than from words: `light_only` (AI does only light
work), `ai_content` (the message is about AI-made content), `faceless` (no person on screen)."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+")
_CLAUSE_BREAK = frozenset("。！？；!?;，,、\n：:")
"""Characters that end one clause of a message: a qualifier belongs to a concept of its own clause."""
_SPACE_BY_CJK = re.compile(r"(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pair(_Strict):
    """A concept named by two words near each other ("衣服的颜色", "the colour of the dress")."""

    first: list[str] = Field(min_length=1)
    second: list[str] = Field(min_length=1)
    within: int = Field(ge=1, le=40)


class LexiconItem(_Strict):
    """One concept, qualifier, ask or the AI markers: its words and the messages that test them."""

    means: Bilingual
    terms: list[str] = Field(default_factory=list)
    implying: dict[str, list[str]] = Field(default_factory=dict)
    pairs: list[Pair] = Field(default_factory=list)
    examples: list[str] = Field(min_length=1)
    not_: list[str] = Field(default_factory=list, alias="not")
    ai: bool = False
    heavy: bool = False
    light: bool = False
    meta: bool = False
    subsumes: list[str] = Field(default_factory=list)
    marks: list[str] = Field(default_factory=list)
    cancels: list[str] = Field(default_factory=list)
    """Qualifiers this one contradicts: read together, they are dropped (misleading cancels genuine)."""
    """Qualifiers a message naming this concept sets on every action it reads ("不露脸": `faceless`)."""
    scope: Literal["nearest", "message"] = "nearest"

    @model_validator(mode="after")
    def _named(self) -> LexiconItem:
        if not (self.terms or self.implying or self.pairs):
            raise ValueError("needs terms, implying or pairs")
        return self


class Lexicon(_Strict):
    markers: LexiconItem
    concepts: dict[str, LexiconItem]
    qualifiers: dict[str, LexiconItem]
    asks: dict[str, LexiconItem]

    @model_validator(mode="after")
    def _consistent(self) -> Lexicon:
        names = [*self.concepts, *self.qualifiers, *self.asks]
        if len(set(names)) != len(names):
            raise ValueError("a name is both a concept, a qualifier or an ask")
        for name, item in {**self.concepts, **self.qualifiers}.items():
            unknown = [q for q in item.implying if q not in self.qualifiers]
            unknown += [c for c in item.subsumes if c not in self.concepts]
            unknown += [q for q in item.cancels if q not in self.qualifiers]
            unknown += [q for q in item.marks if q not in DERIVED_QUALIFIERS]
            if unknown:
                raise ValueError(f"{name}: unknown {unknown}")
        return self

    @property
    def generic(self) -> frozenset[str]:
        """Concepts about AI content as a whole (its label), not one thing done with AI."""
        return frozenset({"content"})


@functools.cache
def lexicon() -> Lexicon:
    """The lexicon, read and checked once per process."""
    return Lexicon.model_validate(safe_load(LEXICON_PATH.read_text(encoding="utf-8")))


def normalize(text: str) -> str:
    """Case-folded NFKC text with spaces beside Chinese characters dropped ("AI 配音" = "ai配音")."""
    return _SPACE_BY_CJK.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class _Term:
    """A term as matched: Chinese text as a substring, Latin text as a sequence of words."""

    text: str
    words: tuple[str, ...]

    @classmethod
    def of(cls, term: str) -> _Term:
        text = normalize(term)
        return cls(text, () if _CJK.search(text) else tuple(w.replace("*", "") + ("*" if w.endswith("*") else "")
                                                               for w in re.findall(r"[a-z0-9*]+", text)))


def _word_matches(word: str, pattern: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word in (pattern, pattern + "s", pattern + "es")


@dataclass(frozen=True)
class _Text:
    """A message prepared once for every term: normalized, with its words and clause of each position."""

    text: str
    words: list[tuple[int, int, str]]
    clause_at: list[int]

    @classmethod
    def of(cls, message: str) -> _Text:
        text = normalize(message)
        clause, clause_at = 0, []
        for ch in text:
            clause_at.append(clause)
            clause += ch in _CLAUSE_BREAK
        return cls(text, [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)], clause_at)

    def find(self, term: _Term) -> Iterable[tuple[int, int]]:
        if not term.words:
            start = self.text.find(term.text)
            while start >= 0 and term.text:
                yield start, start + len(term.text)
                start = self.text.find(term.text, start + 1)
            return
        n = len(term.words)
        for i in range(len(self.words) - n + 1):
            run = self.words[i : i + n]
            if all(_word_matches(w, p) for (_, _, w), p in zip(run, term.words, strict=True)) and self._joined(run):
                yield run[0][0], run[-1][1]

    def _joined(self, run: list[tuple[int, int, str]]) -> bool:
        """Consecutive words with only spaces, hyphens, apostrophes or slashes between them."""
        return all(not self.text[a[1] : b[0]].strip(" -'’/") for a, b in zip(run, run[1:], strict=False))


@dataclass(frozen=True)
class _Hit:
    kind: Literal["concept", "qualifier", "ask"]
    name: str
    spans: tuple[tuple[int, int], ...]
    implies: frozenset[str] = frozenset()

    @property
    def size(self) -> int:
        return sum(end - start for start, end in self.spans)

    @property
    def start(self) -> int:
        return min(s for s, _ in self.spans)

    @property
    def end(self) -> int:
        return max(e for _, e in self.spans)

    def overlaps(self, other: _Hit) -> bool:
        return any(a < d and c < b for a, b in self.spans for c, d in other.spans)

    def within(self, other: _Hit) -> bool:
        return all(any(c <= a and b <= d for c, d in other.spans) for a, b in self.spans)

    def yields_to(self, longer: _Hit) -> bool:
        """A term inside a longer one yields ("打标" in "不打标"), and so does a shorter term of the same
        name; terms that only partly overlap both stand ("real customer" + "customer review"; the AI
        voice and the voice clone of "AI给自己的声音做了克隆", where `subsumes` then keeps the clone)."""
        if self.kind == "concept" and len(self.spans) > 1 and longer.kind == "concept" and any(
                _Hit(self.kind, self.name, (s,)).within(longer) for s in self.spans):
            return True  # a word a longer concept already uses is not free to pair ("AI product video" … "size")
        same = (self.kind, self.name) == (longer.kind, longer.name)
        if len(longer.spans) > 1:  # a pair's two words never swallow a term that stands between or on them
            return same and self.overlaps(longer)
        return self.overlaps(longer) and (self.within(longer) or same)


@dataclass(frozen=True)
class AiAction:
    """One thing the message says is made or done (a lexicon concept), as the seller named it."""

    concept: str
    words: str
    """The words that named it (normalized)."""
    span: tuple[int, int]
    qualifiers: frozenset[str]
    """What the message says about it: own, real_time, accurate, altered, labelled, authorized, genuine…"""
    with_ai: bool
    """AI does it (the concept is AI by nature, an AI marker names it, or it is part of an AI-made video)."""


@dataclass(frozen=True)
class AiReading:
    """Everything the message says about AI: the actions, and whether it asks about reach or penalties."""

    actions: tuple[AiAction, ...]
    asks: frozenset[str]
    mentions_ai: bool
    terms: tuple[str, ...] = field(default=())
    """Every term read, for tracing."""

    def concepts(self) -> list[str]:
        return [a.concept for a in self.actions]


@functools.cache
def _compiled() -> tuple[list[tuple[str, str, _Term, frozenset[str]]], list[tuple[str, str, Pair]], list[_Term]]:
    """Every term of the lexicon, compiled once: (kind, name, term, qualifiers it implies)."""
    lex = lexicon()
    terms: list[tuple[str, str, _Term, frozenset[str]]] = []
    pairs: list[tuple[str, str, Pair]] = []
    for kind, group in (("concept", lex.concepts), ("qualifier", lex.qualifiers), ("ask", lex.asks)):
        for name, item in group.items():
            terms += [(kind, name, _Term.of(t), frozenset()) for t in item.terms]
            terms += [(kind, name, _Term.of(t), frozenset({q})) for q, ts in item.implying.items() for t in ts]
            pairs += [(kind, name, p) for p in item.pairs]
    return terms, pairs, [_Term.of(t) for t in lex.markers.terms]


def _hits(text: _Text) -> list[_Hit]:
    """The lexicon's terms in `text`, overlaps resolved (`_Hit.yields_to`): the longest wins, then the earliest."""
    terms, pairs, _ = _compiled()
    found = [_Hit(kind, name, (span,), implies) for kind, name, term, implies in terms for span in text.find(term)]  # type: ignore[arg-type]
    for kind, name, pair in pairs:
        firsts = [s for t in pair.first for s in text.find(_Term.of(t))]
        seconds = [s for t in pair.second for s in text.find(_Term.of(t))]
        for a in firsts:
            for b in seconds:
                gap = max(b[0] - a[1], a[0] - b[1])
                if 0 <= gap <= pair.within and text.clause_at[a[0]] == text.clause_at[b[0]]:
                    found.append(_Hit(kind, name, (a, b)))  # type: ignore[arg-type]
    kept: list[_Hit] = []
    for hit in sorted(found, key=lambda h: (-h.size, h.start)):
        if not any(hit.yields_to(k) for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


_FOLLOWING_BONUS = 2
"""A qualifier stands before what it qualifies ("真实买家的评价视频", "a real customer review"): a concept
after it counts this many characters nearer than one before it."""


def _distance(a: _Hit | tuple[int, int], b: _Hit) -> float:
    """Characters between a qualifier or marker `a` and a concept `b`; overlapping ones belong together."""
    start, end = (a.start, a.end) if isinstance(a, _Hit) else a
    if start < b.end and b.start < end:
        return -float("inf")
    gap = max(b.start - end, start - b.end, 0)
    return gap - _FOLLOWING_BONUS if b.start >= end else gap


def _nearest(concepts: list[_Hit], where: _Hit | tuple[int, int], clause_at: list[int]) -> list[_Hit]:
    """The concepts of the same clause nearest to `where`, else the nearest in the whole message."""
    start = where.start if isinstance(where, _Hit) else where[0]
    same = [c for c in concepts if clause_at[c.start] == clause_at[start]]
    pool = same or concepts
    if not pool:
        return []
    best = min(_distance(where, c) for c in pool)
    return [c for c in pool if _distance(where, c) == best]


def read_ai(message: str) -> AiReading:
    """What `message` says is made or done with AI, with its qualifiers, and what it asks about."""
    lex = lexicon()
    text = _Text.of(message)
    hits = _hits(text)
    concepts = _without_subsumed([h for h in hits if h.kind == "concept"], text.clause_at)
    qualifiers: dict[int, set[str]] = {id(c): set(c.implies) for c in concepts}
    for hit in (h for h in hits if h.kind == "qualifier"):
        scope = lex.qualifiers[hit.name].scope
        for concept in concepts if scope == "message" else _nearest(concepts, hit, text.clause_at):
            qualifiers[id(concept)] |= {hit.name, *hit.implies}
    widespread = {q for quals in qualifiers.values() for q in quals if lex.qualifiers[q].scope == "message"}
    for quals in qualifiers.values():  # a message-wide qualifier a concept implies ("地震": misleading) holds for all
        quals |= widespread
        quals -= {c for q in list(quals) for c in lex.qualifiers[q].cancels}
    markers = [span for term in _compiled()[2] for span in text.find(term)]
    real = {id(c) for c in concepts if "genuine" in qualifiers[id(c)]}
    # an AI marker names what AI does: never the label itself, nor a thing the seller says is real
    doers = [c for c in concepts if not lex.concepts[c.name].meta and id(c) not in real]
    marked = {id(c) for span in markers for c in _nearest(doers, span, text.clause_at)}
    by_ai = {id(c) for c in concepts if lex.concepts[c.name].ai or id(c) in marked}
    ai_video = any(c.name == "content" or (id(c) in by_ai and lex.concepts[c.name].heavy) for c in concepts)
    actions: dict[str, AiAction] = {}
    for hit in concepts:
        item = lex.concepts[hit.name]
        quals = frozenset(qualifiers[id(hit)])
        with_ai = id(hit) in by_ai or (ai_video and item.heavy and not quals & _REAL)
        action = AiAction(hit.name, text.text[hit.start : hit.end], (hit.start, hit.end), quals, with_ai)
        if hit.name in actions:  # one concept named twice: one action, with what both mentions say
            before = actions[hit.name]
            action = AiAction(hit.name, before.words, before.span, before.qualifiers | quals, before.with_ai or with_ai)
        actions[hit.name] = action
    quals = frozenset().union(*(set(h.implies) | {h.name} for h in hits if h.kind == "qualifier"))
    if not actions and markers and quals:  # "an AI fake news clip": AI content said to mislead, though no concept names it
        actions["content"] = AiAction("content", "", markers[0], quals, True)
    result = _with_content(list(actions.values()))
    asks = frozenset(h.name for h in hits if h.kind == "ask")
    words = tuple(text.text[h.start : h.end] for h in hits)
    return AiReading(tuple(result), asks, bool(markers) or any(a.with_ai for a in result), words)


_REAL = frozenset({"genuine", "own"})
"""A thing the seller says is real or their own is not what AI makes."""


def _without_subsumed(concepts: list[_Hit], clause_at: list[int]) -> list[_Hit]:
    """Drop a concept another one of the same clause covers ("AI配音翻译": the dub, not an AI voice)."""
    lex = lexicon()
    covered = {(name, clause_at[c.start]) for c in concepts for name in lex.concepts[c.name].subsumes}
    return [c for c in concepts if (c.name, clause_at[c.start]) not in covered]


def _with_content(actions: list[AiAction]) -> list[AiAction]:
    """Add what is read from the whole message: a message that has something heavy made with AI is
    about AI content (`content`, carrying every qualifier read); `light_only` marks every action of a
    message whose AI use is only light (script, captions, dubbing, edits); `ai_content` every action
    of a message about AI-made content; a concept's `marks` every action."""
    lex = lexicon()
    with_ai = [a for a in actions if a.with_ai and a.concept not in lex.generic and not lex.concepts[a.concept].meta]
    heavy = [a for a in with_ai if lex.concepts[a.concept].heavy]
    if heavy and not any(a.concept == "content" for a in actions):
        quals = frozenset().union(*(a.qualifiers for a in actions))
        actions = [*actions, AiAction("content", "", heavy[0].span, quals, True)]
    flags = {q for a in actions for q in lex.concepts[a.concept].marks}
    named_content = any(a.concept == "content" and a.words for a in actions)
    if with_ai and not named_content and all(lex.concepts[a.concept].light for a in with_ai):
        flags.add("light_only")
    if heavy or any(a.concept == "content" for a in actions):
        flags.add("ai_content")
    return [AiAction(a.concept, a.words, a.span, a.qualifiers | flags, a.with_ai) for a in actions]


def read_ai_actions(text: str) -> list[AiAction]:
    """What the message says is made or done with AI (and the other actions the rules govern)."""
    return list(read_ai(text).actions)


