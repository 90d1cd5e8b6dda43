"""Sources anyone can check: excerpts found in the archived source, honest dates, review_by, linked tensions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from assistant.cli import main
from assistant.config import PACKAGE_ROOT
from assistant.engine.writer import Evidence, compose
from assistant.kb.archive import ArchiveError, load_archive, quote_in, read_page, unquoted_clauses
from assistant.kb.loader import KnowledgeBase
from assistant.kb.schema import Entry
from tests.factories import entry_data, make_entry

KNOWLEDGE = PACKAGE_ROOT / "knowledge"
ARTICLE_URL = "https://www.tt123.com/t/cFV3tD6l"
ARTICLE = (KNOWLEDGE / "sources" / "tt123-2026-01-18-objective-ai.txt").read_text(encoding="utf-8")
RESEARCH = "".join((KNOWLEDGE / "sources" / name).read_text(encoding="utf-8") for name in ("platform-notes.md", "platform-notes-raw.md"))
KB = KnowledgeBase.from_dir(KNOWLEDGE)
PAGES = load_archive(KNOWLEDGE)

UNARCHIVED = {
    "conversion-benchmarks-missing": "the official page was seen only through a third-party repository's notes",
    "gpm-definition": "the stored copy keeps the page summary, not the Watch GPM formula",
    "tts-aigc-policy-uk": "the UK policy page is not among the stored copies; known from third-party fetch notes",
}
"""Entries whose source page could not be archived on 2026-12-07, and why: their excerpts are still
quoted as the research notes recorded them. Every other entry quotes the article or an archived page."""


def test_the_knowledge_base_loads_cleanly() -> None:
    assert not KB.errors, [str(e) for e in KB.errors]
    assert len(KB) >= 60


@pytest.mark.parametrize("entry", [e for e in KB if e.source.url == ARTICLE_URL], ids=lambda e: e.id)
def test_article_excerpts_are_in_the_article(entry: Entry) -> None:
    """Every entry citing the TT123 article page quotes it word for word (claims and sidebar items)."""
    assert entry.source.excerpt in ARTICLE


@pytest.mark.parametrize("entry", [e for e in KB if e.source.url in PAGES], ids=lambda e: e.id)
def test_excerpts_are_in_the_archived_page(entry: Entry) -> None:
    """An entry citing an archived page quotes that page's stored words, not research shorthand."""
    page = PAGES[entry.source.url or ""]
    assert page.contains(entry.source.excerpt), f"{entry.id}: excerpt not in {page.path.name}"


def test_every_excerpt_is_checked_against_the_article_or_an_archived_page() -> None:
    unchecked = {e.id for e in KB if e.source.url != ARTICLE_URL and e.source.url not in PAGES}
    assert unchecked == set(UNARCHIVED), "archive the page, or list the entry in UNARCHIVED with the reason"
    assert all(KB[i].source.excerpt in RESEARCH for i in UNARCHIVED), "an unarchived excerpt must match the research record"


PARAPHRASED_CLAUSES: dict[str, str] = {}
"""Verified rule clauses (knowledge/rules/, owned by the rulings work) whose quote is not word for word in a
stored page on 2026-12-07, with the stored words: reported in /work/coord/new-rules.md. Fixing a quote
removes it from this list; a new verified clause must quote a stored page."""


def test_verified_clause_quotes_are_in_a_stored_page() -> None:
    """A clause marked `verified` quotes words a reader can find in an archived page or the article."""
    unquoted = set(unquoted_clauses(KB, PAGES, ARTICLE))
    assert unquoted <= set(PARAPHRASED_CLAUSES), f"quote not in any stored page: {sorted(unquoted - set(PARAPHRASED_CLAUSES))}"
    fixed = set(PARAPHRASED_CLAUSES) - unquoted
    assert not fixed, f"these quotes now match a stored page; drop them from PARAPHRASED_CLAUSES: {sorted(fixed)}"


def test_a_clause_quote_is_matched_across_ellipses_and_typographic_apostrophes() -> None:
    text = "Don\u2019t use non-real-time verbal interaction such as AI-generated voices, audio recordings, or radio."
    assert quote_in("Don't use non-real-time verbal interaction such as AI-generated voices", text)
    assert quote_in("don\u2019t use non-real-time verbal interaction ... audio recordings, or radio.", text)
    assert not quote_in("Do not use non-real-time verbal interaction such as AI-generated voices", text)
    assert not quote_in("Don't use AI voices ... or radio.", text)


def test_the_archive_is_well_formed() -> None:
    assert len(PAGES) >= 50
    assert all(page.url.startswith("http") and page.title and page.publisher for page in PAGES.values())
    assert all(page.date is None or page.date <= page.accessed for page in PAGES.values())
    quoted = [p for p in PAGES.values() if p.quoted_by]  # pages known only through stored pages that quote them
    assert quoted and all(url.startswith("http") and url != p.url for p in quoted for url in p.quoted_by)


