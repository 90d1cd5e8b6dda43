"""The offline engine's writer: an answer in the user's language from tool results and entry guidance."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from assistant.kb.schema import Entry, Lang

_SENTENCE = {"zh": re.compile(r"(?<=[。！？；])"), "en": re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")}
_WEAK_EVIDENCE = ("insider", "author-opinion", "third-party")
_RISK_TOPICS = {"throttling", "risk", "account", "whitelist"}

HEADINGS: dict[Lang, dict[str, str]] = {
    "zh": {"verdict": "结论", "evidence": "依据", "numbers": "您的数字", "next": "下一步", "risks": "风险"},
    "en": {"verdict": "Verdict", "evidence": "Evidence", "numbers": "Your numbers", "next": "Next steps", "risks": "Risks"},
}

PHRASES: dict[Lang, dict[str, str]] = {
    "zh": {
        "conflict": "⚖ 说法有分歧：{a}（{a_label}）与 {b}（{b_label}）的结论不一致，两边都列在这里，请按证据强度权衡。",
        "weak": "{ids} 的数据来自匿名内部人士、作者观点或第三方估计，无法独立核实，请当作参考而不是定论。",
        "stale": "{id} 已过复核期限（{review_by}），内容可能已过时，请以平台最新规则为准。",
        "stale_mark": "此条可能已过时（截至 {date}）",
        "undated": "未注明日期",
        "defaults": "测算用了引用的默认值（见上），不是您店铺的真实数据；换成您自己的数字会更准。",
        "estimate": "以上测算只是估算，不代表收益承诺；实际结果取决于品类、内容和账号情况。",
        "formula": "公式",
        "default_used": "默认值",
        "tool": "计算工具",
        "source": "{publisher}，{date}",
        "error": "没能计算 {tool}：{message}",
        "fix_input": "。请补上或改正后再问一次。",
    },
    "en": {
        "conflict": "⚖ Sources disagree: {a} ({a_label}) and {b} ({b_label}) point in different directions; both are shown, weigh them by evidence strength.",
        "weak": "{ids} rest on anonymous insiders, the author's opinion or third-party estimates and cannot be independently verified: treat them as signals, not facts.",
        "stale": "{id} is past its review date ({review_by}) and may be out of date; confirm against the platform's current rules.",
        "stale_mark": "this may be out of date (as of {date})",
        "undated": "undated",
        "defaults": "The calculation used the cited defaults above, not your shop's data; plug in your own figures for a sharper answer.",
        "estimate": "These figures are estimates, not a promise of returns; results depend on category, content and account health.",
        "formula": "Formula",
        "default_used": "Default",
        "tool": "calculator",
        "source": "{publisher}, {date}",
        "error": "Could not run {tool}: {message}",
        "fix_input": ". Please add or correct it and ask again.",
    },
}


@dataclass(frozen=True)
class Evidence:
    """An entry chosen for the answer, and why: retrieved, or the other side of a conflict."""

    entry: Entry
    score: float


def sentences(text: str, lang: Lang) -> list[str]:
    return [s.strip() for s in _SENTENCE[lang].split(text) if s.strip()]


_ASKS_FOR_SOURCE = re.compile(
    r"真的吗|是真的|是不是真的|可信吗|哪来的|哪里来|从哪|出处|来源|谁说的|依据是什么|有依据吗"
    r"|is (it|this|that) (really )?true|where (does|did|do) .{0,30}come from|(what|who)(?:'s| is| are) the source"
    r"|source of|who says|says who|how reliable|how credible|can i trust",
    re.IGNORECASE,
)
"""The seller asks whether a claim holds or where it comes from: the verdict then leads with the claim and its source."""

_MIN_POINT = 12
"""Characters a piece of advice needs to stand alone: "Don't." and "别这么干。" lean on what follows."""


def _points(text: str, lang: Lang) -> list[str]:
    """Guidance as points that each make sense alone (a verdict, a next step): a very short sentence
    is kept with the one after it."""
    points: list[str] = []
    carry = ""
    for sentence in sentences(text, lang):
        point = f"{carry} {sentence}" if carry and lang == "en" else carry + sentence
        if len(point) < _MIN_POINT:
            carry = point
            continue
        points.append(point)
        carry = ""
    return [*points, carry] if carry else points


def cite(entry_id: str) -> str:
    return f"[{entry_id}]"


def compose(
    lang: Lang,
    evidence: list[Evidence],
    calculations: list[dict[str, Any]],
    conflicts: Callable[[str], Iterable[str]],
    question: str = "",
) -> str:
    """The answer to `question`: verdict, evidence with citations, the user's numbers, next steps, risks."""
    h, p = HEADINGS[lang], PHRASES[lang]
    entries = [e.entry for e in evidence]
    results = [c for c in calculations if "error" not in c]
    guidance = {e.id: _points(e.guidance.get(lang), lang) for e in entries}
    failed = [c for c in calculations if "error" in c]
    if results:  # each calculation asked for; its variations are in the numbers section
        headlines: dict[str, str] = {}
        for calc in results:
            headlines.setdefault(calc["tool"], calc["headline"][lang])
        verdict = ("" if lang == "zh" else " ").join(headlines.values())
    elif failed:  # the seller asked for a number and gave one the calculator cannot use: say so first
        verdict = _calculation_lines(failed[0], lang)[0] + p["fix_input"]
    elif _ASKS_FOR_SOURCE.search(question):
        claim = _evidence_line(entries[0], lang, sentences_shown=1)
        verdict = claim + guidance[entries[0].id][0] if lang == "zh" else f"{claim} {guidance[entries[0].id][0]}"
    else:
        verdict = guidance[entries[0].id][0]
    sections = [f"**{h['verdict']}：** {verdict}" if lang == "zh" else f"**{h['verdict']}:** {verdict}"]

    lines = [_evidence_line(e, lang, sentences_shown=None if i == 0 else 2) for i, e in enumerate(entries)]
    lines += [_conflict_line(a, b, lang) for a, b in _conflict_pairs(entries, conflicts)]
    sections.append(_section(h["evidence"], lines))

    if calculations:
        lines = [line for c in calculations for line in _calculation_lines(c, lang)]
        sections.append(_section(h["numbers"], list(dict.fromkeys(lines))))

    risky = [e.id for e in entries if _RISK_TOPICS & set(e.topics) and len(guidance[e.id]) > 1]
    warnings = [guidance[i][-1] + " " + cite(i) for i in risky]
    steps = [s for e in entries for s in guidance[e.id] if s != verdict and s + " " + cite(e.id) not in warnings]
    sections.append(_section(h["next"], [f"{i}. {s}" for i, s in enumerate(steps[:4], 1)], bullet=False))

    risks = list(dict.fromkeys(warnings))
    weak = [e.id for e in entries if e.evidence in _WEAK_EVIDENCE]
    if weak:
        risks.append(p["weak"].format(ids="、".join(map(cite, weak)) if lang == "zh" else ", ".join(map(cite, weak))))
    risks += [p["stale"].format(id=cite(e.id), review_by=e.review_by.isoformat()) for e in entries if e.is_stale()]
    if any(c.get("assumptions") for c in results):
        risks.append(p["defaults"])
    if results:
        risks.append(p["estimate"])
    if risks:
        sections.append(_section(h["risks"], risks))
    return "\n\n".join(sections)


