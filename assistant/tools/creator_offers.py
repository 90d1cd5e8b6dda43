"""Creator deals: what one cost on the sales it brought (commission, flat fee, samples), and a creator's two
offers side by side (a flat fee, maybe with a commission on top, or commission only): which costs less at the
orders expected, and the order count where the two cost the same."""

from __future__ import annotations

from pydantic import model_validator

from assistant.tools.calc_base import CalcInput, CalcResult, Defaults, Ledger, Text, number_field
from assistant.tools.seller_math import joined


class FeeOrCommissionInput(CalcInput):
    flat_fee: float = number_field("money", "坑位费", "flat fee", "The flat fee of the fee offer.", default=...)
    fee_rate: float = number_field("rate", "坑位费方案的佣金率", "commission with the fee",
                                   "Commission on top of the flat fee (0 when none).", default=0)  # fmt: skip
    pure_rate: float = number_field("rate", "纯佣佣金率", "commission-only rate", "The rate of the commission-only offer.",
                                    default=...)  # fmt: skip
    price: float | None = number_field("money", "客单价", "order value", "Average order value.")
    orders: float | None = number_field("count", "预计单数", "expected orders", "Orders the creator is expected to bring.")
    gmv: float | None = number_field("money", "预计GMV", "expected GMV", "Sales the creator is expected to bring (instead of price and orders).")

    @model_validator(mode="after")
    def _two_offers(self) -> FeeOrCommissionInput:
        if self.flat_fee <= 0:
            raise ValueError("the fee offer needs a flat fee above 0")
        if self.price is None and self.gmv is None:
            raise ValueError("give the order value (price), or the expected GMV")
        if (self.price is not None and self.price <= 0) or (self.gmv is not None and self.gmv <= 0):
            raise ValueError("the order value and the GMV must be above 0")
        return self


def fee_or_commission(args: FeeOrCommissionInput, defaults: Defaults) -> CalcResult:
    """Cost of each offer = fee + orders × price × its rate; they cost the same at
    fee ÷ (price × (pure rate − fee rate)) orders. A commission-only rate is the higher of two rates
    (a creator asks more when no fee is paid)."""
    led = Ledger("fee_or_commission", args, defaults)
    fee, price = led.given("flat_fee"), led.given("price")
    fee_rate, pure_rate = sorted((led.given("fee_rate"), led.given("pure_rate")))
    led.inputs.update({"fee_rate": fee_rate, "pure_rate": pure_rate})
    if price is None:
        return _at_gmv(led, fee, fee_rate, pure_rate, led.given("gmv"))
    gap = price * (pure_rate - fee_rate)
    even = fee / gap if gap > 0 else None
    if fee_rate:
        each = led.text("每单佣金：纯佣 {price} × {pure} = {pure_each}；坑位费方案 {price} × {rate} = {rate_each}",
                        "commission per order: commission only {price} × {pure} = {pure_each}; with the fee {price} × {rate} = {rate_each}",
                        price=(price, "money"), pure=(pure_rate, "rate"), pure_each=(price * pure_rate, "money"),
                        rate=(fee_rate, "rate"), rate_each=(price * fee_rate, "money"))  # fmt: skip
    else:
        each = led.text("纯佣每单 {price} × {pure} = {pure_each}", "commission only per order: {price} × {pure} = {pure_each}",
                        price=(price, "money"), pure=(pure_rate, "rate"), pure_each=(price * pure_rate, "money"))
    led.step(each["zh"], each["en"])
    lines = [each]
    if even is not None:
        spread = led.text("({pure} − {rate})", "({pure} − {rate})", pure=(pure_rate, "rate"), rate=(fee_rate, "rate")) \
            if fee_rate else led.text("{pure}", "{pure}", pure=(pure_rate, "rate"))
        line = led.text("分界线 = {fee} ÷ ({price} × {spread}) = {even}单", "break-even = {fee} / ({price} × {spread}) = {even} orders",
                        fee=(fee, "money"), price=(price, "money"), spread=spread, even=(even, "plain"))
        led.step(line["zh"], line["en"])
        lines.append(line)
    figures: dict[str, float | None] = {"break_even_orders": even, "commission_per_order": price * pure_rate}
    orders = led.given("orders")
    if orders is None:
        headline = _without_orders(led, even)
    else:
        with_fee, pure = fee + orders * price * fee_rate, orders * price * pure_rate
        figures.update({"fee_offer_cost": with_fee, "commission_offer_cost": pure})
        paid = led.text("{fee} + {orders} × {price} × {rate} = {with_fee}", "{fee} + {orders} × {price} × {rate} = {with_fee}",
                        fee=(fee, "money"), orders=(orders, "count"), price=(price, "money"), rate=(fee_rate, "rate"),
                        with_fee=(with_fee, "money")) if fee_rate else led.text("{fee}", "{fee}", fee=(fee, "money"))
        line = led.text("按{orders}单：纯佣 {orders} × {each} = {pure}；坑位费方案 {paid}",
                        "at {orders} orders: commission only {orders} × {each} = {pure}; fee offer {paid}",
                        orders=(orders, "count"), each=(price * pure_rate, "money"), pure=(pure, "money"), paid=paid)
        led.step(line["zh"], line["en"])
        lines.append(line)
        headline = _at_orders(led, orders, pure, with_fee, even)
    worked = {lang: "\n".join(line[lang] for line in lines) for lang in ("zh", "en")}
    return led.result(figures, "cost = fee + orders × price × rate; break-even = fee / (price × (pure − fee rate))",
                      headline, worked=worked)


