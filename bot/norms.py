"""Deadlines as plain data: which deadlines (termijnen) a dossier has, when they fall due, when
they stopped, and the one rule for how a deadline stands (binnen de termijn or not). No database,
no Telegram; the reminder moments are in bot.moments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.config import MELDING, AppConfig, NormConfig
from bot.vocabulary import Category, DeadlineStatus, Milestone, Verdict
from bot.workcalendar import WorkCalendar


@dataclass(frozen=True)
class DeadlinePlan:
    """What one deadline of a dossier should look like given the facts so far."""

    norm: str
    seq: int  # 0 for the norm itself, n for the n-th periodic toets
    start: date
    due: date | None
    met: date | None
    missed: date | None = None  # ended without its end product: decided as niet gehaald on this day

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
    if not norm.applies_to(category):
        return None
    if norm.start == MELDING:
        return meldingsdatum
    days = facts.get(norm.start)
    return days[0] if days else None


def _met_date(norm: NormConfig, facts: Mapping[str, Sequence[date]]) -> date | None:
    """The deadline stops on the day the last required end product exists."""
    firsts = [facts[e][0] for e in norm.eindproduct if facts.get(e)]
    return max(firsts) if len(firsts) == len(norm.eindproduct) else None


def _missed_date(
    norm: NormConfig, due: date | None, met: date | None, facts: Mapping[str, Sequence[date]]
) -> date | None:
    """A trajectory that ended (`eindigt_bij`) without the end product is niet gehaald, decided on
    the day it ended, or on its due date if that came first (a figure, once decided, stays)."""
    ends = [facts[e][0] for e in norm.eindigt_bij if facts.get(e)]
    if met is not None or due is None or not ends:
        return None
    return min(due, min(ends))


def plan_deadlines(
    config: AppConfig,
    calendar: WorkCalendar,
    category: Category,
    meldingsdatum: date,
    facts: Mapping[str, Sequence[date]],
) -> list[DeadlinePlan]:
    """Every deadline the dossier should have now, with its due and stop dates."""
    plans: list[DeadlinePlan] = []
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
        plans.append(DeadlinePlan(code, 0, start, due, met, _missed_date(norm, due, met, facts)))
        if norm.toets_elke_maanden and norm.termijn:
            plans.extend(_toets_deadlines(code, norm, calendar, start, met, facts))
    return plans


def _toets_deadlines(
    code: str,
    norm: NormConfig,
    calendar: WorkCalendar,
    start: date,
    main_met: date | None,
    facts: Mapping[str, Sequence[date]],
) -> list[DeadlinePlan]:
    """One deadline per periodic toets; the next opens once the previous is done, none after the end."""
    assert norm.termijn is not None and norm.toets_elke_maanden is not None
    done = list(facts.get(Milestone.TOETS.value, ()))
    deadlines = []
    previous_due = start
    for seq, due in enumerate(calendar.toets_dates(start, norm.termijn, norm.toets_elke_maanden), 1):
        met = done[seq - 1] if len(done) >= seq else None
        if main_met is not None and met is None:
            break  # the trajectory ended; later toetsen are not due
        deadlines.append(DeadlinePlan(code, seq, previous_due, due, met))
        if met is None:
            break
        previous_due = due
    return deadlines


def vraag_due(config: AppConfig, calendar: WorkCalendar, asked: date) -> tuple[str, date] | None:
    """The answer norm's code and due date for a vraag asked on a date, if a norm is set."""
    for code, norm in config.active_norms.items():
        if norm.is_vraag_norm and norm.termijn is not None and norm.eenheid is not None:
            return code, calendar.due_date(asked, norm.termijn, norm.eenheid)
    return None


def decided_on(
    due: date | None, met: date | None, opened: date | None, missed: date | None = None
) -> date | None:
    """The day a deadline is decided, or (still running) will be decided as missed: its met date
    when met in time; otherwise its due date (or the earlier day its trajectory ended without the
    end product), but never before the day the deadline was opened, so that a figure once
    decided stays: a deadline created late, after a step recorded late or a rule switched on
    later, counts on the day it came, not in a period already reported."""
    if due is None:
        return None
    if met is not None and met <= due:
        return met
    base = missed if missed is not None else due
    return base if opened is None else max(base, opened)


def within_term(met: date | None, due: date | None) -> bool:
    """Binnen de termijn: the end product was recorded on or before the due date. The figures'
    SQL form (bot.services.deadlines.within_term_sql) is tested against this one."""
    return met is not None and due is not None and met <= due


def verdict(status: str, due: date | None, met: date | None, today: date) -> Verdict:
    """How a deadline stands today: lapsed, ended without its end product, without a term, met in
    time or late, or (running without its end product) overdue once the due date has passed."""
    if status == DeadlineStatus.VERVALLEN:
        return Verdict.VERVALLEN
    if status == DeadlineStatus.NIET_GEHAALD:
        return Verdict.NIET_GEHAALD
    if due is None:
        return Verdict.GEEN_TERMIJN
    if met is not None:
        return Verdict.GEHAALD if within_term(met, due) else Verdict.TE_LAAT
    return Verdict.VERLOPEN if due < today else Verdict.LOPEND
