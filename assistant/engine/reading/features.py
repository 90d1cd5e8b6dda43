"""Features the reading models see: the words around a number, and the words of a question.

The lexicon's words are features, not rules: "客单" two characters before a number is strong
evidence of a price, and the model learns how strong from the corpus. Everything here is found in
one pass over the message (`Context`), so reading stays linear in its length.
"""

from __future__ import annotations

import bisect
import math
import re

import numpy as np
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.engine.lexicon import Hit, lexicon
from assistant.engine.reading.segments import Breaks
from assistant.kb.encoding import encode
from assistant.tools.numbers import NumberMention

Features = dict[str, float]

WINDOW = 24
"""Characters either side of a number in which cue words count."""
_LATIN_WORD = re.compile(r"(?<![0-9.])[a-z]+(?:'[a-z]+)?|[$¥€£]")
"""A word, not the magnitude letter of a number ("1.5w", "3k")."""
_HAN = re.compile(r"[\u3400-\u9fff]")


def _bucket(gap: int) -> str:
    return "0" if gap <= 1 else "1" if gap <= 4 else "2" if gap <= 9 else "3" if gap <= 16 else "4"


class _Index:
    """Hits sorted by start, for the hits near a span (by bisection)."""

    def __init__(self, hits: list[Hit]):
        self.hits = hits
        self.starts = [h.start for h in hits]

    def near(self, start: int, end: int) -> list[Hit]:
        lo = bisect.bisect_left(self.starts, start - WINDOW - 12)
        hi = bisect.bisect_right(self.starts, end + WINDOW)
        return self.hits[lo:hi]

    def between(self, start: int, end: int) -> list[Hit]:
        """The hits that start in [start, end)."""
        return self.hits[bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)]


@dataclass
class Context:
    """One message's lexicon hits and breaks, found once."""

    text: str
    lowered: str = ""
    breaks: Breaks = field(init=False)
    units: list[Hit] = field(init=False)
    unit_at: dict[int, list[Hit]] = field(init=False)
    cues: _Index = field(init=False)
    subjects: _Index = field(init=False)
    periods: _Index = field(init=False)
    options: list[Hit] = field(init=False)
    message_cues: set[str] = field(init=False)

    def __post_init__(self) -> None:
        lex = lexicon()
        self.lowered = self.text.casefold()
        self.breaks = Breaks(self.text)
        self.units = lex.units.find(self.text)
        self.unit_at = {}
        for hit in self.units:
            self.unit_at.setdefault(hit.start, []).append(hit)
        cues = lex.cues.find(self.text)
        self.cues = _Index(cues)
        self.subjects = _Index(lex.subjects.find(self.text))
        self.periods = _Index(lex.periods.find(self.text))
        self.options = lex.options.find(self.text) + lex.accounts.find(self.text)
        self.message_cues = {h.label for h in cues}


def _form(mention: NumberMention) -> Features:
    number = mention.number
    f: Features = {f"cur:{number.currency or 'none'}": 1.0}
    if number.unit == "percent":
        f["pct"] = 1.0
    value = abs(number.value)
    f[f"mag:{max(-2, min(7, math.floor(math.log10(value)))) if value > 0 else 'zero'}"] = 1.0
    f["int" if float(number.value).is_integer() else "frac"] = 1.0
    if number.low is not None and number.high is not None:
        f["range"] = 1.0
    elif number.low is not None:
        f["open_range"] = 1.0
    raw = mention.raw.casefold()
    if _HAN.search(raw):
        f["han_in_number"] = 1.0
    for suffix in ("k", "w", "万", "千", "m", "百"):
        if suffix in raw.rstrip("刀元块$¥"):
            f[f"suffix:{suffix}"] = 1.0
    if mention.kind == "duration":
        f[f"duration:{mention.time_unit}"] = 1.0
    return f


def _words_before(text: str, position: int, count: int) -> list[str]:
    return _LATIN_WORD.findall(text[max(0, position - 40) : position])[-count:]


def _words_after(text: str, position: int, count: int) -> list[str]:
    return _LATIN_WORD.findall(text[position : position + 40])[:count]


