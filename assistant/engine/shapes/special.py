"""Shapes bound in code: `sum` adds up costs (each per-unit cost times its count) or figures of one
kind; `options` works one calculation per option; `offers` sets a flat fee against commission only;
`ratio` sets one subject's cost per video against another's; `split` works out each share of a budget."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from assistant.engine.reading.reading import Number, Reading, State
from assistant.engine.shapes import WANTS, Kind, Ref, Shape, by_id
from assistant.engine.lexicon import terms
from assistant.engine.shapes.bind import BIND_CONFIDENCE, UNSURE_FLOOR, Binding, bind

_NOT_ADDED = ("other", "duration", "share", "probability", "share_cut", "margin", "commission_rate", "gpm", "roas",
              "conversion_rate", "change", "price")  # fmt: skip
"""Figures that are rates or per-unit values: adding them up means nothing."""
NAMES = "abcdefghijklmnopqrst"
_LUMP_COSTS = ("cost_per_video", "flat_fee", "sample_cost", "ad_spend", "budget")
_COUNTS = ("videos", "samples")
_UNIT_COSTS = ("cost_per_video", "flat_fee", "sample_cost", "product_cost")
"""What one video may cost: its making, a creator's fee, the sample sent and the goods in it."""
_RESULTS = ("gmv", "views", "orders", "gpm", "roas")
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
    if shape.special == "ratio":
        return _ratio(shape, reading, state)
    if shape.special == "split":
        return _split(shape, reading)
    raise ValueError(f"unknown special shape {shape.special!r}")


def _addable(numbers: tuple[Number, ...]) -> list[Number]:
    return [n for n in numbers if n.confidence >= BIND_CONFIDENCE and n.role not in _NOT_ADDED and not n.percent]


def _sum(shape: Shape, reading: Reading, state: State) -> list[Binding]:
    """The costs of this message ("30 AI videos at $8 each, 6 creators at $180, plus $2,000 of ads"), else
    the figures of one kind ("120 150 90 … 一共多少"), else one from each turn ("加起来")."""
    here = _addable(reading.numbers)
    costs = _cost_total(shape, state, reading)
    if costs:
        return costs
    counts = Counter(n.role for n in here)
    role, count = counts.most_common(1)[0] if counts else ("", 0)
    numbers = [n for n in here if n.role == role] if count >= 2 else []
    if not numbers:
        if "total" not in WANTS.labels(reading.text):  # "如果只出20条呢" varies a figure; it does not add the turns
            return []
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


def _cost_total(shape: Shape, state: State, reading: Reading) -> list[Binding]:
    """Each per-unit cost times the count nearest to it (of the same subject when there is one), plus the
    lump costs: "40 creators, $9 sample + $6 shipping each" is 40 × ($9 + $6). A count a day runs over the
    days the message names; a count per account over the accounts ("20个号 每天10条 一个月": 20 × 10 × 30).
    A follow-up that gives only counts ("那5个号 每天3条呢") prices them at the unit costs known before.
    A plain figure of no known role nearer a cost than any count ("找5个达人") leaves the costs to be read
    back, not multiplied."""
    every = reading.numbers
    counts = [n for n in every if n.role in _COUNTS and not n.currency and _likelihood(n, _COUNTS) >= BIND_CONFIDENCE]
    units = [n for n in every if _per_unit(n)]
    earlier: tuple[Number, ...] = ()
    if counts and not units and "calculate" in state.last_tools:
        earlier = tuple(n for n in state.known if n not in every)
        units = [n for n in earlier if _per_unit(n)]
    if not counts or not units:
        return []
    accounts = _accounts(reading)
    unknown = [n for n in every if n.role == "other" and not n.currency and not n.percent and n not in accounts]
    per_count: dict[Number, list[Number]] = {}
    for unit in units:
        near = _nearest(unit, [*counts, *unknown]) if unit in every else counts[0]
        if near.role == "other" and abs(near.span[0] - unit.span[0]) <= NEXT_TO:
            sure = dict(zip(NAMES, [*counts, *units], strict=False))
            return [Binding(shape, sure, unsure=((Ref("count", (Kind("videos"),)), near),),
                            required_bound=frozenset(n.span for n in sure.values()))]
        paired = [c for c in counts if None in (c.subject, unit.subject) or c.subject == unit.subject]
        if not paired:  # "达人一条150刀 … AI能做30条": 30 counts AI videos, not the creator's
            return []
        per_count.setdefault(_nearest(unit, paired) if unit in every else paired[0], []).append(unit)
    lumps = [n for n in (*every, *earlier) if n.role in _LUMP_COSTS and n.currency and not _per_unit(n)
             and _likelihood(n, _LUMP_COSTS) >= BIND_CONFIDENCE]
    doubtful = [n for n in every if n.currency and n not in units and n not in lumps
                and UNSURE_FLOOR <= _likelihood(n, (*_UNIT_COSTS, *_LUMP_COSTS)) < BIND_CONFIDENCE]
    if doubtful:  # "月费149刀" read unsurely: asked about, never left out of a cost it may belong to
        sure = dict(zip(NAMES, [*per_count, *units, *lumps], strict=False))
        return [Binding(shape, sure, unsure=((Ref("cost", (Kind("cost_per_video"),)), doubtful[0]),),
                        required_bound=frozenset(n.span for n in sure.values()))]
    scales = {c: [*accounts, *_days(c, every)] for c in per_count}
    if len(per_count) + sum(map(len, scales.values())) + len(units) + len(lumps) > len(NAMES):
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
        factors = []
        for factor in [*scales[count], count]:
            bound[name := next(names)] = factor
            factors.append(name)
        each = [next(names) for _ in per_count[count]]
        bound.update(zip(each, sorted(per_count[count], key=lambda u: u.span), strict=True))
        priced = f"({' + '.join(each)})" if len(each) > 1 else each[0]
        terms.append(" * ".join([*factors, priced]))
    for lump in lumps:
        bound[name := next(names)] = lump
        terms.append(name)
    expression, label = " + ".join(terms), "cost"
    asked = [r.text for r in state.readings[-2:]] if earlier else [reading.text]
    if len(per_count) == 1 and any("unit_cost" in WANTS.labels(text) for text in asked):  # "一条成本多少": the total over the count
        count_name = next(k for k, v in bound.items() if v is next(iter(per_count)))
        expression, label = f"({expression}) / {count_name}", "cost_per_video"
    derived = replace(shape, expression=expression, unit="money", label=label)
    here = frozenset(n.span for n in bound.values() if n in every)
    return [Binding(derived, bound, required_bound=here)]


