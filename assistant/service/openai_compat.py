"""OpenAI-compatible endpoints: `GET /v1/models` and `POST /v1/chat/completions` (plain and SSE).

The reply text is the answer with its citations as footnotes; the `tk_advisor` extension field
carries the structured citations and tool calls (on the last chunk when streaming).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import (
    Answer,
    AnswerEvent,
    AnswerKind,
    Citation,
    InvalidInput,
    StreamEvent,
    TextEvent,
    ToolCall,
)
from assistant.advisor import HISTORY_TURNS
from assistant.engine.guard import check_input
from assistant.kb.schema import Lang
from assistant.service import metrics
from assistant.service.answering import unless_gone, within
from assistant.service.errors import ApiError, ErrorResponse, documented
from assistant.service.render import as_text, footnotes
from assistant.service.security import SESSION_HEADER, Guard, require_json
from assistant.service.sessions import openai_session
from assistant.service.threads import iterate_in_thread, prepend
from assistant.text import without_surrogates

if TYPE_CHECKING:
    from assistant.advisor import Advisor
    from assistant.service.answering import Answerer

log = logging.getLogger(__name__)

MODEL_ID = "tk-advisor"
_CREATED = 1767225600  # fixed (2026-01-01): /v1/models lists the same model on every call


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content)
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ResponseFormat(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: Literal["text"] = Field(description="Only plain text is produced; json_object and json_schema are refused.")


class Usage(BaseModel):
    """Token counts: the provider's when an LLM answered, else `estimate_tokens` (no tokenizer download)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


_HAN = re.compile(r"[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """About one token per CJK character and per four other characters (OpenAI's rule of thumb for
    English), at least one for non-empty text. Documented in the API description; offline only."""
    han = len(_HAN.findall(text))
    return han + -(-(len(text) - han) // 4) if text else 0


def usage_of(answer: Answer, prompt: str) -> Usage:
    """The provider's counts when the Answer carries them, else the estimate over prompt and reply."""
    if answer.usage is not None:
        return Usage(**answer.usage, total_tokens=answer.usage["prompt_tokens"] + answer.usage["completion_tokens"])
    prompt_tokens, completion_tokens = estimate_tokens(prompt), estimate_tokens(as_text(answer))
    return Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, total_tokens=prompt_tokens + completion_tokens)


class ChatCompletionRequest(BaseModel):
    """OpenAI's request; sampling options (temperature, ...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(max_length=256, description="`tk-advisor`, the only model served; any other is a 404 `model_not_found`.")
    messages: list[ChatMessage] = Field(
        min_length=1,
        description="The conversation; the last user message is answered. System, developer and tool messages are ignored.",
    )
    stream: bool = False
    user: str | None = Field(
        None, max_length=256, description="A session id: the server keeps the history (X-Session-Id wins over it)."
    )
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(None, ge=0, le=2, description="Accepted and ignored: answers are deterministic.")
    top_p: float | None = Field(None, ge=0, le=1, description="Accepted and ignored.")
    max_tokens: int | None = Field(None, ge=1, description="Accepted and ignored (replies are short by design).")
    max_completion_tokens: int | None = Field(None, ge=1, description="Accepted and ignored.")
    n: int = Field(1, ge=1, le=1, description="Only one choice is produced.")
    stop: str | list[str] | None = Field(None, description="Accepted and ignored.")
    seed: int | None = Field(None, description="Accepted and ignored.")
    response_format: ResponseFormat | None = Field(None, description="Only `text` is produced.")
    tools: list[dict[str, Any]] | None = Field(None, description="Client tools cannot be called: a non-empty list is refused.")
    tool_choice: str | dict[str, Any] | None = Field(None, description="Only `none` or `auto` without tools.")
    metadata: dict[str, Any] | None = Field(None, description="Accepted and ignored.")


class TkAdvisor(BaseModel):
    """The structured part of the Answer that plain text cannot carry."""

    session_id: str | None
    details: str = ""
    """Further evidence, every formula and step: what the reply leaves out, for clients that show it on demand."""
    act: str | None = None
    lang: Lang
    kind: AnswerKind
    provider: str
    citations: list[Citation]
    tool_calls: list[ToolCall]
    warnings: list[str]
    message_id: str | None = None
    """With a server-side session: the stored answer's id, for `POST /api/messages/{id}/feedback`."""
    follow_ups: list[str] = Field(default_factory=list)
    """Questions the seller may ask next."""

    @classmethod
    def of(cls, answer: Answer) -> TkAdvisor:
        return cls(**answer.model_dump(exclude={"answer"}))


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[Choice]
    usage: Usage
    tk_advisor: TkAdvisor


def _omitted_when_none() -> Any:
    return Field(None, exclude_if=lambda value: value is None)


