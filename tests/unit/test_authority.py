"""Who may decide what (COMM-1, PLAN-3), and who may read a placement."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest

from senad_ap.domain.authority import check_may_read
from senad_ap.domain.placement import (
    ConsentParty,
    PlacementCommand,
    PlacementState,
    ReviewProgress,
    RevisePlan,
    decide_placement,
)
from senad_ap.domain.plan import Effectiveness, ObjectiveProgress, ProgressRating
from senad_ap.domain.provider import AssessProviderRisk, RiskOutcome, decide_provider
from senad_ap.domain.school import (
    AppointDelegate,
    RevokeDelegation,
    SchoolState,
    decide_school,
    evolve_school,
)
from senad_ap.domain.values import Actor
from senad_ap.errors import NotAuthorisedError
from tests.unit.builders import (
    A_SCHOOL_DAY,
    DELEGATE,
    HEAD,
    INSPECTOR,
    OPENED_ON,
    OTHER_PROVIDER_ID,
    OTHER_SCHOOL_HEAD,
    OTHER_SCHOOL_TEACHER,
    PLACEMENT_ID,
    SCHOOL_ID,
    STARTS_ON,
    TEACHER,
    TODAY,
    agree_command,
    apply,
    consent_command,
    context,
    end_command,
    opened,
    outside_started,
    plan,
    planned,
    provider,
    provider_staff,
    record_command,
    related,
    school,
    start_command,
    started,
)


def _school_with_delegate() -> SchoolState:
    return school(delegates=[DELEGATE.id])


def _review_command(actor: Actor) -> ReviewProgress:
    return ReviewProgress(
        actor=actor,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        progress=(ObjectiveProgress("EN1", ProgressRating.AS_EXPECTED),),
        effectiveness=Effectiveness.EFFECTIVE,
        next_review_on=date(2025, 4, 16),
        with_provider=True,
    )


def _refusal(
    state: PlacementState, command: PlacementCommand, school_state: SchoolState | None = None
) -> NotAuthorisedError:
    """The refusal ``decide`` gives ``command``, with the school's record as ``school_state``."""
    with pytest.raises(NotAuthorisedError) as refused:
        decide_placement(state, command, context(), related(school_state=school_state))
    return refused.value


# --- PLAN-3: the plan is agreed by the Head Teacher or a recorded delegate --------------------


def test_plan_3_allows_head_teacher_to_agree_the_plan() -> None:
    state = apply(opened(), agree_command(plan(), actor=HEAD))

    assert state.plan == plan()


def test_plan_3_allows_recorded_delegate_to_agree_the_plan() -> None:
    command = agree_command(plan(), actor=DELEGATE)

    state = apply(opened(), command, related(school_state=_school_with_delegate()))

    assert state.plan == plan()


def test_plan_3_refuses_school_staff_who_are_not_delegates_to_agree_the_plan() -> None:
    command = agree_command(plan(), actor=TEACHER)

    refusal = _refusal(opened(), command, _school_with_delegate())

    assert (refusal.rule_id, refusal.actor_id) == ("PLAN-3", TEACHER.id)


def test_plan_3_refuses_delegate_when_the_school_record_is_not_given() -> None:
    refusal = _refusal(opened(), agree_command(plan(), actor=DELEGATE), None)

    assert refusal.rule_id == "PLAN-3"


def test_plan_3_refuses_delegate_whose_delegation_was_revoked() -> None:
    revoke = RevokeDelegation(actor=HEAD, effective_on=OPENED_ON, delegate_id=DELEGATE.id)
    school_state = _school_with_delegate()
    for event in decide_school(school_state, revoke, context()):
        school_state = evolve_school(school_state, event)

    refusal = _refusal(opened(), agree_command(plan(), actor=DELEGATE), school_state)

    assert refusal.rule_id == "PLAN-3"


def test_plan_3_refuses_school_staff_who_are_not_delegates_to_revise_the_plan() -> None:
    revision = RevisePlan(
        actor=TEACHER,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        plan=plan(),
        reason="New targets",
    )

    refusal = _refusal(started(), revision, _school_with_delegate())

    assert refusal.rule_id == "PLAN-3"


