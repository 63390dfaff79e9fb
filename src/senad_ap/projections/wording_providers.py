"""The wording of the providers' decisions, and of contacts with providers, for the audit
trail (registered with ``wording._words``; see ``senad_ap.projections.wording``)."""

from __future__ import annotations

from senad_ap.domain.placement import ProviderContacted
from senad_ap.domain.provider import (
    FullTimePupilAdmitted,
    FullTimePupilLeft,
    ProviderAccreditationChanged,
    ProviderKindChanged,
    ProviderQualityAssured,
    ProviderRegistered,
    ProviderRegistrationConfirmed,
    ProviderRegistrationLapsed,
    ProviderRiskAssessed,
    ProviderSitesChanged,
    ProviderStaffingRecorded,
)
from senad_ap.projections.wording import _note, _quoted, _texts, _words, _yes

__all__: list[str] = []


@_words(ProviderRegistered)
def _provider_registered(event: ProviderRegistered) -> str:
    staffing = "" if event.staffing is None else f"; staffing: {_quoted(event.staffing)}"
    return (
        f"Provider registered: {_quoted(event.name)} ({event.kind.value}); delivers accredited "
        f"education: {_yes(event.delivers_accredited_education)}; "
        f"sites: {_texts(event.sites, 'none recorded')}{staffing}."
    )


@_words(ProviderRegistrationConfirmed)
def _registration_confirmed(event: ProviderRegistrationConfirmed) -> str:
    return (
        f"Provider's DfE registration confirmed on {event.effective_on.isoformat()}: "
        f"registration number {event.urn} (evidence: {_quoted(event.evidence_reference)})."
    )


@_words(ProviderRiskAssessed)
def _risk_assessed(event: ProviderRiskAssessed) -> str:
    return (
        f"Provider risk assessed on {event.effective_on.isoformat()}: {event.outcome.value}; "
        f"safeguarding policies seen: {_yes(event.safeguarding_policies_seen)}; "
        "staff checks confirmed in writing: "
        f"{_yes(event.staff_checks_confirmed_in_writing)}; "
        f"valid until {event.valid_until.isoformat()}."
    )


@_words(FullTimePupilAdmitted)
def _pupil_admitted(event: FullTimePupilAdmitted) -> str:
    return f"Full-time pupil admitted to this provider: placement {event.placement_id}."


@_words(FullTimePupilLeft)
def _pupil_left(event: FullTimePupilLeft) -> str:
    return f"Full-time pupil left this provider: placement {event.placement_id}."


@_words(ProviderKindChanged)
def _kind_changed(event: ProviderKindChanged) -> str:
    return f"Provider's kind recorded from {event.effective_on.isoformat()}: {event.kind.value}."


@_words(ProviderAccreditationChanged)
def _accreditation_changed(event: ProviderAccreditationChanged) -> str:
    return (
        f"Provider's accreditation recorded from {event.effective_on.isoformat()}: delivers "
        f"accredited education: {_yes(event.delivers_accredited_education)}."
    )


@_words(ProviderSitesChanged)
def _sites_changed(event: ProviderSitesChanged) -> str:
    return (
        f"Provider's sites recorded from {event.effective_on.isoformat()}: "
        f"{_texts(event.sites, 'none')}."
    )


@_words(ProviderStaffingRecorded)
def _staffing_recorded(event: ProviderStaffingRecorded) -> str:
    return (
        f"Provider's staffing recorded from {event.effective_on.isoformat()}: "
        f"{_quoted(event.staffing)}."
    )


@_words(ProviderRegistrationLapsed)
def _registration_lapsed(event: ProviderRegistrationLapsed) -> str:
    return (
        f"Provider's DfE registration lapsed on {event.effective_on.isoformat()} "
        f"(evidence: {_quoted(event.evidence_reference)})."
    )


@_words(ProviderQualityAssured)
def _quality_assured(event: ProviderQualityAssured) -> str:
    return (
        f"Quality-assurance visit to the provider on {event.effective_on.isoformat()}: "
        f"{event.effectiveness.value}; summary: {_quoted(event.summary)}."
    )


@_words(ProviderContacted)
def _contacted(event: ProviderContacted) -> str:
    return (
        f"Contact with provider {event.provider_id} on {event.effective_on.isoformat()} by "
        f"{event.method.value}, with {_quoted(event.contact_with)}{_note(event.note)}."
    )
