"""What the assistant did before answering, as one folded row in the seller's words.

"查了6条资料 · 算了播放量能带来多少GMV" / "Read 6 sources · worked out GMV from views": no tool
names, no arguments as JSON, no timings. Opened, it lists each step with its outcome in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import gradio as gr

from assistant.answer import ToolCall
from assistant.kb.schema import Lang
from assistant.tools.calculators import CALCULATORS
from assistant.ui.i18n import STRINGS, t
from assistant.ui.render import md_text, tool_label

SEARCH_TOOLS = ("search_knowledge",)
_SHORT_CHARS = 160


def _in_lang(value: Any, lang: Lang) -> str:
    """A bilingual `{zh, en}` value in `lang`; anything else as text."""
    if isinstance(value, Mapping) and lang in value:
        return str(value[lang])
    return str(value)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHORT_CHARS else text[: _SHORT_CHARS - 1] + "…"


def tool_error(call: ToolCall, lang: Lang) -> str | None:
    """Why a tool call failed, in `lang` (tools return `{"error": {zh, en}}` rather than raising)."""
    if isinstance(call.result, Mapping) and call.result.get("error"):
        return _in_lang(call.result["error"], lang)
    return call.error


def _hits(call: ToolCall) -> list[Mapping[str, Any]]:
    result = call.result
    return [item for item in result if isinstance(item, Mapping)] if isinstance(result, list) else []


def _did(call: ToolCall, lang: Lang) -> str:
    """One step as a short phrase for the row's title."""
    if call.result is None and call.error is None:
        return t("tool.doing", lang, what=tool_label(call.name, lang))
    if call.name in SEARCH_TOOLS:
        return t("tool.did.search_knowledge", lang, n=len(_hits(call)))
    if tool_error(call, lang):
        return t("tool.failed", lang, what=tool_label(call.name, lang))
    if call.name in CALCULATORS:
        return t("tool.did.calculator", lang, what=tool_label(call.name, lang))
    key = f"tool.did.{call.name}"
    return t(key, lang) if key in STRINGS else tool_label(call.name, lang)


def _line(call: ToolCall, lang: Lang) -> str:
    """One step with its outcome, for the opened row."""
    error = tool_error(call, lang)
    if error:
        return t("tool.line.error", lang, what=tool_label(call.name, lang), why=_short(error))
    if call.result is None:
        return t("tool.doing", lang, what=tool_label(call.name, lang))
    if call.name in SEARCH_TOOLS:
        titles = "；".join if lang == "zh" else "; ".join
        return t("tool.line.search", lang, n=len(_hits(call)),
                 titles=_short(titles(_in_lang(h.get("title", ""), lang) for h in _hits(call))))
    if isinstance(call.result, Mapping) and "headline" in call.result:
        return t("tool.line.calc", lang, what=tool_label(call.name, lang), result=_short(_in_lang(call.result["headline"], lang)))
    return tool_label(call.name, lang)


def tools_title(calls: Sequence[ToolCall], lang: Lang) -> str:
    """The folded row's title: each distinct step once, joined with " · "."""
    phrases = list(dict.fromkeys(_did(call, lang) for call in calls))
    return " · ".join(phrases)


def tools_row(calls: Sequence[ToolCall], lang: Lang, *, done: bool) -> gr.ChatMessage:
    """All of a turn's tool calls as one collapsible chat "thought" (pending while any runs)."""
    lines = "\n".join(f"- {md_text(_line(call, lang))}" for call in calls)
    metadata: dict[str, Any] = {"title": tools_title(calls, lang), "id": "tools", "status": "done" if done else "pending"}
    return gr.ChatMessage(role="assistant", content=lines, metadata=metadata)
