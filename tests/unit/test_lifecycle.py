"""Commands that do not fit where the placement is in its life cycle are refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement import (
    ConsentParty,
    PlacementCommand,
    RevisePlan,
    decide_placement,
)
from senad_ap.errors import (
    AlreadyRecordedError,
    InvalidInputError,
    LifecycleError,
    NotFoundError,
)
from tests.unit.builders import (
    A_SATURDAY,
    A_SCHOOL_DAY,
    HEAD,
    OPENED_ON,
    PLACEMENT_ID,
    STARTS_ON,
    TODAY,
    agree_command,
    apply,
    consent_command,
    context,
    correct_command,
    end_command,
    ended,
    open_command,
    opened,
    plan,
    planned,
    record_command,
    related,
    start_command,
    started,
    withdraw_command,
)

# --- Opening ----------------------------------------------------------------------------------


def test_placement_cannot_be_opened_twice() -> None:
    with pytest.raises(AlreadyRecordedError):
        decide_placement(opened(), open_command(), context(), related())


def test_command_for_a_placement_not_on_the_record_is_refused() -> None:
    with pytest.raises(NotFoundError) as refused:
        decide_placement(None, start_command(), context(), related())

    assert (refused.value.kind, refused.value.id) == ("placement", PLACEMENT_ID)


# --- The plan ---------------------------------------------------------------------------------


def test_plan_cannot_be_agreed_twice() -> None:
    with pytest.raises(LifecycleError):
        decide_placement(planned(), agree_command(plan()), context(), related())


def test_plan_cannot_be_revised_before_one_is_agreed() -> None:
    revision = RevisePlan(
        actor=HEAD,
        effective_on=OPENED_ON,
        placement_id=PLACEMENT_ID,
        plan=plan(),
        reason="New targets",
    )

    with pytest.raises(LifecycleError):
        decide_placement(opened(), revision, context(), related())


# --- Consent ----------------------------------------------------------------------------------


def test_consent_never_given_cannot_be_withdrawn() -> None:
    with pytest.raises(LifecycleError):
        decide_placement(opened(), withdraw_command(ConsentParty.PARENTS), context(), related())


def test_consent_already_withdrawn_cannot_be_withdrawn_again() -> None:
    state = apply(opened(), consent_command(ConsentParty.PARENTS))
    state = apply(state, withdraw_command(ConsentParty.PARENTS, on=date(2025, 2, 27)))

    with pytest.raises(LifecycleError):
        decide_placement(state, withdraw_command(ConsentParty.PARENTS), context(), related())


# --- Starting ---------------------------------------------------------------------------------


def test_placement_cannot_start_twice() -> None:
    with pytest.raises(LifecycleError):
        decide_placement(started(), start_command(on=A_SCHOOL_DAY), context(), related())


# --- Attendance -------------------------------------------------------------------------------


def test_attendance_before_the_placement_started_is_refused() -> None:
    with pytest.raises(LifecycleError):
        decide_placement(planned(), record_command(date(2025, 2, 27)), context(), related())


def test_attendance_for_a_day_before_the_start_date_is_refused() -> None:
    friday_before_start = date(2025, 2, 28)

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(started(), record_command(friday_before_start), context(), related())

    assert refused.value.field == "effective_on"


def test_attendance_on_the_start_date_is_allowed() -> None:
    state = apply(started(), record_command(STARTS_ON))

    assert state.mark(STARTS_ON, Session.AM) is not None


def test_attendance_for_today_is_allowed() -> None:
    state = apply(started(), record_command(TODAY))

    assert state.mark(TODAY, Session.AM) is not None


def test_attendance_for_a_day_that_has_not_happened_is_refused() -> None:
    next_monday = TODAY + timedelta(days=3)

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(started(), record_command(next_monday), context(), related())

    assert refused.value.field == "effective_on"


def test_correction_for_a_day_that_has_not_happened_is_refused() -> None:
    next_monday = TODAY + timedelta(days=3)

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(started(), correct_command(next_monday), context(), related())

    assert refused.value.field == "effective_on"


def test_attendance_on_a_day_that_is_not_a_school_day_is_refused() -> None:
    command = record_command(A_SATURDAY, code=AttendanceCode.PRESENT_AM)

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(started(), command, context(), related())

    assert refused.value.field == "effective_on"


# --- Ending -----------------------------------------------------------------------------------


def test_placement_cannot_end_before_it_started() -> None:
    friday_before_start = date(2025, 2, 28)

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(started(), end_command(on=friday_before_start), context(), related())

    assert refused.value.field == "effective_on"


def test_placement_that_never_started_can_end() -> None:
    state = apply(planned(), end_command(on=date(2025, 2, 28)))

    assert state.ended_on == date(2025, 2, 28)


@pytest.mark.parametrize(
    "command",
    [
        record_command(),
        correct_command(),
        end_command(),
        start_command(),
        consent_command(ConsentParty.PARENTS),
        agree_command(plan()),
    ],
    ids=lambda command: type(command).__name__,
)
def test_nothing_is_recorded_after_the_placement_ended(command: PlacementCommand) -> None:
    with pytest.raises(LifecycleError) as refused:
        decide_placement(ended(), command, context(), related())

    assert refused.value.placement_id == PLACEMENT_ID
