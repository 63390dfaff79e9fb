"""The demo's clock and calendar: the clock the store reads, UK time, the term dates and the
school days the story counts in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from senad_ap.errors import InvalidInputError

__all__ = ["DemoClock", "demo_clock"]

_FIRST_DAY = date(2025, 7, 1)
_TERMS = (
    ("Autumn 1 2025", date(2025, 9, 3), date(2025, 10, 24)),
    ("Autumn 2 2025", date(2025, 11, 3), date(2025, 12, 19)),
)
_TERM_START, _TERM_END = _TERMS[0][1], _TERMS[-1][2]
_INSET_DAY = date(2025, 11, 3)
_TRIP_DAY = date(2025, 10, 9)


# --------------------------------------------------------------------------------- the clock
class DemoClock:
    """The application's clock for the demo: it stands still until it is set or moved.

    >>> clock = demo_clock()
    >>> clock.today.isoformat()
    '2025-07-01'
    """

    def __init__(self, now: datetime) -> None:
        self.set(now)

    def __call__(self) -> datetime:
        return self.now

    @property
    def today(self) -> date:
        return self.now.date()

    def set(self, now: datetime) -> None:
        if not isinstance(now, datetime) or now.tzinfo is None:
            raise InvalidInputError("The clock needs a timezone-aware datetime.", field="now")
        self.now = now

    def advance(self, delta: timedelta) -> None:
        self.set(self.now + delta)

    def __repr__(self) -> str:
        return f"DemoClock({self.now!r})"


def demo_clock() -> DemoClock:
    """A clock at the demo's first day, 1 July 2025 at 08:00 in the UK: give it to the store."""
    return DemoClock(_uk(_FIRST_DAY, 8))


def _uk(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` UK time on ``day``, in UTC (British Summer Time runs from the last
    Sunday of March to the last Sunday of October)."""

    def last_sunday(month: int) -> date:
        end = date(day.year, month, 31)
        return end - timedelta(days=(end.weekday() + 1) % 7)

    local = datetime.combine(day, time(hour, minute), tzinfo=UTC)
    return local - timedelta(hours=1) if last_sunday(3) <= day < last_sunday(10) else local


# --------------------------------------------------------------------------------- school days
def _in_term(day: date) -> bool:
    return day.weekday() < 5 and any(start <= day <= end for _, start, end in _TERMS)


def _term_days(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if _in_term(day):
            yield day


def _term_day_on_or_before(day: date) -> date:
    while not _in_term(day):
        day -= timedelta(days=1)
    return day


def _term_day_on_or_after(day: date) -> date:
    """The first term day from ``day`` on (``day`` itself once the recorded terms are over)."""
    while not _in_term(day) and day <= _TERM_END:
        day += timedelta(days=1)
    return day


def _weekdays_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day
