"""Record findings about the providers of a running placement: their staffing (QUAL-3), risk
assessments (COMM-4), DfE registration (COMM-3; STAT-4 is in ``running``), quality assurance
(COMM-9) and the school's contact with them (CONTACT-1).

A provider's facts may change while a student is taught there (its registration lapses, it
stops being a registered school, it begins to deliver accredited education). Nothing can be
refused then, so the gap is reported from the later of the start and the day the provider's
fact changed; the compliance projection re-checks every placement at a provider when the
provider's record changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from uuid import UUID

from senad_ap.domain.compliance.dates import _ONE_DAY, _ran_on
from senad_ap.domain.compliance.finding import Finding, _day
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.provider import ProviderState, RiskAssessment, RiskOutcome
from senad_ap.domain.values import PolicyParameters

__all__ = ["provider_gaps"]


def provider_gaps(
    state: PlacementState,
    started: date,
    providers: Mapping[UUID, ProviderState],
    policy: PolicyParameters,
) -> Iterator[Finding]:
    for provider_id in sorted(state.provider_ids, key=str):
        provider = providers.get(provider_id)
        if provider is None:
            continue
        key = str(provider_id)
        if provider.staffing is None:
            yield Finding(
                "QUAL-3",
                state.id,
                started,
                f"{provider.name} has no staffing or staff qualifications on the record.",
                key=key,
            )
        if provider.kind.needs_risk_assessment:
            yield from _risk_gap(state, started, provider)
        if not provider.kind.is_outside:
            continue
        yield from _registration_gaps(state, started, provider, policy)
        yield from _monitoring_gaps(state, started, provider, policy)


def _is_satisfactory(assessment: RiskAssessment) -> bool:
    return (
        assessment.outcome is RiskOutcome.SATISFACTORY
        and assessment.safeguarding_policies_seen
        and assessment.staff_checks_confirmed_in_writing
    )


def _risk_gap(state: PlacementState, started: date, provider: ProviderState) -> Iterator[Finding]:
    # COMM-4: every setting away from the school's own site, the allied children's home too.
    assessment = provider.risk_assessment
    if assessment is None:
        since, what = started, "has never been risk assessed"
    elif not _is_satisfactory(assessment):
        since = max(assessment.assessed_on, started)
        what = (
            f"was risk assessed on {_day(assessment.assessed_on)} without showing it is "
            "safe, with safeguarding policies seen and staff checks confirmed in writing"
        )
    else:
        since = assessment.valid_until + _ONE_DAY
        what = (
            "has no risk assessment on the record after the one valid until "
            f"{_day(assessment.valid_until)}"
        )
    if _ran_on(state, since):
        yield Finding(
            "COMM-4",
            state.id,
            since,
            f"{provider.name} {what}; the student is taught there.",
            key=str(provider.id),
        )


def _registration_gaps(
    state: PlacementState, started: date, provider: ProviderState, policy: PolicyParameters
) -> Iterator[Finding]:
    # COMM-3: accredited education only at a setting whose DfE registration the record shows
    # (checked at the start; a lapse or a change of kind or accreditation afterwards).
    registered = provider.kind.can_be_registered and provider.registration_confirmed
    if provider.delivers_accredited_education and not registered:
        changed = [
            day
            for day in (
                provider.registration_lapsed_on,
                provider.kind_since,
                provider.accreditation_since,
            )
            if day is not None
        ]
        since = max([started, *changed])
        why = (
            f"its DfE registration lapsed on {_day(provider.registration_lapsed_on)}"
            if provider.registration_lapsed_on is not None
            else f"it is recorded as '{provider.kind.value}' with no DfE registration confirmed"
        )
        if _ran_on(state, since):
            yield Finding(
                "COMM-3",
                state.id,
                since,
                f"{provider.name} delivers accredited education to the student, but {why}; "
                "confirm its registration, or move the student.",
                key=str(provider.id),
            )


def _monitoring_gaps(
    state: PlacementState, started: date, provider: ProviderState, policy: PolicyParameters
) -> Iterator[Finding]:
    # COMM-9: the provision is regularly monitored, its effectiveness too: a quality-assurance
    # visit to the provider at least every ``longest_quality_assurance_interval_weeks``.
    visit = provider.quality_assurance
    weeks = policy.longest_quality_assurance_interval_weeks
    last = None if visit is None else visit.visited_on
    due = max(started, last or started) + timedelta(weeks=weeks)
    if _ran_on(state, due + _ONE_DAY):
        since_what = f"the last on {_day(last)}" if last else "none is on the record"
        yield Finding(
            "COMM-9",
            state.id,
            due + _ONE_DAY,
            f"{provider.name} was due a quality-assurance visit by {_day(due)} (at least "
            f"every {weeks} weeks while the student is taught there; {since_what}).",
            key=f"monitoring {provider.id}",
        )
    # CONTACT-1: on-going contact with the provision, at least every
    # ``longest_contact_interval_weeks``.
    contacted = state.provider_contacts.get(provider.id)
    weeks = policy.longest_contact_interval_weeks
    due = max(started, contacted or started) + timedelta(weeks=weeks)
    if _ran_on(state, due + _ONE_DAY):
        after = (
            f"the last on {_day(contacted)}"
            if contacted is not None
            else f"none since the start on {_day(started)}"
        )
        yield Finding(
            "CONTACT-1",
            state.id,
            due + _ONE_DAY,
            f"No contact with {provider.name} is recorded by {_day(due)} (at least every "
            f"{weeks} weeks; {after}).",
            key=f"contact with {provider.id}",
        )
