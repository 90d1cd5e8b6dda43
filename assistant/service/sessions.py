"""Where each surface's conversations live: the one mapping from a surface's ids to session ids.

Ids a client chooses for itself (`/api/ask`) may not contain `:`; every id the server derives
has a `surface:` prefix, so an API client can never read or extend a Slack or Feishu thread.
"""

from __future__ import annotations

CLIENT_SESSION_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
"""A session id an API client sends back (the Advisor's own ids are hex)."""


def openai_session(user: str | None, header: str | None) -> str | None:
    """`/v1/chat/completions`: the `X-Session-Id` header, else the `user` field, namespaced."""
    value = (header or user or "").strip()
    return f"openai:{value}" if value else None


def slack_session(channel: str, thread_ts: str) -> str:
    return f"slack:{channel}:{thread_ts}"


def feishu_session(chat_id: str, root_id: str | None, message_id: str) -> str:
    return f"feishu:{chat_id}:{root_id or message_id}"


def feishu_chat_session(chat_id: str) -> str:
    """A one-to-one chat is one conversation: follow-ups need no quote-reply."""
    return f"feishu:{chat_id}"
