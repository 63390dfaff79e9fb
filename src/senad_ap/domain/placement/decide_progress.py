"""Deciding on how a placement goes and how it ends: progress reviews, reintegration (the
readiness criteria, the assessment against them, the support package: COMM-8) and the end."""

from __future__ import annotations

from senad_ap.domain.base import EventMaker
from senad_ap.domain.placement.commands import (
    AgreeReintegrationCriteria,
    AgreeReintegrationSupport,
    AssessReintegration,
    EndPlacement,
    ReviewProgress,
)
from senad_ap.domain.placement.events import (
    PlacementEnded,
    PlacementEvent,
    ProgressReviewed,
    ReintegrationAssessed,
    ReintegrationCriteriaAgreed,
    ReintegrationSupportAgreed,
)
from senad_ap.domain.placement.guards import _check_has_happened, _check_started
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.values import Context
from senad_ap.errors import InvalidInputError, LifecycleError

__all__ = [
    "agree_reintegration_criteria",
    "agree_reintegration_support",
    "assess_reintegration",
    "end_placement",
    "review_progress",
]


def review_progress(
    state: PlacementState, command: ReviewProgress, context: Context, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    _check_started(state, command.effective_on, "record a progress review")
    _check_has_happened(command.effective_on, context, "A progress review")
    if state.plan is None:  # pragma: no cover - a started placement has a plan
        raise LifecycleError(
            f"Placement {state.id} has no plan to review progress against.", placement_id=state.id
        )
    unknown = {p.reference for p in command.progress} - set(state.plan.references())
    if unknown:
        raise InvalidInputError(
            f"The plan has no objective {', '.join(sorted(unknown))}.", field="progress"
        )
    return (
        make(
            ProgressReviewed,
            progress=command.progress,
            effectiveness=command.effectiveness,
            next_review_on=command.next_review_on,
            with_provider=command.with_provider,
            note=command.note,
        ),
    )


def agree_reintegration_criteria(
    command: AgreeReintegrationCriteria, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    return (make(ReintegrationCriteriaAgreed, criteria=command.criteria),)


def assess_reintegration(
    state: PlacementState, command: AssessReintegration, context: Context, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    _check_has_happened(command.effective_on, context, "A readiness assessment")
    unknown = set(command.criteria_met) - set(state.reintegration_criteria)
    if unknown:
        raise InvalidInputError(
            "Readiness can only be met against the agreed criteria; not agreed: "
            f"{', '.join(sorted(unknown))}.",
            field="criteria_met",
        )
    return (
        make(
            ReintegrationAssessed,
            ready=command.ready,
            criteria_met=command.criteria_met,
            note=command.note,
        ),
    )


def agree_reintegration_support(
    command: AgreeReintegrationSupport, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    return (make(ReintegrationSupportAgreed, support=command.support),)


def end_placement(
    state: PlacementState, command: EndPlacement, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    begun = state.started_on or state.opened_on
    if command.effective_on < begun:
        raise InvalidInputError(
            f"A placement cannot end ({command.effective_on.isoformat()}) before it "
            f"began ({begun.isoformat()}).",
            field="effective_on",
        )
    # STAT-1: every mark lies inside its placement's running period (``pupil_register``), so
    # that the pupil's next placement, which starts after this one's last day, cannot hold a
    # session this one has marked.
    last_marked = max((mark.day for mark in state.marks.values()), default=None)
    if last_marked is not None and last_marked > command.effective_on:
        raise InvalidInputError(
            f"Placement {state.id} has attendance marked up to {last_marked.isoformat()}, after "
            f"{command.effective_on.isoformat()}: a placement runs until its last marked day at "
            f"least (one register per pupil, STAT-1). End it on {last_marked.isoformat()} or "
            "later.",
            field="effective_on",
            rule_id="STAT-1",
        )
    return (make(PlacementEnded, destination=command.destination, note=command.note),)
