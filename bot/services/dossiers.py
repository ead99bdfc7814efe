"""Working on items: pick up, hand over, record milestones, answer, list and view."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot import milestones as rules
from bot.ddas import Eindresultaat, Uitstroomreden, is_traject
from bot.errors import DomainError, NotAllowed, NotFound
from bot.i18n import N_
from bot.models import Absence, Deadline, Dossier, MilestoneRecord, Reminder, User, Vraag, Wijkteam
from bot.rights import Action, may
from bot.services.common import (
    Deps,
    audit,
    check_past_date,
    load_actor,
    require,
    transaction,
    user_roles,
)
from bot.services.deadlines import (
    cancel_pickup_escalation,
    dossier_facts,
    end_dossier_deadlines,
    schedule_pickup_escalation,
    stop_vraag_deadline,
    sync_dossier_deadlines,
)
from bot.services.intake import screened_text
from bot.services.roster import worker_wijkteam_ids
from bot.vocabulary import (
    FINANCIELE_RUST_CRITERIA,
    AuditAction,
    Beschikking,
    Category,
    ContactWay,
    Dagdeel,
    DeadlineStatus,
    DossierStatus,
    ItemKind,
    Milestone,
    ReminderStatus,
    Role,
    VraagStatus,
)

MAX_ANSWER = 2000


def _not_found(ref: str) -> NotFound:
    # The same answer whether the item is missing or not visible: existence is not revealed.
    return NotFound(N_("Ik ken geen zaak met nummer {ref} die jij mag zien."), ref=ref)


async def _may_see(session: AsyncSession, actor: User, item: Dossier | Vraag) -> bool:
    roles = user_roles(actor)
    if may(roles, Action.VIEW_ALL):
        return True
    if may(roles, Action.HANDLE_ITEMS):
        return item.assignee_id == actor.id or item.wijkteam_id in await worker_wijkteam_ids(session, actor)
    if may(roles, Action.SUBMIT_MELDING) or may(roles, Action.SUBMIT_VRAAG):
        sender = item.created_by_id if isinstance(item, Dossier) else item.asker_id
        return sender == actor.id
    return False


Item = TypeVar("Item", Dossier, Vraag)


async def _find(session: AsyncSession, actor: User, model: type[Item], ref: str, *, handle: bool) -> Item:
    """The item the actor may see; the same answer whether it is missing or not visible."""
    ref = normalize_ref(ref)
    item = await session.scalar(select(model).where(model.ref == ref))
    if item is None or not await _may_see(session, actor, item):
        raise _not_found(ref)
    if handle:
        require(actor, Action.HANDLE_ITEMS)
    return item


async def _dossier(session: AsyncSession, actor: User, ref: str, *, handle: bool) -> Dossier:
    return await _find(session, actor, Dossier, ref, handle=handle)


async def _vraag(session: AsyncSession, actor: User, ref: str, *, handle: bool) -> Vraag:
    return await _find(session, actor, Vraag, ref, handle=handle)


_LOOSE_REF = re.compile(r"^\s*(SH|VR)\s*-?\s*(\d{4})\s*-?\s*(\d{1,6})\s*$", re.IGNORECASE)


def normalize_ref(ref: str) -> str:
    """A reference as people type it: 'sh-2026-1', 'SH 2026 42' and 'SH-2026-0042' are one."""
    match = _LOOSE_REF.match(ref)
    if match is None:
        return ref.strip().upper()
    kind, year, number = match.groups()
    return f"{kind.upper()}-{year}-{int(number):04d}"


def is_vraag_ref(ref: str) -> bool:
    """Whether a reference (typed loosely) names a vraag rather than a dossier."""
    return normalize_ref(ref).startswith("VR-")


@dataclass(frozen=True)
class DossierView:
    """One dossier as a card shows it."""

    dossier: Dossier
    wijkteam: str  # the wijkteam's name
    assignee: User | None
    milestones: list[MilestoneRecord]
    deadlines: list[Deadline]
    next_reminder: Reminder | None
    can_handle: bool
    recordable: list[Milestone]


async def _view(session: AsyncSession, actor: User, dossier: Dossier) -> DossierView:
    milestones = list(
        await session.scalars(
            select(MilestoneRecord)
            .where(MilestoneRecord.dossier_id == dossier.id)
            .order_by(MilestoneRecord.day, MilestoneRecord.id)
        )
    )
    deadlines = list(
        await session.scalars(
            select(Deadline)
            .where(Deadline.dossier_id == dossier.id)
            .order_by(Deadline.due_date.is_(None), Deadline.due_date, Deadline.norm, Deadline.seq)
        )
    )
    next_reminder = await session.scalar(
        select(Reminder)
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .where(Deadline.dossier_id == dossier.id, Reminder.status == ReminderStatus.GEPLAND)
        .order_by(Reminder.due_at)
        .limit(1)
    )
    can_handle = may(user_roles(actor), Action.HANDLE_ITEMS) and _works_on(actor, dossier)
    options: list[Milestone] = []
    if can_handle and dossier.status == DossierStatus.OPGEPAKT:
        options = rules.recordable(await dossier_facts(session, dossier), Category(dossier.category))
    assignee = await session.get(User, dossier.assignee_id) if dossier.assignee_id else None
    team = await session.get(Wijkteam, dossier.wijkteam_id)
    return DossierView(
        dossier,
        team.naam if team else "",
        assignee,
        milestones,
        deadlines,
        next_reminder,
        can_handle,
        options,
    )


async def get_dossier(session: AsyncSession, deps: Deps, actor_telegram_id: int, ref: str) -> DossierView:
    """One dossier with its milestones, deadlines, next reminder and what the actor can record."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        dossier = await _dossier(session, actor, ref, handle=False)
        return await _view(session, actor, dossier)


