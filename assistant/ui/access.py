"""Who may open the web chat: everyone, or (with `TK_API_KEYS` set) those who sign in."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from collections.abc import Callable

from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.config import Settings
from assistant.service.errors import ApiError
from assistant.service.security import RateLimiter

log = logging.getLogger(__name__)

Auth = Callable[[str, str], bool]


def _matcher(secrets_: list[str]) -> Callable[[str], bool]:
    digests = [hashlib.sha256(s.encode()).digest() for s in secrets_]

    def matches(candidate: str) -> bool:
        digest = hashlib.sha256(candidate.encode()).digest()
        return any(hmac.compare_digest(digest, known) for known in digests)

    return matches


def web_auth(settings: Settings) -> tuple[str, Auth | None]:
    """The web chat's access mode and the login check Gradio runs (None: no login).

    Without API keys the server is open and so is the chat. With keys, the chat is public only
    when `TK_WEB_PUBLIC=true`; otherwise users sign in with a `TK_WEB_USERS` pair, or with any
    username and an API key as the password.
    """
    if not settings.api_keys or settings.web_public:
        return "public", None
    if settings.web_users:
        pairs = dict(pair.split(":", 1) for pair in settings.web_users)
        known = {user: _matcher([password]) for user, password in pairs.items()}
        return "users", lambda user, password: user in known and known[user](password)
    is_key = _matcher(list(settings.api_keys))
    return "api-key", lambda _user, password: is_key(password)


def describe(mode: str) -> str:
    """The start-up log line for the access mode."""
    return {
        "public": "web chat: public (no login)",
        "users": "web chat: protected, sign in with a TK_WEB_USERS user",
        "api-key": "web chat: protected, sign in with an API key as the password (set TK_WEB_PUBLIC=true to open it)",
    }[mode]


LOGINS_PER_MINUTE = 10
"""Sign-in attempts one address may make (a burst of 10, then one every 6 s)."""


class LimitLogins:
    """ASGI middleware: POST /login (Gradio's sign-in) is rate-limited per client address, in the
    instances' shared storage (Redis) when there is one: 500 guesses a second went through before."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, path: str = "/login"):
        self.app = app
        self.limiter = limiter
        self.paths = (path, path + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in self.paths:
            client = scope.get("client")
            key = f"login:{client[0] if client else 'unknown'}"
            wait = await run_in_threadpool(self.limiter.take, key) if self.limiter.shared else self.limiter.take(key)
            if wait > 0:
                refused = ApiError(429, "Too many sign-in attempts; try again later.", type="rate_limit_error",
                                   code="rate_limit_exceeded", headers={"Retry-After": str(max(1, math.ceil(wait)))})
                return await refused.response()(scope, receive, send)
        await self.app(scope, receive, send)
