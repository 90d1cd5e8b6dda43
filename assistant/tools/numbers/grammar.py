"""The patterns of the number grammar, built from `lexicon`: amounts, ranges, durations, dates.

`AMOUNT` matches one amount: sign, currency, then one of a slash share ("1/3"), a reached unit
("上万"), an English vague or half magnitude ("a few thousand", "half a million"), or a numeral
(Arabic or Chinese digits and units, with one vague digit 几 or pair "两三", a trailing 多/余/来,
and a "N分之" fraction before it); then magnitude, percent or 成, currency and "+"/以上.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from assistant.tools.numbers.lexicon import (
    ABOUT_INSIDE, APPROX_AFTER, APPROX_BEFORE, CHENG, CHENG_WORDS, CLASSIFIED_UNITS, CN_DIGITS, CN_UNITS, CODES, EN_FEW,
    EN_HALF, EN_TIME_UNITS, HALF, HALF_WORDS, MEASURE_WORDS, MORE_WORDS, NOT_AFTER_MORE, NOT_BEFORE_REACH, PREFIX_CURRENCIES,
    REACH_WORDS, SUFFIX_CURRENCIES, UNIT_CLASSIFIER, VAGUE_DIGIT, YUAN_WITH_TENTHS, ZH_TIME_UNITS,
)  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _spaced(words: Iterable[str]) -> str:
    """An alternation whose spaces match any run of whitespace ("tens of" also matches "tens  of")."""
    return _alternation(words).replace(r"\ ", r"\s+")


DIG = "".join(CN_DIGITS)
UNIT = "".join(CN_UNITS)
MEASURES = "".join(sorted(MEASURE_WORDS))
ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d{1,3}(?:\.\d{3}){2,}(?![\d.])|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)"
_UNIT_STARTS = "".join(sorted({w[0] for w in (*ZH_TIME_UNITS, *SUFFIX_CURRENCIES) if not w.isascii()}))
"""First characters of what may follow 来 ("十来个", "20来天", "100来块")."""
_CURRENCY_ENDS = "".join(sorted({w[-1] for w in SUFFIX_CURRENCIES if not w.isascii()}))
_CORE = (
    rf"(?:{ARABIC}{VAGUE_DIGIT}?|[{DIG}十拾{VAGUE_DIGIT}][{DIG}{VAGUE_DIGIT}]*)"
    rf"(?:(?:(?:{UNIT_CLASSIFIER}(?=[{CLASSIFIED_UNITS}]))?[{UNIT}]+|点(?=[\d{DIG}]))(?:{ARABIC}|[{DIG}{VAGUE_DIGIT}]+)?)*"
    rf"(?:(?:[{MORE_WORDS}](?![{NOT_AFTER_MORE}])|{ABOUT_INSIDE}(?=[{UNIT}{MEASURES}{_UNIT_STARTS}]))[{UNIT}]*)?"
)
_DENOMINATOR = rf"(?:\d+|[{DIG}十拾][{DIG}{UNIT}]*|[百佰千仟万萬]{{1,2}})"
"""The N of "N分之": "三分之一", "百分之十五", "千分之五", "百万分之三"."""
_LONGEST_BARE_DENOMINATOR = len("百万分之")
_SHARE = (r"(?<![\d./])(?:" + "|".join(f"{n}/(?:10|[{n + 1}-9])" if n < 9 else "9/10" for n in range(1, 10))
          + r")(?![\d/]|[.:]\d)")
"""A share written with a slash, n/d with n < d ≤ 10 ("1/3", "3/4"); other n/d are dates ("3/15") or two figures."""
_MAGNITUDE_WORDS = "hundred|thousand|million|billion"
_EN_FEW = _spaced(EN_FEW)
_EN_HALF = _spaced(EN_HALF)

AMOUNT = re.compile(
    rf"""
    (?P<sign>[-−])?
    (?:(?P<pre>{_alternation(PREFIX_CURRENCIES)}|(?i:{_alternation(CODES)})(?=\s?[\d.]))\s?)?
    (?:(?P<share>{_SHARE})
      |(?<![{NOT_BEFORE_REACH}])(?P<reach>[{REACH_WORDS}])(?P<reached>[{UNIT}]{{1,2}})(?![\d{DIG}{VAGUE_DIGIT}{MORE_WORDS}{ABOUT_INSIDE}])
      |(?P<few>(?i:(?<![a-z])(?:{_EN_FEW}))\s+)(?=(?i:{_MAGNITUDE_WORDS}))
      |(?P<half>(?i:(?<![a-z])(?:{_EN_HALF}))(?=\s)|{HALF})
      |(?:(?P<den>{_DENOMINATOR})分之)?(?P<core>{_CORE}))
    (?:(?P<mag>(?i:bn|mn)(?![A-Za-z])|[kKwWmMB](?![A-Za-z]))
      |\s?(?P<magword>(?i:{_MAGNITUDE_WORDS}))(?i:s)?(?![A-Za-z]))?
    (?P<pct>\s?%|\s?(?i:percent|pct)(?![A-Za-z])|{CHENG}(?![{CHENG_WORDS}]))?
    (?:\s?(?P<suf>{_alternation(k for k in SUFFIX_CURRENCIES if not k.isascii())}
      |(?i:{_alternation([*CODES, *(k for k in SUFFIX_CURRENCIES if k.isascii())])})(?![A-Za-z])))?
    (?P<tenths>(?<={YUAN_WITH_TENTHS})[\d{DIG}](?![\d{DIG}{UNIT}.点{MEASURES}]))?
    (?P<more>(?<=[{_CURRENCY_ENDS}])[{MORE_WORDS}](?![{NOT_AFTER_MORE}]))?
    (?P<plus>\+(?![\d.$¥])|以上)?
    """,
    re.VERBOSE,
)
CORE_START = re.compile(
    rf"[\d.{DIG}十拾{VAGUE_DIGIT}{HALF}](?:(?<!\.)|(?=\d))|(?<![{NOT_BEFORE_REACH}])[{REACH_WORDS}](?=[{UNIT}])"
    rf"|(?i:(?<![a-z])(?:{_EN_FEW}|{_EN_HALF})\s)"
)
"""Where an amount's core can begin; `AMOUNT` always matches here, and this scans far faster."""
MAX_LEAD = len("-") + max(map(len, [*PREFIX_CURRENCIES, *CODES])) + len(" ") + _LONGEST_BARE_DENOMINATOR
"""The most characters an amount can have before its core: sign, currency, space, "百万分之"."""

