"""Routing a new item to the on-duty worker (bot/README.md, "Routing"), as a pure function."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.vocabulary import Role
from bot.workcalendar import WorkCalendar


@dataclass(frozen=True)
class Duty:
    """A worker on duty in a wijkteam on a day (absences already left out)."""

    user_id: int
    role: Role
    wijkteam: str


class RouteReason(StrEnum):
    EIGEN_WIJKTEAM = "eigen_wijkteam"  # on duty in the item's wijkteam today
    ANDER_WIJKTEAM = "ander_wijkteam"  # on duty elsewhere today
    VOLGENDE_WERKDAG = "volgende_werkdag"  # first worker on duty on a later working day
    NIEMAND = "niemand"  # nobody on the roster within the horizon


@dataclass(frozen=True)
class RoutingDecision:
    assignee_id: int | None
    day: date | None  # the day the assignee is on duty
    wijkteam: str | None  # where the assignee is on duty that day
    reason: RouteReason
    function_match: bool
    notify_teamleider: bool
    after_hours: bool = False  # arrived outside working hours (evening, weekend, holiday)


def _pick(duties: Sequence[Duty], preferred: Role | None, load: Mapping[int, int]) -> Duty | None:
    """The preferred function first, then the lightest open workload, then a stable order."""
    if not duties:
        return None
    return min(duties, key=lambda d: (d.role != preferred, load.get(d.user_id, 0), d.user_id))


def _first_group(
    wijkteam: str,
    moment: datetime,
    calendar: WorkCalendar,
    on_duty: Callable[[date], Sequence[Duty]],
    horizon_working_days: int,
) -> tuple[date, list[Duty], RouteReason] | None:
    """The day and the workers routing chooses among: today's own wijkteam, else anyone on duty
    today; after hours the first working day with someone on duty, own wijkteam first."""
    local = calendar.local(moment)
    today = local.date()

    def group(
        day: date, reason_own: RouteReason, reason_other: RouteReason
    ) -> tuple[date, list[Duty], RouteReason] | None:
        duties = list(on_duty(day))
        own = [d for d in duties if d.wijkteam == wijkteam]
        if own:
            return day, own, reason_own
        return (day, duties, reason_other) if duties else None

    if calendar.is_working_day(today) and local.time() < calendar.office_end:
        found = group(today, RouteReason.EIGEN_WIJKTEAM, RouteReason.ANDER_WIJKTEAM)
        if found:
            return found
    day = today
    for _ in range(horizon_working_days):
        day = calendar.next_working_day(day, include_self=False)
        found = group(day, RouteReason.VOLGENDE_WERKDAG, RouteReason.VOLGENDE_WERKDAG)
        if found:
            return found
    return None


def candidates(
    wijkteam: str,
    moment: datetime,
    calendar: WorkCalendar,
    on_duty: Callable[[date], Sequence[Duty]],
    horizon_working_days: int = 10,
) -> set[int]:
    """The workers `route` chooses among: only their open workload can change its choice."""
    found = _first_group(wijkteam, moment, calendar, on_duty, horizon_working_days)
    return {d.user_id for d in found[1]} if found else set()


def route(
    wijkteam: str,
    moment: datetime,
    preferred: Role | None,
    calendar: WorkCalendar,
    on_duty: Callable[[date], Sequence[Duty]],
    load: Mapping[int, int] | None = None,
    horizon_working_days: int = 10,
) -> RoutingDecision:
    """Who picks up an item for `wijkteam` arriving at `moment`.

    Today (a working day, before closing time): the on-duty worker of the wijkteam, else anyone
    on duty today. Otherwise the first working day with someone on duty, own wijkteam first,
    and the teamleider is told.
    """
    local = calendar.local(moment)
    in_hours = calendar.is_working_day(local.date()) and local.time() < calendar.office_end
    found = _first_group(wijkteam, moment, calendar, on_duty, horizon_working_days)
    if found is None:
        return RoutingDecision(None, None, None, RouteReason.NIEMAND, False, True, not in_hours)
    day, group, reason = found
    chosen = _pick(group, preferred, load or {})
    assert chosen is not None  # a group is never empty
    return RoutingDecision(
        assignee_id=chosen.user_id,
        day=day,
        wijkteam=chosen.wijkteam,
        reason=reason,
        function_match=preferred is None or chosen.role == preferred,
        notify_teamleider=reason is RouteReason.VOLGENDE_WERKDAG,
        after_hours=not in_hours,
    )


def duties_on(
    day: date,
    weekly: Sequence[tuple[int, int, Role, str]],
    overrides: Sequence[tuple[date, int, Role, str]],
    absences: Sequence[tuple[int, date, date]],
) -> list[Duty]:
    """The day's duties from the weekly roster (weekday, user, role, wijkteam), with a wijkteam's
    date overrides (day, user, role, wijkteam) replacing its roster that day, minus absences."""
    overridden = {team for d, _, _, team in overrides if d == day}
    duties = [
        Duty(user, role, team)
        for weekday, user, role, team in weekly
        if weekday == day.weekday() and team not in overridden
    ]
    duties += [Duty(user, role, team) for d, user, role, team in overrides if d == day]
    away = {user for user, first, last in absences if first <= day <= last}
    return [d for d in duties if d.user_id not in away]
