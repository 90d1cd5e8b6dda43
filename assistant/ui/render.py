"""Pure rendering: escaping, badges, flags, notices, entry cards and calculator results as safe HTML
(answers are in `answer_html.py`, tool rows in `tool_rows.py`).

Everything that comes from a user, a model or a knowledge entry is escaped here, so the
chat and the knowledge browser never render someone else's markup.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable
from typing import Literal

from assistant.kb.schema import Entry, Evidence, Lang
from assistant.tools.calc_base import Assumption, CalcResult
from assistant.tools.calculators import CALCULATORS
from assistant.tools.names import calculator_label, field_label, without_code_names
from assistant.ui.i18n import STRINGS, evidence_badge, t
from assistant.ui.kb_labels import market_label, topic_label

NoticeLevel = Literal["info", "warning", "error"]


def tool_label(name: str, lang: Lang) -> str:
    """What a tool does, in the reader's words ("播放量能带来多少GMV", "查资料"), never its internal name."""
    if name in CALCULATORS:
        return calculator_label(name, lang)
    key = f"tool.name.{name}"
    return t(key, lang) if key in STRINGS else t("tool.name.other", lang)


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


def date_text(date: dt.date | None, lang: Lang) -> str:
    """A source's date, or "undated" when the page gives none."""
    return date.isoformat() if date else t("kb.undated", lang)


def link(url: str, label: str) -> str:
    href = safe_url(url)
    if href is None:
        return f'<span class="tk-chip-title">{esc(label)}</span>'
    return f'<a class="tk-chip-title" href="{esc(href)}" target="_blank" rel="noopener noreferrer">{esc(label)}</a>'


def badge(evidence: Evidence, lang: Lang, hint: str = "") -> str:
    """A colour-coded evidence badge; `hint` (the long label) shows on hover."""
    return f'<span class="tk-badge tk-ev-{esc(evidence)}" title="{esc(hint)}">{esc(evidence_badge(evidence, lang))}</span>'


def flags(disputed_by: Iterable[str], stale: bool, lang: Lang) -> str:
    flags = []
    titles = "、".join(disputed_by) if lang == "zh" else ", ".join(disputed_by)
    if titles:
        flags.append(f'<span class="tk-flag tk-disputed">{esc(t("chip.disputed", lang, titles=titles))}</span>')
    if stale:
        flags.append(f'<span class="tk-flag tk-stale" title="{esc(t("chip.stale_hint", lang))}">{esc(t("chip.stale", lang))}</span>')
    return "".join(flags)


def notice(text: str, level: NoticeLevel = "warning") -> str:
    """A coloured notice box ('' for no text)."""
    if not text:
        return ""
    return f'<div class="tk-notice tk-notice-{level}" role="status">{esc(text)}</div>'


def entry_card(entry: Entry, lang: Lang, disputed_by: Iterable[str] = (), *, stale: bool = False) -> str:
    """A knowledge entry for the browser: title, badge, text, guidance, source, dates and flags."""
    source = entry.source
    published = t("kb.published", lang, date=source.date.isoformat()) if source.date else t("kb.undated", lang)
    dates = " · ".join((published, t("kb.reviewed", lang, date=entry.reviewed.isoformat())))
    anchor = link(source.url or "", source.title or source.publisher)
    tags = "".join(f'<span class="tk-tag">{esc(tag)}</span>' for tag in
                   (*(market_label(m, lang) for m in entry.markets), *(topic_label(t_, lang) for t_ in entry.topics)))
    return (
        f'<article class="tk-entry" data-entry="{esc(entry.id)}">'
        f'<header>{badge(entry.evidence, lang, entry.evidence_label(lang))}<h3>{esc(entry.title.get(lang))}</h3></header>'
        f"<p>{esc(entry.text.get(lang))}</p>"
        f'<p class="tk-guidance"><b>{esc(t("kb.guidance", lang))}:</b> {esc(entry.guidance.get(lang))}</p>'
        f'<footer><span class="tk-chip">{anchor}'
        f'<span class="tk-chip-meta">{esc(source.publisher)} · {esc(dates)}</span>{flags(disputed_by, stale, lang)}</span>'
        f'<span class="tk-tags">{tags}</span></footer></article>'
    )


def calc_result(result: CalcResult, lang: Lang, lookup: Callable[[str], Entry | None]) -> str:
    """A calculator's result: headline, formula, steps, and each assumption with its cited source."""
    steps = "".join(f"<li>{esc(without_code_names(step, lang))}</li>" for step in result.steps.get(lang, []))
    assumptions = "".join(f"<li>{_assumption(a, lang, lookup)}</li>" for a in result.assumptions)
    parts = [
        f'<p class="tk-headline">{esc(result.headline[lang])}</p>',
        # the formula is written in English; the steps in Chinese carry the same sums
        f'<p><b>{esc(t("calc.formula", lang))}</b> <code>{esc(result.formula)}</code></p>' if lang == "en" else "",
        f'<p><b>{esc(t("calc.steps", lang))}</b></p><ol>{steps}</ol>' if steps else "",
        f'<p><b>{esc(t("calc.assumptions", lang))}</b></p><ul>{assumptions}</ul>' if assumptions else "",
    ]
    return f'<div class="tk-calc-result">{"".join(parts)}</div>'


def _assumption(assumption: Assumption, lang: Lang, lookup: Callable[[str], Entry | None]) -> str:
    note = f"<b>{esc(field_label(assumption.field, lang))}</b> {esc(assumption.note[lang])}"
    entry = lookup(assumption.source) if assumption.source else None
    if entry is None:
        return note
    anchor = link(entry.source.url or "", entry.title.get(lang))
    source = f"{badge(entry.evidence, lang, entry.evidence_label(lang))} {anchor}"
    return f'{note} <span class="tk-source">{esc(t("calc.source", lang))}: {source}</span>'
