"""Facts about a student that change, and what each change does to their placements.

A student's EHC plan is issued or ceases, they become looked after or stop being, they leave
or rejoin the school roll or are dual registered with another school (COMM-2), they reach or
pass compulsory school age (STAT-4 counts only pupils of that age: the record holds the fact,
never reads the sealed date of birth). Each is recorded with one command about the student
(by student reference, for the actor's school): the student's record gets the fact and, in
the same transaction, each of the student's placements that is still open (not ended, not
erased) gets it too, so every placement's state carries the facts in force. A placement
opened later takes the student's facts from the student's record.

A fact is never refused because it is inconvenient: it is recorded, and where it now breaks a
rule the compliance finding opens at once (an EHC plan issued while the student is taught
full-time at an unregistered setting: STAT-4), and the commands the rule guards are refused
from then on. A fact is refused only when it is not a change (already so on the record:
``AlreadyRecordedError``), dated before the last recorded change of the same fact, or given
by someone who may not record it.

Who records them (COMM-1): staff of the student's school, or the Head Teacher; not provider
staff, not inspectors. They are statements of what is so (from the local authority, the
admission register), not commissioning decisions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.authority import Authority, check_authority
from senad_ap.domain.base import Command, Event, EventMaker, check_effective_on
from senad_ap.domain.placement.commands import OpenPlacement, check_student_reference
from senad_ap.domain.placement.events import (
    PlacementEvent,
    StudentEhcPlanCeased,
    StudentEhcPlanIssued,
    StudentLookedAfterEnded,
    StudentLookedAfterStarted,
    StudentRollStatusRecorded,
    StudentSchoolAgeRecorded,
)
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.student import (
    CompulsorySchoolAgeRecorded,
    EhcPlanCeased,
    EhcPlanIssued,
    LookedAfterEnded,
    LookedAfterStarted,
    RollStatusRecorded,
    StudentEvent,
    StudentState,
    decide_student_on_opening,
)
from senad_ap.domain.validation import checked, non_empty_text
from senad_ap.domain.values import Context
from senad_ap.errors import (
    AlreadyRecordedError,
    InvalidInputError,
    LifecycleError,
    NotFoundError,
)

__all__ = [
    "RecordCompulsorySchoolAge",
    "RecordEhcPlanCeased",
    "RecordEhcPlanIssued",
    "RecordLookedAfter",
    "RecordNoLongerLookedAfter",
    "RecordRollStatus",
    "StudentFactCommand",
    "decide_fact",
    "decide_opening",
    "facts_stated_at_opening",
    "mirrored_on_placements",
]

#: A school's unique reference number: six digits (DfE, "Get information about schools").
_URN = re.compile(r"^[0-9]{6}$")


def _check_urn(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not _URN.fullmatch(value):
        raise InvalidInputError(
            "The other school's URN (its unique reference number) is exactly 6 digits.",
            field="dual_registered_with",
        )


@attrs.frozen(kw_only=True)
class StudentFactCommand(Command):
    """A fact about the student of ``student_reference`` at the actor's school."""

    student_reference: str = attrs.field(validator=check_student_reference)


@attrs.frozen(kw_only=True)
class RecordEhcPlanIssued(StudentFactCommand):
    """The student's EHC plan was issued (or a new one replaces it) on ``effective_on``."""

    reference: str = attrs.field(validator=non_empty_text("EHC plan reference", 100))


@attrs.frozen(kw_only=True)
class RecordEhcPlanCeased(StudentFactCommand):
    """The student's EHC plan ceased on ``effective_on``."""


@attrs.frozen(kw_only=True)
class RecordLookedAfter(StudentFactCommand):
    """The student is looked after by a local authority from ``effective_on``."""


@attrs.frozen(kw_only=True)
class RecordNoLongerLookedAfter(StudentFactCommand):
    """The student is no longer looked after from ``effective_on``."""


@attrs.frozen(kw_only=True)
class RecordRollStatus(StudentFactCommand):
    """On the school roll or not from ``effective_on``; dual registered with the school of
    URN ``dual_registered_with`` (a student dual registered stays on this school's roll)."""

    on_roll: bool = attrs.field(validator=checked("on roll", bool))
    dual_registered_with: str | None = attrs.field(default=None, validator=_check_urn)

    def __attrs_post_init__(self) -> None:
        if self.dual_registered_with is not None and not self.on_roll:
            raise InvalidInputError(
                "A student dual registered with another school is on this school's roll too.",
                field="dual_registered_with",
            )


