"""Button data as types: every callback prefix and its fields, in one place.

`pack()` writes what Telegram carries back when the button is pressed (at most 64 bytes);
`parse()` reads it and returns None for anything malformed, out of range or forged, so a handler
never sees a bad value. The wire format is 'prefix:field:field'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Generic, Self, TypeVar

from bot.ddas import Eindresultaat, Signaalpartner, Uitstroomreden
from bot.i18n import LANGUAGES
from bot.vocabulary import (
    DERIVED,
    FINANCIELE_RUST_CRITERIA,
    Beschikking,
    Category,
    ContactWay,
    Dagdeel,
    Milestone,
    VraagTopic,
)

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How one field is written, and read back (None: not a valid value)."""

    dump: Callable[[T], str]
    load: Callable[[str], T | None]


def _matching(pattern: str) -> Codec[str]:
    regex = re.compile(pattern)
    return Codec(str, lambda s: s if regex.fullmatch(s) else None)


def _enum(cls: type[E]) -> Codec[E]:
    return Codec(lambda e: e.value, lambda s: cls(s) if s in {m.value for m in cls} else None)


def _bounded(low: int, high: int) -> Codec[int]:
    def load(s: str) -> int | None:
        if not (s.isascii() and s.isdigit()) or len(s) > 19:
            return None
        value = int(s)
        return value if low <= value <= high else None

    return Codec(str, load)


def _flag(yes: str, no: str) -> Codec[bool]:
    return Codec(lambda b: yes if b else no, {yes: True, no: False}.get)


def _load_day(s: str) -> date | None:
    try:
        day = date.fromisoformat(s)
    except ValueError:
        return None
    # room for a week's step either way, so navigation never overflows
    return day if date.min + timedelta(days=7) <= day <= date.max - timedelta(days=7) else None


def _load_recordable(s: str) -> Milestone | None:
    kind = _enum(Milestone).load(s)
    return None if kind is None or kind in DERIVED else kind


# a milestone a worker records (opgepakt, financiële rust and zelfredzaam follow by themselves)
_recordable = Codec[Milestone](lambda m: m.value, _load_recordable)
ITEM_REF = _matching(r"(SH|VR)-\d{4}-\d{1,6}")  # a dossier or a vraag
DOSSIER_REF = _matching(r"SH-\d{4}-\d{1,6}")
VRAAG_REF = _matching(r"VR-\d{4}-\d{1,6}")
TEAM = _matching(r"[a-z0-9][a-z0-9_-]{0,39}")
USER_ID = _bounded(1, 2**31 - 1)  # users.id is a 32-bit integer
WEEKDAY = _bounded(0, 4)
DAYS_AGO = _bounded(0, 1)
ORGANISATION = _bounded(0, 99)  # a place in the configured list; the handler checks its length
DAY = Codec[date](date.isoformat, _load_day)


def _load_ordinal(s: str) -> date | None:
    number = _bounded(1, 999_999).load(s)
    return None if number is None else _load_day(date.fromordinal(number).isoformat())


# a date in six digits (day number since 1-1-1, up to the year 2737), where room is short
SHORT_DAY = Codec[date](lambda d: str(d.toordinal()), _load_ordinal)
YES_NO = _flag("1", "0")
LANGUAGE = _matching("|".join(LANGUAGES))


def _meta(codec: Codec[Any]) -> dict[str, Codec[Any]]:
    """A field's metadata: how it is packed and parsed."""
    return {"codec": codec}


class Button:
    """Base of every button's data; subclasses are frozen dataclasses with a PREFIX."""

    PREFIX: ClassVar[str]

    def pack(self) -> str:
        values = [f.metadata["codec"].dump(getattr(self, f.name)) for f in fields(self)]  # type: ignore[arg-type]
        data = ":".join([self.PREFIX, *values])
        if len(data.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data[:20]}...")
        return data

    @classmethod
    def parse(cls, data: object) -> Self | None:
        """The button's values, or None when the data is not a valid button of this kind."""
        if not isinstance(data, str) or len(data.encode()) > CALLBACK_DATA_LIMIT:
            return None
        specs = fields(cls)  # type: ignore[arg-type]
        if not specs:
            return cls() if data == cls.PREFIX else None
        if not data.startswith(cls.PREFIX + ":"):
            return None
        parts = data[len(cls.PREFIX) + 1 :].split(":")
        if len(parts) != len(specs):
            return None
        values = {}
        for spec, part in zip(specs, parts, strict=True):
            value = spec.metadata["codec"].load(part)
            if value is None:
                return None
            values[spec.name] = value
        return cls(**values)

    @classmethod
    def pattern(cls) -> str:
        """The regex a CallbackQueryHandler routes this kind of button by (its prefix)."""
        tail = ":" if fields(cls) else "$"  # type: ignore[arg-type]
        return "^" + re.escape(cls.PREFIX) + tail


# -- items -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PickUp(Button):
    """Oppakken."""

    PREFIX: ClassVar[str] = "ack"
    ref: str = field(metadata=_meta(ITEM_REF))


