"""The rooster: who is on duty where on which weekday, date overrides, and absences."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    cast,
    delete,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
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
    today = deps.today()
    slot = await session.scalar(
        select(RosterEntry).where(
            RosterEntry.wijkteam_id == team.id,
            RosterEntry.weekday == weekday,
            RosterEntry.user_id == worker.id,
            RosterEntry.tot.is_(None),
        )
    )
    if on_duty and slot is None:
        closed_today = await session.scalar(
            select(RosterEntry).where(
                RosterEntry.wijkteam_id == team.id,
                RosterEntry.weekday == weekday,
                RosterEntry.user_id == worker.id,
                RosterEntry.tot == today,
            )
        )
        if closed_today is not None:  # back on the same day: the old row simply goes on
            closed_today.tot = None
        else:
            session.add(RosterEntry(wijkteam_id=team.id, weekday=weekday, user_id=worker.id, vanaf=today))
    elif not on_duty and slot is not None:
        if slot.vanaf == today:  # never counted for a day: no history to keep
            await session.delete(slot)
        else:
            slot.tot = today
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
        await _override(session, deps, actor, team, day, user_ids)


async def _override(
    session: AsyncSession, deps: Deps, actor: User, team: Wijkteam, day: date, user_ids: list[int]
) -> None:
    workers = [await _worker(session, uid) for uid in dict.fromkeys(user_ids)]
    await session.execute(
        delete(RosterOverride).where(RosterOverride.day == day, RosterOverride.wijkteam_id == team.id)
    )
    session.add_all(
        RosterOverride(day=day, wijkteam_id=team.id, user_id=w.id, created_by_id=actor.id) for w in workers
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
) -> User:
    """Register absence for yourself, or (teamleider, beheerder) for a colleague; the absent one."""
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
        session.add(
            Absence(
                user_id=target.id,
                first_day=first_day,
                last_day=last_day,
                created_by_id=actor.id,
                created_at=deps.now(),
            )
        )
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
    return target


@dataclass(frozen=True)
class RosterDays:
    """The roster, date overrides and absences of a period; called with a day, the duties
    that day (absent workers left out)."""

    weekly: list[
        tuple[int, int, Role, str, date | None, date | None]
    ]  # weekday, user, role, team, vanaf, tot
    overrides: list[tuple[date, int, Role, str]]
    absences: list[tuple[int, date, date]]

    def _weekly_on(self, day: date) -> list[tuple[int, int, Role, str]]:
        return [
            (wd, uid, role, team)
            for wd, uid, role, team, vanaf, tot in self.weekly
            if (vanaf is None or vanaf <= day) and (tot is None or day < tot)
        ]

    def __call__(self, day: date) -> list[Duty]:
        return duties_on(day, self._weekly_on(day), self.overrides, self.absences)

    def scheduled(self, day: date) -> list[Duty]:
        """Who the roster (or the day's override) puts on duty, absent or not."""
        return duties_on(day, self._weekly_on(day), self.overrides, [])

    def is_absent(self, user_id: int, day: date) -> bool:
        return any(uid == user_id and first <= day <= last for uid, first, last in self.absences)


async def load_duties(session: AsyncSession, first_day: date, last_day: date) -> RosterDays:
    """The roster, overrides and absences for a period, in one query (routing runs it for every
    new item)."""
    weekly = (
        select(
            literal_column("'w'", String).label("kind"),
            RosterEntry.weekday.label("weekday"),
            User.id.label("uid"),
            User.role.label("role"),
            Wijkteam.code.label("team"),
            RosterEntry.vanaf.label("first"),
            RosterEntry.tot.label("last"),
        )
        .join(User, User.id == RosterEntry.user_id)
        .join(Wijkteam, Wijkteam.id == RosterEntry.wijkteam_id)
        .where(
            User.active.is_(True),
            Wijkteam.actief.is_(True),
            or_(RosterEntry.vanaf.is_(None), RosterEntry.vanaf <= last_day),
            or_(RosterEntry.tot.is_(None), RosterEntry.tot > first_day),
        )
    )
    overrides = (
        select(
            literal_column("'o'", String),
            cast(null(), Integer),
            User.id,
            User.role,
            Wijkteam.code,
            RosterOverride.day,
            cast(null(), Date),
        )
        .join(User, User.id == RosterOverride.user_id)
        .join(Wijkteam, Wijkteam.id == RosterOverride.wijkteam_id)
        .where(RosterOverride.day.between(first_day, last_day), User.active.is_(True))
    )
    absences = select(
        literal_column("'a'", String),
        cast(null(), Integer),
        Absence.user_id,
        cast(null(), String),
        cast(null(), String),
        Absence.first_day,
        Absence.last_day,
    ).where(Absence.last_day >= first_day, Absence.first_day <= last_day)
    days = RosterDays([], [], [])
    rows: Any = await session.execute(union_all(weekly, overrides, absences))
    for kind, weekday, uid, role, team, first, last in rows:
        if kind == "w":
            days.weekly.append((weekday, uid, Role(role), team, first, last))
        elif kind == "o":
            days.overrides.append((first, uid, Role(role), team))
        else:
            days.absences.append((uid, first, last))
    return days


FUNCTIONS = (Role.KLANTMANAGER, Role.BUDGETCOACH)  # each in a sociaal wijkteam at least one day a week


@dataclass(frozen=True)
class DayRoster:
    day: date
    working_day: bool
    holiday: str | None
    duties: list[tuple[str, str, str]]  # (wijkteam code, worker name, role) on duty
    absent: list[tuple[str, str, str]]  # rostered there that day, but absent


@dataclass(frozen=True)
class RosterGaps:
    """Where a week breaks the rule that every klantmanager and budgetcoach works in a sociaal
    wijkteam at least one day: workers without a wijkteam day, wijkteams without a function."""

    without_day: list[tuple[str, Role]]  # (name, role)
    uncovered: list[tuple[str, Role]]  # (wijkteam code, role)

    def __bool__(self) -> bool:
        return bool(self.without_day or self.uncovered)


@dataclass(frozen=True)
class WeekOverview:
    """A week's roster as /rooster shows it: the days, which weekdays each function covers per
    wijkteam, the gaps, the wijkteams' names, and whether the viewer may change it."""

    monday: date
    days: list[DayRoster]
    coverage: dict[str, dict[Role, list[int]]]  # wijkteam code -> function -> weekdays (0 = ma)
    gaps: RosterGaps
    team_names: dict[str, str]
    can_edit: bool


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _this_or_coming(day: date) -> date:
    """On a Saturday or Sunday the week that is coming, else this one."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


async def _week(session: AsyncSession, deps: Deps, monday: date) -> WeekOverview:
    days = [monday + timedelta(days=i) for i in range(5)]
    roster = await load_duties(session, days[0], days[-1])
    people = {u.id: u for u in await session.scalars(select(User))}
    teams = await active_wijkteams(session)
    working = [day for day in days if deps.calendar.is_working_day(day)]
    result = []
    coverage: dict[str, dict[Role, list[int]]] = {w.code: {r: [] for r in FUNCTIONS} for w in teams}
    for day in days:
        on_duty = roster(day) if day in working else []
        away = [d for d in roster.scheduled(day) if d not in on_duty] if day in working else []
        for duty in on_duty:
            if duty.role in FUNCTIONS and duty.wijkteam in coverage:
                coverage[duty.wijkteam][duty.role].append(day.weekday())
        result.append(
            DayRoster(
                day,
                day in working,
                deps.calendar.holiday_name(day),
                sorted((d.wijkteam, _name(people, d.user_id), d.role.value) for d in on_duty),
                sorted((d.wijkteam, _name(people, d.user_id), d.role.value) for d in away),
            )
        )
    with_day = {d.user_id for day in working for d in roster(day)}
    without_day = sorted(
        (u.display_name, Role(u.role))
        for u in people.values()
        if u.active
        and Role(u.role) in FUNCTIONS
        and u.id not in with_day
        and working
        and not all(roster.is_absent(u.id, day) for day in working)
    )
    uncovered = [
        (w.code, role) for w in teams for role in FUNCTIONS if working and not coverage[w.code][role]
    ]
    if days[-1] < deps.today():  # a week gone by: nothing left to mend
        without_day, uncovered = [], []
    return WeekOverview(
        monday,
        result,
        {code: {r: sorted(set(wds)) for r, wds in roles.items()} for code, roles in coverage.items()},
        RosterGaps(without_day, uncovered),
        {w.code: w.naam for w in teams},
        can_edit=False,
    )


def _name(people: dict[int, User], user_id: int) -> str:
    person = people.get(user_id)
    return person.display_name if person is not None else "?"


async def week_overview(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, day: date | None = None
) -> WeekOverview:
    """The roster of the week holding `day` (default: this week); a past week as it really was."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.VIEW_ROSTER)
        week = await _week(session, deps, _monday(day or _this_or_coming(deps.today())))
    return replace(week, can_edit=may(user_roles(actor), Action.MANAGE_ROSTER))


async def coming_week(session: AsyncSession, deps: Deps) -> WeekOverview:
    """The roster of the coming working week (this one on a Monday), for the weekly overview."""
    today = deps.today()
    return await _week(session, deps, _monday(today + timedelta(days=(7 - today.weekday()) % 7)))


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
            select(RosterEntry.wijkteam_id)
            .where(RosterEntry.user_id == user.id, RosterEntry.tot.is_(None))
            .distinct()
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


async def _rosterable(session: AsyncSession) -> list[User]:
    """Everyone who can be put on the roster (or reported absent), by name."""
    return list(
        await session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_([r.value for r in ROSTERABLE]))
            .order_by(User.display_name)
        )
    )


