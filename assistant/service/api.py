"""The server: the web chat at `/`, the JSON and OpenAI-compatible APIs, probes and chat-app webhooks."""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before Gradio is imported anywhere

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import httpx
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from starlette.routing import Match, Mount

from assistant import __version__
from assistant.config import Settings
from assistant.service.answering import Answerer, answerer_for
from assistant.service.ask_stream import Streams, streams_router
from assistant.service.channels.setup import Channel, install_channels
from assistant.service.conversations_api import conversations_router
from assistant.service.errors import ApiError, install_error_handlers
from assistant.service import metrics
from assistant.service.health import dependency_monitor, health_router
from assistant.service.logs import RequestLog
from assistant.service.metrics import metrics_router
from assistant.service.json_api import json_router
from assistant.service.openai_compat import openai_router
from assistant.service.security import BodyLimit, RateLimiter, api_guard, install_cors
from assistant.ui.app import mount_ui

if TYPE_CHECKING:
    from assistant.advisor import Advisor
    from assistant.store import Store

log = logging.getLogger(__name__)

DESCRIPTION = """Sourced, bilingual (zh/en) answers for TikTok Shop sellers.

* `POST /api/ask` returns the full Answer (citations, tool calls, session id).
* `POST /v1/chat/completions` speaks OpenAI's protocol (model `tk-advisor`), plain or streamed.
* Every error has the shape `{"error": {"message", "type", "param", "code"}}`.
* `usage` on completions: the LLM provider's counts when one answered; offline an estimate with no
  tokenizer download (one token per CJK character, one per four other characters).
* Sessions belong to the key (or client) that started them; `DELETE /api/sessions/{id}` removes one.
* With `TK_API_KEYS` set, send `Authorization: Bearer <key>`; calls are rate-limited per key (else per IP).
"""


API_PATHS = ("/api/", "/v1/", "/channels/")
WEB_CHAT_PATHS = ("/gradio_api/", "/login")
"""The web chat's own endpoints (queue, events, sign-in): the same body limit as the API."""
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def refuse_unrouted(app: FastAPI, probes: tuple[str, ...] = ("/healthz", "/readyz", "/metrics")) -> None:
    """404 or 405 in the error shape for API paths no route takes, instead of the web chat's 404.

    Needed because the chat is mounted at `/`, which would otherwise claim every such request.
    """

    async def unrouted(request: Request) -> None:
        routes = [r for r in app.router.routes if not isinstance(r, Mount) and getattr(r, "endpoint", None) is not unrouted]
        allowed = [m for m in _METHODS if any(r.matches({**request.scope, "method": m})[0] == Match.FULL for r in routes)]
        if allowed:
            raise ApiError(405, f"Use {', '.join(allowed)} on this path.", code="method_not_allowed", headers={"Allow": ", ".join(allowed)})
        raise ApiError(404, "No such endpoint; see /docs.", code="not_found")

    for prefix in API_PATHS:
        app.add_api_route(prefix + "{rest:path}", unrouted, methods=_METHODS, include_in_schema=False)
    for path in probes:
        app.add_api_route(path, unrouted, methods=_METHODS, include_in_schema=False)


async def purge_daily(store: Store, days: float) -> None:
    """`TK_RETENTION_DAYS`: delete old conversations now, then once a day."""
    while True:
        try:
            deleted = await run_in_threadpool(store.purge, days)
            log.info("retention: %d conversations older than %g days deleted", deleted, days)
        except Exception:  # a database outage at purge time: try again tomorrow, do not end the task
            log.exception("retention: the purge failed; next try in a day")
        await asyncio.sleep(86400)


def create_app(advisor: Advisor, settings: Settings | None = None, answerer: Answerer | None = None) -> FastAPI:
    """Assemble the ASGI app around one Advisor; `settings` default to the Advisor's own.

    The web chat and streamed answers use `advisor`; the other API answers come from `answerer`
    (by default the one `TK_ANSWER_WORKERS` asks for), started with the app and closed with it.
    """
    settings = settings or advisor.settings
    answerer = answerer or answerer_for(settings, advisor)
    http = httpx.AsyncClient(timeout=httpx.Timeout(10.0))
    channels: list[Channel] = []
    limiter = RateLimiter.from_settings(settings)
    monitor = dependency_monitor(advisor, limiter)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(answerer.start)
        for channel in channels:
            await channel.start()
        await run_in_threadpool(monitor.start)
        retention = asyncio.create_task(purge_daily(advisor.store, settings.retention_days)) if settings.retention_days else None
        try:
            yield
        finally:
            if retention is not None:
                retention.cancel()
            for channel in channels:
                await channel.stop()
            monitor.stop()
            await http.aclose()
            await run_in_threadpool(answerer.close)

    app = FastAPI(title="tk-advisor", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    guard = api_guard(settings, limiter)
    app.include_router(health_router(advisor, answerer, monitor))
    app.include_router(metrics_router())
    metrics.ANSWER_WORKERS.set_function(lambda: answerer.processes)
    streams = Streams()
    app.include_router(json_router(advisor, answerer, guard, settings.answer_timeout, streams))
    app.include_router(streams_router(streams, guard))
    app.include_router(conversations_router(advisor, guard))
    app.include_router(openai_router(advisor, answerer, guard, settings.answer_timeout))
    channels.extend(install_channels(app, answerer, settings, advisor.store, http))
    refuse_unrouted(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, prefixes=API_PATHS + WEB_CHAT_PATHS)
    install_cors(app, settings.cors_origins)
    mount_ui(app, advisor, settings, limiter)
    app.add_middleware(RequestLog)  # outermost: every request gets its id and its access line
    return app
