"""Typed dates as people write them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates import parse_date, parse_period
from bot.errors import InvalidDate

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("3-12-2026", False, date(2026, 12, 3)),
        ("3/12/26", False, date(2026, 12, 3)),
        ("2026-12-03", False, date(2026, 12, 3)),
        ("vandaag", False, TODAY),
        ("Gisteren", False, date(2026, 12, 1)),
        ("morgen", False, date(2026, 12, 3)),
        ("1-12", False, date(2026, 12, 1)),
        ("5-12", False, date(2026, 12, 5)),  # without a year: the nearest, not a year back
        ("29-11", False, date(2026, 11, 29)),
        ("28-6", False, date(2026, 6, 28)),  # nearer back than ahead
        ("5-12", True, date(2026, 12, 5)),
        ("30-11", True, date(2026, 11, 30)),  # just past: this year (and then refused as past)
        ("5-1", True, date(2027, 1, 5)),  # in December, '5-1' is next January
    ],
)
def test_parse_date(text: str, future: bool, expected: date) -> None:
    assert parse_date(text, TODAY, future=future) == expected


@pytest.mark.parametrize("text", ["31-02-2026", "morgen ochtend", "13-13", ""])
def test_bad_dates(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_date(text, TODAY)


def test_period() -> None:
    assert parse_period("7-12 t/m 11-12", TODAY) == (date(2026, 12, 7), date(2026, 12, 11))
    assert parse_period("28-12 tot en met 4-1", TODAY) == (date(2026, 12, 28), date(2027, 1, 4))
    assert parse_period("9-12", TODAY) == (date(2026, 12, 9), date(2026, 12, 9))
