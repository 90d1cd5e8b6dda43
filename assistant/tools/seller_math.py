"""Calculators for the sums sellers ask with their own results: GPM from sales, totals over many
videos, the change between two periods, expected loss from throttling, blended GPM, per-dollar
returns, profit per order and how many videos a budget buys. Each returns `worked` (the seller's numbers in one line) and,
where a cited range exists, a `verdict` placing the seller's figure against it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from assistant.tools.calc_base import CalcInput, CalcResult, CalculatorInputError, Defaults, Ledger, NumberKind, Text, number_field

GPM_CLAIM = "gpm-aigc-vs-original"
PER_THOUSAND = 1000.0
Subject = Literal["ai", "creator", "original"]
_SUBJECT_FIELD = Field(None, description="Whose videos: 'ai', 'creator' or 'original' (decides the range compared with).",
                       json_schema_extra={"label": {"zh": "内容类型", "en": "content type"}})  # fmt: skip


def _need(*problems: tuple[str, str, str]) -> None:
    raise CalculatorInputError([(name, {"zh": zh, "en": en}) for name, zh, en in problems])


def _views(led: Ledger) -> tuple[float, Text | None]:
    """Total views: given, or views per video × videos (× days when the seller posts that many a day),
    with the multiplication as a line for the worked numbers (None when the total was given)."""
    total = led.given("views") if "views" in type(led.args).model_fields else None
    if total is not None:
        return total, None
    per, videos, days = led.given("views_per_video"), led.given("videos"), led.given("days")
    if per is None or videos is None:
        _need(("views", "需要总播放量，或每条平均播放和条数", "needs total views, or views per video and the number of videos"))
    total = per * videos * (days or 1)
    if days:
        line = led.text("播放 = {per} × {videos}条 × {days}天 = {total}", "views = {per} × {videos} videos × {days} days = {total}",
                        per=(per, "count"), videos=(videos, "count"), days=(days, "days"), total=(total, "count"))
    else:
        line = led.text("播放 = {per} × {videos}条 = {total}", "views = {per} × {videos} videos = {total}",
                        per=(per, "count"), videos=(videos, "count"), total=(total, "count"))
    led.step(line["zh"], line["en"])
    return total, line


def joined(lines: list[Text | None]) -> Text:
    """Worked lines given, one after another (`；` in Chinese)."""
    shown = [line for line in lines if line]
    return {"zh": "；".join(line["zh"] for line in shown), "en": "; ".join(line["en"] for line in shown)}


_NOT_COMPARABLE: Text = {"zh": "没法直接比", "en": "Not comparable"}


def _apart(led: Ledger, currency: str, basis: str | None, low: bool) -> Text | None:
    """Why a GPM cannot be set against the article's figures (US dollars per 1,000 impressions), if it cannot.
    Views are never more than impressions, so a GPM per view below the range is below it per impression too."""
    article = str(led.lookup("gpm_basis", GPM_CLAIM, "gpm_denominator", numeric=False))
    if currency != "USD":
        return led.text("文章的GPM（好的AI视频10-16，优质原创100以上）是美区的美元数字，按千次曝光算；你的是{currency}，要按汇率换成美元再比（匿名内部人士说法，未经证实）。",
                        "The article's GPMs (10-16 for good AI videos, 100+ for good originals) are US dollars per 1,000 impressions; "
                        "yours is in {currency}: convert it to dollars before comparing (insider claim, unverified).",
                        currency={"zh": currency, "en": currency})
    if basis is not None and basis != article and not low:
        return led.text("文章的GPM（好的AI视频10-16，优质原创100以上）按千次曝光算；你的是按播放算，播放比曝光少，算出来会偏高：拿后台按曝光算的GPM来比（匿名内部人士说法，未经证实）。",
                        "The article's GPMs (10-16 for good AI videos, 100+ for good originals) are per 1,000 impressions; yours is per "
                        "1,000 views, which are fewer, so it reads higher: compare your GPM per impressions instead (insider claim, unverified).")
    return None


def _gpm_verdict(led: Ledger, gpm: float, subject: str | None, currency: str = "USD", basis: str | None = None) -> dict[str, Any]:
    """Where a GPM sits: against the article's 10-16 for good AI videos, or its 100+ for good originals; when
    its currency or basis differs from the article's, that it cannot be compared and why."""
    good = led.lookup("gpm", GPM_CLAIM, "original_gpm_good")
    low, high = led.lookup("gpm", GPM_CLAIM, "aigc_gpm_low"), led.lookup("gpm", GPM_CLAIM, "aigc_gpm_high")
    apart = _apart(led, currency, basis, gpm < (good if subject in ("creator", "original") else low))
    if apart is not None:
        return {**_NOT_COMPARABLE, "compared": apart}
    if subject in ("creator", "original"):
        word = {"zh": "偏低", "en": "Low"} if gpm < good else {"zh": "很好", "en": "Strong"}
        compared = led.text("文章里优质原创视频的GPM是{good}以上（匿名内部人士说法，未经证实）。",
                            "Good original videos reach a GPM of {good}+ in the article (insider claim, unverified).",
                            good=(good, "gpm"))
        return {**word, "compared": compared}
    if gpm < low:
        word = {"zh": "偏低", "en": "Low"}
    elif gpm <= high:
        word = {"zh": "正常", "en": "Normal"}
    else:
        word = {"zh": "偏高", "en": "High"}
    compared = led.text("文章里“较好的AI视频”GPM约{low}-{high}，优质原创100以上（匿名内部人士说法，未经证实）。",
                        "The article puts good AI videos at a GPM of {low}-{high} and good originals at 100+ "
                        "(insider claim, unverified).", low=(low, "gpm"), high=(high, "gpm"))
    return {**word, "compared": compared}


