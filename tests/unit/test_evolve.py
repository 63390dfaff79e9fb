"""``evolve_placement``: how each event changes a placement's state."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.base import IdempotencyRecord, fingerprint
from senad_ap.domain.placement import (
    AgreeReintegrationCriteria,
    AgreeReintegrationSupport,
    AssessNeeds,
    AssessReintegration,
    AttendanceMark,
    Consent,
    ConsentParty,
    InformationParty,
    InformationScope,
    MedicalExemption,
    PlacementStatus,
    ReintegrationAssessment,
    ReviewProgress,
    RevisePlan,
    ShareInformation,
    decide_placement,
    evolve_placement,
)
from senad_ap.domain.plan import (
    Effectiveness,
    NeedArea,
    ObjectiveProgress,
    ProgressRating,
    Setting,
)
from senad_ap.domain.provider import (
    ProviderKind,
    RegisterProvider,
    decide_provider,
    evolve_provider,
)
from senad_ap.domain.values import Destination, Weekday
from tests.unit.builders import (
    A_SCHOOL_DAY,
    FULL_TIME_DAY,
    HEAD,
    OPENED_ON,
    PLACEMENT_ID,
    PLAN_AGREED_ON,
    PROVIDER_ID,
    SCHOOL_ID,
    STARTS_ON,
    TEACHER,
    TODAY,
    agree_command,
    apply,
    consent_command,
    context,
    correct_command,
    end_command,
    exemption_command,
    open_command,
    opened,
    outside_started,
    plan,
    planned,
    provider,
    record_command,
    related,
    start_command,
    started,
    week,
    withdraw_command,
)


def test_history_must_begin_with_the_placement_opened() -> None:
    (started_event,) = decide_placement(planned(), start_command(), context(), related())

    with pytest.raises(LookupError):
        evolve_placement(None, started_event)


def test_opened_placement_holds_the_facts_of_the_opening() -> None:
    state = opened()

    facts = (state.id, state.version, state.school_id, state.student_reference, state.opened_on)
    assert facts == (PLACEMENT_ID, 1, SCHOOL_ID, "STU-0042", OPENED_ON)


def test_opened_placement_is_open() -> None:
    assert opened().status == PlacementStatus.OPEN


def test_placement_opened_at_an_outside_provider_is_outside() -> None:
    outside = provider()
    command = open_command(setting=Setting.OUTSIDE_PROVIDER, provider_id=outside.id)

    state = opened(command, related(outside))

    assert (state.opened_outside, state.is_outside) == (True, True)


def test_each_event_advances_the_version_by_one() -> None:
    state = opened()

    state = apply(state, agree_command(plan()))

    assert state.version == 2


def test_needs_assessed_records_the_day_and_areas() -> None:
    command = AssessNeeds(
        actor=TEACHER,
        effective_on=OPENED_ON,
        placement_id=PLACEMENT_ID,
        areas=(NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH, NeedArea.COGNITION_AND_LEARNING),
        summary="Anxiety in large groups; working below age-related expectations",
    )

    state = apply(opened(), command)

    assert (state.needs_assessed_on, state.need_areas) == (OPENED_ON, command.areas)


def test_plan_agreed_records_the_plan_and_the_day() -> None:
    state = planned()

    assert (state.plan, state.plan_agreed_on, state.plan_revised_on) == (
        plan(),
        PLAN_AGREED_ON,
        None,
    )


def test_plan_revised_replaces_the_plan_and_keeps_the_day_it_was_first_agreed() -> None:
    outside = provider()
    revised = plan(week(FULL_TIME_DAY, Setting.OUTSIDE_PROVIDER, outside.id))
    revision = RevisePlan(
        actor=HEAD,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        plan=revised,
        reason="Moving to the provider's site",
    )

    state = apply(planned(), revision, related(outside))

    actual = (state.plan, state.plan_agreed_on, state.plan_revised_on, state.is_outside)
    assert actual == (revised, PLAN_AGREED_ON, A_SCHOOL_DAY, True)


def test_plan_at_an_outside_provider_records_the_outside_provider() -> None:
    state = outside_started()

    assert state.plan_outside_provider_ids == (PROVIDER_ID,)


def test_consent_given_is_kept_per_party() -> None:
    state = apply(opened(), consent_command(ConsentParty.PARENTS))

    assert state.consents == {ConsentParty.PARENTS: Consent(given=True, on=PLAN_AGREED_ON)}


def test_consent_withdrawn_replaces_the_consent_of_that_party_only() -> None:
    state = opened()
    for party in ConsentParty:
        state = apply(state, consent_command(party))

    state = apply(state, withdraw_command(ConsentParty.PARENTS, on=date(2025, 2, 27)))

    assert state.consents == {
        ConsentParty.PLACING_AUTHORITY: Consent(given=True, on=PLAN_AGREED_ON),
        ConsentParty.PARENTS: Consent(given=False, on=date(2025, 2, 27)),
    }


def test_information_shared_records_the_day_per_party() -> None:
    command = ShareInformation(
        actor=TEACHER,
        effective_on=OPENED_ON,
        placement_id=PLACEMENT_ID,
        party=InformationParty.LOCAL_AUTHORITY,
        scope=(InformationScope.SPECIAL_EDUCATIONAL_NEEDS,),
    )

    state = apply(opened(), command)

    assert state.information_shared == {InformationParty.LOCAL_AUTHORITY: OPENED_ON}


def test_medical_exemption_recorded_is_kept_with_its_review_date() -> None:
    command = exemption_command()

    state = apply(opened(), command)

    expected = MedicalExemption(command.evidence_reference, OPENED_ON, command.review_on)
    assert state.medical_exemption == expected


def test_placement_started_is_active_from_its_start_date() -> None:
    state = started()

    assert (state.status, state.started_on) == (PlacementStatus.ACTIVE, STARTS_ON)


def test_status_goes_open_active_suspended_active_ended() -> None:
    state = outside_started()
    statuses = [PlacementStatus.OPEN, state.status]
    state = apply(state, withdraw_command(ConsentParty.PARENTS, on=A_SCHOOL_DAY))
    statuses.append(state.status)
    state = apply(state, consent_command(ConsentParty.PARENTS, on=date(2025, 3, 7)))
    statuses.append(state.status)
    state = apply(state, end_command())
    statuses.append(state.status)

    assert statuses == [
        PlacementStatus.OPEN,
        PlacementStatus.ACTIVE,
        PlacementStatus.SUSPENDED,
        PlacementStatus.ACTIVE,
        PlacementStatus.ENDED,
    ]


def test_suspended_since_is_the_day_consent_was_withdrawn() -> None:
    state = apply(outside_started(), withdraw_command(ConsentParty.PARENTS, on=A_SCHOOL_DAY))

    assert state.suspended_since == A_SCHOOL_DAY


def test_withdrawn_consent_does_not_suspend_an_on_site_placement() -> None:
    state = apply(started(), consent_command(ConsentParty.PARENTS, on=STARTS_ON))

    state = apply(state, withdraw_command(ConsentParty.PARENTS))

    assert state.status == PlacementStatus.ACTIVE


def test_attendance_recorded_adds_a_mark_for_the_session() -> None:
    state = apply(started(), record_command(A_SCHOOL_DAY, Session.AM, AttendanceCode.PRESENT_AM))

    expected = AttendanceMark(A_SCHOOL_DAY, Session.AM, AttendanceCode.PRESENT_AM, state.version)
    assert state.marks == {"2025-03-05 AM": expected}


def test_attendance_corrected_replaces_the_mark_and_flags_it_corrected() -> None:
    state = apply(started(), record_command(code=AttendanceCode.PRESENT_AM))

    state = apply(state, correct_command(code=AttendanceCode.ILLNESS))

    expected = AttendanceMark(
        A_SCHOOL_DAY, Session.AM, AttendanceCode.ILLNESS, state.version, corrected=True
    )
    assert state.marks == {"2025-03-05 AM": expected}


def test_attendance_corrected_leaves_other_sessions_alone() -> None:
    state = apply(started(), record_command(code=AttendanceCode.PRESENT_AM))
    state = apply(state, record_command(session=Session.PM, code=AttendanceCode.PRESENT_PM))
    afternoon = state.mark(A_SCHOOL_DAY, Session.PM)

    state = apply(state, correct_command(code=AttendanceCode.ILLNESS))

    assert state.mark(A_SCHOOL_DAY, Session.PM) == afternoon


def test_evolve_leaves_the_earlier_state_unchanged() -> None:
    before = started()

    apply(before, record_command())

    assert before.marks == {}


def test_progress_reviewed_counts_reviews_and_keeps_the_latest() -> None:
    command = ReviewProgress(
        actor=TEACHER,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        progress=(ObjectiveProgress("EN1", ProgressRating.AS_EXPECTED),),
        effectiveness=Effectiveness.PARTLY_EFFECTIVE,
        next_review_on=date(2025, 4, 16),
    )

    state = apply(started(), command)

    actual = (state.reviews, state.last_reviewed_on, state.next_review_on, state.last_effectiveness)
    assert actual == (1, A_SCHOOL_DAY, date(2025, 4, 16), Effectiveness.PARTLY_EFFECTIVE)


def test_reintegration_criteria_assessment_and_support_are_kept() -> None:
    criteria = ("Attends 90% of sessions", "Manages a full lesson in class")
    state = apply(
        started(),
        AgreeReintegrationCriteria(
            actor=HEAD, effective_on=A_SCHOOL_DAY, placement_id=PLACEMENT_ID, criteria=criteria
        ),
    )
    state = apply(
        state,
        AssessReintegration(
            actor=TEACHER,
            effective_on=TODAY,
            placement_id=PLACEMENT_ID,
            ready=False,
            criteria_met=criteria[:1],
        ),
    )
    state = apply(
        state,
        AgreeReintegrationSupport(
            actor=HEAD,
            effective_on=TODAY,
            placement_id=PLACEMENT_ID,
            support=("Phased return, two mornings a week",),
        ),
    )

    actual = (
        state.reintegration_criteria,
        state.reintegration_assessment,
        state.reintegration_support,
    )
    assert actual == (
        criteria,
        ReintegrationAssessment(ready=False, assessed_on=TODAY, criteria_met=criteria[:1]),
        ("Phased return, two mornings a week",),
    )


def test_placement_ended_records_the_day_and_destination() -> None:
    state = apply(started(), end_command(on=TODAY))

    assert (state.ended_on, state.destination) == (TODAY, Destination.SEN_SCHOOL)


def test_event_with_an_idempotency_key_keeps_the_key_its_command_and_version() -> None:
    command = attrs.evolve(record_command(), idempotency_key="register-2025-03-05-am")

    state = apply(started(), command)

    record = IdempotencyRecord(fingerprint(command), state.version)
    assert state.idempotency == {"register-2025-03-05-am": record}


def test_event_without_an_idempotency_key_keeps_no_record() -> None:
    state = apply(started(), record_command())

    assert state.idempotency == {}


def test_idempotency_records_of_earlier_commands_are_kept() -> None:
    first = attrs.evolve(record_command(), idempotency_key="am")
    second = attrs.evolve(
        record_command(session=Session.PM, code=AttendanceCode.PRESENT_PM), idempotency_key="pm"
    )

    state = apply(apply(started(), first), second)

    assert sorted(state.idempotency) == ["am", "pm"]


def test_provider_staffing_and_qualifications_are_kept_for_qual_3() -> None:
    command = RegisterProvider(
        actor=HEAD, effective_on=OPENED_ON, provider_id=PROVIDER_ID, name="Riverside College",
        kind=ProviderKind.FE_COLLEGE, delivers_accredited_education=True,
        staffing="Two qualified teachers; English and maths specialists",
    )  # fmt: skip

    (event,) = decide_provider(None, command, context(OPENED_ON), None)

    assert evolve_provider(None, event).staffing == (
        "Two qualified teachers; English and maths specialists"
    )


def test_plan_names_the_school_days_it_leaves_uncovered_for_pt_2() -> None:
    three_days = week(FULL_TIME_DAY, Setting.ON_SITE)[:3]

    assert plan(three_days).days_not_covered() == (Weekday.THURSDAY, Weekday.FRIDAY)
