"""The parts of a Reading: a number the seller typed, a question asked, an option named."""

from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class Number:
    """A number the seller typed, with what it measures."""

    span: tuple[int, int]
    raw: str
    value: float
    currency: str | None
    percent: bool
    role: str
    confidence: float
    subject: str | None = None
    period: str | None = None
    option: str | None = None
    low: float | None = None
    high: float | None = None
    runner_up: tuple[str, float] | None = None
    """The next likeliest role and its probability (for the trace)."""


@dataclass(frozen=True)
class Ask:
    """One question in the message: the words that ask it and what it asks for."""

    span: tuple[int, int]
    text: str
    act: str
    confidence: float
    wants: str
    wants_confidence: float
    context: str = ""
    """The words before it that belong to it (the figures it is about)."""
    wants_alternatives: tuple[tuple[str, float], ...] = ()
    """The next likeliest quantities asked for, with their probabilities."""
    unit_start: int = 0
    """Where the words that belong to this question begin (its context, then its own words)."""


@dataclass(frozen=True)
class Option:
    name: str
    kind: str
    span: tuple[int, int]
