"""Keeping a dossier's norm clocks and their reminder rows in step with its milestones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Deadline, Dossier, MilestoneRecord, Reminder, User, Vraag
from bot.norms import OVERDUE, first_dates, plan_clocks, reminder_moments
from bot.services.common import Deps, audit
from bot.vocabulary import Category, ClockStatus, Milestone, ReminderStatus

# Reminder kinds and audiences (columns of the outbox).
TERMIJN, OPPAKKEN = "termijn", "oppakken"
HOUDER, TEAMLEIDER = "houder", "teamleider"


def lead_days(start: date, met: date | None) -> int | None:
    """Calendar days from a clock's start to its end product (kept for the figures)."""
    return None if met is None else (met - start).days


async def dossier_facts(session: AsyncSession, dossier: Dossier) -> dict[str, list[date]]:
    """The dossier's milestone dates per kind, sorted."""
    rows = await session.execute(
        select(MilestoneRecord.kind, MilestoneRecord.day).where(MilestoneRecord.dossier_id == dossier.id)
    )
    return first_dates((Milestone(kind), day) for kind, day in rows)


async def sync_dossier_clocks(
    session: AsyncSession, deps: Deps, dossier: Dossier, actor: User | None
) -> list[Deadline]:
    """Start, move or stop the dossier's clocks to match its milestones; rewrite their reminders."""
    facts = await dossier_facts(session, dossier)
    plans = plan_clocks(deps.config, deps.calendar, Category(dossier.category), dossier.meldingsdatum, facts)
    existing = {
        (d.norm, d.seq): d
        for d in await session.scalars(select(Deadline).where(Deadline.dossier_id == dossier.id))
    }
    known_ids = {d.id for d in existing.values()}
    now = deps.now()
    touched: list[Deadline] = []
    for plan in plans:
        row = existing.get(plan.key)
        status = ClockStatus.GESTOPT if plan.met else ClockStatus.LOPEND
        if row is None:
            row = Deadline(
                dossier_id=dossier.id,
                norm=plan.norm,
                seq=plan.seq,
                start_date=plan.start,
                due_date=plan.due,
                met_date=plan.met,
                lead_days=lead_days(plan.start, plan.met),
                status=status,
                updated_at=now,
            )
            session.add(row)
            await session.flush()
            audit(
                session,
                deps,
                actor,
                "klok.gestart",
                dossier=dossier,
                norm=plan.norm,
                seq=plan.seq,
                start=plan.start,
                termijn=plan.due,
            )
        elif row.status == ClockStatus.VERVALLEN:
            continue
        elif (row.start_date, row.due_date, row.met_date) != (plan.start, plan.due, plan.met):
            moved = row.due_date != plan.due
            row.start_date, row.due_date, row.met_date = plan.start, plan.due, plan.met
            row.lead_days = lead_days(plan.start, plan.met)
            row.status, row.updated_at = status, now
            action = "klok.gestopt" if plan.met else ("klok.verplaatst" if moved else "klok.bijgewerkt")
            audit(
                session,
                deps,
                actor,
                action,
                dossier=dossier,
                norm=plan.norm,
                seq=plan.seq,
                termijn=plan.due,
                gehaald=plan.met,
            )
        else:
            continue
        touched.append(row)
        await write_reminders(session, deps, row, actor, fresh=row.id not in known_ids)
    planned = {plan.key for plan in plans}
    for key, row in existing.items():
        if key not in planned and row.status == ClockStatus.LOPEND:
            # e.g. a toets no longer due because budgetbeheer ended
            row.status, row.updated_at = ClockStatus.VERVALLEN, now
            audit(session, deps, actor, "klok.vervallen", dossier=dossier, norm=row.norm, seq=row.seq)
            touched.append(row)
            await write_reminders(session, deps, row, actor)
    return touched


async def lapse_dossier_clocks(
    session: AsyncSession, deps: Deps, dossier: Dossier, actor: User | None
) -> None:
    """A closed dossier's running clocks lapse; their unsent reminders go."""
    rows = await session.scalars(
        select(Deadline).where(Deadline.dossier_id == dossier.id, Deadline.status == ClockStatus.LOPEND)
    )
    for row in rows:
        row.status, row.updated_at = ClockStatus.VERVALLEN, deps.now()
        audit(session, deps, actor, "klok.vervallen", dossier=dossier, norm=row.norm, seq=row.seq)
        await write_reminders(session, deps, row, actor)


async def start_vraag_clock(
    session: AsyncSession, deps: Deps, vraag: Vraag, norm: str, due: date
) -> Deadline:
    """The answer norm's clock for a new vraag."""
    row = Deadline(
        vraag_id=vraag.id,
        norm=norm,
        seq=0,
        start_date=deps.calendar.local(vraag.created_at).date(),
        due_date=due,
        status=ClockStatus.LOPEND,
        updated_at=deps.now(),
    )
    session.add(row)
    await session.flush()
    await write_reminders(session, deps, row, None, fresh=True)
    return row


async def stop_vraag_clock(session: AsyncSession, deps: Deps, vraag: Vraag, day: date) -> None:
    """The answer stops the vraag's clock."""
    rows = await session.scalars(
        select(Deadline).where(Deadline.vraag_id == vraag.id, Deadline.status == ClockStatus.LOPEND)
    )
    for row in rows:
        row.met_date, row.status, row.updated_at = day, ClockStatus.GESTOPT, deps.now()
        row.lead_days = lead_days(row.start_date, day)
        await write_reminders(session, deps, row, None)


