"""Who may call the API, how often and how much: bearer keys, a token bucket per client, a body
limit, JSON only, CORS."""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from email.message import Message as MimeHeader
from typing import Any

from fastapi import FastAPI, Request, Security
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings
from assistant.service.errors import ApiError

SESSION_HEADER = "X-Session-Id"


def key_id(key: str) -> str:
    """A loggable stand-in for an API key: a short hash, never the key."""
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Client:
    """The caller as the rate limiter and the logs see it."""

    id: str
    """`key:<hash prefix>` when API keys are on, else `ip:<address>`."""


class RateLimiter:
    """A token bucket per client: `burst` calls at once, refilled at `per_minute / 60` per second.

    Used from the event loop only (async dependency), so it needs no lock.
    """

    def __init__(self, per_minute: float, burst: int, *, clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str) -> float:
        """Spend one token: 0.0 when allowed, else the seconds until a token is available."""
        now = self._clock()
        tokens, then = self._buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if tokens < 1.0:
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.rate
        self._buckets[client] = (tokens - 1.0, now)
        if len(self._buckets) > self._max_clients:
            self._forget_full(now)
        return 0.0

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely: they behave like new ones."""
        refill = self.burst / self.rate
        self._buckets = {c: (t, at) for c, (t, at) in self._buckets.items() if now - at < refill}


_bearer = HTTPBearer(auto_error=False, description="One of the keys in TK_API_KEYS")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}

Guard = Callable[..., Coroutine[Any, Any, Client]]


def api_guard(settings: Settings, limiter: RateLimiter | None = None) -> Guard:
    """The dependency every API route runs first: authenticate (when keys are set), then rate-limit.

    With no keys configured the OpenAPI spec declares no security and clients are told apart by IP.
    `limiter` is shared with the web chat, so one client has one budget across both.
    """
    digests = [hashlib.sha256(k.encode()).digest() for k in settings.api_keys]
    limiter = limiter or RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)

    def admit(request: Request, client: Client) -> Client:
        wait = limiter.take(client.id)
        if wait > 0:
            raise ApiError(
                429,
                f"Rate limit exceeded ({settings.rate_limit_per_minute:g}/min, burst {settings.rate_limit_burst}).",
                type="rate_limit_error",
                code="rate_limit_exceeded",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        request.state.client = client
        return client

    def refuse(request: Request, error: ApiError) -> ApiError:
        """A failed authentication spends a token of the caller's address: guessing keys is throttled too."""
        admit(request, Client("auth-failed:" + _address(request)))
        return error

    async def by_key(request: Request, credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> Client:
        if credentials is None:
            raise refuse(request, ApiError(401, "Missing API key: send `Authorization: Bearer <key>`.",
                                           code="missing_api_key", headers=_CHALLENGE))
        digest = hashlib.sha256(credentials.credentials.encode()).digest()
        if not any(hmac.compare_digest(digest, known) for known in digests):
            raise refuse(request, ApiError(401, "Invalid API key.", code="invalid_api_key", headers=_CHALLENGE))
        return admit(request, Client(key_id(credentials.credentials)))

    async def by_ip(request: Request) -> Client:
        return admit(request, Client("ip:" + _address(request)))

    return by_key if digests else by_ip


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def require_json(request: Request) -> None:
    """415 unless the body is declared as JSON (`application/json` or `application/*+json`)."""
    message = MimeHeader()
    message["content-type"] = request.headers.get("content-type", "")
    subtype = message.get_content_subtype()
    if message.get_content_maintype() != "application" or not (subtype == "json" or subtype.endswith("+json")):
        raise ApiError(415, "Send the body as JSON with `Content-Type: application/json`.", code="unsupported_media_type")


class BodyLimit:
    """413 for request bodies over `limit` bytes under the given path prefixes, whether the size is
    declared (`Content-Length`, refused before reading) or found while reading (chunked uploads)."""

    def __init__(self, app: ASGIApp, *, limit: int, prefixes: tuple[str, ...]):
        self.app = app
        self.limit = limit
        self.prefixes = prefixes

    def _too_large(self) -> ApiError:
        return ApiError(413, f"The request body is larger than {self.limit:,} bytes.", code="request_too_large")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            return await self.app(scope, receive, send)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            return await self._too_large().response()(scope, receive, send)
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413, self._too_large().detail.message)
            return message

        await self.app(scope, counted, send)


def install_cors(app: FastAPI, origins: tuple[str, ...]) -> None:
    """Let browsers on the allow-listed origins call the API (nothing is allowed when the list is empty)."""
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", SESSION_HEADER],
            max_age=600,
        )