def _without_orders(led: Ledger, even: float | None) -> Text:
    if even is None:
        return led.text("纯佣在任何单量下都更省：它的佣金率不高于坑位费方案。",
                        "Commission only costs less at any order count: its rate is no higher than the fee offer's.")
    return led.text("分界线约{even}单：预计出单少于这个数选纯佣，多于这个数选坑位费方案。",
                    "They cost the same at about {even} orders: below that, commission only is cheaper; above it, the fee offer.",
                    even=(even, "plain"))  # fmt: skip


def _at_orders(led: Ledger, orders: float, pure: float, with_fee: float, even: float | None) -> Text:
    cheaper = {"zh": "纯佣", "en": "Commission only"} if pure <= with_fee else {"zh": "坑位费方案", "en": "The fee offer"}
    saved = abs(with_fee - pure)
    if even is None:
        return led.text("{orders}单时{cheaper}更省{saved}（纯佣{pure}，坑位费方案{with_fee}）。",
                        "{cheaper} is {saved} cheaper at {orders} orders (commission only {pure}, fee offer {with_fee}).",
                        orders=(orders, "count"), cheaper=cheaper, saved=(saved, "money"), pure=(pure, "money"),
                        with_fee=(with_fee, "money"))  # fmt: skip
    return led.text("{orders}单时{cheaper}更省{saved}（纯佣{pure}，坑位费方案{with_fee}）；分界线约{even}单，单量不到就选纯佣。",
                    "{cheaper} is {saved} cheaper at {orders} orders (commission only {pure}, fee offer {with_fee}); "
                    "they cost the same at about {even} orders, so below that take commission only.",
                    orders=(orders, "count"), cheaper=cheaper, saved=(saved, "money"), pure=(pure, "money"),
                    with_fee=(with_fee, "money"), even=(even, "plain"))  # fmt: skip


def _at_gmv(led: Ledger, fee: float, fee_rate: float, pure_rate: float, gmv: float) -> CalcResult:
    """The two offers at the GMV expected: fee + GMV × its rate against GMV × the commission-only rate;
    they cost the same at a GMV of fee ÷ (pure rate − fee rate)."""
    with_fee, pure = fee + gmv * fee_rate, gmv * pure_rate
    line = led.text("按GMV {gmv}：纯佣 {gmv} × {pure_rate} = {pure}；坑位费方案 {fee} + {gmv} × {rate} = {with_fee}",
                    "at {gmv} of GMV: commission only {gmv} × {pure_rate} = {pure}; fee offer {fee} + {gmv} × {rate} = {with_fee}",
                    gmv=(gmv, "money"), pure_rate=(pure_rate, "rate"), pure=(pure, "money"), fee=(fee, "money"),
                    rate=(fee_rate, "rate"), with_fee=(with_fee, "money"))  # fmt: skip
    led.step(line["zh"], line["en"])
    lines = [line]
    even = fee / (pure_rate - fee_rate) if pure_rate > fee_rate else None
    if even is not None:
        spread = led.text("分界线GMV = {fee} ÷ ({pure} − {rate}) = {even}", "break-even GMV = {fee} / ({pure} − {rate}) = {even}",
                          fee=(fee, "money"), pure=(pure_rate, "rate"), rate=(fee_rate, "rate"), even=(even, "money"))
        led.step(spread["zh"], spread["en"])
        lines.append(spread)
    cheaper = {"zh": "纯佣", "en": "Commission only"} if pure < with_fee else {"zh": "坑位费方案", "en": "The fee offer"}
    if abs(pure - with_fee) < 0.005:
        headline = led.text("GMV {gmv}时两个方案正好打平：都是{pure}。", "At {gmv} of GMV the two offers cost the same: {pure} each.",
                            gmv=(gmv, "money"), pure=(pure, "money"))
    else:
        headline = led.text("GMV {gmv}时{cheaper}更省{saved}（纯佣{pure}，坑位费方案{with_fee}）。",
                            "{cheaper} is {saved} cheaper at {gmv} of GMV (commission only {pure}, fee offer {with_fee}).",
                            gmv=(gmv, "money"), cheaper=cheaper, saved=(abs(with_fee - pure), "money"), pure=(pure, "money"),
                            with_fee=(with_fee, "money"))  # fmt: skip
    if even is not None:
        more = led.text("分界线是GMV {even}：卖不到就选纯佣，超过就选坑位费方案。", "They meet at {even} of GMV: below it commission only is cheaper, above it the fee offer.",
                        even=(even, "money"))
        headline = {lang: headline[lang] + ("" if lang == "zh" else " ") + more[lang] for lang in headline}
    worked = {lang: "\n".join(item[lang] for item in lines) for lang in ("zh", "en")}
    figures: dict[str, float | None] = {"break_even_gmv": even, "fee_offer_cost": with_fee, "commission_offer_cost": pure}
    return led.result(figures, "cost = fee + GMV × rate; break-even GMV = fee / (pure − fee rate)", headline, worked=worked)


