"""Sums an answer writes out ("396 ÷ 120,000 × 1,000 ≈ 3.3", "27单 × 25美元 = 675美元"): the figure
after = or ≈ is vouched for when the sum, evaluated, gives it and every operand has a source.

A chain is read from the figures `find_numbers` finds and the one operator between each pair; a
gap holding anything else (a comma, a sentence end, two operators) ends it. A spaced hyphen and
the minus sign are subtraction, so "600 − 360 = 240" is not read as the range 600-360.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.engine.sources import CONSTANTS, Kind, kind_of, tolerance
from assistant.tools.expression import ExpressionError, evaluate
from assistant.tools.numbers import NumberMention, find_numbers

_OPERATORS = {"×": "*", "*": "*", "x": "*", "÷": "/", "/": "/", "+": "+", "−": "-", "=": "=", "≈": "=", "≒": "="}
_BREAKS = set("。！？；;，,\n()（）[]【】:：")
_MINUS_PLACEHOLDER = "|"
"""Stands for a minus sign while numbers are found, so that `find_numbers` does not read a range."""
MAX_GAP = 12


@dataclass(frozen=True)
class Figure:
    mention: NumberMention
    kind: Kind


def scan_text(text: str) -> str:
    """`text` with subtraction signs replaced (same length), for finding the numbers of sums."""
    return text.replace("−", _MINUS_PLACEHOLDER).replace(" - ", f" {_MINUS_PLACEHOLDER} ")


def figures(text: str) -> list[Figure]:
    """The numbers of an answer, reading "600 − 360" as two numbers."""
    return [Figure(m, kind_of(m)) for m in find_numbers(scan_text(text))]


def _operator(gap: str) -> str | None:
    """The one operator in the text between two figures ("单 × ", " ≈ 约"), or None."""
    if len(gap) > MAX_GAP or any(c in _BREAKS for c in gap):
        return None
    found = ["-" if c == _MINUS_PLACEHOLDER else _OPERATORS[c] for c in gap.replace(" x ", " × ")
             if c == _MINUS_PLACEHOLDER or (c in _OPERATORS and c != "x")]
    return found[0] if len(found) == 1 else None


@dataclass
class Sums:
    """What the sums of an answer vouch for: figures by index, and the values they derived."""

    figures: set[int]
    values: list[float]

    def derived(self, value: float) -> bool:
        return any(abs(value - v) <= tolerance(value) for v in self.values)


def vouched(text: str, found: list[Figure], backs_operand: Callable[[float, Kind], bool]) -> Sums:
    """The results and operands of the sums an answer writes out whose operands all have a source
    (a constant such as the 1,000 of a GPM, or a result derived before); constants in any sum."""
    scanned = scan_text(text)
    sums = Sums(set(), [])
    terms: list[int] = []  # indexes of the operands of the sum being read
    ops: list[str] = []
    for i, figure in enumerate(found):
        op = None
        if terms:
            op = _operator(scanned[found[i - 1].mention.span[1] : figure.mention.span[0]])
            if _is_range(found[i - 1]) or _is_range(figure):
                op = None
        if op is None:
            terms, ops = [i], []
        elif op != "=":
            terms.append(i)
            ops.append(op)
        else:
            sums.figures.update(t for t in terms if found[t].mention.number.value in CONSTANTS)
            if ops and _equals(found, terms, ops, figure, lambda v, k: backs_operand(v, k) or sums.derived(v)):
                sums.figures.update((*terms, i))
                sums.values.append(figure.mention.number.value)
            terms, ops = [i], []  # "a × b = c ÷ d = e": c starts the next sum
    return sums


def _is_range(figure: Figure) -> bool:
    return figure.mention.number.low is not None


def _equals(found: list[Figure], terms: list[int], ops: list[str], result: Figure,
            backs_operand: Callable[[float, Kind], bool]) -> bool:  # fmt: skip
    """The sum of `terms` joined by `ops` gives `result`, and each term has a source."""
    if not all(backs_operand(found[t].mention.number.value, found[t].kind) for t in terms):
        return False
    names = {f"v{n}": found[t].mention.number.value for n, t in enumerate(terms)}
    expression = "v0" + "".join(f" {op} v{n + 1}" for n, op in enumerate(ops))
    try:
        value = evaluate(expression, names)
    except ExpressionError:
        return False
    written = result.mention.number.value
    if abs(value - written) <= tolerance(written) + abs(value) * 0.005:
        return True
    percent_stated = result.kind == "percent" and ops[-1] == "*" and names[f"v{len(ops)}"] == 100
    return percent_stated and abs(value / 100 - written) <= tolerance(written) + abs(value / 100) * 0.005
