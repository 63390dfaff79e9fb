"""Any record's ``evolve``: the one place that knows which kind of event belongs to which
kind of record (placement, provider, school, student, the log's seals, the policy)."""

from __future__ import annotations

from typing import Any

from senad_ap.domain.base import Event
from senad_ap.domain.placement import PlacementEvent, PlacementState, evolve_placement
from senad_ap.domain.policy import PolicyEvent, PolicyState, evolve_policy
from senad_ap.domain.provider import ProviderEvent, ProviderState, evolve_provider
from senad_ap.domain.school import SchoolEvent, SchoolState, evolve_school
from senad_ap.domain.seal import SealEvent, SealState, evolve_seal
from senad_ap.domain.student import StudentEvent, StudentState, evolve_student

__all__ = ["RecordState", "evolve_record"]

RecordState = PlacementState | ProviderState | SchoolState | StudentState | SealState | PolicyState


def evolve_record(state: Any, event: Event) -> RecordState:
    """The state of ``event``'s record after it (``state`` is the record before it)."""
    if isinstance(event, PlacementEvent):
        return evolve_placement(state, event)
    if isinstance(event, ProviderEvent):
        return evolve_provider(state, event)
    if isinstance(event, SchoolEvent):
        return evolve_school(state, event)
    if isinstance(event, StudentEvent):
        return evolve_student(state, event)
    if isinstance(event, SealEvent):
        return evolve_seal(state, event)
    if isinstance(event, PolicyEvent):
        return evolve_policy(state, event)
    raise TypeError(f"not an event of this library: {type(event).__name__}")
