"""The figures: per norm the deadlines decided in a period and the share within the term, lead
times, new items, open and overdue dossiers, self-reliance after budgetbeheer. All computed in SQL.

The definitions are in bot/README.md ("KPI definitions"):
- A deadline (one norm running for one dossier) is *decided* on the date its end product was
  recorded when that was within the term; otherwise on its due date, whether it was completed late
  or is still open. Lapsed deadlines (dossier closed first) and norms without a term are not
  counted. A deadline counts for the period in which it was decided, up to the report date, so a
  past quarter's figures do not change when a late dossier is finished later.
- *Within the term*: bot.norms.within_term (here in its SQL form).
- *Lead time*: calendar days from the start of the deadline to the end product, over the completed
  deadlines decided in the period; median and 80th percentile by nearest rank.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import AppConfig
from bot.ddas_figures import ChainSummary, summary
from bot.errors import DomainError, NotAllowed
from bot.i18n import N_
from bot.models import Deadline, Dossier, MilestoneRecord, User, Vraag, Wijkteam
from bot.periods import Period, previous_weeks, quarter_of, week_of
from bot.rights import Action, may
from bot.services.common import Deps, load_actor, transaction, user_roles, wijkteam_by_code
from bot.services.deadlines import overdue_sql, within_term_sql
from bot.services.reportdata import dossier_data
from bot.sqlite_inline import off_loop
from bot.vocabulary import DeadlineStatus, DossierStatus, Milestone, VraagStatus

TOETS_SUFFIX = ":toets"
TREND_WEEKS = 8


def figure_keys(code: str, periodic: bool) -> list[str]:
    """A norm's figure keys: its own, and for periodic toetsen a second one."""
    return [code, code + TOETS_SUFFIX] if periodic else [code]


def is_toets_key(key: str) -> bool:
    return key.endswith(TOETS_SUFFIX)


def norm_code(key: str) -> str:
    """The norm a figure key belongs to."""
    return key.removesuffix(TOETS_SUFFIX)


def target(config: AppConfig, key: str) -> float | None:
    """The norm's target share for a figure key, from the configuration."""
    norm = config.normen.get(norm_code(key))
    return norm.doel if norm else None


def meets(share: float | None, goal: float | None) -> bool | None:
    """Doel gehaald: the share is at least the target; None while nothing is decided or no target."""
    return None if share is None or goal is None else share >= goal


