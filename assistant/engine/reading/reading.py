"""The Reading: one message read once, and what the conversation has established so far.

`read(text)` finds the language, the questions asked (each with its act and the quantity it
wants), the market and format named, the options the seller names, every number with its role,
subject, period and a calibrated confidence, and the claims the seller asserts. Every later step
(planning, solving, ruling, replying) reads the Reading; none re-reads the text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from assistant.engine.guard import detect_lang, mentions_domain
from assistant.engine.lexicon import Terms, load, lexicon
from assistant.engine.reading.features import Context
from assistant.engine.reading.figures import read_numbers, read_options
from assistant.engine.reading.named import claims_in, doubled_in, format_named, market_named
from assistant.engine.reading.parts import Ask, Number, Option
from assistant.engine.reading.questions import read_asks
from assistant.kb.schema import Lang

__all__ = ["Ask", "Number", "Option", "Reading", "State", "read"]


@dataclass(frozen=True)
class Reading:
    """What one message says."""

    text: str
    lang: Lang
    market: str | None
    format: str | None
    asks: tuple[Ask, ...] = ()
    numbers: tuple[Number, ...] = ()
    options: tuple[Option, ...] = ()
    claims: tuple[str, ...] = ()
    marketplace: str | None = None
    """Another marketplace named beside TikTok Shop (亚马逊, Temu): said to be outside the field."""
    unread_numbers: int = 0
    """Numbers past `MAX_NUMBERS`, not read."""
    doubled: tuple[tuple[str, tuple[int, int]], ...] = ()
    """Figures the message doubles ("what if the views double?"): their role and where it says so."""

    @property
    def continues(self) -> bool:
        """The message goes on from the last answer: it says so ("那如果", "what about"), or it gives the
        figures of a calculation or asks about them ("50k?", "哪个更划算") with no question of another kind."""
        if any(a.act == "out_of_scope" for a in self.asks):
            return False
        if lexicon().conversation.find(self.text):
            return True
        figures = [n for n in self.numbers if n.role != "other"]
        quantities = lexicon().wants.find(self.text) or mentions_domain(self.text)
        return all(a.act in ("compute", "diagnose", "decide") for a in self.asks) and bool(figures or quantities)

    @property
    def act(self) -> str:
        """The act of the first question (`explain` when the message asks none)."""
        return self.asks[0].act if self.asks else "explain"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reading:
        return cls(
            text=data["text"], lang=data["lang"], market=data.get("market"), format=data.get("format"),
            asks=tuple(Ask(**{**a, "span": tuple(a["span"]),
                              "wants_alternatives": tuple(tuple(w) for w in a.get("wants_alternatives", []))})
                       for a in data.get("asks", [])),
            numbers=tuple(Number(**{**n, "span": tuple(n["span"]),
                                    "runner_up": tuple(n["runner_up"]) if n.get("runner_up") else None})
                          for n in data.get("numbers", [])),
            options=tuple(Option(**{**o, "span": tuple(o["span"])}) for o in data.get("options", [])),
            claims=tuple(data.get("claims", [])), marketplace=data.get("marketplace"),
            unread_numbers=data.get("unread_numbers", 0),
            doubled=tuple((role, tuple(span)) for role, span in data.get("doubled", [])),
        )  # fmt: skip


def read(text: str, fallback_lang: Lang = "en", previous: str = "") -> Reading:
    """Read one message once; `previous` is the seller's message before it, if any (a follow-up's context)."""
    ctx = Context(text)
    options = read_options(ctx)
    numbers, unread = read_numbers(ctx, options)
    marketplace = next((h.word for h in lexicon().scope.find(text) if h.label == "marketplaces"), None)
    market = market_named(text)
    numbers = _local_currency(numbers, text, market)
    return Reading(
        text=text, lang=detect_lang(text, fallback_lang), market=market, format=format_named(text),
        asks=tuple(read_asks(ctx, previous, any(n.role != "other" for n in numbers))), numbers=tuple(numbers), options=tuple(options), claims=tuple(claims_in(ctx)),
        marketplace=marketplace, unread_numbers=unread, doubled=tuple(doubled_in(ctx)),
    )  # fmt: skip


TURN_SHIFT = 1_000_000
"""How far a number's span moves back each time another message comes: spans tell numbers apart, and a
number of an earlier message must never share one with a number of the latest ("8w刀" and "15%" both at 6-9)."""


def moved_back(number: Number, turns: int = 1) -> Number:
    """The number as one of a message `turns` before the latest: its span moved back that many turns."""
    return replace(number, span=(number.span[0] - turns * TURN_SHIFT, number.span[1] - turns * TURN_SHIFT))


_YUAN_WORDS = ("元", "块", "人民币", "RMB", "CNY", "rmb", "yuan")
_DONG = Terms({"dong": load("markets")["dong"]})


def _local_currency(numbers: list[Number], text: str, market: str | None) -> list[Number]:
    """Signs that mean another currency in a named market: "¥" in Japan is yen; a bare "盾" is the
    Vietnamese dong when Vietnam is named, else the rupiah."""
    out = []
    for n in numbers:
        if market == "JP" and n.currency == "CNY" and "¥" in n.raw and not any(w in n.raw for w in _YUAN_WORDS):
            n = replace(n, currency="JPY")
        elif n.currency == "IDR" and n.raw.endswith("盾") and not n.raw.endswith("印尼盾") and _DONG.find(text):
            n = replace(n, currency="VND")
        out.append(n)
    return out


@dataclass(frozen=True)
class State:
    """What the conversation has established before and with this message."""

    readings: tuple[Reading, ...] = ()
    market: str | None = None
    format: str | None = None
    known: tuple[Number, ...] = ()
    """The latest number of each (role, subject, option): a follow-up's number replaces the earlier one.
    Numbers of earlier messages have their spans moved before this one's (see `moved_back`)."""
    options: tuple[Option, ...] = field(default=())
    last_tools: tuple[str, ...] = ()
    """The calculators the latest earlier turn that calculated anything ran (a follow-up varies them)."""

    def ran(self, tools: tuple[str, ...]) -> State:
        """This state, knowing the calculators the turn just read ran (kept when it ran none)."""
        return replace(self, last_tools=tools or self.last_tools)

    def _doubled(self, reading: Reading) -> list[Number]:
        """The figures the message doubles, as numbers twice the size of the latest ones known."""
        out = []
        for role, span in reading.doubled:
            old = next((n for n in reversed(self.known) if n.role == role), None)
            if old is not None:
                value = old.value * 2
                raw = f"{value:g}" if not old.percent else f"{value * 100:g}%"
                out.append(replace(old, span=span, raw=raw, value=value, low=None, high=None))
        return out

    def after(self, reading: Reading) -> State:
        """This state with `reading` merged in."""
        given = [*reading.numbers, *self._doubled(reading)]
        replaced = {(n.role, n.subject, n.option) for n in given}
        known = [moved_back(n) for n in self.known if (n.role, n.subject, n.option) not in replaced]
        names = {o.name for o in self.options}
        return State(
            readings=(*self.readings, reading), market=reading.market or self.market,
            format=reading.format or self.format, known=(*known, *given),
            options=(*self.options, *(o for o in reading.options if o.name not in names)), last_tools=self.last_tools,
        )  # fmt: skip
