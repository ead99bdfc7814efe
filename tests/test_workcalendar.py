"""Terms and working days with real 2026-2027 dates (domain layer, no database)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from bot.vocabulary import Unit
from bot.workcalendar import WorkCalendar, add_months
from tests.conftest import AMS

D = date
W, K, WK, M = Unit.WERKDAGEN, Unit.KALENDERDAGEN, Unit.WEKEN, Unit.MAANDEN


@pytest.mark.parametrize(
    ("start", "term", "unit", "due", "why"),
    [
        (D(2026, 4, 1), 8, W, D(2026, 4, 15), "Goede Vrijdag en Paasmaandag tellen niet"),
        (D(2026, 3, 23), 2, WK, D(2026, 4, 7), "eindigt op Paasmaandag: dinsdag"),
        (D(2026, 4, 13), 2, WK, D(2026, 4, 28), "eindigt op Koningsdag: dinsdag"),
        (D(2026, 4, 30), 2, WK, D(2026, 5, 15), "eindigt op Hemelvaartsdag: vrijdag"),
        (D(2026, 4, 20), 5, WK, D(2026, 5, 26), "eindigt op Pinkstermaandag: dinsdag"),
        (D(2026, 12, 11), 2, WK, D(2026, 12, 28), "eindigt op Eerste Kerstdag, dan weekend"),
        (D(2026, 12, 18), 2, WK, D(2027, 1, 4), "eindigt op Nieuwjaarsdag: maandag"),
        (D(2026, 12, 23), 8, W, D(2027, 1, 6), "werkdagen over Kerst en jaarwisseling"),
        (D(2026, 12, 5), 2, WK, D(2026, 12, 21), "start op zaterdag, eindigt op zaterdag"),
        (D(2026, 12, 2), 2, WK, D(2026, 12, 16), "gewone woensdag"),
        (D(2026, 11, 30), 8, W, D(2026, 12, 10), "8 werkdagen zonder feestdag"),
        (D(2027, 4, 23), 3, W, D(2027, 4, 29), "Koningsdag 2027 op dinsdag"),
        (D(2027, 5, 4), 2, W, D(2027, 5, 10), "Bevrijdingsdag (Atw art. 3) en Hemelvaart 2027 tellen niet"),
        (D(2027, 5, 14), 1, W, D(2027, 5, 18), "Pinkstermaandag 2027"),
        (D(2027, 3, 12), 2, WK, D(2027, 3, 30), "Goede Vrijdag, weekend en Paasmaandag 2027"),
        (D(2026, 1, 5), 120, K, D(2026, 5, 6), "120 dagen, eindigt op Bevrijdingsdag: woensdag"),
        (D(2026, 8, 28), 120, K, D(2026, 12, 28), "120 dagen, eindigt op Tweede Kerstdag"),
        (D(2027, 1, 31), 1, M, D(2027, 3, 1), "31 januari + 1 maand = 28 februari, een zondag"),
        (D(2028, 1, 31), 1, M, D(2028, 2, 29), "schrikkeljaar: 29 februari, een dinsdag"),
        (D(2026, 8, 31), 6, M, D(2027, 3, 1), "31 augustus + 6 maanden = 28 februari (zondag)"),
        (D(2026, 10, 31), 1, M, D(2026, 11, 30), "31 oktober + 1 maand = 30 november"),
    ],
)
def test_due_date(start: date, term: int, unit: Unit, due: date, why: str) -> None:
    assert WorkCalendar().due_date(start, term, unit) == due, why


def test_36_months_landing_on_a_weekend_moves_to_monday() -> None:
    # 30 juni 2029 is a Saturday.
    assert date(2029, 6, 30).weekday() == 5
    assert WorkCalendar().due_date(date(2026, 6, 30), 36, M) == date(2029, 7, 2)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 8, 31), 36, D(2029, 8, 31)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_closure_days_are_not_working_days() -> None:
    cal = WorkCalendar(closure_days=[D(2026, 12, 24), D(2026, 12, 31)])
    assert cal.due_date(D(2026, 12, 23), 2, W) == D(2026, 12, 29)
    assert cal.due_date(D(2026, 12, 10), 3, WK) == D(2027, 1, 4)  # 31-12 closed, 1-1 holiday


def test_a_municipality_can_count_5_mei_as_a_working_day() -> None:
    cal = WorkCalendar(holiday_categories=("public",))
    assert cal.is_working_day(D(2026, 5, 5))
    assert cal.due_date(D(2026, 1, 5), 120, K) == D(2026, 5, 5)


# The Dutch list as the pinned `holidays` release has it. A new release that changes it fails here
# first, before any deadline moves.
NL_HOLIDAYS = {
    2026: ["01-01", "04-03", "04-05", "04-06", "04-27", "05-05", "05-14", "05-24", "05-25", "12-25", "12-26"],
    2027: ["01-01", "03-26", "03-28", "03-29", "04-27", "05-05", "05-06", "05-16", "05-17", "12-25", "12-26"],
    2028: ["01-01", "04-14", "04-16", "04-17", "04-27", "05-05", "05-25", "06-04", "06-05", "12-25", "12-26"],
}


@pytest.mark.parametrize("year", sorted(NL_HOLIDAYS))
def test_the_dutch_holidays_of_the_pinned_release(year: int) -> None:
    cal = WorkCalendar()
    days = [D(year, 1, 1) + timedelta(days=n) for n in range(366)]
    found = [d.strftime("%m-%d") for d in days if d.year == year and cal.holiday_name(d)]
    assert found == NL_HOLIDAYS[year]
    assert cal.holiday_name(D(year, 5, 5)) == "Bevrijdingsdag"
    goede_vrijdag = D(year, *map(int, NL_HOLIDAYS[year][1].split("-")))
    assert goede_vrijdag.weekday() == 4 and not cal.is_working_day(goede_vrijdag)


def test_optional_holidays_include_bevrijdingsdag() -> None:
    cal = WorkCalendar(holiday_categories=("public", "optional"))
    assert not cal.is_working_day(D(2026, 5, 5))
    assert cal.due_date(D(2026, 1, 5), 120, K) == D(2026, 5, 6)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 4, 3), "Goede vrijdag"),
        (D(2026, 4, 6), "Tweede paasdag"),
        (D(2026, 4, 27), "Koningsdag"),
        (D(2026, 5, 14), "Hemelvaartsdag"),
        (D(2026, 5, 25), "Tweede pinksterdag"),
        (D(2026, 12, 25), "Eerste kerstdag"),
        (D(2027, 1, 1), "Nieuwjaarsdag"),
    ],
)
def test_holidays_are_named_in_dutch_and_not_working_days(day: date, name: str) -> None:
    cal = WorkCalendar()
    assert not cal.is_working_day(day)
    assert cal.holiday_name(day) == name


def test_toets_dates_twice_a_year_within_36_months() -> None:
    dates = WorkCalendar().toets_dates(D(2026, 8, 31), 36, 6)
    assert dates == [
        D(2027, 3, 1),  # 28 februari 2027 is a Sunday
        D(2027, 8, 31),
        D(2028, 2, 29),
        D(2028, 8, 31),
        D(2029, 2, 28),
        D(2029, 8, 31),
    ]


def test_working_days_between_counts_after_start_up_to_end() -> None:
    cal = WorkCalendar()
    assert cal.working_days_between(D(2026, 12, 23), D(2027, 1, 6)) == 8
    assert cal.working_days_between(D(2027, 1, 6), D(2026, 12, 23)) == -8
    assert cal.working_days_between(D(2026, 12, 2), D(2026, 12, 2)) == 0


def _ams(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (_ams(2026, 12, 2, 10), _ams(2026, 12, 2, 10)),  # inside office hours
        (_ams(2026, 12, 2, 7), _ams(2026, 12, 2, 8, 30)),  # early morning
        (_ams(2026, 12, 2, 18), _ams(2026, 12, 3, 8, 30)),  # evening
        (_ams(2026, 12, 5, 10), _ams(2026, 12, 7, 8, 30)),  # Saturday
        (_ams(2026, 12, 24, 17, 45), _ams(2026, 12, 28, 8, 30)),  # Christmas weekend
    ],
)
def test_next_office_moment(moment: datetime, expected: datetime) -> None:
    assert WorkCalendar().next_office_moment(moment) == expected


def test_add_working_hours_skips_nights_weekends_and_holidays() -> None:
    cal = WorkCalendar()
    assert cal.add_working_hours(_ams(2026, 12, 2, 9), 4) == _ams(2026, 12, 2, 13)
    assert cal.add_working_hours(_ams(2026, 12, 4, 16), 4) == _ams(2026, 12, 7, 11)
    assert cal.add_working_hours(_ams(2026, 12, 24, 16), 4) == _ams(2026, 12, 28, 11)
    assert cal.add_working_hours(_ams(2026, 12, 5, 12), 1) == _ams(2026, 12, 7, 9, 30)


def test_office_hours_respect_summer_time() -> None:
    cal = WorkCalendar(office_start=time(8, 30))
    assert cal.office_open(D(2026, 7, 1)).utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
    assert cal.office_open(D(2026, 12, 1)).utcoffset().total_seconds() == 3600  # type: ignore[union-attr]
