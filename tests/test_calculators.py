"""Calculators: hand-checked figures (the article's own included), cited defaults, clean errors."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cli import main
from assistant.config import PACKAGE_ROOT
from assistant.kb.loader import load_entries
from assistant.tools.calc_base import CalcInput
from assistant.tools.calculators import (
    CALCULATORS,
    DEFAULT_KEYS,
    CalcResult,
    CalculatorInputError,
    Defaults,
    run_calculator,
)
from assistant.tools.numbers import find_numbers

README_TABLE: dict[str, dict[str, float | str]] = {
    "aigc-volume-share": {"aigc_video_share_max": 0.05, "rumored_gmv_share": 0.10},
    "aigc-gmv-share": {"aigc_gmv_share_max": 0.01},
    "gpm-aigc-vs-original": {"aigc_gpm_low": 10, "aigc_gpm_high": 16, "original_gpm_good": 100, "gpm_denominator": "impressions"},
    "cost-ratio-ai-vs-original": {"original_to_ai_cost_ratio": 10, "creator_all_in_to_ai_cost_ratio": 20},
    "ugc-video-cost": {"ugc_cost_low": 150, "ugc_cost_high": 212, "ugc_cost_typical": 200},
    "referral-fee-us": {"referral_fee_rate": 0.06},
    "affiliate-commission-range": {"commission_min": 0.01, "commission_max": 0.80,
                                   "commission_typical_low": 0.10, "commission_typical_high": 0.20},
    "gpm-definition": {"gpm_per_views": 1000},
}  # fmt: skip
"""knowledge/README.md's table of cited defaults."""

DEFAULTS = Defaults.from_mapping(README_TABLE)
CONTRACT = {"gmv_from_views", "views_for_target_gmv", "compare_content_options", "risk_adjusted_return",
            "implied_gmv_share", "plan_test_budget", "unit_economics", "growth_rate", "creator_collab_return",
            "gpm_from_sales", "total_gmv", "roas", "period_change", "expected_loss", "blended_gpm", "compare_per_dollar",
            "videos_for_budget", "order_profit", "creator_deal", "fee_or_commission", "gmv_per_cost", "referral_fee"}  # fmt: skip
REQUIRED: dict[str, dict[str, Any]] = {
    "gmv_from_views": {"views": 1000},
    "fee_or_commission": {"flat_fee": 300, "pure_rate": 0.25, "price": 20},
    "gmv_per_cost": {"gmv": 9600, "cost": 400},
    "referral_fee": {"gmv": 42000},
    "views_for_target_gmv": {"target_gmv": 1000},
    "plan_test_budget": {"total_budget": 1000},
    "unit_economics": {"price": 30, "product_cost": 8},
    "growth_rate": {"start_value": 100, "end_value": 120},
    "gpm_from_sales": {"gmv": 900, "views": 405_000},
    "total_gmv": {"views_per_video": 5000, "videos": 80, "gpm": 9},
    "roas": {"ad_spend": 1200, "gmv": 3900},
    "period_change": {"before": 15000, "after": 11000},
    "expected_loss": {"probability": 0.3, "share_cut": 0.6, "monthly_gmv": 20000},
    "blended_gpm": {"ai_share": 0.7, "ai_gpm": 12, "other_gpm": 60},
    "compare_per_dollar": {"ai_cost_per_video": 12, "ai_views": 6000, "ai_gpm": 11, "creator_cost_per_video": 250,
                           "creator_views": 40000, "creator_gpm": 45},
    "videos_for_budget": {"budget": 3000, "ai_cost_per_video": 15},
    "order_profit": {"margin": 0.4, "price": 30},
    "creator_deal": {"gmv": 3000, "commission_rate": 0.1, "flat_fee": 500},
}


def run(name: str, **args: Any) -> CalcResult:
    return run_calculator(name, args, DEFAULTS)


def assert_clean(result: CalcResult) -> None:
    """No NaN/inf anywhere, both languages present, every shown figure readable back."""
    json.dumps(result.model_dump(mode="json"), allow_nan=False)
    for lang in ("zh", "en"):
        assert result.headline[lang] and result.steps[lang]
        assert all(a.note[lang] for a in result.assumptions)
        assert find_numbers(result.headline[lang])
    assert re.search(r"[\u4e00-\u9fff]", result.headline["zh"])
    assert not re.search(r"[\u4e00-\u9fff]", result.headline["en"])
    assert result.sources == list(dict.fromkeys(a.source for a in result.assumptions if a.source))


