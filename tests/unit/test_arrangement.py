"""Who arranged a placement and under which power, and the codes that fit it (STAT-1): K only
for provision the local authority arranged, B only for the school's own approved activity
with its nature and supervisor, D only while dual registered, X only when not of compulsory
school age, Y7 only with its cause. Each refusal has an allowed twin."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import attrs
import pytest

from senad_ap.application.integrity import canonical
from senad_ap.domain.arrangement import ArrangedBy, ArrangementPower
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement import (
    AttendanceCorrected,
    AttendanceRecorded,
    ConsentParty,
    CorrectAttendance,
    PlacementEvent,
    PlacementOpened,
    PlacementState,
    RecordAttendance,
    decide_placement,
    evolve_placement,
)
from senad_ap.domain.plan import Reason, Setting
from senad_ap.domain.student import StudentState, decide_student_on_opening, evolve_student
from senad_ap.domain.student_facts import RecordCompulsorySchoolAge, RecordRollStatus, decide_fact
from senad_ap.errors import InvalidInputError, PolicyViolationError
from tests.unit.builders import (
    A_SCHOOL_DAY,
    PLACEMENT_ID,
    PROVIDER_ID,
    STARTS_ON,
    TEACHER,
    agree_command,
    apply,
    consent_command,
    context,
    full_time_plan_at,
    open_command,
    open_outside_command,
    opened,
    provider,
    related,
    start_command,
    started,
)

LA_POWERS = (
    ArrangementPower.EDUCATION_ACT_1996_S19,
    ArrangementPower.CHILDREN_AND_FAMILIES_ACT_2014_S42,
    ArrangementPower.CHILDREN_AND_FAMILIES_ACT_2014_S61,
)
SCHOOL_POWERS = (ArrangementPower.EDUCATION_ACT_2002_S29A, ArrangementPower.SCHOOL_COMMISSIONED)
B = AttendanceCode.APPROVED_EDUCATIONAL_ACTIVITY
ACTIVITY = {"activity": "Construction taster course", "supervised_by": "College tutor J. Bell"}
THE_DAY_AFTER = date(2025, 3, 6)


def la_started(power: ArrangementPower = ArrangementPower.EDUCATION_ACT_1996_S19) -> PlacementState:
    """A placement the local authority arranged at an outside provider, started."""
    outside = provider()
    command = attrs.evolve(
        open_outside_command(), arranged_by=ArrangedBy.LOCAL_AUTHORITY, arranged_under=power
    )
    state = opened(command, related(outside))
    state = apply(state, agree_command(full_time_plan_at(PROVIDER_ID)), related(outside))
    for party in ConsentParty:
        state = apply(state, consent_command(party))
    return apply(state, start_command(), related(outside))


def mark(code: AttendanceCode, **texts: Any) -> RecordAttendance:
    return RecordAttendance(
        actor=TEACHER,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        session=Session.AM,
        code=code,
        **texts,
    )


def refusal(state: PlacementState, command: RecordAttendance | CorrectAttendance) -> str:
    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, command, context(), related())
    return refused.value.rule_id


def recorded(state: PlacementState, command: RecordAttendance) -> AttendanceRecorded:
    (event,) = decide_placement(state, command, context(), related())
    assert isinstance(event, AttendanceRecorded)
    return event


def with_fact(
    state: PlacementState, command: RecordRollStatus | RecordCompulsorySchoolAge
) -> PlacementState:
    """``state`` after a student fact, decided the way the record decides it."""
    student: StudentState | None = None
    for opening in decide_student_on_opening(None, open_command(), context()):
        student = evolve_student(student, opening)
    assert student is not None
    for event in decide_fact(student, command, context(), {PLACEMENT_ID: state}):
        if isinstance(event, PlacementEvent):
            state = evolve_placement(state, event)
    return state


def dual_registered(on: date = STARTS_ON) -> PlacementState:
    return with_fact(
        started(),
        RecordRollStatus(
            actor=TEACHER,
            effective_on=on,
            student_reference="STU-0042",
            on_roll=True,
            dual_registered_with="140123",
        ),
    )


def not_compulsory(on: date = STARTS_ON) -> PlacementState:
    return with_fact(
        started(),
        RecordCompulsorySchoolAge(
            actor=TEACHER,
            effective_on=on,
            student_reference="STU-0042",
            compulsory_school_age=False,
        ),
    )


# --- Who arranged it --------------------------------------------------------------------------


def test_a_placement_is_arranged_by_the_school_under_its_own_commissioning_by_default() -> None:
    state = opened()

    assert (state.arranged_by, state.arranged_under) == (
        ArrangedBy.SCHOOL,
        ArrangementPower.SCHOOL_COMMISSIONED,
    )


@pytest.mark.parametrize("power", LA_POWERS, ids=lambda p: p.value)
def test_a_local_authority_placement_records_its_power(power: ArrangementPower) -> None:
    state = la_started(power)

    assert (state.arranged_by, state.arranged_under) == (ArrangedBy.LOCAL_AUTHORITY, power)


def test_who_arranged_it_is_accepted_as_its_text() -> None:
    command = attrs.evolve(
        open_command(), arranged_by="the local authority", arranged_under="s.19 Education Act 1996"
    )

    assert (command.arranged_by, command.arranged_under) == (
        ArrangedBy.LOCAL_AUTHORITY,
        ArrangementPower.EDUCATION_ACT_1996_S19,
    )


def test_a_local_authority_placement_without_its_power_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(open_command(), arranged_by=ArrangedBy.LOCAL_AUTHORITY)

    assert refused.value.field == "arranged_under"


@pytest.mark.parametrize("power", LA_POWERS, ids=lambda p: p.value)
def test_a_local_authority_power_on_a_placement_the_school_arranged_is_refused(
    power: ArrangementPower,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(open_command(), arranged_under=power)

    assert refused.value.field == "arranged_under"


@pytest.mark.parametrize("power", SCHOOL_POWERS, ids=lambda p: p.value)
def test_a_school_power_on_a_placement_the_local_authority_arranged_is_refused(
    power: ArrangementPower,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(
            open_outside_command(), arranged_by=ArrangedBy.LOCAL_AUTHORITY, arranged_under=power
        )

    assert refused.value.field == "arranged_under"


def test_an_unknown_power_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(open_command(), arranged_under="s.100 Made Up Act")

    assert refused.value.field == "arranged_under"


def test_a_direction_off_site_to_the_school_site_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(open_command(), arranged_under=ArrangementPower.EDUCATION_ACT_2002_S29A)

    assert refused.value.field == "arranged_under"


def test_a_direction_off_site_to_an_outside_provider_is_recorded() -> None:
    command = attrs.evolve(
        open_outside_command(), arranged_under=ArrangementPower.EDUCATION_ACT_2002_S29A
    )

    state = opened(command, related(provider()))

    assert state.arranged_under is ArrangementPower.EDUCATION_ACT_2002_S29A


def test_an_opening_stored_before_the_arrangement_reads_as_the_school_s_own() -> None:
    old = PlacementOpened(
        originator_id=PLACEMENT_ID, originator_version=1,
        timestamp=datetime(2025, 2, 24, 9, tzinfo=UTC), actor=TEACHER,
        effective_on=date(2025, 2, 24), policy_version="section 7, version 6",
        school_id="school-a", student_reference="STU-0042", reason=Reason.ANXIETY,
        reason_detail=None, setting=Setting.ON_SITE, location="Learning base",
        provider_id=None, outside_delivery=False, residential=False, looked_after=False,
        ehcp_reference=None, on_roll=True, location_rationale=None,
    )  # fmt: skip

    state = evolve_placement(None, old)

    assert (state.arranged_by, b"arranged" in canonical(old)) == (ArrangedBy.SCHOOL, False)


# --- K: provision the local authority arranged ------------------------------------------------


def test_stat_1_refuses_k_for_a_placement_the_school_arranged() -> None:
    assert refusal(started(), mark(AttendanceCode.LOCAL_AUTHORITY_PROVISION)) == "STAT-1"


def test_stat_1_allows_k_for_a_placement_the_local_authority_arranged() -> None:
    event = recorded(la_started(), mark(AttendanceCode.LOCAL_AUTHORITY_PROVISION))

    assert event.code is AttendanceCode.LOCAL_AUTHORITY_PROVISION


# --- B: the school's own approved, supervised educational activity ----------------------------


def test_stat_1_refuses_b_for_a_placement_the_local_authority_arranged() -> None:
    assert refusal(la_started(), mark(B, **ACTIVITY)) == "STAT-1"


def test_stat_1_refuses_b_without_the_nature_of_the_activity() -> None:
    assert refusal(started(), mark(B, supervised_by="College tutor J. Bell")) == "STAT-1"


def test_stat_1_refuses_b_without_who_supervises_it() -> None:
    assert refusal(started(), mark(B, activity="Construction taster course")) == "STAT-1"


def test_stat_1_allows_b_with_its_nature_and_supervisor_for_the_school_s_placement() -> None:
    event = recorded(started(), mark(B, **ACTIVITY))

    assert (event.activity, event.supervised_by) == (
        ACTIVITY["activity"],
        ACTIVITY["supervised_by"],
    )


def test_the_texts_of_a_mark_are_personal_data() -> None:
    assert set(AttendanceRecorded.personal) == {"activity", "supervised_by", "note"}


def test_a_mark_stored_before_its_texts_keeps_its_hash_content() -> None:
    event = recorded(started(), mark(AttendanceCode.PRESENT_AM))

    assert b"supervised_by" not in canonical(event)


# --- D: dual registered -----------------------------------------------------------------------


def test_stat_1_refuses_d_for_a_student_not_dual_registered() -> None:
    assert refusal(started(), mark(AttendanceCode.DUAL_REGISTERED)) == "STAT-1"


def test_stat_1_refuses_d_for_a_day_before_the_dual_registration() -> None:
    state = dual_registered(on=THE_DAY_AFTER)

    assert refusal(state, mark(AttendanceCode.DUAL_REGISTERED)) == "STAT-1"


def test_stat_1_allows_d_while_dual_registered() -> None:
    event = recorded(dual_registered(), mark(AttendanceCode.DUAL_REGISTERED))

    assert event.code is AttendanceCode.DUAL_REGISTERED


# --- X: not of compulsory school age ----------------------------------------------------------


def test_stat_1_refuses_x_for_a_pupil_of_compulsory_school_age() -> None:
    assert refusal(started(), mark(AttendanceCode.NOT_REQUIRED_TO_ATTEND)) == "STAT-1"


def test_stat_1_refuses_x_for_a_day_before_the_pupil_left_compulsory_school_age() -> None:
    state = not_compulsory(on=THE_DAY_AFTER)

    assert refusal(state, mark(AttendanceCode.NOT_REQUIRED_TO_ATTEND)) == "STAT-1"


def test_stat_1_allows_x_for_a_pupil_not_of_compulsory_school_age() -> None:
    event = recorded(not_compulsory(), mark(AttendanceCode.NOT_REQUIRED_TO_ATTEND))

    assert event.code is AttendanceCode.NOT_REQUIRED_TO_ATTEND


# --- Y7: any other unavoidable cause, with the cause ------------------------------------------


def test_stat_1_refuses_y7_without_its_cause() -> None:
    assert refusal(started(), mark(AttendanceCode.OTHER_UNAVOIDABLE_CAUSE)) == "STAT-1"


def test_stat_1_allows_y7_with_its_cause() -> None:
    cause = "Flooded road to the farm; no other route"
    event = recorded(started(), mark(AttendanceCode.OTHER_UNAVOIDABLE_CAUSE, note=cause))

    assert event.note == cause


# --- Corrections: the corrected code must fit too ---------------------------------------------


def correction(code: AttendanceCode, **texts: Any) -> CorrectAttendance:
    return CorrectAttendance(
        actor=TEACHER,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        session=Session.AM,
        code=code,
        reason="Entered under the wrong code",
        amended_by_name="Sam Okafor",
        amended_by_position="Attendance officer",
        **texts,
    )


def test_stat_1_refuses_a_correction_to_k_for_a_placement_the_school_arranged() -> None:
    state = apply(started(), mark(AttendanceCode.PRESENT_AM))

    assert refusal(state, correction(AttendanceCode.LOCAL_AUTHORITY_PROVISION)) == "STAT-1"


def test_stat_1_refuses_a_correction_to_b_without_its_supervisor() -> None:
    state = apply(started(), mark(AttendanceCode.PRESENT_AM))

    assert refusal(state, correction(B, activity="Construction taster course")) == "STAT-1"


def test_stat_1_allows_a_correction_to_b_with_its_nature_and_supervisor() -> None:
    state = apply(started(), mark(AttendanceCode.PRESENT_AM))

    (event,) = decide_placement(state, correction(B, **ACTIVITY), context(), related())

    assert isinstance(event, AttendanceCorrected)
    assert (event.corrected_code, event.activity) == (B, ACTIVITY["activity"])
