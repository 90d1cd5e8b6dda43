"""What a brief holds, taken once from a stored answer when it is shared: the question, the verdict,
the seller's own numbers with the worked lines, the sources with evidence levels and dates, what is
disputed, and the dates. A snapshot: the link shows the same page however the knowledge changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, Field

from assistant.answer import Citation
from assistant.kb.schema import Evidence, Lang
from assistant.plain_text import numbered, plain
from assistant.store import LocatedMessage
from assistant.tools.calc_base import field_meta
from assistant.tools.calculators import CALCULATORS
from assistant.tools.names import without_code_names

CiteFn = Callable[[str, Lang, set[str], str], Citation]


class BriefSource(BaseModel):
    number: int
    title: str
    evidence: Evidence
    evidence_label: str
    publisher: str
    date: dt.date | None
    url: str
    stale: bool = False


class BriefCalculation(BaseModel):
    headline: str
    given: list[tuple[str, str]] = Field(default_factory=list)
    """The seller's own numbers: (label, value as written)."""
    lines: list[str] = Field(default_factory=list)
    """The worked lines, in the brief's language."""
    assumed: list[str] = Field(default_factory=list)
    """Defaults the calculation used, each saying where it comes from."""


class Brief(BaseModel):
    lang: Lang
    question: str
    verdict: str
    reply: list[str]
    """The rest of the reply, as plain paragraphs with [n] markers."""
    calculations: list[BriefCalculation] = Field(default_factory=list)
    sources: list[BriefSource] = Field(default_factory=list)
    disputed: list[str] = Field(default_factory=list)
    answered_on: dt.date
    shared_on: dt.date


def _in_lang(value: Any, lang: Lang) -> str:
    return str(value[lang]) if isinstance(value, Mapping) and lang in value else str(value)


def _calculation(call: Mapping[str, Any], lang: Lang) -> BriefCalculation | None:
    result = call.get("result")
    name = call.get("name", "")
    if name not in CALCULATORS or not isinstance(result, Mapping) or "headline" not in result or result.get("error"):
        return None
    model = CALCULATORS[name].input_model
    given = [((field_meta(model, field, "label") or {lang: field})[lang], str(value))
             for field, value in (call.get("args") or {}).items() if field in model.model_fields and field != "currency"]
    steps = result.get("steps", {})
    lines = [without_code_names(str(line), lang) for line in (steps.get(lang, []) if isinstance(steps, Mapping) else [])]
    assumed = [without_code_names(_in_lang(a.get("note", ""), lang), lang) for a in result.get("assumptions", [])
               if isinstance(a, Mapping)]
    headline = without_code_names(_in_lang(result["headline"], lang), lang)
    return BriefCalculation(headline=headline, given=given, lines=lines, assumed=assumed)


def _disputes(citations: list[Citation], lang: Lang) -> list[str]:
    """Each pair of cited sources that disagree, once: "A (official) and B (insider) disagree"."""
    by_id = {c.id: c for c in citations}
    seen: set[frozenset[str]] = set()
    lines = []
    for citation in citations:
        for other in citation.contradicted_by:
            pair = frozenset((citation.id, other))
            if other not in by_id or pair in seen:
                continue
            seen.add(pair)
            b = by_id[other]
            lines.append(f"「{citation.title}」（{citation.evidence_label}）与「{b.title}」（{b.evidence_label}）说法不一致"
                         if lang == "zh" else
                         f"“{citation.title}” ({citation.evidence_label}) and “{b.title}” ({b.evidence_label}) disagree")
    return lines


def build_brief(located: LocatedMessage, cite: CiteFn, known: Callable[[str], bool], *, question: str = "",
                today: dt.date | None = None) -> Brief:
    """The brief of a stored answer; `cite` makes its citations (`Advisor.citation`), `known` tells
    which entry ids still exist; `question` is the question as typed (default: as stored)."""
    message = located.message
    meta = message.meta
    lang: Lang = meta.get("lang", "en")
    ids = [i for i in meta.get("citations", []) if known(i)]
    citations = [cite(i, lang, set(ids), message.content) for i in ids]
    reply = without_code_names(plain(numbered(message.content, citations)), lang)
    paragraphs = [p.strip() for p in reply.split("\n\n") if p.strip()]
    calculations = [c for c in (_calculation(call, lang) for call in meta.get("tool_calls", [])) if c is not None]
    sources = [BriefSource(number=n, title=c.title, evidence=c.evidence, evidence_label=c.evidence_label, publisher=c.publisher,
                           date=c.date, url=c.url, stale=c.stale) for n, c in enumerate(citations, 1)]
    answered = dt.datetime.fromtimestamp(message.created_at or 0, dt.UTC).date()
    question = question or located.question
    return Brief(lang=lang, question=question, verdict=paragraphs[0] if paragraphs else "", reply=paragraphs[1:],
                 calculations=calculations, sources=sources, disputed=_disputes(citations, lang), answered_on=answered,
                 shared_on=today or dt.datetime.now(dt.UTC).date())
