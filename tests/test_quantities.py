"""The quantity reader and the solver: sellers' numbers read into roles, and sums that hold."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.config import PACKAGE_ROOT
from assistant.engine.quantities import read_quantities
from assistant.engine.solver import solve
from assistant.kb.loader import load_entries
from assistant.tools.calculators import CalculatorInputError, Defaults, run_calculator

DEFAULTS = Defaults.from_entries(load_entries(PACKAGE_ROOT / "knowledge").entries)


def roles(text: str) -> list[tuple[str, str, str | None]]:
    return [(q.raw, q.role, q.scope) for q in read_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一周发了30条AI视频，总播放12w，出了18单，客单价19.9刀",
         [("一周", "days", None), ("30", "videos", None), ("12w", "views", "total"), ("18", "orders", None),
          ("19.9刀", "price", None)]),
        ("45 AI videos, 9k views each, $900 GMV in total",
         [("45", "videos", None), ("9k", "views", "per_video"), ("$900", "gmv", "total")]),
        ("投流花了2千刀，出了5k刀GMV", [("2千刀", "ad_spend", None), ("5k刀", "gmv", None)]),
        ("ad spend 800, sales from ads 2000, margin is 35%",
         [("800", "ad_spend", None), ("2000", "gmv", None), ("35%", "margin", None)]),
        ("被限流的概率算20%，限流了GMV会砍掉一半", [("20%", "probability", None), ("50%", "share_cut", None)]),
        ("got 60 orders at $22 from 150k views", [("60", "orders", None), ("$22", "price", None), ("150k", "views", None)]),
        ("链接1 播放8万 成交$960", [("8万", "views", None), ("$960", "gmv", None)]),  # "1" names the link
        ("video 2: 120k views, $840", [("120k", "views", None), ("$840", "amount", None)]),
        ("我的视频20万播放", [("20万", "views", None)]),  # an amount right after 视频 is still an amount
        ("开头3秒的视频20万播放，十几单", [("20万", "views", None), ("十几", "orders", None)]),  # a video's length is no input
        ("投了500刀GMV Max 回来1800 ROI 3.6", [("500刀", "ad_spend", None), ("1800", "gmv", None), ("3.6", "roas", None)]),
    ],
)
def test_each_number_gets_its_role_and_scope(text: str, expected: list) -> None:
    assert roles(text) == expected


def test_subjects_stay_with_their_clause_and_turn() -> None:
    found = {(q.raw, q.subject) for q in read_quantities("AI视频一条12刀，平均6000播放；达人一条250刀，4w播放，GPM 45")}
    assert {("12刀", "ai"), ("6000", "ai"), ("250刀", "creator"), ("4w", "creator"), ("45", "creator")} <= found


def _run(question: str, earlier: tuple[str, ...] = ()) -> tuple[str, dict]:
    ((name, args),) = solve(question, earlier)
    return name, run_calculator(name, args, DEFAULTS).model_dump()


@settings(max_examples=60, deadline=None)
@given(per=st.integers(100, 900_000), videos=st.integers(2, 400), gpm=st.integers(1, 200))
def test_per_video_times_count_is_the_total(per: int, videos: int, gpm: int) -> None:
    name, result = _run(f"{videos}条视频，平均每条播放{per}，GPM {gpm}，一共卖了多少")
    assert name == "total_gmv"
    assert result["figures"]["views"] == per * videos
    assert math.isclose(result["figures"]["gmv"], per * videos * gpm / 1000, rel_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(orders=st.integers(1, 5000), price=st.integers(1, 500), views=st.integers(1000, 5_000_000))
def test_gpm_from_sales_satisfies_its_formula(orders: int, price: int, views: int) -> None:
    name, result = _run(f"一共{views}播放，出了{orders}单，客单价{price}刀，GPM多少")
    assert name == "gpm_from_sales"
    figures = result["figures"]
    assert figures["gmv"] == orders * price
    assert math.isclose(figures["gpm"] * figures["views"] / 1000, figures["gmv"], rel_tol=1e-9)
    assert result["verdict"]["en"] in ("Low", "Normal", "High")


@settings(max_examples=40, deadline=None)
@given(p=st.integers(1, 99), cut=st.integers(1, 100), gmv=st.integers(1000, 200_000), months=st.integers(2, 12))
def test_expected_loss_is_probability_times_the_loss(p: int, cut: int, gmv: int, months: int) -> None:
    name, result = _run(f"{p}% chance of throttling, it would cut {cut}% of my ${gmv} monthly GMV for {months} months. expected loss?")
    assert name == "expected_loss"
    figures = result["figures"]
    assert math.isclose(figures["loss_if_hit"], cut / 100 * gmv * months, rel_tol=1e-9)
    assert math.isclose(figures["expected_loss"], p / 100 * figures["loss_if_hit"], rel_tol=1e-9)


def test_a_follow_up_changes_one_number_and_keeps_the_rest() -> None:
    name, result = _run("那如果GPM是12呢", ("80条 平均播放5k GPM 9 一共卖了多少",))
    assert name == "total_gmv" and result["figures"]["gmv"] == 4800  # 80 × 5,000 × 12 / 1,000


def test_a_decision_across_turns_compares_per_dollar() -> None:
    earlier = ("AI视频一条12刀，平均6000播放，GPM 11", "达人一条250刀，4w播放，GPM 45")
    name, result = _run("下个月3000刀预算投哪个", earlier)
    assert name == "compare_per_dollar"
    assert result["figures"]["creator_gmv_per_dollar"] == pytest.approx(7.2)
    assert result["figures"]["ai_gmv_per_dollar"] == pytest.approx(5.5)
    assert result["headline"]["en"].startswith("Creators")


def test_which_of_the_videos_of_earlier_turns_compares_their_gpms() -> None:
    calls = solve("哪个好 该投哪个", ["视频A 10万播放 GMV $1500", "视频B 20万播放 GMV $2000"])
    assert [(name, args["label"]) for name, args in calls] == [("gpm_from_sales", "视频A"), ("gpm_from_sales", "视频B")]
    gpms = [run_calculator(name, args, DEFAULTS).figures["gpm"] for name, args in calls]
    assert gpms == [pytest.approx(15), pytest.approx(10)]


@pytest.mark.parametrize(
    ("question", "cost", "commission", "profit"),
    [
        ("纯佣达人 佣金20% 一单客单价$25 出了80单 我要付多少佣金", 400, 400, None),  # 80 × 25 × 20%
        ("坑位费500刀+10%佣金 达人带了$3000 划算吗", 800, 300, None),  # 500 + 3,000 × 10%
        ("creator took a $200 fee plus 15% commission and sold $2,500, margin 35%", 575, 375, 300),  # 875 − 575
    ],
)
def test_a_creator_deal_costs_fee_plus_commission_on_what_it_sold(question: str, cost: float, commission: float,
                                                                   profit: float | None) -> None:
    name, result = _run(question)
    assert name == "creator_deal"
    assert result["figures"]["cost"] == pytest.approx(cost) and result["figures"]["commission"] == pytest.approx(commission)
    assert result["figures"].get("profit") == (pytest.approx(profit) if profit is not None else None)
    assert result["figures"]["break_even_margin"] == pytest.approx(cost / result["figures"]["gmv"])


def test_a_creator_videos_price_is_not_read_as_its_sales() -> None:
    assert _run("break even views for a $300 creator video, 15% commission, my margin is 40%?")[0] == "creator_collab_return"


def test_pure_commission_charges_no_flat_fee() -> None:
    name, result = _run("找达人纯佣20%，不给坑位费，产品卖25刀毛利40%，要多少播放才回本？")
    assert name == "creator_collab_return" and result["inputs"]["flat_fee"] == 0
    assert result["figures"]["profit_per_order"] == pytest.approx(5)


@pytest.mark.parametrize("args", [{"gmv": 900, "views": -5}, {"gmv": 900, "views": 0}, {"gmv": "abc", "views": 100}])
def test_absurd_input_gets_a_clear_message_not_a_number(args: dict) -> None:
    with pytest.raises(CalculatorInputError) as raised:
        run_calculator("gpm_from_sales", args, DEFAULTS)
    assert raised.value.messages["zh"] and raised.value.messages["en"]


def test_questions_without_a_shape_go_to_the_intent_table() -> None:
    assert solve("AI视频值得做吗") == []
    assert solve("我的视频20万播放") == []


@settings(max_examples=50, deadline=None)
@given(yuan=st.integers(1, 100_000), rate=st.floats(5.0, 9.0), dollars=st.integers(1, 10_000))
def test_yuan_beside_dollars_is_converted_at_the_rate_and_said(yuan: int, rate: float, dollars: int) -> None:
    result = run_calculator("compare_content_options",
                            {"ai_cost_per_video": f"¥{yuan}", "creator_fee": f"${dollars}", "usd_cny": rate}, DEFAULTS)
    assert result.inputs["currency"] == "USD" and result.inputs["creator_fee"] == dollars
    assert math.isclose(result.inputs["ai_cost_per_video"] * rate, yuan, rel_tol=1e-9)  # the round trip holds
    (note,) = [a for a in result.assumptions if a.source == "usd-cny-rate"]
    assert note.field == "ai_cost_per_video" and "¥" in note.note["zh"] and "¥" in note.note["en"]


def test_mixed_currencies_without_a_rate_get_a_clear_error() -> None:
    with pytest.raises(CalculatorInputError) as raised:
        run_calculator("compare_content_options", {"ai_cost_per_video": "¥80", "creator_fee": "$200"}, DEFAULTS)
    assert "CNY, USD" in raised.value.messages["en"] and "货币" in raised.value.messages["zh"]


def test_a_stated_gpm_is_judged_only_when_the_seller_asks_about_it() -> None:
    name, result = _run("ai视频GPM才6 是不是废了")
    assert name == "gpm_from_sales" and result["figures"] == {"gpm": 6.0}
    assert result["verdict"]["zh"] == "偏低" and "gpm-aigc-vs-original" in result["sources"]
    name, result = _run("my creator videos are doing GPM 45, is that good?")
    assert result["inputs"]["subject"] == "creator" and result["verdict"]["en"] == "Low"
    assert solve("那GPM要是15呢") == [], "a changed GPM without a question about it is a follow-up, not a judgement"


def test_ads_per_order_are_not_an_ad_budget() -> None:
    name, result = _run("客单价25刀 毛利率40% 佣金15% 每单广告费3刀 一单赚多少")
    assert name == "order_profit"
    assert math.isclose(result["figures"]["profit_per_order"], 25 * (0.40 - 0.15) - 3)
    budget = solve("这个月广告费花了300刀 毛利率40% 客单价25 一单赚多少")
    assert not any("ad_cost_per_order" in args for _, args in budget), "a month's ad spend is not per order"