class Delta(BaseModel):
    role: Literal["assistant"] | None = _omitted_when_none()
    content: str | None = _omitted_when_none()


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    """One `data:` line of the stream; the last one before `[DONE]` has `finish_reason` and `tk_advisor`."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    choices: list[ChunkChoice]
    usage: Usage | None = _omitted_when_none()
    tk_advisor: TkAdvisor | None = _omitted_when_none()


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]


def _unknown_model(model: str) -> ApiError:
    """OpenAI's answer to a model it does not serve: 404 `model_not_found`."""
    return ApiError(404, f"The model '{model[:100]}' does not exist; this server serves '{MODEL_ID}'.",
                    code="model_not_found", param="model")


def _refuse_unsupported(body: ChatCompletionRequest) -> None:
    """Client tools cannot be honoured (the assistant runs its own): a clear 400 rather than silence."""
    if body.tools:
        raise ApiError(400, "Client tools are not supported: tk-advisor answers with its own knowledge and calculators. "
                       "Send the request without `tools`.", code="tools_not_supported", param="tools")
    if isinstance(body.tool_choice, dict) or body.tool_choice not in (None, "none", "auto"):
        raise ApiError(400, "tool_choice must be 'none' or 'auto' (no client tools are supported).",
                       code="tools_not_supported", param="tool_choice")


HISTORY_MESSAGES = 2 * HISTORY_TURNS
"""Earlier messages an answer reads (as many as a stored conversation replays); older ones are dropped."""
MAX_REPLY_CHARS = 20_000
"""An assistant message in the history longer than this is not one of ours."""


def _conversation(messages: list[ChatMessage]) -> list[dict[str, str]]:
    """The user and assistant turns, ending with the user message to answer: at most
    `HISTORY_MESSAGES` before it, each held to the limits of a question (or of a reply)."""
    turns = [(i, {"role": m.role, "content": without_surrogates(m.text)}) for i, m in enumerate(messages)
             if m.role in ("user", "assistant")]
    if not turns or turns[-1][1]["role"] != "user":
        raise ApiError(400, "The last user or assistant message must come from the user.", param="messages", code="no_user_message")
    kept = turns[-HISTORY_MESSAGES - 1:]
    for i, turn in kept[:-1]:
        if turn["role"] == "user":
            try:
                check_input(turn["content"])
            except InvalidInput as exc:
                raise ApiError.from_invalid_input(exc, f"messages[{i}]") from None
        elif len(turn["content"]) > MAX_REPLY_CHARS:
            raise ApiError(400, f"An assistant message is longer than {MAX_REPLY_CHARS:,} characters.", param=f"messages[{i}]",
                           code="too_long")
    return [turn for _, turn in kept]


class _Chunks:
    """Builds the SSE lines of one streamed completion."""

    def __init__(self) -> None:
        self.id = "chatcmpl-" + uuid.uuid4().hex
        self.created = int(time.time())

    def line(self, delta: Delta, answer: Answer | None = None) -> str:
        chunk = ChatCompletionChunk(
            id=self.id,
            created=self.created,
            choices=[ChunkChoice(delta=delta, finish_reason="stop" if answer else None)],
            tk_advisor=TkAdvisor.of(answer) if answer else None,
        )
        return f"data: {chunk.model_dump_json()}\n\n"

    def usage(self, usage: Usage) -> str:
        """The extra last chunk `stream_options.include_usage` asks for: no choices, the usage."""
        chunk = ChatCompletionChunk(id=self.id, created=self.created, choices=[], usage=usage)
        return f"data: {chunk.model_dump_json()}\n\n"


def _remainder(final: str, streamed: str) -> str:
    """What the final answer adds to the text already streamed."""
    if final.startswith(streamed):
        return final[len(streamed):]
    log.warning("stream: the final answer differs from the streamed text; sending it whole")
    return "\n\n" + final


async def _sse(events: AsyncIterator[StreamEvent], prompt: str | None = None) -> AsyncIterator[str]:
    """Text deltas as they come; then what the final Answer adds (its footnotes), the extension,
    the usage chunk when `prompt` is given (include_usage), and `[DONE]`. An error after the first
    byte is sent as an `error` event, as OpenAI does."""
    chunks = _Chunks()
    yield chunks.line(Delta(role="assistant", content=""))
    streamed = ""
    try:
        async for event in events:
            if isinstance(event, TextEvent) and event.delta:
                streamed += event.delta
                yield chunks.line(Delta(content=event.delta))
            elif isinstance(event, AnswerEvent):
                tail = _remainder(event.answer.answer, streamed) + footnotes(event.answer)
                if tail:
                    yield chunks.line(Delta(content=tail))
                yield chunks.line(Delta(), event.answer)
                if prompt is not None:
                    yield chunks.usage(usage_of(event.answer, prompt))
    except Exception:
        log.exception("stream: the advisor failed mid-answer")
        error = ApiError(500, "The answer failed part-way; the event was logged.", type="server_error")
        yield f"data: {json.dumps(error.body(), ensure_ascii=False)}\n\n"
        return
    yield "data: [DONE]\n\n"


