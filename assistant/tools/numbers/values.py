"""The value of a numeral: "1,200", "一万二", "三点五", and the vague ones "两三千", "十几", "20多万"."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.tools.numbers.grammar import ARABIC, DIG
from assistant.tools.numbers.lexicon import (
    ABOUT_INSIDE, CN_DIGITS, CN_UNITS, DIGIT_OF, LOOSE_PAIRS, MORE_WORDS, UNIT_CLASSIFIER, VAGUE_DIGIT,
)  # fmt: skip
from assistant.tools.numbers.model import NumberParseError

_PLAIN = re.compile(ARABIC)
_TOKEN = re.compile(rf"{ARABIC}|[{DIG}{VAGUE_DIGIT}]|[{''.join(CN_UNITS)}]|点|[{MORE_WORDS}{ABOUT_INSIDE}{UNIT_CLASSIFIER}]")
_LARGE_UNITS = "万萬亿億"


@dataclass(frozen=True, slots=True)
class CoreValue:
    """A numeral's lowest and highest reading (equal when exact) and how it was hedged."""

    low: float
    high: float
    scale: float
    """The trailing multiplier ("16万" → 1e4), used to widen ranges such as "10-16万"."""
    open_ended: bool = False
    """多/余: "20多万" is 200,000 or more."""
    approx: bool = False


def finite(value: float, text: str) -> float:
    if not math.isfinite(value):
        raise NumberParseError(text, "not_finite")
    return value


def _is_arabic(token: str) -> bool:
    return token[0].isdigit() or token[0] == "."


def _digit(token: str) -> float:
    return float(CN_DIGITS[token]) if token in CN_DIGITS else float(token.replace(",", ""))


def _integer_part(tokens: list[str], text: str) -> float:
    """Value of Chinese-style tokens: digits (Chinese or Arabic) and units 十百千万亿."""
    if len(tokens) > 1 and all(t in CN_DIGITS for t in tokens):
        if len(tokens) < 3:  # two digits are a vague pair ("三五"), read by `_spread`, or nothing ("三七")
            raise NumberParseError(text)
        return float("".join(str(CN_DIGITS[t]) for t in tokens))
    total = group = small = 0.0
    digit: float | None = None
    last_unit, last_small, after_zero = 0, math.inf, False
    for token in tokens:
        if token in ("零", "〇"):
            if digit is not None:
                raise NumberParseError(text)
            after_zero = True
        elif token in CN_UNITS:
            unit = CN_UNITS[token]
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


def _exact(tokens: list[str], text: str) -> float:
    """The value of a numeral with no vague digit: integer part, then "点" and its decimals."""
    if "点" not in tokens:
        return finite(_integer_part(tokens, text), text)
    cut = tokens.index("点")
    left, right = tokens[:cut], tokens[cut + 1 :]
    fraction = ""
    while right and right[0] not in CN_UNITS:
        token = right.pop(0)
        if token in CN_DIGITS:
            fraction += str(CN_DIGITS[token])
        elif token.isdigit():
            fraction += token
        else:
            raise NumberParseError(text)
    if not left or not fraction or any(t in _LARGE_UNITS for t in left) or any(t not in CN_UNITS for t in right):
        raise NumberParseError(text)
    value = _integer_part(left, text) + float("0." + fraction)
    return finite(value * math.prod(CN_UNITS[t] for t in right), text)


def _is_pair(first: str, second: str) -> bool:
    """Two digits that make a vague range: neighbours ("两三", "七八") or a loose pair ("三五")."""
    if first not in CN_DIGITS or second not in CN_DIGITS:
        return False
    low, high = CN_DIGITS[first], CN_DIGITS[second]
    return low > 0 and (high - low == 1 or (low, high) in LOOSE_PAIRS)


def _spread(tokens: list[str], text: str) -> tuple[list[str], list[str]]:
    """The numeral spelled at its lowest and its highest: "两三千" → 两千, 三千; "十几" → 十一, 十九."""
    if len(tokens) >= 3 and all(t in CN_DIGITS for t in tokens):
        return tokens, tokens  # a digit string: "一二三" = 123
    vague = [i for i, t in enumerate(tokens) if t == VAGUE_DIGIT]
    pairs = [i for i in range(len(tokens) - 1) if _is_pair(tokens[i], tokens[i + 1])]
    if len(vague) + len(pairs) > 1 or (vague and "点" in tokens):
        raise NumberParseError(text)
    if vague:
        at = vague[0]
        before = tokens[at - 1] if at else ""
        if before and _is_arabic(before):  # "20几万": 21-29万
            if not before.isdigit() or int(before) % 10 or at + 1 < len(tokens) and _is_arabic(tokens[at + 1]):
                raise NumberParseError(text)
            tens = int(before)
            return ([*tokens[: at - 1], str(tens + 1), *tokens[at + 1 :]], [*tokens[: at - 1], str(tens + 9), *tokens[at + 1 :]])
        if not any(t in CN_UNITS for t in tokens) or at + 1 < len(tokens) and _is_arabic(tokens[at + 1]):
            raise NumberParseError(text)  # "几个" asks how many; "几2" is nothing
        lowest = 2 if at == 0 else 1  # "几千" is 2,000-9,000 (一千 would be said); "十几" 11-19
        return ([*tokens[:at], DIGIT_OF[lowest], *tokens[at + 1 :]], [*tokens[:at], DIGIT_OF[9], *tokens[at + 1 :]])
    if pairs:
        at = pairs[0]
        return [*tokens[: at + 1], *tokens[at + 2 :]], [*tokens[:at], *tokens[at + 1 :]]
    return tokens, tokens


def core_value(core: str, text: str) -> CoreValue:
    """Read a numeral matched by the grammar's core; raise `NumberParseError` if it is not one."""
    if _PLAIN.fullmatch(core):  # most figures: "40", "2.86", "1,200"
        value = finite(_digit(core), text)
        return CoreValue(value, value, 1.0)
    tokens = _TOKEN.findall(core)
    if "".join(tokens) != core:
        raise NumberParseError(text)
    for prev, token in zip(tokens, tokens[1:]):
        if (_is_arabic(prev) and token in CN_DIGITS) or (prev in CN_DIGITS and _is_arabic(token)):
            raise NumberParseError(text)  # "2二": Arabic and Chinese digits glued together
    hedges = [t for t in tokens if t in MORE_WORDS or t == ABOUT_INSIDE]
    if len(hedges) > 1:
        raise NumberParseError(text)
    tokens = [t for t in tokens if t not in hedges and t != UNIT_CLASSIFIER]  # "两个亿" is 两亿
    scale = 1.0
    for token in reversed(tokens):
        if token not in CN_UNITS or token in "十拾":
            break
        scale *= CN_UNITS[token]
    lowest, highest = _spread(tokens, text)
    low = _exact(lowest, text)
    high = low if highest is lowest else _exact(highest, text)
    open_ended = bool(hedges) and hedges[0] in MORE_WORDS
    if open_ended and low != high:
        raise NumberParseError(text)  # "十几多": one hedge at a time
    return CoreValue(low, high, scale, open_ended=open_ended, approx=bool(hedges) or low != high)
