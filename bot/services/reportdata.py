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

_CHUNK = 5000  # ids per IN (...) list, well under every database's parameter limit


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
    dossiers (a wijkteam, say)."""
    dossiers = list(
        await session.scalars(select(Dossier).where(active_in(deps, period), *where).order_by(Dossier.ref))
    )
    teams = {team_id: name for team_id, name in await session.execute(select(Wijkteam.id, Wijkteam.naam))}
    steps: dict[int, list[ddas.Step]] = {}
    ids = [d.id for d in dossiers]
    for chunk in range(0, len(ids), _CHUNK):
        rows = await session.scalars(
            select(MilestoneRecord)
            .where(
                MilestoneRecord.dossier_id.in_(ids[chunk : chunk + _CHUNK]), MilestoneRecord.day <= period.end
            )
            .order_by(MilestoneRecord.day, MilestoneRecord.id)
        )
        for row in rows:
            steps.setdefault(row.dossier_id, []).append(
                ddas.Step(row.kind, row.day, row.contact_way, row.reached, row.dagdeel, row.uitkomst)
            )
    result = []
    for dossier in dossiers:
        own = steps.get(dossier.id, [])
        closed = any(s.kind == Milestone.AFGESLOTEN for s in own)  # by the end of the period
        result.append(
            ddas.DossierData(
                ref=dossier.ref,
                dossier_id=dossier.id,
                wijkteam=teams.get(dossier.wijkteam_id, ""),
                category=Category(dossier.category),
                meldingsdatum=dossier.meldingsdatum,
                steps=own,
                signaalpartner=ddas.Signaalpartner(dossier.signaalpartner)
                if dossier.signaalpartner
                else None,
                organisatie=dossier.organisatie,
                crisissignaal=dossier.crisissignaal,
                warme_overdracht=dossier.warme_overdracht,
                eindresultaat=(
                    ddas.Eindresultaat(dossier.eindresultaat) if closed and dossier.eindresultaat else None
                ),
                uitstroomreden=(
                    ddas.Uitstroomreden(dossier.uitstroomreden) if closed and dossier.uitstroomreden else None
                ),
            )
        )
    return result
