"""The knowledge entry: one curated, sourced, bilingual fact or claim."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Lang = Literal["zh", "en"]
Kind = Literal["claim", "note", "playbook"]
Evidence = Literal["official", "trade-press", "insider", "third-party", "author-opinion"]
Market = Literal["US", "UK", "EU", "SEA", "JP", "GLOBAL"]

EVIDENCE_LEVELS: tuple[Evidence, ...] = ("official", "trade-press", "third-party", "insider", "author-opinion")
"""Strongest first."""

EVIDENCE_LABELS: dict[Evidence, dict[Lang, str]] = {
    "official": {"zh": "官方政策", "en": "official policy"},
    "trade-press": {"zh": "行业媒体报道", "en": "trade press"},
    "third-party": {"zh": "第三方估计", "en": "third-party estimate"},
    "insider": {"zh": "匿名内部人士说法，未经证实", "en": "insider claim, unverified"},
    "author-opinion": {"zh": "作者观点", "en": "author's opinion"},
}

UNVERIFIED_OFFICIAL: dict[Lang, str] = {"zh": "转述的官方规定，原文未核实", "en": "reported official rule, not checked against the page"}

EXCERPT_MAX_WORDS = 30
"""An excerpt quotes at most this many words (a CJK character counts as half a word)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    """A text in both languages; both are required and non-blank."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


def excerpt_words(text: str) -> float:
    """Words in `text`: whitespace-separated tokens, with each CJK character counted as half a word."""
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    latin = "".join(" " if "\u3400" <= ch <= "\u9fff" else ch for ch in text)
    return len(latin.split()) + cjk / 2


def short_quote(value: str) -> str:
    """A quote of at most `EXCERPT_MAX_WORDS` words, stripped."""
    if excerpt_words(value) > EXCERPT_MAX_WORDS:
        raise ValueError(f"quote at most {EXCERPT_MAX_WORDS} words")
    return value.strip()


class Source(_Strict):
    """Where an entry comes from. Title, URL and author only when the research files back them."""

    publisher: str = Field(min_length=1)
    excerpt: str = Field(min_length=4)
    """A short phrase quoted from the source, in its own language, carrying the entry's main fact."""
    date: dt.date | None
    """The page's own date; null when the page is undated (then `accessed` says when it was read)."""
    accessed: dt.date | None = None
    title: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    author: str | None = None

    @field_validator("excerpt")
    @classmethod
    def _short(cls, value: str) -> str:
        return short_quote(value)

    @model_validator(mode="after")
    def _dated(self) -> Source:
        if self.date is None and self.accessed is None:
            raise ValueError("an undated source (date: null) needs `accessed`")
        return self


Ruling = Literal["allowed", "label-required", "restricted", "banned"]
Format = Literal["short-video", "LIVE", "image", "all"]
"""A content format; `all` means the guidance holds whatever the format."""


RULING_SEVERITY: dict[Ruling, int] = {"allowed": 0, "label-required": 1, "restricted": 2, "banned": 3}


class Governs(_Strict):
    """What a clause governs, in the terms `assistant/engine/ai_actions.py` reads from a message.

    The clause applies to an action the message names (`actions`, concepts of the lexicon) when every
    qualifier of `when` is read with it, and none of `unless`. `depends_on` are qualifiers the ruling
    hangs on: when none of them is read (neither stated nor ruled out by `unless`), the match is
    conditional and the answer says it depends on the clause's `condition`; when one is read it
    outweighs `unless` ("颜色和实物一样，但尺寸P大了": the alteration decides)."""

    actions: list[str] = Field(min_length=1)
    when: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    with_ai: bool = True
    """The action must be done with AI (a faceless video or a loop in LIVE is governed either way)."""


class ClauseExamples(_Strict):
    """Seller questions in one language: `rules` must get this clause's ruling, `not` must not
    (near misses: the clause's scary word in an action it does not govern)."""

    rules: list[str] = Field(min_length=5)
    not_: list[str] = Field(min_length=5, alias="not")


