"""Every stored message has an id, and feedback can name the message it rates.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """`messages.message_id` (unique; older rows keep NULL) and `feedback.message_id`."""
    inspector = sa.inspect(op.get_bind())
    if "message_id" not in {column["name"] for column in inspector.get_columns("messages")}:
        op.add_column("messages", sa.Column("message_id", sa.Text, nullable=True))
        op.create_index("messages_by_id", "messages", ["message_id"], unique=True)
    if "message_id" not in {column["name"] for column in inspector.get_columns("feedback")}:
        op.add_column("feedback", sa.Column("message_id", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_index("messages_by_id", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("message_id")
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("message_id")
