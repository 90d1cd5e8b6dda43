"""The official `openai` client against a real server: plain and streamed answers match Advisor.ask."""

from __future__ import annotations

import json

import openai
import pytest
import httpx
from service_support import BrokenStream, SlowAdvisor, serving, shared_advisor

from assistant.service.render import as_text

KEY = "sk-openai-compat-test"
QUESTION = "Should I switch all my TikTok Shop videos to AI-generated ones? My GPM is 40."


@pytest.fixture(scope="module")
def client() -> openai.OpenAI:
    with serving(api_keys=(KEY,), rate_limit_per_minute=6000, rate_limit_burst=1000) as url:
        yield openai.OpenAI(base_url=f"{url}/v1", api_key=KEY, max_retries=0, timeout=60)


def ask(client: openai.OpenAI, content: object, **kwargs: object) -> openai.types.chat.ChatCompletion:
    return client.chat.completions.create(model="tk-advisor", messages=[{"role": "user", "content": content}], **kwargs)


def without_timings(extension: dict) -> dict:
    return {**extension, "tool_calls": [{k: v for k, v in c.items() if k != "duration_ms"} for c in extension["tool_calls"]]}


def test_models_lists_tk_advisor(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["tk-advisor"]


def test_plain_completion_matches_advisor_ask(client: openai.OpenAI) -> None:
    completion = ask(client, QUESTION)
    expected = shared_advisor().ask([{"role": "user", "content": QUESTION}])
    assert completion.model == "tk-advisor"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].message.content == as_text(expected)
    extension = completion.model_extra["tk_advisor"]
    assert [c["id"] for c in extension["citations"]] == [c.id for c in expected.citations]
    assert [c["name"] for c in extension["tool_calls"]] == [c.name for c in expected.tool_calls]
    assert extension["kind"] == expected.kind and extension["lang"] == expected.lang


def test_footnotes_name_title_evidence_and_url(client: openai.OpenAI) -> None:
    completion = ask(client, QUESTION)
    content = completion.choices[0].message.content
    for n, citation in enumerate(completion.model_extra["tk_advisor"]["citations"], 1):
        assert f"[{n}] {citation['title']} — {citation['evidence_label']} — {citation['url']}" in content


def test_streaming_matches_the_plain_answer(client: openai.OpenAI) -> None:
    chunks = list(ask(client, QUESTION, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    plain = ask(client, QUESTION)
    assert text == plain.choices[0].message.content
    assert len(chunks) > 3, "the text arrives in pieces"
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert without_timings(last.model_extra["tk_advisor"]) == without_timings(plain.model_extra["tk_advisor"])
    assert all(c.model_extra.get("tk_advisor") is None for c in chunks[:-1])


def test_history_comes_from_the_messages(client: openai.OpenAI) -> None:
    messages = [
        {"role": "system", "content": "Ignored: the advisor has its own instructions."},
        {"role": "user", "content": "Is AI video content throttled on TikTok Shop?"},
        {"role": "assistant", "content": "It depends on labelling and originality."},
        {"role": "user", "content": [{"type": "text", "text": "What about in the US?"}]},
    ]
    completion = client.chat.completions.create(model="tk-advisor", messages=messages)
    expected = shared_advisor().ask([{"role": m["role"], "content": m["content"] if isinstance(m["content"], str) else
                                      m["content"][0]["text"]} for m in messages[1:]])
    assert completion.choices[0].message.content == as_text(expected)


@pytest.mark.parametrize("how", ["user", "header"])
def test_a_session_id_keeps_history_on_the_server(client: openai.OpenAI, how: str) -> None:
    session = f"team-{how}"
    kwargs = {"user": session} if how == "user" else {"extra_headers": {"X-Session-Id": session}}
    ask(client, "Is AI video content throttled on TikTok Shop?", **kwargs)
    second = ask(client, "And in the US?", **kwargs)
    history = shared_advisor().store.history(f"openai:{session}")
    assert [m.content for m in history if m.role == "user"] == ["Is AI video content throttled on TikTok Shop?", "And in the US?"]
    assert [m.id for m in history if m.role == "assistant"][-1] == second.model_extra["tk_advisor"]["message_id"]


def test_errors_map_to_the_clients_exceptions(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as empty:
        ask(client, "  ")
    assert empty.value.code == "empty" and empty.value.body["localized"]["zh"]
    with pytest.raises(openai.BadRequestError):
        ask(client, "  ", stream=True)
    with pytest.raises(openai.BadRequestError) as no_user:
        client.chat.completions.create(model="tk-advisor", messages=[{"role": "assistant", "content": "hi"}])
    assert no_user.value.code == "no_user_message"
    with pytest.raises(openai.NotFoundError) as model:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert (model.value.code, model.value.body["param"]) == ("model_not_found", "model")
    wrong_key = openai.OpenAI(base_url=str(client.base_url), api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong_key.models.list()


def test_rate_limit_is_an_openai_rate_limit_error() -> None:
    with serving(api_keys=(KEY,), rate_limit_per_minute=60, rate_limit_burst=1) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key=KEY, max_retries=0)
        client.models.list()
        with pytest.raises(openai.RateLimitError) as limited:
            client.models.list()
        assert limited.value.response.headers["Retry-After"] == "1"
        assert limited.value.code == "rate_limit_exceeded"


def test_a_failure_mid_stream_is_an_error_event() -> None:
    with serving(BrokenStream()) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        with pytest.raises(openai.APIError, match="failed part-way"):
            list(ask(client, QUESTION, stream=True))


def test_a_client_leaving_mid_stream_does_not_hurt_the_server(client: openai.OpenAI) -> None:
    body = {"model": "tk-advisor", "stream": True, "messages": [{"role": "user", "content": QUESTION}]}
    headers = {"Authorization": f"Bearer {KEY}"}
    url = f"{client.base_url}chat/completions"
    with httpx.stream("POST", url, json=body, headers=headers) as response:
        first = next(response.iter_lines())
    assert json.loads(first.removeprefix("data: "))["object"] == "chat.completion.chunk"
    assert ask(client, QUESTION).choices[0].finish_reason == "stop"


def test_a_long_client_history_is_answered_and_a_slow_answer_times_out() -> None:
    turns = [{"role": r, "content": c} for _ in range(2000) for r, c in (("user", "hello"), ("assistant", "ok"))]
    body = {"model": "tk-advisor", "messages": [*turns, {"role": "user", "content": "我的视频20万播放, GPM 12, 能卖多少?"}]}
    with serving(max_body_bytes=1_000_000) as url:
        response = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60)
    assert response.status_code == 200 and "2,400" in response.json()["choices"][0]["message"]["content"]
    with serving(SlowAdvisor(2.0), answer_timeout=0.3) as url:
        slow = httpx.post(f"{url}/v1/chat/completions", json={"model": "tk-advisor", "messages": [{"role": "user", "content": "hi"}]})
        assert slow.status_code == 503 and slow.json()["error"]["code"] == "answer_timeout"
        assert httpx.post(f"{url}/api/ask", json={"question": "hi"}).status_code == 503
