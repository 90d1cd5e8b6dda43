"""What each calculator is asked with: trigger words and, per input, the words that name it.

One table for both languages. A number is given to the input whose cue stands nearest to it
(see planner.fill_slots), so phrasings vary freely around the cues.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.kb.schema import Lang
from assistant.tools.calculators import CALCULATORS
from assistant.tools.calc_base import field_meta
from assistant.tools.numbers import NumberMention


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class Slot:
    """One calculator input: the words that name it and what kind of number it takes."""

    tool: str
    field: str
    cues: re.Pattern[str]
    required: bool = False
    example: dict[Lang, str] = field(default_factory=lambda: {"zh": "", "en": ""})

    @property
    def kind(self) -> str:
        return field_meta(CALCULATORS[self.tool].input_model, self.field, "kind")

    @property
    def label(self) -> dict[Lang, str]:
        return field_meta(CALCULATORS[self.tool].input_model, self.field, "label")

    def accepts(self, mention: NumberMention) -> bool:
        number, kind = mention.number, self.kind
        if mention.kind == "duration":
            return kind == "days" and mention.time_unit == "day"
        if kind == "rate":
            return number.unit == "percent" or 0 < number.value <= 1
        if kind == "days":
            return number.unit == "number" and number.currency is None and number.value <= 3650
        if number.unit == "percent":
            return False
        return number.currency is None or kind in ("money", "gpm")

    def value(self, mention: NumberMention) -> Any:
        """What the calculator receives: the seller's own text (it parses "20万", "$300", "15%")."""
        return mention.number.value if mention.kind == "duration" else mention.raw


@dataclass(frozen=True)
class Intent:
    tool: str
    triggers: re.Pattern[str]
    slots: tuple[Slot, ...]
    context: Callable[[str], dict[str, Any]] = lambda text: {}


_VIEWS = r"播放|曝光|展示|浏览|观看|views?|impressions?|plays?"
_GPM = r"gpm|千次(成交|展示成交|播放成交)?"
_AI = r"ai|aigc|人工智能"
_CREATOR = r"达人|网红|creators?|influencers?|affiliates?|ugc|kol"
_ORIGINAL = r"原创|自己拍|自拍|实拍|original|own video|shoot"
_COMMISSION = r"佣金|commission|提成"
_MARGIN = r"毛利|利润率|margin"


def _slot(tool: str, name: str, cues: str, *, required: bool = False, zh: str = "", en: str = "") -> Slot:
    return Slot(tool, name, _re(cues), required, {"zh": zh, "en": en})


def _live_basis(text: str) -> dict[str, Any]:
    """LIVE "Watch GPM" is per 1,000 views, not impressions."""
    return {"gpm_basis": "views"} if re.search(r"直播|live|watch gpm", text, re.IGNORECASE) else {}


