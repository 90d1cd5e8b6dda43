"""The JSON API: `POST /api/ask` returns the Answer, `POST /api/feedback` stores a rating."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import Answer, InvalidInput
from assistant.service import metrics
from assistant.service.answering import unless_gone
from assistant.service.ask_stream import ASK_SAMPLES, STREAM_DOC, Streams, stream_answer
from assistant.service.errors import ApiError, documented
from assistant.service.security import Guard, require_json
from assistant.service.sessions import CLIENT_SESSION_PATTERN
from assistant.store import Feedback

if TYPE_CHECKING:
    from assistant.advisor import Advisor
    from assistant.service.answering import Answerer

log = logging.getLogger(__name__)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The seller's question, in Chinese or English (at most 4,000 characters).")
    session_id: str | None = Field(
        None,
        pattern=CLIENT_SESSION_PATTERN,
        description="Continue a conversation: send back the `session_id` of an earlier answer.",
    )
    stream: bool = Field(False, description="Answer as server-sent events (`text/event-stream`) instead of one JSON Answer.")


class FeedbackCreated(BaseModel):
    id: str
    """The stored feedback row."""


def json_router(advisor: Advisor, answerer: Answerer, guard: Guard, answer_timeout: float, streams: Streams) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(guard)])

    @router.post(
        "/ask",
        response_model=Answer,
        summary="Ask a question; the Answer carries citations, tool calls, the session id and the message id",
        dependencies=[Depends(require_json)],
        responses={**STREAM_DOC, **documented(400, 401, 404, 413, 415, 422, 429, 503)},
        openapi_extra=ASK_SAMPLES,
    )
    async def ask(body: AskRequest, request: Request) -> Answer | StreamingResponse:
        if body.stream:
            return await stream_answer(advisor, streams, body.question, body.session_id, request.state.client.id, answer_timeout)
        started = time.perf_counter()
        try:
            with metrics.answering("api"):
                answer = await unless_gone(request, answerer.ask(body.question, session_id=body.session_id, owner=request.state.client.id))
        except InvalidInput as exc:
            raise ApiError.from_invalid_input(exc, "question") from None
        log.info("api.ask client=%s chars=%d kind=%s ms=%.0f", request.state.client.id, len(body.question),
                 answer.kind, (time.perf_counter() - started) * 1000)
        return answer

    @router.post(
        "/feedback",
        response_model=FeedbackCreated,
        status_code=201,
        summary="Rate an answer (+1/-1) with an optional comment; returns the stored row id",
        dependencies=[Depends(require_json)],
        responses=documented(400, 401, 413, 415, 422, 429),
    )
    async def feedback(body: Feedback) -> FeedbackCreated:
        """`channel` and `provider` are the server's to say, whatever the client sent."""
        row = await run_in_threadpool(advisor.store.add_feedback,
                                      body.model_copy(update={"channel": "api", "provider": advisor.provider}))
        return FeedbackCreated(id=row.id)

    @router.delete(
        "/sessions/{session_id}",
        status_code=204,
        summary="Delete a conversation this key (or client) started",
        responses=documented(401, 404, 429),
    )
    async def delete_session(session_id: str, request: Request) -> Response:
        if not await run_in_threadpool(advisor.store.delete_session, session_id, request.state.client.id):
            raise ApiError(404, "No such session for this API key or client.", code="session_not_found", param="session_id")
        return Response(status_code=204)

    return router
