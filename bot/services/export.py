"""The kwartaalrapportage as tables: figures per norm (in total, per wijkteam, per category),
intake, self-reliance, and an anonymised dossier list (dates only, no free text).

Column names are Dutch camelCase (datumAanmelding, ...); the closing reasons carry DDAS's own
values and paths (uitstroom.reden, vroegsignaalzaak.resultaat). The DDAS delivery itself is
bot.services.ddas_export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import AppConfig
from bot.ddas import Eindresultaat, Uitstroomreden
from bot.models import Deadline, Dossier, MilestoneRecord, Wijkteam
from bot.norms import verdict
from bot.periods import Period
from bot.rights import Action
from bot.services.common import Deps, load_actor, require, transaction
from bot.services.kpi import NormFigure, Scope, compute, is_toets_key, meets, norm_code, norm_figures, target
from bot.vocabulary import Category, Milestone, Verdict

Row = list[object]

MILESTONE_COLUMNS = [
    (Milestone.OPGEPAKT, "datumOpgepakt"),
    (Milestone.AANBOD_EERSTE_GESPREK, "datumAanbodEersteGesprek"),
    (Milestone.EERSTE_CONTACT, "datumEersteGesprek"),
    (Milestone.BESCHIKKING, "datumBeschikking"),
    (Milestone.FINANCIELE_RUST, "datumFinancieleRust"),
    (Milestone.PLAN_VAN_AANPAK, "datumPlanVanAanpak"),
    (Milestone.STABILISATIE, "datumEindeStabilisatie"),
    (Milestone.START_SCHULDREGELING, "datumStartSchuldregeling"),
    (Milestone.SCHULDREGELING_INGEDIEND, "datumIndieningSchuldregeling"),
    (Milestone.MINNELIJKE_REGELING, "datumMinnelijkeRegeling"),
    (Milestone.SCHULDREGELING_AFGEWEZEN, "datumAfwijzingSchuldregeling"),
    (Milestone.VERZOEK_DWANGAKKOORD, "datumVerzoekDwangakkoord"),
    (Milestone.SCHULDREGELING_INGETROKKEN, "datumIntrekkingSchuldregeling"),
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
    "aantalVervallen",
]


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[Row]


def norm_name(config: AppConfig, key: str) -> str:
    """A figure's name: the norm's, marked for the periodic toetsen."""
    name = config.norm_name(norm_code(key))
    return f"{name} (toetsen)" if is_toets_key(key) else name


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("ja" if value else "nee")


def norm_row(config: AppConfig, figure: NormFigure, *prefix: object) -> Row:
    goal = target(config, figure.key)
    share = figure.share
    return [
        *prefix,
        figure.key,
        norm_name(config, figure.key),
        goal,
        figure.decided,
        figure.on_time,
        None if share is None else round(share, 4),
        _yes_no(meets(share, goal)),
        figure.median_days,
        figure.p80_days,
        figure.lapsed,
    ]


async def export_for(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, period: Period
) -> list[Sheet]:
    """/export: the kwartaalrapportage for a teamleider or beheerder."""
    async with transaction(session):
        require(await load_actor(session, actor_telegram_id), Action.EXPORT)
    return await quarterly_sheets(session, deps, period)


async def quarterly_sheets(session: AsyncSession, deps: Deps, period: Period) -> list[Sheet]:
    """Every sheet of the kwartaalrapportage for a period, all wijkteams (for the command line;
    in the bot, export_for checks the right first)."""
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
            [
                "periode",
                "aantalEindeBudgetbeheer",
                "aantalZelfredzaam",
                "aandeelZelfredzaam",
                "doelAandeel",
                "aantalLopend",
            ],
            [
                [
                    period.label,
                    figures.budgetbeheer_ended,
                    figures.budgetbeheer_self_reliant,
                    None if share is None else round(share, 4),
                    config.doelen.zelfredzaam_na_budgetbeheer,
                    figures.budgetbeheer_running,
                ]
            ],
        ),
        dossiers,
        Sheet("Toelichting", ["onderwerp", "toelichting"], explanation(config, period, as_of)),
    ]


async def dossier_rows(session: AsyncSession, deps: Deps, period: Period) -> Sheet:
    """Dossiers active in the period: reference, category, wijkteam, milestone dates, days per deadline."""
    norms = sorted(code for code, n in deps.config.normen.items() if n.termijn is not None)
    header = [
        "dossiernummer",
        "soortAanmelding",
        "wijkteam",
        "datumAanmelding",
        *[column for _, column in MILESTONE_COLUMNS],
        "uitstroom.reden",
        "vroegsignaalzaak.resultaat",
    ]
    header += [f"doorlooptijdDagen_{code}" for code in norms] + [f"binnenTermijn_{code}" for code in norms]
    dossiers = await _active_dossiers(session, deps, period)
    firsts, deadlines = await _dates_and_deadlines(session, [row[0] for row in dossiers])
    as_of = min(deps.today(), period.end)
    rows: list[Row] = []
    for dossier_id, ref, category, team, meldingsdatum, uitstroom, eindresultaat in dossiers:
        dates = firsts.get(dossier_id, {})
        cells = [_deadline_cells(deadlines.get(dossier_id, {}).get(code), as_of) for code in norms]
        rows.append(
            [
                ref,
                category,
                team,
                meldingsdatum,
                *[dates.get(m.value) for m, _ in MILESTONE_COLUMNS],
                Uitstroomreden(uitstroom).ddas if uitstroom else None,
                Eindresultaat(eindresultaat).ddas if eindresultaat else None,
                *[days for days, _ in cells],
                *[within for _, within in cells],
            ]
        )
    return Sheet("Dossiers", header, rows)


def active_in(deps: Deps, period: Period) -> ColumnElement[bool]:
    """A dossier open at some point in the period: reported by its end, not closed before it."""
    period_start = datetime.combine(period.start, time(0), tzinfo=deps.calendar.tz)
    return and_(
        Dossier.meldingsdatum <= period.end,
        or_(Dossier.closed_at.is_(None), Dossier.closed_at >= period_start),
    )


async def _active_dossiers(session: AsyncSession, deps: Deps, period: Period) -> list[Any]:
    """Every dossier open at some point in the period."""
    active = (
        select(
            Dossier.id,
            Dossier.ref,
            Dossier.category,
            Wijkteam.code,
            Dossier.meldingsdatum,
            Dossier.uitstroomreden,
            Dossier.eindresultaat,
        )
        .join(Wijkteam, Wijkteam.id == Dossier.wijkteam_id)
        .where(active_in(deps, period))
        .order_by(Dossier.ref)
    )
    return list(await session.execute(active))


_CHUNK = 5000  # ids per IN (...) list, well under every database's parameter limit


async def _dates_and_deadlines(
    session: AsyncSession, ids: list[int]
) -> tuple[dict[int, dict[str, date]], dict[int, dict[str, Deadline]]]:
    """Per dossier the first date of each milestone, and its deadlines per norm (not the toetsen)."""
    firsts: dict[int, dict[str, date]] = {}
    deadlines: dict[int, dict[str, Deadline]] = {}
    for chunk in range(0, len(ids), _CHUNK):
        part = ids[chunk : chunk + _CHUNK]
        for dossier_id, kind, day in await session.execute(
            select(MilestoneRecord.dossier_id, MilestoneRecord.kind, MilestoneRecord.day)
            .where(MilestoneRecord.dossier_id.in_(part))
            .order_by(MilestoneRecord.day)
        ):
            firsts.setdefault(dossier_id, {}).setdefault(kind, day)
        for deadline in await session.scalars(
            select(Deadline).where(Deadline.dossier_id.in_(part), Deadline.seq == 0)
        ):
            assert deadline.dossier_id is not None
            deadlines.setdefault(deadline.dossier_id, {})[deadline.norm] = deadline
    return firsts, deadlines


_WITHIN = {
    Verdict.GEHAALD: "ja",
    Verdict.TE_LAAT: "nee",
    Verdict.VERLOPEN: "nee",
    Verdict.NIET_GEHAALD: "nee",
    Verdict.LOPEND: "loopt",
    Verdict.GEEN_TERMIJN: "loopt",
}


def _deadline_cells(deadline: Deadline | None, as_of: date) -> tuple[int | None, str | None]:
    """Days from the deadline's start to its end product (to the day it was decided when it ended
    niet gehaald; to the report date while it runs), and binnenTermijn: ja, nee or loopt; empty
    for no deadline or a lapsed one."""
    if deadline is None:
        return None, None
    state = verdict(deadline.status, deadline.due_date, deadline.met_date, as_of)
    if state is Verdict.VERVALLEN:
        return None, None
    end = deadline.met_date or (deadline.decided_on if state is Verdict.NIET_GEHAALD else None) or as_of
    return (end - deadline.start_date).days, _WITHIN[state]


def explanation(config: AppConfig, period: Period, as_of: date) -> list[Row]:
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
            "dat binnen de termijn lag, anders op de uiterste datum (ook als de zaak nog loopt of later "
            "wordt afgesloten). Eindigt een traject zonder eindproduct (budgetcoaching zonder dat de "
            "inwoner zelfredzaam is), dan is de termijn niet gehaald op de einddatum, of op de "
            "uiterste datum als die eerder lag. Een termijn die later is ontstaan (een stap die laat is "
            "vastgelegd) telt op de dag dat hij ontstond, nooit in een periode die al gerapporteerd is.",
        ],
        ["binnen termijn", "Het eindproduct is vastgelegd op of vóór de uiterste datum."],
        [
            "vervallen",
            "Termijnen van zaken die binnen de termijn zijn afgesloten: apart geteld (aantalVervallen), "
            "nooit in het aandeel. Normen zonder termijn tellen niet mee.",
        ],
        [
            "doorlooptijd",
            "Kalenderdagen van de start van de termijn tot het eindproduct; mediaan en 80e percentiel "
            "(nearest rank) over de afgeronde termijnen die in de periode beslist zijn.",
        ],
        [
            "zelfredzaamheid",
            "Van de budgetbeheertrajecten die in de periode eindigden: het aandeel dat eindigde als "
            f"financieel zelfredzaam (doel {config.doelen.zelfredzaam_na_budgetbeheer:.0%}); "
            "aantalLopend: de trajecten die op de laatste dag van de periode nog lopen; een zaak die "
            "wordt afgesloten terwijl het budgetbeheer loopt, telt als geëindigd zonder zelfredzaamheid.",
        ],
        [
            "dossiers",
            "Alle dossiers die in de periode liepen, alleen met nummer, soort, wijkteam en datums; "
            "geen vrije tekst en geen persoonsgegevens.",
        ],
    ]
