"""Pure rendering: answers, citation chips, tool-call thoughts, notices and entry cards as safe HTML.

Everything that comes from a user, a model or a knowledge entry is escaped here, so the
chat and the knowledge browser never render someone else's markup.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import gradio as gr

from assistant.answer import Answer, Citation, ToolCall
from assistant.engine.prompts import FALLBACK_WARNING, IGNORED_INSTRUCTION, UNGROUNDED_WARNING
from assistant.kb.schema import Entry, Evidence, Lang
from assistant.tools.calc_base import Assumption, CalcResult
from assistant.engine.text import without_asides
from assistant.tools.calculators import CALCULATORS
from assistant.ui.copy import copy_text
from assistant.ui.i18n import STRINGS, evidence_badge, t
from assistant.ui.kb_labels import market_label, topic_label

NoticeLevel = Literal["info", "warning", "error"]

_SUMMARY_CHARS = 280
_KNOWN_WARNINGS = (
    (FALLBACK_WARNING.split("{")[0], "notice.fallback"),
    (UNGROUNDED_WARNING.split("{")[0], "notice.ungrounded"),
    (IGNORED_INSTRUCTION, "notice.ignored"),
)


def esc(text: object) -> str:
    """Text as inert HTML (quotes included, so it is safe inside attributes too)."""
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    """Markdown with any raw HTML neutralised (`<` and `&` escaped); Markdown syntax still works."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


_MARKDOWN_SYNTAX = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|>~:"})


def plain_text(text: str) -> str:
    """What a user typed, shown exactly as typed: raw HTML neutralised and every Markdown mark
    escaped, so planted links, images and formatting show as their characters."""
    return md_text(text).translate(_MARKDOWN_SYNTAX)


def safe_url(url: str) -> str | None:
    """The URL when it is plain http(s), else None (no `javascript:` or `data:` links)."""
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in url) else None


def _date(date: dt.date | None, lang: Lang) -> str:
    """A source's date, or "undated" when the page gives none."""
    return date.isoformat() if date else t("kb.undated", lang)


def _link(url: str, label: str) -> str:
    href = safe_url(url)
    if href is None:
        return f'<span class="tk-chip-title">{esc(label)}</span>'
    return f'<a class="tk-chip-title" href="{esc(href)}" target="_blank" rel="noopener noreferrer">{esc(label)}</a>'


def badge(evidence: Evidence, lang: Lang, hint: str = "") -> str:
    """A colour-coded evidence badge; `hint` (the long label) shows on hover."""
    return f'<span class="tk-badge tk-ev-{esc(evidence)}" title="{esc(hint)}">{esc(evidence_badge(evidence, lang))}</span>'


def _flags(disputed_by: Iterable[str], stale: bool, lang: Lang) -> str:
    flags = []
    titles = "、".join(disputed_by) if lang == "zh" else ", ".join(disputed_by)
    if titles:
        flags.append(f'<span class="tk-flag tk-disputed">{esc(t("chip.disputed", lang, titles=titles))}</span>')
    if stale:
        flags.append(f'<span class="tk-flag tk-stale" title="{esc(t("chip.stale_hint", lang))}">{esc(t("chip.stale", lang))}</span>')
    return "".join(flags)


def citation_chip(citation: Citation, lang: Lang, titles: Mapping[str, str], number: int) -> str:
    """One source chip: its reference number, evidence badge, linked title, date, and disputed/stale flags.

    A disputing entry is named by its title when this answer cites it, else counted ("2 other sources"):
    entry ids never show."""
    disputed = [titles[other] for other in citation.contradicted_by if other in titles]
    others = sum(1 for other in citation.contradicted_by if other not in titles)
    if others:
        disputed.append(t("chip.disputed_others", lang, n=others))
    return (
        f'<span class="tk-chip tk-ev-{esc(citation.evidence)}" data-entry="{esc(citation.id)}">'
        f'<span class="tk-ref-no">{number}</span>'
        f"{badge(citation.evidence, lang, citation.evidence_label)}"
        f"{_link(citation.url, citation.title)}"
        f'<span class="tk-chip-meta">{esc(citation.publisher)} · {esc(_date(citation.date, lang))}</span>'
        f"{_flags(disputed, citation.stale, lang)}</span>"
    )


