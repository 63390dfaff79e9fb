"""Facts about a provider that change after it is registered, and the quality-assurance visits
made to it: the events, and how ``decide_provider`` and ``evolve_provider`` handle them.

A fact is never refused because it is inconvenient. A provider whose DfE registration lapses
while a student is taught there is recorded as such; the compliance projection then re-checks
every placement at the provider, so COMM-3 (and STAT-4) findings open at once, and the commands
those rules guard (starting a placement there, a revised plan that uses it) are refused from
then on.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import attrs

from senad_ap.domain.base import EventMaker
from senad_ap.domain.plan import Effectiveness
from senad_ap.domain.provider_commands import (
    RecordProviderAccreditation,
    RecordProviderKind,
    RecordProviderRegistrationLapsed,
    RecordProviderSites,
    RecordProviderStaffing,
    RecordQualityAssuranceVisit,
)
from senad_ap.domain.provider_values import (
    ProviderCommand,
    ProviderEvent,
    ProviderKind,
    QualityAssuranceVisit,
)
from senad_ap.errors import AlreadyRecordedError, PolicyViolationError

if TYPE_CHECKING:  # the state lives in ``domain.provider``, which imports this module
    from senad_ap.domain.provider import ProviderState

__all__ = [
    "FACT_COMMANDS",
    "FACT_EVENTS",
    "ProviderAccreditationChanged",
    "ProviderKindChanged",
    "ProviderQualityAssured",
    "ProviderRegistrationLapsed",
    "ProviderSitesChanged",
    "ProviderStaffingRecorded",
    "decide_fact",
    "evolve_fact",
]


@attrs.frozen(slots=False, kw_only=True)
class ProviderKindChanged(ProviderEvent):
    """The provider is of ``kind`` from ``effective_on``."""

    kind: ProviderKind
    evidence_for = ("LOC-1", "COMM-3", "STAT-4")


@attrs.frozen(slots=False, kw_only=True)
class ProviderAccreditationChanged(ProviderEvent):
    """Whether the provider delivers accredited education, from ``effective_on``."""

    delivers_accredited_education: bool
    evidence_for = ("COMM-3",)


@attrs.frozen(slots=False, kw_only=True)
class ProviderSitesChanged(ProviderEvent):
    """Every site of the provider, from ``effective_on`` (replacing the list)."""

    sites: tuple[str, ...]
    evidence_for = ("LOC-1",)


@attrs.frozen(slots=False, kw_only=True)
class ProviderStaffingRecorded(ProviderEvent):
    """The provider's staffing and staff qualifications, from ``effective_on``."""

    staffing: str
    evidence_for = ("QUAL-3",)


@attrs.frozen(slots=False, kw_only=True)
class ProviderRegistrationLapsed(ProviderEvent):
    """``effective_on`` is the day the DfE registration lapsed (or was withdrawn)."""

    evidence_reference: str
    evidence_for = ("COMM-3", "STAT-4")


@attrs.frozen(slots=False, kw_only=True)
class ProviderQualityAssured(ProviderEvent):
    """``effective_on`` is the day of the quality-assurance visit."""

    effectiveness: Effectiveness
    summary: str
    evidence_for = ("COMM-9", "CONTACT-1")


FACT_COMMANDS = (
    RecordProviderKind,
    RecordProviderAccreditation,
    RecordProviderSites,
    RecordProviderStaffing,
    RecordProviderRegistrationLapsed,
    RecordQualityAssuranceVisit,
)
FACT_EVENTS = (
    ProviderKindChanged,
    ProviderAccreditationChanged,
    ProviderSitesChanged,
    ProviderStaffingRecorded,
    ProviderRegistrationLapsed,
    ProviderQualityAssured,
)


def decide_fact(
    state: ProviderState, command: ProviderCommand, make: EventMaker
) -> tuple[ProviderEvent, ...]:
    """The event for a changed fact or a visit (authority and dates are checked already)."""
    if isinstance(command, RecordProviderKind):
        _check_changed(
            state, state.kind is command.kind, f"recorded as '{command.kind.value}'", "kind"
        )
        return (make(ProviderKindChanged, kind=command.kind),)
    if isinstance(command, RecordProviderAccreditation):
        accredited = command.delivers_accredited_education
        _check_changed(
            state,
            state.delivers_accredited_education is accredited,
            "recorded as delivering accredited education"
            if accredited
            else "recorded as delivering no accredited education",
            "delivers_accredited_education",
        )
        return (make(ProviderAccreditationChanged, delivers_accredited_education=accredited),)
    if isinstance(command, RecordProviderSites):
        return (make(ProviderSitesChanged, sites=command.sites),)
    if isinstance(command, RecordProviderStaffing):
        return (make(ProviderStaffingRecorded, staffing=command.staffing),)
    if isinstance(command, RecordProviderRegistrationLapsed):
        if not state.kind.can_be_registered:
            raise PolicyViolationError(
                "COMM-3",
                f"{state.name} is recorded as '{state.kind.value}', which has no DfE "
                "registration to lapse: record its kind first if that has changed.",
            )
        _check_changed(
            state,
            state.registration_lapsed_on is not None,
            "recorded with a lapsed DfE registration",
            "registration",
        )
        return (make(ProviderRegistrationLapsed, evidence_reference=command.evidence_reference),)
    if isinstance(command, RecordQualityAssuranceVisit):
        return (
            make(
                ProviderQualityAssured,
                effectiveness=command.effectiveness,
                summary=command.summary,
            ),
        )
    raise TypeError(f"not a provider fact: {type(command).__name__}")  # pragma: no cover


def _check_changed(state: ProviderState, same: bool, what: str, field: str) -> None:
    # Nothing changes: recording it again would add a second "change" to the audit trail.
    if same:
        raise AlreadyRecordedError(f"{state.name} ({state.id}) is already {what}.", field=field)


def evolve_fact(state: ProviderState, event: ProviderEvent) -> ProviderState:
    """``state`` (already advanced to the event's version) with the fact applied."""
    on: date = event.effective_on
    if isinstance(event, ProviderKindChanged):
        return attrs.evolve(state, kind=event.kind, kind_since=on)
    if isinstance(event, ProviderAccreditationChanged):
        return attrs.evolve(
            state,
            delivers_accredited_education=event.delivers_accredited_education,
            accreditation_since=on,
        )
    if isinstance(event, ProviderSitesChanged):
        return attrs.evolve(state, sites=event.sites)
    if isinstance(event, ProviderStaffingRecorded):
        return attrs.evolve(state, staffing=event.staffing)
    if isinstance(event, ProviderRegistrationLapsed):
        return attrs.evolve(state, registration_lapsed_on=on)
    if isinstance(event, ProviderQualityAssured):
        visit = QualityAssuranceVisit(on, event.effectiveness, event.summary)
        return attrs.evolve(state, quality_assurance=visit)
    return state
