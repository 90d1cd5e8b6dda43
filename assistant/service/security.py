"""Who may call the API, how often and how much: bearer keys, a token bucket per client, a body
limit, JSON only, CORS."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from email.message import Message as MimeHeader
from typing import Any

from fastapi import FastAPI, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from limits import RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings
from assistant.service import metrics
from assistant.service.errors import ApiError

SESSION_HEADER = "X-Session-Id"
log = logging.getLogger(__name__)


def key_id(key: str) -> str:
    """A loggable stand-in for an API key: a short hash, never the key."""
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Client:
    """The caller as the rate limiter and the logs see it."""

    id: str
    """`key:<hash prefix>` when API keys are on, else `ip:<address>`."""


class RateLimiter:
    """At most `burst` calls per client in any `burst * 60 / per_minute` seconds (a moving window of
    the `limits` library): the same sustained rate and burst as a token bucket. Counts live in this
    process, or in Redis (`TK_REDIS_URL`) where every instance shares them.

    Redis down fails open to this process's own counts: each instance then limits on its own (a
    client's budget is at most the instances' count times the limit) for `FALLBACK_SECONDS` before
    Redis is tried again. Refusing every request while Redis is down made it a single point of
    failure for the whole service; a looser limit for a minute is the smaller harm.
    """

    FALLBACK_SECONDS = 5.0

    def __init__(self, per_minute: float, burst: int, redis_url: str | None = None):
        self.item = RateLimitItemPerSecond(burst, max(1, math.ceil(burst * 60 / per_minute)))
        local = MovingWindowRateLimiter(MemoryStorage())
        if redis_url:
            self.storage: Storage = RedisStorage(redis_url, key_prefix="tk-limits", wrap_exceptions=True,
                                                 socket_connect_timeout=1.0, socket_timeout=1.0, health_check_interval=5)
            self._window = MovingWindowRateLimiter(self.storage)
        else:
            self.storage, self._window = local.storage, local
        self._local = local
        self.shared = redis_url is not None
        """True when the counts are in Redis: a call waits on the network (run it off the event loop)."""
        self._shared_down_until = 0.0
        self.fallbacks = 0
        """Calls counted in this process because Redis was down."""

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        return cls(settings.rate_limit_per_minute, settings.rate_limit_burst, settings.redis_url)

    def take(self, client: str) -> float:
        """Spend one call: 0.0 when allowed, else the seconds until one is."""
        if self.shared and time.monotonic() >= self._shared_down_until:
            try:
                return self._spend(self._window, client)
            except StorageError as exc:
                self._shared_down_until = time.monotonic() + self.FALLBACK_SECONDS
                log.warning("rate limits: Redis unavailable (%s); counting in this process for %g s",
                            type(exc.storage_error).__name__, self.FALLBACK_SECONDS)
        if self.shared:
            self.fallbacks += 1
            metrics.RATE_LIMIT_LOCAL.inc()
        return self._spend(self._local, client)

    def _spend(self, window: MovingWindowRateLimiter, client: str) -> float:
        if window.hit(self.item, client):
            return 0.0
        metrics.RATE_LIMITED.inc()
        reset = window.get_window_stats(self.item, client).reset_time
        return max(reset - time.time(), 0.001)

    def ready(self) -> bool:
        """The counts' storage answers (always, in this process)."""
        return self.storage.check()


_bearer = HTTPBearer(auto_error=False, description="One of the keys in TK_API_KEYS")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}

Guard = Callable[..., Coroutine[Any, Any, Client]]


def api_guard(settings: Settings, limiter: RateLimiter | None = None) -> Guard:
    """The dependency every API route runs first: authenticate (when keys are set), then rate-limit.

    With no keys configured the OpenAPI spec declares no security and clients are told apart by IP.
    `limiter` is shared with the web chat, so one client has one budget across both.
    """
    digests = [hashlib.sha256(k.encode()).digest() for k in settings.api_keys]
    limiter = limiter or RateLimiter.from_settings(settings)

    async def admit(request: Request, client: Client) -> Client:
        wait = await run_in_threadpool(limiter.take, client.id) if limiter.shared else limiter.take(client.id)
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

    async def refuse(request: Request, error: ApiError) -> ApiError:
        """A failed authentication spends a token of the caller's address. Past the budget it stays a 401
        (a client must not retry it as a 429 rate limit), with `Retry-After` and the reason."""
        try:
            await admit(request, Client("auth-failed:" + _address(request)))
        except ApiError as limited:
            if limited.status != 429:
                raise
            wait = (limited.headers or {}).get("Retry-After", "1")
            return ApiError(401, f"{error.detail.message} Too many failed attempts from this address: wait {wait} s.",
                            code=error.detail.code, headers={**_CHALLENGE, "Retry-After": wait})
        return error

    async def by_key(request: Request, credentials: HTTPAuthorizationCredentials | None = Security(_bearer)) -> Client:
        if credentials is None:
            raise await refuse(request, ApiError(401, "Missing API key: send `Authorization: Bearer <key>`.",
                                                 code="missing_api_key", headers=_CHALLENGE))
        digest = hashlib.sha256(credentials.credentials.encode()).digest()
        if not any(hmac.compare_digest(digest, known) for known in digests):
            raise await refuse(request, ApiError(401, "Invalid API key.", code="invalid_api_key", headers=_CHALLENGE))
        return await admit(request, Client(key_id(credentials.credentials)))

    async def by_ip(request: Request) -> Client:
        return await admit(request, Client("ip:" + _address(request)))

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

    def _too_large(self, path: str = "") -> ApiError:
        """413 naming the limit and, on the APIs, how to keep a long conversation without resending it."""
        message = f"The request body is larger than {self.limit:,} bytes (TK_MAX_BODY_BYTES)."
        if path.startswith("/v1/"):
            message += (f" For a long conversation send only the new user message with an `{SESSION_HEADER}` header"
                        " (or `user`): the server keeps the history.")
        elif path.startswith("/api/"):
            message += " For a long conversation send only the new question with the `session_id` of the last answer."
        return ApiError(413, message, code="request_too_large", param="body")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            return await self.app(scope, receive, send)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            return await self._too_large(scope["path"]).response()(scope, receive, send)
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413, self._too_large(scope["path"]).detail.message)
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
