"""The kwartaalrapportage as tables: figures per norm (in total, per wijkteam, per category),
intake, self-reliance, and an anonymised dossier list (dates only, no free text).

Column names follow the Dutch camelCase style of the Gemeentelijk Gegevensmodel's schuldhulp model
(the information model of DDAS, Datadelen Armoede en Schulden) where a matching notion exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import AppConfig
from bot.models import Deadline, Dossier, MilestoneRecord, Wijkteam
from bot.periods import Period
from bot.services.common import Deps, transaction
from bot.services.kpi import TOETS_SUFFIX, NormFigure, Scope, compute, norm_figures
from bot.vocabulary import Category, ClockStatus, Milestone

Row = list[object]

MILESTONE_COLUMNS = [
    (Milestone.OPGEPAKT, "datumOpgepakt"),
    (Milestone.EERSTE_CONTACT, "datumEersteGesprek"),
    (Milestone.FINANCIELE_RUST, "datumFinancieleRust"),
    (Milestone.PLAN_VAN_AANPAK, "datumPlanVanAanpak"),
    (Milestone.STABILISATIE, "datumEindeStabilisatie"),
    (Milestone.START_SCHULDREGELING, "datumStartSchuldregeling"),
    (Milestone.MINNELIJKE_REGELING, "datumMinnelijkeRegeling"),
    (Milestone.EINDE_SCHULDREGELING, "datumEindeSchuldregeling"),
    (Milestone.START_BUDGETBEHEER, "datumStartBudgetbeheer"),
    (Milestone.EINDE_BUDGETBEHEER, "datumEindeBudgetbeheer"),
    (Milestone.START_BUDGETCOACHING, "datumStartBudgetcoaching"),
    (Milestone.EINDE_BUDGETCOACHING, "datumEindeBudgetcoaching"),
    (Milestone.AANMELDING_WSNP, "datumAanmeldingWsnp"),
    (Milestone.EINDRAPPORTAGE, "datumEindrapportage"),
    (Milestone.AFGESLOTEN, "datumEindeTraject"),
]

NORM_HEADER = [
    "norm",
    "naamNorm",
    "doelAandeel",
    "aantalBeslist",
    "aantalBinnenTermijn",
    "aandeelBinnenTermijn",
    "doelBehaald",
    "mediaanDoorlooptijdDagen",
    "p80DoorlooptijdDagen",
]


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[Row]


def norm_name(config: AppConfig, key: str) -> str:
    code = key.removesuffix(TOETS_SUFFIX)
    name = config.normen[code].naam if code in config.normen else code
    return f"{name} (toetsen)" if key.endswith(TOETS_SUFFIX) else name


def target(config: AppConfig, key: str) -> float | None:
    norm = config.normen.get(key.removesuffix(TOETS_SUFFIX))
    return norm.doel if norm else None


def norm_row(config: AppConfig, figure: NormFigure, *prefix: object) -> Row:
    goal = target(config, figure.key)
    share = figure.share
    reached = None if share is None or goal is None else ("ja" if share >= goal else "nee")
    return [
        *prefix,
        figure.key,
        norm_name(config, figure.key),
        goal,
        figure.decided,
        figure.on_time,
        None if share is None else round(share, 4),
        reached,
        figure.median_days,
        figure.p80_days,
    ]


async def quarterly_sheets(session: AsyncSession, deps: Deps, period: Period) -> list[Sheet]:
    """Every sheet of the kwartaalrapportage for a period, all wijkteams."""
    config, as_of = deps.config, deps.today()
    async with transaction(session):
        figures = await compute(session, deps, period, Scope())
        teams = list(await session.scalars(select(Wijkteam).order_by(Wijkteam.code)))
        per_team: list[Row] = []
        for team in teams:
            for figure in (await norm_figures(session, period, as_of, Scope(wijkteam_id=team.id))).values():
                per_team.append(norm_row(config, figure, team.code))
        per_category: list[Row] = []
        for category in Category:
            for figure in (
                await norm_figures(session, period, as_of, Scope(category=category.value))
            ).values():
                per_category.append(norm_row(config, figure, category.value))
        dossiers = await dossier_rows(session, deps, period)
    norms = [norm_row(config, f) for f in sorted(figures.norms.values(), key=lambda f: f.key)]
    intake = [["melding", c, w, n] for c, w, n in figures.new_meldingen]
    intake += [["vraag", t, w, n] for t, w, n in figures.new_vragen]
    share = figures.self_reliance
    return [
        Sheet("Normen", NORM_HEADER, norms),
        Sheet("Normen per wijkteam", ["wijkteam", *NORM_HEADER], per_team),
        Sheet("Normen per categorie", ["soortAanmelding", *NORM_HEADER], per_category),
        Sheet("Instroom", ["soort", "soortAanmelding", "wijkteam", "aantal"], intake),
        Sheet(
            "Zelfredzaamheid",
            ["periode", "aantalEindeBudgetbeheer", "aantalZelfredzaam", "aandeelZelfredzaam", "doelAandeel"],
            [
                [
                    period.label,
                    figures.budgetbeheer_ended,
                    figures.budgetbeheer_self_reliant,
                    None if share is None else round(share, 4),
                    0.5,
                ]
            ],
        ),
        dossiers,
        Sheet("Toelichting", ["onderwerp", "toelichting"], explanation(period, as_of)),
    ]


async def dossier_rows(session: AsyncSession, deps: Deps, period: Period) -> Sheet:
    """Dossiers active in the period: reference, category, wijkteam, milestone dates, days per clock."""
    norms = sorted(code for code, n in deps.config.normen.items() if n.termijn is not None)
    header = [
        "dossiernummer",
        "soortAanmelding",
        "wijkteam",
        "datumAanmelding",
        *[column for _, column in MILESTONE_COLUMNS],
        "redenEindeTraject",
    ]
    header += [f"doorlooptijdDagen_{code}" for code in norms] + [f"binnenTermijn_{code}" for code in norms]
    period_start = datetime.combine(period.start, time(0), tzinfo=deps.calendar.tz)
    active = (
        select(
            Dossier.id,
            Dossier.ref,
            Dossier.category,
            Wijkteam.code,
            Dossier.meldingsdatum,
            Dossier.close_reason,
        )
        .join(Wijkteam, Wijkteam.id == Dossier.wijkteam_id)
        .where(Dossier.meldingsdatum <= period.end)
        .where(or_(Dossier.closed_at.is_(None), Dossier.closed_at >= period_start))
        .order_by(Dossier.ref)
    )
    dossiers = list(await session.execute(active))
    ids = [row[0] for row in dossiers]
    firsts: dict[int, dict[str, date]] = {}
    clocks: dict[int, dict[str, Deadline]] = {}
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk : chunk + 5000]
        for dossier_id, kind, day in await session.execute(
            select(MilestoneRecord.dossier_id, MilestoneRecord.kind, MilestoneRecord.day)
            .where(MilestoneRecord.dossier_id.in_(part))
            .order_by(MilestoneRecord.day)
        ):
            firsts.setdefault(dossier_id, {}).setdefault(kind, day)
        for clock in await session.scalars(
            select(Deadline).where(Deadline.dossier_id.in_(part), Deadline.seq == 0)
        ):
            assert clock.dossier_id is not None
            clocks.setdefault(clock.dossier_id, {})[clock.norm] = clock
    as_of = min(deps.today(), period.end)
    rows: list[Row] = []
    for dossier_id, ref, category, team, meldingsdatum, reason in dossiers:
        dates = firsts.get(dossier_id, {})
        own = clocks.get(dossier_id, {})
        days: list[object] = []
        within: list[object] = []
        for code in norms:
            found = own.get(code)
            if found is None or found.status == ClockStatus.VERVALLEN:
                days.append(None)
                within.append(None)
                continue
            end = found.met_date if found.met_date is not None else as_of
            days.append((end - found.start_date).days)
            if found.met_date is not None and found.due_date is not None:
                within.append("ja" if found.met_date <= found.due_date else "nee")
            else:
                within.append("nee" if found.due_date is not None and found.due_date < as_of else "loopt")
        rows.append(
            [
                ref,
                category,
                team,
                meldingsdatum,
                *[dates.get(m.value) for m, _ in MILESTONE_COLUMNS],
                reason,
                *days,
                *within,
            ]
        )
    return Sheet("Dossiers", header, rows)


def explanation(period: Period, as_of: date) -> list[Row]:
    """The definitions, on a sheet of their own."""
    return [
        [
            "periode",
            f"{period.label}: {period.start.isoformat()} t/m {period.end.isoformat()}, "
            f"stand van {as_of.isoformat()}",
        ],
        [
            "beslist",
            "Een termijn telt mee in de periode waarin hij beslist is: op de datum van het eindproduct als "
            "dat binnen de termijn lag, anders op de uiterste datum (ook als de zaak nog loopt).",
        ],
        ["binnen termijn", "Het eindproduct is vastgelegd op of vóór de uiterste datum."],
        [
            "niet meegeteld",
            "Termijnen van zaken die eerder zijn afgesloten (vervallen), en normen zonder termijn.",
        ],
        [
            "doorlooptijd",
            "Kalenderdagen van de start van de termijn tot het eindproduct; mediaan en 80e percentiel "
            "(nearest rank) over de afgeronde termijnen die in de periode beslist zijn.",
        ],
        [
            "zelfredzaamheid",
            "Van de budgetbeheertrajecten die in de periode eindigden: het aandeel dat eindigde als "
            "financieel zelfredzaam (doel 50%).",
        ],
        [
            "dossiers",
            "Alle dossiers die in de periode liepen, alleen met nummer, soort, wijkteam en datums; "
            "geen vrije tekst en geen persoonsgegevens.",
        ],
    ]
