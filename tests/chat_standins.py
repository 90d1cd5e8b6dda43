"""Local stand-ins for the chat vendors' APIs, behaving as their docs describe, and the requests
those vendors send to an app (signed, encrypted, replayed or forged).

- Slack: the Web API under `/api/` (form or JSON bodies; auth.test, chat.postMessage, reactions,
  postEphemeral; 429 with Retry-After on request), and Socket Mode (apps.connections.open → a
  WebSocket that says `hello`, sends envelopes and records the acks).
- Feishu / Lark: tenant token, bot info, message reply / create, and the long connection
  (`/callback/ws/endpoint` → a WebSocket speaking lark-oapi's protobuf frames).
- WeCom: gettoken and message/send (errcode 42001 once on request).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
from aiohttp import WSMsgType, web
from Crypto.Cipher import AES
from Crypto.Util.Padding import pad

from assistant.service.channels.wecom_crypto import WeComCrypto


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    body: Any
    query: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.perf_counter)
    """When it arrived (perf_counter), for benchmarks."""


class StandIn:
    """An aiohttp app on a loopback port, on a thread of its own; `calls` records every request."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.url = ""
        self.loop = asyncio.new_event_loop()
        self.app = web.Application()
        self.sockets: list[web.WebSocketResponse] = []
        self.received: list[Any] = []
        """Messages the app sent over a WebSocket (acks, responses)."""

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path.endswith(path)]

    def wait_for(self, path: str, count: int = 1, timeout: float = 30.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(self.calls_to(path)) < count:
            assert time.monotonic() < deadline, f"expected {count} calls to {path}, got {[c.path for c in self.calls]}"
            time.sleep(0.02)
        return self.calls_to(path)

    def wait_until(self, check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.02)

    async def record(self, request: web.Request) -> Call:
        raw = await request.read()
        if request.content_type == "application/x-www-form-urlencoded":  # Slack takes arguments in the query or the form
            body: Any = {**request.query, **{k: v[0] for k, v in parse_qs(raw.decode()).items()}}
        else:
            body = json.loads(raw) if raw else None
        call = Call(request.path, dict(request.headers), body, dict(request.query))
        self.calls.append(call)
        return call

    def push(self, message: str | bytes) -> None:
        """Send a WebSocket message to every connected app."""
        async def send() -> None:
            for socket in self.sockets:
                await (socket.send_bytes(message) if isinstance(message, bytes) else socket.send_str(message))

        asyncio.run_coroutine_threadsafe(send(), self.loop).result(5)

    @contextmanager
    def running(self) -> Iterator[StandIn]:
        ready = threading.Event()
        runner = web.AppRunner(self.app)

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.url = f"http://127.0.0.1:{port}"
            ready.set()
            self.loop.run_forever()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        ready.wait(10)
        try:
            yield self
        finally:
            async def close() -> None:
                for socket in list(self.sockets):
                    await socket.close()
                await runner.cleanup()

            asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            thread.join(5)


# --- Slack ---------------------------------------------------------------------------------------

SLACK_SIGNING_SECRET = "slack-signing-secret"
SLACK_BOT_TOKEN = "xoxb-test-token"
SLACK_APP_TOKEN = "xapp-1-test-token"
BOT_USER = "UBOT"


class SlackStandIn(StandIn):
    def __init__(self, rate_limited: int = 0) -> None:
        super().__init__()
        self.rate_limited = rate_limited
        """How many chat.postMessage calls get a 429 (Retry-After: 1) before one succeeds."""
        self.app.router.add_post("/api/{method}", self.web_api)
        self.app.router.add_get("/socket", self.socket)

    async def web_api(self, request: web.Request) -> web.Response:
        call = await self.record(request)
        method = request.match_info["method"]
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": BOT_USER, "bot_id": "BBOT", "team_id": "T1", "user": "tk-advisor"})
        if method == "apps.connections.open":
            if call.headers.get("Authorization") != f"Bearer {SLACK_APP_TOKEN}":
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": self.url.replace("http", "ws") + "/socket"})
        if call.headers.get("Authorization") != f"Bearer {SLACK_BOT_TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "chat.postMessage" and self.rate_limited > 0:
            self.rate_limited -= 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"})
        return web.json_response({"ok": True, "ts": f"{time.time():.6f}", "channel": (call.body or {}).get("channel")})

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"},
                                "debug_info": {"host": "standin", "approximate_connection_time": 3600}})
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.received.append(json.loads(message.data))
        self.sockets.remove(socket)
        return socket

    def envelope(self, payload: dict[str, Any], kind: str = "events_api") -> str:
        """Send an event (or an interactive payload) over Socket Mode; its envelope id."""
        envelope_id = str(uuid.uuid4())
        self.push(json.dumps({"envelope_id": envelope_id, "type": kind, "payload": payload,
                              "accepts_response_payload": kind != "events_api", "retry_attempt": 0, "retry_reason": ""}))
        return envelope_id