# --- the registry and the knowledge contract ------------------------------------------


def test_registry_matches_the_contract() -> None:
    assert set(CALCULATORS) == CONTRACT
    for name, calculator in CALCULATORS.items():
        assert calculator.name == name
        assert issubclass(calculator.input_model, CalcInput)
        assert calculator.description["zh"] and calculator.description["en"]


@pytest.mark.parametrize(("entry_id", "key"), [(e, k) for e, keys in DEFAULT_KEYS.items() for k in keys])
def test_knowledge_provides_each_default(entry_id: str, key: str) -> None:
    """Every key a calculator reads exists in its entry, with the README's value."""
    entries = {e.id: e for e in load_entries(PACKAGE_ROOT / "knowledge").entries}
    if entry_id not in entries:
        pytest.skip(f"{entry_id} not written yet")
    value = entries[entry_id].numbers.get(key)
    assert value is not None, f"{entry_id} lacks numbers.{key}"
    expected = README_TABLE.get(entry_id, {}).get(key)
    if expected is not None:
        assert value == pytest.approx(expected) if isinstance(expected, int | float) else value == expected


def test_defaults_from_entries_and_missing() -> None:
    entries = load_entries(PACKAGE_ROOT / "knowledge").entries
    defaults = Defaults.from_entries(entries)
    if not defaults.has("gpm-aigc-vs-original", "aigc_gpm_low"):
        pytest.skip("gpm entry not written yet")
    assert defaults.get("gpm-aigc-vs-original", "aigc_gpm_low") == (10, "gpm-aigc-vs-original")
    with pytest.raises(CalculatorInputError) as info:
        run_calculator("gmv_from_views", {"views": 1000}, Defaults.from_mapping({}))
    assert info.value.fields == ["gpm"] and "gpm-aigc-vs-original" in info.value.messages["en"]
    assert run_calculator("gmv_from_views", {"views": 1000, "gpm": 12}, Defaults.from_mapping({})).figures == {"gmv": 12}


# --- hand-checked figures ---------------------------------------------------------------


def test_gmv_from_views_article_example() -> None:
    result = run("gmv_from_views", views="20万", gpm=12)
    assert result.figures == {"gmv": 2400}
    # The seller's own GPM and views: their count is read in their own terms (views stay views), nothing assumed.
    assert result.inputs == {"currency": "USD", "views": 200_000, "gpm": 12, "gpm_basis": "views"}
    assert result.headline["en"] == "200,000 views at GPM 12 bring about $2,400 of GMV."
    assert "2,400美元" in result.headline["zh"] and "20万次播放" in result.headline["zh"]
    assert result.steps["en"] == ["GMV = 200,000 views × GPM 12 / 1,000 = $2,400"]
    assert result.sources == [] and result.assumptions == []
    assert "impressions" in result.formula and "1000" in result.formula
    assert_clean(result)


def test_gmv_from_views_defaults_to_the_article_range() -> None:
    result = run("gmv_from_views", views=200_000)
    assert result.figures == {"gmv": 2600, "gmv_low": 2000, "gmv_high": 3200}
    assert result.sources == ["gpm-aigc-vs-original"]
    gpm = next(a for a in result.assumptions if a.field == "gpm")
    assert (gpm.value, gpm.source) == (13, "gpm-aigc-vs-original")
    assert "10-16" in gpm.note["en"] and "13" in gpm.note["zh"]
    assert_clean(result)


def test_gmv_from_views_watch_gpm_basis() -> None:
    result = run("gmv_from_views", views=5000, gpm=20, gpm_basis="views")
    assert result.figures["gmv"] == 100 and "views" in result.headline["en"]
    with pytest.raises(CalculatorInputError) as info:
        run("gmv_from_views", views=5000, gpm_basis="views")  # the article's GPM is per impressions
    assert info.value.fields == ["gpm_basis"]


def test_range_input_uses_the_midpoint_and_says_so() -> None:
    result = run("gmv_from_views", views=200_000, gpm="10-16")
    assert result.figures["gmv"] == 2600
    note = next(a for a in result.assumptions if a.field == "gpm")
    assert note.source is None and "midpoint" in note.note["en"] and "中间值" in note.note["zh"]