@attrs.frozen(kw_only=True)
class RecordCompulsorySchoolAge(StudentFactCommand):
    """Of compulsory school age or not from ``effective_on`` (STAT-4)."""

    compulsory_school_age: bool = attrs.field(validator=checked("compulsory school age", bool))


#: Each fact on the student's record, and the same fact on a placement's.
_MIRROR: dict[type[StudentEvent], type[PlacementEvent]] = {
    EhcPlanIssued: StudentEhcPlanIssued,
    EhcPlanCeased: StudentEhcPlanCeased,
    LookedAfterStarted: StudentLookedAfterStarted,
    LookedAfterEnded: StudentLookedAfterEnded,
    RollStatusRecorded: StudentRollStatusRecorded,
    CompulsorySchoolAgeRecorded: StudentSchoolAgeRecorded,
}
_ACTIONS: dict[type[StudentFactCommand], str] = {
    RecordEhcPlanIssued: "record an EHC plan issued",
    RecordEhcPlanCeased: "record an EHC plan ceased",
    RecordLookedAfter: "record that a student is looked after",
    RecordNoLongerLookedAfter: "record that a student is no longer looked after",
    RecordRollStatus: "record a student's roll status",
    RecordCompulsorySchoolAge: "record whether a student is of compulsory school age",
}


def decide_fact(
    student: StudentState | None,
    command: StudentFactCommand,
    context: Context,
    placements: Mapping[UUID, PlacementState],
) -> tuple[Event, ...]:
    """The fact on the student's record and on each of their open placements, or a refusal.

    ``placements``: the student's placements as they stand (those missing are skipped).
    """
    actor = command.actor
    check_authority(
        actor, Authority.SCHOOL_STAFF, school_id=actor.school_id, school=None,
        rule_id="COMM-1", action=_ACTIONS[type(command)],
    )  # fmt: skip
    if student is None:
        raise NotFoundError(
            f"No student {command.student_reference!r} is on the school's record: open a "
            "placement for them first.",
            kind="student",
            id=command.student_reference,
        )
    if student.forgotten_on is not None:
        raise LifecycleError(
            f"STAT-7: the personal data of student {student.student_reference} was erased on "
            f"{student.forgotten_on.isoformat()}; nothing more can be recorded about them.",
            rule_id="STAT-7",
        )
    check_effective_on(command, context)
    event_class, facts = _change(student, command)
    make = EventMaker(student.id, student.version, command, context)
    change = make(event_class, **facts)
    return (change, *mirrored_on_placements([change], student, placements, command, context))


def _change(
    student: StudentState, command: StudentFactCommand
) -> tuple[type[StudentEvent], dict[str, Any]]:
    """The student event ``command`` asks for, once it is checked to be a change."""
    on = command.effective_on
    match command:
        case RecordEhcPlanIssued():
            _check_after(student.ehcp_changed_on, on, "the EHC plan")
            if student.ehcp_reference == command.reference:
                raise _already(f"EHC plan {command.reference} is already on the record")
            return EhcPlanIssued, {"reference": command.reference}
        case RecordEhcPlanCeased():
            _check_after(student.ehcp_changed_on, on, "the EHC plan")
            if student.ehcp_reference is None:
                raise _already("the record holds no EHC plan for the student")
            return EhcPlanCeased, {}
        case RecordLookedAfter() | RecordNoLongerLookedAfter():
            _check_after(student.looked_after_changed_on, on, "whether the student is looked after")
            looked_after = isinstance(command, RecordLookedAfter)
            if student.looked_after == looked_after:
                raise _already(
                    "the record already says the student is "
                    + ("looked after" if looked_after else "not looked after")
                )
            return (LookedAfterStarted if looked_after else LookedAfterEnded), {}
        case RecordRollStatus():
            _check_after(student.roll_changed_on, on, "the student's roll status")
            if (student.on_roll, student.dual_registered_with) == (
                command.on_roll,
                command.dual_registered_with,
            ):
                raise _already("the record already shows this roll status")
            return RollStatusRecorded, {
                "on_roll": command.on_roll,
                "dual_registered_with": command.dual_registered_with,
            }
        case RecordCompulsorySchoolAge():
            _check_after(student.school_age_changed_on, on, "the student's compulsory school age")
            if student.compulsory_school_age == command.compulsory_school_age:
                raise _already("the record already says so")
            return CompulsorySchoolAgeRecorded, {
                "compulsory_school_age": command.compulsory_school_age
            }
    raise TypeError(f"not a student fact: {type(command).__name__}")  # pragma: no cover


