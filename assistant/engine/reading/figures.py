"""The seller's figures: every number in a message, what it measures, whose it is and over what.

A number's role, subject and period come from the fitted models (`model.py`) over the words around
it (`features.py`); the subject and period a seller names beside a number come first, and a few
structures the corpus is too small to teach are read here: a "range" written from high to low is two
values, a bare figure in a clause parallel to the one before takes its role, and figures given in
words as zero ("纯佣": no flat fee) are figures too.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from assistant.engine.lexicon import Hit, lexicon
from assistant.engine.reading.features import Context, after_period, local_cue, number_features
from assistant.engine.reading.model import head
from assistant.engine.reading.parts import Number, Option
from assistant.tools.numbers import NumberMention, ParsedNumber, find_numbers

_RANGE_WORD = re.compile(r"\s*(?:-|–|~|到|至|(?<![a-z])to(?![a-z]))\s*", re.IGNORECASE)
MAX_NUMBERS = 40
"""Numbers read per message; the rest are named as not read (no seller types more in one message)."""


def _ends(mention: NumberMention, text: str) -> list[NumberMention]:
    """A "range" written from high to low, or after "from / 从" ("went from 120 to 90"), is two values."""
    number = mention.number
    if number.low is None or number.high is None:
        return [mention]
    before = text[max(0, mention.span[0] - 6) : mention.span[0]].casefold()
    parts = [p for p in _RANGE_WORD.split(mention.raw) if p.strip()]
    if len(parts) != 2 or not (_descending(parts) or "from" in before or "从" in before):
        return [mention]
    ends = []
    offset = mention.span[0]
    for part in parts:
        start = text.index(part, offset)
        found = find_numbers(text[start : start + len(part)])
        if len(found) != 1:
            return [mention]
        ends.append(NumberMention(span=(start, start + len(part)), raw=part, number=found[0].number))
        offset = start + len(part)
    return ends


def _descending(parts: list[str]) -> bool:
    values = [find_numbers(p) for p in parts]
    return all(len(v) == 1 for v in values) and values[0][0].number.value > values[1][0].number.value


def mentions(text: str) -> list[NumberMention]:
    """Every number in `text` (years and dates too: they are read as no input), with "一半 / half" as 50%."""
    found = [end for m in find_numbers(text) for end in _ends(m, text)]
    halves = [h for h in lexicon().conversation.find(text) if h.label == "half"]
    found += [NumberMention(span=(h.start, h.end), raw=h.word, number=ParsedNumber(value=0.5, unit="percent"))
              for h in halves if not any(m.span[0] < h.end and h.start < m.span[1] for m in found)]
    return sorted(found, key=lambda m: m.span)


def read_numbers(ctx: Context, options: list[Option]) -> tuple[list[Number], int]:
    found = mentions(ctx.text)
    kept, unread = found[:MAX_NUMBERS], max(0, len(found) - MAX_NUMBERS)
    role_model, subject_model, period_model = head("role"), head("subject"), head("period")
    numbers = []
    for i, mention in enumerate(kept):
        if mention.kind in ("year", "date"):
            numbers.append(Number(span=mention.span, raw=mention.raw, value=mention.number.value, currency=None,
                                  percent=False, role="other", confidence=1.0))
            continue
        features = number_features(ctx, mention, i, len(kept), kept[i - 1] if i else None)
        p = _possible(role_model.proba(features), role_model.classes, mention)
        order = p.argsort()[::-1]
        role, confidence = role_model.classes[order[0]], float(p[order[0]])
        runner_up = (role_model.classes[order[1]], float(p[order[1]])) if len(order) > 1 else None
        subject = _subject(ctx, mention.span, subject_model.predict(features))
        period = _period(ctx, mention.span, period_model.predict(features))
        number = mention.number
        numbers.append(Number(
            span=mention.span, raw=mention.raw, value=number.value, currency=number.currency,
            percent=number.unit == "percent", role=role, confidence=confidence,
            subject=subject, period=period,
            option=_option_of(mention.span, options, ctx), low=number.low, high=number.high, runner_up=runner_up,
        ))  # fmt: skip
    numbers += _zeros(ctx, numbers)
    return _shares_of_whole(_parallel(ctx, sorted(numbers, key=lambda n: n.span), kept)), unread


COUNTS = frozenset({"views", "orders", "videos", "samples", "followers", "duration"})
"""Roles that count things: never an amount of money ("$49 a month" is no number of videos)."""


def _possible(p: np.ndarray, classes: tuple[str, ...], mention: NumberMention) -> np.ndarray:
    """The role probabilities with the roles this figure's form rules out set to zero (then rescaled)."""
    if not mention.number.currency:
        return p
    kept = np.array([0.0 if role in COUNTS else 1.0 for role in classes]) * p
    total = kept.sum()
    return kept / total if total > 0 else p


