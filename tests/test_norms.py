"""Norm clocks and reminder moments as plain data (domain layer, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.config import AppConfig
from bot.moments import OVERDUE, reminder_moments
from bot.norms import DeadlinePlan, first_dates, plan_deadlines, vraag_due
from bot.vocabulary import Category, Milestone
from bot.workcalendar import WorkCalendar
from tests.conftest import AMS

D = date
M = Milestone
C = Category


def plans(config: AppConfig, category: Category, melding: date, *facts: tuple[Milestone, date]) -> dict:
    result = plan_deadlines(config, WorkCalendar(), category, melding, first_dates(facts))
    return {(p.norm, p.seq): p for p in result}


def test_vroegsignalering_runs_first_contact_and_stabilisation_clocks(config: AppConfig) -> None:
    clocks = plans(config, C.VROEGSIGNALERING, D(2026, 12, 2))
    assert clocks == {
        ("vroegsignalering", 0): DeadlinePlan("vroegsignalering", 0, D(2026, 12, 2), D(2026, 12, 16), None),
        ("stabilisatie", 0): DeadlinePlan("stabilisatie", 0, D(2026, 12, 2), D(2027, 1, 6), None),
        ("rust_ris", 0): DeadlinePlan("rust_ris", 0, D(2026, 12, 2), D(2027, 1, 6), None),
    }


@pytest.mark.parametrize(
    ("category", "norms"),
    [
        # the Wgs terms run by default: 4 weken for a hulpvraag, 3 werkdagen in a bedreigende situatie;
        # for vroegsignalering the seed's 2 weken stay the term (the aanbod is only recorded)
        (C.VROEGSIGNALERING, {"vroegsignalering", "stabilisatie", "rust_ris"}),
        (C.BEDREIGENDE_SITUATIE, {"bedreigende_situatie", "rust_wijkteam", "wgs_bedreigend"}),
        (C.AANMELDING_DERDEN, {"aanmelding_derden", "stabilisatie", "rust_wijkteam", "wgs_eerste_gesprek"}),
        (C.NIEUWE_AANMELDING, {"stabilisatie", "rust_wijkteam", "wgs_eerste_gesprek"}),
    ],
)
def test_each_category_starts_its_norms(config: AppConfig, category: Category, norms: set[str]) -> None:
    assert {norm for norm, _ in plans(config, category, D(2026, 12, 2))} == norms


def test_first_contact_stops_the_vroegsignalering_clock(config: AppConfig) -> None:
    clocks = plans(config, C.VROEGSIGNALERING, D(2026, 12, 2), (M.EERSTE_CONTACT, D(2026, 12, 10)))
    assert clocks[("vroegsignalering", 0)].met == D(2026, 12, 10)
    assert clocks[("stabilisatie", 0)].met is None


def test_clock_with_two_end_products_stops_on_the_later_one(config: AppConfig) -> None:
    clocks = plans(
        config,
        C.BEDREIGENDE_SITUATIE,
        D(2026, 12, 11),
        (M.FINANCIELE_RUST, D(2026, 12, 21)),
    )
    assert clocks[("bedreigende_situatie", 0)].due == D(2026, 12, 28)
    assert clocks[("bedreigende_situatie", 0)].met is None
    clocks = plans(
        config,
        C.BEDREIGENDE_SITUATIE,
        D(2026, 12, 11),
        (M.FINANCIELE_RUST, D(2026, 12, 21)),
        (M.PLAN_VAN_AANPAK, D(2026, 12, 17)),
    )
    assert clocks[("bedreigende_situatie", 0)].met == D(2026, 12, 21)


def test_schuldregeling_counts_from_stabilisation_once_opened(config: AppConfig) -> None:
    base = ((M.STABILISATIE, D(2027, 2, 1)),)
    assert ("schuldregeling", 0) not in plans(config, C.NIEUWE_AANMELDING, D(2026, 12, 2), *base)
    clocks = plans(
        config, C.NIEUWE_AANMELDING, D(2026, 12, 2), *base, (M.START_SCHULDREGELING, D(2027, 2, 15))
    )
    assert clocks[("schuldregeling", 0)] == DeadlinePlan(
        "schuldregeling", 0, D(2027, 2, 1), D(2027, 6, 1), None
    )


def test_budgetbeheer_has_a_toets_clock_every_half_year(config: AppConfig) -> None:
    base = ((M.STABILISATIE, D(2026, 8, 31)), (M.START_BUDGETBEHEER, D(2026, 9, 1)))
    clocks = plans(config, C.NIEUWE_AANMELDING, D(2026, 7, 1), *base)
    assert clocks[("budgetbeheer", 0)].due == D(2029, 8, 31)
    assert clocks[("budgetbeheer", 1)] == DeadlinePlan("budgetbeheer", 1, D(2026, 8, 31), D(2027, 3, 1), None)
    assert ("budgetbeheer", 2) not in clocks  # one toets at a time

    clocks = plans(config, C.NIEUWE_AANMELDING, D(2026, 7, 1), *base, (M.TOETS, D(2027, 2, 20)))
    assert clocks[("budgetbeheer", 1)].met == D(2027, 2, 20)
    assert clocks[("budgetbeheer", 2)] == DeadlinePlan("budgetbeheer", 2, D(2027, 3, 1), D(2027, 8, 31), None)

    ended = plans(
        config,
        C.NIEUWE_AANMELDING,
        D(2026, 7, 1),
        *base,
        (M.TOETS, D(2027, 2, 20)),
        (M.EINDE_BUDGETBEHEER, D(2027, 5, 3)),
    )
    assert ended[("budgetbeheer", 0)].met == D(2027, 5, 3)
    assert ("budgetbeheer", 2) not in ended  # no toets after the trajectory ended


def test_norms_without_a_term_track_but_have_no_deadline(config: AppConfig) -> None:
    clocks = plans(config, C.NIEUWE_AANMELDING, D(2026, 12, 2), (M.AANMELDING_WSNP, D(2026, 12, 20)))
    assert clocks[("wsnp", 0)] == DeadlinePlan("wsnp", 0, D(2026, 12, 20), None, None)


def test_vraag_answer_norm_is_two_working_days(config: AppConfig) -> None:
    assert vraag_due(config, WorkCalendar(), D(2026, 12, 24)) == ("vraag", D(2026, 12, 29))


def _at(y: int, mo: int, d: int, h: int = 8, mi: int = 30) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


def _moments(config: AppConfig, due: date, now: datetime) -> list[tuple[int, datetime]]:
    return [(m.offset, m.at) for m in reminder_moments(due, config.herinneringen, WorkCalendar(), now)]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (
            D(2026, 12, 16),
            [
                (3, _at(2026, 12, 11)),
                (1, _at(2026, 12, 15)),
                (0, _at(2026, 12, 16)),
                (OVERDUE, _at(2026, 12, 17)),
            ],
        ),
        (
            D(2026, 12, 28),
            [
                (3, _at(2026, 12, 22)),
                (1, _at(2026, 12, 24)),
                (0, _at(2026, 12, 28)),
                (OVERDUE, _at(2026, 12, 29)),
            ],
        ),
        (
            D(2027, 1, 4),
            [
                (3, _at(2026, 12, 29)),
                (1, _at(2026, 12, 31)),
                (0, _at(2027, 1, 4)),
                (OVERDUE, _at(2027, 1, 5)),
            ],
        ),
        (
            D(2027, 4, 28),
            [
                (3, _at(2027, 4, 22)),
                (1, _at(2027, 4, 26)),
                (0, _at(2027, 4, 28)),
                (OVERDUE, _at(2027, 4, 29)),
            ],
        ),
    ],
)
def test_reminders_3_and_1_working_days_before_on_the_day_and_after(
    config: AppConfig, due: date, expected: list
) -> None:
    assert _moments(config, due, datetime(2026, 12, 2, 9, tzinfo=UTC)) == expected


def test_late_clock_skips_reminders_already_past(config: AppConfig) -> None:
    now = _at(2026, 12, 15, 10)
    assert _moments(config, D(2026, 12, 16), now) == [
        (1, _at(2026, 12, 15)),
        (0, _at(2026, 12, 16)),
        (OVERDUE, _at(2026, 12, 17)),
    ]


def test_clock_created_after_its_deadline_gets_one_overdue_notice_now(config: AppConfig) -> None:
    now = _at(2026, 12, 18, 11)
    assert _moments(config, D(2026, 12, 16), now) == [(OVERDUE, now)]
