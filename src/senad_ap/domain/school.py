"""The school: who holds the Head Teacher's authority by delegation, and which inspectors may read.

COMM-1 puts responsibility for alternative provision with the Head Teacher / Head of Service;
PLAN-3 lets them delegate the plan. A delegation counts only when it is on the record, so the
school is an aggregate of its own with these decisions as events.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
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
from senad_ap.domain.validation import checked, non_empty_text
from senad_ap.domain.values import Actor, Context, Role, mapping_field
from senad_ap.errors import NotAuthorisedError

__all__ = [
    "AppointDelegate",
    "DelegateAppointed",
    "DelegationRevoked",
    "GrantInspectorAccess",
    "InspectorAccessGranted",
    "InspectorAccessRevoked",
    "RevokeDelegation",
    "RevokeInspectorAccess",
    "SchoolCommand",
    "SchoolEvent",
    "SchoolState",
    "decide_school",
    "evolve_school",
    "school_aggregate_id",
]

_SCHOOLS = UUID("6d1f1c0e-8a53-4d3c-9a8e-3a4f1f0b5a11")


def school_aggregate_id(school_id: str) -> UUID:
    """The school's aggregate id is derived from its id, so it needs no lookup table."""
    return uuid5(_SCHOOLS, school_id)


@attrs.frozen(slots=False, kw_only=True)
class SchoolEvent(Event):
    school_id: str


@attrs.frozen(slots=False, kw_only=True)
class DelegateAppointed(SchoolEvent):
    delegate_id: str
    evidence_for = ("COMM-1", "PLAN-3")


@attrs.frozen(slots=False, kw_only=True)
class DelegationRevoked(SchoolEvent):
    delegate_id: str


@attrs.frozen(slots=False, kw_only=True)
class InspectorAccessGranted(SchoolEvent):
    inspector_id: str
    until: date


@attrs.frozen(slots=False, kw_only=True)
class InspectorAccessRevoked(SchoolEvent):
    inspector_id: str


@attrs.frozen
class SchoolState:
    id: UUID
    version: int
    school_id: str
    delegates: frozenset[str] = frozenset()
    inspectors: Mapping[str, date] = mapping_field()
    idempotency: Mapping[str, IdempotencyRecord] = mapping_field()

    def inspector_may_read(self, actor: Actor, today: date) -> bool:
        until = self.inspectors.get(actor.id)
        return actor.role is Role.INSPECTOR and until is not None and today <= until


@attrs.frozen(kw_only=True)
class SchoolCommand(Command):
    pass


@attrs.frozen(kw_only=True)
class AppointDelegate(SchoolCommand):
    delegate_id: str = attrs.field(validator=non_empty_text("delegate id", 200))


@attrs.frozen(kw_only=True)
class RevokeDelegation(SchoolCommand):
    delegate_id: str = attrs.field(validator=non_empty_text("delegate id", 200))


@attrs.frozen(kw_only=True)
class GrantInspectorAccess(SchoolCommand):
    inspector_id: str = attrs.field(validator=non_empty_text("inspector id", 200))
    until: date = attrs.field(validator=checked("access end date", date))


@attrs.frozen(kw_only=True)
class RevokeInspectorAccess(SchoolCommand):
    inspector_id: str = attrs.field(validator=non_empty_text("inspector id", 200))


def decide_school(
    state: SchoolState | None, command: SchoolCommand, context: Context
) -> tuple[SchoolEvent, ...]:
    actor = command.actor
    # COMM-1: only the Head Teacher / Head of Service appoints delegates and lets inspectors in.
    if actor.role is not Role.HEAD_TEACHER:
        raise NotAuthorisedError(
            "Only the Head Teacher / Head of Service can appoint delegates or grant inspectors "
            "access.",
            actor_id=actor.id,
            rule_id="COMM-1",
        )
    check_effective_on(command.effective_on, context)
    school_id = actor.school_id
    event = EventMaker(
        school_aggregate_id(school_id), 0 if state is None else state.version, command, context
    )
    if isinstance(command, AppointDelegate):
        return (event(DelegateAppointed, school_id=school_id, delegate_id=command.delegate_id),)
    if isinstance(command, RevokeDelegation):
        return (event(DelegationRevoked, school_id=school_id, delegate_id=command.delegate_id),)
    if isinstance(command, GrantInspectorAccess):
        return (
            event(
                InspectorAccessGranted,
                school_id=school_id,
                inspector_id=command.inspector_id,
                until=command.until,
            ),
        )
    if isinstance(command, RevokeInspectorAccess):
        return (
            event(InspectorAccessRevoked, school_id=school_id, inspector_id=command.inspector_id),
        )
    raise TypeError(f"not a school command: {type(command).__name__}")  # pragma: no cover


def evolve_school(state: SchoolState | None, event: SchoolEvent) -> SchoolState:
    if state is None:
        state = SchoolState(id=event.originator_id, version=0, school_id=event.school_id)
    state = advance(state, event)
    if isinstance(event, DelegateAppointed):
        return attrs.evolve(state, delegates=state.delegates | {event.delegate_id})
    if isinstance(event, DelegationRevoked):
        return attrs.evolve(state, delegates=state.delegates - {event.delegate_id})
    if isinstance(event, InspectorAccessGranted):
        return attrs.evolve(state, inspectors={**state.inspectors, event.inspector_id: event.until})
    if isinstance(event, InspectorAccessRevoked):
        inspectors = {k: v for k, v in state.inspectors.items() if k != event.inspector_id}
        return attrs.evolve(state, inspectors=inspectors)
    return state
