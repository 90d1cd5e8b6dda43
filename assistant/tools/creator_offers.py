"""A creator's two offers side by side: a flat fee (maybe with a commission on top) or commission only.
Which costs less at the orders expected, and the order count where the two cost the same."""

from __future__ import annotations

from pydantic import model_validator

from assistant.tools.calc_base import CalcInput, CalcResult, Defaults, Ledger, Text, number_field


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

