"""What every surface renders: the Answer, its citations, tool calls and stream events."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.kb.schema import Evidence, Lang

AnswerKind = Literal["advice", "clarification", "out_of_scope", "injection", "not_in_knowledge", "small_talk"]

DETAILS_MARKER = "<<<DETAILS>>>"
"""On a line of its own in the model's final message: the reply comes before it, the details after."""


def reply_so_far(text: str) -> str:
    """The part of a partly streamed final message that is surely reply: before the marker, and
    without a tail that may be the marker's start."""
    reply = text.partition(DETAILS_MARKER)[0]
    for size in range(min(len(DETAILS_MARKER) - 1, len(reply)), 0, -1):
        if DETAILS_MARKER.startswith(reply[-size:]):
            reply = reply[:-size]
            break
    return reply.rstrip()


def split_details(text: str) -> tuple[str, str]:
    """(reply, details) of a final message; details are empty when the marker is absent."""
    reply, _, details = text.partition(DETAILS_MARKER)
    return reply.strip(), details.strip()


class Citation(BaseModel):
    """A knowledge entry the answer relies on."""

    id: str
    title: str
    evidence: Evidence
    evidence_label: str
    source_title: str
    publisher: str
    url: str
    date: dt.date | None
    """The source's own date; None when the page is undated."""
    contradicted_by: list[str] = Field(default_factory=list)
    """Ids of entries (also cited in this answer) that disagree with this one."""
    stale: bool = False


class ToolCall(BaseModel):
    """One calculator or search call made while answering."""

    id: str
    name: str
    args: dict[str, Any]
    result: Any
    duration_ms: float = 0.0
    error: str | None = None


class Answer(BaseModel):
    answer: str
    """The reply a chat shows: its first sentence answers the question (short: about 400 Chinese
    characters or 120 English words)."""
    details: str = ""
    """Markdown shown on demand: further evidence, every formula and step, defaults used, risks."""
    act: str | None = None
    """What the question asked for, as the engine read it (compute, decide, comply, ...)."""
    lang: Lang
    kind: AnswerKind = "advice"
    provider: str
    citations: list[Citation] = Field(default_factory=list)
    tool_calls: list[ToolCall] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    session_id: str | None = None
    usage: dict[str, int] | None = None
    """The LLM provider's token counts (prompt_tokens, completion_tokens) summed over the turn; None offline."""
    message_id: str | None = None
    """The stored answer's id (feedback and the conversation API name it); None when the turn was not
    stored (a stateless call without a session)."""
    follow_ups: list[str] = Field(default_factory=list)
    """Two or three questions the seller may ask next (the number to change, the next decision), in the
    reply's language; surfaces show them as buttons or suggestions."""

    @property
    def declined(self) -> bool:
        """True when the advisor declined (out of scope, or an injection attempt)."""
        return self.kind in ("out_of_scope", "injection")


class InvalidInput(ValueError):
    """The user's message cannot be answered as sent (empty, too long)."""

    def __init__(self, code: Literal["empty", "too_long"], messages: dict[Lang, str]):
        super().__init__(messages["en"])
        self.code = code
        self.messages = messages

    def __reduce__(self) -> tuple[type[InvalidInput], tuple[str, dict[Lang, str]]]:
        """Rebuilt from its own arguments when it crosses a process boundary (API worker pool)."""
        return InvalidInput, (self.code, self.messages)


LOCAL_OWNER = "local"
"""Who owns sessions started without a caller's identity (the CLI, evals, tests)."""


class SessionNotFound(LookupError):
    """The session id belongs to another caller (or to no one this caller may see)."""


class ToolEvent(BaseModel):
    type: Literal["tool_start", "tool_end"]
    call: ToolCall


class TextEvent(BaseModel):
    type: Literal["text"] = "text"
    delta: str


class AnswerEvent(BaseModel):
    type: Literal["answer"] = "answer"
    answer: Answer


StreamEvent = ToolEvent | TextEvent | AnswerEvent
