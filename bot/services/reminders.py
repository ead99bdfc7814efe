"""The reminder outbox as the scheduler sees it: claim due rows, resolve who should get them, and
record what happened (sent, failed, retried, cancelled). Plain database work, no Telegram."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.milestones import recordable
from bot.models import Absence, Deadline, Digest, Dossier, Reminder, User, Vraag
from bot.services.clocks import OPPAKKEN, TEAMLEIDER, dossier_facts
from bot.services.common import Deps, audit, transaction
from bot.vocabulary import ClockStatus, DossierStatus, Milestone, ReminderStatus, Role, VraagStatus

MAX_ERROR = 200
DAILY, WEEKLY = "te_laat_dag", "week"


async def claim_due(
    session: AsyncSession, deps: Deps, worker: str, *, limit: int, lease: timedelta
) -> list[int]:
    """Claim up to `limit` due rows (and rows whose claim went stale, e.g. a crashed process).

    On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so two processes never claim
    the same row; on SQLite the single writer gives the same guarantee.
    """
    now = deps.now()
    async with transaction(session):
        due = (
            select(Reminder.id)
            .where(
                or_(
                    and_(Reminder.status == ReminderStatus.GEPLAND, Reminder.due_at <= now),
                    and_(Reminder.status == ReminderStatus.GECLAIMD, Reminder.claimed_at < now - lease),
                )
            )
            .order_by(Reminder.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
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
    reason: str | None  # why the teamleider gets it instead: afwezig, onbereikbaar, geen_houder
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


async def _absent(session: AsyncSession, user: User, day: date) -> bool:
    found = await session.scalar(
        select(Absence.id).where(
            Absence.user_id == user.id, Absence.first_day <= day, Absence.last_day >= day
        )
    )
    return found is not None


async def prepare(session: AsyncSession, deps: Deps, reminder_id: int) -> Delivery | None:
    """Load a claimed row; None (and the row cancelled) when its reason has gone."""
    async with transaction(session):
        reminder = await session.get(Reminder, reminder_id)
        if reminder is None or reminder.status != ReminderStatus.GECLAIMD:
            return None
        deadline = await session.get(Deadline, reminder.deadline_id) if reminder.deadline_id else None
        dossier_id = deadline.dossier_id if deadline else reminder.dossier_id
        vraag_id = deadline.vraag_id if deadline else reminder.vraag_id
        dossier = await session.get(Dossier, dossier_id) if dossier_id else None
        vraag = await session.get(Vraag, vraag_id) if vraag_id else None
        item: Dossier | Vraag | None = dossier or vraag
        gone = (
            item is None
            or (deadline is not None and deadline.status != ClockStatus.LOPEND)
            or (dossier is not None and dossier.status == DossierStatus.AFGESLOTEN)
            or (vraag is not None and vraag.status == VraagStatus.BEANTWOORD)
            or (reminder.kind == OPPAKKEN and item.acknowledged_at is not None)
        )
        if gone:
            reminder.status = ReminderStatus.GEANNULEERD
            audit(
                session,
                deps,
                None,
                "herinnering.vervallen",
                dossier=dossier_id,
                vraag=vraag_id,
                herinnering=reminder.id,
            )
            return None
        holder_id = dossier.assignee_id if dossier else vraag.assignee_id if vraag else None
        holder = await session.get(User, holder_id) if holder_id else None
        reason = None
        if holder is None:
            reason = "geen_houder"
        elif not holder.active or holder.unreachable:
            reason = "onbereikbaar"
        elif await _absent(session, holder, deps.today()):
            reason = "afwezig"
        if reminder.audience == TEAMLEIDER or reason is not None:
            recipients = await teamleiders(session)
        else:
            assert holder is not None
            recipients = [holder]
        recipients = [u for u in recipients if u.id not in (reminder.delivered or [])]
        buttons: list[Milestone] = []
        if dossier is not None and deadline is not None:
            buttons = _end_product_buttons(deps, deadline, recordable(await dossier_facts(session, dossier)))
    return Delivery(reminder, deadline, dossier, vraag, holder, recipients, reason, buttons)


def _end_product_buttons(deps: Deps, deadline: Deadline, can_record: list[Milestone]) -> list[Milestone]:
    """The milestones (or their parts) that would stop this clock and can be recorded now."""
    norm = deps.config.normen.get(deadline.norm)
    if norm is None:
        return []
    wanted = set(norm.eindproduct)
    if Milestone.FINANCIELE_RUST.value in wanted:
        wanted |= {
            Milestone.FR_SCHULDEN_STABIEL.value,
            Milestone.FR_VASTE_LASTEN.value,
            Milestone.FR_SCHULDEISERS.value,
        }
    if deadline.seq:
        wanted = {Milestone.TOETS.value}
    return [m for m in can_record if m.value in wanted]


def _add_delivered(reminder: Reminder, user_id: int) -> None:
    reminder.delivered = [*(reminder.delivered or []), user_id]
    reminder.sent_to_id = reminder.sent_to_id or user_id


async def record_delivered(session: AsyncSession, reminder_id: int, user_id: int) -> None:
    """Remember a recipient reached, so a retry never sends to them twice."""
    async with transaction(session):
        reminder = await session.get(Reminder, reminder_id)
        assert reminder is not None
        _add_delivered(reminder, user_id)


async def _settle(
    session: AsyncSession,
    deps: Deps,
    reminder_id: int,
    status: ReminderStatus,
    action: str,
    *,
    error: str | None = None,
    last_user_id: int | None = None,
) -> None:
    """Record one attempt's outcome on the row and in the audit log (linked to its dossier or vraag)."""
    async with transaction(session):
        reminder = await session.get(Reminder, reminder_id)
        assert reminder is not None
        if last_user_id is not None:
            _add_delivered(reminder, last_user_id)
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
        deadline = await session.get(Deadline, reminder.deadline_id) if reminder.deadline_id else None
        audit(
            session,
            deps,
            None,
            action,
            dossier=reminder.dossier_id or (deadline.dossier_id if deadline else None),
            vraag=reminder.vraag_id or (deadline.vraag_id if deadline else None),
            **details,
        )


