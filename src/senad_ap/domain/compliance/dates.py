"""The days the checks count from: the plan's date, whether the placement still ran on a day,
and when the next progress review is due (COMM-5, STAT-3)."""

from __future__ import annotations

from datetime import date, timedelta

from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.values import PolicyParameters

__all__ = ["review_due"]

_ONE_DAY = timedelta(days=1)


def _plan_date(state: PlacementState) -> date | None:
    return state.plan_revised_on or state.plan_agreed_on


def _ran_on(state: PlacementState, day: date) -> bool:
    """The placement had not ended before ``day``: an obligation due by then still applied."""
    return state.ended_on is None or day <= state.ended_on


def _review_interval(state: PlacementState, policy: PolicyParameters) -> timedelta:
    # STAT-3: at least half-termly; the plan's own shorter interval applies instead (COMM-5).
    longest = policy.longest_review_interval_weeks
    weeks = longest if state.plan is None else min(state.plan.review_interval_weeks, longest)
    return timedelta(weeks=weeks)


def _due(state: PlacementState, started: date, interval: timedelta) -> date:
    due = (state.last_reviewed_on or started) + interval
    if state.next_review_on is not None and state.next_review_on < due:
        due = state.next_review_on
    return due


def review_due(state: PlacementState, policy: PolicyParameters | None = None) -> date | None:
    """The day the next progress review is due (COMM-5, STAT-3), once the placement started:
    the plan's interval, or half a term when that is shorter, after the last review (or the
    start); a date the last review set instead, if earlier."""
    if state.started_on is None:
        return None
    policy = policy or PolicyParameters()
    return _due(state, state.started_on, _review_interval(state, policy))