def slack_signed(body: bytes, *, secret: str = SLACK_SIGNING_SECRET, age: float = 0) -> dict[str, str]:
    timestamp = str(int(time.time() - age))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def slack_event(url: str, payload: dict[str, Any], **sign: Any) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {**slack_signed(body, **sign), "Content-Type": "application/json"}
    return httpx.post(f"{url}/channels/slack/events", content=body, headers=headers)


def slack_action(url: str, payload: dict[str, Any], **sign: Any) -> httpx.Response:
    """An interactive payload as Slack posts it: form-encoded `payload=<json>`."""
    body = httpx.QueryParams({"payload": json.dumps(payload)}).__str__().encode()
    headers = {**slack_signed(body, **sign), "Content-Type": "application/x-www-form-urlencoded"}
    return httpx.post(f"{url}/channels/slack/events", content=body, headers=headers)


def block_action(action_id: str, value: str, *, channel: str = "C1", thread_ts: str = "1700000000.000100",
                 user: str = "U2") -> dict[str, Any]:
    return {"type": "block_actions", "user": {"id": user}, "team": {"id": "T1"}, "api_app_id": "A1",
            "channel": {"id": channel}, "container": {"type": "message", "channel_id": channel},
            "message": {"ts": "1700000000.000200", "thread_ts": thread_ts, "type": "message"},
            "response_url": "https://hooks.slack.invalid/x", "trigger_id": "1.2.3",
            "actions": [{"action_id": action_id, "block_id": "tk_answer_actions", "value": value, "type": "button"}]}


