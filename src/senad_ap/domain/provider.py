"""The provider: a setting outside the school's own classes where a student is taught.

Before a student starts at an outside provider the record must show that it is registered with
the DfE where it delivers accredited education (COMM-3), and that it has been risk assessed as
safe, with safeguarding policies seen and staff checks confirmed in writing (COMM-4).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import cast
from uuid import UUID

import attrs

from senad_ap.domain.authority import Authority, check_authority
from senad_ap.domain.base import (
    Command,
    Event,
    EventMaker,
    IdempotencyRecord,
    advance,
    check_effective_on,
)
from senad_ap.domain.school import SchoolState
from senad_ap.domain.validation import checked, enum_text, items_of, non_empty_text, optional_text
from senad_ap.domain.values import Context, mapping_field
from senad_ap.errors import InvalidInputError, NotFoundError, PolicyViolationError

__all__ = [
    "AssessProviderRisk",
    "ConfirmProviderRegistration",
    "FullTimePupilAdmitted",
    "FullTimePupilLeft",
    "ProviderCommand",
    "ProviderEvent",
    "ProviderKind",
    "ProviderRegistered",
    "ProviderRegistrationConfirmed",
    "ProviderRiskAssessed",
    "ProviderState",
    "RegisterProvider",
    "RiskAssessment",
    "RiskOutcome",
    "decide_provider",
    "evolve_provider",
]

#: The longest a risk assessment may be relied on; the school group reviews settings yearly.
MAX_RISK_ASSESSMENT_VALIDITY = timedelta(days=366)
_URN = re.compile(r"^[0-9]{6,8}$")


class ProviderKind(enum.Enum):
    SCHOOL_ITSELF = "the school itself"
    FE_COLLEGE = "further education college"
    SCHOOL = "school"
    REGISTERED_INDEPENDENT = "registered independent provider"
    UNREGISTERED = "unregistered provider"

    @property
    def can_be_registered(self) -> bool:
        """The kinds COMM-3 accepts for accredited education, with a DfE number to check."""
        return self in (
            ProviderKind.FE_COLLEGE,
            ProviderKind.SCHOOL,
            ProviderKind.REGISTERED_INDEPENDENT,
        )

    @property
    def is_outside(self) -> bool:
        """An outside delivery party (INFO-2): anyone but the school itself."""
        return self is not ProviderKind.SCHOOL_ITSELF


class RiskOutcome(enum.Enum):
    SATISFACTORY = "safe for the student to learn"
    UNSATISFACTORY = "not safe"


@attrs.frozen(slots=False, kw_only=True)
class ProviderEvent(Event):
    pass


@attrs.frozen(slots=False, kw_only=True)
class ProviderRegistered(ProviderEvent):
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
class RiskAssessment:
    outcome: RiskOutcome
    safeguarding_policies_seen: bool
    staff_checks_confirmed_in_writing: bool
    assessed_on: date
    valid_until: date

    def shows_safe_on(self, day: date) -> bool:
        return (
            self.outcome is RiskOutcome.SATISFACTORY
            and self.safeguarding_policies_seen
            and self.staff_checks_confirmed_in_writing
            and self.assessed_on <= day <= self.valid_until
        )


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

    @property
    def registration_confirmed(self) -> bool:
        return self.urn is not None


@attrs.frozen(kw_only=True)
class ProviderCommand(Command):
    pass


# Enumerated values may be given as the member or as its text (``"AM"``, ``"parents"``):
# named converters, so that type checkers see the text accepted too.


_PROVIDER_KIND_TEXT = enum_text(ProviderKind)


def _as_provider_kind(value: ProviderKind | str) -> ProviderKind:
    return cast(ProviderKind, _PROVIDER_KIND_TEXT(value))


_RISK_OUTCOME_TEXT = enum_text(RiskOutcome)


def _as_risk_outcome(value: RiskOutcome | str) -> RiskOutcome:
    return cast(RiskOutcome, _RISK_OUTCOME_TEXT(value))


@attrs.frozen(kw_only=True)
class RegisterProvider(ProviderCommand):
    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    name: str = attrs.field(validator=non_empty_text("provider name", 200))
    kind: ProviderKind = attrs.field(
        converter=_as_provider_kind, validator=checked("provider kind", ProviderKind)
    )
    delivers_accredited_education: bool = attrs.field(
        validator=checked("delivers accredited education", bool)
    )
    sites: tuple[str, ...] = attrs.field(default=(), validator=items_of("sites", str, max_items=50))
    staffing: str | None = attrs.field(
        default=None, validator=optional_text("staffing and qualifications")
    )


@attrs.frozen(kw_only=True)
class ConfirmProviderRegistration(ProviderCommand):
    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    urn: str = attrs.field(validator=non_empty_text("DfE number (URN or UKPRN)", 8))
    evidence_reference: str = attrs.field(validator=non_empty_text("evidence reference", 200))

    def __attrs_post_init__(self) -> None:
        if not _URN.fullmatch(self.urn):
            raise InvalidInputError(
                f"A DfE URN has 6 digits (a UKPRN 8); {self.urn!r} is neither.", field="urn"
            )


@attrs.frozen(kw_only=True)
class AssessProviderRisk(ProviderCommand):
    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    outcome: RiskOutcome = attrs.field(
        converter=_as_risk_outcome, validator=checked("risk assessment outcome", RiskOutcome)
    )
    safeguarding_policies_seen: bool = attrs.field(
        validator=checked("safeguarding policies seen", bool)
    )
    staff_checks_confirmed_in_writing: bool = attrs.field(
        validator=checked("staff checks confirmed in writing", bool)
    )
    valid_until: date = attrs.field(validator=checked("valid until", date))

    def __attrs_post_init__(self) -> None:
        if (
            not self.effective_on
            < self.valid_until
            <= (self.effective_on + MAX_RISK_ASSESSMENT_VALIDITY)
        ):
            raise InvalidInputError(
                "A risk assessment must be valid after the day it was made, for at most a year.",
                field="valid_until",
            )


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
        action="record provider registration or risk assessment",
    )
    check_effective_on(command.effective_on, context)
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
        )
        return advance(state, event)
    if state is None:
        raise LookupError("a provider's history must begin with ProviderRegistered")
    state = advance(state, event)
    if isinstance(event, ProviderRegistrationConfirmed):
        return attrs.evolve(state, urn=event.urn, registration_checked_on=event.effective_on)
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
