"""What the reports read: the dossiers open in a period with their steps up to its end."""

from __future__ import annotations

from datetime import datetime, time

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


async def dossier_data(
    session: AsyncSession, deps: Deps, period: Period, *where: ColumnElement[bool]
) -> list[ddas.DossierData]:
    """Every dossier open at some point in the period, with its steps up to the period's end (a
    closing reason only when it closed by then), ordered by reference; `where` narrows the
    dossiers (a wijkteam, say). Columns, not ORM objects: a quarter holds tens of thousands."""
    chosen = (active_in(deps, period), *where)
    teams = {team_id: name for team_id, name in await session.execute(select(Wijkteam.id, Wijkteam.naam))}
    steps: dict[int, list[ddas.Step]] = {}
    step_rows = await session.execute(
        select(
            MilestoneRecord.dossier_id,
            MilestoneRecord.kind,
            MilestoneRecord.day,
            MilestoneRecord.contact_way,
            MilestoneRecord.reached,
            MilestoneRecord.dagdeel,
            MilestoneRecord.uitkomst,
        )
        .join(Dossier, Dossier.id == MilestoneRecord.dossier_id)
        .where(*chosen, MilestoneRecord.day <= period.end)
        .order_by(MilestoneRecord.day, MilestoneRecord.id)
    )
    for dossier_id, kind, day, way, reached, dagdeel, uitkomst in step_rows:
        steps.setdefault(dossier_id, []).append(ddas.Step(kind, day, way, reached, dagdeel, uitkomst))
    rows = await session.execute(
        select(
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
        .where(*chosen)
        .order_by(Dossier.ref)
    )
    result = []
    for (
        dossier_id,
        ref,
        wijkteam_id,
        category,
        meldingsdatum,
        signaalpartner,
        organisatie,
        crisissignaal,
        warme_overdracht,
        eindresultaat,
        uitstroomreden,
    ) in rows:
        own = steps.get(dossier_id, [])
        closed = any(s.kind == Milestone.AFGESLOTEN for s in own)  # by the end of the period
        result.append(
            ddas.DossierData(
                ref=ref,
                dossier_id=dossier_id,
                wijkteam=teams.get(wijkteam_id, ""),
                category=Category(category),
                meldingsdatum=meldingsdatum,
                steps=own,
                signaalpartner=ddas.Signaalpartner(signaalpartner) if signaalpartner else None,
                organisatie=organisatie,
                crisissignaal=crisissignaal,
                warme_overdracht=warme_overdracht,
                eindresultaat=ddas.Eindresultaat(eindresultaat) if closed and eindresultaat else None,
                uitstroomreden=ddas.Uitstroomreden(uitstroomreden) if closed and uitstroomreden else None,
            )
        )
    return result