_COUNTED_AS: dict[str, Text] = {"impressions": {"zh": "曝光", "en": "impressions"}, "views": {"zh": "播放", "en": "views"}}
"""The seller's word for what a GPM is counted on."""

WHOSE: dict[str, Text] = {
    "ai": {"zh": "你的AI视频", "en": "Your AI videos'"},
    "creator": {"zh": "你的达人视频", "en": "Your creator videos'"},
    "original": {"zh": "你的原创视频", "en": "Your original videos'"},
}


class GpmFromSalesInput(CalcInput):
    gmv: float | None = number_field("money", "成交额GMV", "GMV", "Sales in total, e.g. 900 or \"$900\".")
    orders: float | None = number_field("count", "订单数", "orders", "Orders in total (with price instead of gmv).")
    price: float | None = number_field("money", "客单价", "price", "Average order value (with orders).")
    views: float | None = number_field("count", "总播放/曝光", "views", "Views or impressions in total.")
    views_per_video: float | None = number_field("count", "每条播放", "views per video", "Average views per video.")
    videos: float | None = number_field("count", "视频条数", "videos", "Number of videos (with views_per_video).", le=1e6)
    days: float | None = number_field("days", "天数", "days", "Days, when videos is per day.")
    gpm: float | None = number_field("gpm", "GPM", "GPM", "The GPM itself, when the seller states it (to place it "
                                     "against the range instead of computing it).", gt=0)
    subject: Subject | None = _SUBJECT_FIELD
    label: str | None = Field(None, max_length=24, description="The seller's name for this video, e.g. \"视频A\" (when comparing).")
    gpm_basis: Literal["impressions", "views"] | None = Field(
        None, description="What the views are: 'impressions' (the article's GPM basis) or 'views' (plays, LIVE Watch GPM).",
        json_schema_extra={"label": {"zh": "GPM口径", "en": "GPM basis"}})  # fmt: skip


