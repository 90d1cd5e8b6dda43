"""The one entry point: `Advisor.ask()` turns a conversation into a sober, sourced `Answer`."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from assistant.answer import (
    LOCAL_OWNER,
    Answer,
    AnswerEvent,
    Citation,
    SessionNotFound,
    StreamEvent,
    TextEvent,
    ToolCall,
    ToolEvent,
    reply_so_far,
    split_details,
)
from assistant.config import Settings
from assistant.engine import prompts
from assistant.engine.agent import CANNED, OFFLINE, RunContext, build_agent, turn_messages
from assistant.engine.conversation import KIND_KEY, READING_KEY, mark_kind, parse_tool_result
from assistant.engine.follow_ups import follow_ups
from assistant.engine.grounding import SEARCH_TOOL, cited_ids, retrieved_ids
from assistant.engine.guard import check_input, detect_lang, mentions_domain, without_injection
from assistant.engine.llm import build_llm
from assistant.engine.offline import OfflineModel
from assistant.engine.reply import flags_staleness
from assistant.engine.reading.reading import read
from assistant.kb.positions import Positions
from assistant.kb.retrieve import RELEVANCE_FLOOR, Retriever, open_retriever
from assistant.kb.schema import Lang
from assistant.store import Store, StoredMessage
from assistant.text import without_surrogates
from assistant.tools.calculators import Defaults
from assistant.tools.registry import build_tools, shown_call

log = logging.getLogger(__name__)

HISTORY_TURNS = 8
CANNED_KINDS = frozenset({"injection", "out_of_scope", "small_talk", "not_in_knowledge"})
"""Kinds of answer that are fixed texts, whatever the provider."""

Messages = str | Sequence[dict[str, str]]


@dataclass
class _Turn:
    """One prepared turn: the agent input and the context its middleware fills in."""

    session_id: str | None
    question: str
    inputs: list[BaseMessage]
    context: RunContext
    owner: str
    typed: str = ""
    """The message as the user typed it, when that differs from `question` (which is normalised:
    full-width "，？" become ", ?"); stored beside it so a conversation reloads as it was written."""


class Advisor:
    """Answers sellers' questions through one agent loop, with an LLM or the offline engine."""

    def __init__(self, settings: Settings, retriever: Retriever, store: Store, llm: BaseChatModel | None = None):
        self.settings = settings
        self.retriever = retriever
        self.kb = retriever.kb
        self.store = store
        self.offline = OfflineModel(kb=self.kb, relevance_floor=RELEVANCE_FLOOR, usd_cny=settings.usd_cny,
                                    positions=Positions.load(settings.knowledge_dir / "positions"))
        self.provider = f"openai:{settings.llm_model}" if llm is not None else OFFLINE
        entries = list(self.kb)
        tools = build_tools(retriever, Defaults.from_entries(entries), entries)
        self._agent = build_agent(
            llm or self.offline, self.offline, tools, in_scope=self._in_scope, entry_lookup=self.kb.get
        )

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

    def _prepare(self, messages: Messages, session_id: str | None, owner: str) -> _Turn:
        if isinstance(messages, str):
            question = check_input(messages)
            if session_id and not self.store.claim(session_id, owner):
                raise SessionNotFound(session_id)
            history = self._history(session_id) if session_id else []
            session_id = session_id or Store.new_session_id()  # a new one is bound to `owner` when its first turn is stored
        else:
            last = messages[-1] if messages else {}
            question = check_input(str(last.get("content", "")) if last.get("role") == "user" else "")
            history = [_from_role(m) for m in messages[:-1] if m.get("role") in ("user", "assistant")]
        question, dropped = _screened(question)
        previous = next((m.text for m in reversed(history) if isinstance(m, HumanMessage)), "")
        reading = read(question, fallback_lang=detect_lang(previous) if previous else "en", previous=previous)
        answered_before = any(isinstance(m, AIMessage) and not m.tool_calls for m in history)
        context = RunContext(lang=reading.lang, user_text=question, follow_up=answered_before and reading.continues,
                             provider=self.provider, reading=reading)
        if dropped:
            context.warnings.append(prompts.IGNORED_INSTRUCTION)
        message = HumanMessage(question, additional_kwargs={READING_KEY: reading.to_dict()})
        typed = without_surrogates(messages).strip() if isinstance(messages, str) else ""
        return _Turn(session_id, question, [*history, message], context, owner, typed if typed and typed != question else "")

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

    def _finish(self, turn: _Turn, messages: list[BaseMessage]) -> Answer:
        ctx = turn.context
        produced = turn_messages(messages)
        final = next((m for m in reversed(produced) if isinstance(m, AIMessage) and not m.tool_calls), None)
        if final is None:
            final = mark_kind(AIMessage(prompts.NOT_IN_KNOWLEDGE_REPLY[ctx.lang]), "not_in_knowledge")
        calls = _tool_calls(produced, ctx)
        kind = final.additional_kwargs.get(KIND_KEY, "advice")
        reply, details = split_details(final.text)
        if kind == "advice" and not _has_evidence(calls):
            kind, reply, details = "not_in_knowledge", prompts.NOT_IN_KNOWLEDGE_REPLY[ctx.lang], ""
        available = retrieved_ids(messages) | {s for c in calls if isinstance(c.result, dict) for s in c.result.get("sources", [])}
        cited = cited_ids(f"{reply}\n{details}")
        citations = [self.citation(i, ctx.lang, available, reply) for i in cited if i in available and i in self.kb]
        warnings = [*(prompts.REPAIRED_NOTE.format(reason=r) for r in ctx.repairs), *ctx.warnings]
        act = ctx.reading.act if ctx.reading else None
        asked = [c.name for c in calls if c.error is None and c.name not in (SEARCH_TOOL, "check_policy")]
        suggested = follow_ups(act, asked, turn.question, ctx.lang) if kind in ("advice", "clarification") else []
        answer = Answer(answer=reply, details=details, act=act, lang=ctx.lang, kind=kind, follow_ups=suggested,
                        provider=CANNED if kind in CANNED_KINDS else ctx.provider, citations=citations, tool_calls=calls,
                        warnings=warnings, session_id=turn.session_id, usage=_provider_usage(produced, ctx))
        if turn.session_id:
            self._remember(turn, answer)
        return answer

    def citation(self, entry_id: str, lang: Lang, cited: set[str], reply: str = "") -> Citation:
        """How an answer in `lang` cites the entry; conflicts are those with other ids in `cited`. The
        source is flagged stale only when the reply text does not already say so: staleness shows once."""
        entry = self.kb[entry_id]
        return Citation(
            id=entry.id, title=entry.title.get(lang), evidence=entry.evidence, evidence_label=entry.evidence_label(lang),
            source_title=entry.source.title or "", publisher=entry.source.publisher, url=entry.source.url or "",
            date=entry.source.date, contradicted_by=sorted(self.kb.conflicts(entry_id) & cited),
            stale=entry.is_stale() and not flags_staleness(reply, entry_id),
        )

    def _remember(self, turn: _Turn, answer: Answer) -> None:
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

    def _in_scope(self, text: str) -> bool:
        hits = self.retriever.search(text, k=1)
        return bool(hits) and hits[0].score >= RELEVANCE_FLOOR


