"""A reply flags staleness once, and only for an entry past review_by that has not been re-checked."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.advisor import Advisor
from assistant.engine.reply import _mark_stale, flags_staleness
from assistant.kb.loader import KnowledgeBase
from tests.factories import make_entry

STALE = make_entry("stale-entry", reviewed="2026-01-10", review_by="2026-06-01")
RECHECKED = make_entry("rechecked-entry", reviewed="2026-12-07", review_by="2027-06-07")
LOOKUP = {e.id: e for e in (STALE, RECHECKED)}.get


@pytest.mark.parametrize(("lang", "words"), [("en", "may be out of date, last checked 2026-01-10"), ("zh", "可能已过时，最后核实于2026-01-10")])
def test_a_stale_entry_is_flagged_once_beside_its_first_citation(lang: str, words: str) -> None:
    label = " (official policy)" if lang == "en" else "（官方政策）"
    parts = [f"First [stale-entry]{label} and [rechecked-entry]{label}.", f"Again [stale-entry]{label}."]
    marked = _mark_stale(parts, lang, LOOKUP)  # type: ignore[arg-type]
    text = "\n".join(marked)
    assert text.count(words) == 1 and words in marked[0]
    assert flags_staleness(text, "stale-entry") and not flags_staleness(text, "rechecked-entry")


def test_the_source_chip_repeats_no_flag_the_reply_already_shows() -> None:
    owner = SimpleNamespace(kb=KnowledgeBase([STALE, RECHECKED]))
    flagged = "\n".join(_mark_stale(["See [stale-entry] (official policy)."], "en", LOOKUP))  # type: ignore[arg-type]
    assert not Advisor.citation(owner, "stale-entry", "en", set(), flagged).stale  # type: ignore[arg-type]
    assert Advisor.citation(owner, "stale-entry", "en", set(), "An LLM reply citing [stale-entry].").stale  # type: ignore[arg-type]
    assert not Advisor.citation(owner, "rechecked-entry", "en", set(), "").stale  # type: ignore[arg-type]


@pytest.mark.parametrize("question", ["Do I have to label videos made mostly with AI?", "AI视频会被限流吗"])
def test_after_the_recheck_no_cited_source_reads_as_out_of_date(advisor: Advisor, question: str) -> None:
    answer = advisor.ask(question)
    assert answer.citations
    assert "out of date" not in answer.answer and "过时" not in answer.answer
    assert not any(c.stale for c in answer.citations)
