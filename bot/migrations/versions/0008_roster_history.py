"""The roster keeps its history: a slot runs from `vanaf` until before `tot`

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 00:00:00

Taking someone off the roster used to delete the row, so a past week showed today's roster. Now
the row is closed on the day of the change. Existing rows have no `vanaf`: they count as on the
roster since before history was kept. One open row per slot stays unique (a partial index). A
downgrade forgets the closed rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

roster = sa.table("roster_entries", sa.column("tot", sa.Date))


def upgrade() -> None:
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vanaf", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("tot", sa.Date(), nullable=True))
        batch_op.drop_constraint("uq_roster_slot", type_="unique")
    op.create_index(
        "uq_roster_current",
        "roster_entries",
        ["wijkteam_id", "weekday", "user_id"],
        unique=True,
        sqlite_where=sa.text("tot IS NULL"),
        postgresql_where=sa.text("tot IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_roster_current", table_name="roster_entries")
    op.execute(sa.delete(roster).where(roster.c.tot.is_not(None)))
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_roster_slot", ["wijkteam_id", "weekday", "user_id"])
        batch_op.drop_column("tot")
        batch_op.drop_column("vanaf")
