"""`POST /api/ask` with `"stream": true`: the answer as server-sent events, and a way to stop it.

Events, in order: `start` (stream id and conversation id), `text` deltas of the reply, `tool_start` /
`tool_end` as calculators and searches run, then one `answer` with the whole Answer (message id,
sources, details, follow-ups) and `usage`. A stopped stream ends with `stopped` and stores nothing;
a failure after the first byte ends with `error`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse

from assistant.answer import AnswerEvent, InvalidInput, StreamEvent, TextEvent, ToolEvent
from assistant.service.answering import within
from assistant.service.curl_samples import curl
from assistant.service.errors import ApiError, documented
from assistant.service.openai_compat import usage_of
from assistant.service.security import Guard
from assistant.service.threads import iterate_in_thread, prepend
from assistant.store import Store

if TYPE_CHECKING:
    from assistant.advisor import Advisor

log = logging.getLogger(__name__)
T = TypeVar("T")

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@dataclass
class _Running:
    owner: str
    stop: asyncio.Event = field(default_factory=asyncio.Event)


class Streams:
    """The answers streaming now on this instance, by stream id, each stoppable by the key that asked."""

    def __init__(self) -> None:
        self._running: dict[str, _Running] = {}

    def open(self, owner: str) -> tuple[str, asyncio.Event]:
        stream_id = "stream_" + uuid.uuid4().hex
        running = self._running[stream_id] = _Running(owner)
        return stream_id, running.stop

    def stop(self, stream_id: str, owner: str) -> bool:
        running = self._running.get(stream_id)
        if running is None or running.owner != owner:
            return False
        running.stop.set()
        return True

    def close(self, stream_id: str) -> None:
        self._running.pop(stream_id, None)


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def until_stopped(stop: asyncio.Event, items: AsyncIterator[T]) -> AsyncIterator[T]:
    """The items until `stop` is set; then the source is cancelled (its producer stops, nothing is stored)."""
    stopping = asyncio.ensure_future(stop.wait())
    try:
        while True:
            step = asyncio.ensure_future(anext(items))
            await asyncio.wait({step, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not step.done():
                step.cancel()
                await asyncio.gather(step, return_exceptions=True)
                return
            try:
                yield step.result()
            except StopAsyncIteration:
                return
    finally:
        stopping.cancel()


def _event_lines(event: StreamEvent, prompt: str) -> str:
    if isinstance(event, TextEvent):
        return sse("text", {"delta": event.delta}) if event.delta else ""
    if isinstance(event, ToolEvent):
        return sse(event.type, {"call": event.call.model_dump(mode="json")})
    if isinstance(event, AnswerEvent):
        answer = event.answer
        return sse("answer", {**answer.model_dump(mode="json"), "usage": usage_of(answer, prompt).model_dump()})
    return ""


async def _body(stream_id: str, session_id: str, stop: asyncio.Event, events: AsyncIterator[StreamEvent], prompt: str,
                streams: Streams) -> AsyncIterator[str]:
    yield sse("start", {"stream_id": stream_id, "session_id": session_id})
    finished = False
    try:
        async for event in until_stopped(stop, events):
            finished = finished or isinstance(event, AnswerEvent)
            if lines := _event_lines(event, prompt):
                yield lines
        if not finished:
            yield sse("stopped", {"stream_id": stream_id})
    except Exception:
        log.exception("api.ask stream: the advisor failed mid-answer")
        yield sse("error", ApiError(500, "The answer failed part-way; the event was logged.", type="server_error").body())
    finally:
        streams.close(stream_id)


async def stream_answer(advisor: Advisor, streams: Streams, question: str, session_id: str | None, owner: str,
                        timeout: float) -> StreamingResponse:
    """Start streaming; input, ownership and timeout errors surface as plain errors before the first byte."""
    session_id = session_id or Store.new_session_id()
    events = iterate_in_thread(lambda: advisor.stream(question, session_id=session_id, owner=owner))
    try:
        first = await within(timeout, anext(events))
    except InvalidInput as exc:
        raise ApiError.from_invalid_input(exc, "question") from None
    stream_id, stop = streams.open(owner)
    body = _body(stream_id, session_id, stop, prepend(first, events), question, streams)
    return StreamingResponse(body, media_type="text/event-stream", headers=SSE_HEADERS)


ASK_SAMPLES = curl("POST", "/api/ask", {"question": "AI视频会被限流吗？", "stream": True}, stream=True)
"""The curl sample of `/api/ask` (streamed; without `stream` the same call returns one JSON Answer)."""

STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The Answer, or with `stream: true` server-sent events: `start` {stream_id, session_id}, "
        "`text` {delta}..., `tool_start`/`tool_end` {call}, then `answer` (the Answer with `usage`); "
        "`stopped` when stopped, `error` on a failure part-way",
        "content": {"text/event-stream": {"schema": {
            "type": "object", "required": ["data"],
            "properties": {"event": {"type": "string"}, "data": {"type": "string", "contentMediaType": "application/json"}},
        }}},
    }
}


def streams_router(streams: Streams, guard: Guard) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(guard)])

    @router.post("/streams/{stream_id}/stop", status_code=204, summary="Stop an answer this key is streaming",
                 responses=documented(401, 404, 429), openapi_extra=curl("POST", "/api/streams/stream_8a2.../stop"))
    async def stop(stream_id: str, request: Request) -> Response:
        if not streams.stop(stream_id, request.state.client.id):
            raise ApiError(404, "No such stream running for this API key or client.", code="stream_not_found", param="stream_id")
        return Response(status_code=204)

    return router
