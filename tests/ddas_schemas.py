"""Our conformance schemas for DDAS, written from the published JSON schemas' field names, types,
formats, required fields and enumerations (VNG-Realisatie/ddas: schuldhulpverlening/v1.0 and
vroegsignalering/v0.1 json_schema_Uitwisselmodel.json, JSON Schema draft 2020-12). Every object
is closed (additionalProperties false) where the published one is, and lists every property the
published one allows, so a misspelt or invented field fails validation. Descriptions are left out.
"""

from __future__ import annotations

from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"

DATUM = {"type": "string", "format": "date"}
DATUM_TIJD = {"type": "string", "format": "date-time"}
EMAIL = {"type": "string", "format": "email"}
BEDRAG = {"type": "integer"}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}

ENUM_CONTACTSOORT = ["Mail", "Brief", "SMS/Whatsapp", "Telefoon", "Huisbezoek", "Kaartje", "Overige"]
ENUM_DAGDEEL = ["Ochtend", "Middag", "Avond"]
ENUM_EINDRESULTAAT = [
    "Niet opgepakt: inwoner wil geen contact",
    "Niet opgepakt: geen capaciteit",
    "Niet opgepakt",
    "Inwoner al bekend bij schuldhulpverlening",
    "Geen contact (meer) kunnen krijgen",
    "Inwoner wil geen hulp",
    "Inwoner probeert het zelf op te lossen",
    "Inwoner heeft betaald/betalingsregeling getroffen voor oppakken melding",
    "Inwoner heeft zelf betaald/betalingsregeling getroffen na oppakken melding",
    "(Budget)advies en/of quick fix",
    "Inwoner al een ander lopend traject",
    "Verwijzing financieel",
    "Voorzien van informatie",
    "Niet opgepakt: BRP-uitsluiting",
    "Verwijzing niet-financieel",
    "Inwoner heeft al ander lopend traject",
]
ENUM_SIGNAALPARTNER = [
    "Energie",
    "Huur",
    "Hypotheek",
    "CAK Zorgverzekeringen",
    "Zorg",
    "Water",
    "DUO",
    "Belastingdienst",
    "CAK Eigen bijdrage",
    "Overige",
    "Dienst Toeslagen",
]
ENUM_SIGNAALSTATUS = [
    "Nog niet opgepakt",
    "Onterecht signaal",
    "Overleden",
    "Woont niet in gemeente",
    "Herhaalde melding",
    "Niet opgepakt",
    "Opgepakt",
    "Woont op een ander adres binnen gemeente",
]
ENUM_GESLACHT = ["Man", "Vrouw", "Onbekend", "Leeg"]
ENUM_OPLOSSINGSSOORT = [
    "Betalingsregeling",
    "Herfinanciering",
    "Saneringskrediet",
    "Schuldbemiddeling",
    "0%-aanbod",
]
ENUM_UITSTROOMREDEN = [
    "Overleden",
    "Verhuisd",
    "Nietverschenen",
    "Ingetrokken",
    "Niet passend",
    "Overig",
    "Voldoet niet",
    "Afgerond",
    "Zelf",
]
ENUM_SCHULDENSOORT = ["Zorg", "Publiek", "Nuts", "Overig"]
ENUM_BEGELEIDINGSSOORT = [
    "Budgetcoaching",
    "Budgetbeheer",
    "Beschermingsbewind",
    "Lange Termijn Begeleiding (DFD)",
    "Budgetbegeleiding",
]
ENUM_BESCHIKKINGSSOORT = ["Afwijzingsbeschikking", "Toelatingsbeschikking"]


def enum(values: list[str]) -> dict[str, Any]:
    return {"type": "string", "enum": values}


