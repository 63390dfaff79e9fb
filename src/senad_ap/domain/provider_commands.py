"""The commands on a provider's record: its registration, the facts about it that change
later, the checks made of it (COMM-3, COMM-4, COMM-9, QUAL-3, LOC-1, STAT-4).

Each command checks its own input (``InvalidInputError`` naming the field); the rules that
depend on the record are checked when it is decided (``domain.provider.decide_provider``).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import attrs

from senad_ap.domain.plan import Effectiveness
from senad_ap.domain.provider_values import (
    MAX_RISK_ASSESSMENT_VALIDITY,
    ProviderCommand,
    ProviderKind,
    RiskOutcome,
    as_effectiveness,
    as_provider_kind,
    as_risk_outcome,
    check_dfe_number,
)
from senad_ap.domain.validation import checked, items_of, non_empty_text, optional_text
from senad_ap.errors import InvalidInputError

__all__ = [
    "AssessProviderRisk",
    "ConfirmProviderRegistration",
    "RecordProviderAccreditation",
    "RecordProviderKind",
    "RecordProviderRegistrationLapsed",
    "RecordProviderSites",
    "RecordProviderStaffing",
    "RecordQualityAssuranceVisit",
    "RegisterProvider",
]


@attrs.frozen(kw_only=True)
class RegisterProvider(ProviderCommand):
    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    name: str = attrs.field(validator=non_empty_text("provider name", 200))
    kind: ProviderKind = attrs.field(
        converter=as_provider_kind, validator=checked("provider kind", ProviderKind)
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
    """The DfE register was checked on ``effective_on`` and shows the provider (COMM-3); sent
    again, it re-confirms the registration (after a lapse too)."""

    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    urn: str = attrs.field(validator=non_empty_text("DfE number (URN or UKPRN)", 8))
    evidence_reference: str = attrs.field(validator=non_empty_text("evidence reference", 200))

    def __attrs_post_init__(self) -> None:
        check_dfe_number(self.urn)


@attrs.frozen(kw_only=True)
class AssessProviderRisk(ProviderCommand):
    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    outcome: RiskOutcome = attrs.field(
        converter=as_risk_outcome, validator=checked("risk assessment outcome", RiskOutcome)
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


@attrs.frozen(kw_only=True)
class RecordProviderKind(ProviderCommand):
    """The provider is now of another kind from ``effective_on`` (an unregistered setting
    registered as an independent school, a school that closed its sixth form to become a
    training provider …) (COMM-3, STAT-4)."""

    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    kind: ProviderKind = attrs.field(
        converter=as_provider_kind, validator=checked("provider kind", ProviderKind)
    )


@attrs.frozen(kw_only=True)
class RecordProviderAccreditation(ProviderCommand):
    """Whether the provider delivers accredited education, from ``effective_on`` (COMM-3)."""

    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    delivers_accredited_education: bool = attrs.field(
        validator=checked("delivers accredited education", bool)
    )


@attrs.frozen(kw_only=True)
class RecordProviderSites(ProviderCommand):
    """The provider's sites from ``effective_on``, all of them (LOC-1)."""

    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    sites: tuple[str, ...] = attrs.field(
        validator=items_of("sites", str, min_items=1, max_items=50)
    )


@attrs.frozen(kw_only=True)
class RecordProviderStaffing(ProviderCommand):
    """The provider's staffing and staff qualifications from ``effective_on`` (QUAL-3)."""

    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    staffing: str = attrs.field(validator=non_empty_text("staffing and qualifications"))


@attrs.frozen(kw_only=True)
class RecordProviderRegistrationLapsed(ProviderCommand):
    """The provider's DfE registration lapsed (or was withdrawn) on ``effective_on``: from then
    on COMM-3 and STAT-4 no longer count it as registered, until it is confirmed again."""

    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    evidence_reference: str = attrs.field(validator=non_empty_text("evidence reference", 200))


@attrs.frozen(kw_only=True)
class RecordQualityAssuranceVisit(ProviderCommand):
    """A quality-assurance visit to the provider on ``effective_on`` (COMM-9): how effective
    the provision was found, and a summary. The summary is about the provider, not a
    student: it is not sealed, so write no student's personal data in it."""

    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    effectiveness: Effectiveness = attrs.field(
        converter=as_effectiveness, validator=checked("effectiveness", Effectiveness)
    )
    summary: str = attrs.field(validator=non_empty_text("summary of the visit", 4000))
