"""The calculators' native charts (hover values, a split scale) and the knowledge tab's ranked,
localised, paged list, in Chromium. Screenshots: calculators-chart-*.png, knowledge-*.png."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from web_support import PHONE, Page, Served, expect, shoot, wait_until

pytestmark = pytest.mark.browser


def run_gmv(page: Page, views: str, gpm: str) -> None:
    """GMV from views on the article's basis (impressions), so its GPM 10, 16 and 100 lines join the seller's."""
    page.locator("#tk-calc-gmv_from_views-views input, #tk-calc-gmv_from_views-views textarea").fill(views)
    page.locator("#tk-calc-gmv_from_views-gpm input, #tk-calc-gmv_from_views-gpm textarea").fill(gpm)
    page.locator("#tk-calc-gmv_from_views-gpm_basis input").click()
    page.get_by_role("option", name="impressions").click()
    page.locator("#tk-calc-run-gmv_from_views").click()


def test_the_gmv_chart_is_native_with_hover_values_and_a_split_scale(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url)
    page.get_by_role("tab", name="Calculators").click()
    run_gmv(page, "20万", "12")
    chart = page.locator("#tk-calc-chart")
    chart.locator("canvas, svg.marks").first.wait_for()
    expect(page.locator("#tk-calc-chart-2")).to_be_visible()  # GPM 100 on its own scale
    expect(chart).to_contain_text("GMV against views")
    box = chart.locator("canvas, svg.marks").first.bounding_box()
    tooltip = page.locator("#vg-tooltip-element")
    for step in range(5, 100, 5):  # sweep across the plot until the tooltip shows a point's values
        page.mouse.move(box["x"] + box["width"] * step / 100, box["y"] + box["height"] / 2)
        page.wait_for_timeout(60)
        if tooltip.is_visible() and "GMV" in tooltip.inner_text():
            break
    assert tooltip.is_visible() and "Views" in tooltip.inner_text(), "no hover values"
    shoot(page, "calculators-chart-desktop")


def test_charts_fit_a_phone(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, viewport=PHONE, locale="zh-CN")
    page.get_by_role("tab", name="计算器").click()
    run_gmv(page, "20万", "12")
    page.locator("#tk-calc-chart canvas, #tk-calc-chart svg.marks").first.wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    page.locator("#tk-calc-chart").scroll_into_view_if_needed()
    shoot(page, "calculators-chart-phone")


def test_knowledge_search_is_ranked_and_floored_filters_localised_and_paged(
    served: Served, open_page: Callable[..., Page]
) -> None:
    page = open_page(served.url, locale="zh-CN")
    page.get_by_role("tab", name="知识库").click()
    cards = page.locator("#tk-entries .tk-entry")
    wait_until(lambda: cards.count() == 10)
    expect(page.locator("#tk-kb-page")).to_contain_text("第 1 / ")
    first_title = cards.first.locator("h3").inner_text()
    page.locator("#tk-kb-next").click()
    expect(page.locator("#tk-kb-page")).to_contain_text("第 2 / ")
    assert cards.first.locator("h3").inner_text() != first_title

    page.locator("#tk-kb-topics input").click()
    expect(page.get_by_role("option", name="限流", exact=True)).to_be_visible()
    assert page.get_by_role("option", name="throttling").count() == 0
    page.keyboard.press("Escape")

    page.locator("#tk-kb-query textarea, #tk-kb-query input").first.fill("限流")
    page.locator("#tk-kb-query textarea, #tk-kb-query input").first.press("Enter")
    count = page.locator("#tk-entries .tk-count")
    wait_until(lambda: int("".join(ch for ch in count.inner_text() if ch.isdigit())) <= 10)  # not the whole list
    assert "限流" in cards.first.inner_text() and cards.count() <= 10
    assert not page.locator("#tk-entries .tk-id").count()
    shoot(page, "knowledge-search-zh")

    page.locator("#tk-kb-query textarea, #tk-kb-query input").first.fill("面包怎么烤")
    page.locator("#tk-kb-query textarea, #tk-kb-query input").first.press("Enter")
    page.locator("#tk-entries").get_by_text("没有符合条件的条目").wait_for()
