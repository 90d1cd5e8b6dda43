"""Where a question sits: its market, and the part of a mixed question outside the field."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.kb.schema import Market

_I = re.IGNORECASE
_MARKETS: tuple[tuple[Market, re.Pattern[str]], ...] = (
    ("UK", re.compile(r"英国|英区|(?<![a-z])uk(?![a-z])|britain|british", _I)),
    ("EU", re.compile(r"欧盟|欧洲|欧区|德国|法国|西班牙|意大利|(?<![a-z])eu(?![a-z])|europe", _I)),
    ("JP", re.compile(r"日本|日区|japan", _I)),
    ("SEA", re.compile(r"东南亚|泰国|印尼|越南|马来|菲律宾|新加坡|sea(?![a-z])|southeast asia|thailand|indonesia|vietnam|malaysia|philippines", _I)),
    ("US", re.compile(r"美国|美区|(?<![a-z])us(?![a-z])|(?<![a-z])usa(?![a-z])|america", _I)),
)
_OFF_TOPIC = re.compile(
    r"亚马逊|amazon|shopee|虾皮|temu|lazada|速卖通|aliexpress|ebay|etsy|shein|拼多多|淘宝|京东|独立站|shopify|小红书|"
    r"天气|weather|股票|stock price|写(一首|个|篇)?(诗|小说)|poem|报税|tax(es)?(?![a-z])|签证|visa",
    _I,
)
_PART_END = re.compile(r"(?<=[？?。；;！!])|(?:另外|还有|顺便|and also|also,|btw)|,\s*and\s+(?=do|does|is|are|can|should|what|how|will|must)", _I)


def market_of(question: str, earlier: Sequence[str] = ()) -> Market:
    """The market named in this question, else in the conversation, else the US (the article's market)."""
    for text in (question, *reversed(earlier)):
        for market, pattern in _MARKETS:
            if pattern.search(text):
                return market
    return "US"


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
