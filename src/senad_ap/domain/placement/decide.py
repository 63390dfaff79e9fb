"""``decide``: a placement command and the current record give new events, or a refusal.

Each guard cites its rule id from docs/rules.md. A refusal raises one of the project's errors and
returns no events, so nothing is recorded. Findings (``should``/``will`` rules) are not checked
here: the decision is recorded and the compliance projection reports the gap.

The decisions themselves live beside it, by stage of the placement: ``decide_plan`` (needs,
the plan, a medical exemption), ``decide_start`` (consents, information shared, the start),
``decide_attendance`` (registers and corrections) and ``decide_progress`` (reviews,
reintegration, the end); ``guards`` holds the checks more than one of them makes.
"""

from __future__ import annotations

from uuid import UUID

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
    RecordLocationRationale,
    RecordMedicalExemption,
    ReviewProgress,
    RevisePlan,
    ShareInformation,
    StartPlacement,
    WithdrawConsent,
)
from senad_ap.domain.placement.contacts import ProviderContacted, RecordProviderContact
from senad_ap.domain.placement.decide_attendance import correct_attendance, record_attendance
from senad_ap.domain.placement.decide_plan import (
    agree_plan,
    assess_needs,
    record_medical_exemption,
    revise_plan,
)
from senad_ap.domain.placement.decide_progress import (
    agree_reintegration_criteria,
    agree_reintegration_support,
    assess_reintegration,
    end_placement,
    review_progress,
)
from senad_ap.domain.placement.decide_start import (
    give_consent,
    share_information,
    start_placement,
    withdraw_consent,
)
from senad_ap.domain.placement.events import (
    LocationRationaleRecorded,
    PlacementEvent,
    PlacementOpened,
    StudentRollStatusRecorded,
    StudentSchoolAgeRecorded,
)
from senad_ap.domain.placement.guards import (
    Related,
    _check_childrens_home,
    _check_has_happened,
    _provider,
)
from senad_ap.domain.placement.notifications import (
    LocalAuthorityNotified,
    RecordLocalAuthorityNotification,
)
from senad_ap.domain.placement.registration import protected
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.plan import Setting
from senad_ap.domain.provider import ProviderKind
from senad_ap.domain.values import Context
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
    RecordProviderContact: (
        Authority.SCHOOL_STAFF, "CONTACT-1", "record a contact with the provider",
    ),
    # NOTIFY-1, NOTIFY-2: the school makes the returns to the local authority (its
    # attendance staff); provider staff and inspectors do not.
    RecordLocalAuthorityNotification: (
        Authority.SCHOOL_STAFF, "COMM-1", "record a notification to the local authority",
    ),
    # LOC-2: why the placement uses its location (the children's home) is the Head's call.
    RecordLocationRationale: (
        Authority.HEAD_OR_DELEGATE, "COMM-1", "record the rationale for the location",
    ),
}  # fmt: skip


def providers_needed(state: PlacementState | None, command: PlacementCommand) -> set[UUID]:
    """The provider records ``decide`` will look at for this command."""
    ids: set[UUID] = set()
    if isinstance(command, OpenPlacement) and command.provider_id is not None:
        ids.add(command.provider_id)
    if isinstance(command, AgreePlan | RevisePlan):
        ids |= command.plan.provider_ids
    if isinstance(command, StartPlacement | RevisePlan | EndPlacement) and state is not None:
        ids |= state.provider_ids
    if (
        isinstance(command, RecordAttendance | CorrectAttendance)
        and state is not None
        and protected(state, state.plan) is not None
    ):
        # STAT-4: a present mark at an unregistered full-time setting is refused; only a
        # protected student's register needs the providers' records.
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
            raise AlreadyRecordedError(f"A placement {command.placement_id} is already open.")
        return _open(command, context, related)
    if state is None:
        raise NotFoundError(
            f"No placement {command.placement_id} is on the record.",
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
            f"at the end of retention; the record of placement {state.id} is closed.",
            placement_id=state.id,
            rule_id="STAT-7",
        )
    if state.ended_on is not None:
        raise LifecycleError(
            f"The placement {state.id} ended on {state.ended_on.isoformat()}; nothing more can "
            "be recorded.",
            placement_id=state.id,
        )
    check_effective_on(command, context, not_before=state.opened_on)
    make = EventMaker(state.id, state.version, command, context)
    match command:
        case AssessNeeds():
            return assess_needs(command, context, make)
        case RevisePlan():
            return revise_plan(state, command, context, related, make)
        case AgreePlan():
            return agree_plan(state, command, context, related, make)
        case GiveConsent():
            return give_consent(command, make)
        case WithdrawConsent():
            return withdraw_consent(state, command, make)
        case ShareInformation():
            return share_information(command, make)
        case RecordMedicalExemption():
            return record_medical_exemption(command, make)
        case StartPlacement():
            return start_placement(state, command, context, related, make)
        case RecordAttendance():
            return record_attendance(state, command, context, related, make)
        case CorrectAttendance():
            return correct_attendance(state, command, context, related, make)
        case ReviewProgress():
            return review_progress(state, command, context, make)
        case AgreeReintegrationCriteria():
            return agree_reintegration_criteria(command, make)
        case AssessReintegration():
            return assess_reintegration(state, command, context, make)
        case AgreeReintegrationSupport():
            return agree_reintegration_support(command, make)
        case EndPlacement():
            return end_placement(state, command, make)
        case RecordProviderContact():
            return _contact(state, command, context, make)
        case RecordLocalAuthorityNotification():
            # A return is evidence that it was made: not dated after today.
            _check_has_happened(command.effective_on, context, "A notification")
            return (make(LocalAuthorityNotified, kind=command.kind, reference=command.reference),)
        case RecordLocationRationale():
            return (make(LocationRationaleRecorded, rationale=command.rationale),)
    raise TypeError(f"not a placement command: {type(command).__name__}")  # pragma: no cover


