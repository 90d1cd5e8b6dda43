"""Rulings: which rule clauses govern what a seller's message says is made or done with AI.

A clause applies to an action the message names (read by `assistant/engine/ai_actions.py`), in the
clause's formats and markets, when its conditions are read with it; words elsewhere in the message do
not make it apply. The result is strong (a one-word verdict) only when every action done with AI is
ruled on by a verified clause and no stricter clause hangs on a condition the message leaves open;
otherwise it is weak: no verdict, the nearest clauses and what the answer depends on.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from assistant.engine.ai_actions import AiAction, AiReading, lexicon, read_ai
from assistant.kb.schema import Clause, Entry, Format, Lang, Market, Ruling

Strength = Literal["strong", "weak", "none"]
Role = Literal["verdict", "depends", "also", "nearest", "reach"]
How = Literal["met", "open", "excluded", "nearest", "abroad"]
"""How a clause matched: its conditions read (`met`), its ruling hanging on a condition the message
leaves open (`open`), taken out by a stated qualifier (`excluded`), or only alike (`nearest`)."""

NEAREST_FLOOR = 0.45
"""A message that names no governed action is near a clause when its cosine to one of the clause's
examples reaches this (the bundled sentence encoder); the answer then quotes it without a verdict."""
LOOKALIKE_FLOOR = 0.6
"""A verdict short of a ban stands only if the example question most like the message (cosine at
least this, ties within `LOOKALIKE_TIE`) is not one a stricter clause rules on: wording the lexicon
missed ("瘦20斤的对比") then gives no verdict instead of a wrong "allowed"."""
LOOKALIKE_TIE = 0.01
MAX_SHOWN = 4


@dataclass(frozen=True)
class ClauseMatch:
    """A clause and the action it governs in the message (None: nearest by likeness only)."""

    entry: Entry
    clause: Clause
    action: AiAction | None
    how: How

    @property
    def applies(self) -> bool:
        """The clause governs the action (its conditions read or open), not merely resembles it."""
        return self.how in ("met", "open")

    def as_dict(self, role: Role, strength: Strength) -> dict[str, Any]:
        c = self.clause
        return {
            "entry": self.entry.id, "clause": c.id, "ruling": c.ruling, "role": role, "strength": strength,
            "action": c.action.model_dump(), "condition": c.condition.model_dump() if c.condition else None,
            "formats": list(c.formats), "markets": list(c.markets),
            "evidence": c.evidence, "evidence_label": {lang: c.evidence_label(lang) for lang in ("zh", "en")},
            "verified": c.verified, "quote": c.quote, "how": self.how,
            "penalty": c.penalty.model_dump() if c.penalty else None,
            "instead": c.instead.model_dump() if c.instead else None,
            "matched": self.action.words if self.action else "", "concept": self.action.concept if self.action else None,
        }  # fmt: skip


@dataclass(frozen=True)
class RulingResult:
    """What the rules say about a message: a verdict only when the match is strong."""

    strength: Strength
    verdict: Ruling | None
    rests_on: tuple[ClauseMatch, ...]
    """The clauses the answer rests on: those giving the verdict, else the nearest or conditional ones."""
    also: tuple[ClauseMatch, ...] = ()
    """Other clauses that apply (the label clause beside an allowed use, a milder clause beside a ban)."""
    uncovered: tuple[AiAction, ...] = ()
    """Things done with AI that no clause rules on."""
    reach: bool = False
    """A question about reach or penalties for content no clause bans: answered as a reach question."""
    sides: tuple[str, ...] = ()
    """For a reach question: the entries that give each side (the label's effect on reach, the
    insiders who contradict the policy), whether or not a search found them."""
    reading: AiReading | None = field(default=None, compare=False)

    @property
    def role(self) -> Role:
        if self.reach:
            return "reach"
        return {"strong": "verdict", "weak": "depends", "none": "nearest"}[self.strength]  # type: ignore[return-value]

    def clauses(self) -> list[Clause]:
        return [m.clause for m in self.rests_on]

    def as_payload(self) -> dict[str, Any]:
        """The `check_policy` tool's answer: the clauses with their role, best first."""
        lex = lexicon()
        uncovered = [lex.concepts[a.concept].means.model_dump() for a in self.uncovered]
        rulings = [m.as_dict(self.role, self.strength) for m in self.rests_on]
        rulings += [m.as_dict("reach" if self.reach else "also", self.strength) for m in self.also]
        asks_ban = bool(self.reading and "is_banned" in self.reading.asks)  # "does TikTok ban AI?": answered as asked
        rulings = [{**r, "uncovered": uncovered, "sides": list(self.sides), "asks_ban": asks_ban} for r in rulings]
        return {
            "tool": "check_policy", "strength": self.strength, "verdict": self.verdict, "reach": self.reach,
            "rulings": rulings[:MAX_SHOWN],
            "uncovered": uncovered,
            "read": [{"action": a.concept, "words": a.words, "qualifiers": sorted(a.qualifiers), "with_ai": a.with_ai}
                     for a in (self.reading.actions if self.reading else ())],
            "sources": list(dict.fromkeys([*(r["entry"] for r in rulings[:MAX_SHOWN]), *self.sides])),
        }  # fmt: skip


