"""What the number reader returns: `ParsedNumber`, `NumberMention`, and `NumberParseError`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Unit = Literal["number", "percent"]
MentionKind = Literal["amount", "year", "date", "duration"]
TimeUnit = Literal["second", "minute", "hour", "day", "week", "month", "year"]

MAX_NUMBER_CHARS = 100
"""`parse_number` refuses longer strings: no seller types a 100-character amount."""


class ParsedNumber(BaseModel):
    """One amount or range. Percentages and shares are fractions: "15%", "三成" and "1/3" have
    values 0.15, 0.3 and 0.333….

    For a range, `low`/`high` are set and `value` is the midpoint; an open range
    ("100+", "100以上", "20多万") sets only `low`, and `value` equals it. `approx` is true when
    the seller gave the figure loosely ("两三千", "十几", "20多万", "约20万", "300左右"), so a
    caller should say "约" / "about" and not treat it as exact.
    """

    model_config = ConfigDict(frozen=True)

    value: float
    unit: Unit = "number"
    currency: str | None = None
    low: float | None = None
    high: float | None = None
    approx: bool = False


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
