"""Optional rubric judge: an LLM scores each answer's faithfulness to its cited entries (1-5)."""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.config import ConfigError, Settings
from assistant.evaluation.runner import CaseResult
from assistant.kb.schema import Entry

RUBRIC = """\
You grade answers of a TikTok Shop seller assistant for faithfulness to their sources.
Score 1-5:
5 = every claim and figure is supported by the cited entries or is plain arithmetic on the user's numbers;
    weak evidence (insider claims, opinions) is presented as such; conflicting entries are both shown.
4 = faithful, with a minor overstatement or a missing caveat.
3 = mostly faithful, but one claim goes beyond the entries.
2 = several unsupported claims, or an insider claim stated as fact.
1 = contradicts the entries or invents facts.
Reply with JSON only: {"score": <1-5>, "reason": "<one sentence>"}"""

_SCORE = re.compile(r'"?score"?\s*[:=]\s*([1-5])\b', re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    case_id: str
    score: int | None
    reason: str


def chat_model_from_settings(settings: Settings) -> BaseChatModel:
    """ChatOpenAI for the judge; `ConfigError` when no LLM is configured."""
    if not settings.llm_configured:
        raise ConfigError("--judge needs an LLM: set OPENAI_API_KEY or TK_LLM_BASE_URL")
    from assistant.engine.llm import build_llm

    return build_llm(settings)


def _prompt(result: CaseResult, entries: list[Entry]) -> str:
    assert result.answer is not None
    sources = "\n\n".join(
        f"[{e.id}] ({e.evidence}) {e.title.en}\n{e.text.get(result.answer.lang)}\n{e.guidance.get(result.answer.lang)}"
        for e in entries
    )
    return f"Question: {result.case.messages[-1]}\n\nCited entries:\n{sources}\n\nAnswer:\n{result.answer.answer}"


def parse_score(text: str) -> tuple[int | None, str]:
    """(score, reason) from the judge's reply; score None when it cannot be read."""
    try:
        data = json.loads(text[text.index("{") : text.rindex("}") + 1])
        score = int(data["score"])
        return (score if 1 <= score <= 5 else None), str(data.get("reason", ""))
    except (ValueError, KeyError, TypeError):
        match = _SCORE.search(text)
        return (int(match.group(1)) if match else None), text.strip()[:200]


def judge(results: Sequence[CaseResult], model: BaseChatModel, lookup: Callable[[str], Entry | None]) -> list[Verdict]:
    """Score every answered, non-declined case that cites at least one known entry."""
    verdicts = []
    for result in results:
        answer = result.answer
        if answer is None or answer.declined:
            continue
        entries = [e for e in (lookup(c.id) for c in answer.citations) if e is not None]
        if not entries:
            continue
        reply = model.invoke([SystemMessage(RUBRIC), HumanMessage(_prompt(result, entries))])
        score, reason = parse_score(reply.text)
        verdicts.append(Verdict(result.case.id, score, reason))
    return verdicts


def summarize_verdicts(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """The `judge` block of the scorecard."""
    scores = [v.score for v in verdicts if v.score is not None]
    return {
        "scored": len(scores),
        "unreadable": len(verdicts) - len(scores),
        "mean": round(statistics.fmean(scores), 2) if scores else 0.0,
        "scores": {v.case_id: {"score": v.score, "reason": v.reason} for v in verdicts},
    }
