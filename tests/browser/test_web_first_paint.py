"""The first paint is in the browser's language (or the one the reader chose before); examples look
like buttons; the feedback form opens next to the message rated."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from web_support import DESKTOP, PHONE, TIMEOUT_MS, Page, Served, ask, expect, goto, in_viewport, playwright_api, shoot

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


def test_a_slow_page_load_keeps_the_page_hidden_until_it_is_relabelled(
    served: Served, browser: playwright_api.Browser
) -> None:
    """On a busy server the page load may answer after any timer: the page shows only once it has
    put its labels in the reader's language, however long that takes (the page's clock is run a
    minute ahead while the load is held back)."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    try:
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(RECORD_SEND_LABEL)
        page = context.new_page()
        page.clock.install()
        held: list[playwright_api.Route] = []

        def hold(route: playwright_api.Route) -> None:
            held.append(route)

        page.route("**/gradio_api/queue/join*", hold, times=1)  # the page's first event: its load
        with page.expect_request("**/gradio_api/queue/join*") as first:
            page.goto(served.url, wait_until="load")
        assert first.value.post_data_json["data"] == ["en"]  # the load, sent the browser's language
        page.locator("#tk-send").wait_for(state="attached")
        page.clock.run_for(60_000)
        assert page.locator("#tk-send").is_hidden()
        assert page.evaluate("window.tkSeen") == [], "the page showed before its labels were in English"
        held[0].continue_()
        expect(page.locator("#tk-send")).to_have_text("Send")
        expect(page.locator("#tk-send")).to_be_visible()
        page.wait_for_function("window.tkSeen.length > 0")
        assert page.evaluate("window.tkSeen") == ["Send"], "the Send button showed in another language first"
    finally:
        context.close()


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
