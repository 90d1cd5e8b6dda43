"""The offline engine's reply: what a chat shows, shaped by the question's act.

The first sentence answers the question in its own terms (a number, 偏低/Low, 不行/No, who said
it); then at most three short reasons with citations, the seller's numbers in one line, one next
step. Everything else goes to the details (`details.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from assistant.engine.ruling_reply import ruled_out, ruling_line, write_ruling_reply
from assistant.engine.scope import Scope
from assistant.kb.schema import Entry, Lang
from assistant.tools.calc_base import FX_RATE_ENTRY, field_meta, show
from assistant.tools.calculators import CALCULATORS
from assistant.engine.grounding import cited_ids
from assistant.engine.leads import advice, claim, fact, next_step, playbook_reason
from assistant.engine.result_lines import better_returns, compare_gpms, verdict_line, worked_line
from assistant.engine.text import cite, join

WEAK = ("insider", "author-opinion", "third-party")
MAX_CHARS: dict[Lang, int] = {"zh": 400, "en": 750}
"""The reply's budget (about 120 English words); reasons are dropped to stay inside it."""
_HOW_TO = re.compile(r"怎么办|怎么做|怎么弄|怎么处理|如何|该怎么|咋办|咋整|what should i|how (do|can|should) i|what do i do|how to", re.IGNORECASE)
_RISK_WORDS = re.compile(r"限流|降权|封号|封店|没流量|播放.{0,4}(低|少|几百)|throttl|shadow|reach|ban|account|suspend", re.IGNORECASE)

GREETING: dict[Lang, str] = {
    "zh": "你好！我帮TikTok Shop卖家判断AI视频值不值得做、把播放和成交的账算清楚、查平台对AI内容的规定。\n可以这样问我：\n"
          "- 我的视频20万播放，GPM 12，能卖多少？\n- 用AI改商品颜色算违规吗？\n- 每月预算3000刀，达人和AI视频怎么分？",
    "en": "Hi! I help TikTok Shop sellers decide whether AI videos are worth it, work out views and sales, and check the "
          "platform's rules on AI content.\nTry asking:\n- My video got 200k views at GPM 12: how much will it sell?\n"
          "- Can I use AI to change a product's colour?\n- I have $3,000 a month: how should I split it between creators and AI videos?",
}
THANKS: dict[Lang, str] = {
    "zh": "不客气！有新的数字或问题随时发我。",
    "en": "You're welcome! Send me new numbers or questions any time.",
}
SMALL_TALK: dict[str, dict[Lang, str]] = {"greeting": GREETING, "help": GREETING, "thanks": THANKS}
"""Replies to messages that ask nothing of the knowledge base."""
OTHER_MARKETPLACE: dict[Lang, str] = {
    "zh": "我没有{name}的资料，只能讲TikTok Shop这边：",
    "en": "I have nothing on {name}; here is the TikTok Shop side:",
}
OUT_OF_SCOPE_LINE: dict[Lang, str] = {
    "zh": "{part}不在我能回答的范围内（我只看TikTok Shop和AI内容）。",
    "en": "{part} is outside what I cover (TikTok Shop and AI content only).",
}
NEXT: dict[Lang, str] = {"zh": "下一步：", "en": "Next step: "}
DEFAULTS_NOTE: dict[Lang, str] = {
    "zh": "（没给的数按引用的默认值算：{names}）",
    "en": "(defaults for what you didn't give: {names})",
}
STALE_WORDS: dict[Lang, str] = {"zh": "可能已过时", "en": "may be out of date"}
STALE_MARK: dict[Lang, str] = {"zh": STALE_WORDS["zh"] + "，最后核实于{date}", "en": STALE_WORDS["en"] + ", last checked {date}"}
SOURCE_OPENERS: dict[str, dict[Lang, str]] = {
    "insider": {"zh": "**这是匿名内部人士的说法，不是公开数据。** {who}转述",
                "en": "**It's an anonymous insiders' figure, not published data.** {who} reports it"},
    "author-opinion": {"zh": "**这是作者自己的判断或估算，不是统计数据。** 出自{who}",
                       "en": "**It's the author's own estimate or view, not measured data.** It comes from {who}"},
    "third-party": {"zh": "**这是第三方的估计，不是平台数据。** 来自{who}",
                    "en": "**It's a third-party estimate, not platform data.** It comes from {who}"},
    "trade-press": {"zh": "**这是行业媒体的报道。** 来自{who}", "en": "**It's a trade-press report.** It comes from {who}"},
    "official": {"zh": "**这是官方规则，可以信。** 出处是{who}", "en": "**It's official.** The source is {who}"},
}
SOURCE_UNKNOWNS: dict[str, dict[Lang, str]] = {
    "insider": {"zh": "没有给样本、时间段和统计方法，只能当方向参考，别当目标值。",
                "en": "No sample, period or method is given: treat it as a direction, not a target."},
    "author-opinion": {"zh": "没有独立数据支撑，当作一种看法来权衡。",
                       "en": "No independent data backs it: weigh it as one view."},
    "third-party": {"zh": "口径和样本由对方自定，拿自己的数据核对。",
                    "en": "The method and sample are the publisher's own: check it against your data."},
}
NO_BENCHMARK: dict[Lang, str] = {
    "zh": "好不好要看你的毛利率：保本ROAS = 1 ÷ 毛利率。把毛利率发我，我帮你判断。",
    "en": "Whether that is good depends on your margin: break-even ROAS = 1 / margin. Send me your margin and I'll tell you.",
}
NO_GPM_BENCHMARK: dict[Lang, str] = {
    "zh": "这个GPM没有同口径的基准可比：官方不公布平均GPM，文章的GPM数字说的是短视频。拿你自己过去同口径的数据比。",
    "en": "There is no benchmark for this GPM on the same basis: TikTok publishes no averages, and the article's GPMs "
          "are for short videos. Compare it with your own past figures on the same basis.",
}
DIAGNOSE_FALLBACK: dict[Lang, str] = {
    "zh": "我需要你的成交额（或单数和客单价）和播放量才能判断。",
    "en": "I need your GMV (or orders and price) and views to judge it.",
}


