"""The rooster: who is on duty where on which weekday, date overrides, and absences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import DomainError
from bot.i18n import N_
from bot.models import Absence, RosterEntry, RosterOverride, User, Wijkteam
from bot.rights import Action, may
from bot.routing import Duty, duties_on
from bot.services.common import (
    Deps,
    active_wijkteams,
    audit,
    load_actor,
    require,
    transaction,
    user_roles,
    wijkteam_by_code,
)
from bot.vocabulary import AuditAction, Role

ROSTERABLE = frozenset({Role.KLANTMANAGER, Role.BUDGETCOACH, Role.TEAMLEIDER})


async def _worker(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None or not user.active or Role(user.role) not in ROSTERABLE:
        raise DomainError(
            N_("Alleen actieve klantmanagers, budgetcoaches en teamleiders staan op het rooster.")
        )
    return user


async def set_weekly_duty(
    session: AsyncSession,
    deps: Deps,
    actor_telegram_id: int,
    *,
    wijkteam: str,
    weekday: int,
    user_id: int,
    on_duty: bool,
) -> None:
    """Put a worker on (or take them off) a wijkteam's roster for a weekday (0 = maandag)."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.MANAGE_ROSTER)
        await _set_duty(session, deps, actor, wijkteam, weekday, user_id, on_duty)


async def _set_duty(
    session: AsyncSession, deps: Deps, actor: User, wijkteam: str, weekday: int, user_id: int, on_duty: bool
) -> None:
    if not 0 <= weekday <= 4:
        raise DomainError(N_("Het rooster kent alleen maandag tot en met vrijdag."))
    team = await wijkteam_by_code(session, wijkteam)
    worker = await _worker(session, user_id)
    slot = await session.scalar(
        select(RosterEntry).where(
            RosterEntry.wijkteam_id == team.id,
            RosterEntry.weekday == weekday,
            RosterEntry.user_id == worker.id,
        )
    )
    if on_duty and slot is None:
        session.add(RosterEntry(wijkteam_id=team.id, weekday=weekday, user_id=worker.id))
    elif not on_duty and slot is not None:
        await session.delete(slot)
    else:
        return
    audit(
        session,
        deps,
        actor,
        AuditAction.ROSTER_ON if on_duty else AuditAction.ROSTER_OFF,
        wijkteam=team.code,
        weekdag=weekday,
        gebruiker=worker.id,
    )


async def set_override(
    session: AsyncSession,
    deps: Deps,
    actor_telegram_id: int,
    *,
    day: date,
    wijkteam: str,
    user_ids: list[int],
) -> None:
    """For one date, replace a wijkteam's roster by these workers; an empty list removes the override."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.MANAGE_ROSTER)
        if day < deps.today():
            raise DomainError(N_("Een afwijking van het rooster kan alleen voor vandaag of later."))
        team = await wijkteam_by_code(session, wijkteam)
        workers = [await _worker(session, uid) for uid in dict.fromkeys(user_ids)]
        await session.execute(
            delete(RosterOverride).where(RosterOverride.day == day, RosterOverride.wijkteam_id == team.id)
        )
        session.add_all(
            RosterOverride(day=day, wijkteam_id=team.id, user_id=w.id, created_by_id=actor.id)
            for w in workers
        )
        audit(
            session,
            deps,
            actor,
            AuditAction.ROSTER_OVERRIDE,
            wijkteam=team.code,
            dag=day,
            gebruikers=[w.id for w in workers],
        )


async def register_absence(
    session: AsyncSession,
    deps: Deps,
    actor_telegram_id: int,
    *,
    first_day: date,
    last_day: date,
    user_id: int | None = None,
) -> Absence:
    """Register absence for yourself, or (teamleider, beheerder) for a colleague."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        if user_id is None or user_id == actor.id:
            require(actor, Action.REGISTER_ABSENCE)
            target = actor
        else:
            require(actor, Action.MANAGE_ROSTER)
            target = await _worker(session, user_id)
        if last_day < first_day:
            raise DomainError(N_("De laatste dag ligt vóór de eerste dag."))
        if last_day < deps.today():
            raise DomainError(N_("Die afwezigheid ligt helemaal in het verleden."))
        if (last_day - first_day).days > 366:
            raise DomainError(N_("Afwezigheid kan hoogstens een jaar beslaan."))
        absence = Absence(
            user_id=target.id,
            first_day=first_day,
            last_day=last_day,
            created_by_id=actor.id,
            created_at=deps.now(),
        )
        session.add(absence)
        await session.flush()
        audit(
            session,
            deps,
            actor,
            AuditAction.ABSENCE,
            gebruiker=target.id,
            van=first_day,
            tot=last_day,
        )
    return absence


