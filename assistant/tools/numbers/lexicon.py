"""The words numerals are made of: digits, units, currencies, measure words, time units, and the
words that make a figure vague. Data only: `grammar` builds the patterns from these tables."""

from __future__ import annotations

CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "兩": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
CN_UNITS = {
    "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000,
    "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8,
}  # fmt: skip
UNIT_CLASSIFIER = "个"
CLASSIFIED_UNITS = "亿億"
"""Units a classifier may come before: "两个亿" = 2亿, "几个亿" = 2-9亿."""
DIGIT_OF = {value: char for char, value in CN_DIGITS.items() if char in "零一二三四五六七八九"}
"""The plain character of each digit value, used to spell a vague digit out ("几" → "二" … "九")."""

VAGUE_DIGIT = "几"
"""A digit left unsaid: "几千" 2,000-9,000 (leading: 2-9), "十几" 11-19, "二十几万" 210,000-290,000 (after a unit: 1-9)."""
LOOSE_PAIRS = frozenset({(3, 5)})
"""Pairs of digits a step apart that still make a range: "三五个" 3-5. Otherwise only neighbours do
("两三千", "七八十"); "三七开", "二八分" are splits, not ranges."""
MORE_WORDS = "多余"
"""After a figure, "or more": "20多万" ≥ 200,000, "300余单" ≥ 300, "3块多" ≥ 3 yuan."""
ABOUT_INSIDE = "来"
"""After a round figure and before its unit, "about": "十来个" ≈ 10, "20来天" ≈ 20."""
REACH_WORDS = "上过破"
"""Before a bare unit, "reaching": "上万刀" ≥ 10,000 dollars, "破万" ≥ 10,000, "上百条" ≥ 100."""
NOT_BEFORE_REACH = "马晚早网线以不经"
"""Characters that end a word with 上 or 过, so what follows is no "reaching": "马上千万别投" (at once, by all
means), "不过千万别" (but do not), "线上万" (online)."""
NOT_AFTER_MORE = "少久么"
"""多 starting a word is no "or more": "多少" how many, "多久" how long."""

CHENG = "成"
"""Tenths: "三成" = 30%, "七八成" = 70-80%."""
CHENG_WORDS = "本交功为长品员绩熟立不"
"""Characters that make a word with 成 ("成本" cost, "成交" sale, "一成不变"), so it is no tenth."""
HALF = "半"
"""A half in a duration: "半个月" 0.5 month, "一个半月" 1.5, "一年半" 1.5 years."""
HALF_WORDS = "价夜成导"
"""Characters that make a word with 半 after a duration ("7天半价" is a 7-day half-price sale)."""

MEASURE_WORDS = frozenset("个条单件支款次位家张台份套瓶盒包只双笔场轮批名人倍遍篇种组箱袋波部")
"""Classifiers that make a lone Chinese numeral a count: "五条", "两单", "三个样品", "十条视频".
Not 分 ("十分好" = very good), 点 ("三点" = 3 o'clock) or 号 ("三号" = the 3rd)."""
ARTICLE_NUMERALS = frozenset({"一", "半"})
"""Lone numerals that are words before a measure word: "一个人", "一条视频" ("a video"), "半个"."""
MULTIPLE = "倍"
"""A measure word after which 一 is still a number: "翻了一倍" (doubled), like "两倍"."""
ORDINAL = "第"
"""Before a numeral, a rank or a name: "第一条", "第五条" are skipped."""

APPROX_BEFORE = ("约", "大约", "大概", "差不多", "估计", "about", "around", "roughly", "approximately", "approx.", "approx",
                 "~")  # fmt: skip
"""Words right before a figure that make it approximate: "约20万", "about 300"."""
APPROX_AFTER = ("左右", "上下", "-ish", "ish", "or so")
"""Words right after a figure (or its measure word) that make it approximate: "10左右", "300单左右", "300ish"."""

EN_FEW = {"a few": 1, "several": 1, "tens of": 10, "hundreds of": 100}
"""English vague digits before a magnitude word, read as 几 is: "a few thousand" 2,000-9,000,
"tens of thousands" 20,000-90,000, "hundreds of thousands" 200,000-900,000."""
EN_HALF = ("half a", "half an")
"""English half before a magnitude or a time unit: "half a million", "half a month"."""

MAGNITUDES = {"k": 1e3, "w": 1e4, "m": 1e6, "b": 1e9, "bn": 1e9, "mn": 1e6,
              "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}  # fmt: skip

PREFIX_CURRENCIES = {
    "US$": "USD", "S$": "SGD", "HK$": "HKD", "CN¥": "CNY", "JP¥": "JPY", "RM": "MYR", "Rp": "IDR",
    "$": "USD", "¥": "CNY", "€": "EUR", "£": "GBP", "₱": "PHP", "฿": "THB", "₫": "VND",
}  # fmt: skip
CODES = ("USD", "CNY", "RMB", "JPY", "EUR", "GBP", "SGD", "MYR", "THB", "PHP", "IDR", "VND", "HKD")
SUFFIX_CURRENCIES = {
    "美元": "USD", "美金": "USD", "刀": "USD", "人民币": "CNY", "块钱": "CNY", "块": "CNY", "元": "CNY",
    "日元": "JPY", "日币": "JPY", "円": "JPY", "欧元": "EUR", "英镑": "GBP", "新币": "SGD",
    "港币": "HKD", "港元": "HKD", "令吉": "MYR", "泰铢": "THB", "比索": "PHP", "印尼盾": "IDR",
    "越南盾": "VND", "盾": "IDR", "镑": "GBP", "英磅": "GBP", "铢": "THB", "马币": "MYR", "菲币": "PHP",
    "baht": "THB", "ringgit": "MYR", "rupiah": "IDR", "euros": "EUR", "euro": "EUR", "dollars": "USD", "dollar": "USD", "bucks": "USD", "yuan": "CNY", "yen": "JPY",
}  # fmt: skip
YUAN_WITH_TENTHS = "块"
""""2块5" = 2.5 yuan: a digit right after 块 is tenths (毛)."""

ZH_TIME_UNITS = {
    "小时": "hour", "钟头": "hour", "天": "day", "日": "day", "星期": "week", "礼拜": "week", "周": "week",
    "月": "month", "年": "year", "分钟": "minute", "秒钟": "second", "秒": "second",
}  # fmt: skip
"""Chinese time units after a number ("7天", "3个月", "开头3秒"). 月 needs 个 ("3月" is March)."""
EN_TIME_UNITS = {
    "hours": "hour", "hour": "hour", "hrs": "hour", "hr": "hour", "h": "hour", "days": "day", "day": "day", "d": "day",
    "weeks": "week", "week": "week", "wks": "week", "wk": "week", "months": "month", "month": "month",
    "years": "year", "year": "year", "yrs": "year", "yr": "year", "minutes": "minute", "minute": "minute",
    "mins": "minute", "min": "minute", "seconds": "second", "second": "second", "secs": "second", "sec": "second",
}  # fmt: skip
"""English time units ("14 days", "2h", "a 30-second video"); "s" glued to a figure is seconds too ("15s")."""
