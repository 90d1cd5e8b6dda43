"""The web chat as an attacker meets it: the real server on loopback, driven by the real Gradio client.

Conversations are bound to a signed, HttpOnly browser cookie the server issues; no endpoint takes a
session id; the API's rate limit, body limit and keys apply to the chat too; uploads are off.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from gradio_client import Client

from assistant.ui.access import LOGINS_PER_MINUTE
from assistant.ui.browser import COOKIE
from service_support import serving, shared_advisor

KEY = "web-test-key-0123456789"
TIMEOUT = 60
"""Seconds a request may take (httpx's default, 5 s, is overrun on a loaded machine; no test here is about speed)."""
QUESTION = "我的视频20万播放, GPM 12, 能卖多少?"


def _cookie(url: str) -> str:
    """Open the page as a browser does and return the browser cookie the server issued."""
    response = httpx.get(url + "/", follow_redirects=True, timeout=TIMEOUT)
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
        assert httpx.post(url + "/api/ask", json={"question": "hi"}, timeout=TIMEOUT).status_code == 429


def test_uploads_are_off_and_big_bodies_are_refused() -> None:
    with serving() as url:
        upload = httpx.post(url + "/gradio_api/upload", files={"files": ("a.txt", b"x" * 10)}, timeout=TIMEOUT)
        assert upload.status_code == 403 and upload.json()["error"]["code"] == "uploads_disabled"
        big = httpx.post(url + "/gradio_api/queue/join", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                         headers={"Content-Type": "application/json"}, timeout=TIMEOUT)
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


def _join(url: str, session_hash: str, cookie: str, fn_index: int = 0) -> httpx.Response:
    body = {"data": [], "event_data": None, "fn_index": fn_index, "trigger_id": None, "session_hash": session_hash}
    return httpx.post(url + "/gradio_api/queue/join", json=body, headers={"Cookie": f"{COOKIE}={cookie}"}, timeout=TIMEOUT)


def test_a_tabs_session_hash_is_no_bearer_token_for_another_browser() -> None:
    with serving() as url:
        victim, attacker = _cookie(url), _cookie(url)
        client = Client(url, headers={"Cookie": f"{COOKIE}={victim}"}, verbose=False, download_files=False)
        try:
            client.predict(QUESTION, "zh", api_name="/chat")
            stolen = client.session_hash
        finally:
            client.close()
        refused = _join(url, stolen, attacker)  # event 0 is the page load: it returns the tab's history
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "session_not_yours"
        listen = httpx.get(url + f"/gradio_api/queue/data?session_hash={stolen}", headers={"Cookie": f"{COOKIE}={attacker}"},
                           timeout=TIMEOUT)
        assert listen.status_code == 403
        assert httpx.get(url + f"/gradio_api/heartbeat/{stolen}", headers={"Cookie": f"{COOKIE}={attacker}"}, timeout=TIMEOUT).status_code == 403
        assert _join(url, stolen, victim).status_code == 200, "the tab's own browser goes on"
        unknown = _join(url, "fresh-hash-1", attacker, fn_index=10_000)
        assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_fn_index"


def test_a_lone_surrogate_typed_in_the_chat_box_is_dropped() -> None:
    """A browser sends it as the JSON escape \\udfff (no client library will encode one)."""
    body = b'{"data": ["\\u6211\\u7684\\u89c6\\u9891 20\\u4e07\\u64ad\\u653e, GPM 12, \\u80fd\\u5356\\u591a\\u5c11\\udfff", "zh"]}'
    with serving() as url:
        headers = {"Cookie": f"{COOKIE}={_cookie(url)}", "Content-Type": "application/json"}
        started = httpx.post(url + "/gradio_api/call/chat", content=body, headers=headers, timeout=TIMEOUT)
        assert started.status_code == 200, started.text
        events = httpx.get(url + f"/gradio_api/call/chat/{started.json()['event_id']}", headers=headers, timeout=TIMEOUT).text
    assert "event: complete" in events and "2,400" in events and "event: error" not in events


def test_sign_in_is_rate_limited_and_bounded_and_weak_passwords_are_refused() -> None:
    with serving(api_keys=(KEY,), web_users=("ops:correct-horse-battery",)) as url:
        started = time.monotonic()
        big = httpx.post(url + "/login", data={"username": "ops", "password": "x" * 200_000}, timeout=TIMEOUT)
        assert big.status_code == 413, "a 48 MB form was read"
        codes: list[int] = []
        while 429 not in codes and len(codes) < 30:
            codes.append(httpx.post(url + "/login", data={"username": "ops", "password": f"guess-{len(codes)}"}, timeout=TIMEOUT).status_code)
        refilled = (time.monotonic() - started) * LOGINS_PER_MINUTE / 60  # attempts the limit gave back meanwhile
        assert codes[:9] == [400] * 9 and codes[-1] == 429, codes
        assert codes.count(400) <= 9 + refilled, f"{codes.count(400)} guesses in {time.monotonic() - started:.1f} s"
    from assistant.config import ConfigError, Settings

    for weak in ("ops:short", "ops:ops", "admin:admin12345"[:10]):
        with pytest.raises(ConfigError, match="TK_WEB_USERS"):
            Settings.from_env(environ={"TK_API_KEYS": KEY, "TK_WEB_USERS": weak})


def test_conversations_belong_to_the_signed_in_user_not_the_browser() -> None:
    users = ("alice:alice-long-password", "bob:bob-long-password-2")

    def signed_in(url: str, cookie: str, user: str, password: str) -> str:
        """The browser's Cookie header after signing in as `user` (its own cookie kept)."""
        login = httpx.post(url + "/login", data={"username": user, "password": password}, headers={"Cookie": f"{COOKIE}={cookie}"},
                           timeout=TIMEOUT)
        assert login.status_code == 200
        return "; ".join([f"{COOKIE}={cookie}", *(f"{k}={v}" for k, v in login.cookies.items())])

    def chat(url: str, question: str, cookies: str) -> None:
        client = Client(url, headers={"Cookie": cookies}, verbose=False, download_files=False)
        try:
            client.predict(question, "zh", api_name="/chat")
        finally:
            client.close()

    with serving(api_keys=(KEY,), web_users=users) as url:
        cookie = _cookie(url)  # one browser: Alice signs out, Bob signs in
        chat(url, QUESTION, signed_in(url, cookie, "alice", "alice-long-password"))
        chat(url, "Do I need to label AI-generated content on TikTok Shop US?", signed_in(url, cookie, "bob", "bob-long-password-2"))
    alice, bob = _history("web:user:alice"), _history("web:user:bob")
    assert "20万" in alice[0].content and "label" in bob[0].content
    assert not _history(f"web:{cookie.split('.')[0]}"), "nothing belongs to the browser itself"
