"""Where the API's answers are computed: on threads of the server process, or in worker processes.

An offline answer is pure Python CPU work, so one process is held to one core by the GIL however
many threads it runs. `WorkerPool` answers in N processes, each with its own Advisor over the
same index (read-only) and the same SQLite store (sessions continue on any worker). With an LLM
an answer mostly waits on the network, and threads are the right tool (`InProcess`).

Streamed answers stay in the server process: their events must reach the client as they happen.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Awaitable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Protocol, TypeVar

from fastapi.concurrency import run_in_threadpool

from assistant.answer import LOCAL_OWNER, Answer
from assistant.config import Settings
from assistant.service.errors import ApiError

if TYPE_CHECKING:
    from multiprocessing.synchronize import Barrier

    from assistant.advisor import Advisor, Messages

log = logging.getLogger(__name__)
T = TypeVar("T")

START_TIMEOUT = 300.0
"""Seconds the workers get to load the knowledge and the models."""


class Answerer(Protocol):
    """Turns a question into an Answer for the API and the chat-app adapters."""

    async def ask(self, messages: Messages, session_id: str | None = None, owner: str = LOCAL_OWNER) -> Answer: ...

    def start(self) -> None:
        """Block until answers can be served."""

    def close(self) -> None: ...

    @property
    def processes(self) -> int:
        """Worker processes answering now (0: the server's own threads answer)."""


class InProcess:
    """Answers on the server's thread pool, with the server's own Advisor."""

    def __init__(self, advisor: Advisor):
        self.advisor = advisor

    async def ask(self, messages: Messages, session_id: str | None = None, owner: str = LOCAL_OWNER) -> Answer:
        return await run_in_threadpool(self.advisor.ask, messages, session_id=session_id, owner=owner)

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    @property
    def processes(self) -> int:
        return 0


class WorkerPool:
    """Answers in `workers` processes started with `settings`.

    When a worker dies, the questions in flight and those asked while a new pool starts are
    answered by `fallback` in this process, so a crash costs speed, not answers.
    """

    def __init__(self, settings: Settings, workers: int, fallback: Advisor):
        if workers < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.settings = settings
        self.workers = workers
        self.fallback = fallback
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._restarting = False

    def start(self) -> None:
        self._pool = self._new_pool()
        log.info("answers: %d worker processes ready", self.workers)

    def _new_pool(self) -> ProcessPoolExecutor:
        """Spawn the workers and wait until every one has its Advisor loaded."""
        context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
        barrier = context.Barrier(self.workers, timeout=START_TIMEOUT)
        pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_load_advisor,
                                   initargs=(self.settings, barrier))
        try:
            for ready in [pool.submit(_ping) for _ in range(self.workers)]:  # one per worker: all start now
                ready.result(timeout=START_TIMEOUT + 30)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        return pool

    async def ask(self, messages: Messages, session_id: str | None = None, owner: str = LOCAL_OWNER) -> Answer:
        pool = self._pool
        if pool is None:
            raise RuntimeError("the worker pool is not started")
        try:
            return await asyncio.wrap_future(pool.submit(_ask, messages, session_id, owner))
        except BrokenProcessPool:
            self._replace(pool)
            return await run_in_threadpool(self.fallback.ask, messages, session_id=session_id, owner=owner)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Start a new pool in the background, once per broken pool."""
        with self._lock:
            if self._restarting or self._pool is not broken:
                return
            self._restarting = True
        log.error("answers: a worker process died; answering in the server process while %d new workers start",
                  self.workers)
        threading.Thread(target=self._restart, args=(broken,), name="answer-pool-restart", daemon=True).start()

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        broken.shutdown(wait=False, cancel_futures=True)
        try:
            pool = self._new_pool()
        except Exception:
            log.exception("answers: the new worker pool failed to start; answers stay in the server process")
            pool = None
        with self._lock:
            if pool is not None:
                self._pool = pool
            self._restarting = False

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    @property
    def processes(self) -> int:
        return 0 if self._restarting else len(self.pids())

    def pids(self) -> list[int]:
        """The worker processes' ids, for operators and tests (the executor keeps them privately)."""
        pool = self._pool
        return sorted(p.pid for p in (pool._processes or {}).values() if p.pid) if pool else []


async def within(seconds: float, answer: Awaitable[T]) -> T:
    """`answer`, or a 503 in the one error shape when it takes longer than `seconds`
    (`TK_ANSWER_TIMEOUT`): one slow question must not hold a client, or the server, forever."""
    try:
        return await asyncio.wait_for(answer, seconds)
    except TimeoutError:
        raise ApiError(503, f"No answer within {seconds:g} s; try again or shorten the conversation.",
                       type="server_error", code="answer_timeout", headers={"Retry-After": "1"}) from None


def answerer_for(settings: Settings, advisor: Advisor) -> Answerer:
    """The answerer the settings ask for (`TK_ANSWER_WORKERS`)."""
    workers = settings.answer_processes
    return WorkerPool(settings, workers, advisor) if workers else InProcess(advisor)


# --- in the worker processes --------------------------------------------------------

_advisor: Advisor | None = None


def _load_advisor(settings: Settings, barrier: Barrier) -> None:
    """Worker initializer: the Advisor over the index the server has already synced.

    Ctrl-C reaches the whole process group; the server handles it and closes the pool.
    """
    global _advisor
    from assistant.advisor import Advisor

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()
    _advisor = Advisor.from_settings(settings, sync_index=False, store_connections=1)  # one answer at a time
    barrier.wait()


def _exit_with_parent(parent: int, every: float = 1.0) -> None:
    """A worker whose server died (even by `kill -9`) exits within `every` seconds instead of lingering."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def _ping() -> None:
    """A task every worker takes once the barrier lets them all go."""


def _ask(messages: Messages, session_id: str | None, owner: str) -> Answer:
    if _advisor is None:
        raise RuntimeError("this worker has no Advisor")
    return _advisor.ask(messages, session_id=session_id, owner=owner)
