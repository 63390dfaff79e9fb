"""Guards that more than one placement decision makes, each citing its rule id, and the other
records they read (``Related``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

import attrs

from senad_ap.domain.placement.events import ConsentParty
from senad_ap.domain.placement.registration import protected, unregistered_full_time
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.plan import Plan, Setting
from senad_ap.domain.provider import ProviderState
from senad_ap.domain.school import SchoolState
from senad_ap.domain.values import Context
from senad_ap.errors import InvalidInputError, LifecycleError, NotFoundError, PolicyViolationError

if TYPE_CHECKING:  # the student's module reads the placement's: no import at run time
    from senad_ap.domain.student import StudentState

__all__ = ["Related"]


@attrs.frozen
class Related:
    """Other records a decision depends on, loaded by the application before it decides."""

    providers: Mapping[UUID, ProviderState] = attrs.field(factory=dict)
    school: SchoolState | None = None
    #: The student's record, for an opening (a later placement takes the student's facts).
    student: StudentState | None = None


def _check_childrens_home(setting: Setting, residential: bool) -> None:
    # LOC-3: the allied children's home cannot be used for non-residential students.
    if setting is Setting.ALLIED_CHILDRENS_HOME and not residential:
        raise PolicyViolationError(
            "LOC-3",
            "The allied children's home cannot be used for a student who is not residential.",
        )


def _provider(related: Related, provider_id: UUID) -> ProviderState:
    provider = related.providers.get(provider_id)
    if provider is None:
        raise NotFoundError(
            f"No provider {provider_id} is registered.", kind="provider", id=provider_id
        )
    return provider


def _check_full_time(state: PlacementState, plan: Plan, context: Context) -> None:
    # PLAN-2: full-time provision in total, unless a medical condition makes it inappropriate.
    threshold = context.policy.full_time_hours
    if plan.weekly_hours < threshold and state.medical_exemption is None:
        raise PolicyViolationError(
            "PLAN-2",
            f"The plan gives {plan.weekly_hours} hours a week across all settings; every "
            f"student must have full-time provision ({threshold} hours) unless a medical "
            "condition makes that inappropriate, and no medical exemption is on the record.",
            state.id,
        )


def _check_unregistered_full_time(
    state: PlacementState,
    plan: Plan,
    providers: Mapping[UUID, ProviderState],
    context: Context,
) -> None:
    # STAT-4: an unregistered setting may not give full-time education (in the registration
    # test's sense: ``registration_full_time_hours`` there, 18 a week by default) to a pupil
    # of compulsory school age with an EHC plan or who is looked after (Education Act 1996
    # s.463; Education and Skills Act 2008, Part 4).
    who = protected(state, plan)
    if who is None:
        return
    for provider in unregistered_full_time(plan, providers, context.policy):
        raise PolicyViolationError(
            "STAT-4",
            f"{provider.name} is not a registered school, so it cannot give full-time "
            f"education ({context.policy.registration_full_time_hours} hours a week or more "
            f"there; the plan gives {plan.hours_at(provider.id)}) to a student who {who}; "
            "running such a setting unregistered is an offence.",
            state.id,
        )


def _check_settings(state: PlacementState, on: date, related: Related) -> None:
    """The evidence every outside setting of a running placement needs (COMM-3, COMM-4, INFO-2)."""
    providers = {pid: _provider(related, pid) for pid in state.provider_ids}
    for provider in providers.values():
        if not provider.kind.needs_risk_assessment:
            continue
        # COMM-3: accredited education only at a setting confirmed registered with the DfE
        # (and not lapsed since: ``registration_confirmed``).
        if (
            provider.kind.is_outside
            and provider.delivers_accredited_education
            and not (provider.kind.can_be_registered and provider.registration_confirmed)
        ):
            raise PolicyViolationError(
                "COMM-3",
                f"{provider.name} delivers accredited education, but the record does not "
                "confirm it is registered with the DfE (as an FE college, a school or a "
                "registered independent provider), or its registration has lapsed.",
                state.id,
            )
        # COMM-4: risk assessed as safe, with safeguarding policies, and still current: every
        # outside setting, and the allied children's home.
        assessment = provider.risk_assessment
        if assessment is None or not assessment.shows_safe_on(on):
            raise PolicyViolationError(
                "COMM-4",
                f"{provider.name} has no current risk assessment on the record that shows it "
                "is safe, with safeguarding policies seen and staff checks confirmed in "
                f"writing, on {on.isoformat()}.",
                state.id,
            )
    # INFO-2: outside parties only with the placing authority's consent and parents' agreement.
    if state.is_outside:
        missing = [p.value for p in ConsentParty if not state.consent_given(p)]
        if missing:
            raise PolicyViolationError(
                "INFO-2",
                "An outside provider can only be used with the consent of the placing "
                f"authority and the agreement of parents; not on the record: "
                f"{' and '.join(missing)}.",
                state.id,
            )


def _check_started(state: PlacementState, on: date, action: str) -> None:
    if state.started_on is None:
        raise LifecycleError(
            f"The placement {state.id} has not started, so you cannot {action} yet.",
            placement_id=state.id,
        )
    if on < state.started_on:
        raise InvalidInputError(
            f"{on.isoformat()} is before the placement started ({state.started_on.isoformat()}).",
            field="effective_on",
        )


def _check_has_happened(day: date, context: Context, what: str) -> None:
    # An assessment or review is evidence that something took place (COMM-5, COMM-8, PLAN-1):
    # one dated ahead would close a compliance gap before the work was done.
    if day > context.today:
        raise InvalidInputError(
            f"{what} cannot be dated after today ({day.isoformat()}): record it once it has "
            "taken place.",
            field="effective_on",
        )
