"""An Answer as plain text, for a terminal and for the web chat's copy button: the reply with its
`[entry-id]` markers numbered, then its sources as a numbered list (evidence level, publisher,
date, URL). No HTML, no Markdown marks, no tool or entry names. Imports nothing heavy."""

from __future__ import annotations

import re

from assistant.answer import Answer, Citation

_EMPHASIS = re.compile(r"(\*\*|\*|`)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)

SOURCES = {"zh": "来源：", "en": "Sources:"}
UNDATED = {"zh": "未注明日期", "en": "undated"}


def plain(markdown: str) -> str:
    """Markdown emphasis, code marks and heading marks dropped; the words kept."""
    text = _HEADING.sub("", markdown)
    while True:
        stripped = _EMPHASIS.sub(r"\2", text)
        if stripped == text:
            return stripped.strip()
        text = stripped


def numbered(text: str, citations: list[Citation]) -> str:
    """`[entry-id]` markers of cited entries as their numbers: `[gpm-definition]` → `[2]`."""
    for number, citation in enumerate(citations, 1):
        text = text.replace(f"[{citation.id}]", f"[{number}]")
    return text


def source_line(number: int, citation: Citation, lang: str) -> str:
    """`1. Title (evidence level; publisher, date) URL`."""
    sep = "；" if lang == "zh" else "; "
    date = citation.date.isoformat() if citation.date else UNDATED["zh" if lang == "zh" else "en"]
    where = f"{citation.publisher}, {date}" if citation.publisher else date
    return f"{number}. {citation.title} ({citation.evidence_label}{sep}{where}) {citation.url}".rstrip()


def answer_text(answer: Answer) -> str:
    """The reply, then "Sources:" and one numbered line per source."""
    lines = [plain(numbered(answer.answer, answer.citations))]
    if answer.citations:
        lines += ["", SOURCES[answer.lang]]
        lines += [source_line(n, c, answer.lang) for n, c in enumerate(answer.citations, 1)]
    return "\n".join(lines)