_ACCOUNTS = terms("multipliers")


def _accounts(reading: Reading) -> list[Number]:
    """Plain figures that count accounts or shops ("20个报白号", "5 accounts")."""
    found = []
    for n in reading.numbers:
        if n.role != "other" or n.currency or n.percent:
            continue
        after = reading.text[n.span[1]: n.span[1] + 8].lstrip()
        if any(h.start == 0 for h in _ACCOUNTS.find(after)):
            found.append(n)
    return found[:1]


def _days(count: Number, every: tuple[Number, ...]) -> list[Number]:
    """The days a count a day runs over: the message's duration in days ("一个月": 30, "两周": 14)."""
    if count.period != "per_day":
        return []
    duration = next((n for n in every if n.role == "duration" and n.confidence >= BIND_CONFIDENCE), None)
    if duration is None:
        return []
    raw = duration.raw.casefold()
    per = 30 if any(w in raw for w in ("月", "month")) else 7 if any(w in raw for w in ("周", "星期", "week")) else 1
    return [replace(duration, value=duration.value * per)]


def _nearest(unit: Number, candidates: list[Number]) -> Number:
    """The candidate nearest to the unit in the message, one of its subject first."""
    return min(candidates, key=lambda c: (c.subject != unit.subject, abs(c.span[0] - unit.span[0])))


def _likelihood(number: Number, roles: tuple[str, ...]) -> float:
    """How likely the figure has one of `roles`, whichever ("40": samples 0.80 + videos 0.10)."""
    runner = number.runner_up
    return (number.confidence if number.role in roles else 0.0) + (runner[1] if runner and runner[0] in roles else 0.0)


def _per_unit(number: Number) -> bool:
    """A cost paid once per video or sample: a video's, sample's or goods' cost unless said per month or in
    total ("货本9刀 运费7刀" of a sample), a flat fee when said per video ("$180 each")."""
    if _likelihood(number, ("cost_per_video", "sample_cost", "product_cost")) >= BIND_CONFIDENCE and number.currency:
        return number.period not in ("total", "per_month")
    return number.role == "flat_fee" and number.period == "per_video" and number.confidence >= BIND_CONFIDENCE


