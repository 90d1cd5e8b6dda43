"""Durable state every instance shares: conversations, feedback, seen webhook events.

The names load on first use, so a command that never touches the store (`tk-advisor search`,
`calc`, `kb`) does not pay for importing SQLAlchemy and Alembic (about 0.2 s, 1 s on a busy machine)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.store.records import Feedback, FeedbackRow, LocatedMessage, SessionSummary, StoredMessage
    from assistant.store.store import Store, StoreUnavailable

__all__ = ["Feedback", "FeedbackRow", "LocatedMessage", "SessionSummary", "Store", "StoreUnavailable", "StoredMessage"]
_HOMES = {"Store": "assistant.store.store", "StoreUnavailable": "assistant.store.store"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'assistant.store' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES.get(name, "assistant.store.records")), name)