@dataclass(frozen=True)
class HandOver(Button):
    """Overdragen: choose a colleague."""

    PREFIX: ClassVar[str] = "ho"
    ref: str = field(metadata=_meta(ITEM_REF))


@dataclass(frozen=True)
class HandOverTo(Button):
    """Overdragen to this colleague."""

    PREFIX: ClassVar[str] = "hot"
    ref: str = field(metadata=_meta(ITEM_REF))
    user_id: int = field(metadata=_meta(USER_ID))


@dataclass(frozen=True)
class OpenDossier(Button):
    """Dossier openen."""

    PREFIX: ClassVar[str] = "zk"
    ref: str = field(metadata=_meta(DOSSIER_REF))


@dataclass(frozen=True)
class OpenVraag(Button):
    """A vraag in /zaken."""

    PREFIX: ClassVar[str] = "zv"
    ref: str = field(metadata=_meta(VRAAG_REF))


@dataclass(frozen=True)
class AnswerVraag(Button):
    """Beantwoorden."""

    PREFIX: ClassVar[str] = "ans"
    ref: str = field(metadata=_meta(VRAAG_REF))


@dataclass(frozen=True)
class RecordMilestone(Button):
    """A milestone of a dossier (also Afsluiten)."""

    PREFIX: ClassVar[str] = "ms"
    ref: str = field(metadata=_meta(DOSSIER_REF))
    kind: Milestone = field(metadata=_meta(_recordable))


@dataclass(frozen=True)
class RustStart(Button):
    """Financiële rust: its three criteria in one step."""

    PREFIX: ClassVar[str] = "fr"
    ref: str = field(metadata=_meta(DOSSIER_REF))


# -- the milestone flow ---------------------------------------------------------------------------


def _load_criterion(s: str) -> Milestone | None:
    kind = _enum(Milestone).load(s)
    return kind if kind in FINANCIELE_RUST_CRITERIA else None


@dataclass(frozen=True)
class RustToggle(Button):
    """One criterion of financiële rust, on or off."""

    PREFIX: ClassVar[str] = "frt"
    kind: Milestone = field(metadata=_meta(Codec[Milestone](lambda m: m.value, _load_criterion)))


@dataclass(frozen=True)
class RustSave(Button):
    PREFIX: ClassVar[str] = "frs"


@dataclass(frozen=True)
class ContactWayChoice(Button):
    PREFIX: ClassVar[str] = "msw"
    way: ContactWay = field(metadata=_meta(_enum(ContactWay)))


@dataclass(frozen=True)
class ReachedChoice(Button):
    PREFIX: ClassVar[str] = "msr"
    yes: bool = field(metadata=_meta(YES_NO))


@dataclass(frozen=True)
class BeschikkingChoice(Button):
    PREFIX: ClassVar[str] = "msb"
    beschikking: Beschikking = field(metadata=_meta(_enum(Beschikking)))


@dataclass(frozen=True)
class DagdeelChoice(Button):
    PREFIX: ClassVar[str] = "msp"
    dagdeel: Dagdeel = field(metadata=_meta(_enum(Dagdeel)))


@dataclass(frozen=True)
class SelfReliantChoice(Button):
    PREFIX: ClassVar[str] = "mss"
    yes: bool = field(metadata=_meta(YES_NO))


@dataclass(frozen=True)
class EindresultaatChoice(Button):
    """How a vroegsignaalzaak ended (closing, DDAS)."""

    PREFIX: ClassVar[str] = "mse"
    result: Eindresultaat = field(metadata=_meta(_enum(Eindresultaat)))


@dataclass(frozen=True)
class UitstroomChoice(Button):
    """Why a schuldhulptraject ended (closing, DDAS)."""

    PREFIX: ClassVar[str] = "msu"
    reason: Uitstroomreden = field(metadata=_meta(_enum(Uitstroomreden)))


@dataclass(frozen=True)
class DayButton(Button):
    """Vandaag (0) or Gisteren (1) in a date step."""

    days_ago: int = field(metadata=_meta(DAYS_AGO))


@dataclass(frozen=True)
class MilestoneDay(DayButton):
    PREFIX: ClassVar[str] = "msd"


# -- /melding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeldingCategory(Button):
    PREFIX: ClassVar[str] = "mc"
    category: Category = field(metadata=_meta(_enum(Category)))


@dataclass(frozen=True)
class MeldingTeam(Button):
    PREFIX: ClassVar[str] = "mw"
    wijkteam: str = field(metadata=_meta(TEAM))


@dataclass(frozen=True)
class MeldingDay(DayButton):
    PREFIX: ClassVar[str] = "md"


@dataclass(frozen=True)
class SkipRisNumber(Button):
    PREFIX: ClassVar[str] = "mr:skip"


@dataclass(frozen=True)
class PartnerChoice(Button):
    """The kind of signaalpartner of a vroegsignaal (DDAS)."""

    PREFIX: ClassVar[str] = "mp"
    partner: Signaalpartner = field(metadata=_meta(_enum(Signaalpartner)))