def _section(title: str, lines: list[str], *, bullet: bool = True) -> str:
    """A bold title and its lines; lines indented by two spaces become nested bullets."""
    body = "\n".join(
        (f"  - {line.strip()}" if line.startswith("  ") else f"- {line}") if bullet else line for line in lines
    )
    return f"**{title}**\n{body}"


def _evidence_line(entry: Entry, lang: Lang, *, sentences_shown: int | None) -> str:
    """The entry's claim (its first `sentences_shown` sentences, or all), cited with its evidence level and source."""
    text = " ".join(sentences(entry.text.get(lang), lang)[:sentences_shown])
    p = PHRASES[lang]
    date = entry.source.date.isoformat() if entry.source.date else p["undated"]
    source = p["source"].format(publisher=entry.source.publisher, date=date)
    if entry.is_stale():
        source += ("；" if lang == "zh" else "; ") + p["stale_mark"].format(date=entry.reviewed.isoformat())
    label = entry.evidence_label(lang)
    return f"{text} {cite(entry.id)}（{label}；{source}）" if lang == "zh" else f"{text} {cite(entry.id)} ({label}; {source})"


def _conflict_pairs(entries: list[Entry], conflicts: Callable[[str], Iterable[str]]) -> list[tuple[Entry, Entry]]:
    by_id = {e.id: e for e in entries}
    pairs: list[tuple[Entry, Entry]] = []
    for entry in entries:
        for other in conflicts(entry.id):
            if other in by_id and entry.id < other:
                pairs.append((entry, by_id[other]))
    return pairs


def _conflict_line(a: Entry, b: Entry, lang: Lang) -> str:
    return PHRASES[lang]["conflict"].format(
        a=cite(a.id), a_label=a.evidence_label(lang), b=cite(b.id), b_label=b.evidence_label(lang)
    )


def _calculation_lines(calc: dict[str, Any], lang: Lang) -> list[str]:
    p = PHRASES[lang]
    if "error" in calc:
        message = calc["error"].get(lang) if isinstance(calc["error"], dict) else str(calc["error"])
        return [p["error"].format(tool=calc.get("tool", "?"), message=message)]
    lines = [f"{calc['headline'][lang]}（{p['tool']} `{calc['tool']}`）" if lang == "zh" else f"{calc['headline'][lang]} ({p['tool']} `{calc['tool']}`)"]
    lines.append(f"  {p['formula']}: {calc['formula']}")
    lines += [f"  {step}" for step in calc["steps"][lang]]
    for assumption in calc.get("assumptions", []):
        source = f" {cite(assumption['source'])}" if assumption.get("source") else ""
        lines.append(f"  {p['default_used']}: {assumption['note'][lang]}{source}")
    return lines
