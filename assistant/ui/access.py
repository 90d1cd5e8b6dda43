"""Who may open the web chat: everyone, or (with `TK_API_KEYS` set) those who sign in."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable

from assistant.config import Settings

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