def _check_after(last_changed: date | None, on: date, what: str) -> None:
    # The record keeps each fact as it now stands: a change dated before the last one would
    # leave it standing wrong.
    if last_changed is not None and on < last_changed:
        raise InvalidInputError(
            f"The record changed {what} on {last_changed.isoformat()}; a change cannot be "
            f"dated before that ({on.isoformat()}).",
            field="effective_on",
        )


def _already(why: str) -> AlreadyRecordedError:
    return AlreadyRecordedError(f"Nothing to record: {why}.", field="effective_on")


def mirrored_on_placements(
    changes: list[StudentEvent],
    student: StudentState,
    placements: Mapping[UUID, PlacementState],
    command: Command,
    context: Context,
    *,
    skip: UUID | None = None,
) -> tuple[PlacementEvent, ...]:
    """The student's fact ``changes`` on each of their placements that is still open (not
    ended, not erased; ``skip``: the placement being opened, which has them already)."""
    events: list[PlacementEvent] = []
    for placement_id in student.placement_ids:
        placement = placements.get(placement_id)
        if (
            placement_id == skip
            or placement is None
            or placement.ended_on is not None
            or placement.erased_on is not None
        ):
            continue
        make = EventMaker(placement_id, placement.version, command, context)
        for change in changes:
            own = {
                field.name: getattr(change, field.name)
                for field in attrs.fields(type(change))
                if field.name not in _EVENT_FIELDS
            }
            events.append(make(_MIRROR[type(change)], **own))
    return tuple(events)


_EVENT_FIELDS = frozenset(field.name for field in attrs.fields(Event))


def facts_stated_at_opening(
    student: StudentState | None, command: OpenPlacement
) -> list[tuple[type[StudentEvent], dict[str, Any]]]:
    """The facts an opening states that the student's record does not hold yet (a value the
    opening leaves out is taken from the record): each is recorded on the student's record,
    and on their other open placements, with the opening."""
    ehcp = None if student is None else student.ehcp_reference
    looked_after = False if student is None else student.looked_after
    on_roll = True if student is None else student.on_roll
    on = command.effective_on
    ehcp_on, looked_after_on, roll_on = (
        (None, None, None)
        if student is None
        else (student.ehcp_changed_on, student.looked_after_changed_on, student.roll_changed_on)
    )
    changes: list[tuple[type[StudentEvent], dict[str, Any]]] = []
    if command.ehcp_reference is not None and command.ehcp_reference != ehcp:
        _check_after(ehcp_on, on, "the EHC plan")
        changes.append((EhcPlanIssued, {"reference": command.ehcp_reference}))
    if command.looked_after is not None and command.looked_after != looked_after:
        _check_after(looked_after_on, on, "whether the student is looked after")
        changes.append((LookedAfterStarted if command.looked_after else LookedAfterEnded, {}))
    if command.on_roll is not None and command.on_roll != on_roll:
        _check_after(roll_on, on, "the student's roll status")
        changes.append(
            (RollStatusRecorded, {"on_roll": command.on_roll, "dual_registered_with": None})
        )
    return changes


def decide_opening(
    student: StudentState | None,
    command: OpenPlacement,
    context: Context,
    placements: Mapping[UUID, PlacementState],
    *,
    record_id: UUID | None = None,
) -> tuple[Event, ...]:
    """The events an opening (already accepted by the placement's ``decide``) records on the
    student's record, and on their other open placements: the record begins or lists one
    more placement, and any fact the opening states that the record did not hold.
    ``record_id``: the id of a record that begins (``decide_student_on_opening``)."""
    events: list[Event] = list(
        decide_student_on_opening(student, command, context, record_id=record_id)
    )
    stated = facts_stated_at_opening(student, command)
    if not stated:
        return tuple(events)
    record_id = events[0].originator_id
    make = EventMaker(record_id, events[-1].originator_version, command, context)
    changes = [make(event_class, **facts) for event_class, facts in stated]
    events.extend(changes)
    if student is not None:
        events.extend(mirrored_on_placements(changes, student, placements, command, context))
    return tuple(events)
