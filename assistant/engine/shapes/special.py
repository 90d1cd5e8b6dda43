"""Shapes bound in code: `sum` adds up costs (each per-unit cost times its count) or figures of one
kind; `options` works one calculation per option."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from assistant.engine.reading.reading import Number, Reading, State
from assistant.engine.shapes import Kind, Ref, Shape, by_id
from assistant.engine.shapes.bind import BIND_CONFIDENCE, Binding, bind

_NOT_ADDED = ("other", "duration", "share", "probability", "share_cut", "margin", "commission_rate", "gpm", "roas",
              "conversion_rate", "change", "price")  # fmt: skip
"""Figures that are rates or per-unit values: adding them up means nothing."""
NAMES = "abcdefghijklmnopqrst"
_LUMP_COSTS = ("cost_per_video", "flat_fee", "sample_cost", "ad_spend", "budget")
_COUNTS = ("videos", "samples")
NEXT_TO = 12
"""Characters within which a figure of no known role stands next to a cost ("找3个达人 坑位费一个150刀")."""


def special(shape: Shape, reading: Reading, state: State, asked: bool = False) -> list[Binding]:
    """The bindings of a shape bound in code (`asked`: the question plainly asks for what it gives)."""
    if shape.special == "sum":
        return _sum(shape, reading, state)
    if shape.special == "options":
        return _options(shape, reading, state, asked)
    if shape.special == "offers":
        return _offers(shape, reading)
    raise ValueError(f"unknown special shape {shape.special!r}")


def _addable(numbers: tuple[Number, ...]) -> list[Number]:
    return [n for n in numbers if n.confidence >= BIND_CONFIDENCE and n.role not in _NOT_ADDED and not n.percent]


def _sum(shape: Shape, reading: Reading, state: State) -> list[Binding]:
    """The costs of this message ("30 AI videos at $8 each, 6 creators at $180, plus $2,000 of ads"), else
    the figures of one kind ("120 150 90 … 一共多少"), else one from each turn ("加起来")."""
    here = _addable(reading.numbers)
    costs = _cost_total(shape, here, reading.numbers)
    if costs:
        return costs
    counts = Counter(n.role for n in here)
    role, count = counts.most_common(1)[0] if counts else ("", 0)
    numbers = [n for n in here if n.role == role] if count >= 2 else []
    if not numbers:
        per_turn: dict[str, list[Number]] = {}
        for earlier in state.readings:
            latest = {n.role: n for n in _addable(earlier.numbers)}
            for r, n in latest.items():
                per_turn.setdefault(r, []).append(n)
        grouped = [(len(v), r) for r, v in per_turn.items() if len(v) >= 2]
        if not grouped:
            return []
        role = max(grouped)[1]
        numbers = per_turn[role]
    numbers = numbers[: len(NAMES)]
    names = NAMES[: len(numbers)]
    unit = "money" if any(n.currency for n in numbers) or role in ("gmv", "ad_spend", "budget", "profit", "flat_fee",
                                                                    "cost_per_video", "sample_cost") else "count"
    derived = replace(shape, expression=" + ".join(names), unit=unit, label=role)
    return [Binding(derived, dict(zip(names, numbers, strict=True)), required_bound=frozenset(n.span for n in numbers))]


def _cost_total(shape: Shape, numbers: list[Number], every: tuple[Number, ...]) -> list[Binding]:
    """Each per-unit cost times the count nearest to it (of the same subject when there is one), plus the
    lump costs: "40 creators, $9 sample + $6 shipping each" is 40 × ($9 + $6). A plain figure of no known
    role nearer a cost than any count ("找5个达人") leaves the costs to be read back, not multiplied."""
    counts = [n for n in every if n.role in _COUNTS and not n.currency and _likelihood(n, _COUNTS) >= BIND_CONFIDENCE]
    units = [n for n in numbers if _per_unit(n)]
    if not counts or not units:
        return []
    unknown = [n for n in every if n.role == "other" and not n.currency and not n.percent]
    per_count: dict[Number, list[Number]] = {}
    for unit in units:
        near = _nearest(unit, [*counts, *unknown])
        if near.role == "other" and abs(near.span[0] - unit.span[0]) <= NEXT_TO:
            sure = dict(zip(NAMES, [*counts, *units], strict=False))
            return [Binding(shape, sure, unsure=((Ref("count", (Kind("videos"),)), near),),
                            required_bound=frozenset(n.span for n in sure.values()))]
        paired = [c for c in counts if None in (c.subject, unit.subject) or c.subject == unit.subject]
        if not paired:  # "达人一条150刀 … AI能做30条": 30 counts AI videos, not the creator's
            return []
        per_count.setdefault(_nearest(unit, paired), []).append(unit)
    lumps = [n for n in every if n.role in _LUMP_COSTS and n.currency and not _per_unit(n)
             and _likelihood(n, _LUMP_COSTS) >= BIND_CONFIDENCE]
    if len(per_count) + len(units) + len(lumps) > len(NAMES):
        return []
    budget = next((n for n in lumps if n.role == "budget"), None)
    if budget is not None:  # "plus $2,000 on GMV Max" is spent; "预算5000" caps the rest: which one, the seller says
        sure = dict(zip(NAMES, [*per_count, *units, *(n for n in lumps if n is not budget)], strict=False))
        return [Binding(shape, sure, unsure=((Ref("ad_spend", (Kind("ad_spend"),)), budget),),
                        required_bound=frozenset(n.span for n in sure.values()))]
    names = iter(NAMES)
    bound: dict[str, Number] = {}
    terms = []
    for count in sorted(per_count, key=lambda c: c.span):
        bound[name := next(names)] = count
        each = [next(names) for _ in per_count[count]]
        bound.update(zip(each, sorted(per_count[count], key=lambda u: u.span), strict=True))
        terms.append(f"{name} * ({' + '.join(each)})" if len(each) > 1 else f"{name} * {each[0]}")
    for lump in lumps:
        bound[name := next(names)] = lump
        terms.append(name)
    derived = replace(shape, expression=" + ".join(terms), unit="money", label="cost")
    return [Binding(derived, bound, required_bound=frozenset(n.span for n in bound.values()))]


def _nearest(unit: Number, candidates: list[Number]) -> Number:
    """The candidate nearest to the unit in the message, one of its subject first."""
    return min(candidates, key=lambda c: (c.subject != unit.subject, abs(c.span[0] - unit.span[0])))


def _likelihood(number: Number, roles: tuple[str, ...]) -> float:
    """How likely the figure has one of `roles`, whichever ("40": samples 0.80 + videos 0.10)."""
    runner = number.runner_up
    return number.confidence + (runner[1] if runner and runner[0] in roles else 0.0)


def _per_unit(number: Number) -> bool:
    """A cost paid once per video or sample: a video's or sample's cost unless said per month or in total,
    a flat fee when said per video ("$180 each")."""
    if number.role in ("cost_per_video", "sample_cost"):
        return number.period not in ("total", "per_month")
    return number.role == "flat_fee" and number.period == "per_video"


def _offers(shape: Shape, reading: Reading) -> list[Binding]:
    """A flat fee (maybe with a commission) or commission only ("坑位费300+15% 或者纯佣25%"): the
    commission-only words read as a zero fee; the rate nearest them is the commission-only rate."""
    sure = [n for n in reading.numbers if n.confidence >= BIND_CONFIDENCE]
    zero = next((n for n in sure if n.role == "flat_fee" and n.value == 0), None)
    fee = next((n for n in sure if n.role == "flat_fee" and n.value > 0), None)
    rates = [n for n in sure if n.role == "commission_rate" and n.percent]
    if zero is None or fee is None or not rates or len(rates) > 2:
        return []
    pure = min(rates, key=lambda r: abs(r.span[0] - zero.span[0]))
    bound = {"flat_fee": fee, "pure_rate": pure, "_zero": zero}
    bound |= {"fee_rate": r for r in rates if r is not pure}
    price = next((n for n in sure if n.role == "price"), None)
    orders = next((n for n in sure if n.role == "orders"), None)
    bound |= {"price": price} if price else {}
    bound |= {"orders": orders} if orders else {}
    missing = () if price else (Ref("price", (Kind("price"),)),)
    required = frozenset(n.span for n in (fee, pure, zero))
    return [Binding(shape, bound, missing=missing, required_bound=required)]


def _options(shape: Shape, reading: Reading, state: State, asked: bool) -> list[Binding]:
    """Each option the seller named (视频A, 链接2) or each subject (AI / creators), worked with the inner shape."""
    inner = by_id(shape.inner or "")
    known = list(state.known)
    groups: dict[str, list[Number]] = {}
    for n in known:
        key = n.option or n.subject
        if key:
            groups.setdefault(key, []).append(n)
    bindings = []
    for name, numbers in groups.items():
        binding = bind(inner, numbers, asked)
        if binding.complete:
            named = replace(inner, id=shape.id, gives=shape.gives, special=shape.special, fixed=(("label", name),))
            bindings.append(replace(binding, shape=named))
    together = frozenset(span for b in bindings for span in b.used())
    return [replace(b, together=together) for b in bindings] if len(bindings) >= 2 else []
