"""Offline `Advisor.ask` latency over the eval questions, and time to the first streamed chunk.

Baseline, measured in the same run: one hybrid knowledge search of the same question (the floor
under any grounded answer). Prints p50/p95 for each and the ratio ask / search.
Run: .venv/bin/python benchmarks/ask_latency.py  (indexes into a temporary data dir).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.advisor import Advisor  # noqa: E402
from assistant.answer import TextEvent  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evaluation.cases import load_cases  # noqa: E402

CASES = Path(__file__).resolve().parent.parent / "evals" / "cases"
ROUNDS = 3


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _time(run: Callable[[str], object], questions: list[str]) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        for question in questions:
            started = time.perf_counter()
            run(question)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def _first_chunk(advisor: Advisor, question: str) -> float:
    started = time.perf_counter()
    for event in advisor.stream(question):
        if isinstance(event, TextEvent):
            return (time.perf_counter() - started) * 1000
    return (time.perf_counter() - started) * 1000


def main() -> int:
    questions = [c.messages[-1] for c in load_cases([CASES])]
    with tempfile.TemporaryDirectory(prefix="tk-bench-") as tmp:
        advisor = Advisor.from_settings(Settings.from_env(data_dir=Path(tmp)), provider="offline")
        for question in questions:  # warm-up: caches, jieba, first-call costs
            advisor.ask(question)
        search = _time(lambda q: advisor.retriever.search(q, k=6), questions)
        ask = _time(advisor.ask, questions)
        first = [_first_chunk(advisor, q) for q in questions for _ in range(ROUNDS)]
    rows = [("search (baseline)", search), ("ask", ask), ("stream: first text chunk", first)]
    print(f"{len(questions)} questions x {ROUNDS} rounds, after warm-up (offline engine)")
    print(f"{'':28} {'p50 ms':>8} {'p95 ms':>8}")
    for name, samples in rows:
        p50, p95 = _percentiles(samples)
        print(f"{name:28} {p50:8.2f} {p95:8.2f}")
    ask_p50, ask_p95 = _percentiles(ask)
    search_p50, search_p95 = _percentiles(search)
    print(f"ratio ask / search: p50 {ask_p50 / search_p50:.1f}x, p95 {ask_p95 / search_p95:.1f}x")
    print(f"goal p50 < 50 ms, p95 < 150 ms: {'met' if ask_p50 < 50 and ask_p95 < 150 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
