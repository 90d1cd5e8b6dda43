"""Slack on Bolt over a real server, against a local stand-in of Slack's Web API and Socket Mode."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from chat_standins import (
    SLACK_APP_TOKEN,
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    SlackStandIn,
    block_action,
    slack_action,
    slack_event,
    slack_mention,
    slack_message,
)
from service_support import serving, shared_advisor
from slack_sdk.signature import Clock, SignatureVerifier

from assistant.config import ChannelPolicy
from assistant.service.channels.parts import ReplyParts
from assistant.service.channels.slack_blocks import mrkdwn
from assistant.service.sessions import slack_session

QUESTION = "AI生成的视频GPM比原创低多少？"
OUT_OF_KNOWLEDGE = "What's the weather in Paris tomorrow?"


def slack_settings(api: SlackStandIn, **extra: Any) -> dict[str, Any]:
    return {"slack_signing_secret": SLACK_SIGNING_SECRET, "slack_bot_token": SLACK_BOT_TOKEN,
            "slack_api_base": api.url + "/api", "slack_handoff": "S0HELP", **extra}


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn().running() as api:
        yield api


@pytest.fixture
def url(slack: SlackStandIn) -> Iterator[str]:
    with serving(**slack_settings(slack, slack_channels={"CQUIET": ChannelPolicy(require_source=True),
                                                          "COPEN": ChannelPolicy(answer_untagged=True, handoff="here")})) as base:
        yield base


def test_signature_vector_from_slacks_docs() -> None:
    """The example in Slack's "Verifying requests" guide, checked by the verifier Bolt uses."""

    class Then(Clock):
        def now(self) -> float:
            return 1531420618

    body = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar"
            "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com"
            "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
            "803a0bc887a14d10d2c447fce8b6703c")
    verifier = SignatureVerifier("8f742231b10e8888abcd99yyyzzz85a5", clock=Then())
    assert verifier.is_valid(body, "1531420618", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
    assert not verifier.is_valid(body + "x", "1531420618", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")


def test_url_verification(url: str) -> None:
    response = slack_event(url, {"type": "url_verification", "token": "t", "challenge": "abc123"})
    assert response.status_code == 200 and response.json() == {"challenge": "abc123"}


@pytest.mark.parametrize("sign", [{"secret": "wrong-secret"}, {"age": 301}])
def test_forged_and_stale_requests_are_refused(url: str, slack: SlackStandIn, sign: dict[str, Any]) -> None:
    assert slack_event(url, slack_mention("Ev-bad", f"<@UBOT> {QUESTION}"), **sign).status_code == 401
    assert slack_action(url, block_action("tk_rate_up", "msg_x"), **sign).status_code == 401
    time.sleep(0.3)
    assert slack.calls_to("chat.postMessage") == []


def answer_blocks(post: Any) -> dict[str, list[dict[str, Any]]]:
    by_type: dict[str, list[dict[str, Any]]] = {}
    for block in post.body["blocks"]:
        by_type.setdefault(block["type"], []).append(block)
    return by_type


def test_a_mention_is_answered_in_its_thread_as_block_kit(url: str, slack: SlackStandIn) -> None:
    started = time.perf_counter()
    assert slack_event(url, slack_mention("Ev1", f"<@UBOT> {QUESTION}")).status_code == 200
    assert time.perf_counter() - started < 3, "acknowledged within Slack's three seconds"
    (post,) = slack.wait_for("chat.postMessage")
    assert post.headers["Authorization"] == f"Bearer {SLACK_BOT_TOKEN}"
    assert (post.body["channel"], post.body["thread_ts"]) == ("C1", "1700000000.000100")
    expected = shared_advisor().store.history(slack_session("C1", "1700000000.000100"))[-1]
    blocks = answer_blocks(post)
    reply = "\n".join(b["text"]["text"] for b in blocks["section"])
    assert "[gpm-aigc-vs-original]" not in reply and "[1]" in reply, "markers are the sources' numbers"
    assert "**" not in reply, "Slack mrkdwn, not Markdown"
    citations = expected.meta["citations"]
    sources = [e["text"] for b in blocks["context"] for e in b["elements"]]
    assert len(sources) == len(citations) and all(s.startswith(f"*[{n}]*") for n, s in enumerate(sources, 1))
    assert all(" · _" in s for s in sources), "each source shows its evidence level"
    buttons = {e["action_id"]: e for b in blocks["actions"] for e in b["elements"]}
    assert {"tk_details", "tk_rate_up", "tk_rate_down", "tk_handoff"} <= set(buttons)
    assert {buttons[a]["value"] for a in ("tk_details", "tk_rate_up", "tk_rate_down", "tk_handoff")} == {expected.id}
    reactions = [c.path.rsplit("/", 1)[-1] for c in slack.calls if "reactions" in c.path]
    assert reactions == ["reactions.add", "reactions.remove"], "a sign while it works, gone when answered"
    assert slack.calls_to("reactions.add")[0].body["timestamp"] == "1700000000.000100"


def test_a_retried_event_is_answered_once(url: str, slack: SlackStandIn) -> None:
    payload = slack_mention("Ev-retry", f"<@UBOT> {QUESTION}")
    assert slack_event(url, payload).status_code == 200
    assert slack_event(url, payload).status_code == 200  # Slack's retry (or a replay within five minutes)
    slack.wait_for("chat.postMessage")
    time.sleep(0.5)
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_follow_ups_in_an_answered_thread_need_no_mention(url: str, slack: SlackStandIn) -> None:
    slack_event(url, slack_mention("Ev-t1", "<@UBOT> Is AI video content throttled on TikTok Shop?", ts="1700000100.000100"))
    slack.wait_for("chat.postMessage")
    slack_event(url, slack_message("Ev-t2", "And in the US?", ts="1700000100.000300", thread_ts="1700000100.000100"))
    posts = slack.wait_for("chat.postMessage", 2)
    assert {p.body["thread_ts"] for p in posts} == {"1700000100.000100"}
    history = shared_advisor().store.history(slack_session("C1", "1700000100.000100"))
    assert [m.content for m in history if m.role == "user"] == ["Is AI video content throttled on TikTok Shop?", "And in the US?"]
    # A thread the bot never answered, a mention (app_mention answers it) and plain chatter: no reply.
    slack_event(url, slack_message("Ev-t3", "unrelated thread", ts="1700000200.000300", thread_ts="1700000200.000100"))
    slack_event(url, slack_message("Ev-t4", f"<@UBOT> {QUESTION}", ts="1700000300.000100"))
    slack_event(url, slack_message("Ev-t5", "lunch?", ts="1700000400.000100"))
    time.sleep(1.0)
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_direct_messages_and_per_channel_settings(url: str, slack: SlackStandIn) -> None:
    slack_event(url, slack_message("Ev-dm", QUESTION, ts="1700000500.000100", channel="D1", channel_type="im"))
    slack_event(url, slack_message("Ev-open", QUESTION, ts="1700000600.000100", channel="COPEN"))
    posts = slack.wait_for("chat.postMessage", 2)
    assert {p.body["channel"] for p in posts} == {"D1", "COPEN"}, "DMs, and untagged messages where the channel allows it"
    slack_event(url, slack_mention("Ev-quiet", f"<@UBOT> {OUT_OF_KNOWLEDGE}", channel="CQUIET"))
    slack_event(url, slack_mention("Ev-quiet-ok", f"<@UBOT> {QUESTION}", channel="CQUIET", ts="1700000700.000100"))
    posts = slack.wait_for("chat.postMessage", 3)
    time.sleep(1.0)
    quiet = [p for p in slack.calls_to("chat.postMessage") if p.body["channel"] == "CQUIET"]
    assert len(quiet) == 1 and quiet[0].body["thread_ts"] == "1700000700.000100", "silent unless a source is found"


def test_buttons_store_feedback_post_details_and_hand_off(url: str, slack: SlackStandIn) -> None:
    slack_event(url, slack_mention("Ev-b", f"<@UBOT> {QUESTION}", ts="1700000800.000100"))
    (post,) = slack.wait_for("chat.postMessage")
    message_id = next(e["value"] for b in post.body["blocks"] if b["type"] == "actions" for e in b["elements"]
                      if e["action_id"] == "tk_rate_up")
    thread = {"thread_ts": "1700000800.000100"}
    assert slack_action(url, block_action("tk_rate_down", message_id, **thread)).status_code == 200
    (thanks,) = slack.wait_for("chat.postEphemeral")
    assert thanks.body["user"] == "U2" and "谢谢" in thanks.body["text"]
    row = next(r for r in shared_advisor().store.feedback() if r.message_id == message_id)
    assert (row.rating, row.channel, row.question) == (-1, "slack", shared_advisor().store.message(message_id).question)
    slack_action(url, block_action("tk_details", message_id, **thread))
    slack_action(url, block_action("tk_handoff", message_id, **thread))
    posts = slack.wait_for("chat.postMessage", 3)
    details = next(p for p in posts[1:] if p.body.get("blocks"))
    stored = shared_advisor().store.message(message_id).message.meta
    assert details.body["thread_ts"] == "1700000800.000100"
    assert mrkdwn(ReplyParts.of(_answer(stored)).details)[:40] in details.body["blocks"][0]["text"]["text"]
    handoff = next(p for p in posts[1:] if not p.body.get("blocks"))
    assert handoff.body["text"].startswith("<!subteam^S0HELP>") and "<@U2>" in handoff.body["text"]


def _answer(meta: dict[str, Any]) -> Any:
    from assistant.answer import Answer

    return Answer(answer="", details=meta["details"], lang=meta["lang"], provider="offline")


def test_rate_limited_posts_are_retried_after_retry_after() -> None:
    with SlackStandIn(rate_limited=1).running() as api, serving(**slack_settings(api)) as base:
        slack_event(base, slack_mention("Ev-429", f"<@UBOT> {QUESTION}"))
        posts = api.wait_for("chat.postMessage", 2, timeout=60)
    assert posts[0].body["blocks"] == posts[1].body["blocks"], "the same message, sent again after the 429"


def test_socket_mode_needs_no_public_url() -> None:
    with SlackStandIn().running() as api, serving(slack_bot_token=SLACK_BOT_TOKEN, slack_app_token=SLACK_APP_TOKEN,
                                                   slack_api_base=api.url + "/api") as base:
        assert httpx.post(f"{base}/channels/slack/events", json={}).status_code == 404, "no HTTP endpoint without a signing secret"
        api.wait_until(lambda: bool(api.sockets), "the app to connect")
        envelope = api.envelope(slack_mention("Ev-socket", f"<@UBOT> {QUESTION}", ts="1700000900.000100"))
        (post,) = api.wait_for("chat.postMessage")
        assert post.body["thread_ts"] == "1700000900.000100" and post.body["blocks"]
        assert {"envelope_id": envelope} in [{"envelope_id": m.get("envelope_id")} for m in api.received]
        message_id = next(e["value"] for b in post.body["blocks"] if b["type"] == "actions" for e in b["elements"]
                          if e["action_id"] == "tk_rate_up")
        api.envelope(block_action("tk_rate_up", message_id, thread_ts="1700000900.000100"), kind="interactive")
        api.wait_for("chat.postEphemeral")
    assert any(r.message_id == message_id and r.rating == 1 for r in shared_advisor().store.feedback())


def test_slack_is_off_without_its_settings() -> None:
    with serving() as url:
        assert httpx.post(f"{url}/channels/slack/events", content=json.dumps({"type": "url_verification"})).status_code == 404