def citation_chips(citations: list[Citation], lang: Lang) -> str:
    """The sources row under an answer ('' when nothing was cited)."""
    if not citations:
        return ""
    titles = {c.id: c.title for c in citations}
    chips = "".join(citation_chip(c, lang, titles, n) for n, c in enumerate(citations, 1))
    return f'<div class="tk-sources"><span class="tk-sources-label">{esc(t("sources.label", lang))}</span>{chips}</div>'


def numbered_refs(text: str, citations: list[Citation]) -> str:
    """`[entry-id]` markers of cited entries as the chips' numbers, e.g. `[gpm-definition]` → `[2]`."""
    for number, citation in enumerate(citations, 1):
        text = text.replace(f"[{citation.id}]", f'<sup class="tk-ref" title="{esc(citation.title)}">[{number}]</sup>')
    return text


def notice(text: str, level: NoticeLevel = "warning") -> str:
    """A coloured notice box ('' for no text)."""
    if not text:
        return ""
    return f'<div class="tk-notice tk-notice-{level}" role="status">{esc(text)}</div>'


def warning_texts(warnings: list[str], lang: Lang) -> list[str]:
    """The Answer's warnings in the reader's language (known kinds translated, others as sent)."""
    texts: list[str] = []
    for warning in warnings:
        key = next((key for prefix, key in _KNOWN_WARNINGS if warning.startswith(prefix)), None)
        text = t(key, lang) if key else warning
        if text not in texts:
            texts.append(text)
    return texts


def answer_content(answer: Answer) -> str:
    """An answer as one chat message: warnings, the reply (HTML neutralised), the details folded
    under it, then its sources, and the clean text the page's copy button takes (`tk-copy`)."""
    notices = "".join(notice(text) for text in warning_texts(answer.warnings, answer.lang))
    body = numbered_refs(md_text(answer.answer), answer.citations)
    details = ""
    if answer.details:
        folded = numbered_refs(md_text(answer.details), answer.citations)
        details = f'<details class="tk-details"><summary>{esc(t("answer.details", answer.lang))}</summary>\n\n{folded}\n\n</details>'
    payload = f'<pre class="tk-copy" aria-hidden="true">{esc(copy_text(answer))}</pre>'  # Markdown leaves a <pre> block as it is
    parts = [notices, body, details, citation_chips(answer.citations, answer.lang), payload]
    return "\n\n".join(part for part in parts if part)


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _shorten(text: str) -> str:
    return text if len(text) <= _SUMMARY_CHARS else text[: _SUMMARY_CHARS - 1] + "…"


def _in_lang(value: Any, lang: Lang) -> str:
    """A bilingual `{zh, en}` value in `lang`; anything else as text."""
    if isinstance(value, Mapping) and lang in value:
        return str(value[lang])
    return _value(value)


def tool_error(call: ToolCall, lang: Lang) -> str | None:
    """Why a tool call failed, in `lang` (tools return `{"error": {zh, en}}` rather than raising)."""
    if isinstance(call.result, Mapping) and call.result.get("error"):
        return _in_lang(call.result["error"], lang)
    return call.error


def result_summary(result: Any, lang: Lang) -> str:
    """One line about a tool's result: a calculator's headline, the entries found, or the text."""
    if isinstance(result, Mapping) and "headline" in result:
        return _shorten(_in_lang(result["headline"], lang))
    if isinstance(result, list) and all(isinstance(item, Mapping) and "id" in item for item in result):
        titles = "; ".join(_in_lang(item.get("title", item["id"]), lang) for item in result)
        return _shorten(t("tool.entries", lang, n=len(result), titles=titles))
    return _shorten(_value(result))


def tool_label(name: str, lang: Lang) -> str:
    """What a tool does, in the reader's words ("查资料", "Views → GMV"), never its internal name."""
    if name in CALCULATORS:
        return re.split(r"，|, ", without_asides(CALCULATORS[name].description[lang]))[0]
    return t(f"tool.name.{name}", lang) if f"tool.name.{name}" in STRINGS else name