class Rulebook:
    """The rule clauses of the knowledge base, and the matcher over them."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries = {e.id: e for e in entries}
        self._clauses = [(e, c) for e in self._entries.values() for c in e.rules]
        self._lock = threading.Lock()
        self._vectors: dict[tuple[str, bool], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._clauses)

    def in_scope(self, market: Market | None, fmt: Format | None) -> list[tuple[Entry, Clause]]:
        """Clauses for `market` (None: the seller named none, so the US) and GLOBAL ones, in `fmt`."""
        markets = {market or "US", "GLOBAL"}
        return [(e, c) for e, c in self._clauses if markets & set(c.markets) and c.covers(fmt)]

    def rule_on(self, text: str, lang: Lang, market: Market | None, fmt: Format | None) -> RulingResult:
        """The ruling on what `text` says is done with AI, in `market` and format `fmt` (read by the caller)."""
        reading = read_ai(text)
        scope = self.in_scope(market, fmt)
        met, conditional, excluded = _matches(reading.actions, scope)
        strong = [m for m in met if m.clause.verified]
        doubtful = conditional + [m for m in met if not m.clause.verified]
        generic = lexicon().generic
        uncovered = tuple(a for a in reading.actions
                          if a.with_ai and a.concept not in generic and not any(m.action is a for m in strong))
        asks_reach = bool(reading.asks & {"reach", "consequence"})
        top = max((m.clause.severity for m in strong), default=-1)
        stricter = _ranked([m for m in doubtful if m.clause.severity > top])
        specific = [a for a in reading.actions if a.with_ai and a.concept not in generic
                    and not any(m.action is a for m in excluded)]  # a clause here that excepts it has the say
        light = [a for a in reading.actions if a.concept not in generic]
        if light and all(lexicon().concepts[a.concept].light for a in light) and all(
                any(m.action is a and m.clause.ruling == "allowed" for m in strong) for a in light):
            allowed = _ranked([m for m in strong if m.clause.ruling == "allowed"])  # "AI字幕", "AI滤镜调色": an allowed use said so
            return RulingResult("strong", "allowed", tuple(allowed), tuple(m for m in _ranked(strong) if m not in allowed),
                                reading=reading)
        abroad = self._banned_abroad(specific, market, fmt) if specific and top < 3 and not stricter else []
        if abroad:  # "日本站克隆网红的声音": no ban here, a verified one elsewhere: said, never "no clause" or "label it"
            return RulingResult("weak", None, (abroad[0],), tuple(_ranked([*strong, *doubtful])[:1]), uncovered, reading=reading)
        if asks_reach and not any(m.clause.severity >= 2 for m in (*strong, *stricter)):
            context = _ranked(strong) or _ranked(doubtful) or self._nearest(text, [s for s in scope if _about_ai_content(s[1])])
            sides = self._reach_sides([m.entry for m in context], market)
            return RulingResult("weak", None, (), tuple(context[:2]), uncovered, True, sides, reading)
        ruled_out = {m.clause.id for m in excluded}  # "商品如实 不卖惨": a clause the seller's own words take out is no lookalike
        lookalike = self._stricter_lookalike(text, scope, top, ruled_out) if strong and not stricter and top < 3 else None
        if lookalike:
            return RulingResult("weak", None, (lookalike,), tuple(_ranked(strong)), uncovered, reading=reading)
        # under a restriction or a ban, a part whose only clause hangs on a condition no stricter cannot change it
        # ("搬运别人的视频再配AI音": restricted for the repost, whatever the voice's condition)
        unsettled = [a for a in uncovered if top < 2 or not any(m.action is a and m.clause.severity <= top for m in doubtful)]
        light = all(lexicon().concepts[a.concept].light for a in unsettled)  # a light edit never lifts a restriction
        if strong and not stricter and (not unsettled or top == 3 or (top == 2 and light)):  # a ban on one part bans the whole video
            verdict_clauses = _ranked([m for m in strong if m.clause.severity == top])
            agreeing = _ranked([m for m in doubtful if m.clause.severity == top])
            others = _ranked([m for m in strong if m.clause.severity < top])
            return RulingResult("strong", verdict_clauses[0].clause.ruling, tuple(verdict_clauses), (*agreeing, *others),
                                reading=reading)
        if strong or doubtful or excluded:
            on_stricter = {id(m.action) for m in stricter}
            rests = _ranked([*stricter, *(m for m in doubtful if id(m.action) in on_stricter)]) or _ranked(doubtful) or _ranked(excluded)
            others = [m for m in _ranked(strong) if m not in rests]
            return RulingResult("weak", None, tuple(rests or others[:1]), tuple(others if rests else others[1:]), uncovered,
                                reading=reading)
        # nothing governs what the message names: say so; only a message naming nothing gets the clause it is most like
        nearest = [] if reading.actions else self._nearest(text, scope)
        return RulingResult("weak" if nearest else "none", None, tuple(nearest), (), uncovered, reading=reading)

    def _banned_abroad(self, actions: Sequence[AiAction], market: Market | None, fmt: Format | None) -> list[ClauseMatch]:
        """Verified bans in other markets on what the message does with AI that no clause of its market
        rules on: the seller hears that it is banned elsewhere, not that nothing governs it."""
        here = {market or "US", "GLOBAL"}
        elsewhere = [(e, c) for e, c in self._clauses if not here & set(c.markets) and c.covers(fmt)]
        met, _, _ = _matches(actions, elsewhere)
        banned = _ranked(m for m in met if m.clause.verified and m.clause.ruling == "banned")
        return [ClauseMatch(m.entry, m.clause, m.action, "abroad") for m in banned]

    def _reach_sides(self, context: Sequence[Entry], market: Market | None) -> tuple[str, ...]:
        """The entries on the label's effect on reach (topic `reach`), and the insiders' claims that
        contradict the policy the context clauses come from, in the question's market."""
        markets = {market or "US", "GLOBAL"}
        on_reach = [e.id for e in self._entries.values() if "reach" in e.topics and markets & set(e.markets)]
        linked = {i for e in context for i in e.contradicted_by}
        insiders = [i for i in sorted(linked) if i in self._entries and self._entries[i].evidence == "insider"
                    and "throttling" in self._entries[i].topics]
        return tuple(dict.fromkeys([*on_reach, *insiders]))

    def _example_vectors(self, clause: Clause, positive: bool) -> np.ndarray:
        """The clause's example questions (`rules` or `not`, both languages) as unit vectors, cached."""
        from assistant.kb.encoding import encode

        key = (clause.id, positive)
        with self._lock:
            if key not in self._vectors:
                examples = [q for ex in clause.examples.values() for q in (ex.rules if positive else ex.not_)]
                self._vectors[key] = encode(examples)
            return self._vectors[key]

    def _nearest(self, text: str, scope: Sequence[tuple[Entry, Clause]]) -> list[ClauseMatch]:
        """The in-scope clause whose example questions are most like `text`, when like enough."""
        if not scope:
            return []
        query = _encode(text)
        scored = [(float(np.max(self._example_vectors(c, True) @ query)), e, c) for e, c in scope]
        best, entry, clause = max(scored, key=lambda s: s[0])
        return [ClauseMatch(entry, clause, None, "nearest")] if best >= NEAREST_FLOOR else []

    def _stricter_lookalike(self, text: str, scope: Sequence[tuple[Entry, Clause]], severity: int,
                            ruled_out: set[str]) -> ClauseMatch | None:
        """A stricter clause one of whose own example questions is the one most like `text` (not one of `ruled_out`)."""
        query = _encode(text)
        scored = [(float(np.max(self._example_vectors(c, positive) @ query)), positive, e, c)
                  for e, c in scope for positive in (True, False)]
        best = max(s[0] for s in scored)
        if best < LOOKALIKE_FLOOR:
            return None
        tied = [s for s in scored if s[0] >= best - LOOKALIKE_TIE]
        stricter = [(e, c) for _, positive, e, c in tied if positive and c.severity > severity and c.id not in ruled_out]
        return ClauseMatch(stricter[0][0], stricter[0][1], None, "nearest") if stricter else None


