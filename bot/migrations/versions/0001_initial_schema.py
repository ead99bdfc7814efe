"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 01:54:58.457866
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "bot_state",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_bot_state")),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "wijkteams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("naam", sa.String(length=80), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wijkteams")),
        sa.UniqueConstraint("code", name=op.f("uq_wijkteams_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("beheerder", sa.Boolean(), nullable=False),
        sa.Column("wijkteam_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["wijkteam_id"], ["wijkteams.id"], name=op.f("fk_users_wijkteam_id_wijkteams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_users_telegram_id")),
    )
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_absences_order")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_absences_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_absences_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absences_user_id"), ["user_id"], unique=False)

    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("wijkteam_id", sa.Integer(), nullable=False),
        sa.Column("meldingsdatum", sa.Date(), nullable=False),
        sa.Column("ris_nummer", sa.String(length=30), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_dossiers_assignee_id_users")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_dossiers_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["wijkteam_id"], ["wijkteams.id"], name=op.f("fk_dossiers_wijkteam_id_wijkteams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        sa.UniqueConstraint("ref", name=op.f("uq_dossiers_ref")),
    )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossiers_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_meldingsdatum"), ["meldingsdatum"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_wijkteam_id"), ["wijkteam_id"], unique=False)

    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("beheerder", sa.Boolean(), nullable=False),
        sa.Column("wijkteam_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(length=80), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_invites_created_by_id_users")),
        sa.ForeignKeyConstraint(["used_by_id"], ["users.id"], name=op.f("fk_invites_used_by_id_users")),
        sa.ForeignKeyConstraint(
            ["wijkteam_id"], ["wijkteams.id"], name=op.f("fk_invites_wijkteam_id_wijkteams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invites_code_hash")),
    )
    op.create_table(
        "roster_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wijkteam_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_roster_entries_weekday")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_roster_entries_user_id_users")),
        sa.ForeignKeyConstraint(
            ["wijkteam_id"], ["wijkteams.id"], name=op.f("fk_roster_entries_wijkteam_id_wijkteams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_entries")),
        sa.UniqueConstraint("wijkteam_id", "weekday", "user_id", name="uq_roster_slot"),
    )
    op.create_table(
        "roster_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("wijkteam_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_roster_overrides_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_roster_overrides_user_id_users")),
        sa.ForeignKeyConstraint(
            ["wijkteam_id"],
            ["wijkteams.id"],
            name=op.f("fk_roster_overrides_wijkteam_id_wijkteams"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_overrides")),
        sa.UniqueConstraint("day", "wijkteam_id", "user_id", name="uq_override_slot"),
    )
    with op.batch_alter_table("roster_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roster_overrides_day"), ["day"], unique=False)

    op.create_table(
        "vragen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("wijkteam_id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["asker_id"], ["users.id"], name=op.f("fk_vragen_asker_id_users")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_vragen_assignee_id_users")),
        sa.ForeignKeyConstraint(
            ["wijkteam_id"], ["wijkteams.id"], name=op.f("fk_vragen_wijkteam_id_wijkteams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vragen")),
        sa.UniqueConstraint("ref", name=op.f("uq_vragen_ref")),
    )
    with op.batch_alter_table("vragen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vragen_asker_id"), ["asker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vragen_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vragen_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_vragen_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_vragen_wijkteam_id"), ["wijkteam_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("vraag_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_log_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_audit_log_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(["vraag_id"], ["vragen.id"], name=op.f("fk_audit_log_vraag_id_vragen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("vraag_id", sa.Integer(), nullable=True),
        sa.Column("norm", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("met_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(dossier_id IS NULL) <> (vraag_id IS NULL)", name=op.f("ck_deadlines_one_owner")),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_deadlines_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(["vraag_id"], ["vragen.id"], name=op.f("fk_deadlines_vraag_id_vragen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
        sa.UniqueConstraint("dossier_id", "norm", "seq", name="uq_deadline_dossier_clock"),
        sa.UniqueConstraint("vraag_id", "norm", "seq", name="uq_deadline_vraag_clock"),
    )
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.create_index("ix_deadlines_norm_met", ["norm", "met_date"], unique=False)
        batch_op.create_index("ix_deadlines_status_due", ["status", "due_date"], unique=False)

    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("contact_way", sa.String(length=20), nullable=True),
        sa.Column("reached", sa.Boolean(), nullable=True),
        sa.Column("self_reliant", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_milestones_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_milestones_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index("ix_milestones_dossier_kind", ["dossier_id", "kind"], unique=False)

    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=60), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_to_id", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deadline_id"], ["deadlines.id"], name=op.f("fk_reminders_deadline_id_deadlines")
        ),
        sa.ForeignKeyConstraint(["sent_to_id"], ["users.id"], name=op.f("fk_reminders_sent_to_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("key", name=op.f("uq_reminders_key")),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminders_deadline_id"), ["deadline_id"], unique=False)
        batch_op.create_index("ix_reminders_status_due", ["status", "due_at"], unique=False)
    _audit_log_append_only()


def _audit_log_append_only() -> None:
    """The audit log can be added to, never changed or emptied."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")

    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_status_due")
        batch_op.drop_index(batch_op.f("ix_reminders_deadline_id"))

    op.drop_table("reminders")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index("ix_milestones_dossier_kind")

    op.drop_table("milestones")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_status_due")
        batch_op.drop_index("ix_deadlines_norm_met")

    op.drop_table("deadlines")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_dossier_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    with op.batch_alter_table("vragen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vragen_wijkteam_id"))
        batch_op.drop_index(batch_op.f("ix_vragen_status"))
        batch_op.drop_index(batch_op.f("ix_vragen_created_at"))
        batch_op.drop_index(batch_op.f("ix_vragen_assignee_id"))
        batch_op.drop_index(batch_op.f("ix_vragen_asker_id"))

    op.drop_table("vragen")
    with op.batch_alter_table("roster_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_overrides_day"))

    op.drop_table("roster_overrides")
    op.drop_table("roster_entries")
    op.drop_table("invites")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossiers_wijkteam_id"))
        batch_op.drop_index(batch_op.f("ix_dossiers_status"))
        batch_op.drop_index(batch_op.f("ix_dossiers_meldingsdatum"))
        batch_op.drop_index(batch_op.f("ix_dossiers_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_dossiers_created_at"))
        batch_op.drop_index(batch_op.f("ix_dossiers_category"))
        batch_op.drop_index(batch_op.f("ix_dossiers_assignee_id"))

    op.drop_table("dossiers")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absences_user_id"))

    op.drop_table("absences")
    op.drop_table("users")
    op.drop_table("wijkteams")
    op.drop_table("counters")
    op.drop_table("bot_state")
