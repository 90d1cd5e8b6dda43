"""`Terms` lowers a text and matches it with patterns compiled without `re.IGNORECASE` (a one-shot
command compiles every lexicon at start): it finds exactly what the case-insensitive patterns find."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from assistant.engine.lexicon import lexicon, terms
from assistant.evaluation.cases import case_files, load_cases
from assistant.kb.loader import KnowledgeBase
from assistant.terms import Hit, Terms

ROOT = Path(__file__).resolve().parent.parent
ODD = ["ſale on TikTok", "ΣΟΦΙΑ σοφια ς", "İstanbul GPM", "5 µs", "Kelvin K GMV", "ﬁnal ﬂow", "STRASSE straße", "ＧＰＭ 12"]


def any_case(found: Terms, text: str) -> list[Hit]:
    """What the case-insensitive patterns alone find."""
    hits = []
    for pattern, (_, label) in zip(found._any_case, found._patterns, strict=True):
        hits += [Hit(m.start(), m.end(), label or found._labels[m.group(0).casefold()], m.group(0)) for m in pattern.finditer(text)]
    return sorted(hits, key=lambda h: (h.start, -h.end))


def test_lowered_matching_finds_what_case_insensitive_matching_finds() -> None:
    every = [getattr(lexicon(), f.name) for f in fields(lexicon())] + [terms("domain")]
    assert all(t._lowered is not None for t in every), "a lexicon word lowers unlike its case-insensitive match"
    kb = KnowledgeBase.from_dir(ROOT / "knowledge")
    texts = [m for case in load_cases(case_files([ROOT / "evals" / "cases"])) for m in case.messages]
    texts += [f"{e.title.en} {e.text.en} {e.title.zh} {e.text.zh}" for e in kb] + ODD
    found = 0
    for lexicon_terms in every:
        for text in [*texts, *(t.upper() for t in texts[:50])]:
            hits = lexicon_terms.find(text)
            assert hits == any_case(lexicon_terms, text), text
            found += len(hits)
    assert found > 1000


def test_letters_that_fold_unlike_their_lowercase_are_matched_case_insensitively() -> None:
    sale = Terms({"sale": ["sale"], "greek": ["σοφια"]})
    assert [h.word for h in sale.find("ſale ΣΟΦΙΑ")] == ["ſale", "ΣΟΦΙΑ"]
    assert re.search("sale", "ſale") is None  # what lowering alone would have missed
    assert [h.label for h in Terms({"x": ["视频{n}"]}).find("视频A和视频b")] == ["x", "x"]
