"""Absence followed up: an unexplained absence left unresolved and a run of absence (COMM-6,
attendance tracked and managed), and the returns to the local authority the 2024 regulations
ask for (NOTIFY-1, NOTIFY-2). Pure: no clock, no I/O.

- *Unexplained absence* (COMM-6, key ``unexplained <day> <session>``): a session still marked
  N ("reason for absence not yet established") ``unexplained_absence_school_days`` school
  days after it (5: "Working together to improve school attendance", August 2024, code N).
  Open from the day after the last of those days; closed when the mark is corrected to
  another code (``correct_attendance``; O if the reason stays unknown).
- *A run of absence* (COMM-6, key ``absence from <day>``): the latest possible sessions are
  all absences (authorised or not) for ``absence_run_school_days`` school days or more (5,
  the school group's choice). Open from the day after the run reached it, while it lasts:
  closed by the next present (or approved activity) mark, or the end of the placement.
- *Attendance return* (NOTIFY-1, key ``absence from <day>``): a run of unauthorised absence
  (codes G, N, O, U) of ``continuous_absence_notification_school_days`` school days or more
  (10: SI 2024/208, regulation 13). Open from the day after it reached them, until a return
  of that kind made on or after the run's first day is recorded
  (``record_local_authority_notification``), even once the student is back.
- *Sickness return* (NOTIFY-2, key ``sickness from <day>``): ``sickness_notification_school_days``
  school days (15: SI 2024/208, regulation 13) of illness (code I), in a row or in all. Open
  from the day after the illness reached them, until a sickness return is recorded. A
  return covers the illness before it and one spell of illness (the one going on when it was
  made, or else the next one); illness after that spell ends counts afresh.

Counting: a school day is two register sessions, so N school days are 2N sessions, counted in
the order of the register. Sessions that are not possible (dual registration, unable to
attend, administrative codes) neither count nor break a run; a session with no mark is left
to COMM-6's unmarked session and does not break one either. The returns concern pupils of
compulsory school age, as the regulation does: a student the record shows is not has none.

School days (for an unresolved N) are weekdays inside the school's recorded terms, outside
their half-term breaks; where no term is recorded (none, or before the first or after the
last) every weekday counts, so an N is reported late rather than not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from senad_ap.domain.attendance_codes import AttendanceCode
from senad_ap.domain.compliance.dates import _ONE_DAY, _terms
from senad_ap.domain.compliance.finding import Finding, _day
from senad_ap.domain.placement.notifications import NotificationKind
from senad_ap.domain.placement.state import AttendanceMark, PlacementState
from senad_ap.domain.school import SchoolState, Term
from senad_ap.domain.values import PolicyParameters

__all__ = ["absence_findings", "is_school_day", "school_days_after"]

# How each code counts, from its meaning, worked out once and looked up by the code's letter:
# the register is read again on every event of a placement, and an enum member's hash is
# slow, so the loops below read a plain dictionary.
_NOT_POSSIBLE, _PRESENT, _AUTHORISED, _UNAUTHORISED = range(4)


def _counts_as(code: AttendanceCode) -> int:
    meaning = code.meaning
    if not meaning.counts_as_possible:
        return _NOT_POSSIBLE
    if meaning.is_present:
        return _PRESENT
    return _UNAUTHORISED if meaning.is_unauthorised_absence else _AUTHORISED


_COUNTS_AS = {code.value: _counts_as(code) for code in AttendanceCode}
_N = AttendanceCode.REASON_NOT_ESTABLISHED.value
_ILLNESS = AttendanceCode.ILLNESS.value


def is_school_day(day: date, terms: Sequence[Term]) -> bool:
    """A weekday in a recorded term outside its half-term break; where no term is recorded
    (none, or before the first or after the last), any weekday."""
    if day.weekday() >= 5:
        return False
    if not terms or day < terms[0].starts_on or day > terms[-1].ends_on:
        return True
    return any(term.is_school_day(day) for term in terms)


def school_days_after(day: date, count: int, terms: Sequence[Term]) -> date:
    """The ``count``-th school day after ``day``."""
    found = 0
    while found < count:
        day += _ONE_DAY
        found += is_school_day(day, terms)
    return day


def absence_findings(
    state: PlacementState, school: SchoolState | None, policy: PolicyParameters
) -> Iterator[Finding]:
    """The absence findings of a started placement's register (see the module's text)."""
    if not state.marks:
        return
    ordered = [state.marks[key] for key in sorted(state.marks)]
    # Each mark with its code's letter (``_value_``: the enum's ``value`` without its slower
    # descriptor).
    lettered: list[tuple[AttendanceMark, str]] = [(m, m.code._value_) for m in ordered]
    yield from _unexplained(state, lettered, _terms(school), policy)
    yield from _runs(state, lettered, policy)
    if state.compulsory_school_age:
        yield from _sickness(state, lettered, policy)


def _fell_due(state: PlacementState, due: date) -> bool:
    """The obligation fell due while the placement ran (by its last day)."""
    return state.ended_on is None or due <= state.ended_on


def _unexplained(
    state: PlacementState,
    ordered: Sequence[tuple[AttendanceMark, str]],
    terms: Sequence[Term],
    policy: PolicyParameters,
) -> Iterator[Finding]:
    days = policy.unexplained_absence_school_days
    for mark, letter in ordered:
        if letter != _N:
            continue
        due = school_days_after(mark.day, days, terms)
        if not _fell_due(state, due):
            continue
        yield Finding(
            "COMM-6",
            state.id,
            due + _ONE_DAY,
            f"The {mark.session.value} session of {_day(mark.day)} is still marked N (reason "
            f"for absence not yet established) {days} school days on: establish the reason "
            "and correct the mark (O if it stays unknown).",
            key=f"unexplained {mark.day.isoformat()} {mark.session.value}",
        )


def _runs(
    state: PlacementState, ordered: Sequence[tuple[AttendanceMark, str]], policy: PolicyParameters
) -> Iterator[Finding]:
    """The run of absence still going on (COMM-6) and each run of unauthorised absence long
    enough for an attendance return (NOTIFY-1)."""
    run_days = policy.absence_run_school_days
    notify_days = policy.continuous_absence_notification_school_days
    absent = unauthorised = 0
    absent_from = absent_reached = unauthorised_from = date.min
    returns: list[tuple[date, date]] = []
    for mark, letter in ordered:
        counts_as = _COUNTS_AS[letter]
        if counts_as == _NOT_POSSIBLE:
            continue
        if counts_as == _PRESENT:
            absent = unauthorised = 0
            continue
        if absent == 0:
            absent_from = mark.day
        absent += 1
        if absent == 2 * run_days:
            absent_reached = mark.day
        if counts_as != _UNAUTHORISED:
            unauthorised = 0
            continue
        if unauthorised == 0:
            unauthorised_from = mark.day
        unauthorised += 1
        if unauthorised == 2 * notify_days:
            returns.append((unauthorised_from, mark.day))
    if absent >= 2 * run_days and state.ended_on is None:
        yield Finding(
            "COMM-6",
            state.id,
            absent_reached + _ONE_DAY,
            f"The student has been absent from every session since {_day(absent_from)}: "
            f"{run_days} school days or more in a row. Follow the absence up with the "
            "family and the provider.",
            key=f"absence from {absent_from.isoformat()}",
            related_rules=("AIM-3",),
        )
    if not state.compulsory_school_age:
        return
    notified = state.local_authority_notified.get(NotificationKind.CONTINUOUS_ABSENCE)
    for first, reached in returns:
        if (notified is not None and notified >= first) or not _fell_due(state, reached):
            continue
        yield Finding(
            "NOTIFY-1",
            state.id,
            reached + _ONE_DAY,
            f"The student has been absent without leave since {_day(first)}, for "
            f"{notify_days} school days or more in a row: the local authority is to be "
            "notified (an attendance return, School Attendance (Pupil Registration) "
            "(England) Regulations 2024, regulation 13).",
            key=f"absence from {first.isoformat()}",
            related_rules=("INFO-1",),
        )


def _sickness(
    state: PlacementState, ordered: Sequence[tuple[AttendanceMark, str]], policy: PolicyParameters
) -> Iterator[Finding]:
    """NOTIFY-2: illness (code I) of the threshold's school days, in a row or in all, since
    the start or, after a sickness return, since the spell of illness it covers ended (the
    spell going on when it was made, or else the first one after it)."""
    days = policy.sickness_notification_school_days
    notified = state.local_authority_notified.get(NotificationKind.SICKNESS)
    covering = notified is not None
    ill = False  # the spell the return covers has begun
    counted = 0
    first = date.min
    for mark, letter in ordered:
        if _COUNTS_AS[letter] == _NOT_POSSIBLE:
            continue
        if notified is not None and mark.day <= notified:
            ill = letter == _ILLNESS
            continue
        if covering:
            if letter == _ILLNESS:
                ill = True
            elif ill:
                covering = False
            continue
        if letter != _ILLNESS:
            continue
        if counted == 0:
            first = mark.day
        counted += 1
        if counted == 2 * days:
            if _fell_due(state, mark.day):
                yield Finding(
                    "NOTIFY-2",
                    state.id,
                    mark.day + _ONE_DAY,
                    f"The student has missed {days} school days or more through illness since "
                    f"{_day(first)}: the local authority is to be notified (a sickness return, "
                    "School Attendance (Pupil Registration) (England) Regulations 2024, "
                    "regulation 13), so that it can arrange education if needed.",
                    key=f"sickness from {first.isoformat()}",
                    related_rules=("INFO-1",),
                )
            return
