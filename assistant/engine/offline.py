"""The offline engine: a deterministic chat model that plans tool calls, then writes the answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from assistant.answer import DETAILS_MARKER
from assistant.engine import prompts
from assistant.engine.acts import read_act
from assistant.engine.conversation import Conversation, mark_kind, parse_tool_result
from assistant.engine.grounding import SEARCH_TOOL, retrieved_ids
from assistant.engine.planner import Call, plan_turn
from assistant.engine.reply import Inputs, write_reply
from assistant.engine.scope import Scope, in_scope_part, other_marketplace, scope_of
from assistant.engine.writer import Evidence, compose
from assistant.kb.loader import KnowledgeBase
from assistant.tools.calc_base import FX_RATE_ENTRY
from assistant.tools.calculators import CALCULATORS
from assistant.tools.numbers import find_numbers
from assistant.tools.registry import POLICY_TOOL

MAX_EVIDENCE = 4


class OfflineModel(BaseChatModel):
    """Drives the same agent loop, tools and grounding as an LLM, with no network and no weights."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kb: KnowledgeBase
    relevance_floor: float
    """Search hits scoring below this are not evidence."""
    usd_cny: float | None = None
    """TK_USD_CNY; else the dated rate of the knowledge base converts yuan beside dollars."""

    @property
    def _llm_type(self) -> str:
        return "tk-advisor-offline"

    def bind_tools(self, tools: Any, **kwargs: Any) -> OfflineModel:
        """The plan names its tools itself; binding changes nothing."""
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self.respond(messages)
        if message.tool_calls:
            chunks = [{"name": c["name"], "args": json.dumps(c["args"], ensure_ascii=False), "id": c["id"], "index": i}
                      for i, c in enumerate(message.tool_calls)]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))
            return
        for i, piece in enumerate(re.split(r"(?<=\n)", message.text)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(
                content=piece, additional_kwargs=message.additional_kwargs if i == 0 else {}))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk

    def respond(self, messages: list[BaseMessage]) -> AIMessage:
        """Tool calls for a new question; the written answer once the tool results are in."""
        conversation = Conversation.from_messages(messages)
        if not conversation.tool_results:
            plan = plan_turn(conversation)
            if plan.clarification:
                return mark_kind(AIMessage(plan.clarification), "clarification")
            calls = [self._in_one_currency(c, conversation.question) for c in plan.calls]
            return AIMessage("", tool_calls=[{"name": c.name, "args": c.args, "id": f"call_{i}", "type": "tool_call"}
                                             for i, c in enumerate(calls)])
        return self._answer(conversation)

    def _in_one_currency(self, call: Call, question: str) -> Call:
        """A calculation given yuan beside dollars gets the rate that converts the yuan (said in its result)."""
        currencies = {m.number.currency for m in find_numbers(question) if m.number.currency}
        if call.name not in CALCULATORS or not {"CNY", "USD"} <= currencies:
            return call
        rate = self.usd_cny
        if rate is None and FX_RATE_ENTRY in self.kb:
            rate = self.kb[FX_RATE_ENTRY].numbers.get("usd_cny")
        return Call(call.name, {**call.args, "usd_cny": rate}) if rate else call

    def _answer(self, conversation: Conversation) -> AIMessage:
        """The reply for the question's act, then the details after `DETAILS_MARKER`."""
        lang, question = conversation.lang, conversation.question
        asked, off_topic = in_scope_part(question)
        scope = scope_of(question, [t.question for t in conversation.earlier])
        evidence = self._evidence(conversation.tool_results, scope)
        results = [(m.name, parse_tool_result(m)) for m in conversation.tool_results if m.name != SEARCH_TOOL]
        rulings = [r for name, payload in results if name == POLICY_TOOL and isinstance(payload, dict)
                   for r in payload.get("rulings", [])]
        calculations = [self._judged_in_scope(p, scope) for name, p in results if name != POLICY_TOOL and isinstance(p, dict)]
        if not evidence and not rulings and not any("error" not in c for c in calculations):
            return mark_kind(AIMessage(prompts.NOT_IN_KNOWLEDGE_REPLY[lang]), "not_in_knowledge")
        entries = [e.entry for e in evidence]
        act = read_act(asked)
        if act not in ("compute", "diagnose", "decide") and any("error" not in c for c in calculations):
            act = "compute"  # "那如果GPM是20呢?": a follow-up the calculators answered
        retrieved = frozenset(retrieved_ids(conversation.tool_results))
        reply = write_reply(Inputs(act, lang, asked, entries, calculations, rulings, self.kb.get, off_topic, retrieved,
                                    scope, other_marketplace(question)))
        details = compose(lang, evidence, calculations, self.kb.conflicts, question) if evidence or calculations else ""
        return AIMessage(f"{reply}\n\n{DETAILS_MARKER}\n\n{details}" if details else reply)

    def _judged_in_scope(self, calc: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """A calculation whose verdict compares with a range of another format (a LIVE GPM against the
        article's short-video GPMs) keeps its figure but loses the verdict."""
        judged_by = [self.kb[s] for s in calc.get("sources", []) if s in self.kb]
        if calc.get("verdict") and judged_by and not all(e.covers(scope.format) for e in judged_by):
            return {**calc, "verdict": None, "sources": [e.id for e in judged_by if e.covers(scope.format)]}
        return calc

    def _evidence(self, results: list[ToolMessage], scope: Scope) -> list[Evidence]:
        """The best hits above the floor in the question's market and format (`Scope.narrow`), then the
        other side of any conflict among them, when it fits the format as well as its hit does."""
        hits: dict[str, float] = {}
        sides: set[str] = set()
        for message in results:
            if message.name == SEARCH_TOOL:
                passages = parse_tool_result(message)
                for passage in passages if isinstance(passages, list) else []:
                    hits[passage["id"]] = max(hits.get(passage["id"], 0.0), float(passage.get("score", 0.0)))
                    if passage.get("conflict_with"):
                        sides.add(passage["id"])
        direct = [i for i, s in hits.items() if s >= self.relevance_floor and i in self.kb and i not in sides]
        ranked = sorted(scope.narrow(direct, self.kb.__getitem__, hits.__getitem__), key=lambda i: -hits[i])
        chosen = ranked[:MAX_EVIDENCE]
        other_sides = [o for i in chosen for o in sorted(self.kb.conflicts(i))
                       if o in hits and (self.kb[o].covers(scope.format) or not self.kb[i].covers(scope.format))]
        return [Evidence(self.kb[i], hits[i]) for i in dict.fromkeys(chosen + other_sides)]