@pytest.mark.parametrize(
    ("views", "used", "zh", "en"),
    [("两三十万", 250_000, "中间值", "midpoint"), ("20多万", 200_000, "至少", "at least"), ("约20万", 200_000, "按约", "about"),
     ("20万左右", 200_000, "按约", "about")],
)  # fmt: skip
def test_a_rough_input_says_which_value_was_used(views: str, used: float, zh: str, en: str) -> None:
    result = run("gmv_from_views", views=views, gpm=10)
    assert result.figures["gmv"] == used * 10 / 1000
    note = next(a for a in result.assumptions if a.field == "views")
    assert note.source is None and zh in note.note["zh"] and en in note.note["en"] and views in note.note["zh"]


def test_views_for_target_gmv() -> None:
    assert run("views_for_target_gmv", target_gmv=2400, gpm=12).figures == {"views": 200_000}
    result = run("views_for_target_gmv", target_gmv="$1万")
    assert result.figures["views"] == pytest.approx(769_230.769, rel=1e-6)
    assert (result.figures["views_low"], result.figures["views_high"]) == (625_000, 1_000_000)
    assert "769,231" in result.headline["en"]
    assert_clean(result)


def test_compare_content_options_seller_example() -> None:
    result = run("compare_content_options", ai_cost_per_video="$15", creator_fee="$300")
    f = result.figures
    assert (f["ai_cost"], f["ai_gmv"], f["ai_gmv_per_cost"]) == (15, 130, pytest.approx(130 / 15))
    assert f["creator_cost"] == pytest.approx(300 + 0.15 * 1000)  # fee + sample 0 + 15% commission
    assert f["creator_cost_per_1000_gmv"] == pytest.approx(450)
    assert f["original_cost"] == 150 and f["original_to_ai_cost"] == 10  # the article's 10×
    assert (f["ai_rank"], f["original_rank"], f["creator_rank"]) == (1, 2, 3)
    assert set(result.sources) == {"affiliate-commission-range", "cost-ratio-ai-vs-original", "gpm-aigc-vs-original"}
    assert "AI video ranks first" in result.headline["en"]
    assert_clean(result)


def test_compare_content_options_all_defaults_follow_the_article_ratios() -> None:
    result = run("compare_content_options")
    f = result.figures
    assert f["ai_cost"] == 10  # $200 creator all-in / 20
    assert f["original_cost"] == 100  # 10 × AI
    assert f["creator_cost"] == pytest.approx(350)
    stated = {a.field for a in result.assumptions if a.source is None}
    assert stated == {"views_per_video", "sample_cost"}
    assert "ugc-video-cost" in result.sources


def test_compare_content_options_free_option_ranks_first() -> None:
    result = run("compare_content_options", creator_fee=0, commission_rate=0, ai_cost_per_video=5)
    assert result.figures["creator_rank"] == 1 and "creator_gmv_per_cost" not in result.figures
    with pytest.raises(CalculatorInputError) as info:
        run("compare_content_options", creator_fee=0)  # AI cost cannot be derived from nothing
    assert info.value.fields == ["ai_cost_per_video"]


def test_risk_adjusted_return() -> None:
    result = run("risk_adjusted_return", probability="20%")
    f = result.figures
    assert f["gmv_if_fine"] == 3900  # 30 videos × 10,000 views × GPM 13 / 1000
    assert f["profit_if_fine"] == pytest.approx(870)  # 3900 × 30% − 30 × $10
    assert f["loss_if_hit"] == pytest.approx(1170)
    assert f["expected_profit"] == pytest.approx(636)
    assert f["break_even_probability"] == pytest.approx(870 / 1170)
    assert "74.36%" in result.headline["en"]
    assert_clean(result)


def test_risk_without_probability_gives_only_break_even() -> None:
    result = run("risk_adjusted_return", videos=10, views_per_video=1000, gpm=10, cost_per_video=5, margin=0.3,
                 account_replacement_cost=500)  # fmt: skip
    assert "expected_profit" not in result.figures
    assert result.figures["profit_if_fine"] == pytest.approx(-20)  # 100 × 0.3 − 50
    assert result.figures["break_even_probability"] == 0
    assert "loses" in result.headline["en"]


