"""audit log as a hash chain; no INSERT OR REPLACE (SQLite), no TRUNCATE (PostgreSQL)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 18:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.auditchain import GENESIS, chain

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("dossier_id", sa.Integer),
    sa.column("vraag_id", sa.Integer),
    sa.column("details", sa.JSON),
    sa.column("hash", sa.String),
)
state = sa.table("bot_state", sa.column("key", sa.String), sa.column("value", sa.String))


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    # chain the rows written so far (the append-only trigger is lifted for just this)
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    else:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    conn = op.get_bind()
    head = GENESIS
    rows = conn.execute(
        sa.select(
            audit.c.id,
            audit.c.at,
            audit.c.actor_id,
            audit.c.action,
            audit.c.dossier_id,
            audit.c.vraag_id,
            audit.c.details,
        ).order_by(audit.c.id)
    ).mappings()
    for row in [dict(r) for r in rows]:
        if row["at"] is not None and row["at"].tzinfo is None:
            from datetime import UTC

            row["at"] = row["at"].replace(tzinfo=UTC)
        head = chain(head, [row])
        conn.execute(audit.update().where(audit.c.id == row["id"]).values(hash=row["hash"]))
    conn.execute(state.delete().where(state.c.key == "audit_head"))
    conn.execute(state.insert().values(key="audit_head", value=head))
    if sqlite:
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
        # INSERT OR REPLACE deletes the old row without firing the delete trigger
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
    else:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.execute(sa.text("DELETE FROM bot_state WHERE key = 'audit_head'"))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("hash")
    if sqlite:  # the table may have been rebuilt: its triggers with it
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
