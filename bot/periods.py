"""Reporting periods: weeks, quarters (2026-K3) and custom ranges of local dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.errors import DomainError
from bot.i18n import N_

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*[KkQq]\s*([1-4])\s*$")


@dataclass(frozen=True)
class Period:
    """Inclusive local dates."""

    start: date
    end: date
    label: str


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * (number - 1) + 1, 1)
    after = date(year + (number == 4), (3 * number) % 12 + 1, 1)
    return Period(first, after - timedelta(days=1), f"{year}-K{number}")


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: str) -> Period:
    """'2026-K3' (or 2026-Q3, 2026K3)."""
    match = _QUARTER.match(text)
    if not match:
        raise DomainError(N_("Geef een kwartaal zoals 2026-K3."))
    return quarter(int(match.group(1)), int(match.group(2)))


def week_of(day: date) -> Period:
    """Monday to Sunday of the ISO week."""
    monday = day - timedelta(days=day.weekday())
    year, week, _ = day.isocalendar()
    return Period(monday, monday + timedelta(days=6), f"{year}-W{week:02d}")


def previous_weeks(day: date, count: int) -> list[Period]:
    """The last `count` ISO weeks up to and including the one with `day`, oldest first."""
    return [week_of(day - timedelta(weeks=n)) for n in range(count - 1, -1, -1)]
