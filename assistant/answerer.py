"""What every way of answering shares: a turn prepared from the message, and the Answer assembled
from the turn's messages. `Answerer.answer_offline` answers one new question with the offline
engine by calling the turn's steps (`engine.steps`) directly, the way the agent loop calls them:
no langchain agent, no langgraph, no store, so a one-shot `tk-advisor ask` starts fast.
`advisor.Advisor` adds the agent loop (a language model, streaming) and the stored conversations."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from assistant.answer import LOCAL_OWNER, Answer, Citation, ToolCall, split_details
from assistant.config import Settings
from assistant.engine import prompts
from assistant.engine.conversation import KIND_KEY, READING_KEY, mark_kind, parse_tool_result
from assistant.engine.follow_ups import follow_ups
from assistant.engine.grounding import SEARCH_TOOL, cited_ids, retrieved_ids
from assistant.engine.guard import check_input, detect_lang, mentions_domain, without_injection
from assistant.engine.offline import OfflineEngine
from assistant.engine.reading.reading import read
from assistant.engine.reply import flags_staleness
from assistant.engine.steps import CANNED, OFFLINE, RunContext, grounding_retry, guard_reply, timed, turn_messages
from assistant.kb.positions import Positions
from assistant.kb.retrieve import RELEVANCE_FLOOR, Retriever, open_retriever
from assistant.kb.schema import Lang
from assistant.text import without_surrogates
from assistant.tools.calculators import Defaults
from assistant.tools.registry import shown_call, tool_specs
from assistant.tools.spec import ToolSpec

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

CANNED_KINDS = frozenset({"injection", "out_of_scope", "small_talk", "not_in_knowledge"})
"""Kinds of answer that are fixed texts, whatever the provider."""

Messages = str | Sequence[dict[str, str]]


@dataclass
class PreparedTurn:
    """One prepared turn: the input messages and the context its steps fill in."""

    session_id: str | None
    question: str
    inputs: list[BaseMessage]
    context: RunContext
    owner: str
    typed: str = ""
    """The message as the user typed it, when that differs from `question` (which is normalised:
    full-width "，？" become ", ?"); stored beside it so a conversation reloads as it was written."""


class Answerer:
    """The knowledge, the offline engine and the tools; prepares turns and assembles Answers."""

    def __init__(self, settings: Settings, retriever: Retriever, llm: BaseChatModel | None = None):
        self.settings = settings
        self.retriever = retriever
        self.kb = retriever.kb
        self.engine = OfflineEngine(self.kb, RELEVANCE_FLOOR, settings.usd_cny, Positions.load(settings.knowledge_dir / "positions"))
        self.provider = f"openai:{settings.llm_model}" if llm is not None else OFFLINE
        entries = list(self.kb)
        self.tools = tool_specs(retriever, Defaults.from_entries(entries), entries)

    @classmethod
    def one_shot(cls, settings: Settings) -> Answerer:
        """For one offline answer in a fresh process: the index's exported vectors, not Chroma, when they are there."""
        return cls(settings, open_retriever(settings, exported=True))

    def answer_offline(self, question: str) -> Answer:
        """The offline engine's Answer to a new question, as `Advisor.ask` gives it; nothing is stored."""
        turn = self.prepare(question, [], None, LOCAL_OWNER)
        return self.finish(turn, run_offline(self.engine, self.tools, turn, self.in_scope, self.kb.get))

    def prepare(self, messages: Messages, history: list[BaseMessage], session_id: str | None, owner: str) -> PreparedTurn:
        """The turn of the last user message: `messages` is the question (earlier turns in `history`)
        or a client's whole conversation."""
        if isinstance(messages, str):
            question = check_input(messages)
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
        return PreparedTurn(session_id, question, [*history, message], context, owner, typed if typed and typed != question else "")

    def finish(self, turn: PreparedTurn, messages: list[BaseMessage]) -> Answer:
        """The Answer from the turn's messages (the reply, its details, citations, tool calls, follow-ups)."""
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
        return Answer(answer=reply, details=details, act=act, lang=ctx.lang, kind=kind, follow_ups=suggested,
                      provider=CANNED if kind in CANNED_KINDS else ctx.provider, citations=citations, tool_calls=calls,
                      warnings=warnings, session_id=turn.session_id, usage=_provider_usage(produced, ctx))

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

    def in_scope(self, text: str) -> bool:
        hits = self.retriever.search(text, k=1)
        return bool(hits) and hits[0].score >= RELEVANCE_FLOOR


def run_offline(engine: OfflineEngine, tools: Sequence[ToolSpec], turn: PreparedTurn, in_scope: Callable[[str], bool],
                lookup: Callable[[str], Any]) -> list[BaseMessage]:
    """The turn's messages as the agent loop makes them for the offline engine (`agent.build_agent`
    without a language model): the input guard, then the engine's tool calls, each run and timed
    in order, until it writes the answer, which is checked for grounding."""
    ctx = turn.context
    messages = list(turn.inputs)
    declined = guard_reply(ctx, in_scope)
    if declined is not None:
        return [*messages, declined]
    by_name = {tool.name: tool for tool in tools}
    while True:
        answer = engine.respond(messages)
        grounding_retry(answer, messages, ctx, lookup)  # offline: a warning when it fails, never a retry
        messages.append(answer)
        if not answer.tool_calls:
            return messages
        for call in answer.tool_calls:
            tool = by_name[call["name"]]
            messages.append(timed(ctx, call["id"], lambda tool=tool, call=call: tool.message(call)))


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
