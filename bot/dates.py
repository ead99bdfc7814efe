"""Reading dates as people type them in Dutch: 3-12-2026, 3/12, 2026-12-03, vandaag, gisteren."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.errors import InvalidDate
from bot.i18n import N_

_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = {"vandaag": 0, "today": 0, "gisteren": 1, "yesterday": 1, "eergisteren": 2}


def parse_date(text: str, today: date, *, future: bool = False) -> date:
    """A typed date. Without a year: the nearest such date (on a tie the earlier one, or with
    future=True, for absences, the later one), so '30-11' two days later is that day, '4-12' on
    2 December is two days ahead, and '5-1' in late December is next January."""
    value = text.strip().lower()
    if value in _WORDS:
        return today - timedelta(days=_WORDS[value])
    if value in ("morgen", "tomorrow"):
        return today + timedelta(days=1)
    iso = _ISO.match(value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return _build(year, month, day)
    dmy = _DMY.match(value)
    if not dmy:
        raise InvalidDate(N_("Dat is geen datum die ik herken. Typ bijvoorbeeld 3-12-2026 of 'gisteren'."))
    day, month = int(dmy.group(1)), int(dmy.group(2))
    if dmy.group(3) is None:
        # the nearest such date: '4-12' typed on 2 December is this week (a check may then call it
        # future), never last year; '5-1' in late December is next January
        candidates = [_maybe(y, month, day) for y in (today.year - 1, today.year, today.year + 1)]
        found = [c for c in candidates if c is not None]
        if not found:
            raise InvalidDate(N_("Die datum bestaat niet. Typ bijvoorbeeld 3-12-2026."))
        return min(found, key=lambda c: (abs((c - today).days), (c < today) if future else (c > today)))
    year = int(dmy.group(3))
    return _build(year + 2000 if year < 100 else year, month, day)


def _maybe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _build(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDate(N_("Die datum bestaat niet. Typ bijvoorbeeld 3-12-2026.")) from None


_RANGE = re.compile(r"\s+(?:t/m|tm|tot en met|tot|-|–)\s+", re.IGNORECASE)


def parse_period(text: str, today: date) -> tuple[date, date]:
    """'7-12', '7-12 t/m 11-12-2026': a first and last day, looking forward."""
    pieces = _RANGE.split(text.strip(), maxsplit=1)
    first = parse_date(pieces[0], today, future=True)
    last = parse_date(pieces[1], first, future=True) if len(pieces) == 2 else first
    return first, last