def _stated_gpm(led: Ledger, gpm: float, args: GpmFromSalesInput) -> CalcResult:
    """A GPM the seller gave, placed against the cited range."""
    subject = args.subject
    whose = WHOSE.get(subject or "", {"zh": "你的", "en": "Your"})
    headline = led.text("{whose}GPM是{gpm}（你给的）。", "{whose} GPM is {gpm} (as you gave it).", whose=whose, gpm=(gpm, "gpm"))
    verdict = _gpm_verdict(led, gpm, subject, args.currency, args.gpm_basis)
    return led.result({"gpm": gpm}, "GPM = GMV / views × 1000", headline, verdict=verdict, cited=(GPM_CLAIM,))


def gpm_from_sales(args: GpmFromSalesInput, defaults: Defaults) -> CalcResult:
    """GPM = GMV ÷ views × 1000, with GMV = orders × price when given so; placed against the cited ranges."""
    led = Ledger("gpm_from_sales", args, defaults)
    led.inputs.update({k: v for k, v in (("subject", args.subject), ("label", args.label)) if v})
    stated = led.given("gpm")
    if stated is not None and args.gmv is None and args.orders is None:
        return _stated_gpm(led, stated, args)
    led.inputs.update({"gpm_basis": args.gpm_basis} if args.gpm_basis else {})
    gmv, orders, price = led.given("gmv"), led.given("orders"), led.given("price")
    sales: Text | None = None
    if gmv is None:
        if orders is None or price is None:
            _need(("gmv", "需要成交额，或订单数和客单价", "needs GMV, or orders and price"))
        gmv = orders * price
        sales = led.text("GMV = {orders}单 × {price} = {gmv}", "GMV = {orders} orders × {price} = {gmv}",
                         gmv=(gmv, "money"), orders=(orders, "count"), price=(price, "money"))
        led.step(sales["zh"], sales["en"])
    views, counted = _views(led)
    if views <= 0:
        _need(("views", "播放量要大于0", "views must be above 0"))
    gpm = gmv / views * PER_THOUSAND
    line = led.text("GPM = {gmv} ÷ {views} × 1,000 = {gpm}", "GPM = {gmv} / {views} × 1,000 = {gpm}",
                    gmv=(gmv, "money"), views=(views, "count"), gpm=(gpm, "gpm"))
    led.step(line["zh"], line["en"])
    verdict = _gpm_verdict(led, gpm, args.subject, args.currency, args.gpm_basis)
    whose = WHOSE.get(args.subject or "", {"zh": "你的", "en": "Your"})
    counted_as = _COUNTED_AS[args.gpm_basis or "views"]
    headline = led.text("{whose}GPM约{gpm}（{gmv}成交 ÷ {views}次" + counted_as["zh"] + " × 1,000）。",
                        "{whose} GPM is about {gpm} ({gmv} of GMV on {views} " + counted_as["en"] + ").",
                        whose=whose, gpm=(gpm, "gpm"), gmv=(gmv, "money"), views=(views, "count"))
    return led.result({"gpm": gpm, "gmv": gmv, "views": views}, "GPM = GMV / views × 1000", headline,
                      worked=joined([sales, counted, line]), verdict=verdict, cited=(GPM_CLAIM,))


class TotalGmvInput(CalcInput):
    views_per_video: float = number_field("count", "每条播放", "views per video", "Average views per video.", default=...)
    videos: float = number_field("count", "视频条数", "videos", "Number of videos (per day when days is given).", le=1e6, default=...)
    gpm: float = number_field("gpm", "GPM", "GPM", "GMV per 1,000 views.", default=...)
    days: float | None = number_field("days", "天数", "days", "Days, when videos is a number per day (a month: 30).")
    cost_per_video: float | None = number_field("money", "每条成本", "cost per video", "What one video costs.")