def thought(call: ToolCall, lang: Lang, *, done: bool) -> gr.ChatMessage:
    """A tool call as a collapsible chat "thought": pending while it runs, then done with its duration."""
    inputs = "\n".join(f"- `{md_text(str(name))}` = {md_text(_shorten(_value(value)))}" for name, value in call.args.items())
    lines = [f"**{t('tool.inputs', lang)}**", inputs or "-"]
    if done:
        error = tool_error(call, lang)
        outcome = (t("tool.error", lang), error) if error else (t("tool.result", lang), result_summary(call.result, lang))
        lines += [f"**{outcome[0]}**", md_text(outcome[1])]
    metadata: dict[str, Any] = {"title": t("tool.title", lang, name=tool_label(call.name, lang)), "id": call.id}
    if done:
        metadata.update(status="done", duration=round(call.duration_ms / 1000, 3))
    else:
        metadata.update(status="pending", log=t("tool.running", lang))
    return gr.ChatMessage(role="assistant", content="\n\n".join(lines), metadata=metadata)


def entry_card(entry: Entry, lang: Lang, disputed_by: Iterable[str] = (), *, stale: bool = False) -> str:
    """A knowledge entry for the browser: title, badge, text, guidance, source, dates and flags."""
    source = entry.source
    published = t("kb.published", lang, date=source.date.isoformat()) if source.date else t("kb.undated", lang)
    dates = " · ".join((published, t("kb.reviewed", lang, date=entry.reviewed.isoformat())))
    link = _link(source.url or "", source.title or source.publisher)
    tags = "".join(f'<span class="tk-tag">{esc(tag)}</span>' for tag in
                   (*(market_label(m, lang) for m in entry.markets), *(topic_label(t_, lang) for t_ in entry.topics)))
    return (
        f'<article class="tk-entry" data-entry="{esc(entry.id)}">'
        f'<header>{badge(entry.evidence, lang, entry.evidence_label(lang))}<h3>{esc(entry.title.get(lang))}</h3></header>'
        f"<p>{esc(entry.text.get(lang))}</p>"
        f'<p class="tk-guidance"><b>{esc(t("kb.guidance", lang))}:</b> {esc(entry.guidance.get(lang))}</p>'
        f'<footer><span class="tk-chip">{link}'
        f'<span class="tk-chip-meta">{esc(source.publisher)} · {esc(dates)}</span>{_flags(disputed_by, stale, lang)}</span>'
        f'<span class="tk-tags">{tags}</span></footer></article>'
    )


def calc_result(result: CalcResult, lang: Lang, lookup: Callable[[str], Entry | None]) -> str:
    """A calculator's result: headline, formula, steps, and each assumption with its cited source."""
    steps = "".join(f"<li>{esc(step)}</li>" for step in result.steps.get(lang, []))
    assumptions = "".join(f"<li>{_assumption(a, lang, lookup)}</li>" for a in result.assumptions)
    parts = [
        f'<p class="tk-headline">{esc(result.headline[lang])}</p>',
        f'<p><b>{esc(t("calc.formula", lang))}</b> <code>{esc(result.formula)}</code></p>',
        f'<p><b>{esc(t("calc.steps", lang))}</b></p><ol>{steps}</ol>' if steps else "",
        f'<p><b>{esc(t("calc.assumptions", lang))}</b></p><ul>{assumptions}</ul>' if assumptions else "",
    ]
    return f'<div class="tk-calc-result">{"".join(parts)}</div>'


def _assumption(assumption: Assumption, lang: Lang, lookup: Callable[[str], Entry | None]) -> str:
    note = f"<code>{esc(assumption.field)}</code> {esc(assumption.note[lang])}"
    entry = lookup(assumption.source) if assumption.source else None
    if entry is None:
        return note
    link = _link(entry.source.url or "", entry.title.get(lang))
    source = f"{badge(entry.evidence, lang, entry.evidence_label(lang))} {link}"
    return f'{note} <span class="tk-source">{esc(t("calc.source", lang))}: {source}</span>'
