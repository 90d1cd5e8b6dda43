"""The knowledge entry: one curated, sourced, bilingual fact or claim."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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

STALE_AFTER = dt.timedelta(days=180)
"""An entry whose `reviewed` date is older than this is flagged as possibly out of date."""


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


class Source(_Strict):
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")
    date: dt.date
    author: str | None = None


Ruling = Literal["allowed", "label-required", "restricted", "banned"]
Format = Literal["short-video", "LIVE", "image", "all"]


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
    rules: list[Rule] = Field(default_factory=list)
    """Structured clauses, for notes that state rules (the `check_policy` tool rules on them)."""

    def evidence_label(self, lang: Lang) -> str:
        return EVIDENCE_LABELS[self.evidence][lang]

    def is_stale(self, today: dt.date | None = None) -> bool:
        return (today or dt.date.today()) - self.reviewed > STALE_AFTER
