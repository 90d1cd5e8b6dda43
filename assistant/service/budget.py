"""An answer's budget: the time its request allows. When the request is given up (its deadline
passes or its client leaves), the work stops and the turn is not stored.

In a worker process an interval timer checks the budget every `TICK` seconds and raises
`AnswerAbandoned` into the answer. On a thread of the server the exception is raised into that
thread (`stop_thread`). Either way the store's last write of the turn (`commit_check`) refuses an
expired budget, so a client told "no answer" (503) never finds the turn in its history; once that
write is in, the answer is complete and nothing interrupts it any more.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

TICK = 0.05
"""Seconds between two checks of a worker's budget."""


class AnswerAbandoned(BaseException):
    """Raised into an answer whose request was given up. A BaseException, so that no
    `except Exception` on the way (a tool's error handling) swallows it."""


class AnswerTimedOut(Exception):
    """What the caller gets for an abandoned answer (a plain exception: it crosses processes)."""


class Budget:
    """The deadline (wall-clock seconds) of one answer, and whether its request was given up."""

    def __init__(self, deadline: float, cancelled: Callable[[], bool] = lambda: False):
        self.deadline = deadline
        self._cancelled = cancelled
        self._lock = threading.Lock()
        self._given_up = False
        self.committed = False
        """The turn is stored: from here on the answer is finished, not interrupted."""
        self.finished = False

    def expired(self) -> bool:
        return self._given_up or time.time() >= self.deadline or self._cancelled()

    def check(self) -> None:
        """Raise `AnswerAbandoned` when the budget is spent and the turn is not stored yet."""
        if not self.committed and self.expired():
            raise AnswerAbandoned()

    def commit(self) -> None:
        """The store's check before it writes the turn: refuse when the budget is spent."""
        with self._lock:
            self.check()
            self.committed = True



@contextmanager
def interrupting(budget: Budget) -> Iterator[None]:
    """Check `budget` every `TICK` seconds while the block runs, raising `AnswerAbandoned` into it
    once it is spent. Main thread of a process only (a worker's, where answers run)."""

    def on_tick(_signum: int, _frame: object) -> None:
        budget.check()

    previous = signal.signal(signal.SIGALRM, on_tick)
    signal.setitimer(signal.ITIMER_REAL, TICK, TICK)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _async_raise(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None)


class StoppableCall:
    """Runs `call` on the current thread with `budget`; `stop()` from another thread raises
    `AnswerAbandoned` into it (CPython's asynchronous exception), only while the call runs."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self._thread: int | None = None

    def run(self, call: Callable[[], T]) -> T:
        """`call()`, or `AnswerTimedOut` when it was stopped or its budget was spent first."""
        self._thread = threading.get_ident()
        try:
            try:
                self.budget.check()
                return call()
            finally:
                with self.budget._lock:
                    self.budget.finished = True
                _async_raise(self._thread, None)  # a stop not yet delivered must not hit the thread's next job
        except AnswerAbandoned:
            raise AnswerTimedOut() from None

    def stop(self) -> None:
        """Give the request up: interrupt the call unless its turn is stored or it has returned."""
        with self.budget._lock:
            if self.budget.committed or self.budget.finished:
                return
            self.budget._given_up = True
            if self._thread is not None:
                _async_raise(self._thread, AnswerAbandoned)
