"""Where the API's answers are computed: on threads of the server process, or in worker processes.

An offline answer is pure Python CPU work, so one process is held to one core by the GIL however
many threads it runs. `WorkerPool` answers in N processes, each with its own Advisor over the
same index (read-only) and the same SQLite store (sessions continue on any worker). With an LLM
an answer mostly waits on the network, and threads are the right tool (`InProcess`).

Streamed answers stay in the server process: their events must reach the client as they happen.

Every answer has a budget (`TK_ANSWER_TIMEOUT` from its arrival, see `budget.py`): when it is spent,
or the caller goes away, the work stops and nothing of the turn is stored; the client gets a 503.
One client has at most `TK_CLIENT_CONCURRENCY` answers in flight at once (`FairShare`), and a free
worker goes to the waiting answer whose client has the fewest computing (`FairQueue`): a burst from
one key cannot take every worker from the others, nor queue in front of their questions.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from assistant.answer import LOCAL_OWNER, Answer
from assistant.config import Settings
from assistant.service import metrics
from assistant.service.budget import AnswerAbandoned, AnswerTimedOut, Budget, StoppableCall, interrupting
from assistant.service.errors import ApiError
from assistant.service.fairness import FairQueue, FairShare, timed_out
from assistant.service.logs import configure_logging, request_id
from assistant.service.tracing import answer_span, incoming, setup_tracing
from assistant.store.store import checked_turns

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import SynchronizedArray
    from multiprocessing.synchronize import Barrier

    from assistant.advisor import Advisor
    from assistant.answerer import Messages

log = logging.getLogger(__name__)
T = TypeVar("T")

START_TIMEOUT = 300.0
"""Seconds the workers get to load the knowledge and the models."""
GRACE = 2.0
"""Seconds past an answer's deadline the server waits for a worker to report that it stopped."""
CANCEL_SLOTS = 64
"""Answers given up recently, as the workers see them (a ring of task ids in shared memory)."""


def surface_of(owner: str) -> str:
    """Where an answer goes, from its owner: a chat app's name, else the API."""
    return owner if owner in ("slack", "feishu") else "api"


class Answerer(Protocol):
    """Turns a question into an Answer for the API and the chat-app adapters, within
    `TK_ANSWER_TIMEOUT` (else `ApiError` 503 `answer_timeout`, the work stopped, nothing stored)."""

    async def ask(self, messages: Messages, session_id: str | None = None, owner: str = LOCAL_OWNER) -> Answer: ...

    def start(self) -> None:
        """Block until answers can be served."""

    def close(self) -> None: ...

    @property
    def processes(self) -> int:
        """Worker processes answering now (0: the server's own threads answer)."""


async def answer_in_thread(advisor: Advisor, messages: Messages, session_id: str | None, owner: str, deadline: float) -> Answer:
    """`advisor.ask` on a threadpool thread, stopped (and not stored) when `deadline` passes or the
    caller is cancelled; raises `AnswerTimedOut` when stopped."""
    call = StoppableCall(Budget(deadline))
    carrier = incoming.get()

    def answer() -> Answer:
        with answer_span(surface_of(owner), carrier), checked_turns(call.budget.commit):
            return advisor.ask(messages, session_id=session_id, owner=owner)

    running = asyncio.ensure_future(run_in_threadpool(call.run, answer))
    try:
        return await asyncio.wait_for(asyncio.shield(running), max(0.0, deadline - time.time()))
    except TimeoutError:
        call.stop()
        if call.budget.committed:  # stored just in time: the answer is complete, take it
            return await running
        raise AnswerTimedOut() from None
    except asyncio.CancelledError:
        call.stop()
        raise


class InProcess:
    """Answers on the server's thread pool, with the server's own Advisor."""

    def __init__(self, advisor: Advisor, timeout: float | None = None, per_client: int | None = None):
        self.advisor = advisor
        self.timeout = timeout or advisor.settings.answer_timeout
        self.fair = FairShare(per_client or advisor.settings.client_concurrency)

    async def ask(self, messages: Messages, session_id: str | None = None, owner: str = LOCAL_OWNER) -> Answer:
        deadline = time.time() + self.timeout
        async with self.fair.slot(owner, deadline, self.timeout):
            try:
                with metrics.ANSWERS_RUNNING.track_inprogress():
                    return await answer_in_thread(self.advisor, messages, session_id, owner, deadline)
            except AnswerTimedOut:
                raise timed_out(self.timeout) from None

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
        self.timeout = settings.answer_timeout
        self.fair = FairShare(settings.client_concurrency)
        self.queue = FairQueue(workers)
        self._context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
        self._given_up: SynchronizedArray[int] = self._context.Array("q", CANCEL_SLOTS, lock=False)
        self._tasks = itertools.count(1)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._restarting = False

    def start(self) -> None:
        self._pool = self._new_pool()
        log.info("answers: %d worker processes ready", self.workers)

    def _new_pool(self) -> ProcessPoolExecutor:
        """Spawn the workers and wait until every one has its Advisor loaded."""
        barrier = self._context.Barrier(self.workers, timeout=START_TIMEOUT)
        pool = ProcessPoolExecutor(self.workers, mp_context=self._context, initializer=_load_advisor,
                                   initargs=(self.settings, barrier, os.getpid(), self._given_up))
        try:
            for ready in [pool.submit(_ping) for _ in range(self.workers)]:  # one per worker: all start now
                ready.result(timeout=START_TIMEOUT + 30)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        return pool

    async def ask(self, messages: Messages, session_id: str | None = None, owner: str = LOCAL_OWNER) -> Answer:
        deadline = time.time() + self.timeout
        async with self.fair.slot(owner, deadline, self.timeout), self.queue.place(owner, deadline, self.timeout):
            try:
                return await self._ask(messages, session_id, owner, deadline)
            except AnswerTimedOut:
                raise timed_out(self.timeout) from None

    async def _ask(self, messages: Messages, session_id: str | None, owner: str, deadline: float) -> Answer:
        pool = self._pool
        if pool is None:
            raise RuntimeError("the worker pool is not started")
        task = next(self._tasks)
        try:
            future: Future[Answer] = pool.submit(_ask, messages, session_id, owner, deadline, task, request_id.get(), incoming.get())
            return await _awaited(future, deadline + GRACE - time.time(), lambda: self._give_up(task, future))
        except BrokenProcessPool:
            self._replace(pool)
            return await answer_in_thread(self.fallback, messages, session_id, owner, deadline)

    def _give_up(self, task: int, future: Future[Answer]) -> None:
        """Drop a queued task; tell the worker running it to stop (it checks every `budget.TICK`)."""
        if not future.cancel():
            self._given_up[task % CANCEL_SLOTS] = task

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


