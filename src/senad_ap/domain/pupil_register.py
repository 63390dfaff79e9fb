"""One register per pupil: a pupil's placements never run at the same time (STAT-1).

The attendance register is the pupil's: every session of a pupil has at most one mark (STAT-1:
attendance is marked per session). The marks are kept on the placements, so a pupil with two
placements running on the same day could be marked twice for one session. So a placement
*runs* from its start to its end (both days included), every mark lies inside its placement's
running period, and the running periods of one pupil's placements never overlap: a pupil's
placements may be open (being prepared) at the same time, but only one runs at a time. A mix
of on-site and outside provision is one placement whose plan names each setting.

- ``StartPlacement`` is refused (STAT-1) when another placement of the pupil has started and
  not ended, or ended on or after the new start day; the refusal names that placement.
- ``EndPlacement`` is refused when the placement has marks after the end day (the end is then
  the last marked day or later), in ``decide_progress``.
- Both record an event on the pupil's student record (``PlacementRunStarted``,
  ``PlacementRunEnded``) in the same transaction as the placement's own, so two writers
  starting two placements of one pupil at once conflict on the student record's version: one
  wins, the other gets ``ConcurrentChangeError`` and nothing of its decision is written.
- A mark refused for a day outside its placement's running period is given the name of the
  placement whose register holds that pupil-session (``name_the_holder``): the application
  reads the pupil's other placements only on that refusal path, never for an accepted mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from uuid import UUID

import attrs

from senad_ap.domain.base import EventMaker
from senad_ap.domain.placement.commands import (
    CorrectAttendance,
    EndPlacement,
    RecordAttendance,
    StartPlacement,
)
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.student import StudentEvent, StudentState
from senad_ap.domain.values import Context
from senad_ap.errors import (
    AlreadyRecordedError,
    InvalidInputError,
    LifecycleError,
    PolicyViolationError,
    SenadApError,
)

__all__ = [
    "PlacementRunEnded",
    "PlacementRunStarted",
    "RunningPeriod",
    "decide_run",
    "holder_of",
    "name_the_holder",
    "running_period",
]


@attrs.frozen(slots=False, kw_only=True)
class PlacementRunStarted(StudentEvent):
    """The student's placement ``placement_id`` started running on ``effective_on``; recorded
    with the placement's ``PlacementStarted``, in the same transaction (STAT-1)."""

    placement_id: UUID
    evidence_for = ("STAT-1",)


@attrs.frozen(slots=False, kw_only=True)
class PlacementRunEnded(StudentEvent):
    """The student's placement ``placement_id`` ran until ``effective_on``; recorded with the
    placement's ``PlacementEnded``, in the same transaction (STAT-1)."""

    placement_id: UUID
    evidence_for = ("STAT-1",)


@attrs.frozen
class RunningPeriod:
    """The days a placement runs: from its start to its end, both included (``ended_on``
    ``None``: not ended)."""

    placement_id: UUID
    started_on: date
    ended_on: date | None

    def covers(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)

    def __str__(self) -> str:
        if self.ended_on is None:
            return f"running since {self.started_on.isoformat()}"
        return f"ran from {self.started_on.isoformat()} to {self.ended_on.isoformat()}"


def running_period(placement: PlacementState) -> RunningPeriod | None:
    """The placement's running period (``None``: it never started)."""
    if placement.started_on is None:
        return None
    return RunningPeriod(placement.id, placement.started_on, placement.ended_on)


def decide_run(
    student: StudentState | None,
    placement: PlacementState,
    command: StartPlacement | EndPlacement,
    context: Context,
    others: Mapping[UUID, PlacementState],
) -> tuple[StudentEvent, ...]:
    """The student record's event for a start or an end the placement's ``decide`` accepted,
    or a refusal (STAT-1). ``others``: the student's placements as they stand (this one is
    skipped). ``student`` ``None`` (a store begun before students had records): nothing to
    record, and nothing to check against."""
    if isinstance(command, StartPlacement):
        _check_no_overlap(placement, command.effective_on, others)
        event_class: type[StudentEvent] = PlacementRunStarted
    elif placement.started_on is None:
        return ()  # an end before the start: the placement never ran
    else:
        event_class = PlacementRunEnded
    if student is None:
        return ()
    make = EventMaker(student.id, student.version, command, context)
    return (make(event_class, placement_id=placement.id),)


