"""A decision brief: "分享 / Share" under an answer makes a read-only link that opens on a phone
without signing in, a PDF of the same page, and the owner can stop sharing it. Screenshots:
tests/artifacts/brief-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from web_support import PHONE, Page, Served, ask, expect, open_at, reader_scrolls, shoot

pytestmark = pytest.mark.browser

QUESTIONS = {
    "zh-CN": ("15美元的AI视频和300美元的达人视频，哪个每1美元GMV更高？", ("结论", "你的数字与计算", "来源与证据等级", "有分歧的地方")),
    "en-US": ("Is a $15 AI video cheaper per dollar of GMV than a $300 creator video?",
              ("Verdict", "Your numbers and the sums", "Sources and how strong they are", "What is disputed")),
}


@pytest.mark.parametrize("locale", list(QUESTIONS))
def test_a_shared_brief_opens_on_a_phone_from_its_link_and_stops_when_revoked(
    served: Served, open_page: Callable[..., Page], locale: str
) -> None:
    question, headings = QUESTIONS[locale]
    page = open_at(open_page, served.url, "desktop", locale, permissions=["clipboard-read", "clipboard-write"])
    answer = ask(page, question)
    verdict = answer.locator("p").first.inner_text().strip()
    reader_scrolls(page)
    answer.locator(".tk-share").click()
    link = page.locator("#tk-share-link")
    expect(link).to_be_visible()
    page.locator("#tk-share-copy").click()
    url = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(served.url) + r"/brief/[A-Za-z0-9_-]{32}", url), url
    shoot(page, f"brief-share-{locale[:2]}")

    # Another person, on a phone, with no cookie and no sign-in, opens the link.
    phone = open_page(served.url, viewport=PHONE, locale=locale, has_touch=True, is_mobile=True)
    phone.goto(url)
    expect(phone.locator("#verdict")).to_have_text(verdict)
    for heading in headings:
        expect(phone.get_by_role("heading", name=heading)).to_be_visible()
    expect(phone.locator("main")).to_contain_text(question)
    sources = phone.locator("ol li")
    assert sources.count() == answer.locator(".tk-chip").count() > 0
    assert all(re.search(r"\d{4}-\d{2}-\d{2}|未注明日期|undated", text) for text in sources.all_inner_texts())
    assert phone.locator("ol .badge").count() == sources.count()  # each source with its evidence level
    assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth + 1"), "the brief scrolls sideways on a phone"
    assert float(phone.evaluate("getComputedStyle(document.querySelector('main section p')).fontSize").rstrip("px")) >= 16
    shoot(phone, f"brief-phone-{locale[:2]}", full_page=True)

    pdf = httpx.get(url + ".pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"FontFile2" in pdf.content or b"FontFile" in pdf.content  # the font is embedded (Chinese draws anywhere)
    assert pdf.headers["cache-control"] == "no-store"

    page.locator("#tk-share-revoke").click()
    page.locator("#tk-notice").get_by_text("已停止分享" if locale == "zh-CN" else "Sharing stopped").wait_for()
    assert httpx.get(url).status_code == 404 and httpx.get(url + ".pdf").status_code == 404
    phone.reload()
    expect(phone.locator("body")).to_contain_text("已被停止分享" if locale == "zh-CN" else "revoked")


def test_a_guessed_or_malformed_link_opens_nothing(served: Served) -> None:
    for token in ("A" * 32, "../../etc/passwd", "x" * 500):
        assert httpx.get(f"{served.url}/brief/{token}").status_code == 404
