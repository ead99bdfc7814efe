"""The reminder outbox as the scheduler sees it: claim due rows, resolve who should get them, and
record what happened (sent, failed, retried, cancelled). Plain database work, no Telegram."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.milestones import end_product_steps, recordable
from bot.models import Absence, Deadline, Digest, Dossier, MilestoneRecord, Reminder, User, Vraag
from bot.moments import OVERDUE
from bot.norms import first_dates
from bot.services.common import Deps, audit, transaction
from bot.services.deadlines import overdue_sql
from bot.vocabulary import (
    Audience,
    AuditAction,
    Category,
    DeadlineStatus,
    DigestKind,
    DigestStatus,
    DossierStatus,
    Milestone,
    ReminderKind,
    ReminderStatus,
    Role,
    StandIn,
    VraagStatus,
)

MAX_ERROR = 200


async def claim_due(
    session: AsyncSession,
    deps: Deps,
    worker: str,
    *,
    limit: int,
    lease: timedelta,
    skip: Collection[int] = (),
) -> list[int]:
    """Claim up to `limit` due rows (and rows whose claim went stale, e.g. a crashed process).

    On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so two processes never claim
    the same row; on SQLite the single writer gives the same guarantee.
    """
    now = deps.now()
    # the rows of one holder side by side, so that a tick can send them as one message
    holder = case(
        (Reminder.audience == Audience.TEAMLEIDER, -1),
        else_=func.coalesce(Dossier.assignee_id, Vraag.assignee_id, 0),
    )
    async with transaction(session):
        due = (
            select(Reminder.id)
            .outerjoin(Deadline, Deadline.id == Reminder.deadline_id)
            .outerjoin(Dossier, Dossier.id == func.coalesce(Deadline.dossier_id, Reminder.dossier_id))
            .outerjoin(Vraag, Vraag.id == func.coalesce(Deadline.vraag_id, Reminder.vraag_id))
            .where(
                or_(
                    and_(Reminder.status == ReminderStatus.GEPLAND, Reminder.due_at <= now),
                    and_(Reminder.status == ReminderStatus.GECLAIMD, Reminder.claimed_at < now - lease),
                )
            )
            .where(Reminder.id.not_in(skip))  # tried in this tick already: the next tick
            .order_by(holder, Reminder.due_at, Reminder.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Reminder)
        )
        ids = list(await session.scalars(due))
        if ids:
            await session.execute(
                update(Reminder)
                .where(Reminder.id.in_(ids))
                .values(status=ReminderStatus.GECLAIMD.value, claimed_at=now, claimed_by=worker)
            )
    return ids


@dataclass
class Delivery:
    """One claimed reminder with what the dispatcher needs to word and address it."""

    reminder: Reminder
    deadline: Deadline | None
    dossier: Dossier | None
    vraag: Vraag | None
    holder: User | None
    recipients: list[User]
    stand_in: StandIn | None  # why the teamleiders get it instead of the holder
    buttons: list[Milestone] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return self.dossier.ref if self.dossier else self.vraag.ref if self.vraag else "?"


async def teamleiders(session: AsyncSession) -> list[User]:
    """Active, reachable teamleiders."""
    return list(
        await session.scalars(
            select(User)
            .where(User.role == Role.TEAMLEIDER, User.active.is_(True), User.unreachable.is_(False))
            .order_by(User.id)
        )
    )


def _reason_gone(
    reminder: Reminder, deadline: Deadline | None, dossier: Dossier | None, vraag: Vraag | None
) -> bool:
    """The row's reason has gone: its deadline stopped, the item closed, or it was picked up."""
    item: Dossier | Vraag | None = dossier or vraag
    return (
        item is None
        or (deadline is not None and deadline.status != DeadlineStatus.LOPEND)
        or (dossier is not None and dossier.status == DossierStatus.AFGESLOTEN)
        or (vraag is not None and vraag.status == VraagStatus.BEANTWOORD)
        or (reminder.kind == ReminderKind.OPPAKKEN and item.acknowledged_at is not None)
    )


def _stand_in(holder: User | None, absent: set[int]) -> StandIn | None:
    """Why the holder cannot get it: there is none, they cannot be reached, or they are away."""
    if holder is None:
        return StandIn.GEEN_HOUDER
    if not holder.active or holder.unreachable:
        return StandIn.ONBEREIKBAAR
    if holder.id in absent:
        return StandIn.AFWEZIG
    return None


