"""WeCom (企业微信) self-built app callback: `GET /channels/wecom/events` verifies the URL,
`POST` receives encrypted messages; answers go out as markdown messages (`message/send`).

Every request's `msg_signature` is checked (official algorithm, `wecom_crypto.py`), requests whose
timestamp is more than five minutes off are refused, and a redelivered message (same MsgId) is
answered once. Each user's chat with the app is one conversation (`wecom:{user}`).

Markdown messages have no buttons, so the replies end with what to send instead: 👍 / 👎 rate the
last answer, 详情 / details posts its details, 转人工 / human mentions the hand-off colleagues.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING
from xml.etree import ElementTree

import httpx
from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse

from assistant.config import Settings
from assistant.service.channels.common import Deduper, answer_or_notice, as_dict
from assistant.service.channels.parts import ReplyParts, label, numbered
from assistant.service.channels.wecom_crypto import WeComCrypto, WeComCryptoError
from assistant.service.errors import ApiError
from assistant.service.rating import rate_message

if TYPE_CHECKING:
    from assistant.answer import Answer
    from assistant.kb.schema import Lang
    from assistant.service.answering import Answerer
    from assistant.store import Store

log = logging.getLogger(__name__)

OWNER = "wecom"
MAX_AGE_S = 300
MARKDOWN_BYTES = 4096
"""WeCom's limit on a markdown message's content."""
TOKEN_ERRORS = {40014, 42001}
"""access_token invalid or expired: fetch a new one and send again."""

COMMANDS: dict[str, str] = {"👍": "up", "👎": "down", "详情": "details", "details": "details", "转人工": "handoff", "human": "handoff"}
HINT = {"zh": "回复 👍 / 👎 评价这条回答，回复「详情」看依据和计算，回复「转人工」请同事跟进。",
        "en": "Reply 👍 / 👎 to rate this answer, \"details\" for the evidence and the maths, \"human\" to ask a colleague."}


def configured(settings: Settings) -> bool:
    return bool(settings.wecom_corp_id and settings.wecom_agent_id and settings.wecom_secret
                and settings.wecom_token and settings.wecom_aes_key)


def session_of(user: str) -> str:
    return f"wecom:{user}"


def _clip(text: str, limit: int = MARKDOWN_BYTES) -> str:
    """At most `limit` UTF-8 bytes, cut at a character boundary."""
    raw = text.encode()
    return text if len(raw) <= limit else raw[: limit - 3].decode(errors="ignore") + "…"


def answer_markdown(answer: Answer) -> str:
    """The reply, its numbered sources (title linked, evidence level), follow-ups and the command hint."""
    parts = ReplyParts.of(answer)
    lines = [parts.reply]
    if parts.sources:
        lines.append(f"**{label('sources', parts.lang)}**\n" + "\n".join(
            f"[{s.number}] [{s.title}]({s.url}) · {s.evidence}" if s.url else f"[{s.number}] {s.title} · {s.evidence}"
            for s in parts.sources))
    if parts.follow_ups:
        lines.append("\n".join(f"> ↪ {q}" for q in parts.follow_ups))
    lines.append(f"<font color=\"comment\">{HINT[parts.lang]}</font>")
    return _clip("\n\n".join(lines))


def parse_xml(text: str) -> dict[str, str]:
    """The child elements of a WeCom XML document; documents with a DOCTYPE (entities) are refused."""
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise ValueError("DOCTYPE not allowed")
    return {child.tag: (child.text or "") for child in ElementTree.fromstring(text)}


class WeComApi:
    """`gettoken` (cached until shortly before it expires) and `message/send`."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient):
        self._settings, self._http = settings, http
        self._token, self._expires = "", 0.0
        self._lock = asyncio.Lock()

    async def token(self, fresh: bool = False) -> str:
        async with self._lock:
            if fresh or time.monotonic() >= self._expires:
                response = await self._http.get(f"{self._settings.wecom_api_base}/gettoken", params={
                    "corpid": self._settings.wecom_corp_id, "corpsecret": self._settings.wecom_secret})
                data = as_dict(response.json())
                if data.get("errcode") != 0 or not isinstance(data.get("access_token"), str):
                    raise RuntimeError(f"gettoken refused: errcode {data.get('errcode')}")
                self._token = data["access_token"]
                self._expires = time.monotonic() + float(data.get("expires_in", 7200)) - 300
            return self._token

    async def send_markdown(self, user: str, content: str) -> None:
        body = {"touser": user, "msgtype": "markdown", "agentid": self._settings.wecom_agent_id, "markdown": {"content": content}}
        for fresh in (False, True):
            response = await self._http.post(f"{self._settings.wecom_api_base}/message/send",
                                              params={"access_token": await self.token(fresh)}, json=body)
            code = as_dict(response.json()).get("errcode")
            if code == 0:
                return
            if code not in TOKEN_ERRORS:
                break
        raise RuntimeError(f"message/send refused: errcode {code}")


