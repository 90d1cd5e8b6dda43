"""The calculator registry: every calculator (tools/article_math.py, tools/seller_math.py) by name,
and `run_calculator`, which validates, runs and checks the result.

Every default comes from a knowledge entry's `numbers` (cited by id) or is a stated
assumption (source None); both are listed in the result so the answer can show them.
Call `run_calculator(name, args, defaults)`: it validates, runs and never returns NaN/inf.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from assistant.tools import article_math, creator_offers, fees, returns, seller_math
from assistant.tools.article_math import DEFAULT_KEYS, GPM_CLAIM
from assistant.tools.calc_base import (
    LANGS,
    Assumption,
    CalcInput,
    CalcResult,
    CalculatorInputError,
    Defaults,
    NumberKind,
    Text,
    field_meta,
    input_error,
    show,
)
from assistant.tools.numbers import ParsedNumber, parse_number

__all__ = [
    "CALCULATORS", "DEFAULT_KEYS", "GPM_CLAIM", "Assumption", "CalcInput", "CalcResult", "Calculator",
    "CalculatorInputError", "Defaults", "run_calculator",
]  # fmt: skip

# --- registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Calculator:
    name: str
    input_model: type[CalcInput]
    function: Callable[[Any, Defaults], CalcResult]
    description: Text
    """One line in both languages, for forms and listings."""


def _calculator(function: Callable[[Any, Defaults], CalcResult], model: type[CalcInput], zh: str, en: str) -> Calculator:
    return Calculator(function.__name__, model, function, {"zh": zh, "en": en})


CALCULATORS: dict[str, Calculator] = {
    c.name: c
    for c in (
        _calculator(article_math.gmv_from_views, article_math.GmvFromViewsInput, "播放量能带来多少GMV（GMV = 播放 × GPM ÷ 1000）",
                    "GMV a number of views brings (GMV = views × GPM / 1000)"),
        _calculator(article_math.views_for_target_gmv, article_math.ViewsForTargetGmvInput, "达到目标GMV需要多少播放",
                    "Views needed to reach a GMV target"),
        _calculator(article_math.compare_content_options, article_math.CompareContentInput, "AI视频、达人视频、自制原创视频的成本与每单位成本GMV对比",
                    "AI vs creator vs own original video: cost, GMV and GMV per unit of cost"),
        _calculator(article_math.risk_adjusted_return, article_math.RiskAdjustedInput, "考虑限流/封号概率后的AI视频计划预期利润和盈亏平衡概率",
                    "Expected profit of an AI-video plan with throttling risk, and the break-even probability"),
        _calculator(article_math.implied_gmv_share, article_math.ImpliedShareInput, "由数量占比和GPM推算AI视频的GMV占比",
                    "GMV share implied by a volume share and two GPMs"),
        _calculator(article_math.plan_test_budget, article_math.PlanTestBudgetInput, "三波打法预算：AI测品、达人放量、自制原创",
                    "Three-wave budget: AI tests, creators to scale winners, then original content"),
        _calculator(article_math.unit_economics, article_math.UnitEconomicsInput, "单均利润、利润率和保本ROAS",
                    "Profit per order, margin and break-even ROAS"),
        _calculator(article_math.growth_rate, article_math.GrowthRateInput, "n天（如7天）增长率，用于选品",
                    "n-day (e.g. 7-day) growth for product selection"),
        _calculator(article_math.creator_collab_return, article_math.CreatorCollabInput, "达人合作的利润和保本播放量",
                    "Profit and break-even views of a creator collaboration"),
        _calculator(seller_math.gpm_from_sales, seller_math.GpmFromSalesInput, "由成交（或单数×客单价）和播放算GPM，并和文章区间比",
                    "GPM from sales (or orders × price) and views, placed against the article's ranges"),
        _calculator(seller_math.total_gmv, seller_math.TotalGmvInput, "多条视频（每天/每月）一共能卖多少",
                    "GMV of many videos (per day or month)"),
        _calculator(returns.roas, returns.RoasInput, "广告ROAS（GMV ÷ 广告费）和保本ROAS", "Ad ROAS and the break-even ROAS"),
        _calculator(seller_math.period_change, seller_math.PeriodChangeInput, "两个时期之间的涨跌", "Change between two periods"),
        _calculator(creator_offers.creator_deal, creator_offers.CreatorDealInput, "达人合作的佣金、总成本和保本毛利", "A creator deal's commission, cost and break-even margin"),
        _calculator(creator_offers.fee_or_commission, creator_offers.FeeOrCommissionInput, "达人坑位费方案和纯佣方案哪个省，分界线多少单",
                    "A creator's flat-fee offer vs commission only: which costs less, and the break-even order count"),
        _calculator(seller_math.expected_loss, seller_math.ExpectedLossInput, "限流的预期GMV损失", "Expected GMV lost to throttling"),
        _calculator(seller_math.blended_gpm, seller_math.BlendedGpmInput, "AI和达人视频混合后的GPM及所需播放",
                    "Blended GPM of AI and other videos, and the views a target needs"),
        _calculator(seller_math.compare_per_dollar, seller_math.ComparePerDollarInput, "AI视频和达人视频每1美元带来的GMV，预算投哪个",
                    "GMV per dollar of AI vs creator videos, and where a budget goes further"),
        _calculator(seller_math.order_profit, seller_math.OrderProfitInput, "由售价和毛利率算每单利润和保本ROAS",
                    "Profit per order and break-even ROAS from price and margin"),
        _calculator(seller_math.videos_for_budget, seller_math.VideosForBudgetInput, "预算能买多少条视频",
                    "How many videos a budget buys"),
        _calculator(fees.referral_fee, fees.ReferralFeeInput, "平台佣金（GMV × 平台佣金率）", "The referral fee on sales (GMV × rate)"),
        _calculator(returns.gmv_per_cost, returns.GmvPerCostInput, "一类视频每1美元成本带来多少GMV（GMV ÷ 成本）",
                    "GMV per dollar a kind of video cost (GMV / cost)"),
    )
}


def _reading_notes(model: type[CalcInput], args: Mapping[str, Any]) -> list[Assumption]:
    """Ranges, open ends and rough figures the seller typed ("10-16", "100+", "20多万", "约20万") and the
    single value used."""
    notes = []
    for name, raw in args.items():
        if not isinstance(raw, str) or field_meta(model, name, "kind") in (None, "series"):
            continue
        parsed: ParsedNumber = parse_number(raw)
        if parsed.low is None and not parsed.approx:
            continue
        kind: NumberKind = "rate" if parsed.unit == "percent" else "plain"
        zh, en = (show(parsed.value, kind, lang, "") for lang in LANGS)
        if parsed.high is not None:
            note = {"zh": f"“{raw}”取中间值{zh}", "en": f"\"{raw}\" read as its midpoint, {en}"}
        elif parsed.low is not None:
            note = {"zh": f"“{raw}”按{zh}计（至少）", "en": f"\"{raw}\" read as {en} (at least)"}
        else:
            note = {"zh": f"“{raw}”按约{zh}计", "en": f"\"{raw}\" read as about {en}"}
        notes.append(Assumption(field=name, value=parsed.value, source=None, note=note))
    return notes


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


_TOO_LARGE: Text = {"zh": "结果超出可计算范围，请检查输入", "en": "the result is too large to be meaningful; check the inputs"}


def run_calculator(name: str, args: Mapping[str, Any], defaults: Defaults) -> CalcResult:
    """Validate `args`, run calculator `name`; raise `CalculatorInputError` (both languages) on bad input."""
    calculator = CALCULATORS.get(name)
    if calculator is None:
        names = ", ".join(CALCULATORS)
        raise CalculatorInputError([("name", {"zh": f"没有名为“{name}”的计算器；可用：{names}",
                                              "en": f"no calculator named '{name}'; available: {names}"})])  # fmt: skip
    if not isinstance(args, Mapping):
        raise CalculatorInputError([("inputs", {"zh": "参数必须是“参数名: 值”的对象", "en": "inputs must be an object of named values"})])
    try:
        inputs = calculator.input_model.model_validate(dict(args))
    except ValidationError as exc:
        raise input_error(exc, calculator.input_model, args) from None
    try:
        result = calculator.function(inputs, defaults)
    except CalculatorInputError:
        raise
    except (ArithmeticError, ValueError):
        raise CalculatorInputError([("inputs", _TOO_LARGE)]) from None
    if not all(_finite(v) for v in (*result.figures.values(), *result.inputs.values())):
        raise CalculatorInputError([("inputs", _TOO_LARGE)])
    notes = _reading_notes(calculator.input_model, args)
    return result.model_copy(update={"assumptions": [*notes, *result.assumptions]}) if notes else result
