"""Finding numbers in free text (`find_numbers`) and reading exactly one (`parse_number`).

The scan is linear in the text: two fast searches find where the next amount core and the next
date cue are, and the full patterns only run from there.
"""

from __future__ import annotations

import re

from assistant.tools.numbers.amounts import Amount, combine, read_amount, single
from assistant.tools.numbers.grammar import (
    ABOUT_AFTER, ABOUT_BEFORE, AMOUNT, APPROX_PREFIX, CORE_START, DATE_CUE, DATE_LIKE, DURATION, MAX_LEAD, RANGE_SEP,
    YEAR_CUE, normalise,
)  # fmt: skip
from assistant.tools.numbers.lexicon import (
    ARTICLE_NUMERALS, EN_TIME_UNITS, HALF, MEASURE_WORDS, MULTIPLE, ORDINAL, ZH_TIME_UNITS,
)  # fmt: skip
from assistant.tools.numbers.model import (
    MAX_NUMBER_CHARS, MentionKind, NumberMention, NumberParseError, ParsedNumber, TimeUnit,
)  # fmt: skip

_METRIC_WORDS = frozenset({"GMV", "GPM", "ROAS", "ROI", "CPM", "CPC", "CPA", "CTR", "CVR", "AOV", "USD", "RMB", "CNY", "JPY"})
"""Words a seller glues to a figure ("GMV20万", "GPM12", "USD300"); other letters make a name ("TT123", "sora2")."""
_LOOK_BACK = 16
"""Characters before a figure searched for "约" / "about"."""


def _glued_to_word(text: str, start: int) -> bool:
    """"sora2", "Q1", "TT123", "mp4": digits stuck to a word are names, not amounts ("GMV20万" is fine)."""
    begin = start
    while begin and text[begin - 1].isascii() and text[begin - 1].isalpha():
        begin -= 1
    return begin < start and text[begin:start].upper() not in _METRIC_WORDS


def _date_mention(match: re.Match[str], text: str) -> NumberMention:
    g = match.groupdict()
    year = g["y1"] or g["y2"] or g["y3"]
    value = float(year or g["m2"] or g["h4"] or g["m5"])
    return NumberMention(
        span=match.span(), raw=text[match.start() : match.end()], number=ParsedNumber(value=value),
        kind="year" if g["cnyear"] else "date", time_unit=None,
    )  # fmt: skip


def _duration(norm: str, end: int, number: ParsedNumber) -> tuple[ParsedNumber, int, TimeUnit] | None:
    """The time unit after a figure, with "半" adding a half ("一个半月") and "多" making it open ("一个多月")."""
    match = None if number.unit == "percent" or number.currency else DURATION.match(norm, end)
    if not match or (match["zh"] == "月" and not match["ge"]):  # "3月" is March
        return None
    if match["zh"]:
        unit = ZH_TIME_UNITS[match["zh"]]
    else:
        unit = "second" if match["seconds"] else EN_TIME_UNITS[(match["en"] or match["adjective"]).lower()]
    hedges = (match["mid"] or "") + (match["tail"] or "")
    if len(hedges) > 1:
        return None
    if hedges == HALF and number.high is None:
        number = number.model_copy(update={"value": number.value + 0.5, "low": None if number.low is None else number.low + 0.5})
    elif hedges == "多" and number.high is None:
        number = number.model_copy(update={"low": number.value, "approx": True})
    elif hedges:
        return None
    return number, match.end(), unit  # type: ignore[return-value]


def _is_word(first: Amount, norm: str, start: int, end: int, kind: MentionKind, magnitude: bool) -> bool:
    """A numeral used as a word, not a figure: "一个人", "第一条", "十分", "一半" (see the package docstring)."""
    if first.half:
        return kind != "duration" and not magnitude
    if not first.bare or kind != "amount":
        return False
    measure = norm[end : end + 1]
    article = norm[start:end] in ARTICLE_NUMERALS and measure != MULTIPLE
    return measure not in MEASURE_WORDS or article or norm[start - 1 : start] == ORDINAL


