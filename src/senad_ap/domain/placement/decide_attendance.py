"""Deciding on attendance: register marks and their corrections (STAT-1, STAT-2, INFO-2);
which codes fit the placement is ``codes``."""

from __future__ import annotations

from datetime import date

from senad_ap.domain.base import EventMaker
from senad_ap.domain.placement.codes import check_code_fits
from senad_ap.domain.placement.commands import CorrectAttendance, RecordAttendance
from senad_ap.domain.placement.events import (
    AttendanceCorrected,
    AttendanceRecorded,
    PlacementEvent,
)
from senad_ap.domain.placement.guards import Related, _check_started
from senad_ap.domain.placement.registration import (
    protected,
    protected_since,
    unregistered_full_time,
)
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.values import Context, Weekday
from senad_ap.errors import AlreadyRecordedError, InvalidInputError, PolicyViolationError

__all__ = ["correct_attendance", "record_attendance"]


def record_attendance(
    state: PlacementState,
    command: RecordAttendance,
    context: Context,
    related: Related,
    make: EventMaker,
) -> tuple[PlacementEvent, ...]:
    _check_mark(state, command.effective_on, command, context, related)
    if state.mark(command.effective_on, command.session) is not None:
        raise AlreadyRecordedError(
            f"The {command.session.value} session of {command.effective_on.isoformat()}"
            f" is already marked on placement {state.id}; record a correction instead (STAT-2).",
            field="session",
            rule_id="STAT-2",
        )
    return (
        make(
            AttendanceRecorded,
            session=command.session,
            code=command.code,
            activity=command.activity,
            supervised_by=command.supervised_by,
            note=command.note,
        ),
    )


def correct_attendance(
    state: PlacementState,
    command: CorrectAttendance,
    context: Context,
    related: Related,
    make: EventMaker,
) -> tuple[PlacementEvent, ...]:
    _check_mark(state, command.effective_on, command, context, related)
    mark = state.mark(command.effective_on, command.session)
    if mark is None:
        raise InvalidInputError(
            f"No mark for the {command.session.value} session of "
            f"{command.effective_on.isoformat()} to correct; record it instead.",
            field="session",
        )
    if mark.code is command.code:
        raise AlreadyRecordedError(
            f"The mark is already {command.code.value} on placement {state.id}; there is "
            "nothing to correct.",
            field="code",
            rule_id="STAT-2",
        )
    return (
        make(
            AttendanceCorrected,
            session=command.session,
            original_code=mark.code,
            corrected_code=command.code,
            reason=command.reason,
            corrects_version=mark.version,
            activity=command.activity,
            supervised_by=command.supervised_by,
            note=command.note,
            amended_by_name=command.amended_by_name,
            amended_by_position=command.amended_by_position,
        ),
    )


def _check_mark(
    state: PlacementState,
    day: date,
    command: RecordAttendance | CorrectAttendance,
    context: Context,
    related: Related,
) -> None:
    _check_started(state, day, "record attendance")
    if day > context.today:
        raise InvalidInputError(
            f"Attendance cannot be recorded for a day that has not happened ({day.isoformat()}).",
            field="effective_on",
        )
    if state.plan is not None and Weekday.of(day) not in state.plan.school_days:
        raise InvalidInputError(
            f"{day.isoformat()} is a {Weekday.of(day).value}, not a school day in the plan.",
            field="effective_on",
        )
    # STAT-1: '/' is the morning mark and '\' the afternoon one.
    only = command.code.meaning.only_session
    if only is not None and only is not command.session:
        raise PolicyViolationError(
            "STAT-1",
            f"Code {command.code.value} means '{command.code.meaning.meaning}'; it cannot mark "
            f"the {command.session.value} session.",
            state.id,
        )
    # INFO-2: withdrawn consent suspends an outside placement.
    missing = state.consents_missing_on(day)
    if missing and command.code.means_attending_the_placement:
        parties = " and ".join(party.value for party in missing)
        raise PolicyViolationError(
            "INFO-2",
            f"On {day.isoformat()} the consent of {parties} to this outside placement had been "
            "withdrawn, so the student cannot be recorded as attending it.",
            state.id,
        )
    _check_registration(state, day, command, context, related)
    # STAT-1: K, B, D, X and Y7 only where the record shows they fit (``codes``).
    check_code_fits(state, day, command)


def _check_registration(
    state: PlacementState,
    day: date,
    command: RecordAttendance | CorrectAttendance,
    context: Context,
    related: Related,
) -> None:
    # STAT-4: from the day a fact makes the student one an unregistered setting may not teach
    # full-time (an EHC plan issued, looked after), the student cannot be recorded as taught
    # there until the plan is revised (or the setting registers). Absences are still marked.
    plan = state.plan
    if plan is None or not command.code.means_attending_the_placement:
        return
    since = protected_since(state, plan, state.plan_revised_on or state.plan_agreed_on)
    if since is None or day < since:
        return
    for provider in unregistered_full_time(plan, related.providers, context.policy):
        raise PolicyViolationError(
            "STAT-4",
            f"From {since.isoformat()} the student {protected(state, plan)}, and "
            f"{provider.name} is not a registered school: the plan's {plan.hours_at(provider.id)} "
            "hours a week there are full-time education it may not give, so the student "
            f"cannot be recorded as attending on {day.isoformat()}. Revise the plan.",
            state.id,
        )
