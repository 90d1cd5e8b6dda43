"""Probes: `/healthz` (the process answers) and `/readyz` (this instance can serve), with the health
of the shared dependencies reported beside readiness, never folded into it.

A database, Redis or Chroma server that blinks is the same outage for every instance: failing
readiness for it took every instance out of the load balancer at once (a 10 s Chroma stop cost
14 s of total outage), where each instance could still answer, or say in a clear 503 what is down.
So readiness is what this instance holds itself (its knowledge, loaded; its answer workers, or the
server's threads standing in for them); dependencies are checked in the background, each within a
few seconds, and a probe only reads the latest results (a hung database cannot hang a probe).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from assistant.kb.documents import knowledge_version
from assistant.service import metrics

if TYPE_CHECKING:
    from assistant.advisor import Advisor
    from assistant.service.answering import Answerer
    from assistant.service.security import RateLimiter

log = logging.getLogger(__name__)

CHECK_EVERY = 5.0
"""Seconds between two checks of one dependency."""
STALE_AFTER = 3 * CHECK_EVERY
"""A result older than this (its check is stuck) counts as down."""


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Dependency(BaseModel):
    ok: bool
    """The last check passed (and is recent)."""
    checked_seconds_ago: float | None
    error: str | None = None


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    """`ready` when this instance can serve: its knowledge is loaded. Shared dependencies do not count."""
    knowledge_entries: int
    """Entries this instance answers from (held in memory since start)."""
    knowledge_version: str
    """The version of those entries; instances of one release share it."""
    answer_workers: int
    """Worker processes answering API questions (0: the server's threads answer; also while
    replacements for a crashed pool start, when answers go on in the server process)."""
    dependencies: dict[str, Dependency]
    """`store` (SQLite or `TK_DATABASE_URL`), `rate_limits` (in process, or Redis) and `index` (Chroma
    holds this knowledge's version): requests that need a dependency that is down get a 503."""


@dataclass
class _Result:
    ok: bool
    at: float
    error: str | None = None


class DependencyMonitor:
    """Checks each dependency on a thread of its own every `every` seconds; `results()` reads the latest."""

    def __init__(self, checks: dict[str, Callable[[], object]], every: float = CHECK_EVERY):
        self.checks = checks
        self.every = every
        self._results: dict[str, _Result] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def check(self, name: str) -> _Result:
        try:
            ok, error = bool(self.checks[name]()), None
        except Exception as exc:
            ok, error = False, f"{type(exc).__name__}: {exc}"[:200]
        previous = self._results.get(name)
        if previous is None or previous.ok != ok:
            (log.info if ok else log.warning)("dependency %s: %s%s", name, "up" if ok else "down", f" ({error})" if error else "")
        self._results[name] = result = _Result(ok, time.monotonic(), error)
        metrics.DEPENDENCY_UP.labels(name).set(1 if ok else 0)
        return result

    def start(self) -> None:
        """Check every dependency once (so the first probe has answers), then keep checking."""
        for name in self.checks:
            self.check(name)
            thread = threading.Thread(target=self._loop, args=(name,), name=f"check-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _loop(self, name: str) -> None:
        while not self._stop.wait(self.every):
            self.check(name)

    def stop(self) -> None:
        self._stop.set()

    def results(self) -> dict[str, Dependency]:
        now = time.monotonic()
        report = {}
        for name in self.checks:
            result = self._results.get(name)
            if result is None:
                report[name] = Dependency(ok=False, checked_seconds_ago=None, error="not checked yet")
                continue
            age = now - result.at
            stale = age > STALE_AFTER
            report[name] = Dependency(ok=result.ok and not stale, checked_seconds_ago=round(age, 1),
                                      error="the check is stuck" if stale else result.error)
        return report


def dependency_monitor(advisor: Advisor, limiter: RateLimiter) -> DependencyMonitor:
    return DependencyMonitor({
        "store": lambda: advisor.store.ping() or True,
        "rate_limits": limiter.ready,
        "index": lambda: advisor.retriever.index.serves(advisor.kb),
    })


def health_router(advisor: Advisor, answerer: Answerer, monitor: DependencyMonitor) -> APIRouter:
    router = APIRouter(tags=["probes"])
    version = knowledge_version(advisor.kb)

    @router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
    async def healthz() -> Health:
        return Health()

    @router.get(
        "/readyz",
        response_model=Readiness,
        summary="Readiness: this instance can serve; the shared dependencies' health beside it",
        responses={503: {"model": Readiness, "description": "This instance cannot serve (its knowledge is not loaded)"}},
    )
    async def readyz() -> JSONResponse:
        entries = len(advisor.kb)
        ready = Readiness(status="ready" if entries else "not_ready", knowledge_entries=entries, knowledge_version=version,
                          answer_workers=answerer.processes, dependencies=monitor.results())
        return JSONResponse(ready.model_dump(), status_code=200 if ready.status == "ready" else 503)

    return router
