"""Read and write the numbers sellers type, in Chinese and English.

`parse_number` reads one amount ("20万", "1.5w", "$1,200", "15%", "10-16"), `find_numbers`
finds every mention in free text (flagging years, dates and durations so callers can skip
them), and `format_number` prints figures so that `find_numbers` reads them back.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

Unit = Literal["number", "percent"]
MentionKind = Literal["amount", "year", "date", "duration"]
TimeUnit = Literal["hour", "day", "week", "month", "year"]

MAX_NUMBER_CHARS = 100
"""`parse_number` refuses longer strings: no seller types a 100-character amount."""


class ParsedNumber(BaseModel):
    """One amount or range. Percentages are fractions: "15%" has value 0.15.

    For a range, `low`/`high` are set and `value` is the midpoint; an open range
    ("100+", "100以上") sets only `low`, and `value` equals it.
    """

    model_config = ConfigDict(frozen=True)

    value: float
    unit: Unit = "number"
    currency: str | None = None
    low: float | None = None
    high: float | None = None


class NumberMention(BaseModel):
    """A number found in free text. `kind` tells amounts from years, dates and durations.

    For a date, `number` holds the year (or the month when no year is written).
    """

    model_config = ConfigDict(frozen=True)

    span: tuple[int, int]
    raw: str
    number: ParsedNumber
    kind: MentionKind = "amount"
    time_unit: TimeUnit | None = None


_REASONS: dict[str, tuple[str, str]] = {
    "empty": ("no number given", "没有填写数字"),
    "too_long": ("too long to be one number", "太长，不是一个数字"),
    "unreadable": ("not a number I can read", "无法识别为数字"),
    "not_finite": ("too large to be a real amount", "数值过大，不是有效金额"),
    "mixed_units": ("mixes a percentage with a currency", "同时含有百分比和货币单位"),
    "is_date": ("is a date or time, not an amount", "是日期或时间，不是数额"),
}


class NumberParseError(ValueError):
    """The text is not one number; the message (English) and `message_zh` quote it."""

    def __init__(self, text: object, reason: str = "unreadable") -> None:
        self.text = text if isinstance(text, str) else repr(text)
        self.reason = reason
        en, zh = _REASONS[reason]
        shown = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        self.message = f'"{shown}": {en}'
        self.message_zh = f"“{shown}”{zh}"
        super().__init__(self.message)


# --- grammar -----------------------------------------------------------------

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "兩": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_CN_UNITS = {
    "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000,
    "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8,
}  # fmt: skip
_DIG = "".join(_CN_DIGITS)
_UNIT = "".join(_CN_UNITS)
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)"
_CORE = rf"(?:{_ARABIC}|[{_DIG}十拾])[{_DIG}]*(?:(?:[{_UNIT}]+|点(?=[\d{_DIG}]))(?:{_ARABIC}|[{_DIG}]+)?)*"

_MAGNITUDES = {"k": 1e3, "w": 1e4, "m": 1e6, "b": 1e9, "bn": 1e9, "mn": 1e6,
               "thousand": 1e3, "million": 1e6, "billion": 1e9}  # fmt: skip

_PREFIX_CURRENCIES = {
    "US$": "USD", "S$": "SGD", "HK$": "HKD", "CN¥": "CNY", "JP¥": "JPY", "RM": "MYR", "Rp": "IDR",
    "$": "USD", "¥": "CNY", "€": "EUR", "£": "GBP", "₱": "PHP", "฿": "THB", "₫": "VND",
}  # fmt: skip
_CODES = ("USD", "CNY", "RMB", "JPY", "EUR", "GBP", "SGD", "MYR", "THB", "PHP", "IDR", "VND", "HKD")
_SUFFIX_CURRENCIES = {
    "美元": "USD", "美金": "USD", "刀": "USD", "人民币": "CNY", "块钱": "CNY", "块": "CNY", "元": "CNY",
    "日元": "JPY", "日币": "JPY", "円": "JPY", "欧元": "EUR", "英镑": "GBP", "新币": "SGD",
    "港币": "HKD", "港元": "HKD", "令吉": "MYR", "泰铢": "THB", "比索": "PHP", "印尼盾": "IDR",
    "越南盾": "VND", "dollars": "USD", "dollar": "USD", "bucks": "USD", "yuan": "CNY", "yen": "JPY",
}  # fmt: skip


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


_AMOUNT = re.compile(
    rf"""
    (?P<sign>[-−])?
    (?:(?P<pre>{_alternation(_PREFIX_CURRENCIES)}|(?i:{_alternation(_CODES)})(?=\s?[\d.]))\s?)?
    (?P<pctpre>百分之)?
    (?P<core>{_CORE})
    (?:(?P<mag>(?i:bn|mn)(?![A-Za-z])|[kKwWmMB](?![A-Za-z]))
      |\s?(?P<magword>(?i:thousand|million|billion))(?![A-Za-z]))?
    (?P<pct>\s?%|\s?(?i:percent|pct)(?![A-Za-z]))?
    (?:\s?(?P<suf>{_alternation(k for k in _SUFFIX_CURRENCIES if not k.isascii())}
      |(?i:{_alternation([*_CODES, *(k for k in _SUFFIX_CURRENCIES if k.isascii())])})(?![A-Za-z])))?
    (?P<plus>\+|以上)?
    """,
    re.VERBOSE,
)
_CORE_START = re.compile(rf"[\d.{_DIG}十拾](?:(?<!\.)|(?=\d))")
"""Where an amount's core can begin; `_AMOUNT` always matches here, and this scans far faster."""
_MAX_LEAD = len("-") + max(map(len, [*_PREFIX_CURRENCIES, *_CODES])) + len(" ") + len("百分之")
"""The most characters an amount can have before its core: sign, currency, space, 百分之."""
_RANGE_SEP = re.compile(r"\s*(?:-|–|—|−|~|〜|到|至|(?i:to)(?=\s))\s*")
_DURATION = re.compile(
    r"\s?(?:(?P<hour>个?小时|个?钟头|(?i:hours?|hrs?)(?![A-Za-z])|h(?![A-Za-z]))"
    r"|(?P<day>天|日|(?i:days?)(?![A-Za-z])|d(?![A-Za-z]))"
    r"|(?P<week>个?星期|个?礼拜|周|(?i:weeks?|wks?)(?![A-Za-z]))"
    r"|(?P<month>个月|(?i:months?)(?![A-Za-z]))"
    r"|(?P<year>年|(?i:years?|yrs?)(?![A-Za-z])))"
)
_MONTH, _DAY = r"(?:1[0-2]|0?[1-9])", r"(?:3[01]|[12]\d|0?[1-9])"
_DATE_LIKE = re.compile(
    rf"(?P<ymd>(?P<y1>(?:19|20)\d{{2}})(?:-{_MONTH}(?:-{_DAY})?|/{_MONTH}(?:/{_DAY})?|\.{_MONTH}\.{_DAY})(?!\d))"
    rf"|(?P<cndate>(?:(?P<y2>(?:19|20)\d{{2}})\s?年\s?)?(?P<m2>{_MONTH})\s?月(?:\s?{_DAY}\s?[日号])?)"
    rf"|(?P<cnyear>(?P<y3>(?:19|20)\d{{2}})\s?年)"
    r"|(?P<time>(?P<h4>[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d))"
)
_VAGUE_MAGNITUDE = re.compile(rf"[多几余][{_UNIT}]")
"""A vague magnitude right after a figure ("20多万"): too vague to use as one."""
_DATE_CUE = re.compile(r"\d(?=\s?[年月]|[-/.:]\d)")
"""Every date or time has one of these within its first four characters ("2024-", "3月", "9:30")."""
_YEAR_CUE = re.compile(r"(?i:\b(?:in|since|until|till|before|after|during|year|early|late|mid)\s+)$")
_APPROX_PREFIX = re.compile(r"^(?:约|大约|大概|(?i:about|around|approx\.?|approximately)\s)\s*")


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