def obj(
    properties: dict[str, Any], *, required: list[str] | None = None, closed: bool = False
) -> dict[str, Any]:
    """An object with these properties; `closed` as the published additionalProperties false."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


def array(items: dict[str, Any], **constraints: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **constraints}


def period(**extra: Any) -> dict[str, Any]:
    return obj({"startdatum": DATUM, "einddatum": DATUM, **extra})


HEADER = {
    "startdatumLevering": DATUM,
    "einddatumLevering": DATUM,
    "aanleverdatumEnTijd": DATUM_TIJD,
    "codeGegevensleverancier": STRING,
}
HEADER_REQUIRED = [
    "aanleverdatumEnTijd",
    "codeGegevensleverancier",
    "einddatumLevering",
    "startdatumLevering",
]

CONTACTPOGING = obj(
    {"soort": enum(ENUM_CONTACTSOORT), "bereikt": BOOLEAN, "datum": DATUM, "dagdeel": enum(ENUM_DAGDEEL)}
)

SCHULDHULPTRAJECT = obj(
    {
        "omschrijving": STRING,
        "startdatum": DATUM,
        "einddatum": DATUM,
        "toekenningsdatum": DATUM,
        "totaalSchuldbedragBijAanvangSchuld": BEDRAG,
        "gemeentecode": STRING,
        "client": array(
            obj(
                {
                    "geslachtsaanduiding": enum(ENUM_GESLACHT),
                    "burgerservicenummer": STRING,
                    "Geboortedatum": DATUM,
                    "Postcode": STRING,
                    "Huisnummer": STRING,
                    "Huisnummertoevoeging": STRING,
                }
            ),
            minItems=1,
            uniqueItems=True,
            maxItems=2,
        ),
        "aanmelding": obj({"startdatum": DATUM, "einddatum": DATUM, "crisisinterventie": BOOLEAN}),
        "intake": obj(
            {
                "startdatum": DATUM,
                "einddatum": DATUM,
                "beschikkingsdatum": DATUM,
                "beschikkingssoort": enum(ENUM_BESCHIKKINGSSOORT),
            }
        ),
        "planVanAanpak": obj({"datumAfronding": DATUM}),
        "stabilisatie": period(),
        "schuldregeling": obj(
            {
                "datum": DATUM,
                "toegekend": DATUM,
                "afgewezen": DATUM,
                "ingetrokken": DATUM,
                "dwangakkoord": BOOLEAN,
                "datumVerzoekDwangakkoord": DATUM,
            }
        ),
        "begeleiding": array(period(soort=enum(ENUM_BEGELEIDINGSSOORT))),
        "oplossing": period(soort=enum(ENUM_OPLOSSINGSSOORT), vtlb=BEDRAG),
        "nazorg": period(),
        "uitstroom": obj(
            {
                "omschrijving": STRING,
                "datum": DATUM,
                "reden": enum(ENUM_UITSTROOMREDEN),
                "datumBeeindigingsbeschikking": DATUM,
            }
        ),
        "crisisinterventies": array(period()),
        "informatieEnAdvies": period(),
        "moratoria": array(period(datumAanvraag=DATUM, datumGoedkeuring=DATUM)),
        "schulden": array(
            obj(
                {
                    "bedrag": BEDRAG,
                    "peildatum": DATUM,
                    "zakelijkeSchuld": BOOLEAN,
                    "schuldsoort": enum(ENUM_SCHULDENSOORT),
                    "schuldeiser": obj(
                        {"naam": STRING, "KVKnummer": STRING, "postcode": STRING, "privepersoon": BOOLEAN}
                    ),
                },
                required=["schuldeiser"],
                closed=True,
            )
        ),
        "voorlopigeVoorzieningen": array(period()),
    },
    required=["gemeentecode"],
    closed=True,
)

SCHULDHULPVERLENING_V1_0: dict[str, Any] = {
    "$schema": DRAFT,
    **obj(
        {
            **HEADER,
            "leveringen": array(
                obj(
                    {
                        "teller": {"type": "integer"},
                        "aanleverende_organisatie": obj(
                            {
                                "postcode": STRING,
                                "gemeentecode": STRING,
                                "contactpersonen": array(
                                    obj(
                                        {
                                            "naam": STRING,
                                            "telefoonnummer": STRING,
                                            "email": EMAIL,
                                            "functietitel": STRING,
                                        }
                                    )
                                ),
                            }
                        ),
                        "schuldhulptrajecten": array(SCHULDHULPTRAJECT),
                    },
                    required=["aanleverende_organisatie", "teller"],
                    closed=True,
                ),
                minItems=1,
                uniqueItems=True,
            ),
        },
        required=HEADER_REQUIRED,
        closed=True,
    ),
}

VROEGSIGNALERING_V0_1: dict[str, Any] = {
    "$schema": DRAFT,
    **obj(
        {
            **HEADER,
            "vroegsignalen": array(
                obj(
                    {
                        "ID": STRING,
                        "crisissignaal": BOOLEAN,
                        "warmeOverdracht": BOOLEAN,
                        "bedrag": BEDRAG,
                        "ontstaansdatum": DATUM,
                        "signaaldatum": DATUM,
                        "status": enum(ENUM_SIGNAALSTATUS),
                        "signaalpartner": obj({"type": enum(ENUM_SIGNAALPARTNER), "Organisatienaam": STRING}),
                        "client": obj(
                            {
                                "Burgerservicenummer": STRING,
                                "Voorletters": STRING,
                                "Achternaam": STRING,
                                "Geboortedatum": DATUM,
                                "Straatnaam": STRING,
                                "Postcode": STRING,
                                "Huisnummer": STRING,
                                "Huisnummertoevoeging": STRING,
                                "Plaatsnaam": STRING,
                            }
                        ),
                    },
                    required=["signaalpartner", "client", "ID"],
                    closed=True,
                )
            ),
            "vroegsignaalzaken": array(
                obj(
                    {
                        "resultaat": enum(ENUM_EINDRESULTAAT),
                        "matchingsdatum": DATUM,
                        "startdatum_matchtingperiode": DATUM,  # DDAS's own spelling
                        "datum_opgepakt": DATUM,
                        "einddatum_matchingperiode": DATUM,
                        "gemeentecode": STRING,
                        "vroegsignalen": array(
                            obj({"ID": STRING}, required=["ID"], closed=True), minItems=1, uniqueItems=True
                        ),
                        "contactpogingen": array(CONTACTPOGING),
                    },
                    required=["gemeentecode"],
                    closed=True,
                )
            ),
        },
        required=HEADER_REQUIRED,
        closed=True,
    ),
}