@dataclass(frozen=True)
class VraagView:
    """One vraag as its card shows it, to the asker and to the Kredietbank."""

    vraag: Vraag
    wijkteam: str
    asker: User | None
    assignee: User | None
    deadline: Deadline | None
    can_handle: bool  # the actor may pick it up, hand it over and answer it


async def get_vraag(session: AsyncSession, deps: Deps, actor_telegram_id: int, ref: str) -> VraagView:
    """/zaak VR-...: one vraag, for its asker and for whoever may handle it."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        vraag = await _vraag(session, actor, ref, handle=False)
        team = await session.get(Wijkteam, vraag.wijkteam_id)
        deadline = await session.scalar(
            select(Deadline).where(Deadline.vraag_id == vraag.id).order_by(Deadline.seq).limit(1)
        )
        return VraagView(
            vraag,
            team.naam if team else "",
            await session.get(User, vraag.asker_id),
            await session.get(User, vraag.assignee_id) if vraag.assignee_id else None,
            deadline,
            may(user_roles(actor), Action.HANDLE_ITEMS) and _works_on(actor, vraag),
        )


async def _item(session: AsyncSession, actor: User, ref: str) -> Dossier | Vraag:
    if is_vraag_ref(ref):
        return await _vraag(session, actor, ref, handle=True)
    return await _dossier(session, actor, ref, handle=True)


def _is_closed(item: Dossier | Vraag) -> bool:
    if isinstance(item, Dossier):
        return item.status == DossierStatus.AFGESLOTEN
    return item.status == VraagStatus.BEANTWOORD


@dataclass(frozen=True)
class Acknowledged:
    ref: str
    kind: ItemKind
    assignee: User
    already: bool  # the same worker pressed twice: nothing changed
    sender: User | None  # who sent the melding or asked the vraag, to be told
    view: DossierView | None  # a dossier's card after picking it up


async def acknowledge(session: AsyncSession, deps: Deps, actor_telegram_id: int, ref: str) -> Acknowledged:
    """Oppakken: the worker takes the item; pressing twice changes nothing."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        item = await _item(session, actor, ref)
        kind = ItemKind.DOSSIER if isinstance(item, Dossier) else ItemKind.VRAAG
        if _is_closed(item):
            raise DomainError(N_("{ref} is al afgerond."), ref=item.ref)
        if item.acknowledged_at is not None:
            if item.assignee_id == actor.id:
                return Acknowledged(item.ref, kind, actor, True, None, None)
            holder = await session.get(User, item.assignee_id) if item.assignee_id else None
            raise DomainError(
                N_("{ref} is al opgepakt door {naam}."),
                ref=item.ref,
                naam=holder.display_name if holder else "?",
            )
        if not _works_on(actor, item):  # an old card of an item handed over since: it stays
            holder = await session.get(User, item.assignee_id)
            raise DomainError(
                N_("{ref} is nu bij {naam}; alleen die of de teamleider kan het oppakken."),
                ref=item.ref,
                naam=holder.display_name if holder else "?",
            )
        item.assignee_id, item.acknowledged_at = actor.id, deps.now()
        view = None
        if isinstance(item, Dossier):
            item.status = DossierStatus.OPGEPAKT
            await cancel_pickup_escalation(session, dossier=item)
            session.add(_milestone(deps, item, actor, rules.Step(Milestone.OPGEPAKT, deps.today(), {})))
            audit(session, deps, actor, AuditAction.DOSSIER_PICKED_UP, dossier=item)
            await session.flush()
            view = await _view(session, actor, item)
            sender_id = item.created_by_id
        else:
            item.status = VraagStatus.OPGEPAKT
            await cancel_pickup_escalation(session, vraag=item)
            audit(session, deps, actor, AuditAction.VRAAG_PICKED_UP, vraag=item)
            sender_id = item.asker_id
        sender = await session.get(User, sender_id)
    return Acknowledged(item.ref, kind, actor, False, sender, view)


