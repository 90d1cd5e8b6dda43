"""One function per check kind: each takes an Answer and one expectation, returns a CheckResult."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from assistant.answer import Answer
from assistant.evaluation.cases import ExpectedNumber, Expect
from assistant.tools.numbers import find_numbers


@dataclass(frozen=True)
class CheckResult:
    kind: str
    passed: bool
    reason: str = ""
    """Why it failed (empty when it passed)."""


def _ok(kind: str) -> CheckResult:
    return CheckResult(kind, True)


def _fail(kind: str, reason: str) -> CheckResult:
    return CheckResult(kind, False, reason)


# --- text normalisation ------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_NEGATED = re.compile(
    r"(?:不|没|别|勿|未|并非|绝非)[^\s，。！？；、,.!?;]{0,2}[\s“”\"'「」『』]*$"
    r"|(?:\b(?:not|no|never|nothing|without)|n't)(?:[\s'’-]+\w+){0,3}[\s\"'“”]*$"
)
"""A negation right before a phrase: zh within two characters ("不存在“稳赚”", "没有稳赚"),
en within three words ("won't say ...", "nothing here is a guaranteed win"). Punctuation ends it."""
_NEGATION_WINDOW = 24


def normalise_text(text: str) -> str:
    """Width-folded, case-folded, whitespace collapsed: the form phrases are matched in."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _occurrences(text: str, phrase: str) -> Iterator[int]:
    start = text.find(phrase)
    while start != -1:
        yield start
        start = text.find(phrase, start + 1)