@dataclass(frozen=True)
class Inputs:
    """What the reply is written from."""

    act: str
    lang: Lang
    question: str
    entries: list[Entry]
    calculations: list[dict[str, Any]]
    rulings: list[dict[str, Any]]
    lookup: Any
    """entry id → Entry (the knowledge base), for premises and sources."""
    off_topic: str | None = None
    """The part of a mixed question that is outside the field, to say so in one line."""
    retrieved: frozenset[str] = frozenset()
    """Every entry this turn's searches returned (what a correction may cite)."""
    scope: Scope = Scope("US", "short-video")
    """The question's market and format: entries cited from elsewhere are named in one line."""
    other_marketplace: str | None = None
    """Another marketplace the question sets beside TikTok Shop: said first, then the TikTok side."""
    share: int = 1
    """How many questions of one message share the reply's length budget."""
    stance: str | None = None
    """The knowledge base's position on the decision asked, cited (`knowledge/positions/`)."""
    correction: str | None = None
    """The correction of a figure the seller stated wrongly, cited: it leads the reply."""


def write_reply(inputs: Inputs) -> str:
    """The reply for `inputs.act`, with a premise correction first when the seller stated a figure wrongly."""
    lang = inputs.lang
    if inputs.act in SMALL_TALK:
        return SMALL_TALK[inputs.act][lang]
    correction = None if _results(inputs) else inputs.correction
    if inputs.stance and inputs.act in ("risk", "explain", "diagnose") and not _results(inputs):
        inputs = replace(inputs, act="decide")  # "AI视频是不是凉了": the knowledge base takes a position on it
    writer = {
        "compute": _compute, "diagnose": _diagnose, "decide": _decide, "comply": _comply, "source": _source,
        "risk": _comply,
    }.get(inputs.act, _explain)  # fmt: skip
    parts = writer(inputs)
    if correction:  # the correction leads; reasons it already cites are not repeated
        said = set(cited_ids(correction))
        parts = [correction, *[p for p in parts if p.startswith(NEXT[lang]) or (p.startswith("- ") and not set(cited_ids(p)) <= said)]]
    cited = set(cited_ids("\n".join(parts)))
    parts.append(inputs.scope.elsewhere([e for e in inputs.entries if e.id in cited], lang))
    if inputs.off_topic:
        parts.append(OUT_OF_SCOPE_LINE[lang].format(part=inputs.off_topic))
    if inputs.other_marketplace:
        parts.insert(0, OTHER_MARKETPLACE[lang].format(name=inputs.other_marketplace))
    return _fit(_mark_stale([p for p in parts if p], lang, inputs.lookup), lang, MAX_CHARS[lang] // inputs.share)


def _mark_stale(parts: list[str], lang: Lang, lookup: Any) -> list[str]:
    """Once per reply, beside the first citation of an entry past its review date and not re-checked
    since: "may be out of date, last checked …" (a re-check moves `review_by` past `reviewed`)."""
    marked: set[str] = set()
    out = []
    for part in parts:
        for entry_id in cited_ids(part):
            entry = lookup(entry_id)
            if entry is None or entry_id in marked or not entry.is_stale():
                continue
            marked.add(entry_id)
            mark = STALE_MARK[lang].format(date=entry.reviewed.isoformat())
            part = _cited_with_label(entry_id).sub(lambda m: _with_mark(m.group(0), m.group(1), mark, lang), part, count=1)
        out.append(part)
    return out


def flags_staleness(text: str, entry_id: str) -> bool:
    """`text` already says, beside the entry's first citation, that the entry may be out of date."""
    found = _cited_with_label(entry_id).search(text)
    return bool(found and found.group(1) and any(words in found.group(1) for words in STALE_WORDS.values()))


def _cited_with_label(entry_id: str) -> re.Pattern[str]:
    """The citation `[id]` and the bracketed label that may follow it (`（…）` or ` (…)`)."""
    return re.compile(rf"{re.escape(cite(entry_id))}(（[^（）]*）| \([^()]*\))?")


def _with_mark(found: str, label: str | None, mark: str, lang: Lang) -> str:
    """The citation with the mark inside its evidence label's brackets, or in brackets of its own."""
    if label:
        return f"{found[:-1]}{'；' if lang == 'zh' else '; '}{mark}{found[-1]}"
    return f"{found}（{mark}）" if lang == "zh" else f"{found} ({mark})"


def _fit(parts: list[str], lang: Lang, budget: int) -> str:
    """Drop the last reasons, then the next step (never the first line or the numbers) until it fits."""
    text = _layout(parts)
    while len(text) > budget and len(parts) > 1:
        droppable = [i for i, p in enumerate(parts[1:], 1) if p.startswith("- ")] or \
            [i for i, p in enumerate(parts[1:], 1) if p.startswith(NEXT[lang])]
        if not droppable:
            break
        del parts[droppable[-1]]
        text = _layout(parts)
    return text


def _layout(parts: list[str]) -> str:
    """Paragraphs apart; consecutive bullets as one list."""
    text = ""
    for i, part in enumerate(parts):
        if i:
            text += "\n" if part.startswith("- ") and parts[i - 1].startswith("- ") else "\n\n"
        text += part
    return text


def _label(entry: Entry, lang: Lang) -> str:
    """The evidence level in brackets, shown where it is weak."""
    if entry.evidence not in WEAK:
        return ""
    return f"（{entry.evidence_label(lang)}）" if lang == "zh" else f" ({entry.evidence_label(lang)})"


def reason(entry: Entry, lang: Lang) -> str:
    """One reason: the entry's first sentence (a playbook's title: its text is numbered steps), cited
    with its evidence level where weak."""
    return f"- {playbook_reason(entry, lang) or fact(entry, lang)} {cite(entry.id)}{_label(entry, lang)}"


def _next_step(entries: list[Entry], inputs: Inputs, skip: str = "") -> str:
    """The first of the entries' next steps that holds in the question's market (none rather than another market's)."""
    for entry in (e for e in entries if inputs.scope.in_market(e)):
        step = next_step(entry, inputs.lang)
        if step and step not in skip:
            return NEXT[inputs.lang] + step
    return ""


def _results(inputs: Inputs) -> list[dict[str, Any]]:
    return [c for c in inputs.calculations if "error" not in c]


def _defaults(results: list[dict[str, Any]], lang: Lang) -> str:
    """The cited defaults used, as "GPM 100 [entry]": the seller sees which numbers were not theirs."""
    names = []
    for calc in results:
        model = CALCULATORS[calc["tool"]].input_model if calc["tool"] in CALCULATORS else None
        for a in calc.get("assumptions", []):
            if a.get("source") == FX_RATE_ENTRY:  # a conversion is said as it was done: "¥80按汇率7.12换算为11.24美元"
                names.append(f"{a['note'][lang]} {cite(a['source'])}")
                continue
            if not a.get("source") or model is None or not isinstance(a.get("value"), int | float):
                continue
            label, kind = field_meta(model, a["field"], "label"), field_meta(model, a["field"], "kind")
            if label and kind:
                names.append(f"{label[lang]} {show(a['value'], kind, lang, calc['inputs'].get('currency', 'USD'))} {cite(a['source'])}")
    names = list(dict.fromkeys(names))[:3]
    return DEFAULTS_NOTE[lang].format(names=join(names, lang)) if names else ""


CANNOT_WORK_OUT: dict[Lang, str] = {
    "zh": "按我读到的数算不出来（{why}）。麻烦把这个数换个说法再发一次，比如写明是比例还是金额。",
    "en": "I couldn't work it out from the figures as I read them ({why}). Could you restate that figure, saying whether "
          "it is a rate or an amount?",
}


def _compute(inputs: Inputs) -> list[str]:
    lang, results = inputs.lang, _results(inputs)
    failed = [c for c in inputs.calculations if "error" in c]
    if not results:
        if failed:
            error = failed[0]["error"]
            return [CANNOT_WORK_OUT[lang].format(why=error.get(lang) if isinstance(error, dict) else str(error))]
        return _explain(inputs)
    headlines = list(dict.fromkeys(c["headline"][lang] for c in results))
    first = ("" if lang == "zh" else " ").join(headlines[:3])
    lines = [*better_returns(results, lang), f"**{first}**" + _defaults(results, lang)]
    lines += [w for w in dict.fromkeys(worked_line(c, lang) for c in results[:3]) if w]
    if any(c.get("verdict") for c in results):  # a figure with a range to judge it by: the judgement leads
        return _diagnose(inputs)
    lines.append(_next_step(inputs.entries, inputs))
    return lines


def _diagnose(inputs: Inputs) -> list[str]:
    lang, results = inputs.lang, _results(inputs)
    judged = [c for c in results if c.get("verdict")]
    if not judged:
        if results:
            missing = NO_GPM_BENCHMARK if any("gpm" in c.get("figures", {}) for c in results) else NO_BENCHMARK
            first, *rest = _compute(inputs)  # "is it good?" with nothing to judge by: the figure, then say so
            return [f"{first}{'' if lang == 'zh' else ' '}{missing[lang]}", *rest]
        return [DIAGNOSE_FALLBACK[lang], *[reason(e, lang) for e in inputs.entries[:2]]]
    if len(judged) > 1 and all("gpm" in c["figures"] for c in judged):
        return compare_gpms(judged, lang, inputs.act == "decide")
    calc = judged[0]
    lines = [verdict_line(calc, lang, with_headline=True)]
    lines += [w for w in dict.fromkeys(worked_line(c, lang) for c in results[:3]) if w]
    lines.append(_next_step(inputs.entries, inputs))
    return lines


def _decide(inputs: Inputs) -> list[str]:
    lang = inputs.lang
    if any(c.get("verdict") for c in _results(inputs)):  # "是不是废了" with the seller's numbers: judge them
        return _diagnose(inputs)
    results = _results(inputs)
    better = better_returns(results, lang)
    ranked = bool(better) or any(c.get("tool") in ("compare_content_options", "compare_per_dollar") for c in results)
    stance = None if ranked else inputs.stance  # a comparison's headline names the winner
    ruling = ruled_out(inputs.rulings, inputs.scope.format)
    if not results and ruling:  # "数字人直播还能做吗", "should I hide the AI label?": a clause rules it out first
        lines = [ruling_line(ruling, lang)]
    else:
        lines = [stance] if stance else []
    if results:
        lines += better
        lines.append("**" + ("" if lang == "zh" else " ").join(dict.fromkeys(c["headline"][lang] for c in results[:3])) + "**")
        lines += [w for w in dict.fromkeys(worked_line(c, lang) for c in results[:2]) if w]
    if not lines:
        lines = [f"**{advice(inputs.entries[0], lang)}**"] if inputs.entries else []
    lines += [reason(e, lang) for e in _reasons(inputs)[:3]]
    lines.append(_next_step(inputs.entries, inputs, " ".join(lines)))
    return lines


def _reasons(inputs: Inputs) -> list[Entry]:
    """Entries to give as reasons: the throttling dispute only when the question touches it."""
    touches_risk = bool(_RISK_WORDS.search(inputs.question))
    return [e for e in inputs.entries if touches_risk or not ({"throttling", "account", "whitelist"} & set(e.topics)
                                                                 and e.evidence != "official")]


def _comply(inputs: Inputs) -> list[str]:
    """A policy question: the ruling reply (`ruling_reply.py`) from the `check_policy` result."""
    return write_ruling_reply(inputs.lang, inputs.rulings, inputs.entries, inputs.lookup)


_FIGURE = re.compile(r"(\d+(?:\.\d+)?)(\s*%)?")


def _holding_the_figure(entries: list[Entry], question: str) -> Entry:
    """The entry a source question is about: the first whose own figures (`numbers`) include one the
    question quotes ("GPM 100+ 哪来的": the claim of 100+, not a note that mentions it), else the
    first whose text states it, else the best match."""
    quoted = {float(f) / 100 if percent else float(f) for f, percent in _FIGURE.findall(question)}
    owns = [e for e in entries if quoted & {float(v) for v in e.numbers.values() if isinstance(v, int | float)}]
    states = [e for e in entries if quoted & {float(f) for f, _ in _FIGURE.findall(e.text.zh + " " + e.text.en)}]
    return (owns or states or entries)[0]


def _source(inputs: Inputs) -> list[str]:
    lang = inputs.lang
    if not inputs.entries:
        return []
    entry = _holding_the_figure(inputs.entries, inputs.question)
    who = entry.source.publisher if entry.evidence != "insider" else (
        f"{entry.source.publisher}的作者" if lang == "zh" else f"{entry.source.publisher}'s author")
    opener = SOURCE_OPENERS[entry.evidence][lang].format(who=who)
    quoted = claim(entry, lang)
    label = f"（{entry.evidence_label(lang)}）" if lang == "zh" else f" ({entry.evidence_label(lang)})"
    lines = [f"{opener}：{quoted} {cite(entry.id)}{label}" if lang == "zh" else f"{opener}: {quoted} {cite(entry.id)}{label}"]
    if entry.evidence in SOURCE_UNKNOWNS:
        lines.append(SOURCE_UNKNOWNS[entry.evidence][lang])
    official = [e for e in inputs.entries if e is not entry and (e.evidence == "official" or e.id == "conversion-benchmarks-missing")]
    lines += [reason(e, lang) for e in official[:1]]
    return lines


def _explain(inputs: Inputs) -> list[str]:
    lang = inputs.lang
    if not inputs.entries:
        return []
    top = inputs.entries[0]
    if _HOW_TO.search(inputs.question):
        lines = [f"**{advice(top, lang)}**"]
        lines += [reason(e, lang) for e in _reasons(inputs)[:3]]
        return lines
    lines = [f"**{fact(top, lang)}** {cite(top.id)}{_label(top, lang)}"]
    lines += [reason(e, lang) for e in _reasons(inputs)[1:3]]
    lines.append(_next_step([top], inputs))
    return lines