class Clause(_Strict):
    """One clause of a rule-stating note: the action it governs, where, its ruling and its proof."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=3, max_length=60)
    action: Bilingual
    """The action as a seller would do it ("changing a product's colour with AI")."""
    governs: Governs
    condition: Bilingual | None = None
    """What the ruling depends on, in words ("the voice is not real time"), said when it is not read."""
    formats: list[Format] = Field(default_factory=lambda: ["all"], min_length=1)
    markets: list[Market] = Field(min_length=1)
    ruling: Ruling
    penalty: Bilingual | None = None
    instead: Bilingual | None = None
    """What to do instead (banned, restricted) or how to do it right (allowed, label-required)."""
    quote: str = Field(min_length=4)
    """The source's own phrase this clause rests on, in its language."""
    evidence: Evidence
    verified: bool
    """The quote was checked against the source page or confirmed by an independent second source.
    An unverified clause never gives a verdict on its own: the answer says it depends and why."""
    examples: dict[Lang, ClauseExamples]

    @field_validator("quote")
    @classmethod
    def _short_quote(cls, value: str) -> str:
        return short_quote(value)

    @field_validator("examples")
    @classmethod
    def _both_languages(cls, value: dict[Lang, ClauseExamples]) -> dict[Lang, ClauseExamples]:
        if set(value) != {"zh", "en"}:
            raise ValueError("examples in both zh and en")
        return value

    @field_validator("formats")
    @classmethod
    def _formats(cls, value: list[Format]) -> list[Format]:
        return _distinct_formats(value)

    def covers(self, fmt: Format | None) -> bool:
        """The clause holds for `fmt` (None or `all`: the seller named no one format)."""
        return fmt in (None, "all") or "all" in self.formats or fmt in self.formats

    @property
    def severity(self) -> int:
        return RULING_SEVERITY[self.ruling]

    def evidence_label(self, lang: Lang) -> str:
        """The clause's own evidence level; an unverified clause never reads as official policy."""
        if not self.verified and self.evidence == "official":
            return UNVERIFIED_OFFICIAL[lang]
        label = EVIDENCE_LABELS[self.evidence][lang]
        if self.verified or self.evidence == "insider":
            return label
        return f"{label}，未经核实" if lang == "zh" else f"{label}, unverified"


def _distinct_formats(value: list[Format]) -> list[Format]:
    if len(set(value)) != len(value):
        raise ValueError("a format is listed twice")
    if "all" in value and len(value) > 1:
        raise ValueError("`all` stands alone: it already covers every format")
    return value


class Entry(_Strict):
    """One knowledge entry (see DESIGN.md, "Knowledge entries")."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=3, max_length=80)
    kind: Kind
    title: Bilingual
    text: Bilingual
    guidance: Bilingual
    evidence: Evidence
    source: Source
    numbers: dict[str, float | int | str] = Field(default_factory=dict)
    supports: list[str] = Field(default_factory=list)
    contradicted_by: list[str] = Field(default_factory=list)
    markets: list[Market] = Field(min_length=1)
    topics: list[str] = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    """Words sellers use for this topic (slang, abbreviations) in either language."""
    reviewed: dt.date
    review_by: dt.date
    """When the fact is likely to change; past it, answers flag the entry as possibly out of date."""
    review_note: str | None = Field(default=None, min_length=10)
    """What the last re-check found (English, for maintainers): the sources searched, whether a newer
    one exists and what changed. `kb list --stale` shows it beside each entry past `review_by`."""
    rules: list[Clause] = Field(default_factory=list)
    """The clauses of a note that states rules, read from `knowledge/rules/<id>.yaml` (the
    `check_policy` tool rules on them)."""
    formats: list[Format] = Field(default_factory=lambda: ["all"], min_length=1)
    """The formats the entry's guidance is about (`short-video`, `LIVE`, `image`), or `all`. Answers
    cite an entry of another format only when nothing in the question's format exists. A rule clause
    keeps its own `format`: `check_policy` rules on it whatever the entry's formats."""

    @field_validator("formats")
    @classmethod
    def _formats(cls, value: list[Format]) -> list[Format]:
        return _distinct_formats(value)

    @model_validator(mode="after")
    def _review_order(self) -> Entry:
        if self.review_by < self.reviewed:
            raise ValueError(
                f"review_by {self.review_by} precedes reviewed {self.reviewed}: a re-check sets review_by after it"
            )
        return self

    def covers(self, fmt: Format) -> bool:
        """The entry's guidance holds for `fmt` (a question naming several formats, `all`, takes any entry)."""
        return fmt == "all" or "all" in self.formats or fmt in self.formats

    def evidence_label(self, lang: Lang) -> str:
        return EVIDENCE_LABELS[self.evidence][lang]

    def is_stale(self, today: dt.date | None = None) -> bool:
        """Past its `review_by` date, so not re-checked since (a re-check moves `review_by` after `reviewed`)."""
        return (today or dt.date.today()) > self.review_by
