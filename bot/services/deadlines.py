"""Keeping a dossier's deadlines (termijnen) and their reminder rows in step with its milestones,
and the SQL forms of the deadline rules that the figures and lists share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import MELDING
from bot.models import Deadline, Dossier, MilestoneRecord, Reminder, User, Vraag
from bot.moments import pickup_moments, reminder_moments
from bot.norms import DeadlinePlan, decided_on, first_dates, plan_deadlines
from bot.services.common import Deps, audit
from bot.vocabulary import (
    Audience,
    AuditAction,
    Category,
    DeadlineStatus,
    Milestone,
    ReminderKind,
    ReminderStatus,
)


def within_term_sql() -> ColumnElement[bool]:
    """bot.norms.within_term in SQL: the end product on or before the due date."""
    return and_(Deadline.met_date.is_not(None), Deadline.met_date <= Deadline.due_date)


def overdue_sql(today: date) -> ColumnElement[bool]:
    """A running deadline whose due date has passed (bot.norms.verdict: verlopen)."""
    return and_(Deadline.status == DeadlineStatus.LOPEND, Deadline.due_date < today)


def lead_days(start: date, met: date | None) -> int | None:
    """Calendar days from a deadline's start to its end product (kept for the figures)."""
    return None if met is None else (met - start).days


async def dossier_facts(session: AsyncSession, dossier: Dossier) -> dict[str, list[date]]:
    """The dossier's milestone dates per kind, sorted."""
    rows = await session.execute(
        select(MilestoneRecord.kind, MilestoneRecord.day).where(MilestoneRecord.dossier_id == dossier.id)
    )
    return first_dates((Milestone(kind), day) for kind, day in rows)


def _status(plan: DeadlinePlan) -> DeadlineStatus:
    if plan.met is not None:
        return DeadlineStatus.GESTOPT
    return DeadlineStatus.NIET_GEHAALD if plan.missed is not None else DeadlineStatus.LOPEND


# A deadline that has stopped or ended stays as it was decided: a later step, a migration or a
# change of the configuration does not rewrite a figure already reported.
ENDED = (DeadlineStatus.GESTOPT, DeadlineStatus.VERVALLEN, DeadlineStatus.NIET_GEHAALD)


async def sync_dossier_deadlines(
    session: AsyncSession,
    deps: Deps,
    dossier: Dossier,
    actor: User | None,
    day: date | None = None,
    *,
    creating: bool = False,
) -> list[Deadline]:
    """Start, move or stop the dossier's deadlines to match its milestones (recorded on `day`,
    default today); rewrite their reminders. Deadlines that count from the melding start only when
    the dossier is created: a norm switched on later does not reach back to older dossiers."""
    facts = await dossier_facts(session, dossier)
    plans = plan_deadlines(
        deps.config, deps.calendar, Category(dossier.category), dossier.meldingsdatum, facts
    )
    existing = {
        (d.norm, d.seq): d
        for d in await session.scalars(select(Deadline).where(Deadline.dossier_id == dossier.id))
    }
    known_ids = {d.id for d in existing.values()}
    now = deps.now()
    touched: list[Deadline] = []
    for plan in plans:
        row = existing.get(plan.key)
        status = _status(plan)
        if row is None:
            if not creating and deps.config.normen[plan.norm].start == MELDING:
                continue
            today = deps.today()
            row = Deadline(
                dossier_id=dossier.id,
                norm=plan.norm,
                seq=plan.seq,
                start_date=plan.start,
                due_date=plan.due,
                met_date=plan.met,
                lead_days=lead_days(plan.start, plan.met),
                status=status,
                opened_on=today,
                decided_on=decided_on(plan.due, plan.met, today, plan.missed),
                updated_at=now,
            )
            session.add(row)
            await session.flush()
            audit(
                session,
                deps,
                actor,
                AuditAction.DEADLINE_STARTED,
                dossier=dossier,
                norm=plan.norm,
                seq=plan.seq,
                start=plan.start,
                termijn=plan.due,
            )
        elif row.status in ENDED:
            continue
        elif (row.start_date, row.due_date, row.met_date, row.status) != (
            plan.start,
            plan.due,
            plan.met,
            status,
        ):
            moved = row.due_date != plan.due
            row.start_date, row.due_date, row.met_date = plan.start, plan.due, plan.met
            row.lead_days = lead_days(plan.start, plan.met)
            row.status, row.updated_at = status, now
            row.decided_on = decided_on(plan.due, plan.met, row.opened_on, plan.missed)
            action = (
                AuditAction.DEADLINE_STOPPED
                if plan.met
                else AuditAction.DEADLINE_MISSED
                if plan.missed
                else (AuditAction.DEADLINE_MOVED if moved else AuditAction.DEADLINE_UPDATED)
            )
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
        if key not in planned and row.status == DeadlineStatus.LOPEND:
            # e.g. a toets no longer due because budgetbeheer ended
            await _end_without_product(session, deps, dossier, row, actor, day or deps.today())
            touched.append(row)
    return touched


def ending(
    due: date | None, day: date, today: date, opened: date | None = None
) -> tuple[DeadlineStatus, date]:
    """A running deadline that ends without its end product, dated `day` and recorded `today`:
    niet gehaald once its due date had passed when the ending was recorded (a back-dated closing
    does not erase a miss already counted), decided on its due date; still within its term, it
    lapses (vervallen) on `day`."""
    if due is not None and due < max(day, today):
        decided = decided_on(due, None, opened)
        assert decided is not None
        return DeadlineStatus.NIET_GEHAALD, decided
    return DeadlineStatus.VERVALLEN, day


