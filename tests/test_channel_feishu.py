"""Feishu / Lark on lark-oapi over a real server, against a local stand-in of Feishu's Open API and
long connection that behaves as Feishu documents (the encrypted URL check arrives unsigned)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from chat_standins import (
    BOT_OPEN_ID,
    ENCRYPT_KEY,
    FEISHU_APP,
    VERIFICATION_TOKEN,
    FeishuStandIn,
    feishu_card_action,
    feishu_message,
    feishu_post,
)
from lark_oapi.core.utils import AESCipher
from service_support import serving, shared_advisor

from assistant.service.channels.feishu_text import question_of
from assistant.service.sessions import feishu_chat_session, feishu_session

QUESTION = "AI生成的视频GPM比原创低多少？"


@pytest.fixture
def feishu() -> Iterator[FeishuStandIn]:
    with FeishuStandIn().running() as api:
        yield api


@pytest.fixture
def url(feishu: FeishuStandIn) -> Iterator[str]:
    with serving(feishu_domain=feishu.url, feishu_verification_token=VERIFICATION_TOKEN, feishu_encrypt_key=ENCRYPT_KEY,
                 feishu_handoff="ou_helper", **FEISHU_APP) as base:
        yield base


def card_of(call: Any) -> dict[str, Any]:
    assert call.body["msg_type"] == "interactive"
    return json.loads(call.body["content"])


def test_decryption_vector_from_feishus_docs() -> None:
    """The example in Feishu's "Encrypt Key" guide, decrypted by the cipher the dispatcher uses."""
    assert AESCipher("test key").decrypt_str("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=") == "hello world"


def test_the_encrypted_url_check_arrives_unsigned_and_is_answered(url: str) -> None:
    check = {"type": "url_verification", "token": VERIFICATION_TOKEN, "challenge": "c-123"}
    response = feishu_post(url, check, sign=False)
    assert response.status_code == 200 and response.json() == {"challenge": "c-123"}
    forged = feishu_post(url, {**check, "token": "nope"}, sign=False)
    assert forged.status_code == 401


def test_a_mention_is_answered_with_a_card_once(url: str, feishu: FeishuStandIn) -> None:
    event = feishu_message("fe-1", f"@_user_1 {QUESTION}", message_id="om_1", mentions=[BOT_OPEN_ID])
    assert feishu_post(url, event).status_code == 200
    assert feishu_post(url, event).status_code == 200  # redelivered
    (reply,) = feishu.wait_for("/im/v1/messages/om_1/reply")
    time.sleep(0.5)
    assert len(feishu.calls_to("/reply")) == 1, [c.path for c in feishu.calls]
    assert reply.headers["Authorization"].startswith("Bearer t-"), "a tenant token (the SDK caches it per app id)"
    card = card_of(reply)
    assert card["schema"] == "2.0"
    texts = [e["content"] for e in card["body"]["elements"] if e["tag"] == "markdown"]
    stored = shared_advisor().store.history(feishu_session("oc_chat", None, "om_1"))[-1]
    assert "[1]" in texts[0] and "[gpm-aigc-vs-original]" not in texts[0]
    assert texts[1].count("\n") == len(stored.meta["citations"]), "a numbered line per source"
    values = [b["value"] for cs in card["body"]["elements"] if cs["tag"] == "column_set" for c in cs["columns"]
              for b in c["elements"]]
    assert {v["action"] for v in values} == {"details", "rate", "handoff"} and {v["message_id"] for v in values} == {stored.id}


def test_forged_unsigned_stale_and_replayed_events_are_not_answered(url: str, feishu: FeishuStandIn) -> None:
    event = feishu_message("fe-forged", QUESTION, message_id="om_f", mentions=[BOT_OPEN_ID])
    assert feishu_post(url, event, signature="0" * 64).status_code == 401
    assert feishu_post(url, event, sign=False).status_code == 401, "only the URL check is unsigned"
    assert feishu_post(url, event, key="another-key").status_code == 401
    wrong_token = feishu_message("fe-token", QUESTION, message_id="om_t", mentions=[BOT_OPEN_ID], token="nope")
    assert feishu_post(url, wrong_token).status_code == 401
    stale = feishu_message("fe-stale", QUESTION, message_id="om_s", mentions=[BOT_OPEN_ID], age=3600)
    assert feishu_post(url, stale).status_code == 200  # acknowledged, not answered: a replay
    assert feishu_post(url, {"not": "feishu"}, encrypt=False, sign=False).status_code == 401
    assert httpx.post(f"{url}/channels/feishu/events", content=b"[" * 5000).status_code == 400
    time.sleep(0.5)
    assert feishu.calls_to("/reply") == [] and feishu.calls_to("/im/v1/messages") == []


def test_one_to_one_chats_keep_the_conversation_without_quote_replies(url: str, feishu: FeishuStandIn) -> None:
    first = feishu_message("fe-p1", "Is AI video content throttled on TikTok Shop?", message_id="om_p1", chat_type="p2p",
                           chat_id="oc_dm")
    second = feishu_message("fe-p2", "And in the US?", message_id="om_p2", chat_type="p2p", chat_id="oc_dm")
    feishu_post(url, first)
    feishu.wait_for("/im/v1/messages")
    feishu_post(url, second)
    sent = feishu.wait_for("/im/v1/messages", 2)
    assert all(c.query == {"receive_id_type": "chat_id"} and c.body["receive_id"] == "oc_dm" for c in sent), "not quote-replies"
    history = shared_advisor().store.history(feishu_chat_session("oc_dm"))
    assert [m.content for m in history if m.role == "user"] == ["Is AI video content throttled on TikTok Shop?", "And in the US?"]


