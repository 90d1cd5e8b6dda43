"""Durable state every instance shares: conversations, feedback, seen webhook events."""

from assistant.store.records import Feedback, FeedbackRow, SessionSummary, StoredMessage
from assistant.store.store import Store, StoreUnavailable

__all__ = ["Feedback", "FeedbackRow", "SessionSummary", "Store", "StoreUnavailable", "StoredMessage"]
