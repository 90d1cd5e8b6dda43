"""The native API a team builds on, over a real server: conversations and messages as resources,
feedback by message id, `/api/ask` streamed as server-sent events, and stopping a stream."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from service_support import serving, shared_advisor

from assistant.engine.guard import clean

KEY = "sk-conversations-0123456789"
OTHER = "sk-conversations-other-0123"
AUTH = {"Authorization": f"Bearer {KEY}"}
OTHER_AUTH = {"Authorization": f"Bearer {OTHER}"}
QUESTION = "AI生成的视频GPM比原创低多少？"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving(api_keys=(KEY, OTHER), rate_limit_per_minute=60_000, rate_limit_burst=10_000) as base:
        yield base


def events(response: httpx.Response) -> list[tuple[str, Any]]:
    """(event, data) pairs of a server-sent event stream."""
    parsed, name = [], "message"
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            parsed.append((name, json.loads(line.removeprefix("data: "))))
    return parsed


def test_every_answer_has_a_message_id_and_its_conversation_lists_it(url: str) -> None:
    first = httpx.post(f"{url}/api/ask", headers=AUTH, json={"question": QUESTION}, timeout=60).json()
    second = httpx.post(f"{url}/api/ask", headers=AUTH, json={"question": "美区呢？", "session_id": first["session_id"]},
                        timeout=60).json()
    assert first["message_id"] and second["message_id"] and first["message_id"] != second["message_id"]
    listed = httpx.get(f"{url}/api/conversations", headers=AUTH).json()["data"]
    mine = next(c for c in listed if c["id"] == first["session_id"])
    assert mine["title"] == clean(QUESTION), "titled by its first question (as stored)"
    assert listed[0]["id"] == first["session_id"], "latest first"
    got = httpx.get(f"{url}/api/conversations/{first['session_id']}", headers=AUTH).json()
    assert [m["role"] for m in got["messages"]] == ["user", "assistant", "user", "assistant"]
    answers = [m for m in got["messages"] if m["role"] == "assistant"]
    assert [m["id"] for m in answers] == [first["message_id"], second["message_id"]]
    assert answers[0]["content"] == first["answer"] and answers[0]["details"] == first["details"]
    assert [c["id"] for c in answers[0]["citations"]] == [c["id"] for c in first["citations"]]
    assert all(m["id"] for m in got["messages"]), "questions have ids too"


def test_another_key_sees_none_of_it(url: str) -> None:
    asked = httpx.post(f"{url}/api/ask", headers=AUTH, json={"question": QUESTION}, timeout=60).json()
    assert asked["session_id"] not in [c["id"] for c in httpx.get(f"{url}/api/conversations", headers=OTHER_AUTH).json()["data"]]
    for response in (httpx.get(f"{url}/api/conversations/{asked['session_id']}", headers=OTHER_AUTH),
                     httpx.delete(f"{url}/api/conversations/{asked['session_id']}", headers=OTHER_AUTH)):
        assert response.status_code == 404 and response.json()["error"]["code"] == "conversation_not_found"
    rated = httpx.post(f"{url}/api/messages/{asked['message_id']}/feedback", headers=OTHER_AUTH, json={"rating": 1})
    assert rated.status_code == 404 and rated.json()["error"]["code"] == "message_not_found"
    assert shared_advisor().store.history(asked["session_id"]), "nothing was deleted"


def test_feedback_by_message_id_is_tied_to_the_answer(url: str) -> None:
    asked = httpx.post(f"{url}/api/ask", headers=AUTH, json={"question": QUESTION}, timeout=60).json()
    response = httpx.post(f"{url}/api/messages/{asked['message_id']}/feedback", headers=AUTH,
                          json={"rating": -1, "comment": "too vague"})
    assert response.status_code == 201
    row = next(r for r in shared_advisor().store.feedback() if r.id == response.json()["id"])
    assert (row.message_id, row.session_id, row.rating, row.comment, row.channel) == (
        asked["message_id"], asked["session_id"], -1, "too vague", "api")
    assert (row.question, row.answer) == (clean(QUESTION), asked["answer"])
    assert row.citations == [c["id"] for c in asked["citations"]]
    question_id = httpx.get(f"{url}/api/conversations/{asked['session_id']}", headers=AUTH).json()["messages"][0]["id"]
    assert httpx.post(f"{url}/api/messages/{question_id}/feedback", headers=AUTH, json={"rating": 1}).status_code == 404
    assert httpx.post(f"{url}/api/messages/msg_nope/feedback", headers=AUTH, json={"rating": 1}).status_code == 404
    assert httpx.post(f"{url}/api/messages/{asked['message_id']}/feedback", headers=AUTH, json={"rating": 0}).status_code == 422


def test_a_conversation_can_be_deleted_by_its_owner(url: str) -> None:
    asked = httpx.post(f"{url}/api/ask", headers=AUTH, json={"question": QUESTION}, timeout=60).json()
    assert httpx.delete(f"{url}/api/conversations/{asked['session_id']}", headers=AUTH).status_code == 204
    assert httpx.get(f"{url}/api/conversations/{asked['session_id']}", headers=AUTH).status_code == 404
    assert shared_advisor().store.history(asked["session_id"]) == []


def test_ask_streams_text_then_one_final_event_with_everything(url: str) -> None:
    plain = httpx.post(f"{url}/api/ask", headers=AUTH, json={"question": QUESTION}, timeout=60).json()
    with httpx.stream("POST", f"{url}/api/ask", headers=AUTH, json={"question": QUESTION, "stream": True}, timeout=60) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        got = events(response)
    names = [name for name, _ in got]
    assert names[0] == "start" and names[-1] == "answer" and names.count("answer") == 1
    assert names.count("text") > 1, "the reply arrives in pieces"
    start, final = got[0][1], got[-1][1]
    assert start["stream_id"] and start["session_id"] == final["session_id"]
    assert "".join(data["delta"] for name, data in got if name == "text") == final["answer"] == plain["answer"]
    assert final["citations"] == plain["citations"] and final["details"] == plain["details"]
    assert final["message_id"] and final["follow_ups"] == plain["follow_ups"]
    assert final["usage"]["total_tokens"] == final["usage"]["prompt_tokens"] + final["usage"]["completion_tokens"] > 0
    stored = shared_advisor().store.message(final["message_id"])
    assert stored is not None and stored.session_id == start["session_id"] and stored.question == clean(QUESTION)


def test_a_streamed_answer_can_be_stopped_and_then_stores_nothing(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    advisor = shared_advisor()
    original = advisor.stream
    release = threading.Event()

    def slow_stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
        events_ = original(*args, **kwargs)
        yield next(events_)
        release.wait(10)  # a slow model: the rest comes only after the stop
        yield from events_

    monkeypatch.setattr(advisor, "stream", slow_stream)
    with httpx.stream("POST", f"{url}/api/ask", headers=AUTH, json={"question": QUESTION, "stream": True}, timeout=60) as response:
        lines = response.iter_lines()
        start = json.loads(next(line for line in lines if line.startswith("data: ")).removeprefix("data: "))
        other = httpx.post(f"{url}/api/streams/{start['stream_id']}/stop", headers=OTHER_AUTH)
        assert other.status_code == 404, "only the key that asked may stop it"
        stopped = httpx.post(f"{url}/api/streams/{start['stream_id']}/stop", headers=AUTH)
        assert stopped.status_code == 204
        rest = [line for line in lines if line.startswith("event: ")]
    release.set()
    assert rest[-1] == "event: stopped" and "event: answer" not in rest
    time.sleep(0.3)
    assert advisor.store.history(start["session_id"]) == [], "a stopped answer is not stored"
    assert httpx.post(f"{url}/api/streams/{start['stream_id']}/stop", headers=AUTH).status_code == 404, "it is over"


def test_stream_errors_before_the_first_byte_are_plain_errors(url: str) -> None:
    empty = httpx.post(f"{url}/api/ask", headers=AUTH, json={"question": "  ", "stream": True})
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "empty"
    asked = httpx.post(f"{url}/api/ask", headers=AUTH, json={"question": QUESTION}, timeout=60).json()
    theirs = httpx.post(f"{url}/api/ask", headers=OTHER_AUTH, json={"question": "美区呢？", "session_id": asked["session_id"],
                                                                    "stream": True})
    assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "session_not_found"


def test_body_limit_error_names_the_limit_and_the_way_to_keep_long_conversations() -> None:
    with serving(max_body_bytes=2048) as base:
        turns = [{"role": "user", "content": "hello " * 50}] * 10
        chat = httpx.post(f"{base}/v1/chat/completions", json={"model": "tk-advisor", "messages": turns})
        api = httpx.post(f"{base}/api/ask", json={"question": "x" * 3000})
    assert chat.status_code == 413 and "2,048 bytes" in chat.json()["error"]["message"]
    assert "TK_MAX_BODY_BYTES" in chat.json()["error"]["message"] and "X-Session-Id" in chat.json()["error"]["message"]
    assert api.status_code == 413 and "session_id" in api.json()["error"]["message"]
