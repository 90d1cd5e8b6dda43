"""How a calculation's result is written in a reply: its worked line, its verdict line, and two options
side by side (which converts better by GPM, which returns more GMV per unit of cost)."""

from __future__ import annotations

from typing import Any

from assistant.engine.text import cite
from assistant.kb.schema import Lang
from assistant.tools.calc_base import show


def worked_line(calc: dict[str, Any], lang: Lang) -> str:
    """The calculation's worked line in italics, unless its headline already says it."""
    worked = (calc.get("worked") or {}).get(lang) or (calc["steps"][lang][-1] if calc["steps"][lang] else "")
    return f"*{worked}*" if worked and worked not in calc["headline"][lang] else ""


RETURNS_BETTER: dict[Lang, str] = {"zh": "**{name}每1元成本带来的GMV更高**（{high} 对 {low}）。",
                                   "en": "**{name} bring more GMV per unit of cost** ({high} vs {low})."}


def better_returns(results: list[dict[str, Any]], lang: Lang) -> list[str]:
    """Two options' GMV per cost side by side: which returns more, first."""
    if len(results) != 2 or any(c["tool"] != "gmv_per_cost" for c in results):
        return []
    low, high = sorted(results, key=lambda c: c["figures"]["gmv_per_cost"])
    if low["figures"]["gmv_per_cost"] == high["figures"]["gmv_per_cost"]:
        return []
    figure = lambda c: show(c["figures"]["gmv_per_cost"], "plain", lang, "USD")  # noqa: E731
    return [RETURNS_BETTER[lang].format(name=_leading(option_name(high, lang), lang), high=figure(high), low=figure(low))]


def option_name(calc: dict[str, Any], lang: Lang) -> str:
    """What the seller calls the option a calculation was for: its subject ("AI视频"), else its label."""
    named = calc["inputs"].get("label") or {"zh": "前者", "en": "the first"}[lang]
    return SUBJECT_NAMES[calc["inputs"]["subject"]][lang] if calc["inputs"].get("subject") in SUBJECT_NAMES else named


def verdict_line(calc: dict[str, Any], lang: Lang, *, with_headline: bool = False) -> str:
    """"**偏低。** 你的GPM约2.98（…）。文章里…[source]" — the verdict, the figure, the range it was compared with."""
    verdict = calc["verdict"]
    compared = verdict.get("compared", {}).get(lang, "")
    cited = "".join(cite(s) for s in calc.get("sources", [])[:1])
    if cited:
        compared = f"{compared[:-1]} {cited}{compared[-1]}" if compared[-1:] in "。." else f"{compared} {cited}"
    head = f" {calc['headline'][lang]}" if with_headline else ""
    return f"**{verdict[lang]}。**{head} {compared}" if lang == "zh" else f"**{verdict[lang]}.**{head} {compared}"


def _leading(name: str, lang: Lang) -> str:
    """A name that opens an English sentence, capitalised."""
    return name if lang == "zh" else name[:1].upper() + name[1:]


SUBJECT_NAMES: dict[str, dict[Lang, str]] = {
    "ai": {"zh": "AI视频", "en": "AI videos"}, "creator": {"zh": "达人视频", "en": "creator videos"},
    "original": {"zh": "原创视频", "en": "original videos"},
}
BETTER: dict[Lang, str] = {"zh": "**{best}转化更好：GPM {a}，{other}是{b}。**", "en": "**{best} convert better: GPM {a} against {b} for {other}.**"}
BACK: dict[Lang, str] = {"zh": "**先投{best}：GPM {a}，比{other}的{b}高。**", "en": "**Put the budget behind {best}: GPM {a} against {b} for {other}.**"}


def compare_gpms(judged: list[dict[str, Any]], lang: Lang, deciding: bool) -> list[str]:
    """Two subjects' own GPMs: which converts better (where to put the budget, when `deciding`), each placed
    against the cited range."""
    ranked = sorted(judged, key=lambda c: -c["figures"]["gpm"])
    name = lambda c: option_name(c, lang)  # noqa: E731
    gpm = lambda c: show(c["figures"]["gpm"], "gpm", lang, "USD")  # noqa: E731
    best = _leading(name(ranked[0]), lang)
    lead = BACK if deciding else BETTER
    lines = [lead[lang].format(best=best, a=gpm(ranked[0]), other=name(ranked[1]), b=gpm(ranked[1]))]
    lines += [f"- {verdict_line(c, lang, with_headline=True)}" for c in ranked]
    lines += [w for w in dict.fromkeys(worked_line(c, lang) for c in ranked) if w]
    return lines
