"""One register per pupil (STAT-1, ``domain.pupil_register``), in the application.

A start or an end of a placement is recorded on the pupil's student record too, in the same
transaction, so that two writers starting two placements of one pupil at once conflict on that
record's version. A mark refused for a day outside its placement's running period is given the
name of the pupil's placement that holds the session: the student's record and placements are
read only then, so an accepted mark (a day's register) reads nothing more than before.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from senad_ap.application.integrity import chain_and_fold
from senad_ap.application.records import Records
from senad_ap.domain.base import Event
from senad_ap.domain.placement import (
    CorrectAttendance,
    EndPlacement,
    PlacementCommand,
    PlacementState,
    RecordAttendance,
    StartPlacement,
)
from senad_ap.domain.pupil_register import decide_run, name_the_holder, running_period
from senad_ap.domain.student import StudentState
from senad_ap.domain.values import Context
from senad_ap.errors import SenadApError

__all__ = ["StudentIds", "placements_of", "run_events", "with_the_holder"]


#: The record id of a school's student (``StoreSecret.student_id``: keyed on an encrypted store).
StudentIds = Callable[[str, str], UUID]


def student_of(
    records: Records, placement: PlacementState, student_ids: StudentIds
) -> StudentState | None:
    """The student record of the placement's pupil (``None``: the store has none)."""
    record_id = student_ids(placement.school_id, placement.student_reference)
    return records.load(record_id, StudentState)


def placements_of(records: Records, student: StudentState | None) -> dict[UUID, PlacementState]:
    """The student's placements as they stand."""
    placements: dict[UUID, PlacementState] = {}
    for placement_id in () if student is None else student.placement_ids:
        placement = records.load(placement_id, PlacementState)
        if placement is not None:
            placements[placement_id] = placement
    return placements


def run_events(
    records: Records,
    placement: PlacementState,
    command: StartPlacement | EndPlacement,
    context: Context,
    student_ids: StudentIds,
) -> tuple[list[Event], list[StudentState]]:
    """The student record's chained event for a start or an end the placement's ``decide``
    accepted, and the record's new state; or a refusal (STAT-1: another placement of the
    pupil runs then). The student's record is loaded before their placements, so a start or
    end saved by another writer in between makes this one's save conflict."""
    student = student_of(records, placement, student_ids)
    others = placements_of(records, student) if isinstance(command, StartPlacement) else {}
    events = decide_run(student, placement, command, context, others)
    if not events or student is None:
        return [], []
    chained, after = chain_and_fold(events, {student.id: student})
    return chained, list(after.values())


def with_the_holder(
    records: Records,
    placement: PlacementState | None,
    command: PlacementCommand,
    refusal: SenadApError,
    student_ids: StudentIds,
) -> SenadApError:
    """``refusal``, naming the pupil's placement that holds the session when it refuses a mark
    for a day outside its placement's running period (the refusal path only)."""
    if (
        placement is None
        or placement.erased_on is not None
        or not isinstance(command, RecordAttendance | CorrectAttendance)
    ):
        return refusal
    period = running_period(placement)
    if period is not None and period.covers(command.effective_on):
        return refusal
    others = placements_of(records, student_of(records, placement, student_ids))
    return name_the_holder(refusal, placement, command, others)
