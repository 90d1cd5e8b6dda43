"""Calculators over the article's figures: GMV from views, views for a target, AI vs creator vs
original costs, risk-adjusted return, implied GMV share, the three-wave budget, unit economics,
growth and creator collaborations. Defaults come from knowledge entries' `numbers` (cited by id)
or are stated assumptions; both are listed in each result.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, model_validator

from assistant.tools.calc_base import (
    LANGS,
    UPPER_BOUNDS,
    CalcInput,
    CalcResult,
    CalculatorInputError,
    Defaults,
    Ledger,
    Shown,
    Text,
    custom_error,
    number_field,
    ratio,
    show,
)

# --- knowledge entries and keys the defaults come from (knowledge/README.md) ---
GPM_CLAIM = "gpm-aigc-vs-original"
COST_RATIO = "cost-ratio-ai-vs-original"
UGC_COST = "ugc-video-cost"
REFERRAL_FEE = "referral-fee-us"
COMMISSION_RANGE = "affiliate-commission-range"
VOLUME_SHARE = "aigc-volume-share"
GMV_SHARE = "aigc-gmv-share"
GROWTH_WINDOW = "ai-product-selection-lagging"

DEFAULT_KEYS: dict[str, tuple[str, ...]] = {
    GPM_CLAIM: ("aigc_gpm_low", "aigc_gpm_high", "original_gpm_good", "gpm_denominator"),
    COST_RATIO: ("original_to_ai_cost_ratio", "creator_all_in_to_ai_cost_ratio"),
    UGC_COST: ("ugc_cost_typical",),
    REFERRAL_FEE: ("referral_fee_rate",),
    COMMISSION_RANGE: ("commission_typical_low", "commission_typical_high"),
    VOLUME_SHARE: ("aigc_video_share_max", "rumored_gmv_share"),
    GMV_SHARE: ("aigc_gmv_share_max",),
    GROWTH_WINDOW: ("growth_window_days",),
}
"""Every (entry, key) a calculator may read: the contract with the knowledge authors."""

# --- stated assumptions: used when the seller gives nothing and no source has a figure ---
STATED_VIEWS_PER_VIDEO = 10_000.0
STATED_MARGIN = 0.30
PER_THOUSAND = 1000.0
"""GPM is GMV per 1,000 impressions (the article) or views (LIVE Watch GPM)."""


# --- shared defaults ---------------------------------------------------------------


def _ai_gpm(led: Ledger, name: str) -> float:
    return led.cite_midpoint(
        name, GPM_CLAIM, "aigc_gpm_low", "aigc_gpm_high", "gpm",
        "文章引述内部人士：优质AI视频GPM约{low}-{high}，取中间值{value}（未经证实）",
        "insider claim in the article: good AI videos reach GPM {low}-{high}; midpoint {value} used (unverified)",
    )  # fmt: skip


def _original_gpm(led: Ledger, name: str) -> float:
    return led.cite(
        name, GPM_CLAIM, "original_gpm_good", "gpm",
        "文章引述内部人士：优质原创（真人）视频GPM可达{value}以上（未经证实）",
        "insider claim in the article: good original (human-made) videos reach GPM {value}+ (unverified)",
    )  # fmt: skip


def _creator_fee(led: Ledger, name: str) -> float:
    return led.cite(
        name, UGC_COST, "ugc_cost_typical", "money",
        "第三方估算：一条UGC达人视频约{value}（不含样品和佣金）",
        "third-party estimate: about {value} per UGC creator video (samples and commission extra)",
    )  # fmt: skip


def _commission(led: Ledger, name: str) -> float:
    return led.cite_midpoint(
        name, COMMISSION_RANGE, "commission_typical_low", "commission_typical_high", "rate",
        "常见达人佣金{low}-{high}，取中间值{value}；不同类目差别很大",
        "typical affiliate commission {low}-{high}; midpoint {value} used; it varies a lot by category",
    )  # fmt: skip


def _ai_cost_from_creator(led: Ledger, name: str, creator_all_in: float) -> float:
    if creator_all_in <= 0:
        raise CalculatorInputError([(name, {"zh": "达人成本为0，无法推算AI视频成本：请直接给出",
                                            "en": "cannot derive the AI cost from a zero creator cost: give it"})])  # fmt: skip
    ratio = led.lookup(name, COST_RATIO, "creator_all_in_to_ai_cost_ratio")
    value = creator_all_in / ratio
    led.assume(name, value, COST_RATIO, led.text(
        "文章估计：达人视频综合成本（固定费用+样品）约为AI视频的{ratio}倍，所以AI视频约{all_in} ÷ {ratio} = {value}",
        "the article's estimate: a creator video all-in (fee + samples) costs about {ratio}× an AI video, "
        "so an AI video is about {all_in} ÷ {ratio} = {value}",
        ratio=(ratio, "plain"), all_in=(creator_all_in, "money"), value=(value, "money"),
    ))  # fmt: skip
    return value


def _original_cost_from_ai(led: Ledger, name: str, ai_cost: float) -> float:
    ratio = led.lookup(name, COST_RATIO, "original_to_ai_cost_ratio")
    value = ai_cost * ratio
    led.assume(name, value, COST_RATIO, led.text(
        "文章估计：自制原创视频成本约为AI视频的{ratio}倍：{ai} × {ratio} = {value}",
        "the article's estimate: an original video costs about {ratio}× an AI video: {ai} × {ratio} = {value}",
        ratio=(ratio, "plain"), ai=(ai_cost, "money"), value=(value, "money"),
    ))  # fmt: skip
    return value


def _views_per_video(led: Ledger, name: str) -> float:
    return led.state(
        name, STATED_VIEWS_PER_VIDEO, "count",
        "假设每条视频{value}次播放（各方案相同；没有来源，请换成你的数据）",
        "assumed {value} views per video, the same for every option (no source: use your own data)",
    )  # fmt: skip


def _margin(led: Ledger, name: str) -> float:
    return led.state(
        name, STATED_MARGIN, "rate",
        "假设毛利率{value}（扣除货本、平台佣金、运费后，没有来源；可用 unit_economics 算出你的）",
        "assumed {value} margin on GMV after product cost, platform fee and shipping "
        "(no source; work out yours with unit_economics)",
    )  # fmt: skip


_BASIS_WORDS: dict[str, Text] = {"impressions": {"zh": "曝光", "en": "impressions"}, "views": {"zh": "播放", "en": "views"}}
_GPM_FORMULA = "GMV = count × GPM / 1000 (GPM = GMV per 1,000 impressions per the article; LIVE Watch GPM is per 1,000 views)"


def _gpm_and_basis(led: Ledger) -> tuple[float, str, bool]:
    """The GPM (given or the article's AI midpoint), its denominator, and whether it was defaulted."""
    gpm = led.given("gpm")
    basis = led.given("gpm_basis")
    if gpm is not None:
        if basis is None:  # the seller's GPM and count come from one dashboard: the count is read in its own terms
            basis = "views"
            led.inputs["gpm_basis"] = basis
        return gpm, basis, False
    gpm = _ai_gpm(led, "gpm")
    article_basis = str(led.lookup("gpm_basis", GPM_CLAIM, "gpm_denominator", numeric=False))
    if article_basis not in _BASIS_WORDS:
        raise CalculatorInputError([("gpm_basis", {"zh": f"知识条目 {GPM_CLAIM} 的 gpm_denominator 无法识别：请给出 gpm",
                                                   "en": f"{GPM_CLAIM} has an unknown gpm_denominator: give gpm"})])  # fmt: skip
    if basis is not None and basis != article_basis:
        raise CalculatorInputError([("gpm_basis", led.text(
            "文章的GPM是按{basis}计算的；gpm_basis={mine}时请给出你自己的GPM",
            "the article's GPM figures are per 1,000 {basis}; with gpm_basis={mine} give your own gpm",
            basis=_BASIS_WORDS[article_basis], mine={"zh": basis, "en": basis},
        ))])  # fmt: skip
    led.inputs.update(gpm=gpm, gpm_basis=article_basis)
    led.assume("gpm_basis", article_basis, GPM_CLAIM, led.text(
        "文章的GPM按每千次{basis}计算，你给的数量也按{basis}理解",
        "the article's GPM is per 1,000 {basis}; your count is read as {basis}", basis=_BASIS_WORDS[article_basis],
    ))  # fmt: skip
    return gpm, article_basis, True


# --- calculators ----------------------------------------------------------------------

GpmBasis = Literal["impressions", "views"]
_GPM_DOC = "GMV per 1,000 impressions (or views, see gpm_basis), e.g. 12. Default: the article's AI-video GPM midpoint."


def _basis_field() -> Any:
    return Field(
        None, description="Denominator of gpm: 'impressions' (the article's GPM) or 'views' (LIVE Watch GPM).",
        json_schema_extra={"label": {"zh": "GPM口径", "en": "GPM basis"}},
    )  # fmt: skip


class GmvFromViewsInput(CalcInput):
    views: float = number_field("count", "播放/曝光量", "views", "Views or impressions of the video(s), e.g. 200000 or \"20万\".", default=...)
    gpm: float | None = number_field("gpm", "GPM", "GPM", _GPM_DOC)
    gpm_basis: GpmBasis | None = _basis_field()


def gmv_from_views(args: GmvFromViewsInput, defaults: Defaults) -> CalcResult:
    """GMV = views × GPM / 1000; with the article's GPM range, also the low and high ends."""
    led = Ledger("gmv_from_views", args, defaults)
    views = led.given("views")
    gpm, basis, defaulted = _gpm_and_basis(led)
    gmv = views * gpm / PER_THOUSAND
    word = _BASIS_WORDS[basis]
    led.step("GMV = {views}次{basis} × GPM {gpm} ÷ 1,000 = {gmv}", "GMV = {views} {basis} × GPM {gpm} / 1,000 = {gmv}",
             views=(views, "count"), basis=word, gpm=(gpm, "gpm"), gmv=(gmv, "money"))  # fmt: skip
    figures: dict[str, float | None] = {"gmv": gmv}
    if defaulted:
        low, high = led.lookup("gpm", GPM_CLAIM, "aigc_gpm_low"), led.lookup("gpm", GPM_CLAIM, "aigc_gpm_high")
        figures.update(gmv_low=views * low / PER_THOUSAND, gmv_high=views * high / PER_THOUSAND)
        led.step("按GPM {low}-{high} 计算：{gmv_low} 到 {gmv_high}", "At GPM {low} to {high}: {gmv_low} to {gmv_high}",
                 low=(low, "gpm"), high=(high, "gpm"), gmv_low=(figures["gmv_low"], "money"),
                 gmv_high=(figures["gmv_high"], "money"))  # fmt: skip
    headline = led.text("{views}次{basis}、GPM {gpm}，预计带来约{gmv}的GMV。",
                        "{views} {basis} at GPM {gpm} bring about {gmv} of GMV.",
                        views=(views, "count"), basis=word, gpm=(gpm, "gpm"), gmv=(gmv, "money"))  # fmt: skip
    return led.result(figures, _GPM_FORMULA, headline)


class ViewsForTargetGmvInput(CalcInput):
    target_gmv: float = number_field("money", "目标GMV", "target GMV", "GMV you want, e.g. 10000 or \"$1万\".", le=1e11, default=...)
    gpm: float | None = number_field("gpm", "GPM", "GPM", _GPM_DOC, gt=0)
    gpm_basis: GpmBasis | None = _basis_field()


def views_for_target_gmv(args: ViewsForTargetGmvInput, defaults: Defaults) -> CalcResult:
    """Views needed = target GMV × 1000 / GPM."""
    led = Ledger("views_for_target_gmv", args, defaults)
    target = led.given("target_gmv")
    gpm, basis, defaulted = _gpm_and_basis(led)
    views = target * PER_THOUSAND / gpm
    word = _BASIS_WORDS[basis]
    led.step("所需{basis} = {target} × 1,000 ÷ GPM {gpm} = {views}",
             "{basis} needed = {target} × 1,000 / GPM {gpm} = {views}",
             basis=word, target=(target, "money"), gpm=(gpm, "gpm"), views=(views, "count"))  # fmt: skip
    figures: dict[str, float | None] = {"views": views}
    if defaulted:
        low, high = led.lookup("gpm", GPM_CLAIM, "aigc_gpm_low"), led.lookup("gpm", GPM_CLAIM, "aigc_gpm_high")
        figures.update(views_low=target * PER_THOUSAND / high, views_high=ratio(target * PER_THOUSAND, low))
        if figures["views_high"] is not None:
            led.step("按GPM {high}-{low} 计算：{few} 到 {many}", "At GPM {high} down to {low}: {few} to {many}",
                     high=(high, "gpm"), low=(low, "gpm"), few=(figures["views_low"], "count"),
                     many=(figures["views_high"], "count"))  # fmt: skip
    headline = led.text("GPM {gpm} 时，要做到{target}的GMV约需{views}次{basis}。",
                        "At GPM {gpm}, {target} of GMV takes about {views} {basis}.",
                        gpm=(gpm, "gpm"), target=(target, "money"), views=(views, "count"), basis=word)  # fmt: skip
    return led.result(figures, "views = target GMV × 1000 / GPM", headline)


_OPTIONS: dict[str, Text] = {
    "ai": {"zh": "AI视频", "en": "AI video"},
    "creator": {"zh": "达人视频", "en": "creator video"},
    "original": {"zh": "自制原创视频", "en": "own original video"},
}


_FREE: Text = {"zh": "无成本", "en": "no cost"}


def _efficiency(gmv: float, cost: float) -> float:
    """GMV per unit of cost for ranking; a free option with sales ranks first."""
    if cost > 0:
        return gmv / cost
    return math.inf if gmv > 0 else 0.0


class CompareContentInput(CalcInput):
    views_per_video: float | None = number_field("count", "单条播放量", "views per video",
                                            "Views (impressions) each video gets; the same for all options. Default 10,000 (stated).")  # fmt: skip
    ai_cost_per_video: float | None = number_field("money", "AI视频单条成本", "AI cost per video",
                                              "All-in cost of one AI video. Default: creator all-in ÷ 20 (the article's ratio).", gt=0)  # fmt: skip
    creator_fee: float | None = number_field("money", "达人固定费用", "creator fee",
                                        "Flat fee per creator (affiliate) video. Default: typical UGC price (~$200).")  # fmt: skip
    sample_cost: float | None = number_field("money", "样品成本", "sample cost",
                                        "Sample cost per creator video (product cost + shipping). Default 0 (stated).")  # fmt: skip
    commission_rate: float | None = number_field("rate", "达人佣金率", "commission rate",
                                            "Creator commission on the GMV the creator video brings, 0..1 or \"15%\". Default: 15% (typical 10-20%).")  # fmt: skip
    original_cost_per_video: float | None = number_field("money", "原创视频单条成本", "original cost per video",
                                                    "Cost of one video you shoot yourself. Default: 10× the AI cost (the article).", gt=0)  # fmt: skip
    ai_gpm: float | None = number_field("gpm", "AI视频GPM", "AI video GPM", "GPM of AI videos. Default 13 (article: 10-16).")
    creator_gpm: float | None = number_field("gpm", "达人视频GPM", "creator video GPM",
                                        "GPM of creator videos. Default 100 (article: good original videos 100+).")  # fmt: skip
    original_gpm: float | None = number_field("gpm", "原创视频GPM", "original video GPM",
                                         "GPM of your own original videos. Default 100 (article).")  # fmt: skip


_UNIT_ZH = {"USD": "美元", "CNY": "元"}
"""A currency's unit in a Chinese ratio ("每1美元成本"); another code is written as is."""


def compare_content_options(args: CompareContentInput, defaults: Defaults) -> CalcResult:
    """Cost, GMV, GMV per unit of cost and cost per 1,000 of GMV for AI, creator and original videos."""
    led = Ledger("compare_content_options", args, defaults)
    views = led.use("views_per_video", lambda: _views_per_video(led, "views_per_video"))
    fee = led.use("creator_fee", lambda: _creator_fee(led, "creator_fee"))
    sample = led.use("sample_cost", lambda: led.state(
        "sample_cost", 0.0, "money", "样品成本按{value}计（没有官方数字；请加上你的货本+运费）",
        "sample cost taken as {value} (no official figure; add your product cost + shipping)"))  # fmt: skip
    commission = led.use("commission_rate", lambda: _commission(led, "commission_rate"))
    ai_cost = led.use("ai_cost_per_video", lambda: _ai_cost_from_creator(led, "ai_cost_per_video", fee + sample))
    original_cost = led.use("original_cost_per_video", lambda: _original_cost_from_ai(led, "original_cost_per_video", ai_cost))
    gpms = {
        "ai": led.use("ai_gpm", lambda: _ai_gpm(led, "ai_gpm")),
        "creator": led.use("creator_gpm", lambda: _original_gpm(led, "creator_gpm")),
        "original": led.use("original_gpm", lambda: _original_gpm(led, "original_gpm")),
    }
    gmv = {option: views * gpm / PER_THOUSAND for option, gpm in gpms.items()}
    cost = {"ai": ai_cost, "creator": fee + sample + commission * gmv["creator"], "original": original_cost}
    figures: dict[str, float | None] = {}
    for option in _OPTIONS:
        per_cost = ratio(gmv[option], cost[option])
        per_1000 = ratio(cost[option] * PER_THOUSAND, gmv[option])
        figures.update({f"{option}_cost": cost[option], f"{option}_gmv": gmv[option],
                        f"{option}_gmv_per_cost": per_cost, f"{option}_cost_per_1000_gmv": per_1000})  # fmt: skip
        led.step("{name}：GMV = {views} × {gpm} ÷ 1,000 = {gmv}；成本 {cost}；每1" + _UNIT_ZH.get(args.currency, args.currency)
                 + "成本带来{per_cost}的GMV",
                 "{name}: GMV = {views} × {gpm} / 1,000 = {gmv}; cost {cost}; GMV per unit of cost {per_cost}",
                 name=_OPTIONS[option], views=(views, "count"), gpm=(gpms[option], "gpm"), gmv=(gmv[option], "money"),
                 cost=(cost[option], "money"), per_cost=_FREE if per_cost is None else (per_cost, "plain"))  # fmt: skip
    led.step("达人视频成本 = 固定费用 {fee} + 样品 {sample} + 佣金 {rate} × GMV {gmv} = {cost}",
             "creator cost = fee {fee} + sample {sample} + commission {rate} × GMV {gmv} = {cost}",
             fee=(fee, "money"), sample=(sample, "money"), rate=(commission, "rate"), gmv=(gmv["creator"], "money"),
             cost=(cost["creator"], "money"))  # fmt: skip
    ranking = sorted(_OPTIONS, key=lambda o: _efficiency(gmv[o], cost[o]), reverse=True)
    for rank, option in enumerate(ranking, 1):
        figures[f"{option}_rank"] = float(rank)
    figures["creator_to_ai_cost"] = ratio(cost["creator"], ai_cost)
    figures["original_to_ai_cost"] = ratio(original_cost, ai_cost)
    led.step("这里没算AI视频被限流、封号的风险。", "This leaves out the risk of AI videos being throttled or the account lost.")  # fmt: skip
    per: dict[str, Shown | Text] = {o: (v, "plain") if (v := figures[f"{o}_gmv_per_cost"]) is not None else _FREE
                                    for o in _OPTIONS}  # fmt: skip
    headline = led.text(
        "每{one}成本带来的GMV：AI视频{ai}，达人视频{creator}，自制原创视频{original}；{best}排第一。",
        "GMV per {one} of cost: AI video {ai}, creator video {creator}, own original video {original}; {best} ranks first.",
        one=(1.0, "money"), best=_OPTIONS[ranking[0]], **per,
    )  # fmt: skip
    return led.result(
        figures, "GMV = views × GPM / 1000; cost per video (creator: fee + sample + commission × GMV); "
        "GMV per cost = GMV / cost; cost per 1,000 GMV = cost × 1000 / GMV", headline,
    )  # fmt: skip


class RiskAdjustedInput(CalcInput):
    videos: int | None = number_field("count", "AI视频条数", "AI videos", "AI videos in the plan. Default 30 (stated).", ge=1, le=1e6)
    views_per_video: float | None = number_field("count", "单条播放量", "views per video", "Views per video. Default 10,000 (stated).")
    gpm: float | None = number_field("gpm", "GPM", "GPM", "GPM of the AI videos. Default 13 (article: 10-16).")
    cost_per_video: float | None = number_field("money", "AI视频单条成本", "cost per video",
                                           "All-in cost of one AI video. Default: typical creator price ÷ 20 (the article's ratio).")  # fmt: skip
    margin: float | None = number_field("rate", "毛利率", "margin",
                                   "Margin on GMV after product cost, platform fee, shipping (0..1 or \"30%\"). Default 30% (stated).")  # fmt: skip
    probability: float | None = number_field("rate", "限流/封号概率", "probability",
                                        "Chance the account is throttled or lost during the plan (0..1 or \"20%\"). Optional: "
                                        "without it only the break-even probability is given.")  # fmt: skip
    throttle_gmv_loss: float | None = number_field("rate", "限流后GMV损失比例", "GMV lost if hit",
                                              "Share of the plan's GMV lost if throttled (0..1). Default 100% (stated: no organic reach).")  # fmt: skip
    account_replacement_cost: float | None = number_field("money", "账号重建成本", "account replacement cost",
                                                     "Cost to replace or rebuild the account if lost. Default 0 (stated).")  # fmt: skip


def risk_adjusted_return(args: RiskAdjustedInput, defaults: Defaults) -> CalcResult:
    """Expected profit = profit if fine − p × (GMV lost × margin + replacement cost); break-even p."""
    led = Ledger("risk_adjusted_return", args, defaults)
    videos = led.use("videos", lambda: led.state("videos", 30.0, "count", "假设计划发{value}条AI视频（请换成你的计划）",
                                                 "assumed a plan of {value} AI videos (use your own plan)"))  # fmt: skip
    views = led.use("views_per_video", lambda: _views_per_video(led, "views_per_video"))
    gpm = led.use("gpm", lambda: _ai_gpm(led, "gpm"))
    cost = led.use("cost_per_video", lambda: _ai_cost_from_creator(led, "cost_per_video", _creator_fee(led, "creator_fee")))
    margin = led.use("margin", lambda: _margin(led, "margin"))
    loss_share = led.use("throttle_gmv_loss", lambda: led.state(
        "throttle_gmv_loss", 1.0, "rate", "假设一旦限流，这个计划的GMV损失{value}（文章说报白号被限流后没有自然流量，申诉很难）",
        "assumed {value} of the plan's GMV is lost if throttled (the article reports whitelisted accounts losing all "
        "organic traffic, with appeals rarely succeeding)"))  # fmt: skip
    replacement = led.use("account_replacement_cost", lambda: led.state(
        "account_replacement_cost", 0.0, "money", "账号重建成本按{value}计（请加上你找新号、重新起号的成本）",
        "account replacement cost taken as {value} (add what a new account costs you)"))  # fmt: skip
    probability = led.given("probability")

    gmv = videos * views * gpm / PER_THOUSAND
    profit_if_fine = gmv * margin - videos * cost
    loss_if_hit = gmv * loss_share * margin + replacement
    if profit_if_fine <= 0:
        break_even = 0.0
    else:
        break_even = min(1.0, ratio(profit_if_fine, loss_if_hit) or 1.0)
    expected = None if probability is None else profit_if_fine - probability * loss_if_hit
    led.step("GMV = {videos} × {views} × {gpm} ÷ 1,000 = {gmv}", "GMV = {videos} × {views} × {gpm} / 1,000 = {gmv}",
             videos=(videos, "count"), views=(views, "count"), gpm=(gpm, "gpm"), gmv=(gmv, "money"))  # fmt: skip
    led.step("不出问题时利润 = {gmv} × {margin} − {videos} × {cost} = {profit}",
             "profit if all goes well = {gmv} × {margin} − {videos} × {cost} = {profit}",
             gmv=(gmv, "money"), margin=(margin, "rate"), videos=(videos, "count"), cost=(cost, "money"),
             profit=(profit_if_fine, "money"))  # fmt: skip
    led.step("出事时的损失 = {gmv} × {share} × {margin} + 重建成本 {replacement} = {loss}",
             "loss if hit = {gmv} × {share} × {margin} + replacement {replacement} = {loss}",
             gmv=(gmv, "money"), share=(loss_share, "rate"), margin=(margin, "rate"),
             replacement=(replacement, "money"), loss=(loss_if_hit, "money"))  # fmt: skip
    led.step("盈亏平衡概率 = {profit} ÷ {loss} = {be}（最高100%）", "break-even probability = {profit} / {loss} = {be} (capped at 100%)",
             profit=(max(profit_if_fine, 0.0), "money"), loss=(loss_if_hit, "money"), be=(break_even, "rate"))  # fmt: skip
    if expected is not None:
        led.step("预期利润 = {profit} − {p} × {loss} = {expected}", "expected profit = {profit} − {p} × {loss} = {expected}",
                 profit=(profit_if_fine, "money"), p=(probability, "rate"), loss=(loss_if_hit, "money"),
                 expected=(expected, "money"))  # fmt: skip
    values: dict[str, Shown] = {"profit": (profit_if_fine, "money"), "be": (break_even, "rate")}
    if profit_if_fine <= 0:
        headline = led.text("即使完全不被限流，这个计划也会亏{loss}：先降成本或提高GPM。",
                            "Even with no throttling the plan loses {loss}: cut costs or raise GPM first.",
                            loss=(-profit_if_fine, "money"))  # fmt: skip
    elif expected is not None:
        headline = led.text("限流概率{p}时预期利润{expected}；概率高于{be}就不划算。",
                            "At a {p} chance of throttling the expected profit is {expected}; above {be} the plan loses money.",
                            p=(probability, "rate"), expected=(expected, "money"), **values)  # type: ignore[arg-type]  # fmt: skip
    else:
        headline = led.text("账号正常时这个计划赚{profit}；只要限流概率低于{be}就不亏。",
                            "The plan makes {profit} if the account stays healthy and breaks even as long as the chance "
                            "of throttling stays below {be}.", **values)  # fmt: skip
    figures = {"gmv_if_fine": gmv, "profit_if_fine": profit_if_fine, "loss_if_hit": loss_if_hit,
               "break_even_probability": break_even, "expected_profit": expected}  # fmt: skip
    return led.result(
        figures, "expected profit = (GMV × margin − videos × cost) − p × (GMV × loss share × margin + replacement cost); "
        "break-even p = profit if fine / loss if hit", headline,
    )  # fmt: skip


class ImpliedShareInput(CalcInput):
    volume_share: float | None = number_field("rate", "AI视频数量占比", "AI share of videos",
                                         "Share of videos that are AI-made (0..1 or \"5%\"). Default 5% (article, insider).")  # fmt: skip
    ai_gpm: float | None = number_field("gpm", "AI视频GPM", "AI video GPM", "GPM of AI videos. Default 13 (article: 10-16).", gt=0)
    other_gpm: float | None = number_field("gpm", "其他视频GPM", "other videos' GPM",
                                      "GPM of the other (human-made) videos. Default 100 (article: good originals 100+).", gt=0)  # fmt: skip


def implied_gmv_share(args: ImpliedShareInput, defaults: Defaults) -> CalcResult:
    """GMV share = s × g_ai / (s × g_ai + (1 − s) × g_other), checked against the reported shares."""
    led = Ledger("implied_gmv_share", args, defaults)
    share = led.use("volume_share", lambda: led.cite(
        "volume_share", VOLUME_SHARE, "aigc_video_share_max", "rate",
        "文章引述内部人士：美区AIGC视频数量占比不足{value}（未经证实）",
        "insider claim in the article: AI videos are under {value} of US videos (unverified)"))  # fmt: skip
    ai_gpm = led.use("ai_gpm", lambda: _ai_gpm(led, "ai_gpm"))
    other_gpm = led.use("other_gpm", lambda: _original_gpm(led, "other_gpm"))
    ai_part, other_part = share * ai_gpm, (1 - share) * other_gpm
    gmv_share = ai_part / (ai_part + other_part)
    led.step("GMV占比 = {s} × {a} ÷ ({s} × {a} + {rest} × {o}) = {share}",
             "GMV share = {s} × {a} / ({s} × {a} + {rest} × {o}) = {share}",
             s=(share, "rate"), a=(ai_gpm, "gpm"), rest=(1 - share, "rate"), o=(other_gpm, "gpm"),
             share=(gmv_share, "rate"))  # fmt: skip
    figures: dict[str, float | None] = {"gmv_share": gmv_share}
    headline = led.text("AI视频占{s}、GPM {a}（其他视频{o}）时，约占GMV的{share}。",
                        "AI videos at {s} of volume and GPM {a} (others {o}) make about {share} of GMV.",
                        s=(share, "rate"), a=(ai_gpm, "gpm"), o=(other_gpm, "gpm"), share=(gmv_share, "rate"))  # fmt: skip
    if defaults.has(GMV_SHARE, "aigc_gmv_share_max"):
        reported = led.cite("reported_gmv_share_max", GMV_SHARE, "aigc_gmv_share_max", "rate",
                            "文章引述内部人士：AIGC视频GMV贡献不足{value}", "insider claim: AI videos bring under {value} of GMV")  # fmt: skip
        figures["reported_gmv_share_max"] = reported
        verdict = ({"zh": "一致", "en": "consistent with"} if gmv_share <= reported
                   else {"zh": "不一致", "en": "not consistent with"})  # fmt: skip
        led.step("算出的{share}与文章的“GMV贡献不足{reported}”{verdict}",
                 "The implied {share} is {verdict} the article's \"under {reported} of GMV\"",
                 share=(gmv_share, "rate"), reported=(reported, "rate"), verdict=verdict)  # fmt: skip
    if defaults.has(VOLUME_SHARE, "rumored_gmv_share"):
        rumored = led.cite("rumored_gmv_share", VOLUME_SHARE, "rumored_gmv_share", "rate",
                           "文章提到的外界传言：AI视频贡献{value}的GMV", "the rumour the article rebuts: AI videos bring {value} of GMV")  # fmt: skip
        needed = rumored * other_gpm / (ai_gpm * (1 - rumored) + rumored * other_gpm)
        figures.update(rumored_gmv_share=rumored, volume_share_for_rumored=needed)
        led.step("要达到传言的{r}，AI视频需占视频数量的约{needed}", "Reaching the rumoured {r} would take about {needed} of videos being AI",
                 r=(rumored, "rate"), needed=(needed, "rate"))  # fmt: skip
    return led.result(figures, "GMV share = s × GPM_ai / (s × GPM_ai + (1 − s) × GPM_other)", headline)


class PlanTestBudgetInput(CalcInput):
    total_budget: float = number_field("money", "总预算", "total budget", "Total content budget, e.g. 5000 or \"$5k\".", gt=0, le=1e9, default=...)
    products: int | None = number_field("count", "测试商品数", "products", "Products to test. Default 5 (stated).", ge=1, le=1000)
    scripts_per_product: int | None = number_field("count", "每个商品的脚本数", "scripts per product",
                                              "AI test videos (scripts) per product. Default 3 (stated).", ge=1, le=100)  # fmt: skip
    ai_cost_per_video: float | None = number_field("money", "AI视频单条成本", "AI cost per video",
                                              "Cost of one AI test video. Default: typical creator price ÷ 20 (the article).", gt=0)  # fmt: skip
    creator_cost_per_video: float | None = number_field("money", "达人视频单条成本", "creator cost per video",
                                                   "Fee + sample per creator video (commission is paid from sales). "
                                                   "Default: typical UGC price (~$200).", gt=0)  # fmt: skip
    winners_share: float | None = number_field("rate", "跑出来的商品比例", "winners share",
                                          "Share of tested products worth scaling (0..1). Default 20% (stated).")  # fmt: skip
    creator_videos_per_winner: int | None = number_field("count", "每个爆品的达人视频数", "creator videos per winner",
                                                    "Creator videos to scale each winner. Default 5 (stated).", ge=1, le=1000)  # fmt: skip
    original_cost_per_video: float | None = number_field("money", "原创视频单条成本", "original cost per video",
                                                    "Cost of one video you shoot yourself. Default: 10× the AI cost (the article).", gt=0)  # fmt: skip


def plan_test_budget(args: PlanTestBudgetInput, defaults: Defaults) -> CalcResult:
    """Wave 1 AI tests (products × scripts), wave 2 creators on the winners, wave 3 original content."""
    led = Ledger("plan_test_budget", args, defaults)
    budget = led.given("total_budget")
    products = int(led.use("products", lambda: led.state("products", 5.0, "count", "假设测试{value}个商品",
                                                         "assumed {value} products to test")))  # fmt: skip
    scripts = int(led.use("scripts_per_product", lambda: led.state(
        "scripts_per_product", 3.0, "count", "假设每个商品测{value}种脚本", "assumed {value} scripts per product")))  # fmt: skip
    creator_cost = led.use("creator_cost_per_video", lambda: _creator_fee(led, "creator_cost_per_video"))
    ai_cost = led.use("ai_cost_per_video", lambda: _ai_cost_from_creator(led, "ai_cost_per_video", creator_cost))
    winners_share = led.use("winners_share", lambda: led.state(
        "winners_share", 0.2, "rate", "假设{value}的测试商品值得放量（没有来源）",
        "assumed {value} of tested products are worth scaling (no source)"))  # fmt: skip
    per_winner = int(led.use("creator_videos_per_winner", lambda: led.state(
        "creator_videos_per_winner", 5.0, "count", "假设每个跑出来的商品找{value}条达人视频放量",
        "assumed {value} creator videos to scale each winner")))  # fmt: skip
    original_cost = led.use("original_cost_per_video", lambda: _original_cost_from_ai(led, "original_cost_per_video", ai_cost))

    planned = products * scripts
    wave1_videos = min(planned, math.floor(budget / ai_cost))
    wave1_cost = wave1_videos * ai_cost
    tested = wave1_videos // scripts
    winners = math.floor(tested * winners_share + 0.5)
    if winners_share > 0 and tested:
        winners = max(1, winners)
    rest = budget - wave1_cost
    wave2_videos = min(winners * per_winner, math.floor(rest / creator_cost))
    wave2_cost = wave2_videos * creator_cost
    wave3_videos = math.floor((rest - wave2_cost) / original_cost)
    wave3_cost = wave3_videos * original_cost
    unspent = budget - wave1_cost - wave2_cost - wave3_cost

    led.step("第一波（AI测品）：{products}个商品 × {scripts}种脚本 = {planned}条，预算够做{videos}条 × {cost} = {total}",
             "Wave 1 (AI tests): {products} products × {scripts} scripts = {planned} videos; the budget covers {videos} × {cost} = {total}",
             products=(products, "count"), scripts=(scripts, "count"), planned=(planned, "count"),
             videos=(wave1_videos, "count"), cost=(ai_cost, "money"), total=(wave1_cost, "money"))  # fmt: skip
    led.step("第二波（达人放量）：{winners}个跑出来的商品 × 最多{per}条 = {videos}条 × {cost} = {total}",
             "Wave 2 (creators scale winners): {winners} winning product(s) × {per} videos = {videos} × {cost} = {total}",
             winners=(winners, "count"), per=(per_winner, "count"), videos=(wave2_videos, "count"),
             cost=(creator_cost, "money"), total=(wave2_cost, "money"))  # fmt: skip
    led.step("第三波（自制原创）：剩余预算做{videos}条 × {cost} = {total}；未用{unspent}",
             "Wave 3 (own original content): the rest buys {videos} × {cost} = {total}; unspent {unspent}",
             videos=(wave3_videos, "count"), cost=(original_cost, "money"), total=(wave3_cost, "money"),
             unspent=(unspent, "money"))  # fmt: skip
    led.step("达人佣金从成交中支付，不占这笔预算", "Creator commission is paid out of sales, not from this budget")
    waves = {"w1": (wave1_cost / budget, "rate"), "w2": (wave2_cost / budget, "rate"), "w3": (wave3_cost / budget, "rate")}
    if wave1_videos < planned:
        headline = led.text("预算{budget}只够做{videos}/{planned}条AI测试视频：少测几个商品或脚本。",
                            "A {budget} budget covers only {videos} of the {planned} AI test videos: test fewer products or scripts.",
                            budget=(budget, "money"), videos=(wave1_videos, "count"), planned=(planned, "count"))  # fmt: skip
    else:
        headline = led.text("预算{budget}：AI测品{w1}，达人放量{w2}，自制原创{w3}。",
                            "Budget {budget}: AI tests {w1}, creators {w2}, own original content {w3}.",
                            budget=(budget, "money"), **waves)  # type: ignore[arg-type]  # fmt: skip
    figures = {
        "wave1_videos_planned": planned, "wave1_videos": wave1_videos, "wave1_cost": wave1_cost,
        "wave1_share": waves["w1"][0], "winners": winners, "wave2_videos": wave2_videos, "wave2_cost": wave2_cost,
        "wave2_share": waves["w2"][0], "wave3_videos": wave3_videos, "wave3_cost": wave3_cost,
        "wave3_share": waves["w3"][0], "unspent": unspent,
    }  # fmt: skip
    return led.result(
        figures, "wave 1 = products × scripts × AI cost; wave 2 = winners × videos per winner × creator cost "
        "(within what is left); wave 3 = rest ÷ original cost", headline,
    )  # fmt: skip


class UnitEconomicsInput(CalcInput):
    price: float = number_field("money", "售价", "price", "Selling price per order, e.g. 29.99.", gt=0, default=...)
    product_cost: float = number_field("money", "货本", "product cost", "Product cost (COGS) per order.", default=...)
    referral_fee_rate: float | None = number_field("rate", "平台佣金率", "referral fee rate",
                                              "TikTok Shop referral fee (0..1). Default 6% (US, official).")  # fmt: skip
    commission_rate: float | None = number_field("rate", "达人佣金率", "commission rate",
                                            "Affiliate commission on this order (0..1 or \"15%\"). Default 0 (own content).")  # fmt: skip
    shipping_cost: float | None = number_field("money", "运费", "shipping cost", "Shipping per order. Default 0 (stated).")
    ad_cost_per_order: float | None = number_field("money", "单均广告费", "ad cost per order",
                                              "Ad spend per order. Default: price ÷ roas when roas is given, else 0.")  # fmt: skip
    roas: float | None = number_field("plain", "投流ROAS", "ROAS", "Your ads' return on ad spend (GMV ÷ ad spend), "
                                      "e.g. 2.5: each order then carries price ÷ ROAS of ads.", gt=0)  # fmt: skip
    flat_fee: float | None = number_field("money", "坑位费", "flat fee", "A one-off fee to recoup (a creator's flat fee): "
                                          "gives the orders to break even.")  # fmt: skip
    samples_sent: float | None = number_field("count", "寄样数", "samples sent", "Samples sent (with sample_cost): a one-off cost too.")
    sample_cost: float | None = number_field("money", "每个样品成本", "cost per sample", "One sample's product plus shipping.")


def _one_off(led: Ledger) -> float | None:
    """The one-off costs to recoup (flat fee plus samples), with their line; None when there are none."""
    fee, sent, each = led.given("flat_fee") or 0.0, led.given("samples_sent"), led.given("sample_cost")
    samples = sent * each if sent and each else 0.0
    if not fee and not samples:
        return None
    if samples:
        led.step("一次性成本 = 坑位费{fee} + {sent} × 样品{each} = {total}", "one-off cost = flat fee {fee} + {sent} × sample {each} = {total}",
                 fee=(fee, "money"), sent=(sent, "count"), each=(each, "money"), total=(fee + samples, "money"))  # fmt: skip
    return fee + samples


def _ads_from_roas(led: Ledger, price: float, roas: float) -> float:
    ads = price / roas
    led.step("单均广告费 = {price} ÷ ROAS {roas} = {ads}", "ad cost per order = {price} / ROAS {roas} = {ads}",
             price=(price, "money"), roas=(roas, "plain"), ads=(ads, "money"))  # fmt: skip
    return ads


def unit_economics(args: UnitEconomicsInput, defaults: Defaults) -> CalcResult:
    """Profit per order = price − cost − shipping − fees − commission − ads; break-even ROAS."""
    led = Ledger("unit_economics", args, defaults)
    price, product_cost = led.given("price"), led.given("product_cost")
    fee_rate = led.use("referral_fee_rate", lambda: led.cite(
        "referral_fee_rate", REFERRAL_FEE, "referral_fee_rate", "rate",
        "美区平台佣金（官方）：{value}，按买家实付计", "US referral fee (official): {value} of what the customer pays"))  # fmt: skip
    commission_rate = led.use("commission_rate", lambda: led.state(
        "commission_rate", 0.0, "rate", "达人佣金按{value}计（自己发的内容）；达人带货的订单请填佣金率，常见10%-20%",
        "affiliate commission taken as {value} (your own content); for creator orders give the rate, typically 10%-20%"))  # fmt: skip
    shipping = led.use("shipping_cost", lambda: led.state("shipping_cost", 0.0, "money", "运费按{value}计，请填你的",
                                                          "shipping taken as {value}: add yours"))  # fmt: skip
    roas = led.given("roas")
    ads = led.use("ad_cost_per_order", lambda: _ads_from_roas(led, price, roas) if roas else led.state(
        "ad_cost_per_order", 0.0, "money", "广告费按{value}计（不投流）", "ad cost taken as {value} (no paid ads)"))  # fmt: skip
    fee, commission = price * fee_rate, price * commission_rate
    contribution = price - product_cost - shipping - fee - commission
    profit = contribution - ads
    margin = profit / price
    break_even_roas = ratio(price, contribution) if contribution > 0 else None
    led.step("平台佣金 = {price} × {rate} = {fee}；达人佣金 = {price} × {crate} = {commission}",
             "referral fee = {price} × {rate} = {fee}; commission = {price} × {crate} = {commission}",
             price=(price, "money"), rate=(fee_rate, "rate"), fee=(fee, "money"), crate=(commission_rate, "rate"),
             commission=(commission, "money"))  # fmt: skip
    led.step("广告前利润 = {price} − {cost} − {ship} − {fee} − {commission} = {contribution}",
             "profit before ads = {price} − {cost} − {ship} − {fee} − {commission} = {contribution}",
             price=(price, "money"), cost=(product_cost, "money"), ship=(shipping, "money"), fee=(fee, "money"),
             commission=(commission, "money"), contribution=(contribution, "money"))  # fmt: skip
    led.step("单均利润 = {contribution} − 广告 {ads} = {profit}（利润率{margin}）",
             "profit per order = {contribution} − ads {ads} = {profit} (margin {margin})",
             contribution=(contribution, "money"), ads=(ads, "money"), profit=(profit, "money"), margin=(margin, "rate"))  # fmt: skip
    if break_even_roas is None:
        headline = led.text("广告前每单就亏{loss}：任何ROAS都回不了本，先调价格或成本。",
                            "Each order loses {loss} before any ads: no ROAS breaks even; fix price or costs first.",
                            loss=(-contribution, "money"))  # fmt: skip
    else:
        led.step("保本ROAS = {price} ÷ {contribution} = {roas}", "break-even ROAS = {price} / {contribution} = {roas}",
                 price=(price, "money"), contribution=(contribution, "money"), roas=(break_even_roas, "plain"))  # fmt: skip
        if roas is not None:
            headline = led.text("ROAS {mine}时每单利润{profit}（利润率{margin}）；保本ROAS为{roas}。",
                                "At a ROAS of {mine} each order makes {profit} (margin {margin}); ads break even at {roas}.",
                                mine=(roas, "plain"), profit=(profit, "money"), margin=(margin, "rate"),
                                roas=(break_even_roas, "plain"))  # fmt: skip
        else:
            headline = led.text("每单利润{profit}（利润率{margin}）；投流保本ROAS为{roas}。",
                                "Profit per order {profit} (margin {margin}); ads break even at a ROAS of {roas}.",
                                profit=(profit, "money"), margin=(margin, "rate"), roas=(break_even_roas, "plain"))  # fmt: skip
    figures = {"referral_fee": fee, "commission": commission, "contribution_before_ads": contribution,
               "profit_per_order": profit, "margin": margin, "break_even_roas": break_even_roas,
               "roas": ratio(price, ads)}  # fmt: skip
    one_off = _one_off(led)
    if one_off is not None and profit > 0:
        orders = math.ceil(one_off / profit - 1e-9)
        figures |= {"one_off_cost": one_off, "break_even_orders": float(orders)}
        led.step("回本单数 = {cost} ÷ {profit} ≈ {orders}单（向上取整）", "orders to break even = {cost} / {profit} ≈ {orders} (rounded up)",
                 cost=(one_off, "money"), profit=(profit, "money"), orders=(orders, "count"))  # fmt: skip
        headline = led.text("要出{orders}单才回本：一次性成本{cost} ÷ 每单利润{profit}。",
                            "{orders} orders to break even: {cost} of one-off costs / {profit} profit per order.",
                            orders=(orders, "count"), cost=(one_off, "money"), profit=(profit, "money"))  # fmt: skip
    elif one_off is not None:
        headline = led.text("每单不赚钱（{profit}），一次性成本{cost}怎么卖都回不了本。",
                            "Each order makes {profit}: the {cost} of one-off costs never comes back.",
                            profit=(profit, "money"), cost=(one_off, "money"))  # fmt: skip
    return led.result(
        figures, "profit = price − product cost − shipping − price × (referral fee + commission) − ad cost; "
        "break-even ROAS = price / profit before ads; orders to break even = one-off costs / profit per order", headline,
    )  # fmt: skip


class GrowthRateInput(CalcInput):
    start_value: float | None = number_field("plain", "起始值", "start value", "Sales, GMV or views at the start of the period.")
    end_value: float | None = number_field("plain", "结束值", "end value", "The same measure at the end of the period.")
    days: int | None = number_field("days", "天数", "days", "Length of the period in days. Default 7 (or the series length − 1).", ge=1)
    series: list[float] | None = Field(
        None, min_length=2, max_length=3661, description="Daily values, oldest first, instead of start/end.",
        json_schema_extra={"kind": "series", "label": {"zh": "每日数据", "en": "daily series"}},
    )  # fmt: skip

    @model_validator(mode="after")
    def _one_way(self) -> GrowthRateInput:
        pair = self.start_value is not None and self.end_value is not None
        if pair == (self.series is not None) or (not pair and (self.start_value, self.end_value) != (None, None)):
            raise custom_error("tk_growth_inputs", "give start_value and end_value, or a series",
                          "请给出起始值和结束值，或者一组每日数据", fields=["start_value", "end_value", "series"])  # fmt: skip
        if self.series is not None and any(v < 0 or v > UPPER_BOUNDS["series"] for v in self.series):
            raise custom_error("tk_series_range", "values must be between 0 and 1e12", "每个数都必须在0到1e12之间",
                          fields=["series"])  # fmt: skip
        return self


def _growth_days(led: Ledger, series: list[float] | None) -> float:
    """The series' length, else the article's 7-day window (cited when the entry has it)."""
    if series:
        return led.state("days", float(len(series) - 1), "days", "按数据的{value}天计算", "period taken as the series' {value} days")
    if led.defaults.has(GROWTH_WINDOW, "growth_window_days"):
        return led.cite("days", GROWTH_WINDOW, "growth_window_days", "days", "文章建议看{value}天的增长",
                        "the article suggests watching {value}-day growth")  # fmt: skip
    return led.state("days", 7.0, "days", "按{value}天计算", "period taken as {value} days")


def growth_rate(args: GrowthRateInput, defaults: Defaults) -> CalcResult:
    """Growth over n days: total, compound daily rate and change per day."""
    led = Ledger("growth_rate", args, defaults)
    series = led.given("series")
    start = series[0] if series else led.given("start_value")
    end = series[-1] if series else led.given("end_value")
    days = int(led.use("days", lambda: _growth_days(led, series)))
    change = end - start
    growth = ratio(change, start)
    daily = (end / start) ** (1 / days) - 1 if start > 0 else None
    led.step("变化 = {end} − {start} = {change}；日均 {per_day}", "change = {end} − {start} = {change}; {per_day} a day",
             end=(end, "plain"), start=(start, "plain"), change=(change, "plain"), per_day=(change / days, "plain"))  # fmt: skip
    if growth is None or daily is None:
        headline = led.text("{days}天从0涨到{end}：起点为0，算不出增长率。",
                            "From 0 to {end} in {days} days: growth rate is undefined from a zero start.",
                            days=(days, "days"), end=(end, "plain"))  # fmt: skip
    else:
        led.step("增长率 = {change} ÷ {start} = {growth}；复合日增长 = ({end} ÷ {start})^(1/{days}) − 1 = {daily}",
                 "growth = {change} / {start} = {growth}; compound daily = ({end} / {start})^(1/{days}) − 1 = {daily}",
                 change=(change, "plain"), start=(start, "plain"), growth=(growth, "rate"), end=(end, "plain"),
                 days=(days, "days"), daily=(daily, "rate"))  # fmt: skip
        headline = led.text("{days}天从{start}到{end}：增长{growth}，约每天{daily}。",
                            "From {start} to {end} in {days} days: {growth} growth, about {daily} a day.",
                            days=(days, "days"), start=(start, "plain"), end=(end, "plain"), growth=(growth, "rate"),
                            daily=(daily, "rate"))  # fmt: skip
    figures = {"change": change, "change_per_day": change / days, "growth": growth, "daily_growth": daily}
    return led.result(figures, "growth = (end − start) / start; daily = (end / start)^(1/days) − 1", headline)


class CreatorCollabInput(CalcInput):
    flat_fee: float | None = number_field("money", "达人固定费用", "flat fee", "Creator's flat fee. Default: typical UGC price (~$200).")
    commission_rate: float | None = number_field("rate", "达人佣金率", "commission rate",
                                            "Commission on the GMV (0..1 or \"15%\"). Default 15% (typical 10-20%).")  # fmt: skip
    sample_cost: float | None = number_field("money", "样品成本", "sample cost", "Samples sent (product cost + shipping). Default 0 (stated).")
    expected_views: float | None = number_field("count", "预计播放量", "expected views", "Views the creator's video is expected to get. Default 10,000 (stated).")
    gpm: float | None = number_field("gpm", "GPM", "GPM", "GPM of the creator's video. Default 100 (article: good originals 100+).")
    margin: float | None = number_field("rate", "毛利率", "margin",
                                   "Your margin on GMV after product cost, platform fee and shipping, before commission. Default 30% (stated).")  # fmt: skip
    price: float | None = number_field("money", "客单价", "price", "Average order value, for the profit per order.")


def creator_collab_return(args: CreatorCollabInput, defaults: Defaults) -> CalcResult:
    """Profit = GMV × (margin − commission) − fee − samples; break-even views."""
    led = Ledger("creator_collab_return", args, defaults)
    fee = led.use("flat_fee", lambda: _creator_fee(led, "flat_fee"))
    commission_rate = led.use("commission_rate", lambda: _commission(led, "commission_rate"))
    samples = led.use("sample_cost", lambda: led.state("sample_cost", 0.0, "money", "样品成本按{value}计，请加上货本+运费",
                                                       "sample cost taken as {value}: add product cost + shipping"))  # fmt: skip
    views = led.use("expected_views", lambda: _views_per_video(led, "expected_views"))
    gpm = led.use("gpm", lambda: _original_gpm(led, "gpm"))
    margin = led.use("margin", lambda: _margin(led, "margin"))
    gmv = views * gpm / PER_THOUSAND
    commission = gmv * commission_rate
    gross = gmv * margin
    fixed = fee + samples
    profit = gross - commission - fixed
    unit = gpm / PER_THOUSAND * (margin - commission_rate)
    break_even_views = fixed / unit if unit > 0 else None
    led.step("GMV = {views} × {gpm} ÷ 1,000 = {gmv}", "GMV = {views} × {gpm} / 1,000 = {gmv}",
             views=(views, "count"), gpm=(gpm, "gpm"), gmv=(gmv, "money"))  # fmt: skip
    led.step("利润 = {gmv} × ({margin} − {rate}) − 固定费用 {fee} − 样品 {samples} = {profit}",
             "profit = {gmv} × ({margin} − {rate}) − fee {fee} − samples {samples} = {profit}",
             gmv=(gmv, "money"), margin=(margin, "rate"), rate=(commission_rate, "rate"), fee=(fee, "money"),
             samples=(samples, "money"), profit=(profit, "money"))  # fmt: skip
    price = led.given("price")
    per_order = price * (margin - commission_rate) if price is not None else None
    if per_order is not None:
        led.step("每单利润 = {price} × ({margin} − {rate}) = {profit}", "profit per order = {price} × ({margin} − {rate}) = {profit}",
                 price=(price, "money"), margin=(margin, "rate"), rate=(commission_rate, "rate"), profit=(per_order, "money"))  # fmt: skip
    if fixed == 0 and unit > 0:
        headline = led.text("没有坑位费就没有要回的本：佣金{rate}低于毛利率{margin}，每卖一单都赚{each}。",
                            "With no flat fee there is nothing to earn back: commission {rate} is below your {margin} margin, "
                            "so every sale earns {each}.",
                            rate=(commission_rate, "rate"), margin=(margin, "rate"),
                            each={"zh": show(per_order, "money", "zh", args.currency) if per_order is not None else "钱",
                                  "en": show(per_order, "money", "en", args.currency) if per_order is not None else "money"})  # fmt: skip
    elif break_even_views is None:
        headline = led.text("佣金{rate}不低于毛利率{margin}：每多卖一单都更亏，这次合作预计利润{profit}。",
                            "Commission {rate} is at or above your {margin} margin: every sale loses money; expected result {profit}.",
                            rate=(commission_rate, "rate"), margin=(margin, "rate"), profit=(profit, "money"))  # fmt: skip
    else:
        led.step("保本播放量 = ({fee} + {samples}) × 1,000 ÷ ({gpm} × ({margin} − {rate})) = {views}",
                 "break-even views = ({fee} + {samples}) × 1,000 / ({gpm} × ({margin} − {rate})) = {views}",
                 fee=(fee, "money"), samples=(samples, "money"), gpm=(gpm, "gpm"), margin=(margin, "rate"),
                 rate=(commission_rate, "rate"), views=(break_even_views, "count"))  # fmt: skip
        headline = led.text("保本需要约{be}次播放；按{views}次播放算，这次合作利润{profit}。",
                            "It breaks even at about {be} views; at {views} views the collaboration makes {profit}.",
                            views=(views, "count"), profit=(profit, "money"), be=(break_even_views, "count"))  # fmt: skip
    figures = {"gmv": gmv, "commission": commission, "gross_profit": gross, "profit": profit,
               "break_even_views": break_even_views, "roi": ratio(profit, fixed), "profit_per_order": per_order}  # fmt: skip
    last = {lang: led.steps[lang][-1] for lang in LANGS}
    return led.result(
        figures, "profit = views × GPM / 1000 × (margin − commission) − flat fee − samples; "
        "break-even views = (fee + samples) × 1000 / (GPM × (margin − commission))", headline, worked=last,
    )  # fmt: skip