async def prepare_many(
    session: AsyncSession, deps: Deps, reminder_ids: Sequence[int], worker: str | None = None
) -> list[Delivery | None]:
    """Load claimed rows and renew their lease (a lease per row: only a row a crashed process
    was sending waits for it to run out), in one transaction and a few queries for the lot.
    None for a row another worker took over since, or (the row cancelled) whose reason has gone."""
    today, now = deps.today(), deps.now()
    async with transaction(session):
        rows = {r.id: r for r in await session.scalars(select(Reminder).where(Reminder.id.in_(reminder_ids)))}
        mine = [
            r
            for r in rows.values()
            if r.status == ReminderStatus.GECLAIMD and (worker is None or r.claimed_by == worker)
        ]
        for reminder in mine:
            reminder.claimed_at = now
        deadlines = await _by_id(session, Deadline, {r.deadline_id for r in mine})
        item_ids = [_item_ids(r, deadlines.get(r.deadline_id or 0)) for r in mine]
        dossiers = await _by_id(session, Dossier, {d for d, _ in item_ids})
        vragen = await _by_id(session, Vraag, {v for _, v in item_ids})
        nearer = await _nearer_due(session, deps, [r for r in mine if r.offset_days != OVERDUE])
        holders_ids = {
            (dossiers[d].assignee_id if d in dossiers else vragen[v].assignee_id if v in vragen else None)
            for d, v in item_ids
        }
        holders = await _by_id(session, User, holders_ids)
        absent = set(
            await session.scalars(
                select(Absence.user_id).where(
                    Absence.user_id.in_(list(holders)), Absence.first_day <= today, Absence.last_day >= today
                )
            )
        )
        facts = await _facts(session, {d for d, _ in item_ids})
        leaders: list[User] | None = None
        prepared: dict[int, Delivery] = {}
        for reminder, (dossier_id, vraag_id) in zip(mine, item_ids, strict=True):
            deadline = deadlines.get(reminder.deadline_id or 0)
            dossier, vraag = dossiers.get(dossier_id or 0), vragen.get(vraag_id or 0)
            if _reason_gone(reminder, deadline, dossier, vraag) or _is_overtaken(
                reminder, deadline, today, nearer
            ):
                reminder.status = ReminderStatus.GEANNULEERD
                audit(
                    session,
                    deps,
                    None,
                    AuditAction.REMINDER_LAPSED,
                    dossier=dossier_id,
                    vraag=vraag_id,
                    herinnering=reminder.id,
                )
                continue
            holder_id = dossier.assignee_id if dossier else vraag.assignee_id if vraag else None
            holder = holders.get(holder_id or 0)
            stand_in = _stand_in(holder, absent)
            if reminder.audience == Audience.TEAMLEIDER or stand_in is not None or holder is None:
                leaders = leaders if leaders is not None else await teamleiders(session)
                recipients = leaders
            else:
                recipients = [holder]
            recipients = [u for u in recipients if u.id not in (reminder.delivered or [])]
            buttons: list[Milestone] = []
            if dossier is not None and deadline is not None:
                can_record = recordable(facts.get(dossier.id, {}), Category(dossier.category))
                buttons = end_product_steps(deps.config.normen.get(deadline.norm), deadline.seq, can_record)
            prepared[reminder.id] = Delivery(
                reminder, deadline, dossier, vraag, holder, recipients, stand_in, buttons
            )
    return [prepared.get(i) for i in reminder_ids]


M = TypeVar("M", Deadline, Dossier, Vraag, User, Reminder)


async def _by_id(session: AsyncSession, model: type[M], ids: set[int | None]) -> dict[int, M]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {row.id: row for row in await session.scalars(select(model).where(model.id.in_(wanted)))}


def _item_ids(reminder: Reminder, deadline: Deadline | None) -> tuple[int | None, int | None]:
    """The dossier and vraag a row is about (through its deadline, or directly)."""
    if deadline is not None:
        return deadline.dossier_id, deadline.vraag_id
    return reminder.dossier_id, reminder.vraag_id


