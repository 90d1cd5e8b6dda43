"""The newcomer's list of 2026-12-07 (issue 26), each line checked at 1366×900, 390×844 and 360×740 in
Chinese and English, with touch on the phones. Screenshots: tests/artifacts/newcomer-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from assistant.kb.retrieve import Retriever
from assistant.store import Store
from assistant.tools.calculators import CALCULATORS
from web_support import (
    LOCALES,
    QUESTIONS,
    SIZES,
    Page,
    Served,
    answers,
    ask,
    browser_owner,
    expect,
    goto,
    in_viewport,
    open_at,
    overlaps,
    press,
    reader_scrolls,
    rect,
    shoot,
    wait_until,
)

pytestmark = pytest.mark.browser

EVERY = pytest.mark.parametrize(("size", "locale"), [(size, locale) for size in SIZES for locale in LOCALES])
INTERNALS = re.compile(r"\b[a-z]+_[a-z_]+\b|\{\"|\"\w+\":|\b\d+(?:\.\d+)?\s?ms\b")
"""What a seller should never read: snake_case names, JSON, millisecond timings."""


def open_sidebar(page: Page) -> None:
    new_chat = page.locator("#tk-new-chat")
    if rect(new_chat)["x"] < 0:
        press(page, page.locator("#tk-sidebar .toggle-button"))
    wait_until(lambda: rect(new_chat)["x"] >= 0)


# --- an answer: tool row, [n] cards, accessible names, targets, no internals ---------------------


@EVERY
def test_an_answer_reads_as_the_sellers_page(served: Served, open_page: Callable[..., Page], size: str, locale: str) -> None:
    page = open_at(open_page, served.url, size, locale)
    answer = ask(page, QUESTIONS[locale])
    zh = locale == "zh-CN"

    # Tool rows: one folded row saying what was done, in the reader's words, without timings or JSON.
    rows = page.locator("#tk-chat .thought-group, #tk-chat [class*='thought']").filter(has_text=re.compile("查了|Read"))
    title = page.locator("#tk-chat").get_by_text(re.compile(r"^查了\d+条资料" if zh else r"^Read \d+ sources")).first
    expect(title).to_be_visible()
    assert rect(title)["height"] <= 48, "the tool row is one line"
    row_text = rows.first.inner_text() if rows.count() else title.inner_text()
    assert not INTERNALS.search(row_text) and not [n for n in (*CALCULATORS, "search_knowledge") if n in row_text]

    # [n] opens its source's card: title, evidence level, date, what it says, link.
    details = answer.locator(".tk-details summary")
    if answer.locator(".tk-ref:visible").count() == 0 and details.count():
        press(page, details)
    ref = answer.locator(".tk-ref:visible").first
    press(page, ref)
    card = page.locator("#tk-source-card")
    expect(card).to_be_visible()
    assert card.locator("a[href^='https://']").count() == 1 and card.locator(".tk-badge").count() == 1
    assert re.search(r"\d{4}-\d{2}-\d{2}|未注明日期|undated", card.inner_text())
    assert len(card.locator(".tk-card-text").inner_text()) > 20
    box = rect(card)
    assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"] + 1, "the card fits the screen"
    shoot(page, f"newcomer-card-{size}-{locale[:2]}")
    page.keyboard.press("Escape")
    expect(card).to_have_count(0)

    # Accessible names: the reply's plain text, not its Markdown and HTML.
    name = answer.locator("xpath=ancestor-or-self::*[@data-testid='bot'][1]").get_attribute("aria-label") or ""
    first_line = answer.locator("p").first.inner_text().strip()
    who = "助手：" if zh else "Assistant: "
    assert name.startswith(who + first_line[:20]), name[:80]
    assert "<" not in name and "**" not in name
    assert len(name) <= len(who) + 2000, "the page names a message by its first 2,000 characters"

    # Targets of at least 24 × 24 px: the message buttons, [n], Share, the sidebar's controls.
    targets = page.locator("#tk-chat .message-buttons button:visible, #tk-chat .tk-ref:visible, #tk-chat .tk-share:visible")
    open_sidebar(page)
    sidebar = page.locator("#tk-sidebar button:visible")
    small = [(loc.get_attribute("aria-label") or loc.inner_text(), round(b["width"]), round(b["height"]))
             for group in (targets, sidebar) for loc in group.all() if (b := rect(loc)) and (b["width"] < 24 or b["height"] < 24)]
    assert not small, f"targets under 24 px: {small}"

    # No internal names anywhere in the chat (entry ids, tool and field names, JSON, timings).
    shown = page.locator("#tk-chat").inner_text()
    assert not INTERNALS.search(shown), INTERNALS.search(shown)
    shoot(page, f"newcomer-answer-{size}-{locale[:2]}")


# --- feedback ----------------------------------------------------------------------------------


@EVERY
def test_the_feedback_form_opens_in_view_after_a_thumbs_down(
    served: Served, open_page: Callable[..., Page], size: str, locale: str
) -> None:
    page = open_at(open_page, served.url, size, locale)
    ask(page, QUESTIONS[locale])
    thumbs_down = page.locator('#tk-chat .message-buttons button[aria-label="踩"], #tk-chat .message-buttons button[aria-label="Dislike"]')
    reader_scrolls(page)
    press(page, thumbs_down.last)
    form = page.locator("#tk-feedback")
    form.get_by_text("这个回答哪里不好" if locale == "zh-CN" else "What was wrong with this answer").wait_for()
    assert in_viewport(page, "#tk-feedback"), "the comment form opens on screen, under the answer"
    assert in_viewport(page, "#tk-feedback-send")
    shoot(page, f"newcomer-feedback-{size}-{locale[:2]}")


# --- sidebar -----------------------------------------------------------------------------------


@EVERY
def test_the_sidebar_covers_nothing_and_closes_on_a_phone_once_used(
    served: Served, open_page: Callable[..., Page], size: str, locale: str
) -> None:
    page = open_at(open_page, served.url, size, locale)
    toggle = page.locator("#tk-sidebar .toggle-button")
    for part in ("#tk-tabs [role='tab']", "#tk-chat", "#tk-input textarea", "#tk-brand h1"):
        assert not overlaps(rect(toggle), rect(page.locator(part).first)), f"the closed toggle covers {part}"
    open_sidebar(page)
    sidebar = rect(page.locator("#tk-sidebar"))
    if size == "desktop":  # there is room: the page moves aside
        for part in ("#tk-brand h1", "#tk-tabs", "#tk-chat", "#tk-input-row"):
            assert rect(page.locator(part).first)["x"] >= sidebar["x"] + sidebar["width"] - 1, f"the open sidebar covers {part}"
        shoot(page, f"newcomer-sidebar-{size}-{locale[:2]}")
    else:  # a phone: the sidebar is a drawer that closes once a new chat is chosen
        shoot(page, f"newcomer-sidebar-{size}-{locale[:2]}")
        press(page, page.locator("#tk-new-chat"))
        expect(page.locator("#tk-sidebar")).not_to_have_class(re.compile(r"\bopen\b"))
        wait_until(lambda: rect(page.locator("#tk-new-chat"))["x"] < 0)
        assert in_viewport(page, "#tk-input textarea") and in_viewport(page, "#tk-tabs [role='tab']")


# --- delete, undo, rename ------------------------------------------------------------------------


@EVERY
def test_delete_offers_undo_and_rename_and_delete_wait_for_a_stored_chat(
    served: Served, open_page: Callable[..., Page], size: str, locale: str
) -> None:
    page = open_at(open_page, served.url, size, locale)
    open_sidebar(page)
    expect(page.locator("#tk-delete")).to_be_disabled()
    expect(page.locator("#tk-rename-send")).to_be_disabled()
    if size != "desktop":
        press(page, page.locator("#tk-sidebar .toggle-button"))
    ask(page, QUESTIONS[locale])
    open_sidebar(page)
    expect(page.locator("#tk-delete")).to_be_enabled()
    store = Store(served.settings.sqlite_path)
    owner = browser_owner(page)
    (session,) = [s.session_id for s in store.sessions(owner)]
    turns = len(store.history(session))
    press(page, page.locator("#tk-delete"))
    undo = page.locator("#tk-undo-button")
    expect(undo).to_be_visible()
    wait_until(lambda: not store.sessions(owner))
    expect(answers(page)).to_have_count(0)
    expect(page.locator("#tk-delete")).to_be_disabled()  # the new, empty chat has nothing to delete
    shoot(page, f"newcomer-undo-{size}-{locale[:2]}")
    if size != "desktop" and rect(page.locator("#tk-sidebar"))["x"] >= 0:
        press(page, page.locator("#tk-sidebar .toggle-button"))
    press(page, undo)
    expect(answers(page)).to_have_count(1)
    wait_until(lambda: len(store.history(session)) == turns)
    assert [s.session_id for s in store.sessions(owner)] == [session]
    expect(page.locator("#tk-undo")).to_be_hidden()


# --- a long paste --------------------------------------------------------------------------------


@EVERY
def test_a_5000_character_paste_scrolls_inside_the_box(served: Served, open_page: Callable[..., Page], size: str, locale: str) -> None:
    page = open_at(open_page, served.url, size, locale)
    box = page.locator("#tk-input textarea")
    box.fill((("我的视频20万播放，GPM 12。" if locale == "zh-CN" else "200k views at GPM 12. ") * 400)[:5000])
    assert len(box.input_value()) == 5000
    page.wait_for_timeout(200)
    for selector in ("#tk-brand h1", "#tk-tabs [role='tab']", "#tk-send"):
        assert in_viewport(page, selector), f"{selector} left the screen"
    assert rect(box)["height"] <= 0.25 * SIZES[size]["height"] + 24
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight + 1"), "the page itself scrolls"
    shoot(page, f"newcomer-paste-{size}-{locale[:2]}")


# --- full-width punctuation ------------------------------------------------------------------------


@EVERY
def test_full_width_punctuation_is_kept_after_a_reload(served: Served, open_page: Callable[..., Page], size: str, locale: str) -> None:
    page = open_at(open_page, served.url, size, locale)
    typed = "我的视频20万播放，GPM 12，能卖多少？"
    ask(page, typed)
    goto(page, page.url)
    answers(page).first.wait_for()
    expect(page.locator("#tk-chat [data-testid='user']").first).to_have_text(typed)


# --- the Chinese page: no English, no internals -------------------------------------------------------

ENGLISH_PHRASE = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}")
"""Three English words in a row: a formula line or a sentence left in English."""


@pytest.mark.parametrize("size", list(SIZES))
def test_the_chinese_page_has_no_english_lines_or_internal_names(
    served: Served, retriever: Retriever, open_page: Callable[..., Page], size: str
) -> None:
    names = sorted({e.source.publisher for e in retriever.kb} | {e.source.title or "" for e in retriever.kb}, key=len, reverse=True)
    page = open_at(open_page, served.url, size, "zh-CN")
    for question in ("我的视频20万播放，GPM 12，能卖多少？", "15美元的AI视频和300美元的达人视频，哪个每1美元GMV更高？"):
        answer = ask(page, question)
        press(page, answer.locator(".tk-details summary"))
        shown = "\n".join(t for t in answer.locator("p, li").all_inner_texts())
        for name in filter(None, names):  # sources are named as they name themselves
            shown = shown.replace(name, "")
        assert not INTERNALS.search(shown), INTERNALS.search(shown)
        assert "每1元成本" not in shown
        english = [line for line in shown.splitlines() if ENGLISH_PHRASE.search(line) and "TikTok Shop" not in line]
        assert not english, english[:3]
    page.get_by_role("tab", name="计算器").click()
    page.locator("#tk-calc-pick input").click()
    page.get_by_role("option", name=re.compile("AI视频、达人视频、自制原创")).click()
    page.locator("#tk-calc-run-compare_content_options").click()
    result = page.locator("#tk-calc-result")
    result.locator(".tk-headline").wait_for()
    assert not INTERNALS.search(result.inner_text()) and "Formula" not in result.inner_text()
    assert "每1美元成本" in result.inner_text()