def _parallel(ctx: Context, numbers: list[Number], mentions: list[NumberMention]) -> list[Number]:
    """"上个月GMV 1.5w刀，这个月1.1w": a bare number opened by a period word, after one of the same kind
    opened by another, measures what that one does (the model has too few such pairs to learn it)."""
    by_span = {m.span: m for m in mentions}
    out = list(numbers)
    for i in range(1, len(out)):
        before, here = out[i - 1], out[i]
        mention, previous = by_span.get(here.span), by_span.get(before.span)
        if (here.role == "other" and before.role != "other" and before.confidence >= 0.8 and mention and previous
                and local_cue(ctx, mention) is None and after_period(ctx, mention) and after_period(ctx, previous)
                and not here.percent == (not before.percent)):
            out[i] = replace(here, role=before.role, confidence=before.confidence * 0.9, runner_up=("other", here.confidence))
    return out


SHARE_ROLES = ("share", "commission_rate", "margin", "probability", "share_cut", "other")
"""What the model may call a percentage that is in fact a part of a split ("70% creators 30% AI")."""


def _shares_of_whole(numbers: list[Number]) -> list[Number]:
    """"budget €5k, 70% creators 30% AI testing": two or more percentages beside a budget that add up to
    exactly 100% split it; each is a share, whatever else the model took it for."""
    percents = [n for n in numbers if n.percent and n.role in SHARE_ROLES]
    budget = any(n.role == "budget" and not n.percent for n in numbers)
    if not budget or len(percents) < 2 or abs(sum(n.value for n in percents) - 1) > 1e-6:
        return numbers
    split = {n.span for n in percents}
    return [replace(n, role="share", confidence=max(n.confidence, 0.9), runner_up=(n.role, n.confidence))
            if n.span in split and n.role != "share" else replace(n, confidence=max(n.confidence, 0.9)) if n.span in split else n
            for n in numbers]


def _zeros(ctx: Context, numbers: list[Number]) -> list[Number]:
    """Figures given as zero in words ("纯佣": no flat fee; "一单没出": no orders)."""
    out = []
    for hit in lexicon().zeros.find(ctx.text):
        if not any(n.span[0] < hit.end and hit.start < n.span[1] for n in numbers):
            out.append(Number(span=(hit.start, hit.end), raw=hit.word, value=0.0, currency=None, percent=False,
                              role=hit.label, confidence=1.0))
    return out


PERIOD_REACH = 16
"""Characters a period word ("a day", "每条") may stand from its number in the same clause."""
RIGHT_REACH_ZH = 3
"""Chinese names the period before its figure ("一条4刀", "每天3条"): one after it must stand right by it
("30w gmv 2100刀 ai一条4刀": 一条 is the 4刀's, not the 30w's)."""


def _period(ctx: Context, span: tuple[int, int], predicted: tuple[str, float]) -> str | None:
    """Over what the figure runs: the period word nearest it in its clause ("6 videos a day"), else the model's reading."""
    clause = ctx.breaks.clause(span[0])
    near = [(span[0] - h.end if h.end <= span[0] else h.start - span[1], h.label, h.word, h.start >= span[1])
            for h in ctx.periods.near(*span) if ctx.breaks.clause(h.start) == clause and (h.end <= span[0] or h.start >= span[1])]
    near = [(gap, label) for gap, label, word, right in near
            if gap <= (RIGHT_REACH_ZH if right and not word.isascii() else PERIOD_REACH)]
    if near:
        return min(near)[1]
    return None if predicted[0] == "none" else predicted[0]


def _subject(ctx: Context, span: tuple[int, int], predicted: tuple[str, float]) -> str | None:
    """Whose figure it is: the subject named last before it in its clause ("AI视频一条10美元"), else in
    its sentence; else the model's reading, when the message names any subject at all."""
    if not ctx.subjects.hits:
        return None
    right_after = [h for h in ctx.subjects.between(span[1], span[1] + 5)  # Chinese writes it with 的: "9.6k刀 AI视频…" starts anew
                   if ctx.text[span[1] : h.start].strip() == "的"
                   or (h.word.isascii() and ctx.text[span[1] - 1].isascii() and not ctx.text[span[1] : h.start].strip())]
    if right_after:  # "300美元的达人视频", "a $15 AI video": the subject the figure is written against
        return right_after[0].label
    clause_start, _ = ctx.breaks.clause_bounds(span[0])
    sentence_start = ctx.breaks.sentence_start(span[0])
    before = [h for h in ctx.subjects.between(sentence_start, span[0]) if h.end <= span[0]]
    in_clause = [h for h in before if h.start >= clause_start]
    if in_clause or before:
        return (in_clause or before)[-1].label
    return None if predicted[0] == "none" else predicted[0]


def _option_of(span: tuple[int, int], options: list[Option], ctx: Context) -> str | None:
    """The option named last before the number in its sentence, or the one it sits in."""
    sentence_start = ctx.breaks.sentence_start(span[0])
    before = [o for o in options if sentence_start <= o.span[0] < span[1]]
    return before[-1].name if before else None


def read_options(ctx: Context) -> list[Option]:
    lex = lexicon()
    hits = sorted(lex.options.find(ctx.text) + lex.accounts.find(ctx.text), key=lambda h: h.start)
    out: list[Option] = []
    for hit in hits:
        if out and hit.start < out[-1].span[1]:
            continue  # a shorter name inside a longer one
        out.append(Option(_normal_name(hit), hit.label, (hit.start, hit.end)))
    return out


def _normal_name(hit: Hit) -> str:
    return " ".join(hit.word.split()).casefold() if hit.word.isascii() else hit.word.replace(" ", "")
