"""Finding words in text: sets of words that each name a label, found in one left-to-right pass.

Latin words match whole ("us" is not in "use"); `{n}` in a word stands for a short name ("视频{n}":
"视频A", "链接2"). The engine's lexicon (`assistant/engine/lexicon/`) and the knowledge base's positions
use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NAME = r"(?:[A-Za-z]|\d{1,2}|[一二三四五六七八九十](?![条个支单件次天周月]))"
"""What `{n}` stands for in an option's name: "视频A", "链接1", "方案二" (not "视频一条": a count)."""


@dataclass(frozen=True)
class Hit:
    """One word of the lexicon found in a text."""

    start: int
    end: int
    label: str
    word: str


def _pattern(word: str) -> str:
    """A word as a pattern: Latin words match whole ("us" is not in "use"); `{n}` is a short name."""
    escaped = re.escape(word.casefold()).replace(r"\{n\}", NAME)
    head = r"(?<![a-z0-9])" if word[:1].isascii() and word[:1].isalnum() else ""
    tail = r"(?![a-z])" if word[-1:].isascii() and word[-1:].isalpha() or word.endswith("{n}") else ""
    return f"{head}{escaped}{tail}"


class Terms:
    """Words that each name a label, found in one left-to-right pass (longest word first at a position)."""

    def __init__(self, words_by_label: Mapping[str, Iterable[str]]):
        self._labels: dict[str, str] = {}
        templated: list[tuple[str, str]] = []
        for label, words in words_by_label.items():
            for word in words:
                word = str(word)
                if "{n}" in word:
                    templated.append((word, label))
                else:
                    self._labels.setdefault(word.casefold(), label)
        plain = sorted(self._labels, key=len, reverse=True)
        self._plain = re.compile("|".join(_pattern(w) for w in plain), re.IGNORECASE) if plain else None
        self._templated = [(re.compile(_pattern(w), re.IGNORECASE), label) for w, label in templated]

    def __bool__(self) -> bool:
        return bool(self._labels or self._templated)

    def find(self, text: str) -> list[Hit]:
        """Every word found, by position."""
        hits = []
        if self._plain is not None:
            hits = [Hit(m.start(), m.end(), self._labels[m.group(0).casefold()], m.group(0)) for m in self._plain.finditer(text)]
        for pattern, label in self._templated:
            hits += [Hit(m.start(), m.end(), label, m.group(0)) for m in pattern.finditer(text)]
        return sorted(hits, key=lambda h: (h.start, -h.end))

    def labels(self, text: str) -> list[str]:
        """The labels of the words found, in order, each once."""
        return list(dict.fromkeys(h.label for h in self.find(text)))

    def words(self) -> set[str]:
        return set(self._labels)
