"""Feishu / Lark on its official SDK (lark-oapi): events by webhook (`POST /channels/feishu/events`)
or over a long connection (no public URL), answered with interactive cards whose buttons come back
as card callbacks (feedback, details, hand-off, follow-ups).

lark-oapi's dispatcher decrypts, checks the verification token and the signature, and answers the
URL check as Feishu sends it (encrypted and unsigned when an Encrypt Key is set). The Open API client
fetches and refreshes the tenant token. This adapter adds what the SDK leaves to the app: events
older than five minutes and redeliveries are not answered again; a refused request is a 401.

Conversations: in a one-to-one chat the whole chat (`feishu:{chat_id}`); in a group, a message and
the replies in its thread (`feishu:{chat_id}:{root_id}`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import lark_oapi as lark
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from lark_oapi.api.im.v1 import (
    CreateMessageRequest,
    CreateMessageRequestBody,
    P2ImMessageReceiveV1,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
)
from lark_oapi.core.model import RawRequest
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTrigger, P2CardActionTriggerResponse

from assistant.config import Settings
from assistant.service.channels import feishu_cards as cards
from assistant.service.channels.common import Deduper, answer_or_notice, as_dict, policy_for, vendor_json
from assistant.service.channels.feishu_text import question_of
from assistant.service.channels.parts import ReplyParts, label, numbered
from assistant.service.errors import ApiError
from assistant.service.rating import rate_message
from assistant.service.sessions import feishu_chat_session, feishu_session

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from assistant.service.answering import Answerer
    from assistant.store import Store

log = logging.getLogger(__name__)

OWNER = "feishu"
MAX_EVENT_AGE = 300
"""Seconds after its create_time that an event is still answered; older ones are replays."""


def configured(settings: Settings) -> bool:
    """App credentials, and for webhooks the verification token."""
    webhook_ready = settings.feishu_connection == "long" or bool(settings.feishu_verification_token)
    return bool(settings.feishu_app_id and settings.feishu_app_secret and webhook_ready)


def stale(create_time: Any, now: float | None = None) -> bool:
    """The event was created more than `MAX_EVENT_AGE` seconds ago (create_time is in milliseconds)."""
    try:
        created = int(create_time) / 1000
    except (TypeError, ValueError):
        return True
    return (now or time.time()) - created > MAX_EVENT_AGE


class FeishuChannel:
    """lark-oapi's dispatcher and Open API client with tk-advisor's handlers."""

    def __init__(self, answerer: Answerer, settings: Settings, store: Store):
        if not configured(settings):
            raise ValueError("Feishu needs TK_FEISHU_APP_ID, TK_FEISHU_APP_SECRET and (for webhooks) TK_FEISHU_VERIFICATION_TOKEN")
        self.answerer, self.settings, self.store = answerer, settings, store
        self.client = (lark.Client.builder().app_id(settings.feishu_app_id or "").app_secret(settings.feishu_app_secret or "")
                       .domain(settings.feishu_domain.rstrip("/")).log_level(lark.LogLevel.WARNING).build())
        self.dispatcher = (lark.EventDispatcherHandler.builder(settings.feishu_encrypt_key or "",
                                                               settings.feishu_verification_token or "")
                           .register_p2_im_message_receive_v1(self._on_message)
                           .register_p2_card_action_trigger(self._on_card)
                           .build())
        self.seen = Deduper(store, "feishu")
        self.bot_open_id: str | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.long_connection: LongConnection | None = None

    # --- receiving -----------------------------------------------------------------------

    def router(self) -> APIRouter:
        router = APIRouter(prefix="/channels/feishu", include_in_schema=False)

        @router.post("/events")
        async def events(request: Request) -> Response:
            body = await request.body()
            try:
                vendor_json(body)  # depth- and NaN-checked before the SDK parses it
            except (ValueError, UnicodeDecodeError):
                raise ApiError(400, "The request body is not JSON.", code="invalid_json") from None
            raw = RawRequest()
            raw.uri, raw.headers, raw.body = str(request.url.path), request.headers, body
            response = await run_in_threadpool(self.dispatcher.do, raw)
            if response.status_code == 200:
                return Response(response.content, media_type="application/json")
            reason = str(as_dict(_json_or_none(response.content)).get("msg", ""))
            if reason.startswith("processor not found"):
                return JSONResponse({"msg": "ignored"})  # an event type this app does not answer
            log.info("feishu: request refused: %s", reason[:120])
            raise ApiError(401, "Not a verifiable Feishu event (verification token, signature or encryption).",
                           code="invalid_event")

        return router

    async def start(self) -> None:
        """Remember the server's event loop, learn the bot's open_id, open the long connection if asked."""
        self.loop = asyncio.get_running_loop()
        self.bot_open_id = await self._bot_open_id()
        if self.settings.feishu_connection == "long":
            self.long_connection = LongConnection(self.settings, self.dispatcher)
            await run_in_threadpool(self.long_connection.start)

    async def stop(self) -> None:
        if self.long_connection is not None:
            self.long_connection.stop()

    def _schedule(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` on the server's loop, from the dispatcher's thread or the long connection's."""
        if self.loop is None:
            work.close()
            log.error("feishu: an event arrived before the app started; dropped")
            return
        asyncio.run_coroutine_threadsafe(work, self.loop)

    def _first(self, header: Any) -> bool:
        event_id = str(getattr(header, "event_id", "") or "")
        if not event_id:
            return False
        if stale(getattr(header, "create_time", None)):
            log.info("feishu: %s is older than %d s, not answered", event_id, MAX_EVENT_AGE)
            return False
        return self.seen.first(event_id)

    def _on_message(self, data: P2ImMessageReceiveV1) -> None:
        """A message to the bot: one-to-one, a mention in a group, a follow-up in a thread the bot
        answered, or (where the chat's settings say so) any group message."""
        event = data.event
        message, sender = event.message, event.sender
        if sender is None or sender.sender_type != "user" or message is None or not message.message_id:
            return
        text = question_of(message.message_type or "", message.content or "")
        chat_id = message.chat_id or ""
        if message.chat_type == "p2p":
            session, wanted = feishu_chat_session(chat_id), True
        else:
            session = feishu_session(chat_id, message.root_id, message.message_id)
            mentioned = any(self.bot_open_id is None or (m.id and m.id.open_id == self.bot_open_id) for m in message.mentions or [])
            wanted = (mentioned or (bool(message.root_id) and self.store.owner(session) == OWNER)
                      or policy_for(self.settings.feishu_channels, chat_id).answer_untagged)
        if not wanted or not self._first(data.header):
            return
        where = Where(chat_id, message.message_id, message.chat_type != "p2p")
        self._schedule(self.answer(where, text, session))

    # --- answering -----------------------------------------------------------------------

    async def answer(self, where: Where, text: str | None, session: str) -> None:
        if text is None:
            await self.send(where, cards.markdown_card(_UNREADABLE))
            return
        result = await answer_or_notice(self.answerer, text, session, OWNER)
        if isinstance(result, str):
            await self.send(where, cards.markdown_card(result))
            return
        policy = policy_for(self.settings.feishu_channels, where.chat_id)
        if policy.require_source and not result.citations:
            log.info("feishu: %s requires a source; none found, no reply", where.chat_id)
            return
        handoff = bool(policy.handoff or self.settings.feishu_handoff)
        await self.send(where, cards.answer_card(ReplyParts.of(result), handoff))

    async def send(self, where: Where, card: dict[str, Any]) -> None:
        """A card as a quote-reply (groups) or a new message in the chat (one-to-one)."""
        content = cards.content(card)
        if where.quote:
            request: Any = ReplyMessageRequest.builder().message_id(where.message_id).request_body(
                ReplyMessageRequestBody.builder().msg_type("interactive").content(content).build()).build()
            response = await self.client.im.v1.message.areply(request)
        else:
            request = CreateMessageRequest.builder().receive_id_type("chat_id").request_body(
                CreateMessageRequestBody.builder().receive_id(where.chat_id).msg_type("interactive").content(content).build()).build()
            response = await self.client.im.v1.message.acreate(request)
        if not response.success():
            log.error("feishu: sending the reply failed: code %s %s", response.code, response.msg)

    async def _bot_open_id(self) -> str | None:
        """The bot's own open_id (`GET /open-apis/bot/v3/info`), to tell its mentions from others'."""
        request = (lark.BaseRequest.builder().http_method(lark.HttpMethod.GET).uri("/open-apis/bot/v3/info")
                   .token_types({lark.AccessTokenType.TENANT}).build())
        try:
            response = await self.client.arequest(request)
            open_id = as_dict(as_dict(_json_or_none(response.raw.content)).get("bot")).get("open_id")
        except Exception as exc:  # the app still answers; any mention counts as the bot's
            log.warning("feishu: the bot's open_id is unknown (%s)", type(exc).__name__)
            return None
        return str(open_id) if open_id else None

    # --- card buttons --------------------------------------------------------------------

    def _on_card(self, data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
        """A button on an answer card: store feedback, or post details / a hand-off / an answer."""
        event = data.event
        value = as_dict(event.action.value if event and event.action else None)
        context = event.context if event else None
        message_id = str(value.get("message_id", ""))
        found = self.store.message(message_id) if message_id else None
        if found is None or found.owner != OWNER or context is None or not context.open_message_id:
            return _toast("error", label("gone", "en"))
        lang = found.message.meta.get("lang", "en")
        where = Where(context.open_chat_id or "", context.open_message_id, True)
        action = value.get("action")
        if action == cards.RATE:
            rating = 1 if value.get("rating") == 1 else -1
            rate_message(self.store, message_id, rating, channel="feishu", owner=OWNER)
            return _toast("success", label("thanks", lang))
        if action == cards.DETAILS:
            meta = found.message.meta
            details = numbered(meta.get("details", ""), list(meta.get("citations", []))) or label("no_details", lang)
            self._schedule(self.send(where, cards.markdown_card(details)))
            return _toast("info", label("details", lang))
        if action == cards.HANDOFF:
            target = policy_for(self.settings.feishu_channels, where.chat_id).handoff or self.settings.feishu_handoff
            operator = event.operator.open_id if event and event.operator else ""
            if target:
                text = f'<at id="{target}"></at> ' + label("handoff_asked", lang, who=f'<at id="{operator}"></at>')
                self._schedule(self.send(where, cards.markdown_card(text, mentions=True)))
            return _toast("success", label("handoff_sent", lang))
        if action == cards.FOLLOW_UP and value.get("question"):
            self._schedule(self.answer(where, str(value["question"]), found.session_id))
            return _toast("info", label("working", lang))
        return _toast("error", label("gone", lang))


@dataclass(frozen=True)
class Where:
    """Where a reply goes: the chat, the message it answers, and whether to quote that message."""

    chat_id: str
    message_id: str
    quote: bool


_UNREADABLE = ("我只能读文字消息（含富文本），请把问题用文字发给我。\n"
               "I can only read text (and rich-text) messages; please send your question as text.")


def _toast(kind: str, text: str) -> P2CardActionTriggerResponse:
    return P2CardActionTriggerResponse({"toast": {"type": kind, "content": text}})


def _json_or_none(content: bytes | str | None) -> Any:
    try:
        return json.loads(content or b"null")
    except ValueError:
        return None


class LongConnection:
    """lark-oapi's WebSocket client on a thread of its own with its own event loop.

    The SDK (1.7.5) drives its connection on a loop it takes at import time, and `start()` blocks
    for good; a dedicated thread and loop keep it off the server's loop (the workaround its issues
    #119/#133 describe; PR #139 would add `start_async`). `stop()` ends the thread.
    """

    def __init__(self, settings: Settings, dispatcher: lark.EventDispatcherHandler):
        import lark_oapi.ws.client as ws_module

        self._module = ws_module
        self._client = ws_module.Client(settings.feishu_app_id or "", settings.feishu_app_secret or "",
                                        event_handler=dispatcher, domain=settings.feishu_domain.rstrip("/"),
                                        log_level=lark.LogLevel.WARNING)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="feishu-long-connection", daemon=True)

    def start(self, timeout: float = 30.0) -> None:
        """Connect; raises when Feishu refuses the credentials or does not answer within `timeout`."""
        self._thread.start()
        if not self._ready.wait(timeout) or self._client._conn is None:
            raise RuntimeError("the Feishu long connection did not open (check TK_FEISHU_APP_ID / _APP_SECRET)")
        log.info("feishu: long connection open")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._module.loop = self._loop
        try:
            self._loop.run_until_complete(self._client._connect())
            self._loop.create_task(self._client._ping_loop())
            self._ready.set()
            self._loop.run_forever()
        except Exception:
            log.exception("feishu: the long connection failed")
        finally:
            self._ready.set()

    def stop(self) -> None:
        self._client._auto_reconnect = False

        async def close() -> None:
            await self._client._disconnect()
            self._loop.stop()

        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(close(), self._loop)
        self._thread.join(timeout=5)
