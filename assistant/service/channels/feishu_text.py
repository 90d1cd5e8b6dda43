"""The question in a Feishu / Lark message: a `text` message, or a rich-text `post` read as text."""

from __future__ import annotations

import re
from typing import Any

from assistant.service.channels.common import as_dict, vendor_json

_MENTION = re.compile(r"@_user_\d+")
READABLE_TAGS = ("text", "a", "code_block", "md")
"""`post` elements whose `text` is part of the question (mentions, images and media are not)."""


def _post_text(post: dict[str, Any]) -> str:
    """A post's title and paragraphs as lines of text. Posts come as {title, content} or, when sent
    in several languages, as {zh_cn: {...}, en_us: {...}}: the first language is read."""
    if "content" not in post:
        post = as_dict(next(iter(post.values()), {})) if post else {}
    lines = [str(post.get("title") or "")]
    for paragraph in post.get("content") or []:
        if isinstance(paragraph, list):
            lines.append("".join(str(as_dict(e).get("text", "")) for e in paragraph if as_dict(e).get("tag") in READABLE_TAGS))
    return "\n".join(line for line in lines if line.strip())


def question_of(message_type: str, content: str) -> str | None:
    """The text to answer, with @-mention placeholders removed; None for messages that carry no text
    (images, files, stickers) or that cannot be read."""
    if message_type not in ("text", "post"):
        return None
    try:
        body = as_dict(vendor_json(content or "{}"))
    except (ValueError, TypeError):
        return None
    text = str(body.get("text", "")) if message_type == "text" else _post_text(body)
    return _MENTION.sub("", text).strip()
