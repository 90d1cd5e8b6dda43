"""What each calculator is asked with: trigger words and, per input, the words that name it.

One table for both languages. A number goes to the input whose cue stands nearest to it in
the same clause (see planner.fill_slots); a unit written right after a number ("30条",
"5 products") binds tightest. So phrasings vary freely around the cues.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.kb.schema import Lang
from assistant.tools.calc_base import field_meta
from assistant.tools.calculators import CALCULATORS
from assistant.tools.numbers import NumberMention

_NO_PATTERN = re.compile(r"(?!)")


def words(*alternatives: str) -> str:
    """An alternation where Latin words only match whole (so "to" does not match in "total")."""
    return "|".join(rf"(?<![a-z]){a}(?![a-z])" if re.match(r"[a-z]", a) else a for a in alternatives)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class Slot:
    """One calculator input: the words that name it, the units written right after its number."""

    tool: str
    field: str
    cues: re.Pattern[str] = _NO_PATTERN
    units: re.Pattern[str] = _NO_PATTERN
    """Matched right after the number ("30条", "5 products")."""
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
            return number.unit == "percent" or 0 < number.value < 1
        if number.unit == "percent":
            return False
        if kind in ("days", "count"):
            return number.currency is None
        return True

    def value(self, mention: NumberMention) -> Any:
        """What the calculator receives: the seller's own text ("20万", "$300", "15%"), read by its parser;
        the bare value where the text carries something the input does not measure (days, a currency)."""
        if mention.kind == "duration" or (mention.number.currency and self.kind not in ("money", "gpm")):
            return mention.number.value
        return mention.raw


@dataclass(frozen=True)
class Intent:
    tool: str
    triggers: re.Pattern[str]
    slots: tuple[Slot, ...]
    topic: str = ""
    """Words added to the knowledge search so it finds the entries behind this calculation."""
    context: Callable[[str], dict[str, Any]] = lambda text: {}
    split_ranges: bool = False
    """Read "from 120 to 90" as two values, not a range."""
    asked: re.Pattern[str] = _NO_PATTERN
    """Words that ask for this calculation outright: it then runs on cited defaults alone (others need a
    number from the seller), and may read a number another calculation reads through the same words."""


def _slot(tool: str, name: str, cues: str = "", units: str = "", *, required: bool = False,
          zh: str = "", en: str = "") -> Slot:  # fmt: skip
    return Slot(tool, name, _re(cues) if cues else _NO_PATTERN, _re(rf"\s?(?:{units})") if units else _NO_PATTERN,
                required, {"zh": zh, "en": en})  # fmt: skip


def count_basis(text: str) -> dict[str, Any]:
    """LIVE "Watch GPM" is per 1,000 views; a count the seller calls impressions (曝光) stays impressions
    (the calculators read any other count of the seller's as views)."""
    if re.search(r"直播|(?<![a-z])live(?![a-z])|watch gpm", text, re.IGNORECASE):
        return {"gpm_basis": "views"}
    return {"gpm_basis": "impressions"} if re.search(r"曝光|展示|impressions?|imps", text, re.IGNORECASE) else {}


_VIEWS = words("播放", "曝光", "展示", "浏览", "观看", "场观", "views?", "impressions?", "plays?", "viewers")
_GPM = words("gpm", "千次成交", "千次展示成交")
_AI = words("ai", "aigc", "人工智能")
_CREATOR = words("达人", "网红", "creators?", "influencers?", "affiliates?", "ugc", "kol")
_ORIGINAL = words("原创", "自己拍", "实拍", "original", "own videos?", "shoot")
_COMMISSION = words("佣金", "commission", "提成")
_MARGIN = words("毛利率", "毛利", "利润率", "margin")
_HOW_MUCH = r"多少|几|how much|how many|what(?:'s| is| are| will be)?"

INTENTS: tuple[Intent, ...] = (
    Intent(
        "gmv_from_views",
        _re(r"(卖|带来|出|产生|做|赚|有)(了)?(多少|几)|(gmv|销售额|成交额?|营业额|收入).{0,6}(有|是|能有|会有|能到)?(多少|几)"
            r"|多少(钱|gmv|销售额|成交)|how much.{0,40}(gmv|revenue|sales|money|sell|make|bring|earn|\$\$)"
            r"|what (gmv|revenue|sales)|gmv (will|would|can|could|should|do|does|is)|(estimate|expected?|expect).{0,12}gmv"
            r"|sell for|bring in|算.{0,4}gmv|gmv range"),
        (
            _slot("gmv_from_views", "views", _VIEWS, required=True, zh="20万播放, GPM 12", en="200k views at GPM 12"),
            _slot("gmv_from_views", "gpm", _GPM),
        ),
        "GPM GMV 千次成交",
        count_basis,
    ),
    Intent(
        "views_for_target_gmv",
        _re(r"(需要|要|得)(多少|几)(播放|曝光|展示|views?)|how many (views|impressions)|views (do i|would i|will i|i) need"
            r"|(要|需要)多少\s*$|又要多少"),
        (
            _slot("views_for_target_gmv", "target_gmv", words("gmv", "销售额", "成交", "目标", "target", "sales", "revenue", "做到",
                                                              "达到", "hit", "reach", "make"),
                  required=True, zh="目标GMV 1万美元, GPM 12", en="a $10,000 GMV target at GPM 12"),
            _slot("views_for_target_gmv", "gpm", _GPM),
        ),
        "GPM 播放量 views",
        count_basis,
    ),
    Intent(
        "compare_content_options",
        _re(rf"({_AI}).{{0,40}}({_CREATOR}|{_ORIGINAL})|({_CREATOR}|{_ORIGINAL}).{{0,40}}({_AI})"
            r"|性价比|划算|更便宜|cheaper|cost[- ]effective|cost per (1,?000 )?(of )?gmv|per dollar of gmv|哪个(更)?(好|值|省)"),
        (
            _slot("compare_content_options", "ai_cost_per_video", _AI),
            _slot("compare_content_options", "creator_fee", _CREATOR + "|坑位费|" + words("fee")),
            _slot("compare_content_options", "original_cost_per_video", _ORIGINAL),
            _slot("compare_content_options", "sample_cost", words("样品", "寄样", "samples?")),
            _slot("compare_content_options", "commission_rate", _COMMISSION),
            _slot("compare_content_options", "views_per_video", _VIEWS),
            _slot("compare_content_options", "ai_gpm", rf"({_AI}).{{0,8}}({_GPM})|({_GPM}).{{0,8}}({_AI})"),
            _slot("compare_content_options", "creator_gpm", rf"({_CREATOR}).{{0,8}}({_GPM})"),
            _slot("compare_content_options", "original_gpm", rf"({_ORIGINAL}).{{0,8}}({_GPM})"),
        ),
        "AI视频 达人 原创 成本 cost ratio creator original",
        asked=_re(r"性价比|划算|更便宜|便宜|省钱|cheaper|cost[- ]effective|cost per|per dollar|成本"),
    ),
    Intent(
        "risk_adjusted_return",
        _re(r"概率|几率|期望(利润|收益)?|expected (profit|return|value)|risk[- ]adjusted|probability|chance of"
            r"|break[- ]?even (probability|risk)"
            rf"|({_AI}).{{0,60}}(赚了吗|赚钱吗|能赚钱|能不能赚|有没有赚|亏了吗|亏不亏|profitable|make money|making money"
            r"|turn a profit|lose money|losing money)"),
        (
            _slot("risk_adjusted_return", "probability", words("概率", "几率", "可能性", "chance", "probability", "risk")),
            _slot("risk_adjusted_return", "videos", units=words("条", "个视频", "条ai视频", "ai videos?", "videos?", "clips?")),
            _slot("risk_adjusted_return", "views_per_video", _VIEWS),
            _slot("risk_adjusted_return", "gpm", _GPM),
            _slot("risk_adjusted_return", "cost_per_video", words("成本", "每条", "单条", "cost", "each", "per video", "at")),
            _slot("risk_adjusted_return", "margin", _MARGIN),
            _slot("risk_adjusted_return", "throttle_gmv_loss", words("损失", "少了", "掉", "lose", "loses", "lost", "wipes?")),
            _slot("risk_adjusted_return", "account_replacement_cost", words("账号", "起号", "重建", "买号", "account", "replace",
                                                                            "rebuild", "new account")),
        ),
        "限流 账号风险 throttling account risk",
    ),
    Intent(
        "implied_gmv_share",
        _re(r"(gmv|成交|销售).{0,10}(占比|份额|share)|(占|贡献)多少(的)?(gmv|成交)|share of (gmv|sales)|implied"
            r"|对得上|说得通|consistent|add up|adds up"),
        (
            _slot("implied_gmv_share", "volume_share", words("数量", "占", "videos?", "volume", "share", "of all")),
            _slot("implied_gmv_share", "ai_gpm", rf"({_AI}).{{0,40}}({_GPM})|({_GPM}).{{0,8}}({_AI})"),
            _slot("implied_gmv_share", "other_gpm", words("原创", "其他", "其它", "人工", "真人", "original", "other", "human")),
        ),
        "AIGC 数量占比 GMV占比 share",
        asked=_re(r"对得上|说得通|矛盾|consistent|add up|adds up|contradict"),
    ),
    Intent(
        "plan_test_budget",
        _re(r"预算|怎么分配|分配|测品计划|测试计划|test(ing)? (plan|budget)|budget|three[- ]wave|三波|三步走|三个阶段|wave 1"),
        (
            _slot("plan_test_budget", "total_budget", words("预算", "budget", "总共", "一共", "total", "have"), required=True,
                  zh="预算5000美元, 测5个品, 每个3个脚本", en="a $5,000 budget for 5 products, 3 scripts each"),
            _slot("plan_test_budget", "products", units=words("个品", "款", "个商品", "个产品", "products?", "skus?", "items?")),
            _slot("plan_test_budget", "scripts_per_product",
                  units=words("个脚本", "条脚本", "scripts?", "versions?", "hooks?", "ai scripts?", "ai videos?( each)?")),
            _slot("plan_test_budget", "ai_cost_per_video", _AI),
            _slot("plan_test_budget", "creator_cost_per_video", _CREATOR),
            _slot("plan_test_budget", "original_cost_per_video", _ORIGINAL),
            _slot("plan_test_budget", "creator_videos_per_winner",
                  units=words("条达人视频", "个达人视频", "creator videos?")),
            _slot("plan_test_budget", "winners_share", words("跑出", "爆", "winners?", "win", "hit rate")),
        ),
        "三波 测品 测脚本 three wave test",
    ),
    Intent(
        "unit_economics",
        _re(r"利润|赚多少|毛利|净利|保本|盈亏|roas|roi|投产比|margin|profit|unit economics|每单(能)?赚|单均|per order"),
        (
            _slot("unit_economics", "price", words("售价", "卖价", "定价", "价格", "客单价", "单价", "price", "sells? for",
                                                   "selling at", "retail"),
                  required=True, zh="售价$29.9, 货本$8, 运费$5", en="price $29.90, product cost $8, shipping $5"),
            _slot("unit_economics", "product_cost", words("货本", "成本", "进价", "采购", "货", "头程", "cogs", "product cost",
                                                          "landed cost", "costs? me", "unit cost", "cost"),
                  required=True, zh="售价$29.9, 货本$8", en="price $29.90 and product cost $8"),
            _slot("unit_economics", "commission_rate", _COMMISSION),
            _slot("unit_economics", "referral_fee_rate", words("平台佣金", "平台扣点", "平台", "扣点", "referral", "platform fee")),
            _slot("unit_economics", "shipping_cost", words("运费", "尾程", "物流", "快递", "shipping", "postage", "delivery")),
            _slot("unit_economics", "ad_cost_per_order", words("广告", "投流", "ads?", "ad spend", "cpa")),
            _slot("unit_economics", "roas", words("roas", "roi", "投产")),
        ),
        "平台佣金 扣点 referral fee 利润",
    ),
    Intent(
        "growth_rate",
        _re(r"增长|涨了|增速|涨幅|变化|growth|grew|growing|change in percent|(从|from).{0,16}(到|to)"),
        (
            _slot("growth_rate", "start_value", words("从", "from", "上周", "last week", "之前", "前", "before", "起始", "start",
                                                      "was")),
            _slot("growth_rate", "end_value", words("到", "涨到", "变成", "to", "now", "现在", "this week", "本周", "这周")),
            _slot("growth_rate", "days", units=words("天", "days?", "日")),
        ),
        "7天增长 选品 product selection growth",
        split_ranges=True,
    ),
    Intent(
        "creator_collab_return",
        _re(rf"({_CREATOR}).{{0,60}}(合作|坑位费|固定费|要价|报价|收费|划算|值不值|回本|赚|return|worth|pay|fee|charges?|profit)"
            r"|坑位费|flat[- ]fee|collab(oration)?"),
        (
            _slot("creator_collab_return", "flat_fee", words("坑位费", "固定费", "费用", "报价", "要价", "收费", "flat fee", "fee", "charges?",
                                                             "costs?", "pay")),
            _slot("creator_collab_return", "commission_rate", _COMMISSION),
            _slot("creator_collab_return", "sample_cost", words("样品", "寄样", "samples?")),
            _slot("creator_collab_return", "expected_views", _VIEWS),
            _slot("creator_collab_return", "gpm", _GPM),
            _slot("creator_collab_return", "margin", _MARGIN),
        ),
        "达人合作 佣金 creator commission",
    ),
)
