"""Deciding on consents, information shared and the start of a placement (PLAN-2, STAT-4,
COMM-3, COMM-4, INFO-2)."""

from __future__ import annotations

from datetime import date

from senad_ap.domain.base import EventMaker
from senad_ap.domain.placement.commands import (
    GiveConsent,
    ShareInformation,
    StartPlacement,
    WithdrawConsent,
)
from senad_ap.domain.placement.events import (
    ConsentGiven,
    ConsentWithdrawn,
    InformationShared,
    PlacementEvent,
    PlacementStarted,
)
from senad_ap.domain.placement.guards import (
    Related,
    _check_full_time,
    _check_settings,
    _check_unregistered_full_time,
    _provider,
)
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.values import Context
from senad_ap.errors import LifecycleError, PolicyViolationError

__all__ = ["give_consent", "share_information", "start_placement", "withdraw_consent"]


def give_consent(command: GiveConsent, make: EventMaker) -> tuple[PlacementEvent, ...]:
    return (
        make(
            ConsentGiven,
            party=command.party,
            given_by=command.given_by,
            evidence_reference=command.evidence_reference,
        ),
    )


def withdraw_consent(
    state: PlacementState, command: WithdrawConsent, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    if not state.consent_given(command.party):
        raise LifecycleError(
            f"No consent from {command.party.value} is on the record of placement {state.id} "
            "to withdraw.",
            placement_id=state.id,
        )
    return (make(ConsentWithdrawn, party=command.party, reason=command.reason),)


def share_information(command: ShareInformation, make: EventMaker) -> tuple[PlacementEvent, ...]:
    return (make(InformationShared, party=command.party, scope=command.scope, note=command.note),)


def start_placement(
    state: PlacementState,
    command: StartPlacement,
    context: Context,
    related: Related,
    make: EventMaker,
) -> tuple[PlacementEvent, ...]:
    _check_start(state, command.effective_on, context, related)
    return (make(PlacementStarted),)


def _check_start(state: PlacementState, on: date, context: Context, related: Related) -> None:
    if state.started_on is not None:
        raise LifecycleError(
            f"The placement {state.id} already started on {state.started_on.isoformat()}.",
            placement_id=state.id,
        )
    if state.plan is None:
        raise PolicyViolationError(
            "PLAN-2",
            "No plan is agreed, so the record cannot show full-time provision (or a medical "
            "exemption from it): agree the plan before the placement starts.",
            state.id,
        )
    _check_full_time(state, state.plan, context)
    providers = {pid: _provider(related, pid) for pid in state.provider_ids}
    _check_unregistered_full_time(state, state.plan, providers, context)
    _check_settings(state, on, related)