def test_implied_gmv_share_reproduces_the_article() -> None:
    result = run("implied_gmv_share")
    f = result.figures
    assert f["gmv_share"] == pytest.approx(0.0068, abs=5e-5)  # 5% of videos at GPM 13 vs 100
    assert f["gmv_share"] < f["reported_gmv_share_max"] == 0.01
    assert f["volume_share_for_rumored"] == pytest.approx(10 / 21.7)
    assert "0.68%" in result.headline["en"] and "0.68%" in result.headline["zh"]
    assert any("consistent with" in step for step in result.steps["en"])
    assert set(result.sources) == {"aigc-volume-share", "gpm-aigc-vs-original", "aigc-gmv-share"}
    assert_clean(result)


def test_plan_test_budget() -> None:
    result = run("plan_test_budget", total_budget="$5k")
    f = result.figures
    assert (f["wave1_videos"], f["wave1_cost"]) == (15, 150)  # 5 products × 3 scripts × $10
    assert f["winners"] == 1
    assert (f["wave2_videos"], f["wave2_cost"]) == (5, 1000)
    assert (f["wave3_videos"], f["wave3_cost"], f["unspent"]) == (38, 3800, 50)
    assert f["wave1_share"] + f["wave2_share"] + f["wave3_share"] + f["unspent"] / 5000 == pytest.approx(1)
    assert_clean(result)


def test_plan_test_budget_too_small() -> None:
    result = run("plan_test_budget", total_budget=100, ai_cost_per_video=10)
    assert (result.figures["wave1_videos"], result.figures["wave1_videos_planned"]) == (10, 15)
    assert "10 of the 15" in result.headline["en"]


def test_unit_economics() -> None:
    result = run("unit_economics", price=30, product_cost=8, commission_rate="15%", shipping_cost=5)
    f = result.figures
    assert (f["referral_fee"], f["commission"]) == (pytest.approx(1.8), pytest.approx(4.5))
    assert f["profit_per_order"] == pytest.approx(10.7)
    assert f["break_even_roas"] == pytest.approx(30 / 10.7)
    assert "roas" not in f  # no ad cost given
    assert result.sources == ["referral-fee-us"]
    assert_clean(result)
    losing = run("unit_economics", price=10, product_cost=12)
    assert "break_even_roas" not in losing.figures and "no ROAS" in losing.headline["en"]


def test_growth_rate() -> None:
    result = run("growth_rate", start_value=100, end_value=135)
    f = result.figures
    assert f["growth"] == pytest.approx(0.35)
    assert f["daily_growth"] == pytest.approx(1.35 ** (1 / 7) - 1)
    assert f["change_per_day"] == 5
    series = run("growth_rate", series=[10, 12, "15", 20])
    assert series.inputs["days"] == 3 and series.figures["growth"] == 1
    from_zero = run("growth_rate", start_value=0, end_value=50, days=7)
    assert "growth" not in from_zero.figures and from_zero.figures["change"] == 50
    assert_clean(result)


def test_creator_collab_return() -> None:
    result = run("creator_collab_return")
    f = result.figures
    assert f["gmv"] == 1000 and f["commission"] == pytest.approx(150)
    assert f["profit"] == pytest.approx(-50)  # 1000 × (30% − 15%) − $200
    assert f["break_even_views"] == pytest.approx(200 * 1000 / (100 * 0.15))
    assert_clean(result)
    hopeless = run("creator_collab_return", commission_rate="40%", margin="30%")
    assert "break_even_views" not in hopeless.figures


def test_a_one_off_cost_gives_the_orders_to_earn_it_back() -> None:
    result = run("unit_economics", price=20, product_cost=9, commission_rate="15%", flat_fee=300, samples_sent=2, sample_cost=6)
    f = result.figures
    assert f["one_off_cost"] == pytest.approx(312)  # 300 + 2 × 6
    assert f["profit_per_order"] == pytest.approx(20 - 9 - 1.2 - 3)
    assert f["break_even_orders"] == 46  # 312 / 6.8 = 45.9, rounded up
    assert "46" in result.headline["en"] and "46" in result.headline["zh"]
    assert_clean(result)
    losing = run("unit_economics", price=10, product_cost=12, flat_fee=100)
    assert "break_even_orders" not in losing.figures and "never" in losing.headline["en"]


