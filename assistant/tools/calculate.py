"""`calculate`: the one tool for a figure no calculator returns (views per video, a share, a
difference), so the model never does arithmetic in its head and grounding can check every operand."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.tools.calc_base import CalculatorInputError, Text, input_error
from assistant.tools.expression import MAX_EXPRESSION_CHARS, ExpressionError, Unit, evaluate, names, parse, show, whole_count, worked
from assistant.tools.numbers import NumberParseError, parse_number

CALCULATE_TOOL = "calculate"
MAX_VALUES = 20


class CalculateInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    expression: str = Field(min_length=1, max_length=MAX_EXPRESSION_CHARS,
                            description="Arithmetic over the names in `values`: + - * / ** ( ), min, max, abs, round. "
                                        "E.g. 'gmv / views * 1000'.")  # fmt: skip
    values: dict[str, float | str] = Field(default_factory=dict, max_length=MAX_VALUES,
                                           description="Each name's value: a number, or the figure as the seller or a tool "
                                                       "wrote it ('12万', '$396', '15%' = 0.15).")  # fmt: skip
    unit: Unit = Field("plain", description="How to show the result: money, percent (the result is a fraction: 0.33 → 33%), "
                                            "count, count_up (rounded up: orders to break even), count_down (rounded "
                                            "down: what a budget buys), ratio or plain.")  # fmt: skip
    label: str | None = Field(None, max_length=60, description="What the result is, e.g. 'GPM' or 'views per video'.")
    usd_cny: float | None = Field(None, gt=0, le=100, description="Yuan per US dollar: yuan amounts beside dollar amounts are "
                                                                  "converted to dollars at this rate (else mixed currencies are refused).")

    @field_validator("values")
    @classmethod
    def _names_are_identifiers(cls, values: dict[str, float | str]) -> dict[str, float | str]:
        bad = [name for name in values if not name.isidentifier()]
        if bad:
            raise ValueError(f"names must be identifiers such as gmv or views_per_video, not {', '.join(map(repr, bad))}")
        return values


def calculate(args: dict[str, Any]) -> dict[str, Any]:
    """The result, its worked line in both languages, and the values used; `CalculatorInputError` when unusable."""
    try:
        query = CalculateInput.model_validate(args)
    except ValidationError as exc:
        raise input_error(exc, CalculateInput, args) from None
    try:
        tree = parse(query.expression)
        values, currency, percent = _read_values(query.values)
        values, currency = _one_currency(values, currency, query.usd_cny)
        missing = [n for n in names(tree) if n not in values]
        if missing:
            raise ExpressionError(f"no value given for {', '.join(missing)}")
        result = whole_count(evaluate(tree, values), query.unit)
    except (ExpressionError, NumberParseError) as exc:
        raise CalculatorInputError([("expression", {"zh": f"无法计算：{exc}", "en": f"cannot calculate: {exc}"})]) from None
    shown: Text = {}
    lines: Text = {}
    for lang in ("zh", "en"):
        by_name = {n: show(v, "percent" if n in percent else ("money" if n in currency else "plain"), lang, currency.get(n))
                   for n, v in values.items()}  # fmt: skip
        shown[lang] = show(result, query.unit, lang, next(iter(currency.values()), "USD"))
        lines[lang] = f"{worked(tree, by_name)} = {shown[lang]}"
    return {"tool": CALCULATE_TOOL, "expression": query.expression, "values": values, "percent_values": sorted(percent),
            "result": result, "unit": query.unit, "label": query.label, "shown": shown, "worked": lines}


def _one_currency(values: dict[str, float], currency: dict[str, str], usd_cny: float | None) -> tuple[dict[str, float], dict[str, str]]:
    """Amounts in one currency: yuan converted to dollars at `usd_cny` when both are given; any other mix is
    refused (a sum of $200 and ¥80 means nothing)."""
    codes = set(currency.values())
    if len(codes) <= 1:
        return values, currency
    if codes == {"CNY", "USD"} and usd_cny:
        converted = {n: v / usd_cny if currency.get(n) == "CNY" else v for n, v in values.items()}
        return converted, {n: "USD" for n in currency}
    raise ExpressionError(f"amounts in different currencies ({', '.join(sorted(codes))}); convert them to one first")


def _read_values(given: dict[str, float | str]) -> tuple[dict[str, float], dict[str, str], set[str]]:
    """Each value as a number; which were amounts of money (and their currency) and which percentages."""
    values: dict[str, float] = {}
    currency: dict[str, str] = {}
    percent: set[str] = set()
    for name, raw in given.items():
        if isinstance(raw, str):
            parsed = parse_number(raw)
            values[name] = parsed.value
            if parsed.currency:
                currency[name] = parsed.currency
            if parsed.unit == "percent":
                percent.add(name)
        else:
            values[name] = float(raw)
    return values, currency, percent
