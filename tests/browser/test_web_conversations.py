"""Earlier conversations of this browser in the side list: they survive a reload, can be reopened,
renamed and deleted, and another browser never sees them. Screenshot: conversations-*.png."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.store import Store
from web_support import PHONE, Page, Served, answers, ask, browser_owner, expect, goto, shoot, wait_until

pytestmark = pytest.mark.browser


def open_sidebar(page: Page) -> None:
    """Open the conversations sidebar (closed, it sits off the left edge)."""
    new_chat = page.locator("#tk-new-chat")
    if new_chat.bounding_box()["x"] < 0:
        page.locator("#tk-sidebar .toggle-button").click()
    wait_until(lambda: new_chat.bounding_box()["x"] >= 0)


def listed(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#tk-conversations label").all_inner_texts()]


def test_a_conversation_survives_a_reload_and_shows_in_the_side_list(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url)
    ask(page, "Will my account get throttled for AI videos?")
    goto(page, page.url)
    answers(page).first.wait_for()
    open_sidebar(page)
    assert listed(page) == ["Will my account get throttled for AI videos?"]
    expect(page.locator("#tk-conversations input").first).to_be_checked()

    page.locator("#tk-new-chat").click()
    expect(answers(page)).to_have_count(0)
    ask(page, "我的视频20万播放, GPM 12, 能卖多少?")
    wait_until(lambda: len(listed(page)) == 2)
    assert listed(page)[0] == "我的视频20万播放, GPM 12, 能卖多少?"
    shoot(page, "conversations-desktop")

    page.locator("#tk-conversations label").filter(has_text="throttled").click()
    expect(page.locator("#tk-chat").get_by_text("Will my account get throttled for AI videos?")).to_be_visible()
    expect(answers(page)).to_have_count(1)
    page.locator("#tk-chat .tk-sources").first.wait_for()

    page.locator("#tk-rename input, #tk-rename textarea").first.fill("Throttling risk")
    page.locator("#tk-rename-send").click()
    wait_until(lambda: "Throttling risk" in listed(page))
    goto(page, page.url)
    open_sidebar(page)
    assert listed(page) == ["我的视频20万播放, GPM 12, 能卖多少?", "Throttling risk"]  # by last message

    other = open_page(served.url)  # another browser: none of this browser's conversations
    open_sidebar(other)
    assert listed(other) == [] and browser_owner(other) != browser_owner(page)
    ask(other, "Is a $15 AI video cheaper per dollar of GMV than a $300 creator video?")
    wait_until(lambda: len(listed(other)) == 1)
    assert "Throttling risk" not in listed(other)


def test_delete_removes_the_conversation_for_good(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, viewport=PHONE, locale="zh-CN")
    ask(page, "2026年新手要不要All in AI短视频?")
    open_sidebar(page)
    wait_until(lambda: len(listed(page)) == 1)
    shoot(page, "conversations-phone")
    store = Store(served.settings.sqlite_path)
    owner = browser_owner(page)
    (session,) = [s.session_id for s in store.sessions(owner)]
    page.locator("#tk-delete").click()
    wait_until(lambda: not store.sessions(owner))
    assert store.history(session) == []
    wait_until(lambda: listed(page) == [])
    expect(answers(page)).to_have_count(0)
    goto(page, page.url)
    page.locator("#tk-chat .example").first.wait_for()
    assert answers(page).count() == 0