def test_roas_from_orders_and_price_with_the_profit_after_ads() -> None:
    result = run("roas", ad_spend="RM1,800", orders=62, price="RM39", margin="40%")
    f = result.figures
    assert f["roas"] == pytest.approx(62 * 39 / 1800)
    assert f["cost_per_order"] == pytest.approx(1800 / 62)
    assert f["profit"] == pytest.approx(62 * 39 * 0.4 - 1800)  # −832.8
    assert "832.8" in result.headline["en"] and result.verdict and result.verdict["en"] == "Losing money"
    assert_clean(result)


def test_the_referral_fee_is_the_sellers_rate_or_the_cited_us_one() -> None:
    cited = run("referral_fee", gmv="$42k")
    assert cited.figures["referral_fee"] == pytest.approx(2520) and cited.sources == ["referral-fee-us"]
    own = run("referral_fee", gmv="£10,000", referral_fee_rate="9%")
    assert own.figures["referral_fee"] == pytest.approx(900) and own.sources == []
    assert_clean(own)


def test_a_roas_puts_its_ad_cost_on_each_order() -> None:
    result = run("unit_economics", price="$30", product_cost="$9", roas="2.5")
    assert result.inputs["ad_cost_per_order"] == pytest.approx(12)  # 30 / 2.5
    assert result.figures["profit_per_order"] == pytest.approx(30 - 9 - 30 * 0.06 - 12)
    assert result.figures["break_even_roas"] == pytest.approx(30 / (30 - 9 - 1.8))
    assert "2.5" in result.headline["en"] and "2.5" in result.headline["zh"]
    assert_clean(result)
    given = run("unit_economics", price="$30", product_cost="$9", roas="2.5", ad_cost_per_order="$5")
    assert given.figures["profit_per_order"] == pytest.approx(30 - 9 - 1.8 - 5), "an ad cost the seller gives wins"


def test_currency_follows_the_amounts() -> None:
    result = run("unit_economics", price="99元", product_cost="30元")
    assert result.inputs["currency"] == "CNY"
    assert "元" in result.headline["zh"] and "¥" in result.headline["en"]


@pytest.mark.parametrize(
    ("name", "args", "field"),
    [
        ("plan_test_budget", {"total_budget": "2万元"}, "creator_cost_per_video"),  # the UGC price is in dollars
        ("compare_content_options", {"ai_cost_per_video": "50元", "creator_fee": "1500元"}, "ai_gpm"),  # so are GPMs
    ],
)
def test_dollar_defaults_are_not_mixed_with_another_currency(name: str, args: dict[str, str], field: str) -> None:
    with pytest.raises(CalculatorInputError) as caught:
        run(name, **args)
    assert caught.value.fields == [field]
    assert "US dollars" in caught.value.messages["en"] and "CNY" in caught.value.messages["en"]
    assert "entry" not in caught.value.messages["en"] and "知识条目" not in caught.value.messages["zh"]  # seller words, no internals
    assert "美元" in caught.value.messages["zh"]


def test_a_budget_in_yuan_runs_on_the_sellers_own_yuan_costs() -> None:
    result = run("plan_test_budget", total_budget="2万元", creator_cost_per_video="1500元")
    assert result.inputs["currency"] == "CNY" and "ugc-video-cost" not in result.sources
    assert result.figures["wave2_cost"] == 5 * 1500 and result.figures["wave1_cost"] == 15 * 1500 / 20


def test_amounts_without_a_currency_say_they_are_read_as_dollars() -> None:
    bare = run("plan_test_budget", total_budget="2万")
    assert [a.field for a in bare.assumptions][0] == "currency" and "美元" in bare.assumptions[0].note["zh"]
    assert "currency" not in [a.field for a in run("plan_test_budget", total_budget="$20,000").assumptions]
    assert "currency" not in [a.field for a in run("gmv_from_views", views="20万", gpm="12").assumptions]


# --- properties ---------------------------------------------------------------------------

_views = st.floats(min_value=0, max_value=1e11, allow_nan=False)


@given(a=_views, b=_views, gpm=st.floats(min_value=0, max_value=1e6))
def test_more_views_never_less_gmv(a: float, b: float, gpm: float) -> None:
    low, high = sorted((a, b))
    assert run("gmv_from_views", views=low, gpm=gpm).figures["gmv"] <= run("gmv_from_views", views=high, gpm=gpm).figures["gmv"]