def _amount_mention(match: re.Match[str], norm: str, text: str, strict: bool) -> tuple[NumberMention | None, int]:
    """The mention starting at `match` (a range when one follows) and where scanning resumes."""
    start = match.start()
    if match.group("sign") and start and norm[start - 1].isascii() and norm[start - 1].isalnum():
        match = AMOUNT.match(norm, start + 1) or match
        start = match.start()
    if not strict and norm[start].isascii() and _glued_to_word(norm, start):
        return None, match.end()
    first = read_amount(match, text)
    number, end, ranged = single(first), first.end, False
    sep = None if first.open_ended else RANGE_SEP.match(norm, end)
    following = AMOUNT.match(norm, sep.end()) if sep else None
    if following and not following.group("sign"):
        try:
            combined = combine(first, read_amount(following, text))
        except NumberParseError:
            if strict:
                raise
            combined = None
        if combined:
            number, end, ranged = combined, following.end(), True
    kind: MentionKind = "amount"
    time_unit: TimeUnit | None = None
    if duration := _duration(norm, end, number):
        kind, (number, end, time_unit) = "duration", duration
    elif (first.bare_digits and not ranged and 1900 <= first.value <= 2100 and first.value.is_integer()
          and YEAR_CUE.search(norm[:start])):  # fmt: skip
        kind = "year"
    if _is_word(first, norm, start, end, kind, bool(match.group("mag") or match.group("magword"))) and not ranged:
        if strict and first.half:
            raise NumberParseError(text)
        if not strict:
            return None, end
    number, end = _hedged(number, norm, start, end)
    return NumberMention(span=(start, end), raw=text[start:end], number=number, kind=kind, time_unit=time_unit), end


def _hedged(number: ParsedNumber, norm: str, start: int, end: int) -> tuple[ParsedNumber, int]:
    """`number` marked approximate when "约 / about" stands before it or "左右 / -ish" after it (the span takes
    in what follows, unless a measure word stands between: "300单左右" keeps "300")."""
    after = ABOUT_AFTER.match(norm, end)
    if after or ABOUT_BEFORE.search(norm, max(0, start - _LOOK_BACK), start):
        number = number.model_copy(update={"approx": True})
    if after and norm[end] not in MEASURE_WORDS:
        end = after.end()
    return number, end


def next_amount(norm: str, pos: int) -> re.Match[str] | None:
    """`AMOUNT.search(norm, pos)`, but the slow search only runs just before the next core."""
    core = CORE_START.search(norm, pos)
    return AMOUNT.search(norm, max(pos, core.start() - MAX_LEAD)) if core else None


def next_date(norm: str, pos: int) -> re.Match[str] | None:
    """`DATE_LIKE.search(norm, pos)`, but only tried at the few starts before each date cue."""
    tried = pos
    for cue in DATE_CUE.finditer(norm, pos):
        for start in range(max(tried, cue.start() - 3), cue.start() + 1):
            if date := DATE_LIKE.match(norm, start):
                return date
        tried = cue.start() + 1
    return None


def _scan(text: str, *, strict: bool) -> list[NumberMention]:
    norm = normalise(text)
    mentions: list[NumberMention] = []
    pos = 0
    date = next_date(norm, 0)
    while pos < len(norm):
        if date and date.start() < pos:
            date = next_date(norm, pos)
        amount = next_amount(norm, pos)
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
    body = APPROX_PREFIX.sub("", stripped, count=1)
    try:
        mentions = _scan(body, strict=True)
    except NumberParseError as exc:
        raise NumberParseError(text, exc.reason) from None
    if len(mentions) != 1 or mentions[0].span != (0, len(body)):
        raise NumberParseError(text)
    if mentions[0].kind == "date":
        raise NumberParseError(text, "is_date")
    number = mentions[0].number
    return number.model_copy(update={"approx": True}) if body != stripped else number
