"""Record findings while the placement runs: the medical exemption's review (STAT-6),
information sharing (INFO-1, INFO-3), progress reviews (AIM-3, COMM-5, STAT-3, QUAL-1), the
providers (``providers``: COMM-3, COMM-4, COMM-9, CONTACT-1, QUAL-3) and full-time education
at a setting that is not a registered school once a fact makes it unlawful (STAT-4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from uuid import UUID

from senad_ap.domain.compliance.dates import (
    _ONE_DAY,
    _due,
    _half_termly_anchor,
    _plan_date,
    _ran_on,
    _review_weeks,
    _terms,
)
from senad_ap.domain.compliance.finding import Finding, _day, _names
from senad_ap.domain.compliance.providers import provider_gaps
from senad_ap.domain.compliance.school_time import next_half_term_ends, school_weeks_after
from senad_ap.domain.placement.events import InformationParty, InformationScope
from senad_ap.domain.placement.registration import (
    protected,
    protected_since,
    unregistered_full_time,
)
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.provider import ProviderState
from senad_ap.domain.school import SchoolState
from senad_ap.domain.values import PolicyParameters

# --------------------------------------------------------------------------- while it runs


def _running_gaps(
    state: PlacementState,
    providers: Mapping[UUID, ProviderState],
    policy: PolicyParameters,
    school: SchoolState | None,
) -> Iterator[Finding]:
    yield from _medical_review_gap(state, policy)
    started = state.started_on
    if started is None:
        return
    yield from _information_gaps(state, started)
    yield from _monitoring_gaps(state, started, policy, school)
    yield from _half_termly_gap(state, started, policy, school)
    yield from provider_gaps(state, started, providers, policy)
    yield from _registration_gaps(state, started, providers, policy)


def _registration_gaps(
    state: PlacementState,
    started: date,
    providers: Mapping[UUID, ProviderState],
    policy: PolicyParameters,
) -> Iterator[Finding]:
    """STAT-4 (a ``must``: a guard on the plan and the start, a finding afterwards): a fact
    that changed under a running placement — the student's (an EHC plan issued, looked after,
    of compulsory school age) or the provider's (its registration lapsed, its kind no longer
    a registered school) — while the plan gives full-time education at a setting that is not
    a registered school. The finding opens on the later of the two facts and the start."""
    plan = state.plan
    if plan is None:
        return
    protected_from = protected_since(state, plan, _plan_date(state))
    if protected_from is None:
        return
    for provider in unregistered_full_time(plan, providers, policy):
        since = max(protected_from, started, provider.unregistered_since or started)
        if not _ran_on(state, since):
            continue
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


def _weeks(weeks: int, school: SchoolState | None) -> str:
    """How an interval is counted: once the school's terms are recorded, in school weeks (the
    holidays they show do not count; weeks outside them do, as calendar weeks)."""
    return f"{weeks} weeks, holidays not counted" if _terms(school) else f"{weeks} weeks"


def _monitoring_gaps(
    state: PlacementState, started: date, policy: PolicyParameters, school: SchoolState | None
) -> Iterator[Finding]:
    weeks = _review_weeks(state, policy)
    if state.reviews == 0:
        yield from _nothing_recorded(state, started, policy, school, "progress review")
    last = state.last_reviewed_on
    due = _due(state, started, policy, school)
    since = due + _ONE_DAY
    if _ran_on(state, since):
        after = f"the last review on {_day(last)}" if last else f"the start on {_day(started)}"
        yield Finding(
            "COMM-5",
            state.id,
            since,
            f"A progress review was due by {_day(due)} (reviews at least every "
            f"{_weeks(weeks, school)}; none is recorded since {after}).",
            related_rules=("COMM-7",),
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


def _half_termly_gap(
    state: PlacementState, started: date, policy: PolicyParameters, school: SchoolState | None
) -> Iterator[Finding]:
    """STAT-3: the commissioner and the provider review the placement at least half-termly
    (DfE, "Arranging alternative provision: a guide for local authorities and schools", 2025).
    Every half term after the one of the last such review (or the start) holds one: it is
    overdue the day after the next half term ends. For an outside placement only a review
    held with the provider counts."""
    anchor = _half_termly_anchor(state, started)
    due, recorded = next_half_term_ends(
        anchor, _terms(school), fallback_weeks=policy.longest_review_interval_weeks
    )
    since = due + _ONE_DAY
    if not _ran_on(state, since):
        return
    held = "held with the provider " if state.is_outside else ""
    last = (
        f"the last review {held}on {_day(anchor)}"
        if anchor != started
        else f"the start on {_day(started)}"
    )
    when = (
        "the end of the next half term"
        if recorded
        else f"{_weeks(policy.longest_review_interval_weeks, school)} (half a term; the next "
        "half term is not recorded)"
    )
    yield Finding(
        "STAT-3",
        state.id,
        since,
        f"A half-termly review {held}was due by {_day(due)}, {when} after {last}.",
        related_rules=("COMM-9",) if state.is_outside else (),
    )


def _nothing_recorded(
    state: PlacementState,
    started: date,
    policy: PolicyParameters,
    school: SchoolState | None,
    key: str,
) -> Iterator[Finding]:
    """AIM-3: nothing of ``key`` recorded by the first review date after the start: the
    plan's interval, or half a term if shorter, in school weeks once terms are recorded."""
    weeks = min(_review_weeks(state, policy), policy.longest_review_interval_weeks)
    first_due = school_weeks_after(started, weeks, _terms(school))
    since = first_due + _ONE_DAY
    if _ran_on(state, since):
        yield Finding(
            "AIM-3",
            state.id,
            since,
            f"No {key} is recorded by {_day(first_due)}, {_weeks(weeks, school)} after the "
            f"placement started on {_day(started)}.",
            key=key,
        )
