"""Slack and Feishu adapters over a real server, replying to local stand-ins for the vendors' APIs."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from Crypto.Cipher import AES
from Crypto.Util.Padding import pad
from service_support import (
    SLACK_SIGNING_SECRET,
    SlowAdvisor,
    StandIn,
    mention,
    serving,
    shared_advisor,
    slack_post,
    stand_in,
)

from assistant.engine.guard import clean
from assistant.service.channels.common import Deduper, vendor_json
from assistant.service.render import as_text
from assistant.service.sessions import feishu_session, slack_session
from assistant.store import Store

QUESTION = "AI生成的视频GPM比原创低多少？"
SIGNING_SECRET = SLACK_SIGNING_SECRET
BOT_TOKEN = "xoxb-test-token"
FEISHU = {"feishu_app_id": "cli_test", "feishu_app_secret": "app-secret", "feishu_verification_token": "verify-me"}
ENCRYPT_KEY = "feishu-encrypt-key"


def test_deduper_remembers_across_restarts_and_forgets_after_its_ttl(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    seen = Deduper(Store(path), "slack", ttl=60)
    assert seen.first("e1") and not seen.first("e1")
    assert not Deduper(Store(path), "slack", ttl=60).first("e1"), "a restarted server still knows the event"
    assert Deduper(Store(path), "feishu", ttl=60).first("e1"), "each channel has its own ids"
    assert Deduper(Store(path), "slack", ttl=0).first("e1"), "an expired id is answered again"


@pytest.mark.parametrize("body", [b"[" * 30_000 + b"]" * 30_000, b'{"a": NaN}', b'{"a": Infinity}'])
def test_vendor_json_refuses_deep_nesting_and_nan(body: bytes) -> None:
    with pytest.raises(ValueError):
        vendor_json(body)
    assert vendor_json(b'{"text": "[[[{{\\"quoted\\"}}]]]"}') == {"text": '[[[{{"quoted"}}]]]'}


# --- Slack -------------------------------------------------------------------------------------


@pytest.fixture
def slack_api() -> Iterator[StandIn]:
    with stand_in(lambda path: {"ok": True, "ts": "1700000000.000200"}) as api:
        yield api


@pytest.fixture
def slack_url(slack_api: StandIn) -> Iterator[str]:
    with serving(slack_signing_secret=SIGNING_SECRET, slack_bot_token=BOT_TOKEN, slack_api_base=slack_api.url) as url:
        yield url


def test_slack_url_verification(slack_url: str) -> None:
    response = slack_post(slack_url, {"type": "url_verification", "challenge": "abc123"})
    assert response.status_code == 200 and response.json() == {"challenge": "abc123"}


@pytest.mark.parametrize(("secret", "age", "code"), [("wrong-secret", 0, "invalid_signature"), (SIGNING_SECRET, 301, "stale_request")])
def test_slack_rejects_bad_signatures_and_stale_requests(slack_url: str, slack_api: StandIn, secret: str, age: float, code: str) -> None:
    response = slack_post(slack_url, mention("Ev-bad", f"<@UBOT> {QUESTION}"), secret=secret, age=age)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    time.sleep(0.3)
    assert slack_api.requests == []


def test_slack_mention_is_answered_in_its_thread(slack_url: str, slack_api: StandIn) -> None:
    started = time.perf_counter()
    response = slack_post(slack_url, mention("Ev1", f"<@UBOT> {QUESTION}"))
    assert response.status_code == 200
    assert time.perf_counter() - started < 3
    (post,) = slack_api.wait_for(1)
    assert post.path == "/chat.postMessage"
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert post.body["channel"] == "C1" and post.body["thread_ts"] == "1700000000.000100"
    assert post.body["text"] == as_text(shared_advisor().ask(QUESTION))


def test_slack_retries_are_answered_once(slack_url: str, slack_api: StandIn) -> None:
    payload = mention("Ev-retry", f"<@UBOT> {QUESTION}")
    assert slack_post(slack_url, payload).status_code == 200
    retried = slack_post(slack_url, payload, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retried.status_code == 200
    slack_api.wait_for(1)
    time.sleep(0.5)
    assert len(slack_api.requests) == 1


def test_slack_direct_messages_and_thread_sessions(slack_url: str, slack_api: StandIn) -> None:
    def dm(event_id: str, text: str, ts: str) -> dict[str, Any]:
        event = {"type": "message", "channel_type": "im", "user": "U1", "text": text, "ts": ts, "thread_ts": "1700000001.000100", "channel": "D1"}
        return {"type": "event_callback", "event_id": event_id, "event": event}

    slack_post(slack_url, dm("Ev-dm1", "Is AI video content throttled on TikTok Shop?", "1700000001.000100"))
    slack_api.wait_for(1)
    slack_post(slack_url, dm("Ev-dm2", "And in the US?", "1700000001.000300"))
    posts = slack_api.wait_for(2)
    assert {p.body["thread_ts"] for p in posts} == {"1700000001.000100"}
    history = shared_advisor().store.history(slack_session("D1", "1700000001.000100"))
    assert [m.content for m in history if m.role == "user"] == ["Is AI video content throttled on TikTok Shop?", "And in the US?"]


@pytest.mark.parametrize(
    "event",
    [
        {"type": "message", "channel_type": "im", "bot_id": "B1", "text": "from a bot", "ts": "1.1", "channel": "D1"},
        {"type": "message", "channel_type": "im", "subtype": "message_changed", "text": "edited", "ts": "1.2", "channel": "D1"},
        {"type": "message", "channel_type": "channel", "user": "U1", "text": "chatter", "ts": "1.3", "channel": "C1"},
    ],
)
def test_slack_ignores_bots_edits_and_channel_chatter(slack_url: str, slack_api: StandIn, event: dict[str, Any]) -> None:
    response = slack_post(slack_url, {"type": "event_callback", "event_id": f"Ev-ignore-{event['ts']}", "event": event})
    assert response.status_code == 200
    time.sleep(0.5)
    assert slack_api.requests == []


def test_slack_acks_within_three_seconds_while_the_answer_is_slow(slack_api: StandIn) -> None:
    with serving(SlowAdvisor(3.5), slack_signing_secret=SIGNING_SECRET, slack_bot_token=BOT_TOKEN, slack_api_base=slack_api.url) as url:
        started = time.perf_counter()
        assert slack_post(url, mention("Ev-slow", f"<@UBOT> {QUESTION}")).status_code == 200
        assert time.perf_counter() - started < 1.0
        slack_api.wait_for(1)


def test_slack_is_off_without_its_settings() -> None:
    with serving() as url:
        response = httpx.post(f"{url}/channels/slack/events", json={"type": "url_verification", "challenge": "x"})
        assert response.status_code == 404


# --- Feishu ------------------------------------------------------------------------------------


def feishu_reply(path: str) -> dict[str, Any]:
    if path.endswith("/tenant_access_token/internal"):
        return {"code": 0, "msg": "ok", "tenant_access_token": "t-tenant-token", "expire": 7200}
    return {"code": 0, "msg": "success", "data": {"message_id": "om_reply"}}


@pytest.fixture
def feishu_api() -> Iterator[StandIn]:
    with stand_in(feishu_reply) as api:
        yield api


def signed_post(url: str, payload: dict[str, Any]) -> httpx.Response:
    """Post as Feishu does when an encrypt key is set: timestamp, nonce and signature headers."""
    body = json.dumps(payload).encode()
    stamp, nonce = str(int(time.time())), "n-" + os.urandom(4).hex()
    digest = hashlib.sha256(stamp.encode() + nonce.encode() + ENCRYPT_KEY.encode() + body).hexdigest()
    headers = {"X-Lark-Request-Timestamp": stamp, "X-Lark-Request-Nonce": nonce, "X-Lark-Signature": digest,
               "Content-Type": "application/json"}
    return httpx.post(url, content=body, headers=headers)


def encrypt(payload: dict[str, Any], key: str = ENCRYPT_KEY) -> dict[str, str]:
    iv = os.urandom(16)
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    return {"encrypt": base64.b64encode(iv + cipher.encrypt(pad(json.dumps(payload).encode(), AES.block_size))).decode()}


def message_event(event_id: str, text: str, *, message_id: str = "om_1", root_id: str | None = None,
                  token: str = "verify-me", sender_type: str = "user") -> dict[str, Any]:
    message = {"message_id": message_id, "chat_id": "oc_chat", "chat_type": "group", "message_type": "text",
               "content": json.dumps({"text": text}, ensure_ascii=False)}
    if root_id:
        message["root_id"] = root_id
    return {
        "schema": "2.0",
        "header": {"event_id": event_id, "event_type": "im.message.receive_v1", "token": token, "app_id": "cli_test"},
        "event": {"sender": {"sender_type": sender_type, "sender_id": {"open_id": "ou_1"}}, "message": message},
    }


def test_feishu_url_verification_checks_the_token(feishu_api: StandIn) -> None:
    with serving(feishu_api_base=feishu_api.url, **FEISHU) as url:
        ok = httpx.post(f"{url}/channels/feishu/events", json={"type": "url_verification", "token": "verify-me", "challenge": "c1"})
        assert ok.status_code == 200 and ok.json() == {"challenge": "c1"}
        bad = httpx.post(f"{url}/channels/feishu/events", json={"type": "url_verification", "token": "nope", "challenge": "c1"})
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_token"
        forged = httpx.post(f"{url}/channels/feishu/events", json=message_event("fe-forged", QUESTION, token="nope"))
        assert forged.status_code == 401
    assert feishu_api.requests == []


def test_feishu_message_is_answered_once_with_a_cached_token(feishu_api: StandIn) -> None:
    with serving(feishu_api_base=feishu_api.url, **FEISHU) as url:
        event = message_event("fe-1", f"@_user_1 {QUESTION}", message_id="om_1")
        assert httpx.post(f"{url}/channels/feishu/events", json=event).status_code == 200
        assert httpx.post(f"{url}/channels/feishu/events", json=event).status_code == 200  # redelivered
        token_call, reply = feishu_api.wait_for(2)
        assert token_call.path == "/auth/v3/tenant_access_token/internal"
        assert token_call.body == {"app_id": "cli_test", "app_secret": "app-secret"}
        assert reply.path == "/im/v1/messages/om_1/reply"
        assert reply.headers["Authorization"] == "Bearer t-tenant-token"
        assert reply.body["msg_type"] == "text"
        assert json.loads(reply.body["content"])["text"] == as_text(shared_advisor().ask(QUESTION))
        later = message_event("fe-2", "And in the US?", message_id="om_2", root_id="om_1")
        httpx.post(f"{url}/channels/feishu/events", json=later)
        requests = feishu_api.wait_for(3)
        time.sleep(0.3)
        assert [r.path for r in feishu_api.requests] == [token_call.path, reply.path, "/im/v1/messages/om_2/reply"]
    history = shared_advisor().store.history(feishu_session("oc_chat", None, "om_1"))
    assert [m.content for m in history if m.role == "user"] == [clean(QUESTION), "And in the US?"]
    assert len(requests) == 3


def test_feishu_encrypted_payloads(feishu_api: StandIn) -> None:
    with serving(feishu_api_base=feishu_api.url, feishu_encrypt_key=ENCRYPT_KEY, **FEISHU) as url:
        events = f"{url}/channels/feishu/events"
        challenge = signed_post(events, encrypt({"type": "url_verification", "token": "verify-me", "challenge": "c2"}))
        assert challenge.json() == {"challenge": "c2"}
        assert signed_post(events, encrypt(message_event("fe-enc", QUESTION, message_id="om_enc"))).status_code == 200
        assert feishu_api.wait_for(2)[1].path == "/im/v1/messages/om_enc/reply"
        plain = signed_post(events, message_event("fe-plain", QUESTION))
        assert plain.status_code == 400 and plain.json()["error"]["code"] == "not_encrypted"
        wrong_key = signed_post(events, encrypt(message_event("fe-wrong", QUESTION), key="other-key"))
        assert wrong_key.status_code in (400, 401)
        unsigned = httpx.post(events, json=encrypt(message_event("fe-unsigned", QUESTION)))
        assert unsigned.status_code == 401, "with an encrypt key set, the signature is required"
        old = message_event("fe-old", QUESTION, message_id="om_old")
        old["header"]["create_time"] = str(int((time.time() - 3600) * 1000))
        assert signed_post(events, encrypt(old)).status_code == 200  # acknowledged, not answered: a replay
        body = json.dumps(encrypt({"type": "url_verification", "token": "verify-me", "challenge": "c3"})).encode()
        stamp = {"X-Lark-Request-Timestamp": "1700000000", "X-Lark-Request-Nonce": "n1", "Content-Type": "application/json"}
        signed = hashlib.sha256(b"1700000000" + b"n1" + ENCRYPT_KEY.encode() + body).hexdigest()
        assert httpx.post(events, content=body, headers={**stamp, "X-Lark-Signature": signed}).status_code == 200
        assert httpx.post(events, content=body, headers={**stamp, "X-Lark-Signature": "0" * 64}).status_code == 401
    time.sleep(0.3)
    assert len(feishu_api.requests) == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"not json", 400), (b"[1, 2]", 401), (b'{"header": "x", "event": []}', 401), (b'{"encrypt": "%%%"}', 401),
     (b'{"encrypt": "AAAA"}', 401), (b"[" * 30_000 + b"]" * 30_000, 400), (b'{"type": "url_verification", "x": NaN}', 400)],
)
def test_feishu_refuses_malformed_bodies_without_a_5xx(feishu_api: StandIn, body: bytes, status: int) -> None:
    key = {"feishu_encrypt_key": ENCRYPT_KEY} if b"encrypt" in body else {}
    with serving(feishu_api_base=feishu_api.url, **FEISHU, **key) as url:
        response = httpx.post(f"{url}/channels/feishu/events", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status


def test_feishu_ignores_bots_and_non_text(feishu_api: StandIn) -> None:
    with serving(feishu_api_base=feishu_api.url, **FEISHU) as url:
        bot = message_event("fe-bot", QUESTION, sender_type="app")
        image = message_event("fe-img", QUESTION)
        image["event"]["message"]["message_type"] = "image"
        for event in (bot, image):
            assert httpx.post(f"{url}/channels/feishu/events", json=event).status_code == 200
        time.sleep(0.5)
    assert feishu_api.requests == []