@dataclass(frozen=True)
class HandedOver:
    ref: str
    previous: User | None
    new: User
    dossier: Dossier | None
    vraag: Vraag | None
    wijkteam: str  # the wijkteam's name
    asker: User | None  # of a vraag
    sender: User | None = None  # who sent the melding or asked the vraag, to tell
    first: Deadline | None = None  # a dossier's running deadline that falls due first


async def hand_over(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, ref: str, to_user_id: int
) -> HandedOver:
    """Overdragen to a colleague; the new holder gets the reminders from now on."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        item = await _item(session, actor, ref)
        if _is_closed(item):
            raise DomainError(N_("{ref} is al afgerond."), ref=item.ref)
        _ensure_holder(actor, item)
        target = await session.get(User, to_user_id)
        if target is None or not target.active or not may(user_roles(target), Action.HANDLE_ITEMS):
            raise DomainError(N_("Je kunt alleen overdragen aan een actieve collega van de Kredietbank."))
        if target.id == item.assignee_id:
            raise DomainError(N_("{naam} heeft {ref} al."), naam=target.display_name, ref=item.ref)
        previous = await session.get(User, item.assignee_id) if item.assignee_id else None
        item.assignee_id = target.id
        dossier = item if isinstance(item, Dossier) else None
        vraag = item if isinstance(item, Vraag) else None
        if item.acknowledged_at is None:  # the new holder gets the full time to pick it up
            await schedule_pickup_escalation(session, deps, dossier=dossier, vraag=vraag)
        audit(
            session,
            deps,
            actor,
            AuditAction.DOSSIER_HANDED_OVER if dossier else AuditAction.VRAAG_HANDED_OVER,
            dossier=dossier,
            vraag=vraag,
            van=previous.id if previous else None,
            naar=target.id,
        )
        team = await session.get(Wijkteam, item.wijkteam_id)
        asker = await session.get(User, vraag.asker_id) if vraag else None
        sender = asker if dossier is None else await session.get(User, dossier.created_by_id)
        first = (
            await session.scalar(
                select(Deadline)
                .where(
                    Deadline.dossier_id == dossier.id,
                    Deadline.status == DeadlineStatus.LOPEND,
                    Deadline.due_date.is_not(None),
                )
                .order_by(Deadline.due_date)
                .limit(1)
            )
            if dossier is not None
            else None
        )
    return HandedOver(
        item.ref, previous, target, dossier, vraag, team.naam if team else "", asker, sender, first
    )


@dataclass(frozen=True)
class Colleague:
    """Someone an item can go to, with what a hand-over list shows of them."""

    user: User
    absent: bool  # away today (a hand-over still works; the reminders then go to the teamleiders)


async def colleagues(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, ref: str | None = None
) -> list[Colleague]:
    """Active Kredietbank colleagues one can hand over to: not oneself, not the item's holder."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.HANDLE_ITEMS)
        holder = (await _item(session, actor, ref)).assignee_id if ref else None
        users = await session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.id.not_in([actor.id] if holder is None else [actor.id, holder]),
                User.role.in_([Role.KLANTMANAGER, Role.BUDGETCOACH, Role.TEAMLEIDER]),
            )
            .order_by(User.display_name)
        )
        today = deps.today()
        away = set(
            await session.scalars(
                select(Absence.user_id).where(Absence.first_day <= today, Absence.last_day >= today)
            )
        )
        return [Colleague(u, u.id in away) for u in users]


