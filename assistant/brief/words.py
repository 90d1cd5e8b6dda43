"""The brief's own words in Chinese and English (the page and the PDF say the same)."""

from __future__ import annotations

from assistant.kb.schema import Lang

WORDS: dict[str, dict[Lang, str]] = {
    "title": {"zh": "决策简报", "en": "Decision brief"},
    "question": {"zh": "问题", "en": "The question"},
    "verdict": {"zh": "结论", "en": "Verdict"},
    "reply": {"zh": "说明", "en": "In short"},
    "numbers": {"zh": "你的数字与计算", "en": "Your numbers and the sums"},
    "given": {"zh": "你给的数字", "en": "Your figures"},
    "worked": {"zh": "计算过程", "en": "Worked lines"},
    "assumed": {"zh": "用到的默认值", "en": "Defaults used"},
    "sources": {"zh": "来源与证据等级", "en": "Sources and how strong they are"},
    "disputed": {"zh": "有分歧的地方", "en": "What is disputed"},
    "none_disputed": {"zh": "引用的来源之间没有矛盾。", "en": "The cited sources do not contradict each other."},
    "undated": {"zh": "未注明日期", "en": "undated"},
    "stale": {"zh": "已过复核期限，可能已过时", "en": "past its review date: may be out of date"},
    "dates": {"zh": "回答于 {answered} · 分享于 {shared}", "en": "Answered {answered} · shared {shared}"},
    "pdf": {"zh": "下载 PDF", "en": "Download PDF"},
    "footer": {
        "zh": "由 tk-advisor 生成：数字由确定的计算器算出，结论按证据等级权衡。不构成财务或法律建议。",
        "en": "Made by tk-advisor: the numbers come from deterministic calculators, the verdict weighs its evidence. "
        "Not financial or legal advice.",
    },
    "gone": {"zh": "这个分享链接不存在或已被停止分享。", "en": "This shared link does not exist or was revoked by its owner."},
}


def word(key: str, lang: Lang, **values: object) -> str:
    text = WORDS[key][lang]
    return text.format(**values) if values else text
