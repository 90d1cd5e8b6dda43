"""Shared by the service tests: one real offline Advisor, servers on loopback, stand-in vendor APIs."""

from __future__ import annotations

import atexit
import functools
import hashlib
import hmac
import json
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from assistant.advisor import Advisor
from assistant.config import Settings
from assistant.service.api import create_app
from assistant.service.server import BackgroundServer


@functools.cache
def shared_advisor() -> Advisor:
    """The real Advisor, offline, over the repository's knowledge, in a temporary data dir.

    Built once per test session: loading and indexing the knowledge is the slow part.
    """
    data_dir = tempfile.mkdtemp(prefix="tk-service-")
    atexit.register(shutil.rmtree, data_dir, True)
    return Advisor.from_settings(Settings.from_env(environ={}, data_dir=data_dir, provider="offline"))


def settings(**overrides: Any) -> Settings:
    """Service settings for one test (keys, limits, channels) over the shared Advisor's data dir.

    Answers stay in the test process unless a test asks for worker processes (`answer_workers`).
    """
    overrides.setdefault("answer_workers", 0)
    return Settings.from_env(environ={}, data_dir=shared_advisor().settings.data_dir, provider="offline", **overrides)


@contextmanager
def serving(advisor: Any = None, **overrides: Any) -> Iterator[str]:
    """Serve `create_app(advisor, settings(**overrides))` on a free loopback port; yield its base URL."""
    configured = settings(**overrides)
    app = create_app(advisor or shared_advisor(), configured)
    with BackgroundServer(app, trusted_proxies=configured.trusted_proxies) as server:
        yield server.url


class SlowAdvisor:
    """The shared Advisor with `delay` seconds added to every `ask` (a stand-in for a slow LLM)."""

    def __init__(self, delay: float):
        self._advisor = shared_advisor()
        self.delay = delay

    def __getattr__(self, name: str) -> Any:
        return getattr(self._advisor, name)

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        time.sleep(self.delay)
        return self._advisor.ask(*args, **kwargs)


class BrokenStream:
    """The shared Advisor whose `stream` fails after its first event (a provider dying mid-answer)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(shared_advisor(), name)

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        events = shared_advisor().stream(*args, **kwargs)
        yield next(events)
        events.close()
        raise RuntimeError("provider went away")


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class StandIn:
    """A local HTTP server playing a vendor's Web API: records each POST, answers with `reply(path)`."""

    reply: Callable[[str], dict[str, Any]]
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Recorded]:
        """The recorded requests once there are at least `count` (or fail after `timeout`)."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            assert time.monotonic() < deadline, f"expected {count} requests, got {len(self.requests)}"
            time.sleep(0.02)
        return list(self.requests)


@contextmanager
def stand_in(reply: Callable[[str], dict[str, Any]]) -> Iterator[StandIn]:
    state = StandIn(reply)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Recorded(self.path, dict(self.headers), json.loads(raw or b"null")))
            body = json.dumps(state.reply(self.path)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


SLACK_SIGNING_SECRET = "slack-signing-secret"


def slack_post(url: str, payload: dict[str, Any], *, age: float = 0, secret: str = SLACK_SIGNING_SECRET,
               headers: dict[str, str] | None = None) -> httpx.Response:
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time() - age))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    signed = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature,
              "Content-Type": "application/json", **(headers or {})}
    return httpx.post(f"{url}/channels/slack/events", content=body, headers=signed)


def mention(event_id: str, text: str, *, ts: str = "1700000000.000100", **extra: Any) -> dict[str, Any]:
    event = {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1", **extra}
    return {"type": "event_callback", "event_id": event_id, "event": event}
