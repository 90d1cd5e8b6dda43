"""The grounding check: which numbers and citations in an answer have a source, in both directions
(a correct answer passes, a wrong one is caught)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from factories import make_entry
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from assistant.engine.grounding import SEARCH_TOOL, check_grounding
from assistant.tools.calculate import calculate

GPM = make_entry(
    "gpm-gap",
    text={"zh": "优质AIGC视频GPM约10到16，优质原创视频可达100以上。", "en": "Good AIGC videos reach a GPM of 10-16, good original ones 100+."},
)
SHARE = make_entry(
    "gmv-share",
    text={"zh": "AIGC视频带来的GMV不到1%，占视频量不到5%。", "en": "AIGC videos bring under 1% of GMV and under 5% of videos."},
)
DAYS = make_entry("old-rate", text={"zh": "旧佣金率保留30天。", "en": "The old rate stays for 30 days."}, numbers={"old_rate_days": 30})
ENTRIES = {e.id: e for e in (GPM, SHARE, DAYS)}
CALCULATION = {
    "tool": "gmv_from_views",
    "inputs": {"views": 200000.0, "gpm": 12.0},
    "figures": {"gmv": 2400.0},
    "steps": {"en": ["GMV = 200,000 × 12 / 1,000 = $2,400"], "zh": ["GMV = 20万 × 12 ÷ 1,000 = 2,400美元"]},
    "sources": ["gpm-gap"],
}
QUESTION = "20万播放, GPM 12"


def conversation(*, calculation: dict | None = CALCULATION, hits: tuple[str, ...] = ("gpm-gap",),
                 question: str = QUESTION, extra: tuple[Any, ...] = ()) -> list[Any]:  # fmt: skip
    messages: list[Any] = [HumanMessage(question), ToolMessage(json.dumps([{"id": i} for i in hits]), name=SEARCH_TOOL, tool_call_id="s")]
    if calculation is not None:
        messages.append(ToolMessage(json.dumps(calculation, ensure_ascii=False), name="gmv_from_views", tool_call_id="c"))
    return [*messages, *extra]


def calc_message(args: dict[str, Any], call_id: str = "k") -> ToolMessage:
    return ToolMessage(json.dumps(calculate(args), ensure_ascii=False), name="calculate", tool_call_id=call_id)


def check(answer: str, **kwargs: Any):
    return check_grounding(answer, conversation(**kwargs), ENTRIES.get)


# --- accepted -------------------------------------------------------------------------------------


def test_numbers_from_the_calculation_the_cited_entry_and_the_user_are_grounded() -> None:
    report = check("About $2,400 of GMV from 200k views at GPM 12; AI videos reach 10-16, originals 100+ [gpm-gap].")
    assert report.ok, report.describe()


def test_a_quoted_step_carries_its_numbers_and_a_sum_over_the_sellers_figures_its_result() -> None:
    step = "GMV = 20万 × 12 ÷ 1,000 = 2,400美元"
    assert check(f"- {step}").ok
    assert check(f"- {step}", calculation=None).ok
    assert check("- GMV = 20万 × 12 ÷ 1,000 = 2,600美元", calculation=None).unsupported_numbers == ("2,600美元",)


def test_rates_match_as_percentages_of_a_fraction_within_one_percent() -> None:
    calculation = {**CALCULATION, "figures": {"share": 0.0068}}
    assert check("AIGC would be about 0.68% of GMV.", calculation=calculation).ok
    assert not check("AIGC would be about 0.75% of GMV.", calculation=calculation).ok


@pytest.mark.parametrize("answer", [
    "Your GPM is about 3.3 (396 ÷ 120,000 × 1,000 ≈ 3.3).",
    "27单 × 25美元 = 675美元GMV，675 ÷ 180,000 × 1,000 = 3.75。",
    "You kept $240 (600 − 360 = 240).",
    "One order per 6,667 views: 18 ÷ 120,000 = 0.015%.",
    "18 ÷ 120,000 × 100 = 0.015% of views bought.",
])  # fmt: skip
def test_a_sum_written_out_over_sourced_figures_vouches_for_its_result(answer: str) -> None:
    question = "Last week 120,000 views, 18 orders at $22, $396 of GMV; 27 orders at $25 over 180,000 views; sold $600, paid $360"
    report = check(answer, calculation=None, question=question)
    assert report.unsupported_numbers in ((), ("6,667",)), report.describe()


def test_a_written_sum_over_an_invented_operand_or_with_a_wrong_result_is_caught() -> None:
    question = "120,000 views, $396 of GMV"
    assert check("GPM 396 ÷ 120,000 × 1,000 = 4.1.", calculation=None, question=question).unsupported_numbers == ("4.1",)
    assert check("GPM 9,731 ÷ 120,000 × 1,000 = 81.1.", calculation=None, question=question).unsupported_numbers == ("9,731", "81.1")


def test_a_calculate_result_over_sourced_values_is_grounded_with_its_worked_line() -> None:
    worked = calc_message({"expression": "views / videos", "values": {"views": "12万", "videos": 40}, "label": "views per video"})
    answer = "That is 3,000 views per video (120,000 ÷ 40 = 3,000)."
    assert check_grounding(answer, conversation(calculation=None, question="40条视频, 12万播放", extra=(worked,)), ENTRIES.get).ok


def test_a_calculate_result_over_an_invented_value_is_not_a_source() -> None:
    laundered = calc_message({"expression": "x * 1", "values": {"x": 9731}})
    report = check_grounding("You will make about 9,731.", conversation(extra=(laundered,)), ENTRIES.get)
    assert report.unsupported_numbers == ("9,731",)


def test_a_follow_up_may_use_an_earlier_turns_tool_results_and_reply() -> None:
    earlier = conversation()
    follow_up = [*earlier, AIMessage("About $2,400 of GMV [gpm-gap]."), HumanMessage("And at GPM 20?"),
                 ToolMessage(json.dumps({**CALCULATION, "figures": {"gmv": 4000.0}}), name="gmv_from_views", tool_call_id="c2")]
    assert check_grounding("About $4,000, versus $2,400 before.", follow_up, ENTRIES.get).ok


# --- caught ---------------------------------------------------------------------------------------


def test_an_invented_number_is_reported_even_next_to_a_quoted_calculator_step() -> None:
    report = check("- GMV = 200,000 × 12 / 1,000 = $2,400\n- so about $9,731 a month")
    assert report.unsupported_numbers == ("$9,731",)


def test_a_gpm_does_not_back_a_percentage_nor_a_percentage_a_count_of_days() -> None:
    assert check("AI videos keep about 13% of it [gpm-gap].").unsupported_numbers == ("13%",)
    assert check("Expect a 12% conversion.").unsupported_numbers == ("12%",)
    rate = check("The commission is 30%.", question="commission 30%")
    assert rate.ok
    assert check("It lasts 30 days.", question="commission 30%").unsupported_numbers == ("30 days",)
    assert check("The old rate stays for 30 days [old-rate].", hits=("old-rate",)).ok


def test_an_entrys_figure_needs_that_entry_cited() -> None:
    report = check("AI videos bring under 1% of GMV.", hits=("gpm-gap", "gmv-share"))
    assert [(f.problem, f.stated_by) for f in report.flags] == [("uncited", ("gmv-share",))]


def test_a_citation_must_state_the_numbers_of_its_sentence() -> None:
    wrong = check("AI videos bring under 1% of GMV [gpm-gap]. Good ones reach 10-16 [gmv-share].", hits=("gpm-gap", "gmv-share"))
    assert [(f.problem, f.figure, f.cited, f.stated_by) for f in wrong.flags] == [
        ("miscited", "1%", ("gpm-gap",), ("gmv-share",)), ("miscited", "10-16", ("gmv-share",), ("gpm-gap",))]
    right = check("AI videos bring under 1% of GMV [gmv-share]. Good ones reach 10-16 [gpm-gap].", hits=("gpm-gap", "gmv-share"))
    assert right.ok, right.describe()
    marker_after_stop = check("Good ones reach 10-16. [gpm-gap]", hits=("gpm-gap", "gmv-share"))
    assert marker_after_stop.ok, marker_after_stop.describe()


def test_citations_must_have_been_retrieved() -> None:
    report = check("GPM 12 [gpm-gap] [ai-account-throttling]", hits=("gpm-gap",))
    assert report.unknown_citations == ("ai-account-throttling",)
    assert "citations not retrieved" in report.describe()


def test_a_rejected_draft_of_this_turn_is_never_a_source() -> None:
    draft = AIMessage("You will make $9,731.")
    messages = [*conversation(), draft, HumanMessage("Your answer failed the grounding check", additional_kwargs={"tk_internal": True})]
    assert check_grounding("You will make $9,731.", messages, ENTRIES.get).unsupported_numbers == ("$9,731",)


def test_a_quoted_sentence_with_a_decimal_range_is_vouched_for_whole() -> None:
    fee = make_entry("fee-note", text={"zh": "第三方另称多数交易还要收1.02%至3.78%的支付手续费，未经官方核实。",
                                  "en": "A third party adds a payment fee of 1.02% to 3.78% on many orders, unverified."})
    for sentence in ("第三方另称多数交易还要收1.02%至3.78%的支付手续费，未经官方核实。",
                     "A third party adds a payment fee of 1.02% to 3.78% on many orders, unverified."):
        report = check_grounding(f"- {sentence} [fee-note]", conversation(calculation=None, hits=("fee-note",)), {"fee-note": fee}.get)
        assert report.ok, report.describe()
