"""What a message's copy button gives: the reply as plain text, then its sources as a numbered
list with URLs. No HTML, no Markdown marks, no tool names."""

from __future__ import annotations

import re

from assistant.answer import Answer
from assistant.ui.i18n import t

_EMPHASIS = re.compile(r"(\*\*|\*|`)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)


def plain(markdown: str) -> str:
    """Markdown emphasis, code marks and heading marks dropped; the words kept."""
    text = _HEADING.sub("", markdown)
    while True:
        stripped = _EMPHASIS.sub(r"\2", text)
        if stripped == text:
            return stripped.strip()
        text = stripped


def copy_text(answer: Answer) -> str:
    """The reply with `[entry-id]` markers as `[n]`, then "Sources:" and one numbered line per source."""
    reply = answer.answer
    for number, citation in enumerate(answer.citations, 1):
        reply = reply.replace(f"[{citation.id}]", f"[{number}]")
    lines = [plain(reply)]
    if answer.citations:
        lines += ["", t("sources.label", answer.lang) + ("：" if answer.lang == "zh" else ":")]
        for number, citation in enumerate(answer.citations, 1):
            where = citation.url or citation.publisher
            lines.append(f"{number}. {citation.title} ({citation.evidence_label}) {where}".rstrip())
    return "\n".join(lines)
