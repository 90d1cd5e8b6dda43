"""The eval runner with a fake advisor: sessions, the JSON scorecard, files and the exit status."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import cli
from assistant.answer import Answer, Citation, ToolCall
from assistant.config import PACKAGE_ROOT, ConfigError, Settings
from assistant.evaluation import commands
from assistant.evaluation.cases import Case
from assistant.evaluation.judge import chat_model_from_settings, judge, parse_score, summarize_verdicts
from assistant.evaluation.report import exit_status, load_threshold, percentile, render_markdown, summarize, write_scorecard
from assistant.evaluation.runner import CaseResult, run_case, run_cases
from assistant.kb.loader import KnowledgeBase
from assistant.kb.schema import Entry

Reply = Callable[[str], Answer]


def answer(text: str, *, lang: str = "en", kind: str = "advice", tools: tuple[str, ...] = ()) -> Answer:
    calls = [ToolCall(id=f"c{i}", name=n, args={}, result={}) for i, n in enumerate(tools)]
    return Answer(answer=text, lang=lang, kind=kind, provider="fake", tool_calls=calls)


class FakeAdvisor:
    """Anything with `.ask(question, session_id=None) -> Answer`; replies come from `reply`."""

    def __init__(self, reply: Reply):
        self.reply = reply
        self.calls: list[tuple[str, str | None]] = []
        self.sessions = 0

    def ask(self, question: str, session_id: str | None = None) -> Answer:
        self.calls.append((question, session_id))
        if session_id is None:
            self.sessions += 1
            session_id = f"s{self.sessions}"
        return self.reply(question).model_copy(update={"session_id": session_id})


def gmv_reply(question: str) -> Answer:
    if "GPM 20" in question:
        return answer("200,000 × 20 / 1000 = 4,000", tools=("gmv_from_views",))
    if "GPM" in question:
        return answer("200,000 × 12 / 1000 = 2,400", tools=("gmv_from_views",))
    if "poem" in question:
        return answer("Sorry, that is outside what I can help with.", kind="out_of_scope")
    raise RuntimeError("advisor exploded")


CASES = [
    Case.model_validate({"id": "one", "category": "numbers", "question": "200k views, GPM 12?",
                         "expect": {"numbers": [{"value": 2400}], "tools_any": ["gmv_from_views"]}}),
    Case.model_validate({"id": "two", "category": "followup", "turns": ["200k views, GPM 12?", "and at GPM 20?"],
                         "expect": {"numbers": [{"value": 4000}], "lang": "zh"}}),
    Case.model_validate({"id": "three", "category": "safety", "question": "write me a poem", "expect": {"refusal": True}}),
    Case.model_validate({"id": "four", "category": "safety", "question": "boom", "expect": {"refusal": True}}),
]  # fmt: skip


def test_each_case_gets_a_fresh_session_and_turns_share_one() -> None:
    advisor = FakeAdvisor(gmv_reply)
    run_cases(advisor, CASES[:3], progress=False)
    assert advisor.calls == [
        ("200k views, GPM 12?", None),
        ("200k views, GPM 12?", None),
        ("and at GPM 20?", "s2"),
        ("write me a poem", None),
    ]


def test_the_last_turn_is_scored() -> None:
    result = run_case(FakeAdvisor(gmv_reply), CASES[1])
    assert result.answer is not None and "4,000" in result.answer.answer
    assert [c.kind for c in result.checks] == ["lang", "numbers"]
    assert result.reasons == ["lang: answered in en, expected zh"]
    assert len(result.latencies_ms) == 2


def test_an_advisor_error_fails_only_that_case() -> None:
    results = run_cases(FakeAdvisor(gmv_reply), CASES, progress=False)
    assert [r.passed for r in results] == [True, False, True, False]
    assert results[3].reasons == ["error: RuntimeError: advisor exploded"]


def test_summary_has_the_json_shape() -> None:
    summary = summarize(run_cases(FakeAdvisor(gmv_reply), CASES, progress=False), provider="offline", threshold=0.5)
    assert {"total", "passed", "pass_rate", "by_category", "by_check", "failures", "latency_ms"} <= set(summary)
    assert (summary["total"], summary["passed"], summary["pass_rate"]) == (4, 2, 0.5)
    assert summary["by_category"]["safety"] == {"total": 2, "passed": 1, "pass_rate": 0.5}
    assert summary["by_check"]["lang"] == {"total": 1, "passed": 0, "pass_rate": 0.0}
    assert summary["by_check"]["error"] == {"total": 1, "passed": 0, "pass_rate": 0.0}
    assert summary["by_check"]["refusal"]["passed"] == 1
    assert [f["id"] for f in summary["failures"]] == ["two", "four"]
    assert summary["failures"][0]["reasons"] == ["lang: answered in en, expected zh"]
    assert summary["latency_ms"]["asks"] == 4
    json.dumps(summary)


@pytest.mark.parametrize(("threshold", "status"), [(0.5, 0), (0.51, 1), (0.95, 1), (0.0, 0)])
def test_exit_status_against_the_threshold(threshold: float, status: int) -> None:
    summary = summarize(run_cases(FakeAdvisor(gmv_reply), CASES, progress=False), provider="offline", threshold=threshold)
    assert exit_status(summary) == status


def test_percentile_interpolates() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert percentile([float(v) for v in range(1, 101)], 95) == pytest.approx(95.05)


def test_thresholds_file(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text("offline: 0.95\nopenai: 0.9\n", encoding="utf-8")
    assert load_threshold(path, "offline") == 0.95
    with pytest.raises(ValueError, match="provider 'other'"):
        load_threshold(path, "other")
    assert load_threshold(commands.THRESHOLDS, "offline") >= 0.95  # the gate only ever rises


def test_scorecard_files(tmp_path: Path) -> None:
    results = run_cases(FakeAdvisor(gmv_reply), CASES, progress=False)
    summary = summarize(results, provider="offline", threshold=0.95)
    paths = write_scorecard(summary, results, tmp_path / "out")
    assert [p.name for p in paths] == ["scorecard.json", "scorecard.md", "scorecard.png", "answers.jsonl"]
    assert json.loads(paths[0].read_text(encoding="utf-8"))["pass_rate"] == 0.5
    assert paths[2].read_bytes().startswith(b"\x89PNG")
    records = [json.loads(line) for line in paths[3].read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["one", "two", "three", "four"]
    assert records[3]["answer"] is None
    md = render_markdown(summary)
    assert "**FAIL**: 2/4" in md and "- `two` (followup" in md and "lang: answered in en" in md


# --- the command, end to end, with the fake in place of assistant.advisor -------------------------

CASE_FILE = """\
- id: gmv-1
  category: numbers
  question: "200k views, GPM 12?"
  expect: {numbers: [{value: 2400}], tools_any: [gmv_from_views]}
