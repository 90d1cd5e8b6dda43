"""The web chat in a real browser: Debian's Chromium driven by Playwright against the served app.

One server (the production FastAPI app around the real offline Advisor) and one browser per
module; each test gets a fresh browser context (so a fresh browser session) unless it says
otherwise. Screenshots of the main screens go to tests/artifacts/.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.advisor import Advisor, build_llm
from assistant.config import MAX_INPUT_CHARS, Settings
from assistant.kb.retrieve import Retriever
from assistant.service.api import create_app
from assistant.service.server import BackgroundServer
from assistant.store import Store
from openai_stub import OpenAIStub, Reply
from web_support import PHONE, TIMEOUT_MS, Page, Served, answers, ask, browser_owner, expect, goto, playwright_api, shoot, wait_until

pytestmark = pytest.mark.browser


# --- chat ---------------------------------------------------------------------------------


def test_chinese_and_english_questions_get_cited_answers_with_tool_thoughts(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, locale="zh-CN")
    zh = ask(page, "2026年新手要不要All in AI短视频?")
    assert zh.locator(".tk-chip").count() >= 1
    assert zh.locator(".tk-badge").first.inner_text() in {"官方", "行业媒体", "第三方", "内部人士", "观点"}
    expect(page.get_by_text(re.compile(r"^查了\d+条资料")).first).to_be_visible()  # what was done, in plain words

    en = ask(page, "Will my account get throttled for AI videos?")
    assert "throttl" in en.inner_text().lower()
    chip_link = en.locator("a.tk-chip-title").first
    assert chip_link.get_attribute("href").startswith("https://")
    assert chip_link.get_attribute("target") == "_blank"
    assert page.locator("#tk-chat").get_by_text(re.compile(r"^(查了\d+条资料|Read \d+ sources)")).count() >= 2
    shoot(page, "chat-desktop")


def test_follow_up_reuses_the_earlier_numbers(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, locale="zh-CN")
    first = ask(page, "我的视频20万播放, GPM 12, 能卖多少?")
    assert "2,400" in first.inner_text()
    follow_up = ask(page, "那如果GPM是20呢?")
    assert "4,000" in follow_up.inner_text()
    assert page.get_by_text(re.compile("算了播放量能带来多少GMV")).count() >= 2


def test_thumbs_down_with_a_comment_is_stored(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url)
    answer = ask(page, "Is a $15 AI video cheaper per dollar of GMV than a $300 creator video?")
    cited = answer.locator(".tk-chip").count()
    page.locator('#tk-chat button[aria-label="Dislike"]').last.click()
    page.locator("#tk-feedback").get_by_text("What was wrong with this answer?").wait_for()
    page.locator("#tk-feedback-comment textarea").fill("The creator cost looks too high for my niche.")
    page.locator("#tk-feedback-send").click()
    page.locator("#tk-notice").get_by_text("Feedback saved").wait_for()
    expect(page.locator("#tk-feedback")).to_be_hidden()

    store = Store(served.settings.sqlite_path)
    row = wait_until(lambda: next((r for r in store.feedback() if r.comment.startswith("The creator cost")), None))
    assert row.rating == -1 and row.channel == "web" and row.session_id
    assert row.question.startswith("Is a $15 AI video") and "$" in row.answer
    assert len(row.citations) == cited and row.provider == "offline"


def test_empty_and_oversized_messages_explain_the_problem(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url)
    page.locator("#tk-send").click()
    page.locator("#tk-notice .tk-notice-error").get_by_text("please type a question").wait_for()

    page.locator("#tk-input textarea").fill("GPM " * (MAX_INPUT_CHARS // 4 + 10))
    page.locator("#tk-send").click()
    page.locator("#tk-notice .tk-notice-error").get_by_text(f"the limit is {MAX_INPUT_CHARS:,}").wait_for()
    assert len(page.locator("#tk-input textarea").input_value()) > MAX_INPUT_CHARS  # kept for editing
    assert page.locator('#tk-chat [data-testid="user"]').count() == 0


def test_reload_keeps_the_conversation_and_a_new_chat_starts_fresh(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url)
    ask(page, "Will my account get throttled for AI videos?")
    chips = answers(page).first.locator(".tk-chip").count()
    goto(page, page.url)
    answers(page).first.wait_for()
    expect(page.locator("#tk-chat").get_by_text("Will my account get throttled for AI videos?")).to_be_visible()
    expect(answers(page).first.locator(".tk-chip")).to_have_count(chips)
    assert page.locator("#tk-chat").get_by_text(re.compile(r"^Read \d+ sources")).count() >= 1

    store = Store(served.settings.sqlite_path)
    owner = browser_owner(page)
    session = store.latest_session(owner)
    assert session is not None and not [k for k in page.evaluate("Object.keys(localStorage)") if "session" in k]
    other = open_page(served.url)  # another browser: its own, empty conversation
    other.locator("#tk-chat").get_by_text("Try an example below").wait_for()
    assert answers(other).count() == 0 and browser_owner(other) != owner
    page.locator("#tk-sidebar .toggle-button").click()
    page.locator("#tk-new-chat").click()
    deadline = time.monotonic() + 10
    while store.latest_session(owner) == session and time.monotonic() < deadline:
        time.sleep(0.05)
    goto(page, page.url)
    page.locator("#tk-chat").get_by_text("Try an example below").wait_for()
    assert answers(page).count() == 0


def test_a_reload_while_an_answer_is_written_is_not_aborted_by_the_page(
    retriever: Retriever, tmp_path: Path, open_page: Callable[..., Page], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload while an answer is still being written, on a server slow to send the new page: Gradio's
    connection, closed as the page is left, counts as lost and it polls the server to reload the page,
    which aborted the reload under way (net::ERR_ABORTED). The page keeps polling instead (a second
    poll only comes when the first did not reload) and the reload asked for is the only navigation."""
    settings = Settings.from_env(environ={}, data_dir=tmp_path, provider="offline", answer_workers=0)
    advisor = Advisor(settings, retriever, Store(settings.sqlite_path))
    go_on = threading.Event()
    answering = advisor.stream

    def held_answer(*args: object, **kwargs: object) -> object:  # the answer waits after its first event
        events = answering(*args, **kwargs)
        yield next(events)
        go_on.wait(TIMEOUT_MS / 1000)
        yield from events

    monkeypatch.setattr(advisor, "stream", held_answer)
    with BackgroundServer(create_app(advisor, settings)) as server:
        page = open_page(server.url)
        held: list[playwright_api.Route] = []

        def hold(route: playwright_api.Route) -> None:
            held.append(route)

        page.route(lambda url: url.rstrip("/") == server.url, hold)  # the next page is slow to come
        page.locator("#tk-input textarea").fill("Will my account get throttled for AI videos?")
        page.locator("#tk-input textarea").press("Enter")
        page.locator("#tk-chat [data-testid='user']").first.wait_for()
        with page.expect_request(lambda request: request.is_navigation_request()):
            page.evaluate("location.reload()")
        for _ in range(2):  # watched on the network: whatever reads the page waits for the navigation
            with page.expect_request("**/gradio_api/app_id"):
                pass
        go_on.set()
        assert len(held) == 1, "the page navigated again by itself"
        with page.expect_event("load"):
            held[0].continue_()
        page.wait_for_function("document.body.classList.contains('tk-ready')")  # the new page is up
        page.context.close()  # let the server stop without waiting for the page's open stream


