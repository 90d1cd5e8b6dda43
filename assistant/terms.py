"""Finding words in text: sets of words that each name a label, found in one left-to-right pass.

Latin words match whole ("us" is not in "use"); `{n}` in a word stands for a short name ("视频{n}":
"视频A", "链接2"). The engine's lexicon (`assistant/engine/lexicon/`) and the knowledge base's positions
use it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from re import _casefix  # type: ignore[attr-defined]

NAME = r"(?:[A-Za-z]|\d{1,2}(?![\d.,%])|[一二三四五六七八九十](?![条个支单件次天周月选]))"
"""What `{n}` stands for in an option's name: "视频A", "链接1", "方案二" (not "视频一条": a count, nor
"两个方案二选一": a phrase, nor "video 3500 baht": an amount)."""


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


_EXTRA_FOLDS = frozenset(c for k, extra in _casefix._EXTRA_CASES.items() for c in (chr(k), *map(chr, extra)) if not c.isascii())
_UNSURE = _EXTRA_FOLDS | {c.upper() for c in _EXTRA_FOLDS}
"""Letters `re.IGNORECASE` matches beyond their simple lowercase ("ſ" for "s", "ς" for "σ"): a text
with one is matched case-insensitively; any other is lowered and matched as it is (5x faster to compile)."""


def _lowers_exactly(text: str) -> bool:
    """Matching `text.lower()` finds what a case-insensitive pattern finds in `text`, at the same places."""
    return len(text.lower()) == len(text) and _UNSURE.isdisjoint(text)


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
        patterns = [("|".join(_pattern(w) for w in plain), None)] if plain else []
        self._patterns = patterns + [(_pattern(w), label) for w, label in templated]
        """Each pattern, with the label it finds (None: the plain words, labelled by the word found)."""
        lowered = all(w == w.lower() and _lowers_exactly(w) for w in [*plain, *(w.casefold() for w, _ in templated)])
        self._lowered = [re.compile(source) for source, _ in self._patterns] if lowered else None

    @functools.cached_property
    def _any_case(self) -> list[re.Pattern[str]]:
        return [re.compile(source, re.IGNORECASE) for source, _ in self._patterns]

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def find(self, text: str) -> list[Hit]:
        """Every word found, by position."""
        fast = self._lowered is not None and _lowers_exactly(text)
        compiled, scanned = (self._lowered, text.lower()) if fast else (self._any_case, text)
        hits = []
        for pattern, (_, label) in zip(compiled, self._patterns, strict=True):
            for m in pattern.finditer(scanned):
                word = text[m.start():m.end()]
                hits.append(Hit(m.start(), m.end(), label or self._labels[word.casefold()], word))
        return sorted(hits, key=lambda h: (h.start, -h.end))

    def labels(self, text: str) -> list[str]:
        """The labels of the words found, in order, each once."""
        return list(dict.fromkeys(h.label for h in self.find(text)))

    def words(self) -> set[str]:
        return set(self._labels)
