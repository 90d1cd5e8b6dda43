"""An answer as a Feishu / Lark interactive card (card JSON 2.0, built with lark-oapi's CardBuilder):
the reply in card Markdown, numbered sources with their evidence level, follow-up buttons and the
Details / 👍 / 👎 / "Talk to a person" buttons, whose callbacks carry the answer's message id."""

from __future__ import annotations

import json
from typing import Any

from lark_oapi.channel.card import new_card

from assistant.kb.schema import Lang
from assistant.service.channels.parts import ReplyParts, Source, label

DETAILS, RATE, HANDOFF, FOLLOW_UP = "details", "rate", "handoff", "follow_up"
MARKDOWN_CHARS = 10_000
"""Kept well under the card's size limit (about 30 KB of JSON)."""

_ESCAPES = str.maketrans({"<": "&lt;", ">": "&gt;"})


def card_markdown(markdown: str) -> str:
    """Markdown for a card's markdown element: `<` and `>` escaped, so no text can become an
    `<at>` mention or a `<font>` tag; long text cut."""
    text = markdown.translate(_ESCAPES)
    return text if len(text) <= MARKDOWN_CHARS else text[: MARKDOWN_CHARS - 1] + "…"


def _source_line(source: Source) -> str:
    title = source.title.translate(_ESCAPES).replace("[", "(").replace("]", ")")
    linked = f"[{title}]({source.url})" if source.url else title
    return f"**[{source.number}]** {linked} · *{source.evidence.translate(_ESCAPES)}*"


def sources_markdown(sources: tuple[Source, ...], lang: Lang) -> str:
    return f"**{label('sources', lang)}**\n" + "\n".join(_source_line(s) for s in sources)


def _action(kind: str, message_id: str | None, **extra: Any) -> dict[str, Any]:
    return {"action": kind, "message_id": message_id or "", **extra}


def answer_card(parts: ReplyParts, handoff: bool) -> dict[str, Any]:
    """The card JSON for an answer."""
    card = new_card().config(update_multi=True).markdown(card_markdown(parts.reply))
    if parts.sources:
        card.markdown(sources_markdown(parts.sources, parts.lang))
    for question in parts.follow_ups[:5]:
        card.button("↪ " + question[:100], action=_action(FOLLOW_UP, parts.message_id, question=question[:500]))
    if parts.message_id:
        buttons = [{"label": label("details", parts.lang), "action": _action(DETAILS, parts.message_id)}] if parts.details else []
        buttons += [{"label": label("helpful", parts.lang), "action": _action(RATE, parts.message_id, rating=1)},
                    {"label": label("unhelpful", parts.lang), "action": _action(RATE, parts.message_id, rating=-1)}]
        if handoff:
            buttons.append({"label": label("handoff", parts.lang), "action": _action(HANDOFF, parts.message_id), "style": "primary"})
        card.buttons(buttons)
    return card.to_dict()


def markdown_card(markdown: str, *, mentions: bool = False) -> dict[str, Any]:
    """A card holding one Markdown text (details, notices); with `mentions`, the text is the adapter's
    own and its `<at>` tags are kept."""
    return new_card().config(update_multi=True).markdown(markdown if mentions else card_markdown(markdown)).to_dict()


def content(card: dict[str, Any]) -> str:
    """An `interactive` message's `content`: the card as a JSON string."""
    return json.dumps(card, ensure_ascii=False)
