"""Probes: `/healthz` (the process answers) and `/readyz` (each dependency answers)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

if TYPE_CHECKING:
    from assistant.advisor import Advisor
    from assistant.service.answering import Answerer
    from assistant.service.security import RateLimiter

log = logging.getLogger(__name__)


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    index: bool
    """Chroma (embedded or `TK_CHROMA_URL`) answers and holds every knowledge entry, fully synced."""
    store: bool
    """The database (SQLite or `TK_DATABASE_URL`) answers; for SQLite, a write lock can be taken."""
    rate_limits: bool
    """Where the rate limits are counted answers (always, in process; Redis with `TK_REDIS_URL`)."""
    answer_workers: int
    """Worker processes answering API questions (0: the server's threads answer; also while
    replacements for a crashed pool start, when answers go on in the server process)."""


def _passes(name: str, check: Callable[[], object]) -> bool:
    """True when `check` returns truthy without raising; a failure is logged with its dependency."""
    try:
        return bool(check())
    except Exception as exc:
        log.warning("readiness: %s check failed: %s", name, exc)
        return False


def health_router(advisor: Advisor, answerer: Answerer, limiter: RateLimiter) -> APIRouter:
    router = APIRouter(tags=["probes"])

    @router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
    async def healthz() -> Health:
        return Health()

    @router.get(
        "/readyz",
        response_model=Readiness,
        summary="Readiness: the index, the database and the rate-limit storage each answer",
        responses={503: {"model": Readiness, "description": "Not ready; the body says which dependency failed"}},
    )
    async def readyz() -> JSONResponse:
        def check() -> dict[str, bool]:
            return {
                "index": _passes("index", lambda: advisor.retriever.index.serves(advisor.kb) and len(advisor.kb) > 0),
                "store": _passes("store", lambda: advisor.store.ping() or True),
                "rate_limits": _passes("rate_limits", limiter.ready),
            }

        checks = await run_in_threadpool(check)
        ready = Readiness(status="ready" if all(checks.values()) else "not_ready", **checks, answer_workers=answerer.processes)
        return JSONResponse(ready.model_dump(), status_code=200 if ready.status == "ready" else 503)

    return router
