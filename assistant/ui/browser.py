"""The web chat's binding to a browser: a signed, HttpOnly cookie the server issues.

The page never sends a session id. The server gives each browser a random id in a cookie that
scripts cannot read, signed so it cannot be forged; conversations belong to the owner
`web:<browser id>`, and a page restores only that owner's latest conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from http.cookies import SimpleCookie
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "tk_browser"
MAX_AGE = 400 * 24 * 3600
"""Seconds the cookie lives: the longest browsers keep one."""
_SECRET_FILE = "ui-browser-secret"


def browser_secret(data_dir: Path, configured: str | None = None) -> str:
    """`TK_WEB_SECRET` when set (needed when several instances serve one site), else a key kept in
    the data dir so that restarts keep browsers' conversations."""
    if configured:
        return configured
    path = data_dir / _SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as file:
            file.write(secrets.token_hex(32))
    path.chmod(0o600)  # only the server's user reads it (one written world-readable before is closed too)
    return path.read_text(encoding="utf-8").strip()


class BrowserBinding:
    """Issues and checks the signed browser ids."""

    def __init__(self, secret: str):
        self._key = hashlib.sha256(b"tk-browser:" + secret.encode()).digest()

    def _sign(self, browser_id: str) -> str:
        return hmac.new(self._key, browser_id.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        """A new cookie value: `<random id>.<signature>`."""
        browser_id = secrets.token_hex(16)
        return f"{browser_id}.{self._sign(browser_id)}"

    def verify(self, value: str | None) -> str | None:
        """The browser id in a cookie value, or None when it is missing or forged."""
        browser_id, _, signature = (value or "").partition(".")
        if len(browser_id) != 32 or not hmac.compare_digest(signature, self._sign(browser_id)):
            return None
        return browser_id

    def owner(self, cookie_header: str | None) -> str | None:
        """The conversation owner of the browser that sent `Cookie: ...`, if it carries a valid id."""
        jar = SimpleCookie()
        try:
            jar.load(cookie_header or "")
        except Exception:  # a malformed Cookie header is the same as none
            return None
        morsel = jar.get(COOKIE)
        browser_id = self.verify(morsel.value if morsel else None)
        return f"web:{browser_id}" if browser_id else None


class IssueBrowserCookie:
    """ASGI middleware: every web-chat response to a browser without a valid id sets one."""

    def __init__(self, app: ASGIApp, *, binding: BrowserBinding, skip: tuple[str, ...] = ()):
        self.app = app
        self.binding = binding
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip):
            return await self.app(scope, receive, send)
        cookies = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"cookie"), None)
        if self.binding.owner(cookies) is not None:
            return await self.app(scope, receive, send)
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{COOKIE}={self.binding.issue()}; Path=/; Max-Age={MAX_AGE}; HttpOnly; SameSite=Lax{secure}"

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, with_cookie)