@given(p=st.floats(0, 1), q=st.floats(0, 1), margin=st.floats(0, 1), cost=st.floats(0.01, 1e4),
       loss=st.floats(0, 1), replacement=st.floats(0, 1e6))  # fmt: skip
def test_higher_throttle_probability_never_raises_expected_profit(
    p: float, q: float, margin: float, cost: float, loss: float, replacement: float
) -> None:
    low, high = sorted((p, q))
    args = {"margin": margin, "cost_per_video": cost, "throttle_gmv_loss": loss, "account_replacement_cost": replacement}
    safer = run("risk_adjusted_return", probability=low, **args).figures
    riskier = run("risk_adjusted_return", probability=high, **args).figures
    assert riskier["expected_profit"] <= safer["expected_profit"] + 1e-9 * max(1.0, abs(safer["expected_profit"]))
    assert 0 <= safer["break_even_probability"] <= 1


@given(s=st.floats(0, 1), t=st.floats(0, 1), ai=st.floats(0.01, 1e5), other=st.floats(0.01, 1e5))
def test_shares_stay_within_0_and_1_and_grow_with_volume(s: float, t: float, ai: float, other: float) -> None:
    low, high = sorted((s, t))
    a = run("implied_gmv_share", volume_share=low, ai_gpm=ai, other_gpm=other).figures
    b = run("implied_gmv_share", volume_share=high, ai_gpm=ai, other_gpm=other).figures
    assert 0 <= a["gmv_share"] <= b["gmv_share"] + 1e-12 <= 1 + 1e-12
    assert 0 <= a["volume_share_for_rumored"] <= 1


@given(budget=st.floats(1, 1e9), products=st.integers(1, 1000), scripts=st.integers(1, 100),
       ai=st.floats(0.01, 1e5), creator=st.floats(0.01, 1e5), share=st.floats(0, 1))  # fmt: skip
def test_budget_plan_never_overspends(budget: float, products: int, scripts: int, ai: float, creator: float,
                                      share: float) -> None:  # fmt: skip
    f = run("plan_test_budget", total_budget=budget, products=products, scripts_per_product=scripts,
            ai_cost_per_video=ai, creator_cost_per_video=creator, winners_share=share).figures  # fmt: skip
    assert f["wave1_cost"] + f["wave2_cost"] + f["wave3_cost"] <= budget * (1 + 1e-9)
    assert f["unspent"] >= -1e-6 * budget and f["winners"] <= products


_junk = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20), st.text(max_size=12),
    st.sampled_from(["20万", "15%", "$300", "300元", "10-16", "1e400", "-5", "", "abc", "100+", "0"]),
    st.none(), st.booleans(), st.lists(st.integers(0, 100), max_size=4),
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(CONTRACT)), data=st.data())
def test_any_input_gives_a_clean_result_or_a_clean_error(name: str, data: st.DataObject) -> None:
    fields = [*CALCULATORS[name].input_model.model_fields, "bogus"]
    args = data.draw(st.dictionaries(st.sampled_from(fields), _junk, max_size=5))
    try:
        result = run_calculator(name, {**REQUIRED.get(name, {}), **args}, DEFAULTS)
    except CalculatorInputError as exc:
        assert exc.fields and exc.messages["zh"] and exc.messages["en"]
    else:
        json.dumps(result.model_dump(mode="json"), allow_nan=False)
        assert all(math.isfinite(v) for v in result.figures.values())


# --- bad input -----------------------------------------------------------------------------

_NUMERIC = [
    (name, field)
    for name, calculator in sorted(CALCULATORS.items())
    for field, info in calculator.input_model.model_fields.items()
    if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("kind") not in (None, "series")
]


@pytest.mark.parametrize("bad", ["abc", "-5", "1e400", ""])
@pytest.mark.parametrize(("name", "field"), _NUMERIC)
def test_every_numeric_field_rejects_junk_by_name(name: str, field: str, bad: str) -> None:
    with pytest.raises(CalculatorInputError) as info:
        run_calculator(name, {**REQUIRED.get(name, {}), field: bad}, DEFAULTS)
    error = info.value
    assert error.fields == [field]
    label = CALCULATORS[name].input_model.model_fields[field].json_schema_extra["label"]  # type: ignore[index]
    assert error.messages["en"].startswith(field) and label["zh"] in error.messages["zh"]
    assert str(error) == error.messages["en"]