async def _team_roster(session: AsyncSession, team: Wijkteam) -> TeamRoster:
    workers = await _rosterable(session)
    slots = {
        (wd, uid)
        for wd, uid in await session.execute(
            select(RosterEntry.weekday, RosterEntry.user_id).where(
                RosterEntry.wijkteam_id == team.id, RosterEntry.tot.is_(None)
            )
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


@dataclass(frozen=True)
class DayEdit:
    """One wijkteam on one date, as the editor of that day shows it."""

    wijkteam: str
    naam: str
    day: date
    workers: list[User]
    on_duty: set[int]  # user ids
    absent: set[int]
    overridden: bool  # a date override replaces the weekly roster that day


async def _day_edit(session: AsyncSession, team: Wijkteam, day: date) -> DayEdit:
    roster = await load_duties(session, day, day)
    scheduled = {d.user_id for d in roster.scheduled(day) if d.wijkteam == team.code}
    overridden = any(d == day and code == team.code for d, _, _, code in roster.overrides)
    workers = await _rosterable(session)
    absent = {w.id for w in workers if roster.is_absent(w.id, day)}
    return DayEdit(team.code, team.naam, day, workers, scheduled, absent, overridden)


async def _day_editor(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, wijkteam: str, day: date
) -> tuple[User, Wijkteam]:
    """The teamleider or beheerder changing a wijkteam's date, once the date is one they may change."""
    actor = await load_actor(session, actor_telegram_id)
    require(actor, Action.MANAGE_ROSTER)
    if day < deps.today():
        raise DomainError(N_("Een afwijking van het rooster kan alleen voor vandaag of later."))
    if day > deps.today() + timedelta(days=366):
        raise DomainError(N_("Een afwijking van het rooster kan hoogstens een jaar vooruit."))
    if not deps.calendar.is_working_day(day):
        raise DomainError(N_("Op die dag wordt niet gewerkt; kies een werkdag."))
    return actor, await wijkteam_by_code(session, wijkteam)


async def day_roster(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, wijkteam: str, day: date
) -> DayEdit:
    """Who is on duty in a wijkteam on one date, for the teamleider who changes that day only."""
    async with transaction(session):
        _, team = await _day_editor(session, deps, actor_telegram_id, wijkteam, day)
        return await _day_edit(session, team, day)


async def toggle_day_duty(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, *, wijkteam: str, day: date, user_id: int
) -> DayEdit:
    """Put a worker on or off one date in a wijkteam (a date override); the day as it is afterwards."""
    async with transaction(session):
        actor, team = await _day_editor(session, deps, actor_telegram_id, wijkteam, day)
        before = await _day_edit(session, team, day)
        wanted = before.on_duty ^ {user_id}
        if not wanted - before.absent:
            raise DomainError(
                N_(
                    "Er moet die dag iemand in het wijkteam zijn die niet afwezig is. Wil je het vaste "
                    "rooster terug, kies dan Vast rooster."
                )
            )
        await _override(session, deps, actor, team, day, sorted(wanted))
        await session.flush()
        return await _day_edit(session, team, day)


async def reset_day(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, *, wijkteam: str, day: date
) -> DayEdit:
    """Drop a date's override: the weekly roster applies again that day."""
    async with transaction(session):
        actor, team = await _day_editor(session, deps, actor_telegram_id, wijkteam, day)
        await _override(session, deps, actor, team, day, [])
        await session.flush()
        return await _day_edit(session, team, day)


async def absence_candidates(session: AsyncSession, deps: Deps, actor_telegram_id: int) -> list[User]:
    """The colleagues a teamleider or beheerder can report absent (everyone on the roster but them)."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        require(actor, Action.MANAGE_ROSTER)
        return [u for u in await _rosterable(session) if u.id != actor.id]
