"""Slack on its official SDK (Bolt): Events API over HTTP (`POST /channels/slack/events`) or Socket
Mode (no public URL), replies as Block Kit in the message's thread, and the buttons on them.

Bolt verifies each HTTP request's signature and age (five minutes), answers URL verification and
ignores the bot's own messages; the Web API client retries Slack's 429s after `Retry-After`.
Each Slack thread is one conversation (`slack:{channel}:{thread_ts}`).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import async_default_handlers as default_retries
from slack_sdk.web.async_client import AsyncWebClient

from assistant.config import Settings
from assistant.service.channels import slack_blocks as blocks
from assistant.service.channels.common import Deduper, answer_or_notice, policy_for
from assistant.service.channels.parts import ReplyParts, label, numbered
from assistant.service.rating import rate_message
from assistant.service.sessions import slack_session

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from assistant.service.answering import Answerer
    from assistant.store import Store

log = logging.getLogger(__name__)

OWNER = "slack"
"""Who owns Slack conversations in the store (and whose feedback the buttons give)."""
WORKING = "hourglass_flowing_sand"
"""The reaction on a question while its answer is computed."""
RATE_LIMIT_RETRIES = 3
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def configured(settings: Settings) -> bool:
    """A bot token, and a way to receive events: a signing secret (HTTP) or an app token (Socket Mode)."""
    return bool(settings.slack_bot_token and (settings.slack_signing_secret or settings.slack_app_token))


def mention_of(target: str) -> str:
    """How Slack writes a mention of a user group (S...), a user (U.../W...), `here` or `channel`."""
    if target in ("here", "channel"):
        return f"<!{target}>"
    return f"<!subteam^{target}>" if target.startswith("S") else f"<@{target}>"


def web_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: connection errors and 429s (after `Retry-After`) are retried."""
    retries = [*default_retries(), AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)]
    return AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_base.rstrip("/") + "/",
                          retry_handlers=retries)


