"""One matched amount read into figures (`read_amount`), and amounts combined into ranges (`combine`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.tools.numbers.lexicon import (
    CHENG, CN_DIGITS, CN_UNITS, EN_FEW, MAGNITUDES, PREFIX_CURRENCIES, SUFFIX_CURRENCIES,
)  # fmt: skip
from assistant.tools.numbers.model import NumberParseError, ParsedNumber
from assistant.tools.numbers.values import CoreValue, core_value, finite

_DECORATIONS = ("pre", "den", "mag", "magword", "pct", "suf", "tenths", "more", "plus", "share", "reach", "few")


@dataclass(frozen=True, slots=True)
class Amount:
    """One matched amount before it is combined into a range; `low == high` unless it is vague."""

    start: int
    end: int
    low: float
    high: float
    scale: float
    percent: float | None
    """What a written percentage divides by: 100 for "15%", 10 for "三成"; None when not a percentage."""
    currency: str | None
    open_ended: bool
    approx: bool
    decorated: bool
    bare: bool
    """A lone Chinese numeral or pair with nothing attached ("五", "十", "三五"): a word unless measured."""
    half: bool
    """Half of what follows ("半", "half a"): a number only before a magnitude or a time unit."""
    bare_digits: bool

    @property
    def value(self) -> float:
        return (self.low + self.high) / 2


def read_amount(match: re.Match[str], text: str) -> Amount:
    """The figures of one `AMOUNT` match; raise `NumberParseError` when they make no number."""
    g = match.groupdict()
    core, percent = g["core"] or "", None
    if g["share"]:
        numerator, denominator = map(int, g["share"].split("/"))
        reading, percent = CoreValue(numerator / denominator, numerator / denominator, 1.0), 1.0
    elif g["reach"]:
        value = float(math.prod(CN_UNITS[u] for u in g["reached"]))  # "上万" ≥ 10,000
        reading = CoreValue(value, value, value, open_ended=True, approx=True)
    elif g["few"]:
        if not g["magword"]:
            raise NumberParseError(text)
        factor = EN_FEW[" ".join(g["few"].lower().split())]
        reading = CoreValue(2 * factor, 9 * factor, 1.0, approx=True)  # "a few thousand" is read as 几千 is
    elif g["half"]:
        reading = CoreValue(0.5, 0.5, 1.0)
    else:
        reading = core_value(_without_dot_thousands(core, g), text)
        if g["den"]:  # "三分之一", "百分之十五"
            reading = _divided(reading, _denominator(g["den"], text))
            percent = 1.0
    low, high, scale = reading.low, reading.high, reading.scale
    mag = (g["mag"] or g["magword"] or "").lower()
    if mag:
        low, high, scale = low * MAGNITUDES[mag], high * MAGNITUDES[mag], MAGNITUDES[mag]
    if g["pct"]:
        if percent is not None or (g["pct"] == CHENG and (mag or high > 10)):
            raise NumberParseError(text)  # "百分之15%", "30成"
        percent = 10.0 if g["pct"] == CHENG else 100.0
        low, high = low / percent, high / percent
    if g["tenths"]:  # "2块5" = 2.5 yuan
        if low != high or g["more"]:
            raise NumberParseError(text)
        tenths = CN_DIGITS[g["tenths"]] if g["tenths"] in CN_DIGITS else int(g["tenths"])
        low = high = low + tenths / 10
    currencies = {c for c in (_currency_of(g["pre"], prefix=True), _currency_of(g["suf"], prefix=False)) if c}
    if len(currencies) > 1 or (percent and currencies):
        raise NumberParseError(text, "mixed_units")
    if g["sign"]:
        low, high = -high, -low
    decorated = any(g[k] for k in _DECORATIONS)
    chinese_only = bool(core) and not any(c.isdigit() for c in core)
    bare = chinese_only and not decorated and (len(core) == 1 or (len(core) == 2 and all(c in CN_DIGITS for c in core)))
    return Amount(
        start=match.start(), end=match.end(), low=finite(low, text), high=finite(high, text), scale=scale,
        percent=percent, currency=currencies.pop() if currencies else None,
        open_ended=reading.open_ended or bool(g["plus"] or g["more"]), approx=reading.approx or bool(g["more"]),
        decorated=decorated, bare=bare,
        half=bool(g["half"]), bare_digits=not decorated and core.isdigit(),
    )  # fmt: skip


_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_WHOLE_CURRENCIES = ("IDR", "VND")
"""Currencies written with dots between thousands and no decimals ("Rp89.000" is 89,000 rupiah)."""


def _without_dot_thousands(core: str, groups: dict[str, str | None]) -> str:
    """"1.500.000" (dots between thousands, unambiguous with two or more) and "Rp89.000" as plain digits."""
    if not _DOT_THOUSANDS.fullmatch(core):
        return core
    currency = _currency_of(groups["pre"], prefix=True) or _currency_of(groups["suf"], prefix=False)
    return core.replace(".", "") if core.count(".") >= 2 or currency in _WHOLE_CURRENCIES else core


def _denominator(den: str, text: str) -> float:
    """The N of "N分之": "三" → 3, "百" → 100, "百万" → 1,000,000."""
    reading = core_value(("一" + den) if den[0] in CN_UNITS else den, text)
    if reading.low != reading.high or reading.low <= 0:
        raise NumberParseError(text)
    return reading.low


def _divided(reading: CoreValue, denominator: float) -> CoreValue:
    return CoreValue(reading.low / denominator, reading.high / denominator, 1.0, reading.open_ended, reading.approx)


def _currency_of(token: str | None, *, prefix: bool) -> str | None:
    if not token:
        return None
    table = PREFIX_CURRENCIES if prefix else SUFFIX_CURRENCIES
    code = table.get(token) or table.get(token.lower()) or token.upper()
    return "CNY" if code == "RMB" else code


def combine(first: Amount, second: Amount) -> ParsedNumber | None:
    """A range from two amounts sharing units ("10-16万", "10%-20%", "$10-16", "十几到二十几"); None if they clash."""
    if first.open_ended:
        return None
    if first.currency and second.currency and first.currency != second.currency:
        return None
    if (first.percent or second.percent) and (first.currency or second.currency):
        return None
    low, high = first.low, second.high
    if second.percent and not first.percent:
        low /= second.percent
    if first.scale == 1 and second.scale > 1 and low * second.scale <= high:
        low *= second.scale
    low, high = min(low, high), max(low, high)
    return ParsedNumber(
        value=(low + high) / 2, unit="percent" if first.percent or second.percent else "number",
        currency=first.currency or second.currency, low=low, high=high, approx=first.approx or second.approx,
    )  # fmt: skip


def single(amount: Amount) -> ParsedNumber:
    """One amount as a number: a vague range ("两三千"), an open range ("20多万", "100+") or one figure."""
    ranged = amount.low != amount.high
    return ParsedNumber(
        value=amount.value, unit="percent" if amount.percent else "number", currency=amount.currency,
        low=amount.low if ranged or amount.open_ended else None, high=amount.high if ranged else None,
        approx=amount.approx,
    )  # fmt: skip
