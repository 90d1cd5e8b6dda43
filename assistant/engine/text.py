"""Small text helpers the reply and the details share."""

from __future__ import annotations

import re

from assistant.kb.schema import Lang

_SENTENCE = {"zh": re.compile(r"(?<=[。！？])"), "en": re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")}
_TRIM = {"zh": 90, "en": 220}
"""Characters a reason may take before it is cut at a clause boundary."""


def sentences(text: str, lang: Lang) -> list[str]:
    return [s.strip() for s in _SENTENCE[lang].split(text) if s.strip()]


def first_sentence(text: str, lang: Lang) -> str:
    found = sentences(text, lang)
    return found[0] if found else text.strip()


def cite(entry_id: str) -> str:
    return f"[{entry_id}]"


_ASIDE = re.compile(r"（[^（）]*）|\s?\([^()]*\)")


def without_asides(text: str) -> str:
    """`text` without its bracketed asides (dates of reports, caveats): the details keep them."""
    return _ASIDE.sub("", text).strip()


def trim(text: str, lang: Lang, limit: int | None = None) -> str:
    """`text` cut at the last clause break before `limit` characters (an ellipsis marks the cut)."""
    limit = limit or _TRIM[lang]
    if len(text) <= limit:
        return text
    head = text[:limit]
    breaks = [head.rfind(mark) for mark in ("，", "；", "：", ", ", "; ", ": ", " (")]
    cut = max(breaks)
    cut = cut if cut > limit // 2 else head.rfind(" ") if lang == "en" else limit
    return head[:cut].rstrip("，,；;：: ") + "…"


def join(items: list[str], lang: Lang) -> str:
    return "、".join(items) if lang == "zh" else ", ".join(items)
