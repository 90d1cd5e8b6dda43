"""An answer as a Slack message: the short reply in mrkdwn, numbered sources as context blocks with
their evidence level, follow-up questions and the Details / 👍 / 👎 / "Talk to a person" buttons.

Built with slack_sdk's Block Kit models, whose `to_dict()` checks Slack's documented limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from md2mrkdwn import convert as markdown_to_mrkdwn
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from assistant.kb.schema import Lang
from assistant.service.channels.parts import ReplyParts, Source, label

SECTION_CHARS = 3000
"""Slack's limit on a section's text."""
CONTEXT_ELEMENTS = 10
BUTTON_CHARS = 75
MAX_BLOCKS = 50

DETAILS, RATE_UP, RATE_DOWN, HANDOFF, FOLLOW_UP = "tk_details", "tk_rate_up", "tk_rate_down", "tk_handoff", "tk_follow_up"

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def mrkdwn(markdown: str) -> str:
    """Markdown as Slack mrkdwn. `&`, `<`, `>` are escaped first (so no text can become a mention or a
    link Slack did not get from a Markdown link), a leading `> ` quote excepted; bold spans get
    zero-width spaces around them, which Slack needs to render bold next to Chinese characters."""
    lines = [("> " + line[2:].translate(_ESCAPES)) if line.startswith("> ") else line.translate(_ESCAPES)
             for line in markdown.splitlines()]
    return markdown_to_mrkdwn(_BOLD.sub("\u200b**\\1**\u200b", "\n".join(lines))).strip()


def _chunks(text: str, size: int = SECTION_CHARS) -> Iterator[str]:
    """`text` in pieces of at most `size` characters, cut at line ends where possible."""
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > size // 2 else size
        yield text[:cut]
        text = text[cut:].lstrip("\n")
    if text:
        yield text


def sections(markdown: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in _chunks(mrkdwn(markdown))]


def _source_line(source: Source) -> str:
    title = source.title.translate(_ESCAPES).replace("|", "∣")
    linked = f"<{source.url}|{title}>" if source.url else title
    return f"*[{source.number}]* {linked} · _{source.evidence.translate(_ESCAPES)}_"


def source_blocks(sources: tuple[Source, ...]) -> list[Block]:
    """One context block per ten sources (Slack's limit on a context block's elements)."""
    lines = [MarkdownTextObject(text=_source_line(s)) for s in sources]
    return [ContextBlock(elements=lines[i:i + CONTEXT_ELEMENTS]) for i in range(0, len(lines), CONTEXT_ELEMENTS)]


def _short(text: str, size: int = BUTTON_CHARS) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _button(text: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=_short(text), action_id=action_id, value=value[:2000], style=style)


def action_blocks(parts: ReplyParts, handoff: bool) -> list[Block]:
    """Follow-up questions (one row), then Details, 👍, 👎 and "Talk to a person" (another row)."""
    blocks: list[Block] = []
    if parts.follow_ups:
        blocks.append(ActionsBlock(block_id="tk_follow_ups", elements=[
            _button("↪ " + q, f"{FOLLOW_UP}_{i}", q) for i, q in enumerate(parts.follow_ups[:5])]))
    if parts.message_id is None:
        return blocks
    buttons = [_button(label("details", parts.lang), DETAILS, parts.message_id)] if parts.details else []
    buttons += [_button(label("helpful", parts.lang), RATE_UP, parts.message_id),
                _button(label("unhelpful", parts.lang), RATE_DOWN, parts.message_id)]
    if handoff:
        buttons.append(_button(label("handoff", parts.lang), HANDOFF, parts.message_id, style="primary"))
    blocks.append(ActionsBlock(block_id="tk_answer_actions", elements=buttons))
    return blocks


def answer_message(parts: ReplyParts, handoff: bool, asked_by: tuple[str, str] | None = None) -> dict[str, Any]:
    """`text` (the notification and screen-reader fallback) and `blocks` for chat.postMessage;
    `asked_by` (user id, question) heads a reply to a follow-up button with who asked what."""
    asked = [ContextBlock(elements=[MarkdownTextObject(text=f"<@{asked_by[0]}>: {mrkdwn(asked_by[1])}")])] if asked_by else []
    blocks = [*asked, *sections(parts.reply), *source_blocks(parts.sources), *action_blocks(parts, handoff)]
    if len(blocks) > MAX_BLOCKS:  # a reply of ~140,000 characters; keep the sources and buttons
        tail = len(blocks) - len(sections(parts.reply))
        blocks = blocks[: MAX_BLOCKS - tail] + blocks[-tail:]
    return {"text": _short(mrkdwn(parts.reply), 3000), "blocks": [b.to_dict() for b in blocks]}


def details_message(details: str, lang: Lang) -> dict[str, Any]:
    """The details an answer's button asks for, as a threaded message."""
    text = details or label("no_details", lang)
    blocks = sections(text)[: MAX_BLOCKS]
    return {"text": _short(mrkdwn(text), 3000), "blocks": [b.to_dict() for b in blocks]}
