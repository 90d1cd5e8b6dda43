"""Sources anyone can check: excerpts found in the archived source, honest dates, review_by, linked tensions."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from assistant.cli import main
from assistant.config import PACKAGE_ROOT
from assistant.engine.writer import Evidence, compose
from assistant.kb.loader import KnowledgeBase
from assistant.kb.schema import Entry
from tests.factories import entry_data, make_entry

KNOWLEDGE = PACKAGE_ROOT / "knowledge"
ARTICLE_URL = "https://www.tt123.com/t/cFV3tD6l"
ARTICLE = (KNOWLEDGE / "sources" / "tt123-2026-01-18-objective-ai.txt").read_text(encoding="utf-8")
RESEARCH = "".join(
    (KNOWLEDGE / "sources" / name).read_text(encoding="utf-8")
    for name in ("platform-notes.md", "platform-notes-raw.md", "search-pages-2026-12-04.md")
)
KB = KnowledgeBase.from_dir(KNOWLEDGE)


def test_the_knowledge_base_loads_cleanly() -> None:
    assert not KB.errors, [str(e) for e in KB.errors]
    assert len(KB) >= 60


@pytest.mark.parametrize("entry", [e for e in KB if e.source.url == ARTICLE_URL], ids=lambda e: e.id)
def test_article_excerpts_are_in_the_article(entry: Entry) -> None:
    """Every entry citing the TT123 article page quotes it word for word (claims and sidebar items)."""
    assert entry.source.excerpt in ARTICLE


@pytest.mark.parametrize("entry", [e for e in KB if e.source.url != ARTICLE_URL], ids=lambda e: e.id)
def test_other_excerpts_are_in_the_research_record(entry: Entry) -> None:
    """Pages not archived are quoted as the research notes recorded them."""
    assert entry.source.excerpt in RESEARCH or entry.source.excerpt in ARTICLE


def test_claims_cite_the_article_with_its_date() -> None:
    claims = [e for e in KB if e.kind == "claim"]
    assert claims and all(e.source.url == ARTICLE_URL and e.source.date == dt.date(2026, 1, 18) for e in claims)


def test_sidebar_items_are_undated_not_stamped_with_the_article_date() -> None:
    sidebar = [e for e in KB if e.source.url == ARTICLE_URL and e.kind == "note"]
    assert len(sidebar) >= 4
    assert all(e.source.date is None and e.source.accessed is not None for e in sidebar)


def test_an_excerpt_over_thirty_words_is_refused() -> None:
    long_en = " ".join(["word"] * 31)
    long_zh = "字" * 61
    for text in (long_en, long_zh):
        data = entry_data(source={**entry_data()["source"], "excerpt": text})
        with pytest.raises(ValidationError, match="at most 30 words"):
            Entry.model_validate(data)


def test_an_undated_source_needs_accessed() -> None:
    source = {**entry_data()["source"], "date": None}
    with pytest.raises(ValidationError, match="accessed"):
        Entry.model_validate(entry_data(source=source))
    assert make_entry(source={**source, "accessed": "2026-11-28"}).source.date is None


def test_stale_means_past_review_by() -> None:
    entry = make_entry(review_by="2026-12-02")
    assert entry.is_stale(dt.date(2026, 12, 3))
    assert not entry.is_stale(dt.date(2026, 12, 2))


def test_some_entries_are_past_review_by_on_the_audit_day() -> None:
    stale = {e.id for e in KB if e.is_stale(dt.date(2026, 12, 3))}
    assert {"eu-ai-act-article-50", "tts-aigc-policy-us", "aigc-volume-share"} <= stale
    assert "provider-hype" not in stale


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("tts-aigc-policy-us", "tts-original-content-rules"),
        ("tts-aigc-policy-us", "tts-quality-live-rules"),
        ("cost-ratio-ai-vs-original", "ai-video-tool-cost"),
        ("unlabeled-ai-evasion", "tiktok-aigc-labeling"),
        ("tts-aigc-policy-us", "ai-account-throttling"),
    ],
)
def test_the_audits_tensions_are_linked_both_ways(a: str, b: str) -> None:
    assert b in KB[a].contradicted_by and a in KB[b].contradicted_by


def test_kb_list_stale_lists_only_entries_past_review_by(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TK_KNOWLEDGE_DIR", str(KNOWLEDGE))
    assert main(["kb", "list", "--stale"]) == 0
    out = capsys.readouterr()
    listed = {line.split()[0] for line in out.out.splitlines()}
    today = dt.datetime.now(dt.UTC).date()
    assert listed == {e.id for e in KB if e.is_stale(today)}
    assert "past review_by" in out.err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_answers_say_undated_and_flag_stale_citations(lang: str) -> None:
    undated_stale = make_entry(
        "undated-entry", review_by="2000-01-01", source={**entry_data()["source"], "date": None, "accessed": "2026-11-28"}
    )
    text = compose(lang, [Evidence(undated_stale, 1.0)], [], lambda _id: ())  # type: ignore[arg-type]
    if lang == "en":
        assert "TikTok, undated; this may be out of date (as of 2026-11-28)" in text
    else:
        assert "TikTok，未注明日期；此条可能已过时（截至 2026-11-28）" in text
    fresh = compose(lang, [Evidence(make_entry(), 1.0)], [], lambda _id: ())  # type: ignore[arg-type]
    assert "2025-01-01" in fresh and "out of date" not in fresh and "过时" not in fresh