def test_plan_3_refuses_provider_staff_to_agree_the_plan() -> None:
    command = agree_command(plan(), actor=provider_staff())

    refusal = _refusal(opened(), command)

    assert refusal.rule_id == "PLAN-3"


# --- COMM-1: the Head Teacher or a recorded delegate commissions and ends placements ----------


def test_comm_1_allows_head_teacher_to_start_a_placement() -> None:
    state = apply(planned(), start_command(actor=HEAD))

    assert state.started_on == STARTS_ON


def test_comm_1_allows_recorded_delegate_to_start_a_placement() -> None:
    command = start_command(actor=DELEGATE)

    state = apply(planned(), command, related(school_state=_school_with_delegate()))

    assert state.started_on == STARTS_ON


def test_comm_1_refuses_school_staff_who_are_not_delegates_to_start_a_placement() -> None:
    refusal = _refusal(planned(), start_command(actor=TEACHER), _school_with_delegate())

    assert refusal.rule_id == "COMM-1"


def test_comm_1_allows_head_teacher_to_end_a_placement() -> None:
    state = apply(started(), end_command(actor=HEAD))

    assert state.ended_on == TODAY


def test_comm_1_allows_recorded_delegate_to_end_a_placement() -> None:
    command = end_command(actor=DELEGATE)

    state = apply(started(), command, related(school_state=_school_with_delegate()))

    assert state.ended_on == TODAY


def test_comm_1_refuses_school_staff_who_are_not_delegates_to_end_a_placement() -> None:
    refusal = _refusal(started(), end_command(actor=TEACHER), _school_with_delegate())

    assert refusal.rule_id == "COMM-1"


def test_comm_1_refuses_provider_staff_to_end_a_placement() -> None:
    refusal = _refusal(outside_started(), end_command(actor=provider_staff()))

    assert refusal.rule_id == "COMM-1"


def test_comm_1_refuses_school_staff_to_appoint_a_delegate() -> None:
    command = AppointDelegate(actor=TEACHER, effective_on=OPENED_ON, delegate_id=TEACHER.id)

    with pytest.raises(NotAuthorisedError) as refused:
        decide_school(None, command, context())

    assert refused.value.rule_id == "COMM-1"


def test_comm_1_refuses_delegate_to_appoint_another_delegate() -> None:
    command = AppointDelegate(actor=DELEGATE, effective_on=OPENED_ON, delegate_id=TEACHER.id)

    with pytest.raises(NotAuthorisedError) as refused:
        decide_school(_school_with_delegate(), command, context())

    assert refused.value.rule_id == "COMM-1"


def test_comm_1_refuses_school_staff_who_are_not_delegates_to_assess_provider_risk() -> None:
    command = AssessProviderRisk(
        actor=TEACHER,
        effective_on=OPENED_ON,
        provider_id=provider().id,
        outcome=RiskOutcome.SATISFACTORY,
        safeguarding_policies_seen=True,
        staff_checks_confirmed_in_writing=True,
        valid_until=date(2026, 1, 31),
    )

    with pytest.raises(NotAuthorisedError) as refused:
        decide_provider(provider(), command, context(), _school_with_delegate())

    assert refused.value.rule_id == "COMM-1"


def test_comm_1_allows_school_staff_to_record_consent() -> None:
    state = apply(opened(), consent_command(ConsentParty.PARENTS))

    assert state.consent_given(ConsentParty.PARENTS)


# --- Provider staff record only for placements at their own provider --------------------------


def test_provider_staff_record_attendance_at_their_own_provider() -> None:
    tutor = provider_staff()

    state = apply(outside_started(), record_command(actor=tutor))

    mark = state.marks["2025-03-05 AM"]
    assert mark.version == state.version


def test_provider_staff_record_progress_at_their_own_provider() -> None:
    state = apply(outside_started(), _review_command(provider_staff()))

    assert state.reviews == 1


def test_provider_staff_of_another_provider_are_refused_attendance() -> None:
    command = record_command(actor=provider_staff(OTHER_PROVIDER_ID))

    refusal = _refusal(outside_started(), command)

    assert refusal.rule_id == "COMM-1"


