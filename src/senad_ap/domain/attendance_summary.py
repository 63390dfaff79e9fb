"""Attendance counted from the national codes' own meanings (STAT-1, COMM-6, AIM-3).

Each code says whether its session counts as possible, and whether the student was present
(at school or at an approved educational activity), authorised absent or unauthorised absent.
The counts here come only from those meanings, never from the letters, so a change to the code
table changes every report the same way. Pure: no clock, no I/O.

>>> from datetime import date
>>> from senad_ap.domain.attendance_codes import AttendanceCode, Session
>>> from senad_ap.domain.placement.state import AttendanceMark
>>> marks = [
...     AttendanceMark(date(2025, 3, 3), Session.AM, AttendanceCode.PRESENT_AM, 1),
...     AttendanceMark(date(2025, 3, 3), Session.PM, AttendanceCode.ILLNESS, 2),
...     AttendanceMark(date(2025, 3, 4), Session.AM, AttendanceCode.DUAL_REGISTERED, 3),
... ]
>>> counts = count_marks(marks)
>>> (counts.possible, counts.present, counts.not_possible, counts.rate)
(2, 1, 1, Decimal('50.0'))
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import attrs

from senad_ap.domain.placement.state import AttendanceMark
from senad_ap.domain.values import PolicyParameters

__all__ = [
    "AbsenceBand",
    "AttendanceCounts",
    "absence_band",
    "absence_band_of_counts",
    "count_marks",
    "week_of",
]

_ONE_DECIMAL_PLACE = Decimal("0.1")


@attrs.frozen
class AttendanceCounts:
    """How a set of register marks counts.

    ``sessions_recorded``: every mark. ``possible``: marks whose code counts the session as
    possible. ``present``: present at school or at an approved educational activity.
    ``authorised_absence`` and ``unauthorised_absence``: absences of each kind.
    ``not_possible``: sessions that do not count (dual registration, unable to attend,
    administrative codes).
    """

    sessions_recorded: int = 0
    possible: int = 0
    present: int = 0
    authorised_absence: int = 0
    unauthorised_absence: int = 0
    not_possible: int = 0

    @property
    def rate(self) -> Decimal | None:
        """Attendance as a percentage of possible sessions, to one decimal place (halves
        rounded up), or ``None`` when no session was possible."""
        if self.possible == 0:
            return None
        percentage = Decimal(self.present * 100) / Decimal(self.possible)
        return percentage.quantize(_ONE_DECIMAL_PLACE, rounding=ROUND_HALF_UP)

    @property
    def absent(self) -> int:
        """Possible sessions missed: authorised and unauthorised absence."""
        return self.authorised_absence + self.unauthorised_absence


def count_marks(marks: Iterable[AttendanceMark]) -> AttendanceCounts:
    """The counts of ``marks``, each by its code's meaning."""
    recorded = possible = present = authorised = unauthorised = not_possible = 0
    for mark in marks:
        meaning = mark.code.meaning
        recorded += 1
        if meaning.counts_as_possible:
            possible += 1
        else:
            not_possible += 1
        present += meaning.is_present
        authorised += meaning.is_authorised_absence
        unauthorised += meaning.is_unauthorised_absence
    return AttendanceCounts(
        sessions_recorded=recorded,
        possible=possible,
        present=present,
        authorised_absence=authorised,
        unauthorised_absence=unauthorised,
        not_possible=not_possible,
    )


def week_of(day: date) -> date:
    """The Monday of ``day``'s week, to group marks by week."""
    return day - timedelta(days=day.weekday())


class AbsenceBand(enum.Enum):
    """The DfE's bands of absence (``PolicyParameters``: 10% and 50% by default). A severe
    absentee is a persistent absentee too; the band names the stronger one."""

    PERSISTENT = "persistent"
    SEVERE = "severe"


def absence_band(missed_rate: Decimal | None, policy: PolicyParameters) -> AbsenceBand | None:
    """The band of a pupil who missed ``missed_rate`` of their possible sessions (a fraction:
    authorised and unauthorised absence over possible sessions, unrounded), or ``None`` below
    the persistent absence rate or with no possible session (``None``). The thresholds count:
    exactly 10% missed is persistent absence ("10% or more").

    >>> absence_band(Decimal("0.1"), PolicyParameters())
    <AbsenceBand.PERSISTENT: 'persistent'>
    >>> absence_band(Decimal(1) / Decimal(11), PolicyParameters()) is None
    True
    """
    if missed_rate is None:
        return None
    if missed_rate >= policy.severe_absence_rate:
        return AbsenceBand.SEVERE
    if missed_rate >= policy.persistent_absence_rate:
        return AbsenceBand.PERSISTENT
    return None


def absence_band_of_counts(
    absent: int, possible: int, policy: PolicyParameters | None = None
) -> AbsenceBand | None:
    """``absence_band`` from whole numbers: ``absent`` possible sessions missed out of
    ``possible``, compared exactly (9.96% is not persistent), or ``None`` with no possible
    session. For a placement, a pupil or a period alike.

    >>> absence_band_of_counts(3, 30), absence_band_of_counts(2, 30), absence_band_of_counts(0, 0)
    (<AbsenceBand.PERSISTENT: 'persistent'>, None, None)
    """
    if possible <= 0:
        return None
    policy = policy or PolicyParameters()
    missed = Decimal(absent)
    if missed >= policy.severe_absence_rate * possible:
        return AbsenceBand.SEVERE
    if missed >= policy.persistent_absence_rate * possible:
        return AbsenceBand.PERSISTENT
    return None
