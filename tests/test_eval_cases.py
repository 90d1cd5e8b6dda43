"""Eval case files: bad files give clear errors; the shipped suite is valid and uses real ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import PACKAGE_ROOT
from assistant.evaluation.cases import CaseError, load_cases
from assistant.kb.loader import KnowledgeBase

SUITE = PACKAGE_ROOT / "evals" / "cases"
TOOL_NAMES = {
    "search_knowledge", "gmv_from_views", "views_for_target_gmv", "compare_content_options", "risk_adjusted_return",
    "implied_gmv_share", "plan_test_budget", "unit_economics", "growth_rate", "creator_collab_return", "check_policy",
    "gpm_from_sales", "total_gmv", "roas", "period_change", "expected_loss", "blended_gpm", "compare_per_dollar",
    "videos_for_budget", "order_profit", "creator_deal", "fee_or_commission", "gmv_per_cost", "calculate",
}  # fmt: skip
"""The calculator and search tool names (a contract with assistant/tools)."""

GOOD = """\
- id: en-gmv-001
  category: numbers
  question: "200k views at GPM 12: how much GMV?"
  expect:
    lang: en
    tools_any: [gmv_from_views]
    numbers:
      - {value: 2400, rel_tol: 0.01}
- id: zh-follow-001
  turns: ["我的视频20万播放, GPM 12, 能卖多少?", "那如果GPM是20呢?"]
  expect:
    numbers: [{value: 0.68, unit: percent}]
    includes_any: [["不建议", "谨慎"]]
    refusal: false
"""


def write(tmp_path: Path, text: str, name: str = "cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(*paths: Path) -> list[str]:
    with pytest.raises(CaseError) as info:
        load_cases(paths)
    return info.value.problems


def test_a_good_file_loads(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    single, conversation = load_cases([path])
    assert single.messages == ["200k views at GPM 12: how much GMV?"]
    assert single.expect.kinds() == ["lang", "tools_any", "numbers"]
    assert single.file.name == "cases.yaml"
    assert conversation.category == "general"
    assert conversation.messages[-1] == "那如果GPM是20呢?"
    assert conversation.expect.numbers[0].target == pytest.approx(0.0068)
    assert conversation.expect.kinds() == ["numbers", "includes_any", "refusal"]


def test_folders_are_expanded_recursively_and_sorted(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("001", "101"), "b.yaml")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", GOOD.replace("001", "201"), "a.yml")
    write(tmp_path, "not a case file", "notes.txt")
    ids = [c.id for c in load_cases([tmp_path])]
    assert ids == ["en-gmv-101", "zh-follow-101", "en-gmv-201", "zh-follow-201"]


def test_unknown_key_names_file_line_and_case(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    lang: en\n", "    lang: en\n    cites_some: [x]\n"))
    (problem,) = problems(path)
    assert problem == f"{path}:6: case 'en-gmv-001': unknown key 'expect.cites_some'"


def test_unknown_top_level_and_number_keys(tmp_path: Path) -> None:
    text = GOOD.replace("  category: numbers\n", "  category: numbers\n  tags: [x]\n").replace("rel_tol: 0.01", "tol: 0.01")
    found = problems(write(tmp_path, text))
    assert any("case 'en-gmv-001': unknown key 'tags'" in p for p in found)
    assert any("case 'en-gmv-001': unknown key 'expect.numbers.0.tol'" in p for p in found)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD, "a.yaml")
    second = write(tmp_path, GOOD, "b.yaml")
    found = problems(first, second)
    assert len(found) == 2
    assert "b.yaml: case 'en-gmv-001': duplicate id (also in" in found[0] and "a.yaml" in found[0]


def test_missing_question_and_turns(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, "- id: x-1\n  category: c\n  expect: {lang: en}\n"))
    assert "case 'x-1'" in problem and "exactly one of 'question' or 'turns'" in problem


def test_both_question_and_turns(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, '- id: x-1\n  question: "a?"\n  turns: ["a?", "b?"]\n'))
    assert "exactly one of 'question' or 'turns'" in problem


def test_missing_id_is_reported_by_position(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, GOOD + '- question: "hi"\n'))
    assert "case #3 (no id): missing required key 'id'" in problem


def test_bad_values_are_explained(tmp_path: Path) -> None:
    text = '- id: x-1\n  question: "q"\n  expect:\n    lang: fr\n    numbers: [{value: abc}]\n    includes_any: ["flat"]\n'
    found = problems(write(tmp_path, text))
    assert any(":4: case 'x-1': expect.lang:" in p for p in found)
    assert any(":5: case 'x-1': expect.numbers.0.value:" in p for p in found)
    assert any(":6: case 'x-1': expect.includes_any.0:" in p for p in found)


def test_bad_yaml_gives_file_and_line(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, '- id: x-1\n  question: "unclosed\n  expect: {lang: en}\n'))
    assert "cases.yaml:" in problem and "YAML syntax error" in problem


def test_a_file_that_is_not_a_list(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, "id: x-1\nquestion: q\n"))
    assert problem.endswith("cases.yaml:1: expected a list of cases")


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    bad = write(tmp_path, "- id: a-1\n  question: q\n  bogus: 1\n", "a.yaml")
    worse = write(tmp_path, "- [oops", "b.yaml")
    found = problems(bad, worse)
    assert len(found) == 2 and "a.yaml" in found[0] and "b.yaml" in found[1]


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    assert "no such file or folder" in problems(tmp_path / "nope.yaml")[0]
    assert problems(tmp_path) == ["no case files found"]


# --- the shipped suite -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def suite() -> list:
    return load_cases([SUITE])


def test_suite_is_valid_and_large_enough(suite: list) -> None:
    assert len(suite) >= 120
    assert len({c.id for c in suite}) == len(suite)
    zh = sum(c.expect.lang == "zh" or c.id.startswith("zh-") for c in suite)
    assert 0.4 <= zh / len(suite) <= 0.6


def test_suite_cites_only_known_entries(suite: list) -> None:
    kb = KnowledgeBase.from_dir(PACKAGE_ROOT / "knowledge")
    named = lambda c: (*c.expect.cites_any, *c.expect.cites_all, *(c.expect.cites_none if isinstance(c.expect.cites_none, list) else ()))  # noqa: E731
    cited = {(c.id, i) for c in suite for i in named(c)}
    unknown = sorted(f"{case}: {entry}" for case, entry in cited if entry not in kb)
    assert not unknown, f"cited ids missing from knowledge/: {unknown}"


def test_suite_uses_only_contract_tool_names(suite: list) -> None:
    used = {(c.id, t) for c in suite for t in (*c.expect.tools_any, *c.expect.tools_all)}
    unknown = sorted(f"{case}: {tool}" for case, tool in used if tool not in TOOL_NAMES)
    assert not unknown, f"unknown tool names: {unknown}"


def test_suite_covers_conversations_and_declines(suite: list) -> None:
    assert sum(c.turns is not None and len(c.turns) == 2 for c in suite) >= 5
    assert sum(c.turns is not None and len(c.turns) == 3 for c in suite) >= 3
    assert sum(c.expect.refusal is True for c in suite) >= 12


def test_suite_pairs_throttling_with_the_official_policy(suite: list) -> None:
    """An answer about throttling must show the article's claim and the official US policy."""
    for case in suite:
        if "ai-account-throttling" in case.expect.cites_all:
            assert "tts-aigc-policy-us" in case.expect.cites_all, case.id
