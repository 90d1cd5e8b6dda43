"""The calculators' common parts: result shape, cited defaults, validated inputs, bilingual errors.

Every calculator builds its `CalcResult` through a `Ledger`, which records the inputs used,
the defaults cited (knowledge entry ids) or stated, and the steps in both languages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from assistant.kb.schema import Entry, Lang
from assistant.tools.numbers import NumberParseError, format_number, parse_number

LANGS: tuple[Lang, ...] = ("zh", "en")
Text = dict[str, str]
"""A user-facing text in both languages: {"zh": ..., "en": ...}."""

NumberKind = Literal["count", "money", "gpm", "rate", "days", "plain", "series"]


# --- results ---------------------------------------------------------------------


class Assumption(BaseModel):
    """A value the seller did not give: from a knowledge entry (`source`) or stated (None)."""

    field: str
    value: float | str
    source: str | None = None
    note: Text


class CalcResult(BaseModel):
    """What every calculator returns; the writer, the UI and the API render it."""

    tool: str
    inputs: dict[str, Any]
    figures: dict[str, float]
    formula: str
    steps: dict[str, list[str]]
    assumptions: list[Assumption]
    headline: Text
    sources: list[str]
    worked: Text | None = None
    """The seller's numbers in one line ("675 = 27 × 25; 3.75 = 675 ÷ 180,000 × 1,000"), for the reply."""
    verdict: dict[str, Any] | None = None
    """Where a figure sits against a cited range: {"zh": "偏低", "en": "Low", "compared": {zh, en}}."""


# --- defaults --------------------------------------------------------------------


class MissingDefault(KeyError):
    """A default's knowledge entry or key is not there (or not a number)."""

    def __init__(self, entry_id: str, key: str) -> None:
        super().__init__(f"{entry_id}.{key}")
        self.entry_id, self.key = entry_id, key