def _surroundings(ctx: Context, start: int, end: int) -> Features:
    """Characters and words right before and after the number (the seller's own unit, cue, particle)."""
    f: Features = {}
    left = ctx.lowered[max(0, start - 6) : start].rstrip()
    right = ctx.lowered[end : end + 8].lstrip()
    for n in (1, 2, 3):
        if len(left) >= n:
            f[f"l{n}:{left[-n:]}"] = 1.0
        if len(right) >= n:
            f[f"r{n}:{right[:n]}"] = 1.0
    before, after = _words_before(ctx.lowered, start, 2), _words_after(ctx.lowered, end, 2)
    if before:
        f[f"lw:{before[-1]}"] = 1.0
        if len(before) == 2:
            f[f"lw2:{before[0]} {before[1]}"] = 1.0
    if after:
        f[f"rw:{after[0]}"] = 1.0
        if len(after) == 2:
            f[f"rw2:{after[0]} {after[1]}"] = 1.0
    return f


def _cue_features(ctx: Context, start: int, end: int) -> Features:
    """The nearest cue of each role on each side, by distance bucket; beyond the clause counts apart."""
    f: Features = {}
    clause = ctx.breaks.clause(start)
    nearest: dict[str, tuple[int, str]] = {}
    for hit in ctx.cues.near(start, end):
        if hit.end <= start:
            gap, side = start - hit.end, "L"
        elif hit.start >= end:
            gap, side = hit.start - end, "R"
        else:
            continue
        if gap > WINDOW:
            continue
        same = ctx.breaks.clause(hit.start if side == "L" else hit.start) == clause
        key = f"cue{side}{'' if same else 'x'}:{hit.label}"
        if key not in nearest or gap < nearest[key][0]:
            nearest[key] = (gap, hit.word.casefold())
    for key, (gap, word) in nearest.items():
        f[f"{key}:{_bucket(gap)}"] = 1.0
        f[key] = 1.0
        if not key.startswith("cueLx") and not key.startswith("cueRx"):
            f[f"{key[:4]}w:{word}"] = 1.0
    for hit in ctx.unit_at.get(end, []) + ctx.unit_at.get(end + 1, []):
        if not ctx.text[end : hit.start].strip():
            f[f"unit:{hit.label}"] = 1.0
    return f


def _named(ctx: Context, start: int, end: int) -> Features:
    """The number sits inside an option's name ("链接1", "video 2") or right after an option word."""
    for hit in ctx.options:
        if hit.start <= start and end <= hit.end:
            return {"in_option_name": 1.0}
    return {}


def _subject_features(ctx: Context, start: int, end: int) -> Features:
    f: Features = {}
    clause_start, _ = ctx.breaks.clause_bounds(start)
    sentence_start = ctx.breaks.sentence_start(start)
    before = [h for h in ctx.subjects.near(start, end) if h.end <= start]
    if before:
        last = before[-1]
        where = "clause" if last.start >= clause_start else "sentence" if last.start >= sentence_start else "far"
        f[f"subjL:{where}:{last.label}"] = 1.0
    after = [h for h in ctx.subjects.near(start, end) if h.start >= end and h.start - end <= 10]
    if after:
        f[f"subjR:{after[0].label}"] = 1.0
    clause = ctx.breaks.clause(start)
    for hit in ctx.periods.near(start, end):
        gap = start - hit.end if hit.end <= start else hit.start - end if hit.start >= end else 0
        if 0 <= gap <= (10 if hit.end <= start else 16) and ctx.breaks.clause(hit.start) == clause:
            f[f"period:{hit.label}"] = 1.0
            f[f"period:{hit.label}:{'L' if hit.end <= start else 'R'}"] = 1.0
    return f


def local_cue(ctx: Context, mention: NumberMention) -> str | None:
    """The role a number's own unit or nearest cue in its clause names ("18万播放" → views), if any."""
    start, end = mention.span
    for hit in ctx.unit_at.get(end, []) + ctx.unit_at.get(end + 1, []):
        if not ctx.text[end : hit.start].strip():
            return hit.label
    clause = ctx.breaks.clause(start)
    periods = ctx.periods.near(start, end)
    near = [(start - h.end if h.end <= start else h.start - end, h.label) for h in ctx.cues.near(start, end)
            if (h.end <= start or h.start >= end) and ctx.breaks.clause(h.start) == clause
            and not any(p.start <= h.start < p.end for p in periods)]  # "这个月" opens a period, it names no role
    near = [(gap, label) for gap, label in near if gap <= 6]
    return min(near)[1] if near else None


def after_period(ctx: Context, mention: NumberMention) -> bool:
    """A period word ("这个月", "last week", "从") stands just before the number in its clause."""
    start = mention.span[0]
    clause_start, _ = ctx.breaks.clause_bounds(start)
    return any(clause_start <= h.start and 0 <= start - h.end <= 8 for h in ctx.periods.near(start, start))


