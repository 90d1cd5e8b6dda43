"""Charts for calculator results, as data for Gradio's native (interactive) plots. Every plotted
number comes from a calculator call (one per point); the only arithmetic here is choosing the
sweep and splitting lines whose ranges differ tenfold onto their own axes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from assistant.kb.schema import Lang
from assistant.tools.calc_base import show
from assistant.tools.calculators import GPM_CLAIM, CalcResult, CalculatorInputError, Defaults, run_calculator
from assistant.ui.i18n import t

SPLIT_RATIO = 10
"""Lines whose GPMs differ by this factor or more go on separate charts (a GPM 100 line would flatten 10-16)."""
_VIEW_POINTS = 9
_PROBABILITY_POINTS = 21
_OPTION_KEYS = {"ai": "chart.ai", "creator": "chart.creator", "original": "chart.original"}


class Chart(BaseModel):
    """One native plot: its rows and how to draw them."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind: Literal["line", "bar"]
    data: pd.DataFrame
    x: str
    y: str
    color: str | None = None
    title: str
    x_format: str | None = None
    y_format: str | None = None
    order: list[str] | None = None


ChartFn = Callable[[Mapping[str, Any], CalcResult, Defaults, Lang], list[Chart]]


def _money_format(result: CalcResult) -> str:
    """A d3 format for the result's currency: "$,.0f" for dollars, ",.0f" otherwise."""
    return "$,.0f" if result.inputs.get("currency", "USD") == "USD" else ",.0f"


def cost_per_gmv_bars(args: Mapping[str, Any], result: CalcResult, defaults: Defaults, lang: Lang) -> list[Chart]:
    """AI vs creator vs original: content cost per 1,000 of GMV, straight from the comparison's figures."""
    options = [o for o in _OPTION_KEYS if f"{o}_cost_per_1000_gmv" in result.figures]
    names = [t(_OPTION_KEYS[o], lang) for o in options]
    x, y = t("chart.option", lang), t("chart.cost_y", lang)
    data = pd.DataFrame({x: names, y: [result.figures[f"{o}_cost_per_1000_gmv"] for o in options]})
    return [Chart(kind="bar", data=data, x=x, y=y, title=t("chart.cost_title", lang), y_format=_money_format(result), order=names)]


def split_by_range(values: list[float]) -> list[list[float]]:
    """`values` (ascending) in groups whose largest is under `SPLIT_RATIO` times their smallest."""
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value < SPLIT_RATIO * max(groups[-1][0], 1e-9):
            groups[-1].append(value)
        else:
            groups.append([value])
    return groups


def gmv_by_views_lines(args: Mapping[str, Any], result: CalcResult, defaults: Defaults, lang: Lang) -> list[Chart]:
    """GMV against views for the seller's GPM and the article's GPMs (same denominator only); GPMs
    a tenfold apart get their own chart so each keeps a readable scale."""
    views, gpm, basis = result.inputs["views"], result.inputs["gpm"], result.inputs["gpm_basis"]
    names = {gpm: t("chart.gmv_used", lang, gpm=show(gpm, "gpm", lang, ""))}
    article_basis, _ = defaults.get(GPM_CLAIM, "gpm_denominator")
    if basis == article_basis:
        for key in ("aigc_gpm_low", "aigc_gpm_high", "original_gpm_good"):
            value = defaults.number(GPM_CLAIM, key)
            names.setdefault(value, t("chart.gmv_line", lang, gpm=show(value, "gpm", lang, "")))
    xs = np.linspace(0, max(views, 1000) * 2, _VIEW_POINTS)
    x_name, y_name, line = t("chart.gmv_x", lang), t("chart.gmv_y", lang), t("chart.line", lang)
    charts = []
    groups = split_by_range(list(names))
    for number, group in enumerate(groups):
        rows = []
        for value in group:
            point = {**args, "gpm": value, "gpm_basis": basis}
            for x in xs:
                rows.append({x_name: float(x), y_name: run_calculator("gmv_from_views", {**point, "views": x}, defaults).figures["gmv"],
                             line: names[value]})  # fmt: skip
        title = t("chart.gmv_title", lang) if number == 0 else t("chart.gmv_own_scale", lang)
        charts.append(Chart(kind="line", data=pd.DataFrame(rows), x=x_name, y=y_name, color=line, title=title,
                            x_format="~s", y_format=_money_format(result)))  # fmt: skip
    return charts


def profit_by_throttle_curve(args: Mapping[str, Any], result: CalcResult, defaults: Defaults, lang: Lang) -> list[Chart]:
    """Expected profit of the plan against the throttle probability, with the break-even marked."""
    x_name, y_name, line = t("chart.risk_x", lang), t("chart.risk_y", lang), t("chart.line", lang)
    plan = t("chart.risk_y", lang)
    rows = []
    for p in np.linspace(0, 1, _PROBABILITY_POINTS):
        profit = run_calculator("risk_adjusted_return", {**args, "probability": p}, defaults).figures["expected_profit"]
        rows.append({x_name: float(p), y_name: profit, line: plan})
    break_even = result.figures["break_even_probability"]
    if 0 <= break_even <= 1:
        low, high = min(r[y_name] for r in rows), max(r[y_name] for r in rows)
        mark = t("chart.break_even", lang, p=show(break_even, "rate", lang, ""))
        rows += [{x_name: break_even, y_name: low, line: mark}, {x_name: break_even, y_name: high, line: mark}]
    return [Chart(kind="line", data=pd.DataFrame(rows), x=x_name, y=y_name, color=line, title=t("chart.risk_title", lang),
                  x_format=".0%", y_format=_money_format(result))]  # fmt: skip


CHARTS: dict[str, ChartFn] = {
    "compare_content_options": cost_per_gmv_bars,
    "gmv_from_views": gmv_by_views_lines,
    "risk_adjusted_return": profit_by_throttle_curve,
}


def charts(name: str, args: Mapping[str, Any], result: CalcResult, defaults: Defaults, lang: Lang) -> list[Chart]:
    """The charts for calculator `name` ([] when it has none, or the sweep cannot run)."""
    draw = CHARTS.get(name)
    if draw is None:
        return []
    try:
        return draw(args, result, defaults, lang)
    except CalculatorInputError:
        return []
