"""The first paint is in the browser's language (or the one the reader chose before); examples look
like buttons; the feedback form opens next to the message rated."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from web_support import PHONE, Page, Served, ask, expect, goto, in_viewport, shoot

pytestmark = pytest.mark.browser

RECORD_SEND_LABEL = """
window.tkSeen = [];
const look = () => {
  const send = document.querySelector('#tk-send');
  if (send && send.checkVisibility({ visibilityProperty: true, opacityProperty: true })) {
    const text = send.innerText.trim();
    if (text && window.tkSeen[window.tkSeen.length - 1] !== text) window.tkSeen.push(text);
  }
  requestAnimationFrame(look);
};
requestAnimationFrame(look);
"""


@pytest.mark.parametrize(("locale", "label"), [("en-US", "Send"), ("zh-CN", "发送")])
def test_the_first_paint_is_in_the_browsers_language(
    served: Served, open_page: Callable[..., Page], locale: str, label: str
) -> None:
    page = open_page(served.url, locale=locale, init_script=RECORD_SEND_LABEL)
    expect(page.locator("#tk-send")).to_have_text(label)
    page.wait_for_timeout(300)
    assert page.evaluate("window.tkSeen") == [label], "the Send button showed in another language first"


def test_a_chosen_language_is_the_first_paint_after_reload(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, locale="en-US", init_script=RECORD_SEND_LABEL)
    page.locator("#tk-lang").get_by_text("中文").click()
    expect(page.locator("#tk-send")).to_have_text("发送")
    goto(page, page.url)
    expect(page.locator("#tk-send")).to_have_text("发送")
    page.wait_for_timeout(300)
    assert page.evaluate("window.tkSeen") == ["发送"]


def test_examples_look_like_buttons_and_send_when_clicked(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, viewport=PHONE, locale="zh-CN")
    example = page.locator("#tk-chat button.example").first
    style = example.evaluate("e => { const s = getComputedStyle(e); return [s.cursor, s.borderTopWidth, s.borderTopStyle, s.backgroundColor]; }")
    assert style[0] == "pointer" and style[1] != "0px" and style[2] == "solid" and style[3] not in ("rgba(0, 0, 0, 0)", "transparent")
    before = style[3]
    example.hover()
    page.wait_for_timeout(400)  # past any transition
    assert example.evaluate("e => getComputedStyle(e).backgroundColor") != before, "no hover feedback"
    example.click()
    page.locator("#tk-chat .tk-sources").first.wait_for()
    expect(page.locator('#tk-chat [data-testid="user"]').first).to_contain_text("2026年新手要不要All in AI短视频")


def test_the_feedback_form_opens_next_to_the_rated_message(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, viewport=PHONE)
    ask(page, "Will my account get throttled for AI videos?")
    ask(page, "我的视频20万播放, GPM 12, 能卖多少?")
    first_buttons = page.locator("#tk-chat .message-buttons-left").first
    first_buttons.scroll_into_view_if_needed()
    first_buttons.locator('button[aria-label="Dislike"]').click()
    form = page.locator("#tk-feedback")
    form.get_by_text("What was wrong with this answer?").wait_for()
    page.wait_for_timeout(300)
    gap = page.evaluate(
        """() => { const form = document.getElementById('tk-feedback').getBoundingClientRect();
           const rated = document.querySelector('#tk-chat .message-buttons-left').getBoundingClientRect();
           return form.top - rated.bottom; }"""
    )
    assert 0 <= gap <= 40, f"the form opened {gap:.0f} px away from the rated message"
    assert in_viewport(page, "#tk-feedback-send")
    shoot(page, "feedback-phone")
    page.locator("#tk-feedback-comment textarea").fill("The first answer missed the label rule.")
    page.locator("#tk-feedback-send").click()
    page.locator("#tk-notice").get_by_text("Feedback saved").wait_for()
    expect(form).to_be_hidden()
