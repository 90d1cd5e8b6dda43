"""The one agent loop: `create_agent` with the tools and the middleware that guards and grounds it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse, hook_config
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool
from langgraph.prebuilt.tool_node import ToolCallRequest
from langgraph.runtime import Runtime

from assistant.answer import DETAILS_MARKER
from assistant.engine import prompts
from assistant.engine.acts import read_act
from assistant.engine.conversation import INTERNAL_KEY, KIND_KEY, is_user_message, mark_kind, parse_tool_result
from assistant.engine.grounding import check_grounding
from assistant.engine.guard import is_injection, mentions_domain
from assistant.engine.reply import SMALL_TALK
from assistant.engine.tool_threads import reuse_tool_threads
from assistant.kb.schema import Lang

log = logging.getLogger(__name__)

OFFLINE = "offline"


@dataclass
class RunContext:
    """What one turn's middleware records for the Advisor to assemble the Answer."""

    lang: Lang
    user_text: str
    follow_up: bool = False
    """An earlier advice turn exists, so a terse message may still be in scope."""
    provider: str = OFFLINE
    warnings: list[str] = field(default_factory=list)
    tool_ms: dict[str, float] = field(default_factory=dict)
    grounding_retries: int = 0
    act: str | None = None
    """What the question asks for (`acts.read_act`), read once before the agent runs."""


class InputGuard(AgentMiddleware):
    """Before the agent: decline injection attempts and questions outside a seller's world."""

    def __init__(self, in_scope: Callable[[str], bool]):
        super().__init__()
        self._in_scope = in_scope

    @hook_config(can_jump_to=["end"])
    def before_agent(self, state: dict[str, Any], runtime: Runtime[RunContext]) -> dict[str, Any] | None:
        ctx = runtime.context
        ctx.act = read_act(ctx.user_text)
        if is_injection(ctx.user_text):
            log.info("guard: injection attempt declined (%d chars)", len(ctx.user_text))
            reply = mark_kind(AIMessage(prompts.INJECTION_REPLY[ctx.lang]), "injection")
        elif ctx.act in SMALL_TALK:
            reply = mark_kind(AIMessage(SMALL_TALK[ctx.act][ctx.lang]), "small_talk")
        elif not (mentions_domain(ctx.user_text) or ctx.follow_up or self._in_scope(ctx.user_text)):
            reply = mark_kind(AIMessage(prompts.SCOPE_REPLY[ctx.lang]), "out_of_scope")
        else:
            return None
        return {"messages": [reply], "jump_to": "end"}


class SystemPrompt(AgentMiddleware):
    """Before each model call: the system prompt, naming the language of this turn."""

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        lang_name = prompts.LANG_NAMES[request.runtime.context.lang]
        return handler(request.override(system_message=SystemMessage(prompts.SYSTEM_PROMPT.format(lang_name=lang_name, details_marker=DETAILS_MARKER))))


class ProviderFallback(AgentMiddleware):
    """Around each model call: on a provider fault or a malformed tool call, answer offline."""

    def __init__(self, offline: BaseChatModel):
        super().__init__()
        self._offline = offline

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        ctx: RunContext = request.runtime.context
        if ctx.provider == OFFLINE:
            return handler(request.override(model=self._offline))
        for attempt in (1, 2):
            try:
                response = handler(request)
            except Exception as exc:  # provider faults arrive as many exception types
                reason = f"{type(exc).__name__}: {str(exc)[:120]}"
                break
            bad = [m for m in response.result if isinstance(m, AIMessage) and m.invalid_tool_calls]
            if not bad:
                return response
            reason = f"malformed tool call (attempt {attempt})"
            log.warning("provider returned a %s", reason)
        log.warning("provider fault, falling back to the offline engine: %s", reason)
        ctx.warnings.append(prompts.FALLBACK_WARNING.format(reason=reason))
        ctx.provider = OFFLINE
        return handler(request.override(model=self._offline))


class ToolTimer(AgentMiddleware):
    """Around each tool call: time it and stream its end (the Advisor announces starts in call order)."""

    def wrap_tool_call(self, request: ToolCallRequest, handler: Callable[[ToolCallRequest], ToolMessage]) -> ToolMessage:
        call = request.tool_call
        started = time.perf_counter()
        result = handler(request)
        elapsed = (time.perf_counter() - started) * 1000
        request.runtime.context.tool_ms[call["id"]] = elapsed
        request.runtime.stream_writer({
            "tk_event": "tool_end", "id": call["id"], "name": call["name"], "args": call["args"],
            "result": parse_tool_result(result), "duration_ms": elapsed,
        })
        return result


class Grounding(AgentMiddleware):
    """Around each model call: a final answer's numbers and citations must be supported; an LLM
    gets one corrective retry per turn, else the answer carries a warning.

    A model-call wrapper rather than an `after_model` hook: no extra graph step per model call.
    """

    def __init__(self, entry_lookup: Callable[[str], Any]):
        super().__init__()
        self._lookup = entry_lookup

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        ctx: RunContext = request.runtime.context
        turn = turn_messages(request.messages)
        produced: list[Any] = []
        while True:
            response = handler(request.override(messages=[*request.messages, *produced]) if produced else request)
            produced += response.result
            answer = response.result[-1] if response.result else None
            if not isinstance(answer, AIMessage) or answer.tool_calls or answer.additional_kwargs.get(KIND_KEY):
                break
            report = check_grounding(answer.text, turn, ctx.user_text, self._lookup)
            if report.ok:
                break
            problems = report.describe()
            log.warning("grounding check failed (%s): %s", ctx.provider, problems)
            if ctx.provider == OFFLINE or ctx.grounding_retries:
                ctx.warnings.append(prompts.UNGROUNDED_WARNING.format(problems=problems))
                break
            ctx.grounding_retries += 1
            produced.append(HumanMessage(
                prompts.GROUNDING_RETRY.format(problems=problems, lang_name=prompts.LANG_NAMES[ctx.lang]),
                additional_kwargs={INTERNAL_KEY: True},
            ))
        return ModelResponse(result=produced, structured_response=response.structured_response)


def turn_messages(messages: list[Any]) -> list[Any]:
    """The messages of the current turn: everything after the last real user message."""
    for i in range(len(messages) - 1, -1, -1):
        if is_user_message(messages[i]):
            return messages[i + 1 :]
    return messages


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
    llm_middleware = [] if model is offline else [SystemPrompt(), ProviderFallback(offline)]
    return create_agent(
        model,
        tools,
        middleware=[InputGuard(in_scope), *llm_middleware, ToolTimer(), Grounding(entry_lookup)],
        context_schema=RunContext,
    )
