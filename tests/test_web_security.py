"""The web chat as an attacker meets it: the real server on loopback, driven by the real Gradio client.

Conversations are bound to a signed, HttpOnly browser cookie the server issues; no endpoint takes a
session id; the API's rate limit, body limit and keys apply to the chat too; uploads are off.
"""

from __future__ import annotations

import json

import httpx
import pytest
from gradio_client import Client

from assistant.ui.browser import COOKIE
from service_support import serving, shared_advisor

KEY = "web-test-key-0123456789"
QUESTION = "我的视频20万播放, GPM 12, 能卖多少?"


def _cookie(url: str) -> str:
    """Open the page as a browser does and return the browser cookie the server issued."""
    response = httpx.get(url + "/", follow_redirects=True)
    response.raise_for_status()
    set_cookie = response.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    return response.cookies[COOKIE]


def _chat(url: str, question: str, *, cookie: str | None = None, **kwargs: object) -> tuple:
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    client = Client(url, headers=headers, verbose=False, download_files=False, **kwargs)
    try:
        return client.predict(question, "zh", api_name="/chat")
    finally:
        client.close()  # its heartbeat stream would hold the server's shutdown


def _history(owner: str) -> list:
    store = shared_advisor().store
    session = store.latest_session(owner)
    return store.history(session) if session else []


def test_no_web_endpoint_takes_a_session_id_or_returns_history() -> None:
    with serving() as url:
        client = Client(url, verbose=False)
        api = client.view_api(return_format="dict", print_info=False)
        client.close()
    endpoints = api["named_endpoints"] | api["unnamed_endpoints"]
    assert list(api["named_endpoints"]) == ["/chat"]
    params = [p["parameter_name"] or "" for e in endpoints.values() for p in e["parameters"]]
    assert params and not [p for p in params if "session" in p.lower() or "history" in p.lower()]


def test_a_browser_conversation_is_bound_to_its_signed_cookie() -> None:
    with serving() as url:
        victim = _cookie(url)
        owner_name = f"web:{victim.split('.')[0]}"
        _chat(url, QUESTION, cookie=victim)
        before = _history(owner_name)
        assert [m.role for m in before] == ["user", "assistant"] and "2,400" in before[1].content

        # A forged cookie (the victim's id, another signature) and no cookie at all both land in
        # conversations of their own: the victim's stays as it was.
        forged = victim.split(".")[0] + "." + "0" * 32
        planted = _chat(url, "那如果GPM是1呢?", cookie=forged)
        _chat(url, "那如果GPM是1呢?")
        assert _history(owner_name) == before
        shown = json.dumps(planted[0], ensure_ascii=False)
        assert "2,400" not in shown and "20万" not in shown

        # The victim's own follow-up still computes on the victim's numbers.
        _chat(url, "那如果GPM是20呢?", cookie=victim)
        after = _history(owner_name)
        assert len(after) == 4 and "4,000" in after[3].content


def test_the_chat_shares_the_api_rate_limit() -> None:
    with serving(rate_limit_per_minute=6, rate_limit_burst=2) as url:
        cookie = _cookie(url)
        notices = [_chat(url, "hi", cookie=cookie)[2] for _ in range(3)]
        assert "tk-notice-error" not in notices[0] + notices[1]
        assert "Too many questions" in notices[2] or "提问太频繁" in notices[2]
        # The API, called from the same address, is out of tokens too.
        assert httpx.post(url + "/api/ask", json={"question": "hi"}).status_code == 429


def test_uploads_are_off_and_big_bodies_are_refused() -> None:
    with serving() as url:
        upload = httpx.post(url + "/gradio_api/upload", files={"files": ("a.txt", b"x" * 10)})
        assert upload.status_code == 403 and upload.json()["error"]["code"] == "uploads_disabled"
        big = httpx.post(url + "/gradio_api/queue/join", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                         headers={"Content-Type": "application/json"})
        assert big.status_code == 413


def test_with_api_keys_the_chat_needs_a_login_unless_declared_public() -> None:
    with serving(api_keys=(KEY,)) as url:
        with pytest.raises(Exception):
            Client(url, verbose=False)
        with pytest.raises(Exception):
            Client(url, verbose=False, auth=("seller", "wrong-password-123"))
        answer = _chat(url, QUESTION, auth=("seller", KEY))
        assert "2,400" in json.dumps(answer, ensure_ascii=False)
    with serving(api_keys=(KEY,), web_users=("ops:correct-horse-battery",)) as url:
        with pytest.raises(Exception):
            Client(url, verbose=False, auth=("seller", KEY))
        assert "2,400" in json.dumps(_chat(url, QUESTION, auth=("ops", "correct-horse-battery")), ensure_ascii=False)
    with serving(api_keys=(KEY,), web_public=True) as url:
        assert "2,400" in json.dumps(_chat(url, QUESTION), ensure_ascii=False)


def test_user_text_is_shown_as_typed_not_as_markdown() -> None:
    planted = "![t](http://tracker.example/p.png) [点我](http://evil.example) **GPM 12**"
    with serving() as url:
        shown = _chat(url, planted, cookie=_cookie(url))[0]
    user = next(m for m in shown if m["role"] == "user")
    content = json.dumps(user["content"], ensure_ascii=False)
    assert "](http" not in content and "**GPM" not in content and "\\\\!\\\\[t\\\\]" in content