def slack_mention(event_id: str, text: str, *, ts: str = "1700000000.000100", **extra: Any) -> dict[str, Any]:
    event = {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1", **extra}
    return {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id, "event": event,
            "event_time": int(time.time())}


def slack_message(event_id: str, text: str, *, ts: str, channel: str = "C1", channel_type: str = "channel",
                  **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "user": "U1", "text": text, "ts": ts, "channel": channel, "channel_type": channel_type, **extra}
    return {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id, "event": event,
            "event_time": int(time.time())}


# --- Feishu / Lark -------------------------------------------------------------------------------

FEISHU_APP = {"feishu_app_id": "cli_test", "feishu_app_secret": "app-secret"}
VERIFICATION_TOKEN = "verify-me"
ENCRYPT_KEY = "feishu-encrypt-key"
BOT_OPEN_ID = "ou_bot"


class FeishuStandIn(StandIn):
    def __init__(self) -> None:
        super().__init__()
        self.app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self.token)
        self.app.router.add_get("/open-apis/bot/v3/info", self.bot_info)
        self.app.router.add_post("/open-apis/im/v1/messages/{message_id}/reply", self.message)
        self.app.router.add_post("/open-apis/im/v1/messages", self.message)
        self.app.router.add_post("/callback/ws/endpoint", self.endpoint)
        self.app.router.add_get("/ws", self.socket)
        self.tokens_issued = 0

    async def token(self, request: web.Request) -> web.Response:
        call = await self.record(request)
        if call.body != {"app_id": "cli_test", "app_secret": "app-secret"}:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        self.tokens_issued += 1
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": f"t-{self.tokens_issued}", "expire": 7200})

    async def bot_info(self, request: web.Request) -> web.Response:
        await self.record(request)
        return web.json_response({"code": 0, "msg": "ok", "bot": {"open_id": BOT_OPEN_ID, "app_name": "tk-advisor"}})

    async def message(self, request: web.Request) -> web.Response:
        call = await self.record(request)
        if not call.headers.get("Authorization", "").startswith("Bearer t-"):
            return web.json_response({"code": 99991663, "msg": "invalid access token"})
        return web.json_response({"code": 0, "msg": "success", "data": {"message_id": "om_reply_" + uuid.uuid4().hex[:8]}})

    async def endpoint(self, request: web.Request) -> web.Response:
        call = await self.record(request)
        if call.body != {"AppID": "cli_test", "AppSecret": "app-secret"}:
            return web.json_response({"code": 1000040343, "msg": "app secret invalid"})
        url = self.url.replace("http", "ws") + "/ws?device_id=d1&service_id=7"
        config = {"ReconnectCount": 0, "ReconnectInterval": 1, "ReconnectNonce": 0, "PingInterval": 120}
        return web.json_response({"code": 0, "msg": "ok", "data": {"URL": url, "ClientConfig": config}})

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        from lark_oapi.ws.pb.pbbp2_pb2 import Frame

        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        async for message in socket:
            if message.type == WSMsgType.BINARY:
                frame = Frame()
                frame.ParseFromString(message.data)
                self.received.append(frame)
        self.sockets.remove(socket)
        return socket

    def push_event(self, payload: dict[str, Any]) -> str:
        """An event over the long connection, framed as lark-oapi reads it (method 1 = data); its id."""
        from lark_oapi.ws.pb.pbbp2_pb2 import Frame

        frame, message_id = Frame(), uuid.uuid4().hex
        frame.SeqID, frame.LogID, frame.service, frame.method = 1, 1, 7, 1
        for key, value in {"type": "event", "message_id": message_id, "trace_id": "t1", "sum": "1", "seq": "0"}.items():
            header = frame.headers.add()
            header.key, header.value = key, value
        frame.payload = json.dumps(payload).encode()
        self.push(frame.SerializeToString())
        return message_id


def feishu_encrypt(payload: dict[str, Any], key: str = ENCRYPT_KEY) -> dict[str, str]:
    """Feishu's `{"encrypt": base64(iv + AES-256-CBC(sha256(key), iv, json))}`."""
    iv = os.urandom(16)
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    return {"encrypt": base64.b64encode(iv + cipher.encrypt(pad(json.dumps(payload).encode(), AES.block_size))).decode()}


def feishu_signature(timestamp: str, nonce: str, body: bytes, key: str = ENCRYPT_KEY) -> str:
    return hashlib.sha256(timestamp.encode() + nonce.encode() + key.encode() + body).hexdigest()


def feishu_post(url: str, payload: dict[str, Any], *, encrypt: bool = True, sign: bool = True, key: str = ENCRYPT_KEY,
                signature: str | None = None) -> httpx.Response:
    """Post as Feishu does with an Encrypt Key: the encrypted body, signed (the URL check is not)."""
    body = json.dumps(feishu_encrypt(payload, key) if encrypt else payload).encode()
    headers = {"Content-Type": "application/json"}
    if sign:
        stamp, nonce = str(int(time.time())), uuid.uuid4().hex[:8]
        headers |= {"X-Lark-Request-Timestamp": stamp, "X-Lark-Request-Nonce": nonce,
                    "X-Lark-Signature": signature or feishu_signature(stamp, nonce, body, key)}
    return httpx.post(f"{url}/channels/feishu/events", content=body, headers=headers)


