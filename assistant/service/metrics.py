"""Prometheus metrics at `/metrics`: requests, answers by surface, errors by code, rate-limit
refusals, dependency health and the answer queue. Counted in the server process, which sees every
request and awaits every answer (the workers compute; nothing needs multi-process collection)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.types import Scope

LATENCY = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)

HTTP_REQUESTS = Counter("tk_http_requests_total", "HTTP requests by route, method and status", ["route", "method", "status"])
HTTP_SECONDS = Histogram("tk_http_request_duration_seconds", "HTTP request latency by route", ["route"], buckets=LATENCY)
ANSWERS = Counter("tk_answers_total", "Answers by surface and outcome (ok, invalid, timeout, unavailable, error)",
                  ["surface", "outcome"])
ANSWER_SECONDS = Histogram("tk_answer_duration_seconds", "Time to a complete answer by surface", ["surface"], buckets=LATENCY)
ERRORS = Counter("tk_errors_total", "Error responses by status and code", ["status", "code"])
RATE_LIMITED = Counter("tk_rate_limited_total", "Calls refused by a rate limit (429)")
RATE_LIMIT_LOCAL = Counter("tk_rate_limit_local_total", "Calls counted in this process because Redis was down (fail-open)")
DEPENDENCY_UP = Gauge("tk_dependency_up", "1 when the dependency's last check passed", ["dependency"])
ANSWERS_RUNNING = Gauge("tk_answers_running", "Answers computing now (in worker processes or threads)")
ANSWERS_WAITING = Gauge("tk_answers_waiting", "Answers waiting for their client's turn (TK_CLIENT_CONCURRENCY) or a free worker")
ANSWER_WORKERS = Gauge("tk_answer_workers", "Answer worker processes running (0: the server's threads answer)")
ANSWERS_GIVEN_UP = Counter("tk_answers_given_up_total", "Answers stopped because their request was given up", ["reason"])
for _reason in ("timeout", "client_gone"):  # exported at 0 from the start, so rates and alerts see them
    ANSWERS_GIVEN_UP.labels(_reason)


def route_of(scope: Scope) -> str:
    """A bounded label for a request: the matched route's template, the web chat's area, or `other`."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if template and template != "/{rest:path}" and "{rest:path}" not in template:
        return template
    path: str = scope.get("path", "")
    for area in ("/gradio_api/", "/assets/", "/login", "/static/"):
        if path.startswith(area):
            return area.rstrip("/") + "/*" if area.endswith("/") else area
    return "/" if path == "/" else "other"


def http_request(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_SECONDS.labels(route).observe(seconds)


@contextmanager
def answering(surface: str) -> Iterator[None]:
    """Count one answer on `surface` with its outcome (from the exception it ends with) and time."""
    from assistant.answer import InvalidInput
    from assistant.service.errors import ApiError
    from assistant.store import StoreUnavailable

    started = time.perf_counter()
    outcome = "ok"
    try:
        yield
    except InvalidInput:
        outcome = "invalid"
        raise
    except ApiError as error:
        outcome = {"answer_timeout": "timeout", "client_closed_request": "client_gone"}.get(error.detail.code or "", "error")
        raise
    except StoreUnavailable:
        outcome = "unavailable"
        raise
    except BaseException:
        outcome = "error"
        raise
    finally:
        ANSWERS.labels(surface, outcome).inc()
        if outcome == "ok":
            ANSWER_SECONDS.labels(surface).observe(time.perf_counter() - started)


def metrics_router() -> APIRouter:
    router = APIRouter(tags=["probes"])

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response,
                responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "The Prometheus text format"}})
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
