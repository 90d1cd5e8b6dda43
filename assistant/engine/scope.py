"""Where a question sits (the market and format the Reading found, carried over the conversation)
and which knowledge entries fit it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from assistant.engine.text import cite
from assistant.kb.schema import Entry, Format, Lang, Market

T = TypeVar("T")


CLEARLY_BETTER = 0.08
"""An entry that does not fit stays when it outscores every entry that does by this much: nothing
that fits is as relevant ("直播里AI内容占比多少": the only shares are short-video ones)."""


def _prefer(items: Sequence[T], fits: Callable[[T], bool], score: Callable[[T], float]) -> list[T]:
    """The items that fit, with those that clearly outscore them; all of them when none fits."""
    kept = [i for i in items if fits(i)]
    if not kept:
        return list(items)
    floor = max(map(score, kept)) + CLEARLY_BETTER
    return [i for i in items if fits(i) or score(i) >= floor]


_WHERE: dict[str, dict[Lang, str]] = {
    "US": {"zh": "美区", "en": "the US"}, "UK": {"zh": "英国", "en": "the UK"}, "EU": {"zh": "欧盟", "en": "the EU"},
    "SEA": {"zh": "东南亚", "en": "Southeast Asia"}, "JP": {"zh": "日本", "en": "Japan"},
    "short-video": {"zh": "短视频", "en": "short videos"}, "LIVE": {"zh": "直播", "en": "LIVE"},
    "image": {"zh": "图文", "en": "image posts"},
}
def where(name: str, lang: Lang) -> str:
    """A market or format as the seller reads it ("US" → 美区 / the US)."""
    return _WHERE.get(name, {}).get(lang, name)


ELSEWHERE: dict[Lang, str] = {
    "zh": "（{ids}讲的是{have}，{want}没有同类资料。）",
    "en": "({ids}: about {have}; there is nothing like it for {want}.)",
}


@dataclass(frozen=True)
class Scope:
    """The question's market and format: what may be cited without saying it is from elsewhere."""

    market: Market
    format: Format

    def in_market(self, entry: Entry) -> bool:
        return bool({self.market, "GLOBAL"} & set(entry.markets))

    def fits(self, entry: Entry) -> bool:
        return self.in_market(entry) and entry.covers(self.format)

    def narrow(self, items: Sequence[T], entry: Callable[[T], Entry], score: Callable[[T], float]) -> list[T]:
        """The items whose entries are in-market, then of those the in-format ones: another market or
        format only when nothing in the question's own exists or is nearly as relevant."""
        in_market = _prefer(items, lambda i: self.in_market(entry(i)), score)
        return _prefer(in_market, lambda i: entry(i).covers(self.format), score)

    def elsewhere(self, entries: Sequence[Entry], lang: Lang) -> str:
        """One line naming the cited `entries` that are from another market or format, or ""."""
        off = [e for e in entries if not self.fits(e)]
        if not off:
            return ""
        have = [m for e in off if not self.in_market(e) for m in e.markets if m != "GLOBAL"]
        have += [f for e in off if not e.covers(self.format) for f in e.formats]
        want = [w for w, off_here in ((self.market, any(not self.in_market(e) for e in off)),
                                      (self.format, any(not e.covers(self.format) for e in off))) if off_here and w in _WHERE]
        names = [_WHERE[w][lang] for w in want]
        return ELSEWHERE[lang].format(
            ids="".join(cite(e.id) for e in off), have=("、" if lang == "zh" else " and ").join(_WHERE[h][lang] for h in dict.fromkeys(have)),
            want="".join(names) if lang == "zh" else " in ".join(reversed(names)))
