"""Conversations can be renamed: `sessions.title` ('' means "use its first question").

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds the column unless a store already has it (as 0001 adopts tables already there)."""
    if "title" not in {column["name"] for column in sa.inspect(op.get_bind()).get_columns("sessions")}:
        op.add_column("sessions", sa.Column("title", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("title")
