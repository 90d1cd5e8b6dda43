"""The one entry point: `Advisor.ask()` turns a conversation into a sober, sourced `Answer`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from assistant.answer import LOCAL_OWNER, Answer, AnswerEvent, SessionNotFound, StreamEvent, TextEvent, ToolCall, ToolEvent, reply_so_far
from assistant.answerer import Answerer, Messages, PreparedTurn
from assistant.config import Settings
from assistant.engine.agent import build_agent
from assistant.engine.conversation import READING_KEY
from assistant.engine.llm import build_llm
from assistant.engine.offline_model import OfflineModel
from assistant.engine.steps import OFFLINE
from assistant.kb.retrieve import Retriever, open_retriever
from assistant.store import Store, StoredMessage
from assistant.tools.registry import build_tools, shown_call

log = logging.getLogger(__name__)

HISTORY_TURNS = 8


class Advisor(Answerer):
    """Answers sellers' questions through one agent loop, with an LLM or the offline engine, and keeps
    the conversations in the store."""

    def __init__(self, settings: Settings, retriever: Retriever, store: Store, llm: BaseChatModel | None = None):
        super().__init__(settings, retriever, llm)
        self.store = store
        offline = OfflineModel(engine=self.engine)
        self._agent = build_agent(llm or offline, offline, build_tools(self.tools), in_scope=self.in_scope, entry_lookup=self.kb.get)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, provider: str | None = None, sync_index: bool = True,
                      store_connections: int = 5) -> Advisor:
        """Load the knowledge, sync the index (unless another process just did) and pick the model
        the configuration names; the store pools `store_connections` database connections."""
        settings = settings or Settings.from_env()
        if provider is not None:
            settings = settings.model_copy(update={"provider": provider})
        llm = build_llm(settings) if settings.use_llm else None
        return cls(settings, open_retriever(settings, sync=sync_index), Store(settings.store_target, pool_size=store_connections), llm)

    def ask(self, messages: Messages, session_id: str | None = None, owner: str = LOCAL_OWNER) -> Answer:
        """Answer the last user message; with `session_id`, earlier turns come from the store.

        Sessions belong to the `owner` that started them (an API key, a browser, a chat app):
        another owner's id raises `SessionNotFound`.
        """
        turn = self._prepare(messages, session_id, owner)
        state = self._agent.invoke({"messages": turn.inputs}, context=turn.context)
        return self._finish(turn, state["messages"])

    def stream(self, messages: Messages, session_id: str | None = None, owner: str = LOCAL_OWNER) -> Iterator[StreamEvent]:
        """Like `ask`, yielding tool events and text chunks as they happen, then the Answer."""
        turn = self._prepare(messages, session_id, owner)
        announced: set[str] = set()
        final: list[BaseMessage] = []
        written = sent = ""  # the model's text so far, and the part of its reply already streamed
        held = turn.context.provider != OFFLINE  # a model's draft may be rejected: its text waits for the Answer
        for mode, payload in self._agent.stream(
            {"messages": turn.inputs}, context=turn.context, stream_mode=["messages", "custom", "values"]
        ):
            if mode == "values":
                final = payload["messages"]
                planned = final[-1].tool_calls if final and isinstance(final[-1], AIMessage) else []
                for call in (c for c in planned if c["id"] not in announced):  # in the order the model chose
                    announced.add(call["id"])
                    name, args = shown_call(call["name"], call["args"])
                    yield ToolEvent(type="tool_start", call=ToolCall(id=call["id"], name=name, args=args, result=None))
            elif mode == "custom" and payload.get("tk_event") == "tool_end":
                call = ToolCall(id=payload["id"], name=payload["name"], args=payload["args"],
                                result=payload["result"], duration_ms=payload["duration_ms"])
                yield ToolEvent(type="tool_end", call=call)
            elif mode == "messages" and not held:
                chunk, _ = payload
                if isinstance(chunk, AIMessage) and chunk.text and not chunk.tool_calls:
                    written += chunk.text
                    visible = reply_so_far(written)
                    if len(visible) > len(sent):
                        yield TextEvent(delta=visible[len(sent):])
                        sent = visible
        answer = self._finish(turn, final)
        if held and answer.answer:
            yield TextEvent(delta=answer.answer)
        yield AnswerEvent(answer=answer)

    def _prepare(self, messages: Messages, session_id: str | None, owner: str) -> PreparedTurn:
        if not isinstance(messages, str):
            return self.prepare(messages, [], None, owner)
        if session_id and not self.store.claim(session_id, owner):
            raise SessionNotFound(session_id)
        history = self._history(session_id) if session_id else []
        # a new session is bound to `owner` when its first turn is stored
        return self.prepare(messages, history, session_id or Store.new_session_id(), owner)

    def _history(self, session_id: str) -> list[BaseMessage]:
        """Stored turns as agent messages, with each turn's tool calls and results replayed."""
        stored = self.store.history(session_id)[-2 * HISTORY_TURNS :]
        messages: list[BaseMessage] = []
        for m in stored:
            if m.role == "user":
                reading = m.meta.get("reading")
                messages.append(HumanMessage(m.content, additional_kwargs={READING_KEY: reading} if reading else {}))
                continue
            calls = m.meta.get("tool_calls", [])
            if calls:
                messages.append(AIMessage("", tool_calls=[
                    {"name": c["name"], "args": c["args"], "id": c["id"], "type": "tool_call"} for c in calls]))
                messages += [ToolMessage(_json(c["result"]), name=c["name"], tool_call_id=c["id"]) for c in calls]
            messages.append(AIMessage(m.content))
        return messages

    def _finish(self, turn: PreparedTurn, messages: list[BaseMessage]) -> Answer:
        answer = self.finish(turn, messages)
        if turn.session_id:
            self._remember(turn, answer)
        return answer

    def _remember(self, turn: PreparedTurn, answer: Answer) -> None:
        """Store the turn; the answer gets the stored message's id."""
        meta: dict[str, Any] = {
            "lang": answer.lang, "kind": answer.kind, "provider": answer.provider, "details": answer.details, "act": answer.act,
            "citations": [c.id for c in answer.citations], "warnings": answer.warnings, "follow_ups": answer.follow_ups,
            "tool_calls": [c.model_dump(include={"id", "name", "args", "result"}) for c in answer.tool_calls],
        }
        answer.message_id = Store.new_message_id()
        asked = {"reading": turn.context.reading.to_dict() if turn.context.reading else {}}
        if turn.typed:
            asked["typed"] = turn.typed
        self.store.append(turn.session_id, StoredMessage(role="user", content=turn.question, meta=asked, id=Store.new_message_id()),
                          StoredMessage(role="assistant", content=answer.answer, meta=meta, id=answer.message_id), owner=turn.owner)


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
