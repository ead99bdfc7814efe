"""One home per rule, tested on its own: how a deadline stands (binnen de termijn), the milestone
rules (guards, what a step needs, what it completes, what stops a deadline) and the reminder
moments (pick-up re-send and escalation, daily and weekly lists). Domain layer, no database."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot import milestones as rules
from bot.config import AppConfig
from bot.ddas import Eindresultaat, Uitstroomreden
from bot.errors import DomainError, InvalidDate
from bot.moments import ESCALATE, RESEND, daily_list_due, iso_week, pickup_moments, weekly_overview_due
from bot.norms import verdict, within_term
from bot.vocabulary import Audience, ContactWay, DeadlineStatus, Milestone, Verdict
from bot.workcalendar import WorkCalendar
from tests.conftest import AMS

D = date
M = Milestone
TODAY = D(2026, 12, 9)


@pytest.mark.parametrize(
    ("status", "due", "met", "expected"),
    [
        (DeadlineStatus.GESTOPT, D(2026, 12, 9), D(2026, 12, 9), Verdict.GEHAALD),  # on the due date
        (DeadlineStatus.GESTOPT, D(2026, 12, 9), D(2026, 12, 1), Verdict.GEHAALD),
        (DeadlineStatus.GESTOPT, D(2026, 12, 9), D(2026, 12, 10), Verdict.TE_LAAT),
        (DeadlineStatus.LOPEND, D(2026, 12, 9), None, Verdict.LOPEND),  # the due date is today
        (DeadlineStatus.LOPEND, D(2026, 12, 10), None, Verdict.LOPEND),
        (DeadlineStatus.LOPEND, D(2026, 12, 8), None, Verdict.VERLOPEN),
        (DeadlineStatus.VERVALLEN, D(2026, 12, 8), None, Verdict.VERVALLEN),
        (DeadlineStatus.LOPEND, None, None, Verdict.GEEN_TERMIJN),
        (DeadlineStatus.GESTOPT, None, D(2026, 12, 1), Verdict.GEEN_TERMIJN),
    ],
)
def test_how_a_deadline_stands(
    status: DeadlineStatus, due: date | None, met: date | None, expected: Verdict
) -> None:
    assert verdict(status, due, met, TODAY) is expected
    assert within_term(met, due) == (expected is Verdict.GEHAALD)


# -- milestone rules ---------------------------------------------------------------------------


def facts(*pairs: tuple[Milestone, date]) -> dict[str, list[date]]:
    return {kind.value: [day] for kind, day in pairs}


PICKED_UP = (M.OPGEPAKT, D(2026, 12, 2))
CONTACT = (M.EERSTE_CONTACT, D(2026, 12, 3))


@pytest.mark.parametrize(
    ("kind", "known", "day", "error", "fragment"),
    [
        (M.EERSTE_CONTACT, [PICKED_UP, CONTACT], D(2026, 12, 4), DomainError, "al vastgelegd"),
        (M.PLAN_VAN_AANPAK, [PICKED_UP], D(2026, 12, 4), DomainError, "Eerst nodig: eerste contact"),
        (M.STABILISATIE, [PICKED_UP, CONTACT], D(2026, 12, 4), DomainError, "Eerst nodig: financiële rust"),
        (M.PLAN_VAN_AANPAK, [PICKED_UP, CONTACT], D(2026, 12, 2), InvalidDate, "vorige stap"),
        (
            M.TOETS,
            [
                PICKED_UP,
                CONTACT,
                (M.STABILISATIE, D(2026, 12, 3)),
                (M.START_BUDGETBEHEER, D(2026, 12, 4)),
                (M.EINDE_BUDGETBEHEER, D(2026, 12, 5)),
            ],
            D(2026, 12, 6),
            DomainError,
            "kan 'toets zelfredzaamheid' niet meer",
        ),
    ],
)
def test_a_milestone_that_does_not_fit_is_refused(
    kind: Milestone, known: list[tuple[Milestone, date]], day: date, error: type[DomainError], fragment: str
) -> None:
    with pytest.raises(error) as caught:
        rules.check_recordable(kind, facts(*known), day)
    assert fragment in caught.value.render("nl")


def test_a_milestone_that_fits_passes_and_contact_made_before_the_pick_up_counts() -> None:
    rules.check_recordable(M.EERSTE_CONTACT, facts(PICKED_UP), D(2026, 12, 1))
    rules.check_recordable(
        M.CONTACTPOGING, facts(PICKED_UP, (M.CONTACTPOGING, D(2026, 12, 2))), D(2026, 12, 3)
    )


def test_derived_milestones_are_never_recorded_directly() -> None:
    for kind in (M.OPGEPAKT, M.FINANCIELE_RUST):
        with pytest.raises(DomainError, match="volgt vanzelf"):
            rules.refuse_derived(kind)
    rules.refuse_derived(M.EERSTE_CONTACT)


@pytest.mark.parametrize(
    ("kind", "given", "expected"),
    [
        (
            M.EERSTE_CONTACT,
            {"contact_way": ContactWay.TELEFOON},
            {"contact_way": "telefoon", "reached": True},
        ),
        (
            M.CONTACTPOGING,
            {"contact_way": ContactWay.BRIEF, "reached": False},
            {"contact_way": "brief", "reached": False},
        ),
        (M.EINDE_BUDGETCOACHING, {"self_reliant": False}, {"self_reliant": False}),
        (M.AFGESLOTEN, {"reason": Uitstroomreden.VERHUISD}, {"reason": "verhuisd"}),
        (M.PLAN_VAN_AANPAK, {}, {}),
    ],
)
def test_what_a_milestone_needs(
    kind: Milestone, given: dict[str, object], expected: dict[str, object]
) -> None:
    outcome = {"contact_way": None, "reached": None, "self_reliant": None, "reason": None, **given}
    assert rules.outcome_fields(kind, **outcome) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "fragment"),
    [(M.EERSTE_CONTACT, "contact"), (M.TOETS, "zelfredzaam"), (M.AFGESLOTEN, "traject eindigt")],
)
def test_a_missing_outcome_is_asked_for(kind: Milestone, fragment: str) -> None:
    with pytest.raises(DomainError, match=fragment):
        rules.outcome_fields(kind, contact_way=None, reached=None, self_reliant=None, reason=None)


@pytest.mark.parametrize(
    ("traject", "reason", "fragment"),
    [
        (True, Eindresultaat.GEEN_CONTACT, "waarom het schuldhulptraject eindigt"),
        (False, Uitstroomreden.AFGEROND, "eindresultaat van de vroegsignalering"),
        (False, None, "eindresultaat van de vroegsignalering"),
    ],
)
def test_closing_takes_the_ddas_list_that_fits_the_dossier(
    traject: bool, reason: Eindresultaat | Uitstroomreden | None, fragment: str
) -> None:
    with pytest.raises(DomainError, match=fragment):
        rules.outcome_fields(
            M.AFGESLOTEN, contact_way=None, reached=None, self_reliant=None, reason=reason, traject=traject
        )
    fields = rules.outcome_fields(
        M.AFGESLOTEN,
        contact_way=None,
        reached=None,
        self_reliant=None,
        reason=Uitstroomreden.ZELF if traject else Eindresultaat.ADVIES,
        traject=traject,
    )
    assert fields == {"reason": "zelf" if traject else "advies"}


def test_a_reached_attempt_is_the_first_contact_and_the_last_criterion_completes_rust() -> None:
    attempt = rules.steps_for(
        M.CONTACTPOGING, D(2026, 12, 4), {"contact_way": "telefoon", "reached": True}, {}
    )
    assert [(s.kind, s.day) for s in attempt] == [
        (M.CONTACTPOGING, D(2026, 12, 4)),
        (M.EERSTE_CONTACT, D(2026, 12, 4)),
    ]
    missed = rules.steps_for(M.CONTACTPOGING, D(2026, 12, 4), {"contact_way": "brief", "reached": False}, {})
    assert [s.kind for s in missed] == [M.CONTACTPOGING]
    two = facts((M.FR_SCHULDEN_STABIEL, D(2026, 12, 10)), (M.FR_VASTE_LASTEN, D(2026, 12, 7)))
    last = rules.steps_for(M.FR_SCHULDEISERS, D(2026, 12, 8), {}, two)
    assert [(s.kind, s.day) for s in last] == [
        (M.FR_SCHULDEISERS, D(2026, 12, 8)),
        (M.FINANCIELE_RUST, D(2026, 12, 10)),
    ]
    assert [s.kind for s in rules.steps_for(M.FR_SCHULDEISERS, D(2026, 12, 8), {}, {})] == [M.FR_SCHULDEISERS]


def test_the_steps_that_stop_a_deadline(config: AppConfig) -> None:
    can = [M.FR_SCHULDEN_STABIEL, M.PLAN_VAN_AANPAK, M.START_BUDGETCOACHING, M.TOETS]
    assert rules.end_product_steps(config.normen["stabilisatie"], 0, can) == [
        M.FR_SCHULDEN_STABIEL,
        M.PLAN_VAN_AANPAK,
    ]
    assert rules.end_product_steps(config.normen["budgetbeheer"], 2, can) == [M.TOETS]
    assert rules.end_product_steps(None, 0, can) == []


# -- reminder moments ----------------------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMS)


def test_an_item_nobody_picks_up_is_resent_then_escalated_in_office_hours(config: AppConfig) -> None:
    # Thursday 24 December 2026, 15:00: two and a half office hours left, then Christmas and the
    # weekend; 4 and 8 office hours later is Monday 28 December at 10:00 and 14:00.
    moments = pickup_moments(config.routering, WorkCalendar(), _at(D(2026, 12, 24), 15))
    assert [(m.level, m.audience, m.at) for m in moments] == [
        (RESEND, Audience.HOUDER, _at(D(2026, 12, 28), 10)),
        (ESCALATE, Audience.TEAMLEIDER, _at(D(2026, 12, 28), 14)),
    ]
    assert moments[0].key("d7") == "ack:d7:1:20261228T0900"


def test_the_lists_go_out_from_their_configured_moments(config: AppConfig) -> None:
    monday, tuesday = D(2026, 12, 7), D(2026, 12, 8)
    assert not daily_list_due(config, _at(tuesday, 8, 29))
    assert daily_list_due(config, _at(tuesday, 8, 30))
    assert not weekly_overview_due(config.planner, _at(monday, 8, 0))
    assert weekly_overview_due(config.planner, _at(monday, 9, 0))
    assert weekly_overview_due(config.planner, _at(tuesday, 9, 0))  # missed on Monday: goes on Tuesday
    assert iso_week(D(2027, 1, 1)) == "2026-W53"


# -- the split-out helpers of the services --------------------------------------------------------


def test_a_dossier_row_shows_days_and_binnen_termijn_per_verdict() -> None:
    from bot.models import Deadline
    from bot.services.export import _deadline_cells

    def row(status: str, due: date | None, met: date | None) -> Deadline:
        return Deadline(norm="x", seq=0, start_date=D(2026, 11, 1), due_date=due, met_date=met, status=status)

    as_of = D(2026, 12, 9)
    assert _deadline_cells(None, as_of) == (None, None)
    assert _deadline_cells(row(DeadlineStatus.VERVALLEN, D(2026, 12, 1), None), as_of) == (None, None)
    assert _deadline_cells(row(DeadlineStatus.GESTOPT, D(2026, 11, 15), D(2026, 11, 15)), as_of) == (14, "ja")
    assert _deadline_cells(row(DeadlineStatus.GESTOPT, D(2026, 11, 15), D(2026, 11, 16)), as_of) == (
        15,
        "nee",
    )
    # no lead time while a termijn runs, also once it is past its due date
    assert _deadline_cells(row(DeadlineStatus.LOPEND, D(2026, 12, 8), None), as_of) == (
        None,
        "nee, loopt nog",
    )
    assert _deadline_cells(row(DeadlineStatus.LOPEND, D(2026, 12, 9), None), as_of) == (None, "loopt")
    ended = row(DeadlineStatus.NIET_GEHAALD, D(2026, 11, 15), None)
    ended.decided_on = D(2026, 11, 15)
    assert _deadline_cells(ended, as_of) == (14, "nee")  # counted to the day it was decided


def test_a_reminder_whose_reason_has_gone_is_not_sent() -> None:
    from bot.models import Deadline, Dossier, Reminder, Vraag
    from bot.services.reminders import _reason_gone
    from bot.vocabulary import DossierStatus, ReminderKind, VraagStatus

    now = datetime(2026, 12, 9, 9, tzinfo=AMS)
    deadline_row = Reminder(kind=ReminderKind.TERMIJN)
    pickup_row = Reminder(kind=ReminderKind.OPPAKKEN)
    running = Deadline(status=DeadlineStatus.LOPEND)
    stopped = Deadline(status=DeadlineStatus.GESTOPT)
    open_dossier = Dossier(status=DossierStatus.OPGEPAKT, acknowledged_at=now)
    new_dossier = Dossier(status=DossierStatus.NIEUW, acknowledged_at=None)
    closed = Dossier(status=DossierStatus.AFGESLOTEN, acknowledged_at=now)
    answered = Vraag(status=VraagStatus.BEANTWOORD, acknowledged_at=now)
    assert not _reason_gone(deadline_row, running, open_dossier, None)
    assert _reason_gone(deadline_row, stopped, open_dossier, None)
    assert _reason_gone(deadline_row, running, closed, None)
    assert _reason_gone(deadline_row, running, None, answered)
    assert _reason_gone(deadline_row, running, None, None)
    assert not _reason_gone(pickup_row, None, new_dossier, None)
    assert _reason_gone(pickup_row, None, open_dossier, None)  # picked up meanwhile


@pytest.mark.parametrize(
    ("typed", "ref"),
    [
        ("sh-2026-1", "SH-2026-0001"),
        ("SH 2026 42", "SH-2026-0042"),
        (" SH-2026-0042 ", "SH-2026-0042"),
        ("vr-2026-7", "VR-2026-0007"),
        ("SH-2026-123456", "SH-2026-123456"),
        ("iets anders", "IETS ANDERS"),
    ],
)
def test_references_are_read_loosely(typed: str, ref: str) -> None:
    from bot.services.dossiers import normalize_ref

    assert normalize_ref(typed) == ref