async def _nearer_due(
    session: AsyncSession, deps: Deps, ahead: list[Reminder]
) -> dict[tuple[int, str], list[tuple[int, int]]]:
    """Per (deadline, audience): the due rows still to send, as (offset, id)."""
    deadline_ids = {r.deadline_id for r in ahead if r.deadline_id is not None}
    if not deadline_ids:
        return {}
    found: dict[tuple[int, str], list[tuple[int, int]]] = {}
    rows = await session.execute(
        select(Reminder.deadline_id, Reminder.audience, Reminder.offset_days, Reminder.id)
        .where(Reminder.deadline_id.in_(deadline_ids), Reminder.offset_days >= 0)
        .where(Reminder.due_at <= deps.now())
        .where(Reminder.status.in_([ReminderStatus.GEPLAND, ReminderStatus.GECLAIMD]))
    )
    for deadline_id, audience, offset, row_id in rows:
        if deadline_id is not None:
            found.setdefault((deadline_id, audience), []).append((offset, row_id))
    return found


def _is_overtaken(
    reminder: Reminder,
    deadline: Deadline | None,
    today: date,
    nearer: dict[tuple[int, str], list[tuple[int, int]]],
) -> bool:
    """A reminder ahead of a deadline that comes too late to be one (the bot was stopped, or a
    dossier was entered afterwards): the deadline has passed (its overdue notice says so), or a
    nearer reminder for the same deadline is due as well (that one is sent, not both)."""
    if deadline is None or reminder.offset_days == OVERDUE:
        return False
    if deadline.due_date is not None and deadline.due_date < today:
        return True
    return any(
        offset < reminder.offset_days and row_id != reminder.id
        for offset, row_id in nearer.get((deadline.id, reminder.audience), [])
    )


async def _facts(session: AsyncSession, dossier_ids: set[int | None]) -> dict[int, dict[str, list[date]]]:
    """Each dossier's milestone dates per kind (what dossier_facts gives for one)."""
    wanted = [i for i in dossier_ids if i is not None]
    if not wanted:
        return {}
    rows = await session.execute(
        select(MilestoneRecord.dossier_id, MilestoneRecord.kind, MilestoneRecord.day).where(
            MilestoneRecord.dossier_id.in_(wanted)
        )
    )
    per: dict[int, list[tuple[Milestone, date]]] = {}
    for dossier_id, kind, day in rows:
        per.setdefault(dossier_id, []).append((Milestone(kind), day))
    return {d: first_dates(pairs) for d, pairs in per.items()}


def _add_delivered(reminder: Reminder, user_id: int) -> None:
    reminder.delivered = [*(reminder.delivered or []), user_id]
    reminder.sent_to_id = reminder.sent_to_id or user_id


async def record_delivered(session: AsyncSession, reminder_ids: Sequence[int], user_id: int) -> None:
    """Remember a recipient reached on each row of what they were sent, in one transaction, so
    a retry never sends them any of it twice."""
    async with transaction(session):
        rows = await session.scalars(
            select(Reminder).where(Reminder.id.in_(list(reminder_ids))).with_for_update()
        )
        for reminder in rows:
            _add_delivered(reminder, user_id)


async def _settle(
    session: AsyncSession,
    deps: Deps,
    reminder_id: int,
    status: ReminderStatus,
    action: AuditAction,
    *,
    error: str | None = None,
) -> None:
    """Record one attempt's outcome on the row and in the audit log (linked to its dossier or vraag)."""
    async with transaction(session):
        reminder = await session.get(Reminder, reminder_id)
        assert reminder is not None
        deadline = await session.get(Deadline, reminder.deadline_id) if reminder.deadline_id else None
        _record_outcome(session, deps, reminder, deadline, status, action, error)


def _record_outcome(
    session: AsyncSession,
    deps: Deps,
    reminder: Reminder,
    deadline: Deadline | None,
    status: ReminderStatus,
    action: AuditAction,
    error: str | None = None,
) -> None:
    reminder.status = status
    reminder.attempts += 1
    details: dict[str, object] = {"herinnering": reminder.id}
    if status is ReminderStatus.VERZONDEN:
        reminder.sent_at = deps.now()
        details["aan"] = reminder.delivered
    if status is ReminderStatus.GEPLAND:  # back in the queue for the next tick
        reminder.claimed_at = reminder.claimed_by = None
    if error is not None:
        reminder.last_error = details["fout"] = error[:MAX_ERROR]
    audit(
        session,
        deps,
        None,
        action,
        dossier=reminder.dossier_id or (deadline.dossier_id if deadline else None),
        vraag=reminder.vraag_id or (deadline.vraag_id if deadline else None),
        **details,
    )


