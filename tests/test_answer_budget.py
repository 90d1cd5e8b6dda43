"""One client cannot starve the others: the work per message is capped, an answer given up stops
and stores nothing, and one key's burst of heavy questions leaves another key's questions answered."""

from __future__ import annotations

import asyncio
import random
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_support import serving, settings, shared_advisor

from assistant.answer import InvalidInput
from assistant.config import MAX_INPUT_NUMBERS
from assistant.service.answering import WorkerPool
from assistant.service.api import create_app
from assistant.service.server import BackgroundServer

KEYS = ("budget-test-key-heavy-0001", "budget-test-key-other-0002")
ORDINARY = ["我的视频20万播放, GPM 12, 能卖多少?", "Do I need to label AI-generated content on TikTok Shop US?",
            "AI生成的视频GPM比原创低多少？"]


def heavy(seed: int, numbers: int = 30) -> str:
    """A message as costly as any accepted one: 4,000 random Chinese characters (the sentence encoder's
    work grows with its tokens) and `numbers` numbers, different for every seed (no cache helps)."""
    rng = random.Random(seed)
    text = [chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(4000)]
    for i in rng.sample(range(0, 4000, 10), numbers):
        text[i : i + 4] = list(f"{rng.randint(2, 99)}万，")
    return "GPM 12，" + "".join(text)[:3990]


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_message_with_too_many_numbers_is_refused_before_any_work() -> None:
    message = ("20万 " * 1000)[:4000]  # the attack: 1,000 numbers took 4 s of CPU to read
    with pytest.raises(InvalidInput) as refused:
        shared_advisor().ask(message)
    assert refused.value.code == "too_many_numbers"
    assert "1000" in refused.value.messages["en"] and "数字太多" in refused.value.messages["zh"]
    assert shared_advisor().ask(heavy(1, numbers=MAX_INPUT_NUMBERS - 10)).answer, "a long message under the cap is answered"
    with serving() as url:
        response = httpx.post(url + "/api/ask", json={"question": message}, timeout=30)
        assert response.status_code == 400 and response.json()["error"]["code"] == "too_many_numbers"
        assert set(response.json()["error"]["localized"]) == {"zh", "en"}
        body = {"model": "tk-advisor", "messages": [{"role": "user", "content": message}, {"role": "assistant", "content": "ok"},
                                                    {"role": "user", "content": ORDINARY[0]}]}
        replayed = httpx.post(url + "/v1/chat/completions", json=body, timeout=30)
        assert replayed.status_code == 400 and replayed.json()["error"]["param"] == "messages[0]", "history is held to the same limits"


WORKERS = 2


@pytest.fixture(scope="module")
def two_workers() -> Iterator[str]:
    """An API answering in two worker processes, where one key may have 16 answers in flight. The
    timeout leaves every answer of the burst time to finish on a loaded machine: the test below
    asserts the order answers are served in, not how fast."""
    config = settings(answer_workers=WORKERS, api_keys=KEYS, answer_timeout=600, client_concurrency=16, rate_limit_burst=500)
    pool = WorkerPool(config, WORKERS, shared_advisor())
    with BackgroundServer(create_app(shared_advisor(), config, pool)) as server:
        yield server.url


def waiting_answers(url: str) -> float:
    """`tk_answers_waiting` from the server's /metrics."""
    line = next(line for line in httpx.get(url + "/metrics", timeout=30).text.splitlines() if line.startswith("tk_answers_waiting "))
    return float(line.split()[1])


def test_sixteen_heavy_requests_from_one_key_wait_behind_another_keys_questions(two_workers: str) -> None:
    """A free worker goes to the key with the fewest answers computing: another key's question waits
    for one worker to come free, never for the heavy key's queue (first come, first served made it
    wait for all 16, and the 2026-12-07 attack got 503s)."""
    url = two_workers
    received = [0]  # heavy answers the attacker has received so far
    lock = threading.Lock()

    def send_heavy(question: str) -> int:
        code = httpx.post(url + "/api/ask", json={"question": question}, headers=auth(KEYS[0]), timeout=700).status_code
        with lock:
            received[0] += 1
        return code

    overtaken: list[int] = []  # heavy answers received while each ordinary question was out
    other_codes: list[int] = []
    with ThreadPoolExecutor(16) as attacker:
        futures = [attacker.submit(send_heavy, heavy(100 + i)) for i in range(16)]
        deadline = time.monotonic() + 120
        while waiting_answers(url) < 16 - WORKERS - 2:  # the burst is in, queued behind the busy workers
            assert time.monotonic() < deadline, "the burst never queued up"
            time.sleep(0.05)
        for question in ORDINARY:
            before = received[0]
            other_codes.append(httpx.post(url + "/api/ask", json={"question": question}, headers=auth(KEYS[1]), timeout=700).status_code)
            overtaken.append(received[0] - before)
        still_queued = 16 - received[0]
        heavy_codes = [future.result() for future in futures]
    assert other_codes == [200] * len(ORDINARY), other_codes
    # At most the answer each worker was computing finished meanwhile (plus one whose response was
    # still on its way to the attacker when the question went out); first come, first served: 14+.
    assert max(overtaken) <= WORKERS + 1, f"heavy answers finished while each ordinary question waited: {overtaken}"
    assert still_queued > 0, "the ordinary questions were answered while the heavy key's work still waited"
    assert heavy_codes == [200] * 16, "the heavy key is served too, after the others' questions"


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes, from /proc (clock ticks of 1/100 s)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / 100


