"""Every chat payload the adapters build, checked against the vendors' own definitions: Slack's Block
Kit through slack_sdk's models (Slack publishes no JSON Schema; the SDK encodes its documented limits),
Feishu's card JSON 2.0 against a schema transcribed from its structure docs (2.0 refuses unknown
properties). Plus what every adapter shares: event de-duplication and strict vendor JSON."""

from __future__ import annotations

from pathlib import Path


import jsonschema
import pytest
from service_support import shared_advisor
from slack_sdk.models.blocks import Block

from assistant.answer import Answer
from assistant.service.channels.common import Deduper, vendor_json
from assistant.service.channels.feishu_cards import answer_card, markdown_card
from assistant.service.channels.parts import ReplyParts
from assistant.service.channels.slack_blocks import answer_message, details_message, mrkdwn
from assistant.service.channels.wecom import answer_markdown
from assistant.store import Store

QUESTIONS = ["AI生成的视频GPM比原创低多少？", "Should I switch all my TikTok Shop videos to AI-generated ones? My GPM is 40.",
             "我的视频20万播放, GPM 12, 能卖多少?", "AI视频要不要打标签？美区和东南亚规则一样吗？", "What's the weather in Paris?"]


def answers() -> list[Answer]:
    """Real answers (with and without sources), one with follow-ups and a message id, one very long."""
    real = [shared_advisor().ask(q) for q in QUESTIONS]
    extra = real[0].model_copy(update={"message_id": "msg_1", "follow_ups": ["美区呢？", "x" * 300, "如果GPM是20呢？"]})
    long = real[1].model_copy(update={"answer": real[1].answer * 60, "details": real[1].details * 40, "message_id": "msg_2"})
    return [*real, extra, long]


@pytest.fixture(scope="module")
def sample() -> list[Answer]:
    return answers()


def test_slack_payloads_are_valid_block_kit(sample: list[Answer]) -> None:
    payloads = [answer_message(ReplyParts.of(a), handoff) for a in sample for handoff in (False, True)]
    payloads += [details_message(a.details, a.lang) for a in sample]
    for payload in payloads:
        assert 0 < len(payload["blocks"]) <= 50 and 0 < len(payload["text"]) <= 40_000
        for block in payload["blocks"]:
            parsed = Block.parse(block)
            assert parsed is not None and parsed.to_dict() == block, block["type"]  # to_dict() checks Slack's limits
    kinds = {b["type"] for p in payloads for b in p["blocks"]}
    assert kinds == {"section", "context", "actions"}


def test_slack_mrkdwn_escapes_what_could_ping_or_link() -> None:
    assert mrkdwn("<!channel> & <@U1> **bold**") == "&lt;!channel&gt; &amp; &lt;@U1&gt; \u200b*bold*\u200b"
    assert mrkdwn("[TikTok](https://tiktok.com)") == "<https://tiktok.com|TikTok>"


_TEXT = {"type": "object", "additionalProperties": False, "required": ["tag", "content"],
         "properties": {"tag": {"const": "plain_text"}, "content": {"type": "string", "minLength": 1}}}
_BUTTON = {"type": "object", "additionalProperties": False, "required": ["tag", "text", "type"],
           "properties": {"tag": {"const": "button"}, "text": _TEXT,
                          "type": {"enum": ["default", "primary", "danger", "text", "primary_text", "danger_text",
                                            "primary_filled", "danger_filled", "laser"]},
                          "value": {"type": "object"}, "url": {"type": "string"}, "confirm": {"type": "object"}}}
_MARKDOWN = {"type": "object", "additionalProperties": False, "required": ["tag", "content"],
             "properties": {"tag": {"const": "markdown"}, "content": {"type": "string"}}}
_COLUMN_SET = {"type": "object", "additionalProperties": False, "required": ["tag", "columns"],
               "properties": {"tag": {"const": "column_set"}, "columns": {"type": "array", "items": {
                   "type": "object", "additionalProperties": False, "required": ["tag", "elements"],
                   "properties": {"tag": {"const": "column"}, "elements": {"type": "array", "items": _BUTTON}}}}}}
CARD_V2 = {
    "type": "object", "additionalProperties": False, "required": ["schema", "body"],
    "properties": {
        "schema": {"const": "2.0"},
        "config": {"type": "object", "additionalProperties": False,
                   "properties": {"update_multi": {"const": True}, "streaming_mode": {"type": "boolean"},
                                  "summary": {"type": "object"}, "width_mode": {"enum": ["compact", "fill", "default"]}}},
        "header": {"type": "object"},
        "body": {"type": "object", "additionalProperties": False, "required": ["elements"],
                 "properties": {"elements": {"type": "array", "items": {"oneOf": [_MARKDOWN, _BUTTON, _COLUMN_SET]}}}},
    },
}
"""Card JSON 2.0 as Feishu's "卡片 JSON 2.0 结构" and component pages describe the parts used here;
2.0 reports unsupported properties as errors, so none are allowed."""


def test_feishu_cards_match_card_json_2(sample: list[Answer]) -> None:
    cards = [answer_card(ReplyParts.of(a), handoff) for a in sample for handoff in (False, True)]
    cards += [markdown_card(a.details or "-") for a in sample]
    for card in cards:
        jsonschema.validate(card, CARD_V2)
        assert len(str(card).encode()) < 30_000, "Feishu's limit on a card's size"


def test_wecom_markdown_fits_wecoms_limit(sample: list[Answer]) -> None:
    for answer in sample:
        assert len(answer_markdown(answer).encode()) <= 4096


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


