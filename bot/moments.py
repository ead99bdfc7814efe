"""Every moment the bot reminds someone, declared in one place: before a deadline's due date, on
the day, the working morning after it (overdue, to the holder and to the teamleiders), the re-send and the
escalation of an item nobody picked up, the daily overdue list and the weekly overview.

The deadlines service writes reminder rows from these moments; the dispatcher reads the list
moments. Plain Python: no database, no Telegram. bot/README.md, "Reminders", tells the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.config import AppConfig, Planner, ReminderPolicy, Routing
from bot.vocabulary import Audience
from bot.workcalendar import WorkCalendar

# Offset of the notice on the working morning after the due date (other offsets count the
# werkdagen before the due date; 0 is the day itself).
OVERDUE = -1

# Escalation levels of an item nobody picked up.
RESEND, ESCALATE = 1, 2


@dataclass(frozen=True)
class ReminderMoment:
    """When a reminder about a deadline goes out; offset in werkdagen before due (-1: overdue)."""

    offset: int
    at: datetime

    @property
    def audiences(self) -> tuple[Audience, ...]:
        """The holder always; an overdue notice also, as a row of its own, the teamleiders."""
        if self.offset == OVERDUE:
            return (Audience.HOUDER, Audience.TEAMLEIDER)
        return (Audience.HOUDER,)


def reminder_moments(
    due: date, policy: ReminderPolicy, calendar: WorkCalendar, now: datetime
) -> list[ReminderMoment]:
    """Office-opening moments n werkdagen before the due date, on the day, and the morning after.

    Moments on days already past are dropped (a late-created deadline does not send a stale
    '3 werkdagen' reminder); an overdue notice is always kept, at the earliest now.
    """
    today = calendar.local(now).date()
    moments = []
    for n in policy.werkdagen_voor:
        day = calendar.add_working_days(due, -n) if n else calendar.next_working_day(due)
        if day >= today:
            moments.append(ReminderMoment(n, calendar.office_open(day)))
    if policy.te_laat:
        morning = calendar.office_open(calendar.next_working_day(due, include_self=False))
        moments.append(ReminderMoment(OVERDUE, max(morning, now)))
    return moments


@dataclass(frozen=True)
class PickupMoment:
    """When an item nobody picked up is re-sent to its holder (level 1) or escalated (level 2)."""

    level: int
    audience: Audience
    at: datetime

    def key(self, subject: str) -> str:
        """The outbox key: a hand-over that restarts the count gives new moments, so new rows."""
        return f"ack:{subject}:{self.level}:{self.at.astimezone(UTC):%Y%m%dT%H%M}"


def pickup_moments(
    routing: Routing, calendar: WorkCalendar, now: datetime, kind: str | None = None
) -> list[PickupMoment]:
    """After `oppakken_binnen_werkuren` office hours the holder again, after
    `escaleren_na_werkuren` the teamleiders; sooner for the kinds under `[routering.spoed]`."""
    resend, escalate = routing.pickup_hours(kind)
    return [
        PickupMoment(RESEND, Audience.HOUDER, calendar.add_working_hours(now, resend)),
        PickupMoment(ESCALATE, Audience.TEAMLEIDER, calendar.add_working_hours(now, escalate)),
    ]


def daily_list_due(config: AppConfig, local: datetime) -> bool:
    """The daily overdue list goes out from `dagelijkse_lijst_tijd` (on working days: the
    dispatcher only looks within office hours)."""
    return (
        config.herinneringen.dagelijkse_te_laat_lijst and local.time() >= config.planner.dagelijkse_lijst_tijd
    )


def weekly_overview_due(planner: Planner, local: datetime) -> bool:
    """The weekly overview goes out on `weekoverzicht_dag` from `weekoverzicht_tijd`; missed that
    day (a holiday, an outage), on a later day of the week from the same time."""
    return local.weekday() >= planner.weekoverzicht_dag and local.time() >= planner.weekoverzicht_tijd


def weekly_overview_day(planner: Planner, day: date) -> date:
    """The day this week's overview is first due (before it, a teamleider who joins gets it on
    the first tick; after it, they ask /status themselves)."""
    return day - timedelta(days=day.weekday()) + timedelta(days=planner.weekoverzicht_dag)


def iso_week(day: date) -> str:
    """The period key of a weekly overview: 2026-W49."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
