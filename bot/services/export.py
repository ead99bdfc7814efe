"""The kwartaalrapportage as tables a teamleider reads without help: figures per norm (in total,
per wijkteam, per category; every active norm, also without data), intake, self-reliance, the
trajecten per fase, production per month, the vroegsignalering and uitstroom counts, and an
anonymised dossier list (dates only, no free text) whose columns are DDAS's own paths where DDAS has
one. Names, not codes; shares as fractions the workbook shows as percentages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import ddas, ddas_figures
from bot.config import AppConfig
from bot.i18n import DEFAULT_LANGUAGE, Text
from bot.models import Deadline, Wijkteam
from bot.norms import verdict
from bot.periods import Period
from bot.rights import Action
from bot.services.common import Deps, load_actor, require, transaction
from bot.services.ddas_export import check_period
from bot.services.kpi import (
    NormFigure,
    Scope,
    compute,
    figure_keys,
    is_toets_key,
    meets,
    norm_code,
    norm_figures,
    target,
)
from bot.services.reportdata import dossier_data
from bot.vocabulary import VRAAG_TOPIC_LABELS, Beschikking, Category, Milestone, Verdict, VraagTopic

Row = list[object]
M = Milestone


@dataclass
class Sheet:
    """One table: a worksheet in the XLSX, a file in the CSV output."""

    name: str
    header: list[str]
    rows: list[Row]
    percent: frozenset[str] = field(default_factory=frozenset)  # columns holding shares (0-1)


def _nl(text: str) -> str:
    return Text(text).render(DEFAULT_LANGUAGE)


# -- the norms -------------------------------------------------------------------------------------

NORM_HEADER = [
    "Norm",
    "Doel",
    "Beslist",
    "Binnen termijn",
    "Aandeel binnen termijn",
    "Doel gehaald",
    "Mediaan doorlooptijd (dagen)",
    "8 van de 10 binnen (dagen)",
    "Vervallen",
]
NORM_PERCENT = frozenset({"Doel", "Aandeel binnen termijn"})


def norm_name(config: AppConfig, key: str) -> str:
    """A figure's name: the norm's, marked for the periodic toetsen."""
    name = config.norm_name(norm_code(key))
    return f"{name} (toetsen)" if is_toets_key(key) else name


def active_keys(config: AppConfig, category: Category | None = None) -> list[str]:
    """The figure keys of every active norm with a term (of one category's dossiers, if given),
    in the configuration's order."""
    keys = []
    for code, norm in config.active_norms.items():
        if norm.termijn is None:
            continue
        if category is not None and (norm.is_vraag_norm or not norm.applies_to(category)):
            continue
        keys += figure_keys(code, norm.toets_elke_maanden is not None)
    return keys


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("ja" if value else "nee")


def norm_rows(
    config: AppConfig, figures: dict[str, NormFigure], keys: Sequence[str], *prefix: object
) -> list[Row]:
    """One row per key, with zeros where nothing was decided yet."""
    rows = []
    for key in keys:
        figure = figures.get(key) or NormFigure(key, 0, 0, None, None)
        goal, share = target(config, key), figure.share
        rows.append(
            [
                *prefix,
                norm_name(config, key),
                goal,
                figure.decided,
                figure.on_time,
                share,
                _yes_no(meets(share, goal)),
                figure.median_days,
                figure.p80_days,
                figure.lapsed,
            ]
        )
    return rows


async def export_for(
    session: AsyncSession, deps: Deps, actor_telegram_id: int, period: Period
) -> list[Sheet]:
    """/export: the kwartaalrapportage for a teamleider or beheerder."""
    async with transaction(session):
        require(await load_actor(session, actor_telegram_id), Action.EXPORT)
    return await quarterly_sheets(session, deps, period)


async def quarterly_sheets(session: AsyncSession, deps: Deps, period: Period) -> list[Sheet]:
    """Every sheet of the kwartaalrapportage for a period, all wijkteams (for the command line;
    in the bot, export_for checks the right first). A period that has not begun is refused."""
    check_period(deps, period)
    config, as_of = deps.config, deps.today()
    async with transaction(session):
        figures = await compute(session, deps, period, Scope())
        teams = list(await session.scalars(select(Wijkteam).order_by(Wijkteam.naam)))
        per_team: list[Row] = []
        for team in teams:
            team_figures = await norm_figures(session, period, as_of, Scope(wijkteam_id=team.id))
            per_team += norm_rows(config, team_figures, active_keys(config), team.naam)
        per_category: list[Row] = []
        for category in Category:
            category_figures = await norm_figures(session, period, as_of, Scope(category=category.value))
            per_category += norm_rows(
                config, category_figures, active_keys(config, category), _nl(category.label)
            )
        data = await dossier_data(session, deps, period)
        deadlines = await _deadlines(session, [d.dossier_id for d in data])
    names = {team.code: team.naam for team in teams}
    intake = [["melding", _nl(Category(c).label), names.get(w, w), n] for c, w, n in figures.new_meldingen]
    intake += [
        ["vraag", _nl(VRAAG_TOPIC_LABELS[VraagTopic(t)]), names.get(w, w), n]
        for t, w, n in figures.new_vragen
    ]
    share = figures.self_reliance
    return [
        Sheet("Normen", NORM_HEADER, norm_rows(config, figures.norms, active_keys(config)), NORM_PERCENT),
        Sheet("Normen per wijkteam", ["Wijkteam", *NORM_HEADER], per_team, NORM_PERCENT),
        Sheet("Normen per categorie", ["Categorie", *NORM_HEADER], per_category, NORM_PERCENT),
        Sheet("Instroom", ["Soort", "Categorie of onderwerp", "Wijkteam", "Aantal"], intake),
        Sheet(
            "Zelfredzaamheid",
            ["Periode", "Budgetbeheer geëindigd", "Zelfredzaam", "Aandeel zelfredzaam", "Doel", "Nog lopend"],
            [
                [
                    period.label,
                    figures.budgetbeheer_ended,
                    figures.budgetbeheer_self_reliant,
                    share,
                    config.doelen.zelfredzaam_na_budgetbeheer,
                    figures.budgetbeheer_running,
                ]
            ],
            frozenset({"Aandeel zelfredzaam", "Doel"}),
        ),
        *chain_sheets(data, period),
        dossier_sheet(config, data, deadlines, min(as_of, period.end)),
        Sheet("Toelichting", ["Onderwerp", "Toelichting"], explanation(config, period, as_of)),
    ]


# -- the chain: phases, production, vroegsignalering, uitstroom --------------------------------------


def chain_sheets(data: Sequence[ddas.DossierData], period: Period) -> list[Sheet]:
    """Trajecten per fase, production per month, and the DDAS counts of the period."""
    phases = ddas_figures.phases(data)
    firsts = ddas_figures.months(period)
    month_names = [format_date(m, "LLLL yyyy", locale=DEFAULT_LANGUAGE) for m in firsts]
    production = ddas_figures.production(data, period)
    partners = ddas_figures.signal_partners(data, period)
    attempts = ddas_figures.attempts(data, period, list(dict.fromkeys(ddas.CONTACTSOORT_DDAS.values())))
    results = ddas_figures.eindresultaten(data, period)
    reasons = ddas_figures.uitstroomredenen(data, period)
    return [
        Sheet(
            "Trajecten per fase",
            ["Fase", f"Aantal op {period.end.strftime('%d-%m-%Y')}"],
            [[_nl(f.label), n] for f, n in phases.items()],
        ),
        Sheet(
            "Productie per maand",
            ["Product", *month_names, "Totaal"],
            [[_nl(p.label), *counts, sum(counts)] for p, counts in production.items()],
        ),
        Sheet(
            "Signaalpartners",
            ["signaalpartner.type", "Vroegsignalen"],
            [[p.ddas if p else "(niet vastgelegd)", n] for p, n in partners.items()],
        ),
        Sheet(
            "Contactpogingen",
            ["contactpoging.soort", "Pogingen", "Bereikt", "Aandeel bereikt"],
            [[a.soort, a.count, a.reached, a.share] for a in attempts],
            frozenset({"Aandeel bereikt"}),
        ),
        Sheet(
            "Eindresultaten",
            ["vroegsignaalzaak.resultaat", "Zaken"],
            [[r.ddas, n] for r, n in results.items()],
        ),
        Sheet(
            "Uitstroomredenen", ["uitstroom.reden", "Trajecten"], [[r.ddas, n] for r, n in reasons.items()]
        ),
    ]


# -- the dossier list --------------------------------------------------------------------------------

# (column, how to read it from the dossier): DDAS's own path where it has one
_FIRST = ddas.DossierData.first


def _day(data: ddas.DossierData, kind: Milestone) -> date | None:
    step = _FIRST(data, kind)
    return step.day if step else None


def _stabilisatie_start(data: ddas.DossierData) -> date | None:
    days = [
        d for kind in (M.FR_SCHULDEN_STABIEL, M.FR_VASTE_LASTEN, M.FR_SCHULDEISERS) if (d := _day(data, kind))
    ]
    return min(days) if days else None


def _beschikkingssoort(data: ddas.DossierData) -> str | None:
    step = _FIRST(data, M.BESCHIKKING)
    return ddas.BESCHIKKING_DDAS[Beschikking(step.uitkomst)] if step and step.uitkomst else None


DOSSIER_COLUMNS: list[tuple[str, Any]] = [
    ("meldingsdatum", lambda d: d.meldingsdatum),
    ("aanmelding.startdatum", lambda d: ddas.traject_start(d.category, d.meldingsdatum, d.facts())),
    ("aanmelding.crisisinterventie", lambda d: _yes_no(d.category is Category.BEDREIGENDE_SITUATIE)),
    ("vroegsignaal.signaalpartner.type", lambda d: d.signaalpartner.ddas if d.signaalpartner else None),
    ("vroegsignaalzaak.datum_opgepakt", lambda d: _day(d, M.OPGEPAKT)),
    ("datumAanbodEersteGesprek", lambda d: _day(d, M.AANBOD_EERSTE_GESPREK)),
    ("intake.startdatum", lambda d: _day(d, M.EERSTE_CONTACT)),
    ("intake.beschikkingsdatum", lambda d: _day(d, M.BESCHIKKING)),
    ("intake.beschikkingssoort", _beschikkingssoort),
    ("datumFinancieleRust", lambda d: _day(d, M.FINANCIELE_RUST)),
    ("planVanAanpak.datumAfronding", lambda d: _day(d, M.PLAN_VAN_AANPAK)),
    ("stabilisatie.startdatum", _stabilisatie_start),
    ("stabilisatie.einddatum", lambda d: _day(d, M.STABILISATIE)),
    ("datumStartSchuldregeling", lambda d: _day(d, M.START_SCHULDREGELING)),
    ("schuldregeling.datum", lambda d: _day(d, M.SCHULDREGELING_INGEDIEND)),
    ("schuldregeling.toegekend", lambda d: _day(d, M.MINNELIJKE_REGELING)),
    ("schuldregeling.afgewezen", lambda d: _day(d, M.SCHULDREGELING_AFGEWEZEN)),
    ("schuldregeling.ingetrokken", lambda d: _day(d, M.SCHULDREGELING_INGETROKKEN)),
    ("schuldregeling.datumVerzoekDwangakkoord", lambda d: _day(d, M.VERZOEK_DWANGAKKOORD)),
    ("begeleiding.Budgetbeheer.startdatum", lambda d: _day(d, M.START_BUDGETBEHEER)),
    ("begeleiding.Budgetbeheer.einddatum", lambda d: _day(d, M.EINDE_BUDGETBEHEER)),
    ("begeleiding.Budgetcoaching.startdatum", lambda d: _day(d, M.START_BUDGETCOACHING)),
    ("begeleiding.Budgetcoaching.einddatum", lambda d: _day(d, M.EINDE_BUDGETCOACHING)),
    ("datumAanmeldingWsnp", lambda d: _day(d, M.AANMELDING_WSNP)),
    ("nazorg.startdatum", lambda d: _day(d, M.EINDE_SCHULDREGELING)),
    ("datumEindrapportage", lambda d: _day(d, M.EINDRAPPORTAGE)),
    ("datumAfgesloten", lambda d: _day(d, M.AFGESLOTEN)),
    ("uitstroom.reden", lambda d: d.uitstroomreden.ddas if d.uitstroomreden else None),
    ("vroegsignaalzaak.resultaat", lambda d: d.eindresultaat.ddas if d.eindresultaat else None),
]

# Columns without a DDAS counterpart (or with one for some dossiers only), explained on the
# Toelichting sheet.
COLUMN_NOTES = {
    "dossiernummer": "Geen DDAS-veld: het nummer van het dossier in de bot; in de DDAS-levering de "
    "omschrijving van het traject en het ID van het vroegsignaal.",
    "meldingsdatum": "Geen DDAS-veld: de datum van de melding; bij vroegsignalering de datum in RIS, "
    "in DDAS de signaaldatum.",
    "datumAanbodEersteGesprek": "Geen DDAS-veld: het aanbod van een eerste gesprek na een "
    "vroegsignaal (Wgs).",
    "datumFinancieleRust": "Geen DDAS-veld: financiële rust uit de uitvraag (de drie criteria).",
    "datumStartSchuldregeling": "Geen DDAS-veld: de start van de schuldregeling; de termijn van 120 "
    "dagen telt vanaf de stabilisatie.",
    "datumAanmeldingWsnp": "Geen DDAS-veld: de aanmelding voor de WSNP.",
    "datumEindrapportage": "Geen DDAS-veld: de eindrapportage; na einde schuldregeling is het "
    "nazorg.einddatum.",
    "datumAfgesloten": "Geen DDAS-veld: de datum van afsluiten; bij een traject is het uitstroom.datum.",
    "vroegsignaalzaak.datum_opgepakt": "Alleen bij vroegsignalering een DDAS-veld; bij de andere "
    "categorieën de dag van Oppakken in de bot.",
}


async def _deadlines(session: AsyncSession, ids: list[int]) -> dict[int, dict[str, Deadline]]:
    """Per dossier its deadlines per norm (not the toetsen)."""
    found: dict[int, dict[str, Deadline]] = {}
    for chunk in range(0, len(ids), 5000):
        rows = await session.scalars(
            select(Deadline).where(Deadline.dossier_id.in_(ids[chunk : chunk + 5000]), Deadline.seq == 0)
        )
        for deadline in rows:
            assert deadline.dossier_id is not None
            found.setdefault(deadline.dossier_id, {})[deadline.norm] = deadline
    return found


def dossier_sheet(
    config: AppConfig,
    data: Sequence[ddas.DossierData],
    deadlines: dict[int, dict[str, Deadline]],
    as_of: date,
) -> Sheet:
    """Every dossier open at some point in the period: number, category, wijkteam, its steps up to
    the period's end, and per active norm the lead time and whether it was met."""
    norms = [(code, norm.naam) for code, norm in config.active_norms.items() if norm.termijn is not None]
    header = ["dossiernummer", "Categorie", "Wijkteam", *[c for c, _ in DOSSIER_COLUMNS]]
    header += [f"Doorlooptijd (dagen): {name}" for _, name in norms]
    header += [f"Binnen termijn: {name}" for _, name in norms]
    rows: list[Row] = []
    for dossier in data:
        cells = [_deadline_cells(deadlines.get(dossier.dossier_id, {}).get(code), as_of) for code, _ in norms]
        rows.append(
            [
                dossier.ref,
                _nl(dossier.category.label),
                dossier.wijkteam,
                *[read(dossier) for _, read in DOSSIER_COLUMNS],
                *[days for days, _ in cells],
                *[within for _, within in cells],
            ]
        )
    return Sheet("Dossiers", header, rows)


_WITHIN = {
    Verdict.GEHAALD: "ja",
    Verdict.TE_LAAT: "nee",
    Verdict.VERLOPEN: "nee, loopt nog",
    Verdict.NIET_GEHAALD: "nee",
    Verdict.LOPEND: "loopt",
    Verdict.GEEN_TERMIJN: "loopt",
}


def _deadline_cells(deadline: Deadline | None, as_of: date) -> tuple[int | None, str | None]:
    """Days from the deadline's start to its end product (to the day it was decided when it ended
    niet gehaald), empty while it runs; and binnen termijn: ja, nee, loopt or "nee, loopt nog";
    both empty for no deadline or a lapsed one."""
    if deadline is None:
        return None, None
    state = verdict(deadline.status, deadline.due_date, deadline.met_date, as_of)
    if state is Verdict.VERVALLEN:
        return None, None
    end = deadline.met_date or (deadline.decided_on if state is Verdict.NIET_GEHAALD else None)
    return (None if end is None else (end - deadline.start_date).days), _WITHIN[state]


def explanation(config: AppConfig, period: Period, as_of: date) -> list[Row]:
    """The definitions, on a sheet of their own."""
    rows: list[Row] = [
        [
            "periode",
            f"{period.label}: {period.start.strftime('%d-%m-%Y')} t/m {period.end.strftime('%d-%m-%Y')}, "
            f"stand van {as_of.strftime('%d-%m-%Y')}",
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
            "Termijnen van zaken die binnen de termijn zijn afgesloten: apart geteld (Vervallen), "
            "nooit in het aandeel. Normen zonder termijn tellen niet mee.",
        ],
        [
            "doorlooptijd",
            "Kalenderdagen van de start van de termijn tot het eindproduct; mediaan, en het aantal dagen "
            "waarbinnen 8 van de 10 afgeronde termijnen van de periode klaar waren. In de dossierlijst "
            "leeg zolang de termijn loopt.",
        ],
        [
            "zelfredzaamheid",
            "Van de budgetbeheertrajecten die in de periode eindigden: het aandeel dat eindigde als "
            f"financieel zelfredzaam (doel {config.doelen.zelfredzaam_na_budgetbeheer:.0%}); "
            "Nog lopend: de trajecten die op de laatste dag van de periode nog lopen; een zaak die "
            "wordt afgesloten terwijl het budgetbeheer loopt, telt als geëindigd zonder zelfredzaamheid.",
        ],
        [
            "trajecten per fase",
            "Open schuldhulptrajecten op de laatste dag van de periode, in de verste fase die ze bereikten: "
            "nazorg (na einde schuldregeling), WSNP, schuldregeling, lopend budgetbeheer, lopende "
            "budgetcoaching, stabilisatie (financiële rust of plan van aanpak in de maak, of een product "
            "dat al eindigde), intake (na het eerste gesprek), anders aanmelding. Een vroegsignaal is een "
            "traject vanaf de eerste stap van schuldhulp.",
        ],
        [
            "productie per maand",
            "Per maand hoeveel er startten: nieuwe vroegsignalen (meldingsdatum), nieuwe trajecten "
            "(aanmelding.startdatum), start budgetbeheer, budgetcoaching en schuldregeling, verzoek "
            "dwangakkoord, aanmelding WSNP, start nazorg (einde schuldregeling).",
        ],
        [
            "vroegsignalering",
            "Signaalpartners: vroegsignalen met een meldingsdatum in de periode. Contactpogingen: alle "
            "pogingen bij vroegsignalering in de periode (een eerste contact zonder eerdere poging telt als "
            "geslaagde poging); gesprek op kantoor en beeldbellen heten in DDAS Overige. Eindresultaten: "
            "zaken die in de periode zijn afgesloten, of die een schuldhulptraject werden (Verwijzing "
            "financieel).",
        ],
        ["uitstroomredenen", "Trajecten die in de periode zijn afgesloten, per reden."],
        [
            "dossiers",
            "Alle dossiers die in de periode liepen, met hun stappen tot en met de laatste dag van de "
            "periode; alleen nummer, categorie, wijkteam en datums: geen vrije tekst en geen "
            "persoonsgegevens. Kolommen met een punt in de naam zijn de paden van DDAS.",
        ],
    ]
    rows += [[f"kolom {column}", text] for column, text in COLUMN_NOTES.items()]
    for code, norm in config.active_norms.items():
        rows.append([f"norm {norm.naam}", f"{norm.toelichting} (code {code})" if norm.toelichting else code])
    return rows