async def renew_claims(
    session: AsyncSession, deps: Deps, reminder_ids: Sequence[int], worker: str
) -> set[int]:
    """Renew the lease on rows still claimed by this worker, just before sending them; the ids
    still ours (a row whose lease ran out may have gone to another process)."""
    async with transaction(session):
        ours = set(
            await session.scalars(
                update(Reminder)
                .where(Reminder.id.in_(list(reminder_ids)), Reminder.claimed_by == worker)
                .where(Reminder.status == ReminderStatus.GECLAIMD)
                .values(claimed_at=deps.now())
                .returning(Reminder.id)
            )
        )
    return ours


async def settle_many(
    session: AsyncSession,
    deps: Deps,
    sent: Sequence[int],
    retry: dict[int, str],
    worker: str | None = None,
) -> None:
    """A tick's outcomes in one transaction: the rows sent (never claimed again), and the rows
    back in the queue for the next tick with their fault. Only rows this worker still holds."""
    async with transaction(session):
        rows = await _by_id(session, Reminder, {*sent, *retry})
        if worker is not None:
            rows = {i: r for i, r in rows.items() if r.claimed_by == worker}
        sent = [i for i in sent if i in rows]
        retry = {i: e for i, e in retry.items() if i in rows}
        deadlines = await _by_id(session, Deadline, {r.deadline_id for r in rows.values()})
        for row_id in sent:
            reminder = rows[row_id]
            deadline = deadlines.get(reminder.deadline_id or 0)
            _record_outcome(
                session, deps, reminder, deadline, ReminderStatus.VERZONDEN, AuditAction.REMINDER_SENT
            )
        for row_id, error in retry.items():
            reminder = rows[row_id]
            deadline = deadlines.get(reminder.deadline_id or 0)
            _record_outcome(
                session, deps, reminder, deadline, ReminderStatus.GEPLAND, AuditAction.REMINDER_RETRY, error
            )


async def mark_failed(session: AsyncSession, deps: Deps, reminder_id: int, error: str) -> None:
    """A fault that retrying cannot fix (e.g. nobody to send it to): kept for the record."""
    await _settle(
        session, deps, reminder_id, ReminderStatus.MISLUKT, AuditAction.REMINDER_FAILED, error=error
    )


async def mark_unreachable(session: AsyncSession, deps: Deps, user_id: int) -> None:
    """The user blocked the bot: reminders go to the teamleider from now on."""
    async with transaction(session):
        user = await session.get(User, user_id)
        if user is not None and not user.unreachable:
            user.unreachable = True
            audit(session, deps, None, AuditAction.USER_UNREACHABLE, gebruiker=user_id)


# -- digests: the daily overdue list and the weekly status ------------------------------------


async def start_digest(
    session: AsyncSession, deps: Deps, kind: DigestKind, recipient_id: int, period: str, *, stale: timedelta
) -> bool:
    """Reserve sending a digest once; False when it was sent or another process is on it."""
    now = deps.now()
    async with transaction(session):
        await session.execute(
            delete(Digest).where(
                Digest.kind == kind,
                Digest.recipient_id == recipient_id,
                Digest.period == period,
                Digest.status == DigestStatus.BEZIG,
                Digest.started_at < now - stale,
            )
        )
    try:
        async with transaction(session):
            session.add(
                Digest(
                    kind=kind.value,
                    recipient_id=recipient_id,
                    period=period,
                    status=DigestStatus.BEZIG.value,
                    started_at=now,
                )
            )
    except IntegrityError:
        return False
    return True


async def finish_digest(
    session: AsyncSession, deps: Deps, kind: DigestKind, recipient_id: int, period: str, *, sent: bool
) -> None:
    """Sent: keep the mark. Not sent: drop it so the next tick tries again."""
    async with transaction(session):
        where = (Digest.kind == kind, Digest.recipient_id == recipient_id, Digest.period == period)
        if sent:
            await session.execute(
                update(Digest).where(*where).values(status=DigestStatus.VERZONDEN.value, sent_at=deps.now())
            )
        else:
            await session.execute(delete(Digest).where(*where))


