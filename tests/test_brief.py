"""Decision briefs: what a shared answer holds, its page and PDF, and its link's life (share, open, revoke)."""

from __future__ import annotations

import re

import pytest

from assistant.advisor import Advisor
from assistant.brief.content import build_brief
from assistant.brief.page import brief_page, gone_page
from assistant.brief.pdf import FontMissing, brief_pdf
from assistant.brief.store import TOKEN, Briefs
from assistant.plain_text import numbered, plain
from assistant.store import Store


def _shared(advisor: Advisor, question: str):
    answer = advisor.ask(question, session_id=Store.new_session_id())
    located = advisor.store.message(answer.message_id)
    return answer, located, build_brief(located, advisor.citation, lambda i: i in advisor.kb)


@pytest.mark.parametrize("question", ["15美元的AI视频和300美元的达人视频，哪个每1美元GMV更高？",
                                      "Is a $15 AI video cheaper per dollar of GMV than a $300 creator video?"])
def test_a_brief_holds_the_question_verdict_numbers_sources_and_disputes(advisor: Advisor, question: str) -> None:
    answer, located, brief = _shared(advisor, question)
    assert brief.lang == answer.lang and brief.question == located.question
    assert brief.verdict and brief.verdict in plain(numbered(answer.answer, answer.citations))
    (calc,) = brief.calculations
    assert calc.given and calc.lines and all("_" not in label for label, _ in calc.given)
    assert [s.title for s in brief.sources] == [c.title for c in answer.citations]
    assert all(s.evidence_label for s in brief.sources)
    disputed = {frozenset((c.id, o)) for c in answer.citations for o in c.contradicted_by}
    assert len(brief.disputed) == len(disputed)
    assert not [c.id for c in answer.citations if c.id in brief.model_dump_json()]  # numbered, no entry ids
    words = [brief.question, brief.verdict, *brief.reply, *brief.disputed,
             *(w for c in brief.calculations for w in (c.headline, *c.lines, *c.assumed, *(f"{a} {b}" for a, b in c.given)))]
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", " ".join(words))  # no calculator or field names


def test_the_page_escapes_everything_and_the_pdf_embeds_a_chinese_font(advisor: Advisor) -> None:
    _, _, brief = _shared(advisor, "我的视频20万播放，GPM 12，能卖多少？")
    evil = brief.model_copy(update={"question": '<script>alert(1)</script>"'})
    page = brief_page(evil, "x.pdf")
    assert "<script>alert" not in page and "&lt;script&gt;" in page and 'href="x.pdf"' in page
    assert '<html lang="zh-CN">' in brief_page(brief, "x.pdf") and "name=\"viewport\"" in page
    pdf = brief_pdf(brief)
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf
    assert b"WenQuanYi" in pdf or b"Noto" in pdf or b"Droid" in pdf
    assert "不存在或已被停止分享" in gone_page() and "revoked" in gone_page()


def test_no_font_is_a_clear_error(advisor: Advisor, monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, brief = _shared(advisor, "Will my account get throttled for AI videos?")
    monkeypatch.setenv("TK_PDF_FONT", "/nonexistent/font.ttf")
    with pytest.raises(FontMissing, match="fonts-wqy-microhei"):
        brief_pdf(brief)


def test_a_link_opens_until_its_owner_revokes_it(advisor: Advisor) -> None:
    answer, located, brief = _shared(advisor, "Will my account get throttled for AI videos?")
    briefs = Briefs(advisor.store)
    token = briefs.share(brief, owner="web:a", session_id=located.session_id, message_id=answer.message_id)
    assert TOKEN.fullmatch(token) and briefs.open(token) == brief
    assert briefs.open(token[:-1] + ("A" if token[-1] != "A" else "B")) is None and briefs.open("../x") is None
    assert not briefs.revoke(token, "web:someone-else") and briefs.open(token) == brief
    assert briefs.revoke(token, "web:a") and briefs.open(token) is None and not briefs.revoke(token, "web:a")
    other = briefs.share(brief, owner="web:a", session_id=located.session_id, message_id=answer.message_id)
    assert briefs.revoke_conversation(located.session_id, "web:a") == 1 and briefs.open(other) is None


def test_the_last_turn_can_be_dropped_by_its_owner_only(advisor: Advisor) -> None:
    session = Store.new_session_id()
    advisor.ask("我的视频20万播放，GPM 12，能卖多少？", session_id=session)
    advisor.ask("那如果GPM是20呢？", session_id=session)
    store = advisor.store
    assert store.history(session)[0].meta["typed"] == "我的视频20万播放，GPM 12，能卖多少？"  # as typed, "，？" kept
    assert not store.drop_last_turn(session, "web:someone-else") and len(store.history(session)) == 4
    assert store.drop_last_turn(session, "local") and [m.role for m in store.history(session)] == ["user", "assistant"]
    assert store.drop_last_turn(session, "local") and store.history(session) == []
    assert not store.drop_last_turn(session, "local")