class WeComChannel:
    def __init__(self, answerer: Answerer, settings: Settings, store: Store, http: httpx.AsyncClient):
        if not configured(settings):
            raise ValueError("WeCom needs TK_WECOM_CORP_ID, _AGENT_ID, _SECRET, _TOKEN and _AES_KEY")
        self.answerer, self.settings, self.store = answerer, settings, store
        self.crypto = WeComCrypto(settings.wecom_token or "", settings.wecom_aes_key or "", settings.wecom_corp_id or "")
        self.api = WeComApi(settings, http)
        self.seen = Deduper(store, "wecom")

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def _checked(self, signature: str, timestamp: str, nonce: str, encrypted: str) -> str:
        """The decrypted text of a signed, fresh request; else a 401."""
        try:
            fresh = abs(time.time() - int(timestamp)) <= MAX_AGE_S
        except ValueError:
            fresh = False
        if not fresh:
            raise ApiError(401, "Missing or stale WeCom timestamp.", code="stale_request")
        try:
            self.crypto.verify(signature, timestamp, nonce, encrypted)
            return self.crypto.decrypt(encrypted)
        except WeComCryptoError:
            raise ApiError(401, "Invalid WeCom signature or ciphertext.", code="invalid_signature") from None

    def router(self) -> APIRouter:
        router = APIRouter(prefix="/channels/wecom", include_in_schema=False)

        @router.get("/events", response_class=PlainTextResponse)
        async def verify_url(msg_signature: str = Query(""), timestamp: str = Query(""), nonce: str = Query(""),
                             echostr: str = Query("")) -> str:
            return self._checked(msg_signature, timestamp, nonce, echostr)

        @router.post("/events", response_class=PlainTextResponse)
        async def receive(request: Request, background: BackgroundTasks, msg_signature: str = Query(""),
                          timestamp: str = Query(""), nonce: str = Query("")) -> str:
            try:
                encrypted = parse_xml((await request.body()).decode()).get("Encrypt", "")
            except (ValueError, ElementTree.ParseError):
                raise ApiError(400, "The request body is not WeCom's XML.", code="invalid_event") from None
            try:
                message = parse_xml(self._checked(msg_signature, timestamp, nonce, encrypted))
            except (ValueError, ElementTree.ParseError):
                raise ApiError(400, "The decrypted message is not XML.", code="invalid_event") from None
            user, msg_id = message.get("FromUserName", ""), message.get("MsgId", "")
            if message.get("MsgType") != "text" or not user or not msg_id:
                return ""  # events (enter the app, ...) and media get no answer
            if await run_in_threadpool(self.seen.first, msg_id):
                background.add_task(self.handle, user, message.get("Content", "").strip())
            return ""

        return router

    async def handle(self, user: str, text: str) -> None:
        try:
            command = COMMANDS.get(text.lower())
            await self.api.send_markdown(user, await (self._command(user, command) if command else self._answer(user, text)))
        except (httpx.HTTPError, ValueError, RuntimeError) as exc:
            log.error("wecom: reply failed: %s", exc if isinstance(exc, RuntimeError) else type(exc).__name__)

    async def _answer(self, user: str, text: str) -> str:
        result = await answer_or_notice(self.answerer, text, session_of(user), OWNER)
        return result if isinstance(result, str) else answer_markdown(result)

    async def _command(self, user: str, command: str) -> str:
        """👍 / 👎 / details / hand-off, about the user's last answer."""
        history = await run_in_threadpool(self.store.history, session_of(user))
        last = next((m for m in reversed(history) if m.role == "assistant" and m.id), None)
        if last is None:
            return label("gone", "en")
        lang: Lang = last.meta.get("lang", "en")
        if command in ("up", "down"):
            await run_in_threadpool(lambda: rate_message(self.store, last.id or "", 1 if command == "up" else -1,
                                                         channel="wecom", owner=OWNER))
            return label("thanks", lang)
        if command == "details":
            details = numbered(last.meta.get("details", ""), list(last.meta.get("citations", [])))
            return _clip(details or label("no_details", lang))
        if self.settings.wecom_handoff:
            question = history[-2].content if len(history) >= 2 and history[-2].role == "user" else ""
            note = label("handoff_asked", lang, who=user) + f"\n\n> {question}\n\n{last.content}"
            await self.api.send_markdown(self.settings.wecom_handoff, _clip(note))
        return label("handoff_sent", lang)