async def mark_sent(
    session: AsyncSession, deps: Deps, reminder_id: int, last_user_id: int | None = None
) -> None:
    """Done: the row is never claimed again (with the last recipient, in the same transaction)."""
    await _settle(
        session,
        deps,
        reminder_id,
        ReminderStatus.VERZONDEN,
        "herinnering.verzonden",
        last_user_id=last_user_id,
    )


async def mark_retry(session: AsyncSession, deps: Deps, reminder_id: int, error: str) -> None:
    """A passing fault: back to planned, for the next tick."""
    await _settle(session, deps, reminder_id, ReminderStatus.GEPLAND, "herinnering.opnieuw", error=error)


async def mark_failed(session: AsyncSession, deps: Deps, reminder_id: int, error: str) -> None:
    """A fault that retrying cannot fix (e.g. nobody to send it to): kept for the record."""
    await _settle(session, deps, reminder_id, ReminderStatus.MISLUKT, "herinnering.mislukt", error=error)


async def mark_unreachable(session: AsyncSession, deps: Deps, user_id: int) -> None:
    """The user blocked the bot: reminders go to the teamleider from now on."""
    async with transaction(session):
        user = await session.get(User, user_id)
        if user is not None and not user.unreachable:
            user.unreachable = True
            audit(session, deps, None, "gebruiker.onbereikbaar", gebruiker=user_id)


# -- digests: the daily overdue list and the weekly status ------------------------------------


