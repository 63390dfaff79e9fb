"""Record findings while the placement runs: the medical exemption's review (STAT-6),
information sharing (INFO-1, INFO-3), progress reviews (AIM-3, COMM-5, QUAL-1), the
providers' staffing and risk assessments (QUAL-3, COMM-4) and full-time education at an
unregistered setting once a fact makes it unlawful (STAT-4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from uuid import UUID

from senad_ap.domain.compliance.dates import _ONE_DAY, _due, _plan_date, _ran_on, _review_interval
from senad_ap.domain.compliance.finding import Finding, _day, _names
from senad_ap.domain.placement.events import InformationParty, InformationScope
from senad_ap.domain.placement.registration import (
    protected,
    protected_since,
    unregistered_full_time,
)
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.provider import ProviderState, RiskAssessment, RiskOutcome
from senad_ap.domain.values import PolicyParameters

# --------------------------------------------------------------------------- while it runs


def _running_gaps(
    state: PlacementState, providers: Mapping[UUID, ProviderState], policy: PolicyParameters
) -> Iterator[Finding]:
    yield from _medical_review_gap(state, policy)
    started = state.started_on
    if started is None:
        return
    yield from _information_gaps(state, started)
    yield from _monitoring_gaps(state, started, policy)
    yield from _provider_gaps(state, started, providers)
    yield from _registration_gaps(state, started, providers, policy)


def _registration_gaps(
    state: PlacementState,
    started: date,
    providers: Mapping[UUID, ProviderState],
    policy: PolicyParameters,
) -> Iterator[Finding]:
    """STAT-4 (a ``must``: a guard on the plan and the start, a finding afterwards): a fact
    recorded under a running placement (an EHC plan issued, looked after, of compulsory
    school age) while the plan gives full-time education at an unregistered setting."""
    plan = state.plan
    if plan is None:
        return
    since = protected_since(state, plan, _plan_date(state))
    if since is None:
        return
    since = max(since, started)
    if not _ran_on(state, since):
        return
    for provider in unregistered_full_time(plan, providers, policy):
        yield Finding(
            "STAT-4",
            state.id,
            since,
            f"From {_day(since)} the student {protected(state, plan)}, and the plan gives "
            f"{plan.hours_at(provider.id)} hours a week at {provider.name}, which is not a "
            "registered school: full-time education there "
            f"({policy.registration_full_time_hours} hours a week or more) is unlawful. "
            "Revise the plan, or record the setting's registration.",
            key=str(provider.id),
        )


def _medical_review_gap(state: PlacementState, policy: PolicyParameters) -> Iterator[Finding]:
    exemption, plan = state.medical_exemption, state.plan
    if exemption is None or plan is None or plan.weekly_hours >= policy.full_time_hours:
        return
    since = exemption.review_on + _ONE_DAY
    if _ran_on(state, since):
        yield Finding(
            "STAT-6",
            state.id,
            since,
            f"The medical exemption from full-time provision was due for review on "
            f"{_day(exemption.review_on)}, and the plan still gives {plan.weekly_hours} of "
            f"{policy.full_time_hours} hours a week; record the review (a new exemption with "
            "its next review date) or a full-time plan.",
        )


def _information_gaps(state: PlacementState, started: date) -> Iterator[Finding]:
    parties = [InformationParty.LOCAL_AUTHORITY, InformationParty.PARENTS]
    if state.is_outside:
        parties.append(InformationParty.PROVIDER)
    for party in parties:
        if party not in state.information_shared:
            yield Finding(
                "INFO-1",
                state.id,
                started,
                f"The placement started on {_day(started)} and no information sharing with "
                f"{party.value} is recorded.",
                key=party.name,
                related_rules=("STAT-5",) if party is InformationParty.LOCAL_AUTHORITY else (),
            )
    shared = state.information_scopes.get(InformationParty.PROVIDER, frozenset())
    if state.is_outside and InformationScope.SAFEGUARDING not in shared:
        yield Finding(
            "INFO-3",
            state.id,
            started,
            "The outside provider has not been given the safeguarding information it needs "
            f"about the student (the placement started on {_day(started)}).",
            key="safeguarding",
        )


def _monitoring_gaps(
    state: PlacementState, started: date, policy: PolicyParameters
) -> Iterator[Finding]:
    interval = _review_interval(state, policy)
    weeks = interval.days // 7
    if state.reviews == 0:
        yield from _nothing_recorded(state, started, interval, "progress review")
    last = state.last_reviewed_on
    due = _due(state, started, interval)
    since = due + _ONE_DAY
    if _ran_on(state, since):
        after = f"the last review on {_day(last)}" if last else f"the start on {_day(started)}"
        yield Finding(
            "COMM-5",
            state.id,
            since,
            f"A progress review was due by {_day(due)} (reviews at least every {weeks} weeks; "
            f"none is recorded since {after}).",
            related_rules=("COMM-7", "STAT-3"),
        )
    plan, on = state.plan, _plan_date(state)
    if last is not None and plan is not None and on is not None and last >= on:
        reported = set(state.last_review_references)
        missing = [reference for reference in plan.references() if reference not in reported]
        if missing:
            yield Finding(
                "QUAL-1",
                state.id,
                last,
                f"The review of {_day(last)} reports no progress against objective"
                f"{'s' if len(missing) > 1 else ''} {_names(missing)} of the plan.",
            )


def _nothing_recorded(
    state: PlacementState, started: date, interval: timedelta, key: str
) -> Iterator[Finding]:
    """AIM-3: nothing of ``key`` recorded by the first review date after the start."""
    first_due = started + interval
    since = first_due + _ONE_DAY
    if _ran_on(state, since):
        yield Finding(
            "AIM-3",
            state.id,
            since,
            f"No {key} is recorded by {_day(first_due)}, {interval.days // 7} weeks after the "
            f"placement started on {_day(started)}.",
            key=key,
        )


def _is_satisfactory(assessment: RiskAssessment) -> bool:
    return (
        assessment.outcome is RiskOutcome.SATISFACTORY
        and assessment.safeguarding_policies_seen
        and assessment.staff_checks_confirmed_in_writing
    )


def _provider_gaps(
    state: PlacementState, started: date, providers: Mapping[UUID, ProviderState]
) -> Iterator[Finding]:
    for provider_id in sorted(state.provider_ids, key=str):
        provider = providers.get(provider_id)
        if provider is None:
            continue
        if provider.staffing is None:
            yield Finding(
                "QUAL-3",
                state.id,
                started,
                f"{provider.name} has no staffing or staff qualifications on the record.",
                key=str(provider_id),
            )
        if not provider.kind.is_outside:
            continue
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
                key=str(provider_id),
            )