def _inlined(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its `$defs` substituted in place (none of these is recursive)."""
    schema = model.model_json_schema(mode="serialization")
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            return resolve(defs[node["$ref"].rsplit("/", 1)[-1]]) if "$ref" in node else {k: resolve(v) for k, v in node.items()}
        return [resolve(v) for v in node] if isinstance(node, list) else node

    return resolve(schema)


_SSE_EVENT = {
    "type": "object",
    "required": ["data"],
    "properties": {"data": {"type": "string"}},
    "if": {"properties": {"data": {"const": "[DONE]"}}},
    "else": {
        "properties": {
            "data": {
                "contentMediaType": "application/json",
                "contentSchema": {"anyOf": [_inlined(ChatCompletionChunk), _inlined(ErrorResponse)]},
            }
        }
    },
}
_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The completion (`stream: false`), or server-sent events (`stream: true`): each `data` is a"
        " `chat.completion.chunk` (or an error), and the last is `[DONE]`",
        "content": {"text/event-stream": {"schema": _SSE_EVENT}},
    }
}


def openai_router(advisor: Advisor, answerer: Answerer, guard: Guard, answer_timeout: float) -> APIRouter:
    """`advisor` streams (in this process); `answerer` gives the plain completions."""
    router = APIRouter(prefix="/v1", tags=["openai"], dependencies=[Depends(guard)])

    served = Model(id=MODEL_ID, created=_CREATED, owned_by="tk-advisor")

    @router.get("/models", response_model=ModelList, summary="The one model served", responses=documented(401, 429))
    async def models() -> ModelList:
        return ModelList(data=[served])

    @router.get("/models/{model_id}", response_model=Model, summary="One model", responses=documented(401, 404, 429))
    async def model(model_id: str) -> Model:
        if model_id != MODEL_ID:
            raise _unknown_model(model_id)
        return served

    @router.post(
        "/chat/completions",
        response_model=ChatCompletion,
        summary="OpenAI-compatible chat completion, plain or streamed",
        dependencies=[Depends(require_json)],
        responses={**_STREAM_DOC, **documented(400, 401, 404, 413, 415, 422, 429, 503)},
    )
    async def chat_completions(
        body: ChatCompletionRequest,
        request: Request,
        x_session_id: str | None = Header(None, alias=SESSION_HEADER, max_length=256,
                                           description="Keep the conversation on the server under this id"),
    ) -> ChatCompletion | StreamingResponse:
        _refuse_unsupported(body)
        if body.model != MODEL_ID:
            raise _unknown_model(body.model)
        session_id = openai_session(body.user, x_session_id)
        turns = _conversation(body.messages)
        prompt = "\n".join(m.text for m in body.messages)
        question: str | list[dict[str, str]] = turns[-1]["content"] if session_id else turns
        log.info("v1.chat client=%s chars=%d stream=%s session=%s", request.state.client.id,
                 len(turns[-1]["content"]), body.stream, bool(session_id))
        if body.stream:
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            return await _stream(advisor, question, session_id, request.state.client.id, answer_timeout,
                                 prompt if include_usage else None)
        try:
            with metrics.answering("openai"):
                answer = await unless_gone(request, answerer.ask(question, session_id=session_id, owner=request.state.client.id))
        except InvalidInput as exc:
            raise ApiError.from_invalid_input(exc, "messages") from None
        return ChatCompletion(
            id="chatcmpl-" + uuid.uuid4().hex,
            created=int(time.time()),
            choices=[Choice(message=AssistantMessage(content=as_text(answer)))],
            usage=usage_of(answer, prompt),
            tk_advisor=TkAdvisor.of(answer),
        )

    return router


async def _stream(
    advisor: Advisor, question: str | list[dict[str, str]], session_id: str | None, owner: str, timeout: float,
    usage_prompt: str | None = None,
) -> StreamingResponse:
    """Start the Advisor's stream; input, session and timeout errors surface as plain errors before any byte is sent."""
    stream = iterate_in_thread(lambda: advisor.stream(question, session_id=session_id, owner=owner))
    try:
        first = await within(timeout, anext(stream))
    except InvalidInput as exc:
        raise ApiError.from_invalid_input(exc, "messages") from None
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(_sse(prepend(first, stream), usage_prompt), media_type="text/event-stream", headers=headers)
