"""Arithmetic over named quantities, read with the standard `ast` module and never `eval`.

`evaluate("gmv / views * 1000", {"gmv": 396, "views": 120000})` is 3.3; `worked` writes the same
sum with the numbers in place, as a seller reads it: "396 ÷ 120,000 × 1,000 = 3.3". Only numbers,
names, + − × ÷, powers with a small exponent, parentheses and min/max/abs/round are accepted.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any, Literal

from assistant.tools.numbers import format_number

MAX_EXPRESSION_CHARS = 300
MAX_NODES = 80
MAX_EXPONENT = 100
Unit = Literal["plain", "money", "percent", "count", "count_up", "count_down", "ratio"]
"""`count_up`: a count that must be reached (orders to break even), shown rounded up; `count_down`: what a
budget buys (creators at a fee), shown rounded down."""

_BINARY: dict[type[ast.operator], tuple[Callable[[float, float], float], str, int]] = {
    ast.Add: (operator.add, "+", 1), ast.Sub: (operator.sub, "−", 1),
    ast.Mult: (operator.mul, "×", 2), ast.Div: (operator.truediv, "÷", 2), ast.Pow: (operator.pow, "^", 3),
}  # fmt: skip
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_FUNCTIONS: dict[str, Callable[..., float]] = {"min": min, "max": max, "abs": abs, "round": round}
_SYMBOLS = str.maketrans({"×": "*", "÷": "/", "−": "-", "^": "**", "，": ",", "（": "(", "）": ")"})


class ExpressionError(ValueError):
    """An expression that is not plain arithmetic over the given names, or has no finite value."""


def parse(expression: str) -> ast.expr:
    """The expression's tree; `ExpressionError` when it is not arithmetic this module evaluates."""
    if not isinstance(expression, str) or not expression.strip():
        raise ExpressionError("the expression is empty")
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(f"the expression is longer than {MAX_EXPRESSION_CHARS} characters")
    try:
        tree = ast.parse(expression.translate(_SYMBOLS).strip(), mode="eval").body
    except SyntaxError:
        raise ExpressionError(f"'{expression}' is not an arithmetic expression") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"the expression has more than {MAX_NODES} parts; split it")
    for node in nodes:
        if not isinstance(node, ast.BinOp | ast.UnaryOp | ast.Constant | ast.Name | ast.Call | ast.Load | ast.operator | ast.unaryop):
            raise ExpressionError(f"'{ast.unparse(node)}' is not allowed: use numbers, names, + - * / ** and ( )")
    return tree


def names(tree: ast.expr) -> list[str]:
    """The quantities an expression uses, in order of first use (function names excluded)."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return list(dict.fromkeys(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called))


def literals(tree: ast.expr) -> list[float]:
    """The numbers written into the expression itself (not given by name)."""
    return [float(n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and _is_number(n.value)]


def evaluate(expression: str | ast.expr, values: Mapping[str, float]) -> float:
    """The expression's value; `ExpressionError` for an unknown name, a division by zero or a value that is not finite."""
    tree = parse(expression) if isinstance(expression, str) else expression
    try:
        result = _value(tree, values)
    except ZeroDivisionError:
        raise ExpressionError("division by zero") from None
    except OverflowError:
        raise ExpressionError("the result is too large") from None
    if isinstance(result, complex) or not math.isfinite(result):
        raise ExpressionError("the result is not a finite number")
    return float(result)


def _value(node: ast.expr, values: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant):
        if not _is_number(node.value):
            raise ExpressionError(f"{node.value!r} is not a number")
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise ExpressionError(f"'{node.id}' has no value: give it under `values`")
        return float(values[node.id])
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_value(node.operand, values))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left, values), _value(node.right, values)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise ExpressionError(f"exponents above {MAX_EXPONENT} are not allowed")
        return _BINARY[type(node.op)][0](left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS and not node.keywords:
        args = [_value(a, values) for a in node.args]
        most = {"abs": 1, "round": 2}.get(node.func.id, MAX_NODES)
        if not args or len(args) > most:
            raise ExpressionError(f"{node.func.id}() got the wrong number of arguments")
        if node.func.id == "round" and len(args) == 2:
            return float(round(args[0], int(args[1])))
        return float(_FUNCTIONS[node.func.id](*args))
    raise ExpressionError(f"'{ast.unparse(node)}' is not allowed: use numbers, names, + - * / ** and ( ) or min/max/abs/round")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def whole_count(value: float, unit: Unit) -> float:
    """A `count_up` result rounded up, a `count_down` one rounded down; any other as it is."""
    if unit == "count_up":
        return float(math.ceil(value - 1e-9))
    return float(math.floor(value + 1e-9)) if unit == "count_down" else value


def show(value: float, unit: Unit, lang: str, currency: str | None = None) -> str:
    """A value as the reply should write it: money with its currency, a percentage from its fraction,
    small values with enough decimals to keep two significant digits."""
    if unit in ("count_up", "count_down"):
        value, unit = whole_count(value, unit), "count"
    scaled = abs(value * 100 if unit == "percent" else value)
    digits = 2 if scaled == 0 or scaled >= 1 else min(10, 1 - math.floor(math.log10(scaled)))
    if unit == "count":
        digits = 0 if scaled >= 10 else digits
    return format_number(value, lang, currency=currency if unit == "money" else None, percent=unit == "percent", digits=digits)


def worked(tree: ast.expr, shown: Mapping[str, str]) -> str:
    """The expression with each name replaced by its shown value and the operators a seller writes."""
    return _render(tree, shown, 0)


def _render(node: ast.expr, shown: Mapping[str, str], outer: int) -> str:
    if isinstance(node, ast.Constant):
        return format_number(float(node.value), "en", digits=10)
    if isinstance(node, ast.Name):
        return shown.get(node.id, node.id)
    if isinstance(node, ast.UnaryOp):
        return ("−" if isinstance(node.op, ast.USub) else "") + _render(node.operand, shown, 4)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return f"{node.func.id}({', '.join(_render(a, shown, 0) for a in node.args)})"
    if isinstance(node, ast.BinOp):
        _, symbol, rank = _BINARY[type(node.op)]
        right_rank = rank + (0 if isinstance(node.op, ast.Add | ast.Mult) else 1)
        text = f"{_render(node.left, shown, rank)} {symbol} {_render(node.right, shown, right_rank)}"
        return f"({text})" if rank < outer else text
    return ast.unparse(node)