INTENTS: tuple[Intent, ...] = (
    Intent(
        "gmv_from_views",
        _re(r"(能|可以|会|大概|预计)?(卖|带来|出|产生|做到)(多少|几)|多少(钱|gmv|销售额|成交)|how much (gmv|revenue|sales|money)"
            r"|gmv (will|would|can|could|do|does)|(estimate|expected|expect) (the )?gmv|sell for|bring in|算.{0,4}gmv"),
        (
            _slot("gmv_from_views", "views", _VIEWS, required=True, zh="20万播放, GPM 12", en="200k views at GPM 12"),
            _slot("gmv_from_views", "gpm", _GPM),
        ),
        _live_basis,
    ),
    Intent(
        "views_for_target_gmv",
        _re(r"(需要|要|得)(多少|几)(播放|曝光|展示|views?)|how many (views|impressions)|views (do i|would i|will i) need"
            r"|(达到|做到|冲到|目标).{0,12}(gmv|销售额|成交)|(reach|hit|make|target).{0,16}(gmv|in sales)"),
        (
            _slot("views_for_target_gmv", "target_gmv", r"gmv|销售额|成交|目标|target|sales|revenue|做到|达到|hit|reach|make",
                  required=True, zh="目标GMV 1万美元, GPM 12", en="a $10,000 GMV target at GPM 12"),
            _slot("views_for_target_gmv", "gpm", _GPM),
        ),
        _live_basis,
    ),
    Intent(
        "compare_content_options",
        _re(rf"({_AI}).{{0,30}}({_CREATOR}|{_ORIGINAL})|({_CREATOR}|{_ORIGINAL}).{{0,30}}({_AI})"
            r"|性价比|划算|更便宜|cheaper|cost[- ]effective|cost per (1,?000 )?(of )?gmv|per dollar of gmv|哪个(更)?(好|值)"),
        (
            _slot("compare_content_options", "ai_cost_per_video", _AI),
            _slot("compare_content_options", "creator_fee", _CREATOR + r"|坑位费|fee"),
            _slot("compare_content_options", "original_cost_per_video", _ORIGINAL),
            _slot("compare_content_options", "sample_cost", r"样品|寄样|samples?"),
            _slot("compare_content_options", "commission_rate", _COMMISSION),
            _slot("compare_content_options", "views_per_video", _VIEWS),
            _slot("compare_content_options", "ai_gpm", rf"({_AI}).{{0,8}}({_GPM})|({_GPM}).{{0,8}}({_AI})"),
            _slot("compare_content_options", "creator_gpm", rf"({_CREATOR}).{{0,8}}({_GPM})"),
            _slot("compare_content_options", "original_gpm", rf"({_ORIGINAL}).{{0,8}}({_GPM})"),
        ),
    ),
    Intent(
        "risk_adjusted_return",
        _re(r"概率|可能性|风险.{0,6}(多大|值不值|算|收益)|期望|expected (profit|return|value)|risk[- ]adjusted|probability|chance"
            r"|break[- ]?even (probability|risk)|(\d+ ?%|百分之).{0,20}(限流|封号|throttl|banned|lose the account)"),
        (
            _slot("risk_adjusted_return", "probability", r"概率|可能|几率|风险|限流|封号|chance|probability|risk|throttl\w*|ban\w*"),
            _slot("risk_adjusted_return", "videos", r"条|个视频|videos?|clips?"),
            _slot("risk_adjusted_return", "views_per_video", _VIEWS),
            _slot("risk_adjusted_return", "gpm", _GPM),
            _slot("risk_adjusted_return", "cost_per_video", r"成本|每条|单条|cost|each|per video"),
            _slot("risk_adjusted_return", "margin", _MARGIN),
            _slot("risk_adjusted_return", "account_replacement_cost", r"账号|号|重建|买号|account|replace\w*|rebuild"),
        ),
    ),
    Intent(
        "implied_gmv_share",
        _re(r"(gmv|成交|销售).{0,10}(占比|份额|share)|share of (gmv|sales)|implied|(数量|视频).{0,8}占比.{0,20}(gmv|成交)"
            r"|(一致|矛盾|对得上|说得通|consistent|add up|adds up)"),
        (
            _slot("implied_gmv_share", "volume_share", r"数量|占比|视频|videos?|volume|share"),
            _slot("implied_gmv_share", "ai_gpm", rf"({_AI}).{{0,8}}({_GPM})|({_GPM}).{{0,8}}({_AI})|{_AI}"),
            _slot("implied_gmv_share", "other_gpm", r"原创|其他|其它|人工|真人|original|other|human"),
        ),
    ),
    Intent(
        "plan_test_budget",
        _re(r"预算|怎么分配|分配|测品计划|测试计划|test(ing)? (plan|budget)|budget|three[- ]wave|三波|三步走|三个阶段|waves?"),
        (
            _slot("plan_test_budget", "total_budget", r"预算|budget|总共|一共|total|have", required=True,
                  zh="预算5000美元, 测5个品, 每个3个脚本", en="a $5,000 budget for 5 products, 3 scripts each"),
            _slot("plan_test_budget", "products", r"个品|款|商品|产品|品|products?|skus?|items?"),
            _slot("plan_test_budget", "scripts_per_product", r"脚本|scripts?|versions?|hooks?"),
            _slot("plan_test_budget", "ai_cost_per_video", _AI),
            _slot("plan_test_budget", "creator_cost_per_video", _CREATOR),
            _slot("plan_test_budget", "winners_share", r"跑出|爆|winners?|hit rate"),
        ),
    ),
    Intent(
        "unit_economics",
        _re(r"利润|赚多少|毛利|净利|保本|盈亏|roas|margin|profit|unit economics|break[- ]?even roas|每单(能)?赚|单均"),
        (
            _slot("unit_economics", "price", r"售价|卖价|定价|价格|卖|price|sell(s|ing)? (it )?(for|at)|retail",
                  required=True, zh="售价$29.9, 货本$8, 运费$5", en="price $29.90, product cost $8, shipping $5"),
            _slot("unit_economics", "product_cost", r"货本|成本|进价|采购|cogs|product cost|costs? me|unit cost", required=True,
                  zh="售价$29.9, 货本$8", en="price $29.90 and product cost $8"),
            _slot("unit_economics", "commission_rate", _COMMISSION),
            _slot("unit_economics", "referral_fee_rate", r"平台(佣金|扣点|费)|扣点|referral|platform fee"),
            _slot("unit_economics", "shipping_cost", r"运费|物流|快递|shipping|postage|delivery"),
            _slot("unit_economics", "ad_cost_per_order", r"广告|投流|ads?|ad spend|cpa"),
        ),
    ),
    Intent(
        "growth_rate",
        _re(r"增长|涨了|增速|growth|grew|grow|(从|from).{0,12}(到|to)"),
        (
            _slot("growth_rate", "start_value", r"从|from|上周|last week|之前|before|起始|start"),
            _slot("growth_rate", "end_value", r"到|涨到|变成|to|now|现在|this week|本周"),
            _slot("growth_rate", "days", r"天|days?|日"),
        ),
    ),
    Intent(
        "creator_collab_return",
        _re(rf"({_CREATOR}).{{0,20}}(合作|坑位费|固定费|划算|值不值|回本|赚|return|worth|pay|fee|profit)"
            r"|坑位费|flat[- ]fee|collab(oration)?"),
        (
            _slot("creator_collab_return", "flat_fee", r"坑位费|固定费|费用|报价|flat fee|fee|charges?|costs?|pay"),
            _slot("creator_collab_return", "commission_rate", _COMMISSION),
            _slot("creator_collab_return", "sample_cost", r"样品|寄样|samples?"),
            _slot("creator_collab_return", "expected_views", _VIEWS),
            _slot("creator_collab_return", "gpm", _GPM),
            _slot("creator_collab_return", "margin", _MARGIN),
        ),
    ),
)
