"""Reading the record: the current state, the history and the record as at a past version or
date, each checked against who is reading (``domain.authority.check_may_read``) and with its
sealed personal values revealed (or ``[erased]``) on the way out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import TypeVar
from uuid import UUID

import attrs

from senad_ap.application.personal import PersonalData
from senad_ap.application.pupil_register import StudentIds
from senad_ap.application.records import AnyState, Records, fold, store_errors
from senad_ap.application.stores import check_text
from senad_ap.domain.authority import FullAccess, Reader, check_may_read
from senad_ap.domain.base import Event
from senad_ap.domain.placement import PlacementEvent, PlacementState, evolve_placement
from senad_ap.domain.provider import (
    FullTimePupilAdmitted,
    FullTimePupilLeft,
    ProviderEvent,
    ProviderState,
)
from senad_ap.domain.school import SchoolState, school_aggregate_id
from senad_ap.domain.student import StudentState
from senad_ap.domain.values import Actor, Role
from senad_ap.errors import InvalidInputError, NotAuthorisedError, NotFoundError

__all__ = ["Reading", "check_reader"]

T = TypeVar("T")


class Reading:
    """The read side of one store's records, for the facade's read methods."""

    def __init__(
        self,
        records: Records,
        personal: PersonalData,
        clock: Callable[[], datetime],
        student_ids: StudentIds,
    ) -> None:
        self.records = records
        self.personal = personal
        self.clock = clock
        #: The record id of a school's student (keyed on an encrypted store).
        self.student_id = student_ids

    # ----------------------------------------------------------------- placements
    def placement(self, placement_id: UUID, reader: Actor) -> PlacementState:
        """The placement now, if ``reader`` may read it (personal values revealed)."""
        state = self.records.placement(placement_id)
        self.check_may_read(reader, state)
        return self.revealed(state)

    def placement_history(self, placement_id: UUID, reader: Actor) -> tuple[PlacementEvent, ...]:
        """Every event of the placement, oldest first, if ``reader`` may read it."""
        self.placement(placement_id, reader)
        with store_errors():
            events: list[PlacementEvent] = list(self.records.events.get(placement_id))  # type: ignore[arg-type]
            return tuple(self.personal.reveal_personal(events))

    def placement_as_at(
        self, placement_id: UUID, reader: Actor, version: int | None,
        known_on: date | datetime | None,
    ) -> PlacementState:  # fmt: skip
        """The placement at ``version``, or with only what was recorded by ``known_on``."""
        current = self.placement(placement_id, reader)
        if (version is None) == (known_on is None):
            raise InvalidInputError("Give either a version or a date (known_on), not both.")
        if version is not None:
            if isinstance(version, bool) or not isinstance(version, int) or version < 1:
                raise InvalidInputError("The version must be a whole number from 1.")
            if version > current.version:
                raise InvalidInputError(
                    f"The placement {placement_id} has {current.version} versions; there is "
                    f"no version {version}.",
                    field="version",
                )
            # The version exists (checked above): ``at_version`` translates store errors.
            return self.revealed(self.records.at_version(placement_id, version, PlacementState))
        cutoff = _end_of(known_on)
        with store_errors():
            events = [e for e in self.records.events.get(placement_id) if e.timestamp <= cutoff]  # type: ignore[attr-defined]
        if not events:
            raise NotFoundError(
                f"The placement {placement_id} was not yet on the record on {known_on}.",
                kind="placement",
                id=placement_id,
            )
        return self.revealed(fold(None, events, evolve_placement))

    def check_may_read(self, reader: Actor, state: PlacementState) -> None:
        """Staff read their own school's placements, provider staff those at their provider,
        inspectors what a Head Teacher granted them (``NotAuthorisedError`` otherwise)."""
        if not isinstance(reader, Actor):
            raise InvalidInputError("The reader must be an Actor.", field="reader")
        school = self.school(state.school_id) if reader.role is Role.INSPECTOR else None
        check_may_read(
            reader,
            school_id=state.school_id,
            school=school,
            provider_ids=state.provider_ids,
            today=self.clock().date(),
            placement_id=state.id,
        )

    # ----------------------------------------------------------------- other records
    def provider(self, provider_id: UUID, reader: Actor) -> ProviderState:
        """A provider's record, if ``reader`` may read it, with its full-time roll cut to the
        placements ``reader`` may read (providers are shared by the schools of the group; the
        placements at them are not)."""
        state = self.provider_record(provider_id)
        self.check_may_read_provider(reader, state)
        readable = frozenset(p for p in state.full_time_pupils if self.may_read(reader, p))
        return attrs.evolve(state, full_time_pupils=readable)

    def provider_history(self, provider_id: UUID, reader: Actor) -> tuple[ProviderEvent, ...]:
        """Every event of the provider, oldest first, leaving out the full-time roll's entries
        for placements ``reader`` may not read (their versions are missing from the run)."""
        self.provider(provider_id, reader)
        with store_errors():
            events: list[ProviderEvent] = list(self.records.events.get(provider_id))  # type: ignore[arg-type]
        return tuple(
            event
            for event in events
            if not isinstance(event, FullTimePupilAdmitted | FullTimePupilLeft)
            or self.may_read(reader, event.placement_id)
        )

    def provider_record(self, provider_id: UUID) -> ProviderState:
        """The provider's whole record, unchecked (for the commands and the checks)."""
        state = self.records.load(provider_id, ProviderState)
        if state is None:
            raise NotFoundError(
                f"No provider {provider_id} is registered.", kind="provider", id=provider_id
            )
        return state

    def check_may_read_provider(self, reader: Actor, state: ProviderState) -> None:
        """Staff and Heads of any school of the group read a provider's record; provider staff
        their own provider's; inspectors while a grant from their school lasts."""
        if not isinstance(reader, Actor):
            raise InvalidInputError("The reader must be an Actor.", field="reader")
        if reader.role is Role.INSPECTOR:
            school = self.school(reader.school_id)
            if school is not None and school.inspector_may_read(reader, self.clock().date()):
                return
            reason = "no access to the school's records has been granted, or it has ended"
        elif reader.role is Role.PROVIDER_STAFF and reader.provider_id != state.id:
            reason = "provider staff read only their own provider's record"
        else:
            return
        raise NotAuthorisedError(
            f"{reader.id} ({reader.role.value}) may not read provider {state.id}: {reason}.",
            actor_id=reader.id,
        )

    def may_read(self, reader: Actor, placement_id: UUID) -> bool:
        """Whether ``reader`` may read the placement (``get_placement`` would not refuse)."""
        try:
            self.check_may_read(reader, self.records.placement(placement_id))
        except (NotAuthorisedError, NotFoundError):
            return False
        return True

    def school_for(self, school_id: str, reader: Actor) -> SchoolState | None:
        """The school's record, if ``reader`` is its Head or staff, or an inspector it granted
        access to (provider staff and other schools' staff are refused)."""
        if not isinstance(reader, Actor):
            raise InvalidInputError("The reader must be an Actor.", field="reader")
        state = self.school(school_id)
        if reader.role is Role.INSPECTOR:
            if state is not None and state.inspector_may_read(reader, self.clock().date()):
                return state
            reason = "no access to this school's records has been granted, or it has ended"
        elif reader.school_id != school_id:
            reason = "it is another school's record"
        elif reader.role is Role.PROVIDER_STAFF:
            reason = "provider staff read the placements at their provider, not the school's record"
        else:
            return state
        raise NotAuthorisedError(
            f"{reader.id} ({reader.role.value}) may not read school {school_id}: {reason}.",
            actor_id=reader.id,
        )

    def school(self, school_id: str) -> SchoolState | None:
        """The school's delegations, inspector grants and terms (``None``: none recorded);
        unchecked, for the commands and the checks."""
        check_text(school_id, "school_id", "school id")
        return self.records.load(school_aggregate_id(school_id), SchoolState)

    def student(self, student_reference: str, reader: Actor, school_id: str | None) -> StudentState:
        """The student's record, if ``reader`` may read the school's records."""
        if not isinstance(reader, Actor):
            raise InvalidInputError("The reader must be an Actor.", field="reader")
        school = reader.school_id if school_id is None else school_id
        check_text(school, "school_id", "school id")
        check_text(student_reference, "student_reference", "student reference")
        state = self.records.load(self.student_id(school, student_reference), StudentState)
        if state is None:
            raise NotFoundError(
                f"No student {student_reference!r} is on the record of school {school}.",
                kind="student",
                id=student_reference,
            )
        check_may_read(
            reader,
            school_id=state.school_id,
            school=self.school(state.school_id) if reader.role is Role.INSPECTOR else None,
            provider_ids=frozenset(),
            today=self.clock().date(),
        )
        return self.revealed(state)

    # ----------------------------------------------------------------- any record
    def checked_record(self, reader: Reader, state: AnyState) -> AnyState:
        """``state`` (a record's current state) if ``reader`` may read the record, by the rules
        of ``placement``, ``provider`` (its full-time roll cut), ``school_for`` and
        ``student``; seals and the policy record hold no personal data: anyone reads them.
        ``FULL_ACCESS`` reads every record."""
        if isinstance(reader, FullAccess):
            return state
        if not isinstance(reader, Actor):
            raise InvalidInputError("The reader must be an Actor or FULL_ACCESS.", field="reader")
        if isinstance(state, PlacementState):
            self.check_may_read(reader, state)
        elif isinstance(state, ProviderState):
            self.check_may_read_provider(reader, state)
            readable = frozenset(p for p in state.full_time_pupils if self.may_read(reader, p))
            return attrs.evolve(state, full_time_pupils=readable)
        elif isinstance(state, SchoolState):
            self.school_for(state.school_id, reader)
        elif isinstance(state, StudentState):
            check_may_read(
                reader,
                school_id=state.school_id,
                school=self.school(state.school_id) if reader.role is Role.INSPECTOR else None,
                provider_ids=frozenset(),
                today=self.clock().date(),
            )
        return state

    def events_of(self, record_id: UUID, reader: Reader) -> tuple[Event, ...]:
        """Every event of the record, oldest first, as stored, if ``reader`` may read it (a
        provider's: without the full-time roll's entries for placements ``reader`` may not
        read, as ``provider_history``)."""
        check_reader(reader)
        events = self.records.events_of(record_id)
        if not events or isinstance(reader, FullAccess):
            return events
        current = self.records.any_at_version(record_id, None)
        if current is None:
            return ()
        self.checked_record(reader, current)
        if not isinstance(current, ProviderState) or not isinstance(reader, Actor):
            return events
        return tuple(
            event
            for event in events
            if not isinstance(event, FullTimePupilAdmitted | FullTimePupilLeft)
            or self.may_read(reader, event.placement_id)
        )

    # ----------------------------------------------------------------- personal values
    def revealed(self, state: T) -> T:
        """``state`` with its sealed personal values revealed (or ``[erased]``)."""
        with store_errors():
            return self.personal.reveal_personal([state])[0]

    def reveal(self, value: T) -> T:
        """Any value read from the store, with every sealed value in it revealed."""
        with store_errors():
            try:
                return self.personal.reveal(value)
            except RecursionError:
                raise InvalidInputError(
                    "The value is nested too deeply, or holds itself.", field="value"
                ) from None


def check_reader(reader: object) -> Reader:
    """``reader`` if it is an ``Actor`` or ``FULL_ACCESS`` (``InvalidInputError`` otherwise)."""
    if not isinstance(reader, Actor | FullAccess):
        raise InvalidInputError("The reader must be an Actor or FULL_ACCESS.", field="reader")
    return reader


def _end_of(day: date | datetime | None) -> datetime:
    if isinstance(day, datetime):
        return day if day.tzinfo is not None else day.replace(tzinfo=UTC)
    if isinstance(day, date):
        return datetime.combine(day, time.max, tzinfo=UTC)
    raise InvalidInputError("known_on must be a date or a date and time.", field="known_on")
