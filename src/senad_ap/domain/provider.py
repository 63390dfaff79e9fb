"""The provider: a setting outside the school's own classes where a student is taught.

Before a student starts at an outside provider the record must show that it is registered with
the DfE where it delivers accredited education (COMM-3), and that it has been risk assessed as
safe, with safeguarding policies seen and staff checks confirmed in writing (COMM-4). The
allied children's home is a provider record of its own kind: not an outside delivery party,
but risk assessed all the same (COMM-4).

The facts about a provider may change later (its kind, accreditation, sites, staffing, its DfE
registration lapsing or confirmed again) and it may be visited for quality assurance: those
events live in ``domain.provider_facts``, its vocabulary in ``domain.provider_values`` and its
commands in ``domain.provider_commands``; this module keeps the events it began with (their
module is part of their stored topic), the state, and ``decide`` and ``evolve``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

import attrs

from senad_ap.domain.authority import Authority, check_authority
from senad_ap.domain.base import EventMaker, IdempotencyRecord, advance, check_effective_on
from senad_ap.domain.provider_commands import (
    AssessProviderRisk,
    ConfirmProviderRegistration,
    RecordProviderAccreditation,
    RecordProviderKind,
    RecordProviderRegistrationLapsed,
    RecordProviderSites,
    RecordProviderStaffing,
    RecordQualityAssuranceVisit,
    RegisterProvider,
)
from senad_ap.domain.provider_facts import (
    FACT_COMMANDS,
    FACT_EVENTS,
    ProviderAccreditationChanged,
    ProviderKindChanged,
    ProviderQualityAssured,
    ProviderRegistrationLapsed,
    ProviderSitesChanged,
    ProviderStaffingRecorded,
    decide_fact,
    evolve_fact,
)
from senad_ap.domain.provider_values import (
    MAX_RISK_ASSESSMENT_VALIDITY,
    ProviderCommand,
    ProviderEvent,
    ProviderKind,
    QualityAssuranceVisit,
    RiskAssessment,
    RiskOutcome,
)
from senad_ap.domain.school import SchoolState
from senad_ap.domain.values import Context, mapping_field
from senad_ap.errors import InvalidInputError, NotFoundError, PolicyViolationError

__all__ = [
    "MAX_RISK_ASSESSMENT_VALIDITY",
    "AssessProviderRisk",
    "ConfirmProviderRegistration",
    "FullTimePupilAdmitted",
    "FullTimePupilLeft",
    "ProviderAccreditationChanged",
    "ProviderCommand",
    "ProviderEvent",
    "ProviderKind",
    "ProviderKindChanged",
    "ProviderQualityAssured",
    "ProviderRegistered",
    "ProviderRegistrationConfirmed",
    "ProviderRegistrationLapsed",
    "ProviderRiskAssessed",
    "ProviderSitesChanged",
    "ProviderStaffingRecorded",
    "ProviderState",
    "QualityAssuranceVisit",
    "RecordProviderAccreditation",
    "RecordProviderKind",
    "RecordProviderRegistrationLapsed",
    "RecordProviderSites",
    "RecordProviderStaffing",
    "RecordQualityAssuranceVisit",
    "RegisterProvider",
    "RiskAssessment",
    "RiskOutcome",
    "decide_provider",
    "evolve_provider",
]


@attrs.frozen(slots=False, kw_only=True)
class ProviderRegistered(ProviderEvent):
    """A provider was added: its name, kind, accredited education, sites and staffing."""

    name: str
    kind: ProviderKind
    delivers_accredited_education: bool
    sites: tuple[str, ...]
    #: Staffing and qualifications the provider offers (QUAL-3), where recorded.
    staffing: str | None = None
    evidence_for = ("LOC-1", "QUAL-3")


@attrs.frozen(slots=False, kw_only=True)
class ProviderRegistrationConfirmed(ProviderEvent):
    """``effective_on`` is the day the DfE register was checked."""

    urn: str
    evidence_reference: str
    evidence_for = ("COMM-3",)


@attrs.frozen(slots=False, kw_only=True)
class ProviderRiskAssessed(ProviderEvent):
    """``effective_on`` is the day of the assessment."""

    outcome: RiskOutcome
    safeguarding_policies_seen: bool
    staff_checks_confirmed_in_writing: bool
    valid_until: date
    evidence_for = ("COMM-4",)


@attrs.frozen(slots=False, kw_only=True)
class FullTimePupilAdmitted(ProviderEvent):
    """A placement started (or was revised) to take full-time education here (STAT-4).

    Recorded only for unregistered providers, in the same transaction as the placement's
    decision, so the number of full-time pupils there can be counted from the record.
    """

    placement_id: UUID
    evidence_for = ("STAT-4",)


@attrs.frozen(slots=False, kw_only=True)
class FullTimePupilLeft(ProviderEvent):
    """A placement that took full-time education here ended or moved (STAT-4)."""

    placement_id: UUID
    evidence_for = ("STAT-4",)


@attrs.frozen
class ProviderState:
    id: UUID
    version: int
    name: str
    kind: ProviderKind
    delivers_accredited_education: bool
    sites: tuple[str, ...]
    registered_by_school: str
    staffing: str | None = None
    urn: str | None = None
    registration_checked_on: date | None = None
    risk_assessment: RiskAssessment | None = None
    full_time_pupils: frozenset[UUID] = frozenset()
    idempotency: Mapping[str, IdempotencyRecord] = mapping_field()
    #: The chain hash of the record's latest event (tamper evidence).
    chain_hash: str | None = None
    #: The day the provider was first recorded, and the days its kind and its accreditation
    #: took the values they have (COMM-3 and STAT-4 findings date from them).
    registered_on: date | None = None
    kind_since: date | None = None
    accreditation_since: date | None = None
    #: The day its DfE registration lapsed, until it is confirmed again (COMM-3, STAT-4).
    registration_lapsed_on: date | None = None
    #: The latest quality-assurance visit (COMM-9).
    quality_assurance: QualityAssuranceVisit | None = None

    @property
    def registration_confirmed(self) -> bool:
        """The record shows a DfE registration confirmed and not lapsed since (COMM-3)."""
        return self.urn is not None and self.registration_lapsed_on is None

    @property
    def is_unregistered(self) -> bool:
        """Not a registered school for STAT-4: recorded as unregistered, or its registration
        lapsed (the record can no longer show it is registered)."""
        return self.kind is ProviderKind.UNREGISTERED or self.registration_lapsed_on is not None

    @property
    def unregistered_since(self) -> date | None:
        """The first day the provider has been unregistered without a break (STAT-4)."""
        days = [self.registration_lapsed_on]
        if self.kind is ProviderKind.UNREGISTERED:
            days.append(self.kind_since or self.registered_on)
        known = [day for day in days if day is not None]
        return min(known) if known else None


def decide_provider(
    state: ProviderState | None,
    command: ProviderCommand,
    context: Context,
    school: SchoolState | None,
) -> tuple[ProviderEvent, ...]:
    actor = command.actor
    # COMM-1: records about the settings used are the Head Teacher's responsibility.
    check_authority(
        actor,
        Authority.HEAD_OR_DELEGATE,
        school_id=actor.school_id,
        school=school,
        action="record facts about a provider, its registration, risk or quality assurance",
    )
    check_effective_on(command, context)
    if isinstance(command, RegisterProvider):
        if state is not None:
            raise InvalidInputError("A provider with this id is already registered.")
        make = EventMaker(command.provider_id, 0, command, context)
        return (
            make(
                ProviderRegistered,
                name=command.name,
                kind=command.kind,
                delivers_accredited_education=command.delivers_accredited_education,
                sites=command.sites,
                staffing=command.staffing,
            ),
        )
    if state is None:
        raise NotFoundError(
            f"No provider {getattr(command, 'provider_id', '')} is registered.",
            kind="provider",
            id=getattr(command, "provider_id", ""),
        )
    make = EventMaker(state.id, state.version, command, context)
    if isinstance(command, FACT_COMMANDS):
        return decide_fact(state, command, make)
    if isinstance(command, ConfirmProviderRegistration):
        if not state.kind.can_be_registered:
            raise PolicyViolationError(
                "COMM-3",
                f"{state.name} is recorded as '{state.kind.value}', which has no DfE "
                "registration to confirm: only an FE college, a school or a registered "
                "independent provider is registered with the DfE.",
            )
        return (
            make(
                ProviderRegistrationConfirmed,
                urn=command.urn,
                evidence_reference=command.evidence_reference,
            ),
        )
    if isinstance(command, AssessProviderRisk):
        return (
            make(
                ProviderRiskAssessed,
                outcome=command.outcome,
                safeguarding_policies_seen=command.safeguarding_policies_seen,
                staff_checks_confirmed_in_writing=command.staff_checks_confirmed_in_writing,
                valid_until=command.valid_until,
            ),
        )
    raise TypeError(f"not a provider command: {type(command).__name__}")  # pragma: no cover


def evolve_provider(state: ProviderState | None, event: ProviderEvent) -> ProviderState:
    if isinstance(event, ProviderRegistered):
        state = ProviderState(
            id=event.originator_id,
            version=0,
            name=event.name,
            kind=event.kind,
            delivers_accredited_education=event.delivers_accredited_education,
            sites=event.sites,
            registered_by_school=event.actor.school_id,
            staffing=event.staffing,
            registered_on=event.effective_on,
        )
        return advance(state, event)
    if state is None:
        raise LookupError("a provider's history must begin with ProviderRegistered")
    state = advance(state, event)
    if isinstance(event, FACT_EVENTS):
        return evolve_fact(state, event)
    if isinstance(event, ProviderRegistrationConfirmed):
        # A confirmation after a lapse shows the provider registered again.
        return attrs.evolve(
            state,
            urn=event.urn,
            registration_checked_on=event.effective_on,
            registration_lapsed_on=None,
        )
    if isinstance(event, ProviderRiskAssessed):
        assessment = RiskAssessment(
            outcome=event.outcome,
            safeguarding_policies_seen=event.safeguarding_policies_seen,
            staff_checks_confirmed_in_writing=event.staff_checks_confirmed_in_writing,
            assessed_on=event.effective_on,
            valid_until=event.valid_until,
        )
        return attrs.evolve(state, risk_assessment=assessment)
    if isinstance(event, FullTimePupilAdmitted):
        return attrs.evolve(state, full_time_pupils=state.full_time_pupils | {event.placement_id})
    if isinstance(event, FullTimePupilLeft):
        return attrs.evolve(state, full_time_pupils=state.full_time_pupils - {event.placement_id})
    return state