def _tool_calls(messages: list[BaseMessage], ctx: RunContext) -> list[ToolCall]:
    results = {m.tool_call_id: m for m in messages if isinstance(m, ToolMessage)}
    calls = []
    for message in messages:
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                result = results.get(call["id"])
                payload = parse_tool_result(result) if result is not None else None
                error = payload.get("error") if isinstance(payload, dict) else None
                name, args = shown_call(call["name"], call["args"])
                calls.append(ToolCall(id=call["id"], name=name, args=args, result=payload,
                                      duration_ms=round(ctx.tool_ms.get(call["id"], 0.0), 3),
                                      error=str(error) if error else None))
    return calls


_ASKS = re.compile(r"[?？]|吗|呢|多少|怎么|如何|能不能|可不可以|要不要|(?<![a-z])(how|what|should|which|why|can i|is it|do i)(?![a-z])", re.I)
_STEERS = re.compile(r"confirm|from now on|answer every|always (say|answer)|reply with|从现在(起|开始)|以后(都|每)|每个问题|一律回答|就说|确认", re.I)


def _screened(question: str) -> tuple[str, bool]:
    """The seller's question without a planted instruction. A message that, without it, asks nothing
    of its own (or only steers the answer) stays whole, to be declined."""
    kept, dropped = without_injection(question)
    if dropped and mentions_domain(kept) and _ASKS.search(kept) and not _STEERS.search(kept):
        return kept, True
    return question, False


def _provider_usage(messages: list[BaseMessage], ctx: RunContext) -> dict[str, int] | None:
    """The provider's token counts over this turn's model calls (when it reported them), the round
    trips to the model and the corrections it was sent; None when no model was called."""
    if not ctx.model_calls:
        return None
    reported = [m.usage_metadata for m in messages if isinstance(m, AIMessage) and m.usage_metadata]
    return {"prompt_tokens": sum(u["input_tokens"] for u in reported),
            "completion_tokens": sum(u["output_tokens"] for u in reported),
            "model_calls": ctx.model_calls, "repairs": len(ctx.repairs)}


def _has_evidence(calls: list[ToolCall]) -> bool:
    """Something relevant came back: a search hit, or a calculation that ran."""
    return any(
        (c.name == SEARCH_TOOL and bool(c.result)) or (c.name != SEARCH_TOOL and c.error is None and c.result is not None)
        for c in calls
    )


def _from_role(message: dict[str, str]) -> BaseMessage:
    content = str(message.get("content", ""))
    return HumanMessage(content) if message["role"] == "user" else AIMessage(content)


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
