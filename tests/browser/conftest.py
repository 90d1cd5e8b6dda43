"""Fixtures for the browser tests: one served app and one Chromium per module, a fresh context per page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlparse

import pytest

from assistant.advisor import Advisor
from assistant.config import Settings
from assistant.kb.retrieve import Retriever
from assistant.service.api import create_app
from assistant.service.server import BackgroundServer
from assistant.store import Store
from web_support import CHROMIUM, CHROMIUM_ARGS, DESKTOP, TIMEOUT_MS, Page, Served, goto, playwright_api


@pytest.fixture(scope="module")
def served(retriever: Retriever, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    settings = Settings.from_env(environ={}, data_dir=tmp_path_factory.mktemp("web-chat"), provider="offline",
                                 answer_workers=0)  # the web chat answers in the server process anyway
    advisor = Advisor(settings, retriever, Store(settings.sqlite_path))
    with BackgroundServer(create_app(advisor, settings)) as server:
        yield Served(server.url, settings)


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_api.Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: playwright_api.Browser) -> Iterator[Callable[..., Page]]:
    """Open the app in a new browser context; on teardown, check no request left loopback."""
    contexts: list[playwright_api.BrowserContext] = []
    requested: list[str] = []

    def open_(
        url: str, *, viewport: dict[str, int] = DESKTOP, locale: str = "en-US", init_script: str = "", **options: object
    ) -> Page:
        context = browser.new_context(viewport=viewport, locale=locale, **options)
        context.set_default_timeout(TIMEOUT_MS)
        if init_script:
            context.add_init_script(init_script)
        context.on("request", lambda request: requested.append(request.url))
        contexts.append(context)
        page = context.new_page()
        goto(page, url)
        return page

    yield open_
    for context in contexts:
        context.close()
    outside = {url for url in requested if urlparse(url).scheme in ("http", "https", "ws", "wss")
               and urlparse(url).hostname not in ("127.0.0.1", "localhost")}  # fmt: skip
    assert not outside, f"requests left loopback: {sorted(outside)[:5]}"