def _normalise(text: str) -> str:
    """Fold full-width characters (１２％, ￥) one for one, so spans still index `text`."""
    return text if text.isascii() else text.translate(_fold_table())


# --- values --------------------------------------------------------------------

_PLAIN = re.compile(_ARABIC)
_TOKEN = re.compile(rf"{_ARABIC}|[{_DIG}]|[{_UNIT}]|点")


def _finite(value: float, text: str) -> float:
    if not math.isfinite(value):
        raise NumberParseError(text, "not_finite")
    return value


def _is_arabic(token: str) -> bool:
    return token[0].isdigit() or token[0] == "."


def _digit(token: str) -> float:
    return float(_CN_DIGITS[token]) if token in _CN_DIGITS else float(token.replace(",", ""))


def _integer_part(tokens: list[str], text: str) -> float:
    """Value of Chinese-style tokens: digits (Chinese or Arabic) and units 十百千万亿."""
    if len(tokens) > 1 and all(t in _CN_DIGITS for t in tokens):
        if len(tokens) < 3:  # "三五" is a vague "three to five", not 35
            raise NumberParseError(text)
        return float("".join(str(_CN_DIGITS[t]) for t in tokens))
    total = group = small = 0.0
    digit: float | None = None
    last_unit, last_small, after_zero = 0, math.inf, False
    for token in tokens:
        if token in ("零", "〇"):
            if digit is not None:
                raise NumberParseError(text)
            after_zero = True
        elif token in _CN_UNITS:
            unit = _CN_UNITS[token]
            if unit < 10**4:
                if unit >= last_small:
                    raise NumberParseError(text)
                small += (1.0 if digit is None else digit) * unit
                last_small = unit
            elif unit == 10**4:
                group = (group + small + (digit or 0.0)) * unit
                small, last_small = 0.0, math.inf
            else:
                total = (total + group + small + (digit or 0.0)) * unit
                group = small = 0.0
                last_small = math.inf
            digit, last_unit, after_zero = None, unit, False
        else:
            if digit is not None:
                raise NumberParseError(text)
            digit = _digit(token)
    if digit is not None and last_unit >= 100 and not after_zero and digit in range(1, 10):
        digit *= last_unit / 10  # colloquial "一万二" = 12,000, "三千五" = 3,500
    return total + group + small + (digit or 0.0)


