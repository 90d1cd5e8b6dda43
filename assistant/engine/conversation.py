"""A conversation as the engine sees it: earlier turns, the question, this turn's tool results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from assistant.engine.guard import detect_lang
from assistant.kb.schema import Lang

KIND_KEY = "tk_kind"
INTERNAL_KEY = "tk_internal"
"""Marks a message the engine added itself (a grounding retry), not the user's."""


def mark_kind(message: AIMessage, kind: str) -> AIMessage:
    """Tag a reply that is not advice (a refusal, a clarification) so the Answer says so."""
    message.additional_kwargs[KIND_KEY] = kind
    return message


def is_user_message(message: BaseMessage) -> bool:
    return isinstance(message, HumanMessage) and not message.additional_kwargs.get(INTERNAL_KEY)


def parse_tool_result(message: ToolMessage) -> Any:
    """A tool's JSON result, or its text when it is not JSON."""
    try:
        return json.loads(message.text)
    except ValueError:
        return message.text


@dataclass
class Turn:
    """An earlier exchange: the question and the tool calls made for it (when recorded)."""

    question: str
    lang: Lang
    calls: list[dict[str, Any]] = field(default_factory=list)
    answered: bool = False


@dataclass
class Conversation:
    question: str
    lang: Lang
    earlier: list[Turn]
    tool_results: list[ToolMessage]

    @classmethod
    def from_messages(cls, messages: list[BaseMessage]) -> Conversation:
        turns: list[Turn] = []
        current: list[BaseMessage] = []
        for message in messages:
            if is_user_message(message):
                fallback = turns[-1].lang if turns else "en"
                turns.append(Turn(message.text, detect_lang(message.text, fallback)))
                current = []
            elif turns:
                current.append(message)
                if isinstance(message, AIMessage):
                    turns[-1].calls.extend({"name": c["name"], "args": c["args"]} for c in message.tool_calls)
                    turns[-1].answered = turns[-1].answered or (not message.tool_calls and bool(message.text))
        if not turns:
            raise ValueError("a conversation needs at least one user message")
        last = turns.pop()
        return cls(last.question, last.lang, turns, [m for m in current if isinstance(m, ToolMessage)])