def total_gmv(args: TotalGmvInput, defaults: Defaults) -> CalcResult:
    """GMV of many videos: views per video × videos (× days) × GPM ÷ 1000; with a cost per video, GMV per dollar."""
    led = Ledger("total_gmv", args, defaults)
    gpm = led.given("gpm")
    views, counted = _views(led)
    gmv = views * gpm / PER_THOUSAND
    second = led.text("GMV = {views} × GPM {gpm} ÷ 1,000 = {gmv}", "GMV = {views} × GPM {gpm} / 1,000 = {gmv}",
                      views=(views, "count"), gpm=(gpm, "gpm"), gmv=(gmv, "money"))
    led.step(second["zh"], second["en"])
    figures: dict[str, float | None] = {"views": views, "gmv": gmv}
    headline = led.text("一共约{views}次播放，按GPM {gpm}能卖约{gmv}。", "That is about {views} views, selling about {gmv} at GPM {gpm}.",
                        views=(views, "count"), gpm=(gpm, "gpm"), gmv=(gmv, "money"))
    cost = led.given("cost_per_video")
    if cost is not None:
        videos = args.videos * (args.days or 1)
        spend = cost * videos
        figures.update(cost=spend, gmv_per_cost=gmv / spend if spend else None)
        line = led.text("成本 = {cost} × {videos}条 = {spend}", "cost = {cost} × {videos} videos = {spend}",
                        cost=(cost, "money"), videos=(videos, "count"), spend=(spend, "money"))
        led.step(line["zh"], line["en"])
        more = led.text("成本{spend}，每1美元成本带来{per}的GMV。", "They cost {spend}: {per} of GMV per dollar.",
                        spend=(spend, "money"), per=(gmv / spend if spend else 0.0, "plain"))
        headline = {lang: headline[lang] + ("" if lang == "zh" else " ") + more[lang] for lang in headline}
    return led.result(figures, "GMV = views per video × videos × GPM / 1000", headline, worked=joined([counted, second]))


class PeriodChangeInput(CalcInput):
    before: float = number_field("money", "之前", "before", "The earlier period's figure.", gt=0, default=...)
    after: float = number_field("money", "之后", "after", "The later period's figure.", default=...)


def period_change(args: PeriodChangeInput, defaults: Defaults) -> CalcResult:
    """Change = after − before, and as a share of before."""
    led = Ledger("period_change", args, defaults)
    before, after = led.given("before"), led.given("after")
    change = after - before
    share = change / before
    kind: NumberKind = "money" if "currency" in args.model_fields_set else "plain"  # views and orders are no dollars
    line = led.text("{after} − {before} = {change}（{share}）", "{after} − {before} = {change} ({share})",
                    after=(after, kind), before=(before, kind), change=(change, kind), share=(share, "rate"))
    led.step(line["zh"], line["en"])
    word: Text = {"zh": "下降", "en": "Down"} if change < 0 else {"zh": "增长", "en": "Up"}
    headline = led.text("{word}了{amount}，变化{share}。", "{word} {amount}, a change of {share}.",
                        word=word, amount=(abs(change), kind), share=(share, "rate"))
    return led.result({"change": change, "change_rate": share}, "change = after − before; rate = change / before",
                      headline, worked=line)


class ExpectedLossInput(CalcInput):
    probability: float = number_field("rate", "被限流的概率", "probability", "Chance it happens (0..1 or \"30%\").", le=1, default=...)
    share_cut: float = number_field("rate", "GMV被砍掉的比例", "share cut", "Share of GMV lost while it lasts.", le=1, default=...)
    monthly_gmv: float = number_field("money", "月GMV", "monthly GMV", "GMV per month now.", default=...)
    months: float | None = number_field("plain", "持续月数", "months", "How long it lasts, in months. Default 1.")