def _ratio(shape: Shape, reading: Reading, state: State) -> list[Binding]:
    """One video's cost of one subject over another's, each the sum of its per-video parts ("达人坑位费150 +
    寄样12 + 运费8 against AI 5": (150 + 12 + 8) ÷ 5); a monthly cost counts over the videos of its subject
    made that month ("$49/mo, ~30 vids": 49 ÷ 30). Every cost must belong to one of exactly two subjects.
    Not when the message or the conversation holds what they sold or reached: then what each earns decides."""
    sure = [n for n in (*reading.numbers, *state.known) if n.confidence >= BIND_CONFIDENCE]
    if any(n.role in _RESULTS for n in sure):
        return []
    counts = {n.subject: n for n in reading.numbers if n.role == "videos" and n.subject and n.confidence >= BIND_CONFIDENCE}
    costs = [n for n in reading.numbers if n.currency and _likelihood(n, _UNIT_COSTS) >= BIND_CONFIDENCE
             and (n.period not in ("total", "per_month") or n.subject in counts)]
    by_subject: dict[str, list[Number]] = {}
    for cost in costs:
        if cost.subject is None:
            return []
        by_subject.setdefault(cost.subject, []).append(cost)
    if len(by_subject) != 2 or len({n.currency for n in costs}) != 1 or 2 * len(costs) > len(NAMES):
        return []
    high, low = sorted(by_subject.items(), key=lambda item: -sum(_per_video(n, counts) for n in item[1]))
    names = iter(NAMES)
    bound: dict[str, Number] = {}

    def term(cost: Number) -> str:
        name = next(names)
        bound[name] = cost
        if cost.period not in ("total", "per_month"):
            return name
        count = next(names)
        bound[count] = counts[cost.subject or ""]
        return f"{name} / {count}"

    group = lambda terms: f"({' + '.join(terms)})" if len(terms) > 1 or "/" in terms[0] else terms[0]  # noqa: E731
    top, bottom = group([term(n) for n in high[1]]), group([term(n) for n in low[1]])
    derived = replace(shape, expression=f"{top} / {bottom}", unit="ratio", label=f"ratio:{high[0]}:{low[0]}")
    return [Binding(derived, bound, required_bound=frozenset(n.span for n in bound.values()))]


def _per_video(cost: Number, counts: dict[str, Number]) -> float:
    """A cost per video: as given, or a monthly or total cost over the videos of its subject."""
    if cost.period in ("total", "per_month"):
        return cost.value / max(counts[cost.subject or ""].value, 1)
    return cost.value


def _split(shape: Shape, reading: Reading) -> list[Binding]:
    """"3k刀 40%给AI 40%寄样 20%投流": the budget (or spend) times each share, one calculation per share, each named by
    the words after its share ("给AI", "creators"), up to the next figure."""
    sure = [n for n in reading.numbers if n.confidence >= BIND_CONFIDENCE]
    budget = next((n for n in sure if n.role in ("budget", "ad_spend") and not n.percent), None)
    shares = [n for n in sure if n.role == "share" and n.percent and 0 < n.value < 1]
    if budget is None or not shares or sum(n.value for n in shares) > 1 + 1e-9:
        return []
    bindings = []
    for i, share in enumerate(shares):
        end = next((n.span[0] for n in reading.numbers if n.span[0] >= share.span[1]), len(reading.text))
        name = re.split(r"[，,。.;；!?！？]", reading.text[share.span[1]:end])[0].strip()
        name = name.split()[0] if name and not name.isascii() else name
        derived = replace(shape, expression="budget * share", unit="money", label=name[:24] or f"{share.raw}")
        bindings.append(Binding(derived, {"budget": budget, "share": share}, required_bound=frozenset({budget.span, share.span})))
    together = frozenset(span for b in bindings for span in b.used())
    return [replace(b, together=together) for b in bindings]


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
    gmv = next((n for n in sure if n.role in ("gmv", "target_gmv")), None) if price is None else None
    bound |= {"price": price} if price else {}
    bound |= {"orders": orders} if orders else {}
    bound |= {"gmv": gmv} if gmv else {}
    missing = () if price or gmv else (Ref("price", (Kind("price"),)),)
    required = frozenset(n.span for n in (fee, pure, zero))
    return [Binding(shape, bound, missing=missing, required_bound=required)]


def offers_again(shape: Shape, reading: Reading, state: State) -> list[Binding]:
    """"如果只卖800呢 或者爆了卖5000呢" after two offers were set side by side: the same offers at each amount
    of sales the message names (a plain figure or an amount), one calculation each."""
    amounts = [n for n in reading.numbers if not n.percent and n.value > 0 and n.role not in ("duration", "flat_fee")
               and n.role in ("gmv", "target_gmv", "other", "price")]
    if not amounts or len(amounts) != len(reading.numbers):
        return []
    earlier = [n for n in state.known if n not in reading.numbers and n.role not in ("gmv", "target_gmv", "price", "orders")]
    bindings = []
    for amount in amounts:
        sales = replace(amount, role="gmv", confidence=1.0)
        found = _offers(shape, replace(reading, numbers=(*earlier, sales)))
        bindings += [b for b in found if b.complete]
    return bindings


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