@dataclass(frozen=True)
class Scope:
    """Whose dossiers: everyone's, one wijkteam's, or one worker's."""

    wijkteam_id: int | None = None
    wijkteam_name: str | None = None  # what people call it, for the heading
    holder_id: int | None = None
    category: str | None = None

    def dossier_filter(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.category is not None:
            conditions.append(Dossier.category == self.category)
        if self.wijkteam_id is not None:
            conditions.append(Dossier.wijkteam_id == self.wijkteam_id)
        if self.holder_id is not None:
            conditions.append(Dossier.assignee_id == self.holder_id)
        return conditions


@dataclass(frozen=True)
class NormFigure:
    key: str  # the norm's code, or code + ':toets' for the periodic toetsen
    decided: int
    on_time: int
    median_days: int | None
    p80_days: int | None
    lapsed: int = 0  # vervallen in the period: its dossier closed within the term (never in the share)

    @property
    def share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class OverdueRow:
    ref: str
    norm_key: str
    due: date
    holder: str | None
    working_days: int


@dataclass
class Figures:
    period: Period
    as_of: date
    norms: dict[str, NormFigure] = field(default_factory=dict)
    new_meldingen: list[tuple[str, str, int]] = field(default_factory=list)  # category, wijkteam, n
    new_vragen: list[tuple[str, str, int]] = field(default_factory=list)  # topic, wijkteam, n
    open_dossiers: int = 0
    overdue: list[OverdueRow] = field(default_factory=list)  # the oldest ones
    overdue_dossiers: int = 0  # dossiers with a running deadline past its due date
    open_vragen: int = 0  # not answered yet
    overdue_vragen: int = 0  # not answered by their due date
    budgetbeheer_ended: int = 0
    budgetbeheer_self_reliant: int = 0
    budgetbeheer_running: int = 0  # the base still to come: trajecten running on the report date
    chain: ChainSummary | None = None  # phases and DDAS counts, for a team's quarter in /status

    @property
    def self_reliance(self) -> float | None:
        return self.budgetbeheer_self_reliant / self.budgetbeheer_ended if self.budgetbeheer_ended else None


def norm_key_expr() -> ColumnElement[str]:
    return case((Deadline.seq > 0, Deadline.norm + literal(TOETS_SUFFIX)), else_=Deadline.norm)


def _decided(period: Period, as_of: date) -> ColumnElement[bool]:
    """Decided in the period: its decision day (bot.norms.decided_on) inside it, up to the report
    date; a running deadline only once that day has passed (it is then missed)."""
    return and_(
        Deadline.dossier_id.is_not(None),
        Deadline.due_date.is_not(None),
        Deadline.status != DeadlineStatus.VERVALLEN,
        Deadline.decided_on.between(period.start, min(period.end, as_of)),
        or_(Deadline.status != DeadlineStatus.LOPEND, Deadline.decided_on < as_of),
    )


def _scoped(query, scope: Scope):  # type: ignore[no-untyped-def]
    """Join the dossiers only when the scope needs them: the unscoped figures read the index alone."""
    conditions = scope.dossier_filter()
    if not conditions:
        return query
    return query.join(Dossier, Dossier.id == Deadline.dossier_id).where(*conditions)


async def norm_figures(
    session: AsyncSession, period: Period, as_of: date, scope: Scope
) -> dict[str, NormFigure]:
    """Per norm, in one grouped pass: decided deadlines, how many within the term, and the lead times.

    Lead times are whole days, so the database returns a small histogram per norm (one row per
    distinct lead time) instead of every deadline; median and p80 are read off it by nearest rank.
    """
    toets = (Deadline.seq > 0).label("toets")
    on_time = case((within_term_sql(), 1), else_=0)
    lead = Deadline.lead_days  # NULL while not completed
    grouped = await session.execute(
        _scoped(
            select(Deadline.norm, toets, lead, func.count(), func.sum(on_time)).where(
                _decided(period, as_of)
            ),
            scope,
        ).group_by(Deadline.norm, toets, lead)
    )
    rows = [
        (norm + TOETS_SUFFIX if is_toets else norm, days, n, ok) for norm, is_toets, days, n, ok in grouped
    ]
    totals: dict[str, list[int]] = {}
    histograms: dict[str, list[tuple[int, int]]] = {}
    for k, days, n, ok in rows:
        total = totals.setdefault(k, [0, 0])
        total[0] += int(n)
        total[1] += int(ok or 0)
        if days is not None:
            histograms.setdefault(k, []).append((int(days), int(n)))
    lapsed = await _lapsed(session, period, as_of, scope)
    figures = {}
    for k in {*totals, *lapsed}:
        n, ok = totals.get(k, [0, 0])
        median, p80 = _nearest_rank(histograms.get(k, []), (0.5, 0.8))
        figures[k] = NormFigure(k, n, ok, median, p80, lapsed.get(k, 0))
    return figures


async def _lapsed(session: AsyncSession, period: Period, as_of: date, scope: Scope) -> dict[str, int]:
    """Per norm, the deadlines that lapsed (vervallen) in the period."""
    toets = (Deadline.seq > 0).label("toets")
    rows = await session.execute(
        _scoped(
            select(Deadline.norm, toets, func.count()).where(
                Deadline.dossier_id.is_not(None),
                Deadline.status == DeadlineStatus.VERVALLEN,
                Deadline.decided_on.between(period.start, min(period.end, as_of)),
            ),
            scope,
        ).group_by(Deadline.norm, toets)
    )
    return {norm + TOETS_SUFFIX if is_toets else norm: int(n) for norm, is_toets, n in rows}


def _nearest_rank(histogram: list[tuple[int, int]], shares: tuple[float, ...]) -> list[int | None]:
    """Percentiles of a (value, count) histogram: the smallest value whose cumulative count reaches
    ceil(p * n)."""
    total = sum(n for _, n in histogram)
    result: list[int | None] = []
    for share in shares:
        rank, seen, found = max(1, math.ceil(share * total)), 0, None
        for value, n in sorted(histogram):
            seen += n
            if seen >= rank:
                found = value
                break
        result.append(found if total else None)
    return result


def _bounds(period: Period, deps: Deps) -> tuple[datetime, datetime]:
    """The period's local days as an aware half-open datetime range."""
    start = datetime.combine(period.start, time(0), tzinfo=deps.calendar.tz)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=deps.calendar.tz)
    return start, end


