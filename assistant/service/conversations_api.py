"""Conversations and messages as resources for the key that owns them: list, read, delete, rate.

`GET /api/conversations`, `GET|DELETE /api/conversations/{id}`, `POST /api/messages/{id}/feedback`.
Another key's conversation or message is a 404, as if it did not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import AnswerKind, Citation
from assistant.kb.schema import Lang
from assistant.service.curl_samples import curl
from assistant.service.errors import ApiError, documented
from assistant.service.json_api import FeedbackCreated
from assistant.service.security import Guard, require_json
from assistant.service.rating import rate_message
from assistant.store import StoredMessage

if TYPE_CHECKING:
    from assistant.advisor import Advisor


class ConversationSummary(BaseModel):
    id: str
    title: str
    """Its first question, unless renamed in the web chat."""
    updated_at: float
    """Unix time of its last message."""


class ConversationList(BaseModel):
    data: list[ConversationSummary]


class ConversationMessage(BaseModel):
    """One turn. Answers also carry what the API gave with them (details, sources, follow-ups)."""

    id: str | None
    """Send it to `POST /api/messages/{id}/feedback`; null for turns stored before ids existed."""
    role: Literal["user", "assistant"]
    content: str
    created_at: float | None
    kind: AnswerKind | None = None
    lang: Lang | None = None
    details: str = ""
    citations: list[Citation] = Field(default_factory=list)
    follow_ups: list[str] = Field(default_factory=list)


class Conversation(BaseModel):
    id: str
    messages: list[ConversationMessage]


class MessageFeedback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Literal[-1, 1] = Field(description="1 helpful, -1 not helpful")
    comment: str = Field("", max_length=4000)


_NOT_FOUND = {"conversation": ("No such conversation for this API key or client.", "conversation_not_found"),
              "message": ("No such message for this API key or client.", "message_not_found")}


def not_found(what: Literal["conversation", "message"], param: str) -> ApiError:
    message, code = _NOT_FOUND[what]
    return ApiError(404, message, code=code, param=param)


def conversations_router(advisor: Advisor, guard: Guard) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["conversations"], dependencies=[Depends(guard)])
    store = advisor.store

    def as_message(stored: StoredMessage) -> ConversationMessage:
        meta = stored.meta
        turn = ConversationMessage(id=stored.id, role=stored.role, content=stored.content, created_at=stored.created_at)
        if stored.role == "assistant":
            lang: Lang = meta.get("lang", "en")
            cited = set(meta.get("citations", []))
            turn.kind, turn.lang, turn.details = meta.get("kind"), lang, meta.get("details", "")
            turn.citations = [advisor.citation(i, lang, cited) for i in meta.get("citations", []) if i in advisor.kb]
            turn.follow_ups = list(meta.get("follow_ups", []))
        return turn

    async def owned(conversation_id: str, request: Request) -> None:
        if await run_in_threadpool(store.owner, conversation_id) != request.state.client.id:
            raise not_found("conversation", "conversation_id")

    @router.get("/conversations", response_model=ConversationList, summary="This key's conversations, latest first",
                responses=documented(401, 429), openapi_extra=curl("GET", "/api/conversations?limit=20"))
    async def list_conversations(request: Request, limit: int = Query(50, ge=1, le=200)) -> ConversationList:
        rows = await run_in_threadpool(store.sessions, request.state.client.id, limit)
        return ConversationList(data=[ConversationSummary(id=r.session_id, title=r.title, updated_at=r.updated_at) for r in rows])

    @router.get("/conversations/{conversation_id}", response_model=Conversation,
                summary="One conversation with its messages, oldest first", responses=documented(401, 404, 429),
                openapi_extra=curl("GET", "/api/conversations/9c1f..."))
    async def get_conversation(conversation_id: str, request: Request) -> Conversation:
        await owned(conversation_id, request)
        history = await run_in_threadpool(store.history, conversation_id)
        return Conversation(id=conversation_id, messages=[as_message(m) for m in history])

    @router.delete("/conversations/{conversation_id}", status_code=204, summary="Delete one of this key's conversations",
                   responses=documented(401, 404, 429), openapi_extra=curl("DELETE", "/api/conversations/9c1f..."))
    async def delete_conversation(conversation_id: str, request: Request) -> Response:
        if not await run_in_threadpool(store.delete_session, conversation_id, request.state.client.id):
            raise not_found("conversation", "conversation_id")
        return Response(status_code=204)

    @router.post("/messages/{message_id}/feedback", response_model=FeedbackCreated, status_code=201,
                 summary="Rate one of this key's answers by its message id", dependencies=[Depends(require_json)],
                 responses=documented(400, 401, 404, 413, 415, 422, 429),
                 openapi_extra=curl("POST", "/api/messages/msg_3f1.../feedback", {"rating": -1, "comment": "wrong market"}))
    async def rate(message_id: str, body: MessageFeedback, request: Request) -> FeedbackCreated:
        row = await run_in_threadpool(lambda: rate_message(store, message_id, body.rating, channel="api",
                                                           owner=request.state.client.id, comment=body.comment))
        if row is None:
            raise not_found("message", "message_id")
        return FeedbackCreated(id=row.id)

    return router
