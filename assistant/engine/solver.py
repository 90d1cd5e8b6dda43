"""The solver: from the quantities a seller gave, the calculations their question asks for.

Each shape below names the quantities it needs; the first shape the question fills is solved
with the seller's own numbers (nothing they gave is replaced by a default). A follow-up that
changes one number ("那如果一条20刀呢", "what if GPM is 8?") re-solves the earlier turn with it.
Questions no shape fits go to the planner's intent table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from assistant.engine.acts import asks_judgement
from assistant.engine.intents import count_basis
from assistant.engine.quantities import OPTION_NAME, Quantity, Role, read_quantities

Call = tuple[str, dict[str, Any]]
_I = re.IGNORECASE
_CHANGE = re.compile(r"跌|涨|降|增长|下滑|下降|少了|多了|变化|比上|环比|同比|fell|dropped|drop|grew|rose|declin|down|up|change|compared", _I)
_GROWTH = re.compile(r"增长率|增速|日均|每天涨|复合|growth rate|a day|per day|daily|\d+\s*(天|days)", _I)
"""Growth over days (the product-selection window): the intent table's growth calculator."""
_ROAS_WORDS = re.compile(r"roas|roi|投产|不亏|保本|break[- ]?even|每单赚|一单赚|per order", _I)
_BREAK_EVEN_VIEWS = re.compile(r"播放|views?|曝光|impressions?", _I)
_PURE_COMMISSION = re.compile(r"纯佣|只给佣金|只付佣金|不给坑位费|没有坑位费|不要坑位费|零坑位|commission[- ]only|pure commission|"
                              r"no (flat )?fee|without a (flat )?fee|zero fee", _I)
_BREAK_EVEN = re.compile(r"回本|保本|盈亏|打平|break[- ]?even|pay (for itself|off)|worth it", _I)
_MONTH = re.compile(r"一个月|每月|月|a month|per month|monthly|30天|30 days", _I)
_FOLLOW_UP = re.compile(r"那如果|如果|换成|改成|要是|假如|翻倍|double|what if|how about|instead|and if|suppose", _I)
_PLAN = re.compile(r"测品|测款|测试|三波|怎么分|分配|怎么花|test|wave|allocate|split|plan", _I)
"""A budget to plan (the three-wave plan), not to count videos with."""
_VALUE = re.compile(r"划算|更便宜|便宜|性价比|值不值|值得|cheaper|better value|worth|cost[- ]effective", _I)
"""A budget named in a question about value: the comparison (intent table), not a count of videos."""
_IMPLIED = re.compile(r"占多少|份额|对得上|说得通|share of (gmv|sales)|what share|add up|consistent", _I)
"""AI's share of all GMV from its share of videos: the implied-share calculator, not a blend of one's own views."""
_WHICH = re.compile(r"哪个|哪种|投哪|选哪|which|where should", _I)
_PER_ORDER_ADS = re.compile(r"(每单|单均|一单)的?(广告|投流)|(ads?|advertising|ad spend|ad cost)( spend| cost)? per order|per[- ]order ads?", _I)
_CREATOR = re.compile(r"达人|博主|网红|红人|主播|creator|influencer|affiliate|kol|坑位|纯佣", _I)
"""The pay is a creator's (not the platform's referral fee, also called 佣金)."""
_SALES = re.compile(r"带了|带来|卖了|卖出|成交|出了|做了|sold|sales|brought|made|generated|did", _I)
"""An amount of money that is what was sold, not what a video cost."""


class _Known:
    """The quantities by role, first given first."""

    def __init__(self, quantities: Sequence[Quantity]):
        self.all = list(quantities)

    def get(self, role: Role, subject: str | None = None) -> Quantity | None:
        found = [q for q in self.all if q.role == role and (subject is None or q.subject == subject)]
        return found[0] if found else None

    def every(self, role: Role) -> list[Quantity]:
        return [q for q in self.all if q.role == role]

    def money(self) -> list[Quantity]:
        """Amounts of money (sales, unlabeled amounts with a currency or of a size sales have)."""
        return [q for q in self.all if q.role in ("gmv", "amount") and (q.currency or q.value >= 100)]


def _arg(q: Quantity) -> Any:
    return q.raw if q.role not in ("days", "months") else q.value


def _expected_loss(k: _Known, text: str) -> Call | None:
    p, cut, gmv = k.get("probability"), k.get("share_cut"), (k.money() or [None])[0]
    if not (p and cut and gmv):
        return None
    spans = [q for q in k.every("months") if q.scope != "per_month"]  # "3个月", not the "一个月" of a monthly GMV
    months = max(spans, key=lambda q: q.value) if spans else None
    return "expected_loss", {"probability": p.raw, "share_cut": cut.raw, "monthly_gmv": gmv.raw,
                             **({"months": months.value} if months else {})}