class SlackChannel:
    """The Bolt app with tk-advisor's listeners, served over HTTP, Socket Mode, or both."""

    def __init__(self, answerer: Answerer, settings: Settings, store: Store):
        if not configured(settings):
            raise ValueError("Slack needs TK_SLACK_BOT_TOKEN and TK_SLACK_SIGNING_SECRET or TK_SLACK_APP_TOKEN")
        self.answerer, self.settings, self.store = answerer, settings, store
        self.client = web_client(settings)
        self.app = AsyncApp(client=self.client, signing_secret=settings.slack_signing_secret or "",
                            process_before_response=False, logger=log)
        self.seen = Deduper(store, "slack")
        self.socket: AsyncSocketModeHandler | None = None
        self._listen()

    # --- receiving -----------------------------------------------------------------------

    def router(self) -> APIRouter:
        """`POST /channels/slack/events` (Events API and interactivity), when a signing secret is set."""
        handler = AsyncSlackRequestHandler(self.app)
        router = APIRouter(prefix="/channels/slack", include_in_schema=False)

        @router.post("/events")
        async def events(request: Request) -> Response:
            return await handler.handle(request)

        return router

    async def start(self) -> None:
        """Open the Socket Mode connection when an app token is set."""
        if self.settings.slack_app_token:
            self.socket = AsyncSocketModeHandler(self.app, self.settings.slack_app_token, web_client=self.client)
            await self.socket.connect_async()
            log.info("slack: Socket Mode connected")

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()

    def _listen(self) -> None:
        app = self.app
        app.event("app_mention")(self._on_mention)
        app.event("message")(self._on_message)
        app.action(blocks.DETAILS)(self._on_details)
        app.action(blocks.RATE_UP)(self._on_rating)
        app.action(blocks.RATE_DOWN)(self._on_rating)
        app.action(blocks.HANDOFF)(self._on_handoff)
        app.action(re.compile(f"^{blocks.FOLLOW_UP}_\\d+$"))(self._on_follow_up)

    async def _first(self, body: dict[str, Any]) -> bool:
        """False for an event already handled (Slack retries after three seconds, and again later)."""
        event_id = str(body.get("event_id") or "")
        return not event_id or await run_in_threadpool(self.seen.first, event_id)

    async def _on_mention(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if await self._first(body):
            await self.answer(event["channel"], event["ts"], event.get("thread_ts") or event["ts"], event.get("text", ""))

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]) -> None:
        """Direct messages; follow-ups in a thread the bot answered (no mention needed); and, where the
        channel's settings say so, every new message. Messages that mention the bot are app_mentions."""
        if event.get("subtype") or event.get("bot_id") or not event.get("channel") or not event.get("ts"):
            return
        channel, ts, text = event["channel"], event["ts"], event.get("text", "")
        thread = event.get("thread_ts")
        if event.get("channel_type") == "im":
            wanted = True
        elif f"<@{context.get('bot_user_id')}>" in text:
            wanted = False
        elif thread and thread != ts:
            wanted = await run_in_threadpool(self.store.owner, slack_session(channel, thread)) == OWNER
        else:
            wanted = policy_for(self.settings.slack_channels, channel).answer_untagged
        if wanted and await self._first(body):
            await self.answer(channel, ts, thread or ts, text)

    # --- answering -----------------------------------------------------------------------

    async def answer(self, channel: str, ts: str, thread: str, text: str, asked_by: str | None = None) -> None:
        """Answer `text` in `thread`, with a reaction on the question while it is worked on."""
        policy = policy_for(self.settings.slack_channels, channel)
        question = _MENTION.sub("", text).strip()
        await self._call(self.client.reactions_add(channel=channel, timestamp=ts, name=WORKING))
        try:
            result = await answer_or_notice(self.answerer, question, slack_session(channel, thread), OWNER)
        finally:
            await self._call(self.client.reactions_remove(channel=channel, timestamp=ts, name=WORKING))
        if isinstance(result, str):
            await self._call(self.client.chat_postMessage(channel=channel, thread_ts=thread, text=result))
            return
        if policy.require_source and not result.citations:
            log.info("slack: %s requires a source; none found, no reply", channel)
            return
        handoff = bool(policy.handoff or self.settings.slack_handoff)
        message = blocks.answer_message(ReplyParts.of(result), handoff, asked_by=(asked_by, question) if asked_by else None)
        await self._call(self.client.chat_postMessage(channel=channel, thread_ts=thread, **message))

    @staticmethod
    async def _call(request: Awaitable[Any]) -> None:
        """One Web API call; a refusal (missing scope, deleted message) is logged, not raised."""
        try:
            await request
        except SlackApiError as exc:
            log.warning("slack: %s", exc.response.get("error", "call refused"))

    # --- buttons -------------------------------------------------------------------------

    @staticmethod
    def _where(body: dict[str, Any]) -> tuple[str, str, str, str]:
        """(channel, thread, clicking user, the button's value) of a block action."""
        message = body.get("message") or {}
        return (body["channel"]["id"], message.get("thread_ts") or message.get("ts", ""), body["user"]["id"],
                body["actions"][0].get("value", ""))

    async def _on_details(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        channel, thread, _, message_id = self._where(body)
        found = await run_in_threadpool(self.store.message, message_id)
        if found is None or found.owner != OWNER:
            await self._call(self.client.chat_postMessage(channel=channel, thread_ts=thread, text=label("gone", "en")))
            return
        meta = found.message.meta
        details = numbered(meta.get("details", ""), list(meta.get("citations", [])))
        message = blocks.details_message(details, meta.get("lang", "en"))
        await self._call(self.client.chat_postMessage(channel=channel, thread_ts=thread, **message))

    async def _on_rating(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        channel, thread, user, message_id = self._where(body)
        rating = 1 if body["actions"][0]["action_id"] == blocks.RATE_UP else -1
        found = await run_in_threadpool(self.store.message, message_id)
        row = await run_in_threadpool(lambda: rate_message(self.store, message_id, rating, channel="slack", owner=OWNER))
        lang = found.message.meta.get("lang", "en") if found is not None else "en"
        note = label("thanks" if row is not None else "gone", lang)
        await self._call(self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread, text=note))

    async def _on_handoff(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        channel, thread, user, message_id = self._where(body)
        target = policy_for(self.settings.slack_channels, channel).handoff or self.settings.slack_handoff
        if not target:
            return
        found = await run_in_threadpool(self.store.message, message_id)
        lang = found.message.meta.get("lang", "en") if found is not None else "en"
        text = f"{mention_of(target)} " + label("handoff_asked", lang, who=f"<@{user}>")
        await self._call(self.client.chat_postMessage(channel=channel, thread_ts=thread, text=text))

    async def _on_follow_up(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        channel, thread, user, question = self._where(body)
        await self.answer(channel, (body.get("message") or {}).get("ts", thread), thread, question, asked_by=user)