def test_rich_text_posts_are_read_and_images_get_a_notice(url: str, feishu: FeishuStandIn) -> None:
    post = {"title": "", "content": [[{"tag": "at", "user_id": "@_user_1"}, {"tag": "text", "text": "AI生成的视频"}],
                                     [{"tag": "text", "text": "GPM比原创低多少？"}, {"tag": "img", "image_key": "img_1"}]]}
    assert question_of("post", json.dumps(post, ensure_ascii=False)) == "AI生成的视频\nGPM比原创低多少？"
    assert question_of("post", json.dumps({"zh_cn": post}, ensure_ascii=False)) == "AI生成的视频\nGPM比原创低多少？"
    feishu_post(url, feishu_message("fe-post", "", message_id="om_post", mentions=[BOT_OPEN_ID], message_type="post",
                                    content=post))
    feishu_post(url, feishu_message("fe-img", "", message_id="om_img", mentions=[BOT_OPEN_ID], message_type="image",
                                    content={"image_key": "img_1"}))
    feishu.wait_for("/reply", 2)
    answered = card_of(feishu.calls_to("/im/v1/messages/om_post/reply")[0])
    assert answered["body"]["elements"][1]["content"].startswith("**来源**")
    notice = card_of(feishu.calls_to("/im/v1/messages/om_img/reply")[0])
    assert "text" in notice["body"]["elements"][0]["content"]


def test_group_follow_ups_in_an_answered_thread_need_no_mention(url: str, feishu: FeishuStandIn) -> None:
    feishu_post(url, feishu_message("fe-g1", "@_user_1 Is AI video content throttled on TikTok Shop?", message_id="om_g1",
                                    mentions=[BOT_OPEN_ID]))
    feishu.wait_for("/im/v1/messages/om_g1/reply")
    feishu_post(url, feishu_message("fe-g2", "And in the US?", message_id="om_g2", root_id="om_g1"))
    feishu_post(url, feishu_message("fe-g3", "@_user_1 lunch?", message_id="om_g3", mentions=["ou_someone_else"]))
    feishu.wait_for("/im/v1/messages/om_g2/reply")
    time.sleep(0.5)
    assert feishu.calls_to("/im/v1/messages/om_g3/reply") == [], "a mention of someone else is not for the bot"
    history = shared_advisor().store.history(feishu_session("oc_chat", None, "om_g1"))
    assert [m.content for m in history if m.role == "user"] == ["Is AI video content throttled on TikTok Shop?", "And in the US?"]


def test_card_buttons_store_feedback_post_details_and_hand_off(url: str, feishu: FeishuStandIn) -> None:
    feishu_post(url, feishu_message("fe-c1", QUESTION, message_id="om_c1", mentions=[BOT_OPEN_ID]))
    (reply,) = feishu.wait_for("/im/v1/messages/om_c1/reply")
    stored = shared_advisor().store.history(feishu_session("oc_chat", None, "om_c1"))[-1]
    rated = feishu_post(url, feishu_card_action("fc-1", {"action": "rate", "message_id": stored.id, "rating": -1}))
    assert rated.status_code == 200 and rated.json()["toast"]["type"] == "success"
    row = next(r for r in shared_advisor().store.feedback() if r.message_id == stored.id)
    assert (row.rating, row.channel) == (-1, "feishu")
    feishu_post(url, feishu_card_action("fc-2", {"action": "details", "message_id": stored.id}))
    feishu_post(url, feishu_card_action("fc-3", {"action": "handoff", "message_id": stored.id}))
    posted = feishu.wait_for("/im/v1/messages/om_answer/reply", 2)
    contents = [card_of(c)["body"]["elements"][0]["content"] for c in posted]
    assert any(stored.meta["details"][:20] in text for text in contents), "the details, posted under the answer"
    assert any(text.startswith('<at id="ou_helper"></at>') and '<at id="ou_user"></at>' in text for text in contents)
    unknown = feishu_post(url, feishu_card_action("fc-4", {"action": "rate", "message_id": "msg_nope", "rating": 1}))
    assert unknown.json()["toast"]["type"] == "error"


def test_the_long_connection_needs_no_public_url() -> None:
    with FeishuStandIn().running() as api, serving(feishu_domain=api.url, feishu_connection="long", **FEISHU_APP) as base:
        assert httpx.post(f"{base}/channels/feishu/events", json={}).status_code == 404, "no webhook in long-connection mode"
        api.wait_until(lambda: bool(api.sockets), "the app to connect")
        api.push_event(feishu_message("fe-ws", QUESTION, message_id="om_ws", mentions=[BOT_OPEN_ID]))
        (reply,) = api.wait_for("/im/v1/messages/om_ws/reply")
        api.wait_until(lambda: any(f.method == 1 for f in api.received), "the app's response frame")
    assert card_of(reply)["schema"] == "2.0"
    (response,) = [f for f in api.received if f.method == 1]  # data frames; the others are pings
    assert json.loads(response.payload)["code"] == 200