class Defaults:
    """The `numbers` of the knowledge entries, by entry id; calculators cite them as defaults."""

    def __init__(self, numbers: Mapping[str, Mapping[str, float | int | str]]) -> None:
        self._numbers = {entry_id: dict(values) for entry_id, values in numbers.items()}

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> Defaults:
        return cls({entry.id: entry.numbers for entry in entries})

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Mapping[str, float | int | str]]) -> Defaults:
        return cls(mapping)

    def get(self, entry_id: str, key: str) -> tuple[float | str, str]:
        """(value, entry_id) so the caller can cite it; raise `MissingDefault`."""
        try:
            return self._numbers[entry_id][key], entry_id
        except KeyError:
            raise MissingDefault(entry_id, key) from None

    def number(self, entry_id: str, key: str) -> float:
        value, _ = self.get(entry_id, key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise MissingDefault(entry_id, key)
        return float(value)

    def has(self, entry_id: str, key: str) -> bool:
        return key in self._numbers.get(entry_id, {})


# --- inputs ----------------------------------------------------------------------

UPPER_BOUNDS: dict[NumberKind, float] = {
    "count": 1e11, "money": 1e7, "gpm": 1e6, "rate": 1.0, "days": 3650, "plain": 1e12, "series": 1e12,
}  # fmt: skip
_MONEY_KINDS = ("money", "gpm")
SOURCES_CURRENCY = "USD"
FX_RATE_ENTRY = "usd-cny-rate"
"""The knowledge entry whose dated rate converts yuan when TK_USD_CNY is not set."""
"""The currency of the money figures (and GPMs) in the knowledge entries: TikTok Shop US."""


def number_field(
    kind: NumberKind, zh: str, en: str, description: str, *, ge: float | None = 0, gt: float | None = None,
    le: float | None = None, default: Any = None,
) -> Any:  # fmt: skip
    """A numeric input: accepts numbers or seller text ("20万", "15%", "$300"); labelled in both languages."""
    bound = {"gt": gt} if gt is not None else {"ge": ge}
    return Field(
        default, description=description, le=UPPER_BOUNDS[kind] if le is None else le, **bound,
        json_schema_extra={"kind": kind, "label": {"zh": zh, "en": en}},
    )  # fmt: skip


def field_meta(model: type[BaseModel], name: str, key: str) -> Any:
    """A field's "kind" or "label" (None for fields that have none, or unknown names)."""
    field = model.model_fields.get(name)
    extra = field.json_schema_extra if field is not None else None
    return extra.get(key) if isinstance(extra, dict) else None


def custom_error(kind: str, en: str, zh: str, **ctx: Any) -> PydanticCustomError:
    """A validation error whose type starts with "tk_" and carries its Chinese text in ctx."""
    return PydanticCustomError(kind, en, {"zh": zh, **ctx})


def _read(value: Any, kind: NumberKind) -> float:
    """A number from JSON or seller text, checked against what the field measures."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise custom_error("tk_not_number", "expects a number", "需要一个数字")
    if not isinstance(value, str):
        number = float(value) if isinstance(value, float) or abs(value) < 10**300 else math.inf
        if not math.isfinite(number):
            raise custom_error("tk_not_number", "expects a finite number", "需要一个有限的数字")
        return number
    try:
        parsed = parse_number(value)
    except NumberParseError as exc:
        raise custom_error("tk_unreadable", "{detail}", exc.message_zh, detail=exc.message) from None
    if parsed.unit == "percent" and kind != "rate":
        raise custom_error("tk_percent", "is not a percentage here", "这里不是百分比")
    if parsed.currency and kind not in _MONEY_KINDS:
        raise custom_error("tk_currency", "is not an amount of money", "这里不是金额")
    return parsed.value


def _accept_text(schema: dict[str, Any]) -> None:
    """In the JSON schema, let every numeric input also be text ("20万", "15%")."""
    for prop in schema.get("properties", {}).values():
        if prop.get("kind") in (None, "series"):
            continue
        options = prop.pop("anyOf", None) or [
            {k: prop.pop(k) for k in ("type", "minimum", "maximum", "exclusiveMinimum") if k in prop}
        ]
        prop["anyOf"] = [*options, {"type": "string"}]


class Conversion(BaseModel):
    """One amount the seller gave in yuan, as converted to US dollars."""

    field: str
    yuan: float
    dollars: float
    rate: float


def _in_dollars(model: type[BaseModel], data: dict[str, Any], found: dict[str, str], rate: float) -> dict[str, Any]:
    """The inputs with every yuan amount converted to US dollars at `rate`, and the conversions listed."""
    converted = []
    for name, currency in found.items():
        if currency == "CNY" and name != "currency":
            yuan = parse_number(data[name]).value
            converted.append(Conversion(field=name, yuan=yuan, dollars=yuan / rate, rate=rate))
    updates = {c.field: c.dollars for c in converted}
    return {**data, **updates, "currency": "USD", "converted": converted}


class CalcInput(BaseModel):
    """Base of every calculator's inputs: numbers may be text; money shares one currency."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_accept_text)

    currency: str = Field(
        "USD", pattern=r"^[A-Z]{3}$",
        description="ISO code of every money amount (default USD). Set automatically when amounts carry a "
        "currency ($, ¥, 美元, 元); amounts in different currencies are rejected, so convert first. Cited "
        "defaults are US dollars: in another currency, give those amounts too.",
        json_schema_extra={"label": {"zh": "货币", "en": "currency"}},
    )  # fmt: skip
    usd_cny: float | None = Field(
        None, gt=0, le=100,
        description="Yuan per US dollar. When amounts come in both ¥ and $, the ¥ amounts are converted to US dollars "
        "at this rate (and the answer says so); without it, mixed currencies are refused.",
        json_schema_extra={"label": {"zh": "美元兑人民币汇率", "en": "USD/CNY rate"}},
    )  # fmt: skip
    converted: SkipJsonSchema[list[Conversion]] = Field(default_factory=list, exclude=True)
    """Amounts converted at `usd_cny` (filled by validation, never by a caller)."""

    @classmethod
    def form_fields(cls) -> dict[str, Any]:
        """The inputs a person fills in (everything but what validation fills)."""
        return {name: info for name, info in cls.model_fields.items() if name != "converted"}

    @model_validator(mode="before")
    @classmethod
    def _currency_from_amounts(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        found: dict[str, str] = {}
        for name, value in data.items():
            if field_meta(cls, name, "kind") in _MONEY_KINDS and isinstance(value, str):
                try:
                    currency = parse_number(value).currency
                except NumberParseError:
                    continue  # the field validator reports it
                if currency:
                    found[name] = currency
        stated = data.get("currency")
        if isinstance(stated, str) and stated.strip():
            stated = stated.strip().upper()
            found = {"currency": stated, **found}
        codes = sorted(set(found.values()))
        rate = data.get("usd_cny")
        if codes == ["CNY", "USD"] and isinstance(rate, int | float) and not isinstance(rate, bool) and rate > 0:
            return _in_dollars(cls, data, found, float(rate))
        if len(codes) > 1:
            raise custom_error(
                "tk_currency_mix", "amounts are in different currencies ({codes}); convert them to one first",
                "金额使用了不同货币（{codes}），请先换算成同一种", codes=", ".join(codes), fields=sorted(found),
            )  # fmt: skip
        return {**data, "currency": codes[0]} if codes else data

    @field_validator("*", mode="before")
    @classmethod
    def _read_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        kind = field_meta(cls, info.field_name or "", "kind")
        if kind is None or value is None:
            return value
        if kind == "series":
            if not isinstance(value, list | tuple):
                raise custom_error("tk_series", "expects a list of numbers", "需要一组数字（列表）")
            return [_read(item, "plain") for item in value]
        return _read(value, kind)


class CalculatorInputError(ValueError):
    """Inputs a calculator cannot use: `messages` in both languages, `fields` named."""

    def __init__(self, problems: list[tuple[str, Text]]) -> None:
        self.fields = list(dict.fromkeys(name for name, _ in problems))
        self.problems = problems
        texts = list({text["en"]: text for _, text in problems}.values())  # one message per problem
        self.messages: Text = {"zh": "；".join(t["zh"] for t in texts), "en": "; ".join(t["en"] for t in texts)}
        super().__init__(self.messages["en"])

    def payload(self, tool: str) -> dict[str, Any]:
        """The structured error a tool returns instead of raising."""
        return {"tool": tool, "error": self.messages, "fields": self.fields}


_ERROR_TEXTS: dict[str, tuple[str, str]] = {
    "missing": ("is required", "必须填写"),
    "extra_forbidden": ("is not an input of this calculator", "不是这个计算器的参数"),
    "greater_than_equal": ("must be at least {ge}", "不能小于{ge}"),
    "greater_than": ("must be greater than {gt}", "必须大于{gt}"),
    "less_than_equal": ("must be at most {le}", "不能大于{le}"),
    "less_than": ("must be less than {lt}", "必须小于{lt}"),
    "int_from_float": ("must be a whole number", "必须是整数"),
    "int_parsing": ("must be a whole number", "必须是整数"),
    "int_type": ("must be a whole number", "必须是整数"),
    "float_type": ("must be a number", "必须是数字"),
    "float_parsing": ("must be a number", "必须是数字"),
    "literal_error": ("must be one of {expected}", "只能是{expected}"),
    "string_type": ("must be text", "必须是文字"),
    "string_too_short": ("must not be empty", "不能为空"),
    "string_too_long": ("is too long (at most {max_length} characters)", "太长（最多{max_length}个字符）"),
    "string_pattern_mismatch": ("must be a 3-letter currency code such as USD or CNY", "必须是三个字母的货币代码，如 USD、CNY"),
    "too_short": ("needs at least {min_length} values", "至少需要{min_length}个数"),
    "too_long": ("takes at most {max_length} values", "最多{max_length}个数"),
    "model_type": ("must be an object of named inputs", "必须是“参数名: 值”的对象"),
}
_RATE_BOUNDS = ("must be between 0 and 1, e.g. 0.15 or \"15%\"", "必须在0到1之间，例如0.15或“15%”")


def _error_text(err: Mapping[str, Any], lang: Lang, rate: bool) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind.startswith("tk_"):
        if lang == "en":
            return err["msg"]
        text = ctx["zh"]
        for key, value in ctx.items():  # not str.format: the seller's text may contain braces
            text = text.replace("{" + key + "}", str(value))
        return text
    if rate and kind in ("greater_than_equal", "less_than_equal"):
        return _RATE_BOUNDS[lang == "zh"]
    if kind not in _ERROR_TEXTS:
        return err["msg"]
    en, zh = _ERROR_TEXTS[kind]
    shown = {k: format_number(v, lang) if isinstance(v, int | float) else v for k, v in ctx.items()}
    return (zh if lang == "zh" else en).format(**shown)


def input_error(exc: ValidationError, model: type[BaseModel], raw: Mapping[str, Any]) -> CalculatorInputError:
    """Pydantic's errors as one bilingual `CalculatorInputError`, each naming its field and echoing its input."""
    problems: list[tuple[str, Text]] = []
    for err in exc.errors():
        names = [str(err["loc"][0])] if err["loc"] else list((err.get("ctx") or {}).get("fields", ["inputs"]))
        base = names[0]
        label = field_meta(model, base, "label")
        where = f"{label['zh']}（{', '.join(names)}）" if label else f"{', '.join(names)}："
        got = raw.get(base, err.get("input")) if err["loc"] else None
        echo = isinstance(got, str | int | float) and len(repr(got)) <= 40 and err["type"] != "tk_unreadable"
        rate = field_meta(model, base, "kind") == "rate"
        text: Text = {
            "en": f"{', '.join(names)}: {_error_text(err, 'en', rate)}" + (f" (got {got!r})" if echo else ""),
            "zh": f"{where}{_error_text(err, 'zh', rate)}" + (f"（输入：{got!r}）" if echo else ""),
        }
        problems.extend((name, text) for name in names)
    return CalculatorInputError(problems)


# --- the ledger: inputs, assumptions and bilingual steps of one calculation --------

Shown = tuple[float, NumberKind]
"""A number and how to print it."""


def show(value: float, kind: NumberKind, lang: Lang, currency: str) -> str:
    """One figure as the tools print it (round-trips through `find_numbers`)."""
    if kind in _MONEY_KINDS:
        return format_number(value, lang, currency=currency if kind == "money" else None)
    if kind == "rate":
        return format_number(value, lang, percent=True)
    return format_number(value, lang, digits=0 if kind in ("count", "days") else 2)


class Ledger:
    """Collects what one calculation used and said, then builds its `CalcResult`."""

    def __init__(self, tool: str, args: CalcInput, defaults: Defaults) -> None:
        self.tool, self.args, self.defaults = tool, args, defaults
        self.inputs: dict[str, Any] = {"currency": args.currency}
        self.assumptions: list[Assumption] = []
        self.steps: dict[str, list[str]] = {lang: [] for lang in LANGS}
        for c in args.converted:
            self.assume(c.field, c.dollars, FX_RATE_ENTRY, self.text(
                "¥{yuan}按汇率{rate}换算为{usd}", "¥{yuan} converted at {rate} yuan per dollar: {usd}",
                yuan=(c.yuan, "plain"), rate=(c.rate, "plain"), usd=(c.dollars, "money")))
        if "currency" not in args.model_fields_set and _gives_money(args) and not args.converted:
            self.assume("currency", args.currency, None, {
                "zh": "没写货币的金额按美元计（TikTok Shop美区）；如果是人民币，请写明“元”或“¥”",
                "en": "amounts without a currency are read as US dollars (TikTok Shop US); write ¥ or 元 for yuan",
            })  # fmt: skip

    def text(self, zh: str, en: str, **values: Shown | Text) -> Text:
        """Both languages of a template; numbers are formatted per language."""
        out: Text = {}
        for lang in LANGS:
            filled = {k: v[lang] if isinstance(v, dict) else show(v[0], v[1], lang, self.args.currency)
                      for k, v in values.items()}  # fmt: skip
            out[lang] = (zh if lang == "zh" else en).format(**filled)
        return out

    def step(self, zh: str, en: str, **values: Shown | Text) -> None:
        for lang, line in self.text(zh, en, **values).items():
            self.steps[lang].append(line)

    def given(self, name: str) -> Any:
        value = getattr(self.args, name)
        if value is not None:
            self.inputs[name] = value
        return value

    def use(self, name: str, fallback: Callable[[], float]) -> float:
        """The seller's value for `name`, else the fallback (which records its assumption)."""
        value = self.given(name)
        if value is None:
            value = fallback()
            self.inputs[name] = value
        return value

    def assume(self, name: str, value: float | str, source: str | None, note: Text) -> None:
        self.assumptions.append(Assumption(field=name, value=value, source=source, note=note))

    def state(self, name: str, value: float, kind: NumberKind, zh: str, en: str) -> float:
        """A stated assumption (no source): the note says to replace it."""
        self.assume(name, value, None, self.text(zh, en, value=(value, kind)))
        return value

    def lookup(self, name: str, entry_id: str, key: str, *, numeric: bool = True) -> Any:
        """A knowledge entry's figure used for input `name`; a missing one is an input error on `name`."""
        try:
            return self.defaults.number(entry_id, key) if numeric else self.defaults.get(entry_id, key)[0]
        except MissingDefault:
            raise CalculatorInputError([(name, {
                "zh": f"没有给出，也没有可用的默认值（知识条目 {entry_id} 缺少 {key}）：请直接给出",
                "en": f"not given, and no default is available (knowledge entry {entry_id} lacks {key}): give it",
            })]) from None  # fmt: skip

    def cite(self, name: str, entry_id: str, key: str, kind: NumberKind, zh: str, en: str) -> float:
        self._same_currency(name, entry_id, kind)
        value = self.lookup(name, entry_id, key)
        self.assume(name, value, entry_id, self.text(zh, en, value=(value, kind)))
        return value

    def cite_midpoint(self, name: str, entry_id: str, low_key: str, high_key: str, kind: NumberKind,
                      zh: str, en: str) -> float:  # fmt: skip
        self._same_currency(name, entry_id, kind)
        low, high = self.lookup(name, entry_id, low_key), self.lookup(name, entry_id, high_key)
        mid = round((low + high) / 2, 12)  # 0.15, not 0.15000000000000002
        self.assume(name, mid, entry_id, self.text(zh, en, low=(low, kind), high=(high, kind), value=(mid, kind)))
        return mid

    def _same_currency(self, name: str, entry_id: str, kind: NumberKind) -> None:
        """A cited amount is in US dollars: next to amounts in another currency it would be read as that one."""
        currency = self.args.currency
        if kind not in _MONEY_KINDS or currency == SOURCES_CURRENCY:
            return
        label = field_meta(type(self.args), name, "label") or {"zh": name, "en": name}
        raise CalculatorInputError([(name, {
            "zh": f"{label['zh']}：我手里的参考数字是美元，而你的金额是{currency}：请给出{currency}的{label['zh']}，或把金额都换算成美元",
            "en": f"{label['en']}: the reference figure I have is in US dollars and your amounts are in {currency}: give the "
                  f"{label['en']} in {currency}, or convert your amounts to USD",
        })])  # fmt: skip

    def result(
        self, figures: Mapping[str, float | None], formula: str, headline: Text, *, worked: Text | None = None,
        verdict: dict[str, Any] | None = None, cited: tuple[str, ...] = (),
    ) -> CalcResult:
        """The result; figures that are undefined (None) are left out. `cited`: entries the verdict compares with."""
        sources = list(dict.fromkeys([*(a.source for a in self.assumptions if a.source), *cited]))
        return CalcResult(
            tool=self.tool, inputs=self.inputs, figures={k: float(v) for k, v in figures.items() if v is not None},
            formula=formula, steps=self.steps, assumptions=self.assumptions, headline=headline, sources=sources,
            worked=worked, verdict=verdict,
        )  # fmt: skip


def _gives_money(args: CalcInput) -> bool:
    """The seller gave at least one amount of money."""
    return any(field_meta(type(args), name, "kind") == "money" for name in args.model_fields_set)


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None
