"""Durable state every instance shares: conversations, feedback, seen webhook events."""

from assistant.store.records import Feedback, FeedbackRow, LocatedMessage, SessionSummary, StoredMessage
from assistant.store.store import Store, StoreUnavailable

__all__ = ["Feedback", "FeedbackRow", "LocatedMessage", "SessionSummary", "Store", "StoreUnavailable", "StoredMessage"]
