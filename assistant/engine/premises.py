"""Premise checks: a figure the seller states that the knowledge base holds otherwise.

The planner searches for the entries behind a stated premise; the reply then corrects it in its
first sentence ("不对，反过来了：…" / "No, it's the other way round: …").
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from assistant.kb.schema import Lang

_I = re.IGNORECASE
_AI = r"(?<![a-z])(?:ai|aigc)(?![a-z])|人工智能"
_BIG_SHARE = (r"一半|大半|半数|过半|三分之一|四分之一|大部分|大多数|多数|主流|\d{2}\s?%|百分之[一二三四五六七八九]十"
              r"|(?<![a-z])(?:a|one) third|(?<![a-z])half|(?<![a-z])most(?![a-z])|majority|a quarter|(?<![\d.])[2-9]\d\s?%")
_GMV = r"gmv|成交|销售额?|销量|带货|卖货|sales|revenue"
_VIDEOS = r"视频|内容|videos?|content|clips?"
_SMALL = r"不到|低于|少于|不足|under|less than|below|only"
_CLAIMED = r"占|都是|是AI|已经|听说|据说|make up|makes? up|account for|already|share of|of (all|us|the us|tiktok)|are ai|is ai|bring|brings"
_PLAN = r"打算|计划|准备|想用|我用|混合|plan|mix|split|i'll|i will|we'll"
_ORIGINAL = r"原创|真人|实拍|达人|original|creator|human|real"


@dataclass(frozen=True)
class Premise:
    """A wrong premise found in a question: what to search, which entries correct it, how to say so."""

    query: str
    entry_ids: tuple[str, ...]
    correction: dict[Lang, str]


_GMV_SHARE = Premise(
    "AIGC GMV占比 不到1% share of GMV",
    ("aigc-gmv-share", "aigc-volume-share"),
    {
        "zh": "**不对。** 文章引用的内部人士说法是：AI视频只占美区短视频的不到5%，带来的GMV不到1% {cites}（匿名内部人士说法，未经证实；官方没有公布占比）。",
        "en": "**No.** The insiders TT123 quotes put AI videos at under 5% of US short videos and under 1% of GMV {cites} "
              "(anonymous, unverified; TikTok publishes no share).",
    },
)
_VOLUME_SHARE = Premise(
    "AIGC 视频数量占比 不到5% share of videos",
    ("aigc-volume-share", "aigc-gmv-share"),
    {
        "zh": "**不是。** 文章引用的内部人士说法是：AI视频在美区短视频里占比不到5%，带来的GMV不到1% {cites}（匿名内部人士说法，未经证实；官方没有公布占比）。",
        "en": "**No.** The insiders TT123 quotes put AI videos at under 5% of US short videos, bringing under 1% of GMV {cites} "
              "(anonymous, unverified; TikTok publishes no share).",
    },
)
_GPM_SWAPPED = Premise(
    "AIGC GPM 10-16 原创 100 GPM comparison",
    ("gpm-aigc-vs-original",),
    {
        "zh": "**不对，反过来了：** 文章里较好的AI视频GPM约10-16，优质原创视频才能到100以上 {cites}（匿名内部人士说法，未经证实）。",
        "en": "**No, it's the other way round:** good AI videos reach a GPM of about 10-16 and good original videos 100+ {cites} "
              "(insider claim, unverified).",
    },
)


_AI_BANNED = Premise(
    "AIGC policy US AI-generated content allowed label not penalised",
    ("tts-aigc-policy-us",),
    {
        "zh": "**不是，TikTok Shop美区没有禁止AI视频。** 官方AIGC政策允许合规、打了AI标签的内容，不会仅因用了AI受罚；"
              "明令禁止的是冒充他人、改商品尺寸/颜色/功能、编造效果 {cites}（官方政策）。",
        "en": "**No, TikTok Shop US does not ban AI videos.** Its AIGC policy allows compliant AI content that is labelled, "
              "without penalty for using AI itself; what it bans is impersonation, changing a product's size, colour or "
              "features, and fabricated results {cites} (official policy).",
    },
)
_AI_CONTENT = r"(?:ai|aigc)\s*(?:-?generated\s*)?(?:生成的?)?\s*(?:videos?|content|视频|内容|素材)"
_BAN = r"ban(?:s|ned|ning)?|prohibit(?:s|ed)?|outlaw(?:s|ed)?|block(?:s|ed|ing)|not allowed|禁止|禁了|禁掉|封杀|不让发|不准发|不允许发?|全面禁"
_BAN_CLAIMED = (rf"(?:{_BAN})\s*(?:发|做|上传|用|post(?:ing)?\s*|upload(?:ing)?\s*|using\s*)?(?:all|every|any|所有|全部)?\s*(?:the\s*)?{_AI_CONTENT}"
                rf"|{_AI_CONTENT}\s*(?:are|is|是不是被?|是否被?|被|会被|都被|已经被|已被|现在)?\s*(?:now\s*|already\s*|being\s*)?(?:{_BAN})")
_SPECIFIC_USE = r"改|换|修|加|做成|P图|to (change|make|alter|edit|swap|add)|(?<![a-z])changing|for (my|the) product"
"""A question about one use of AI ("用AI改商品颜色被禁止吗") is a policy question, not a general claim."""


def _gpm_of(subject: str, text: str) -> float | None:
    """The GPM the text gives `subject` ("AI视频GPM有100多", "AI videos at a GPM of 100"): a number
    right after "GPM", in a clause that names the subject before it."""
    gpm = r"(?:gpm|千次成交)[^\d。；;.!?！？]{0,8}(\d+(?:\.\d+)?)"
    match = re.search(rf"(?:{subject})[^。；;.!?！？，,]{{0,24}}?{gpm}", text, _I)
    return float(match.group(1)) if match else None


def stated_premise(question: str) -> Premise | None:
    """The wrong premise `question` states, if any."""
    if not re.search(_AI, question, _I):
        return None
    if re.search(_BAN_CLAIMED, question, _I) and not re.search(_SPECIFIC_USE, question, _I):
        return _AI_BANNED
    ai, original = _gpm_of(_AI, question), _gpm_of(_ORIGINAL, question)
    if ai is not None and ai >= 50 and (original is None or original < ai):
        return _GPM_SWAPPED
    if re.search(_BIG_SHARE, question, _I) and re.search(_CLAIMED, question, _I) and not re.search(_SMALL + "|" + _PLAN, question, _I):
        if re.search(_GMV, question, _I):
            return _GMV_SHARE
        if re.search(_VIDEOS, question, _I):
            return _VOLUME_SHARE
    return None


def premise_correction(question: str, lang: Lang, retrieved: Collection[str]) -> str | None:
    """The correcting first sentence, citing the retrieved entries that hold the figure (None when no
    figure is stated wrongly, or none of those entries came back from this turn's searches)."""
    premise = stated_premise(question)
    if premise is None:
        return None
    ids = [i for i in premise.entry_ids if i in retrieved]
    if not ids:
        return None
    return premise.correction[lang].format(cites="".join(f"[{i}]" for i in ids))
