"""Small text helpers the reply and the details share."""

from __future__ import annotations

import re

from assistant.kb.schema import Lang

_SENTENCE = {"zh": re.compile(r"(?<=[。！？])"), "en": re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")}


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


def join(items: list[str], lang: Lang) -> str:
    return "、".join(items) if lang == "zh" else ", ".join(items)
