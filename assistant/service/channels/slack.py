"""Slack Events API adapter: verify the request, ack at once, answer in the thread via chat.postMessage."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse

from assistant.config import Settings
from assistant.service.channels.common import Deduper, as_dict, reply_text, vendor_json
from assistant.service.errors import ApiError
from assistant.service.sessions import slack_session

if TYPE_CHECKING:
    from assistant.service.answering import Answerer
    from assistant.store import Store

log = logging.getLogger(__name__)

MAX_AGE_S = 300
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's `v0` request signature: HMAC-SHA256 over `v0:{timestamp}:{body}`."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(secret: str, headers: Any, body: bytes, *, now: Callable[[], float] = time.time) -> None:
    """Raise a 401 unless the request is signed with `secret` within the last five minutes."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    sent = headers.get("X-Slack-Signature", "")
    try:
        fresh = abs(now() - int(timestamp)) <= MAX_AGE_S
    except ValueError:
        fresh = False
    if not fresh:
        raise ApiError(401, "Missing or stale Slack request timestamp.", code="stale_request")
    if not hmac.compare_digest(signature(secret, timestamp, body), sent):
        raise ApiError(401, "Invalid Slack request signature.", code="invalid_signature")


def question_of(event: dict[str, Any]) -> str | None:
    """The text to answer: app mentions, and direct messages from people (not bots, not edits)."""
    if event.get("bot_id") or event.get("subtype"):
        return None
    if event.get("type") == "app_mention" or (event.get("type") == "message" and event.get("channel_type") == "im"):
        return _MENTION.sub("", str(event.get("text", ""))).strip()
    return None


def configured(settings: Settings) -> bool:
    return bool(settings.slack_signing_secret and settings.slack_bot_token)


def slack_router(answerer: Answerer, settings: Settings, http: httpx.AsyncClient, store: Store) -> APIRouter:
    """`POST /channels/slack/events`; needs TK_SLACK_SIGNING_SECRET and TK_SLACK_BOT_TOKEN."""
    if not configured(settings):
        raise ValueError("Slack needs TK_SLACK_SIGNING_SECRET and TK_SLACK_BOT_TOKEN")
    secret, token = settings.slack_signing_secret or "", settings.slack_bot_token or ""
    seen = Deduper(store, "slack")
    router = APIRouter(prefix="/channels/slack", include_in_schema=False)

    async def answer(text: str, channel: str, thread_ts: str) -> None:
        reply = await reply_text(answerer, text, slack_session(channel, thread_ts), "slack")
        try:
            response = await http.post(
                f"{settings.slack_api_base}/chat.postMessage",
                json={"channel": channel, "thread_ts": thread_ts, "text": reply},
                headers={"Authorization": f"Bearer {token}"},
            )
            result = as_dict(response.json())
            if not result.get("ok"):
                log.error("slack: chat.postMessage refused: %s", result.get("error"))
        except (httpx.HTTPError, ValueError) as exc:
            log.error("slack: chat.postMessage failed: %s", type(exc).__name__)

    @router.post("/events")
    async def events(request: Request, background: BackgroundTasks) -> JSONResponse:
        body = await request.body()
        verify(secret, request.headers, body)
        try:
            payload = as_dict(vendor_json(body))
        except ValueError:
            raise ApiError(400, "The request body is not valid JSON.", code="invalid_json") from None
        if payload.get("type") == "url_verification":
            return JSONResponse({"challenge": payload.get("challenge", "")})
        event = as_dict(payload.get("event"))
        event_id = str(payload.get("event_id") or "")
        if payload.get("type") != "event_callback" or not event_id:
            return JSONResponse({"ok": True})
        if not seen.first(event_id):
            log.info("slack: %s already handled (retry %s)", event_id, request.headers.get("X-Slack-Retry-Num", "-"))
            return JSONResponse({"ok": True})
        text = question_of(event)
        if text is not None and event.get("channel"):
            background.add_task(answer, text, event["channel"], event.get("thread_ts") or event.get("ts", ""))
        return JSONResponse({"ok": True})

    return router