@pytest.mark.parametrize(
    ("name", "args", "fields", "en", "zh"),
    [
        ("unit_economics", {"price": 30}, ["product_cost"], "is required", "必须填写"),
        ("unit_economics", {"price": 30, "product_cost": 5, "commission_rate": 15}, ["commission_rate"],
         "between 0 and 1", "0到1之间"),
        ("gmv_from_views", {"views": "15%"}, ["views"], "not a percentage", "不是百分比"),
        ("gmv_from_views", {"views": "$100"}, ["views"], "not an amount of money", "不是金额"),
        ("gmv_from_views", {"views": True}, ["views"], "expects a number", "需要一个数字"),
        ("gmv_from_views", {"views": math.nan}, ["views"], "finite", "有限"),
        ("gmv_from_views", {"views": 10**400}, ["views"], "finite", "有限"),
        ("gmv_from_views", {"views": 1, "bogus": 2}, ["bogus"], "not an input", "不是这个计算器的参数"),
        ("gmv_from_views", {"views": 1, "gpm_basis": "clicks"}, ["gpm_basis"], "must be one of", "只能是"),
        ("gmv_from_views", {"views": 1e12}, ["views"], "at most 100,000,000,000", "不能大于1,000亿"),
        ("plan_test_budget", {"total_budget": 100, "products": 2.5}, ["products"], "whole number", "整数"),
        ("compare_content_options", {"ai_cost_per_video": "$15", "creator_fee": "300元"},
         ["ai_cost_per_video", "creator_fee"], "different currencies", "不同货币"),
        ("growth_rate", {"start_value": 1}, ["start_value", "end_value", "series"], "start_value and end_value", "起始值"),
        ("growth_rate", {"series": [1, "x"]}, ["series"], "not a number", "无法识别"),
        ("growth_rate", {"start_value": 1e-300, "end_value": 1e11, "days": 1}, ["inputs"], "too large", "超出"),
        ("gmv_from_views", {"views": 1, "currency": "dollars"}, ["currency"], "currency code", "货币代码"),
        ("nope", {}, ["name"], "no calculator named 'nope'", "没有名为"),
    ],
)  # fmt: skip
def test_bad_inputs_are_explained_in_both_languages(name: str, args: Any, fields: list[str], en: str, zh: str) -> None:
    with pytest.raises(CalculatorInputError) as info:
        run_calculator(name, args, DEFAULTS)
    assert info.value.fields == fields
    assert en in info.value.messages["en"] and zh in info.value.messages["zh"]
    assert info.value.payload(name) == {"tool": name, "error": info.value.messages, "fields": fields}


def test_inputs_must_be_an_object() -> None:
    with pytest.raises(CalculatorInputError) as info:
        run_calculator("gmv_from_views", ["views", 1], DEFAULTS)  # type: ignore[arg-type]
    assert info.value.fields == ["inputs"]


# --- the command line ----------------------------------------------------------------------


def test_cli_calc_json_and_text(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TK_KNOWLEDGE_DIR", str(Path(PACKAGE_ROOT / "knowledge")))
    assert main(["calc", "gmv_from_views", "--json", '{"views": "20万", "gpm": 12}']) == 0
    assert json.loads(capsys.readouterr().out)["figures"] == {"gmv": 2400}
    assert main(["calc", "gmv_from_views", "--json", '{"views": "20万", "gpm": 12}', "--lang", "zh"]) == 0
    assert capsys.readouterr().out.startswith("20万次播放、GPM 12，预计带来约2,400美元的GMV。")
    assert main(["calc", "--list"]) == 0
    assert set(re.findall(r"^(\w+) ", capsys.readouterr().out, re.M)) == CONTRACT


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["calc", "gmv_from_views", "--json", '{"views": "abc"}'], "views"), (["calc", "nope"], "no calculator"),
     (["calc", "gmv_from_views", "--json", "{bad"], "not valid JSON"), (["calc"], "--list")],
)  # fmt: skip
def test_cli_calc_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == "" and "Traceback" not in captured.err


