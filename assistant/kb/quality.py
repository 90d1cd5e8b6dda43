"""Retrieval quality on the eval set (evals/retrieval.yaml): hit@1, hit@3, MRR, latency."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from assistant.config import PACKAGE_ROOT
from assistant.kb.retrieve import Retriever
from assistant.yaml_fast import safe_load

EVAL_SET = PACKAGE_ROOT / "evals" / "retrieval.yaml"
DEPTH = 10
"""Ranks below this count as a miss for MRR."""


class RetrievalCase(BaseModel):
    """One query; any id in `expect` counts as a hit. An empty `expect` marks an off-topic query."""

    query: str = Field(min_length=1)
    expect: list[str] = Field(default_factory=list)
    lang: str | None = None


def load_cases(path: Path = EVAL_SET) -> list[RetrievalCase]:
    return [RetrievalCase.model_validate(item) for item in safe_load(path.read_text(encoding="utf-8"))]


@dataclass(frozen=True)
class Scorecard:
    hit1: float
    hit3: float
    mrr: float
    p50_ms: float
    p95_ms: float
    misses: list[tuple[str, list[str], list[str]]]
    """(query, expected ids, top-3 ids) for every case not hit at 3."""


def first_rank(ranked: Sequence[str], expected: Sequence[str]) -> int | None:
    return next((rank for rank, entry_id in enumerate(ranked, 1) if entry_id in expected), None)


def score(retriever: Retriever, cases: Sequence[RetrievalCase]) -> Scorecard:
    """Run every on-topic case once (after the caller's warm-up) and score the rankings."""
    ranks: list[int | None] = []
    latencies: list[float] = []
    misses = []
    for case in (c for c in cases if c.expect):
        start = time.perf_counter()
        hits = retriever.search(case.query, k=DEPTH)
        latencies.append(time.perf_counter() - start)
        ranked = [h.entry.id for h in hits]
        rank = first_rank(ranked, case.expect)
        ranks.append(rank)
        if rank is None or rank > 3:
            misses.append((case.query, case.expect, ranked[:3]))
    n = max(len(ranks), 1)
    return Scorecard(
        hit1=sum(r == 1 for r in ranks) / n,
        hit3=sum(r is not None and r <= 3 for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r) / n,
        p50_ms=float(np.percentile(latencies, 50) * 1000) if latencies else 0.0,
        p95_ms=float(np.percentile(latencies, 95) * 1000) if latencies else 0.0,
        misses=misses,
    )


def top_scores(retriever: Retriever, queries: Sequence[str]) -> list[float]:
    """The best score per query (0 when nothing matched): the input for a relevance floor."""
    return [hits[0].score if (hits := retriever.search(q, k=1)) else 0.0 for q in queries]
