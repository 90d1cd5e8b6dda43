"""The first schema: messages, sessions with owners, seen webhook events, feedback.

Also adopts stores written before migrations existed: tables already there are kept, and
conversations saved before owners were recorded get the owner `legacy`.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("session_id", sa.Text, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("role", sa.Text, sa.CheckConstraint("role IN ('user', 'assistant')"), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("meta", sa.Text, nullable=False, server_default="{}"),
        sa.Column("created_at", sa.Float, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "sessions",
        sa.Column("session_id", sa.Text, primary_key=True),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        if_not_exists=True,
    )
    op.create_index("sessions_by_owner", "sessions", ["owner", "updated_at"], if_not_exists=True)
    op.create_table(
        "seen_events",
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("seen_at", sa.Float, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("session_id", sa.Text),
        sa.Column("rating", sa.Integer, sa.CheckConstraint("rating IN (-1, 1)"), nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("citations", sa.Text, nullable=False, server_default="[]"),
        sa.Column("provider", sa.Text, nullable=False, server_default=""),
        sa.Column("channel", sa.Text, nullable=False, server_default=""),
        if_not_exists=True,
    )
    op.execute(
        "INSERT INTO sessions (session_id, owner, created_at, updated_at)"
        " SELECT session_id, 'legacy', MIN(created_at), MAX(created_at) FROM messages"
        " WHERE session_id NOT IN (SELECT session_id FROM sessions) GROUP BY session_id"
    )


def downgrade() -> None:
    for table in ("feedback", "seen_events", "sessions", "messages"):
        op.drop_table(table)
