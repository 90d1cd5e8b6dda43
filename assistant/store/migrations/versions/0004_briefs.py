"""Shared decision briefs (`briefs`): a token, its owner and conversation, the answer's snapshot.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "briefs" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "briefs",
        sa.Column("token", sa.Text, primary_key=True),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("session_id", sa.Text, nullable=False),
        sa.Column("message_id", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float, nullable=True),
        sa.Column("content", sa.Text, nullable=False),
    )
    op.create_index("briefs_by_session", "briefs", ["session_id"])


def downgrade() -> None:
    op.drop_index("briefs_by_session", table_name="briefs")
    op.drop_table("briefs")
