"""Solve: bind the seller's numbers to a shape's inputs by role, and decide whether it may run.

Precision first: a shape runs only when the question asks for what it gives and every input it
needs is bound to a number whose role was read with at least `BIND_CONFIDENCE`. Otherwise the
nearest shape says what was read and which one figure is missing (or unsure), and nothing is
computed on a guess. Numbers the chosen shape does not use are returned, to be named as unused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.engine.lexicon import Terms, load, terms
from assistant.engine.reading.reading import Ask, Number, Reading, State, moved_back
from assistant.engine.shapes import WANTS, Shape, shapes
from assistant.engine.shapes.bind import BIND_CONFIDENCE, Binding, bind, required_figure
from assistant.engine.shapes.special import offers_again, special
from assistant.tools.numbers import NumberParseError, parse_number

COMPUTING_ACTS = ("compute", "diagnose", "decide")
TANGLED_AT = 2
"""Figures left aside, at least, before a calculation is held back as a guess (see `Solution.tangled`)."""
"""Acts whose questions a calculation may answer (a decision: only with the seller's own numbers)."""
DECISIONWANTS = ("which", "per_dollar", "profit", "break_even", "loss", "split", "videos", "gmv", "views", "roas", "creator_cost")
"""What a decision may ask a calculator for; other decisions calculate only when their own numbers fill a shape."""


@dataclass(frozen=True)
class Solution:
    """What one question gets from the calculators: the calls to make, or what to ask for."""

    ask: Ask | None
    binding: Binding | None = None
    """The shape that runs (complete), or the nearest one (incomplete: say what was read, ask for the rest)."""
    calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    unused: tuple[Number, ...] = field(default=())
    considered: tuple[tuple[str, str], ...] = ()
    """Every shape looked at and why it lost (for `--trace`)."""
    tangled: bool = False
    """The best calculation would leave more of the seller's figures aside than it uses: not run (a
    guess at how the figures fit is a confidently wrong number), the figures are read back instead."""

    @property
    def shape_id(self) -> str:
        if self.calls and self.binding:
            return self.binding.shape.id
        if self.binding and (self.binding.missing or self.binding.unsure):
            ref = (self.binding.missing or [r for r, _ in self.binding.unsure])[0]
            return f"missing:{ref.roles[0]}"
        return "none"


_BASIS = terms("basis")
_NEXT_PERIOD = Terms({"next_period": load("conversation")["next_period"]})
_FOLLOW_UP = Terms({"follow_up": [w for key in ("follow_up", "double", "half") for w in load("conversation")[key]]})


MONEY_ROLES = frozenset({"gmv", "target_gmv", "price", "product_cost", "profit", "cost_per_video", "flat_fee", "ad_spend",
                         "budget", "sample_cost"})  # fmt: skip


def message_currency(numbers: Sequence[Number]) -> str | None:
    """The one currency a message writes its amounts in, if it names exactly one."""
    named = {n.currency for n in numbers if n.currency}
    return named.pop() if len(named) == 1 else None


def _value(number: Number, currency: str | None = None) -> Any:
    """What the calculator receives: the seller's own text when it reads as one amount, else the value.
    A bare amount takes the one currency its message names (`currency`): "1.5w人民币 … 3w" are both yuan
    (dollars are what a bare amount is read as anyway)."""
    if number.role == "duration" or (number.value == 0 and not number.raw[:1].isdigit()):
        return number.value
    try:
        parsed = parse_number(number.raw)
        if number.currency and parsed.currency != number.currency:  # "¥86,000" in Japan: yen, as the reading has it
            return f"{number.currency} {number.raw.lstrip('¥').removesuffix('盾')}"
        if currency not in (None, "USD") and not parsed.currency and number.role in MONEY_ROLES and not number.percent:
            return f"{currency} {number.raw}"
        return number.raw
    except NumberParseError:
        symbol = {"USD": "$", "CNY": "¥"}.get(number.currency or "", "")
        return f"{number.value * 100:g}%" if number.percent else f"{symbol}{number.value:g}"


def _context(shape: Shape, binding: Binding, reading: Reading, state: State) -> dict[str, Any]:
    """Arguments worked out from the reading rather than one number."""
    args: dict[str, Any] = {}
    numbers = list(binding.bound.values())
    if "subject" in shape.context:
        subjects = {n.subject for n in numbers if n.subject}
        if len(subjects) == 1:
            args["subject"] = subjects.pop()
    if "gpm_basis" in shape.context or "counted_on" in shape.context:
        labels = {h.label for h in _BASIS.find(reading.text)}
        if (state.format or reading.format) == "LIVE":
            args["gpm_basis"] = "views"
        elif "impressions" in labels:
            args["gpm_basis"] = "impressions"
        elif labels and "counted_on" in shape.context:  # the seller's own GPM, counted on what the seller says
            args["gpm_basis"] = "views"
    if "days" in shape.context:
        videos = binding.bound.get("videos")
        if videos is not None and videos.period == "per_day":
            days = next((n for n in state.known if n.role == "duration" and n.confidence >= BIND_CONFIDENCE), None)
            args["days"] = days.value if days is not None and days.value > 1 else 30
    return args


WANTS_FLOOR = 0.15
"""A quantity the question asks for with at least this probability may be calculated."""
ASKED = 0.6
"""A quantity asked for with at least this probability is plainly asked for (`bind.ASKED_CONFIDENCE`)."""


_OWN_FIGURES = "the seller's own figures: no table of cited defaults"
UNOWNED_ROLES = ("other", "duration")
"""Figures that are not a seller's own data for a calculation (a day count, a number of no known role)."""
NAMED = 0.75
"""The probability given to a quantity the question names in so many words ("哪个更划算": per dollar)."""


def _wanted(ask: Ask) -> dict[str, float]:
    """The quantities the question may ask for, with their probabilities; those it names outright
    (the `wants` lexicon) count as at least `NAMED`."""
    wanted = {ask.wants: ask.wants_confidence} | {w: p for w, p in ask.wants_alternatives if p >= WANTS_FLOOR}
    for label in WANTS.labels(ask.text):
        wanted[label] = max(wanted.get(label, 0.0), NAMED)
    if ask.act == "diagnose":
        wanted.setdefault("verdict", WANTS_FLOOR)
    return wanted


def _rank(b: Binding, current: set[tuple[int, int]], wanted: dict[str, float]) -> tuple[float, ...]:
    """Complete bindings first (a table of cited defaults after any on the seller's own figures), then those
    using more of this message's numbers, then more of the conversation's, then the likelier asked-for
    quantity, then fewer inputs lacking, then more numbers."""
    likelihood = sum(wanted.get(g, 0.0) for g in b.shape.gives)
    return (not b.complete, b.shape.on_defaults, -len(b.ranked_on() & current), -len(b.used() & current), -len(b.ranked_on()),
            -likelihood,
            len(b.missing) + len(b.unsure), -len(b.bound))


def _pool(reading: Reading, state: State) -> list[Number]:
    """This message's numbers first, then what the conversation established before it."""
    current = set(reading.numbers)
    return [*reading.numbers, *(n for n in reversed(state.known) if n not in current)]


def _call(binding: Binding, reading: Reading, state: State) -> tuple[str, dict[str, Any]]:
    shape = binding.shape
    currency = message_currency(reading.numbers)
    args = {arg: _value(n, currency if n in reading.numbers else None) for arg, n in binding.bound.items() if not arg.startswith("_")}
    args |= _context(shape, binding, reading, state) | dict(shape.fixed)
    if shape.expression:
        return shape.tool, {"expression": shape.expression, "values": args, "unit": shape.unit, "label": shape.label}
    return shape.tool, args


def _series_pool(shape: Shape, reading: Reading, state: State, pool: list[Number]) -> list[Number]:
    """For a shape over a before and an after ("佣金20%" … "降到12%"): the value said before this message
    goes first when the message says only the new one."""
    roles = {role for g in shape.groups for alt in g for r in alt if r.nth for role in r.roles}
    if not roles or not state.readings[:-1]:
        return pool
    here = [n for n in reading.numbers if n.role in roles]
    if len(here) != 1:
        return pool
    earlier = state.readings[:-1]
    said = [moved_back(n, len(earlier) - i) for i, r in enumerate(earlier) for n in r.numbers if n.role == here[0].role][-1:]
    return [*said, here[0], *(n for n in pool if n not in said and n is not here[0])]


def _held_back(solutions: list[Solution], reading: Reading) -> list[Solution]:
    """The calculations (or questions back for one figure) of a message whose figures mostly fall
    outside all of them ("option A
    $1,500 + samples, B 300 AI videos at $5, C 10 UGC at $150": not one table of defaults) are not run."""
    running = [s for s in solutions if s.binding and (s.calls or s.binding.missing or s.binding.unsure)]  # or asking back
    current = {n.span for n in reading.numbers}
    used = set().union(*(s.binding.ranked_on() for s in running if s.binding)) & current
    aside = _unused(reading, used)
    if not running or len(aside) < TANGLED_AT or len(aside) <= len(used):
        return solutions
    why = ("held back", "leaves more of the seller's figures aside than it uses")
    return [replace(s, calls=(), unused=tuple(aside), considered=(*s.considered, why), tangled=True) if s in running else s
            for s in solutions]


def _unused(reading: Reading, used: set[tuple[int, int]]) -> tuple[Number, ...]:
    return tuple(n for n in reading.numbers if n.span not in used and n.role not in ("other", "duration"))


def _as_input_of(number: Number, roles: set[str]) -> Number:
    """A follow-up's figure read as the input of the last calculation it can be ("50万呢?": not a GMV there,
    but the views the calculation took): its runner-up role when its own is none of the calculation's."""
    runner = number.runner_up
    if number.role in roles or runner is None or runner[0] not in roles:
        return number
    return replace(number, role=runner[0], confidence=number.confidence + runner[1], runner_up=(number.role, number.confidence))


def _follow_up(reading: Reading, state: State) -> list[Binding]:
    """"那如果GPM是20呢": the previous turn's calculation again, with the numbers this message changes
    ("what about creators?", naming none, runs it again as it was); "如果只卖800呢 或者卖5000呢": once per figure."""
    doubled = [n for n in state.known if n.span in {span for _, span in reading.doubled}]
    if not state.last_tools or not state.readings[:-1]:
        return []
    for shape in (s for s in shapes() if s.tool in state.last_tools and s.special == "offers"):
        varied = offers_again(shape, reading, state)
        if varied:
            return varied
    for shape in (s for s in shapes() if s.tool in state.last_tools and not s.special):  # a special shape is bound in code
        changed = [*(_as_input_of(n, shape.roles()) for n in reading.numbers), *doubled]
        roles = {n.role for n in changed if n.role not in ("other", "duration")}
        if not roles <= shape.roles() or not (roles or _FOLLOW_UP.find(reading.text)):
            continue
        pool = [*changed, *_pool(reading, state)]
        if any(r.nth for g in shape.groups for alt in g for r in alt):
            # "如果只降到15%呢" puts another second value against the same first one; otherwise a series goes
            # on ("下个月又跌到2.5w", "那下周如果到100单"): the last value, then the new one. Other inputs stay as known.
            earlier = [moved_back(n) for n in state.readings[-2].numbers if n.role in roles]
            another_value = _FOLLOW_UP.find(reading.text) and not _NEXT_PERIOD.find(reading.text)
            first = earlier[:1] if another_value else earlier[-1:]
            pool = [*first, *changed, *(n for n in _pool(reading, state) if n.role not in roles)]
        binding = bind(shape, pool, asked=True, one_subject=False)
        if binding.complete and (binding.used() & {n.span for n in changed} or not roles):
            return [binding]
    return []


def _nearly_first(ranked: list[Binding]) -> list[Binding]:
    """A calculation that would use more of the seller's figures, lacking only figures read unsurely, goes
    before a complete one that leaves them out ("做100条能卖多少" is not one video's GMV): ask, don't guess."""
    complete = next((b for b in ranked if b.complete), None)
    nearly = [b for b in ranked if not b.missing and b.unsure]
    if complete is None or not nearly:
        return ranked
    best = max(nearly, key=lambda b: len(b.bound) + len(b.unsure))
    if len(best.bound) + len(best.unsure) > len(complete.bound):
        return [best, *(b for b in ranked if b is not best)]
    return ranked


def solve_ask(ask: Ask, reading: Reading, state: State) -> Solution:
    """The calculation one question asks for, bound to the seller's numbers (this message's first).

    A decision runs a calculation only when the seller's own numbers in this message fill it."""
    if ask.act not in COMPUTING_ACTS and not WANTS.find(ask.text):  # a quantity named outright is asked for
        return Solution(ask)
    current = {n.span for n in reading.numbers}
    pool = _pool(reading, state)
    deciding = ask.act == "decide"
    wanted = _wanted(ask)
    considered: list[tuple[str, str]] = []
    candidates = []
    for shape in shapes():
        if not (deciding and ask.wants not in DECISIONWANTS) and not set(wanted) & set(shape.gives):
            considered.append((shape.id, f"gives {'/'.join(shape.gives)}, asked {'/'.join(sorted(wanted))}"))
            continue
        if any(required_figure(pool, role, value) is None for role, value in shape.requires):
            continue
        mixed = {"CNY", "USD"} <= {n.currency for n in reading.numbers}  # yuan beside dollars: only the calculators convert
        if shape.on_defaults and "per_dollar" not in WANTS.labels(ask.text) and not mixed and any(
                n.role not in UNOWNED_ROLES and n.confidence >= BIND_CONFIDENCE for n in pool):
            considered.append((shape.id, _OWN_FIGURES))
            continue
        asked = max((wanted.get(g, 0.0) for g in shape.gives), default=0.0) >= ASKED
        if shape.special:
            candidates += [b for b in special(shape, reading, state, asked) if b.complete or b.unsure or b.missing]  # or one to ask
            continue
        candidates.append(bind(shape, _series_pool(shape, reading, state, pool), asked))
    if deciding:  # a decision calculates on the seller's own figures; on cited defaults only what it names
        candidates = [b for b in candidates if b.complete and (
            len(b.used() & current) >= 2 or (ask.wants in DECISIONWANTS and len(b.bound) >= 1)
            or max((wanted.get(g, 0.0) for g in b.shape.gives if g != "which"), default=0.0) >= NAMED)]
    if terms("sources").find(f"{ask.context} {ask.text}"):  # "按文章的GPM": the cited defaults are asked for
        candidates = [replace(b, missing=tuple(r for r in b.missing if r.arg not in b.shape.defaults)) for b in candidates]
    ranked = sorted(candidates, key=lambda b: _rank(b, current, wanted))
    ranked = _nearly_first(ranked)
    for b in ranked[1:]:
        why = "incomplete: " + ", ".join(r.arg for r in [*b.missing, *(r for r, _ in b.unsure)]) if not b.complete else "fewer numbers"
        considered.append((b.shape.id, why))
    if not ranked:
        return _nothing(ask, reading, considered)
    best = ranked[0]
    if not best.complete:
        lacking = len(best.missing) + len(best.unsure)
        if lacking > 1 or not best.required_bound & current:
            return _nothing(ask, reading, [*considered, (best.shape.id, f"too little of it given ({lacking} missing)")])
        asked_for = {h.label for h in WANTS.find(f"{ask.context} {ask.text}")}
        if any(role in asked_for for ref in best.missing for role in ref.roles):  # "要出多少单": never ask for the answer
            return Solution(ask, best, unused=_unused(reading, best.used()), considered=tuple(considered), tangled=True)
        return Solution(ask, best, unused=_unused(reading, best.used()), considered=tuple(considered))
    running = [b for b in ranked if b.complete and b.shape.id == best.shape.id and (b is best or b.shape.special in ("options", "split"))]
    unused = _unused(reading, set().union(*(b.used() for b in running)))
    if wanted.get("per_dollar", 0.0) >= NAMED and "per_dollar" not in best.shape.gives and any(n.currency for n in unused):
        why = (best.shape.id, "the question asks what pays better; costs it gives are left aside")  # "哪个划算" is not "which GPM is higher"
        return Solution(ask, best, unused=unused, considered=(*considered, why), tangled=True)
    return Solution(ask, best, tuple(_call(b, reading, state) for b in running), unused, tuple(considered))


def _nothing(ask: Ask, reading: Reading, considered: list[tuple[str, str]]) -> Solution:
    """No calculation fits: when a table of cited defaults was refused for the seller's own figures, read
    the figures back and ask which to work out; else answer from knowledge."""
    aside = tuple(n for n in _unused(reading, set()) if n.raw not in reading.claims)  # a figure claimed is checked, not worked
    if (ask.act == "compute" and any(why == _OWN_FIGURES for _, why in considered) and len(aside) >= TANGLED_AT
            and len({n.role for n in aside}) > 1):  # figures of one kind ("Watch GPM $42, Show GPM $9"): nothing to work out
        return Solution(ask, unused=aside, considered=tuple(considered), tangled=True)
    return Solution(ask, considered=tuple(considered))


def solve(reading: Reading, state: State) -> list[Solution]:
    """A solution per question of the message. A follow-up ("那如果GPM是20呢") re-runs the last
    calculation with the numbers it changes, before any new calculation is looked for."""
    short = len(reading.text.split()) <= 6 if reading.lang == "en" else len(reading.text) <= 15
    varies = bool(_FOLLOW_UP.find(reading.text)) or not reading.asks or (
        short and all(a.act in ("compute", "diagnose") for a in reading.asks))
    again = _follow_up(reading, state)
    named = {h.label for h in WANTS.find(reading.text)}
    if again and named and not named & set(again[0].shape.gives):
        again = []  # "降到12% 能省多少" asks a new quantity: not the last calculation with 12% in it
    if again and varies:
        return [_again(reading, state, again)]
    solutions: list[Solution] = []
    for ask in reading.asks:
        solution = solve_ask(ask, reading, state)
        if not solution.calls and (narrowed := solve_ask(ask, *_before_next(ask, reading, state))).calls:
            solution = narrowed  # it works out without the figures a later question calculates with
        if solutions and (varied := _varied(ask, solutions[-1], reading, state)):
            solution = varied
        solutions.append(solution)
    if again and not any(s.calls for s in solutions):
        return [_again(reading, state, again)]
    return _held_back(solutions, reading)


def _before_next(ask: Ask, reading: Reading, state: State) -> tuple[Reading, State]:
    """The message as one question sees it: figures after it that a later question calculates with are left to
    that question ("一条多少钱? 找达人一条200刀 是不是便宜几十倍": the 200 is the second question's)."""
    later = {n.span for n in reading.numbers if n.span[0] >= ask.span[1]}
    taken = set()
    for after in (reading.asks[reading.asks.index(ask) + 1 :] if later else ()):
        solution = solve_ask(after, reading, state)
        if solution.calls and solution.binding is not None:
            taken |= solution.binding.ranked_on() & later
    if not taken:  # "混合GPM多少？想做5w刀要多少播放": no later question works with the 5w, so this one may
        return reading, state
    later = taken
    return (replace(reading, numbers=tuple(n for n in reading.numbers if n.span not in later)),
            replace(state, known=tuple(n for n in state.known if n.span not in later)))


def _varied(ask: Ask, before: Solution, reading: Reading, state: State) -> Solution | None:
    """"做3万刀要多少播放？换成GPM 15的AI视频又要多少？": a later question of the same message that changes
    a figure of the calculation before it runs that calculation again with it."""
    if not before.calls or before.binding is None or not _FOLLOW_UP.find(f"{ask.context} {ask.text}"):
        return None
    own = [n for n in reading.numbers if ask.unit_start <= n.span[0] < ask.span[1]]
    if not own:
        return None
    binding = bind(before.binding.shape, [*own, *_pool(reading, state)], asked=True, one_subject=False)
    if not binding.complete or not binding.used() & {n.span for n in own}:
        return None
    return Solution(ask, binding, (_call(binding, reading, state),), (),
                    (("variation", f"re-runs {binding.shape.id} with this question's numbers"),))


def _again(reading: Reading, state: State, bindings: list[Binding]) -> Solution:
    ask = reading.asks[0] if reading.asks else None
    used = set().union(*(b.used() for b in bindings))
    return Solution(ask, bindings[0], tuple(_call(b, reading, state) for b in bindings), _unused(reading, used),
                    (("follow-up", f"re-runs {bindings[0].shape.id} with this message's numbers"),))


def shape_of(reading: Reading, state: State) -> str:
    """The shape of the message's first question that solves to something (for the corpus metrics)."""
    for solution in solve(reading, state):
        if solution.shape_id != "none":
            return solution.shape_id
    return "none"