def _blended(k: _Known, text: str) -> Call | None:
    shares, gpms = k.every("share") or k.every("rate"), k.every("gpm")
    if len(shares) < 1 or len(gpms) < 2 or _IMPLIED.search(text):
        return None
    ai_gpm = k.get("gpm", "ai") or gpms[0]
    other = next(g for g in gpms if g is not ai_gpm)
    ai_share = next((s for s in shares if s.subject == "ai" or s.span[1] <= ai_gpm.span[0]), shares[0])
    target = k.get("target_gmv")
    return "blended_gpm", {"ai_share": ai_share.raw, "ai_gpm": ai_gpm.raw, "other_gpm": other.raw,
                           **({"target_gmv": target.raw} if target else {})}


def _roas(k: _Known, text: str) -> Call | None:
    spend, gmv, stated, margin = k.get("ad_spend"), (k.money() or [None])[0], k.get("roas"), k.get("margin")
    if spend and gmv:
        return "roas", {"ad_spend": spend.raw, "gmv": gmv.raw, **({"margin": margin.raw} if margin else {})}
    if stated and margin:  # "ROI 1.8 算正常吗 我毛利30%": judge the stated ROAS against break-even
        return "roas", {"roas": stated.raw, "margin": margin.raw}
    return None


def _change(k: _Known, text: str) -> Call | None:
    money = k.money()
    if len(money) < 2 or not _CHANGE.search(text) or _GROWTH.search(text) or k.get("views") or k.get("ad_spend"):
        return None
    before, after = money[0], money[1]
    after_raw = after.raw if after.currency or not before.currency else f"{after.raw}{_currency_word(before)}"
    return "period_change", {"before": before.raw, "after": after_raw}


def _currency_word(q: Quantity) -> str:
    """The unit to append to a bare amount read in the currency of the amount before it ("1.5w刀 → 1.1w" is dollars)."""
    return {"USD": "美元", "CNY": "元"}.get(q.currency or "", "")


def _views_args(k: _Known) -> dict[str, Any] | None:
    views, videos = k.get("views"), k.get("videos")
    if views is None:
        return None
    if views.scope == "per_video" and videos is None:  # "45 of them … 9k views each": the bare count is the videos
        videos = next((q for q in k.every("amount") if not q.currency and q.value == int(q.value) and q.value < 10_000), None)
    if videos and views.scope == "per_video":
        return {"views_per_video": views.raw, "videos": videos.raw}
    return {"views": views.raw}


def _gpm_from_sales(k: _Known, text: str) -> Call | None:
    if k.get("gpm"):
        return None
    gmv, orders, price = (k.money() or [None])[0], k.get("orders"), k.get("price")
    views = _views_args(k)
    if views is None or not (gmv or (orders and price)):
        return None
    sales = {"gmv": gmv.raw} if gmv and not (orders and price) else {"orders": orders.raw, "price": price.raw}
    subject = next((q.subject for q in k.all if q.subject), None)
    return "gpm_from_sales", {**sales, **views, **({"subject": subject} if subject else {})}


def _judged_gpm(k: _Known, text: str) -> Call | None:
    """"AI视频GPM才6 是不是废了": a GPM the seller states, with nothing to compute from, placed against the range."""
    gpm = k.get("gpm")
    if not gpm or len(k.every("gpm")) > 1 or len(k.all) > 1 or not asks_judgement(text):
        return None
    return "gpm_from_sales", {"gpm": gpm.raw, **({"subject": gpm.subject} if gpm.subject else {})}


def _gpm_by_subject(k: _Known) -> list[Call]:
    """"My AI video: 90k views, 14 orders… Creator video: 60k views, 30 orders…": each subject's own GPM."""
    calls = []
    for subject in ("ai", "creator", "original"):
        own = _Known([q for q in k.all if q.subject == subject])
        if call := _gpm_from_sales(own, ""):
            calls.append(call)
    return calls


def _total_gmv(k: _Known, text: str) -> Call | None:
    views, videos, gpm = k.get("views"), k.get("videos"), k.get("gpm")
    if not (views and videos and gpm) or views.scope == "total":
        return None
    args: dict[str, Any] = {"views_per_video": views.raw, "videos": videos.raw, "gpm": gpm.raw}
    if videos.scope == "per_day":
        days = k.get("days")
        args["days"] = 30 if _MONTH.search(text) or days is None or days.value == 1 else days.value
    cost = k.get("cost_per_video")
    return "total_gmv", {**args, **({"cost_per_video": cost.raw} if cost else {})}