def expected_loss(args: ExpectedLossInput, defaults: Defaults) -> CalcResult:
    """Expected GMV lost = probability × share cut × monthly GMV × months; and the loss if it happens."""
    led = Ledger("expected_loss", args, defaults)
    p, cut, gmv = led.given("probability"), led.given("share_cut"), led.given("monthly_gmv")
    months = led.use("months", lambda: led.state("months", 1.0, "plain", "持续时间按{value}个月计", "duration taken as {value} month"))
    if_hit = cut * gmv * months
    expected = p * if_hit
    line = led.text("{p} × {cut} × {gmv} × {months}个月 = {loss}", "{p} × {cut} × {gmv} × {months} months = {loss}",
                    p=(p, "rate"), cut=(cut, "rate"), gmv=(gmv, "money"), months=(months, "plain"), loss=(expected, "money"))
    led.step(line["zh"], line["en"])
    headline = led.text("平均预期损失约{loss}的GMV；真被限流的话会少{hit}。",
                        "Expected GMV lost is about {loss}; if it happens, you lose {hit}.",
                        loss=(expected, "money"), hit=(if_hit, "money"))
    return led.result({"expected_loss": expected, "loss_if_hit": if_hit},
                      "expected loss = probability × share cut × monthly GMV × months", headline, worked=line)


class BlendedGpmInput(CalcInput):
    ai_share: float = number_field("rate", "AI视频播放占比", "AI share of views", "Share of views from AI videos.", le=1, default=...)
    ai_gpm: float = number_field("gpm", "AI视频GPM", "AI GPM", "GPM of the AI videos.", default=...)
    other_gpm: float = number_field("gpm", "其他视频GPM", "other GPM", "GPM of the other (creator/original) videos.", default=...)
    target_gmv: float | None = number_field("money", "目标GMV", "target GMV", "GMV wanted, to get the views needed.")


def blended_gpm(args: BlendedGpmInput, defaults: Defaults) -> CalcResult:
    """Blended GPM = s × GPM_ai + (1 − s) × GPM_other; views for a target = target × 1000 ÷ blend."""
    led = Ledger("blended_gpm", args, defaults)
    s, ai, other = led.given("ai_share"), led.given("ai_gpm"), led.given("other_gpm")
    blend = s * ai + (1 - s) * other
    line = led.text("{s} × {ai} + {rest} × {other} = {blend}", "{s} × {ai} + {rest} × {other} = {blend}",
                    s=(s, "rate"), ai=(ai, "gpm"), rest=(1 - s, "rate"), other=(other, "gpm"), blend=(blend, "gpm"))
    led.step(line["zh"], line["en"])
    figures: dict[str, float | None] = {"blended_gpm": blend}
    headline = led.text("混合GPM约{blend}。", "The blended GPM is about {blend}.", blend=(blend, "gpm"))
    target = led.given("target_gmv")
    if target is not None and blend > 0:
        views = target * PER_THOUSAND / blend
        figures["views_needed"] = views
        more = led.text("要做到{target}需要约{views}次播放（{target} × 1,000 ÷ {blend}）。",
                        "{target} of GMV takes about {views} views ({target} × 1,000 / {blend}).",
                        target=(target, "money"), views=(views, "count"), blend=(blend, "gpm"))
        led.step(more["zh"], more["en"])
        headline = {lang: headline[lang] + (" " if lang == "en" else "") + more[lang] for lang in headline}
    return led.result(figures, "blended GPM = share × GPM_ai + (1 − share) × GPM_other", headline, worked=line)


class VideosForBudgetInput(CalcInput):
    budget: float = number_field("money", "预算", "budget", "Money to spend.", default=...)
    ai_cost_per_video: float | None = number_field("money", "AI视频单条成本", "AI cost per video", "One AI video's cost.", gt=0)
    creator_cost_per_video: float | None = number_field("money", "达人视频单条费用", "creator fee per video", "One creator video's fee.", gt=0)

    @model_validator(mode="after")
    def _one_cost(self) -> VideosForBudgetInput:
        if self.ai_cost_per_video is None and self.creator_cost_per_video is None:
            raise ValueError("give ai_cost_per_video or creator_cost_per_video")
        return self


