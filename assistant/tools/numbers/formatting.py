"""Printing figures as the tools do, so that `find_numbers` reads them back."""

from __future__ import annotations

import math
from decimal import Decimal

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
