"""Routing to the on-duty worker, every branch of the routing rules in bot/README.md (domain layer)."""

from __future__ import annotations

from datetime import date, datetime

from bot.routing import Duty, RouteReason, duties_on, route
from bot.vocabulary import Role
from bot.workcalendar import WorkCalendar
from tests.conftest import AMS

KM, BC = Role.KLANTMANAGER, Role.BUDGETCOACH
# Weekly roster: (weekday, user, role, wijkteam). Drunen: Mon KM 1 + BC 2, Wed KM 1; Vlijmen: Tue KM 3,
# Wed BC 4; Thursday and Friday nobody anywhere.
WEEKLY = [
    (0, 1, KM, "drunen"),
    (0, 2, BC, "drunen"),
    (2, 1, KM, "drunen"),
    (1, 3, KM, "vlijmen"),
    (2, 4, BC, "vlijmen"),
]


def at(y: int, mo: int, d: int, h: int = 10) -> datetime:
    return datetime(y, mo, d, h, tzinfo=AMS)


def roster(overrides=(), absences=()):
    return lambda day: duties_on(day, WEEKLY, list(overrides), list(absences))


def decide(moment, team="drunen", preferred=KM, overrides=(), absences=(), load=None, horizon=10):
    return route(team, moment, preferred, WorkCalendar(), roster(overrides, absences), load, horizon)


def test_on_duty_worker_of_own_wijkteam_today() -> None:
    d = decide(at(2026, 12, 7))  # Monday
    assert (d.assignee_id, d.reason, d.day, d.notify_teamleider) == (
        1,
        RouteReason.EIGEN_WIJKTEAM,
        date(2026, 12, 7),
        False,
    )


def test_function_preference_picks_the_budgetcoach_for_budget_questions() -> None:
    d = decide(at(2026, 12, 7), preferred=BC)
    assert (d.assignee_id, d.function_match) == (2, True)


def test_other_function_when_the_preferred_is_not_on_duty() -> None:
    d = decide(at(2026, 12, 9), preferred=BC)  # Wednesday: only KM 1 in Drunen
    assert (d.assignee_id, d.reason, d.function_match) == (1, RouteReason.EIGEN_WIJKTEAM, False)


def test_absent_worker_falls_back_to_colleague_in_own_team() -> None:
    d = decide(at(2026, 12, 7), absences=[(1, date(2026, 12, 7), date(2026, 12, 8))])
    assert (d.assignee_id, d.reason, d.function_match) == (2, RouteReason.EIGEN_WIJKTEAM, False)


def test_nobody_in_own_team_goes_to_anyone_on_duty_today() -> None:
    d = decide(at(2026, 12, 8))  # Tuesday: only Vlijmen
    assert (d.assignee_id, d.reason, d.wijkteam, d.notify_teamleider) == (
        3,
        RouteReason.ANDER_WIJKTEAM,
        "vlijmen",
        False,
    )


def test_any_team_today_prefers_the_function() -> None:
    d = decide(at(2026, 12, 9), team="heusden", preferred=BC)  # Wednesday: KM 1 Drunen, BC 4 Vlijmen
    assert (d.assignee_id, d.reason) == (4, RouteReason.ANDER_WIJKTEAM)


def test_nobody_today_goes_to_the_next_working_day_and_tells_the_teamleider() -> None:
    d = decide(at(2026, 12, 10))  # Thursday: nobody; Friday nobody; Monday Drunen
    assert (d.assignee_id, d.day, d.reason, d.notify_teamleider) == (
        1,
        date(2026, 12, 14),
        RouteReason.VOLGENDE_WERKDAG,
        True,
    )


def test_weekend_goes_to_monday() -> None:
    d = decide(at(2026, 12, 12))  # Saturday
    assert (d.assignee_id, d.day, d.reason, d.notify_teamleider) == (
        1,
        date(2026, 12, 14),
        RouteReason.VOLGENDE_WERKDAG,
        True,
    )


def test_after_office_hours_counts_as_next_working_day() -> None:
    d = decide(at(2026, 12, 7, 18))  # Monday evening; Tuesday only Vlijmen
    assert (d.assignee_id, d.day, d.wijkteam, d.reason) == (
        3,
        date(2026, 12, 8),
        "vlijmen",
        RouteReason.VOLGENDE_WERKDAG,
    )


