"""A repeat of the 2026-12-07 attack on a running server (loopback only, bounded in count and time).

    .venv/bin/python benchmarks/attack.py [--checkout PATH]

Starts `tk-advisor serve` from this checkout (or `--checkout`, e.g. an older one, to compare) with
two answer workers and two API keys, then prints one line per probe: the CPU a heavy message costs,
whether 16 heavy requests from one key make another key's questions fail, and the web chat, store
and webhook holes found that day. Exit status 1 when a high or medium finding is still open.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

KEYS = ("attack-key-heavy-000000001", "attack-key-other-000000002")
ORDINARY = ["我的视频20万播放, GPM 12, 能卖多少?", "Do I need to label AI-generated content on TikTok Shop US?", "AI生成的视频GPM比原创低多少？"]
HEAVY = ("20万 " * 1000)[:4000]


def accepted_heavy(seed: int) -> str:
    """As costly as an accepted message gets: 4,000 random Chinese characters, a few numbers."""
    rng = random.Random(seed)
    return "GPM 12，" + "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(3990))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_of(checkout: Path, messages: list[str]) -> float:
    """Median CPU seconds one in-process answer (or refusal) costs over `messages` (each new to the
    process: no cache helps), in a fresh process of `checkout`."""
    code = ("import json, statistics, sys, time, tempfile\nfrom assistant.advisor import Advisor\nfrom assistant.config import Settings\n"
            "a = Advisor.from_settings(Settings.from_env(environ={}, data_dir=tempfile.mkdtemp(), provider='offline'))\n"
            "a.ask('warm up GPM 12')\ncosts = []\nfor msg in json.load(sys.stdin):\n    t = time.process_time()\n    try:\n"
            "        a.ask(msg)\n    except Exception:\n        pass\n    costs.append(time.process_time() - t)\n"
            "print(statistics.median(costs))\n")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(messages), capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(checkout)}, timeout=900, cwd=checkout)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    findings: list[tuple[str, str, bool]] = []  # (severity, what, still open)

    ordinary_cpu = cpu_of(checkout, ORDINARY)
    heavy_cpu = cpu_of(checkout, [(f"{n}万 " * 1000)[:4000] for n in (20, 30, 40)])
    accepted_cpu = cpu_of(checkout, [accepted_heavy(seed) for seed in (1, 2, 3)])
    print(f"CPU per message: ordinary {ordinary_cpu * 1000:.0f} ms, '20万 ' x 1000 {heavy_cpu * 1000:.0f} ms, "
          f"heaviest accepted shape {accepted_cpu * 1000:.0f} ms")
    findings.append(("high", "a 4,000-character message of numbers costs over 1 s of CPU", heavy_cpu > 1.0))

    data = Path(tempfile.mkdtemp(prefix="tk-attack-"))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(checkout), "TK_DATA_DIR": str(data), "TK_PROVIDER": "offline", "TK_ANSWER_WORKERS": "2",
           "TK_API_KEYS": ",".join(KEYS), "TK_WEB_USERS": "ops:attack-test-password-1", "TK_WEB_PUBLIC": "true",
           "TK_RATE_LIMIT_BURST": "500", "TK_SLACK_SIGNING_SECRET": "s", "TK_SLACK_BOT_TOKEN": "xoxb-t",
           "TK_SLACK_API_BASE": f"http://127.0.0.1:{free_port()}"}
    server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env=env, cwd=checkout,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        findings += starve(url)
        findings += web_holes(url)
        findings += store_holes(url)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(60)
    print()
    for severity, what, still_open in findings:
        print(f"{'OPEN ' if still_open else 'fixed'}  {severity:6s} {what}")
    return 1 if any(still and severity in ("high", "medium") for severity, _, still in findings) else 0


def starve(url: str) -> list[tuple[str, str, bool]]:
    """16 heavy requests from one key while another key asks ordinary questions."""
    attack = [HEAVY if i % 2 else accepted_heavy(100 + i) for i in range(16)]

    def heavy(question: str) -> int:
        try:
            return httpx.post(url + "/api/ask", json={"question": question}, headers={"Authorization": f"Bearer {KEYS[0]}"},
                              timeout=120).status_code
        except httpx.HTTPError:
            return 0

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        started = time.monotonic()
        futures = [pool.submit(heavy, q) for q in attack]
        time.sleep(0.2)
        others = []
        for i in range(6):
            t = time.monotonic()
            code = httpx.post(url + "/api/ask", json={"question": ORDINARY[i % 3]}, headers={"Authorization": f"Bearer {KEYS[1]}"},
                              timeout=120).status_code
            others.append((code, time.monotonic() - t))
        codes = [f.result() for f in futures]
        took = time.monotonic() - started
    failed = sum(1 for code, _ in others if code != 200)
    print(f"16 heavy requests from one key: codes {sorted(codes)}, all done in {took:.1f} s; another key's 6 questions: "
          f"{[c for c, _ in others]}, slowest {max(s for _, s in others):.1f} s")
    return [("high", "another key's questions fail (503) during one key's burst of heavy requests", failed > 0)]


def web_holes(url: str) -> list[tuple[str, str, bool]]:
    from gradio_client import Client

    victim = httpx.get(url + "/").cookies.get("tk_browser", "")
    attacker = httpx.get(url + "/").cookies.get("tk_browser", "")
    client = Client(url, headers={"Cookie": f"tk_browser={victim}"}, verbose=False, download_files=False)
    try:
        client.predict(ORDINARY[0], "zh", api_name="/chat")
        stolen = client.session_hash
    finally:
        client.close()
    body = {"data": [], "event_data": None, "fn_index": 0, "trigger_id": None, "session_hash": stolen}
    hijack = httpx.post(url + "/gradio_api/queue/join", json=body, headers={"Cookie": f"tk_browser={attacker}"}).status_code
    unknown = httpx.post(url + "/gradio_api/queue/join", json={**body, "fn_index": 99999, "session_hash": "x1"},
                         headers={"Cookie": f"tk_browser={attacker}"}).status_code
    logins = [httpx.post(url + "/login", data={"username": "a", "password": f"p{i}"}).status_code for i in range(30)]
    print(f"web: another browser joining a stolen session hash -> {hijack}; unknown fn_index -> {unknown}; "
          f"30 sign-in guesses -> {sorted(set(logins))}")
    return [("medium", "a session hash works from another browser", hijack == 200),
            ("low", "an unknown fn_index is a 500", unknown >= 500),
            ("medium", "sign-in has no rate limit", 429 not in logins)]


def store_holes(url: str) -> list[tuple[str, str, bool]]:
    auth = {"Authorization": f"Bearer {KEYS[1]}", "Content-Type": "application/json"}
    surrogate = httpx.post(url + "/api/feedback", content=b'{"rating": 1, "question": "q\\u0000", "answer": "a", "citations": ["x\\udfff"]}',
                           headers=auth).status_code
    nul_session = httpx.post(url + "/v1/chat/completions", headers=auth, content=(
        b'{"model": "tk-advisor", "user": "abc\\u0000def", "messages": [{"role": "user", "content": "hi"}]}')).status_code
    sig = httpx.post(url + "/channels/slack/events", content=b"{}", headers=[("X-Slack-Signature", "签".encode())]).status_code
    metrics = httpx.get(url + "/metrics")
    print(f"store: feedback with NUL and a lone surrogate -> {surrogate}; odd session id -> {nul_session}; "
          f"/metrics -> {metrics.status_code} ({len(metrics.text.splitlines())} lines)")
    if metrics.status_code == 200:
        print("\n".join(line for line in metrics.text.splitlines() if line.startswith(("tk_answers_total", "tk_dependency_up",
                                                                                     "tk_errors_total", "tk_answers_given_up"))))
    return [("medium", "a feedback row with NUL or a lone surrogate is a 500", surrogate >= 500),
            ("low", "a NUL in a `user` session id is a 500", nul_session >= 500),
            ("low", "a non-ASCII Slack signature is a 500", sig >= 500)]


if __name__ == "__main__":
    sys.exit(main())
