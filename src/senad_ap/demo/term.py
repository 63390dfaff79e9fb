"""The demo's term for each student: register marks and their corrections (STAT-2), review
dates and progress ratings, drawn from randomness seeded per student."""

from __future__ import annotations

import random
from datetime import date, timedelta

import attrs

from senad_ap.demo.cast import (
    _ABSENT_FROM,
    _ABSENT_UNTIL,
    _CONTINUOUS_ABSENCE,
    _DUAL_REGISTERED,
    _FORCED_N,
    _GIVEN_AGAIN_ON,
    _LA_ARRANGED,
    _OUTSIDE,
    _OVERDUE_REVIEW,
    _TIMETABLES,
    _UNMARKED,
    _WITHDRAWN,
    _WITHDRAWN_ON,
    DEMO_SCHOOL_ID,
)
from senad_ap.demo.clock import (
    _INSET_DAY,
    _TRIP_DAY,
    _term_day_on_or_after,
    _term_day_on_or_before,
    _term_days,
)
from senad_ap.demo.students import _Student
from senad_ap.domain.attendance_codes import Session
from senad_ap.domain.plan import ProgressRating, Reason


# --------------------------------------------------------------------------------- attendance
@attrs.frozen
class _Correction:
    day: date
    session: Session
    code: str
    reason: str
    recorded_on: date


def _session_code(rng: random.Random, absence: float, present: str, at_provider: bool) -> str:
    draw = rng.random() / absence
    if draw < 0.010:
        return "M"
    if draw < 0.016:
        return "N"
    if draw < 0.024:
        return "O"
    if at_provider:  # lateness is the provider's to report, not a register code here
        return present
    if draw < 0.050:
        return "L"
    if draw < 0.058:
        return "U"
    return present


def _attendance(student: _Student) -> tuple[dict[tuple[date, Session], str], list[_Correction]]:
    """The student's marks for the term, and the later corrections of its N marks (STAT-2).

    Present is ``/`` and ``\\`` on site and ``B`` (approved educational activity) at an
    outside provider; the school's INSET day is ``#``; while the parents' agreement is
    withdrawn only absence codes fit (INFO-2), here ``C``. The placement the local authority
    arranged is marked ``K`` where it is attended; the dual-registered student ``D`` on the
    days at the other school; one student has ten school days of unexplained absence (``O``).
    """
    marks: dict[tuple[date, Session], str] = {}
    corrections: list[_Correction] = []
    if student.starts_on is None:
        return marks, corrections
    rng = random.Random(f"{DEMO_SCHOOL_ID} attendance {student.reference}")  # noqa: S311 - demo data
    absence = rng.uniform(0.6, 1.6) * (1.4 if student.reason is Reason.ANXIETY else 1.0)
    for day in _term_days(student.starts_on, student.last_day):
        places = _TIMETABLES[student.timetable][day.weekday()]
        at_provider = any(place in _OUTSIDE for place, _ in places)
        if day == _INSET_DAY:
            am = pm = "#"
        elif student.number == _DUAL_REGISTERED and at_provider:
            am = pm = "D"  # at the other school, where the student is registered too
        elif student.number == _CONTINUOUS_ABSENCE and _ABSENT_FROM <= day <= _ABSENT_UNTIL:
            am = pm = "O"
        elif student.number == _WITHDRAWN and _WITHDRAWN_ON <= day < _GIVEN_AGAIN_ON:
            am = pm = "C"
        elif rng.random() < 0.03 * absence:
            am = pm = "I"
        else:
            am = _session_code(rng, absence, "B" if at_provider else "/", at_provider)
            pm = _session_code(rng, absence, "B" if at_provider else "\\", at_provider)
            if student.number == _LA_ARRANGED:
                am, pm = ("K" if code == "B" else code for code in (am, pm))
            if student.timetable == "on-site" and day == _TRIP_DAY and pm == "\\":
                pm = "V"
        if student.timetable == "medical" and day != _INSET_DAY:
            pm = "C2"  # a part-time timetable on medical grounds: mornings only
        for session, code in ((Session.AM, am), (Session.PM, pm)):
            if (student.number, day, session) in _UNMARKED:
                continue
            if (student.number, day, session) == _FORCED_N:
                code = "N"
            explained_on = _term_day_on_or_after(day + timedelta(days=7))
            if code == "N" and explained_on > student.last_day:
                code = "O"  # no time left to find out before the placement ends
            marks[day, session] = code
            if code == "N":
                illness = rng.random() < 0.6
                reason = (
                    f"Parent confirmed illness on {explained_on:%d %B}"
                    if illness
                    else "No reason given after calls and a home visit"
                )
                corrected = "I" if illness else "O"
                corrections.append(_Correction(day, session, corrected, reason, explained_on))
    return marks, corrections


def _reviews(student: _Student) -> list[tuple[date, date]]:
    """(day, next review due) of each half-termly review (COMM-5, STAT-3)."""
    if student.starts_on is None:
        return []
    first = _term_day_on_or_before(student.starts_on + timedelta(days=42 - student.number % 4))
    due = first + timedelta(days=42)
    second = _term_day_on_or_before(due - timedelta(days=student.number % 3))
    reviews = [(first, due)]
    if student.number != _OVERDUE_REVIEW and second <= student.last_day:
        reviews.append((second, second + timedelta(days=42)))
    return reviews


def _rating(rng: random.Random, review: int, thriving: bool) -> ProgressRating:
    if thriving:
        return (ProgressRating.AS_EXPECTED, ProgressRating.ABOVE_EXPECTED)[review]
    weights = ((5, 25, 55, 15, 0), (0, 15, 55, 25, 5))[review]
    return rng.choices(list(ProgressRating), weights=weights)[0]
