"""API answers from worker processes: same answers, shared sessions, errors, and a worker crash."""

from __future__ import annotations

import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from service_support import settings, shared_advisor

from assistant.answer import InvalidInput
from assistant.config import ConfigError, Settings
from assistant.service.answering import InProcess, WorkerPool, answerer_for
from assistant.service.api import create_app
from assistant.service.server import BackgroundServer

QUESTIONS = [
    "AI生成的视频GPM比原创低多少？",
    "Do I need to label AI-generated content on TikTok Shop US?",
    "我每月预算2万，做AI视频和找达人哪个更划算？",
    "How should I compare a creator video costing $300 with AI videos at $5 each?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountingAdvisor:
    """The shared Advisor, counting the questions it answers itself (the pool's fallback)."""

    def __init__(self) -> None:
        self.asked = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(shared_advisor(), name)

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.asked += 1
        return shared_advisor().ask(*args, **kwargs)


class Served:
    def __init__(self, http: httpx.Client, pool: WorkerPool, fallback: CountingAdvisor):
        self.http = http
        self.pool = pool
        self.fallback = fallback


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    config = settings(answer_workers=2)
    fallback = CountingAdvisor()
    pool = WorkerPool(config, 2, fallback)  # type: ignore[arg-type]
    with BackgroundServer(create_app(shared_advisor(), config, pool)) as server:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            yield Served(http, pool, fallback)
    assert pool.pids() == [], "the pool closes with the app"


def test_readyz_counts_the_worker_processes(served: Served) -> None:
    assert served.http.get("/readyz").json()["answer_workers"] == 2
    pids = served.pool.pids()
    assert len(pids) == 2 and os.getpid() not in pids


@pytest.mark.parametrize("question", QUESTIONS)
def test_workers_give_the_same_answer_as_the_advisor(served: Served, question: str) -> None:
    got = served.http.post("/api/ask", json={"question": question}).json()
    expected = shared_advisor().ask(question).model_dump(mode="json")
    for field in ("answer", "lang", "kind", "provider", "citations", "warnings"):
        assert got[field] == expected[field], field
    assert [(c["name"], c["result"]) for c in got["tool_calls"]] == [(c["name"], c["result"]) for c in expected["tool_calls"]]


def test_plain_chat_completions_come_from_the_workers(served: Served) -> None:
    body = {"model": "tk-advisor", "messages": [{"role": "user", "content": QUESTIONS[1]}]}
    got = served.http.post("/v1/chat/completions", json=body).json()
    assert got["tk_advisor"]["citations"] == shared_advisor().ask(QUESTIONS[1]).model_dump(mode="json")["citations"]


def test_a_session_continues_on_whichever_worker_answers(served: Served) -> None:
    first = served.http.post("/api/ask", json={"question": "我的视频20万播放, GPM 12, 能卖多少?"}).json()
    session = first["session_id"]
    for gpm in (20, 30, 40):  # several follow-ups, so both workers are likely to take one
        follow_up = served.http.post("/api/ask", json={"question": f"那如果GPM是{gpm}呢?", "session_id": session}).json()
        assert follow_up["session_id"] == session
        assert f"{200 * gpm:,}" in follow_up["answer"], "the follow-up re-ran the stored calculation"
    history = shared_advisor().store.history(session)
    assert [m.role for m in history] == ["user", "assistant"] * 4


def test_concurrent_answers_are_computed_off_the_server_process(served: Served) -> None:
    before = served.fallback.asked

    def ask(i: int) -> int:
        return served.http.post("/api/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]}).status_code

    with ThreadPoolExecutor(8) as clients:
        assert list(clients.map(ask, range(16))) == [200] * 16
    assert served.fallback.asked == before, "no answer needed the in-process fallback"


def test_input_errors_from_a_worker_keep_their_shape(served: Served) -> None:
    response = served.http.post("/api/ask", json={"question": "   "})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "empty"
    too_long = served.http.post("/v1/chat/completions", json={"model": "tk-advisor", "messages": [{"role": "user", "content": "字" * 4001}]})
    assert too_long.status_code == 400 and too_long.json()["error"]["code"] == "too_long"


def test_a_dead_worker_costs_no_answer_and_is_replaced(served: Served) -> None:
    old = served.pool.pids()
    os.kill(old[0], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while served.http.get("/readyz").json()["answer_workers"] == 2 and time.monotonic() < deadline:
        served.http.post("/api/ask", json={"question": QUESTIONS[0]})  # the broken pool is noticed on use
    answered_here = served.fallback.asked
    for question in QUESTIONS:
        response = served.http.post("/api/ask", json={"question": question})
        assert response.status_code == 200, response.text
    deadline = time.monotonic() + 240
    while served.http.get("/readyz").json()["answer_workers"] != 2:
        assert time.monotonic() < deadline, "the pool was not replaced"
        time.sleep(0.5)
    assert served.fallback.asked >= answered_here >= 1, "the server process answered while the pool restarted"
    assert set(served.pool.pids()).isdisjoint(old)
    settled = served.fallback.asked
    assert served.http.post("/api/ask", json={"question": QUESTIONS[2]}).status_code == 200
    assert served.fallback.asked == settled, "the new workers answer again"


def test_invalid_input_survives_pickling() -> None:
    error = InvalidInput("empty", {"zh": "空", "en": "empty"})
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.messages, str(copy)) == ("empty", {"zh": "空", "en": "empty"}, "empty")


@pytest.mark.parametrize(
    ("environ", "cpus", "expected"),
    [
        ({}, 2, 2),
        ({}, 1, 0),
        ({"TK_ANSWER_WORKERS": "3"}, 2, 3),
        ({"TK_ANSWER_WORKERS": "0"}, 8, 0),
        ({"TK_LLM_BASE_URL": "http://127.0.0.1:9/v1"}, 8, 0),
    ],
)
def test_auto_answer_workers_follow_the_cpus_and_the_provider(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], cpus: int, expected: int
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    configured = Settings.from_env(environ=environ)
    assert configured.answer_processes == expected
    answerer = answerer_for(configured, shared_advisor())
    assert isinstance(answerer, WorkerPool if expected else InProcess)


@pytest.mark.parametrize("raw", ["-1", "65", "many"])
def test_bad_answer_worker_counts_name_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match="TK_ANSWER_WORKERS"):
        Settings.from_env(environ={"TK_ANSWER_WORKERS": raw})


def test_ctrl_c_stops_the_server_and_its_workers_quietly(tmp_path: Path) -> None:
    """SIGINT reaches the whole process group, as from a terminal; the server alone handles it."""
    port = free_port()
    env = {**os.environ, "TK_DATA_DIR": str(tmp_path), "TK_PROVIDER": "offline", "TK_ANSWER_WORKERS": "2"}
    server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "the server did not become ready"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).json().get("answer_workers") == 2:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]
        os.killpg(server.pid, signal.SIGINT)
        output = server.communicate(timeout=60)[0].decode()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode in (0, 130, -signal.SIGINT)  # uvicorn re-raises the signal after a clean shutdown
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-2000:]
    deadline = time.monotonic() + 15
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert workers and not any(map(alive, workers)), "a worker outlived the server"


def alive(pid: int) -> bool:
    """Running (an exited process waiting to be reaped is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
