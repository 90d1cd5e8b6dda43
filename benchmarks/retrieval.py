"""Retrieval benchmark: hybrid vs Chroma vector-only vs BM25-only on evals/retrieval.yaml.

Prints hit@1, hit@3, MRR and p50/p95 query latency (after warm-up) per method, the
hybrid/baseline ratios, and the top-score spread that the relevance floor is set from.
Run: .venv/bin/python benchmarks/retrieval.py  (indexes into a temporary data dir).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.kb.index import KnowledgeIndex  # noqa: E402
from assistant.kb.loader import KnowledgeBase  # noqa: E402
from assistant.kb.quality import EVAL_SET, load_cases, score, top_scores  # noqa: E402
from assistant.kb.retrieve import BM25_WEIGHT, RELEVANCE_FLOOR, Retriever  # noqa: E402

METHODS = ("hybrid", "vector", "bm25")
WARM_UP_ROUNDS = 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=EVAL_SET)
    parser.add_argument("--show-misses", action="store_true", help="list the queries each method misses at 3")
    parser.add_argument("--sweep", action="store_true", help="also score the hybrid at other BM25 weights")
    args = parser.parse_args()

    cases = load_cases(args.cases)
    on_topic = [c for c in cases if c.expect]
    off_topic = [c.query for c in cases if not c.expect]
    with tempfile.TemporaryDirectory(prefix="tk-bench-") as tmp:
        settings = Settings.from_env(data_dir=Path(tmp))
        kb = KnowledgeBase.from_dir(settings.knowledge_dir)
        index = KnowledgeIndex(settings)
        index.sync(kb)
        print(f"{len(kb)} entries, {len(on_topic)} on-topic and {len(off_topic)} off-topic queries, BM25 weight {BM25_WEIGHT}")
        print(f"{'method':8} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}")
        cards = {}
        for method in METHODS:
            retriever = Retriever(kb, index, mode=method)
            for _ in range(WARM_UP_ROUNDS):
                for case in on_topic:
                    retriever.search(case.query)
            card = cards[method] = score(retriever, cases)
            print(f"{method:8} {card.hit1:6.3f} {card.hit3:6.3f} {card.mrr:6.3f} {card.p50_ms:7.2f} {card.p95_ms:7.2f}")

        hybrid = cards["hybrid"]
        for baseline in METHODS[1:]:
            base = cards[baseline]
            print(
                f"hybrid / {baseline}: hit@1 x{_ratio(hybrid.hit1, base.hit1)}, hit@3 x{_ratio(hybrid.hit3, base.hit3)}, "
                f"MRR x{_ratio(hybrid.mrr, base.mrr)}, p50 latency x{_ratio(hybrid.p50_ms, base.p50_ms)}"
            )

        for lang in sorted({c.lang for c in on_topic if c.lang}):
            subset = [c for c in on_topic if c.lang == lang]
            card = score(Retriever(kb, index), subset)
            print(f"hybrid on {lang} queries ({len(subset)}): hit@1 {card.hit1:.3f}, hit@3 {card.hit3:.3f}, MRR {card.mrr:.3f}")
        if args.sweep:
            for weight in (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
                card = score(Retriever(kb, index, bm25_weight=weight), on_topic)
                print(f"  BM25 weight {weight:.2f}: hit@1 {card.hit1:.3f}, hit@3 {card.hit3:.3f}, MRR {card.mrr:.3f}")

        retriever = Retriever(kb, index)
        relevant = top_scores(retriever, [c.query for c in on_topic])
        unrelated = top_scores(retriever, off_topic)
        if unrelated:
            print(
                f"top score: on-topic min {min(relevant):.3f} / p5 {np.percentile(relevant, 5):.3f} / median {np.median(relevant):.3f}; "
                f"off-topic max {max(unrelated):.3f} / median {np.median(unrelated):.3f}; relevance floor {RELEVANCE_FLOOR}"
            )
            print(
                f"  on-topic below floor: {sum(s < RELEVANCE_FLOOR for s in relevant)}/{len(relevant)}, "
                f"off-topic above floor: {sum(s >= RELEVANCE_FLOOR for s in unrelated)}/{len(unrelated)}"
            )
        if args.show_misses:
            for method, card in cards.items():
                for query, expected, got in card.misses:
                    print(f"  miss [{method}] {query!r}: expected {expected}, got {got}")
    return 0


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "inf"


if __name__ == "__main__":
    sys.exit(main())
