"""The DDAS delivery of a period: schuldhulpverlening.json (Uitwisselmodel v1.0) and
vroegsignalering.json (Uitwisselmodel v0.1), built from the dossiers by bot.ddas.

The state is the one at the end of the period: steps dated after it are left out, so a quarter
delivered late says what it would have said on its last day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import ddas
from bot.errors import DomainError
from bot.i18n import N_
from bot.periods import Period
from bot.services.common import Deps, transaction
from bot.services.reportdata import dossier_data
from bot.vocabulary import Category

SCHULDHULPVERLENING = "schuldhulpverlening.json"
VROEGSIGNALERING = "vroegsignalering.json"


@dataclass(frozen=True)
class Delivery:
    """Both DDAS documents of one period."""

    schuldhulpverlening: dict[str, Any]
    vroegsignalering: dict[str, Any]

    def write(self, folder: Path) -> list[Path]:
        """Write both files into the folder (made when missing), UTF-8, readable indentation."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, document in (
            (SCHULDHULPVERLENING, self.schuldhulpverlening),
            (VROEGSIGNALERING, self.vroegsignalering),
        ):
            path = folder / name
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            written.append(path)
        return written


def check_period(deps: Deps, period: Period) -> None:
    """A report is of a period that has begun."""
    if period.start > deps.today():
        raise DomainError(
            N_("{periode} is nog niet begonnen; kies een kwartaal tot en met het huidige."),
            periode=period.label,
        )


async def delivery(session: AsyncSession, deps: Deps, period: Period) -> Delivery:
    """The DDAS documents for every dossier open at some point in the period."""
    settings = deps.config.ddas
    if settings is None:
        raise DomainError(
            N_(
                "Voor een DDAS-levering zijn de gemeentecode en de leverancierscode nodig: "
                "vul [ddas] in de configuratie in."
            )
        )
    check_period(deps, period)
    async with transaction(session):
        data = await dossier_data(session, deps, period)
    header = {
        "startdatumLevering": period.start.isoformat(),
        "einddatumLevering": period.end.isoformat(),
        "aanleverdatumEnTijd": deps.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "codeGegevensleverancier": settings.leverancier,
    }
    trajecten = [t for d in data if (t := ddas.schuldhulptraject(d, settings.gemeentecode)) is not None]
    signals = [d for d in data if d.category is Category.VROEGSIGNALERING]
    return Delivery(
        schuldhulpverlening={
            **header,
            "leveringen": [
                {
                    "teller": 1,
                    "aanleverende_organisatie": {"gemeentecode": settings.gemeentecode},
                    "schuldhulptrajecten": trajecten,
                }
            ],
        },
        vroegsignalering={
            **header,
            "vroegsignalen": [ddas.vroegsignaal(d) for d in signals],
            "vroegsignaalzaken": [ddas.vroegsignaalzaak(d, settings.gemeentecode) for d in signals],
        },
    )
