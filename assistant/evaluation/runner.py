"""Run cases through an advisor, one fresh session per case, and check the last answer."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from tqdm import tqdm

from assistant.answer import Answer
from assistant.evaluation.cases import Case
from assistant.evaluation.checks import CheckResult, run_checks


class AdvisorLike(Protocol):
    """What the runner needs: the real `Advisor` or any fake with the same `ask`."""

    def ask(self, question: str, session_id: str | None = None) -> Answer: ...


@dataclass
class CaseResult:
    case: Case
    answer: Answer | None
    checks: list[CheckResult]
    latencies_ms: list[float] = field(default_factory=list)
    """One per `ask` call (turn), in order."""
    error: str | None = None
    """Why no answer was scored (the advisor raised)."""

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.checks)

    @property
    def reasons(self) -> list[str]:
        """One line per failed check (or the error), for the failure list."""
        if self.error is not None:
            return [f"error: {self.error}"]
        return [f"{c.kind}: {c.reason}" for c in self.checks if not c.passed]


def run_case(advisor: AdvisorLike, case: Case) -> CaseResult:
    """Ask each turn in one new session and check the answer to the last."""
    latencies: list[float] = []
    answer: Answer | None = None
    try:
        for message in case.messages:
            started = time.perf_counter()
            answer = advisor.ask(message, session_id=answer.session_id if answer else None)
            latencies.append((time.perf_counter() - started) * 1000)
    except Exception as exc:  # one broken case must not stop the run; its reason is reported
        return CaseResult(case, None, [], latencies, f"{type(exc).__name__}: {exc}")
    assert answer is not None  # a case always has at least one message
    return CaseResult(case, answer, run_checks(answer, case.expect), latencies)


def run_cases(advisor: AdvisorLike, cases: Sequence[Case], *, progress: bool = True) -> list[CaseResult]:
    """Every case in order, with a progress bar on stderr."""
    bar = tqdm(cases, desc="eval", unit="case", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    return [run_case(advisor, case) for case in bar]
