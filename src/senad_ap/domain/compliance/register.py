"""Register findings: no attendance recorded by the first review date (AIM-3) and the first
session without a mark (COMM-6), with the hint that lets the next evaluation start where this
one stopped."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import attrs

from senad_ap.domain.attendance_codes import Session
from senad_ap.domain.compliance.dates import _ONE_DAY
from senad_ap.domain.compliance.finding import _WEEKDAYS, Finding, _day
from senad_ap.domain.compliance.running import _nothing_recorded
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.plan import SCHOOL_WEEK
from senad_ap.domain.school import SchoolState
from senad_ap.domain.values import PolicyParameters

__all__ = ["RegisterHint", "register_hint"]


@attrs.frozen
class RegisterHint:
    """Every register session of a placement before ``day`` is marked, as found with ``key``
    (its start, its plan's school days and its school's terms)."""

    day: date
    key: tuple[object, ...]


def _register_key(state: PlacementState, school: SchoolState | None) -> tuple[object, ...]:
    """What decides which days have register sessions, besides the end."""
    days = None if state.plan is None else state.plan.school_days
    return (state.id, state.started_on, days, None if school is None else school.terms)


def register_hint(
    state: PlacementState, school: SchoolState | None, findings: Iterable[Finding]
) -> RegisterHint | None:
    """Where the next evaluation of this placement may start looking for an unmarked session
    (``placement_findings(marked_before=)``): the day of the first unmarked session found."""
    for finding in findings:
        # The unmarked session has no key; COMM-6's absence findings have theirs.
        if finding.rule_id == "COMM-6" and finding.key == "":
            return RegisterHint(finding.since - _ONE_DAY, _register_key(state, school))
    return None


def _first_attendance_gap(
    state: PlacementState, started: date, policy: PolicyParameters, school: SchoolState | None
) -> Iterator[Finding]:
    if not state.marks:
        yield from _nothing_recorded(state, started, policy, school, "attendance")


def _expected_days(
    state: PlacementState, started: date, school: SchoolState | None, first_day: date
) -> Iterator[date]:
    """The days with register sessions from ``first_day`` (not before the start), in order, up
    to the end (or a bound, if open-ended)."""
    plan = state.plan
    school_days = frozenset(SCHOOL_WEEK if plan is None else plan.school_days)
    end = state.ended_on
    terms = () if school is None else school.terms
    if terms:
        # Each half term of each term: a half-term break has no register sessions.
        spans = [
            (max(first, first_day), last if end is None else min(last, end))
            for term in terms
            for first, last in term.halves()
        ]
    else:
        # Every 7 days hold each school day once, and a fully marked day takes two marks, so
        # within 7 * (marks // 2 + 1) days some session has no mark: the search ends there.
        spans = [(first_day, end or started + timedelta(days=7 * (len(state.marks) // 2 + 1)))]
    for first, last in spans:
        day = first
        while day <= last:
            if _WEEKDAYS[day.weekday()] in school_days:
                yield day
            day += _ONE_DAY


def _attendance_gap(
    state: PlacementState, started: date, school: SchoolState | None, first_day: date
) -> Iterator[Finding]:
    marks = state.marks
    for day in _expected_days(state, started, school, first_day):
        iso = day.isoformat()
        for session in Session:
            # The key of mark_key(day, session), without formatting the day twice.
            if f"{iso} {session.value}" not in marks:
                yield Finding(
                    "COMM-6",
                    state.id,
                    day + _ONE_DAY,
                    f"No attendance is recorded for the {session.value} session of {_day(day)}; "
                    "every session of the placement needs a register mark by the end of its "
                    "day.",
                )
                return