def _budget(k: _Known, text: str) -> Call | None:
    budget, costs = k.get("budget"), k.every("cost_per_video")
    if not budget or not costs or k.get("gpm") or _PLAN.search(text) or _VALUE.search(text):
        return None
    ai = k.get("cost_per_video", "ai") or (costs[0] if costs[0].subject != "creator" else None)
    creator = k.get("cost_per_video", "creator") or next((c for c in costs if c is not ai), None)
    return "videos_for_budget", {"budget": budget.raw, **({"ai_cost_per_video": ai.raw} if ai else {}),
                                 **({"creator_cost_per_video": creator.raw} if creator else {})}


def _order_profit(k: _Known, text: str) -> Call | None:
    """Price and margin (no product cost): the profit per order; margin alone: the break-even ROAS."""
    margin, price, ads = k.get("margin"), k.get("price"), k.get("ad_spend")
    per_order_ads = ads if ads and _PER_ORDER_ADS.search(text) else None  # "每单广告费3刀": ads per order, not a budget
    if not margin or k.get("flat_fee") or (ads and not per_order_ads) or k.get("views") or _BREAK_EVEN_VIEWS.search(text):
        return None
    if not price and not _ROAS_WORDS.search(text):
        return None
    rate = k.get("commission")
    return "order_profit", {"margin": margin.raw, **({"price": price.raw} if price else {}),
                            **({"commission_rate": rate.raw} if rate else {}),
                            **({"ad_cost_per_order": per_order_ads.raw} if per_order_ads else {})}


def _creator_deal(k: _Known, text: str) -> Call | None:
    """A creator's pay on the sales they brought ($ GMV, or orders × price): commission, fee, share of GMV."""
    rate, fee, orders, price = k.get("commission"), k.get("flat_fee"), k.get("orders"), k.get("price")
    sales = k.get("gmv") or (next(iter(k.money()), None) if _SALES.search(text) else None)
    if (not (rate or fee) or not (sales or (orders and price)) or k.get("views") or k.get("ad_spend")
            or not _CREATOR.search(text) or _BREAK_EVEN_VIEWS.search(text)):
        return None
    args: dict[str, Any] = {"commission_rate": rate.raw if rate else 0, "flat_fee": fee.raw if fee else 0}
    args.update({"gmv": sales.raw} if sales else {"orders": orders.raw, "price": price.raw})
    margin = k.get("margin")
    return "creator_deal", {**args, **({"margin": margin.raw} if margin else {})}


def _creator_break_even(k: _Known, text: str) -> Call | None:
    pure = bool(_PURE_COMMISSION.search(text))
    fee, rate, margin = k.get("flat_fee"), k.get("commission"), k.get("margin")
    fee = fee or k.get("cost_per_video") or next((q for q in k.money() if q.role == "amount"), None)  # "$300 creator video"
    if not (_BREAK_EVEN.search(text) and margin and (fee or rate or pure)):
        return None
    args: dict[str, Any] = {"margin": margin.raw, "flat_fee": 0 if pure and not fee else (fee.raw if fee else None)}
    for role, name in (("commission", "commission_rate"), ("gpm", "gpm"), ("views", "expected_views"), ("price", "price")):
        if q := k.get(role):  # type: ignore[arg-type]
            args[name] = q.raw
    return "creator_collab_return", {k_: v for k_, v in args.items() if v is not None}


def _compare(k: _Known, text: str) -> Call | None:
    """AI against creator videos, each with its cost, views and GPM (often over several turns)."""
    args: dict[str, Any] = {}
    for subject in ("ai", "creator"):
        cost, views, gpm = k.get("cost_per_video", subject), k.get("views", subject), k.get("gpm", subject)
        if not (cost and views and gpm):
            return None
        args.update({f"{subject}_cost_per_video": cost.raw, f"{subject}_views": views.raw, f"{subject}_gpm": gpm.raw})
    budget = k.get("budget")
    return "compare_per_dollar", {**args, **({"budget": budget.raw} if budget else {})}


def _gmv_from_views(k: _Known, text: str) -> Call | None:
    """One video's (or a total of) views at a GPM: what it sells."""
    views, gpm = k.get("views"), k.get("gpm")
    if not (views and gpm) or k.get("videos") or k.get("orders") or k.money() or k.get("target_gmv"):
        return None
    return "gmv_from_views", {"views": views.raw, "gpm": gpm.raw, **count_basis(text)}


_STALLED = re.compile(r"没出单|不出单|一单没出|没(有)?成交|卖不动|没卖出|sells? nothing|no sales|zero sales|no orders|not selling|"
                      r"(?<![a-z])dead(?![a-z])|不行了|凉了|废了|doing (it|something|this) wrong", _I)


