"""Bind the seller's numbers to a shape's inputs by role, confident numbers only.

A number fills an input when its role (and period, subject) fits and it was read with at least
`BIND_CONFIDENCE`; one read less surely, but at least `UNSURE_FLOOR`, is reported as unsure: read
back to the seller and asked about, never computed on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.engine.reading.reading import Number
from assistant.engine.shapes import Kind, Ref, Shape

BIND_CONFIDENCE = 0.8
"""A number is bound to an input only when its role is read with at least this probability."""
UNSURE_FLOOR = 0.3
"""Below the bind confidence but at least this likely: read back and asked about, never computed on."""


@dataclass(frozen=True)
class Binding:
    """A shape with the numbers bound to its inputs, and what it still lacks."""

    shape: Shape
    bound: dict[str, Number]
    missing: tuple[Ref, ...] = ()
    unsure: tuple[tuple[Ref, Number], ...] = ()
    required_bound: frozenset[tuple[int, int]] = frozenset()
    """Spans of the numbers bound to required (not optional) inputs."""
    together: frozenset[tuple[int, int]] = frozenset()
    """Spans the bindings run with this one use (one calculation per option): what it is ranked by."""

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unsure

    def used(self) -> set[tuple[int, int]]:
        return {n.span for n in self.bound.values()}

    def ranked_on(self) -> set[tuple[int, int]]:
        """The numbers this binding's calculation uses, with those of the bindings run with it."""
        return self.used() | self.together


RATES = frozenset({"margin", "commission_rate", "share", "probability", "share_cut", "conversion_rate", "change"})
"""Roles measured as a fraction: an amount of money ("margin £5 a case") is never one of them."""


def _fits(ref: Ref, number: Number, role: str) -> bool:
    """The number, read as `role`, is of a kind the input accepts."""
    if role in RATES and number.currency:
        return False
    return any(k.role == role and (k.period is None or number.period == k.period)
               and (k.subject is None or number.subject == k.subject)
               and (k.not_subject is None or number.subject != k.not_subject) for k in ref.kinds)  # fmt: skip


def _names_subject(ref: Ref) -> bool:
    return any(k.subject or k.not_subject for k in ref.kinds)


def _same_subject(ref: Ref, number: Number, subjects: set[str], pool: Sequence[Number]) -> bool:
    """One calculation is about one subject: an input that names no subject takes no number of another subject
    than the numbers already bound to such inputs when the message gives one of theirs in its place (creators'
    95k impressions never join 48 AI videos when the AI videos' impressions are there too)."""
    if number.subject is None or _names_subject(ref) or subjects <= {number.subject}:
        return True
    return not any(n.role == number.role and n.subject in subjects for n in pool)


Bound = tuple[dict[str, Number], list[Ref], list[tuple[Ref, Number]]]


ASKED_CONFIDENCE = 0.4
"""When the question plainly asks for what the shape gives, a number whose likeliest role fits binds from
this probability, unless its runner-up is another input of the same shape (a swap is what misleads)."""


def fills(number: Number, ref: Ref) -> float:
    """How likely the number is one the input accepts: its role's probability, plus its runner-up's when the
    input accepts that role too ("3万美元": a GMV target or a GMV, either way the target of the calculation)."""
    runner = number.runner_up
    return number.confidence + (runner[1] if runner and runner[0] in ref.roles and runner[0] != number.role else 0.0)


def _sure(number: Number, ref: Ref, roles: set[str], asked: bool) -> bool:
    """Read surely enough to bind: confident, or (when the shape is plainly asked for) likely enough with
    no other open input of the shape it could be instead. `roles`: the roles of inputs not yet bound."""
    if fills(number, ref) >= BIND_CONFIDENCE:
        return True
    runner = number.runner_up[0] if number.runner_up else None
    return asked and number.confidence >= ASKED_CONFIDENCE and runner not in roles - set(ref.roles)


