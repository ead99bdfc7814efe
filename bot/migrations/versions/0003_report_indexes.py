"""indexes for the status and quarterly figures

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 02:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deadlines_met", "deadlines", ["met_date"])
    op.create_index("ix_milestones_kind_day", "milestones", ["kind", "day"])


def downgrade() -> None:
    op.drop_index("ix_milestones_kind_day", table_name="milestones")
    op.drop_index("ix_deadlines_met", table_name="deadlines")
