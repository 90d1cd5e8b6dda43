"""Shapes bound in code: `sum` adds up figures of one kind; `options` works one calculation per option."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from assistant.engine.reading.reading import Number, Reading, State
from assistant.engine.shapes import Shape, by_id
from assistant.engine.shapes.bind import BIND_CONFIDENCE, Binding, bind

_NOT_ADDED = ("other", "duration", "share", "probability", "share_cut", "margin", "commission_rate", "gpm", "roas",
              "conversion_rate", "change", "price")  # fmt: skip
"""Figures that are rates or per-unit values: adding them up means nothing."""
NAMES = "abcdefghijklmnopqrst"


def special(shape: Shape, reading: Reading, state: State, asked: bool = False) -> list[Binding]:
    """The bindings of a shape bound in code (`asked`: the question plainly asks for what it gives)."""
    if shape.special == "sum":
        return _sum(shape, reading, state)
    if shape.special == "options":
        return _options(shape, reading, state, asked)
    raise ValueError(f"unknown special shape {shape.special!r}")


def _addable(numbers: tuple[Number, ...]) -> list[Number]:
    return [n for n in numbers if n.confidence >= BIND_CONFIDENCE and n.role not in _NOT_ADDED and not n.percent]


def _sum(shape: Shape, reading: Reading, state: State) -> list[Binding]:
    """The figures of one kind in this message ("120 150 90 … 一共多少"), else one from each turn ("加起来")."""
    here = _addable(reading.numbers)
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
    return bindings if len(bindings) >= 2 else []
