"""What the store keeps: conversation messages and ratings of answers, validated at the edge."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from assistant.text import storable


class StoredMessage(BaseModel):
    role: Literal["user", "assistant"]
    content: str
    meta: dict[str, Any] = Field(default_factory=dict)
    """For assistant turns: lang, kind, tool calls and citation ids (the state follow-ups use)."""
    id: str | None = None
    """The message's id (answers carry it as `message_id`); None for turns stored before ids existed."""
    created_at: float | None = None
    """When it was stored (set by the store)."""


class LocatedMessage(BaseModel):
    """A stored message found by its id: its conversation, who owns that, and the question it answers."""

    session_id: str
    owner: str
    message: StoredMessage
    question: str
    """The user turn just before it ('' for a user message)."""


class SessionSummary(BaseModel):
    """One conversation in an owner's list: its title (given, or its first question) and last use."""

    session_id: str
    title: str
    updated_at: float


class Feedback(BaseModel):
    """A rating of one answer. Text is bounded and every text field cleaned of lone surrogates and
    NUL (`storable`), also when a row is read back, so one bad row cannot break an export; `rating`
    is -1 or 1 as a number (JSON `true` is refused)."""

    rating: Literal[-1, 1]
    question: str = Field(max_length=4000)
    answer: str = Field(max_length=20_000)
    comment: str = Field("", max_length=4000)
    session_id: str | None = Field(None, max_length=256)
    citations: list[str] = Field(default_factory=list, max_length=50)
    provider: str = Field("", max_length=100)
    channel: str = Field("", max_length=20)

    @field_validator("rating", mode="before")
    @classmethod
    def _number_only(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("rating is -1 or 1, not true/false")
        return value

    @field_validator("question", "answer", "comment", "session_id", "citations", "provider", "channel", mode="before")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        return storable(value)


class FeedbackRow(Feedback):
    id: str
    created_at: float
    message_id: str | None = None
    """The rated answer's id when the feedback came through its message (`/api/messages/{id}/feedback`, chat buttons)."""
