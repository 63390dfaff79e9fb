"""The clock to run drawn histories with: one that stands at a fixed moment until moved.

The application never reads the system clock in its decisions: it asks the ``clock`` it was
given. Histories from ``valid_histories`` are dated relative to ``HISTORY_NOW``, so run them
with ``clock_at(HISTORY_NOW)``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis.errors import InvalidArgument

__all__ = ["HISTORY_NOW", "FixedClock", "clock_at"]

#: The moment ``valid_histories`` dates its histories against by default (a Friday afternoon).
HISTORY_NOW = datetime(2025, 7, 18, 15, 30, tzinfo=UTC)


class FixedClock:
    """A clock for ``AlternativeProvision(clock=...)`` that stands still until it is moved.

    >>> clock = FixedClock(datetime(2025, 7, 18, 15, 30, tzinfo=UTC))
    >>> clock().date().isoformat()
    '2025-07-18'
    >>> clock.advance(timedelta(days=3))
    >>> clock.today.isoformat()
    '2025-07-21'
    """

    def __init__(self, now: datetime) -> None:
        if not isinstance(now, datetime) or now.tzinfo is None:
            raise InvalidArgument("FixedClock needs a timezone-aware datetime.")
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    @property
    def today(self) -> date:
        return self.now.date()

    def advance(self, delta: timedelta = timedelta(days=1)) -> None:
        """Move the clock on (or back, with a negative ``delta``)."""
        self.now = self.now + delta

    def __repr__(self) -> str:
        return f"FixedClock({self.now!r})"


def clock_at(now: datetime = HISTORY_NOW) -> FixedClock:
    """A ``FixedClock`` standing at ``now``: the clock to run ``valid_histories`` with.

    >>> from senad_ap import AlternativeProvision
    >>> app = AlternativeProvision.in_memory(clock=clock_at(HISTORY_NOW))
    """
    return FixedClock(now)
