"""The reply to a policy question, from the `check_policy` result.

Three forms: a strong match gives the verdict ("**不行。** …", "**Yes, with a label.** …") with the
clause cited under its own evidence label, the penalty and what to do instead; a weak one gives no
one-word verdict but says what the answer depends on and quotes the nearest clauses (replies.md,
example 12); a question about reach or penalties for content no clause bans is answered with the
official and the insider side, not as a ruling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.engine.leads import fact
from assistant.engine.scope import where
from assistant.engine.text import cite, join
from assistant.kb.schema import Entry, Format, Lang

Lookup = Callable[[str], Entry | None]

RULING_OPENERS: dict[str, dict[Lang, str]] = {
    "banned": {"zh": "**不行。** {action}是明令禁止的，打了AI标签也不行", "en": "**No.** {action} is banned outright, label or not"},
    "label-required": {"zh": "**可以，但要打AI标签。** {action}必须披露", "en": "**Yes, with a label.** {action} must be disclosed"},
    "restricted": {"zh": "**不建议。** {action}会被判违规或不给推荐", "en": "**Not advisable.** {action} counts against you"},
    "allowed": {"zh": "**可以。** {action}是允许的", "en": "**Yes.** {action} is allowed"},
}
BAN_QUESTION_OPENERS: dict[str, dict[Lang, str]] = {
    "banned": {"zh": "**是，禁止。** {action}是明令禁止的，打了AI标签也不行", "en": "**Yes, banned.** {action} is banned outright, label or not"},
    "label-required": {"zh": "**不禁止，但要打AI标签。** {action}必须披露", "en": "**Not banned, but label it.** {action} must be disclosed"},
    "restricted": {"zh": "**不算禁止，但会被限制。** {action}会被判违规或不给推荐", "en": "**Not banned, but restricted.** {action} counts against you"},
    "allowed": {"zh": "**不禁止。** {action}是允许的", "en": "**Not banned.** {action} is allowed"},
}
"""The verdict said to "is it banned?" ("does TikTok ban AI in SEA?"): "Yes, with a label" would read as yes to a ban."""
RULING_WORDS: dict[str, dict[Lang, str]] = {
    "banned": {"zh": "禁止", "en": "banned"},
    "label-required": {"zh": "要打AI标签", "en": "needs an AI label"},
    "restricted": {"zh": "会被限制或不给推荐", "en": "restricted, kept off recommendations"},
    "allowed": {"zh": "允许", "en": "allowed"},
}
RULING_PHRASES: dict[str, dict[Lang, str]] = {
    "banned": {"zh": "是禁止的", "en": "banned"},
    "label-required": {"zh": "要打AI标签", "en": "to be labelled"},
    "restricted": {"zh": "会被限制", "en": "restricted"},
    "allowed": {"zh": "是允许的", "en": "allowed"},
}
PENALTY: dict[Lang, str] = {"zh": "后果：{penalty}。", "en": "Penalty: {penalty}."}
DEPENDS: dict[Lang, str] = {"zh": "**要看情况：{condition}。**", "en": "**It depends on {condition}.**"}
UNVERIFIED: dict[Lang, str] = {
    "zh": "**还不能下定论：有一条规定说{action}{ruling}，但原文未核实。**",
    "en": "**I can't rule on this for sure: one rule says {action} is {ruling}, but it is unverified.**",
}
ABROAD: dict[Lang, str] = {
    "zh": "**你问的市场我没找到专门条款，但{where}明令禁止{action} {cite}{label}：别当成允许，最稳是同样不做。**",
    "en": "**I found no rule on this for your market, but {where} bans {action} outright {cite}{label}: don't read that as "
          "allowed; the safe course is not to do it.**",
}
UNCOVERED: dict[Lang, str] = {
    "zh": "**要看具体情况：我没有直接管{what}的条款。**", "en": "**It depends: I have no clause that rules on {what}.**",
}
CLOSEST_FIRST: dict[Lang, str] = {
    "zh": "**最接近的规定：{action}，{ruling}** {cite}{label}。没有条款直接写{what}；你的做法如果属于这种情况，就照这条办。",
    "en": "**The closest rule: {action}: {ruling}** {cite}{label}. No clause names {what} as such; if that is what you do, it applies.",
}
IF_CASE: dict[Lang, str] = {"zh": "- 如果是{action}：{ruling} {cite}{label}", "en": "- If it is {action}: {ruling} {cite}{label}"}
NOT_CASE: dict[Lang, str] = {
    "zh": "- {action}：{ruling} {cite}{label}；按你说的，不属于这种情况",
    "en": "- {action}: {ruling} {cite}{label}; as you describe it, that is not your case",
}
CASE: dict[Lang, str] = {"zh": "- {action}：{ruling} {cite}{label}", "en": "- {action}: {ruling} {cite}{label}"}
NEAREST: dict[Lang, str] = {"zh": "- 最接近的条款：{action}：{ruling} {cite}{label}", "en": "- The closest clause: {action}: {ruling} {cite}{label}"}
NO_RULE: dict[Lang, str] = {
    "zh": "我没找到直接管这个做法的条款，下面是最接近的规定。",
    "en": "I found no clause that rules on exactly this; here is the closest rule.",
}
NEXT: dict[Lang, str] = {"zh": "下一步：", "en": "Next step: "}
REACH: dict[Lang, str] = {
    "zh": "**官方说不会因为用了AI本身被限流或处罚{cite}；但内部人士说AI账号被限流过，两边说法不一。**",
    "en": "**Not for using AI as such, officially{cite}: labelled, compliant AI content is not throttled for it; insiders say "
          "AI accounts have been.**",
}
REACH_OFFICIAL_ONLY: dict[Lang, str] = {
    "zh": "**官方说不会因为用了AI本身被限流或处罚{cite}：合规、打了AI标签的内容不受影响。**",
    "en": "**Not for using AI as such, officially{cite}: labelled, compliant AI content is not throttled or penalised for it.**",
}
LIGHT_USE_NEXT: dict[Lang, str] = {
    "zh": "下一步：只用AI写脚本、加字幕、翻译或剪辑这类轻度处理，不用为它打AI标；画面或声音主要由AI生成时才必须标。",
    "en": "Next step: light AI work (scripts, captions, translation, editing) needs no AI label of its own; label when the "
          "picture or voice is mainly AI-generated.",
}
LABEL_ANYWAY: dict[Lang, str] = {
    "zh": "下一步：照样打标。不标被查到有明确处罚，“标了会降流”没有可靠证据；想看影响，就比较自己打了标的视频前后几周的数据。",
    "en": "Next step: label anyway. Not labelling has set penalties; 'labels cut reach' has no solid evidence.",
}


def _colon(lang: Lang) -> str:
    return "：" if lang == "zh" else ": "


def _label(ruling: dict[str, Any], lang: Lang) -> str:
    """The clause's own evidence label ("官方政策", "trade press, unverified") in brackets."""
    label = ruling["evidence_label"][lang]
    return f"（{label}）" if lang == "zh" else f" ({label})"


