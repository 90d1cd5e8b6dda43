"""What the seller's money brought back: GMV per unit of video cost, and ads' ROAS, from the seller's own figures."""

from __future__ import annotations

from pydantic import Field, model_validator

from assistant.tools.calc_base import CalcInput, CalcResult, Defaults, Ledger, number_field
from assistant.tools.seller_math import WHOSE, Subject


class GmvPerCostInput(CalcInput):
    gmv: float = number_field("money", "成交额GMV", "GMV", "What the video (or videos) sold.", default=...)
    cost: float = number_field("money", "成本", "cost", "What the same video (or videos) cost.", default=..., gt=0)
    subject: Subject | None = Field(None, description="Whose videos: 'ai', 'creator' or 'original'.",
                                    json_schema_extra={"label": {"zh": "内容类型", "en": "content type"}})  # fmt: skip
    label: str | None = Field(None, max_length=24, description="The seller's name for these videos (when comparing).")


def gmv_per_cost(args: GmvPerCostInput, defaults: Defaults) -> CalcResult:
    """GMV ÷ cost: how many dollars of sales each dollar spent on the videos brought (before margin and fees)."""
    led = Ledger("gmv_per_cost", args, defaults)
    led.inputs.update({k: v for k, v in (("subject", args.subject), ("label", args.label)) if v})
    gmv, cost = led.given("gmv"), led.given("cost")
    per = gmv / cost
    whose = WHOSE.get(args.subject or "", {"zh": "你的视频", "en": "Your videos'"})
    line = led.text("{gmv} ÷ {cost} = {per}", "{gmv} / {cost} = {per}", gmv=(gmv, "money"), cost=(cost, "money"), per=(per, "plain"))
    led.step(line["zh"], line["en"])
    headline = led.text("{whose}每{one}成本带来{per}的GMV（{gmv} ÷ {cost}）。", "{whose} GMV per {one} of cost: {per} ({gmv} on {cost}).",
                        whose=whose, one=(1.0, "money"), per=(per, "plain"), gmv=(gmv, "money"), cost=(cost, "money"))
    return led.result({"gmv_per_cost": per, "gmv": gmv, "cost": cost}, "GMV per cost = GMV / cost", headline, worked=line)


class RoasInput(CalcInput):
    ad_spend: float | None = number_field("money", "广告花费", "ad spend", "Ad spend for the period (with gmv, or orders and price).", gt=0)
    gmv: float | None = number_field("money", "广告带来的GMV", "GMV", "GMV from those ads (with ad_spend).")
    orders: float | None = number_field("count", "订单数", "orders", "Orders in the period (with price, instead of gmv; "
                                        "with gmv: the cost per order).", gt=0)  # fmt: skip
    price: float | None = number_field("money", "客单价", "price", "Average order value (with orders).", gt=0)
    roas: float | None = number_field("plain", "ROAS/ROI", "ROAS", "The ROAS (or ROI) itself, when the seller states it.", gt=0)
    margin: float | None = number_field("rate", "毛利率", "margin", "Margin before ads (for the break-even ROAS and the profit).")

    @model_validator(mode="after")
    def _spend_and_gmv_or_roas(self) -> RoasInput:
        sales = self.gmv is not None or (self.orders is not None and self.price is not None)
        if self.roas is None and (self.ad_spend is None or not sales):
            raise ValueError("give ad_spend and gmv (or orders and price), or roas")
        return self


def _sales(led: Ledger) -> float | None:
    """The GMV given, or orders × price with its line."""
    gmv, orders, price = led.given("gmv"), led.given("orders"), led.given("price")
    if gmv is None and orders and price:
        gmv = orders * price
        led.step("GMV = {orders}单 × {price} = {gmv}", "GMV = {orders} orders × {price} = {gmv}",
                 orders=(orders, "count"), price=(price, "money"), gmv=(gmv, "money"))  # fmt: skip
    return gmv


def roas(args: RoasInput, defaults: Defaults) -> CalcResult:
    """ROAS = GMV ÷ ad spend (or as stated); with a margin, the break-even ROAS = 1 ÷ margin and the
    profit after ads; with orders, the ad cost per order."""
    led = Ledger("roas", args, defaults)
    spend, gmv, stated = led.given("ad_spend"), _sales(led), led.given("roas")
    if spend is not None and gmv is not None:
        value = gmv / spend
        line = led.text("ROAS = {gmv} ÷ {spend} = {roas}", "ROAS = {gmv} / {spend} = {roas}",
                        gmv=(gmv, "money"), spend=(spend, "money"), roas=(value, "plain"))
    else:
        value = stated
        line = led.text("ROAS {roas}（你给的）", "ROAS {roas} (as you gave it)", roas=(value, "plain"))
    led.step(line["zh"], line["en"])
    figures: dict[str, float | None] = {"roas": value, "acos": spend / gmv if spend and gmv else None}
    orders = led.given("orders")
    if spend and orders:
        figures["cost_per_order"] = spend / orders
        led.step("单均广告费 = {spend} ÷ {orders}单 = {cpo}", "ad cost per order = {spend} / {orders} orders = {cpo}",
                 spend=(spend, "money"), orders=(orders, "count"), cpo=(spend / orders, "money"))  # fmt: skip
    verdict = None
    margin = led.given("margin")
    headline = led.text("你的ROAS是{roas}：每花1块广告费带来{roas}的GMV。", "Your ROAS is {roas}: each ad dollar brings {roas} of GMV.",
                        roas=(value, "plain"))
    if margin:
        even = 1 / margin
        figures["break_even_roas"] = even
        led.step("保本ROAS = 1 ÷ 毛利率{m} = {even}", "break-even ROAS = 1 / margin {m} = {even}", m=(margin, "rate"), even=(even, "plain"))
        word = {"zh": "赚钱", "en": "Profitable"} if value > even else {"zh": "亏钱", "en": "Losing money"}
        verdict = {**word, "compared": led.text("保本ROAS是{even}（1 ÷ 毛利率）。", "Break-even ROAS is {even} (1 / margin).",
                                                even=(even, "plain"))}
        if spend and gmv:
            profit = gmv * margin - spend
            figures["profit"] = profit
            led.step("广告后利润 = {gmv} × {m} − {spend} = {profit}", "profit after ads = {gmv} × {m} − {spend} = {profit}",
                     gmv=(gmv, "money"), m=(margin, "rate"), spend=(spend, "money"), profit=(profit, "money"))  # fmt: skip
            headline = led.text("ROAS {roas}，低于保本的{even}：扣掉广告亏{loss}。" if profit < 0 else "ROAS {roas}，高于保本的{even}：扣掉广告赚{gain}。",
                                "ROAS {roas}, below the break-even {even}: a {loss} loss after ads." if profit < 0
                                else "ROAS {roas}, above the break-even {even}: {gain} profit after ads.",
                                roas=(value, "plain"), even=(even, "plain"), loss=(-profit, "money"), gain=(profit, "money"))  # fmt: skip
    return led.result(figures, "ROAS = GMV / ad spend", headline, worked=line, verdict=verdict)
