"""The offline planner: which calculations a question asks for, and which number goes to which input."""

from __future__ import annotations

import pytest

from assistant.advisor import Advisor
from assistant.engine.conversation import Conversation, Turn
from assistant.engine.intents import INTENTS, Intent
from assistant.engine.planner import fill_slots, plan_turn
from assistant.tools.numbers import find_numbers


def _calls(question: str, lang: str) -> list[tuple[str, dict]]:
    """The calculations planned (searches and rulings aside)."""
    plan = plan_turn(Conversation(question, lang, [], []))
    return [(c.name, c.args) for c in plan.calls if c.name not in ("search_knowledge", "check_policy")]


def _intent(tool: str) -> Intent:
    return next(i for i in INTENTS if i.tool == tool)


def test_a_number_nearer_a_rival_cue_is_left_to_the_rival() -> None:
    text = "我每月预算2万，做AI视频和找达人哪个更划算？"
    compare, budget = _intent("compare_content_options"), _intent("plan_test_budget")
    assert fill_slots(compare.slots, text, find_numbers(text)) == {"ai_cost_per_video": "2万"}  # alone, "AI" takes it
    assert fill_slots(compare.slots, text, find_numbers(text), budget.slots) == {}


@pytest.mark.parametrize(
    ("question", "lang", "budget"),
    [
        ("我每月预算2万，做AI视频和找达人哪个更划算？", "zh", "2万"),
        ("I have a $5,000 monthly budget — AI videos or creators, which is cheaper?", "en", "$5,000"),
    ],
)
def test_a_budget_beside_a_cost_comparison_is_the_budget(question: str, lang: str, budget: str) -> None:
    """The budget plan takes the budget; the comparison runs on its cited defaults, not on the budget."""
    assert _calls(question, lang) == [("plan_test_budget", {"total_budget": budget}), ("compare_content_options", {})]


@pytest.mark.parametrize(
    ("question", "lang", "tool", "field", "value"),
    [
        # "成本" (unit_economics' product cost) stands nearer, but without a price that calculation cannot run
        ("达人坑位费150美元，佣金15%，寄样成本20美元，预计播放5万，GPM按60算，我的毛利率35%，这次合作能赚多少？", "zh",
         "creator_collab_return", "sample_cost", "20美元"),
        # "flat fee" and "cost" (creator_collab_return) stand nearer, but that calculation requires no input to claim
        ("Creator videos cost me a $150 flat fee plus 10% commission; AI videos cost $8 each. At 20,000 views per video, "
         "AI at GPM 12 and creators at GPM 80, which gives more GMV per dollar?", "en",
         "compare_content_options", "ai_cost_per_video", "$8"),
    ],
)  # fmt: skip
def test_only_a_complete_calculations_required_input_claims_a_number(
    question: str, lang: str, tool: str, field: str, value: str
) -> None:
    (name, args), *others = _calls(question, lang)
    assert name == tool and args[field] == value and not others


def test_no_two_calculations_read_the_same_number() -> None:
    """The creator-collab calculation could run on the same fee and views: only the better-filled one runs."""
    question = ("达人视频一条坑位费200美元加15%佣金，AI视频一条10美元。"
                "每条都按1万播放算，AI视频GPM 13，达人视频GPM 100，哪种更划算？")
    assert [name for name, _ in _calls(question, "zh")] == ["compare_content_options"]


def test_the_verdict_states_each_calculation_asked_for(advisor: Advisor) -> None:
    answer = advisor.ask("I have a $5,000 monthly budget — AI videos or creators, which is cheaper?")
    verdict = answer.answer.splitlines()[0]
    assert "Budget $5,000" in verdict and "GMV per $1 of cost" in verdict
    assert "$50,000" not in answer.answer and answer.warnings == []


@pytest.mark.parametrize(
    ("question", "lang", "ai", "creator"),
    [
        ("我每月预算5000美元，AI视频一条10美元，达人坑位费200美元，怎么分配？", "zh", "10美元", "200美元"),
        ("AI视频一条10美元，达人坑位费200美元，我每月预算5000美元，怎么分配？", "zh", "10美元", "200美元"),
        ("My budget is $5,000, AI videos cost $10 each, creator videos $200 each, how should I split it?", "en", "$10", "$200"),
    ],
)
def test_a_cue_on_the_numbers_side_of_a_comma_comes_first(question: str, lang: str, ai: str, creator: str) -> None:
    """"达人" right after "10美元，" is nearer in characters, but "AI" is in the number's own phrase."""
    ((name, args),) = _calls(question, lang)
    assert name == "plan_test_budget"
    assert (args["ai_cost_per_video"], args["creator_cost_per_video"]) == (ai, creator)


