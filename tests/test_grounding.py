"""The grounding check: which numbers and citations in an answer have a source in this turn."""

from __future__ import annotations

import json

from factories import make_entry
from langchain_core.messages import ToolMessage

from assistant.engine.grounding import SEARCH_TOOL, check_grounding

ENTRY = make_entry(
    "gpm-gap",
    text={"zh": "优质AIGC视频GPM约10到16，优质原创视频可达100以上。", "en": "Good AIGC videos reach a GPM of 10-16, good original ones 100+."},
)
CALCULATION = {
    "tool": "gmv_from_views",
    "inputs": {"views": 200000.0, "gpm": 12.0},
    "figures": {"gmv": 2400.0},
    "steps": {"en": ["GMV = 200,000 × 12 / 1,000 = $2,400"], "zh": ["GMV = 20万 × 12 ÷ 1,000 = 2,400美元"]},
    "sources": ["gpm-gap"],
}


def turn(*, calculation: dict | None = CALCULATION, hits: tuple[str, ...] = ("gpm-gap",)) -> list[ToolMessage]:
    messages = [ToolMessage(json.dumps([{"id": i} for i in hits]), name=SEARCH_TOOL, tool_call_id="s")]
    if calculation is not None:
        messages.append(ToolMessage(json.dumps(calculation, ensure_ascii=False), name="gmv_from_views", tool_call_id="c"))
    return messages


def check(answer: str, **kwargs: object):
    return check_grounding(answer, turn(**kwargs), "20万播放, GPM 12", {"gpm-gap": ENTRY}.get)


def test_numbers_from_the_calculation_the_entry_and_the_user_are_grounded() -> None:
    report = check("About $2,400 of GMV from 200k views at GPM 12; AI videos reach 10-16, originals 100+ [gpm-gap].")
    assert report.ok, report.describe()


def test_an_invented_number_is_reported_even_next_to_a_quoted_calculator_step() -> None:
    report = check("- GMV = 200,000 × 12 / 1,000 = $2,400\n- so about $9,731 a month")
    assert report.unsupported_numbers == ("$9,731",)


def test_a_quoted_step_is_vouched_for_by_its_calculator_only() -> None:
    step = "GMV = 20万 × 12 ÷ 1,000 = 2,400美元"
    assert check(f"- {step}").ok
    assert check(f"- {step}", calculation=None).unsupported_numbers == ("2,400美元",)


def test_rates_match_in_percent_or_fraction_form_within_one_percent() -> None:
    calculation = {**CALCULATION, "figures": {"share": 0.0068}}
    assert check("AIGC would be about 0.68% of GMV.", calculation=calculation).ok
    assert not check("AIGC would be about 0.75% of GMV.", calculation=calculation).ok


def test_citations_must_come_from_this_turns_tools() -> None:
    report = check("GPM 12 [gpm-gap] [ai-account-throttling]", hits=("gpm-gap",))
    assert report.unknown_citations == ("ai-account-throttling",)
    assert "citations not retrieved" in report.describe()
