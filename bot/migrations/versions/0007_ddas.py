"""DDAS registration: a vroegsignaal's partner and flags; closing with DDAS's own outcome

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 22:00:00

A dossier now closes with a DDAS eindresultaat (a vroegsignaalzaak) or uitstroomreden (a
schuldhulptraject) instead of the bot's own close reason. Closed dossiers get the DDAS value
their old reason stands for where that is unambiguous; the old column goes. A downgrade puts the
nearest old reason back.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

dossiers = sa.table(
    "dossiers",
    sa.column("id", sa.Integer),
    sa.column("category", sa.String),
    sa.column("status", sa.String),
    sa.column("close_reason", sa.String),
    sa.column("eindresultaat", sa.String),
    sa.column("uitstroomreden", sa.String),
)
milestones = sa.table("milestones", sa.column("dossier_id", sa.Integer), sa.column("kind", sa.String))

# a vroegsignalering dossier with one of these steps had become a schuldhulptraject (bot.ddas)
TRAJECT_STEPS = (
    "beschikking",
    "fr_schulden_stabiel",
    "fr_vaste_lasten",
    "fr_schuldeisers",
    "plan_van_aanpak",
    "start_schuldregeling",
    "start_budgetbeheer",
    "start_budgetcoaching",
    "aanmelding_wsnp",
)
TO_UITSTROOM = {
    "afgerond": "afgerond",
    "geen_contact": "niet_verschenen",
    "hulp_geweigerd": "ingetrokken",
    "doorverwezen": "niet_passend",
    "verhuisd": "verhuisd",
    "overleden": "overleden",
    "overig": "overig",
}
TO_EINDRESULTAAT = {"geen_contact": "geen_contact", "hulp_geweigerd": "wil_geen_hulp"}
FROM_UITSTROOM = {new: old for old, new in TO_UITSTROOM.items()}
FROM_EINDRESULTAAT = {new: old for old, new in TO_EINDRESULTAAT.items()}


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signaalpartner", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("organisatie", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("crisissignaal", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("warme_overdracht", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("eindresultaat", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("uitstroomreden", sa.String(length=30), nullable=True))
    conn = op.get_bind()
    became_traject = {
        row[0]
        for row in conn.execute(
            sa.select(milestones.c.dossier_id).where(milestones.c.kind.in_(TRAJECT_STEPS)).distinct()
        )
    }
    closed = conn.execute(
        sa.select(dossiers.c.id, dossiers.c.category, dossiers.c.close_reason).where(
            dossiers.c.close_reason.is_not(None)
        )
    ).all()
    for dossier_id, category, reason in closed:
        if category != "vroegsignalering" or dossier_id in became_traject:
            change = sa.update(dossiers).values(uitstroomreden=TO_UITSTROOM.get(reason, "overig"))
        else:
            change = sa.update(dossiers).values(eindresultaat=TO_EINDRESULTAAT.get(reason))
        conn.execute(change.where(dossiers.c.id == dossier_id))
    # SQLite 3.35+ drops a column in place; a recreated table would trip its foreign keys
    with op.batch_alter_table("dossiers", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("close_reason")


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("close_reason", sa.String(length=30), nullable=True))
    conn = op.get_bind()
    closed = conn.execute(
        sa.select(dossiers.c.id, dossiers.c.eindresultaat, dossiers.c.uitstroomreden).where(
            dossiers.c.status == "afgesloten"
        )
    ).all()
    for dossier_id, eindresultaat, uitstroomreden in closed:
        reason = FROM_UITSTROOM.get(uitstroomreden or "") or FROM_EINDRESULTAAT.get(eindresultaat or "")
        conn.execute(
            sa.update(dossiers).where(dossiers.c.id == dossier_id).values(close_reason=reason or "overig")
        )
    with op.batch_alter_table("dossiers", schema=None, recreate="never") as batch_op:
        for column in (
            "uitstroomreden",
            "eindresultaat",
            "warme_overdracht",
            "crisissignaal",
            "organisatie",
            "signaalpartner",
        ):
            batch_op.drop_column(column)