def test_next_working_day_prefers_own_team_over_others() -> None:
    d = decide(at(2026, 12, 8, 18), team="vlijmen")  # Tuesday evening -> Wednesday: BC 4 in Vlijmen
    assert (d.assignee_id, d.wijkteam) == (4, "vlijmen")


def test_holiday_is_skipped() -> None:
    # Friday 25 December 2026 (Kerst) -> Monday 28 December: Drunen.
    d = decide(at(2026, 12, 25))
    assert (d.assignee_id, d.day, d.notify_teamleider) == (1, date(2026, 12, 28), True)
    # Monday 6 April 2026 is Paasmaandag: the Monday roster does not apply; Tuesday Vlijmen.
    d = decide(at(2026, 4, 6))
    assert (d.assignee_id, d.day) == (3, date(2026, 4, 7))


def test_override_replaces_the_roster_of_that_team_for_that_date() -> None:
    d = decide(at(2026, 12, 7), overrides=[(date(2026, 12, 7), 9, KM, "drunen")])
    assert d.assignee_id == 9
    d = decide(at(2026, 12, 10), overrides=[(date(2026, 12, 10), 9, BC, "drunen")])  # Thursday
    assert (d.assignee_id, d.reason, d.function_match) == (9, RouteReason.EIGEN_WIJKTEAM, False)


def test_workload_spreads_equal_candidates() -> None:
    overrides = [(date(2026, 12, 7), 1, KM, "drunen"), (date(2026, 12, 7), 5, KM, "drunen")]
    assert decide(at(2026, 12, 7), overrides=overrides, load={1: 4, 5: 1}).assignee_id == 5
    assert decide(at(2026, 12, 7), overrides=overrides, load={1: 0, 5: 1}).assignee_id == 1


def test_nobody_within_the_horizon_goes_to_the_teamleider() -> None:
    everyone_away = [(u, date(2026, 12, 1), date(2027, 1, 31)) for u in (1, 2, 3, 4)]
    d = decide(at(2026, 12, 7), absences=everyone_away)
    assert (d.assignee_id, d.reason, d.notify_teamleider) == (None, RouteReason.NIEMAND, True)


def test_duties_on_applies_absence_and_overrides() -> None:
    day = date(2026, 12, 7)
    duties = duties_on(day, WEEKLY, [(day, 7, KM, "heusden")], [(2, day, day)])
    assert duties == [Duty(1, KM, "drunen"), Duty(7, KM, "heusden")]


CANDIDATE_CASES = [
    # (moment, wijkteam, absences, the workers routing chooses among)
    (at(2026, 12, 7), "drunen", (), {1, 2}),  # Monday: Drunen's own two
    (at(2026, 12, 8), "drunen", (), {3}),  # Tuesday: nobody in Drunen, Vlijmen's klantmanager
    (at(2026, 12, 9), "vlijmen", (), {4}),  # Wednesday: Vlijmen's own budgetcoach
    (at(2026, 12, 10), "drunen", (), {1, 2}),  # Thursday: nobody; Monday's own team
    (at(2026, 12, 7, 18), "drunen", (), {3}),  # Monday evening: Tuesday, only Vlijmen
    (at(2026, 12, 7), "drunen", [(1, date(2026, 12, 7), date(2026, 12, 7))], {2}),
    (at(2026, 12, 7), "drunen", [(u, date(2026, 12, 1), date(2027, 2, 1)) for u in (1, 2, 3, 4)], set()),
]


def test_only_the_candidates_workload_can_change_the_choice() -> None:
    """Routing reads the open workload of its candidates only (not of everyone in the country):
    the candidates are the group it picks from, and their load alone gives the same choice as
    everyone's."""
    from bot.routing import candidates

    loads = [{}, {1: 5, 2: 0}, {1: 0, 2: 5, 3: 9, 4: 1}, {2: 1, 3: 0, 4: 7}]
    for moment, team, absences, expected in CANDIDATE_CASES:
        found = candidates(team, moment, WorkCalendar(), roster((), absences), 10)
        assert found == expected, (moment, team)
        for load in loads:
            everyone = decide(moment, team, BC, absences=absences, load=load)
            theirs = decide(
                moment, team, BC, absences=absences, load={u: n for u, n in load.items() if u in found}
            )
            assert theirs == everyone
            assert everyone.assignee_id is None or everyone.assignee_id in found
