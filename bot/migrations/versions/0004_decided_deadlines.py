"""decided_on and niet gehaald for deadlines; dagdeel and uitkomst of milestones; contact ways

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 17:20:00

A deadline that ends without its end product after its due date (its dossier closed late) is
niet gehaald from now on, not vervallen; budgetcoaching that ends without a self-reliant inwoner
is niet gehaald; stabilisatie is derived from financiële rust and the plan van aanpak. Existing
rows are brought in line with those rules here.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

deadlines = sa.table(
    "deadlines",
    sa.column("id", sa.Integer),
    sa.column("dossier_id", sa.Integer),
    sa.column("norm", sa.String),
    sa.column("due_date", sa.Date),
    sa.column("met_date", sa.Date),
    sa.column("lead_days", sa.Integer),
    sa.column("status", sa.String),
    sa.column("decided_on", sa.Date),
    sa.column("opened_on", sa.Date),
    sa.column("start_date", sa.Date),
    sa.column("updated_at", sa.DateTime),
)
milestones = sa.table(
    "milestones",
    sa.column("id", sa.Integer),
    sa.column("dossier_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("day", sa.Date),
    sa.column("self_reliant", sa.Boolean),
    sa.column("contact_way", sa.String),
    sa.column("recorded_by_id", sa.Integer),
    sa.column("recorded_at", sa.DateTime),
)

NEW_KINDS = [
    "zelfredzaam",
    "aanbod_eerste_gesprek",
    "beschikking",
    "schuldregeling_ingediend",
    "schuldregeling_afgewezen",
    "verzoek_dwangakkoord",
    "schuldregeling_ingetrokken",
]

# contact ways renamed to the words the chain uses (DDAS: Mail, Brief, Telefoon, Huisbezoek, ...)
WAYS = {"spreekuur": "kantoor", "digitaal": "mail"}


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def upgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("opened_on", sa.Date(), nullable=True))
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dagdeel", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("uitkomst", sa.String(length=30), nullable=True))
    op.create_index(
        "ix_deadlines_decided",
        "deadlines",
        ["decided_on", "status", "norm", "seq", "met_date", "due_date", "lead_days", "dossier_id"],
    )
    conn = op.get_bind()
    for old, new in WAYS.items():
        conn.execute(milestones.update().where(milestones.c.contact_way == old).values(contact_way=new))
    closed = dict(
        conn.execute(
            sa.select(milestones.c.dossier_id, sa.func.min(milestones.c.day))
            .where(milestones.c.kind == "afgesloten")
            .group_by(milestones.c.dossier_id)
        ).all()
    )
    # existing rows count from their start, as before; running ones are decided on their due date
    conn.execute(deadlines.update().values(opened_on=deadlines.c.start_date))
    conn.execute(
        deadlines.update().where(deadlines.c.status == "lopend").values(decided_on=deadlines.c.due_date)
    )
    rows = conn.execute(
        sa.select(
            deadlines.c.id,
            deadlines.c.dossier_id,
            deadlines.c.due_date,
            deadlines.c.met_date,
            deadlines.c.status,
            deadlines.c.updated_at,
        ).where(deadlines.c.status.in_(["gestopt", "vervallen"]))
    ).all()
    for id_, dossier_id, due, met, status, updated_at in rows:
        values: dict[str, object]
        if status == "gestopt" and met is not None:
            values = {"decided_on": met if due is None or met <= due else due}
        else:
            ended = closed.get(dossier_id) or _day(updated_at)
            if due is not None and ended is not None and due < ended:
                values = {"status": "niet_gehaald", "decided_on": due}
            else:
                values = {"decided_on": ended}
        conn.execute(deadlines.update().where(deadlines.c.id == id_).values(**values))
    _budgetcoaching(conn)
    _stabilisatie(conn)


def _stabilisatie(conn: sa.Connection) -> None:
    """Stabilisatie is reached on the day financiële rust and the plan van aanpak both exist: the
    date entered before is replaced by that one, and a dossier that had both gets it. Deadlines that
    count from it are re-planned at the dossier's next step."""
    firsts: dict[int, dict[str, tuple[date, int | None, datetime]]] = {}
    rows = conn.execute(
        sa.select(
            milestones.c.dossier_id,
            milestones.c.kind,
            milestones.c.day,
            milestones.c.recorded_by_id,
            milestones.c.recorded_at,
        )
        .where(milestones.c.kind.in_(["financiele_rust", "plan_van_aanpak", "stabilisatie"]))
        .order_by(milestones.c.day)
    ).all()
    for dossier_id, kind, day, by, at in rows:
        firsts.setdefault(dossier_id, {}).setdefault(kind, (day, by, at))
    for dossier_id, kinds in firsts.items():
        if "financiele_rust" not in kinds or "plan_van_aanpak" not in kinds:
            continue
        reached = max(kinds["financiele_rust"][0], kinds["plan_van_aanpak"][0])
        if "stabilisatie" in kinds:
            conn.execute(
                milestones.update()
                .where(milestones.c.dossier_id == dossier_id, milestones.c.kind == "stabilisatie")
                .values(day=reached)
            )
        else:
            _, by, at = kinds["financiele_rust"]
            conn.execute(
                milestones.insert().values(
                    dossier_id=dossier_id, kind="stabilisatie", day=reached, recorded_by_id=by, recorded_at=at
                )
            )


def _budgetcoaching(conn: sa.Connection) -> None:
    """The end product of budgetcoaching is a self-reliant inwoner: derive that milestone, and a
    coaching that ended without it is niet gehaald (on its end date, or its due date if earlier)."""
    endings = conn.execute(
        sa.select(
            milestones.c.dossier_id,
            milestones.c.day,
            milestones.c.self_reliant,
            milestones.c.recorded_by_id,
            milestones.c.recorded_at,
        ).where(milestones.c.kind == "einde_budgetcoaching")
    ).all()
    for dossier_id, day, reliant, by, at in endings:
        if reliant:
            conn.execute(
                milestones.insert().values(
                    dossier_id=dossier_id, kind="zelfredzaam", day=day, recorded_by_id=by, recorded_at=at
                )
            )
            continue
        for id_, due in conn.execute(
            sa.select(deadlines.c.id, deadlines.c.due_date).where(
                deadlines.c.dossier_id == dossier_id,
                deadlines.c.norm == "budgetcoaching",
                deadlines.c.status == "gestopt",
            )
        ).all():
            conn.execute(
                deadlines.update()
                .where(deadlines.c.id == id_)
                .values(
                    status="niet_gehaald",
                    met_date=None,
                    lead_days=None,
                    decided_on=min(due, day) if due is not None else day,
                )
            )


def downgrade() -> None:
    conn = op.get_bind()
    # kinds revision 0003 does not know
    conn.execute(milestones.delete().where(milestones.c.kind.in_(NEW_KINDS)))
    conn.execute(deadlines.update().where(deadlines.c.status == "niet_gehaald").values(status="vervallen"))
    for old, new in WAYS.items():
        conn.execute(milestones.update().where(milestones.c.contact_way == new).values(contact_way=old))
    op.drop_index("ix_deadlines_decided", table_name="deadlines")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_column("uitkomst")
        batch_op.drop_column("dagdeel")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_column("opened_on")
        batch_op.drop_column("decided_on")
