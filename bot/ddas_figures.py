"""What a municipality asks of a quarter besides the norms, counted from DDAS's own data: trajecten
per fase on the last day, production per month, vroegsignalen per signaalpartner, contact attempts
per soort, eindresultaten and uitstroomredenen. Plain Python over bot.ddas.DossierData."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.ddas import (
    DossierData,
    Eindresultaat,
    Signaalpartner,
    Uitstroomreden,
    contactpogingen,
    resultaat,
    traject_start,
)
from bot.i18n import N_
from bot.periods import Period
from bot.vocabulary import FINANCIELE_RUST_CRITERIA, Category, Milestone

M = Milestone


class Fase(StrEnum):
    """Where an open schuldhulptraject stands (the phases of DDAS's traject, plus WSNP)."""

    AANMELDING = "aanmelding"
    INTAKE = "intake"
    STABILISATIE = "stabilisatie"
    SCHULDREGELING = "schuldregeling"
    BUDGETBEHEER = "budgetbeheer"
    BUDGETCOACHING = "budgetcoaching"
    WSNP = "wsnp"
    NAZORG = "nazorg"

    @property
    def label(self) -> str:
        return FASE_LABELS[self]


FASE_LABELS = {
    Fase.AANMELDING: N_("aanmelding"),
    Fase.INTAKE: N_("intake"),
    Fase.STABILISATIE: N_("stabilisatie"),
    Fase.SCHULDREGELING: N_("schuldregeling"),
    Fase.BUDGETBEHEER: N_("budgetbeheer"),
    Fase.BUDGETCOACHING: N_("budgetcoaching"),
    Fase.WSNP: N_("WSNP"),
    Fase.NAZORG: N_("nazorg"),
}


def fase(data: DossierData) -> Fase | None:
    """The furthest phase an open traject has reached, None for a closed dossier or one that is
    not a traject. A product that ran and ended leaves the traject in stabilisatie."""
    facts = data.facts()
    if traject_start(data.category, data.meldingsdatum, facts) is None or facts.get(M.AFGESLOTEN.value):
        return None

    def has(kind: Milestone) -> bool:
        return bool(facts.get(kind.value))

    if has(M.EINDE_SCHULDREGELING):
        return Fase.NAZORG
    if has(M.AANMELDING_WSNP):
        return Fase.WSNP
    if has(M.START_SCHULDREGELING):
        return Fase.SCHULDREGELING
    if has(M.START_BUDGETBEHEER) and not has(M.EINDE_BUDGETBEHEER):
        return Fase.BUDGETBEHEER
    if has(M.START_BUDGETCOACHING) and not has(M.EINDE_BUDGETCOACHING):
        return Fase.BUDGETCOACHING
    stabilising = (M.PLAN_VAN_AANPAK, *FINANCIELE_RUST_CRITERIA, M.START_BUDGETBEHEER, M.START_BUDGETCOACHING)
    if any(has(kind) for kind in stabilising):
        return Fase.STABILISATIE
    return Fase.INTAKE if has(M.EERSTE_CONTACT) else Fase.AANMELDING


def phases(data: Iterable[DossierData]) -> dict[Fase, int]:
    """Open trajecten per fase, every fase listed."""
    counted = Counter(f for d in data if (f := fase(d)) is not None)
    return {f: counted[f] for f in Fase}


class Product(StrEnum):
    """What the municipality buys and is invoiced for each month (seed: budgetbeheer,
    schuldregeling, dwangakkoord/WSNP, vroegsignalering)."""

    VROEGSIGNAAL = "vroegsignaal"
    AANMELDING = "aanmelding"
    BUDGETBEHEER = "budgetbeheer"
    BUDGETCOACHING = "budgetcoaching"
    SCHULDREGELING = "schuldregeling"
    DWANGAKKOORD = "dwangakkoord"
    WSNP = "wsnp"
    NAZORG = "nazorg"

    @property
    def label(self) -> str:
        return PRODUCT_LABELS[self]


PRODUCT_LABELS = {
    Product.VROEGSIGNAAL: N_("nieuwe vroegsignalen"),
    Product.AANMELDING: N_("nieuwe schuldhulptrajecten"),
    Product.BUDGETBEHEER: N_("start budgetbeheer"),
    Product.BUDGETCOACHING: N_("start budgetcoaching"),
    Product.SCHULDREGELING: N_("start schuldregeling"),
    Product.DWANGAKKOORD: N_("verzoek dwangakkoord"),
    Product.WSNP: N_("aanmelding WSNP"),
    Product.NAZORG: N_("start nazorg"),
}

_PRODUCT_STEP = {
    Product.BUDGETBEHEER: M.START_BUDGETBEHEER,
    Product.BUDGETCOACHING: M.START_BUDGETCOACHING,
    Product.SCHULDREGELING: M.START_SCHULDREGELING,
    Product.DWANGAKKOORD: M.VERZOEK_DWANGAKKOORD,
    Product.WSNP: M.AANMELDING_WSNP,
    Product.NAZORG: M.EINDE_SCHULDREGELING,
}


def months(period: Period) -> list[date]:
    """The first day of every month in the period."""
    first, result = period.start.replace(day=1), []
    while first <= period.end:
        result.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return result


def product_days(data: DossierData) -> dict[Product, date]:
    """The day each product started for this dossier (its first time)."""
    days: dict[Product, date] = {}
    if data.category is Category.VROEGSIGNALERING:
        days[Product.VROEGSIGNAAL] = data.meldingsdatum
    start = traject_start(data.category, data.meldingsdatum, data.facts())
    if start is not None:
        days[Product.AANMELDING] = start
    for product, kind in _PRODUCT_STEP.items():
        if (step := data.first(kind)) is not None:
            days[product] = step.day
    return days


def production(data: Iterable[DossierData], period: Period) -> dict[Product, list[int]]:
    """Per product, how many started in each month of the period."""
    firsts = months(period)
    table = {p: [0] * len(firsts) for p in Product}
    for dossier in data:
        for product, day in product_days(dossier).items():
            if period.start <= day <= period.end:
                table[product][firsts.index(day.replace(day=1))] += 1
    return table


@dataclass(frozen=True)
class AttemptFigure:
    soort: str  # DDAS EnumContactsoort
    count: int
    reached: int

    @property
    def share(self) -> float | None:
        return self.reached / self.count if self.count else None


def _within(day: date | None, period: Period) -> bool:
    return day is not None and period.start <= day <= period.end


def signal_partners(data: Sequence[DossierData], period: Period) -> dict[Signaalpartner | None, int]:
    """Vroegsignalen received in the period per kind of signaalpartner (None: not recorded)."""
    counted = Counter(
        d.signaalpartner
        for d in data
        if d.category is Category.VROEGSIGNALERING and _within(d.meldingsdatum, period)
    )
    table: dict[Signaalpartner | None, int] = {p: counted[p] for p in Signaalpartner}
    table[None] = counted[None]
    return table


def attempts(data: Sequence[DossierData], period: Period, soorten: Sequence[str]) -> list[AttemptFigure]:
    """Contact attempts of vroegsignaalzaken in the period per DDAS soort, with how many reached."""
    count: Counter[str] = Counter()
    reached: Counter[str] = Counter()
    for dossier in data:
        if dossier.category is not Category.VROEGSIGNALERING:
            continue
        for attempt in contactpogingen(dossier):
            if _within(date.fromisoformat(attempt["datum"]), period):
                soort = attempt.get("soort", "Overige")
                count[soort] += 1
                reached[soort] += bool(attempt["bereikt"])
    return [AttemptFigure(s, count[s], reached[s]) for s in soorten]


def _closed_on(data: DossierData) -> date | None:
    step = data.first(M.AFGESLOTEN)
    return step.day if step else None


def eindresultaten(data: Sequence[DossierData], period: Period) -> dict[Eindresultaat, int]:
    """Vroegsignaalzaken that reached their result in the period: closed with one, or became a
    traject (verwijzing financieel)."""
    counted: Counter[Eindresultaat] = Counter()
    for dossier in data:
        if dossier.category is not Category.VROEGSIGNALERING:
            continue
        result = resultaat(dossier)
        if result is None:
            continue
        decided = (
            _closed_on(dossier)
            if dossier.eindresultaat is not None
            else traject_start(dossier.category, dossier.meldingsdatum, dossier.facts())
        )
        if _within(decided, period):
            counted[result] += 1
    return {r: counted[r] for r in Eindresultaat}


def uitstroomredenen(data: Sequence[DossierData], period: Period) -> dict[Uitstroomreden, int]:
    """Trajecten that ended in the period, per uitstroomreden."""
    counted = Counter(
        d.uitstroomreden for d in data if d.uitstroomreden is not None and _within(_closed_on(d), period)
    )
    return {r: counted[r] for r in Uitstroomreden}


@dataclass(frozen=True)
class ChainSummary:
    """The essentials of the chain for /status: open trajecten per fase now, and what the period
    brought in and saw end."""

    phases: dict[Fase, int]
    new_signals: int
    new_trajecten: int
    ended: int  # trajecten that ended with an uitstroomreden in the period


def summary(data: Sequence[DossierData], period: Period) -> ChainSummary:
    made = production(data, period)
    return ChainSummary(
        phases(data),
        sum(made[Product.VROEGSIGNAAL]),
        sum(made[Product.AANMELDING]),
        sum(uitstroomredenen(data, period).values()),
    )