def videos_for_budget(args: VideosForBudgetInput, defaults: Defaults) -> CalcResult:
    """Videos a budget buys = budget ÷ cost per video, for each option given."""
    led = Ledger("videos_for_budget", args, defaults)
    budget = led.given("budget")
    lines: dict[str, list[str]] = {"zh": [], "en": []}
    figures: dict[str, float | None] = {}
    for name, key, zh, en in (("ai_cost_per_video", "ai_videos", "AI视频", "AI videos"),
                              ("creator_cost_per_video", "creator_videos", "达人视频", "creator videos")):
        cost = led.given(name)
        if cost is None:
            continue
        count = budget // cost
        figures[key] = count
        line = led.text(f"{{n}}条{zh}（{{budget}} ÷ {{cost}}）", f"{{n}} {en} ({{budget}} / {{cost}})",
                        n=(count, "count"), budget=(budget, "money"), cost=(cost, "money"))
        led.step(line["zh"], line["en"])
        for lang in lines:
            lines[lang].append(line[lang])
    headline = {"zh": f"{led.text('{b}', '{b}', b=(budget, 'money'))['zh']}能买" + "，或".join(lines["zh"]) + "。",
                "en": f"{led.text('{b}', '{b}', b=(budget, 'money'))['en']} buys " + ", or ".join(lines["en"]) + "."}
    return led.result(figures, "videos = budget / cost per video (whole videos)", headline)


class ComparePerDollarInput(CalcInput):
    ai_cost_per_video: float = number_field("money", "AI视频单条成本", "AI cost per video", "One AI video's cost.", gt=0, default=...)
    ai_views: float = number_field("count", "AI视频单条播放", "AI views per video", "Views of one AI video.", default=...)
    ai_gpm: float = number_field("gpm", "AI视频GPM", "AI GPM", "GPM of the AI videos.", default=...)
    creator_cost_per_video: float = number_field("money", "达人单条费用", "creator fee per video", "One creator video's fee.", gt=0, default=...)
    creator_views: float = number_field("count", "达人单条播放", "creator views per video", "Views of one creator video.", default=...)
    creator_gpm: float = number_field("gpm", "达人GPM", "creator GPM", "GPM of the creator videos.", default=...)
    budget: float | None = number_field("money", "预算", "budget", "Money to put into one of them.")


def compare_per_dollar(args: ComparePerDollarInput, defaults: Defaults) -> CalcResult:
    """GMV per video = views × GPM ÷ 1000 and per dollar = that ÷ cost, for AI and creator videos; the
    winner is the one with more GMV per dollar; with a budget, the videos and GMV it buys in each."""
    led = Ledger("compare_per_dollar", args, defaults)
    options = {}
    lines: list[Text] = []
    for key, zh, en in (("ai", "AI视频", "AI"), ("creator", "达人视频", "Creator")):
        cost, views, gpm = led.given(f"{key}_cost_per_video"), led.given(f"{key}_views"), led.given(f"{key}_gpm")
        gmv = views * gpm / PER_THOUSAND
        per_dollar = gmv / cost
        options[key] = (gmv, per_dollar, cost)
        line = led.text(f"{zh}：{{views}} × {{gpm}} ÷ 1,000 = {{gmv}}，{{gmv}} ÷ {{cost}} = 每1美元{{pd}}",
                        f"{en}: {{views}} × {{gpm}} / 1,000 = {{gmv}} per video, {{gmv}} / {{cost}} = {{pd}} per $",
                        views=(views, "count"), gpm=(gpm, "gpm"), gmv=(gmv, "money"), cost=(cost, "money"), pd=(per_dollar, "plain"))
        led.step(line["zh"], line["en"])
        lines.append(line)
    winner = max(options, key=lambda k: options[k][1])
    loser = "creator" if winner == "ai" else "ai"
    names = {"ai": {"zh": "AI视频", "en": "AI videos"}, "creator": {"zh": "达人视频", "en": "Creators"}}
    headline = led.text("{win}更划算：每1美元带来{a}的GMV，{lose}是{b}。", "{win}: {a} of GMV per dollar, against {b} for {lose}.",
                        win=names[winner], lose={"zh": names[loser]["zh"], "en": names[loser]["en"].lower()},
                        a=(options[winner][1], "plain"), b=(options[loser][1], "plain"))
    figures: dict[str, float | None] = {f"{k}_gmv_per_dollar": v[1] for k, v in options.items()}
    budget = led.given("budget")
    if budget is not None:
        for key, (gmv, _, cost) in options.items():
            videos = budget // cost
            figures[f"{key}_videos"], figures[f"{key}_gmv"] = videos, videos * gmv
        more = led.text("{budget}能买{cw}条达人视频（约{cg}的GMV）或{aw}条AI视频（约{ag}）。",
                        "{budget} buys {cw} creator videos (about {cg} of GMV) or {aw} AI videos (about {ag}).",
                        budget=(budget, "money"), cw=(figures["creator_videos"], "count"), cg=(figures["creator_gmv"], "money"),
                        aw=(figures["ai_videos"], "count"), ag=(figures["ai_gmv"], "money"))
        led.step(more["zh"], more["en"])
        headline = {lang: headline[lang] + (" " if lang == "en" else "") + more[lang] for lang in headline}
    return led.result(figures, "GMV per $ = views × GPM / 1000 / cost per video", headline, worked=joined(lines))