def _bind_alternative(refs: Sequence[Ref], pool: Sequence[Number], taken: set[tuple[int, int]], asked: bool,
                      subjects: frozenset[str] | None = frozenset()) -> Bound:
    """Bind one alternative's inputs (bound, missing, unsure): surely read numbers first, all of one subject
    (`subjects`: those of the numbers earlier groups bound; None: subjects may mix)."""
    bound: dict[str, Number] = {}
    missing: list[Ref] = []
    unsure: list[tuple[Ref, Number]] = []
    used = set(taken)
    for ref in refs:
        roles = {role for r in refs if r.arg not in bound for role in r.roles}
        held = set(subjects or ()) | {n.subject for r in refs if r.arg in bound and not _names_subject(r) and (n := bound[r.arg]).subject}
        confident = [n for n in pool if n.span not in used and _fits(ref, n, n.role) and _sure(n, ref, roles, asked)
                     and (subjects is None or ref.nth or _same_subject(ref, n, held, pool))]  # a before and after may change subject
        if ref.roles == ("duration",):  # "一个月3w刀，持续3个月": the longest span, not the "a month" of a monthly figure
            confident.sort(key=lambda n: -n.value)
        if ref.nth == 2 and "before" in bound:  # the second value of the same figure ("4.2w … 3.1w")
            confident = [n for n in confident if n.role == bound["before"].role]
        if confident:
            bound[ref.arg] = confident[0]
            used.add(confident[0].span)
            continue
        doubtful = [n for n in pool if n.span not in used and (
            (n.confidence >= UNSURE_FLOOR and _fits(ref, n, n.role))
            or (n.runner_up is not None and n.runner_up[1] >= UNSURE_FLOOR and _fits(ref, n, n.runner_up[0])))]
        if doubtful:
            unsure.append((ref, doubtful[0]))
            used.add(doubtful[0].span)
        else:
            missing.append(ref)
    return bound, missing, unsure


def required_figure(pool: Sequence[Number], role: str, value: float) -> Number | None:
    """The figure a shape requires the seller to have given ("nothing sells": orders 0), if given."""
    return next((n for n in pool if n.role == role and n.value == value and n.confidence >= BIND_CONFIDENCE), None)


def bind(shape: Shape, pool: Sequence[Number], asked: bool = False, one_subject: bool = True) -> Binding:
    """The best binding of `shape`: per group, the complete alternative using most numbers, else the
    one missing least; optional inputs from what is left. `asked`: the question plainly asks for what
    the shape gives (see `ASKED_CONFIDENCE`); `one_subject`: every number of one subject (not so when a
    follow-up changes a figure: "换成GPM 15的AI视频呢")."""
    bound: dict[str, Number] = {}
    missing: list[Ref] = []
    unsure: list[tuple[Ref, Number]] = []
    taken: set[tuple[int, int]] = set()
    required: set[tuple[int, int]] = set()
    free = {r.arg for g in shape.groups for alt in g for r in alt if not _names_subject(r)}
    for group in shape.groups:
        subjects = frozenset(n.subject for arg, n in bound.items() if arg in free and n.subject) if one_subject else None
        options = [_bind_alternative(alt, pool, taken, asked, subjects) for alt in group]
        got, lacking, doubtful = min(options, key=lambda o: (len(o[1]) + len(o[2]), -len(o[0])))
        bound.update(got)
        required |= {n.span for n in got.values()}
        missing += lacking
        unsure += doubtful
        taken |= {n.span for n in got.values()} | {n.span for _, n in doubtful}
    for role, value in shape.requires:
        given = required_figure(pool, role, value)
        if given is None:
            missing.append(Ref(f"_{role}", (Kind(role),)))
        else:
            bound[f"_{role}"] = given
            required.add(given.span)
    for relaxed in (False, True):  # surely read numbers first, so a runner-up role they fill is no threat
        for ref in shape.optional:
            if ref.arg in bound:
                continue
            roles = {role for r in shape.optional if r.arg not in bound for role in r.roles}
            found = [n for n in pool if n.span not in taken and _fits(ref, n, n.role)
                     and (fills(n, ref) >= BIND_CONFIDENCE or relaxed and _sure(n, ref, roles, asked))]
            if ref.roles == ("duration",):
                found.sort(key=lambda n: -n.value)
            if found:
                bound[ref.arg] = found[0]
                taken.add(found[0].span)
    return Binding(shape, bound, tuple(missing), tuple(unsure), frozenset(required))