def _stalled_views(k: _Known, text: str) -> Call | None:
    """"My AI videos get 2k views each and sell nothing": what that many views sells at the GPMs the
    article cites for AI videos (the seller gave no sales or GPM of their own)."""
    views = k.get("views")
    if not views or not _STALLED.search(text) or k.get("gpm") or k.money() or k.get("orders") or k.get("videos"):
        return None
    return "gmv_from_views", {"views": views.raw}


_SHAPES: tuple[Callable[[_Known, str], Call | None], ...] = (
    _expected_loss, _blended, _roas, _change, _compare, _gpm_from_sales, _total_gmv, _budget, _creator_deal, _creator_break_even,
    _order_profit, _gmv_from_views, _judged_gpm, _stalled_views,
)
_GENERIC = (_total_gmv, _gmv_from_views)
"""Shapes that give way when the question asks for a more specific calculation (a risk-adjusted plan,
a three-wave budget, a cost comparison), which the planner's intent table reads."""


def _solve(quantities: Sequence[Quantity], text: str, defer: bool = False) -> Call | None:
    known = _Known(quantities)
    shapes = [shape for shape in _SHAPES if not (defer and shape in _GENERIC)]
    return next((call for shape in shapes if (call := shape(known, text))), None)


def _merged(earlier: Sequence[Quantity], now: Sequence[Quantity]) -> list[Quantity]:
    """The earlier quantities with those the follow-up gives again replaced (same role and subject)."""
    changed = {(q.role, q.subject) for q in now} | {(q.role, None) for q in now}
    kept = [q for q in earlier if (q.role, q.subject) not in changed and (q.role, None) not in changed]
    return kept + list(now)


def solve(question: str, earlier: Sequence[str] = (), *, defer: bool = False) -> list[Call]:
    """The calculation the question (with the conversation before it) asks for, or [] to use the intents.

    `defer`: the question triggers a specific calculator of the intent table; generic shapes step aside.
    """
    quantities = read_quantities(question)
    if len(pairs := _gpm_by_subject(_Known(quantities))) > 1:
        return pairs
    if call := _solve(quantities, question, defer):
        return [call]
    if not earlier:
        return []
    history = [q for text in earlier[-4:] for q in _relocated(read_quantities(text))]
    context = " ".join([*earlier[-4:], question])
    if _WHICH.search(question) and (call := _compare(_Known(history + quantities), context)):
        return [call]
    if _WHICH.search(question) and len(options := _options(earlier[-4:])) > 1:
        return options
    before = read_quantities(earlier[-1])
    quantities = quantities or _doubled(before, question)
    merged = _merged(before, quantities)
    if quantities and _FOLLOW_UP.search(question) and (call := _solve(merged, context, defer)):
        return [call]
    return []




def _options(turns: Sequence[str]) -> list[Call]:
    """"哪个好" after turns that each gave one video's views and sales (or one turn that gave each
    subject's): each one's GPM, named as the seller named it ("视频A"), to compare."""
    calls = []
    for n, turn in enumerate(turns, start=1):
        known = _Known(read_quantities(turn))
        if len(pairs := _gpm_by_subject(known)) > 1:  # "AI videos: … Creator videos: …" in one turn
            calls += pairs
            continue
        call = _gpm_from_sales(known, turn)
        if call:
            label = OPTION_NAME.search(turn)
            calls.append((call[0], {**call[1], "label": label.group(0) if label else f"#{n}"}))
    return calls


_DOUBLE = re.compile(r"翻倍|翻一倍|加倍|double[sd]?|twice", _I)
_NAMES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("gpm", re.compile(r"gpm", _I)), ("views", re.compile(r"播放|曝光|views?|impressions?", _I)),
    ("price", re.compile(r"客单价|价格|price", _I)), ("videos", re.compile(r"条数|视频|videos?", _I)),
)


def _doubled(earlier: list[Quantity], question: str) -> list[Quantity]:
    """"What if the GPM doubles?": the earlier quantity it names, twice as large."""
    if not _DOUBLE.search(question):
        return []
    for role, name in _NAMES:
        if name.search(question) and (old := next((q for q in earlier if q.role == role), None)):
            return [Quantity(old.value * 2, role, old.scope, old.subject, old.currency, f"{old.value * 2:g}", old.span)]
    return []


def _relocated(quantities: list[Quantity]) -> list[Quantity]:
    """Quantities of an earlier turn whose subject is the turn's only one (a turn is often about one option)."""
    subjects = {q.subject for q in quantities if q.subject}
    if len(subjects) != 1:
        return quantities
    (subject,) = subjects
    return [q if q.subject else Quantity(q.value, q.role, q.scope, subject, q.currency, q.raw, q.span) for q in quantities]
