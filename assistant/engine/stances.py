"""The first sentence of a decision: the article's position on the choice the seller asks about.

The knowledge base holds one position on AI video (test cheaply with it, scale with creators and
original content); each choice below is a way sellers ask about it. A choice not listed gets no
stance here, and the reply opens with the best entry's guidance instead.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.kb.schema import Format, Lang

_I = re.IGNORECASE
_AI = r"(?:(?<![a-z])(?:ai|aigc)(?![a-z])|人工智能|数字人)"

_CHOICES: tuple[tuple[re.Pattern[str], dict[Lang, str]], ...] = (
    (
        re.compile(rf"{_AI}.{{0,40}}((?<![a-z])dead(?![a-z])|(?<![a-z])over\b|不行了|凉了|没救|没前途|还有(戏|希望|机会))"
                   rf"|((?<![a-z])dead(?![a-z])|不行了|凉了).{{0,20}}{_AI}", _I),
        {"zh": "**AI视频没凉，但别指望它单独撑起销量。** 它的转化远不如原创：用来低成本测品，跑出来的再交给达人和原创放量。",
         "en": "**Not dead, but it won't carry sales on its own.** AI videos convert far worse than original ones: use them to "
               "test products cheaply, then scale the winners with creators and original videos."},
    ),
    (
        re.compile(rf"{_AI}.{{0,12}}(测品|测款|测试|测脚本|试水|test)|(测品|测款|测试|试水|test(ing)?).{{0,20}}{_AI}", _I),
        {"zh": "**可以，用来测品正合适。** 先用AI视频低成本测产品和脚本，跑出来的再交给达人和原创放量。",
         "en": "**Yes: testing is what AI videos are good for.** Test products and hooks cheaply with AI, then give the winners "
               "to creators and original content."},
    ),
    (
        re.compile(rf"(全|都|纯|只|主力|主要|起号|all[- ]?in|all|only|100\s?%|fully|entirely|main|switch|replace|go|whole|entire|every)"
                   rf".{{0,30}}{_AI}"
                   rf"|{_AI}.{{0,16}}(起号|主力|为主|all[- ]?in|only|为主|全部|main content|go all)", _I),
        {"zh": "**不建议把AI视频当主力。** 它适合低成本测品，放量要靠达人和原创内容。",
         "en": "**No: use AI videos to test, not as your main content.** Scale with creators and original videos."},
    ),
    (
        re.compile(rf"{_AI}.{{0,30}}(值得|值不值|还能做|能做吗|划算|worth|still|good idea|makes? sense|should)"
                   rf"|(值得|值不值|worth|should i|good idea).{{0,30}}{_AI}", _I),
        {"zh": "**值得做，但只当测试工具，别指望靠它出大单。** AI视频成本低，转化却远不如原创。",
         "en": "**Yes, as a cheap testing tool; don't expect it to carry sales.** AI videos cost little but convert far worse "
               "than original ones."},
    ),
)
_DEPENDS: dict[Lang, str] = {
    "zh": "**要看你的GPM和每条成本。** 把两边的播放、GPM和单条成本发我，我按每1美元带来的GMV帮你比。",
    "en": "**It depends on your GPM and cost per video.** Send me views, GPM and cost per video for each and I'll compare "
          "GMV per dollar.",
}
_WHICH = re.compile(r"哪个|哪种|选哪|投哪|还是|which|(?<![a-z])or(?![a-z])|versus|vs\.?", _I)


def decision_stance(question: str, lang: Lang, calculations: list[dict[str, Any]], fmt: Format = "short-video") -> str | None:
    """The opening verdict for a decision, or None when the knowledge base takes no position on it
    (the position is on AI short video: a LIVE or image-post decision gets none)."""
    if fmt not in ("short-video", "all"):
        return None
    ranked = [c for c in calculations if "error" not in c and c.get("tool") == "compare_content_options"]
    if ranked:
        return None  # the comparison's headline names the winner
    for pattern, stance in _CHOICES:
        if pattern.search(question):
            return stance[lang]
    if _WHICH.search(question) and re.search(_AI, question, _I):
        return _DEPENDS[lang]
    return None