@dataclass(frozen=True)
class OverdueDeadline:
    ref: str
    norm: str
    seq: int
    due: date
    holder_id: int | None


async def overdue_deadlines(
    session: AsyncSession, deps: Deps, holder_id: int | None = None
) -> list[OverdueDeadline]:
    """Running deadlines past their due date (of one holder, or all), oldest first."""
    async with transaction(session):
        query = (
            select(Dossier.ref, Deadline.norm, Deadline.seq, Deadline.due_date, Dossier.assignee_id)
            .join(Dossier, Dossier.id == Deadline.dossier_id)
            .where(overdue_sql(deps.today()))
            .order_by(Deadline.due_date, Dossier.ref)
        )
        if holder_id is not None:
            query = query.where(Dossier.assignee_id == holder_id)
        rows = await session.execute(query)
        return [OverdueDeadline(ref, norm, seq, due, holder) for ref, norm, seq, due, holder in rows if due]


def _not_yet(kind: DigestKind, period: str) -> ColumnElement[bool]:
    return (
        ~select(Digest.id)
        .where(Digest.kind == kind, Digest.period == period, Digest.recipient_id == User.id)
        .exists()
    )


async def pending_daily(session: AsyncSession, deps: Deps, period: str) -> list[User]:
    """Active workers holding an overdue dossier who have not had today's list yet."""
    async with transaction(session):
        ids = (
            select(Dossier.assignee_id)
            .join(Deadline, Deadline.dossier_id == Dossier.id)
            .where(overdue_sql(deps.today()))
        )
        return list(
            await session.scalars(
                select(User).where(
                    User.id.in_(ids), User.active.is_(True), _not_yet(DigestKind.DAGLIJST, period)
                )
            )
        )


async def pending_weekly(session: AsyncSession, period: str, joined_before: datetime) -> list[User]:
    """Reachable teamleiders who have not had this week's overview yet and who were there when it
    was due (one who joins later in the week gets it on request, with /status, not unasked)."""
    async with transaction(session):
        return list(
            await session.scalars(
                select(User)
                .where(
                    User.role == Role.TEAMLEIDER,
                    User.active.is_(True),
                    User.unreachable.is_(False),
                    User.created_at < joined_before,
                    _not_yet(DigestKind.WEEKOVERZICHT, period),
                )
                .order_by(User.id)
            )
        )


async def purge_free_text(session: AsyncSession, deps: Deps) -> tuple[int, int]:
    """Retention (bot/README.md, "Privacy"): the free text of dossiers closed and vragen answered longer
    ago than the configured term is removed, and of dossiers and vragen still open after the maximum
    term for open items; the figures stay. Idempotent."""
    cutoff = deps.now() - timedelta(days=deps.config.bewaartermijn_vrije_tekst_dagen)
    open_cutoff = deps.now() - timedelta(days=deps.config.bewaartermijn_open_vrije_tekst_dagen)
    async with transaction(session):
        dossiers = await session.execute(
            update(Dossier)
            .where(
                or_(
                    and_(Dossier.status == DossierStatus.AFGESLOTEN, Dossier.closed_at < cutoff),
                    and_(Dossier.status != DossierStatus.AFGESLOTEN, Dossier.created_at < open_cutoff),
                ),
                Dossier.description.is_not(None),
            )
            .values(description=None)
        )
        vragen = await session.execute(
            update(Vraag)
            .where(
                or_(
                    and_(Vraag.status == VraagStatus.BEANTWOORD, Vraag.answered_at < cutoff),
                    and_(Vraag.status != VraagStatus.BEANTWOORD, Vraag.created_at < open_cutoff),
                ),
                or_(Vraag.text.is_not(None), Vraag.answer.is_not(None)),
            )
            .values(text=None, answer=None)
        )
        counts = (dossiers.rowcount or 0, vragen.rowcount or 0)  # type: ignore[attr-defined]
        if any(counts):
            audit(session, deps, None, AuditAction.FREE_TEXT_PURGED, dossiers=counts[0], vragen=counts[1])
    return counts