async def _end_without_product(
    session: AsyncSession, deps: Deps, dossier: Dossier, row: Deadline, actor: User | None, day: date
) -> None:
    status, row.decided_on = ending(row.due_date, day, deps.today(), row.opened_on)
    row.status, row.updated_at = status, deps.now()
    action = (
        AuditAction.DEADLINE_MISSED if status is DeadlineStatus.NIET_GEHAALD else AuditAction.DEADLINE_LAPSED
    )
    audit(session, deps, actor, action, dossier=dossier, norm=row.norm, seq=row.seq, beslist=row.decided_on)
    await write_reminders(session, deps, row, actor)


async def end_dossier_deadlines(
    session: AsyncSession, deps: Deps, dossier: Dossier, actor: User | None, day: date
) -> list[Deadline]:
    """A dossier closed on `day`: its running deadlines end (see `ending`) and their unsent
    reminders go. Closing never erases a miss."""
    rows = list(
        await session.scalars(
            select(Deadline).where(
                Deadline.dossier_id == dossier.id, Deadline.status == DeadlineStatus.LOPEND
            )
        )
    )
    for row in rows:
        await _end_without_product(session, deps, dossier, row, actor, day)
    return rows


async def start_vraag_deadline(
    session: AsyncSession, deps: Deps, vraag: Vraag, norm: str, due: date
) -> Deadline:
    """The answer norm's deadline for a new vraag."""
    row = Deadline(
        vraag_id=vraag.id,
        norm=norm,
        seq=0,
        start_date=deps.calendar.local(vraag.created_at).date(),
        due_date=due,
        status=DeadlineStatus.LOPEND,
        updated_at=deps.now(),
    )
    session.add(row)
    await session.flush()
    await write_reminders(session, deps, row, None, fresh=True)
    return row


async def stop_vraag_deadline(session: AsyncSession, deps: Deps, vraag: Vraag, day: date) -> None:
    """The answer stops the vraag's deadline."""
    rows = await session.scalars(
        select(Deadline).where(Deadline.vraag_id == vraag.id, Deadline.status == DeadlineStatus.LOPEND)
    )
    for row in rows:
        row.met_date, row.status, row.updated_at = day, DeadlineStatus.GESTOPT, deps.now()
        row.lead_days = lead_days(row.start_date, day)
        await write_reminders(session, deps, row, None)


def _reminder_key(deadline: Deadline, due: date, offset: int, audience: Audience) -> str:
    suffix = ":tl" if audience is Audience.TEAMLEIDER else ""
    return f"d{deadline.id}:{due.isoformat()}:{offset}{suffix}"


async def write_reminders(
    session: AsyncSession, deps: Deps, deadline: Deadline, actor: User | None, *, fresh: bool = False
) -> None:
    """Make the outbox match the deadline: planned reminders for a running deadline's current due
    date, none unsent for anything else. A reminder once sent is never sent again."""
    rows: dict[str, Reminder] = {}
    if not fresh:
        rows = {
            r.key: r
            for r in await session.scalars(select(Reminder).where(Reminder.deadline_id == deadline.id))
        }
    wanted: dict[str, dict[str, Any]] = {}
    if deadline.status == DeadlineStatus.LOPEND and deadline.due_date is not None:
        policy = deps.config.policy_for(deadline.norm)
        for moment in reminder_moments(deadline.due_date, policy, deps.calendar, deps.now()):
            for audience in moment.audiences:
                key = _reminder_key(deadline, deadline.due_date, moment.offset, audience)
                wanted[key] = _row(
                    deps,
                    key,
                    ReminderKind.TERMIJN,
                    audience,
                    moment.offset,
                    moment.at,
                    deadline_id=deadline.id,
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
            AuditAction.REMINDERS_PLANNED,
            dossier=deadline.dossier_id,
            vraag=deadline.vraag_id,
            deadline=deadline.id,
            nieuw=len(created),
            geannuleerd=cancelled,
        )


def _row(
    deps: Deps,
    key: str,
    kind: ReminderKind,
    audience: Audience,
    offset: int,
    at: datetime,
    **subject: int | None,
) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind.value,
        "audience": audience.value,
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


def _subject(dossier: Dossier | None, vraag: Vraag | None) -> tuple[dict[str, int | None], str]:
    if dossier is not None:
        return {"dossier_id": dossier.id}, f"d{dossier.id}"
    assert vraag is not None
    return {"vraag_id": vraag.id}, f"v{vraag.id}"


async def schedule_pickup_escalation(
    session: AsyncSession,
    deps: Deps,
    *,
    dossier: Dossier | None = None,
    vraag: Vraag | None = None,
    fresh: bool = False,
) -> None:
    """An item not picked up is re-sent to its holder after some office hours, then escalated to
    the teamleiders (bot.moments.pickup_moments); a hand-over of a new item starts the count again."""
    subject, name = _subject(dossier, vraag)
    rows: dict[str, Reminder] = {}
    if not fresh:  # a new item has no rows yet
        where = Reminder.dossier_id == dossier.id if dossier else Reminder.vraag_id == subject["vraag_id"]
        rows = {
            r.key: r
            for r in await session.scalars(
                select(Reminder).where(where, Reminder.kind == ReminderKind.OPPAKKEN)
            )
        }
    wanted: dict[str, dict[str, Any]] = {}
    kind = dossier.category if dossier is not None else f"vraag_{vraag.topic}" if vraag is not None else None
    for moment in pickup_moments(deps.config.routering, deps.calendar, deps.now(), kind):
        key = moment.key(name)
        wanted[key] = _row(
            deps, key, ReminderKind.OPPAKKEN, moment.audience, moment.level, moment.at, **subject
        )
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
        .where(subject, Reminder.kind == ReminderKind.OPPAKKEN, Reminder.status == ReminderStatus.GEPLAND)
        .values(status=ReminderStatus.GEANNULEERD.value)
    )