@dataclass(frozen=True)
class OrganisationChoice(Button):
    """An organisation from the configured list, by its place in it."""

    PREFIX: ClassVar[str] = "mg"
    index: int = field(metadata=_meta(ORGANISATION))


@dataclass(frozen=True)
class SkipOrganisation(Button):
    PREFIX: ClassVar[str] = "mgs"


@dataclass(frozen=True)
class CrisisChoice(Button):
    """Whether the vroegsignaal is a crisissignaal."""

    PREFIX: ClassVar[str] = "mx"
    yes: bool = field(metadata=_meta(YES_NO))


@dataclass(frozen=True)
class WarmChoice(Button):
    """Whether the vroegsignaal came with a warme overdracht."""

    PREFIX: ClassVar[str] = "mh"
    yes: bool = field(metadata=_meta(YES_NO))


@dataclass(frozen=True)
class SkipDescription(Button):
    PREFIX: ClassVar[str] = "mo:skip"


@dataclass(frozen=True)
class ConfirmMelding(Button):
    """Versturen (send) or Annuleren (stop)."""

    PREFIX: ClassVar[str] = "mk"
    send: bool = field(metadata=_meta(_flag("send", "stop")))


# -- /vraag, /taal, /afwezig --------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicChoice(Button):
    PREFIX: ClassVar[str] = "vt"
    topic: VraagTopic = field(metadata=_meta(_enum(VraagTopic)))


@dataclass(frozen=True)
class LanguageChoice(Button):
    PREFIX: ClassVar[str] = "taal"
    language: str = field(metadata=_meta(LANGUAGE))


class AbsenceWhen(StrEnum):
    VANDAAG = "0"
    MORGEN = "1"
    REST_VAN_DE_WEEK = "w"


@dataclass(frozen=True)
class AbsenceChoice(Button):
    PREFIX: ClassVar[str] = "af"
    when: AbsenceWhen = field(metadata=_meta(_enum(AbsenceWhen)))


@dataclass(frozen=True)
class AbsenceFor(Button):
    """/afwezig by a teamleider or beheerder: whose absence (their own user id for themselves)."""

    PREFIX: ClassVar[str] = "afv"
    user_id: int = field(metadata=_meta(USER_ID))


# -- /blokkeren ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountChoice(Button):
    """A colleague in /blokkeren: block (or unblock) them, after a confirmation."""

    PREFIX: ClassVar[str] = "bl"
    user_id: int = field(metadata=_meta(USER_ID))
    block: bool = field(metadata=_meta(YES_NO))


@dataclass(frozen=True)
class AccountConfirm(Button):
    """Yes: block (or unblock) the colleague."""

    PREFIX: ClassVar[str] = "blj"
    user_id: int = field(metadata=_meta(USER_ID))
    block: bool = field(metadata=_meta(YES_NO))


@dataclass(frozen=True)
class AccountCancel(Button):
    PREFIX: ClassVar[str] = "bln"


# -- /rooster -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterWeek(Button):
    """Show the week starting on that Monday."""

    PREFIX: ClassVar[str] = "ro:w"
    monday: date = field(metadata=_meta(DAY))


@dataclass(frozen=True)
class RosterEdit(Button):
    """Rooster wijzigen: choose a wijkteam."""

    PREFIX: ClassVar[str] = "ro:e:-"


@dataclass(frozen=True)
class RosterTeam(Button):
    """The editor of one wijkteam."""

    PREFIX: ClassVar[str] = "ro:t"
    wijkteam: str = field(metadata=_meta(TEAM))


@dataclass(frozen=True)
class RosterToggle(Button):
    """Put a worker on, or take them off, a wijkteam's weekday."""

    PREFIX: ClassVar[str] = "ro:x"
    wijkteam: str = field(metadata=_meta(TEAM))
    weekday: int = field(metadata=_meta(WEEKDAY))
    user_id: int = field(metadata=_meta(USER_ID))


@dataclass(frozen=True)
class RosterDone(Button):
    """Klaar: close the editor and show this week's roster."""

    PREFIX: ClassVar[str] = "ro:k"


@dataclass(frozen=True)
class RosterDay(Button):
    """The editor of one wijkteam on one date (a date override)."""

    PREFIX: ClassVar[str] = "ro:d"
    wijkteam: str = field(metadata=_meta(TEAM))
    day: date = field(metadata=_meta(SHORT_DAY))


@dataclass(frozen=True)
class RosterDayToggle(Button):
    """Put a worker on, or take them off, one date in a wijkteam."""

    PREFIX: ClassVar[str] = "ro:dx"
    wijkteam: str = field(metadata=_meta(TEAM))
    day: date = field(metadata=_meta(SHORT_DAY))
    user_id: int = field(metadata=_meta(USER_ID))


@dataclass(frozen=True)
class RosterDayReset(Button):
    """Vast rooster: drop the date's override."""

    PREFIX: ClassVar[str] = "ro:dr"
    wijkteam: str = field(metadata=_meta(TEAM))
    day: date = field(metadata=_meta(SHORT_DAY))
