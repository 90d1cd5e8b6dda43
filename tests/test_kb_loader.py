"""The knowledge loader: every error kind gives `file:line: reason`, and never hides other entries."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.config import PACKAGE_ROOT
from assistant.engine.leads import LEAD_MAX
from assistant.kb.loader import KnowledgeBase, LoadError, load_entries
from assistant.kb.schema import Entry


def entry_yaml(entry_id: str, *, contradicted_by: str = "[]", supports: str = "[]", **replace: str) -> str:
    """A valid entry, one field per line; `replace` swaps whole lines by field name."""
    lines = {
        "id": f"id: {entry_id}",
        "kind": "kind: claim",
        "title": 'title: {zh: "AI视频的GPM", en: "GPM of AI videos"}',
        "text": 'text: {zh: "内部人士称AIGC视频GPM为10-16。", en: "Insiders put AIGC video GPM at 10-16."}',
        "guidance": 'guidance: {zh: "先用AI测品。", en: "Use AI to test products first."}',
        "evidence": "evidence: insider",
        "source": 'source: {title: "Objective AI", publisher: TT123, url: "https://www.tt123.com/t/x", date: 2026-01-18, excerpt: "GPM值为10-16"}',
        "supports": f"supports: {supports}",
        "contradicted_by": f"contradicted_by: {contradicted_by}",
        "markets": "markets: [US]",
        "topics": "topics: [gpm, aigc]",
        "reviewed": "reviewed: 2026-11-28",
        "review_by": "review_by: 2099-01-01",
    }
    lines.update(replace)
    return "\n".join(line for line in lines.values() if line) + "\n"


def line_no(text: str, field: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(f"{field}:"))


@pytest.fixture
def kdir(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    (root / "claims").mkdir(parents=True)
    (root / "notes").mkdir()
    (root / "claims" / "good-entry.yaml").write_text(entry_yaml("good-entry"), encoding="utf-8")
    return root


def write(root: Path, name: str, text: str) -> Path:
    path = root / "notes" / name
    path.write_text(text, encoding="utf-8")
    return path


def only_error(root: Path) -> LoadError:
    result = load_entries(root)
    assert "good-entry" in [e.id for e in result.entries], "a bad file must not drop the others"
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return result.errors[0]


def test_valid_entries_load(kdir: Path) -> None:
    write(kdir, "second-entry.yaml", entry_yaml("second-entry"))
    result = load_entries(kdir)
    assert result.ok
    assert sorted(e.id for e in result.entries) == ["good-entry", "second-entry"]
    assert str(result.entries[0].source.date) == "2026-01-18"


def test_error_renders_as_file_line_reason() -> None:
    assert str(LoadError(Path("knowledge/claims/x.yaml"), 7, "unknown key 'foo'")) == "knowledge/claims/x.yaml:7: unknown key 'foo'"


def test_yaml_syntax_error_has_its_line(kdir: Path) -> None:
    path = write(kdir, "broken.yaml", "id: broken\nkind: claim\ntitle: {zh: \"x\", en: \"y\"\nevidence: insider\n")
    error = only_error(kdir)
    assert error.file.name == path.name
    assert error.line in (3, 4)
    assert "YAML syntax error" in error.reason
    assert str(error).endswith(f"broken.yaml:{error.line}: {error.reason}")


@pytest.mark.parametrize(
    ("replace", "field", "expected"),
    [
        ({"title": 'title: {zh: "只有中文"}'}, "title", "missing required field 'title.en'"),
        ({"evidence": "evidence: rumour"}, "evidence", "evidence: Input should be"),
        ({"reviewed": "reviewed: 2026-13-45"}, "reviewed", "reviewed:"),
        ({"reviewed": "reviewed: last week"}, "reviewed", "reviewed:"),
        ({"reviewed": ""}, None, "missing required field 'reviewed'"),
        ({"extra": "popularity: 5"}, "popularity", "unknown key 'popularity'"),
        ({"markets": "markets: [MARS]"}, "markets", "markets.0:"),
        ({"id": "id: Bad_Id"}, "id", "id: String should match pattern"),
        ({"formats": "formats: [livestream]"}, "formats", "formats.0:"),
        ({"formats": "formats: []"}, "formats", "formats:"),
        ({"formats": "formats: [LIVE, LIVE]"}, "formats", "listed twice"),
        ({"formats": "formats: [all, LIVE]"}, "formats", "`all` stands alone"),
    ],
)
def test_schema_errors_point_at_the_offending_key(kdir: Path, replace: dict[str, str], field: str | None, expected: str) -> None:
    text = entry_yaml("bad-entry", **replace)
    write(kdir, "bad-entry.yaml", text)
    error = only_error(kdir)
    assert expected in error.reason
    assert error.line == (line_no(text, field) if field else 1)


def test_formats_default_to_all_and_say_what_they_cover(kdir: Path) -> None:
    write(kdir, "live-entry.yaml", entry_yaml("live-entry", formats="formats: [LIVE, image]"))
    entries = {e.id: e for e in load_entries(kdir).entries}
    assert entries["good-entry"].formats == ["all"]
    assert entries["good-entry"].covers("LIVE") and entries["good-entry"].covers("short-video")
    live = entries["live-entry"]
    assert live.covers("LIVE") and live.covers("image") and not live.covers("short-video")
    assert live.covers("all"), "a question naming several formats may cite any entry"


def test_unknown_evidence_names_the_value(kdir: Path) -> None:
    write(kdir, "bad-entry.yaml", entry_yaml("bad-entry", evidence="evidence: rumour"))
    assert "'rumour'" in only_error(kdir).reason


def test_file_name_must_match_id(kdir: Path) -> None:
    text = entry_yaml("other-name")
    write(kdir, "bad-entry.yaml", text)
    error = only_error(kdir)
    assert error.line == line_no(text, "id")
    assert "does not match file name 'bad-entry.yaml'" in error.reason


def test_duplicate_id_is_reported_in_both_files(kdir: Path) -> None:
    (kdir / "claims" / "twin-entry.yaml").write_text(entry_yaml("twin-entry"), encoding="utf-8")
    (kdir / "notes" / "twin-entry.yaml").write_text(entry_yaml("twin-entry"), encoding="utf-8")
    result = load_entries(kdir)
    assert [e.id for e in result.entries] == ["good-entry"]
    assert sorted(e.file.parent.name for e in result.errors) == ["claims", "notes"]
    assert all("duplicate id 'twin-entry'" in e.reason and e.line == 1 for e in result.errors)


def test_duplicate_key_is_reported(kdir: Path) -> None:
    text = entry_yaml("bad-entry") + "kind: note\n"
    write(kdir, "bad-entry.yaml", text)
    error = only_error(kdir)
    assert error.reason == "duplicate key 'kind'"
    assert error.line == len(text.splitlines())


def test_dangling_link_points_at_the_item(kdir: Path) -> None:
    text = entry_yaml("linked-entry", supports="\n  - good-entry\n  - no-such-entry")
    write(kdir, "linked-entry.yaml", text)
    result = load_entries(kdir)
    assert [str(e).split(":", 1)[1] for e in result.errors] == [
        f"{text.splitlines().index('  - no-such-entry') + 1}: supports: unknown id 'no-such-entry'"
    ]
    assert "linked-entry" in [e.id for e in result.entries], "a link error keeps the entry"


def test_one_directional_contradiction_is_an_error(kdir: Path) -> None:
    write(kdir, "rebuttal.yaml", entry_yaml("rebuttal", contradicted_by="[good-entry]", evidence="evidence: official"))
    error = only_error(kdir)
    assert error.file.name == "rebuttal.yaml"
    assert "one-directional" in error.reason and "good-entry" in error.reason


def test_empty_and_non_mapping_files(kdir: Path) -> None:
    write(kdir, "empty.yaml", "")
    write(kdir, "listy.yaml", "- a\n- b\n")
    result = load_entries(kdir)
    assert [e.id for e in result.entries] == ["good-entry"]
    assert [(e.file.name, e.line) for e in result.errors] == [("empty.yaml", 1), ("listy.yaml", 1)]


def test_knowledge_base_reads_contradictions_both_ways(kdir: Path) -> None:
    (kdir / "claims" / "good-entry.yaml").write_text(entry_yaml("good-entry", contradicted_by="[rebuttal]"), encoding="utf-8")
    write(kdir, "rebuttal.yaml", entry_yaml("rebuttal", contradicted_by="[good-entry]"))
    kb = KnowledgeBase.from_dir(kdir)
    assert not kb.errors
    assert kb.conflicts("good-entry") == {"rebuttal"}
    assert kb.conflicts("rebuttal") == {"good-entry"}
    assert kb.conflicts("unknown") == set()
    assert kb.get("rebuttal") is kb["rebuttal"] and kb.get("nope") is None
    assert len(kb) == 2 and {e.id for e in kb} == {"good-entry", "rebuttal"}


def test_one_sided_link_still_counts_as_conflict() -> None:
    a = Entry.model_validate(yaml.safe_load(entry_yaml("claim-a", contradicted_by="[claim-b]")))
    b = Entry.model_validate(yaml.safe_load(entry_yaml("claim-b")))
    assert KnowledgeBase([a, b]).conflicts("claim-b") == {"claim-a"}


def test_repository_knowledge_is_valid() -> None:
    result = load_entries(PACKAGE_ROOT / "knowledge")
    assert result.ok, "\n".join(map(str, result.errors))


@pytest.mark.parametrize(
    ("field", "lang", "replace"),
    [
        ("text", "en", {"text": 'text: {zh: "内部人士称AIGC视频GPM为10-16。", en: "Insiders put AIGC video GPM at 10-16, '
                                + "and " * 60 + 'so on. Second sentence."}'}),
        ("text", "zh", {"text": 'text: {zh: "内部人士称' + "很长" * 50 + '（附注）。", en: "Insiders put AIGC video GPM at 10-16."}'}),
        ("guidance", "en", {"guidance": 'guidance: {zh: "先用AI测品。", en: "Don\'t. ' + "Test " * 50 + 'first."}'}),
        ("title", "en", {"kind": "kind: playbook", "title": 'title: {zh: "先测品", en: "' + "Test first " * 25 + '"}'}),
    ],
    ids=["text-en", "text-zh", "guidance-step-en", "playbook-title-en"],
)
def test_a_first_sentence_over_the_lead_limit_names_entry_field_and_language(
    kdir: Path, field: str, lang: str, replace: dict[str, str]
) -> None:
    text = entry_yaml("long-lead", **replace)
    write(kdir, "long-lead.yaml", text)
    error = only_error(kdir)
    assert error.line == line_no(text, field)
    assert error.reason.startswith(f"long-lead: {field}.{lang}: ") and "over" in error.reason
    assert "long-lead" in [e.id for e in load_entries(kdir).entries], "the entry still loads; validation fails"


def test_a_first_sentence_at_the_limit_passes_and_later_sentences_may_be_long(kdir: Path) -> None:
    lead = "x" * (LEAD_MAX["en"] - 1) + "."
    text = entry_yaml("long-detail", text=f'text: {{zh: "短句。{"长" * 300}。", en: "{lead} Then {"detail " * 60}."}}')
    write(kdir, "long-detail.yaml", text)
    assert load_entries(kdir).ok