def _milestone(deps: Deps, dossier: Dossier, actor: User | None, step: rules.Step) -> MilestoneRecord:
    return MilestoneRecord(
        dossier_id=dossier.id,
        kind=step.kind.value,
        day=step.day,
        recorded_by_id=actor.id if actor else None,
        recorded_at=deps.now(),
        **step.fields,
    )


def _works_on(actor: User, item: Dossier | Vraag) -> bool:
    """The holder works on an item (or anyone, while nobody holds it); a teamleider always may."""
    return item.assignee_id in (None, actor.id) or may(user_roles(actor), Action.VIEW_ALL)


def _ensure_holder(actor: User, item: Dossier | Vraag) -> None:
    """A colleague of the holder sees an item but does not change it (an old card of an item
    handed over since, say)."""
    if not _works_on(actor, item):
        raise NotAllowed(
            N_("{ref} is bij een collega; alleen die of de teamleider kan dit doen."), ref=item.ref
        )


def _ensure_workable(dossier: Dossier) -> None:
    if dossier.status == DossierStatus.AFGESLOTEN:
        raise DomainError(N_("{ref} is afgesloten; er kan niets meer bij."), ref=dossier.ref)
    if dossier.status == DossierStatus.NIEUW:
        raise DomainError(N_("Pak {ref} eerst op."), ref=dossier.ref)


@dataclass(frozen=True)
class Recorded:
    dossier: Dossier
    kinds: list[Milestone]  # what was stored, including what it completed (eerste contact, rust)
    deadlines: list[Deadline]  # deadlines started, moved, stopped or lapsed by it
    view: DossierView  # the card after the step
    sender: User | None = None  # who sent the melding: told of the first contact and the closing
    by: User | None = None  # who recorded it


async def record_milestone(
    session: AsyncSession,
    deps: Deps,
    actor_telegram_id: int,
    ref: str,
    kind: Milestone,
    day: date | None = None,
    *,
    contact_way: ContactWay | None = None,
    reached: bool | None = None,
    self_reliant: bool | None = None,
    reason: Eindresultaat | Uitstroomreden | None = None,
    dagdeel: Dagdeel | None = None,
    beschikking: Beschikking | None = None,
) -> Recorded:
    """Record a milestone (default today); what it completes and the deadlines follow."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        dossier = await _dossier(session, actor, ref, handle=True)
        day = day or deps.today()
        _ensure_workable(dossier)
        _ensure_holder(actor, dossier)
        rules.refuse_derived(kind)
        facts = await dossier_facts(session, dossier)
        check_past_date(deps, day, dossier.meldingsdatum)
        category = Category(dossier.category)
        rules.check_recordable(kind, facts, day, category)
        fields = rules.outcome_fields(
            kind,
            contact_way=contact_way,
            reached=reached,
            self_reliant=self_reliant,
            reason=reason,
            dagdeel=dagdeel,
            beschikking=beschikking,
            traject=is_traject(category, facts),
        )
        steps = rules.steps_for(kind, day, fields, facts)
        return await _store(session, deps, actor, dossier, steps, day, fields)


async def record_criteria(
    session: AsyncSession,
    deps: Deps,
    actor_telegram_id: int,
    ref: str,
    kinds: Sequence[Milestone],
    day: date | None = None,
) -> Recorded:
    """Financiële rust in one step: the criteria met on one day, recorded together; the last of the
    three completes financiële rust (and with the plan van aanpak, stabilisatie)."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        dossier = await _dossier(session, actor, ref, handle=True)
        day = day or deps.today()
        _ensure_workable(dossier)
        _ensure_holder(actor, dossier)
        wanted = list(dict.fromkeys(kinds))
        if not wanted or any(k not in FINANCIELE_RUST_CRITERIA for k in wanted):
            raise DomainError(N_("Kies minstens één criterium van financiële rust."))
        facts = {key: list(days) for key, days in (await dossier_facts(session, dossier)).items()}
        check_past_date(deps, day, dossier.meldingsdatum)
        steps: list[rules.Step] = []
        for kind in wanted:
            rules.check_recordable(kind, facts, day, Category(dossier.category))
            new = rules.steps_for(kind, day, {}, facts)
            steps += new
            for step in new:
                facts.setdefault(step.kind.value, []).append(step.day)
        return await _store(session, deps, actor, dossier, steps, day, {})


