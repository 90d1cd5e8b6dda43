"""A conversation as the engine sees it: earlier turns with their Readings, the question, this turn's tool results.

Each user message carries its Reading (`READING_KEY`, made once by the Advisor and stored with the
turn); a message without one (a client's own history sent to the API) is read here, once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from assistant.engine.reading.reading import Reading, State, read
from assistant.engine.shapes.solve import solve
from assistant.kb.schema import Lang

KIND_KEY = "tk_kind"
INTERNAL_KEY = "tk_internal"
"""Marks a message the engine added itself (a grounding retry), not the user's."""
READING_KEY = "tk_reading"
"""On a user message: its Reading, as a dict."""
PLAN_KEY = "tk_plan"
"""On the offline engine's tool-calling message: what it planned for each question (`Plan.summary`)."""


def mark_kind(message: AIMessage, kind: str) -> AIMessage:
    """Tag a reply that is not advice (a refusal, a clarification) so the Answer says so."""
    message.additional_kwargs[KIND_KEY] = kind
    return message


def is_user_message(message: BaseMessage) -> bool:
    return isinstance(message, HumanMessage) and not message.additional_kwargs.get(INTERNAL_KEY)


def reading_of(message: BaseMessage, fallback: Lang = "en", previous: str = "") -> Reading:
    """The Reading a user message carries, else read now."""
    stored = message.additional_kwargs.get(READING_KEY)
    return Reading.from_dict(stored) if stored else read(message.text, fallback, previous)


def parse_tool_result(message: ToolMessage) -> Any:
    """A tool's JSON result, or its text when it is not JSON."""
    try:
        return json.loads(message.text)
    except ValueError:
        return message.text


@dataclass
class Turn:
    """An exchange: the message, its Reading and the tool calls made for it."""

    reading: Reading
    calls: list[dict[str, Any]] = field(default_factory=list)
    answered: bool = False
    plan: dict[str, Any] | None = None

    @property
    def question(self) -> str:
        return self.reading.text

    @property
    def lang(self) -> Lang:
        return self.reading.lang


@dataclass
class Conversation:
    earlier: list[Turn]
    current: Turn
    tool_results: list[ToolMessage]

    @property
    def question(self) -> str:
        return self.current.question

    @property
    def lang(self) -> Lang:
        return self.current.lang

    @property
    def reading(self) -> Reading:
        return self.current.reading

    def state(self) -> State:
        """What the turns so far established, this one included; each turn's calculators are remembered
        so a follow-up can vary the last calculation."""
        state = State()
        for turn in self.earlier:
            state = state.after(turn.reading)
            tools = tuple(c["name"] for c in turn.calls if c["name"] not in ("search_knowledge", "check_policy"))
            if not turn.calls and turn.answered:  # a client's own history: what the engine would have calculated
                tools = tuple(name for s in solve(turn.reading, state) for name, _ in s.calls)
            state = state.ran(tools)
        return state.after(self.reading)

    @classmethod
    def from_messages(cls, messages: list[BaseMessage]) -> Conversation:
        turns: list[Turn] = []
        current: list[BaseMessage] = []
        for message in messages:
            if is_user_message(message):
                previous = turns[-1] if turns else None
                turns.append(Turn(reading_of(message, previous.lang if previous else "en", previous.question if previous else "")))
                current = []
            elif turns:
                current.append(message)
                if isinstance(message, AIMessage):
                    turns[-1].calls.extend({"name": c["name"], "args": c["args"]} for c in message.tool_calls)
                    turns[-1].answered = turns[-1].answered or (not message.tool_calls and bool(message.text))
                    turns[-1].plan = turns[-1].plan or message.additional_kwargs.get(PLAN_KEY)
        if not turns:
            raise ValueError("a conversation needs at least one user message")
        last = turns.pop()
        return cls(turns, last, [m for m in current if isinstance(m, ToolMessage)])
