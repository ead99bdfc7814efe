"""The kwartaalrapportage as tables a teamleider reads without help: figures per norm (in total,
per wijkteam, per category; every active norm, also without data), intake, self-reliance, the
trajecten per fase, production per month, the vroegsignalering and uitstroom counts, and an
anonymised dossier list (dates only, no free text) whose columns are DDAS's own paths where DDAS has
one. Names, not codes; shares as fractions the workbook shows as percentages.

The dossier list grows with the municipality (a quarter of a large one holds hundreds of thousands
of dossiers), so it is streamed: read in chunks in reference order, turned into rows in a worker
thread and kept in a temporary file (`RowSpool`) that the writers read back chunk by chunk; the
chain's counts are added up along the way and every other sheet is a grouped query. No more than a
chunk of dossiers is in memory, and the event loop only waits for the database (on SQLite not even
that: its statements run in a worker thread, `off_loop`).
"""

from __future__ import annotations

import asyncio
import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, Protocol, cast

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot import ddas, ddas_figures
from bot.config import AppConfig
from bot.i18n import DEFAULT_LANGUAGE, Text
from bot.models import Deadline, Dossier, MilestoneRecord, Wijkteam
from bot.norms import verdict
from bot.periods import Period
from bot.rights import Action
from bot.services.common import Deps, load_actor, require, transaction
from bot.services.ddas_export import check_period
from bot.services.kpi import (
    Figures,
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
from bot.services.reportdata import DOSSIER_FIELDS, STEP_FIELDS, active_in, add_steps, dossier_of
from bot.sqlite_inline import off_loop
from bot.vocabulary import VRAAG_TOPIC_LABELS, Beschikking, Category, Milestone, Verdict, VraagTopic

Row = list[object]
M = Milestone

CHUNK = 2000  # dossiers read, turned into rows and written at a time


class RowSpool:
    """The rows of a long table in a temporary file, appended a chunk at a time and read back in
    order (as often as needed), so that only one chunk is in memory. Removed when closed or no
    longer referenced."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the spool: close())
        self._end = 0
        self.count = 0

    def extend(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        self._file.seek(self._end)
        pickle.dump(list(rows), self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._end = self._file.tell()
        self.count += len(rows)

    def chunks(self) -> Iterator[list[Row]]:
        position = 0
        while position < self._end:
            self._file.seek(position)
            chunk: list[Row] = pickle.load(self._file)
            position = self._file.tell()
            yield chunk

    def __iter__(self) -> Iterator[Row]:
        for chunk in self.chunks():
            yield from chunk

    def __len__(self) -> int:
        return self.count

    def close(self) -> None:
        self._file.close()


@dataclass
class Sheet:
    """One table: a worksheet in the XLSX, a file in the CSV output. A long table's rows are in a
    RowSpool."""

    name: str
    header: list[str]
    rows: list[Row] | RowSpool
    percent: frozenset[str] = field(default_factory=frozenset)  # columns holding shares (0-1)

    def chunks(self) -> Iterator[Sequence[Row]]:
        """The rows a chunk at a time."""
        if isinstance(self.rows, RowSpool):
            yield from self.rows.chunks()
        else:
            for start in range(0, len(self.rows), CHUNK):
                yield self.rows[start : start + CHUNK]

    def close(self) -> None:
        """Remove a spooled table's temporary file (a no-op for the others)."""
        if isinstance(self.rows, RowSpool):
            self.rows.close()


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
    in the bot, export_for checks the right first). A period that has not begun is refused.

    The dossier list is streamed into a RowSpool (see the module's docstring); close the sheets
    (Sheet.close) when they are written, or let them go."""
    check_period(deps, period)
    config, as_of = deps.config, deps.today()
    dossiers, spool, chain = DossierRows(config, min(as_of, period.end)), RowSpool(), ChainCounts(period)

    def take(data: list[ddas.DossierData], deadlines: dict[int, dict[str, DeadlineDates]]) -> None:
        spool.extend(dossiers.rows(data, deadlines))
        chain.add(data)

    with off_loop():  # on SQLite, the quarter's reads wait in a worker thread, not on the loop
        async with transaction(session):
            teams = list(await session.scalars(select(Wijkteam).order_by(Wijkteam.naam)))
            scopes = [Scope(wijkteam_id=team.id) for team in teams]
            scopes += [Scope(category=category.value) for category in Category]
            side_by_side = asyncio.Semaphore(2)

            async def totals() -> Figures:
                async with side_by_side, AsyncSession(session.bind) as other:  # a connection of its own
                    return await compute(other, deps, period, Scope())

            async def scoped(scope: Scope) -> dict[str, NormFigure]:
                async with side_by_side, AsyncSession(session.bind) as other:
                    return await norm_figures(other, period, as_of, scope)

            # the grouped queries run in the database (and, on SQLite, in worker threads without the
            # GIL) while this session streams the dossier list: the two overlap. Each runs to its
            # end, also when another fails (a statement is never left running in a worker thread
            # while its connection closes); then the first failure is raised.
            outcomes = await asyncio.gather(
                totals(),
                stream_dossiers(session, deps, period, take),
                *(scoped(scope) for scope in scopes),
                return_exceptions=True,
            )
            failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
            if failures:
                spool.close()
                raise failures[0]
    figures = cast(Figures, outcomes[0])
    per_scope = cast(list[dict[str, NormFigure]], outcomes[2:])
    per_team: list[Row] = []
    for team, team_figures in zip(teams, per_scope[: len(teams)], strict=True):
        per_team += norm_rows(config, team_figures, active_keys(config), team.naam)
    per_category: list[Row] = []
    for category, category_figures in zip(Category, per_scope[len(teams) :], strict=True):
        per_category += norm_rows(
            config, category_figures, active_keys(config, category), _nl(category.label)
        )
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
        *chain.sheets(),
        Sheet("Dossiers", dossiers.header, spool),
        Sheet("Toelichting", ["Onderwerp", "Toelichting"], explanation(config, period, as_of)),
    ]


async def stream_dossiers(
    session: AsyncSession,
    deps: Deps,
    period: Period,
    take: Callable[[list[ddas.DossierData], dict[int, dict[str, DeadlineDates]]], None],
) -> None:
    """Every dossier open at some point in the period, in reference order, CHUNK at a time: each
    chunk (its DossierData, and per dossier its deadlines per norm) is handed to `take` in a
    worker thread, so that turning it into rows keeps nobody else waiting; meanwhile the next
    chunk is read. The dossiers come from one streamed query (a server-side cursor on
    PostgreSQL), their steps and deadlines per chunk; plain rows, no ORM objects. The same
    DossierData as reportdata.dossier_data gives (tests/test_export_stream.py holds them equal)."""
    connection = await session.connection()  # plain rows: no ORM on the way
    teams = {team_id: name for team_id, name in await connection.execute(select(Wijkteam.id, Wijkteam.naam))}
    dossiers = await connection.stream(
        select(*DOSSIER_FIELDS)
        .where(active_in(deps, period))
        .order_by(Dossier.ref)
        .execution_options(yield_per=CHUNK)
    )
    busy: asyncio.Future[None] | None = None
    try:
        async for chunk in dossiers.partitions(CHUNK):
            ids = [row[0] for row in chunk]
            steps = await _steps(connection, ids, period)
            deadlines = await _deadlines(connection, ids)
            if busy is not None:
                await busy  # one chunk in the worker at a time, in order
            busy = asyncio.ensure_future(asyncio.to_thread(_take, take, chunk, steps, deadlines, teams))
        if busy is not None:
            await busy
    finally:
        if busy is not None and not busy.done():
            await asyncio.wait([busy])  # never leave the worker writing after we return
        await dossiers.close()


async def _steps(
    connection: AsyncConnection, ids: Sequence[int], period: Period
) -> dict[int, list[ddas.Step]]:
    """Per dossier its steps up to the period's end, in the order they were taken."""
    steps: dict[int, list[ddas.Step]] = {}
    add_steps(
        steps,
        await connection.execute(
            select(MilestoneRecord.dossier_id, *STEP_FIELDS)
            .where(MilestoneRecord.dossier_id.in_(ids), MilestoneRecord.day <= period.end)
            .order_by(MilestoneRecord.day, MilestoneRecord.id)
        ),
    )
    return steps


def _take(
    take: Callable[[list[ddas.DossierData], dict[int, dict[str, DeadlineDates]]], None],
    chunk: Sequence[Any],
    steps: dict[int, list[ddas.Step]],
    deadlines: dict[int, dict[str, DeadlineDates]],
    teams: dict[int, str],
) -> None:
    """In the worker thread: the chunk's DossierData (a closing reason only when the dossier
    closed by the period's end), handed on."""
    data = [dossier_of(row, steps, teams) for row in chunk]
    take(data, deadlines)


# -- the chain: phases, production, vroegsignalering, uitstroom --------------------------------------


class ChainCounts:
    """The chain's counts of a period, added up chunk by chunk of dossiers (each one is a count
    per dossier, so the sums equal the counts over all of them)."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.soorten = list(dict.fromkeys(ddas.CONTACTSOORT_DDAS.values()))
        # every table with all its keys, in their order, at zero
        self.phases = ddas_figures.phases([])
        self.production = ddas_figures.production([], period)
        self.partners = ddas_figures.signal_partners([], period)
        self.attempts = ddas_figures.attempts([], period, self.soorten)
        self.results = ddas_figures.eindresultaten([], period)
        self.reasons = ddas_figures.uitstroomredenen([], period)

    def add(self, data: Sequence[ddas.DossierData]) -> None:
        period = self.period
        _add(self.phases, ddas_figures.phases(data))
        for product, counts in ddas_figures.production(data, period).items():
            self.production[product] = [a + b for a, b in zip(self.production[product], counts, strict=True)]
        _add(self.partners, ddas_figures.signal_partners(data, period))
        self.attempts = [
            ddas_figures.AttemptFigure(a.soort, a.count + b.count, a.reached + b.reached)
            for a, b in zip(self.attempts, ddas_figures.attempts(data, period, self.soorten), strict=True)
        ]
        _add(self.results, ddas_figures.eindresultaten(data, period))
        _add(self.reasons, ddas_figures.uitstroomredenen(data, period))

    def sheets(self) -> list[Sheet]:
        """Trajecten per fase, production per month, and the DDAS counts of the period."""
        period = self.period
        month_names = [
            format_date(m, "LLLL yyyy", locale=DEFAULT_LANGUAGE) for m in ddas_figures.months(period)
        ]
        return [
            Sheet(
                "Trajecten per fase",
                ["Fase", f"Aantal op {period.end.strftime('%d-%m-%Y')}"],
                [[_nl(f.label), n] for f, n in self.phases.items()],
            ),
            Sheet(
                "Productie per maand",
                ["Product", *month_names, "Totaal"],
                [[_nl(p.label), *counts, sum(counts)] for p, counts in self.production.items()],
            ),
            Sheet(
                "Signaalpartners",
                ["signaalpartner.type", "Vroegsignalen"],
                [[p.ddas if p else "(niet vastgelegd)", n] for p, n in self.partners.items()],
            ),
            Sheet(
                "Contactpogingen",
                ["contactpoging.soort", "Pogingen", "Bereikt", "Aandeel bereikt"],
                [[a.soort, a.count, a.reached, a.share] for a in self.attempts],
                frozenset({"Aandeel bereikt"}),
            ),
            Sheet(
                "Eindresultaten",
                ["vroegsignaalzaak.resultaat", "Zaken"],
                [[r.ddas, n] for r, n in self.results.items()],
            ),
            Sheet(
                "Uitstroomredenen",
                ["uitstroom.reden", "Trajecten"],
                [[r.ddas, n] for r, n in self.reasons.items()],
            ),
        ]


def _add(total: dict[Any, int], more: dict[Any, int]) -> None:
    for key, n in more.items():
        total[key] = total.get(key, 0) + n


def chain_sheets(data: Sequence[ddas.DossierData], period: Period) -> list[Sheet]:
    """Trajecten per fase, production per month, and the DDAS counts of the period."""
    counts = ChainCounts(period)
    counts.add(data)
    return counts.sheets()


# -- the dossier list --------------------------------------------------------------------------------

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


# (column, how to read it from the dossier: the day of its first step of a kind, or a function of
# it): DDAS's own path where it has one
DOSSIER_COLUMNS: list[tuple[str, Milestone | Callable[[ddas.DossierData], object]]] = [
    ("meldingsdatum", lambda d: d.meldingsdatum),
    ("aanmelding.startdatum", lambda d: ddas.traject_start(d.category, d.meldingsdatum, d.facts())),
    ("aanmelding.crisisinterventie", lambda d: _yes_no(d.category is Category.BEDREIGENDE_SITUATIE)),
    ("vroegsignaal.signaalpartner.type", lambda d: d.signaalpartner.ddas if d.signaalpartner else None),
    ("vroegsignaalzaak.datum_opgepakt", M.OPGEPAKT),
    ("datumAanbodEersteGesprek", M.AANBOD_EERSTE_GESPREK),
    ("intake.startdatum", M.EERSTE_CONTACT),
    ("intake.beschikkingsdatum", M.BESCHIKKING),
    ("intake.beschikkingssoort", _beschikkingssoort),
    ("datumFinancieleRust", M.FINANCIELE_RUST),
    ("planVanAanpak.datumAfronding", M.PLAN_VAN_AANPAK),
    ("stabilisatie.startdatum", _stabilisatie_start),
    ("stabilisatie.einddatum", M.STABILISATIE),
    ("datumStartSchuldregeling", M.START_SCHULDREGELING),
    ("schuldregeling.datum", M.SCHULDREGELING_INGEDIEND),
    ("schuldregeling.toegekend", M.MINNELIJKE_REGELING),
    ("schuldregeling.afgewezen", M.SCHULDREGELING_AFGEWEZEN),
    ("schuldregeling.ingetrokken", M.SCHULDREGELING_INGETROKKEN),
    ("schuldregeling.datumVerzoekDwangakkoord", M.VERZOEK_DWANGAKKOORD),
    ("begeleiding.Budgetbeheer.startdatum", M.START_BUDGETBEHEER),
    ("begeleiding.Budgetbeheer.einddatum", M.EINDE_BUDGETBEHEER),
    ("begeleiding.Budgetcoaching.startdatum", M.START_BUDGETCOACHING),
    ("begeleiding.Budgetcoaching.einddatum", M.EINDE_BUDGETCOACHING),
    ("datumAanmeldingWsnp", M.AANMELDING_WSNP),
    ("nazorg.startdatum", M.EINDE_SCHULDREGELING),
    ("datumEindrapportage", M.EINDRAPPORTAGE),
    ("datumAfgesloten", M.AFGESLOTEN),
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


class DeadlineDates(Protocol):
    """What a dossier row reads of a deadline (a Deadline, or a row of its columns)."""

    @property
    def status(self) -> str: ...
    @property
    def start_date(self) -> date: ...
    @property
    def due_date(self) -> date | None: ...
    @property
    def met_date(self) -> date | None: ...
    @property
    def decided_on(self) -> date | None: ...


class _DeadlineRow(NamedTuple):
    status: str
    start_date: date
    due_date: date | None
    met_date: date | None
    decided_on: date | None


async def _deadlines(connection: AsyncConnection, ids: Sequence[int]) -> dict[int, dict[str, DeadlineDates]]:
    """Per dossier its deadlines per norm (not the toetsen): the columns the list reads."""
    found: dict[int, dict[str, DeadlineDates]] = {}
    for chunk in range(0, len(ids), 5000):
        rows = await connection.execute(
            select(
                Deadline.dossier_id,
                Deadline.norm,
                Deadline.status,
                Deadline.start_date,
                Deadline.due_date,
                Deadline.met_date,
                Deadline.decided_on,
            ).where(Deadline.dossier_id.in_(ids[chunk : chunk + 5000]), Deadline.seq == 0)
        )
        for dossier_id, norm, status, start, due, met, decided in rows:
            assert dossier_id is not None
            found.setdefault(dossier_id, {})[norm] = _DeadlineRow(status, start, due, met, decided)
    return found


class DossierRows:
    """The dossier list's header and rows (see dossier_sheet), for a chunk of dossiers at a time."""

    def __init__(self, config: AppConfig, as_of: date) -> None:
        self.norms = [code for code, norm in config.active_norms.items() if norm.termijn is not None]
        names = [config.active_norms[code].naam for code in self.norms]
        self.header = ["dossiernummer", "Categorie", "Wijkteam", *[c for c, _ in DOSSIER_COLUMNS]]
        self.header += [f"Doorlooptijd (dagen): {name}" for name in names]
        self.header += [f"Binnen termijn: {name}" for name in names]
        self.as_of = as_of

    def rows(
        self, data: Sequence[ddas.DossierData], deadlines: dict[int, dict[str, DeadlineDates]]
    ) -> list[Row]:
        rows: list[Row] = []
        categories = {c: _nl(c.label) for c in Category}
        # the columns that are the day of a dossier's first step of a kind, and the others
        kinds = [read if isinstance(read, str) else None for _, read in DOSSIER_COLUMNS]
        functions = [(i, read) for i, (_, read) in enumerate(DOSSIER_COLUMNS) if not isinstance(read, str)]
        none = (None, None)
        for dossier in data:
            first: dict[str | None, date] = {}  # the day of the first step of each kind
            for step in reversed(dossier.steps):
                first[step.kind] = step.day
            columns: list[object] = [first.get(kind) for kind in kinds]
            for i, read in functions:
                columns[i] = read(dossier)
            own = deadlines.get(dossier.dossier_id, {})
            cells = [
                none if (deadline := own.get(code)) is None else _deadline_cells(deadline, self.as_of)
                for code in self.norms
            ]
            rows.append(
                [
                    dossier.ref,
                    categories[dossier.category],
                    dossier.wijkteam,
                    *columns,
                    *[days for days, _ in cells],
                    *[within for _, within in cells],
                ]
            )
        return rows


def dossier_sheet(
    config: AppConfig,
    data: Sequence[ddas.DossierData],
    deadlines: dict[int, dict[str, DeadlineDates]],
    as_of: date,
) -> Sheet:
    """Every dossier open at some point in the period: number, category, wijkteam, its steps up to
    the period's end, and per active norm the lead time and whether it was met."""
    dossiers = DossierRows(config, as_of)
    return Sheet("Dossiers", dossiers.header, dossiers.rows(data, deadlines))


_WITHIN = {
    Verdict.GEHAALD: "ja",
    Verdict.TE_LAAT: "nee",
    Verdict.VERLOPEN: "nee, loopt nog",
    Verdict.NIET_GEHAALD: "nee",
    Verdict.LOPEND: "loopt",
    Verdict.GEEN_TERMIJN: "loopt",
}


def _deadline_cells(deadline: DeadlineDates | None, as_of: date) -> tuple[int | None, str | None]:
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
