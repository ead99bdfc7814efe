"""DDAS: the enumerations match the standard's, a hand-built quarter exports as valid DDAS JSON
(both exchange models, with format checking) with its values asserted field by field, and bad
input is refused (domain and service layer, SQLite and PostgreSQL; the command line)."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy.ext.asyncio import AsyncSession

from bot import ddas
from bot.ddas import Eindresultaat, Signaalpartner, Uitstroomreden
from bot.ddas_figures import Fase, fase, months
from bot.errors import DomainError
from bot.periods import parse_quarter
from bot.services import dossiers, intake
from bot.services.common import Deps
from bot.services.ddas_export import delivery
from bot.vocabulary import Beschikking, Category, ContactWay, Dagdeel, Milestone
from tests import ddas_schemas as schemas
from tests.conftest import FakeClock, People

D = date
M = Milestone


def problems(document: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return sorted(f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document))


# -- the enumerations ------------------------------------------------------------------------------


def test_every_value_the_bot_records_is_one_of_ddas_own() -> None:
    assert set(ddas.SIGNAALPARTNER_DDAS.values()) == set(schemas.ENUM_SIGNAALPARTNER)
    assert set(ddas.UITSTROOMREDEN_DDAS.values()) == set(schemas.ENUM_UITSTROOMREDEN)
    # DDAS lists one value twice in other words; the bot offers the first
    assert set(ddas.EINDRESULTAAT_DDAS.values()) == set(schemas.ENUM_EINDRESULTAAT) - {
        "Inwoner heeft al ander lopend traject"
    }
    assert set(ddas.CONTACTSOORT_DDAS.values()) <= set(schemas.ENUM_CONTACTSOORT)
    assert set(ddas.DAGDEEL_DDAS.values()) == set(schemas.ENUM_DAGDEEL)
    assert set(ddas.BESCHIKKING_DDAS.values()) == set(schemas.ENUM_BESCHIKKINGSSOORT)
    assert len(ddas.CONTACTSOORT_DDAS) == len(ContactWay)
    for values in (Signaalpartner, Eindresultaat, Uitstroomreden):
        assert all(len(v.value) <= 30 for v in values)  # they fit their columns


def test_the_conformance_schemas_check_formats_and_closed_objects() -> None:
    header = {
        "startdatumLevering": "2026-10-01",
        "einddatumLevering": "2026-12-31",
        "aanleverdatumEnTijd": "2027-01-04T09:00:00Z",
        "codeGegevensleverancier": "x",
    }
    assert problems(header, schemas.VROEGSIGNALERING_V0_1) == []
    assert problems({**header, "leveringen": []}, schemas.SCHULDHULPVERLENING_V1_0)  # minItems 1
    assert problems({**header, "einddatumLevering": "2026-13-01"}, schemas.VROEGSIGNALERING_V0_1)
    assert problems({**header, "aanleverdatumEnTijd": "2027-01-04 09:00"}, schemas.VROEGSIGNALERING_V0_1)
    assert problems({**header, "extra": 1}, schemas.VROEGSIGNALERING_V0_1)
    signal = {"ID": "A", "signaalpartner": {"type": "Gas"}, "client": {}}
    assert problems({**header, "vroegsignalen": [signal]}, schemas.VROEGSIGNALERING_V0_1)


def test_a_vroegsignaal_becomes_a_traject_with_its_first_step_of_schuldhulp() -> None:
    contact = {M.EERSTE_CONTACT.value: [D(2026, 10, 7)]}
    assert ddas.traject_start(Category.VROEGSIGNALERING, D(2026, 10, 1), contact) is None
    plan = {**contact, M.PLAN_VAN_AANPAK.value: [D(2026, 10, 14)]}
    assert ddas.traject_start(Category.VROEGSIGNALERING, D(2026, 10, 1), plan) == D(2026, 10, 7)
    assert ddas.traject_start(Category.NIEUWE_AANMELDING, D(2026, 10, 1), {}) == D(2026, 10, 1)


# -- a hand-built quarter --------------------------------------------------------------------------


async def _open(
    session: AsyncSession,
    deps: Deps,
    people: People,
    clock: FakeClock,
    category: Category,
    day: date,
    signaal: intake.Signaal | None = None,
) -> str:
    clock.set(day)
    result = await intake.create_melding(
        session, deps, people.partner.telegram_id, category=category, meldingsdatum=day, signaal=signaal
    )
    await dossiers.acknowledge(session, deps, people.klantmanager.telegram_id, result.dossier.ref)
    return result.dossier.ref


async def _quarter(session: AsyncSession, deps: Deps, people: People, clock: FakeClock) -> list[str]:
    """Five dossiers through intake, stabilisatie, schuldregeling, begeleiding, nazorg and uitstroom;
    every kind of DDAS enumeration (signaalpartner, signaalstatus, eindresultaat, uitstroomreden,
    contactsoort, dagdeel, beschikkingssoort, begeleidingssoort) used at least once."""
    km = people.klantmanager.telegram_id
    signal_a = intake.Signaal(Signaalpartner.HUUR, "Woonveste", True, False)
    a = await _open(session, deps, people, clock, Category.VROEGSIGNALERING, D(2026, 10, 5), signal_a)
    signal_b = intake.Signaal(Signaalpartner.ENERGIE, None, False, True)
    b = await _open(session, deps, people, clock, Category.VROEGSIGNALERING, D(2026, 10, 6), signal_b)
    c = await _open(session, deps, people, clock, Category.NIEUWE_AANMELDING, D(2026, 10, 1))
    d = await _open(session, deps, people, clock, Category.BEDREIGENDE_SITUATIE, D(2026, 10, 2))
    e = await _open(session, deps, people, clock, Category.AANMELDING_DERDEN, D(2026, 10, 1))
    clock.set(D(2026, 12, 10))

    async def step(ref: str, kind: Milestone, day: date, **outcome: Any) -> None:
        await dossiers.record_milestone(session, deps, km, ref, kind, day, **outcome)

    async def rust_and_plan(ref: str, day: date) -> None:
        for criterion in (M.FR_SCHULDEN_STABIEL, M.FR_VASTE_LASTEN, M.FR_SCHULDEISERS):
            await step(ref, criterion, day)
        await step(ref, M.PLAN_VAN_AANPAK, day)

    # A: two attempts, reached on the second; closed with advice: a vroegsignaalzaak only
    await step(a, M.CONTACTPOGING, D(2026, 10, 6), contact_way=ContactWay.BRIEF, dagdeel=Dagdeel.OCHTEND)
    await step(
        a,
        M.CONTACTPOGING,
        D(2026, 10, 8),
        contact_way=ContactWay.TELEFOON,
        reached=True,
        dagdeel=Dagdeel.MIDDAG,
    )
    await dossiers.close_dossier(session, deps, km, a, Eindresultaat.ADVIES, D(2026, 10, 20))
    # B: a vroegsignaal that became a traject: budgetcoaching, ended self-reliant
    await step(b, M.EERSTE_CONTACT, D(2026, 10, 7), contact_way=ContactWay.HUISBEZOEK, dagdeel=Dagdeel.AVOND)
    await rust_and_plan(b, D(2026, 10, 14))
    await step(b, M.START_BUDGETCOACHING, D(2026, 10, 15))
    await step(b, M.EINDE_BUDGETCOACHING, D(2026, 12, 1), self_reliant=True)
    await dossiers.close_dossier(session, deps, km, b, Uitstroomreden.AFGEROND, D(2026, 12, 2))
    # C: toelating, stabilisatie, budgetbeheer, a schuldregeling refused and a dwangakkoord asked
    await step(c, M.EERSTE_CONTACT, D(2026, 10, 5), contact_way=ContactWay.TELEFOON)
    await step(c, M.BESCHIKKING, D(2026, 10, 20), beschikking=Beschikking.TOELATING)
    await step(c, M.FR_SCHULDEN_STABIEL, D(2026, 10, 21))
    await step(c, M.FR_VASTE_LASTEN, D(2026, 10, 22))
    await step(c, M.FR_SCHULDEISERS, D(2026, 10, 26))
    await step(c, M.PLAN_VAN_AANPAK, D(2026, 10, 27))
    await step(c, M.START_BUDGETBEHEER, D(2026, 10, 28))
    await step(c, M.START_SCHULDREGELING, D(2026, 11, 2))
    await step(c, M.SCHULDREGELING_INGEDIEND, D(2026, 11, 10))
    await step(c, M.SCHULDREGELING_AFGEWEZEN, D(2026, 11, 20))
    await step(c, M.VERZOEK_DWANGAKKOORD, D(2026, 11, 25))
    # D: a crisis, refused at the beschikking
    await step(d, M.EERSTE_CONTACT, D(2026, 10, 2), contact_way=ContactWay.KANTOOR)
    await step(d, M.BESCHIKKING, D(2026, 10, 9), beschikking=Beschikking.AFWIJZING)
    await dossiers.close_dossier(session, deps, km, d, Uitstroomreden.VOLDOET_NIET, D(2026, 10, 12))
    # E: a minnelijke regeling, ended, and the eindrapportage of the nazorg
    await step(e, M.EERSTE_CONTACT, D(2026, 10, 2), contact_way=ContactWay.BEELDBELLEN)
    await rust_and_plan(e, D(2026, 10, 9))
    await step(e, M.START_SCHULDREGELING, D(2026, 10, 12))
    await step(e, M.SCHULDREGELING_INGEDIEND, D(2026, 10, 19))
    await step(e, M.MINNELIJKE_REGELING, D(2026, 11, 2))
    await step(e, M.EINDE_SCHULDREGELING, D(2026, 12, 1))
    await step(e, M.EINDRAPPORTAGE, D(2026, 12, 3))
    return [a, b, c, d, e]


async def test_a_quarter_exports_as_valid_ddas_with_every_value_in_its_place(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock, tmp_path: Path
) -> None:
    a, b, c, d, e = await _quarter(session, deps, rostered, clock)
    clock.set(D(2027, 1, 4), time(9, 0))
    result = await delivery(session, deps, parse_quarter("2026-K4"))
    shv_path, vs_path = result.write(tmp_path)
    shv = json.loads(shv_path.read_text(encoding="utf-8"))  # the files as written
    vs = json.loads(vs_path.read_text(encoding="utf-8"))
    assert (shv, vs) == (result.schuldhulpverlening, result.vroegsignalering)
    assert problems(shv, schemas.SCHULDHULPVERLENING_V1_0) == []
    assert problems(vs, schemas.VROEGSIGNALERING_V0_1) == []

    header = {
        "startdatumLevering": "2026-10-01",
        "einddatumLevering": "2026-12-31",
        "aanleverdatumEnTijd": "2027-01-04T08:00:00Z",  # 09:00 in Heusden
        "codeGegevensleverancier": "schuldhulpbot",
    }
    assert {k: shv[k] for k in header} == header == {k: vs[k] for k in header}
    (levering,) = shv["leveringen"]
    assert (levering["teller"], levering["aanleverende_organisatie"]) == (1, {"gemeentecode": "GM0797"})
    trajecten = {t["omschrijving"]: t for t in levering["schuldhulptrajecten"]}
    assert sorted(trajecten) == [b, c, d, e]  # A stayed a vroegsignaalzaak

    assert trajecten[b] == {
        "omschrijving": b,
        "gemeentecode": "GM0797",
        "startdatum": "2026-10-07",
        "einddatum": "2026-12-02",
        "client": [{}],
        "aanmelding": {"startdatum": "2026-10-07", "einddatum": "2026-10-07", "crisisinterventie": False},
        "intake": {"startdatum": "2026-10-07"},
        "planVanAanpak": {"datumAfronding": "2026-10-14"},
        "stabilisatie": {"startdatum": "2026-10-14", "einddatum": "2026-10-14"},
        "begeleiding": [{"startdatum": "2026-10-15", "einddatum": "2026-12-01", "soort": "Budgetcoaching"}],
        "uitstroom": {"datum": "2026-12-02", "reden": "Afgerond"},
    }
    assert trajecten[c] == {
        "omschrijving": c,
        "gemeentecode": "GM0797",
        "startdatum": "2026-10-01",
        "toekenningsdatum": "2026-10-20",
        "client": [{}],
        "aanmelding": {"startdatum": "2026-10-01", "einddatum": "2026-10-05", "crisisinterventie": False},
        "intake": {
            "startdatum": "2026-10-05",
            "einddatum": "2026-10-20",
            "beschikkingsdatum": "2026-10-20",
            "beschikkingssoort": "Toelatingsbeschikking",
        },
        "planVanAanpak": {"datumAfronding": "2026-10-27"},
        "stabilisatie": {"startdatum": "2026-10-21", "einddatum": "2026-10-27"},
        "schuldregeling": {
            "datum": "2026-11-10",
            "afgewezen": "2026-11-20",
            "dwangakkoord": True,
            "datumVerzoekDwangakkoord": "2026-11-25",
        },
        "begeleiding": [{"startdatum": "2026-10-28", "soort": "Budgetbeheer"}],
    }
    assert trajecten[d] == {  # a crisis, no toekenningsdatum after an afwijzing
        "omschrijving": d,
        "gemeentecode": "GM0797",
        "startdatum": "2026-10-02",
        "einddatum": "2026-10-12",
        "client": [{}],
        "aanmelding": {"startdatum": "2026-10-02", "einddatum": "2026-10-02", "crisisinterventie": True},
        "intake": {
            "startdatum": "2026-10-02",
            "einddatum": "2026-10-09",
            "beschikkingsdatum": "2026-10-09",
            "beschikkingssoort": "Afwijzingsbeschikking",
        },
        "uitstroom": {"datum": "2026-10-12", "reden": "Voldoet niet"},
    }
    assert trajecten[e] == {  # still open: no einddatum, no uitstroom
        "omschrijving": e,
        "gemeentecode": "GM0797",
        "startdatum": "2026-10-01",
        "client": [{}],
        "aanmelding": {"startdatum": "2026-10-01", "einddatum": "2026-10-02", "crisisinterventie": False},
        "intake": {"startdatum": "2026-10-02"},
        "planVanAanpak": {"datumAfronding": "2026-10-09"},
        "stabilisatie": {"startdatum": "2026-10-09", "einddatum": "2026-10-09"},
        "schuldregeling": {"datum": "2026-10-19", "toegekend": "2026-11-02", "dwangakkoord": False},
        "nazorg": {"startdatum": "2026-12-01", "einddatum": "2026-12-03"},
    }

    assert vs["vroegsignalen"] == [
        {
            "ID": a,
            "signaaldatum": "2026-10-05",
            "signaalpartner": {"type": "Huur", "Organisatienaam": "Woonveste"},
            "crisissignaal": True,
            "warmeOverdracht": False,
            "status": "Opgepakt",
            "client": {},
        },
        {
            "ID": b,
            "signaaldatum": "2026-10-06",
            "signaalpartner": {"type": "Energie"},
            "crisissignaal": False,
            "warmeOverdracht": True,
            "status": "Opgepakt",
            "client": {},
        },
    ]
    assert vs["vroegsignaalzaken"] == [
        {
            "gemeentecode": "GM0797",
            "datum_opgepakt": "2026-10-05",
            "resultaat": "(Budget)advies en/of quick fix",
            "vroegsignalen": [{"ID": a}],
            "contactpogingen": [
                {"datum": "2026-10-06", "bereikt": False, "soort": "Brief", "dagdeel": "Ochtend"},
                {"datum": "2026-10-08", "bereikt": True, "soort": "Telefoon", "dagdeel": "Middag"},
            ],
        },
        {
            "gemeentecode": "GM0797",
            "datum_opgepakt": "2026-10-06",
            "resultaat": "Verwijzing financieel",  # it became a schuldhulptraject
            "vroegsignalen": [{"ID": b}],
            "contactpogingen": [
                {"datum": "2026-10-07", "bereikt": True, "soort": "Huisbezoek", "dagdeel": "Avond"}
            ],
        },
    ]


async def test_a_quarter_shows_the_state_on_its_last_day(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    """Steps after the end of the period are left out of its delivery: K3 knows nothing of the
    closing in K4, and a dossier reported after K3 is not in it."""
    km = rostered.klantmanager.telegram_id
    ref = await _open(session, deps, rostered, clock, Category.NIEUWE_AANMELDING, D(2026, 9, 28))
    await _open(session, deps, rostered, clock, Category.NIEUWE_AANMELDING, D(2026, 10, 2))
    clock.set(D(2026, 10, 6))
    await dossiers.record_milestone(
        session, deps, km, ref, M.EERSTE_CONTACT, D(2026, 10, 1), contact_way=ContactWay.TELEFOON
    )
    await dossiers.close_dossier(session, deps, km, ref, Uitstroomreden.ZELF, D(2026, 10, 5))
    k3 = await delivery(session, deps, parse_quarter("2026-K3"))
    (traject,) = k3.schuldhulpverlening["leveringen"][0]["schuldhulptrajecten"]
    assert traject["omschrijving"] == ref
    assert "uitstroom" not in traject and "intake" not in traject
    assert problems(k3.schuldhulpverlening, schemas.SCHULDHULPVERLENING_V1_0) == []
    k4 = await delivery(session, deps, parse_quarter("2026-K4"))
    uitstroom = [t.get("uitstroom") for t in k4.schuldhulpverlening["leveringen"][0]["schuldhulptrajecten"]]
    assert uitstroom == [{"datum": "2026-10-05", "reden": "Zelf"}, None]


async def test_a_future_quarter_and_a_missing_ddas_section_are_refused(
    session: AsyncSession, deps: Deps, clock: FakeClock
) -> None:
    clock.set(D(2026, 12, 10))
    with pytest.raises(DomainError) as future:
        await delivery(session, deps, parse_quarter("2027-K1"))
    assert (
        future.value.render("nl") == "2027-K1 is nog niet begonnen; kies een kwartaal tot en met het huidige."
    )
    bare = Deps(deps.config.model_copy(update={"ddas": None}), deps.calendar, deps.clock)
    with pytest.raises(DomainError, match=r"vul \[ddas\] in de configuratie in"):
        await delivery(session, bare, parse_quarter("2026-K4"))


async def test_signaal_details_are_checked_before_anything_is_stored(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    clock.set(D(2026, 12, 10))
    partner = rostered.partner.telegram_id
    cases = [
        (Category.NIEUWE_AANMELDING, intake.Signaal(Signaalpartner.HUUR), "alleen bij vroegsignalering"),
        (Category.VROEGSIGNALERING, intake.Signaal(Signaalpartner.HUUR, "Onbekend BV"), "uit de lijst"),
        (Category.VROEGSIGNALERING, intake.Signaal("gas"), "ken ik niet"),  # type: ignore[arg-type]
    ]
    for category, signaal, fragment in cases:
        with pytest.raises(DomainError, match=fragment):
            await intake.create_melding(
                session, deps, partner, category=category, meldingsdatum=D(2026, 12, 10), signaal=signaal
            )
    result = await delivery(session, deps, parse_quarter("2026-K4"))
    assert result.vroegsignalering["vroegsignalen"] == []


def test_the_written_files_are_json_that_validates(tmp_path: Path) -> None:
    from bot.services.ddas_export import Delivery

    header = {
        "startdatumLevering": "2026-10-01",
        "einddatumLevering": "2026-12-31",
        "aanleverdatumEnTijd": "2027-01-04T08:00:00Z",
        "codeGegevensleverancier": "schuldhulpbot",
    }
    written = Delivery(
        {**header, "leveringen": [{"teller": 1, "aanleverende_organisatie": {"gemeentecode": "GM0797"}}]},
        {**header, "vroegsignalen": [], "vroegsignaalzaken": []},
    ).write(tmp_path / "ddas")
    assert [p.name for p in written] == ["schuldhulpverlening.json", "vroegsignalering.json"]
    for path, schema in zip(
        written, (schemas.SCHULDHULPVERLENING_V1_0, schemas.VROEGSIGNALERING_V0_1), strict=True
    ):
        assert problems(json.loads(path.read_text(encoding="utf-8")), schema) == []


# -- the figures a municipality asks for -------------------------------------------------------------


def _data(category: Category, *kinds: Milestone) -> ddas.DossierData:
    steps = [ddas.Step(k.value, D(2026, 10, 1 + i)) for i, k in enumerate(kinds)]
    return ddas.DossierData("SH-2026-0001", category, D(2026, 10, 1), steps)


@pytest.mark.parametrize(
    ("category", "kinds", "expected"),
    [
        (Category.NIEUWE_AANMELDING, (), Fase.AANMELDING),
        (Category.NIEUWE_AANMELDING, (M.EERSTE_CONTACT,), Fase.INTAKE),
        (Category.NIEUWE_AANMELDING, (M.EERSTE_CONTACT, M.BESCHIKKING), Fase.INTAKE),
        (Category.NIEUWE_AANMELDING, (M.EERSTE_CONTACT, M.FR_VASTE_LASTEN), Fase.STABILISATIE),
        (Category.AANMELDING_DERDEN, (M.EERSTE_CONTACT, M.START_BUDGETCOACHING), Fase.BUDGETCOACHING),
        (
            Category.AANMELDING_DERDEN,
            (M.EERSTE_CONTACT, M.START_BUDGETCOACHING, M.EINDE_BUDGETCOACHING),
            Fase.STABILISATIE,
        ),
        (Category.BEDREIGENDE_SITUATIE, (M.EERSTE_CONTACT, M.START_BUDGETBEHEER), Fase.BUDGETBEHEER),
        (Category.NIEUWE_AANMELDING, (M.START_BUDGETBEHEER, M.START_SCHULDREGELING), Fase.SCHULDREGELING),
        (Category.NIEUWE_AANMELDING, (M.START_SCHULDREGELING, M.AANMELDING_WSNP), Fase.WSNP),
        (Category.NIEUWE_AANMELDING, (M.START_SCHULDREGELING, M.EINDE_SCHULDREGELING), Fase.NAZORG),
        (Category.VROEGSIGNALERING, (M.EERSTE_CONTACT,), None),  # a vroegsignaal, no traject (yet)
        (Category.VROEGSIGNALERING, (M.EERSTE_CONTACT, M.PLAN_VAN_AANPAK), Fase.STABILISATIE),
        (Category.NIEUWE_AANMELDING, (M.EERSTE_CONTACT, M.AFGESLOTEN), None),  # closed
    ],
)
def test_the_phase_of_an_open_traject(
    category: Category, kinds: tuple[Milestone, ...], expected: Fase | None
) -> None:
    assert fase(_data(category, *kinds)) is expected


def test_months_of_a_period() -> None:
    assert months(parse_quarter("2026-K4")) == [D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1)]


async def test_the_quarter_sheets_count_phases_production_and_the_ddas_outcomes(
    session: AsyncSession, deps: Deps, rostered: People, clock: FakeClock
) -> None:
    from bot.services.export import quarterly_sheets

    await _quarter(session, deps, rostered, clock)
    clock.set(D(2027, 1, 4))
    sheets = {s.name: s for s in await quarterly_sheets(session, deps, parse_quarter("2026-K4"))}

    def table(name: str) -> dict[object, list[object]]:
        return {row[0]: row[1:] for row in sheets[name].rows}

    assert sheets["Trajecten per fase"].header == ["Fase", "Aantal op 31-12-2026"]
    assert table("Trajecten per fase") == {
        "aanmelding": [0],
        "intake": [0],
        "stabilisatie": [0],
        "schuldregeling": [1],  # C; B and D are closed, A never became a traject
        "budgetbeheer": [0],
        "budgetcoaching": [0],
        "WSNP": [0],
        "nazorg": [1],  # E
    }
    assert sheets["Productie per maand"].header == [
        "Product",
        "oktober 2026",
        "november 2026",
        "december 2026",
        "Totaal",
    ]
    assert table("Productie per maand") == {
        "nieuwe vroegsignalen": [2, 0, 0, 2],
        "nieuwe schuldhulptrajecten": [4, 0, 0, 4],  # B (from its first contact), C, D, E
        "start budgetbeheer": [1, 0, 0, 1],
        "start budgetcoaching": [1, 0, 0, 1],
        "start schuldregeling": [1, 1, 0, 2],
        "verzoek dwangakkoord": [0, 1, 0, 1],
        "aanmelding WSNP": [0, 0, 0, 0],
        "start nazorg": [0, 0, 1, 1],
    }
    partners = table("Signaalpartners")
    assert (partners["Huur"], partners["Energie"], partners["Water"], partners["(niet vastgelegd)"]) == (
        [1],
        [1],
        [0],
        [0],
    )
    attempts = table("Contactpogingen")
    assert attempts["Brief"] == [1, 0, 0.0]
    assert attempts["Telefoon"] == [1, 1, 1.0]
    assert attempts["Huisbezoek"] == [1, 1, 1.0]
    assert attempts["Mail"] == [0, 0, None]
    results = table("Eindresultaten")
    assert results["(Budget)advies en/of quick fix"] == [1]
    assert results["Verwijzing financieel"] == [1]
    assert sum(n for (n,) in results.values()) == 2  # type: ignore[misc]
    reasons = table("Uitstroomredenen")
    assert (reasons["Afgerond"], reasons["Voldoet niet"], reasons["Zelf"]) == ([1], [1], [0])
    assert sheets["Contactpogingen"].percent == frozenset({"Aandeel bereikt"})
