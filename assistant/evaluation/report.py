"""The scorecard: a summary dict (the `--json` shape), its text and Markdown forms, and a chart."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any


from assistant.evaluation.runner import CaseResult
from assistant.yaml_fast import safe_load


def _rate(passed: int, total: int) -> float:
    return round(passed / total, 4) if total else 0.0


def _group(pairs: list[tuple[str, bool]]) -> dict[str, dict[str, Any]]:
    """{name: {total, passed, pass_rate}} from (name, passed) pairs, names sorted."""
    groups: dict[str, list[bool]] = {}
    for name, ok in pairs:
        groups.setdefault(name, []).append(ok)
    return {name: {"total": len(v), "passed": sum(v), "pass_rate": _rate(sum(v), len(v))} for name, v in sorted(groups.items())}


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summarize(results: Sequence[CaseResult], *, provider: str, threshold: float) -> dict[str, Any]:
    """The scorecard as one JSON-ready dict."""
    passed = sum(r.passed for r in results)
    asks = [ms for r in results for ms in r.latencies_ms]
    check_pairs = [(c.kind, c.passed) for r in results for c in r.checks]
    check_pairs += [("error", False) for r in results if r.error is not None]
    pass_rate = _rate(passed, len(results))
    return {
        "provider": provider,
        "total": len(results),
        "passed": passed,
        "pass_rate": pass_rate,
        "threshold": threshold,
        "ok": pass_rate >= threshold,
        "answered_by": dict(Counter(r.answer.provider for r in results if r.answer is not None).most_common()),
        "model_usage": _model_usage(results),
        "by_category": _group([(r.case.category, r.passed) for r in results]),
        "by_check": _group(check_pairs),
        "latency_ms": {
            "asks": len(asks),
            "p50": round(percentile(asks, 50), 1),
            "p95": round(percentile(asks, 95), 1),
            "mean": round(statistics.fmean(asks), 1) if asks else 0.0,
        },
        "failures": [
            {"id": r.case.id, "category": r.case.category, "file": str(r.case.file), "reasons": r.reasons}
            for r in results
            if not r.passed
        ],
    }


def _model_usage(results: Sequence[CaseResult]) -> dict[str, float]:
    """With a model: round trips, corrections and prompt tokens per scored answer (the last turn's)."""
    used = [r.answer.usage for r in results if r.answer is not None and r.answer.usage]
    if not used:
        return {}
    return {key: round(statistics.fmean(u.get(key, 0) for u in used), 2)
            for key in ("model_calls", "repairs", "prompt_tokens", "completion_tokens")}  # fmt: skip


def exit_status(summary: dict[str, Any]) -> int:
    """0 when the pass rate reaches the threshold, else 1."""
    return 0 if summary["ok"] else 1


def _rows(groups: dict[str, dict[str, Any]]) -> list[str]:
    return [f"| {name} | {g['passed']}/{g['total']} | {g['pass_rate']:.0%} |" for name, g in groups.items()]


def render_markdown(summary: dict[str, Any]) -> str:
    """The scorecard as Markdown: headline, tables per category and check kind, failures."""
    verdict = "PASS" if summary["ok"] else "FAIL"
    lat = summary["latency_ms"]
    lines = [
        f"# Eval scorecard ({summary['provider']})",
        "",
        f"**{verdict}**: {summary['passed']}/{summary['total']} cases passed "
        f"({summary['pass_rate']:.1%}; threshold {summary['threshold']:.0%}).",
        f"Latency per question: p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms over {lat['asks']} questions.",
        "",
        "## By category",
        "",
        "| category | passed | rate |",
        "|---|---|---|",
        *_rows(summary["by_category"]),
        "",
        "## By check",
        "",
        "| check | passed | rate |",
        "|---|---|---|",
        *_rows(summary["by_check"]),
    ]
    if "judge" in summary:
        judge = summary["judge"]
        lines += ["", "## Faithfulness judge", "", f"Mean score {judge['mean']:.2f}/5 over {judge['scored']} answers."]
    lines += ["", f"## Failures ({len(summary['failures'])})", ""]
    for failure in summary["failures"]:
        lines.append(f"- `{failure['id']}` ({failure['category']}, {failure['file']})")
        lines.extend(f"  - {reason}" for reason in failure["reasons"])
    return "\n".join(lines) + "\n"


def render_text(summary: dict[str, Any]) -> str:
    """The console scorecard: the same content as the Markdown, aligned for a terminal."""
    lat = summary["latency_ms"]
    lines = [
        f"eval ({summary['provider']}): {summary['passed']}/{summary['total']} passed, "
        f"pass rate {summary['pass_rate']:.1%} (threshold {summary['threshold']:.0%}) "
        f"{'OK' if summary['ok'] else 'BELOW THRESHOLD'}",
        f"latency per question: p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms",
        "answered by: " + ", ".join(f"{name} {count}" for name, count in summary.get("answered_by", {}).items()),
    ]
    if summary.get("model_usage"):
        lines.append("per answer with a model: " + ", ".join(f"{k} {v:g}" for k, v in summary["model_usage"].items()))
    for title, key in (("by category", "by_category"), ("by check", "by_check")):
        lines.append(f"{title}:")
        lines.extend(f"  {name:24} {g['passed']:>4}/{g['total']:<4} {g['pass_rate']:>6.1%}" for name, g in summary[key].items())
    if "judge" in summary:
        lines.append(f"faithfulness judge: mean {summary['judge']['mean']:.2f}/5 over {summary['judge']['scored']} answers")
    if summary["failures"]:
        lines.append(f"failures ({len(summary['failures'])}):")
        for failure in summary["failures"]:
            lines.append(f"  {failure['id']} [{failure['category']}]")
            lines.extend(f"    - {reason}" for reason in failure["reasons"])
    return "\n".join(lines)


def plot(summary: dict[str, Any], path: Path) -> None:
    """Bar charts of the pass rate per category and per check kind, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("pass rate by category", summary["by_category"]), ("pass rate by check", summary["by_check"])]
    height = max(3.0, 0.32 * sum(len(g) for _, g in panels) + 1.5)
    fig, axes = plt.subplots(2, 1, figsize=(8, height), height_ratios=[max(len(g), 1) for _, g in panels])
    for ax, (title, groups) in zip(axes, panels, strict=True):
        names = list(groups)
        rates = [groups[n]["pass_rate"] for n in names]
        colors = ["#2e7d32" if r >= summary["threshold"] else "#c62828" for r in rates]
        ax.barh(names, rates, color=colors)
        ax.axvline(summary["threshold"], color="#555", linestyle="--", linewidth=1)
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10)
        for y, (name, rate) in enumerate(zip(names, rates, strict=True)):
            ax.text(min(rate + 0.01, 0.9), y, f"{groups[name]['passed']}/{groups[name]['total']}", va="center", fontsize=8)
    fig.suptitle(f"tk-advisor eval ({summary['provider']}): {summary['pass_rate']:.1%}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def answer_record(result: CaseResult) -> dict[str, Any]:
    """One line of answers.jsonl: what was asked, what came back and how it scored."""
    answer = result.answer
    return {
        "id": result.case.id,
        "category": result.case.category,
        "messages": result.case.messages,
        "passed": result.passed,
        "reasons": result.reasons,
        "latencies_ms": [round(ms, 1) for ms in result.latencies_ms],
        "answer": answer.model_dump(mode="json") if answer else None,
    }


def write_scorecard(summary: dict[str, Any], results: Sequence[CaseResult], out_dir: Path) -> list[Path]:
    """Write scorecard.json, scorecard.md, scorecard.png and answers.jsonl to `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in ("scorecard.json", "scorecard.md", "scorecard.png", "answers.jsonl")]
    paths[0].write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(render_markdown(summary), encoding="utf-8")
    plot(summary, paths[2])
    lines = (json.dumps(answer_record(r), ensure_ascii=False) for r in results)
    paths[3].write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return paths


def load_threshold(path: Path, provider: str) -> float:
    """The minimum pass rate for `provider` from thresholds.yaml; `ValueError` if absent or bad."""
    data = safe_load(path.read_text(encoding="utf-8")) or {}
    value = data.get(provider) if isinstance(data, dict) else None
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ValueError(f"{path}: no pass-rate threshold between 0 and 1 for provider '{provider}'")
    return float(value)
