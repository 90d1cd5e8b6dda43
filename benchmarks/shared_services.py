"""Scale-out benchmark: what PostgreSQL + Redis + a Chroma server cost against the one-machine
defaults, and two instances sharing them, in one run.

Three phases, each `--clients` clients on `/api/ask` for `--seconds`, then a feedback burst whose
every acknowledged row must be in the store:
  1. one instance on the defaults (SQLite, in-process limits, embedded Chroma);
  2. one instance on throwaway PostgreSQL, Redis and `chroma run` servers (loopback);
  3. two instances on those servers, the clients spread over both (with `--workers auto`, each
     instance gets its share of the cores: TK_ANSWER_WORKERS = CPUs / 2).
On a 2-core machine two instances cannot beat one; the goal is that the shared services cost at
most 15% of the defaults' throughput, with no errors and no lost rows. Exit status 1 otherwise.

Needs the Debian packages postgresql and redis-server (`.ci/run` installs them).
Run: .venv/bin/python benchmarks/shared_services.py [--clients 8] [--seconds 10] [--workers auto]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "services"))

from api_load import QUESTIONS, Client, Run, ask, feedback_check, free_port, start_server, timed, wait_ready  # noqa: E402
from servers import Chroma, Postgres, Redis  # noqa: E402

GOAL_COST = 0.15


def phase(name: str, tmp: Path, count: int, shared: dict[str, str] | None, store: str | Path | None,
          args: argparse.Namespace) -> tuple[Run, tuple[int, int, list[str]]]:
    """Start `count` instances, warm them up, time /api/ask over all of them, then check feedback."""
    workers = args.workers
    if workers == "auto" and count > 1:  # instances on one machine split its cores
        workers = str(max(1, (os.cpu_count() or 1) // count))
    with ExitStack() as stack:
        urls, servers = [], []
        for i in range(count):
            port = free_port()
            data = tmp / f"{name}-{i}".replace(" ", "").replace(",", "-")
            data.mkdir(parents=True)
            server = start_server(data, port, data / "server.log", workers, shared)
            stack.callback(lambda s=server: (s.terminate(), s.wait(timeout=30)))
            urls.append(f"http://127.0.0.1:{port}")
            servers.append(server)
            store = store or data / "tk-advisor.sqlite3"
        for url, server in zip(urls, servers, strict=True):
            wait_ready(url, server)
            with Client(url) as client:
                for i in range(len(QUESTIONS)):
                    ask(client, i)
        run = timed(name, args.clients, args.seconds, ask, urls, servers[0].pid)
        return run, feedback_check(urls, args.clients, args.feedback_per_client, store)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--feedback-per-client", type=int, default=25)
    parser.add_argument("--workers", default="auto", help="TK_ANSWER_WORKERS of each instance")
    parser.add_argument("--rounds", type=int, default=2, help="run the three phases this many times, in turn")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tk-scale-") as name, ExitStack() as stack:
        tmp = Path(name)
        tmp.chmod(0o755)
        postgres, redis, chroma = Postgres(tmp / "pg"), Redis(tmp), Chroma(tmp)
        for service in (postgres, redis, chroma):
            service.start()
            stack.callback(service.stop)
        shared = {"TK_DATABASE_URL": postgres.url, "TK_REDIS_URL": redis.url, "TK_CHROMA_URL": chroma.url}
        plan = [("1 instance, defaults", 1, None, None), ("1 instance, shared", 1, shared, postgres.url),
                ("2 instances, shared", 2, shared, postgres.url)]
        rounds = [[phase(name, tmp / f"r{r}", count, env, store, args) for name, count, env, store in plan]
                  for r in range(args.rounds)]
        # Best throughput of the rounds per phase (the machine's other load only slows a run down);
        # errors and lost rows of every round count.
        results = [max(runs, key=lambda result: result[0].rps) for runs in zip(*rounds, strict=True)]
        failures = [run.errors or acked != stored or errors for runs in rounds for run, (acked, stored, errors) in runs]

    print(f"{args.clients} clients x {args.seconds:g} s on /api/ask, loopback, offline provider, TK_ANSWER_WORKERS={args.workers}, "
          f"best of {args.rounds} rounds")
    print(f"{'phase':24} {'ok':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}   feedback acked/stored/lost")
    for run, (acked, stored, _) in results:
        print(f"{run.line()}   {acked}/{stored}/{acked - stored}")
    baseline = results[0][0].rps
    failed = any(failures)
    for run, _ in results[1:]:
        cost = 1 - run.rps / baseline
        failed |= cost > GOAL_COST
        print(f"{run.name} vs defaults: x{run.rps / baseline:.2f} throughput ({cost:+.0%} cost; goal at most {GOAL_COST:.0%})")
    for run, _ in results:
        for problem in sorted(set(run.errors))[:3]:
            print(f"  {run.name}: {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
