"""Calculation shapes as data (`shapes.yaml`): the calculator a question asks for, by its numbers' roles."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.engine.lexicon import terms
from assistant.yaml_fast import safe_load


HERE = Path(__file__).parent


@dataclass(frozen=True)
class Kind:
    """One kind of number an input accepts: a role, maybe only of a period or a subject."""

    role: str
    period: str | None = None
    subject: str | None = None
    not_subject: str | None = None

    @classmethod
    def parse(cls, text: str) -> Kind:
        """"views/per_video", "gpm@ai", "gpm@!ai", "cost_per_video@creator"."""
        subject = not_subject = None
        if "@" in text:
            text, who = text.split("@")
            subject, not_subject = (None, who[1:]) if who.startswith("!") else (who, None)
        period = None
        if "/" in text:
            text, period = text.split("/")
        return cls(text, period, subject, not_subject)


@dataclass(frozen=True)
class Ref:
    """What one calculator input reads: any of several kinds of number, or the nth such number."""

    arg: str
    kinds: tuple[Kind, ...]
    nth: int | None = None

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k.role for k in self.kinds))

    @classmethod
    def parse(cls, arg: str, text: str) -> Ref:
        """"flat_fee|cost_per_video@creator" (a fee, or a creator's cost per video), "gmv|views#2"."""
        nth = None
        if "#" in text:
            text, n = text.split("#")
            nth = int(n)
        return cls(arg, tuple(Kind.parse(part) for part in text.split("|")), nth)


@dataclass(frozen=True)
class Shape:
    id: str
    tool: str
    gives: tuple[str, ...]
    groups: tuple[tuple[tuple[Ref, ...], ...], ...]
    """Required inputs: each group lists alternatives; each alternative is a set of inputs all needed."""
    optional: tuple[Ref, ...] = ()
    context: tuple[str, ...] = ()
    special: str | None = None
    """`sum` (add up figures of one kind) or `options` (the same calculation for each option named): bound in code."""
    inner: str | None = None
    """For `options`: the shape each option is worked with."""
    expression: str | None = None
    """For the `calculate` tool: arithmetic over the inputs' names ("orders * price")."""
    unit: str = "plain"
    label: str | None = None
    search: str = ""
    """Words added to the knowledge search so it finds the entries behind this calculation."""
    defaults: tuple[str, ...] = ()
    """Inputs left to the calculator's cited defaults when the seller asks for the article's own figures."""
    requires: tuple[tuple[str, float], ...] = ()
    """Figures the seller must have given for the shape to fit, not passed on ("nothing sells": orders 0)."""
    fixed: tuple[tuple[str, Any], ...] = ()
    """Arguments passed as they are (an option's name as the calculation's label)."""
    on_defaults: bool = False
    """The article's own worked comparison, on cited defaults: only for a seller who gave no figures or who
    asks for GMV per dollar outright, never a table of defaults standing in for the seller's own numbers."""
    examples: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    def roles(self) -> set[str]:
        refs = [r for g in self.groups for alt in g for r in alt] + list(self.optional)
        return {role for r in refs for role in r.roles}


def _refs(mapping: dict[str, str]) -> tuple[Ref, ...]:
    return tuple(Ref.parse(arg, str(text)) for arg, text in mapping.items())


def _shape(data: dict[str, Any]) -> Shape:
    groups = []
    for group in data.get("inputs", []):
        alternatives = group["one_of"] if "one_of" in group else [group]
        groups.append(tuple(_refs(alt) for alt in alternatives))
    return Shape(
        id=data["id"], tool=data["tool"], gives=tuple(data.get("gives", [])), groups=tuple(groups),
        optional=_refs(data.get("optional", {})), context=tuple(data.get("context", [])),
        special=data.get("special"), inner=data.get("inner"), expression=data.get("expression"),
        unit=data.get("unit", "plain"), label=data.get("label"), search=data.get("search", ""),
        requires=tuple((role, float(value)) for role, value in data.get("requires", {}).items()),
        defaults=tuple(data.get("defaults", [])), examples=tuple(data.get("examples", [])),
        on_defaults=bool(data.get("on_defaults", False)),
    )  # fmt: skip


@functools.cache
def shapes() -> tuple[Shape, ...]:
    """Every shape, in the file's order (earlier wins a tie)."""
    return tuple(_shape(d) for d in safe_load((HERE / "shapes.yaml").read_text(encoding="utf-8")))


def by_id(shape_id: str) -> Shape:
    return next(s for s in shapes() if s.id == shape_id)


WANTS = terms("wants")
"""The words that name a quantity outright ("一条成本多少", "how much do I save"): read by the solver and
the shapes bound in code."""

