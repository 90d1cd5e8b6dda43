"""The steps of one turn, as plain functions: what the agent loop's middleware decides (`agent.py`)
and what the one-shot offline run calls in the same order (`answerer.run_offline`), so both make
the same decisions from one implementation. Free of langchain's agent and langgraph."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from assistant.engine import prompts
from assistant.engine.conversation import INTERNAL_KEY, KIND_KEY, is_user_message, mark_kind
from assistant.engine.grounding import SEARCH_TOOL, check_grounding
from assistant.engine.guard import is_injection, mentions_domain
from assistant.engine.reading.reading import Reading
from assistant.engine.reply import SMALL_TALK
from assistant.kb.schema import Lang

log = logging.getLogger(__name__)

OFFLINE = "offline"
CANNED = "canned"
"""The provider of a fixed reply (a decline, small talk, "not in my knowledge"): no model wrote it."""
FALLBACK = "offline-fallback"
"""The provider when the offline engine answered because the model could not (the warning says why)."""
MAX_REPAIRS = 2
"""Corrective messages a model may get in one turn (grounding, a missing search, unreadable arguments)."""

T = TypeVar("T")


@dataclass
class RunContext:
    """What one turn's steps record for the Answer to be assembled."""

    lang: Lang
    user_text: str
    follow_up: bool = False
    """An earlier advice turn exists, so a terse message may still be in scope."""
    provider: str = OFFLINE
    warnings: list[str] = field(default_factory=list)
    tool_ms: dict[str, float] = field(default_factory=dict)
    repairs: list[str] = field(default_factory=list)
    """Why the model was asked to try again, once per corrective message."""
    model_calls: int = 0
    """Round trips to the language model this turn (0 offline)."""
    fallback_from: int | None = None
    """Where the offline engine took over: the number of messages the turn had then."""
    reading: Reading | None = None
    """The message read once (`reading.read`) before the turn runs: every step reads this, not the text."""


class ModelGaveUp(Exception):
    """The model's answer could not be repaired within `MAX_REPAIRS`; the offline engine answers instead."""


def guard_reply(ctx: RunContext, in_scope: Callable[[str], bool]) -> AIMessage | None:
    """Before anything runs: the fixed reply to an injection attempt, small talk or a question outside
    a seller's world; None for a question to answer."""
    reading = ctx.reading
    acts = [a.act for a in reading.asks] if reading else []
    if is_injection(ctx.user_text):
        log.info("guard: injection attempt declined (%d chars)", len(ctx.user_text))
        return mark_kind(AIMessage(prompts.INJECTION_REPLY[ctx.lang]), "injection")
    if acts and all(a in SMALL_TALK for a in acts):
        return mark_kind(AIMessage(SMALL_TALK[acts[0]][ctx.lang]), "small_talk")
    if acts and all(a == "out_of_scope" for a in acts) and not ctx.follow_up:
        return mark_kind(AIMessage(prompts.SCOPE_REPLY[ctx.lang]), "out_of_scope")
    if not (mentions_domain(ctx.user_text) or ctx.follow_up or in_scope(ctx.user_text)):
        return mark_kind(AIMessage(prompts.SCOPE_REPLY[ctx.lang]), "out_of_scope")
    return None


def timed(ctx: RunContext, call_id: str, run: Callable[[], T]) -> T:
    """`run()`, its duration recorded for the tool call `call_id`."""
    started = time.perf_counter()
    result = run()
    ctx.tool_ms[call_id] = (time.perf_counter() - started) * 1000
    return result


def grounding_retry(answer: Any, seen: list[Any], ctx: RunContext, lookup: Callable[[str], Any]) -> HumanMessage | None:
    """After a model call: the corrective message a model's final answer needs (its numbers or citations
    unsupported, or no search made), counted in `ctx.repairs`; None when the answer stands or is not
    final. The offline engine's answers are never retried: a failure becomes a warning. Raises
    `ModelGaveUp` past `MAX_REPAIRS`."""
    if (not isinstance(answer, AIMessage) or answer.tool_calls or answer.invalid_tool_calls
            or answer.additional_kwargs.get(KIND_KEY)):
        return None  # not a final answer (unreadable tool calls are the provider fallback's to correct)
    problem, retry = _problem(answer, seen, ctx, lookup)
    if problem is None:
        return None
    log.warning("grounding check failed (%s): %s", ctx.provider, problem)
    if ctx.provider in (OFFLINE, FALLBACK):
        ctx.warnings.append(prompts.UNGROUNDED_WARNING.format(problems=problem))
        return None
    if len(ctx.repairs) >= MAX_REPAIRS:
        raise ModelGaveUp(f"its answer still failed the grounding check after {len(ctx.repairs)} corrections ({problem})")
    ctx.repairs.append(problem)
    return internal(retry)


def _problem(answer: AIMessage, seen: list[Any], ctx: RunContext, lookup: Callable[[str], Any]) -> tuple[str | None, str]:
    """What is wrong with a final answer (None when nothing), and the message that asks for the fix."""
    lang_name = prompts.LANG_NAMES[ctx.lang]
    if ctx.provider not in (OFFLINE, FALLBACK) and not any(
        isinstance(m, ToolMessage) and m.name == SEARCH_TOOL for m in turn_messages(seen)
    ):
        return "answered without calling search_knowledge", prompts.MISSING_SEARCH_RETRY.format(lang_name=lang_name)
    report = check_grounding(answer.text, seen, lookup)
    if report.ok:
        return None, ""
    return report.describe(), prompts.grounding_retry(report.flags, lang_name)


def internal(text: str) -> HumanMessage:
    """A message the engine adds to the conversation (a correction), not the seller's."""
    return HumanMessage(text, additional_kwargs={INTERNAL_KEY: True})


def turn_messages(messages: list[Any]) -> list[Any]:
    """The messages of the current turn: everything after the last real user message."""
    for i in range(len(messages) - 1, -1, -1):
        if is_user_message(messages[i]):
            return messages[i + 1 :]
    return messages