def _action(ruling: dict[str, Any], lang: Lang, capital: bool = False) -> str:
    action = ruling["action"][lang]
    return action[0].upper() + action[1:] if capital and lang == "en" else action


def ruling_line(ruling: dict[str, Any], lang: Lang) -> str:
    """"**不行。** 直播里用AI语音…是明令禁止的 [entry]（官方政策）。后果：…": the verdict, cited, with its penalty."""
    openers = BAN_QUESTION_OPENERS if ruling.get("asks_ban") else RULING_OPENERS
    opener = openers[ruling["ruling"]][lang].format(action=_action(ruling, lang, capital=True))
    line = f"{opener} {cite(ruling['entry'])}{_label(ruling, lang)}" + ("。" if lang == "zh" else ".")
    if ruling.get("penalty") and ruling["ruling"] in ("banned", "restricted"):
        line += ("" if lang == "zh" else " ") + PENALTY[lang].format(penalty=ruling["penalty"][lang])
    return line


def _case(ruling: dict[str, Any], lang: Lang) -> str:
    """One clause as a bullet, said as the kind of match it is."""
    fields = {"action": _action(ruling, lang), "ruling": RULING_WORDS[ruling["ruling"]][lang], "cite": cite(ruling["entry"]),
              "label": _label(ruling, lang)}
    template = {"open": IF_CASE, "excluded": NOT_CASE, "nearest": NEAREST}.get(ruling.get("how", ""), CASE)
    return template[lang].format(**fields)


def _instead(ruling: dict[str, Any], lang: Lang) -> str:
    instead = ruling.get("instead")
    return NEXT[lang] + instead[lang] if instead else ""


def ruled_out(rulings: Sequence[dict[str, Any]], fmt: Format) -> dict[str, Any] | None:
    """The clause that rules a decision out: a strong ban or restriction written for this very format
    ("数字人直播还能做吗": the LIVE clause)."""
    return next((r for r in rulings if r.get("role") == "verdict" and r["ruling"] in ("banned", "restricted")
                 and fmt in r.get("formats", ())), None)


def write_ruling_reply(
    lang: Lang, rulings: Sequence[dict[str, Any]], entries: Sequence[Entry], lookup: Lookup
) -> list[str]:
    """The reply's parts for a policy question, from `check_policy`'s clauses (in order, with roles)."""
    roles = {r.get("role") for r in rulings}
    if "reach" in roles or (not rulings and entries):
        return _reach(lang, rulings, entries, lookup) if "reach" in roles else [NO_RULE[lang], *_closest(entries, lang)]
    verdicts = [r for r in rulings if r.get("role") == "verdict"]
    if verdicts:
        return _verdict(lang, verdicts[0], [r for r in rulings if r is not verdicts[0]])
    return _depends(lang, rulings)


def _verdict(lang: Lang, top: dict[str, Any], others: list[dict[str, Any]]) -> list[str]:
    lines = [ruling_line(top, lang)]
    differing = [r for r in others if r["ruling"] != top["ruling"] and r.get("role") in ("also", "verdict")
                 and not (top["ruling"] in ("banned", "restricted") and r.get("concept") == "content")]  # a ban makes the label moot
    lines += [_case(r, lang) for r in differing[:1]]
    lines.append(_instead(top, lang))
    return lines


