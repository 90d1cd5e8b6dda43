"""The agent loop: `create_agent` with the tools and the middleware that guards and grounds it; the
decisions are `steps`' functions, which a one-shot offline answer calls without the loop (`answerer`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse, hook_config
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool
from langgraph.prebuilt.tool_node import ToolCallRequest
from langgraph.runtime import Runtime

from assistant.answer import DETAILS_MARKER
from assistant.engine import prompts
from assistant.engine.conversation import parse_tool_result
from assistant.engine.grounding import SEARCH_TOOL
from assistant.engine.steps import (
    FALLBACK,
    MAX_REPAIRS,
    OFFLINE,
    ModelGaveUp,
    RunContext,
    grounding_retry,
    guard_reply,
    internal,
    timed,
    turn_messages,
)
from assistant.engine.tool_threads import reuse_tool_threads
from assistant.tools.registry import MODEL_TOOLS, shown_call

log = logging.getLogger(__name__)


class InputGuard(AgentMiddleware):
    """Before the agent: decline injection attempts and questions outside a seller's world."""

    def __init__(self, in_scope: Callable[[str], bool]):
        super().__init__()
        self._in_scope = in_scope

    @hook_config(can_jump_to=["end"])
    def before_agent(self, state: dict[str, Any], runtime: Runtime[RunContext]) -> dict[str, Any] | None:
        reply = guard_reply(runtime.context, self._in_scope)
        return None if reply is None else {"messages": [reply], "jump_to": "end"}


class ModelSetup(AgentMiddleware):
    """Before each call to the language model: the system prompt in the turn's language, and only
    the tools a model is offered (the calculators behind one schema)."""

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        ctx: RunContext = request.runtime.context
        prompt = prompts.SYSTEM_PROMPT.format(lang_name=prompts.LANG_NAMES[ctx.lang], details_marker=DETAILS_MARKER)
        offered = [t for t in request.tools if getattr(t, "name", None) in MODEL_TOOLS]
        return handler(request.override(system_message=SystemMessage(prompt), tools=offered))


class ProviderFallback(AgentMiddleware):
    """Around each model call: unreadable tool arguments get one corrective message naming the
    error; a provider fault, or an answer the model could not repair, hands the turn to the offline
    engine, which plans afresh from the seller's question."""

    def __init__(self, offline: BaseChatModel):
        super().__init__()
        self._offline = offline

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        ctx: RunContext = request.runtime.context
        if ctx.provider in (OFFLINE, FALLBACK):
            return handler(self._offline_request(request, ctx))
        produced: list[Any] = []
        while True:
            try:
                response = handler(request.override(messages=[*request.messages, *produced]) if produced else request)
            except ModelGaveUp as exc:
                reason = str(exc)
                break
            except Exception as exc:  # provider faults arrive as many exception types
                reason = f"{type(exc).__name__}: {str(exc)[:120]}"
                break
            bad = [call for m in response.result if isinstance(m, AIMessage) for call in m.invalid_tool_calls]
            if not bad:
                return ModelResponse(result=[*produced, *response.result], structured_response=response.structured_response)
            reason = "unreadable tool arguments: " + "; ".join(f"{c.get('name')}: {c.get('error') or 'not JSON'}" for c in bad)
            if len(ctx.repairs) >= MAX_REPAIRS or any(r.startswith("unreadable") for r in ctx.repairs):
                break
            log.warning("provider returned %s", reason)
            ctx.repairs.append(reason)
            produced.append(internal(prompts.MALFORMED_RETRY.format(
                calls="; ".join(f"{c.get('name')}({str(c.get('args'))[:200]})" for c in bad), lang_name=prompts.LANG_NAMES[ctx.lang])))
        log.warning("falling back to the offline engine: %s", reason)
        ctx.warnings.append(prompts.FALLBACK_WARNING.format(reason=reason))
        ctx.provider, ctx.fallback_from = FALLBACK, len(request.messages)
        return handler(self._offline_request(request, ctx))

    def _offline_request(self, request: ModelRequest, ctx: RunContext) -> ModelRequest:
        """The offline engine sees the conversation without what the model did this turn."""
        if ctx.fallback_from is None:
            return request.override(model=self._offline)
        messages = request.messages
        start = len(messages) - len(turn_messages(messages))
        return request.override(model=self._offline, messages=[*messages[:start], *messages[ctx.fallback_from:]])


class SearchLanguage(AgentMiddleware):
    """A model's `search_knowledge` returns passages in the turn's language only (half the tokens)."""

    def wrap_tool_call(self, request: ToolCallRequest, handler: Callable[[ToolCallRequest], ToolMessage]) -> ToolMessage:
        call = request.tool_call
        ctx: RunContext = request.runtime.context
        if call["name"] == SEARCH_TOOL and ctx.provider != FALLBACK and isinstance(call["args"], dict) and "lang" not in call["args"]:
            request = request.override(tool_call={**call, "args": {**call["args"], "lang": ctx.lang}})
        return handler(request)


class ToolTimer(AgentMiddleware):
    """Around each tool call: time it and stream its end (the Advisor announces starts in call order)."""

    def wrap_tool_call(self, request: ToolCallRequest, handler: Callable[[ToolCallRequest], ToolMessage]) -> ToolMessage:
        call = request.tool_call
        result = timed(request.runtime.context, call["id"], lambda: handler(request))
        name, args = shown_call(call["name"], call["args"])
        request.runtime.stream_writer({
            "tk_event": "tool_end", "id": call["id"], "name": name, "args": args,
            "result": parse_tool_result(result), "duration_ms": request.runtime.context.tool_ms[call["id"]],
        })
        return result


class Grounding(AgentMiddleware):
    """Around each model call: a model's final answer must rest on a search, and its numbers and
    citations must be supported; else the model is told what to fix (at most `MAX_REPAIRS` times a
    turn), and past that the turn goes to the offline engine. The offline engine's answers are
    checked too and carry a warning when they fail (they are never retried).

    A model-call wrapper rather than an `after_model` hook: no extra graph step per model call.
    """

    def __init__(self, entry_lookup: Callable[[str], Any]):
        super().__init__()
        self._lookup = entry_lookup

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        ctx: RunContext = request.runtime.context
        produced: list[Any] = []
        while True:
            if ctx.provider not in (OFFLINE, FALLBACK):
                ctx.model_calls += 1
            response = handler(request.override(messages=[*request.messages, *produced]) if produced else request)
            produced += response.result
            answer = response.result[-1] if response.result else None
            retry = grounding_retry(answer, [*request.messages, *produced[:-1]], ctx, self._lookup)
            if retry is None:
                break
            produced.append(retry)
        return ModelResponse(result=produced, structured_response=response.structured_response)


def build_agent(
    model: BaseChatModel,
    offline: BaseChatModel,
    tools: list[BaseTool],
    *,
    in_scope: Callable[[str], bool],
    entry_lookup: Callable[[str], Any],
) -> Any:
    """The compiled agent graph; `model` is the LLM or the offline model itself.

    Without an LLM there is no system prompt to set and no provider to fall back from, so the
    graph carries only the middleware the offline engine needs (each wrapper costs every call).
    """
    reuse_tool_threads()
    llm_middleware = [] if model is offline else [ModelSetup(), ProviderFallback(offline), SearchLanguage()]
    return create_agent(
        model,
        tools,
        middleware=[InputGuard(in_scope), *llm_middleware, ToolTimer(), Grounding(entry_lookup)],
        context_schema=RunContext,
    )
