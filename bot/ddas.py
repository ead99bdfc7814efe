"""DDAS (Data Standaard Schuldhulpverlening, VNG Realisatie): its enumerations as the bot records
them, and the rule that turns a dossier's steps into DDAS's own structure.

Two exchange models: schuldhulpverlening (Uitwisselmodel v1.0: leveringen with
schuldhulptrajecten) and vroegsignalering (Uitwisselmodel v0.1: vroegsignalen and
vroegsignaalzaken). Every value here is DDAS's own spelling; the bot stores a short code and shows
a Dutch label. README.md ("DDAS") has the mapping table; nothing here holds personal data, so
every `client` object stays empty for the municipality's registration system to fill.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.i18n import N_
from bot.vocabulary import FINANCIELE_RUST_CRITERIA, Beschikking, Category, ContactWay, Dagdeel, Milestone

M = Milestone


class Signaalpartner(StrEnum):
    """Who sent a vroegsignaal (DDAS EnumSignaalpartner)."""

    ENERGIE = "energie"
    HUUR = "huur"
    HYPOTHEEK = "hypotheek"
    ZORG = "zorg"
    CAK_ZORGVERZEKERINGEN = "cak_zvw"
    CAK_EIGEN_BIJDRAGE = "cak_eigen_bijdrage"
    WATER = "water"
    DUO = "duo"
    BELASTINGDIENST = "belastingdienst"
    DIENST_TOESLAGEN = "toeslagen"
    OVERIGE = "overige"

    @property
    def label(self) -> str:
        return SIGNAALPARTNER_LABELS[self]

    @property
    def ddas(self) -> str:
        return SIGNAALPARTNER_DDAS[self]


SIGNAALPARTNER_LABELS = {
    Signaalpartner.ENERGIE: N_("energie"),
    Signaalpartner.HUUR: N_("huur"),
    Signaalpartner.HYPOTHEEK: N_("hypotheek"),
    Signaalpartner.ZORG: N_("zorgverzekeraar"),
    Signaalpartner.CAK_ZORGVERZEKERINGEN: N_("CAK zorgverzekeringen"),
    Signaalpartner.CAK_EIGEN_BIJDRAGE: N_("CAK eigen bijdrage"),
    Signaalpartner.WATER: N_("water"),
    Signaalpartner.DUO: N_("DUO"),
    Signaalpartner.BELASTINGDIENST: N_("Belastingdienst"),
    Signaalpartner.DIENST_TOESLAGEN: N_("Dienst Toeslagen"),
    Signaalpartner.OVERIGE: N_("andere signaalpartner"),
}

SIGNAALPARTNER_DDAS = {
    Signaalpartner.ENERGIE: "Energie",
    Signaalpartner.HUUR: "Huur",
    Signaalpartner.HYPOTHEEK: "Hypotheek",
    Signaalpartner.ZORG: "Zorg",
    Signaalpartner.CAK_ZORGVERZEKERINGEN: "CAK Zorgverzekeringen",
    Signaalpartner.CAK_EIGEN_BIJDRAGE: "CAK Eigen bijdrage",
    Signaalpartner.WATER: "Water",
    Signaalpartner.DUO: "DUO",
    Signaalpartner.BELASTINGDIENST: "Belastingdienst",
    Signaalpartner.DIENST_TOESLAGEN: "Dienst Toeslagen",
    Signaalpartner.OVERIGE: "Overige",
}


class Eindresultaat(StrEnum):
    """How a vroegsignaalzaak ended (DDAS EnumEindresultaat). DDAS lists 'Inwoner al een ander
    lopend traject' and 'Inwoner heeft al ander lopend traject' as two values; the bot offers the
    first."""

    GEEN_CONTACT = "geen_contact"
    WIL_GEEN_HULP = "wil_geen_hulp"
    ADVIES = "advies"
    VERWIJZING_FINANCIEEL = "verwijzing_fin"
    VERWIJZING_NIET_FINANCIEEL = "verwijzing_niet_fin"
    INFORMATIE = "informatie"
    ZELF_OPLOSSEN = "zelf_oplossen"
    BETAALD_VOOR = "betaald_voor"
    BETAALD_NA = "betaald_na"
    AL_BEKEND = "al_bekend"
    ANDER_TRAJECT = "ander_traject"
    NIET_OPGEPAKT_GEEN_CONTACT = "no_geen_contact"
    NIET_OPGEPAKT_CAPACITEIT = "no_capaciteit"
    NIET_OPGEPAKT_BRP = "no_brp"
    NIET_OPGEPAKT = "niet_opgepakt"

    @property
    def label(self) -> str:
        return EINDRESULTAAT_LABELS[self]

    @property
    def ddas(self) -> str:
        return EINDRESULTAAT_DDAS[self]

    @property
    def picked_up(self) -> bool:
        """The signaal was taken up (DDAS EnumSignaalstatus 'Opgepakt' rather than 'Niet opgepakt')."""
        return not self.value.startswith("no_") and self is not Eindresultaat.NIET_OPGEPAKT


EINDRESULTAAT_LABELS = {
    Eindresultaat.GEEN_CONTACT: N_("geen contact (meer) gekregen"),
    Eindresultaat.WIL_GEEN_HULP: N_("inwoner wil geen hulp"),
    Eindresultaat.ADVIES: N_("(budget)advies of quick fix"),
    Eindresultaat.VERWIJZING_FINANCIEEL: N_("verwezen naar financiële hulp"),
    Eindresultaat.VERWIJZING_NIET_FINANCIEEL: N_("verwezen naar andere hulp"),
    Eindresultaat.INFORMATIE: N_("informatie gegeven"),
    Eindresultaat.ZELF_OPLOSSEN: N_("inwoner lost het zelf op"),
    Eindresultaat.BETAALD_VOOR: N_("betaald of regeling getroffen vóór het oppakken"),
    Eindresultaat.BETAALD_NA: N_("zelf betaald of regeling getroffen na het oppakken"),
    Eindresultaat.AL_BEKEND: N_("al bekend bij schuldhulpverlening"),
    Eindresultaat.ANDER_TRAJECT: N_("heeft al een ander lopend traject"),
    Eindresultaat.NIET_OPGEPAKT_GEEN_CONTACT: N_("niet opgepakt: inwoner wil geen contact"),
    Eindresultaat.NIET_OPGEPAKT_CAPACITEIT: N_("niet opgepakt: geen capaciteit"),
    Eindresultaat.NIET_OPGEPAKT_BRP: N_("niet opgepakt: BRP-uitsluiting"),
    Eindresultaat.NIET_OPGEPAKT: N_("niet opgepakt, andere reden"),
}

EINDRESULTAAT_DDAS = {
    Eindresultaat.GEEN_CONTACT: "Geen contact (meer) kunnen krijgen",
    Eindresultaat.WIL_GEEN_HULP: "Inwoner wil geen hulp",
    Eindresultaat.ADVIES: "(Budget)advies en/of quick fix",
    Eindresultaat.VERWIJZING_FINANCIEEL: "Verwijzing financieel",
    Eindresultaat.VERWIJZING_NIET_FINANCIEEL: "Verwijzing niet-financieel",
    Eindresultaat.INFORMATIE: "Voorzien van informatie",
    Eindresultaat.ZELF_OPLOSSEN: "Inwoner probeert het zelf op te lossen",
    Eindresultaat.BETAALD_VOOR: "Inwoner heeft betaald/betalingsregeling getroffen voor oppakken melding",
    Eindresultaat.BETAALD_NA: "Inwoner heeft zelf betaald/betalingsregeling getroffen na oppakken melding",
    Eindresultaat.AL_BEKEND: "Inwoner al bekend bij schuldhulpverlening",
    Eindresultaat.ANDER_TRAJECT: "Inwoner al een ander lopend traject",
    Eindresultaat.NIET_OPGEPAKT_GEEN_CONTACT: "Niet opgepakt: inwoner wil geen contact",
    Eindresultaat.NIET_OPGEPAKT_CAPACITEIT: "Niet opgepakt: geen capaciteit",
    Eindresultaat.NIET_OPGEPAKT_BRP: "Niet opgepakt: BRP-uitsluiting",
    Eindresultaat.NIET_OPGEPAKT: "Niet opgepakt",
}


class Uitstroomreden(StrEnum):
    """Why a schuldhulptraject ended (DDAS EnumUitstroomreden)."""

    AFGEROND = "afgerond"
    ZELF = "zelf"
    INGETROKKEN = "ingetrokken"
    NIET_VERSCHENEN = "niet_verschenen"
    NIET_PASSEND = "niet_passend"
    VOLDOET_NIET = "voldoet_niet"
    VERHUISD = "verhuisd"
    OVERLEDEN = "overleden"
    OVERIG = "overig"

    @property
    def label(self) -> str:
        return UITSTROOMREDEN_LABELS[self]

    @property
    def ddas(self) -> str:
        return UITSTROOMREDEN_DDAS[self]


UITSTROOMREDEN_LABELS = {
    Uitstroomreden.AFGEROND: N_("traject afgerond"),
    Uitstroomreden.ZELF: N_("inwoner gaat zelf verder"),
    Uitstroomreden.INGETROKKEN: N_("aanvraag ingetrokken"),
    Uitstroomreden.NIET_VERSCHENEN: N_("niet verschenen, geen contact"),
    Uitstroomreden.NIET_PASSEND: N_("hulp past niet"),
    Uitstroomreden.VOLDOET_NIET: N_("voldoet niet aan de voorwaarden"),
    Uitstroomreden.VERHUISD: N_("verhuisd"),
    Uitstroomreden.OVERLEDEN: N_("overleden"),
    Uitstroomreden.OVERIG: N_("andere reden"),
}

UITSTROOMREDEN_DDAS = {
    Uitstroomreden.AFGEROND: "Afgerond",
    Uitstroomreden.ZELF: "Zelf",
    Uitstroomreden.INGETROKKEN: "Ingetrokken",
    Uitstroomreden.NIET_VERSCHENEN: "Nietverschenen",
    Uitstroomreden.NIET_PASSEND: "Niet passend",
    Uitstroomreden.VOLDOET_NIET: "Voldoet niet",
    Uitstroomreden.VERHUISD: "Verhuisd",
    Uitstroomreden.OVERLEDEN: "Overleden",
    Uitstroomreden.OVERIG: "Overig",
}

# DDAS EnumContactsoort has no conversation at the office or by video: those count as Overige.
CONTACTSOORT_DDAS = {
    ContactWay.TELEFOON: "Telefoon",
    ContactWay.HUISBEZOEK: "Huisbezoek",
    ContactWay.KANTOOR: "Overige",
    ContactWay.BEELDBELLEN: "Overige",
    ContactWay.BRIEF: "Brief",
    ContactWay.KAARTJE: "Kaartje",
    ContactWay.MAIL: "Mail",
    ContactWay.SMS_WHATSAPP: "SMS/Whatsapp",
    ContactWay.OVERIG: "Overige",
}

DAGDEEL_DDAS = {Dagdeel.OCHTEND: "Ochtend", Dagdeel.MIDDAG: "Middag", Dagdeel.AVOND: "Avond"}

BESCHIKKING_DDAS = {
    Beschikking.TOELATING: "Toelatingsbeschikking",
    Beschikking.AFWIJZING: "Afwijzingsbeschikking",
}

# Steps of schuldhulp itself: once one is recorded, a vroegsignalering dossier has become a
# schuldhulptraject (the vroegsignaalzaak led to schuldhulpverlening).
TRAJECT_STEPS = (
    M.BESCHIKKING,
    M.FR_SCHULDEN_STABIEL,
    M.FR_VASTE_LASTEN,
    M.FR_SCHULDEISERS,
    M.PLAN_VAN_AANPAK,
    M.START_SCHULDREGELING,
    M.START_BUDGETBEHEER,
    M.START_BUDGETCOACHING,
    M.AANMELDING_WSNP,
)

Facts = Mapping[str, Sequence[date]]


def traject_start(category: Category, meldingsdatum: date, facts: Facts) -> date | None:
    """When the dossier became a schuldhulptraject (DDAS aanmelding.startdatum), or None while it
    is not one. A melding at the wijkteam is an aanmelding from its meldingsdatum; a vroegsignaal
    becomes one with its first step of schuldhulp, counted from the first contact."""
    if category is not Category.VROEGSIGNALERING:
        return meldingsdatum
    steps = [facts[s.value][0] for s in TRAJECT_STEPS if facts.get(s.value)]
    if not steps:
        return None
    contact = facts.get(M.EERSTE_CONTACT.value)
    return contact[0] if contact else min(steps)


def is_traject(category: Category, facts: Facts) -> bool:
    """Whether closing asks for a DDAS uitstroomreden (a traject) or an eindresultaat."""
    return traject_start(category, date.min, facts) is not None


@dataclass(frozen=True)
class Step:
    """One recorded milestone, as the export reads it."""

    kind: str
    day: date
    contact_way: str | None = None
    reached: bool | None = None
    dagdeel: str | None = None
    uitkomst: str | None = None


@dataclass(frozen=True)
class DossierData:
    """What the export knows of one dossier: no free text, no personal data."""

    ref: str
    category: Category
    meldingsdatum: date
    steps: Sequence[Step]  # ordered by day
    dossier_id: int = 0
    wijkteam: str = ""  # its name
    signaalpartner: Signaalpartner | None = None
    organisatie: str | None = None
    crisissignaal: bool | None = None
    warme_overdracht: bool | None = None
    eindresultaat: Eindresultaat | None = None
    uitstroomreden: Uitstroomreden | None = None

    def facts(self) -> dict[str, list[date]]:
        found: dict[str, list[date]] = {}
        for step in self.steps:
            found.setdefault(step.kind, []).append(step.day)
        return found

    def first(self, kind: Milestone) -> Step | None:
        return next((s for s in self.steps if s.kind == kind.value), None)


def _dates(**values: date | None) -> dict[str, Any]:
    return {key: day.isoformat() for key, day in values.items() if day is not None}


def _day(step: Step | None) -> date | None:
    return step.day if step else None


def schuldhulptraject(data: DossierData, gemeentecode: str) -> dict[str, Any] | None:
    """The dossier as a DDAS schuldhulptraject, or None when it is not (yet) one."""
    facts = data.facts()
    start = traject_start(data.category, data.meldingsdatum, facts)
    if start is None:
        return None
    first = data.first
    contact, beschikking = first(M.EERSTE_CONTACT), first(M.BESCHIKKING)
    closed = first(M.AFGESLOTEN)
    traject: dict[str, Any] = {
        "omschrijving": data.ref,
        "gemeentecode": gemeentecode,
        **_dates(startdatum=start, einddatum=_day(closed)),
        "client": [{}],
        "aanmelding": {
            **_dates(startdatum=start, einddatum=_day(contact)),
            "crisisinterventie": data.category is Category.BEDREIGENDE_SITUATIE,
        },
    }
    if beschikking is not None and beschikking.uitkomst == Beschikking.TOELATING:
        traject["toekenningsdatum"] = beschikking.day.isoformat()
    if contact is not None:
        intake = _dates(
            startdatum=contact.day, einddatum=_day(beschikking), beschikkingsdatum=_day(beschikking)
        )
        if beschikking is not None and beschikking.uitkomst:
            intake["beschikkingssoort"] = BESCHIKKING_DDAS[Beschikking(beschikking.uitkomst)]
        traject["intake"] = intake
    if (plan := first(M.PLAN_VAN_AANPAK)) is not None:
        traject["planVanAanpak"] = _dates(datumAfronding=plan.day)
    criteria = [s.day for s in data.steps if s.kind in FINANCIELE_RUST_CRITERIA]
    if criteria:
        traject["stabilisatie"] = _dates(startdatum=min(criteria), einddatum=_day(first(M.STABILISATIE)))
    regeling = _schuldregeling(data)
    if regeling:
        traject["schuldregeling"] = regeling
    begeleiding = [
        {**_dates(startdatum=start_step.day, einddatum=_day(first(end))), "soort": soort}
        for begin, end, soort in (
            (M.START_BUDGETCOACHING, M.EINDE_BUDGETCOACHING, "Budgetcoaching"),
            (M.START_BUDGETBEHEER, M.EINDE_BUDGETBEHEER, "Budgetbeheer"),
        )
        if (start_step := first(begin)) is not None
    ]
    if begeleiding:
        traject["begeleiding"] = begeleiding
    if (ended := first(M.EINDE_SCHULDREGELING)) is not None:
        report = next((s for s in data.steps if s.kind == M.EINDRAPPORTAGE and s.day >= ended.day), None)
        traject["nazorg"] = _dates(startdatum=ended.day, einddatum=_day(report))
    if closed is not None:
        uitstroom = _dates(datum=closed.day)
        if data.uitstroomreden is not None:
            uitstroom["reden"] = data.uitstroomreden.ddas
        traject["uitstroom"] = uitstroom
    return traject


def _schuldregeling(data: DossierData) -> dict[str, Any]:
    first = data.first
    regeling: dict[str, Any] = _dates(
        datum=_day(first(M.SCHULDREGELING_INGEDIEND)),
        toegekend=_day(first(M.MINNELIJKE_REGELING)),
        afgewezen=_day(first(M.SCHULDREGELING_AFGEWEZEN)),
        ingetrokken=_day(first(M.SCHULDREGELING_INGETROKKEN)),
    )
    if first(M.START_SCHULDREGELING) is None:
        return regeling
    verzoek = first(M.VERZOEK_DWANGAKKOORD)
    regeling["dwangakkoord"] = verzoek is not None
    if verzoek is not None:
        regeling["datumVerzoekDwangakkoord"] = verzoek.day.isoformat()
    return regeling


def contactpogingen(data: DossierData) -> list[dict[str, Any]]:
    """Every attempt, and a first contact recorded as such (not one an attempt already reached)."""
    attempts = [s for s in data.steps if s.kind == M.CONTACTPOGING]
    reached_days = {s.day for s in attempts if s.reached}
    attempts += [s for s in data.steps if s.kind == M.EERSTE_CONTACT and s.day not in reached_days]
    result = []
    for step in sorted(attempts, key=lambda s: s.day):
        poging: dict[str, Any] = {"datum": step.day.isoformat(), "bereikt": bool(step.reached)}
        if step.contact_way:
            poging["soort"] = CONTACTSOORT_DDAS[ContactWay(step.contact_way)]
        if step.dagdeel:
            poging["dagdeel"] = DAGDEEL_DDAS[Dagdeel(step.dagdeel)]
        result.append(poging)
    return result


def vroegsignaal(data: DossierData) -> dict[str, Any]:
    """A vroegsignalering dossier as a DDAS vroegsignaal; its ID is the dossier reference."""
    signaal: dict[str, Any] = {"ID": data.ref, "signaaldatum": data.meldingsdatum.isoformat()}
    partner: dict[str, Any] = {}
    if data.signaalpartner is not None:
        partner["type"] = data.signaalpartner.ddas
    if data.organisatie:
        partner["Organisatienaam"] = data.organisatie
    signaal["signaalpartner"] = partner
    if data.crisissignaal is not None:
        signaal["crisissignaal"] = data.crisissignaal
    if data.warme_overdracht is not None:
        signaal["warmeOverdracht"] = data.warme_overdracht
    signaal["status"] = signaalstatus(data)
    signaal["client"] = {}
    return signaal


def signaalstatus(data: DossierData) -> str:
    """DDAS EnumSignaalstatus from what the bot knows: picked up by a worker, or not (yet)."""
    if data.eindresultaat is not None and not data.eindresultaat.picked_up:
        return "Niet opgepakt"
    return "Opgepakt" if data.first(M.OPGEPAKT) else "Nog niet opgepakt"


def resultaat(data: DossierData) -> Eindresultaat | None:
    """The vroegsignaalzaak's eindresultaat: what the worker chose at closing, or 'verwijzing
    financieel' once the zaak became a schuldhulptraject."""
    if data.eindresultaat is not None:
        return data.eindresultaat
    return Eindresultaat.VERWIJZING_FINANCIEEL if is_traject(data.category, data.facts()) else None


def vroegsignaalzaak(data: DossierData, gemeentecode: str) -> dict[str, Any]:
    """The handling of a vroegsignaal, with its contact attempts and result."""
    zaak: dict[str, Any] = {"gemeentecode": gemeentecode}
    if (opgepakt := data.first(M.OPGEPAKT)) is not None:
        zaak["datum_opgepakt"] = opgepakt.day.isoformat()
    if (result := resultaat(data)) is not None:
        zaak["resultaat"] = result.ddas
    zaak["vroegsignalen"] = [{"ID": data.ref}]
    attempts = contactpogingen(data)
    if attempts:
        zaak["contactpogingen"] = attempts
    return zaak
