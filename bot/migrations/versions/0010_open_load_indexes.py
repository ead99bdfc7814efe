"""Indexes for routing's open workload: (status, assignee) on dossiers and vragen

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 01:05:00

Routing counts the open items per worker on every melding and vraag. With the open statuses in
the query and these indexes it reads only the open items, not every dossier ever made.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_dossiers_open_load", "dossiers", ["status", "assignee_id"])
    op.create_index("ix_vragen_open_load", "vragen", ["status", "assignee_id"])


def downgrade() -> None:
    op.drop_index("ix_vragen_open_load", table_name="vragen")
    op.drop_index("ix_dossiers_open_load", table_name="dossiers")