def _core_value(core: str, text: str) -> tuple[float, float]:
    """(value, scale): scale is the trailing multiplier ("16万" → 1e4), used to widen ranges."""
    if _PLAIN.fullmatch(core):  # most figures: "40", "2.86", "1,200"
        return _finite(_digit(core), text), 1.0
    tokens = _TOKEN.findall(core)
    if "".join(tokens) != core:
        raise NumberParseError(text)
    for prev, token in zip(tokens, tokens[1:]):
        if (_is_arabic(prev) and token in _CN_DIGITS) or (prev in _CN_DIGITS and _is_arabic(token)):
            raise NumberParseError(text)  # "2二": Arabic and Chinese digits glued together
    scale = 1.0
    for token in reversed(tokens):
        if token not in _CN_UNITS or token in "十拾":
            break
        scale *= _CN_UNITS[token]
    if "点" not in tokens:
        return _finite(_integer_part(tokens, text), text), scale
    cut = tokens.index("点")
    left, right = tokens[:cut], tokens[cut + 1 :]
    fraction = ""
    while right and right[0] not in _CN_UNITS:
        token = right.pop(0)
        if token in _CN_DIGITS:
            fraction += str(_CN_DIGITS[token])
        elif token.isdigit():
            fraction += token
        else:
            raise NumberParseError(text)
    if not left or not fraction or any(t in "万萬亿億" for t in left) or any(t not in _CN_UNITS for t in right):
        raise NumberParseError(text)
    value = _integer_part(left, text) + float("0." + fraction)
    return _finite(value * math.prod(_CN_UNITS[t] for t in right), text), scale


@dataclass(frozen=True, slots=True)
class _Amount:
    """One matched amount before it is combined into a range."""

    start: int
    end: int
    value: float
    scale: float
    percent: bool
    currency: str | None
    open_ended: bool
    decorated: bool
    chinese_only: bool
    bare_digits: bool


def _read_amount(match: re.Match[str], text: str) -> _Amount:
    g = match.groupdict()
    value, scale = _core_value(g["core"], text)
    mag = (g["mag"] or g["magword"] or "").lower()
    if mag:
        value *= _MAGNITUDES[mag]
        scale = _MAGNITUDES[mag]
    percent = bool(g["pct"] or g["pctpre"])
    if percent:
        value /= 100
    currencies = {c for c in (_currency_of(g["pre"], prefix=True), _currency_of(g["suf"], prefix=False)) if c}
    if len(currencies) > 1 or (percent and currencies):
        raise NumberParseError(text, "mixed_units")
    if g["sign"]:
        value = -value
    decorated = any(g[k] for k in ("pre", "pctpre", "mag", "magword", "pct", "suf", "plus"))
    return _Amount(
        start=match.start(), end=match.end(), value=_finite(value, text), scale=scale, percent=percent,
        currency=currencies.pop() if currencies else None, open_ended=bool(g["plus"]), decorated=decorated,
        chinese_only=not any(c.isdigit() for c in g["core"]), bare_digits=not decorated and g["core"].isdigit(),
    )  # fmt: skip


