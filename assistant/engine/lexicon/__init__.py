"""Sellers' words as data: the YAML files beside this module, and the one scanner that finds them.

Each file maps labels (a role, an act, a market…) to the words sellers write for them, in both
languages, with examples that run as tests. A new phrasing is a word here, never a pattern in code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from assistant.terms import Hit, Terms
from assistant.yaml_fast import safe_load

__all__ = ["Hit", "Lexicon", "Terms", "lexicon", "load", "terms"]

HERE = Path(__file__).parent
def load(name: str) -> dict[str, Any]:
    """One lexicon file as data."""
    return safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8")) or {}


@functools.cache
def terms(name: str, key: str | None = None) -> Terms:
    """The words of a file: `{label: [words]}`, or `{label: {key: [words]}}` with `key` (a top-level
    `examples` list is examples, not words)."""
    data = load(name)
    return Terms({label: (value.get(key, []) if key else value) for label, value in data.items()
                  if label != "examples" and (isinstance(value, dict) if key else isinstance(value, list))})


@dataclass(frozen=True)
class Lexicon:
    """Every word list the reader uses, loaded once."""

    units: Terms
    cues: Terms
    subjects: Terms
    periods: Terms
    markets: Terms
    not_markets: Terms
    formats: Terms
    not_formats: Terms
    act_cues: Terms
    act_only: Terms
    wants: Terms
    conversation: Terms
    claims: Terms
    scope: Terms
    options: Terms
    accounts: Terms
    zeros: Terms


@functools.cache
def lexicon() -> Lexicon:
    formats = load("formats")
    options = load("options")
    return Lexicon(
        units=terms("roles", "units"), cues=terms("roles", "cues"), subjects=terms("subjects", "words"),
        periods=terms("periods", "words"), markets=terms("markets", "words"),
        not_markets=Terms({"not": load("markets").get("not", [])}), formats=terms("formats", "words"),
        not_formats=Terms({"not": [w for v in formats.values() for w in v.get("not", [])]}),
        act_cues=terms("acts", "cues"), act_only=terms("acts", "only"), wants=terms("wants"),
        conversation=terms("conversation"), claims=terms("claims"), scope=terms("scope"),
        options=Terms(options["named"]), accounts=Terms(options["accounts"]), zeros=terms("zeros"),
    )  # fmt: skip
