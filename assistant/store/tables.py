"""The store's tables, one definition for SQLite and PostgreSQL (SQLAlchemy Core)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    Table,
)
from sqlalchemy import Text as _Text
from sqlalchemy.types import TypeDecorator

from assistant.text import storable


class Text(TypeDecorator[str]):
    """Text as every column stores it: lone surrogates and NUL characters dropped on the way in
    (PostgreSQL refuses them: a 500 on a feedback or a session id) and on the way out (rows written
    before this rule). Parameters compared with a column are cleaned alike, so lookups still match."""

    impl = _Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return storable(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return storable(value)


metadata = MetaData()

messages = Table(
    "messages",
    metadata,
    Column("session_id", Text, primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("role", Text, CheckConstraint("role IN ('user', 'assistant')"), nullable=False),
    Column("content", Text, nullable=False),
    Column("meta", Text, nullable=False, server_default="{}"),
    Column("created_at", Float, nullable=False),
    Column("message_id", Text),
    Index("messages_by_id", "message_id", unique=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("session_id", Text, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("title", Text, nullable=False, server_default=""),
    Index("sessions_by_owner", "owner", "updated_at"),
)

seen_events = Table(
    "seen_events",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("seen_at", Float, nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Text, primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("session_id", Text),
    Column("rating", Integer, CheckConstraint("rating IN (-1, 1)"), nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False, server_default="[]"),
    Column("provider", Text, nullable=False, server_default=""),
    Column("channel", Text, nullable=False, server_default=""),
    Column("message_id", Text),
)

briefs = Table(
    "briefs",
    metadata,
    Column("token", Text, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("session_id", Text, nullable=False),
    Column("message_id", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
    Column("content", Text, nullable=False),
    Index("briefs_by_session", "session_id"),
)
"""Shared decision briefs: an unguessable token opens a snapshot of one answer until its owner revokes it."""