RANGE_SEP = re.compile(r"\s*(?:-|–|—|−|~|〜|到|至|(?i:to)(?=\s))\s*")
DURATION = re.compile(
    rf"\s?(?:(?P<ge>个)(?P<mid>[{HALF}多])?)?(?P<zh>{_alternation(ZH_TIME_UNITS)})"
    rf"(?P<tail>{HALF}(?![{HALF_WORDS}])|多(?![{NOT_AFTER_MORE}]))?"
    rf"|\s?(?P<en>(?i:{_alternation(EN_TIME_UNITS)}))(?![A-Za-z])"
    rf"|-(?P<adjective>(?i:{_alternation(set(EN_TIME_UNITS.values()))}))(?![A-Za-z])"
    r"|(?P<seconds>s)(?![A-Za-z])"
)
"""A time unit after a number: "7天", "3个月", "一个半月", "一年多", "14 days", "a 30-second video", "15s"."""
ABOUT_AFTER = re.compile(rf"[{MEASURES}]?(?:{_alternation(w for w in APPROX_AFTER if not w.isascii())})"
                         rf"|\s?(?i:{_spaced(w for w in APPROX_AFTER if w.isascii())})(?![A-Za-z])")  # fmt: skip
"""An approximation right after a figure or its measure word: "10左右", "300单左右", "300ish", "300 or so"."""
_ABOUT_BEFORE = (rf"(?:{_alternation(w for w in APPROX_BEFORE if not (w.isascii() and w[0].isalpha()))}"
                 rf"|(?i:(?<![a-z])(?:{_alternation(w for w in APPROX_BEFORE if w.isascii() and w[0].isalpha())}))\s)\s*")
ABOUT_BEFORE = re.compile(_ABOUT_BEFORE + "$")
"""An approximation right before a figure: "约20万", "大概5000", "about 300"."""

_MONTH, _DAY = r"(?:1[0-2]|0?[1-9])", r"(?:3[01]|[12]\d|0?[1-9])"
DATE_LIKE = re.compile(
    rf"(?P<ymd>(?P<y1>(?:19|20)\d{{2}})(?:-{_MONTH}(?:-{_DAY})?|/{_MONTH}(?:/{_DAY})?|\.{_MONTH}\.{_DAY})(?!\d))"
    rf"|(?P<cndate>(?:(?P<y2>(?:19|20)\d{{2}})\s?年\s?)?(?P<m2>{_MONTH})\s?月(?:\s?{_DAY}\s?[日号])?)"
    rf"|(?P<cnyear>(?P<y3>(?:19|20)\d{{2}})\s?年)"
    r"|(?P<time>(?P<h4>[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d))"
    rf"|(?P<md>(?<![\d/.])(?!(?:{_SHARE}))(?P<m5>{_MONTH})/{_DAY}(?![\d/]))"
)
"""Dates and times; "3/15" is a month and day unless it is a share ("1/3": n < d ≤ 10, see `_SHARE`)."""
DATE_CUE = re.compile(r"\d(?=\s?[年月]|[-/.:]\d)")
"""Every date or time has one of these within its first four characters ("2024-", "3月", "9:30", "3/15")."""
YEAR_CUE = re.compile(r"(?i:\b(?:in|since|until|till|before|after|during|year|early|late|mid)\s+)$")
APPROX_PREFIX = re.compile("^" + _ABOUT_BEFORE)
"""What `parse_number` strips before one amount ("约20万"), marking it approximate."""


@functools.cache
def _fold_table() -> dict[int, str]:
    """Every BMP character whose NFKC form is one other character (１→1, ％→%, ￥→¥), built once."""
    table = {}
    for code in range(0x80, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table


def normalise(text: str) -> str:
    """Fold full-width characters (１２％, ￥) one for one, so spans still index `text`."""
    return text if text.isascii() else text.translate(_fold_table())
