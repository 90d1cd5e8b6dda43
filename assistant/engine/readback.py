"""Say what was read: the seller's figures by what they measure, and the one figure still needed.

When a calculation cannot run on what was read with confidence, the reply says in one line what it
read ("按：客单9.9刀、坑位费未给") and asks for the one missing or unsure figure, instead of
computing on a guess or on defaults the seller did not choose.
"""

from __future__ import annotations

import functools
from typing import Any

from assistant.engine.lexicon import load
from assistant.kb.schema import Lang

READ_AS: dict[Lang, str] = {"zh": "按你给的数：{items}。", "en": "What I read: {items}."}
NOT_GIVEN: dict[Lang, str] = {"zh": "{name}未给", "en": "no {name} given"}
UNSURE: dict[Lang, str] = {"zh": "{raw}是{name}吗", "en": "is {raw} the {name}"}
ASK_MISSING: dict[Lang, str] = {
    "zh": "还差一个数：{name}。发我就能算。", "en": "One figure is missing: the {name}. Send it and I'll work it out.",
}
ASK_UNSURE: dict[Lang, str] = {
    "zh": "确认一下：{question}？确认后我就算。", "en": "Just to check: {question}? Confirm and I'll work it out.",
}
UNUSED: dict[Lang, str] = {"zh": "（没用上：{items}）", "en": "(not used here: {items})"}
NO_SOURCE: dict[Lang, str] = {
    "zh": "**我没有{figures}这个数的来源：**我能查到的官方和公开资料里都没有它，别当官方数据用。能查到的最接近的是：",
    "en": "**I have no source for {figures}:** nothing I can find, official or otherwise, gives it; don't present it as "
          "official. The nearest I have:",
}
MAX_READ_BACK = 6
TANGLED: dict[Lang, str] = {
    "zh": "收到：{items}。这些数放在一起该怎么算我没把握，不想乱算：告诉我先算哪一个（比如某个方案的GMV或单条成本），我马上算。",
    "en": "Got it: {items}. I can't tell for sure how these fit into one calculation and won't guess: tell me which one to work "
          "out first (say one option's GMV or cost per video) and I'll do it.",
}
DATA_ONLY: dict[Lang, str] = {
    "zh": "收到：{items}。想让我算什么？比如GMV、GPM或多少播放回本。",
    "en": "Got it: {items}. What should I work out: GMV, GPM, or the views to break even?",
}


@functools.cache
def _names() -> dict[str, dict[str, str]]:
    return load("role_names")


def role_name(role: str, lang: Lang) -> str:
    return _names().get(role, {}).get(lang, role)


SUM_HEADLINE: dict[Lang, str] = {"zh": "{name}合计{shown}。", "en": "Total {name}: {shown}."}
RESULT_HEADLINE: dict[Lang, str] = {"zh": "{name}约{shown}。", "en": "{name}: about {shown}."}


RATIO_HEADLINE: dict[Lang, str] = {"zh": "{high}一条的成本是{low}的{shown}倍。", "en": "One {high} costs {shown} times as much as one {low}."}


def _headline(calc: dict[str, Any], lang: Lang) -> str:
    label = calc.get("label") or "other"
    if label.startswith("ratio:"):  # "ratio:creator:ai": one subject's cost per video over another's
        _, high, low = label.split(":")
        return RATIO_HEADLINE[lang].format(high=role_name(f"subject_{high}", lang), low=role_name(f"subject_{low}", lang),
                                           shown=calc["shown"][lang])  # fmt: skip
    added = set(calc["expression"].replace(" ", "")) <= set("abcdefghijklmnopqrstuvwxyz+*()")  # a total, not an estimate
    template = SUM_HEADLINE if added else RESULT_HEADLINE
    return template[lang].format(name=role_name(label, lang) if label in _names() else label, shown=calc["shown"][lang])


def as_calculation(calc: dict[str, Any]) -> dict[str, Any]:
    """A `calculate` result in a calculator's form: a headline named by its label ("播放合计8.3万次"), the
    expression as its formula, the worked line as its one step."""
    headline = {lang: _headline(calc, lang) for lang in ("zh", "en")}
    return {**calc, "headline": headline, "formula": calc["expression"], "steps": {lang: [calc["worked"][lang]] for lang in ("zh", "en")}}


def _items(figures: list[dict[str, str]], lang: Lang) -> str:
    separator = "、" if lang == "zh" else ", "
    if lang == "zh":
        return separator.join(f"{role_name(f['role'], lang)}{f['raw']}" for f in figures)
    return separator.join(f"{role_name(f['role'], lang)} {f['raw']}" for f in figures)


def read_back(ask: dict[str, Any], lang: Lang) -> str:
    """For a question whose calculation lacks a figure: what was read, then the one question back."""
    bound = ask.get("bound", [])
    missing, unsure = ask.get("missing", []), ask.get("unsure", [])
    parts = [_items(bound, lang)] if bound else []
    parts += [NOT_GIVEN[lang].format(name=role_name(r, lang)) for r in missing[:1]]
    line = READ_AS[lang].format(items=("、" if lang == "zh" else ", ").join(parts)) if parts else ""
    if unsure:
        first = unsure[0]
        question = UNSURE[lang].format(raw=first["raw"], name=role_name(first["role"], lang))
        return f"{line}{'' if lang == 'zh' else ' '}{ASK_UNSURE[lang].format(question=question)}".strip()
    ask_line = ASK_MISSING[lang].format(name=role_name(missing[0], lang)) if missing else ""
    return f"{line}{'' if lang == 'zh' else ' '}{ask_line}".strip()


def tangled(ask: dict[str, Any], lang: Lang) -> str:
    """For figures that don't fit one calculation surely: what was read, and which to work out first."""
    figures = [*ask.get("bound", []), *ask.get("unused", [])]
    shown = _items(figures[:MAX_READ_BACK], lang) + ("…" if len(figures) > MAX_READ_BACK else "")
    return TANGLED[lang].format(items=shown)


def no_source(raws: list[str], lang: Lang) -> str:
    """The first line for figures a seller asserts that no source holds."""
    return NO_SOURCE[lang].format(figures=("、" if lang == "zh" else ", ").join(raws))


def unused_note(figures: list[dict[str, str]], lang: Lang) -> str:
    """The seller's figures a calculation did not use, named so none silently disappears."""
    return UNUSED[lang].format(items=_items(figures, lang)) if figures else ""


def data_only(figures: list[dict[str, str]], lang: Lang) -> str:
    """A message of figures with no question: what was read, and what it could be used for."""
    return DATA_ONLY[lang].format(items=_items(figures, lang))
