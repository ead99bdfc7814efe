"""Keeping a dossier's norm clocks and their reminder rows in step with its milestones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Deadline, Dossier, MilestoneRecord, Reminder, User, Vraag
from bot.norms import first_dates, plan_clocks, reminder_moments
from bot.services.common import Deps, audit
from bot.vocabulary import Category, ClockStatus, Milestone, ReminderStatus


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
        await write_reminders(session, deps, row, actor)
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
    await write_reminders(session, deps, row, None)
    return row


async def stop_vraag_clock(session: AsyncSession, deps: Deps, vraag: Vraag, day: date) -> None:
    """The answer stops the vraag's clock."""
    rows = await session.scalars(
        select(Deadline).where(Deadline.vraag_id == vraag.id, Deadline.status == ClockStatus.LOPEND)
    )
    for row in rows:
        row.met_date, row.status, row.updated_at = day, ClockStatus.GESTOPT, deps.now()
        await write_reminders(session, deps, row, None)


def _reminder_key(deadline: Deadline, due: date, offset: int) -> str:
    return f"d{deadline.id}:{due.isoformat()}:{offset}"


async def write_reminders(session: AsyncSession, deps: Deps, deadline: Deadline, actor: User | None) -> None:
    """Make the outbox match the clock: planned reminders for a running clock's current due
    date, none unsent for anything else. A reminder once sent is never sent again."""
    rows = {
        r.key: r for r in await session.scalars(select(Reminder).where(Reminder.deadline_id == deadline.id))
    }
    wanted: dict[str, Reminder] = {}
    if deadline.status == ClockStatus.LOPEND and deadline.due_date is not None:
        policy = deps.config.policy_for(deadline.norm)
        for moment in reminder_moments(deadline.due_date, policy, deps.calendar, deps.now()):
            key = _reminder_key(deadline, deadline.due_date, moment.offset)
            wanted[key] = Reminder(
                key=key,
                deadline_id=deadline.id,
                offset_days=moment.offset,
                due_at=moment.at,
                status=ReminderStatus.GEPLAND,
                created_at=deps.now(),
            )
    cancelled = 0
    for key, row in rows.items():
        if row.status == ReminderStatus.GEPLAND and key not in wanted:
            row.status = ReminderStatus.GEANNULEERD
            cancelled += 1
        elif row.status == ReminderStatus.GEANNULEERD and key in wanted:
            row.status, row.due_at = ReminderStatus.GEPLAND, wanted[key].due_at
    created = [r for key, r in wanted.items() if key not in rows]
    session.add_all(created)
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
