"""The chat tab's turn logic against the real offline Advisor: streaming into the history, restoring it."""

from __future__ import annotations

import gradio as gr
import pytest
from fastapi import FastAPI
from starlette.routing import Mount

from assistant.advisor import Advisor
from assistant.answer import InvalidInput
from assistant.store import Store
from assistant.ui.app import QUEUE_POLL_SECONDS, mount_ui
from assistant.ui.turns import WebSession, restore, stream_turn, text_pieces


def _content(message: gr.ChatMessage) -> str:
    return str(message.content)


def _web() -> WebSession:
    return WebSession(owner="web:test", session_id=Store.new_session_id())


def test_a_streamed_turn_shows_thoughts_then_the_cited_answer(advisor: Advisor) -> None:
    steps = list(stream_turn(advisor, "我的视频20万播放, GPM 12, 能卖多少?", [], _web(), "zh"))
    history, answer = steps[-1]
    assert answer is not None and all(a is None for _, a in steps[:-1])
    assert history[0].role == "user"
    titles = [m.metadata.get("title") for m in history if m.metadata]
    assert len(titles) == 1 and titles[0].startswith("查了") and titles[0].endswith("· 算了播放量能带来多少GMV"), titles
    assert all(m.metadata["status"] == "done" for m in history if m.metadata)
    assert any(m.metadata.get("status") == "pending" for shown, _ in steps[:-1] for m in shown if m.metadata)
    final = _content(history[-1])
    assert "2,400" in final and 'class="tk-sources"' in final


def test_restore_rebuilds_the_conversation_and_its_feedback_records(advisor: Advisor) -> None:
    web = _web()
    *_, (shown, answer) = stream_turn(advisor, "Will my account get throttled for AI videos?", [], web, "en")
    restored, records = restore(advisor, advisor.store.history(web.session_id))
    assert [m.role for m in restored] == [m.role for m in shown]
    assert _content(restored[-1]).count('class="tk-chip ') == len(answer.citations) > 0
    assert records[0].question == "Will my account get throttled for AI videos?"
    assert records[0].citations == [c.id for c in answer.citations] and records[0].provider == "offline"


@pytest.mark.parametrize(("text", "code"), [("   ", "empty"), ("x" * 4001, "too_long")])
def test_unsendable_input_raises_before_anything_is_shown(advisor: Advisor, text: str, code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        next(stream_turn(advisor, text, [], _web(), "en"))
    assert raised.value.code == code


def test_the_mounted_chat_queue_does_not_poll_every_millisecond(advisor: Advisor) -> None:
    app = mount_ui(FastAPI(), advisor, advisor.settings)
    (mounted,) = [r for r in app.routes if isinstance(r, Mount)]
    assert mounted.app.get_blocks()._queue.sleep_when_free == QUEUE_POLL_SECONDS == 0.01


def test_text_pieces_keep_every_character_and_break_long_chunks() -> None:
    chunk = "**20万次曝光、GPM 12，预计带来约2,400美元的GMV。**\n\nNext step: ask which denominator the GPM uses, views or impressions."
    pieces = list(text_pieces(chunk))
    assert "".join(pieces) == chunk and len(pieces) >= 4
    assert list(text_pieces("ok")) == ["ok"]


def test_the_reply_streams_in_growing_snapshots_before_the_final_answer(advisor: Advisor) -> None:
    steps = list(stream_turn(advisor, "Will my account get throttled for AI videos?", [], _web(), "en"))
    texts = [_content(h[-1]) for h, a in steps if a is None and h[-1].role == "assistant" and not h[-1].metadata]
    assert len(texts) >= 5, "the reply arrives in pieces"
    assert all(later.startswith(earlier) for earlier, later in zip(texts, texts[1:]))
    assert texts[0] and steps[-1][1] is not None and steps[-1][1].answer.startswith(texts[-1].split("&lt;")[0][:20])