def test_answers_given_up_stop_computing_and_store_nothing() -> None:
    questions = [heavy(200 + i) for i in range(6)]
    started = time.process_time()
    for question in questions[:2]:
        shared_advisor().ask(question)
    full_cost = (time.process_time() - started) / 2  # one heavy answer computed to the end, measured here and now
    assert full_cost > 0.15, f"the heavy question must cost well over the 0.05 s budget (it cost {full_cost:.3f} s)"

    config = settings(answer_workers=1, answer_timeout=0.05)
    pool = WorkerPool(config, 1, shared_advisor())
    with BackgroundServer(create_app(shared_advisor(), config, pool)) as server:
        before = cpu_seconds(pool.pids())
        sessions = [f"budget-{uuid.uuid4().hex}" for _ in questions]
        for question, session in zip(questions, sessions, strict=True):
            response = httpx.post(server.url + "/api/ask", json={"question": question, "session_id": session}, timeout=30)
            assert response.status_code == 503 and response.json()["error"]["code"] == "answer_timeout"
        time.sleep(1.0)  # what is left of the work, were it still going on
        spent = cpu_seconds(pool.pids()) - before
    assert all(shared_advisor().store.history(s) == [] for s in sessions), "a 503 stores nothing"
    assert spent < len(questions) * full_cost / 2, f"the worker spent {spent:.2f} s on {len(questions)} answers given up"


def test_an_answer_whose_client_leaves_stops_computing_and_stores_nothing() -> None:
    config = settings(answer_workers=1, answer_timeout=30)
    pool = WorkerPool(config, 1, shared_advisor())
    question, session = heavy(300), f"budget-{uuid.uuid4().hex}"
    with BackgroundServer(create_app(shared_advisor(), config, pool)) as server:
        before = cpu_seconds(pool.pids())
        with pytest.raises(httpx.ReadTimeout):  # the client gives up long before the server would
            httpx.post(server.url + "/api/ask", json={"question": question, "session_id": session}, timeout=0.02)
        time.sleep(1.5)
        after_leaving = cpu_seconds(pool.pids())
        time.sleep(1.0)
        assert cpu_seconds(pool.pids()) == after_leaving, "the worker went on computing for a client that left"
        assert before <= after_leaving
    assert shared_advisor().store.history(session) == []


class BusyAdvisor:
    """The shared Advisor whose `ask` computes in Python for `seconds` first (a stand-in for slow work)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.steps = 0
        self.lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(shared_advisor(), name)

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline:
            self.steps += 1
        return shared_advisor().ask(*args, **kwargs)


def test_an_answer_given_up_on_a_server_thread_stops_and_stores_nothing() -> None:
    busy = BusyAdvisor(3.0)
    with serving(busy, answer_timeout=0.3) as url:
        session = f"budget-{uuid.uuid4().hex}"
        response = httpx.post(url + "/api/ask", json={"question": ORDINARY[0], "session_id": session}, timeout=30)
        assert response.status_code == 503 and response.json()["error"]["code"] == "answer_timeout"
        time.sleep(0.2)
        stopped_at = busy.steps
        time.sleep(0.5)
        assert busy.steps == stopped_at, "the thread went on computing after its request was given up"
    assert shared_advisor().store.history(session) == []


def test_a_free_worker_goes_to_the_client_with_the_fewest_answers_computing() -> None:
    """FairQueue alone: one place, client A holds it and queues three more; B and C queue after
    them; the places go B, C, then A's, in A's order."""
    from assistant.service.fairness import FairQueue

    async def scenario() -> list[str]:
        queue, served, release = FairQueue(1), [], asyncio.Event()

        async def answer(client: str, label: str) -> None:
            async with queue.place(client, time.time() + 60, 60):
                served.append(label)
                if label == "a0":
                    await release.wait()

        tasks = [asyncio.create_task(answer("a", "a0"))]
        await asyncio.sleep(0)
        tasks += [asyncio.create_task(answer(client, label)) for client, label in
                  [("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b0"), ("c", "c0")]]
        await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(*tasks)
        return served

    assert asyncio.run(scenario()) == ["a0", "b0", "c0", "a1", "a2", "a3"]
