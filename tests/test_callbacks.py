"""Button data as types: every kind packs and parses back, stays within Telegram's 64 bytes, and
anything forged, malformed or out of range parses to None (presentation layer, no Telegram)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.ddas import Eindresultaat, Signaalpartner, Uitstroomreden
from bot.vocabulary import Beschikking, Category, ContactWay, Dagdeel, Milestone, VraagTopic
from handlers.views import callbacks as cb

REF = "SH-2026-0042"
EXAMPLES: list[cb.Button] = [
    cb.PickUp(REF),
    cb.HandOver("VR-2026-0001"),
    cb.HandOverTo(REF, 12),
    cb.OpenDossier(REF),
    cb.AnswerVraag("VR-2026-0001"),
    cb.OpenVraag("VR-2026-0002"),
    cb.RustStart(REF),
    cb.RustToggle(Milestone.FR_VASTE_LASTEN),
    cb.RustSave(),
    cb.RecordMilestone(REF, Milestone.FR_SCHULDEISERS),
    cb.ContactWayChoice(ContactWay.HUISBEZOEK),
    cb.ReachedChoice(True),
    cb.DagdeelChoice(Dagdeel.AVOND),
    cb.BeschikkingChoice(Beschikking.AFWIJZING),
    cb.SelfReliantChoice(False),
    cb.EindresultaatChoice(Eindresultaat.BETAALD_NA),
    cb.UitstroomChoice(Uitstroomreden.NIET_VERSCHENEN),
    cb.PartnerChoice(Signaalpartner.CAK_EIGEN_BIJDRAGE),
    cb.OrganisationChoice(99),
    cb.SkipOrganisation(),
    cb.CrisisChoice(True),
    cb.WarmChoice(False),
    cb.MilestoneDay(1),
    cb.MeldingCategory(Category.BEDREIGENDE_SITUATIE),
    cb.MeldingTeam("heusden"),
    cb.MeldingDay(0),
    cb.SkipRisNumber(),
    cb.SkipDescription(),
    cb.ConfirmMelding(False),
    cb.TopicChoice(VraagTopic.BUDGET),
    cb.LanguageChoice("en"),
    cb.AbsenceChoice(cb.AbsenceWhen.REST_VAN_DE_WEEK),
    cb.RosterWeek(date(2026, 11, 30)),
    cb.RosterEdit(),
    cb.RosterTeam("drunen"),
    cb.AccountChoice(7, True),
    cb.AccountConfirm(7, False),
    cb.AccountCancel(),
    cb.RosterToggle("drunen", 4, 2**31 - 1),
    cb.RosterDone(),
    cb.RosterDay("drunen", date(2026, 12, 3)),
    cb.RosterDayToggle("a" * 40, date(2026, 12, 3), 2**31 - 1),
    cb.RosterDayReset("drunen", date(2026, 12, 3)),
    cb.AbsenceFor(12),
]


def test_every_kind_of_button_has_an_example() -> None:
    kinds = {type(b) for b in EXAMPLES}
    defined = {
        c
        for c in vars(cb).values()
        if isinstance(c, type) and issubclass(c, cb.Button) and hasattr(c, "PREFIX")
    }
    assert defined == kinds
    assert len({k.PREFIX for k in kinds}) == len(kinds)  # no prefix used twice


@pytest.mark.parametrize("button", EXAMPLES, ids=lambda b: type(b).__name__)
def test_pack_then_parse_gives_the_button_back(button: cb.Button) -> None:
    data = button.pack()
    assert len(data.encode()) <= cb.CALLBACK_DATA_LIMIT
    assert type(button).parse(data) == button
    assert re.match(type(button).pattern(), data)
    # no other kind routes or reads it
    for other in {type(b) for b in EXAMPLES} - {type(button)}:
        assert other.parse(data) is None, other
        assert not re.match(other.pattern(), data), other


def test_the_wire_format_stays_what_old_messages_carry() -> None:
    assert cb.PickUp("SH-2026-0001").pack() == "ack:SH-2026-0001"
    assert (
        cb.RecordMilestone("SH-2026-0001", Milestone.EERSTE_CONTACT).pack()
        == "ms:SH-2026-0001:eerste_contact"
    )
    assert cb.RosterToggle("drunen", 3, 3).pack() == "ro:x:drunen:3:3"
    assert cb.RosterEdit().pack() == "ro:e:-"
    assert cb.ConfirmMelding(True).pack() == "mk:send"
    assert cb.MilestoneDay(0).pack() == "msd:0"


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (cb.PickUp, "ack:SH-2026-0001:extra"),  # wrong shape
        (cb.PickUp, "ack:"),
        (cb.PickUp, "ack:sh-2026-0001"),  # buttons carry the bot's own references
        (cb.PickUp, "ack:SH-2026-0001;DROP"),
        (cb.PickUp, None),
        (cb.HandOverTo, "hot:SH-2026-0001:abc"),
        (cb.HandOverTo, "hot:SH-2026-0001:0"),
        (cb.HandOverTo, "hot:SH-2026-0001:-4"),
        (cb.HandOverTo, "hot:SH-2026-0001:٣"),  # a non-ASCII digit
        (cb.HandOverTo, "hot:SH-2026-0001:99999999999999999999999"),
        (cb.HandOverTo, "hot:SH-2026-0001:3000000000"),  # beyond the 32-bit user ids
        (cb.AnswerVraag, "ans:SH-2026-0001"),  # only a vraag is answered
        (cb.OpenDossier, "zk:VR-2026-0001"),
        (cb.OpenVraag, "zv:SH-2026-0001"),
        (cb.RustToggle, "frt:financiele_rust"),  # follows from the criteria, never ticked itself
        (cb.RustToggle, "frt:eerste_contact"),
        (cb.RustStart, "fr:VR-2026-0001"),
        (cb.RecordMilestone, "ms:VR-2026-0001:eerste_contact"),
        (cb.RecordMilestone, "ms:SH-2026-0001:opgepakt"),  # follows by itself, never recorded
        (cb.RecordMilestone, "ms:SH-2026-0001:financiele_rust"),
        (cb.RecordMilestone, "ms:SH-2026-0001:bestaat_niet"),
        (cb.RosterToggle, "ro:x:drunen:9:1"),  # weekday out of range
        (cb.RosterToggle, "ro:x:Drunen!:1:1"),
        (cb.RosterWeek, "ro:w:9999-12-31"),  # a week further would overflow
        (cb.RosterDay, "ro:d:drunen:2026-12-03"),  # dates go as day numbers here
        (cb.RosterDay, "ro:d:drunen:1000000"),
        (cb.RosterDay, "ro:d:drunen:0"),
        (cb.RosterDayToggle, "ro:dx:drunen:739588:0"),
        (cb.AbsenceFor, "afv:-1"),
        (cb.RosterWeek, "ro:w:0001-01-01"),
        (cb.RosterWeek, "ro:w:2026-02-30"),
        (cb.MilestoneDay, "msd:2"),
        (cb.ReachedChoice, "msr:ja"),
        (cb.LanguageChoice, "taal:xx"),
        (cb.ConfirmMelding, "mk:maybe"),
        (cb.PartnerChoice, "mp:Energie"),  # the bot's code, never DDAS's text
        (cb.PartnerChoice, "mp:gas"),
        (cb.OrganisationChoice, "mg:100"),
        (cb.OrganisationChoice, "mg:-1"),
        (cb.EindresultaatChoice, "mse:afgerond"),  # an uitstroomreden, not an eindresultaat
        (cb.UitstroomChoice, "msu:hulp_geweigerd"),  # the close reason before DDAS
        (cb.SkipRisNumber, "mr:skip:now"),
        (cb.RosterEdit, "ro:e"),
        (cb.PickUp, "x" * 65),
    ],
)
def test_forged_or_malformed_data_parses_to_none(kind: type[cb.Button], data: str | None) -> None:
    assert kind.parse(data) is None


def test_too_long_data_is_refused_when_packed() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        cb.MeldingTeam("x" * 70).pack()  # values are not checked when packed; the length is
