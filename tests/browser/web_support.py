"""Helpers for the browser tests: opening the app, asking, screenshots (fixtures are in conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ui.browser import COOKIE

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
TIMEOUT_MS = 30_000
"""How long an action or an assertion waits for the page (a loaded machine renders slowly)."""

Page = playwright_api.Page
Locator = playwright_api.Locator
expect = playwright_api.expect
expect.set_options(timeout=TIMEOUT_MS)  # `expect` waits 5 s by default, whatever the context's own timeout


class Served:
    """The app's URL and the settings its Advisor writes to (for looking into the store)."""

    def __init__(self, url: str, settings: Settings):
        self.url = url
        self.settings = settings


def goto(page: Page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.locator("#tk-input textarea").wait_for()
    # The page load has restored (or started) the browser's conversation and saved the language.
    page.wait_for_function("localStorage.getItem('tk-advisor-lang')")


def browser_owner(page: Page) -> str:
    """The conversation owner the server bound this browser to (its HttpOnly cookie)."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"] and page.evaluate("document.cookie").find(COOKIE) == -1
    return "web:" + cookie["value"].split(".")[0]


def shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def answers(page: Page) -> Locator:
    """Final answers (each carries its sources row)."""
    return page.locator("#tk-chat .tk-sources")


def ask(page: Page, question: str) -> Locator:
    """Send `question` and wait for its answer; return the answer's message."""
    before = answers(page).count()
    page.locator("#tk-input textarea").fill(question)
    page.locator("#tk-input textarea").press("Enter")
    answers(page).nth(before).wait_for()
    return page.locator("#tk-chat .message-content").filter(has=page.locator(".tk-sources")).nth(before)


def wait_until(check: Callable[[], object], seconds: float = TIMEOUT_MS / 1000) -> object:
    """`check()` once it is true, polled for as long as the page's own waits take."""
    deadline = time.monotonic() + seconds
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)
    return value


def in_viewport(page: Page, selector: str) -> bool:
    """Whether the first element matching `selector` lies wholly inside the window."""
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
           return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }""",
        selector,
    )


SIZES = {"desktop": DESKTOP, "phone": PHONE, "narrow": NARROW}
LOCALES = ("zh-CN", "en-US")
QUESTIONS = {
    "zh-CN": "我的视频20万播放，GPM 12，能卖多少？",
    "en-US": "Will my account get throttled for AI videos?",
}


def open_at(open_page: Callable[..., Page], url: str, size: str, locale: str, **options: object) -> Page:
    """The app at one of the three sizes, in one language; phones get touch (taps, not clicks)."""
    touch = {"has_touch": True, "is_mobile": True} if size != "desktop" else {}
    return open_page(url, viewport=SIZES[size], locale=locale, **touch, **options)


def press(page: Page, locator: Locator) -> None:
    """Tap on a touch screen, click elsewhere."""
    if page.evaluate("navigator.maxTouchPoints > 0"):
        locator.tap()
    else:
        locator.click()


def rect(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not laid out"
    return box


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def reader_scrolls(page: Page) -> None:
    """The reader takes over the chat's scrolling (as a wheel or a swipe does), so the page stops
    keeping the latest question at the top and an element can be scrolled to."""
    page.locator("#tk-chat .bubble-wrap").dispatch_event("wheel")
