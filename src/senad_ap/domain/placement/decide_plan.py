"""Deciding on the needs, the plan and a medical exemption from full-time provision (PLAN-2,
NEED-2, LOC-3, STAT-4; COMM-3, COMM-4 and INFO-2 when a running placement moves)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import attrs

from senad_ap.domain.base import EventMaker
from senad_ap.domain.placement.commands import (
    AgreePlan,
    AssessNeeds,
    RecordMedicalExemption,
    RevisePlan,
)
from senad_ap.domain.placement.events import (
    MedicalExemptionRecorded,
    NeedsAssessed,
    PlacementEvent,
    PlanAgreed,
    PlanRevised,
)
from senad_ap.domain.placement.guards import (
    Related,
    _check_childrens_home,
    _check_full_time,
    _check_has_happened,
    _check_settings,
    _check_unregistered_full_time,
    _provider,
)
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.plan import Plan, Setting
from senad_ap.domain.values import Context
from senad_ap.errors import InvalidInputError, LifecycleError, PolicyViolationError

__all__ = ["agree_plan", "assess_needs", "record_medical_exemption", "revise_plan"]


def assess_needs(
    command: AssessNeeds, context: Context, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    _check_has_happened(command.effective_on, context, "A needs assessment")
    return (
        make(
            NeedsAssessed,
            areas=command.areas,
            summary=command.summary,
            barriers=command.barriers,
        ),
    )


def revise_plan(
    state: PlacementState, command: RevisePlan, context: Context, related: Related, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    if state.plan is None:
        raise LifecycleError(
            f"Placement {state.id} has no plan to revise yet: agree one first.",
            placement_id=state.id,
        )
    outside = _check_plan(state, command.plan, command.effective_on, context, related)
    if state.started_on is not None:
        # A running placement moved to new settings needs their evidence too.
        revised = attrs.evolve(state, plan=command.plan, plan_outside_provider_ids=outside)
        _check_settings(revised, command.effective_on, related)
    return (
        make(
            PlanRevised,
            plan=command.plan,
            full_time_hours=context.policy.full_time_hours,
            outside_provider_ids=outside,
            reason=command.reason,
        ),
    )


def agree_plan(
    state: PlacementState, command: AgreePlan, context: Context, related: Related, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    if state.plan is not None:
        raise LifecycleError(
            f"A plan is already agreed for placement {state.id}: revise it, giving the reason.",
            placement_id=state.id,
        )
    outside = _check_plan(state, command.plan, command.effective_on, context, related)
    return (
        make(
            PlanAgreed,
            plan=command.plan,
            full_time_hours=context.policy.full_time_hours,
            outside_provider_ids=outside,
        ),
    )


def record_medical_exemption(
    command: RecordMedicalExemption, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    return (
        make(
            MedicalExemptionRecorded,
            evidence_reference=command.evidence_reference,
            review_on=command.review_on,
        ),
    )


def _check_plan(
    state: PlacementState, plan: Plan, on: date, context: Context, related: Related
) -> tuple[UUID, ...]:
    """Guards on a plan being agreed or revised; returns the outside providers it uses."""
    for objective in plan.objectives:
        if objective.target_date <= on:
            raise InvalidInputError(
                f"Objective {objective.reference} needs a target date after the plan is agreed.",
                field="objectives",
            )
    for entry in plan.weekly_pattern:
        if entry.setting is Setting.SIDE_ROOM_OF_CLASSROOM:
            raise PolicyViolationError(
                "NEED-2",
                "Hours in a side room of a main classroom are class time, not alternative "
                "provision: record them as the student's usual classes.",
                state.id,
            )
        _check_childrens_home(entry.setting, state.residential)
    most = context.policy.max_hours_per_day
    for day in plan.days_covered():
        hours = sum((e.hours for e in plan.weekly_pattern if e.day is day), Decimal(0))
        if hours > most:
            raise InvalidInputError(
                f"The plan gives {hours} hours on {day.value}s; at most {most} hours a day "
                "can be counted.",
                field="weekly_pattern",
            )
    providers = {pid: _provider(related, pid) for pid in plan.provider_ids}
    _check_full_time(state, plan, context)
    _check_unregistered_full_time(state, plan, providers, context)
    return tuple(sorted((pid for pid, p in providers.items() if p.kind.is_outside), key=str))
