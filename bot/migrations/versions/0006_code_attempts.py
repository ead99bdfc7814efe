"""wrong invite codes kept in the database (lock-outs survive a restart)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 18:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "code_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_attempts")),
    )
    op.create_index(op.f("ix_code_attempts_telegram_id"), "code_attempts", ["telegram_id"])
    op.create_index(op.f("ix_code_attempts_at"), "code_attempts", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_code_attempts_at"), table_name="code_attempts")
    op.drop_index(op.f("ix_code_attempts_telegram_id"), table_name="code_attempts")
    op.drop_table("code_attempts")
