"""The sentences a reply quotes whole from a knowledge entry (its leads), and how long each may be.

A reply never cuts a lead: one over `LEAD_MAX` is a knowledge error (`tk-advisor kb validate`),
mended in the entry by splitting the sentence so the first one carries the point."""

from __future__ import annotations

from collections.abc import Callable

from assistant.engine.text import first_sentence, sentences, without_asides
from assistant.kb.schema import Entry, Lang

LEAD_MAX: dict[Lang, int] = {"zh": 90, "en": 220}
"""Characters a lead may take: a seller reads it as one statement."""

_BARE_STEP: dict[Lang, int] = {"zh": 8, "en": 25}
"""A guidance opener shorter than this ("别这么干。", "Don't.") answers a proposal, not a next step."""


def fact(entry: Entry, lang: Lang) -> str:
    """The first sentence of the entry's text without its bracketed asides (the details keep them)."""
    return first_sentence(without_asides(entry.text.get(lang)), lang)


def claim(entry: Entry, lang: Lang) -> str:
    """The first sentence of the text as written: a source answer keeps its asides ("currency unstated")."""
    return first_sentence(entry.text.get(lang), lang)


def advice(entry: Entry, lang: Lang) -> str:
    """The first sentence of the entry's guidance."""
    return first_sentence(entry.guidance.get(lang), lang)


def next_step(entry: Entry, lang: Lang) -> str:
    """The first guidance sentence that stands alone as a step ("" when none does)."""
    return next((s for s in sentences(entry.guidance.get(lang), lang) if len(s) >= _BARE_STEP[lang]), "")


def playbook_reason(entry: Entry, lang: Lang) -> str:
    """A playbook's title as a sentence: its reasons quote it, since its text is numbered steps ("" for others)."""
    if entry.kind != "playbook":
        return ""
    return entry.title.get(lang) + ("。" if lang == "zh" else ".")


_LEADS: tuple[tuple[str, str, Callable[[Entry, Lang], str]], ...] = (
    ("text", "first sentence (asides removed)", fact),
    ("text", "first sentence with its asides", claim),
    ("guidance", "first sentence", advice),
    ("guidance", "first step", next_step),
    ("title", "title as a playbook's reason", playbook_reason),
)
"""Field, which lead, and how a reply reads it."""


def overlong_leads(entry: Entry) -> list[tuple[str, Lang, str]]:
    """(field, language, problem) for each field and language whose lead is over `LEAD_MAX` (the first found)."""
    problems: dict[tuple[str, Lang], str] = {}
    for field, which, lead in _LEADS:
        for lang in LEAD_MAX:
            length = len(lead(entry, lang))
            if length > LEAD_MAX[lang] and (field, lang) not in problems:
                problems[field, lang] = f"its {which} is {length} characters, over {LEAD_MAX[lang]}"
    return [(field, lang, problem) for (field, lang), problem in problems.items()]
