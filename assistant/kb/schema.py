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
        if excerpt_words(value) > EXCERPT_MAX_WORDS:
            raise ValueError(f"quote at most {EXCERPT_MAX_WORDS} words")
        return value.strip()

    @model_validator(mode="after")
    def _dated(self) -> Source:
        if self.date is None and self.accessed is None:
            raise ValueError("an undated source (date: null) needs `accessed`")
        return self


Ruling = Literal["allowed", "label-required", "restricted", "banned"]
Format = Literal["short-video", "LIVE", "image", "all"]
"""A content format; `all` means the guidance holds whatever the format."""


class Rule(_Strict):
    """One clause of a rule-stating note: an action, what the rule says about it, and where."""

    action: Bilingual
    """The action as a seller would do it ("changing a product's colour with AI")."""
    aliases: list[str] = Field(min_length=1)
    """Words sellers use for the action, either language; matched in the question."""
    ruling: Ruling
    format: Format = "all"
    markets: list[Market] = Field(min_length=1)
    penalty: Bilingual | None = None


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
    rules: list[Rule] = Field(default_factory=list)
    """Structured clauses, for notes that state rules (the `check_policy` tool rules on them)."""
    formats: list[Format] = Field(default_factory=lambda: ["all"], min_length=1)
    """The formats the entry's guidance is about (`short-video`, `LIVE`, `image`), or `all`. Answers
    cite an entry of another format only when nothing in the question's format exists. A rule clause
    keeps its own `format`: `check_policy` rules on it whatever the entry's formats."""

    @field_validator("formats")
    @classmethod
    def _formats(cls, value: list[Format]) -> list[Format]:
        if len(set(value)) != len(value):
            raise ValueError("a format is listed twice")
        if "all" in value and len(value) > 1:
            raise ValueError("`all` stands alone: it already covers every format")
        return value

    def covers(self, fmt: Format) -> bool:
        """The entry's guidance holds for `fmt` (a question naming several formats, `all`, takes any entry)."""
        return fmt == "all" or "all" in self.formats or fmt in self.formats

    def evidence_label(self, lang: Lang) -> str:
        return EVIDENCE_LABELS[self.evidence][lang]

    def is_stale(self, today: dt.date | None = None) -> bool:
        """Past its `review_by` date."""
        return (today or dt.date.today()) > self.review_by
