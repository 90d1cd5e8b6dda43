"""Shared by the service tests: one real offline Advisor and servers on loopback (vendor stand-ins: chat_standins.py)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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
