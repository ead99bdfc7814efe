"""Working days and terms: Dutch public holidays, closure days, roll-forward (Algemene termijnenwet)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

from bot.vocabulary import Unit

# Holidays are computed per year on demand; a term never looks further than this.
_MAX_SEARCH_DAYS = 3 * 366


def add_months(start: date, months: int) -> date:
    """Add calendar months, clamping to the month's last day (31 januari + 1 maand = 28/29 februari)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


class WorkCalendar:
    """Which days are werkdagen, and when a term that starts on a date ends."""

    def __init__(
        self,
        closure_days: Iterable[date] = (),
        holiday_categories: Iterable[str] = ("public", "optional"),  # optional: 5 mei (Atw art. 3)
        office_start: time = time(8, 30),
        office_end: time = time(17, 30),
        tz: ZoneInfo | str = "Europe/Amsterdam",
    ) -> None:
        self._closures = frozenset(closure_days)
        self._categories = tuple(holiday_categories)
        self.office_start = office_start
        self.office_end = office_end
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        # Dutch names: the roster shows them as the municipality's calendar does.
        return holidays.country_holidays("NL", categories=self._categories, language="nl")

    def holiday_name(self, day: date) -> str | None:
        """The holiday's Dutch name, or None."""
        name = self._holidays.get(day)
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, not a public holiday, not a closure day."""
        return day.weekday() < 5 and day not in self._holidays and day not in self._closures

    def next_working_day(self, day: date, *, include_self: bool = True) -> date:
        """The first working day on or (without include_self) after day."""
        current = day if include_self else day + timedelta(days=1)
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(current):
                return current
            current += timedelta(days=1)
        raise ValueError(f"geen werkdag gevonden na {day.isoformat()}")

    def add_working_days(self, day: date, n: int) -> date:
        """Count n working days after day (day itself not counted); negative n counts back."""
        current = day
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            current += step
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start up to and including end; negative when end lies before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return self._working_day_number(end) - self._working_day_number(start)

    def _working_day_number(self, day: date) -> int:
        """Working days from a fixed origin up to and including day: a table per year, so a count
        is two lookups instead of a walk from 1 January."""
        return self._year_base(day.year) + self._year_counts(day.year)[day.timetuple().tm_yday - 1]

    def _year_counts(self, year: int) -> list[int]:
        """Per day of the year: the working days from 1 January up to and including it."""
        tables: dict[int, list[int]] = self.__dict__.setdefault("_year_tables", {})
        if year not in tables:
            counts, total = [], 0
            for d in _days(date(year, 1, 1), date(year, 12, 31)):
                total += self.is_working_day(d)
                counts.append(total)
            tables[year] = counts
        return tables[year]

    def _year_base(self, year: int) -> int:
        cache: dict[int, int] = self.__dict__.setdefault("_year_bases", {})
        if year not in cache:
            origin = 2000
            cache[year] = 0 if year <= origin else self._year_base(year - 1) + self._year_counts(year - 1)[-1]
        return cache[year]

    def due_date(self, start: date, term: int, unit: Unit) -> date:
        """The last day of a term starting on start; a day or week or month term that ends on a
        non-working day moves to the next working day."""
        if unit is Unit.WERKDAGEN:
            return self.add_working_days(start, term)
        if unit is Unit.KALENDERDAGEN:
            end = start + timedelta(days=term)
        elif unit is Unit.WEKEN:
            end = start + timedelta(weeks=term)
        else:
            end = add_months(start, term)
        return self.next_working_day(end)

    def toets_dates(self, start: date, term_months: int, every_months: int) -> list[date]:
        """The periodic toetsen inside a term in months: every `every_months` months from start,
        the last one at the term's end; each rolled forward to a working day."""
        return [
            self.next_working_day(add_months(start, m))
            for m in range(every_months, term_months + 1, every_months)
        ]

    # -- moments within a working day ------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """The moment in the municipality's time zone."""
        return moment.astimezone(self.tz)

    def at(self, day: date, clock: time) -> datetime:
        """An aware datetime for a local date and wall-clock time."""
        return datetime.combine(day, clock, tzinfo=self.tz)

    def office_open(self, day: date) -> datetime:
        return self.at(day, self.office_start)

    def in_office_hours(self, moment: datetime) -> bool:
        """On a working day between opening and closing time."""
        local = self.local(moment)
        return self.is_working_day(local.date()) and self.office_start <= local.time() < self.office_end

    def next_office_moment(self, moment: datetime) -> datetime:
        """moment itself if inside office hours, else the next opening time."""
        local = self.local(moment)
        if self.in_office_hours(local):
            return local
        day = local.date()
        if self.is_working_day(day) and local.time() < self.office_start:
            return self.office_open(day)
        return self.office_open(self.next_working_day(day, include_self=False))

    def add_working_hours(self, moment: datetime, hours: float) -> datetime:
        """The moment after `hours` of office time have passed since moment."""
        current = self.next_office_moment(moment)
        remaining = timedelta(hours=hours)
        while True:
            close = self.at(current.date(), self.office_end)
            if current + remaining <= close:
                return current + remaining
            remaining -= close - current
            current = self.office_open(self.next_working_day(current.date(), include_self=False))


def _days(start: date, end: date) -> Iterator[date]:
    current = start
    while current <= end:
        yield current
        current += timedelta(days=1)