class CreatorDealInput(CalcInput):
    commission_rate: float = number_field("rate", "佣金率", "commission rate", "The creator's commission on GMV (0 for a flat fee only).",
                                          default=0)
    flat_fee: float = number_field("money", "坑位费", "flat fee", "The creator's flat fee (0 for pure commission).", default=0)
    gmv: float | None = number_field("money", "达人带来的GMV", "GMV", "GMV the creator brought (or give orders and price).")
    orders: float | None = number_field("count", "订单数", "orders", "Orders the creator brought (with price).")
    price: float | None = number_field("money", "客单价", "price", "Average order value (with orders).")
    margin: float | None = number_field("rate", "毛利率", "margin", "Margin before the creator's pay (for the profit).")
    samples_sent: float | None = number_field("count", "寄出样品数", "samples sent", "Samples sent to creators (with sample_cost).")
    sample_cost: float | None = number_field("money", "每个样品成本", "cost per sample",
                                             "What one sample cost the seller: product plus shipping.")  # fmt: skip
    posted: float | None = number_field("count", "发了视频的达人数", "creators who posted",
                                        "How many of the creators who got a sample posted a video.")  # fmt: skip

    @model_validator(mode="after")
    def _sales_and_pay(self) -> CreatorDealInput:
        if self.gmv is None and (self.orders is None or self.price is None):
            raise ValueError("give gmv, or orders and price")
        if not self.commission_rate and not self.flat_fee and not self.samples_sent:
            raise ValueError("give the commission rate, the flat fee or the samples sent")
        if (self.samples_sent is None) != (self.sample_cost is None):
            raise ValueError("give samples_sent and sample_cost together")
        if self.posted is not None and self.samples_sent is not None and self.posted > self.samples_sent:
            raise ValueError("posted cannot exceed samples_sent")
        return self


def _samples(led: Ledger) -> tuple[float, Text | None]:
    """What the samples cost (sent × cost each), with its line; and how many went unused."""
    sent, each, posted = led.given("samples_sent"), led.given("sample_cost"), led.given("posted")
    if not sent:
        return 0.0, None
    cost = sent * each
    if posted is None:
        return cost, led.text("样品 = {sent}个 × {each} = {cost}", "samples = {sent} × {each} = {cost}",
                              sent=(sent, "count"), each=(each, "money"), cost=(cost, "money"))
    return cost, led.text("样品 = {sent}个 × {each} = {cost}（{posted}位达人发了视频，{unused}个样品没换来视频）",
                          "samples = {sent} × {each} = {cost} ({posted} creators posted; {unused} samples brought no video)",
                          sent=(sent, "count"), each=(each, "money"), cost=(cost, "money"), posted=(posted, "count"),
                          unused=(sent - posted, "count"))