def affirms(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` at least once without a negation right before it."""
    text, phrase = normalise_text(text), normalise_text(phrase)
    return any(not _NEGATED.search(text[max(0, i - _NEGATION_WINDOW) : i]) for i in _occurrences(text, phrase))


def contains(text: str, phrase: str) -> bool:
    return normalise_text(phrase) in normalise_text(text)


# --- numbers -----------------------------------------------------------------------


def answer_numbers(text: str) -> list[float]:
    """Every figure stated in `text`, as values (percentages as fractions: "0.68%" → 0.0068).

    Ranges contribute both ends and the midpoint; dates are skipped; signs are dropped
    because answers state losses in words ("亏损 200").
    """
    values: list[float] = []
    for mention in find_numbers(text):
        if mention.kind == "date":
            continue
        n = mention.number
        values.extend(abs(v) for v in (n.value, n.low, n.high) if v is not None)
    return values


def number_matches(expected: ExpectedNumber, values: list[float]) -> bool:
    target = abs(expected.target)
    return any(math.isclose(v, target, rel_tol=expected.rel_tol, abs_tol=1e-9) for v in values)


def _show(expected: ExpectedNumber) -> str:
    shown = f"{expected.value:g}{'%' if expected.unit == 'percent' else ''}"
    return f"{shown} (±{expected.rel_tol:.0%})" if expected.rel_tol else shown


# --- one function per check kind ---------------------------------------------------------


def check_lang(answer: Answer, expected: str) -> CheckResult:
    if answer.lang == expected:
        return _ok("lang")
    return _fail("lang", f"answered in {answer.lang}, expected {expected}")


def _cited(answer: Answer) -> list[str]:
    return [c.id for c in answer.citations]


def check_cites_any(answer: Answer, expected: list[str]) -> CheckResult:
    if set(expected) & set(_cited(answer)):
        return _ok("cites_any")
    return _fail("cites_any", f"cited {_cited(answer) or 'nothing'}, expected one of {expected}")


def check_cites_all(answer: Answer, expected: list[str]) -> CheckResult:
    missing = [i for i in expected if i not in _cited(answer)]
    if not missing:
        return _ok("cites_all")
    return _fail("cites_all", f"missing citations {missing} (cited {_cited(answer) or 'nothing'})")


def _called(answer: Answer) -> list[str]:
    """Tools that ran without error; a failed call does not count as using the tool."""
    return [t.name for t in answer.tool_calls if t.error is None]


def _tools_seen(answer: Answer) -> str:
    failed = [t.name for t in answer.tool_calls if t.error is not None]
    return f"called {_called(answer) or 'no tool'}" + (f", failed {failed}" if failed else "")


def check_tools_any(answer: Answer, expected: list[str]) -> CheckResult:
    if set(expected) & set(_called(answer)):
        return _ok("tools_any")
    return _fail("tools_any", f"{_tools_seen(answer)}, expected one of {expected}")


def check_tools_all(answer: Answer, expected: list[str]) -> CheckResult:
    missing = [t for t in expected if t not in _called(answer)]
    if not missing:
        return _ok("tools_all")
    return _fail("tools_all", f"missing tool calls {missing} ({_tools_seen(answer)})")


def check_numbers(answer: Answer, expected: list[ExpectedNumber]) -> CheckResult:
    values = answer_numbers(whole(answer))
    missing = [_show(n) for n in expected if not number_matches(n, values)]
    if not missing:
        return _ok("numbers")
    stated = ", ".join(f"{v:g}" for v in dict.fromkeys(values)) or "none"
    return _fail("numbers", f"numbers not in the answer: {', '.join(missing)} (stated: {stated})")


def whole(answer: Answer) -> str:
    """The reply and its details: what `numbers`, `includes_any` and `excludes` look in."""
    return f"{answer.answer}\n\n{answer.details}" if answer.details else answer.answer


def lead(answer: Answer) -> str:
    """The reply's first paragraph, markdown emphasis removed: where it answers the question."""
    return answer.answer.strip().split("\n\n", 1)[0].replace("**", "")


def check_includes_any(answer: Answer, expected: list[list[str]]) -> CheckResult:
    missing = [group for group in expected if not any(contains(whole(answer), p) for p in group)]
    if not missing:
        return _ok("includes_any")
    return _fail("includes_any", "none of " + "; none of ".join(str(g) for g in missing))


def check_excludes(answer: Answer, expected: list[str]) -> CheckResult:
    found = [p for p in expected if affirms(whole(answer), p)]
    if not found:
        return _ok("excludes")
    return _fail("excludes", f"answer says {found}")


def check_refusal(answer: Answer, expected: bool) -> CheckResult:
    if answer.declined == expected:
        return _ok("refusal")
    return _fail("refusal", f"{'answered' if expected else 'declined'} (kind {answer.kind}), expected {'a decline' if expected else 'an answer'}")


def check_verdict_any(answer: Answer, expected: list[str]) -> CheckResult:
    if any(affirms(lead(answer), p) for p in expected):
        return _ok("verdict_any")
    return _fail("verdict_any", f"the lead says none of {expected}: {lead(answer)[:120]!r}")


def check_verdict_excludes(answer: Answer, expected: list[str]) -> CheckResult:
    found = [p for p in expected if affirms(lead(answer), p)]
    return _ok("verdict_excludes") if not found else _fail("verdict_excludes", f"the lead says {found}")


def check_max_chars(answer: Answer, expected: int) -> CheckResult:
    size = len(answer.answer)
    return _ok("max_chars") if size <= expected else _fail("max_chars", f"reply is {size} characters, limit {expected}")


def check_cites_none(answer: Answer, expected: bool | list[str]) -> CheckResult:
    if isinstance(expected, list):
        cited = [i for i in _cited(answer) if i in expected]
        return _fail("cites_none", f"cites {cited}, expected none of {expected}") if cited else _ok("cites_none")
    if bool(answer.citations) != expected:
        return _ok("cites_none")
    return _fail("cites_none", f"cites {_cited(answer)}" if expected else "cites nothing")


def check_act(answer: Answer, expected: str) -> CheckResult:
    return _ok("act") if answer.act == expected else _fail("act", f"read as {answer.act}, expected {expected}")


CHECKS: dict[str, Callable[[Answer, Any], CheckResult]] = {
    "lang": check_lang,
    "cites_any": check_cites_any,
    "cites_all": check_cites_all,
    "tools_any": check_tools_any,
    "tools_all": check_tools_all,
    "numbers": check_numbers,
    "includes_any": check_includes_any,
    "excludes": check_excludes,
    "refusal": check_refusal,
    "verdict_any": check_verdict_any,
    "verdict_excludes": check_verdict_excludes,
    "max_chars": check_max_chars,
    "cites_none": check_cites_none,
    "act": check_act,
}
"""Every check kind, in the order of `Expect`'s fields."""


def run_checks(answer: Answer, expect: Expect) -> list[CheckResult]:
    """The result of each check the expectation sets."""
    return [CHECKS[kind](answer, getattr(expect, kind)) for kind in expect.kinds()]
