"""``decide``: a placement command and the current record give new events, or a refusal.

Each guard cites its rule id from RULES.md. A refusal raises one of the project's errors and
returns no events, so nothing is recorded. Findings (``should``/``will`` rules) are not checked
here: the decision is recorded and the compliance projection reports the gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from uuid import UUID

import attrs

from senad_ap.domain.authority import Authority, check_authority
from senad_ap.domain.base import EventMaker, check_effective_on
from senad_ap.domain.placement.commands import (
    AgreePlan,
    AgreeReintegrationCriteria,
    AgreeReintegrationSupport,
    AssessNeeds,
    AssessReintegration,
    CorrectAttendance,
    EndPlacement,
    GiveConsent,
    OpenPlacement,
    PlacementCommand,
    RecordAttendance,
    RecordMedicalExemption,
    ReviewProgress,
    RevisePlan,
    ShareInformation,
    StartPlacement,
    WithdrawConsent,
)
from senad_ap.domain.placement.events import (
    AttendanceCorrected,
    AttendanceRecorded,
    ConsentGiven,
    ConsentParty,
    ConsentWithdrawn,
    InformationShared,
    MedicalExemptionRecorded,
    NeedsAssessed,
    PlacementEnded,
    PlacementEvent,
    PlacementOpened,
    PlacementStarted,
    PlanAgreed,
    PlanRevised,
    ProgressReviewed,
    ReintegrationAssessed,
    ReintegrationCriteriaAgreed,
    ReintegrationSupportAgreed,
)
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.plan import Plan, Setting
from senad_ap.domain.provider import ProviderKind, ProviderState
from senad_ap.domain.school import SchoolState
from senad_ap.domain.values import Context, Weekday
from senad_ap.errors import (
    AlreadyRecordedError,
    InvalidInputError,
    LifecycleError,
    NotFoundError,
    PolicyViolationError,
)

__all__ = ["AUTHORITY", "Related", "decide_placement", "providers_needed"]

#: What each command needs of the person who gives it (COMM-1, PLAN-3).
AUTHORITY: dict[type[PlacementCommand], tuple[Authority, str, str]] = {
    OpenPlacement: (Authority.SCHOOL_STAFF, "COMM-1", "open a placement"),
    AssessNeeds: (Authority.SCHOOL_STAFF, "COMM-1", "record a needs assessment"),
    AgreePlan: (Authority.HEAD_OR_DELEGATE, "PLAN-3", "agree the plan"),
    RevisePlan: (Authority.HEAD_OR_DELEGATE, "PLAN-3", "revise the plan"),
    GiveConsent: (Authority.SCHOOL_STAFF, "COMM-1", "record consent"),
    WithdrawConsent: (Authority.SCHOOL_STAFF, "COMM-1", "record a withdrawal of consent"),
    ShareInformation: (Authority.SCHOOL_STAFF, "COMM-1", "record information sharing"),
    RecordMedicalExemption: (
        Authority.HEAD_OR_DELEGATE, "COMM-1", "record a medical exemption from full-time",
    ),
    StartPlacement: (Authority.HEAD_OR_DELEGATE, "COMM-1", "start (commission) a placement"),
    RecordAttendance: (Authority.SCHOOL_OR_PROVIDER_STAFF, "COMM-1", "record attendance"),
    CorrectAttendance: (Authority.SCHOOL_OR_PROVIDER_STAFF, "COMM-1", "correct attendance"),
    ReviewProgress: (Authority.SCHOOL_OR_PROVIDER_STAFF, "COMM-1", "record a progress review"),
    AgreeReintegrationCriteria: (
        Authority.HEAD_OR_DELEGATE, "COMM-1", "agree reintegration criteria",
    ),
    AssessReintegration: (Authority.SCHOOL_STAFF, "COMM-1", "assess readiness to return"),
    AgreeReintegrationSupport: (
        Authority.HEAD_OR_DELEGATE, "COMM-1", "agree a reintegration support package",
    ),
    EndPlacement: (Authority.HEAD_OR_DELEGATE, "COMM-1", "end a placement"),
}  # fmt: skip


@attrs.frozen
class Related:
    """Other records a decision depends on, loaded by the application before it decides."""

    providers: Mapping[UUID, ProviderState] = attrs.field(factory=dict)
    school: SchoolState | None = None


def providers_needed(state: PlacementState | None, command: PlacementCommand) -> set[UUID]:
    """The provider records ``decide`` will look at for this command."""
    ids: set[UUID] = set()
    if isinstance(command, OpenPlacement) and command.provider_id is not None:
        ids.add(command.provider_id)
    if isinstance(command, AgreePlan | RevisePlan):
        ids |= command.plan.provider_ids
    if isinstance(command, StartPlacement | RevisePlan | EndPlacement) and state is not None:
        ids |= state.provider_ids
    return ids


def decide_placement(
    state: PlacementState | None,
    command: PlacementCommand,
    context: Context,
    related: Related,
) -> tuple[PlacementEvent, ...]:
    """New events for ``command``, or a refusal (an exception); never both."""
    if isinstance(command, OpenPlacement):
        if state is not None:
            raise AlreadyRecordedError("A placement with this id is already open.")
        return _open(command, context, related)
    if state is None:
        raise NotFoundError(
            "No placement with this id is on the record.",
            kind="placement",
            id=command.placement_id,
        )
    authority, rule_id, action = AUTHORITY[type(command)]
    check_authority(
        command.actor,
        authority,
        school_id=state.school_id,
        school=related.school,
        provider_ids=state.provider_ids,
        rule_id=rule_id,
        action=action,
        placement_id=state.id,
    )
    if state.erased_on is not None:
        raise LifecycleError(
            f"STAT-7: the student's personal data was erased on {state.erased_on.isoformat()} "
            "at the end of retention; the record is closed.",
            placement_id=state.id,
        )
    if state.ended_on is not None:
        raise LifecycleError(
            f"The placement ended on {state.ended_on.isoformat()}; nothing more can be recorded.",
            placement_id=state.id,
        )
    check_effective_on(command.effective_on, context, not_before=state.opened_on)
    make = EventMaker(state.id, state.version, command, context)
    match command:
        case AssessNeeds():
            _check_has_happened(command.effective_on, context, "A needs assessment")
            return (
                make(
                    NeedsAssessed,
                    areas=command.areas,
                    summary=command.summary,
                    barriers=command.barriers,
                ),
            )
        case RevisePlan():
            if state.plan is None:
                raise LifecycleError("There is no plan to revise yet: agree one first.")
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
        case AgreePlan():
            if state.plan is not None:
                raise LifecycleError("A plan is already agreed: revise it, giving the reason.")
            outside = _check_plan(state, command.plan, command.effective_on, context, related)
            return (
                make(
                    PlanAgreed,
                    plan=command.plan,
                    full_time_hours=context.policy.full_time_hours,
                    outside_provider_ids=outside,
                ),
            )
        case GiveConsent():
            return (
                make(
                    ConsentGiven,
                    party=command.party,
                    given_by=command.given_by,
                    evidence_reference=command.evidence_reference,
                ),
            )
        case WithdrawConsent():
            if not state.consent_given(command.party):
                raise LifecycleError(
                    f"No consent from {command.party.value} is on the record to withdraw."
                )
            return (make(ConsentWithdrawn, party=command.party, reason=command.reason),)
        case ShareInformation():
            return (
                make(
                    InformationShared, party=command.party, scope=command.scope, note=command.note
                ),
            )
        case RecordMedicalExemption():
            return (
                make(
                    MedicalExemptionRecorded,
                    evidence_reference=command.evidence_reference,
                    review_on=command.review_on,
                ),
            )
        case StartPlacement():
            _check_start(state, command.effective_on, context, related)
            return (make(PlacementStarted),)
        case RecordAttendance():
            _check_mark(state, command.effective_on, command, context)
            if state.mark(command.effective_on, command.session) is not None:
                raise AlreadyRecordedError(
                    f"The {command.session.value} session of {command.effective_on.isoformat()}"
                    " is already marked; record a correction instead (STAT-2).",
                    field="session",
                )
            return (make(AttendanceRecorded, session=command.session, code=command.code),)
        case CorrectAttendance():
            _check_mark(state, command.effective_on, command, context)
            mark = state.mark(command.effective_on, command.session)
            if mark is None:
                raise InvalidInputError(
                    f"No mark for the {command.session.value} session of "
                    f"{command.effective_on.isoformat()} to correct; record it instead.",
                    field="session",
                )
            if mark.code is command.code:
                raise AlreadyRecordedError(
                    f"The mark is already {command.code.value}; there is nothing to correct.",
                    field="code",
                )
            return (
                make(
                    AttendanceCorrected,
                    session=command.session,
                    original_code=mark.code,
                    corrected_code=command.code,
                    reason=command.reason,
                    corrects_version=mark.version,
                ),
            )
        case ReviewProgress():
            _check_started(state, command.effective_on, "record a progress review")
            _check_has_happened(command.effective_on, context, "A progress review")
            if state.plan is None:  # pragma: no cover - a started placement has a plan
                raise LifecycleError("There is no plan to review progress against.")
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
        case AgreeReintegrationCriteria():
            return (make(ReintegrationCriteriaAgreed, criteria=command.criteria),)
        case AssessReintegration():
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
        case AgreeReintegrationSupport():
            return (make(ReintegrationSupportAgreed, support=command.support),)
        case EndPlacement():
            begun = state.started_on or state.opened_on
            if command.effective_on < begun:
                raise InvalidInputError(
                    f"A placement cannot end ({command.effective_on.isoformat()}) before it "
                    f"began ({begun.isoformat()}).",
                    field="effective_on",
                )
            return (make(PlacementEnded, destination=command.destination, note=command.note),)
    raise TypeError(f"not a placement command: {type(command).__name__}")  # pragma: no cover


def _open(command: OpenPlacement, context: Context, related: Related) -> tuple[PlacementEvent, ...]:
    actor = command.actor
    authority, rule_id, action = AUTHORITY[OpenPlacement]
    check_authority(
        actor, authority, school_id=actor.school_id, school=related.school, rule_id=rule_id,
        action=action,
    )  # fmt: skip
    check_effective_on(command.effective_on, context)
    # NEED-2: a side room linked to a main classroom keeps the student in the class group.
    if command.setting is Setting.SIDE_ROOM_OF_CLASSROOM:
        raise PolicyViolationError(
            "NEED-2",
            "A side room linked to a main classroom is not alternative provision: the student "
            "stays part of the class group and is taught and supported as such.",
        )
    _check_childrens_home(command.setting, command.residential)
    outside = False
    if command.provider_id is not None:
        outside = _provider(related, command.provider_id).kind.is_outside
    make = EventMaker(command.placement_id, 0, command, context)
    return (
        make(
            PlacementOpened,
            school_id=actor.school_id,
            student_reference=command.student_reference,
            reason=command.reason,
            reason_detail=command.reason_detail,
            setting=command.setting,
            location=command.location,
            provider_id=command.provider_id,
            outside_delivery=outside,
            residential=command.residential,
            looked_after=command.looked_after,
            ehcp_reference=command.ehcp_reference,
            on_roll=command.on_roll,
            location_rationale=command.location_rationale,
        ),
    )


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
            "No provider with this id is registered.", kind="provider", id=provider_id
        )
    return provider


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
    # STAT-4: an unregistered setting may not give full-time education to a pupil with an EHC
    # plan or who is looked after (Education Act 1996 s.463).
    if state.ehcp_reference is None and not state.looked_after:
        return
    for provider_id, provider in providers.items():
        if provider.kind is not ProviderKind.UNREGISTERED:
            continue
        if plan.hours_at(provider_id) >= context.policy.full_time_hours:
            who = "has an EHC plan" if state.ehcp_reference is not None else "is looked after"
            raise PolicyViolationError(
                "STAT-4",
                f"{provider.name} is not a registered school, so it cannot be the full-time "
                f"setting of a student who {who}; running such a setting unregistered is an "
                "offence.",
                state.id,
            )


def _check_start(state: PlacementState, on: date, context: Context, related: Related) -> None:
    if state.started_on is not None:
        raise LifecycleError(
            f"The placement already started on {state.started_on.isoformat()}.",
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


def _check_settings(state: PlacementState, on: date, related: Related) -> None:
    """The evidence every outside setting of a running placement needs (COMM-3, COMM-4, INFO-2)."""
    providers = {pid: _provider(related, pid) for pid in state.provider_ids}
    for provider in providers.values():
        if not provider.kind.is_outside:
            continue
        # COMM-3: accredited education only at a setting confirmed registered with the DfE.
        if provider.delivers_accredited_education and not (
            provider.kind.can_be_registered and provider.registration_confirmed
        ):
            raise PolicyViolationError(
                "COMM-3",
                f"{provider.name} delivers accredited education, but the record does not "
                "confirm it is registered with the DfE (as an FE college, a school or a "
                "registered independent provider).",
                state.id,
            )
        # COMM-4: risk assessed as safe, with safeguarding policies, and still current.
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
            f"The placement has not started, so you cannot {action} yet.", placement_id=state.id
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


def _check_mark(
    state: PlacementState,
    day: date,
    command: RecordAttendance | CorrectAttendance,
    context: Context,
) -> None:
    _check_started(state, day, "record attendance")
    if day > context.today:
        raise InvalidInputError(
            f"Attendance cannot be recorded for a day that has not happened ({day.isoformat()}).",
            field="effective_on",
        )
    if state.plan is not None and Weekday.of(day) not in state.plan.school_days:
        raise InvalidInputError(
            f"{day.isoformat()} is a {Weekday.of(day).value}, not a school day in the plan.",
            field="effective_on",
        )
    # STAT-1: '/' is the morning mark and '\' the afternoon one.
    only = command.code.meaning.only_session
    if only is not None and only is not command.session:
        raise PolicyViolationError(
            "STAT-1",
            f"Code {command.code.value} means '{command.code.meaning.meaning}'; it cannot mark "
            f"the {command.session.value} session.",
            state.id,
        )
    # INFO-2: withdrawn consent suspends an outside placement.
    missing = state.consents_missing_on(day)
    if missing and command.code.means_attending_the_placement:
        parties = " and ".join(party.value for party in missing)
        raise PolicyViolationError(
            "INFO-2",
            f"On {day.isoformat()} the consent of {parties} to this outside placement had been "
            "withdrawn, so the student cannot be recorded as attending it.",
            state.id,
        )
