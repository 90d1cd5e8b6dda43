"""Positions: the knowledge base's stance on a seller's decision, and its correction of a figure stated wrongly.

They live in `knowledge/positions/*.yaml`, each resting on a cited entry, with the conditions it holds
under and example questions (and near misses) in both languages. A question gets a position when it
is like the examples (the bundled sentence encoder) and unlike the near misses, where the position
holds; a correction also needs the message's Reading to state what it corrects (`requires`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assistant.kb.encoding import encode, encode_stored
from assistant.terms import Terms
from assistant.kb.schema import Lang
from assistant.yaml_fast import safe_load

MARGIN = 0.05
"""A position's best example must beat its best near miss by this cosine."""


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.zh, *self.en]


class Holds(BaseModel):
    """Where a position holds; empty lists mean everywhere."""

    model_config = ConfigDict(extra="forbid")
    formats: list[str] = Field(default_factory=list)
    markets: list[str] = Field(default_factory=list)

    def covers(self, fmt: str, market: str) -> bool:
        return (not self.formats or fmt in self.formats) and (not self.markets or market in self.markets)


class Position(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    kind: Literal["stance", "correction"] = "stance"
    entry: str
    """The entry the position rests on: cited with it."""
    also: list[str] = Field(default_factory=list)
    """Further entries a correction cites when they were retrieved."""
    verdict: Bilingual
    holds: Holds = Field(default_factory=Holds)
    requires: dict[str, Any] = Field(default_factory=dict)
    """What the message must state for a correction (see `Positions.states`)."""
    floor: float = 0.5
    """The cosine a question needs to its nearest example (the words it `needs` keep it on topic)."""
    needs: list[str] = Field(default_factory=list)
    """Words one of which the question must say (the encoder alone finds "should I hide the AI label" like
    "should AI be my main content"); empty: none needed."""
    examples: Examples
    near_misses: Examples = Field(default_factory=Examples, alias="not")

    def cites(self) -> list[str]:
        return [self.entry, *self.also]


class Positions:
    """Every position, with its examples encoded once (on first use)."""

    def __init__(self, items: Iterable[Position]):
        self.items = list(items)
        self._needs = {i: Terms({"needed": p.needs}) for i, p in enumerate(self.items) if p.needs}
        self._lock = threading.Lock()
        self._vectors: np.ndarray | None = None
        self._owner: list[tuple[int, bool]] = []

    @classmethod
    def load(cls, directory: Path) -> Positions:
        """Every `*.yaml` list under `directory` (none when it does not exist)."""
        items: list[Position] = []
        for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
            for data in safe_load(path.read_text(encoding="utf-8")) or []:
                items.append(Position.model_validate(data))
        return cls(items)

    def problems(self, entry_ids: set[str]) -> list[str]:
        """Positions resting on entries that do not exist, and ids used twice."""
        seen: set[str] = set()
        out = []
        for p in self.items:
            out += [f"position {p.id}: no entry {e!r}" for e in p.cites() if e not in entry_ids]
            if p.id in seen:
                out.append(f"position {p.id}: id used twice")
            seen.add(p.id)
        return out

    def _says_needed(self, index: int, text: str) -> bool:
        needs = self._needs.get(index)
        return needs is None or bool(needs.find(text))

    def _encoded(self) -> np.ndarray:
        if self._vectors is None:
            with self._lock:
                if self._vectors is None:
                    texts, owner = [], []
                    for i, p in enumerate(self.items):
                        for text in p.examples.all():
                            texts.append(text)
                            owner.append((i, True))
                        for text in p.near_misses.all():
                            texts.append(text)
                            owner.append((i, False))
                    self._owner = owner
                    self._vectors = encode_stored("positions", texts) if texts else np.zeros((0, 1))
        return self._vectors

    def nearest(self, text: str, kind: str, fmt: str, market: str) -> list[tuple[float, Position]]:
        """Positions of `kind` that hold here and that `text` is like (above each one's floor, beating its
        near misses by `MARGIN`), likeliest first."""
        vectors = self._encoded()
        if not len(vectors):
            return []
        query = encode([text])[0]
        scores = vectors @ query
        best: dict[int, list[float]] = {}
        for score, (i, positive) in zip(scores, self._owner, strict=True):
            pair = best.setdefault(i, [0.0, 0.0])
            pair[0 if positive else 1] = max(pair[0 if positive else 1], float(score))
        found = [(pos, self.items[i]) for i, (pos, neg) in best.items()
                 if self.items[i].kind == kind and self.items[i].holds.covers(fmt, market)
                 and pos >= self.items[i].floor and pos - neg >= MARGIN and self._says_needed(i, text)]  # fmt: skip
        return sorted(found, key=lambda pair: -pair[0])
