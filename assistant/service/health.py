"""Probes: `/healthz` (the process answers) and `/readyz` (index loaded, store writable)."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

if TYPE_CHECKING:
    from assistant.advisor import Advisor
    from assistant.service.answering import Answerer

log = logging.getLogger(__name__)


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    index: bool
    """The Chroma index holds every knowledge entry."""
    store: bool
    """The SQLite store accepts a write transaction."""
    answer_workers: int
    """Worker processes answering API questions (0: the server's threads answer; also while
    replacements for a crashed pool start, when answers go on in the server process)."""


def index_loaded(advisor: Advisor) -> bool:
    try:
        return len(advisor.kb) > 0 and advisor.retriever.index.count() == len(advisor.kb)
    except Exception:
        log.exception("readiness: index check failed")
        return False


def store_writable(advisor: Advisor) -> bool:
    """Take (and release) the write lock on a connection of its own, leaving no trace."""
    try:
        db = sqlite3.connect(advisor.store.path, timeout=1.0, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
        finally:
            db.close()
        return True
    except sqlite3.Error:
        log.exception("readiness: store check failed")
        return False


def health_router(advisor: Advisor, answerer: Answerer) -> APIRouter:
    router = APIRouter(tags=["probes"])

    @router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
    async def healthz() -> Health:
        return Health()

    @router.get(
        "/readyz",
        response_model=Readiness,
        summary="Readiness: the index is loaded and the store is writable",
        responses={503: {"model": Readiness, "description": "Not ready; the body says which check failed"}},
    )
    async def readyz() -> JSONResponse:
        index, store = await run_in_threadpool(lambda: (index_loaded(advisor), store_writable(advisor)))
        ready = Readiness(status="ready" if index and store else "not_ready", index=index, store=store,
                          answer_workers=answerer.processes)
        return JSONResponse(ready.model_dump(), status_code=200 if ready.status == "ready" else 503)

    return router
