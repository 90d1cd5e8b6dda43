"""API load benchmark: N concurrent clients against `/api/ask` and `/v1/chat/completions` on loopback.

Starts `tk-advisor serve` in a subprocess (offline provider, temporary data dir, one API key,
rate limit out of the way), then for each endpoint runs `--clients` clients for `--seconds`
and prints throughput and p50/p95/p99 latency. Baselines from the same run: `/healthz` over
the same HTTP stack, and `Advisor.ask` called directly in this process (one thread), with the
ratios. For each phase it also prints the server's CPU time per request, split between the server
process (HTTP, routing, serialisation) and its answer worker processes (read from /proc), and
how long a fixed pure-Python loop takes, to compare runs on a machine whose speed varies.
Last, `--clients` clients post feedback concurrently and the script checks that every
acknowledged row is in the store. Exit status 1 on any HTTP error or lost row.

Run: .venv/bin/python benchmarks/api_load.py [--clients 8] [--seconds 10] [--workers auto]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.advisor import Advisor  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.store import Store  # noqa: E402

KEY = "bench-key-0123456789abcdef"
GOAL_RPS, GOAL_P95_MS = 100.0, 200.0
QUESTIONS = [
    "AI生成的视频GPM比原创低多少？",
    "Should I switch all my TikTok Shop videos to AI-generated ones? My GPM is 40.",
    "AI视频会不会被限流？美区现在怎么判定？",
    "Do I need to label AI-generated content on TikTok Shop US?",
    "我每月预算2万，做AI视频和找达人哪个更划算？",
    "What share of TikTok US GMV comes from AIGC videos?",
    "新手卖家要不要all in AI视频？",
    "How should I compare a creator video costing $300 with AI videos at $5 each?",
]


@dataclass
class Run:
    """Latencies (ms) and errors of one timed phase."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu: tuple[float, float, float] | None = None
    """CPU seconds in the phase: (server process, its worker processes, this load generator)."""

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else float("nan")

    def line(self) -> str:
        per_request = ""
        if self.cpu and self.latencies:
            main, workers, client = (1000 * c / len(self.latencies) for c in self.cpu)
            per_request = f" {main:9.2f} {workers:9.2f} {client:9.2f}"
        return (f"{self.name:24} {len(self.latencies):7d} {self.rps:8.1f} {self.percentile(50):8.1f} "
                f"{self.percentile(95):8.1f} {self.percentile(99):8.1f} {len(self.errors):6d}{per_request}")


def cpu_seconds(pid: int) -> tuple[float, float, float]:
    """CPU seconds used so far by `pid`, by its children (the answer workers), from /proc, and by
    this process (the clients share the machine with the server)."""
    tick = os.sysconf("SC_CLK_TCK")

    def used(stat: list[str]) -> float:
        return (int(stat[11]) + int(stat[12])) / tick  # utime, stime (fields 14-15, after pid and comm)

    own, children = 0.0, 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid:
            own = used(stat)
        elif int(stat[1]) == pid:
            children += used(stat)
    mine = os.times()
    return own, children, mine.user + mine.system


def machine_speed() -> float:
    """Milliseconds for a fixed pure-Python loop: this VM's speed varies from minute to minute."""
    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


