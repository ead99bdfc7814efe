"""What the reports read: the dossiers open in a period with their steps up to its end."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import ddas
from bot.models import Dossier, MilestoneRecord, Wijkteam
from bot.periods import Period
from bot.services.common import Deps
from bot.vocabulary import Category, Milestone


def active_in(deps: Deps, period: Period) -> ColumnElement[bool]:
    """A dossier open at some point in the period: reported by its end, not closed before it."""
    period_start = datetime.combine(period.start, time(0), tzinfo=deps.calendar.tz)
    return and_(
        Dossier.meldingsdatum <= period.end,
        or_(Dossier.closed_at.is_(None), Dossier.closed_at >= period_start),
    )


DOSSIER_FIELDS = (  # what a report reads of a dossier, in the order dossier_of takes it
    Dossier.id,
    Dossier.ref,
    Dossier.wijkteam_id,
    Dossier.category,
    Dossier.meldingsdatum,
    Dossier.signaalpartner,
    Dossier.organisatie,
    Dossier.crisissignaal,
    Dossier.warme_overdracht,
    Dossier.eindresultaat,
    Dossier.uitstroomreden,
)
STEP_FIELDS = (  # and of a step, after its dossier_id, in the order of ddas.Step
    MilestoneRecord.kind,
    MilestoneRecord.day,
    MilestoneRecord.contact_way,
    MilestoneRecord.reached,
    MilestoneRecord.dagdeel,
    MilestoneRecord.uitkomst,
)


def add_steps(steps: dict[int, list[ddas.Step]], rows: Iterable[Any]) -> None:
    """Rows of (dossier_id, *STEP_FIELDS), in the order the steps were taken, per dossier."""
    for dossier_id, *step in rows:
        steps.setdefault(dossier_id, []).append(ddas.Step(*step))


def dossier_of(
    row: Sequence[Any], steps: dict[int, list[ddas.Step]], teams: dict[int, str]
) -> ddas.DossierData:
    """A row of DOSSIER_FIELDS with its steps up to the period's end: a closing reason only when
    it closed by then."""
    dossier_id, ref, team, category, melding, partner, organisatie, crisis, warm, result, reason = row
    own = steps.get(dossier_id, [])
    closed = any(s.kind == Milestone.AFGESLOTEN for s in own)
    return ddas.DossierData(
        ref=ref,
        dossier_id=dossier_id,
        wijkteam=teams.get(team, ""),
        category=Category(category),
        meldingsdatum=melding,
        steps=own,
        signaalpartner=ddas.Signaalpartner(partner) if partner else None,
        organisatie=organisatie,
        crisissignaal=crisis,
        warme_overdracht=warm,
        eindresultaat=ddas.Eindresultaat(result) if closed and result else None,
        uitstroomreden=ddas.Uitstroomreden(reason) if closed and reason else None,
    )


async def dossier_data(
    session: AsyncSession, deps: Deps, period: Period, *where: ColumnElement[bool]
) -> list[ddas.DossierData]:
    """Every dossier open at some point in the period, with its steps up to the period's end,
    ordered by reference; `where` narrows the dossiers (a wijkteam, say). Columns, not ORM
    objects: a quarter holds tens of thousands."""
    chosen = (active_in(deps, period), *where)
    teams = {team_id: name for team_id, name in await session.execute(select(Wijkteam.id, Wijkteam.naam))}
    steps: dict[int, list[ddas.Step]] = {}
    add_steps(
        steps,
        await session.execute(
            select(MilestoneRecord.dossier_id, *STEP_FIELDS)
            .join(Dossier, Dossier.id == MilestoneRecord.dossier_id)
            .where(*chosen, MilestoneRecord.day <= period.end)
            .order_by(MilestoneRecord.day, MilestoneRecord.id)
        ),
    )
    rows = await session.execute(select(*DOSSIER_FIELDS).where(*chosen).order_by(Dossier.ref))
    return [dossier_of(row, steps, teams) for row in rows]