def _currency_of(token: str | None, *, prefix: bool) -> str | None:
    if not token:
        return None
    table = _PREFIX_CURRENCIES if prefix else _SUFFIX_CURRENCIES
    code = table.get(token) or table.get(token.lower()) or token.upper()
    return "CNY" if code == "RMB" else code


def _combine(first: _Amount, second: _Amount) -> ParsedNumber | None:
    """A range from two amounts sharing units ("10-16万", "10%-20%", "$10-16"); None if they clash."""
    if first.open_ended:
        return None
    if first.currency and second.currency and first.currency != second.currency:
        return None
    if (first.percent or second.percent) and (first.currency or second.currency):
        return None
    low, high = first.value, second.value
    if second.percent and not first.percent:
        low /= 100
    if first.scale == 1 and second.scale > 1 and low * second.scale <= high:
        low *= second.scale
    low, high = min(low, high), max(low, high)
    return ParsedNumber(
        value=(low + high) / 2, unit="percent" if first.percent or second.percent else "number",
        currency=first.currency or second.currency, low=low, high=high,
    )  # fmt: skip


def _single(amount: _Amount) -> ParsedNumber:
    return ParsedNumber(
        value=amount.value, unit="percent" if amount.percent else "number", currency=amount.currency,
        low=amount.value if amount.open_ended else None,
    )  # fmt: skip


# --- scanning --------------------------------------------------------------------


_METRIC_WORDS = frozenset({"GMV", "GPM", "ROAS", "ROI", "CPM", "CPC", "CPA", "CTR", "CVR", "AOV", "USD", "RMB", "CNY", "JPY"})
"""Words a seller glues to a figure ("GMV20万", "GPM12", "USD300"); other letters make a name ("TT123", "sora2")."""


def _glued_to_word(text: str, start: int) -> bool:
    """"sora2", "Q1", "TT123", "mp4": digits stuck to a word are names, not amounts ("GMV20万" is fine)."""
    begin = start
    while begin and text[begin - 1].isascii() and text[begin - 1].isalpha():
        begin -= 1
    return begin < start and text[begin:start].upper() not in _METRIC_WORDS


def _date_mention(match: re.Match[str], text: str) -> NumberMention:
    g = match.groupdict()
    year = g["y1"] or g["y2"] or g["y3"]
    value = float(year or g["m2"] or g["h4"])
    return NumberMention(
        span=match.span(), raw=text[match.start() : match.end()], number=ParsedNumber(value=value),
        kind="year" if g["cnyear"] else "date", time_unit=None,
    )  # fmt: skip


def _amount_mention(match: re.Match[str], norm: str, text: str, strict: bool) -> tuple[NumberMention | None, int]:
    """The mention starting at `match` (a range when one follows) and where scanning resumes."""
    start = match.start()
    if match.group("sign") and start and norm[start - 1].isascii() and norm[start - 1].isalnum():
        match = _AMOUNT.match(norm, start + 1) or match
        start = match.start()
    if not strict and _glued_to_word(norm, start):
        return None, match.end()
    first = _read_amount(match, text)
    number, end, ranged = _single(first), first.end, False
    sep = None if first.open_ended else _RANGE_SEP.match(norm, end)
    following = _AMOUNT.match(norm, sep.end()) if sep else None
    if following and not following.group("sign"):
        try:
            combined = _combine(first, _read_amount(following, text))
        except NumberParseError:
            if strict:
                raise
            combined = None
        if combined:
            number, end, ranged = combined, following.end(), True
    if not strict and (norm[start - 1 : start] == "几" or _VAGUE_MAGNITUDE.match(norm, end)):
        return None, end  # "几十万", "20多万": too vague to use as a figure
    kind: MentionKind = "amount"
    time_unit: TimeUnit | None = None
    duration = None if number.unit == "percent" or number.currency else _DURATION.match(norm, end)
    if duration:
        kind, end = "duration", duration.end()
        time_unit = next(k for k, v in duration.groupdict().items() if v)  # type: ignore[assignment]
    elif (first.bare_digits and not ranged and 1900 <= first.value <= 2100 and first.value.is_integer()
          and _YEAR_CUE.search(norm[:start])):  # fmt: skip
        kind = "year"
    lone_character = first.chinese_only and not first.decorated and end - start == 1
    if not strict and lone_character and not ranged:
        return None, end  # "一个", "第一", "十分": words, not figures
    return NumberMention(span=(start, end), raw=text[start:end], number=number, kind=kind, time_unit=time_unit), end