async def _store(
    session: AsyncSession,
    deps: Deps,
    actor: User,
    dossier: Dossier,
    steps: list[rules.Step],
    day: date,
    fields: dict[str, object],
) -> Recorded:
    """Store the steps, log them, and follow with the closing or the deadlines; the card after."""
    session.add_all(_milestone(deps, dossier, actor, step) for step in steps)
    await session.flush()
    audit(
        session,
        deps,
        actor,
        AuditAction.MILESTONE_RECORDED,
        dossier=dossier,
        mijlpalen=[step.kind.value for step in steps],
        datum=day,
        details=fields,
    )
    if steps[0].kind is Milestone.AFGESLOTEN:
        deadlines = await _close(session, deps, dossier, actor, str(fields["reason"]), day)
    else:
        deadlines = await sync_dossier_deadlines(session, deps, dossier, actor, day)
    view = await _view(session, actor, dossier)
    sender = await session.get(User, dossier.created_by_id)
    return Recorded(dossier, [step.kind for step in steps], deadlines, view, sender, actor)


async def _close(
    session: AsyncSession, deps: Deps, dossier: Dossier, actor: User, reason: str, day: date
) -> list[Deadline]:
    dossier.status, dossier.closed_at = DossierStatus.AFGESLOTEN, deps.now()
    if reason in {r.value for r in Uitstroomreden}:
        dossier.uitstroomreden = reason
    else:
        dossier.eindresultaat = reason
    await cancel_pickup_escalation(session, dossier=dossier)
    return await end_dossier_deadlines(session, deps, dossier, actor, day)


async def close_dossier(
    session: AsyncSession,
    deps: Deps,
    actor_telegram_id: int,
    ref: str,
    reason: Eindresultaat | Uitstroomreden,
    day: date | None = None,
) -> Recorded:
    """Afsluiten with DDAS's reason (bot.ddas); running deadlines lapse."""
    return await record_milestone(
        session, deps, actor_telegram_id, ref, Milestone.AFGESLOTEN, day, reason=reason
    )


async def prepare_milestone(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, ref: str, kind: Milestone
) -> bool:
    """Before a milestone's questions: refuse what cannot be recorded whatever the answers (a
    closed dossier, someone else's, a step already there or not yet possible); for closing, say
    whether it asks an uitstroomreden (a schuldhulptraject) or the eindresultaat of a vroegsignaal."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        dossier = await _dossier(session, actor, ref, handle=True)
        _ensure_workable(dossier)
        _ensure_holder(actor, dossier)
        rules.refuse_derived(kind)
        category = Category(dossier.category)
        facts = await dossier_facts(session, dossier)
        rules.check_recordable(kind, facts, date.max, category)  # the date is asked later
        return is_traject(category, facts)


@dataclass(frozen=True)
class Answered:
    vraag: Vraag
    asker: User
    answered_by: User


async def answer_vraag(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, ref: str, text: str
) -> Answered:
    """The worker's answer, screened, stored and ready to relay to the asker."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        vraag = await _vraag(session, actor, ref, handle=True)
        if vraag.status == VraagStatus.BEANTWOORD:
            raise DomainError(N_("{ref} is al beantwoord."), ref=vraag.ref)
        _ensure_holder(actor, vraag)
        answer = await screened_text(session, deps, text, MAX_ANSWER, required=True)
        vraag.answer, vraag.answered_at, vraag.status = answer, deps.now(), VraagStatus.BEANTWOORD
        vraag.assignee_id = vraag.assignee_id or actor.id
        if vraag.acknowledged_at is None:
            vraag.acknowledged_at = deps.now()
        await stop_vraag_deadline(session, deps, vraag, deps.today())
        await cancel_pickup_escalation(session, vraag=vraag)
        audit(session, deps, actor, AuditAction.VRAAG_ANSWERED, vraag=vraag)
        asker = await session.get(User, vraag.asker_id)
        assert asker is not None
    return Answered(vraag, asker, actor)