def creator_deal(args: CreatorDealInput, defaults: Defaults) -> CalcResult:
    """What a creator deal cost on the sales it brought: commission = GMV × rate, plus the flat fee;
    its share of GMV is the margin the product needs to break even; with a margin, the profit."""
    led = Ledger("creator_deal", args, defaults)
    gmv, rate, fee = led.given("gmv"), led.given("commission_rate") or 0.0, led.given("flat_fee") or 0.0
    sales: Text | None = None
    if gmv is None:
        gmv = led.given("orders") * led.given("price")
        sales = line = led.text("GMV = {orders}单 × {price} = {gmv}", "GMV = {orders} orders × {price} = {gmv}",
                        orders=(led.given("orders"), "count"), price=(led.given("price"), "money"), gmv=(gmv, "money"))
        led.step(line["zh"], line["en"])
    commission = gmv * rate
    paid: Text | None = None
    if rate:
        paid = line = led.text("佣金 = {gmv} × {rate} = {commission}", "commission = {gmv} × {rate} = {commission}",
                        gmv=(gmv, "money"), rate=(rate, "rate"), commission=(commission, "money"))
        led.step(line["zh"], line["en"])
    samples, sampled = _samples(led)
    if sampled:
        led.step(sampled["zh"], sampled["en"])
    cost = fee + commission + samples
    share = cost / gmv if gmv else 0.0
    if samples:
        total = led.text("总成本 = 坑位费{fee} + 佣金{commission} + 样品{samples} = {cost}，占GMV {share}",
                         "total = fee {fee} + commission {commission} + samples {samples} = {cost}, {share} of GMV",
                         fee=(fee, "money"), commission=(commission, "money"), samples=(samples, "money"), cost=(cost, "money"),
                         share=(share, "rate"))
    else:
        total = led.text("总成本 = 坑位费{fee} + 佣金{commission} = {cost}，占GMV {share}",
                         "total = fee {fee} + commission {commission} = {cost}, {share} of GMV",
                         fee=(fee, "money"), commission=(commission, "money"), cost=(cost, "money"), share=(share, "rate"))
    if fee or samples:
        led.step(total["zh"], total["en"])
    figures: dict[str, float | None] = {"gmv": gmv, "commission": commission, "cost": cost, "cost_share": share,
                                        "roas": gmv / cost if cost else None, "break_even_margin": share}
    if samples:
        posted = led.given("posted")
        figures.update({"samples_cost": samples, "unused_samples": led.given("samples_sent") - posted if posted is not None else None,
                        "cost_per_posted_video": cost / posted if posted else None})
    verdict = None
    margin = led.given("margin")
    if margin is not None:
        profit = gmv * margin - cost
        figures["profit"] = profit
        led.step("利润 = {gmv} × 毛利率{m} − {cost} = {profit}", "profit = {gmv} × margin {m} − {cost} = {profit}",
                 gmv=(gmv, "money"), m=(margin, "rate"), cost=(cost, "money"), profit=(profit, "money"))
        word = {"zh": "划算", "en": "Worth it"} if profit > 0 else {"zh": "不划算", "en": "Not worth it"}
        verdict = {**word, "compared": led.text("毛利率{m}减去达人成本占比{share}，这单合作利润{profit}。",
                                                "Margin {m} less the creator's {share} of GMV leaves {profit}.",
                                                m=(margin, "rate"), share=(share, "rate"), profit=(profit, "money"))}
    if margin is not None and samples:
        headline = led.text("这次合作赚了{profit}：GMV {gmv} × 毛利率{m}，减去坑位费、佣金和样品共{cost}。",
                            "The deal made {profit}: {gmv} of GMV at a {m} margin, less {cost} of fee, commission and samples.",
                            profit=(figures["profit"] or 0.0, "money"), gmv=(gmv, "money"), m=(margin, "rate"), cost=(cost, "money"))
    elif samples:
        headline = led.text("这次合作总成本{cost}（坑位费{fee} + 佣金{commission} + 样品{samples}），占GMV的{share}：毛利率高于{share}才赚钱。",
                            "The deal cost {cost} (fee {fee} + commission {commission} + samples {samples}), {share} of GMV: it pays only if your margin is above {share}.",
                            cost=(cost, "money"), fee=(fee, "money"), commission=(commission, "money"), samples=(samples, "money"),
                            share=(share, "rate"))
    elif fee:
        headline = led.text("这次合作总成本{cost}（坑位费{fee} + 佣金{commission}），占GMV的{share}：毛利率高于{share}才赚钱。",
                            "The deal cost {cost} (fee {fee} + commission {commission}), {share} of GMV: it pays only if your margin is above {share}.",
                            cost=(cost, "money"), fee=(fee, "money"), commission=(commission, "money"), share=(share, "rate"))
    else:
        headline = led.text("要付达人佣金{commission}（GMV {gmv} × {rate}）。", "You owe the creator {commission} ({gmv} of GMV × {rate}).",
                            commission=(commission, "money"), gmv=(gmv, "money"), rate=(rate, "rate"))
    formula = "creator cost = flat fee + GMV × commission rate" + (" + samples sent × cost per sample" if samples else "")
    return led.result(figures, formula, headline,
                      worked=joined([sales, paid, sampled, total if fee or samples else None]), verdict=verdict)