def _next_amount(norm: str, pos: int) -> re.Match[str] | None:
    """`_AMOUNT.search(norm, pos)`, but the slow search only runs just before the next core."""
    core = _CORE_START.search(norm, pos)
    return _AMOUNT.search(norm, max(pos, core.start() - _MAX_LEAD)) if core else None


def _next_date(norm: str, pos: int) -> re.Match[str] | None:
    """`_DATE_LIKE.search(norm, pos)`, but only tried at the few starts before each date cue."""
    tried = pos
    for cue in _DATE_CUE.finditer(norm, pos):
        for start in range(max(tried, cue.start() - 3), cue.start() + 1):
            if date := _DATE_LIKE.match(norm, start):
                return date
        tried = cue.start() + 1
    return None


def _scan(text: str, *, strict: bool) -> list[NumberMention]:
    norm = _normalise(text)
    mentions: list[NumberMention] = []
    pos = 0
    date = _next_date(norm, 0)
    while pos < len(norm):
        if date and date.start() < pos:
            date = _next_date(norm, pos)
        amount = _next_amount(norm, pos)
        if date and (amount is None or date.start() <= amount.start()):
            mentions.append(_date_mention(date, text))
            pos = date.end()
            continue
        if amount is None:
            break
        try:
            mention, pos = _amount_mention(amount, norm, text, strict)
        except NumberParseError:
            if strict:
                raise
            mention, pos = None, amount.end()
        if mention:
            mentions.append(mention)
    return mentions


def find_numbers(text: str) -> list[NumberMention]:
    """Every number mentioned in `text`, left to right; words like "一个" or "sora2" are skipped."""
    if not isinstance(text, str):
        return []
    return _scan(text, strict=False)


def parse_number(text: str) -> ParsedNumber:
    """Read a string that is exactly one amount or range; raise `NumberParseError` otherwise."""
    if not isinstance(text, str):
        raise NumberParseError(text)
    stripped = text.strip()
    if not stripped:
        raise NumberParseError(text, "empty")
    if len(stripped) > MAX_NUMBER_CHARS:
        raise NumberParseError(text, "too_long")
    body = _APPROX_PREFIX.sub("", stripped, count=1)
    try:
        mentions = _scan(body, strict=True)
    except NumberParseError as exc:
        raise NumberParseError(text, exc.reason) from None
    if len(mentions) != 1 or mentions[0].span != (0, len(body)):
        raise NumberParseError(text)
    if mentions[0].kind == "date":
        raise NumberParseError(text, "is_date")
    return mentions[0].number


# --- formatting ------------------------------------------------------------------

_CURRENCY_DISPLAY: dict[str, tuple[str, str]] = {
    "USD": ("$", "美元"), "CNY": ("¥", "元"), "JPY": ("JP¥", "日元"), "EUR": ("€", "欧元"), "GBP": ("£", "英镑"),
}  # fmt: skip
"""ISO code → (English prefix, Chinese suffix); other codes print as a prefix ("SGD 12")."""
_ZH_MAGNITUDES = ((10**8, "亿"), (10**4, "万"))


def _plain(value: Decimal, digits: int) -> str:
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _zh_plain(value: Decimal, digits: int) -> str:
    """"24万" / "1.2亿" when that loses nothing at `digits` decimals, else "123,456"."""
    quantum = Decimal(1).scaleb(-digits)
    for size, name in _ZH_MAGNITUDES:
        scaled = value / size
        if value >= size and scaled == scaled.quantize(quantum):
            return _plain(scaled, digits) + name
    return _plain(value, digits)


def format_number(
    value: float, lang: str, *, currency: str | None = None, percent: bool = False, digits: int = 2
) -> str:
    """A figure as tools print it: en "2,400" / "$2,400" / "15%"; zh "2,400" / "24万美元" / "15%".

    At most `digits` decimals, trailing zeros dropped; `find_numbers` reads the text back.
    """
    if not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    if not 0 <= digits <= 10:
        raise ValueError(f"digits must be within 0..10, got {digits}")
    amount = Decimal(repr(float(value) * 100 if percent else float(value))).quantize(Decimal(1).scaleb(-digits))
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if percent:
        return f"{sign}{_plain(amount, digits)}%"
    body = _zh_plain(amount, digits) if lang == "zh" else _plain(amount, digits)
    if not currency:
        return sign + body
    prefix, suffix = _CURRENCY_DISPLAY.get(currency, (f"{currency} ", ""))
    if lang == "zh" and suffix:
        return f"{sign}{body}{suffix}"
    return f"{sign}{prefix}{body}"