def feishu_message(event_id: str, text: str, *, message_id: str, chat_type: str = "group", chat_id: str = "oc_chat",
                   root_id: str | None = None, mentions: list[str] | None = None, message_type: str = "text",
                   content: dict[str, Any] | None = None, token: str = VERIFICATION_TOKEN, age: float = 0,
                   sender_type: str = "user") -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": message_id, "chat_id": chat_id, "chat_type": chat_type, "message_type": message_type,
        "content": json.dumps(content if content is not None else {"text": text}, ensure_ascii=False),
        "create_time": str(int((time.time() - age) * 1000)),
        "mentions": [{"key": f"@_user_{i}", "id": {"open_id": who}, "name": who} for i, who in enumerate(mentions or [], 1)],
    }
    if root_id:
        message["root_id"] = root_id
    return {"schema": "2.0", "header": {"event_id": event_id, "event_type": "im.message.receive_v1", "token": token,
                                        "app_id": "cli_test", "tenant_key": "t1",
                                        "create_time": str(int((time.time() - age) * 1000))},
            "event": {"sender": {"sender_type": sender_type, "sender_id": {"open_id": "ou_user"}}, "message": message}}


def feishu_card_action(event_id: str, value: dict[str, Any], *, message_id: str = "om_answer", chat_id: str = "oc_chat",
                       token: str = VERIFICATION_TOKEN) -> dict[str, Any]:
    return {"schema": "2.0", "header": {"event_id": event_id, "event_type": "card.action.trigger", "token": token,
                                        "app_id": "cli_test", "create_time": str(int(time.time() * 1000))},
            "event": {"operator": {"open_id": "ou_user"}, "token": "c-1",
                      "action": {"value": value, "tag": "button"},
                      "context": {"open_message_id": message_id, "open_chat_id": chat_id}}}


# --- WeCom ---------------------------------------------------------------------------------------

WECOM = {"wecom_corp_id": "ww1436e0e65a779aee", "wecom_agent_id": 1000002, "wecom_secret": "corp-secret",
         "wecom_token": "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", "wecom_aes_key": "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"}
"""The token, EncodingAESKey and corp id of WeCom's published callback sample."""


class WeComStandIn(StandIn):
    def __init__(self, expire_once: bool = False) -> None:
        super().__init__()
        self.expire_once = expire_once
        """Answer the first message/send with errcode 42001 (access_token expired), as WeCom does."""
        self.app.router.add_get("/cgi-bin/gettoken", self.gettoken)
        self.app.router.add_post("/cgi-bin/message/send", self.send)
        self.issued = 0

    async def gettoken(self, request: web.Request) -> web.Response:
        call = await self.record(request)
        if call.query != {"corpid": WECOM["wecom_corp_id"], "corpsecret": "corp-secret"}:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        self.issued += 1
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": f"tok-{self.issued}", "expires_in": 7200})

    async def send(self, request: web.Request) -> web.Response:
        call = await self.record(request)
        if self.expire_once:
            self.expire_once = False
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        if not call.query.get("access_token", "").startswith("tok-"):
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": uuid.uuid4().hex})


def wecom_crypto() -> WeComCrypto:
    return WeComCrypto(WECOM["wecom_token"], WECOM["wecom_aes_key"], WECOM["wecom_corp_id"])


def wecom_post(url: str, xml: str, *, age: float = 0, signature: str | None = None) -> httpx.Response:
    """A message as WeCom posts it: encrypted XML, signed in the query string."""
    crypto = wecom_crypto()
    encrypted = crypto.encrypt(xml)
    timestamp, nonce = str(int(time.time() - age)), uuid.uuid4().hex[:10]
    body = (f"<xml><ToUserName><![CDATA[{WECOM['wecom_corp_id']}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
            f"<AgentID><![CDATA[1000002]]></AgentID></xml>")
    params = {"msg_signature": signature or crypto.signature(timestamp, nonce, encrypted), "timestamp": timestamp, "nonce": nonce}
    return httpx.post(f"{url}/channels/wecom/events", params=params, content=body.encode(), headers={"Content-Type": "text/xml"})


def wecom_text(content: str, *, msg_id: str, user: str = "zhangsan") -> str:
    return (f"<xml><ToUserName><![CDATA[{WECOM['wecom_corp_id']}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>")
