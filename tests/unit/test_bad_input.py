"""Bad input is refused with ``InvalidInputError`` when a command is made or decided.

Wrong types are passed on purpose here, so some lines tell mypy to let them through.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from senad_ap.domain.attendance_codes import Session
from senad_ap.domain.placement import (
    AssessNeeds,
    AssessReintegration,
    RecordAttendance,
    RecordMedicalExemption,
    ReviewProgress,
    decide_placement,
)
from senad_ap.domain.plan import (
    Effectiveness,
    NeedArea,
    Objective,
    ObjectiveArea,
    ObjectiveProgress,
    ProgressRating,
    Setting,
    WeeklyHours,
)
from senad_ap.domain.provider import (
    AssessProviderRisk,
    ConfirmProviderRegistration,
    RiskOutcome,
)
from senad_ap.domain.validation import check_text
from senad_ap.domain.values import Actor, Role, Weekday
from senad_ap.errors import InvalidInputError
from tests.unit.builders import (
    A_SCHOOL_DAY,
    FULL_TIME_DAY,
    HEAD,
    OPENED_ON,
    PLACEMENT_ID,
    PLAN_AGREED_ON,
    PROVIDER_ID,
    TARGET_DATE,
    TEACHER,
    TODAY,
    agree_command,
    apply,
    context,
    objective,
    open_command,
    opened,
    plan,
    record_command,
    related,
    start_command,
    started,
    week,
)


def _needs(summary: str = "Anxiety in large groups", on: date = OPENED_ON) -> AssessNeeds:
    return AssessNeeds(
        actor=TEACHER,
        effective_on=on,
        placement_id=PLACEMENT_ID,
        areas=(NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH,),
        summary=summary,
    )


# --- Wrong types ------------------------------------------------------------------------------


def test_text_where_a_date_is_expected_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        RecordAttendance(
            actor=TEACHER,
            effective_on="2025-03-05",  # type: ignore[arg-type]
            placement_id=PLACEMENT_ID,
            session=Session.AM,
            code=record_command().code,
        )


def test_date_and_time_where_a_date_is_expected_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        record_command(datetime(2025, 3, 5, 9, 0, tzinfo=UTC))


def test_whole_number_where_yes_or_no_is_expected_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        open_command(residential=1)  # type: ignore[arg-type]


def test_yes_or_no_where_a_whole_number_is_expected_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(plan(), review_interval_weeks=True)

    assert refused.value.field == "review_interval_weeks"


def test_text_that_is_no_attendance_code_is_refused() -> None:
    # A code's own text ("I") is accepted; other text is not.
    with pytest.raises(InvalidInputError):
        attrs.evolve(record_command(), code="H")


def test_text_where_a_placement_id_is_expected_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        attrs.evolve(record_command(), placement_id=str(PLACEMENT_ID))  # type: ignore[arg-type]


def test_float_hours_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        WeeklyHours(Weekday.MONDAY, Setting.ON_SITE, 6.5)  # type: ignore[arg-type]


def test_list_where_a_tuple_is_expected_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(plan(), objectives=[objective()])  # type: ignore[arg-type]

    assert refused.value.field == "objectives"


def test_bad_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="must be"):
        open_command(residential=1)  # type: ignore[arg-type]


def test_wrong_type_for_effective_on_names_the_effective_on_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        record_command(datetime(2025, 3, 5, 9, 0, tzinfo=UTC))

    assert refused.value.field == "effective_on"


# --- Empty, long and unprintable text ---------------------------------------------------------


def test_empty_text_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        _needs(summary="")

    assert refused.value.field == "summary"


def test_blank_text_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        _needs(summary="   \n\t ")


def test_text_longer_than_allowed_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        _needs(summary="x" * 4001)


def test_text_with_control_characters_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        _needs(summary="Anxiety\x00 in large groups")


def test_text_with_terminal_escape_sequence_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        _needs(summary="\x1b[2JAnxiety")


def test_text_with_newlines_and_tabs_is_allowed() -> None:
    command = _needs(summary="Anxiety:\n\tlarge groups\n\tcorridors")

    assert command.summary == "Anxiety:\n\tlarge groups\n\tcorridors"


def test_empty_barrier_in_a_list_of_barriers_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        attrs.evolve(_needs(), barriers=("Noise", " "))


# --- Plans ------------------------------------------------------------------------------------


def test_plan_without_objectives_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(plan(), objectives=())

    assert refused.value.field == "objectives"


def test_plan_with_two_objectives_sharing_a_reference_is_refused() -> None:
    twins = (objective("EN1"), objective("EN1", ObjectiveArea.MATHEMATICS))

    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(plan(), objectives=twins)

    assert refused.value.field == "objectives"


def test_plan_naming_the_same_day_and_setting_twice_is_refused() -> None:
    monday_twice = week(FULL_TIME_DAY, days=(Weekday.MONDAY, Weekday.MONDAY))

    with pytest.raises(InvalidInputError) as refused:
        plan(monday_twice)

    assert refused.value.field == "weekly_pattern"


def test_plan_without_a_weekly_pattern_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        plan(())


def test_objective_due_on_the_day_the_plan_is_agreed_is_refused() -> None:
    due_now = attrs.evolve(objective(), target_date=PLAN_AGREED_ON)
    rushed = attrs.evolve(plan(), objectives=(due_now,))

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(opened(), agree_command(rushed), context(), related())

    assert refused.value.field == "objectives"


def test_objective_without_a_baseline_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        Objective("EN1", ObjectiveArea.ENGLISH, "Reads aloud", "", TARGET_DATE)


@pytest.mark.parametrize(
    "hours",
    [Decimal(0), Decimal("-6.5"), Decimal("24.5"), Decimal(1000), Decimal("NaN"), Decimal("Inf")],
    ids=str,
)
def test_absurd_hours_in_a_day_are_refused(hours: Decimal) -> None:
    with pytest.raises(InvalidInputError):
        WeeklyHours(Weekday.MONDAY, Setting.ON_SITE, hours)


def test_hours_at_an_outside_provider_must_name_it() -> None:
    with pytest.raises(InvalidInputError) as refused:
        WeeklyHours(Weekday.MONDAY, Setting.OUTSIDE_PROVIDER, FULL_TIME_DAY)

    assert refused.value.field == "provider_id"


def test_hours_on_site_must_not_name_a_provider() -> None:
    with pytest.raises(InvalidInputError) as refused:
        WeeklyHours(Weekday.MONDAY, Setting.ON_SITE, FULL_TIME_DAY, PROVIDER_ID)

    assert refused.value.field == "provider_id"


@pytest.mark.parametrize("weeks", [0, -1, 53])
def test_review_interval_out_of_range_is_refused(weeks: int) -> None:
    with pytest.raises(InvalidInputError):
        attrs.evolve(plan(), review_interval_weeks=weeks)


# --- Opening a placement ----------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["Jane Smith", " STU-1", "", "S" * 65, "STU\n1"])
def test_student_reference_that_could_be_a_name_or_is_malformed_is_refused(
    reference: str,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(open_command(), student_reference=reference)

    assert refused.value.field == "student_reference"


def test_student_reference_that_is_a_pseudonymous_code_is_allowed() -> None:
    command = attrs.evolve(open_command(), student_reference="2024/Y9-017.b")

    assert command.student_reference == "2024/Y9-017.b"


def test_outside_placement_without_a_provider_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        open_command(setting=Setting.OUTSIDE_PROVIDER)

    assert refused.value.field == "provider_id"


def test_usual_classes_as_the_setting_of_a_placement_are_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        open_command(setting=Setting.SCHOOL_CLASS)

    assert refused.value.field == "setting"


def test_provider_staff_who_name_no_provider_are_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        Actor("tutor", Role.PROVIDER_STAFF, "school-a")

    assert refused.value.field == "provider_id"


def test_actor_with_empty_id_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        Actor(" ", Role.SCHOOL_STAFF, "school-a")


# --- Dates out of range -----------------------------------------------------------------------


def test_placement_opened_further_ahead_than_allowed_is_refused() -> None:
    too_far = TODAY + timedelta(days=context().policy.max_days_ahead + 1)

    with pytest.raises(InvalidInputError) as refused:
        opened(open_command(on=too_far))

    assert refused.value.field == "effective_on"


def test_start_further_ahead_than_allowed_is_refused() -> None:
    state = apply(opened(), agree_command(plan()))
    too_far = TODAY + timedelta(days=context().policy.max_days_ahead + 1)

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(state, start_command(on=too_far), context(), related())

    assert refused.value.field == "effective_on"


def test_start_as_far_ahead_as_allowed_is_accepted() -> None:
    state = apply(opened(), agree_command(plan()))
    furthest = TODAY + timedelta(days=context().policy.max_days_ahead)

    state = apply(state, start_command(on=furthest))

    assert state.started_on == furthest


def test_decision_dated_before_the_placement_opened_is_refused() -> None:
    day_before = OPENED_ON - timedelta(days=1)

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(opened(), _needs(on=day_before), context(), related())

    assert refused.value.field == "effective_on"


def test_medical_exemption_reviewed_no_later_than_it_is_recorded_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        RecordMedicalExemption(
            actor=HEAD,
            effective_on=OPENED_ON,
            placement_id=PLACEMENT_ID,
            evidence_reference="Consultant's letter",
            review_on=OPENED_ON,
        )

    assert refused.value.field == "review_on"


def test_risk_assessment_valid_for_more_than_a_year_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        AssessProviderRisk(
            actor=HEAD,
            effective_on=OPENED_ON,
            provider_id=PROVIDER_ID,
            outcome=RiskOutcome.SATISFACTORY,
            safeguarding_policies_seen=True,
            staff_checks_confirmed_in_writing=True,
            valid_until=OPENED_ON + timedelta(days=367),
        )

    assert refused.value.field == "valid_until"


@pytest.mark.parametrize("urn", ["12345", "1234567a", "123 456", "123456789"])
def test_dfe_number_that_is_not_a_urn_or_ukprn_is_refused(urn: str) -> None:
    with pytest.raises(InvalidInputError):
        ConfirmProviderRegistration(
            actor=HEAD,
            effective_on=OPENED_ON,
            provider_id=PROVIDER_ID,
            urn=urn,
            evidence_reference="GIAS check",
        )


# --- Reviews and reintegration ----------------------------------------------------------------


def _review(reference: str = "EN1", next_review_on: date = date(2025, 4, 16)) -> ReviewProgress:
    return ReviewProgress(
        actor=TEACHER,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        progress=(ObjectiveProgress(reference, ProgressRating.AS_EXPECTED),),
        effectiveness=Effectiveness.EFFECTIVE,
        next_review_on=next_review_on,
    )


def test_next_review_no_later_than_this_one_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        _review(next_review_on=A_SCHOOL_DAY)

    assert refused.value.field == "next_review_on"


def test_progress_against_an_objective_the_plan_does_not_have_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        decide_placement(started(), _review("SC1"), context(), related())

    assert refused.value.field == "progress"


def test_readiness_met_against_criteria_never_agreed_is_refused() -> None:
    command = AssessReintegration(
        actor=TEACHER,
        effective_on=A_SCHOOL_DAY,
        placement_id=PLACEMENT_ID,
        ready=True,
        criteria_met=("Attends 90% of sessions",),
    )

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(started(), command, context(), related())

    assert refused.value.field == "criteria_met"


def test_text_with_a_broken_character_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_text("Room \ud800", "location", 300, "location")

    assert refused.value.field == "location"


def test_student_reference_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(open_command(), student_reference="STU-1\n")

    assert refused.value.field == "student_reference"
