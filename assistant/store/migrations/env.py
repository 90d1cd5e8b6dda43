"""Alembic runs migrations on the connection `assistant.store.database.upgrade` hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from assistant.store.tables import metadata

MIGRATION_LOCK = 7_318_250_611
"""PostgreSQL advisory lock key: instances that start together migrate one after another."""

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