def _depends(lang: Lang, rulings: Sequence[dict[str, Any]]) -> list[str]:
    """"It depends on …": what the answer hangs on, the clauses that decide it, the safe next step."""
    resting = [r for r in rulings if r.get("role") in ("depends", "nearest")]
    if not resting:
        return []
    open_ = next((r for r in resting if r.get("condition") and r.get("how") in ("open", "met")), None)
    unverified = next((r for r in resting if not r.get("verified") and r.get("how") == "met"), None)
    applying = next((r for r in rulings if r.get("role") == "also" and r.get("how") == "met"), None)
    lookalike = resting[0].get("how") == "nearest"
    if open_ is None and unverified is None and lookalike and applying is not None and _strictness(applying) >= _strictness(resting[0]):
        return _verdict(lang, applying, [r for r in rulings if r is not applying])  # a clause that applies beats a milder lookalike
    if resting[0].get("how") == "abroad":
        first = ABROAD[lang].format(where=join([where(m, lang) for m in resting[0]["markets"]], lang),
                                    action=_action(resting[0], lang), cite=cite(resting[0]["entry"]), label=_label(resting[0], lang))
        return [first, _instead(resting[0], lang)]
    if open_ is not None:
        first = DEPENDS[lang].format(condition=open_["condition"][lang])
    elif unverified is not None:
        first = UNVERIFIED[lang].format(action=_action(unverified, lang), ruling=RULING_PHRASES[unverified["ruling"]][lang])
    elif not lookalike:  # clauses that fit only in part (or not the seller's case): what it depends on, then them
        first = UNCOVERED[lang].format(what=_uncovered_words(resting, lang))
    else:  # only a lookalike: the closest rule leads, said as the closest (the seller sees the rule, not "no clause")
        closest = resting[0]
        first = CLOSEST_FIRST[lang].format(action=_action(closest, lang, capital=False), ruling=RULING_WORDS[closest["ruling"]][lang],
                                           cite=cite(closest["entry"]), label=_label(closest, lang), what=_uncovered_words(resting, lang))
    bullets = resting[1:] if first.startswith(("**最接近", "**The closest")) else resting
    lines = [first, *[_case(r, lang) for r in bullets[:2]]]
    lines += [_case(r, lang) for r in rulings if r.get("role") == "also"][:1]
    strictest = max(resting, key=_strictness)
    lines.append(_instead(strictest, lang))
    return lines


def _strictness(ruling: dict[str, Any]) -> int:
    return ("allowed", "label-required", "restricted", "banned").index(ruling["ruling"])


def _uncovered_words(resting: Sequence[dict[str, Any]], lang: Lang) -> str:
    """What no clause rules on: the thing the message names (its lexicon meaning), else "this"."""
    uncovered = resting[0].get("uncovered") or []
    if uncovered:
        return ("、" if lang == "zh" else ", ").join(u[lang] for u in uncovered[:2])
    return "这种做法" if lang == "zh" else "exactly this"


def _closest(entries: Sequence[Entry], lang: Lang) -> list[str]:
    lines = []
    for entry in entries[:2]:
        sentence = fact(entry, lang)
        label = f"（{entry.evidence_label(lang)}）" if lang == "zh" else f" ({entry.evidence_label(lang)})"
        lines.append(f"- {sentence} {cite(entry.id)}{label}")
    return lines


def _reach(lang: Lang, rulings: Sequence[dict[str, Any]], entries: Sequence[Entry], lookup: Lookup) -> list[str]:
    """"打了标会不会限流": the official side, then the insiders' side, then label anyway."""
    known = {e.id: e for e in entries}
    for entry_id in [i for r in rulings for i in (r["entry"], *r.get("sides", ()))]:
        entry = lookup(entry_id)
        if entry is not None:
            known.setdefault(entry.id, entry)
    policy = next((lookup(r["entry"]) for r in rulings if r.get("evidence") == "official"), None)
    on_reach = [e for e in known.values() if "reach" in e.topics]
    insiders = [e for e in known.values() if e.evidence == "insider" and {"throttling", "account"} & set(e.topics)]
    headline = REACH[lang] if insiders else REACH_OFFICIAL_ONLY[lang]
    lines = [headline.format(cite=f" {cite(policy.id)}" if policy else "")]
    for entry in [*insiders[:1], *on_reach[:1]]:  # the insiders first: the budget drops the last reason
        sentence = fact(entry, lang)
        label = f"（{entry.evidence_label(lang)}）" if lang == "zh" else f" ({entry.evidence_label(lang)})"
        lines.append(f"- {sentence} {cite(entry.id)}{label}")
    light = bool(rulings) and all(r["ruling"] == "allowed" for r in rulings)  # only light AI work: no label to insist on
    lines.append(LIGHT_USE_NEXT[lang] if light else LABEL_ANYWAY[lang])
    return lines

