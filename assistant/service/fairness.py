"""Who computes next when answers wait: one client's burst must not delay another client's question.

`FairShare` caps the answers one client has in flight (`TK_CLIENT_CONCURRENCY`). `FairQueue` hands
the worker processes out one answer at a time, the next free worker to the waiting answer whose
client has the fewest answers computing (ties: the client served longest ago, then the one that came
first). So a client's queued heavy work waits behind other clients' questions, never in front of
them: another client's question waits for at most one worker to come free, however many answers the
busy client has queued.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from assistant.service import metrics
from assistant.service.errors import ApiError


def timed_out(seconds: float) -> ApiError:
    """The 503 of an answer not ready within `seconds` (`TK_ANSWER_TIMEOUT`)."""
    metrics.ANSWERS_GIVEN_UP.labels("timeout").inc()
    return ApiError(503, f"No answer within {seconds:g} s; try again or shorten the conversation.",
                    type="server_error", code="answer_timeout", headers={"Retry-After": "1"})


class FairShare:
    """At most `per_client` answers of one client in flight at once; its others wait their turn
    (until their deadline: then a 503). Clients are the answer's owners (API key, address, channel)."""

    def __init__(self, per_client: int):
        self.per_client = per_client
        self._slots: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    @asynccontextmanager
    async def slot(self, client: str, deadline: float, timeout: float) -> AsyncIterator[None]:
        semaphore, users = self._slots.setdefault(client, (asyncio.Semaphore(self.per_client), [0]))
        users[0] += 1
        try:
            try:
                with metrics.ANSWERS_WAITING.track_inprogress():
                    await asyncio.wait_for(semaphore.acquire(), max(0.0, deadline - time.time()))
            except TimeoutError:
                raise timed_out(timeout) from None
            try:
                yield
            finally:
                semaphore.release()
        finally:
            users[0] -= 1
            if not users[0]:
                del self._slots[client]


@dataclass(eq=False)
class _Waiter:
    client: str
    arrived: int
    wake: Callable[[], None]
    granted: bool = False


class FairQueue:
    """`capacity` places (worker processes), each given to the waiting answer whose client has the
    fewest places (ties: the client given one longest ago, then first come). Thread-safe; waiters
    may be on any event loop."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._lock = threading.Lock()
        self._holding: Counter[str] = Counter()
        self._waiting: list[_Waiter] = []
        self._arrivals = itertools.count()
        self._grants = itertools.count()
        self._last_given: dict[str, int] = {}  # clients holding or waiting: when each was last given a place

    @asynccontextmanager
    async def place(self, client: str, deadline: float, timeout: float) -> AsyncIterator[None]:
        """Wait for a place for one of `client`'s answers (a 503 when `deadline` passes first)."""
        loop = asyncio.get_running_loop()
        granted = loop.create_future()

        def wake() -> None:
            loop.call_soon_threadsafe(lambda: granted.done() or granted.set_result(None))

        waiter = _Waiter(client, next(self._arrivals), wake)
        with self._lock:
            self._waiting.append(waiter)
            self._hand_out()
        try:
            try:
                with metrics.ANSWERS_WAITING.track_inprogress():
                    await asyncio.wait_for(granted, max(0.0, deadline - time.time()))
            except TimeoutError:
                raise timed_out(timeout) from None
            with metrics.ANSWERS_RUNNING.track_inprogress():
                yield
        finally:
            self._leave(waiter)

    def _leave(self, waiter: _Waiter) -> None:
        """Give back `waiter`'s place (or its turn in the queue, when it gave up waiting)."""
        with self._lock:
            if waiter.granted:
                self._holding[waiter.client] -= 1
                if not self._holding[waiter.client]:
                    del self._holding[waiter.client]
            else:
                self._waiting.remove(waiter)
            if not self._holding[waiter.client] and all(w.client != waiter.client for w in self._waiting):
                self._last_given.pop(waiter.client, None)
            self._hand_out()

    def _hand_out(self) -> None:
        """Give the free places to the least-served waiters (under the lock)."""
        while self._waiting and sum(self._holding.values()) < self.capacity:
            waiter = min(self._waiting, key=lambda w: (self._holding[w.client], self._last_given.get(w.client, -1), w.arrived))
            self._waiting.remove(waiter)
            waiter.granted = True
            self._last_given[waiter.client] = next(self._grants)
            self._holding[waiter.client] += 1
            waiter.wake()