async def start_digest(
    session: AsyncSession, deps: Deps, kind: str, recipient_id: int, period: str, *, stale: timedelta
) -> bool:
    """Reserve sending a digest once; False when it was sent or another process is on it."""
    now = deps.now()
    async with transaction(session):
        await session.execute(
            delete(Digest).where(
                Digest.kind == kind,
                Digest.recipient_id == recipient_id,
                Digest.period == period,
                Digest.status == "bezig",
                Digest.started_at < now - stale,
            )
        )
    try:
        async with transaction(session):
            session.add(
                Digest(kind=kind, recipient_id=recipient_id, period=period, status="bezig", started_at=now)
            )
    except IntegrityError:
        return False
    return True


async def finish_digest(
    session: AsyncSession, deps: Deps, kind: str, recipient_id: int, period: str, *, sent: bool
) -> None:
    """Sent: keep the mark. Not sent: drop it so the next tick tries again."""
    async with transaction(session):
        where = (Digest.kind == kind, Digest.recipient_id == recipient_id, Digest.period == period)
        if sent:
            await session.execute(update(Digest).where(*where).values(status="verzonden", sent_at=deps.now()))
        else:
            await session.execute(delete(Digest).where(*where))


@dataclass(frozen=True)
class OverdueClock:
    ref: str
    norm: str
    seq: int
    due: date
    holder_id: int | None


async def overdue_clocks(
    session: AsyncSession, deps: Deps, holder_id: int | None = None
) -> list[OverdueClock]:
    """Running clocks past their deadline (of one holder, or all), oldest deadline first."""
    async with transaction(session):
        query = (
            select(Dossier.ref, Deadline.norm, Deadline.seq, Deadline.due_date, Dossier.assignee_id)
            .join(Dossier, Dossier.id == Deadline.dossier_id)
            .where(Deadline.status == ClockStatus.LOPEND, Deadline.due_date < deps.today())
            .order_by(Deadline.due_date, Dossier.ref)
        )
        if holder_id is not None:
            query = query.where(Dossier.assignee_id == holder_id)
        rows = await session.execute(query)
        return [OverdueClock(ref, norm, seq, due, holder) for ref, norm, seq, due, holder in rows if due]


def _not_yet(kind: str, period: str):  # type: ignore[no-untyped-def]
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
            .where(Deadline.status == ClockStatus.LOPEND, Deadline.due_date < deps.today())
        )
        return list(
            await session.scalars(
                select(User).where(User.id.in_(ids), User.active.is_(True), _not_yet(DAILY, period))
            )
        )


async def pending_weekly(session: AsyncSession, period: str) -> list[User]:
    """Reachable teamleiders who have not had this week's overview yet."""
    async with transaction(session):
        return list(
            await session.scalars(
                select(User)
                .where(
                    User.role == Role.TEAMLEIDER,
                    User.active.is_(True),
                    User.unreachable.is_(False),
                    _not_yet(WEEKLY, period),
                )
                .order_by(User.id)
            )
        )


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def purge_free_text(session: AsyncSession, deps: Deps) -> tuple[int, int]:
    """Retention (DOMAIN.md section 7): the free text of dossiers closed and vragen answered longer
    ago than the configured term is removed; the figures stay. Idempotent."""
    cutoff = deps.now() - timedelta(days=deps.config.bewaartermijn_vrije_tekst_dagen)
    async with transaction(session):
        dossiers = await session.execute(
            update(Dossier)
            .where(
                Dossier.status == DossierStatus.AFGESLOTEN,
                Dossier.closed_at < cutoff,
                Dossier.description.is_not(None),
            )
            .values(description=None)
        )
        vragen = await session.execute(
            update(Vraag)
            .where(
                Vraag.status == VraagStatus.BEANTWOORD,
                Vraag.answered_at < cutoff,
                or_(Vraag.text.is_not(None), Vraag.answer.is_not(None)),
            )
            .values(text=None, answer=None)
        )
        counts = (dossiers.rowcount or 0, vragen.rowcount or 0)  # type: ignore[attr-defined]
        if any(counts):
            audit(session, deps, None, "vrije_tekst.verwijderd", dossiers=counts[0], vragen=counts[1])
    return counts
