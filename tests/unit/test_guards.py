"""Every guard rule of RULES.md: one way to break it is refused, one way to meet it is allowed.

A refusal is a ``PolicyViolationError`` naming the rule, and ``decide`` returns no events.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement import (
    AttendanceCorrected,
    ConsentParty,
    PlacementStatus,
    RevisePlan,
    decide_placement,
)
from senad_ap.domain.plan import Setting, WeeklyHours
from senad_ap.domain.provider import (
    ConfirmProviderRegistration,
    ProviderKind,
    ProviderState,
    RiskOutcome,
    decide_provider,
)
from senad_ap.domain.values import PolicyParameters, Weekday
from senad_ap.errors import (
    AlreadyRecordedError,
    InvalidInputError,
    PolicyViolationError,
)
from tests.unit.builders import (
    A_SCHOOL_DAY,
    FULL_TIME_DAY,
    HEAD,
    OPENED_ON,
    PLACEMENT_ID,
    STARTS_ON,
    agree_command,
    apply,
    consent_command,
    context,
    correct_command,
    exemption_command,
    full_time_plan_at,
    open_command,
    open_outside_command,
    opened,
    outside_planned,
    outside_started,
    part_time_plan,
    plan,
    planned,
    provider,
    provider_staff,
    record_command,
    related,
    start_command,
    started,
    unregistered_provider,
    week,
    withdraw_command,
)

# --- NEED-2: a side room of a main classroom is not alternative provision ---------------------


def test_need_2_refuses_side_room_of_a_main_classroom() -> None:
    command = open_command(setting=Setting.SIDE_ROOM_OF_CLASSROOM)

    with pytest.raises(PolicyViolationError) as refused:
        opened(command)

    assert refused.value.rule_id == "NEED-2"


def test_need_2_refuses_plan_hours_in_a_side_room_of_a_main_classroom() -> None:
    side_room_week = week(FULL_TIME_DAY, Setting.SIDE_ROOM_OF_CLASSROOM)

    with pytest.raises(PolicyViolationError) as refused:
        planned(plan(side_room_week))

    assert refused.value.rule_id == "NEED-2"


def test_need_2_allows_on_site_room_apart_from_peers() -> None:
    state = opened(open_command(setting=Setting.ON_SITE))

    assert state.setting == Setting.ON_SITE


# --- PLAN-2: full-time provision unless a medical condition makes it inappropriate ------------


def test_plan_2_refuses_part_time_plan_at_agreement() -> None:
    with pytest.raises(PolicyViolationError) as refused:
        planned(part_time_plan())

    assert refused.value.rule_id == "PLAN-2"


def test_plan_2_refuses_plan_made_full_time_only_by_weekend_hours() -> None:
    weekdays = week(Decimal("6"))  # 30 hours
    saturday = (WeeklyHours(Weekday.SATURDAY, Setting.ON_SITE, Decimal("5")),)

    with pytest.raises(PolicyViolationError) as refused:
        planned(plan(weekdays + saturday))

    assert refused.value.rule_id == "PLAN-2"


def test_plan_2_refuses_start_when_the_agreed_plan_is_below_full_time() -> None:
    # The plan was agreed when the school group counted 20 hours as full-time; it now counts 32.5.
    lenient = context(policy=PolicyParameters(full_time_hours=Decimal("20")))
    state = apply(opened(), agree_command(part_time_plan()), ctx=lenient)

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, start_command(), context(), related())

    assert refused.value.rule_id == "PLAN-2"


def test_plan_2_refuses_start_without_an_agreed_plan() -> None:
    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(opened(), start_command(), context(), related())

    assert refused.value.rule_id == "PLAN-2"


def test_plan_2_allows_part_time_plan_with_medical_exemption() -> None:
    exempt = apply(opened(), exemption_command())

    state = apply(exempt, agree_command(part_time_plan()))

    assert state.plan == part_time_plan()


def test_plan_2_allows_start_of_part_time_placement_with_medical_exemption() -> None:
    exempt = apply(opened(), exemption_command())
    state = apply(exempt, agree_command(part_time_plan()))

    state = apply(state, start_command())

    assert state.started_on == STARTS_ON


def test_plan_2_allows_full_time_made_up_across_two_settings() -> None:
    outside = provider()
    days_on_site = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY)
    days_outside = (Weekday.THURSDAY, Weekday.FRIDAY)
    pattern = week(FULL_TIME_DAY, days=days_on_site) + week(
        FULL_TIME_DAY, Setting.OUTSIDE_PROVIDER, outside.id, days=days_outside
    )

    state = apply(opened(), agree_command(plan(pattern)), related(outside))

    assert state.plan is not None
    assert state.plan.weekly_hours == Decimal("32.5")


# --- COMM-3: accredited education only at a setting confirmed registered with the DfE ---------


def test_comm_3_refuses_start_when_registration_of_accredited_provider_is_not_confirmed() -> None:
    unconfirmed = provider(accredited=True, confirmed=False)
    state = outside_planned(unconfirmed)

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, start_command(), context(), related(unconfirmed))

    assert refused.value.rule_id == "COMM-3"


def test_comm_3_refuses_start_at_unregistered_provider_delivering_accredited_education() -> None:
    unregistered = provider(kind=ProviderKind.UNREGISTERED, accredited=True, confirmed=False)
    state = outside_planned(unregistered)

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, start_command(), context(), related(unregistered))

    assert refused.value.rule_id == "COMM-3"


def test_comm_3_refuses_to_confirm_registration_of_an_unregistered_provider() -> None:
    unregistered = provider(kind=ProviderKind.UNREGISTERED, accredited=True, confirmed=False)
    command = ConfirmProviderRegistration(
        actor=HEAD,
        effective_on=OPENED_ON,
        provider_id=unregistered.id,
        urn="123456",
        evidence_reference="GIAS check",
    )

    with pytest.raises(PolicyViolationError) as refused:
        decide_provider(unregistered, command, context(), None)

    assert refused.value.rule_id == "COMM-3"


def test_comm_3_allows_start_when_registration_is_confirmed() -> None:
    confirmed = provider(accredited=True, confirmed=True)

    state = outside_started(confirmed)

    assert state.started_on == STARTS_ON


def test_comm_3_allows_unconfirmed_provider_that_delivers_no_accredited_education() -> None:
    not_accredited = provider(accredited=False, confirmed=False)

    state = outside_started(not_accredited)

    assert state.started_on == STARTS_ON


# --- COMM-4: a current, satisfactory risk assessment before the start -------------------------


def _start_refusal_rule(provider_state: ProviderState) -> str:
    """The rule named when a fully consented, full-time placement there is started."""
    state = outside_planned(provider_state)
    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, start_command(), context(), related(provider_state))
    return refused.value.rule_id


def test_comm_4_refuses_start_at_provider_never_risk_assessed() -> None:
    assert _start_refusal_rule(provider(assessed=False)) == "COMM-4"


def test_comm_4_refuses_start_when_risk_assessment_found_it_unsafe() -> None:
    assert _start_refusal_rule(provider(outcome=RiskOutcome.UNSATISFACTORY)) == "COMM-4"


def test_comm_4_refuses_start_when_safeguarding_policies_were_not_seen() -> None:
    assert _start_refusal_rule(provider(safeguarding_policies_seen=False)) == "COMM-4"


def test_comm_4_refuses_start_when_staff_checks_are_not_confirmed_in_writing() -> None:
    assert _start_refusal_rule(provider(staff_checks_confirmed=False)) == "COMM-4"


def test_comm_4_refuses_start_when_risk_assessment_expired_before_the_start_date() -> None:
    expired = provider(assessed_on=date(2024, 3, 1), valid_until=date(2025, 3, 1))

    assert _start_refusal_rule(expired) == "COMM-4"


def test_comm_4_allows_start_with_current_satisfactory_risk_assessment() -> None:
    state = outside_started(provider())

    assert state.status == PlacementStatus.ACTIVE


def test_comm_4_allows_start_on_the_last_day_the_risk_assessment_is_valid() -> None:
    last_day = provider(assessed_on=date(2024, 3, 4), valid_until=STARTS_ON)

    state = outside_started(last_day)

    assert state.started_on == STARTS_ON


def test_comm_4_refuses_revision_moving_a_started_placement_to_an_unassessed_provider() -> None:
    unassessed = provider(assessed=False)
    state = started()
    for party in ConsentParty:
        state = apply(state, consent_command(party))
    revision = RevisePlan(
        actor=HEAD,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        plan=full_time_plan_at(unassessed.id),
        reason="Moving to the provider's site",
    )

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, revision, context(), related(unassessed))

    assert refused.value.rule_id == "COMM-4"


# --- INFO-2: outside parties only with the placing authority's and parents' consent -----------


def test_info_2_refuses_start_without_placing_authority_consent() -> None:
    outside = provider()
    state = outside_planned(outside, consented=False)
    state = apply(state, consent_command(ConsentParty.PARENTS))

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, start_command(), context(), related(outside))

    assert refused.value.rule_id == "INFO-2"


def test_info_2_refuses_start_without_parents_agreement() -> None:
    outside = provider()
    state = outside_planned(outside, consented=False)
    state = apply(state, consent_command(ConsentParty.PLACING_AUTHORITY))

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, start_command(), context(), related(outside))

    assert refused.value.rule_id == "INFO-2"


def test_info_2_refuses_start_after_a_consent_was_withdrawn() -> None:
    outside = provider()
    state = outside_planned(outside)
    state = apply(state, withdraw_command(ConsentParty.PARENTS, on=date(2025, 2, 28)))

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, start_command(), context(), related(outside))

    assert refused.value.rule_id == "INFO-2"


def test_info_2_allows_start_with_both_consents() -> None:
    state = outside_started()

    assert state.started_on == STARTS_ON


def test_info_2_allows_on_site_placement_to_start_without_outside_consents() -> None:
    state = started()

    assert state.consents == {}


def test_info_2_refuses_revision_moving_a_started_placement_outside_without_consent() -> None:
    outside = provider()
    revision = RevisePlan(
        actor=HEAD,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        plan=full_time_plan_at(outside.id),
        reason="Moving to the provider's site",
    )

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(started(), revision, context(), related(outside))

    assert refused.value.rule_id == "INFO-2"


def test_info_2_refuses_attending_mark_after_consent_withdrawn() -> None:
    state = apply(outside_started(), withdraw_command(ConsentParty.PLACING_AUTHORITY))

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, record_command(A_SCHOOL_DAY), context(), related())

    assert refused.value.rule_id == "INFO-2"


def test_info_2_refuses_off_site_activity_mark_after_consent_withdrawn() -> None:
    state = apply(outside_started(), withdraw_command(ConsentParty.PLACING_AUTHORITY))
    command = record_command(
        A_SCHOOL_DAY, code=AttendanceCode.APPROVED_EDUCATIONAL_ACTIVITY, actor=provider_staff()
    )

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, command, context(), related())

    assert refused.value.rule_id == "INFO-2"


def test_info_2_allows_absence_mark_after_consent_withdrawn() -> None:
    state = apply(outside_started(), withdraw_command(ConsentParty.PARENTS))

    state = apply(state, record_command(A_SCHOOL_DAY, code=AttendanceCode.OTHER_UNAUTHORISED))

    mark = state.mark(A_SCHOOL_DAY, Session.AM)
    assert mark is not None
    assert mark.code == AttendanceCode.OTHER_UNAUTHORISED


def test_info_2_allows_attending_mark_for_a_day_before_consent_was_withdrawn() -> None:
    state = apply(outside_started(), withdraw_command(ConsentParty.PARENTS))
    day_before = date(2025, 3, 4)

    state = apply(state, record_command(day_before))

    mark = state.mark(day_before, Session.AM)
    assert mark is not None
    assert mark.code == AttendanceCode.PRESENT_AM


def test_info_2_allows_attending_mark_after_consent_is_given_again() -> None:
    state = apply(outside_started(), withdraw_command(ConsentParty.PARENTS))
    state = apply(state, consent_command(ConsentParty.PARENTS, on=date(2025, 3, 7)))
    monday = date(2025, 3, 10)

    state = apply(state, record_command(monday))

    mark = state.mark(monday, Session.AM)
    assert mark is not None
    assert mark.code == AttendanceCode.PRESENT_AM


# --- LOC-3: the allied children's home only for residential students --------------------------


def test_loc_3_refuses_childrens_home_for_non_residential_student_at_open() -> None:
    command = open_command(setting=Setting.ALLIED_CHILDRENS_HOME, residential=False)

    with pytest.raises(PolicyViolationError) as refused:
        opened(command)

    assert refused.value.rule_id == "LOC-3"


def test_loc_3_refuses_childrens_home_hours_in_plan_of_non_residential_student() -> None:
    home_week = week(FULL_TIME_DAY, Setting.ALLIED_CHILDRENS_HOME)

    with pytest.raises(PolicyViolationError) as refused:
        planned(plan(home_week))

    assert refused.value.rule_id == "LOC-3"


def test_loc_3_allows_childrens_home_for_residential_student() -> None:
    command = open_command(setting=Setting.ALLIED_CHILDRENS_HOME, residential=True)

    state = apply(opened(command), agree_command(plan(week(FULL_TIME_DAY, command.setting))))

    assert state.setting == Setting.ALLIED_CHILDRENS_HOME


# --- STAT-1: '/' marks the morning and '\' the afternoon --------------------------------------


def test_stat_1_refuses_morning_code_for_afternoon_session() -> None:
    command = record_command(session=Session.PM, code=AttendanceCode.PRESENT_AM)

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(started(), command, context(), related())

    assert refused.value.rule_id == "STAT-1"


def test_stat_1_refuses_afternoon_code_for_morning_session() -> None:
    command = record_command(session=Session.AM, code=AttendanceCode.PRESENT_PM)

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(started(), command, context(), related())

    assert refused.value.rule_id == "STAT-1"


def test_stat_1_allows_present_codes_for_their_own_sessions() -> None:
    state = apply(started(), record_command(session=Session.AM, code=AttendanceCode.PRESENT_AM))
    state = apply(state, record_command(session=Session.PM, code=AttendanceCode.PRESENT_PM))

    codes = {key: mark.code for key, mark in state.marks.items()}
    assert codes == {
        "2025-03-05 AM": AttendanceCode.PRESENT_AM,
        "2025-03-05 PM": AttendanceCode.PRESENT_PM,
    }


def test_stat_1_allows_other_codes_in_either_session() -> None:
    state = apply(started(), record_command(session=Session.AM, code=AttendanceCode.LATE))
    state = apply(state, record_command(session=Session.PM, code=AttendanceCode.ILLNESS))

    codes = [mark.code for mark in state.marks.values()]
    assert codes == [AttendanceCode.LATE, AttendanceCode.ILLNESS]


# --- STAT-2: an amendment keeps the original entry --------------------------------------------


def test_stat_2_correction_keeps_the_original_code_and_points_to_the_mark_it_corrects() -> None:
    state = apply(started(), record_command(code=AttendanceCode.PRESENT_AM))
    recorded_version = state.version

    (event,) = decide_placement(
        state, correct_command(code=AttendanceCode.ILLNESS), context(), related()
    )

    assert isinstance(event, AttendanceCorrected)
    facts = (event.original_code, event.corrected_code, event.corrects_version)
    assert facts == (AttendanceCode.PRESENT_AM, AttendanceCode.ILLNESS, recorded_version)


def test_stat_2_correction_carries_reason_actor_and_date() -> None:
    tutor = provider_staff()
    state = apply(outside_started(), record_command(code=AttendanceCode.PRESENT_AM))
    command = correct_command(code=AttendanceCode.ILLNESS, actor=tutor)

    (event,) = decide_placement(state, command, context(), related())

    assert isinstance(event, AttendanceCorrected)
    facts = (event.reason, event.actor, event.effective_on, event.timestamp)
    assert facts == (command.reason, tutor, A_SCHOOL_DAY, context().recorded_at)


def test_stat_2_correction_of_a_correction_points_to_the_earlier_correction() -> None:
    state = apply(started(), record_command(code=AttendanceCode.PRESENT_AM))
    state = apply(state, correct_command(code=AttendanceCode.ILLNESS))
    first_correction_version = state.version

    (event,) = decide_placement(
        state, correct_command(code=AttendanceCode.MEDICAL_APPOINTMENT), context(), related()
    )

    assert isinstance(event, AttendanceCorrected)
    facts = (event.original_code, event.corrects_version)
    assert facts == (AttendanceCode.ILLNESS, first_correction_version)


def test_stat_2_refuses_to_correct_a_session_never_marked() -> None:
    with pytest.raises(InvalidInputError) as refused:
        decide_placement(started(), correct_command(), context(), related())

    assert refused.value.field == "session"


def test_stat_2_refuses_a_correction_that_changes_nothing() -> None:
    state = apply(started(), record_command(code=AttendanceCode.ILLNESS))

    with pytest.raises(AlreadyRecordedError):
        decide_placement(state, correct_command(code=AttendanceCode.ILLNESS), context(), related())


def test_stat_2_refuses_a_second_mark_for_the_same_session() -> None:
    state = apply(started(), record_command(code=AttendanceCode.PRESENT_AM))

    with pytest.raises(AlreadyRecordedError):
        decide_placement(state, record_command(code=AttendanceCode.ILLNESS), context(), related())


# --- STAT-4: an unregistered setting is never the full-time setting of an EHCP / LAC pupil ---


def _agree_full_time_at_unregistered(*, looked_after: bool, ehcp_reference: str | None) -> None:
    unregistered = unregistered_provider()
    command = open_outside_command(
        unregistered.id, looked_after=looked_after, ehcp_reference=ehcp_reference
    )
    state = opened(command, related(unregistered))
    apply(state, agree_command(full_time_plan_at(unregistered.id)), related(unregistered))


def test_stat_4_refuses_full_time_at_unregistered_provider_for_student_with_ehcp() -> None:
    with pytest.raises(PolicyViolationError) as refused:
        _agree_full_time_at_unregistered(looked_after=False, ehcp_reference="EHCP-2023-117")

    assert refused.value.rule_id == "STAT-4"


def test_stat_4_refuses_full_time_at_unregistered_provider_for_looked_after_student() -> None:
    with pytest.raises(PolicyViolationError) as refused:
        _agree_full_time_at_unregistered(looked_after=True, ehcp_reference=None)

    assert refused.value.rule_id == "STAT-4"


def test_stat_4_refuses_start_when_the_plan_became_full_time_at_unregistered_provider() -> None:
    # Agreed when the registration test (STAT-4) was set at 40 hours; it is now 18.
    unregistered = unregistered_provider()
    lenient = context(policy=PolicyParameters(registration_full_time_hours=Decimal("40")))
    command = open_outside_command(unregistered.id, ehcp_reference="EHCP-2023-117")
    state = apply(opened(command, related(unregistered)), exemption_command())
    state = apply(
        state, agree_command(full_time_plan_at(unregistered.id)), related(unregistered), lenient
    )
    for party in ConsentParty:
        state = apply(state, consent_command(party))

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, start_command(), context(), related(unregistered))

    assert refused.value.rule_id == "STAT-4"


def test_stat_4_allows_part_time_hours_at_unregistered_provider_for_student_with_ehcp() -> None:
    unregistered = unregistered_provider()
    days_outside = (Weekday.MONDAY, Weekday.TUESDAY)
    days_on_site = (Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
    pattern = week(FULL_TIME_DAY, Setting.OUTSIDE_PROVIDER, unregistered.id, days_outside)
    pattern += week(FULL_TIME_DAY, Setting.ON_SITE, days=days_on_site)
    command = open_outside_command(unregistered.id, ehcp_reference="EHCP-2023-117")
    state = opened(command, related(unregistered))

    state = apply(state, agree_command(plan(pattern)), related(unregistered))

    assert state.plan is not None
    assert state.plan.hours_at(unregistered.id) == Decimal("13.0")


def test_stat_4_allows_full_time_at_unregistered_provider_for_student_with_neither() -> None:
    unregistered = unregistered_provider()
    state = opened(open_outside_command(unregistered.id), related(unregistered))

    state = apply(state, agree_command(full_time_plan_at(unregistered.id)), related(unregistered))

    assert state.plan_outside_provider_ids == (unregistered.id,)


def test_stat_4_allows_full_time_at_registered_provider_for_student_with_ehcp() -> None:
    registered = provider()
    command = open_outside_command(registered.id, ehcp_reference="EHCP-2023-117", looked_after=True)
    state = opened(command, related(registered))

    state = apply(state, agree_command(full_time_plan_at(registered.id)), related(registered))

    assert state.plan_outside_provider_ids == (registered.id,)


# --- Hours a day ------------------------------------------------------------------------------


def test_plan_2_refuses_full_time_reached_with_more_hours_a_day_than_allowed() -> None:
    outside = provider()
    monday = (
        WeeklyHours(Weekday.MONDAY, Setting.ON_SITE, Decimal("20")),
        WeeklyHours(Weekday.MONDAY, Setting.OUTSIDE_PROVIDER, Decimal("13"), outside.id),
    )

    with pytest.raises(InvalidInputError):
        decide_placement(opened(), agree_command(plan(monday)), context(), related(outside))


def test_info_2_refuses_attending_between_two_withdrawals() -> None:
    state = apply(outside_started(), withdraw_command(ConsentParty.PARENTS, on=A_SCHOOL_DAY))
    later = A_SCHOOL_DAY + timedelta(days=2)
    state = apply(state, withdraw_command(ConsentParty.PLACING_AUTHORITY, on=later))

    with pytest.raises(PolicyViolationError) as refused:
        apply(state, record_command(A_SCHOOL_DAY + timedelta(days=1)))

    assert refused.value.rule_id == "INFO-2"


def test_info_2_refuses_attending_in_a_withdrawn_spell_after_consent_is_given_again() -> None:
    state = apply(outside_started(), withdraw_command(ConsentParty.PARENTS, on=A_SCHOOL_DAY))
    state = apply(state, consent_command(ConsentParty.PARENTS, on=A_SCHOOL_DAY + timedelta(days=2)))

    with pytest.raises(PolicyViolationError) as refused:
        apply(state, record_command(A_SCHOOL_DAY + timedelta(days=1)))

    assert refused.value.rule_id == "INFO-2"


def test_info_2_allows_attending_after_consent_is_given_again() -> None:
    state = apply(outside_started(), withdraw_command(ConsentParty.PARENTS, on=A_SCHOOL_DAY))
    state = apply(state, consent_command(ConsentParty.PARENTS, on=A_SCHOOL_DAY + timedelta(days=1)))

    marked = apply(state, record_command(A_SCHOOL_DAY + timedelta(days=2)))

    assert marked.version == state.version + 1
