"""A chat people expect, in Chromium: the reply grows as it is written, Stop keeps nothing, Retry and
editing the last question replace the last turn, suggested follow-ups ask when pressed."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from assistant.store import Store
from web_support import LOCALES, QUESTIONS, Page, Served, answers, ask, browser_owner, expect, goto, open_at, press, reader_scrolls, wait_until

pytestmark = pytest.mark.browser

GROWING = """() => new Promise((resolve) => {
  const lengths = [];
  const look = () => {
    const bots = document.querySelectorAll('#tk-chat [data-testid="bot"]');
    const last = bots[bots.length - 1];
    lengths.push(last && !last.querySelector('.tk-copy') && !last.closest('.thought-group') ? last.innerText.length : -1);
    if (document.querySelectorAll('#tk-chat .tk-copy').length > 0 || lengths.length > 2000) return resolve(lengths);
    requestAnimationFrame(look);
  };
  document.querySelector('#tk-send').click();
  requestAnimationFrame(look);
})"""


@pytest.mark.parametrize("size", ["desktop", "narrow"])
@pytest.mark.parametrize("locale", LOCALES)
def test_the_reply_grows_as_it_is_written(served: Served, open_page: Callable[..., Page], size: str, locale: str) -> None:
    page = open_at(open_page, served.url, size, locale)
    page.locator("#tk-input textarea").fill(QUESTIONS[locale])
    lengths = page.evaluate(GROWING)
    growing = sorted({n for n in lengths if n > 0})
    assert len(growing) >= 3, f"the reply did not grow on screen: {growing}"
    answers(page).first.wait_for()


STOP_WHILE_WRITING = """() => new Promise((resolve) => {
  const visible = (e) => !!e && e.getClientRects().length > 0;
  document.querySelector('#tk-send').click();
  const look = () => {
    const bots = document.querySelectorAll('#tk-chat [data-testid="bot"]');
    const last = bots[bots.length - 1];
    const text = last && !last.querySelector('.tk-copy') && !last.closest('.thought-group') ? last.innerText.length : 0;
    const stop = document.querySelector('#tk-stop');
    if (text > 0 && visible(stop)) {
      const seen = { stop: true, send: visible(document.querySelector('#tk-send')), text };
      stop.click();
      return resolve(seen);
    }
    if (document.querySelector('#tk-chat .tk-copy')) return resolve({ stop: false, send: true, text });
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})"""


@pytest.mark.parametrize("locale", LOCALES)
def test_stop_ends_the_answer_and_keeps_nothing(served: Served, open_page: Callable[..., Page], locale: str) -> None:
    page = open_at(open_page, served.url, "desktop", locale)
    long_reply = "2026年新手要不要All in AI短视频？" if locale == "zh-CN" else "Should a beginner go all in on AI videos in 2026?"
    page.locator("#tk-input textarea").fill(long_reply)
    seen = page.evaluate(STOP_WHILE_WRITING)
    assert seen["stop"] and not seen["send"], "Stop replaces Send while the answer is written"
    assert seen["text"] > 0, "the reply had started"
    page.locator("#tk-notice").get_by_text("已停止" if locale == "zh-CN" else "Stopped").wait_for()
    expect(page.locator("#tk-send")).to_be_visible()
    expect(answers(page)).to_have_count(0)
    expect(page.locator("#tk-input textarea")).to_have_value(long_reply)  # the question is back, to send again or change
    store = Store(served.settings.sqlite_path)
    time.sleep(2)  # past the pacing budget: an answer that was not stopped would be stored by now
    assert not any(store.history(s.session_id) for s in store.sessions(browser_owner(page)))
    ask(page, QUESTIONS[locale])  # and the chat goes on
    expect(answers(page)).to_have_count(1)


@pytest.mark.parametrize("locale", LOCALES)
def test_retry_and_editing_the_last_question_replace_the_last_turn(
    served: Served, open_page: Callable[..., Page], locale: str
) -> None:
    page = open_at(open_page, served.url, "desktop", locale)
    first = "我的视频10万播放，GPM 10，能卖多少？" if locale == "zh-CN" else "100k views at GPM 10: what will it sell?"
    ask(page, first)
    ask(page, QUESTIONS[locale])
    store = Store(served.settings.sqlite_path)
    owner = browser_owner(page)
    (session,) = [s.session_id for s in store.sessions(owner)]
    wait_until(lambda: len(store.history(session)) == 4)
    ids = [m.id for m in store.history(session)]

    page.locator('#tk-chat .message-buttons button[aria-label="Retry"], #tk-chat .message-buttons button[aria-label="重试"]').click()
    wait_until(lambda: len(store.history(session)) == 4 and store.history(session)[-1].id != ids[-1])
    expect(answers(page)).to_have_count(2)
    assert [m.id for m in store.history(session)][:2] == ids[:2]

    edit = '#tk-chat .message-buttons button[aria-label="Edit"], #tk-chat .message-buttons button[aria-label="编辑"]'
    expect(page.locator(edit).locator("visible=true")).to_have_count(1)  # offered on the last question only
    page.locator(edit).locator("visible=true").click()
    box = page.locator("#tk-chat textarea.edit-textarea")
    edited = "我的视频20万播放，GPM 30，能卖多少？" if locale == "zh-CN" else "200k views at GPM 30: what will it sell?"
    box.fill(edited)
    controls = page.locator("#tk-chat .message-buttons-right").last.locator("button")  # submit, cancel (labelled in the browser's language)
    expect(controls).to_have_count(2)
    controls.first.click()
    wait_until(lambda: len(rows := store.history(session)) == 4 and "GPM 30" in rows[-2].content)
    rows = store.history(session)
    assert len(rows) == 4 and "6,000" in rows[-1].content
    page.locator("#tk-chat .tk-copy").nth(1).wait_for(state="attached")
    expect(answers(page)).to_have_count(2)
    expect(page.locator("#tk-chat").get_by_text("6,000").first).to_be_visible()


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("locale", LOCALES)
def test_suggested_follow_ups_show_under_the_answer_and_ask_when_pressed(
    served: Served, open_page: Callable[..., Page], size: str, locale: str
) -> None:
    """The answer's own follow-ups (Answer.follow_ups, from the engine) are buttons under it, after a
    reload too; pressing one asks it."""
    page = open_at(open_page, served.url, size, locale)
    ask(page, QUESTIONS[locale])
    store = Store(served.settings.sqlite_path)
    (session,) = [s.session_id for s in store.sessions(browser_owner(page))]
    suggested = store.history(session)[1].meta.get("follow_ups", [])[:3]
    assert suggested, "the engine suggested nothing under this answer"
    buttons = page.locator("#tk-chat .option")
    for _ in range(2):  # as the answer arrives, and as the stored conversation reloads
        expect(buttons).to_have_count(len(suggested))
        assert [b.strip() for b in buttons.all_inner_texts()] == suggested
        goto(page, page.url)
        answers(page).first.wait_for()
    reader_scrolls(page)
    press(page, buttons.first)
    answers(page).nth(1).wait_for()
    expect(page.locator("#tk-chat [data-testid='user']").nth(1)).to_have_text(suggested[0])
    wait_until(lambda: len(store.history(session)) == 4)
    asked = store.history(session)[2]
    assert (asked.meta.get("typed") or asked.content) == suggested[0]  # stored as the button said it