@dataclass(frozen=True)
class ItemSummary:
    ref: str
    kind: ItemKind
    label: str  # category or topic code
    status: str
    next_due: date | None
    next_norm: str | None
    wijkteam_id: int
    holder_id: int | None = None


async def list_items(session: AsyncSession, deps: Deps, actor_telegram_id: int) -> list[ItemSummary]:
    """My open items: for a partner what they sent, for a worker what they hold, for a teamleider
    also what nobody holds; ordered by the next deadline."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        roles = user_roles(actor)
        if may(roles, Action.HANDLE_ITEMS):
            mine_d = Dossier.assignee_id == actor.id
            mine_v = Vraag.assignee_id == actor.id
            if may(roles, Action.VIEW_ALL):
                mine_d = or_(mine_d, Dossier.assignee_id.is_(None))
                mine_v = or_(mine_v, Vraag.assignee_id.is_(None))
        elif may(roles, Action.VIEW_ITEMS):
            mine_d, mine_v = Dossier.created_by_id == actor.id, Vraag.asker_id == actor.id
        else:
            raise NotAllowed()
        return await _open_items(session, mine_d, mine_v)


@dataclass(frozen=True)
class HolderItems:
    """One holder's open items in the team overview (holder None: nobody has them yet)."""

    holder: User | None
    items: list[ItemSummary]  # overdue first, then by the next deadline
    overdue: int


async def team_items(session: AsyncSession, deps: Deps, actor_telegram_id: int) -> list[HolderItems]:
    """/zaken for a teamleider: every open item per holder, overdue first; nobody's first, then
    the holders by name."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.VIEW_ALL)
        items = await _open_items(session, true(), true())
        ids = {i.holder_id for i in items if i.holder_id is not None}
        holders = (
            {u.id: u for u in await session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
        )
    today = deps.today()
    groups: dict[int | None, list[ItemSummary]] = {}
    for item in items:
        groups.setdefault(item.holder_id, []).append(item)
    result = [  # ordered by the next deadline, so the overdue ones come first
        HolderItems(
            holders.get(holder_id) if holder_id else None,
            own,
            sum(1 for i in own if i.next_due is not None and i.next_due < today),
        )
        for holder_id, own in groups.items()
    ]
    return sorted(result, key=lambda g: (g.holder is not None, g.holder.display_name if g.holder else ""))


async def _open_items(
    session: AsyncSession, where_d: ColumnElement[bool], where_v: ColumnElement[bool]
) -> list[ItemSummary]:
    """Open dossiers and vragen matching the filters, each with its next deadline, in that order."""
    next_d = (
        select(Deadline.dossier_id, Deadline.due_date, Deadline.norm)
        .where(Deadline.status == DeadlineStatus.LOPEND, Deadline.due_date.is_not(None))
        .subquery()
    )
    rows = await session.execute(
        select(Dossier, next_d.c.due_date, next_d.c.norm)
        .outerjoin(next_d, next_d.c.dossier_id == Dossier.id)
        .where(where_d, Dossier.status != DossierStatus.AFGESLOTEN)
    )
    items: dict[str, ItemSummary] = {}
    for dossier, due, norm in rows:
        known = items.get(dossier.ref)
        if known is None or (due is not None and (known.next_due is None or due < known.next_due)):
            items[dossier.ref] = ItemSummary(
                dossier.ref,
                ItemKind.DOSSIER,
                dossier.category,
                dossier.status,
                due,
                norm,
                dossier.wijkteam_id,
                dossier.assignee_id,
            )
    next_v = (
        select(Deadline.vraag_id, Deadline.due_date, Deadline.norm)
        .where(Deadline.status == DeadlineStatus.LOPEND)
        .subquery()
    )
    vrows = await session.execute(
        select(Vraag, next_v.c.due_date, next_v.c.norm)
        .outerjoin(next_v, next_v.c.vraag_id == Vraag.id)
        .where(where_v, Vraag.status != VraagStatus.BEANTWOORD)
    )
    for vraag, due, norm in vrows:
        items[vraag.ref] = ItemSummary(
            vraag.ref,
            ItemKind.VRAAG,
            vraag.topic,
            vraag.status,
            due,
            norm,
            vraag.wijkteam_id,
            vraag.assignee_id,
        )
    return sorted(items.values(), key=lambda i: (i.next_due or date.max, i.ref))
