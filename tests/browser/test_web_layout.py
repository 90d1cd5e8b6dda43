"""The page on a phone and a desktop, in both languages: what shows on first load, and that every
control fits. Screenshots go to tests/artifacts/first-load-*.png and *-narrow.png."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from web_support import DESKTOP, NARROW, PHONE, Page, Served, ask, expect, in_viewport, shoot

pytestmark = pytest.mark.browser

SIZES = {"phone": PHONE, "desktop": DESKTOP, "narrow": NARROW}
TABS = {"zh-CN": ("对话", "计算器", "知识库"), "en-US": ("Chat", "Calculators", "Knowledge")}
NO_PAGE_SCROLL = "document.documentElement.scrollHeight <= innerHeight + 1 && document.documentElement.scrollWidth <= innerWidth + 1"


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["phone", "desktop", "narrow"])
def test_first_load_shows_the_input_and_send_without_scrolling(
    served: Served, open_page: Callable[..., Page], size: str, locale: str
) -> None:
    page = open_page(served.url, viewport=SIZES[size], locale=locale)
    expect(page.get_by_role("tab", name=TABS[locale][0])).to_be_visible()
    assert in_viewport(page, "#tk-input textarea") and in_viewport(page, "#tk-send")
    assert page.evaluate(NO_PAGE_SCROLL), "the page itself scrolls: the chat should be its only scroll container"
    summary = page.locator("#tk-disclaimer summary")
    assert summary.bounding_box()["height"] < 30, "the disclaimer is one line"
    shoot(page, f"first-load-{size}-{locale[:2]}")
    summary.click()
    expect(page.locator("#tk-disclaimer details p")).to_contain_text("证据等级" if locale == "zh-CN" else "Evidence, strongest first")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_after_an_answer_on_a_phone_the_chat_scrolls_and_the_input_stays(
    served: Served, open_page: Callable[..., Page], locale: str
) -> None:
    page = open_page(served.url, viewport=PHONE, locale=locale)
    ask(page, "我的视频20万播放, GPM 12, 能卖多少?" if locale == "zh-CN" else "Will my account get throttled for AI videos?")
    scroller = page.evaluate(
        "[...document.querySelectorAll('#tk-chat *')].some(e => e.scrollHeight > e.clientHeight + 1"
        " && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))"
    )
    assert scroller, "the answer scrolls inside the chat"
    assert page.evaluate(NO_PAGE_SCROLL) and in_viewport(page, "#tk-input textarea") and in_viewport(page, "#tk-send")
    shoot(page, f"answer-phone-{locale[:2]}")


DROPDOWN_TEXT_CLEARS_ARROW = """(id) => [...document.querySelectorAll(`#${id} .secondary-wrap`)].every(wrap => {
    const input = wrap.querySelector('input'), icon = wrap.querySelector('.icon-wrap');
    if (!icon) return true;
    const text = input.getBoundingClientRect().right - parseFloat(getComputedStyle(input).paddingRight);
    return text <= icon.getBoundingClientRect().left + 1;
})"""


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_calculator_and_knowledge_controls_fit_at_360_px(served: Served, open_page: Callable[..., Page], locale: str) -> None:
    page = open_page(served.url, viewport=NARROW, locale=locale)
    page.get_by_role("tab", name=TABS[locale][1]).click()
    page.locator("#tk-calc-pick input").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    for dropdown in ("tk-calc-pick", "tk-calc-gmv_from_views-gpm_basis"):
        assert page.evaluate(DROPDOWN_TEXT_CLEARS_ARROW, dropdown), f"{dropdown}: its text runs under the arrow"
    shoot(page, f"calculators-narrow-{locale[:2]}", full_page=True)
    page.get_by_role("tab", name=TABS[locale][2]).click()
    page.locator("#tk-entries .tk-entry").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    for dropdown in ("tk-kb-topics", "tk-kb-markets", "tk-kb-evidence"):
        assert page.evaluate(DROPDOWN_TEXT_CLEARS_ARROW, dropdown), f"{dropdown}: its text runs under the arrow"
    shoot(page, f"knowledge-narrow-{locale[:2]}")
