"""The engine's use of the knowledge base's positions: a decision's stance, a wrong figure's correction.

The positions are data (`knowledge/positions/`, `assistant/kb/positions.py`); here they meet the
Reading: where the seller is (market, format) and, for a correction, whether the message really
states what it corrects (a share of AI, an AI GPM), read from its numbers rather than its words.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.engine.lexicon import lexicon
from assistant.engine.reading.reading import Number, Reading, State
from assistant.kb.positions import Position, Positions
from assistant.kb.schema import Entry
from assistant.tools.numbers import find_numbers

CLAIMED_ROLES = ("gpm", "share", "gmv", "roas", "conversion_rate", "commission_rate", "views", "orders")
"""Kinds of figure a seller may plant as a claim ("服务商说AI视频平均GPM 87.3，是官方数据")."""

STANCE_ACTS = ("decide", "risk", "explain", "diagnose", "comply")
"""Questions a stance may open ("AI视频是不是凉了" reads as a decision, a risk or a diagnosis; "can I test
with AI first?" as a rule question no clause rules on)."""
PLAIN_FLOOR = 0.75
"""A risk, explain or rule question ("will they throttle me?", "why do they sell so little?") takes a stance only
when it is plainly one of its examples ("AI视频是不是凉了" may read as either)."""


def stance(positions: Positions, text: str, state: State, act: str) -> Position | None:
    """The position the knowledge base takes on the decision `text` asks about, if any."""
    found = positions.nearest(text, "stance", state.format or "short-video", state.market or "US")
    found = [(score, p) for score, p in found if act not in ("risk", "explain", "comply") or score >= PLAIN_FLOOR]
    return found[0][1] if found else None


def correction(positions: Positions, reading: Reading, state: State) -> Position | None:
    """The correction of a figure the message states wrongly, if it states one."""
    for likeness, position in positions.nearest(reading.text, "correction", state.format or "short-video", state.market or "US"):
        if states(position.requires, reading, state, likeness):
            return position
    return None


def states(requires: dict[str, object], reading: Reading, state: State, likeness: float = 0.0) -> bool:
    """Whether the message states what a correction corrects: every requirement holds (`any_of`: one of
    several sets does; `likeness_at_least`: the message is that close to the correction's examples)."""
    lex = lexicon()
    names_ai = any(h.label == "ai" for h in lex.subjects.find(reading.text))
    for key, value in requires.items():
        if key == "any_of":
            if not any(states(option, reading, state, likeness) for option in value):  # type: ignore[attr-defined]
                return False
        elif key == "likeness_at_least" and likeness < float(value):  # type: ignore[arg-type]
            return False
        elif key == "ai_share_at_least":
            big = any(n.percent and n.value >= float(value) and n.role != "other" for n in reading.numbers)  # type: ignore[arg-type]
            said = any(h.label == "big_share" for h in lex.claims.find(reading.text))
            if not (names_ai and (big or said)):
                return False
        elif key == "about":
            about = {h.label for h in lex.cues.find(reading.text)} | {h.label for h in lex.formats.find(reading.text)}
            if (value == "gmv" and "gmv" not in about) or (value == "videos" and "short-video" not in about):
                return False
        elif key == "ai_gpm_at_least":
            gpms = [n for n in reading.numbers if n.role == "gpm"]
            ai = max((n.value for n in gpms if n.subject == "ai"), default=None)
            other = max((n.value for n in gpms if n.subject in ("original", "creator")), default=0.0)
            if ai is None or ai < float(value) or other > ai:
                return False
        elif key == "markets" and (state.market or "US") not in value:  # type: ignore[operator]
            return False
        elif key == "says" and not any(h.label == value for h in lex.claims.find(reading.text)):
            return False
    return True


def unbacked(reading: Reading, entries: Sequence[Entry]) -> list[Number]:
    """The figures a message asserts (it states a claim) that none of the entries found holds: never
    confirmed, said to have no source."""
    if not reading.claims:
        return []
    held = {round(v, 4) for e in entries for lang in ("zh", "en") for m in find_numbers(e.text.get(lang))
            for v in (m.number.value, m.number.low, m.number.high) if v is not None}
    return [n for n in reading.numbers if n.role in CLAIMED_ROLES and round(n.value, 4) not in held]
