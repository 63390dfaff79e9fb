"""The student: their name and date of birth, their placements, and the end of retention.

A student of a school has a record of their own, keyed by the school and the pseudonymous
student reference (so it needs no lookup table). It is written in the same transaction as the
placements opened for the student, so it always lists all of them. Its name and date of birth
are personal data (``senad_ap.domain.personal``): the application seals them, like the notes
on the placements, with a key of the student's own.

Retention (STAT-7) ends when both the attendance registers (``register_retention_years``
after the last entry) and the SEN file (``sen_file_retention_years`` after the date of birth)
may be disposed of. Then ``ForgetStudent`` records ``StudentForgotten`` on the student and
``PlacementRecordErased`` on each placement, atomically; the application destroys the key, so
every personal value on the record reads as erased, while every decision, date, actor and rule
id stays readable and verifiable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import ClassVar
from uuid import UUID, uuid5

import attrs

from senad_ap.domain.base import (
    Command,
    Event,
    EventMaker,
    IdempotencyRecord,
    advance,
    check_effective_on,
)
from senad_ap.domain.personal import with_fields
from senad_ap.domain.placement.commands import OpenPlacement, check_student_reference
from senad_ap.domain.placement.events import (
    PlacementRecordErased,
    retention_year,
    school_year_of,
)
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.values import Context, PolicyParameters, Role, mapping_field
from senad_ap.errors import (
    LifecycleError,
    NotAuthorisedError,
    NotFoundError,
    PolicyViolationError,
)

__all__ = [
    "CompulsorySchoolAgeRecorded",
    "EhcPlanCeased",
    "EhcPlanIssued",
    "ForgetStudent",
    "LookedAfterEnded",
    "LookedAfterStarted",
    "RollStatusRecorded",
    "StudentDetailsRecorded",
    "StudentEvent",
    "StudentForgotten",
    "StudentPlacementOpened",
    "StudentRecorded",
    "StudentState",
    "add_years",
    "born_on",
    "decide_forget",
    "decide_student_on_opening",
    "evolve_student",
    "last_entry_on",
    "retention_ends_on",
    "student_record_id",
]

_STUDENTS = UUID("0b6f2d4e-3c1a-4f6e-9d2b-7a5c8e1f4b30")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def student_record_id(school_id: str, student_reference: str) -> UUID:
    """The student's record id, derived from the school and the student reference: the plain
    (``uuid5``) id, used on every store but an encrypted one that keys its ids (there the
    application derives it, ``application.store_secret.StoreSecret.student_id``)."""
    return uuid5(_STUDENTS, f"{school_id}\x1f{student_reference}")


@attrs.frozen(slots=False, kw_only=True)
class StudentEvent(Event):
    pass


@attrs.frozen(slots=False, kw_only=True)
class StudentRecorded(StudentEvent):
    """The student's record began, with their first placement. ``date_of_birth`` is ISO text
    (sealed on the record)."""

    school_id: str
    student_reference: str
    name: str | None
    date_of_birth: str | None
    personal = ("name", "date_of_birth")


@attrs.frozen(slots=False, kw_only=True)
class StudentDetailsRecorded(StudentEvent):
    """A later placement gave a name or date of birth the record did not have, or another."""

    name: str | None
    date_of_birth: str | None
    personal = ("name", "date_of_birth")


@attrs.frozen(slots=False, kw_only=True)
class StudentPlacementOpened(StudentEvent):
    """A placement was opened for the student (on the student's record)."""

    placement_id: UUID


@attrs.frozen(slots=False, kw_only=True)
class StudentForgotten(StudentEvent):
    """The student's personal data was erased: retention ended in the school year
    ``retention_ended_in`` (``"2030/31"``; never the day, which would give away the date of
    birth). Events recorded before carry the day, ``retention_ended_on`` (``retention_year``
    reads either)."""

    retention_ended_in: str | None = None
    retention_ended_on: date | None = None
    placement_ids: tuple[UUID, ...]
    evidence_for = ("STAT-7",)
    added_later = ("retention_ended_in", "retention_ended_on")


# The facts about the student that the rules need and that change (``student_facts``): each
# is recorded on the student's record and, in the same transaction, on each of their open
# placements. ``effective_on`` is the day the fact took effect.


@attrs.frozen(slots=False, kw_only=True)
class EhcPlanIssued(StudentEvent):
    """The student has an EHC plan, ``reference``, from ``effective_on`` (PLAN-4, STAT-4)."""

    reference: str
    evidence_for = ("PLAN-4", "STAT-4")


@attrs.frozen(slots=False, kw_only=True)
class EhcPlanCeased(StudentEvent):
    """The student's EHC plan ceased on ``effective_on``."""

    evidence_for = ("PLAN-4", "STAT-4")


@attrs.frozen(slots=False, kw_only=True)
class LookedAfterStarted(StudentEvent):
    """Looked after by a local authority from ``effective_on`` (STAT-4)."""

    evidence_for = ("STAT-4",)


@attrs.frozen(slots=False, kw_only=True)
class LookedAfterEnded(StudentEvent):
    """The student is no longer looked after from ``effective_on``."""

    evidence_for = ("STAT-4",)


@attrs.frozen(slots=False, kw_only=True)
class RollStatusRecorded(StudentEvent):
    """On the school roll or not, and dual registered with another school (its URN) or not
    (COMM-2)."""

    on_roll: bool
    dual_registered_with: str | None
    evidence_for = ("COMM-2",)


@attrs.frozen(slots=False, kw_only=True)
class CompulsorySchoolAgeRecorded(StudentEvent):
    """Of compulsory school age or not (STAT-4); the fact, never the date of birth."""

    compulsory_school_age: bool
    evidence_for = ("STAT-4",)


@attrs.frozen
class StudentState:
    id: UUID
    version: int
    school_id: str
    student_reference: str
    recorded_on: date
    name: str | None = None
    #: ISO text (``born_on`` gives the date); sealed on the record, ``[erased]`` once erased.
    date_of_birth: str | None = None
    placement_ids: tuple[UUID, ...] = ()
    forgotten_on: date | None = None
    #: The school year retention ended in (``"2030/31"``), once erased: never the day.
    retention_ended_in: str | None = None
    idempotency: Mapping[str, IdempotencyRecord] = mapping_field()
    #: The chain hash of the record's latest event (tamper evidence).
    chain_hash: str | None = None
    #: The facts the rules need (``student_facts``), and the day each last changed (``None``:
    #: as at the first placement, or never recorded). A placement opened later takes them.
    ehcp_reference: str | None = None
    ehcp_changed_on: date | None = None
    looked_after: bool = False
    looked_after_changed_on: date | None = None
    on_roll: bool = True
    dual_registered_with: str | None = None
    roll_changed_on: date | None = None
    compulsory_school_age: bool = True
    school_age_changed_on: date | None = None

    personal: ClassVar[tuple[str, ...]] = ("name", "date_of_birth")

    @property
    def born_on(self) -> date | None:
        """The date of birth, if it is recorded and readable (not sealed, not erased)."""
        return born_on(self.date_of_birth)


def born_on(text: str | None) -> date | None:
    """A date of birth as the record holds it (ISO text), or ``None`` when it is not
    recorded or not readable (sealed, or ``[erased]``)."""
    if text is None or not _ISO_DATE.fullmatch(text):
        return None
    return date.fromisoformat(text)


@attrs.frozen(kw_only=True)
class ForgetStudent(Command):
    """Erase a student's personal data at the end of retention (STAT-7)."""

    student_reference: str = attrs.field(validator=check_student_reference)


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_entry_on(placement: PlacementState) -> date:
    """The latest day any decision or mark on the placement's record took effect."""
    return placement.last_entry_on or placement.opened_on


def retention_ends_on(
    born_on: date | None, last_entries: Iterable[date], policy: PolicyParameters
) -> date:
    """The day both retention periods of STAT-7 have ended for a student."""
    last = max(last_entries)
    registers = add_years(last, policy.register_retention_years)
    sen_file = add_years(born_on or last, policy.sen_file_retention_years)
    return max(registers, sen_file)


def decide_student_on_opening(
    student: StudentState | None,
    command: OpenPlacement,
    context: Context,
    *,
    record_id: UUID | None = None,
) -> tuple[StudentEvent, ...]:
    """The student's events when a placement is opened for them (after the placement's own
    ``decide`` accepted it): the record begins, or lists one more placement.

    ``record_id``: the id of a record that begins (the application's, keyed on an encrypted
    store); without it, ``student_record_id``. A record that exists keeps its own id."""
    actor = command.actor
    if student is not None and student.forgotten_on is not None:
        raise LifecycleError(
            f"STAT-7: the personal data of student {command.student_reference} was erased on "
            f"{student.forgotten_on.isoformat()}; no new placement can be opened for them.",
            rule_id="STAT-7",
        )
    if student is not None:
        record_id = student.id
    elif record_id is None:
        record_id = student_record_id(actor.school_id, command.student_reference)
    make = EventMaker(record_id, 0 if student is None else student.version, command, context)
    name = command.student_name
    born = _iso(command.date_of_birth)
    events: list[StudentEvent] = []
    if student is None:
        events.append(
            make(
                StudentRecorded,
                school_id=actor.school_id,
                student_reference=command.student_reference,
                name=name,
                date_of_birth=born,
            )
        )
    elif (name is not None and name != student.name) or (
        born is not None and born != student.date_of_birth
    ):
        events.append(
            make(
                StudentDetailsRecorded,
                name=student.name if name is None else name,
                date_of_birth=student.date_of_birth if born is None else born,
            )
        )
    events.append(make(StudentPlacementOpened, placement_id=command.placement_id))
    return tuple(events)


def decide_forget(
    student: StudentState | None,
    command: ForgetStudent,
    context: Context,
    placements: Mapping[UUID, PlacementState],
    born_on: date | None,
) -> tuple[Event, ...]:
    """``StudentForgotten`` and one ``PlacementRecordErased`` per placement, or a refusal.

    ``placements``: the student's placements as they stand; ``born_on``: the date of birth as
    the application read it (``None`` if not recorded).
    """
    actor = command.actor
    if actor.role is not Role.HEAD_TEACHER:
        raise NotAuthorisedError(
            f"{actor.id} ({actor.role.value}) may not erase a student's personal data: only "
            "the Head Teacher / Head of Service can.",
            actor_id=actor.id,
            rule_id="COMM-1",
        )
    if student is None:
        raise NotFoundError(
            f"No student {command.student_reference!r} is on the school's record.",
            kind="student",
            id=command.student_reference,
        )
    if student.forgotten_on is not None:
        raise LifecycleError(
            f"The personal data of student {student.student_reference} was already erased on "
            f"{student.forgotten_on.isoformat()}."
        )
    check_effective_on(command, context)
    entries = [last_entry_on(placements[i]) for i in student.placement_ids if i in placements]
    ends_on = retention_ends_on(born_on, entries or [student.recorded_on], context.policy)
    if command.effective_on < ends_on or context.today < ends_on:
        raise PolicyViolationError(
            "STAT-7",
            f"The record of student {student.student_reference} must be kept until "
            f"{ends_on.isoformat()} (registers {context.policy.register_retention_years} "
            f"years after the last entry, the SEN file {context.policy.sen_file_retention_years}"
            " years after the date of birth); it cannot be erased before then.",
        )
    make = EventMaker(student.id, student.version, command, context)
    ended_in = school_year_of(ends_on)
    events: list[Event] = [
        make(StudentForgotten, retention_ended_in=ended_in, placement_ids=student.placement_ids)
    ]
    for placement_id in student.placement_ids:
        placement = placements.get(placement_id)
        if placement is None or placement.erased_on is not None:
            continue
        erase = EventMaker(placement_id, placement.version, command, context)
        events.append(erase(PlacementRecordErased, retention_ended_in=ended_in))
    return tuple(events)


def evolve_student(state: StudentState | None, event: StudentEvent) -> StudentState:
    if isinstance(event, StudentRecorded):
        state = StudentState(
            id=event.originator_id,
            version=0,
            school_id=event.school_id,
            student_reference=event.student_reference,
            recorded_on=event.effective_on,
            name=event.name,
            date_of_birth=event.date_of_birth,
        )
        return advance(state, event)
    if state is None:
        raise LookupError("a student's history must begin with StudentRecorded")
    state = advance(state, event)
    if isinstance(event, StudentDetailsRecorded):
        return attrs.evolve(state, name=event.name, date_of_birth=event.date_of_birth)
    if isinstance(event, StudentPlacementOpened):
        return attrs.evolve(state, placement_ids=(*state.placement_ids, event.placement_id))
    if isinstance(event, StudentForgotten):
        return attrs.evolve(
            state, forgotten_on=event.effective_on, retention_ended_in=retention_year(event)
        )
    return _evolve_fact(state, event)


def _evolve_fact(state: StudentState, event: StudentEvent) -> StudentState:
    on = event.effective_on
    match event:
        case EhcPlanIssued():
            return with_fields(state, {"ehcp_reference": event.reference, "ehcp_changed_on": on})
        case EhcPlanCeased():
            return with_fields(state, {"ehcp_reference": None, "ehcp_changed_on": on})
        case LookedAfterStarted() | LookedAfterEnded():
            looked_after = isinstance(event, LookedAfterStarted)
            return with_fields(state, {"looked_after": looked_after, "looked_after_changed_on": on})
        case RollStatusRecorded():
            return with_fields(
                state,
                {
                    "on_roll": event.on_roll,
                    "dual_registered_with": event.dual_registered_with,
                    "roll_changed_on": on,
                },
            )
        case CompulsorySchoolAgeRecorded():
            return with_fields(
                state,
                {"compulsory_school_age": event.compulsory_school_age, "school_age_changed_on": on},
            )
    return state


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
