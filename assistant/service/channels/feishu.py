"""Feishu/Lark event callback adapter: decrypt, check the token, ack at once, reply to the message."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
from Crypto.Cipher import AES
from Crypto.Util.Padding import unpad
from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse

from assistant.config import Settings
from assistant.service.channels.common import Deduper, as_dict, reply_text, vendor_json
from assistant.service.errors import ApiError
from assistant.service.sessions import feishu_session

if TYPE_CHECKING:
    from assistant.service.answering import Answerer
    from assistant.store import Store

log = logging.getLogger(__name__)

MESSAGE_EVENT = "im.message.receive_v1"
_MENTION = re.compile(r"@_user_\d+")


def decrypt(encrypt_key: str, encrypted: str) -> dict[str, Any]:
    """Feishu's encrypted body: base64 of IV (16 bytes) + AES-256-CBC ciphertext, key = SHA256(encrypt_key)."""
    raw = base64.b64decode(encrypted)
    cipher = AES.new(hashlib.sha256(encrypt_key.encode()).digest(), AES.MODE_CBC, raw[:16])
    return vendor_json(unpad(cipher.decrypt(raw[16:]), AES.block_size))


def signature(encrypt_key: str, timestamp: str, nonce: str, body: bytes) -> str:
    """`X-Lark-Signature`: SHA256 hex of timestamp + nonce + encrypt key + body."""
    return hashlib.sha256(timestamp.encode() + nonce.encode() + encrypt_key.encode() + body).hexdigest()


def open_payload(settings: Settings, headers: Any, body: bytes) -> dict[str, Any]:
    """The event as JSON: decrypted when an encrypt key is set (then only encrypted bodies are
    accepted, and a signature, when sent, must match), with its verification token checked."""
    key = settings.feishu_encrypt_key
    try:
        payload = as_dict(vendor_json(body))
        if key:
            sent = headers.get("X-Lark-Signature")
            timestamp, nonce = headers.get("X-Lark-Request-Timestamp", ""), headers.get("X-Lark-Request-Nonce", "")
            if sent is None or not hmac.compare_digest(signature(key, timestamp, nonce, body), sent):
                raise ApiError(401, "Missing or invalid Feishu request signature.", code="invalid_signature")
            if not isinstance(payload.get("encrypt"), str):
                raise ApiError(400, "Expected an encrypted body ({\"encrypt\": ...}).", code="not_encrypted")
            payload = as_dict(decrypt(key, payload["encrypt"]))
    except ValueError:  # not JSON, not base64, wrong key or padding
        raise ApiError(400, "The request body is not a readable Feishu event.", code="invalid_event") from None
    token = payload.get("token") or as_dict(payload.get("header")).get("token") or ""
    if not hmac.compare_digest(str(token).encode(), (settings.feishu_verification_token or "").encode()):
        raise ApiError(401, "Invalid Feishu verification token.", code="invalid_token")
    return payload


MAX_EVENT_AGE = 300
"""Seconds after its create_time that an event is still answered; older ones are replays."""


def _stale(header: dict[str, Any]) -> bool:
    """The event was created more than `MAX_EVENT_AGE` seconds ago (create_time is in milliseconds)."""
    try:
        created = int(header.get("create_time", 0)) / 1000
    except (TypeError, ValueError):
        return True
    return bool(created) and time.time() - created > MAX_EVENT_AGE


def question_of(event: dict[str, Any]) -> str | None:
    """The text of a person's text message, with @-mention placeholders removed."""
    message = as_dict(event.get("message"))
    if as_dict(event.get("sender")).get("sender_type") != "user" or message.get("message_type") != "text":
        return None
    try:
        text = as_dict(vendor_json(message.get("content") or "{}")).get("text", "")
    except (ValueError, TypeError):
        return None
    return _MENTION.sub("", str(text)).strip()


class FeishuApi:
    """The two Open API calls the adapter needs, with the tenant token cached until it expires."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient):
        self._settings = settings
        self._http = http
        self._token = ""
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:
            if time.monotonic() >= self._expires:
                response = await self._http.post(
                    f"{self._settings.feishu_api_base}/auth/v3/tenant_access_token/internal",
                    json={"app_id": self._settings.feishu_app_id, "app_secret": self._settings.feishu_app_secret},
                )
                data = as_dict(response.json())
                if data.get("code") != 0 or not isinstance(data.get("tenant_access_token"), str):
                    raise RuntimeError(f"tenant_access_token refused: code {data.get('code')}")
                self._token = data["tenant_access_token"]
                self._expires = time.monotonic() + float(data.get("expire", 7200)) - 300
            return self._token

    async def reply(self, message_id: str, text: str) -> None:
        response = await self._http.post(
            f"{self._settings.feishu_api_base}/im/v1/messages/{quote(message_id, safe='')}/reply",
            json={"msg_type": "text", "content": json.dumps({"text": text}, ensure_ascii=False)},
            headers={"Authorization": f"Bearer {await self.token()}"},
        )
        code = as_dict(response.json()).get("code")
        if code != 0:
            self._expires = 0.0  # the token may have been revoked early: fetch a fresh one next time
            raise RuntimeError(f"reply refused: code {code}")


def configured(settings: Settings) -> bool:
    return bool(settings.feishu_app_id and settings.feishu_app_secret and settings.feishu_verification_token)


def feishu_router(answerer: Answerer, settings: Settings, http: httpx.AsyncClient, store: Store) -> APIRouter:
    """`POST /channels/feishu/events`; needs TK_FEISHU_APP_ID, _APP_SECRET and _VERIFICATION_TOKEN."""
    if not configured(settings):
        raise ValueError("Feishu needs TK_FEISHU_APP_ID, TK_FEISHU_APP_SECRET and TK_FEISHU_VERIFICATION_TOKEN")
    api = FeishuApi(settings, http)
    seen = Deduper(store, "feishu")
    router = APIRouter(prefix="/channels/feishu", include_in_schema=False)

    async def answer(text: str, message: dict[str, Any]) -> None:
        session = feishu_session(str(message.get("chat_id", "")), message.get("root_id"), message["message_id"])
        reply = await reply_text(answerer, text, session, "feishu")
        try:
            await api.reply(message["message_id"], reply)
        except (httpx.HTTPError, ValueError, RuntimeError) as exc:
            log.error("feishu: reply failed: %s", exc if isinstance(exc, RuntimeError) else type(exc).__name__)

    @router.post("/events")
    async def events(request: Request, background: BackgroundTasks) -> JSONResponse:
        payload = open_payload(settings, request.headers, await request.body())
        if payload.get("type") == "url_verification":
            return JSONResponse({"challenge": payload.get("challenge", "")})
        header = as_dict(payload.get("header"))
        event = as_dict(payload.get("event"))
        if payload.get("schema") != "2.0" or header.get("event_type") != MESSAGE_EVENT or not header.get("event_id"):
            return JSONResponse({})
        if _stale(header):
            log.info("feishu: %s is older than %d s, ignored", header["event_id"], MAX_EVENT_AGE)
            return JSONResponse({})
        if not seen.first(str(header["event_id"])):
            log.info("feishu: %s already handled", header["event_id"])
            return JSONResponse({})
        text = question_of(event)
        if text is not None and as_dict(event.get("message")).get("message_id"):
            background.add_task(answer, text, event["message"])
        return JSONResponse({})

    return router
