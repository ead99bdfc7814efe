"""reminder outbox: kinds, audiences, acknowledgement reminders, digests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="termijn", nullable=False))
        batch_op.add_column(
            sa.Column("audience", sa.String(length=20), server_default="houder", nullable=False)
        )
        batch_op.add_column(sa.Column("dossier_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("vraag_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("delivered", sa.JSON(), server_default="[]", nullable=False))
        batch_op.alter_column("deadline_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_reminders_dossier_id_dossiers"), "dossiers", ["dossier_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reminders_vraag_id_vragen"), "vragen", ["vraag_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_reminders_dossier_id"), ["dossier_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminders_vraag_id"), ["vraag_id"], unique=False)
        batch_op.create_check_constraint(
            "has_subject", "deadline_id IS NOT NULL OR dossier_id IS NOT NULL OR vraag_id IS NOT NULL"
        )
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name=op.f("fk_digests_recipient_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint("kind", "recipient_id", "period", name="uq_digest_once"),
    )


def downgrade() -> None:
    op.drop_table("digests")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_constraint("has_subject", type_="check")
        batch_op.drop_index(batch_op.f("ix_reminders_vraag_id"))
        batch_op.drop_index(batch_op.f("ix_reminders_dossier_id"))
        batch_op.drop_constraint(batch_op.f("fk_reminders_vraag_id_vragen"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_reminders_dossier_id_dossiers"), type_="foreignkey")
        batch_op.alter_column("deadline_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("delivered")
        batch_op.drop_column("vraag_id")
        batch_op.drop_column("dossier_id")
        batch_op.drop_column("audience")
        batch_op.drop_column("kind")