def _reminder_key(deadline: Deadline, due: date, offset: int, audience: str) -> str:
    suffix = ":tl" if audience == TEAMLEIDER else ""
    return f"d{deadline.id}:{due.isoformat()}:{offset}{suffix}"


async def write_reminders(
    session: AsyncSession, deps: Deps, deadline: Deadline, actor: User | None, *, fresh: bool = False
) -> None:
    """Make the outbox match the clock: planned reminders for a running clock's current due
    date, none unsent for anything else. A reminder once sent is never sent again. An overdue
    notice goes to the holder and, as a row of its own, to the teamleiders."""
    rows: dict[str, Reminder] = {}
    if not fresh:
        rows = {
            r.key: r
            for r in await session.scalars(select(Reminder).where(Reminder.deadline_id == deadline.id))
        }
    wanted: dict[str, dict[str, Any]] = {}
    if deadline.status == ClockStatus.LOPEND and deadline.due_date is not None:
        policy = deps.config.policy_for(deadline.norm)
        for moment in reminder_moments(deadline.due_date, policy, deps.calendar, deps.now()):
            audiences = [HOUDER, TEAMLEIDER] if moment.offset == OVERDUE else [HOUDER]
            for audience in audiences:
                key = _reminder_key(deadline, deadline.due_date, moment.offset, audience)
                wanted[key] = _row(
                    deps, key, TERMIJN, audience, moment.offset, moment.at, deadline_id=deadline.id
                )
    cancelled = _reconcile(rows, wanted)
    created = [r for key, r in wanted.items() if key not in rows]
    if created:
        await session.execute(insert(Reminder), created)
    if cancelled or created:
        audit(
            session,
            deps,
            actor,
            "herinneringen.gepland",
            dossier=deadline.dossier_id,
            vraag=deadline.vraag_id,
            deadline=deadline.id,
            nieuw=len(created),
            geannuleerd=cancelled,
        )


def _row(
    deps: Deps, key: str, kind: str, audience: str, offset: int, at: datetime, **subject: int | None
) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "audience": audience,
        "offset_days": offset,
        "due_at": at,
        "status": ReminderStatus.GEPLAND.value,
        "attempts": 0,
        "delivered": [],
        "created_at": deps.now(),
        "deadline_id": subject.get("deadline_id"),
        "dossier_id": subject.get("dossier_id"),
        "vraag_id": subject.get("vraag_id"),
    }


def _reconcile(rows: dict[str, Reminder], wanted: dict[str, dict[str, Any]]) -> int:
    """Cancel planned rows no longer wanted; re-plan cancelled rows wanted again. Sent rows stay."""
    cancelled = 0
    for key, row in rows.items():
        if row.status == ReminderStatus.GEPLAND and key not in wanted:
            row.status = ReminderStatus.GEANNULEERD
            cancelled += 1
        elif row.status == ReminderStatus.GEANNULEERD and key in wanted:
            row.status, row.due_at = ReminderStatus.GEPLAND, wanted[key]["due_at"]
    return cancelled


async def schedule_pickup_escalation(
    session: AsyncSession,
    deps: Deps,
    *,
    dossier: Dossier | None = None,
    vraag: Vraag | None = None,
    fresh: bool = False,
) -> None:
    """An item not picked up is re-sent to its holder after some office hours, then escalated to
    the teamleiders; a hand-over of a new item starts the count again."""
    if dossier is not None:
        subject: dict[str, int | None] = {"dossier_id": dossier.id}
        where = Reminder.dossier_id == dossier.id
        prefix = f"ack:d{dossier.id}"
    else:
        assert vraag is not None
        subject, where, prefix = {"vraag_id": vraag.id}, Reminder.vraag_id == vraag.id, f"ack:v{vraag.id}"
    rows: dict[str, Reminder] = {}
    if not fresh:  # a new item has no rows yet
        rows = {
            r.key: r for r in await session.scalars(select(Reminder).where(where, Reminder.kind == OPPAKKEN))
        }
    routing, now = deps.config.routering, deps.now()
    wanted: dict[str, dict[str, Any]] = {}
    for level, audience, hours in (
        (1, HOUDER, routing.oppakken_binnen_werkuren),
        (2, TEAMLEIDER, routing.escaleren_na_werkuren),
    ):
        at = deps.calendar.add_working_hours(now, hours)
        key = f"{prefix}:{level}:{at.astimezone(UTC):%Y%m%dT%H%M}"
        wanted[key] = _row(deps, key, OPPAKKEN, audience, level, at, **subject)
    _reconcile(rows, wanted)
    created = [r for key, r in wanted.items() if key not in rows]
    if created:
        await session.execute(insert(Reminder), created)


async def cancel_pickup_escalation(
    session: AsyncSession, *, dossier: Dossier | None = None, vraag: Vraag | None = None
) -> None:
    """Picked up, answered or closed: the unsent pick-up reminders go."""
    subject = (
        Reminder.dossier_id == dossier.id if dossier else Reminder.vraag_id == (vraag.id if vraag else 0)
    )
    await session.execute(
        update(Reminder)
        .where(subject, Reminder.kind == OPPAKKEN, Reminder.status == ReminderStatus.GEPLAND)
        .values(status=ReminderStatus.GEANNULEERD.value)
    )
