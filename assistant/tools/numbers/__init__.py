"""Read and write the numbers sellers type, in Chinese and English.

`parse_number` reads one amount ("20万", "1.5w", "$1,200", "15%", "10-16"), `find_numbers`
finds every mention in free text (flagging years, dates and durations so callers can skip
them), and `format_number` prints figures so that `find_numbers` reads them back.

Approximate amounts are read as the grammar of numerals, and flagged `approx`:
- a pair of neighbouring digits is a range: "两三千" 2,000-3,000, "七八十" 70-80, "一百五六"
  150-160 ("三五" 3-5 is the one pair a step apart; "三七开" is a split and is not read);
- 几 is a digit left unsaid: leading, 2-9 ("几千" 2,000-9,000, "几十块" 20-90); after a unit,
  1-9 ("十几" 11-19, "二十几万" 210,000-290,000); "a few / several / tens of / hundreds of"
  before hundred/thousand/million/billion are read the same way;
- 多/余 after a figure or its currency, and 上/过/破 before a bare unit, set an open range:
  "20多万" ≥ 200,000, "3块多" ≥ 3 yuan, "上万刀" ≥ $10,000; 来 ("十来个"), "约 / 大概 / about"
  before and "左右 / -ish" after make an exact figure approximate.
Exact, with `approx` false: "三成" = 30% (a pair, "七八成" 70-80%, is approximate), fractions
"三分之一", "千分之五", and "1/3" (n/d with n < d ≤ 10; "3/15" and "5/3" stay dates), "2块5" =
2.5 yuan, "两个亿" = 2亿, halves in durations ("半个月" 0.5, "一个半月" 1.5, "half a month") and
"half a million". A Chinese digit right after an Arabic figure starts the next word ("$250一条" is
$250 a video).

A lone Chinese numeral (or pair) is a figure only when a measure word follows ("五条", "两单",
"三个样品", "三五个"), else it is a word ("十分好", "三点"). Skipped even before a measure word:
一 and 半, which are articles there ("一个人", "一条视频" = a video; but "一天" is a duration and
"翻了一倍" a number), a numeral after 第 ("第一条" is a name), and 几 with no unit ("几个人",
"发几条": mostly the question "how many", and never a figure to compute with). Video lengths are durations in
seconds or minutes ("开头3秒", "15s", "3分钟"), never amounts.
"""

from assistant.tools.numbers.formatting import format_number
from assistant.tools.numbers.model import MAX_NUMBER_CHARS, NumberMention, NumberParseError, ParsedNumber
from assistant.tools.numbers.scanning import find_numbers, parse_number

__all__ = [
    "MAX_NUMBER_CHARS", "NumberMention", "NumberParseError", "ParsedNumber", "find_numbers", "format_number",
    "parse_number",
]  # fmt: skip