def _check_no_overlap(
    placement: PlacementState, starts_on: date, others: Mapping[UUID, PlacementState]
) -> None:
    # STAT-1: a pupil has one register, so one placement runs at a time. The new placement
    # runs from ``starts_on`` with no end yet: every other running period must end before it.
    for other_id, other in sorted(others.items(), key=lambda item: str(item[0])):
        period = running_period(other)
        if other_id == placement.id or period is None:
            continue
        who = f"Student {placement.student_reference}"
        if period.ended_on is None:
            raise PolicyViolationError(
                "STAT-1",
                f"{who} has a placement running already: {other_id}, started on "
                f"{period.started_on.isoformat()}. A pupil has one attendance register, so only "
                "one placement runs at a time (a mix of settings is one placement whose plan "
                f"names each). End placement {other_id} first, then start this one after its "
                "last day.",
                placement.id,
            )
        if period.ended_on >= starts_on:
            raise PolicyViolationError(
                "STAT-1",
                f"{who}'s placement {other_id} {period}, which reaches "
                f"{starts_on.isoformat()}. A pupil has one attendance register, so their "
                "placements cannot run on the same day: start this one on "
                f"{(period.ended_on + timedelta(days=1)).isoformat()} or later.",
                placement.id,
            )


def holder_of(day: date, others: Mapping[UUID, PlacementState]) -> PlacementState | None:
    """The placement among ``others`` whose running period covers ``day``: the one whose
    register holds the pupil's sessions of that day (of two, from a store written before
    running periods could not overlap, the one that started first)."""
    holders = [
        other
        for other in others.values()
        if (period := running_period(other)) is not None and period.covers(day)
    ]
    return min(holders, key=lambda p: (p.started_on, str(p.id))) if holders else None


def name_the_holder(
    refusal: SenadApError,
    placement: PlacementState,
    command: RecordAttendance | CorrectAttendance,
    others: Mapping[UUID, PlacementState],
) -> SenadApError:
    """``refusal`` of a mark for a day outside the placement's running period, naming the
    pupil's placement that holds that session (``others``: the pupil's placements); the
    refusal as it was when no other placement runs on that day.

    A new mark the holder already has is a second mark for the pupil-session:
    ``AlreadyRecordedError`` (STAT-2: correct it there). Otherwise the refusal keeps its kind
    and says where the session is marked."""
    day, session = command.effective_on, command.session
    holder = holder_of(day, {k: v for k, v in others.items() if k != placement.id})
    period = None if holder is None else running_period(holder)
    if holder is None or period is None:
        return refusal
    where = f"placement {holder.id}, which {period}"
    mark = holder.mark(day, session)
    if isinstance(command, RecordAttendance) and mark is not None:
        return AlreadyRecordedError(
            f"The {session.value} session of {day.isoformat()} of student "
            f"{placement.student_reference} is already marked ({mark.code.value}) on {where}: "
            "a pupil has one attendance register (STAT-1). Record a correction on that "
            "placement instead (STAT-2).",
            field="session",
            rule_id="STAT-2",
        )
    if not isinstance(refusal, LifecycleError | InvalidInputError):
        return refusal
    message = (
        f"{refusal.message} The {session.value} session of {day.isoformat()} belongs to the "
        f"register of student {placement.student_reference}'s {where}: only that placement "
        "can mark it (one register per pupil, STAT-1)."
    )
    refusal.args = (message, *refusal.args[1:])
    refusal.message = message
    return refusal
