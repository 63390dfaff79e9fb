"""The days the checks count from: the plan's date, whether the placement still ran on a day,
and when the next progress review is due (COMM-5, COMM-7 by the plan's interval in school
weeks; STAT-3 by the half terms)."""

from __future__ import annotations

from datetime import date, timedelta

from senad_ap.domain.compliance.school_time import next_half_term_ends, school_weeks_after
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.school import SchoolState, Term
from senad_ap.domain.values import PolicyParameters

__all__ = ["half_termly_review_due", "review_due"]

_ONE_DAY = timedelta(days=1)


def _plan_date(state: PlacementState) -> date | None:
    return state.plan_revised_on or state.plan_agreed_on


def _ran_on(state: PlacementState, day: date) -> bool:
    """The placement had not ended before ``day``: an obligation due by then still applied."""
    return state.ended_on is None or day <= state.ended_on


def _terms(school: SchoolState | None) -> tuple[Term, ...]:
    return () if school is None else school.terms


def _review_weeks(state: PlacementState, policy: PolicyParameters) -> int:
    """COMM-5, COMM-7: the plan's review interval; before there is a plan, half a term."""
    if state.plan is None:
        return policy.longest_review_interval_weeks
    return state.plan.review_interval_weeks


def _due(
    state: PlacementState, started: date, policy: PolicyParameters, school: SchoolState | None
) -> date:
    """COMM-5: the plan's interval in school weeks after the last review (or the start), or
    the date the last review set for the next one, if earlier."""
    anchor = state.last_reviewed_on or started
    due = school_weeks_after(anchor, _review_weeks(state, policy), _terms(school))
    if state.next_review_on is not None and state.next_review_on < due:
        due = state.next_review_on
    return due


def _half_termly_anchor(state: PlacementState, started: date) -> date:
    """STAT-3: the last review between the commissioner and the provider. For an outside
    placement only a review held with the provider counts; on site the school is both, so
    any review does."""
    last = state.last_reviewed_with_provider_on if state.is_outside else state.last_reviewed_on
    return last or started


def half_termly_review_due(
    state: PlacementState, policy: PolicyParameters | None = None, school: SchoolState | None = None
) -> date | None:
    """The day the next half-termly review (STAT-3) is due, once the placement started: the
    last day of the half term after the one of the last qualifying review (or the start)."""
    if state.started_on is None:
        return None
    policy = policy or PolicyParameters()
    anchor = _half_termly_anchor(state, state.started_on)
    due, _ = next_half_term_ends(
        anchor, _terms(school), fallback_weeks=policy.longest_review_interval_weeks
    )
    return due


def review_due(
    state: PlacementState, policy: PolicyParameters | None = None, school: SchoolState | None = None
) -> date | None:
    """The day the next progress review is due, once the placement started: the earlier of
    the plan's interval in school weeks after the last review (or the start), or a date the
    last review set, if earlier (COMM-5), and the half-termly review (STAT-3). Without the
    school's terms, weeks are calendar weeks and half a term is
    ``longest_review_interval_weeks``."""
    if state.started_on is None:
        return None
    policy = policy or PolicyParameters()
    due = _due(state, state.started_on, policy, school)
    half_termly = half_termly_review_due(state, policy, school)
    return due if half_termly is None else min(due, half_termly)
