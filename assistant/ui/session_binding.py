"""Every web-chat event is bound to the browser that opened its tab.

Gradio names a tab's server-side state by a `session_hash` the page makes up and sends with each
event (in the JSON body, the query string, a path or a header). Knowing one was enough to act as
that tab: read its history, open, rename and delete its conversations. This middleware remembers
which browser (the signed cookie's owner; the client address without one) first used a session
hash, and refuses the hash from anyone else with a 403.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.service.errors import ApiError
from assistant.ui.browser import BrowserBinding

MAX_SESSIONS = 100_000
"""Session hashes remembered per instance (the oldest are forgotten first)."""
_IN_PATH = re.compile(r"/gradio_api/(?:heartbeat|stream)/([^/]+)")


class SessionOwners:
    """Which owner each session hash belongs to: the first to use it."""

    def __init__(self, limit: int = MAX_SESSIONS):
        self.limit = limit
        self._owners: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def admits(self, session_hash: str, owner: str) -> bool:
        with self._lock:
            known = self._owners.setdefault(session_hash, owner)
            self._owners.move_to_end(session_hash)
            if len(self._owners) > self.limit:
                self._owners.popitem(last=False)
            return known == owner


def _event(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class BindSessionHashes:
    """ASGI middleware over the web chat's endpoints (`/gradio_api/`)."""

    def __init__(self, app: ASGIApp, *, binding: BrowserBinding, max_body: int, functions: Callable[[int], bool],
                 prefix: str = "/gradio_api/"):
        self.app = app
        self.binding = binding
        self.functions = functions
        """Whether an event's `fn_index` names one of the app's functions (an unknown one was a 500)."""
        self.max_body = max_body
        self.prefix = prefix
        self.owners = SessionOwners()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        hashes = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_hash", [])
        hashes += [m.group(1) for m in [_IN_PATH.match(scope["path"])] if m]
        hashes += [h for h in [headers.get("session_hash")] if h]
        if scope["method"] == "POST":
            body, receive = await _buffered(receive, self.max_body)
            if body is None:
                return await ApiError(413, "The request body is too large.", code="request_too_large").response()(scope, receive, send)
            event = _event(body)
            hashes += [h for h in [event.get("session_hash")] if isinstance(h, str)]
            index = event.get("fn_index")
            if index is not None and not (isinstance(index, int) and not isinstance(index, bool) and self.functions(index)):
                return await ApiError(422, "No such event handler.", code="unknown_fn_index", param="fn_index").response()(
                    scope, receive, send)
        owner = self.binding.owner(headers.get("cookie"))
        if owner is None:
            client = scope.get("client")
            owner = f"address:{client[0] if client else 'unknown'}"
        if not all(self.owners.admits(h, owner) for h in hashes):
            refused = ApiError(403, "This chat session belongs to another browser.", code="session_not_yours")
            return await refused.response()(scope, receive, send)
        await self.app(scope, receive, send)


async def _buffered(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The whole request body (None past `limit` bytes) and a `receive` that replays it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None, receive
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