def test_an_archive_file_without_a_header_or_url_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("no header here\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match="header"):
        read_page(bad)
    bad.write_text("---\ntitle: x\naccessed: 2026-12-07\n---\ntext\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match="url"):
        read_page(bad)


def test_kb_validate_fails_when_an_excerpt_is_not_in_its_archived_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "sources" / "pages").mkdir(parents=True)
    data = entry_data("quoted-entry")
    (tmp_path / "notes" / "quoted-entry.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    page = tmp_path / "sources" / "pages" / "page.md"
    page.write_text(f"---\nurl: {data['source']['url']}\ntitle: T\npublisher: P\ndate: null\naccessed: 2026-12-07\n---\nGPM per thousand impressions, as stored.\n",
                    encoding="utf-8")
    monkeypatch.setenv("TK_KNOWLEDGE_DIR", str(tmp_path))
    assert main(["kb", "validate"]) == 0
    page.write_text(page.read_text(encoding="utf-8").replace("GPM per thousand", "GMV per thousand"), encoding="utf-8")
    assert main(["kb", "validate"]) == 1
    assert "quoted-entry: excerpt not found in the archived page page.md" in capsys.readouterr().out


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


AUDIT_STALE = {  # past review_by on 2026-12-07 per the audit (kb-audit-2026-12-07.md §3)
    "usd-cny-rate", "ads-metrics-definitions", "affiliate-commission-range", "gmv-attribution", "referral-fee-us",
    "ugc-video-cost", "low-quality-not-recommended", "tts-original-content-rules", "japan-local-commission",
    "reposted-douyin-videos", "tiktok-shop-japan", "commission-rate-change", "account-stability-risk",
    "ai-account-throttling", "ai-detection-tightening", "aigc-gmv-share", "aigc-volume-share", "gpm-aigc-vs-original",
    "platform-ai-debate", "platform-ai-tools-lukewarm", "unlabeled-ai-evasion", "whitelisted-accounts-loss",
    "eu-dsa-findings", "cs-response-rate-sea", "douyin-vs-tiktok-ai-labeling", "samples-policy",
    "sea-non-original-crackdown", "ai-models-tryons-testimonials", "aigc-label-scope", "tts-aigc-policy-us",
    "cs-response-rate-us", "follower-thresholds-penalties", "aigc-auto-labeling", "ai-video-tool-cost",
    "eu-ai-act-article-50",
}


def test_the_audits_stale_entries_were_rechecked_and_say_what_was_found() -> None:
    audit_day = dt.date(2026, 12, 7)
    assert len(AUDIT_STALE) == 35
    for entry_id in sorted(AUDIT_STALE):
        entry = KB[entry_id]
        assert entry.reviewed == audit_day and not entry.is_stale(audit_day), entry_id
        assert entry.review_note and entry.review_note.startswith("2026-12-07"), entry_id


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("tts-aigc-policy-us", "tts-original-content-rules"),
        ("tts-aigc-policy-us", "tts-quality-live-rules"),
        ("cost-ratio-ai-vs-original", "ai-video-tool-cost"),
        ("unlabeled-ai-evasion", "tiktok-aigc-labeling"),
        ("tts-aigc-policy-us", "ai-account-throttling"),
        # kb-audit-2026-12-07 §2.5 and P1
        ("tts-quality-live-rules", "aigc-label-scope"),
        ("tts-quality-live-rules", "reposted-douyin-videos"),
        ("ai-models-tryons-testimonials", "tts-aigc-policy-us"),
        ("tts-original-content-rules", "ai-video-for-testing"),
        ("tts-original-content-rules", "category-fit"),
        ("appeals-timeline", "ai-account-throttling"),
        ("playbook-protect-main-account", "multiple-accounts-policy"),
    ],
)
def test_the_audits_tensions_are_linked_both_ways(a: str, b: str) -> None:
    assert b in KB[a].contradicted_by and a in KB[b].contradicted_by


