"""Eval checks: each kind passes and fails on hand-made Answers; numbers are normalised."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.answer import Answer, Citation, ToolCall
from assistant.evaluation.cases import Expect, ExpectedNumber
from assistant.evaluation.checks import CHECKS, affirms, answer_numbers, number_matches, run_checks


def citation(entry_id: str) -> Citation:
    return Citation(
        id=entry_id, title=entry_id, evidence="insider", evidence_label="insider claim, unverified",
        source_title="Objective AI", publisher="TT123", url="https://www.tt123.com/t/x", date=dt.date(2026, 1, 18),
    )  # fmt: skip


def make_answer(text: str = "", *, lang: str = "en", kind: str = "advice", cites: tuple[str, ...] = (),
                tools: tuple[str, ...] = (), failed_tools: tuple[str, ...] = ()) -> Answer:  # fmt: skip
    calls = [ToolCall(id=f"c{i}", name=n, args={}, result={"ok": True}) for i, n in enumerate(tools)]
    calls += [ToolCall(id=f"f{i}", name=n, args={}, result=None, error="bad input") for i, n in enumerate(failed_tools)]
    return Answer(answer=text, lang=lang, kind=kind, provider="fake", citations=[citation(c) for c in cites], tool_calls=calls)


def check(kind: str, answer: Answer, expected: Any) -> tuple[bool, str]:
    expect = Expect.model_validate({kind: expected})
    result = CHECKS[kind](answer, getattr(expect, kind))
    assert result.kind == kind
    return result.passed, result.reason


# --- one pass and one fail per kind -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "answer", "expected", "reason_part"),
    [
        ("lang", make_answer("你好", lang="zh"), "zh", None),
        ("lang", make_answer("hi", lang="en"), "zh", "answered in en, expected zh"),
        ("cites_any", make_answer(cites=("aigc-gmv-share",)), ["gpm-aigc-vs-original", "aigc-gmv-share"], None),
        ("cites_any", make_answer(cites=("provider-hype",)), ["aigc-gmv-share"], "expected one of ['aigc-gmv-share']"),
        ("cites_any", make_answer(), ["aigc-gmv-share"], "cited nothing"),
        ("cites_all", make_answer(cites=("ai-account-throttling", "tts-aigc-policy-us")), ["ai-account-throttling", "tts-aigc-policy-us"], None),
        ("cites_all", make_answer(cites=("ai-account-throttling",)), ["ai-account-throttling", "tts-aigc-policy-us"], "missing citations ['tts-aigc-policy-us']"),
        ("cites_none", make_answer(), True, None),
        ("cites_none", make_answer(cites=("aigc-gmv-share",)), True, "cites ['aigc-gmv-share']"),
        ("cites_none", make_answer(cites=("gpm-definition",)), ["gpm-aigc-vs-original"], None),
        ("cites_none", make_answer(cites=("gpm-definition", "gpm-aigc-vs-original")), ["gpm-aigc-vs-original", "ugc-video-cost"],
         "cites ['gpm-aigc-vs-original'], expected none of"),
        ("tools_any", make_answer(tools=("search_knowledge", "gmv_from_views")), ["gmv_from_views"], None),
        ("tools_any", make_answer(tools=("search_knowledge",)), ["gmv_from_views"], "called ['search_knowledge']"),
        ("tools_any", make_answer(failed_tools=("gmv_from_views",)), ["gmv_from_views"], "failed ['gmv_from_views']"),
        ("tools_all", make_answer(tools=("search_knowledge", "unit_economics")), ["search_knowledge", "unit_economics"], None),
        ("tools_all", make_answer(tools=("search_knowledge",)), ["search_knowledge", "unit_economics"], "missing tool calls ['unit_economics']"),
        ("numbers", make_answer("GMV ≈ 200,000 × 12 / 1000 = $2,400"), [{"value": 2400}], None),
        ("numbers", make_answer("GMV ≈ $2,300"), [{"value": 2400}], "numbers not in the answer: 2400"),
        ("includes_any", make_answer("不建议 All in，先用AI测品。", lang="zh"), [["不建议", "谨慎"], ["测品"]], None),
        ("includes_any", make_answer("可以 All in。", lang="zh"), [["不建议", "谨慎"]], "none of ['不建议', '谨慎']"),
        ("excludes", make_answer("先小批量测试。", lang="zh"), ["稳赚"], None),
        ("excludes", make_answer("这个打法稳赚。", lang="zh"), ["稳赚"], "answer says ['稳赚']"),
        ("refusal", make_answer(kind="out_of_scope"), True, None),
        ("refusal", make_answer(kind="injection"), True, None),
        ("refusal", make_answer(kind="advice"), True, "answered (kind advice), expected a decline"),
        ("refusal", make_answer(kind="advice"), False, None),
        ("refusal", make_answer(kind="out_of_scope"), False, "declined (kind out_of_scope), expected an answer"),
    ],
)
def test_check_kind(kind: str, answer: Answer, expected: Any, reason_part: str | None) -> None:
    passed, reason = check(kind, answer, expected)
    assert passed is (reason_part is None)
    if reason_part is None:
        assert reason == ""
    else:
        assert reason_part in reason


def test_every_expect_key_has_a_check() -> None:
    assert set(CHECKS) == set(Expect.model_fields)


def test_run_checks_runs_only_the_keys_set_and_keeps_refusal_false() -> None:
    expect = Expect(lang="en", refusal=False, excludes=["guaranteed"])
    results = run_checks(make_answer("Test small first."), expect)
    assert [r.kind for r in results] == ["lang", "excludes", "refusal"]
    assert all(r.passed for r in results)
    assert run_checks(make_answer("x"), Expect()) == []


# --- number normalisation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["约 2,400", "2400.0", "2.4k", "2400美元", "$2,400", "GMV ≈ US$2,400.00", "大约2.4千美元", "2,376 (≈1% below)"],
)
def test_2400_is_read_in_every_spelling(text: str) -> None:
    assert number_matches(ExpectedNumber(value=2400, rel_tol=0.01), answer_numbers(text))


@pytest.mark.parametrize(
    ("text", "value"),
    [("预计能卖250万", 2_500_000), ("1.5w播放", 15_000), ("一万二", 12_000), ("亏损 -200 美元", 200), ("GPM 10-16", 16)],
)
def test_chinese_units_ranges_and_signs(text: str, value: float) -> None:
    assert number_matches(ExpectedNumber(value=value), answer_numbers(text))


def test_tolerance_is_relative() -> None:
    values = answer_numbers("about 2,350")
    assert not number_matches(ExpectedNumber(value=2400, rel_tol=0.01), values)
    assert number_matches(ExpectedNumber(value=2400, rel_tol=0.05), values)


@pytest.mark.parametrize(
    "expected",
    [ExpectedNumber(value=0.68, unit="percent"), ExpectedNumber(value=0.0068)],
    ids=["percent-unit", "plain-fraction"],
)
@pytest.mark.parametrize("text", ["GMV share 0.68%", "份额约0.68%。", "a share of 0.0068"])
def test_percent_expectations_match_percent_and_fraction(expected: ExpectedNumber, text: str) -> None:
    assert number_matches(expected, answer_numbers(text))


def test_a_plain_number_does_not_match_a_percent_face_value() -> None:
    assert not number_matches(ExpectedNumber(value=15), answer_numbers("commission 15%"))
    assert number_matches(ExpectedNumber(value=15, unit="percent"), answer_numbers("commission 15%"))


def test_dates_are_not_figures() -> None:
    assert not number_matches(ExpectedNumber(value=3), answer_numbers("从2026年3月15日起"))


def test_numbers_check_names_the_missing_and_the_stated() -> None:
    passed, reason = check("numbers", make_answer("GPM 20 → 4,000"), [{"value": 4000}, {"value": 6000}])
    assert not passed
    assert "6000" in reason and "stated: 20, 4000" in reason


# --- phrases --------------------------------------------------------------------------------


def test_includes_ignore_case_width_and_spacing() -> None:
    answer = make_answer("ＧＰＭ is low.  Not   advisable to go ALL-IN.")
    assert check("includes_any", answer, [["not advisable"], ["all-in"], ["gpm"]])[0]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [("也不存在“稳赚”的打法。", "稳赚"), ("AI视频并不是稳赚不赔的。", "稳赚"), ("没有稳赚的事。", "稳赚"),
     ("I won't say all-in on AI is safe.", "all-in on AI is safe"), ("It is not risk-free.", "risk-free"),
     ("going all-in is not advisable and nothing here is a guaranteed win.", "guaranteed win")],
)  # fmt: skip
def test_excludes_ignore_a_negated_phrase(text: str, phrase: str) -> None:
    assert not affirms(text, phrase)
    assert check("excludes", make_answer(text), [phrase])[0]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [("不用担心，稳赚。", "稳赚"), ("无风险稳赚", "稳赚"), ("非常稳赚", "稳赚"), ("Trust me: all-in on AI is safe.", "all-in on AI is safe"),
     ("不存在稳赚。但这个品稳赚！", "稳赚"), ("It's not just cheap, it's a guaranteed win.", "guaranteed win"),
     ("No doubt. A guaranteed win.", "guaranteed win")],
)  # fmt: skip
def test_excludes_catch_an_affirmed_phrase(text: str, phrase: str) -> None:
    assert affirms(text, phrase)
    assert not check("excludes", make_answer(text), [phrase])[0]
