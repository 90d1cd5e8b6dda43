"""Logs an operator can follow: a request id on every response and every log line, one access line
per request (none at INFO for health probes), plain text or JSON (`TK_LOG_FORMAT=json`).

The request id is the proxy's `X-Request-Id` when it sends a sane one (the shipped Caddyfile sets
one), else a new one; it is sent back on the response and carried into the answer workers.
Session hashes of the web chat never reach the log (they name a tab's state).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Literal

from pythonjsonlogger.json import JsonFormatter
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.service import metrics
from assistant.service.tracing import carrier_of, incoming

REQUEST_ID_HEADER = "X-Request-Id"
PROBES = ("/healthz", "/readyz", "/metrics")
"""Polled every few seconds by load balancers and Prometheus: logged at DEBUG only."""

request_id: ContextVar[str] = ContextVar("tk_request_id", default="-")
"""The id of the request being served (set by `RequestLog`, and in a worker for its answer)."""

_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_SESSION_HASH = re.compile(r"(session_hash=)[^&]*|(/gradio_api/(?:heartbeat|stream)/)[^/?]+")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"

log = logging.getLogger("tk.access")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (handler-level: records of every logger get it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(fmt: Literal["text", "json"] = "text", level: int = logging.INFO) -> None:
    """Root logging for `serve` and the answer workers: one handler, the request id on every line;
    libraries' per-request chatter (httpx's one line per Chroma call) kept to warnings."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                                           rename_fields={"levelname": "level", "name": "logger", "asctime": "time"}))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "chromadb", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def redacted(path: str, query: str = "") -> str:
    """The path and query as logged: the web chat's session hashes replaced by `…`."""
    target = f"{path}?{query}" if query else path
    return _SESSION_HASH.sub(lambda m: (m.group(1) or m.group(2)) + "…", target)


class RequestLog:
    """ASGI middleware: the request id, one access line per request, the HTTP metrics."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        sent = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        rid = sent if _SANE_ID.fullmatch(sent) else uuid.uuid4().hex
        token = request_id.set(rid)
        incoming.set(carrier_of(Headers(scope=scope)))
        started = time.perf_counter()
        status = 500

        async def tagged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            seconds = time.perf_counter() - started
            path = scope["path"]
            metrics.http_request(metrics.route_of(scope), scope["method"], status, seconds)
            client = scope.get("client")
            log.log(logging.DEBUG if path in PROBES else logging.INFO, '%s "%s %s" %d %.0f ms',
                    client[0] if client else "-", scope["method"], redacted(path, scope.get("query_string", b"").decode("latin-1")),
                    status, seconds * 1000)
            request_id.reset(token)