def test_a_cue_past_a_comma_still_names_a_number_no_nearer_cue_claims() -> None:
    ((name, args),) = _calls("我想做AI视频，一条8美元，划算吗？", "zh")
    assert name == "compare_content_options" and args == {"ai_cost_per_video": "8美元"}


@pytest.mark.parametrize(
    ("question", "lang", "ai", "creator"),
    [
        ("With a $5,000 budget, is a $15 AI video cheaper than a $300 creator video?", "en", "$15", "$300"),
        ("预算5000美元的话，一条15美元的AI视频比一条300美元的达人视频更划算吗？", "zh", "15美元", "300美元"),
    ],
)
def test_a_comparison_asked_outright_shares_the_costs_named_for_the_budget(
    question: str, lang: str, ai: str, creator: str
) -> None:
    """Both calculations read "$15" through "AI" and "$300" through "creator": one meaning, two questions."""
    calls = dict(_calls(question, lang))
    assert calls["plan_test_budget"]["ai_cost_per_video"] == calls["compare_content_options"]["ai_cost_per_video"] == ai
    assert calls["plan_test_budget"]["creator_cost_per_video"] == calls["compare_content_options"]["creator_fee"] == creator


def test_costs_named_for_a_budget_split_start_no_comparison_not_asked_for() -> None:
    question = "My budget is $5,000, AI videos cost $10 each, creator videos $200 each, how should I split it?"
    assert [name for name, _ in _calls(question, "en")] == ["plan_test_budget"]


@pytest.mark.parametrize(
    ("question", "lang", "tool", "expected"),
    [
        ("达人要价300刀一条，佣金20%，播放预计5w，GPM 80，毛利30%，值不值？", "zh", "creator_collab_return",
         {"flat_fee": "300刀", "commission_rate": "20%", "expected_views": "5w", "gpm": "80", "margin": "30%"}),
        ("A creator charges $300 per video plus 20% commission, expects 50k views at GPM 80, my margin is 30%. "
         "Is it worth it?", "en", "creator_collab_return",
         {"flat_fee": "$300", "commission_rate": "20%", "expected_views": "50k", "gpm": "80", "margin": "30%"}),
        ("我的AI视频每条成本5块钱，做了100条，平均每条3000播放，GPM 8，赚了吗？", "zh", "risk_adjusted_return",
         {"videos": "100", "cost_per_video": "5块钱", "views_per_video": "3000", "gpm": "8"}),
        ("I made 100 AI videos at $5 each, about 3,000 views each at GPM 8. Am I making money?", "en",
         "risk_adjusted_return", {"videos": "100", "cost_per_video": "$5", "views_per_video": "3,000", "gpm": "8"}),
        ("投流ROI 2.5，客单价30美元，货本9美元，能做吗", "zh", "unit_economics",
         {"price": "30美元", "product_cost": "9美元", "roas": "2.5"}),
        ("My ads run at a ROAS of 2.5, price $30, product cost $9. Is that viable?", "en", "unit_economics",
         {"price": "$30", "product_cost": "$9", "roas": "2.5"}),
    ],
)  # fmt: skip
def test_a_sellers_everyday_words_ask_for_the_calculation(question: str, lang: str, tool: str, expected: dict) -> None:
    """"值不值" at the end of a long sentence, "要价"/"charges", "赚了吗"/"making money" about AI videos, "ROI"."""
    assert _calls(question, lang) == [(tool, expected)]


def test_replaying_a_long_unrecorded_history_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.engine import planner

    planned: list[str] = []
    real = planner._plan
    monkeypatch.setattr(planner, "_plan", lambda question, *rest: planned.append(question) or real(question, *rest))
    turns = [Turn("hello" if i % 2 else "我的视频20万播放, GPM 12, 能卖多少?", "zh") for i in range(40)]
    plan = plan_turn(Conversation("那如果GPM是20呢?", "zh", turns, []))
    assert len(planned) == planner.MAX_REPLAYED_TURNS + 1
    assert [c.args.get("gpm") for c in plan.calls if c.name == "gmv_from_views"] == ["20"]


def test_which_one_after_two_computed_options_decides_between_them(advisor: Advisor) -> None:
    first = "AI videos: 50k views, $300 sales. Creator videos: 20k views, $900 sales."
    answer = advisor.ask([{"role": "user", "content": first}, {"role": "assistant", "content": "…"},
                          {"role": "user", "content": "so which should I scale?"}])
    assert [c.name for c in answer.tool_calls].count("gpm_from_sales") == 2
    lead = answer.answer.split("\n")[0]
    assert "Creator videos" in lead and "GPM 45 against 6" in lead
    alone = advisor.ask("so which should I scale?")
    assert "gpm_from_sales" not in [c.name for c in alone.tool_calls]
