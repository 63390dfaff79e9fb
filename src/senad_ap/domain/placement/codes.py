"""Codes that fit the placement (STAT-1): each national code means one circumstance, so a
code the record shows is not the pupil's circumstance on that day is refused.

Sources:

- The School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208),
  regulation 10(3), Table 2: ``K`` is for "educational provision arranged by a local
  authority under section 19(1) of the 1996 Act or section 42(2) or 61(1) of the 2014 Act";
  ``B`` is for an "approved educational activity" within regulation 10(11): outside the
  school premises, approved by a person the proprietor authorised, of an educational nature,
  and supervised by a person the proprietor or head teacher authorised (the same test as the
  Education (Pupil Registration) (England) Regulations 2006, reg 6(4), which it replaced).
- DfE, "Working together to improve school attendance" (statutory guidance, August 2024),
  the codes for attending a place other than the school: Code K, "A pupil attending
  provision arranged by the school rather than the local authority must be recorded using
  Codes P or B instead"; Code B certifies that the education is supervised and the pupil
  safeguarded, and is not for an unsupervised activity or a pupil at home doing school work;
  Code D is for a pupil attending another school at which they are also registered (dual
  registration); Code X only for a pupil not of compulsory school age who is not required
  to attend; Code Y7 for "any other unavoidable cause", which the code alone does not name.

What is checked here, from the record alone (no extra read per mark):

- ``K`` only for a placement the local authority arranged (``PlacementState.arranged_by``);
- ``B`` only for one the school arranged, with the activity's nature and who supervises it
  given (``activity``, ``supervised_by``). Whether the activity is really supervised, and is
  not schoolwork at home, is in those texts, which are sealed personal data the domain never
  reads: the school certifies it by giving them;
- ``D`` only while the record shows the student dual registered on the day;
- ``X`` only while the record shows the student not of compulsory school age on the day;
- ``Y7`` only with its cause (``note``).
"""

from __future__ import annotations

from datetime import date

from senad_ap.domain.arrangement import ArrangedBy
from senad_ap.domain.attendance_codes import AttendanceCode
from senad_ap.domain.placement.commands import MarkCommand
from senad_ap.domain.placement.state import PlacementState
from senad_ap.errors import PolicyViolationError

__all__ = ["check_code_fits"]


def check_code_fits(state: PlacementState, day: date, command: MarkCommand) -> None:
    """Refuse (STAT-1) a code the record shows does not fit the placement on ``day``."""
    code = command.code
    if code not in _CHECKED:
        return
    reason = _misfit(state, day, command)
    if reason is not None:
        raise PolicyViolationError(
            "STAT-1",
            f"Code {code.value} means '{code.meaning.meaning}'; {reason}",
            state.id,
        )


_CHECKED = frozenset(
    {
        AttendanceCode.LOCAL_AUTHORITY_PROVISION,
        AttendanceCode.APPROVED_EDUCATIONAL_ACTIVITY,
        AttendanceCode.DUAL_REGISTERED,
        AttendanceCode.NOT_REQUIRED_TO_ATTEND,
        AttendanceCode.OTHER_UNAVOIDABLE_CAUSE,
    }
)


def _misfit(state: PlacementState, day: date, command: MarkCommand) -> str | None:
    code = command.code
    when = day.isoformat()
    if code is AttendanceCode.LOCAL_AUTHORITY_PROVISION:
        if state.arranged_by is not ArrangedBy.LOCAL_AUTHORITY:
            return (
                f"this placement was arranged by {state.arranged_by.value} "
                f"({state.arranged_under.value}), not by the local authority: record the "
                "school's own provision with B (or P, W, V) instead."
            )
    elif code is AttendanceCode.APPROVED_EDUCATIONAL_ACTIVITY:
        if state.arranged_by is not ArrangedBy.SCHOOL:
            return (
                f"this placement was arranged by the local authority ({state.arranged_under.value})"
                ": record it with K instead."
            )
        missing = [
            name
            for name, text in (
                ("activity", command.activity),
                ("supervised_by", command.supervised_by),
            )
            if text is None
        ]
        if missing:
            return (
                "the register records the nature of the activity (activity) and who the "
                "school authorised to supervise it (supervised_by); missing: "
                + ", ".join(missing)
                + "."
            )
    elif code is AttendanceCode.DUAL_REGISTERED:
        if state.dual_registered_on(day) is None:
            return (
                f"on {when} the record does not show the student dual registered with another "
                "school (record_roll_status with dual_registered_with, the school's URN)."
            )
    elif code is AttendanceCode.NOT_REQUIRED_TO_ATTEND:
        if state.compulsory_school_age_on(day):
            return (
                f"on {when} the record shows the student of compulsory school age "
                "(record_compulsory_school_age records otherwise)."
            )
    elif command.note is None:  # Y7
        return "give the cause in the note: the code alone does not say what it was."
    return None