def test_an_example_question_is_sent_on_click(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url)
    page.get_by_role("button", name=re.compile(r"^Select example \d: Will my account get throttled")).click()
    answers(page).first.wait_for()


def test_provider_down_shows_the_fallback_notice(
    retriever: Retriever, tmp_path: Path, open_page: Callable[..., Page]
) -> None:
    with OpenAIStub() as stub:
        settings = Settings.from_env(environ={}, data_dir=tmp_path, llm_base_url=stub.base_url, llm_model="stub",
                                     llm_timeout=2, llm_max_retries=0)  # fmt: skip
        stub.enqueue(*[Reply(status=500)] * 4)
        advisor = Advisor(settings, retriever, Store(settings.sqlite_path), build_llm(settings))
        with BackgroundServer(create_app(advisor, settings)) as server:
            page = open_page(server.url)
            answer = ask(page, "Will my account get throttled for AI videos?")
            assert "the offline engine answered" in answer.locator(".tk-notice-warning").inner_text()
            page.context.close()  # let the server stop without waiting for the page's open stream


# --- language ------------------------------------------------------------------------------


def test_language_follows_the_browser_and_the_switch_relabels_and_sticks(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, locale="en-US")
    expect(page.get_by_role("tab", name="Calculators")).to_be_visible()
    expect(page.locator("#tk-send")).to_have_text("Send")
    page.locator("#tk-lang").get_by_text("中文").click()
    expect(page.get_by_role("tab", name="计算器")).to_be_visible()
    expect(page.locator("#tk-send")).to_have_text("发送")
    expect(page.locator("#tk-disclaimer")).to_contain_text("证据等级")
    page.get_by_role("tab", name="知识库").click()
    expect(page.locator("#tk-entries .tk-count")).to_have_text(re.compile("^共"))
    goto(page, page.url)
    page.get_by_role("tab", name="知识库").wait_for()

    zh_page = open_page(served.url, locale="zh-CN")
    expect(zh_page.get_by_role("tab", name="对话")).to_be_visible()


