"""Feedback on a stored answer, named by its message id: the one path the API and the chat buttons share."""

from __future__ import annotations

from typing import Literal

from assistant.store import Feedback, FeedbackRow, Store


def rate_message(store: Store, message_id: str, rating: Literal[-1, 1], *, channel: str, owner: str | None = None,
                 comment: str = "") -> FeedbackRow | None:
    """Store `rating` for the answer `message_id` with its question, text and sources; None when there is
    no such answer (or, with `owner`, when it is in a conversation someone else owns)."""
    found = store.message(message_id)
    if found is None or found.message.role != "assistant" or (owner is not None and found.owner != owner):
        return None
    meta = found.message.meta
    feedback = Feedback(rating=rating, comment=comment, question=found.question[:4000], answer=found.message.content[:20_000],
                        session_id=found.session_id[:256], citations=list(meta.get("citations", []))[:50],
                        provider=str(meta.get("provider", ""))[:100], channel=channel)
    return store.add_feedback(feedback, message_id)
