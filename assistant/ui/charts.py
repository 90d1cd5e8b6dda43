"""Charts for calculator results. Every plotted number comes from a calculator call (one per point);
the only arithmetic here is choosing axis ranges."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure

from assistant.kb.schema import Lang
from assistant.tools.calc_base import show
from assistant.tools.calculators import GPM_CLAIM, CalcResult, CalculatorInputError, Defaults, run_calculator
from assistant.ui.i18n import t

ChartFn = Callable[[Mapping[str, Any], CalcResult, Defaults, Lang], Figure]

_CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei")
_INSTALLED = {font.name for font in font_manager.fontManager.ttflist}
_FONTS = {
    # Concrete names, not "sans-serif": text resolves its family when the figure is drawn, outside this context.
    "font.family": [name for name in _CJK_FONTS if name in _INSTALLED] + ["DejaVu Sans"],
    "axes.unicode_minus": False,
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
}
_COLOURS = {"ai": "#fe2c55", "creator": "#0891b2", "original": "#334155"}
_OPTION_KEYS = {"ai": "chart.ai", "creator": "chart.creator", "original": "chart.original"}
_USED_LINE = {"linewidth": 2.6, "color": _COLOURS["ai"], "marker": "o", "markersize": 3}
_OTHER_LINE = {"linewidth": 1.4}
_VIEW_POINTS = 9
_PROBABILITY_POINTS = 21


def _figure() -> tuple[Figure, Any]:
    figure = Figure(figsize=(6.0, 3.8), dpi=110, layout="constrained")
    return figure, figure.add_subplot()


def _money(value: float, lang: Lang, result: CalcResult) -> str:
    return show(value, "money", lang, result.inputs.get("currency", "USD"))


def cost_per_gmv_bars(args: Mapping[str, Any], result: CalcResult, defaults: Defaults, lang: Lang) -> Figure:
    """AI vs creator vs original: content cost per 1,000 of GMV, straight from the comparison's figures."""
    with rc_context(_FONTS):
        figure, ax = _figure()
        options = [o for o in _OPTION_KEYS if f"{o}_cost_per_1000_gmv" in result.figures]
        values = [result.figures[f"{o}_cost_per_1000_gmv"] for o in options]
        bars = ax.bar([t(_OPTION_KEYS[o], lang) for o in options], values, color=[_COLOURS[o] for o in options], width=0.55)
        ax.bar_label(bars, labels=[_money(v, lang, result) for v in values], padding=3)
        ax.set_title(t("chart.cost_title", lang))
        ax.set_ylabel(t("chart.cost_y", lang))
        ax.margins(y=0.15)
    return figure


def gmv_by_views_lines(args: Mapping[str, Any], result: CalcResult, defaults: Defaults, lang: Lang) -> Figure:
    """GMV against views for the seller's GPM and the article's GPMs (same denominator only)."""
    views, gpm, basis = result.inputs["views"], result.inputs["gpm"], result.inputs["gpm_basis"]
    gpms = {gpm: t("chart.gmv_used", lang, gpm=show(gpm, "gpm", lang, ""))}
    article_basis, _ = defaults.get(GPM_CLAIM, "gpm_denominator")
    if basis == article_basis:
        for key in ("aigc_gpm_low", "aigc_gpm_high", "original_gpm_good"):
            value = defaults.number(GPM_CLAIM, key)
            gpms.setdefault(value, t("chart.gmv_line", lang, gpm=show(value, "gpm", lang, "")))
    xs = np.linspace(0, max(views, 1000) * 2, _VIEW_POINTS)
    with rc_context(_FONTS):
        figure, ax = _figure()
        for value, label in sorted(gpms.items()):
            point = {**args, "gpm": value, "gpm_basis": basis}
            ys = [run_calculator("gmv_from_views", {**point, "views": x}, defaults).figures["gmv"] for x in xs]
            ax.plot(xs, ys, label=label, **(_USED_LINE if value == gpm else _OTHER_LINE))
        gmv = result.figures["gmv"]
        ax.scatter([views], [gmv], s=60, zorder=5, color=_COLOURS["ai"], edgecolor="white")
        ax.annotate(_money(gmv, lang, result), (views, gmv), textcoords="offset points", xytext=(6, 8))
        ax.set_title(t("chart.gmv_title", lang))
        ax.set_xlabel(t("chart.gmv_x", lang))
        ax.set_ylabel(t("chart.gmv_y", lang))
        ax.xaxis.set_major_formatter(lambda value, _: show(value, "count", lang, ""))
        ax.yaxis.set_major_formatter(lambda value, _: _money(value, lang, result))
        ax.legend(frameon=False, fontsize=8)
    return figure


def profit_by_throttle_curve(args: Mapping[str, Any], result: CalcResult, defaults: Defaults, lang: Lang) -> Figure:
    """Expected profit of the plan against the throttle probability, with the break-even marked."""
    ps = np.linspace(0, 1, _PROBABILITY_POINTS)
    runs = [run_calculator("risk_adjusted_return", {**args, "probability": p}, defaults) for p in ps]
    ys = [run.figures["expected_profit"] for run in runs]
    break_even = result.figures["break_even_probability"]
    with rc_context(_FONTS):
        figure, ax = _figure()
        ax.plot(ps, ys, color=_COLOURS["original"], linewidth=2)
        ax.axhline(0, color="#9ca3af", linewidth=1)
        ax.axvline(break_even, color=_COLOURS["ai"], linestyle="--", linewidth=1.5)
        ax.annotate(t("chart.break_even", lang, p=show(break_even, "rate", lang, "")), (break_even, 0),
                    textcoords="offset points", xytext=(6, 10), color=_COLOURS["ai"], fontweight="bold")
        if "expected_profit" in result.figures:
            p = result.inputs["probability"]
            ax.scatter([p], [result.figures["expected_profit"]], s=60, zorder=5, color=_COLOURS["creator"],
                       label=t("chart.yours", lang))
            ax.legend(frameon=False, fontsize=8)
        ax.set_title(t("chart.risk_title", lang))
        ax.set_xlabel(t("chart.risk_x", lang))
        ax.set_ylabel(t("chart.risk_y", lang))
        ax.xaxis.set_major_formatter(lambda value, _: show(value, "rate", lang, ""))
        ax.yaxis.set_major_formatter(lambda value, _: _money(value, lang, result))
    return figure


CHARTS: dict[str, ChartFn] = {
    "compare_content_options": cost_per_gmv_bars,
    "gmv_from_views": gmv_by_views_lines,
    "risk_adjusted_return": profit_by_throttle_curve,
}


def chart(name: str, args: Mapping[str, Any], result: CalcResult, defaults: Defaults, lang: Lang) -> Figure | None:
    """The chart for calculator `name`, or None when it has none (or the sweep cannot run)."""
    draw = CHARTS.get(name)
    if draw is None:
        return None
    try:
        return draw(args, result, defaults, lang)
    except CalculatorInputError:
        return None
