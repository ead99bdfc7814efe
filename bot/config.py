"""The municipality's TOML configuration: wijkteams, norms, reminders, office hours, routing."""

from __future__ import annotations

import tomllib
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES
from bot.vocabulary import Category, Milestone, NormSource, Role, Unit, VraagTopic

# Events that start or stop a deadline besides the milestones.
MELDING = "melding"
VRAAG = "vraag"
ANTWOORD = "antwoord"
START_EVENTS = frozenset({MELDING, VRAAG, *(m.value for m in Milestone)})
END_EVENTS = frozenset({ANTWOORD, *(m.value for m in Milestone)})

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReminderPolicy(_Strict):
    """When a deadline's holder is reminded (bot/README.md, "Reminders"); bot.moments reads it."""

    werkdagen_voor: list[Annotated[int, Field(ge=0, le=20)]] = [3, 1, 0]
    te_laat: bool = True
    dagelijkse_te_laat_lijst: bool = True

    @field_validator("werkdagen_voor")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("elke waarde mag maar één keer voorkomen")
        return sorted(value, reverse=True)


class NormConfig(_Strict):
    """One doorlooptijd: when its deadline starts, how long it runs, what stops it."""

    naam: str = Field(min_length=1)
    namen: dict[str, str] = {}  # the name in another language than Dutch, e.g. { en = "..." }
    bron: NormSource
    start: str
    opent_bij: str | None = None
    categorieen: list[Category] = []
    termijn: Annotated[int, Field(gt=0, le=1200)] | None = None
    eenheid: Unit | None = None
    eindproduct: list[str] = Field(min_length=1)
    # Steps that end the trajectory: without the end product by then, the deadline is niet gehaald.
    eindigt_bij: list[str] = []
    doel: Annotated[float, Field(gt=0, le=1)] | None = None
    toets_elke_maanden: Annotated[int, Field(gt=0, le=36)] | None = None
    actief: bool = True
    herinneringen: ReminderPolicy | None = None
    toelichting: str = ""

    @field_validator("namen")
    @classmethod
    def _languages(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            raise ValueError(f"onbekende taal {unknown[0]!r}; kies uit {_choices(LANGUAGES)}")
        if any(not name.strip() for name in value.values()):
            raise ValueError("een naam mag niet leeg zijn")
        return value

    @field_validator("start")
    @classmethod
    def _start_event(cls, value: str) -> str:
        if value not in START_EVENTS:
            raise ValueError(f"onbekende startgebeurtenis {value!r}; kies uit {_choices(START_EVENTS)}")
        return value

    @field_validator("opent_bij")
    @classmethod
    def _opening_event(cls, value: str | None) -> str | None:
        if value is not None and value not in {m.value for m in Milestone}:
            raise ValueError(f"onbekende mijlpaal {value!r}")
        return value

    @field_validator("eindigt_bij")
    @classmethod
    def _ending_events(cls, value: list[str]) -> list[str]:
        for event in value:
            if event not in {m.value for m in Milestone}:
                raise ValueError(f"onbekende mijlpaal {event!r}")
        return value

    @field_validator("eindproduct")
    @classmethod
    def _end_events(cls, value: list[str]) -> list[str]:
        for event in value:
            if event not in END_EVENTS:
                raise ValueError(f"onbekend eindproduct {event!r}; kies uit {_choices(END_EVENTS)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> NormConfig:
        if (self.termijn is None) != (self.eenheid is None):
            raise ValueError("termijn en eenheid horen bij elkaar: geef beide of geen van beide")
        if (self.start == VRAAG) != (self.eindproduct == [ANTWOORD]):
            raise ValueError("een vraag-norm start bij 'vraag' en eindigt bij 'antwoord'")
        if self.start in self.eindproduct or (self.opent_bij in self.eindproduct):
            raise ValueError("het eindproduct kan niet ook de start zijn")
        if self.toets_elke_maanden is not None and self.eenheid is not Unit.MAANDEN:
            raise ValueError("toets_elke_maanden vraagt een termijn in maanden")
        if self.doel is not None and self.termijn is None:
            raise ValueError("een doel vraagt een termijn")
        return self

    @property
    def opening_event(self) -> str:
        """The event that opens the deadline; the term counts from `start`."""
        return self.opent_bij or self.start

    @property
    def is_vraag_norm(self) -> bool:
        return self.start == VRAAG

    def applies_to(self, category: Category) -> bool:
        """Whether a dossier of this category runs this norm (no categories: every dossier)."""
        return not self.categorieen or category in self.categorieen


class Wijkteam(_Strict):
    """A sociaal wijkteam."""

    code: Code
    naam: str = Field(min_length=1, max_length=80)


class OfficeHours(_Strict):
    """When reminders may go out and items count as arriving 'today'."""

    begin: time = time(8, 30)
    einde: time = time(17, 30)

    @model_validator(mode="after")
    def _order(self) -> OfficeHours:
        if self.begin >= self.einde:
            raise ValueError("begin moet vóór einde liggen")
        return self


class CalendarConfig(_Strict):
    """Working days: Monday-Friday minus public holidays and closure days."""

    feestdagen: list[Literal["public", "optional"]] = ["public", "optional"]  # optional: 5 mei (Atw art. 3)
    sluitingsdagen: list[date] = []


class Urgency(_Strict):
    """Faster pick-up for a kind of item (e.g. a bedreigende situatie with its 3-werkdagen term)."""

    oppakken_binnen_werkuren: Annotated[int, Field(ge=1, le=80)]
    escaleren_na_werkuren: Annotated[int, Field(ge=1, le=160)]


ITEM_KINDS = frozenset({c.value for c in Category} | {f"vraag_{t.value}" for t in VraagTopic})


def _known_kinds(value: dict[str, Any]) -> None:
    for key in value:
        if key not in ITEM_KINDS:
            raise ValueError(f"onbekende soort {key!r}; kies uit {_choices(ITEM_KINDS)}")


class Routing(_Strict):
    """Which function picks up what, how far ahead routing looks, and when an item nobody picked
    up is re-sent and escalated."""

    voorkeur: dict[str, Role] = {}
    werkdagen_vooruit: Annotated[int, Field(ge=1, le=60)] = 10
    oppakken_binnen_werkuren: Annotated[int, Field(ge=1, le=80)] = 4
    escaleren_na_werkuren: Annotated[int, Field(ge=1, le=160)] = 8
    spoed: dict[str, Urgency] = {}

    @field_validator("voorkeur")
    @classmethod
    def _keys_and_roles(cls, value: dict[str, Role]) -> dict[str, Role]:
        _known_kinds(value)
        for key, role in value.items():
            if not role.is_worker:
                raise ValueError(f"{key}: alleen klantmanager of budgetcoach kan voorkeur zijn")
        return value

    @field_validator("spoed")
    @classmethod
    def _urgent_kinds(cls, value: dict[str, Urgency]) -> dict[str, Urgency]:
        _known_kinds(value)
        return value

    def pickup_hours(self, kind: str | None) -> tuple[int, int]:
        """Office hours until an item of this kind is re-sent, and until it is escalated."""
        urgent = self.spoed.get(kind) if kind else None
        if urgent is not None:
            return urgent.oppakken_binnen_werkuren, urgent.escaleren_na_werkuren
        return self.oppakken_binnen_werkuren, self.escaleren_na_werkuren

    def preferred_role(self, kind: str) -> Role | None:
        """The function preferred for a category or 'vraag_<topic>'."""
        return self.voorkeur.get(kind)


class Planner(_Strict):
    """How often the scheduler looks, and when the weekly status goes out."""

    interval_seconden: Annotated[int, Field(ge=5, le=3600)] = 60
    weekoverzicht_dag: Annotated[int, Field(ge=0, le=4)] = 0  # 0 = maandag
    weekoverzicht_tijd: time = time(8, 30)
    dagelijkse_lijst_tijd: time = time(8, 30)


class Targets(_Strict):
    """KPI targets that are not a norm's own `doel`."""

    # seed: 50% of the people in budgetbeheer become financially self-reliant
    zelfredzaam_na_budgetbeheer: Annotated[float, Field(gt=0, le=1)] = 0.5


class Ddas(_Strict):
    """Who delivers the DDAS files: the municipality's CBS code and the supplier's code."""

    gemeentecode: str = Field(pattern=r"^GM\d{4}$")
    leverancier: str = Field(min_length=1, max_length=40)


class Vroegsignalering(_Strict):
    """The signaalpartners a vroegsignaal may come from, by name (a closed list)."""

    organisaties: list[Annotated[str, Field(min_length=1, max_length=40)]] = []

    @field_validator("organisaties")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len({v.casefold() for v in value}) != len(value):
            raise ValueError("elke organisatie mag maar één keer voorkomen")
        return value


class AppConfig(_Strict):
    """The whole file."""

    gemeente: str = Field(min_length=1)
    wijkteams: list[Wijkteam] = Field(min_length=1)
    normen: dict[Code, NormConfig] = Field(min_length=1)
    herinneringen: ReminderPolicy = ReminderPolicy()
    kantoortijden: OfficeHours = OfficeHours()
    kalender: CalendarConfig = CalendarConfig()
    routering: Routing = Routing()
    planner: Planner = Planner()
    doelen: Targets = Targets()
    ddas: Ddas | None = None  # needed for the DDAS delivery only
    vroegsignalering: Vroegsignalering = Vroegsignalering()
    uitnodiging_geldig_dagen: Annotated[int, Field(ge=1, le=90)] = 7
    bewaartermijn_vrije_tekst_dagen: Annotated[int, Field(ge=1, le=3650)] = 90
    # free text of a dossier or vraag still open after this long goes too (12 months)
    bewaartermijn_open_vrije_tekst_dagen: Annotated[int, Field(ge=30, le=3650)] = 365

    @field_validator("wijkteams")
    @classmethod
    def _unique_teams(cls, value: list[Wijkteam]) -> list[Wijkteam]:
        codes = [w.code for w in value]
        doubles = sorted({c for c in codes if codes.count(c) > 1})
        if doubles:
            raise ValueError(f"wijkteamcode dubbel: {', '.join(doubles)}")
        return value

    @model_validator(mode="after")
    def _one_vraag_norm(self) -> AppConfig:
        if sum(1 for n in self.normen.values() if n.actief and n.is_vraag_norm) > 1:
            raise ValueError("normen: hoogstens één actieve norm mag bij 'vraag' starten")
        return self

    @property
    def active_norms(self) -> dict[str, NormConfig]:
        return {code: n for code, n in self.normen.items() if n.actief}

    def policy_for(self, norm_code: str) -> ReminderPolicy:
        """The norm's own reminder policy, else the general one (also for a norm since removed)."""
        norm = self.normen.get(norm_code)
        return norm.herinneringen if norm and norm.herinneringen else self.herinneringen

    def wijkteam(self, code: str) -> Wijkteam | None:
        return next((w for w in self.wijkteams if w.code == code), None)

    def norm_name(self, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
        """The norm's name in the language (Dutch when it has none there), or its code for a norm
        since removed from the file."""
        norm = self.normen.get(code)
        return norm.namen.get(lang, norm.naam) if norm else code


class ConfigError(Exception):
    """The file is unreadable or invalid; each line names a key and its problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Configuratie {source} is ongeldig:\n{lines}")


def _choices(values: Any) -> str:
    return ", ".join(sorted(values))


def _key_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item + 1}]")  # 1-based: the n-th [[wijkteams]] block
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts) or "(bestand)"


# Pydantic's most common complaints, in the operator's language.
_DUTCH = {
    "extra_forbidden": "onbekende sleutel (tikfout?)",
    "missing": "ontbreekt",
    "string_pattern_mismatch": "alleen kleine letters, cijfers, - en _ (begin met letter of cijfer)",
    "string_too_short": "te kort (minstens {min_length} teken(s))",
    "string_too_long": "te lang (hoogstens {max_length} tekens)",
    "too_short": "te weinig waarden (minstens {min_length})",
    "greater_than": "moet groter zijn dan {gt}",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than_equal": "mag hoogstens {le} zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "string_type": "moet tekst zijn (tussen aanhalingstekens)",
    "list_type": 'moet een lijst zijn, zoals ["a", "b"]',
    "dict_type": "moet een tabel zijn",
    "date_from_datetime_parsing": "moet een datum zijn, zoals 2026-12-24",
    "date_parsing": "moet een datum zijn, zoals 2026-12-24",
    "date_type": "moet een datum zijn, zoals 2026-12-24",
    "time_parsing": "moet een tijd zijn, zoals 08:30:00",
    "time_type": "moet een tijd zijn, zoals 08:30:00",
    "enum": "moet een van deze zijn: {expected}",
    "literal_error": "moet een van deze zijn: {expected}",
}


def _explain(err: ValidationError) -> list[str]:
    problems = []
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if p not in ("function-after", "function-before"))
        msg = e["msg"].removeprefix("Value error, ")
        msg = _DUTCH.get(e["type"], msg).format(**e.get("ctx", {}))
        problems.append(f"{_key_path(loc)}: {msg}")
    return problems


def default_config_text() -> str:
    """The shipped default configuration (the seed's norms)."""
    return resources.files("bot").joinpath("default_config.toml").read_text(encoding="utf-8")


def parse_config(text: str, source: str = "<tekst>") -> AppConfig:
    """Validate TOML text; raise ConfigError naming each bad key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, [f"(bestand): geen geldige TOML: {exc}"]) from None
    try:
        return AppConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, _explain(exc)) from None


def load_config(path: Path | None = None) -> AppConfig:
    """Load the file at path, or the shipped default."""
    if path is None:
        return parse_config(default_config_text(), "standaardconfiguratie")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [f"kan het bestand niet lezen: {exc.strerror}"]) from None
    return parse_config(text, str(path))
