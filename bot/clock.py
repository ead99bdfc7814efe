"""Time as a dependency: services ask a Clock, tests pass a fixed one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


class MovableClock:
    """Real time, shifted: the demo moves it forward ("tijd vooruit") and never back, except to
    make the demo world's past."""

    def __init__(self, start: datetime | None = None, source: Clock = system_clock) -> None:
        self._source = source
        self.offset = timedelta(0) if start is None else start - source()

    def __call__(self) -> datetime:
        return self._source() + self.offset

    def move_to(self, moment: datetime) -> None:
        """Jump forward to `moment` (a moment already past changes nothing)."""
        if moment > self():
            self.offset = moment - self._source()

    def turn_back_to(self, moment: datetime) -> None:
        """Set the clock to `moment`, earlier or later."""
        self.offset = moment - self._source()
