"""Number reader benchmark: `find_numbers` on a 4,000-character WeChat message of approximate amounts.

Prints the median and best time over the rounds, characters per millisecond, and two ratios measured
in the same run: against a message of the same length holding only exact amounts (the baseline), and
the same vague message at 4x the length (linear reading gives ~4x, quadratic ~16x).
Run: .venv/bin/python benchmarks/numbers_scan.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.tools.numbers import find_numbers  # noqa: E402

VAGUE = ["这个品一天七八十单，", "播放两三千，", "GPM十几，", "上个月卖了20多万刀，", "AI视频占三成，",
         "寄了三个样品，", "半个月没出单，", "开头3秒，", "客单价19.9刀，", "3/15发的，", "达人一条几十块，",
         "一个人做，", "几十万播放，"]  # fmt: skip
EXACT = ["这个品一天75单，", "播放2500，", "GPM 15，", "上个月卖了20万刀，", "AI视频占30%，", "寄了3个样品，",
         "15天没出单，", "客单价19.9刀，", "达人一条50块，", "佣金15%，"]  # fmt: skip


def message(pieces: list[str], chars: int) -> str:
    out: list[str] = []
    while sum(map(len, out)) < chars:
        out.append(pieces[len(out) % len(pieces)])
    return "".join(out)


def timings(text: str, rounds: int) -> list[float]:
    found = []
    for _ in range(rounds):
        started = time.perf_counter()
        find_numbers(text)
        found.append((time.perf_counter() - started) * 1000)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    vague, exact, long = message(VAGUE, 4_000), message(EXACT, 4_000), message(VAGUE, 16_000)
    find_numbers(vague)  # warm the character fold table and the compiled patterns
    results = {name: timings(text, args.rounds) for name, text in (("vague", vague), ("exact", exact), ("vague x4", long))}
    print(f"{'message':10} {'chars':>6} {'mentions':>8} {'median ms':>9} {'best ms':>8} {'chars/ms':>8}")
    for (name, times), text in zip(results.items(), (vague, exact, long), strict=True):
        median = statistics.median(times)
        print(f"{name:10} {len(text):6} {len(find_numbers(text)):8} {median:9.2f} {min(times):8.2f} {len(text) / median:8.0f}")
    med = {name: statistics.median(times) for name, times in results.items()}
    print(f"vague / exact (same length): x{med['vague'] / med['exact']:.2f}")
    print(f"vague x4 length / vague: x{med['vague x4'] / med['vague']:.2f} (linear ~4, quadratic ~16)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
