"""STAT-4, the registration test, for one student: who it protects, and where a plan gives
them full-time education at an unregistered setting.

An institution that gives full-time education to one pupil of compulsory school age who has
an EHC plan or is looked after is an independent school (Education Act 1996 s.463, as
amended) and must be registered (Education and Skills Act 2008, Part 4). "Full-time" here is
``PolicyParameters.registration_full_time_hours`` at that one setting (18 hours a week by
default, from the DfE's guidance on registering independent schools), not the school week
PLAN-2 asks for in total (``full_time_hours``): two tests, two numbers.

Used by the guards (a plan agreed or revised, a start: refused), by the attendance register
(a present mark at such a setting: refused while the student is protected) and by the
compliance finding that opens when a fact changes under a running placement.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.plan import Plan
from senad_ap.domain.provider import ProviderState
from senad_ap.domain.values import PolicyParameters

__all__ = ["protected", "protected_since", "unregistered_full_time"]


def protected(state: PlacementState, plan: Plan | None) -> str | None:
    """Why STAT-4 protects the student (``"has an EHC plan"``, ``"is looked after"``), or
    ``None``. Only pupils of compulsory school age count. An EHC plan reference given only on
    the plan counts too."""
    if not state.compulsory_school_age:
        return None
    if state.ehcp_reference is not None or (plan is not None and plan.ehcp_reference is not None):
        return "has an EHC plan"
    if state.looked_after:
        return "is looked after"
    return None


def protected_since(state: PlacementState, plan: Plan | None, plan_on: date | None) -> date | None:
    """The first day STAT-4 protects the student, as the placement's record has it: the day
    the EHC plan in force was issued or the student became looked after (the opening, for a
    fact the opening carried), not before they were of compulsory school age; ``None`` when
    it does not protect them."""
    if protected(state, plan) is None:
        return None
    days = []
    if state.ehcp_reference is not None:
        days.append(state.ehcp_from or state.opened_on)
    if plan is not None and plan.ehcp_reference is not None:
        days.append(plan_on or state.opened_on)
    if state.looked_after:
        days.append(state.looked_after_from or state.opened_on)
    since = min(days)
    if state.school_age_changed_on is not None and state.school_age_changed_on > since:
        since = state.school_age_changed_on
    return since


def unregistered_full_time(
    plan: Plan, providers: Mapping[UUID, ProviderState], policy: PolicyParameters
) -> tuple[ProviderState, ...]:
    """The unregistered providers where ``plan`` gives full-time education in the registration
    test's sense: ``registration_full_time_hours`` a week or more at that setting."""
    threshold = policy.registration_full_time_hours
    return tuple(
        providers[provider_id]
        for provider_id in sorted(plan.provider_ids, key=str)
        if provider_id in providers
        # A lapsed registration counts as none (``ProviderState.is_unregistered``).
        and providers[provider_id].is_unregistered
        and plan.hours_at(provider_id) >= threshold
    )