# --- calculators and knowledge -----------------------------------------------------------------


def pick_calculator(page: Page, description: str) -> None:
    page.locator("#tk-calc-pick input").click()
    page.get_by_role("option", name=description).click()


def test_calculators_render_results_charts_and_input_errors(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url)
    page.get_by_role("tab", name="Calculators").click()
    page.locator("#tk-calc-gmv_from_views-views input, #tk-calc-gmv_from_views-views textarea").fill("20万")
    page.locator("#tk-calc-gmv_from_views-gpm input, #tk-calc-gmv_from_views-gpm textarea").fill("12")
    page.locator("#tk-calc-run-gmv_from_views").click()
    page.locator("#tk-calc-result").get_by_text("$2,400").first.wait_for()
    page.locator("#tk-calc-chart canvas, #tk-calc-chart svg.marks").first.wait_for()

    pick_calculator(page, "AI vs creator vs own original video")
    page.locator("#tk-calc-run-compare_content_options").click()
    page.locator("#tk-calc-result .tk-headline").get_by_text("GMV per $1 of cost").wait_for()
    assert page.locator("#tk-calc-result .tk-ev-insider").count() >= 1  # defaults cite their entries
    page.locator("#tk-calc-bars canvas, #tk-calc-bars svg.marks").first.wait_for()
    expect(page.locator("#tk-calc-chart")).to_be_hidden()
    shoot(page, "calculators-desktop", full_page=True)

    pick_calculator(page, "Expected profit of an AI-video plan")
    page.locator("#tk-calc-risk_adjusted_return-probability input, #tk-calc-risk_adjusted_return-probability textarea").fill("lots")
    page.locator("#tk-calc-run-risk_adjusted_return").click()
    page.locator("#tk-calc-error .tk-notice-error").wait_for()
    expect(page.locator("#tk-calc-chart")).to_be_hidden()
    page.locator("#tk-calc-risk_adjusted_return-probability input, #tk-calc-risk_adjusted_return-probability textarea").fill("20%")
    page.locator("#tk-calc-run-risk_adjusted_return").click()
    page.locator("#tk-calc-result").get_by_text("break").first.wait_for()
    page.locator("#tk-calc-chart canvas, #tk-calc-chart svg.marks").first.wait_for()


def listed_count(page: Page) -> int:
    """The number in the knowledge list's count line ("71 entries")."""
    return int("".join(ch for ch in page.locator("#tk-entries .tk-count").inner_text() if ch.isdigit()))


def test_knowledge_tab_searches_and_filters(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url)
    page.get_by_role("tab", name="Knowledge").click()
    cards = page.locator("#tk-entries .tk-entry")
    wait_until(lambda: cards.count() == 10)  # the first page
    total = listed_count(page)
    assert total > 10
    shoot(page, "knowledge-desktop")

    page.locator("#tk-kb-evidence input").click()
    page.get_by_role("option", name="official").click()
    wait_until(lambda: 0 < listed_count(page) < total)
    assert page.locator("#tk-entries .tk-entry header .tk-ev-official").count() == cards.count()
    assert cards.first.locator("a.tk-chip-title").get_attribute("href").startswith("https://")

    page.locator("#tk-kb-query textarea, #tk-kb-query input").first.fill("限流")
    page.locator("#tk-kb-query textarea, #tk-kb-query input").first.press("Enter")
    wait_until(lambda: "throttl" in cards.first.inner_text().lower() or "限流" in cards.first.inner_text())


# --- phone ---------------------------------------------------------------------------------------


def test_phone_width_screens(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, viewport=PHONE, locale="zh-CN")
    ask(page, "我的视频20万播放, GPM 12, 能卖多少?")
    no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    assert page.evaluate(no_sideways_scroll)
    shoot(page, "chat-phone")
    page.get_by_role("tab", name="计算器").click()
    page.locator("#tk-calc-gmv_from_views-views input, #tk-calc-gmv_from_views-views textarea").fill("20万")
    page.locator("#tk-calc-run-gmv_from_views").click()
    page.locator("#tk-calc-chart canvas, #tk-calc-chart svg.marks").first.wait_for()
    assert page.evaluate(no_sideways_scroll)
    shoot(page, "calculators-phone", full_page=True)
    page.get_by_role("tab", name="知识库").click()
    assert page.evaluate(no_sideways_scroll)
    shoot(page, "knowledge-phone")