async def _awaited(future: Future[T], seconds: float, give_up: Callable[[], None]) -> T:
    """The result of a worker's `future`; `give_up()` when the caller is cancelled or `seconds` pass
    (a worker that did not stop by its deadline), then `AnswerTimedOut`."""
    try:
        return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), max(0.0, seconds))
    except TimeoutError:
        give_up()
        raise AnswerTimedOut() from None
    except asyncio.CancelledError:
        give_up()
        raise


class ClientGone(ApiError):
    """The client closed the connection before its answer: the answer was given up."""

    def __init__(self) -> None:
        super().__init__(499, "The client closed the connection; the answer was given up.", code="client_closed_request")
        metrics.ANSWERS_GIVEN_UP.labels("client_gone").inc()


async def unless_gone(request: Request, answer: Awaitable[T], every: float = 0.25) -> T:
    """`answer`, given up (cancelled, so its work stops) when the client disconnects first."""
    task = asyncio.ensure_future(answer)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=every)
            if done:
                return task.result()
            if await request.is_disconnected():
                task.cancel()
                raise ClientGone()
    except asyncio.CancelledError:
        task.cancel()
        raise


async def within(seconds: float, answer: Awaitable[T]) -> T:
    """`answer`, or a 503 in the one error shape when it takes longer than `seconds`
    (`TK_ANSWER_TIMEOUT`): one slow question must not hold a client, or the server, forever."""
    try:
        return await asyncio.wait_for(answer, seconds)
    except TimeoutError:
        raise timed_out(seconds) from None


def answerer_for(settings: Settings, advisor: Advisor) -> Answerer:
    """The answerer the settings ask for (`TK_ANSWER_WORKERS`)."""
    workers = settings.answer_processes
    if workers:
        return WorkerPool(settings, workers, advisor)
    return InProcess(advisor, settings.answer_timeout, settings.client_concurrency)


# --- in the worker processes --------------------------------------------------------

_advisor: Advisor | None = None
_given_up_tasks: Any = ()


def _load_advisor(settings: Settings, barrier: Barrier, server: int, given_up: SynchronizedArray[int]) -> None:
    """Worker initializer: the Advisor over the index the server has already synced.

    Ctrl-C reaches the whole process group; the server handles it and closes the pool.
    """
    global _advisor, _given_up_tasks
    from assistant.advisor import Advisor

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_server(server)
    configure_logging(settings.log_format)
    setup_tracing(settings)
    _given_up_tasks = given_up
    _advisor = Advisor.from_settings(settings, sync_index=False, store_connections=1)  # one answer at a time
    barrier.wait()


def watch_server(server: int, every: float = 1.0) -> None:
    """Exit this worker within `every` seconds of its server's death (even by `kill -9`) instead of
    lingering. `server` is the pid the server gave: read here, the parent's pid would already be
    init's when the server died while this worker was starting."""

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


def _ping() -> None:
    """A task every worker takes once the barrier lets them all go."""


def _ask(messages: Messages, session_id: str | None, owner: str, deadline: float, task: int, rid: str = "-",
         carrier: dict[str, str] | None = None) -> Answer:
    """One answer, stopped (and not stored) when `deadline` passes or the server gives `task` up;
    its log lines carry the request id `rid`, its span continues the trace in `carrier`."""
    if _advisor is None:
        raise RuntimeError("this worker has no Advisor")
    request_id.set(rid)
    budget = Budget(deadline, cancelled=lambda: task in _given_up_tasks)
    try:
        with answer_span(surface_of(owner), carrier), interrupting(budget), checked_turns(budget.commit):
            budget.check()  # waited in the queue past its deadline: do not start
            return _advisor.ask(messages, session_id=session_id, owner=owner)
    except AnswerAbandoned:
        raise AnswerTimedOut() from None
