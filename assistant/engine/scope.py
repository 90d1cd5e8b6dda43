"""Where a question sits: its market and format, which entries fit them, and the part of a mixed
question outside the field."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from assistant.engine.text import cite
from assistant.kb.schema import Entry, Format, Lang, Market

_I = re.IGNORECASE
_MARKETS: tuple[tuple[Market, re.Pattern[str]], ...] = (
    ("UK", re.compile(r"英国|英区|(?<![a-z])uk(?![a-z])|britain|british", _I)),
    ("EU", re.compile(r"欧盟|欧洲|欧区|德国|法国|西班牙|意大利|(?<![a-z])eu(?![a-z])|europe", _I)),
    ("JP", re.compile(r"日本|日区|japan", _I)),
    ("SEA", re.compile(r"东南亚|泰国|印尼|越南|马来|菲律宾|新加坡|sea(?![a-z])|southeast asia|thailand|indonesia|vietnam|malaysia|philippines", _I)),
    ("US", re.compile(r"美国|美区|(?<![a-z])us(?![a-z])|(?<![a-z])usa(?![a-z])|america", _I)),
)
_FORMATS: tuple[tuple[Format, re.Pattern[str]], ...] = (
    ("LIVE", re.compile(r"直播|开播|下播|主播|连麦|场观|(?<![a-z])(?<!\bi )(live ?stream\w*|lives?)(?![a-z-])(?! (action|footage|speech|voice))", _I)),
    ("image", re.compile(r"图文|图片帖|照片帖|轮播图|(?<![a-z])(photo ?(posts?|mode)|carousels?|image posts?|picture posts?)(?![a-z])", _I)),
    ("short-video", re.compile(r"短视频|(?<!直播)视频|短片|切片|(?<![a-z])(videos?|clips?|reels?)(?![a-z])", _I)),
)
"""A format named in a question. "视频" after "直播" is the LIVE itself; "live-action" is not LIVE."""
_MARKETPLACES = r"亚马逊|amazon|shopee|虾皮|temu|lazada|速卖通|aliexpress|ebay|etsy|shein|拼多多|淘宝|京东|独立站|shopify|小红书"
_OFF_TOPIC = re.compile(
    _MARKETPLACES + r"|天气|weather|股票|stock price|写(一首|个|篇)?(诗|小说)|poem|报税|tax(es)?(?![a-z])|签证|visa",
    _I,
)
_MARKETPLACE = re.compile(_MARKETPLACES, _I)
_PART_END = re.compile(r"(?<=[？?。；;！!])|(?:另外|还有|顺便|and also|also,|btw)|,\s*and\s+(?=do|does|is|are|can|should|what|how|will|must)", _I)


def market_of(question: str, earlier: Sequence[str] = ()) -> Market:
    """The market named in this question, else in the conversation, else the US (the article's market)."""
    for text in (question, *reversed(earlier)):
        for market, pattern in _MARKETS:
            if pattern.search(text):
                return market
    return "US"


def format_of(question: str, earlier: Sequence[str] = ()) -> Format:
    """The format named in this question, else in the conversation, else short video (the article's
    subject); `all` when one message names several ("直播和短视频哪个…")."""
    for text in (question, *reversed(earlier)):
        named = [fmt for fmt, pattern in _FORMATS if pattern.search(text)]
        if named:
            return named[0] if len(named) == 1 else "all"
    return "short-video"


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


def scope_of(question: str, earlier: Sequence[str] = ()) -> Scope:
    """The market and format of `question`, either carried over from the conversation."""
    return Scope(market_of(question, earlier), format_of(question, earlier))


def other_marketplace(question: str) -> str | None:
    """The other marketplace a one-part question sets beside TikTok Shop ("shopee的佣金比tiktok高吗"),
    as the seller wrote it: answered for TikTok Shop, saying first that the other is not covered."""
    found = _MARKETPLACE.search(question)
    return found.group(0) if found and in_scope_part(question)[1] is None else None


def in_scope_part(question: str) -> tuple[str, str | None]:
    """(the part to answer, the part outside the field or None): a question naming another
    marketplace or an unrelated task beside a TikTok Shop question is answered for the latter."""
    parts = [p.strip() for p in _PART_END.split(question) if p and p.strip()]
    if len(parts) < 2:
        return question, None
    off = [p for p in parts if _OFF_TOPIC.search(p)]
    on = [p for p in parts if p not in off]
    if not off or not on:
        return question, None
    return " ".join(on), off[0].rstrip("？?。；;！! ")
