"""What one kind of video earned for what it cost: GMV per unit of cost, from the seller's own figures."""

from __future__ import annotations

from pydantic import Field

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
