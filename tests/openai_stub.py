"""A local HTTP server that speaks OpenAI's chat-completions protocol and replays scripted turns.

Each request pops the next scripted reply: text, tool calls, or a fault (an HTTP status, a delay
longer than the client's timeout). Plain and streaming (SSE) responses are both supported. Usage
counts the request's messages and tool schemas, and the reply, in o200k tokens (bpe-openai ships the
tokenizer's data, nothing is downloaded): about what OpenAI would bill for the same request.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import bpe_openai

_TOKENS = bpe_openai.get_encoding("o200k_base")


def count_tokens(text: str) -> int:
    return len(_TOKENS.encode(text))


@dataclass
class Reply:
    content: str = ""
    tool_calls: list[tuple[str, str]] = field(default_factory=list)
    """(name, arguments as raw JSON text, which may be deliberately malformed)."""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class OpenAIStub:
    """Start with `with OpenAIStub() as stub:`; `stub.base_url` goes to TK_LLM_BASE_URL."""

    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.prompt_tokens: list[int] = []
        """Per request, the tokens of its messages and tool schemas."""
        self.busy_seconds = 0.0
        """Time spent answering (reading, counting, replying), scripted delays excluded."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                started = time.perf_counter()
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(body)
                prompt = count_tokens(json.dumps(body.get("messages", []), ensure_ascii=False)
                                      + json.dumps(body.get("tools", []), ensure_ascii=False))  # fmt: skip
                stub.prompt_tokens.append(prompt)
                reply = stub.script.popleft() if stub.script else Reply(content="(script exhausted)")
                usage = {"prompt_tokens": prompt, "completion_tokens": count_tokens(reply.content + json.dumps(reply.tool_calls)),
                         "total_tokens": 0}  # fmt: skip
                usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
                if reply.delay:
                    time.sleep(reply.delay)
                    started += reply.delay
                if reply.status != 200:
                    self._send(reply.status, {"error": {"message": "scripted fault", "type": "server_error"}}, reply.headers)
                elif body.get("stream"):
                    self._stream(body, reply, usage)
                else:
                    self._send(200, _completion(body, reply, usage))
                stub.busy_seconds += time.perf_counter() - started

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], reply: Reply, usage: dict[str, int]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for chunk in _chunks(body, reply, usage):
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> OpenAIStub:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def enqueue(self, *replies: Reply) -> None:
        self.script.extend(replies)


def _tool_calls(reply: Reply) -> list[dict[str, Any]]:
    return [{"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": args}}
            for i, (name, args) in enumerate(reply.tool_calls)]


def _completion(body: dict[str, Any], reply: Reply, usage: dict[str, int]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
    if reply.tool_calls:
        message["tool_calls"] = _tool_calls(reply)
    return {
        "id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()), "model": body.get("model", "stub"),
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if reply.tool_calls else "stop"}],
        "usage": usage,
    }


def _chunks(body: dict[str, Any], reply: Reply, usage: dict[str, int]) -> list[dict[str, Any]]:
    base = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": body.get("model", "stub")}
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    deltas += [{"content": reply.content[i : i + 16]} for i in range(0, len(reply.content), 16)]
    deltas += [{"tool_calls": [{"index": i, **call}]} for i, call in enumerate(_tool_calls(reply))]
    chunks = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    finish = "tool_calls" if reply.tool_calls else "stop"
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    if (body.get("stream_options") or {}).get("include_usage"):
        chunks.append({**base, "choices": [], "usage": usage})
    return chunks
