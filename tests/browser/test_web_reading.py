"""Reading an answer: its start stays in view as it arrives, copy gives clean text, and no internal
id shows. Screenshots: tests/artifacts/answer-start-*.png."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.kb.retrieve import Retriever
from assistant.tools.calculators import CALCULATORS
from web_support import DESKTOP, PHONE, Page, Served, ask, shoot

pytestmark = pytest.mark.browser

QUESTIONS = {
    "zh-CN": ("我的视频20万播放, GPM 12, 能卖多少?", "2026年新手要不要All in AI短视频?"),
    "en-US": ("Is a $15 AI video cheaper per dollar of GMV than a $300 creator video?", "Will my account get throttled for AI videos?"),
}
TOOL_NAMES = [*CALCULATORS, "search_knowledge", "check_policy"]

FIRST_SENTENCE_IN_VIEW = """(answer) => {
    const first = answer.querySelector('p, li');
    const box = document.querySelector('#tk-chat .bubble-wrap').getBoundingClientRect();
    const r = first.getBoundingClientRect();
    return r.height > 0 && r.top >= Math.max(box.top, 0) - 1 && r.top + 16 <= Math.min(box.bottom, innerHeight);
}"""


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_fresh_answer_finishes_with_its_first_sentence_in_view(
    served: Served, open_page: Callable[..., Page], size: str, locale: str
) -> None:
    page = open_page(served.url, viewport=PHONE if size == "phone" else DESKTOP, locale=locale)
    first, second = QUESTIONS[locale]
    ask(page, first)
    answer = ask(page, second)
    assert answer.evaluate(FIRST_SENTENCE_IN_VIEW), "the new answer's start scrolled out of view"
    shoot(page, f"answer-start-{size}-{locale[:2]}")


def test_copy_gives_the_reply_and_numbered_sources_as_plain_text(served: Served, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, permissions=["clipboard-read", "clipboard-write"])
    answer = ask(page, "Will my account get throttled for AI videos?")
    page.locator('#tk-chat .message-buttons-left button[aria-label="Copy message"]').last.click()
    page.wait_for_timeout(300)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "<" not in copied and "**" not in copied and "Tool" not in copied
    assert not [name for name in TOOL_NAMES if name in copied]
    first_line = answer.locator("p").first.inner_text().strip()
    assert copied.startswith(first_line[:40])
    sources = copied.split("\nSources:\n")[1].splitlines()
    chips = answer.locator(".tk-chip").count()
    assert len(sources) == chips > 0 and sources[0].startswith("1. ") and "https://" in sources[0]


def test_no_entry_id_or_tool_name_shows_in_the_chat(served: Served, retriever: Retriever, open_page: Callable[..., Page]) -> None:
    page = open_page(served.url, locale="zh-CN")
    for question in (*QUESTIONS["zh-CN"], "Will my account get throttled for AI videos?"):
        ask(page, question)
    shown = page.locator("#tk-chat").inner_text()
    assert page.locator("#tk-chat .tk-chip").count() >= 5
    assert not [entry.id for entry in retriever.kb if entry.id in shown]
    assert not [name for name in TOOL_NAMES if name in shown]
