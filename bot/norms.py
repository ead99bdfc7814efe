"""Norm clocks as plain data: which clocks a dossier has, when they fall due, when they stopped,
and when their reminders go out. No database, no Telegram."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.config import MELDING, AppConfig, NormConfig, ReminderPolicy
from bot.vocabulary import Category, Milestone
from bot.workcalendar import WorkCalendar

# Reminder kind for "the next working morning after the deadline".
OVERDUE = -1


@dataclass(frozen=True)
class ClockPlan:
    """What one norm clock of a dossier should look like given the facts so far."""

    norm: str
    seq: int  # 0 for the norm itself, n for the n-th periodic toets
    start: date
    due: date | None
    met: date | None

    @property
    def key(self) -> tuple[str, int]:
        return (self.norm, self.seq)


def first_dates(milestones: Iterable[tuple[Milestone, date]]) -> dict[str, list[date]]:
    """Group milestone dates per kind, each list sorted."""
    grouped: dict[str, list[date]] = {}
    for kind, day in milestones:
        grouped.setdefault(kind.value, []).append(day)
    for days in grouped.values():
        days.sort()
    return grouped


def _start_date(
    norm: NormConfig, category: Category, meldingsdatum: date, facts: Mapping[str, Sequence[date]]
) -> date | None:
    if norm.start == MELDING:
        return meldingsdatum if norm.applies_to(category) else None
    days = facts.get(norm.start)
    return days[0] if days else None


def _met_date(norm: NormConfig, facts: Mapping[str, Sequence[date]]) -> date | None:
    """The clock stops on the day the last required end product exists."""
    firsts = [facts[e][0] for e in norm.eindproduct if facts.get(e)]
    return max(firsts) if len(firsts) == len(norm.eindproduct) else None


def plan_clocks(
    config: AppConfig,
    calendar: WorkCalendar,
    category: Category,
    meldingsdatum: date,
    facts: Mapping[str, Sequence[date]],
) -> list[ClockPlan]:
    """Every clock the dossier should have now, with its due and stop dates."""
    plans: list[ClockPlan] = []
    for code, norm in config.active_norms.items():
        if norm.is_vraag_norm:
            continue
        start = _start_date(norm, category, meldingsdatum, facts)
        if start is None or (norm.opent_bij is not None and not facts.get(norm.opent_bij)):
            continue
        due = None
        if norm.termijn is not None and norm.eenheid is not None:
            due = calendar.due_date(start, norm.termijn, norm.eenheid)
        met = _met_date(norm, facts)
        plans.append(ClockPlan(code, 0, start, due, met))
        if norm.toets_elke_maanden and norm.termijn:
            plans.extend(_toets_clocks(code, norm, calendar, start, met, facts))
    return plans


def _toets_clocks(
    code: str,
    norm: NormConfig,
    calendar: WorkCalendar,
    start: date,
    main_met: date | None,
    facts: Mapping[str, Sequence[date]],
) -> list[ClockPlan]:
    """One clock per periodic toets; the next opens once the previous is done, none after the end."""
    assert norm.termijn is not None and norm.toets_elke_maanden is not None
    done = list(facts.get(Milestone.TOETS.value, ()))
    clocks = []
    previous_due = start
    for seq, due in enumerate(calendar.toets_dates(start, norm.termijn, norm.toets_elke_maanden), 1):
        met = done[seq - 1] if len(done) >= seq else None
        if main_met is not None and met is None:
            break  # the trajectory ended; later toetsen are not due
        clocks.append(ClockPlan(code, seq, previous_due, due, met))
        if met is None:
            break
        previous_due = due
    return clocks


def vraag_due(config: AppConfig, calendar: WorkCalendar, asked: date) -> tuple[str, date] | None:
    """The answer norm's code and due date for a vraag asked on a date, if a norm is set."""
    for code, norm in config.active_norms.items():
        if norm.is_vraag_norm and norm.termijn is not None and norm.eenheid is not None:
            return code, calendar.due_date(asked, norm.termijn, norm.eenheid)
    return None


@dataclass(frozen=True)
class ReminderMoment:
    """When a reminder about a clock should go out; offset in werkdagen before due (-1: overdue)."""

    offset: int
    at: datetime


def reminder_moments(
    due: date, policy: ReminderPolicy, calendar: WorkCalendar, now: datetime
) -> list[ReminderMoment]:
    """Office-opening moments n werkdagen before the due date, on the day, and the morning after.

    Moments on days already past are dropped (a late-created clock does not send a stale
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