def test_a_review_by_before_reviewed_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="review_by 2026-07-18 precedes reviewed 2026-11-28"):
        make_entry(review_by="2026-07-18")
    (tmp_path / "notes").mkdir()
    bad = entry_data("born-stale", reviewed="2026-11-28", review_by="2026-07-18")
    (tmp_path / "notes" / "born-stale.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    monkeypatch.setenv("TK_KNOWLEDGE_DIR", str(tmp_path))
    assert main(["kb", "validate"]) == 1
    assert "born-stale.yaml" in capsys.readouterr().out


def test_no_entry_was_made_stale_on_the_day_it_was_reviewed() -> None:
    assert all(e.review_by >= e.reviewed for e in KB)


def test_kb_list_stale_says_what_each_stale_entry_s_recheck_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes").mkdir()
    entries = {
        "searched-entry": {"reviewed": "2025-01-01", "review_by": "2025-06-01",
                           "review_note": "2025-01-01: searched pages and docs; no newer source than the 2024 page"},
        "forgotten-entry": {"reviewed": "2025-01-01", "review_by": "2025-06-01"},
        "fresh-entry": {"reviewed": "2025-01-01", "review_by": "2099-01-01"},
    }
    for entry_id, review in entries.items():
        (tmp_path / "notes" / f"{entry_id}.yaml").write_text(yaml.safe_dump(entry_data(entry_id, **review)), encoding="utf-8")
    monkeypatch.setenv("TK_KNOWLEDGE_DIR", str(tmp_path))
    assert main(["kb", "list", "--stale"]) == 0
    out = capsys.readouterr()
    lines = {line.split()[0]: line for line in out.out.splitlines()}
    assert set(lines) == {"searched-entry", "forgotten-entry"}
    assert "no newer source than the 2024 page" in lines["searched-entry"]
    assert "NOT RE-CHECKED since 2025-01-01" in lines["forgotten-entry"]
    assert "2 of 3 entries past review_by" in out.err and "1 without a re-check note" in out.err


def test_the_repository_has_no_stale_entry_without_a_recheck_note(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty on the re-check day; whenever an entry goes stale later, its line says what its last re-check found."""
    monkeypatch.setenv("TK_KNOWLEDGE_DIR", str(KNOWLEDGE))
    assert main(["kb", "list", "--stale"]) == 0
    out = capsys.readouterr()
    assert {line.split()[0] for line in out.out.splitlines()} == {e.id for e in KB if e.is_stale(dt.datetime.now(dt.UTC).date())}
    assert all(e.review_note for e in KB), "every entry records what its last re-check found"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_answers_say_undated_and_flag_stale_citations(lang: str) -> None:
    undated_stale = make_entry(
        "undated-entry", reviewed="1999-12-01", review_by="2000-01-01", source={**entry_data()["source"], "date": None, "accessed": "2026-11-28"}
    )
    text = compose(lang, [Evidence(undated_stale, 1.0)], [], lambda _id: ())  # type: ignore[arg-type]
    if lang == "en":
        assert "TikTok, undated; this may be out of date (as of 1999-12-01)" in text
    else:
        assert "TikTok，未注明日期；此条可能已过时（截至 1999-12-01）" in text
    fresh = compose(lang, [Evidence(make_entry(), 1.0)], [], lambda _id: ())  # type: ignore[arg-type]
    assert "2025-01-01" in fresh and "out of date" not in fresh and "过时" not in fresh



CLAIM_MARKERS = {"zh": ("作者", "内部人士", "据"), "en": ("Author", "The author", "Insider", "Reportedly")}


@pytest.mark.parametrize("entry", [e for e in KB if e.kind == "claim"], ids=lambda e: e.id)
def test_claim_titles_state_claims_as_claims(entry: Entry) -> None:
    """The audit's T1: a claim of the article is attributed in its title, in both languages."""
    assert entry.title.zh.startswith(CLAIM_MARKERS["zh"]), entry.title.zh
    assert entry.title.en.startswith(CLAIM_MARKERS["en"]), entry.title.en


def test_no_guidance_suggests_posting_unlabelled_ai() -> None:
    """The audit's R3: aigc-label-reach told sellers (zh only) to post one batch unlabelled."""
    reach = KB["aigc-label-reach"].guidance
    assert "标与不标" not in reach.zh and "打标的前提下" in reach.zh and "never test it by posting videos without the label" in reach.en
    assert not any("标与不标" in e.guidance.zh or "unlabelled batch" in e.guidance.en for e in KB)


def test_the_us_creator_threshold_is_the_current_policy() -> None:
    """The audit's N1: 1,000 followers (Creator Eligibility Policy, 12/16/2025), pilot under 5,000."""
    entry = KB["follower-thresholds-penalties"]
    assert entry.numbers["affiliate_min_followers"] == 1000 and entry.numbers["pilot_below_followers"] == 5000
    assert entry.source.date == dt.date(2025, 12, 16) and PAGES[entry.source.url or ""].contains("Have a minimum of 1,000 followers")


def test_the_exchange_rate_is_a_2026_central_parity() -> None:
    """The audit's N14: the engine reads numbers.usd_cny; it is the 2026-02-12 parity, not 2023's."""
    rate = KB["usd-cny-rate"]
    assert rate.numbers["usd_cny"] == 6.9457 and rate.source.date == dt.date(2026, 2, 12)