def _encode(text: str) -> np.ndarray:
    from assistant.kb.encoding import encode

    return encode([text])[0]


def _matches(
    actions: Sequence[AiAction], scope: Sequence[tuple[Entry, Clause]]
) -> tuple[list[ClauseMatch], list[ClauseMatch], list[ClauseMatch]]:
    """(clauses that apply, clauses whose ruling hangs on a condition the message leaves open,
    clauses a stated qualifier takes out) for each action the message names."""
    met, conditional, excluded = [], [], []
    for action in actions:
        for entry, clause in scope:
            governs = clause.governs
            if action.concept not in governs.actions or (governs.with_ai and not action.with_ai):
                continue
            stated = bool(action.qualifiers & set(governs.depends_on))  # "颜色一样，但尺寸P大了": the alteration decides
            if action.qualifiers & set(governs.unless) and not stated:
                excluded.append(ClauseMatch(entry, clause, action, "excluded"))
                continue
            if not set(governs.when) <= action.qualifiers:
                continue
            if not governs.depends_on or action.qualifiers & set(governs.depends_on):
                met.append(ClauseMatch(entry, clause, action, "met"))
            else:
                conditional.append(ClauseMatch(entry, clause, action, "open"))
    return met, conditional, excluded


def _about_ai_content(clause: Clause) -> bool:
    return bool({"content", "label"} & set(clause.governs.actions))


def _ranked(matches: Iterable[ClauseMatch]) -> list[ClauseMatch]:
    """Strictest first; then the clause of a specific action before one about AI content as a whole;
    then a market's own clause before a global one; one match per clause."""
    generic = lexicon().generic
    seen: set[str] = set()
    out = []
    for m in sorted(matches, key=lambda m: (-m.clause.severity, m.action is not None and m.action.concept in generic,
                                             "GLOBAL" in m.clause.markets, not m.clause.verified)):
        if m.clause.id not in seen:
            seen.add(m.clause.id)
            out.append(m)
    return out


@functools.cache
def _default_rulebook() -> Rulebook:
    from assistant.config import Settings
    from assistant.kb.loader import load_entries

    return Rulebook(load_entries(Settings.from_env().knowledge_dir).entries)


def rule_on(text: str, lang: Lang, market: Market | None, fmt: Format | None) -> RulingResult:
    """The ruling on `text` over the configured knowledge base (see `Rulebook.rule_on`)."""
    return _default_rulebook().rule_on(text, lang, market, fmt)
