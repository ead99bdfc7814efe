"""lead days and indexes for the status and quarterly figures

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 02:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


# Covering indexes: the quarter's figures read only these columns, so the database never has to
# visit the table itself for the (hundreds of thousands of) clocks decided in a quarter.
DECIDED_COLUMNS = ["norm", "seq", "status", "lead_days", "dossier_id"]


def upgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_days", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE deadlines SET lead_days = CAST(julianday(met_date) - julianday(start_date) AS INTEGER) "
            "WHERE met_date IS NOT NULL"
        )
    else:
        op.execute("UPDATE deadlines SET lead_days = met_date - start_date WHERE met_date IS NOT NULL")
    op.create_index("ix_deadlines_met_cover", "deadlines", ["met_date", "due_date", *DECIDED_COLUMNS])
    op.create_index("ix_deadlines_due_cover", "deadlines", ["due_date", "met_date", *DECIDED_COLUMNS])
    op.create_index("ix_milestones_kind_day", "milestones", ["kind", "day"])
    op.create_index("ix_dossiers_created_cover", "dossiers", ["created_at", "category", "wijkteam_id"])
    op.drop_index("ix_deadlines_status_due", table_name="deadlines")
    op.create_index("ix_deadlines_status_due", "deadlines", ["status", "due_date", "dossier_id"])


def downgrade() -> None:
    op.drop_index("ix_deadlines_status_due", table_name="deadlines")
    op.create_index("ix_deadlines_status_due", "deadlines", ["status", "due_date"])
    op.drop_index("ix_dossiers_created_cover", table_name="dossiers")
    op.drop_index("ix_milestones_kind_day", table_name="milestones")
    op.drop_index("ix_deadlines_due_cover", table_name="deadlines")
    op.drop_index("ix_deadlines_met_cover", table_name="deadlines")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_column("lead_days")