def test_provider_staff_of_another_provider_are_refused_progress_review() -> None:
    refusal = _refusal(outside_started(), _review_command(provider_staff(OTHER_PROVIDER_ID)))

    assert refusal.rule_id == "COMM-1"


def test_provider_staff_are_refused_attendance_for_an_on_site_placement() -> None:
    refusal = _refusal(started(), record_command(actor=provider_staff()))

    assert refusal.rule_id == "COMM-1"


def test_provider_staff_are_refused_recording_consent() -> None:
    command = attrs.evolve(consent_command(ConsentParty.PARENTS), actor=provider_staff())

    refusal = _refusal(outside_started(), command)

    assert refusal.rule_id == "COMM-1"


# --- Staff of another school, and inspectors, never record ------------------------------------


def test_staff_of_another_school_are_refused_recording_attendance() -> None:
    refusal = _refusal(started(), record_command(actor=OTHER_SCHOOL_TEACHER))

    assert (refusal.actor_id, refusal.placement_id) == (OTHER_SCHOOL_TEACHER.id, PLACEMENT_ID)


def test_head_teacher_of_another_school_is_refused_ending_a_placement() -> None:
    refusal = _refusal(started(), end_command(actor=OTHER_SCHOOL_HEAD))

    assert refusal.actor_id == OTHER_SCHOOL_HEAD.id


def test_inspector_is_refused_recording_attendance_even_with_a_grant() -> None:
    grant = school(inspectors=[(INSPECTOR.id, TODAY)])

    refusal = _refusal(started(), record_command(actor=INSPECTOR), grant)

    assert refusal.actor_id == INSPECTOR.id


# --- Reading ----------------------------------------------------------------------------------


def _may_read(reader: Actor, school_state: SchoolState | None = None, today: date = TODAY) -> bool:
    try:
        check_may_read(
            reader,
            school_id=SCHOOL_ID,
            school=school_state,
            provider_ids=outside_started().provider_ids,
            today=today,
            placement_id=PLACEMENT_ID,
        )
    except NotAuthorisedError:
        return False
    return True


def test_staff_of_the_school_may_read_its_placement() -> None:
    assert _may_read(TEACHER) is True


def test_staff_of_another_school_may_not_read_the_placement() -> None:
    assert _may_read(OTHER_SCHOOL_TEACHER) is False


def test_provider_staff_may_read_a_placement_at_their_own_provider() -> None:
    assert _may_read(provider_staff()) is True


def test_provider_staff_of_another_provider_may_not_read_the_placement() -> None:
    assert _may_read(provider_staff(OTHER_PROVIDER_ID)) is False


def test_inspector_may_not_read_without_a_grant() -> None:
    assert _may_read(INSPECTOR, school()) is False


def test_inspector_may_not_read_when_the_school_has_no_record() -> None:
    assert _may_read(INSPECTOR, None) is False


def test_inspector_may_read_with_a_current_grant() -> None:
    grant = school(inspectors=[(INSPECTOR.id, TODAY + timedelta(days=30))])

    assert _may_read(INSPECTOR, grant) is True


def test_inspector_may_read_on_the_last_day_of_the_grant() -> None:
    grant = school(inspectors=[(INSPECTOR.id, TODAY)])

    assert _may_read(INSPECTOR, grant, today=TODAY) is True


def test_inspector_may_not_read_after_the_grant_ends() -> None:
    grant = school(inspectors=[(INSPECTOR.id, TODAY)])

    assert _may_read(INSPECTOR, grant, today=TODAY + timedelta(days=1)) is False


def test_inspector_may_not_read_on_another_inspectors_grant() -> None:
    grant = school(inspectors=[("another-inspector", TODAY)])

    assert _may_read(INSPECTOR, grant) is False


def test_refused_reader_error_names_the_reader_and_placement() -> None:
    with pytest.raises(NotAuthorisedError) as refused:
        check_may_read(
            OTHER_SCHOOL_TEACHER,
            school_id=SCHOOL_ID,
            school=None,
            provider_ids=frozenset(),
            today=TODAY,
            placement_id=PLACEMENT_ID,
        )

    assert (refused.value.actor_id, refused.value.placement_id) == (
        OTHER_SCHOOL_TEACHER.id,
        PLACEMENT_ID,
    )