class Client:
    """One keep-alive HTTP/1.1 connection with the API key. Stdlib `http.client` because the
    clients share the machine's CPUs with the server: httpx costs ~3 ms of CPU per request here."""

    def __init__(self, url: str):
        address = urlsplit(url)
        self._connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self._connection.close()

    def request(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        """(status, body); the connection reopens by itself after an error."""
        headers = {"Authorization": f"Bearer {KEY}"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        try:
            self._connection.request(method, path, body=data, headers=headers)
            response = self._connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self._connection.close()
            raise


def timed(name: str, clients: int, seconds: float, call: Callable[[Client, int], tuple[int, bytes]], urls: Sequence[str],
          server: int) -> Run:
    """`clients` threads, each calling `call` in a loop on its own keep-alive connection until time is
    up; client i talks to `urls[i % len(urls)]` (several instances: the clients are spread over them)."""
    run = Run(name)
    lock = threading.Lock()
    counter = itertools.count()
    deadline = time.perf_counter() + seconds

    def client(url: str) -> None:
        with Client(url) as connection:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    status, body = call(connection, next(counter))
                    ok, problem = status < 400, f"HTTP {status}: {body[:120].decode(errors='replace')}"
                except (OSError, http.client.HTTPException) as exc:
                    ok, problem = False, type(exc).__name__
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    (run.latencies.append(elapsed) if ok else run.errors.append(problem))

    threads = [threading.Thread(target=client, args=(urls[i % len(urls)],)) for i in range(clients)]
    cpu_before = cpu_seconds(server)
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - started
    run.cpu = tuple(after - before for after, before in zip(cpu_seconds(server), cpu_before))  # type: ignore[assignment]
    return run


def ask(client: Client, i: int) -> tuple[int, bytes]:
    return client.request("POST", "/api/ask", {"question": QUESTIONS[i % len(QUESTIONS)]})


def chat(client: Client, i: int) -> tuple[int, bytes]:
    messages = [{"role": "user", "content": QUESTIONS[i % len(QUESTIONS)]}]
    return client.request("POST", "/v1/chat/completions", {"model": "tk-advisor", "messages": messages})


def healthz(client: Client, i: int) -> tuple[int, bytes]:
    return client.request("GET", "/healthz")


def direct(advisor: Advisor, seconds: float) -> Run:
    """The work floor: `Advisor.ask` in this process, one thread, no HTTP."""
    run = Run("Advisor.ask (direct)")
    started = time.perf_counter()
    for i in itertools.count():
        if time.perf_counter() - started >= seconds:
            break
        t0 = time.perf_counter()
        advisor.ask(QUESTIONS[i % len(QUESTIONS)])
        run.latencies.append((time.perf_counter() - t0) * 1000)
    run.seconds = time.perf_counter() - started
    return run


def feedback_check(urls: Sequence[str], clients: int, per_client: int, store: str | Path) -> tuple[int, int, list[str]]:
    """Post feedback from `clients` threads at once (spread over `urls`); (acknowledged, found in the
    store `store` (a SQLite path or a database URL), errors)."""
    ids: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        with Client(urls[c % len(urls)]) as connection:
            for n in range(per_client):
                body = {"rating": 1 if n % 2 else -1, "question": f"q{c}-{n}", "answer": "a", "comment": "load"}
                status, reply = connection.request("POST", "/api/feedback", body)
                with lock:
                    (ids.append(json.loads(reply)["id"]) if status == 201 else errors.append(str(status)))

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = {row.id for row in Store(store).feedback() if row.comment == "load"}  # the server sets the channel
    return len(ids), len(stored & set(ids)), errors


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, port: int, log: Path, workers: str, shared: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """`tk-advisor serve` on `port`; `shared`: TK_DATABASE_URL / TK_REDIS_URL / TK_CHROMA_URL to use."""
    env = {**os.environ, "TK_DATA_DIR": str(data_dir), "TK_PROVIDER": "offline", "TK_API_KEYS": KEY, "TK_ANSWER_WORKERS": workers,
           "TK_RATE_LIMIT_PER_MINUTE": "10000000", "TK_RATE_LIMIT_BURST": "100000", "GRADIO_ANALYTICS_ENABLED": "False",
           **(shared or {})}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(url: str, server: subprocess.Popen[bytes], timeout: float = 180) -> int:
    """Wait for /readyz; the number of answer worker processes it reports."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        try:
            with Client(url) as client:
                status, body = client.request("GET", "/readyz")
            if status == 200:
                return int(json.loads(body)["answer_workers"])
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.25)
    raise SystemExit("the server did not become ready")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--feedback-per-client", type=int, default=50)
    parser.add_argument("--workers", default="auto", help="TK_ANSWER_WORKERS for the server (0: answers on its threads)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tk-load-") as tmp:
        server_dir, direct_dir = Path(tmp, "server"), Path(tmp, "direct")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_server(server_dir, port, Path(tmp, "server.log"), args.workers)
        try:
            workers = f"{wait_ready(url, server)} answer worker processes"
            with Client(url) as client:
                for i in range(len(QUESTIONS)):  # warm up both endpoints once per question
                    ask(client, i)
                    chat(client, i)
            speed_before = machine_speed()
            runs = [timed(f"/api/ask x{args.clients}", args.clients, args.seconds, ask, [url], server.pid),
                    timed(f"/v1/chat/completions x{args.clients}", args.clients, args.seconds, chat, [url], server.pid),
                    timed(f"/healthz x{args.clients}", args.clients, args.seconds, healthz, [url], server.pid)]
            speed_after = machine_speed()
            acked, found, feedback_errors = feedback_check([url], args.clients, args.feedback_per_client, Settings.from_env(
                environ={}, data_dir=server_dir).sqlite_path)
        finally:
            server.terminate()
            server.wait(timeout=30)
        advisor = Advisor.from_settings(Settings.from_env(environ={}, data_dir=direct_dir, provider="offline"))
        for question in QUESTIONS:
            advisor.ask(question)
        runs.append(direct(advisor, args.seconds))

    print(f"{args.clients} clients x {args.seconds:g} s on loopback, offline provider, {os.cpu_count()} CPUs, "
          f"{workers}; speed check (2M-step loop) {speed_before:.0f} ms before, {speed_after:.0f} ms after")
    print(f"{'phase':24} {'ok':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
          f" {'cpu ms/req: server':>18} {'workers':>9} {'clients':>9}")
    for run in runs:
        print(run.line())
    api_ask, api_chat, health, floor = runs
    print(f"/api/ask vs direct Advisor.ask: x{api_ask.rps / floor.rps:.2f} throughput; "
          f"/v1/chat/completions vs direct: x{api_chat.rps / floor.rps:.2f}; /api/ask vs /healthz: x{api_ask.rps / health.rps:.3f}")
    for run in (api_ask, api_chat):
        met = run.rps >= GOAL_RPS and run.percentile(95) < GOAL_P95_MS and not run.errors
        print(f"goal ({GOAL_RPS:g} answers/s, p95 < {GOAL_P95_MS:g} ms, no errors) on {run.name}: {'met' if met else 'NOT met'}")
    lost = acked - found
    print(f"feedback: {args.clients} clients x {args.feedback_per_client}: {acked} acknowledged, {found} stored, "
          f"{lost} lost, {len(feedback_errors)} errors")
    for run in runs:
        for problem in sorted(set(run.errors))[:3]:
            print(f"  {run.name}: {problem}")
    return 1 if lost or feedback_errors or any(run.errors for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
