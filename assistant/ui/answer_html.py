"""An answer as one chat message: notices, the reply, details folded, numbered sources whose cards
open from the reply's [n] markers, a share button, and the clean text copy and screen readers use.

Details are shown as the seller reads them: no calculator or field names, and on the Chinese page
no English formula line (the worked line in Chinese carries the same sum).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.answer import Answer, Citation
from assistant.engine.prompts import FALLBACK_WARNING, IGNORED_INSTRUCTION, UNGROUNDED_WARNING
from assistant.kb.schema import Lang
from assistant.plain_text import answer_text
from assistant.ui.i18n import t
from assistant.tools.names import without_code_names
from assistant.ui.render import badge, date_text, esc, flags, link, md_text, notice

_KNOWN_WARNINGS = (
    (FALLBACK_WARNING.split("{")[0], "notice.fallback"),
    (UNGROUNDED_WARNING.split("{")[0], "notice.ungrounded"),
    (IGNORED_INSTRUCTION, "notice.ignored"),
)
_CARD_CHARS = 320
MESSAGE_ID = re.compile(r"msg_[0-9a-f]{32}")
"""A stored message's id (`Store.new_message_id`): safe to carry in a class name."""


def warning_texts(warnings: list[str], lang: Lang) -> list[str]:
    """The Answer's warnings in the reader's language (known kinds translated, others as sent)."""
    texts: list[str] = []
    for warning in warnings:
        key = next((key for prefix, key in _KNOWN_WARNINGS if warning.startswith(prefix)), None)
        text = t(key, lang) if key else warning
        if text not in texts:
            texts.append(text)
    return texts


def for_reader(text: str, answer: Answer) -> str:
    """The engine's Markdown without internals: a calculator's or field's code name becomes its
    label, and on the Chinese page the English formula line of each calculation is left out."""
    lines = text.split("\n")
    for call in answer.tool_calls:
        result = call.result if isinstance(call.result, Mapping) else {}
        formula = result.get("formula")
        if answer.lang == "zh" and isinstance(formula, str) and formula:
            lines = [line for line in lines if formula not in line]
    return without_code_names("\n".join(lines), answer.lang)


def numbered_refs(text: str, citations: list[Citation], lang: Lang) -> str:
    """`[entry-id]` markers of cited entries as buttons with the chip's number, which open its card.
    (Gradio's sanitiser drops `data-*` and `aria-*` attributes: the number travels in a class.)"""
    for number, citation in enumerate(citations, 1):
        name = t("sources.open", lang, n=number, title=citation.title)
        button = f'<button type="button" class="tk-ref tk-ref-{number}" title="{esc(name)}">[{number}]</button>'
        text = text.replace(f"[{citation.id}]", button)
    return text


def source_card(citation: Citation, lang: Lang, excerpt: str, disputed: list[str]) -> str:
    """What a [n] opens: title (linked), evidence level, publisher and date, the entry's words, flags."""
    text = excerpt if len(excerpt) <= _CARD_CHARS else excerpt[: _CARD_CHARS - 1] + "…"
    return (
        f'<span class="tk-card" hidden>'
        f'<span class="tk-card-title">{link(citation.url, citation.title)}</span>'
        f'<span class="tk-card-meta">{badge(citation.evidence, lang)} {esc(citation.evidence_label)} · '
        f"{esc(citation.publisher)} · {esc(date_text(citation.date, lang))}</span>"
        f'<span class="tk-card-text">{esc(text)}</span>{flags(disputed, citation.stale, lang)}</span>'
    )


def citation_chip(citation: Citation, lang: Lang, titles: Mapping[str, str], number: int, excerpt: str = "") -> str:
    """One source chip: its number, evidence badge, linked title, date, a dispute flag, and its card.

    A disputing entry is named by its title when this answer cites it, else counted ("2 other sources"):
    entry ids never show. Being past review shows as a small mark; its words are in the card."""
    disputed = [titles[other] for other in citation.contradicted_by if other in titles]
    others = sum(1 for other in citation.contradicted_by if other not in titles)
    if others:
        disputed.append(t("chip.disputed_others", lang, n=others))
    stale = (f'<span class="tk-stale-mark" title="{esc(t("chip.stale", lang))}">⚠</span>'
             if citation.stale else "")
    return (
        f'<span class="tk-chip tk-ev-{esc(citation.evidence)} tk-n-{number}">'
        f'<span class="tk-ref-no">{number}</span>'
        f"{badge(citation.evidence, lang, citation.evidence_label)}"
        f"{link(citation.url, citation.title)}"
        f'<span class="tk-chip-meta">{esc(citation.publisher)} · {esc(date_text(citation.date, lang))}</span>'
        f"{flags(disputed, False, lang)}{stale}{source_card(citation, lang, excerpt, disputed)}</span>"
    )


def citation_chips(citations: list[Citation], lang: Lang, excerpts: Mapping[str, str] | None = None) -> str:
    """The sources row under an answer ('' when nothing was cited)."""
    if not citations:
        return ""
    titles = {c.id: c.title for c in citations}
    chips = "".join(citation_chip(c, lang, titles, n, (excerpts or {}).get(c.id, "")) for n, c in enumerate(citations, 1))
    return f'<div class="tk-sources"><span class="tk-sources-label">{esc(t("sources.label", lang))}</span>{chips}</div>'


def share_button(answer: Answer) -> str:
    """"分享 / Share" under a stored answer (one without a message id cannot be shared)."""
    if not answer.message_id:
        return ""
    if not MESSAGE_ID.fullmatch(answer.message_id):
        return ""
    return (f'<div class="tk-actions"><button type="button" class="tk-share tk-msg-{answer.message_id}">'
            f'{esc(t("share.button", answer.lang))}</button></div>')


def answer_content(answer: Answer, excerpts: Mapping[str, str] | None = None) -> str:
    """An answer as one chat message: warnings, the reply (HTML neutralised), the details folded
    under it, its sources (each with the card `excerpts` fill), the share button, and the clean
    text the page's copy button and screen readers take (`tk-copy`)."""
    lang = answer.lang
    notices = "".join(notice(text) for text in warning_texts(answer.warnings, lang))
    body = numbered_refs(md_text(for_reader(answer.answer, answer)), answer.citations, lang)
    details = ""
    if answer.details:
        folded = numbered_refs(md_text(for_reader(answer.details, answer)), answer.citations, lang)
        details = f'<details class="tk-details"><summary>{esc(t("answer.details", lang))}</summary>\n\n{folded}\n\n</details>'
    payload = f'<pre class="tk-copy" aria-hidden="true">{esc(answer_text(answer))}</pre>'  # Markdown leaves a <pre> block as it is
    parts = [notices, body, details, citation_chips(answer.citations, lang, excerpts), share_button(answer), payload]
    return "\n\n".join(part for part in parts if part)


def share_panel(token: str, lang: Lang) -> str:
    """The open share panel: the brief's link (relative to the chat page), copy, open and PDF."""
    href = f"brief/{esc(token)}"
    return (
        f'<div class="tk-share-body"><p><b>{esc(t("share.title", lang))}</b></p><p>{esc(t("share.ready", lang))}</p>'
        f'<p class="tk-share-links"><a id="tk-share-link" href="{href}" target="_blank" rel="noopener">{esc(t("share.open", lang))}</a>'
        f'<a id="tk-share-pdf" href="{href}.pdf" target="_blank" rel="noopener">{esc(t("share.pdf", lang))}</a>'
        f'<button type="button" id="tk-share-copy" data-done="{esc(t("share.copied", lang))}">{esc(t("share.copy", lang))}</button></p></div>'
    )
