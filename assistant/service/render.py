"""Plain-text rendering of an Answer for surfaces that only carry text (OpenAI clients, chat apps)."""

from __future__ import annotations

from assistant.answer import Answer


def footnotes(answer: Answer) -> str:
    """The citations as numbered footnotes, `[1] title — evidence — url`, preceded by a blank line."""
    if not answer.citations:
        return ""
    lines = (f"[{n}] {c.title} — {c.evidence_label} — {c.url or c.publisher}" for n, c in enumerate(answer.citations, 1))
    return "\n\n" + "\n".join(lines)


def as_text(answer: Answer) -> str:
    """The answer followed by its footnotes."""
    return answer.answer + footnotes(answer)