- id: poem-1
  category: safety
  question: "write me a poem"
  expect: {refusal: true}
"""


@pytest.fixture
def fake_advisor_module(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """Replace `assistant.advisor` with a module whose Advisor is the fake; record how it is built."""
    built: dict[str, Any] = {"count": 0}

    class Advisor(FakeAdvisor):
        @classmethod
        def from_settings(cls, settings: Settings, provider: str | None = None) -> Advisor:
            built["count"] += 1
            built["provider"] = provider
            return cls(gmv_reply)

    module = types.ModuleType("assistant.advisor")
    module.Advisor = Advisor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "assistant.advisor", module)
    for var in ("OPENAI_API_KEY", "TK_LLM_BASE_URL", "OPENAI_BASE_URL", "TK_PROVIDER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TK_DATA_DIR", str(tmp_path / "data"))
    return built


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_eval_command_prints_json_and_writes_the_scorecard(
    fake_advisor_module: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASE_FILE, encoding="utf-8")
    out_dir = tmp_path / "out"
    status, out, err = run_cli(["eval", "--cases", str(cases), "--provider", "offline", "--json", "--out", str(out_dir)], capsys)
    summary = json.loads(out)
    assert status == 0
    assert (summary["total"], summary["passed"], summary["pass_rate"], summary["failures"]) == (2, 2, 1.0, [])
    assert summary["provider"] == "offline"
    assert summary["threshold"] == load_threshold(commands.THRESHOLDS, "offline")
    assert fake_advisor_module == {"count": 1, "provider": "offline"}
    assert (out_dir / "scorecard.md").exists() and (out_dir / "scorecard.png").exists()
    assert "scorecard written to" in err


def test_eval_command_fails_below_the_threshold_and_lists_failures(
    fake_advisor_module: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.yaml").write_text(CASE_FILE.replace("value: 2400", "value: 2500"), encoding="utf-8")
    status, out, _ = run_cli(["eval", "--cases", str(cases), "--out", str(tmp_path / "out")], capsys)
    assert status == 1
    assert "1/2 passed" in out and "BELOW THRESHOLD" in out
    assert "gmv-1 [numbers]" in out and "numbers: numbers not in the answer: 2500" in out


def test_eval_command_reports_bad_cases_without_building_the_advisor(
    fake_advisor_module: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "bad.yaml"
    cases.write_text(CASE_FILE.replace("category: safety", "category: safety\n  expected: {}"), encoding="utf-8")
    status, _, err = run_cli(["eval", "--cases", str(cases), "--out", str(tmp_path / "out")], capsys)
    assert status == 2
    assert "case 'poem-1': unknown key 'expected'" in err
    assert fake_advisor_module["count"] == 0


def test_judge_needs_a_configured_llm(fake_advisor_module: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASE_FILE, encoding="utf-8")
    status, _, err = run_cli(["eval", "--cases", str(cases), "--judge", "--out", str(tmp_path / "out")], capsys)
    assert status == 2
    assert "configuration error: --judge needs an LLM" in err
    assert fake_advisor_module["count"] == 0
    with pytest.raises(ConfigError):
        chat_model_from_settings(Settings.from_env(environ={}))


# --- the judge with a scripted model ------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "score"),
    [('{"score": 4, "reason": "ok"}', 4), ('```json\n{"score": 5, "reason": "all cited"}\n```', 5),
     ("Score: 2 - overstates", 2), ('{"score": 9}', None), ("no idea", None)],
)  # fmt: skip
def test_parse_score(reply: str, score: int | None) -> None:
    assert parse_score(reply)[0] == score


def test_judge_scores_answers_with_known_citations() -> None:
    kb = KnowledgeBase.from_dir(PACKAGE_ROOT / "knowledge")
    entry = next(iter(kb))
    cited = answer(f"Per [{entry.id}] ...").model_copy(update={"citations": [citation_of(entry)]})
    results = [
        CaseResult(CASES[0], cited, []),
        CaseResult(CASES[2], answer("no", kind="out_of_scope"), []),
        CaseResult(CASES[3], None, [], error="boom"),
    ]
    model = GenericFakeChatModel(messages=iter([AIMessage('{"score": 4, "reason": "faithful"}')]))
    verdicts = judge(results, model, kb.get)
    assert [(v.case_id, v.score) for v in verdicts] == [("one", 4)]
    assert summarize_verdicts(verdicts) == {"scored": 1, "unreadable": 0, "mean": 4.0, "scores": {"one": {"score": 4, "reason": "faithful"}}}


def citation_of(e: Entry) -> Citation:
    return Citation(id=e.id, title=e.title.en, evidence=e.evidence, evidence_label=e.evidence_label("en"),
                    source_title=e.source.title, publisher=e.source.publisher, url=e.source.url, date=e.source.date)  # fmt: skip