async def load_duties(session: AsyncSession, first_day: date, last_day: date) -> Callable[[date], list[Duty]]:
    """The roster, overrides and absences for a period, as a function of the day (three queries)."""
    weekly_rows = await session.execute(
        select(RosterEntry.weekday, User.id, User.role, Wijkteam.code)
        .join(User, User.id == RosterEntry.user_id)
        .join(Wijkteam, Wijkteam.id == RosterEntry.wijkteam_id)
        .where(User.active.is_(True), Wijkteam.actief.is_(True))
    )
    weekly = [(wd, uid, Role(role), team) for wd, uid, role, team in weekly_rows]
    override_rows = await session.execute(
        select(RosterOverride.day, User.id, User.role, Wijkteam.code)
        .join(User, User.id == RosterOverride.user_id)
        .join(Wijkteam, Wijkteam.id == RosterOverride.wijkteam_id)
        .where(RosterOverride.day.between(first_day, last_day), User.active.is_(True))
    )
    overrides = [(d, uid, Role(role), team) for d, uid, role, team in override_rows]
    absence_rows = await session.execute(
        select(Absence.user_id, Absence.first_day, Absence.last_day).where(
            Absence.last_day >= first_day, Absence.first_day <= last_day
        )
    )
    absences = [(uid, first, last) for uid, first, last in absence_rows]
    return lambda day: duties_on(day, weekly, overrides, absences)


@dataclass(frozen=True)
class DayRoster:
    day: date
    working_day: bool
    holiday: str | None
    duties: list[tuple[str, str, str]]  # (wijkteam code, worker name, role)


async def week_roster(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, monday: date | None = None
) -> list[DayRoster]:
    """Who is on duty where, Monday to Friday of the week (default: this week)."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.VIEW_ROSTER)
        return await _week(session, deps, monday or _monday(deps.today()))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def _week(session: AsyncSession, deps: Deps, monday: date) -> list[DayRoster]:
    days = [monday + timedelta(days=i) for i in range(5)]
    duties = await load_duties(session, days[0], days[-1])
    names = {u.id: u.display_name for u in await session.scalars(select(User))}
    result = []
    for day in days:
        working = deps.calendar.is_working_day(day)
        on_duty = duties(day) if working else []
        result.append(
            DayRoster(
                day,
                working,
                deps.calendar.holiday_name(day),
                sorted((d.wijkteam, names.get(d.user_id, "?"), d.role.value) for d in on_duty),
            )
        )
    return result


@dataclass(frozen=True)
class WeekOverview:
    """A week's roster as /rooster shows it: the days, the wijkteams' names, and whether the
    viewer may change it."""

    monday: date
    days: list[DayRoster]
    team_names: dict[str, str]
    can_edit: bool


async def week_overview(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, day: date | None = None
) -> WeekOverview:
    """The roster of the week holding `day` (default: this week)."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.VIEW_ROSTER)
        monday = _monday(day or deps.today())
        days = await _week(session, deps, monday)
        teams = {w.code: w.naam for w in await session.scalars(select(Wijkteam))}
    return WeekOverview(monday, days, teams, may(user_roles(actor), Action.MANAGE_ROSTER))


async def roster_wijkteams(session: AsyncSession, deps: Deps, actor_telegram_id: int) -> list[Wijkteam]:
    """The active wijkteams whose roster the actor may change."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.MANAGE_ROSTER)
        return await active_wijkteams(session)


async def worker_wijkteam_ids(session: AsyncSession, user: User) -> set[int]:
    """The wijkteams a worker belongs to: their own and those they are rostered in."""
    ids = set(
        await session.scalars(
            select(RosterEntry.wijkteam_id).where(RosterEntry.user_id == user.id).distinct()
        )
    )
    if user.wijkteam_id is not None:
        ids.add(user.wijkteam_id)
    return ids


@dataclass(frozen=True)
class TeamRoster:
    wijkteam: str
    naam: str
    workers: list[User]
    slots: set[tuple[int, int]]  # (weekday, user id)


async def team_roster(session: AsyncSession, deps: Deps, actor_telegram_id: int, wijkteam: str) -> TeamRoster:
    """A wijkteam's weekly roster and everyone who can be put on it (for editing)."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.MANAGE_ROSTER)
        return await _team_roster(session, await wijkteam_by_code(session, wijkteam))


async def _team_roster(session: AsyncSession, team: Wijkteam) -> TeamRoster:
    workers = list(
        await session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_([r.value for r in ROSTERABLE]))
            .order_by(User.display_name)
        )
    )
    slots = {
        (wd, uid)
        for wd, uid in await session.execute(
            select(RosterEntry.weekday, RosterEntry.user_id).where(RosterEntry.wijkteam_id == team.id)
        )
    }
    return TeamRoster(team.code, team.naam, workers, slots)


async def toggle_weekly_duty(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, *, wijkteam: str, weekday: int, user_id: int
) -> TeamRoster:
    """Put a worker on a wijkteam's weekday if they are not on it, else take them off; returns the
    wijkteam's roster as it is afterwards."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.MANAGE_ROSTER)
        team = await wijkteam_by_code(session, wijkteam)
        before = await _team_roster(session, team)
        on_duty = (weekday, user_id) not in before.slots
        await _set_duty(session, deps, actor, team.code, weekday, user_id, on_duty)
        await session.flush()
        return await _team_roster(session, team)
