"""Run a blocking iterator (the Advisor's stream) on one worker thread and consume it from asyncio."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

from fastapi.concurrency import run_in_threadpool

T = TypeVar("T")
_END = object()
_workers: set[asyncio.Task[None]] = set()
"""Running producers, referenced so the loop does not drop them while they finish."""


async def iterate_in_thread(make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
    """Yield the items of `make()`, which runs start to end on one threadpool thread.

    One thread for the whole iteration keeps the generator's context (LangGraph's context
    variables) intact. When the consumer stops early, the producer stops after its current
    item and closes the generator.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[Any, BaseException | None]] = asyncio.Queue()
    stopped = threading.Event()

    def put(item: Any, error: BaseException | None = None) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, (item, error))
        except RuntimeError:  # the loop is closed: nobody is listening any more
            stopped.set()

    def produce() -> None:
        try:
            items = make()
            try:
                for item in items:
                    if stopped.is_set():
                        return
                    put(item)
            finally:
                close = getattr(items, "close", None)
                if close is not None:
                    close()
        except Exception as exc:
            put(_END, exc)
            return
        put(_END)

    worker = asyncio.ensure_future(run_in_threadpool(produce))
    _workers.add(worker)
    worker.add_done_callback(_workers.discard)
    try:
        while True:
            item, error = await queue.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stopped.set()


async def prepend(first: T, rest: AsyncIterator[T]) -> AsyncIterator[T]:
    """`first`, then the items of `rest` (a stream whose first item was awaited on its own)."""
    yield first
    async for item in rest:
        yield item