class OrderProfitInput(CalcInput):
    margin: float = number_field("rate", "毛利率", "margin", "Margin on the price before commission and ads.", le=1, default=...)
    price: float | None = number_field("money", "售价/客单价", "price", "Price of one order.")
    commission_rate: float | None = number_field("rate", "佣金率", "commission rate", "Creator commission on the price.", le=1)
    ad_cost_per_order: float | None = number_field("money", "每单广告费", "ad cost per order", "Ad spend per order.")


def order_profit(args: OrderProfitInput, defaults: Defaults) -> CalcResult:
    """Profit per order = price × (margin − commission) − ads per order; break-even ROAS = 1 ÷ (margin − commission)."""
    led = Ledger("order_profit", args, defaults)
    margin, price = led.given("margin"), led.given("price")
    rate = led.given("commission_rate") or 0.0
    ads = led.given("ad_cost_per_order") or 0.0
    left = margin - rate
    figures: dict[str, float | None] = {"margin_after_commission": left}
    lines: list[Text] = []
    if left > 0:
        even = 1 / left
        figures["break_even_roas"] = even
        lines.append(led.text("保本ROAS = 1 ÷ ({m} − {c}) = {even}", "break-even ROAS = 1 / ({m} − {c}) = {even}",
                              m=(margin, "rate"), c=(rate, "rate"), even=(even, "plain")))
    if price is not None:
        profit = price * left - ads
        figures["profit_per_order"] = profit
        lines.insert(0, led.text("每单利润 = {p} × ({m} − {c}) − {ads} = {profit}", "profit per order = {p} × ({m} − {c}) − {ads} = {profit}",
                                 p=(price, "money"), m=(margin, "rate"), c=(rate, "rate"), ads=(ads, "money"), profit=(profit, "money")))
        headline = led.text("每单赚约{profit}。", "Each order earns about {profit}.", profit=(profit, "money"))
    elif left > 0:
        headline = led.text("ROAS要到{even}以上才不亏（1 ÷ 扣掉佣金后的毛利率{left}）。",
                            "ROAS must beat {even} to make money (1 / your margin after commission, {left}).",
                            even=(figures["break_even_roas"], "plain"), left=(left, "rate"))
    else:
        headline = led.text("佣金{c}不低于毛利率{m}：每卖一单都亏。", "Commission {c} is at or above your {m} margin: every sale loses money.",
                            c=(rate, "rate"), m=(margin, "rate"))
    for line in lines:
        led.step(line["zh"], line["en"])
    if price is not None and left > 0:
        headline = {lang: headline[lang] + ("" if lang == "zh" else " ") + led.text(
            "保本ROAS {even}。", "Break-even ROAS {even}.", even=(figures["break_even_roas"], "plain"))[lang] for lang in headline}
    return led.result(figures, "profit per order = price × (margin − commission) − ads; break-even ROAS = 1 / (margin − commission)",
                      headline, worked=joined(lines) if lines else None)