async def compute(
    session: AsyncSession,
    deps: Deps,
    period: Period,
    scope: Scope,
    *,
    overdue_limit: int = 50,
    other: AsyncSession | None = None,
) -> Figures:
    """All figures for a period and scope, as of today (the overdue list: the oldest, up to a limit).

    Given a second session (its own connection), the per-norm figures, the heaviest query, run at
    the same time as the rest.
    """
    as_of = deps.today()
    figures = Figures(period, as_of)
    with off_loop():  # a quarter's reading: on SQLite in a worker thread, so nobody waits for it
        if other is None:
            figures.norms = await norm_figures(session, period, as_of, scope)
            await _counts(session, deps, figures, scope, overdue_limit)
        else:
            figures.norms, _ = await asyncio.gather(
                norm_figures(other, period, as_of, scope),
                _counts(session, deps, figures, scope, overdue_limit),
            )
    return figures


async def _counts(
    session: AsyncSession, deps: Deps, figures: Figures, scope: Scope, overdue_limit: int
) -> None:
    """Intake, open and overdue dossiers, self-reliance."""
    period, as_of = figures.period, figures.as_of
    start, end = _bounds(period, deps)
    rows = await session.execute(
        select(Dossier.category, Wijkteam.code, func.count())
        .join(Wijkteam, Wijkteam.id == Dossier.wijkteam_id)
        .where(Dossier.created_at >= start, Dossier.created_at < end, *scope.dossier_filter())
        .group_by(Dossier.category, Wijkteam.code)
        .order_by(Dossier.category, Wijkteam.code)
    )
    figures.new_meldingen = [(c, w, int(n)) for c, w, n in rows]
    vraag_scope: list[ColumnElement[bool]] = []
    if scope.wijkteam_id is not None:
        vraag_scope.append(Vraag.wijkteam_id == scope.wijkteam_id)
    if scope.holder_id is not None:
        vraag_scope.append(Vraag.assignee_id == scope.holder_id)
    rows = await session.execute(
        select(Vraag.topic, Wijkteam.code, func.count())
        .join(Wijkteam, Wijkteam.id == Vraag.wijkteam_id)
        .where(Vraag.created_at >= start, Vraag.created_at < end, *vraag_scope)
        .group_by(Vraag.topic, Wijkteam.code)
        .order_by(Vraag.topic, Wijkteam.code)
    )
    figures.new_vragen = [(t, w, int(n)) for t, w, n in rows]
    figures.open_dossiers = int(
        await session.scalar(
            select(func.count())
            .select_from(Dossier)
            .where(Dossier.status.in_([DossierStatus.NIEUW, DossierStatus.OPGEPAKT]), *scope.dossier_filter())
        )
        or 0
    )
    late = overdue_sql(as_of)
    figures.open_vragen = int(
        await session.scalar(
            select(func.count())
            .select_from(Vraag)
            .where(Vraag.status != VraagStatus.BEANTWOORD, *vraag_scope)
        )
        or 0
    )
    figures.overdue_vragen = int(
        await session.scalar(
            select(func.count(func.distinct(Deadline.vraag_id)))
            .join(Vraag, Vraag.id == Deadline.vraag_id)
            .where(late, *vraag_scope)
        )
        or 0
    )
    figures.overdue_dossiers = int(
        await session.scalar(
            _scoped(select(func.count(func.distinct(Deadline.dossier_id))).where(late), scope)
        )
        or 0
    )
    overdue = await session.execute(
        select(Dossier.ref, norm_key_expr(), Deadline.due_date, User.display_name)
        .join(Dossier, Dossier.id == Deadline.dossier_id)
        .outerjoin(User, User.id == Dossier.assignee_id)
        .where(late, *scope.dossier_filter())
        .order_by(Deadline.due_date, Dossier.ref)
        .limit(overdue_limit)
    )
    figures.overdue = [
        OverdueRow(ref, key, due, name, deps.calendar.working_days_between(due, as_of))
        for ref, key, due, name in overdue
        if due is not None
    ]
    await _self_reliance(session, figures, scope)


def _with_step(kind: Milestone, last: date) -> Select[Any]:
    return select(MilestoneRecord.dossier_id).where(MilestoneRecord.kind == kind, MilestoneRecord.day <= last)


