"""School time: review intervals counted in school weeks (COMM-5, COMM-7) and the half terms
of the half-termly review (STAT-3), from the school's recorded terms.

A *school week* is a calendar week (Monday to Sunday) with a school day in it: a weekday of a
recorded term outside its half-term break. Weeks wholly in the holidays between recorded
terms, or in a half-term break, do not count, so holidays never count against the school.
Where the school has not recorded its terms (none at all, or before its first recorded term,
or after its last one) every week counts: the record cannot tell a holiday from a school week
there, so it falls back to calendar weeks rather than let a review go unreported.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from senad_ap.domain.school import Term

__all__ = ["next_half_term_ends", "school_weeks_after"]

_ONE_WEEK = timedelta(weeks=1)


def _counts(day: date, terms: Sequence[Term]) -> bool:
    """The calendar week (Monday to Sunday) of ``day`` is a school week, or lies where no
    terms are recorded and so counts as calendar time."""
    monday = day - timedelta(days=day.weekday())
    if monday < terms[0].starts_on or monday + timedelta(days=6) > terms[-1].ends_on:
        return True
    weekdays = [monday + timedelta(days=n) for n in range(5)]
    return any(term.is_school_day(weekday) for term in terms for weekday in weekdays)


def school_weeks_after(start: date, weeks: int, terms: Sequence[Term]) -> date:
    """The day ``weeks`` school weeks after ``start`` (COMM-5, COMM-7): a week at a time from
    ``start``, a step that lands in a week with no school day (a holiday or a half-term break
    between recorded terms) not counting. Without recorded terms, calendar weeks."""
    if not terms:
        return start + _ONE_WEEK * weeks
    end, counted = start, 0
    while counted < weeks:
        end += _ONE_WEEK
        if _counts(end, terms):
            counted += 1
    return end


def next_half_term_ends(
    after: date, terms: Sequence[Term], *, fallback_weeks: int
) -> tuple[date, bool]:
    """The last day of the first recorded half term that begins after ``after`` (STAT-3: a
    review held on ``after`` covers its own half term, and the next one must hold another),
    and ``True``; where no such half term is recorded, ``fallback_weeks`` school weeks after
    ``after`` (a half term's usual length) and ``False``."""
    for term in terms:
        for first, last in term.halves():
            if first > after:
                return last, True
    return school_weeks_after(after, fallback_weeks, terms), False
