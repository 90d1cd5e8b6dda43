"""The quantity reader: every number in a question with what it measures, for whom, and over what.

A number's role comes from the unit written right after it ("18单", "12w播放", "30条"), else from
the nearest cue word in its clause, before it first ("客单价19.9", "花了2千刀", "GPM 9"); its scope
from words such as 每条/平均/each (per video), 一共/total, 每天/a day, 每月/a month; its subject
from the last of AI / creator / original named before it in the clause.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Literal

from assistant.tools.numbers import NumberMention, ParsedNumber, find_numbers

Role = Literal[
    "views", "gpm", "gmv", "orders", "price", "cost_per_video", "flat_fee", "commission", "margin", "ad_spend", "roas",
    "videos", "probability", "share_cut", "share", "days", "months", "budget", "target_gmv", "amount", "rate",
]  # fmt: skip
Scope = Literal["per_video", "per_day", "per_month", "total"]
Subject = Literal["ai", "creator", "original"]

_I = re.IGNORECASE
_UNITS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("views", re.compile(r"\s*(?:次)?(?:播放|曝光|观看|浏览|(?:views?|plays?|impressions?|imps?)(?![a-z]))", _I)),
    ("videos", re.compile(r"\s*(?:条|个视频|支视频|支|of them(?![a-z])|(?:(?:ai|aigc|creator|ugc)\s*)?(?:videos?|vids?|clips?|posts?)(?![a-z]))", _I)),
    ("orders", re.compile(r"\s*(?:单|笔|个订单|(?:orders?|sales(?! of))(?![a-z]))", _I)),
)
_CUES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("gmv", re.compile(r"(?:sales|gmv|revenue)\s*(?:from|of|via)\s*(?:the\s*|my\s*)?ads?|广告(?:带来的?|出的)(?:成交|gmv|销售额?)", _I)),
    ("gpm", re.compile(r"gpm|千次成交", _I)),
    ("roas", re.compile(r"roas|roi|投产比?", _I)),
    ("price", re.compile(r"客单价?|单价|售价|卖价|定价|价格|卖(?=\s*[\d$¥])|(?:orders?|单)(?:\s*[,，]\s*|\s+(?:at|@)\s*|\s*[x×*]\s*)|(?<![a-z])price[ds]?|priced at|sells? for|aov", _I)),
    ("ad_spend", re.compile(r"投流|广告费?|投了|花了|烧了|(?<![a-z])ads?(?![a-z])|ad spend|spent|spend", _I)),
    ("flat_fee", re.compile(r"坑位费|固定费用?|出场费|flat[- ]?fee|(?<![a-z])fee|charges?", _I)),
    ("budget", re.compile(r"预算|budget", _I)),
    ("target_gmv", re.compile(r"目标|想做|做到|达到|target|goal|hit|reach", _I)),
    ("cost_per_video", re.compile(r"一条|每条|单条|一个视频|成本|per video|each|a video|apiece|cost", _I)),
    ("views", re.compile(r"播放|曝光|观看|场观|播了|播到|刷了|views?|impressions?|plays?|viewers", _I)),
    ("orders", re.compile(r"订单|出单|成交了?(?=\s*\d+\s*单)|orders?", _I)),
    ("gmv", re.compile(r"gmv|销售额|成交额?|营业额|流水|卖了|出了|回来了?|回了|产出|跑出来?了?|sales|revenue|made|sold|brought in|"
                       r"returned|got back|did", _I)),
)
_MONEY_CUES = tuple((role, cue) for role, cue in _CUES if role in ("gmv", "gpm", "price", "ad_spend", "flat_fee", "budget", "target_gmv",
                                                                  "cost_per_video"))
_RATE_CUES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("commission", re.compile(r"佣金|提成|纯佣|commission", _I)),
    ("margin", re.compile(r"毛利率?|利润率|净利率?|margin", _I)),
    ("probability", re.compile(r"概率|几率|可能性|风险|chance|probability|odds|risk", _I)),
    ("share_cut", re.compile(r"砍|掉了?|少了?|减少|降了?|cut|lose|loses|losing|drop|wipes?|down", _I)),
    ("share", re.compile(r"占比|比例|用|播放|share|of (the |my )?views|split|mix", _I)),
)
_SCOPES: tuple[tuple[Scope, re.Pattern[str]], ...] = (
    ("per_day", re.compile(r"每天|一天|每日|日均|天天|a day|per day|daily|/day", _I)),
    ("per_month", re.compile(r"每月|一个月|月均|a month|per month|monthly|/mo", _I)),
    ("per_video", re.compile(r"每条|单条|一条|平均|均|each|per video|avg|average|apiece|a video", _I)),
    ("total", re.compile(r"一共|总共|总|合计|累计|加起来|total|in all|altogether|combined", _I)),
)
_SUBJECTS: tuple[tuple[Subject, re.Pattern[str]], ...] = (
    ("ai", re.compile(r"(?<![a-z])(ai|aigc)(?![a-z])|数字人", _I)),
    ("creator", re.compile(r"达人|网红|博主|creators?|influencers?|affiliates?|kol|ugc", _I)),
    ("original", re.compile(r"原创|自己拍|实拍|真人|original|own videos?|in-house", _I)),
)
_CLAUSE = re.compile(r"[，,；;。！？!?\n]|(?<=[a-z])\.\s|\band\b|然后|另外|还有", _I)
_REACH = 12
"""Characters a cue may stand from its number (before it; half as far after it)."""


@dataclass(frozen=True)
class Quantity:
    value: float
    role: Role
    scope: Scope | None
    subject: Subject | None
    currency: str | None
    raw: str
    span: tuple[int, int]


@functools.lru_cache(maxsize=512)
def _spans(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None) -> tuple[tuple[int, int], ...]:
    """Every match of `pattern` in `text[start:end]`, found once per text: looking one up per number
    keeps reading a message linear in its length (a message of 1,000 numbers took seconds)."""
    return tuple(m.span() for m in pattern.finditer(text, start, len(text) if end is None else end))


def _from(spans: tuple[tuple[int, int], ...], position: int) -> int:
    """The index of the first span ending at or after `position` (spans do not overlap: ends ascend)."""
    return bisect_left(spans, position, key=lambda s: s[1])


def _clause(text: str, span: tuple[int, int]) -> tuple[int, int]:
    separators = _spans(_CLAUSE, text)
    before = _from(separators, span[0] + 1)  # separators ending at or before the number's start
    after = next((s for s in separators[_from(separators, span[1]):] if s[0] >= span[1]), None)
    return (separators[before - 1][1] if before else 0), (after[0] if after else len(text))


def _nearest(cues: tuple[tuple[str, re.Pattern[str]], ...], text: str, span: tuple[int, int], clause: tuple[int, int],
             taken: set[tuple[int, int]]) -> tuple[str, tuple[int, int]] | None:  # fmt: skip
    """The role whose cue stands nearest the number in its clause (a cue before it counts half the distance)."""
    best: tuple[float, str, tuple[int, int]] | None = None
    for role, pattern in cues:
        matches = _spans(pattern, text, max(0, clause[0] - _REACH), clause[1])
        for start, end in matches[_from(matches, span[0] - 2 * _REACH - 1):]:  # nearer ones only: gap <= _REACH
            if start > span[1] + _REACH:
                break
            if (start, end) in taken or end < clause[0]:  # a cue may run up to the clause's comma ("14 orders, $35")
                continue
            if end <= span[0]:
                gap = (span[0] - end) / 2 - 0.25  # a cue before the number wins a tie
            elif start >= span[1]:
                gap = start - span[1]
            else:
                continue
            if gap <= _REACH and (best is None or gap < best[0]):
                best = (gap, role, (start, end))
    return (best[1], best[2]) if best else None


def _scope(text: str, span: tuple[int, int], clause: tuple[int, int]) -> Scope | None:
    window = text[max(clause[0], span[0] - 8) : min(clause[1], span[1] + 16)]
    return next((scope for scope, pattern in _SCOPES if pattern.search(window)), None)


def _subject(text: str, span: tuple[int, int], clause: tuple[int, int]) -> Subject | None:
    """The subject named last before the number in its clause, else earlier in its sentence."""
    for start in (clause[0], _sentence_start(text, span[0])):
        found = []
        for subject, pattern in _SUBJECTS:
            matches = _spans(pattern, text)
            before = _from(matches, span[0] + 1)  # the last match ending by the number
            if before and matches[before - 1][0] >= start:
                found.append((matches[before - 1][0], subject))
        if found:
            return max(found)[1]
    return None


_SENTENCE_END = re.compile(r"[。！？!?\n]")


def _sentence_start(text: str, position: int) -> int:
    ends = _spans(_SENTENCE_END, text)
    before = _from(ends, position + 1)
    return ends[before - 1][1] if before else 0


def _role(mention: NumberMention, text: str, clause: tuple[int, int], taken: set[tuple[int, int]]) -> Role:
    number = mention.number
    if mention.kind == "duration":
        return "months" if mention.time_unit == "month" else "days"
    if number.unit == "percent" or (0 < number.value < 1 and number.currency is None):
        found = _nearest(_RATE_CUES, text, mention.span, clause, taken)
        if found:
            taken.add(found[1])
            return found[0]  # type: ignore[return-value]
        return "rate"
    if number.currency is None:
        for role, unit in _UNITS:
            if unit.match(text, mention.span[1]):
                return role
    cues = _MONEY_CUES if number.currency is not None else _CUES  # "$300" is never a count of views
    found = _nearest(cues, text, mention.span, clause, taken)
    if found is not None:
        role, cue = found
        taken.add(cue)
        return role  # type: ignore[return-value]
    return "amount"


_HALF = re.compile(r"一半|减半|砍半|对半|(?<![a-z])half(?![a-z])", _I)


def _halves(text: str) -> list[NumberMention]:
    """"一半" / "half" as 50%: sellers say it where a percentage would go ("GMV会砍掉一半", "half my views")."""
    return [NumberMention(span=m.span(), raw="50%", number=ParsedNumber(value=0.5, unit="percent")) for m in _HALF.finditer(text)]


OPTION_NAME = re.compile(
    r"(?:链接|视频|素材|款|号|方案|选项|link|video|clip|product|option|#)\s?[A-Za-z0-9]{1,2}(?![A-Za-z0-9万千亿wk%])"
    r"|(?<![A-Za-z0-9])[A-Za-z0-9]\s?号?(?:链接|视频|素材|款)|第[一二三四五1-5]条", _I)
"""How a seller names one of the options compared ("视频A", "链接1", "video 2", "#3", "第一条")."""


def _is_name(text: str, mention: NumberMention) -> bool:
    """"链接1", "video 2", "#3": a small number inside an option's name, not an amount."""
    start, end = mention.span
    if not (mention.raw.isdigit() and len(mention.raw) <= 2):
        return False
    names = _spans(OPTION_NAME, text)
    first = _from(names, end)  # the only name that can hold the number: the first ending at or after it
    return first < len(names) and names[first][0] <= start


_CLIP_LENGTHS = ("second", "minute")
"""Durations that measure a video ("开头3秒", "15s", "3分钟"), never an input to a calculation."""


def read_quantities(text: str) -> list[Quantity]:
    """Every amount, rate and duration in `text`, with its role, scope and subject."""
    quantities: list[Quantity] = []
    taken: set[tuple[int, int]] = set()
    mentions = sorted([*find_numbers(text), *_halves(text)], key=lambda m: m.span)
    for mention in mentions:
        if mention.kind not in ("amount", "duration") or _is_name(text, mention) or mention.time_unit in _CLIP_LENGTHS:
            continue
        clause = _clause(text, mention.span)
        role = _role(mention, text, clause, taken)
        quantities.append(Quantity(
            value=mention.number.value, role=role, scope=_scope(text, mention.span, clause),
            subject=_subject(text, mention.span, clause), currency=mention.number.currency, raw=mention.raw,
            span=mention.span,
        ))  # fmt: skip
    return quantities