async def _self_reliance(session: AsyncSession, figures: Figures, scope: Scope) -> None:
    """Budgetbeheer trajecten that ended in the period and how many ended self-reliant; a dossier
    closed while its budgetbeheer ran ended it too, not self-reliant (closing protects no share).
    And the base still to come: trajecten running on the period's last day (up to today)."""
    period, last = figures.period, min(figures.period.end, figures.as_of)
    step = MilestoneRecord
    ended = await session.execute(
        select(func.count(), func.sum(case((step.self_reliant.is_(True), 1), else_=0)))
        .select_from(step)
        .join(Dossier, Dossier.id == step.dossier_id)
        .where(
            step.kind == Milestone.EINDE_BUDGETBEHEER,
            step.day.between(period.start, last),
            *scope.dossier_filter(),
        )
    )
    n, reliant = ended.one()
    closed_running = await session.scalar(
        select(func.count())
        .select_from(step)
        .join(Dossier, Dossier.id == step.dossier_id)
        .where(
            step.kind == Milestone.AFGESLOTEN,
            step.day.between(period.start, last),
            step.dossier_id.in_(_with_step(Milestone.START_BUDGETBEHEER, last)),
            step.dossier_id.not_in(_with_step(Milestone.EINDE_BUDGETBEHEER, last)),
            *scope.dossier_filter(),
        )
    )
    figures.budgetbeheer_ended = int(n or 0) + int(closed_running or 0)
    figures.budgetbeheer_self_reliant = int(reliant or 0)
    running = await session.scalar(
        select(func.count())
        .select_from(Dossier)
        .where(
            Dossier.id.in_(_with_step(Milestone.START_BUDGETBEHEER, last)),
            Dossier.id.not_in(_with_step(Milestone.EINDE_BUDGETBEHEER, last)),
            Dossier.id.not_in(_with_step(Milestone.AFGESLOTEN, last)),
            *scope.dossier_filter(),
        )
    )
    figures.budgetbeheer_running = int(running or 0)


async def status_scope(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, wijkteam: str | None = None
) -> tuple[Scope, User]:
    """What the actor may see: a teamleider everything (or one wijkteam), a worker their own."""
    async with transaction(session):
        actor = await load_actor(session, actor_telegram_id)
        roles = user_roles(actor)
        if not may(roles, Action.VIEW_STATUS):
            raise NotAllowed()
        if may(roles, Action.VIEW_ALL):
            if wijkteam:
                team = await wijkteam_by_code(session, wijkteam)
                return Scope(wijkteam_id=team.id, wijkteam_name=team.naam), actor
            return Scope(), actor
        if wijkteam:
            raise DomainError(N_("Je ziet in /status je eigen zaken; typ /status zonder wijkteam."))
        return Scope(holder_id=actor.id), actor


@dataclass(frozen=True)
class StatusReport:
    """What /status and the Monday push show: this week, this quarter, the weekly trend."""

    scope: Scope
    week: Figures
    quarter: Figures
    trend: list[tuple[Period, Figures]]


async def status_report(
    session: AsyncSession, deps: Deps, scope: Scope, other: AsyncSession | None = None
) -> StatusReport:
    """This week's and this quarter's figures, and the trend of the last weeks (a second session
    lets the heaviest queries run side by side)."""
    today = deps.today()
    with off_loop():  # on SQLite in a worker thread, as in compute
        week = await compute(session, deps, week_of(today), scope, other=other)
        quarter = await compute(session, deps, quarter_of(today), scope, other=other)
        if scope.holder_id is None:  # a team's view: where its trajecten stand
            quarter.chain = summary(
                await dossier_data(session, deps, quarter.period, *scope.dossier_filter()), quarter.period
            )
        trend = []
        for period in previous_weeks(today, TREND_WEEKS):
            figures = Figures(period, today)
            figures.norms = await norm_figures(session, period, today, scope)
            trend.append((period, figures))
    return StatusReport(scope, week, quarter, trend)


async def status_for(
    session: AsyncSession,
    deps: Deps,
    actor_telegram_id: int,
    wijkteam: str | None = None,
    other: AsyncSession | None = None,
) -> StatusReport:
    """/status: the report for what the actor may see."""
    scope, _ = await status_scope(session, deps, actor_telegram_id, wijkteam)
    return await status_report(session, deps, scope, other)
