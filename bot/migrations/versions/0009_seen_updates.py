"""Telegram updates taken on, so one delivered twice is handled once

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_seen_updates")),
    )
    op.create_index(op.f("ix_seen_updates_at"), "seen_updates", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_seen_updates_at"), table_name="seen_updates")
    op.drop_table("seen_updates")