def _open(command: OpenPlacement, context: Context, related: Related) -> tuple[PlacementEvent, ...]:
    actor = command.actor
    authority, rule_id, action = AUTHORITY[OpenPlacement]
    check_authority(
        actor, authority, school_id=actor.school_id, school=related.school, rule_id=rule_id,
        action=action,
    )  # fmt: skip
    check_effective_on(command, context)
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
        provider = _provider(related, command.provider_id)
        _check_named_provider(command.setting, provider.kind, provider.name)
        outside = provider.kind.is_outside
    # A fact the opening leaves out is the student's record's (``domain.student_facts``).
    student = related.student
    looked_after = command.looked_after
    if looked_after is None:
        looked_after = student is not None and student.looked_after
    ehcp_reference = command.ehcp_reference
    if ehcp_reference is None and student is not None:
        ehcp_reference = student.ehcp_reference
    on_roll = command.on_roll
    if on_roll is None:
        on_roll = student is None or student.on_roll
    make = EventMaker(command.placement_id, 0, command, context)
    opened = (
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
            looked_after=looked_after,
            ehcp_reference=ehcp_reference,
            on_roll=on_roll,
            location_rationale=command.location_rationale,
            arranged_by=command.arranged_by,
            arranged_under=command.power,
        ),
    )
    if student is None:
        return opened
    # The facts the opening's event does not carry, as the student's record holds them.
    facts: list[PlacementEvent] = []
    if student.dual_registered_with is not None and on_roll:
        facts.append(
            make(
                StudentRollStatusRecorded,
                on_roll=True,
                dual_registered_with=student.dual_registered_with,
            )
        )
    if not student.compulsory_school_age:
        facts.append(make(StudentSchoolAgeRecorded, compulsory_school_age=False))
    return (*opened, *facts)


#: The kind of provider record a placement at the school's site or the allied children's home
#: names, if it names one.
_KIND_OF_SETTING = {
    Setting.ON_SITE: ProviderKind.SCHOOL_ITSELF,
    Setting.ALLIED_CHILDRENS_HOME: ProviderKind.CHILDRENS_HOME,
}


def _check_named_provider(setting: Setting, kind: ProviderKind, name: str) -> None:
    expected = _KIND_OF_SETTING.get(setting)
    if expected is not None and kind is not expected:
        raise InvalidInputError(
            f"A placement {setting.value} names a provider recorded as '{expected.value}'; "
            f"{name} is recorded as '{kind.value}'.",
            field="provider_id",
        )


def _contact(
    state: PlacementState, command: RecordProviderContact, context: Context, make: EventMaker
) -> tuple[PlacementEvent, ...]:
    # CONTACT-1: a contact is evidence that it took place, with one of this placement's
    # providers.
    _check_has_happened(command.effective_on, context, "A contact")
    if command.provider_id not in state.provider_ids:
        raise InvalidInputError(
            f"Provider {command.provider_id} is not one of the providers of placement "
            f"{state.id}: it is neither the placement's own nor in its plan.",
            field="provider_id",
        )
    return (
        make(
            ProviderContacted,
            provider_id=command.provider_id,
            method=command.method,
            contact_with=command.contact_with,
            note=command.note,
        ),
    )