def test_a_creator_deal_counts_every_sample_sent_against_the_sales() -> None:
    """The issue's seller: $2,000 of sales at 10% commission and a 40% margin looks like $600 of profit,
    but 20 samples at $18 went out and only 8 creators posted: the deal made $240."""
    without = run("creator_deal", gmv=2000, commission_rate="10%", margin="40%")
    assert without.figures["profit"] == pytest.approx(600)
    deal = run("creator_deal", gmv=2000, commission_rate="10%", margin="40%", samples_sent=20, sample_cost=18, posted=8)
    assert deal.figures["profit"] == pytest.approx(240) and deal.figures["samples_cost"] == pytest.approx(360)
    assert deal.figures["unused_samples"] == 12 and deal.figures["cost_per_posted_video"] == pytest.approx(70)
    assert "$240" in deal.headline["en"] and "240美元" in deal.headline["zh"]
    assert "12 samples brought no video" in deal.worked["en"]
    assert_clean(deal)
    with pytest.raises(CalculatorInputError, match="together"):
        run("creator_deal", gmv=2000, commission_rate="10%", samples_sent=20)
    with pytest.raises(CalculatorInputError, match="exceed"):
        run("creator_deal", gmv=2000, commission_rate="10%", samples_sent=5, sample_cost=10, posted=8)


@pytest.mark.parametrize(("args", "zh", "en"), [
    ({"before": "2w", "after": "3500"}, "下降了1.65万，变化-82.5%。", "Down 16,500, a change of -82.5%."),
    ({"before": "4.2w刀", "after": "3.1w刀"}, "下降了1.1万美元，变化-26.19%。", "Down $11,000, a change of -26.19%."),
])
def test_a_change_in_views_is_no_amount_of_money(args, zh, en):
    """Views and orders dropping are counts; only amounts given with a currency are shown as money."""
    result = run("period_change", **args)
    assert result.headline == {"zh": zh, "en": en}


def test_a_fee_offer_and_commission_only_meet_at_the_break_even_order_count() -> None:
    """£300 + 15% or 25% commission only on a £20 product: 3 vs 5 a order, the same cost at 300 / (20 × 10%) = 150
    orders; at 100 orders commission only is 500 against 600."""
    result = run_calculator("fee_or_commission", {"flat_fee": "300镑", "fee_rate": "15%", "pure_rate": "25%",
                                                  "price": "20镑", "orders": 100}, DEFAULTS)  # fmt: skip
    assert result.figures["break_even_orders"] == pytest.approx(150)
    assert result.figures["commission_offer_cost"] == pytest.approx(500)
    assert result.figures["fee_offer_cost"] == pytest.approx(600)
    assert result.inputs["currency"] == "GBP"
    assert result.headline["zh"].startswith("100单时纯佣更省100英镑")


def test_the_higher_rate_is_the_commission_only_one_whichever_way_it_is_given() -> None:
    given = {"flat_fee": 500, "price": 35, "orders": 120}
    one = run_calculator("fee_or_commission", {**given, "fee_rate": 0.05, "pure_rate": 0.2}, DEFAULTS)
    other = run_calculator("fee_or_commission", {**given, "fee_rate": 0.2, "pure_rate": 0.05}, DEFAULTS)
    assert one.figures == other.figures
    assert one.figures["break_even_orders"] == pytest.approx(500 / (35 * 0.15))
    assert one.headline["en"].startswith("The fee offer is $130 cheaper")  # 120 orders: 500 + 210 against 840


def test_commission_only_at_a_rate_no_higher_than_the_fee_offers_always_costs_less() -> None:
    result = run_calculator("fee_or_commission", {"flat_fee": 100, "fee_rate": 0.1, "pure_rate": 0.1, "price": 30}, DEFAULTS)
    assert "break_even_orders" not in result.figures
    assert "any order count" in result.headline["en"]


def test_gmv_per_cost_is_sales_over_cost_in_the_sellers_currency() -> None:
    """Original videos that sold $9,600 and cost $400 brought 24 of GMV per dollar; £ stays £."""
    result = run_calculator("gmv_per_cost", {"gmv": "9.6k刀", "cost": "400刀", "subject": "original"}, DEFAULTS)
    assert result.figures["gmv_per_cost"] == pytest.approx(24) and "24" in result.headline["zh"]
    pounds = run_calculator("gmv_per_cost", {"gmv": "£1,100", "cost": "£240"}, DEFAULTS)
    assert pounds.figures["gmv_per_cost"] == pytest.approx(4.583, abs=1e-3) and "£1" in pounds.headline["en"]
    with pytest.raises(CalculatorInputError):
        run_calculator("gmv_per_cost", {"gmv": 100, "cost": 0}, DEFAULTS)

