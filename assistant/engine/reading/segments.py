"""Where a message breaks: clauses (for the words around a number) and pieces (candidate questions).

Sellers write run-ons with spaces for commas ("18万播放 出了27单 客单25刀 这gpm行不行"), so a space
between two Chinese characters breaks a clause as a comma does (a space beside a number does not:
"出了 27单", "20% 佣金").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_HARD = "。！？!?\n；;"
_SOFT = "，、：:"
_BREAK = re.compile(rf"[{_HARD}{_SOFT}]+|,(?!\d{{3}})|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])|(?<=[a-z0-9%)])[.](?=\s|$)|\s+-\s+")
_SENTENCE_END = re.compile(rf"[{_HARD}]+|(?<=[a-z0-9%)])[.](?=\s|$)")
_LIST_MARKER = re.compile(r"(?:(?:(?<=\s)|^)\(?([1-9])(?:[)）.、]|(?=\s)|(?=[\u3400-\u9fff]))|([①-⑨]))\s*(?=\S)"
                          r"(?![条个万千百单次天周月年元刀块号岁分秒%]|美[元金])(?![kKwWmM](?![A-Za-z]))")
"""A list item's number: "1 ai视频要不要打标 2 打了标…", "1会不会限流 2…", "1) … 2) …", "①…②…"."""
MIN_ITEM_CHARS = 6


def list_items(text: str) -> list[int]:
    """Where the items of a numbered list start, when the message numbers its questions 1, 2, 3… in order
    (at least two items, each a few characters long); else none."""
    found = [(m.start(), int(m.group(1)) if m.group(1) else ord(m.group(2)) - ord("①") + 1) for m in _LIST_MARKER.finditer(text)]
    chain: list[int] = []
    for start, number in found:
        if number == len(chain) + 1 and (not chain or start - chain[-1] >= MIN_ITEM_CHARS):
            chain.append(start)
    return chain if len(chain) >= 2 else []


@dataclass(frozen=True)
class Piece:
    """A stretch of the message between breaks, with its trailing break."""

    start: int
    end: int
    text: str
    hard_end: bool
    """The piece ends a sentence (。？! or a line break), not just a clause."""


class Breaks:
    """The message's clause breaks, to tell which clause and sentence a position is in (by bisection)."""

    def __init__(self, text: str):
        self.text = text
        items = [i for i in list_items(text) if i > 0]  # a numbered question ends where the next number starts
        self.clause_ends = sorted({m.end() for m in _BREAK.finditer(text)} | set(items))
        self.sentence_ends = sorted({m.end() for m in _SENTENCE_END.finditer(text)} | set(items))

    def clause(self, position: int) -> int:
        return bisect.bisect_right(self.clause_ends, position)

    def sentence(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_ends, position)

    def clause_bounds(self, position: int) -> tuple[int, int]:
        i = self.clause(position)
        start = self.clause_ends[i - 1] if i else 0
        end = self.clause_ends[i] if i < len(self.clause_ends) else len(self.text)
        return start, end

    def sentence_start(self, position: int) -> int:
        i = self.sentence(position)
        return self.sentence_ends[i - 1] if i else 0

    def pieces(self) -> list[Piece]:
        """The clauses as pieces, each with the break after it."""
        out, start = [], 0
        hard = set(self.sentence_ends)
        for end in [*self.clause_ends, len(self.text)]:
            if end > start and self.text[start:end].strip():
                out.append(Piece(start, end, self.text[start:end], end in hard or end == len(self.text)))
            start = end
        return out