def _shape_key(mention: NumberMention) -> tuple[str | None, bool, str]:
    number = mention.number
    raw = mention.raw.casefold()
    return number.currency, number.unit == "percent", "".join(ch for ch in raw if not ch.isdigit() and ch not in ".,")


def number_features(ctx: Context, mention: NumberMention, index: int, count: int,
                    previous: NumberMention | None = None) -> Features:
    """Everything the role, subject and period models see about one number; the number before it
    counts too ("上个月GMV 1.5w刀，这个月1.1w": the second mirrors the first)."""
    start, end = mention.span
    f = {"bias": 1.0, **_form(mention), **_surroundings(ctx, start, end), **_cue_features(ctx, start, end),
         **_named(ctx, start, end), **_subject_features(ctx, start, end)}  # fmt: skip
    if previous is not None:
        role = local_cue(ctx, previous) or "none"
        f[f"prev_cue:{role}"] = 1.0
        if after_period(ctx, previous) and after_period(ctx, mention):  # "上个月GMV 1.5w，这个月1.1w"
            f[f"prev_period_pair:{role}"] = 1.0
            f["period_pair"] = 1.0
        same = _shape_key(previous)[::2] == _shape_key(mention)[::2] or (
            previous.number.currency is not None and mention.number.currency is None)
        if same:
            f[f"prev_same_form:{role}"] = 1.0
    f["lang:zh" if _HAN.search(ctx.text) else "lang:en"] = 1.0
    if index == 0:
        f["first_number"] = 1.0
    if index == count - 1:
        f["last_number"] = 1.0
    for role in ctx.message_cues:
        f[f"msg_cue:{role}"] = 1.0
    return f


EMBEDDING_SCALE = 3.0
"""The sentence encoder's unit vector, scaled so its dimensions weigh like the sparse word features."""


def embed(texts: list[str]) -> list[np.ndarray]:
    """The bundled multilingual sentence encoder's unit vectors for `texts` (one batch)."""
    return list(encode([t.strip()[-200:] or " " for t in texts]))


def text_features(text: str, context: str = "", previous: str = "", vector: np.ndarray | None = None) -> Features:
    """What the act and wants models see about a question: its cue words, its characters and words,
    the words of the message before it (`context`) and of the seller's previous message (`previous`:
    "投哪个" after two turns of figures is a choice between them)."""
    lex = lexicon()
    lowered = text.casefold()
    f: Features = {"bias": 1.0}
    if previous:
        earlier = previous.casefold()
        f["follows"] = 1.0
        for hit in lex.act_cues.find(earlier):
            f[f"prev_act:{hit.label}"] = 1.0
        for hit in lex.cues.find(earlier):
            f[f"prev_role:{hit.label}"] = 1.0
        if any(ch.isdigit() for ch in earlier):
            f["prev_digit"] = 1.0
    for hit in lex.act_cues.find(lowered):
        f[f"act:{hit.label}"] = 1.0
        f[f"actw:{hit.word.casefold()}"] = 1.0
    for hit in lex.wants.find(lowered):
        f[f"want:{hit.label}"] = 1.0
    for hit in lex.act_cues.find(context.casefold()):
        f[f"ctx_act:{hit.label}"] = 1.0
    for hit in lex.cues.find(context.casefold() + " " + lowered):
        f[f"ctx_role:{hit.label}"] = 1.0
    if lex.markets.find(lowered):
        f["names_market"] = 1.0
    if lex.scope.find(lowered):
        f["off_topic_word"] = 1.0
    if lex.claims.find(lowered):
        f["claim_word"] = 1.0
    if any(ch.isdigit() for ch in context + text):
        f["has_digit"] = 1.0
    if "?" in text or "？" in text:
        f["question_mark"] = 1.0
    han = "".join(_HAN.findall(lowered))
    for gram in _ngrams(han, 2):
        f[f"c2:{gram}"] = 1.0
    for ch in han:
        f[f"c1:{ch}"] = 1.0
    words = _LATIN_WORD.findall(lowered)
    for word in words:
        f[f"w:{word}"] = 1.0
    for pair in zip(words, words[1:], strict=False):
        f[f"w2:{pair[0]} {pair[1]}"] = 1.0
    f["han" if han else "latin"] = 1.0
    if vector is not None:  # what the words mean, beyond the words themselves ("can I appeal?")
        f.update({f"e{i}": float(x) * EMBEDDING_SCALE for i, x in enumerate(vector)})
    return f


def _ngrams(text: str, n: int) -> Iterable[str]:
    return (text[i : i + n] for i in range(len(text) - n + 1))
