"""What the platform takes: the referral fee on a seller's sales."""

from __future__ import annotations

from assistant.tools.article_math import REFERRAL_FEE
from assistant.tools.calc_base import CalcInput, CalcResult, Defaults, Ledger, number_field


class ReferralFeeInput(CalcInput):
    gmv: float = number_field("money", "成交额GMV", "GMV", "The sales the fee is taken on.", default=..., gt=0)
    referral_fee_rate: float | None = number_field("rate", "平台佣金率", "referral fee rate",
                                                   "TikTok Shop referral fee (0..1). Default 6% (US, official).")  # fmt: skip


def referral_fee(args: ReferralFeeInput, defaults: Defaults) -> CalcResult:
    """Referral fee = GMV × rate (the seller's rate, else the cited US rate)."""
    led = Ledger("referral_fee", args, defaults)
    gmv = led.given("gmv")
    rate = led.use("referral_fee_rate", lambda: led.cite(
        "referral_fee_rate", REFERRAL_FEE, "referral_fee_rate", "rate",
        "美区平台佣金（官方）：{value}，按买家实付计", "US referral fee (official): {value} of what the customer pays"))  # fmt: skip
    fee = gmv * rate
    line = led.text("平台佣金 = {gmv} × {rate} = {fee}", "referral fee = {gmv} × {rate} = {fee}",
                    gmv=(gmv, "money"), rate=(rate, "rate"), fee=(fee, "money"))
    led.step(line["zh"], line["en"])
    headline = led.text("平台佣金约{fee}（{gmv} × {rate}）。", "The referral fee comes to about {fee} ({gmv} × {rate}).",
                        fee=(fee, "money"), gmv=(gmv, "money"), rate=(rate, "rate"))
    return led.result({"referral_fee": fee}, "referral fee = GMV × referral fee rate", headline, worked=line)
