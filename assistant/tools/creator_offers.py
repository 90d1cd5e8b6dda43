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
    price: float = number_field("money", "客单价", "order value", "Average order value.", default=...)
    orders: float | None = number_field("count", "预计单数", "expected orders", "Orders the creator is expected to bring.")

    @model_validator(mode="after")
    def _two_offers(self) -> FeeOrCommissionInput:
        if self.flat_fee <= 0:
            raise ValueError("the fee offer needs a flat fee above 0")
        if self.price <= 0:
            raise ValueError("the order value must be above 0")
        return self


def fee_or_commission(args: FeeOrCommissionInput, defaults: Defaults) -> CalcResult:
    """Cost of each offer = fee + orders × price × its rate; they cost the same at
    fee ÷ (price × (pure rate − fee rate)) orders. A commission-only rate is the higher of two rates
    (a creator asks more when no fee is paid)."""
    led = Ledger("fee_or_commission", args, defaults)
    fee, price = led.given("flat_fee"), led.given("price")
    fee_rate, pure_rate = sorted((led.given("fee_rate"), led.given("pure_rate")))
    led.inputs.update({"fee_rate": fee_rate, "pure_rate": pure_rate})
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
