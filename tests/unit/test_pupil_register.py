"""One register per pupil (STAT-1), decided in the pure domain (``domain.pupil_register``).

A pupil's placements may be open at the same time, but only one runs at a time: a start is
refused while another placement of the pupil runs or ran on or after the new start day; an
end is refused before the last marked day; a start or an end is recorded on the student's
record too; and a mark refused for a day outside its placement's running period names the
placement that holds the pupil's session.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import attrs
import pytest

from senad_ap.domain.placement import (
    EndPlacement,
    PlacementCommand,
    PlacementState,
    Related,
    StartPlacement,
    decide_placement,
)
from senad_ap.domain.pupil_register import (
    PlacementRunEnded,
    PlacementRunStarted,
    decide_run,
    holder_of,
    name_the_holder,
)
from senad_ap.domain.student import (
    StudentEvent,
    StudentState,
    decide_student_on_opening,
    evolve_student,
    student_record_id,
)
from senad_ap.errors import (
    AlreadyRecordedError,
    InvalidInputError,
    LifecycleError,
    PolicyViolationError,
    SenadApError,
)
from tests.unit.builders import (
    A_SCHOOL_DAY,
    PLACEMENT_ID,
    SCHOOL_ID,
    STARTS_ON,
    TODAY,
    apply,
    context,
    correct_command,
    end_command,
    open_command,
    planned,
    record_command,
    start_command,
    started,
)

OTHER_ID = UUID("00000000-0000-4000-8000-000000000002")
DAY = timedelta(days=1)


def as_other(command: PlacementCommand) -> PlacementCommand:
    """The same command about the pupil's other placement."""
    return attrs.evolve(command, placement_id=OTHER_ID)


def other_started(on: date = STARTS_ON) -> PlacementState:
    """The pupil's other placement (same school, same student reference), started ``on``."""
    return attrs.evolve(apply(planned(), start_command(on=on)), id=OTHER_ID)


def other_ended(started_on: date, ended_on: date) -> PlacementState:
    return apply(other_started(started_on), as_other(end_command(on=ended_on)))


def student() -> StudentState:
    """The pupil's record, listing both placements."""
    state: StudentState | None = None
    for placement_id in (OTHER_ID, PLACEMENT_ID):
        command = attrs.evolve(open_command(), placement_id=placement_id)
        for event in decide_student_on_opening(state, command, context()):
            state = evolve_student(state, event)
    assert state is not None
    return state


def start(others: dict[UUID, PlacementState], on: date = STARTS_ON) -> tuple[StudentEvent, ...]:
    command = start_command(on=on)
    assert isinstance(command, StartPlacement)
    return decide_run(student(), planned(), command, context(), others)


# --------------------------------------------------------------------------- the start
def test_start_is_refused_while_another_placement_of_the_pupil_runs() -> None:
    with pytest.raises(PolicyViolationError) as refused:
        start({OTHER_ID: other_started(STARTS_ON - 5 * DAY)})

    assert (refused.value.rule_id, str(OTHER_ID) in refused.value.reason) == ("STAT-1", True)


def test_start_is_refused_when_another_placement_ended_on_the_start_day() -> None:
    with pytest.raises(PolicyViolationError) as refused:
        start({OTHER_ID: other_ended(STARTS_ON - 5 * DAY, STARTS_ON)})

    assert (refused.value.rule_id, str(OTHER_ID) in refused.value.reason) == ("STAT-1", True)


def test_start_is_refused_before_another_placement_that_started_later() -> None:
    with pytest.raises(PolicyViolationError) as refused:
        start({OTHER_ID: other_ended(STARTS_ON + DAY, STARTS_ON + 3 * DAY)})

    assert refused.value.rule_id == "STAT-1"


def test_start_refusal_says_from_which_day_the_placement_may_start() -> None:
    with pytest.raises(PolicyViolationError) as refused:
        start({OTHER_ID: other_ended(STARTS_ON - 5 * DAY, STARTS_ON)})

    assert (STARTS_ON + DAY).isoformat() in refused.value.reason


def test_start_is_allowed_the_day_after_another_placement_ended() -> None:
    events = start({OTHER_ID: other_ended(STARTS_ON - 5 * DAY, STARTS_ON - DAY)})

    assert [type(event) for event in events] == [PlacementRunStarted]


def test_start_is_allowed_while_another_placement_is_only_open() -> None:
    others = {OTHER_ID: attrs.evolve(planned(), id=OTHER_ID)}

    assert [type(event) for event in start(others)] == [PlacementRunStarted]


def test_start_records_the_run_on_the_students_record() -> None:
    (event,) = start({})

    assert (
        event.originator_id,
        event.originator_version,
        getattr(event, "placement_id", None),
        getattr(event, "effective_on", None),
    ) == (student().id, student().version + 1, PLACEMENT_ID, STARTS_ON)


def test_start_with_no_student_record_records_nothing_on_it() -> None:
    command = start_command()
    assert isinstance(command, StartPlacement)

    assert decide_run(None, planned(), command, context(), {}) == ()


def test_run_event_leaves_the_students_facts_as_they_were() -> None:
    (event,) = start({})
    assert isinstance(event, PlacementRunStarted)

    after = evolve_student(student(), event)

    assert attrs.evolve(after, version=student().version, idempotency={}) == student()


def test_students_record_id_is_the_pupils() -> None:
    assert student().id == student_record_id(SCHOOL_ID, "STU-0042")


# --------------------------------------------------------------------------- the end
def end(placement: PlacementState, on: date = TODAY) -> tuple[StudentEvent, ...]:
    command = end_command(on=on)
    assert isinstance(command, EndPlacement)
    return decide_run(student(), placement, command, context(), {})


def test_end_records_the_run_ended_on_the_students_record() -> None:
    (event,) = end(started())

    assert (type(event), getattr(event, "effective_on", None)) == (PlacementRunEnded, TODAY)


def test_end_of_a_placement_that_never_started_records_nothing_on_the_students_record() -> None:
    assert end(planned()) == ()


def marked_on(day: date) -> PlacementState:
    return apply(started(), record_command(day))


def test_end_before_the_last_marked_day_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        apply(marked_on(A_SCHOOL_DAY), end_command(on=A_SCHOOL_DAY - DAY))

    assert (refused.value.field, A_SCHOOL_DAY.isoformat() in refused.value.message) == (
        "effective_on",
        True,
    )


def test_end_on_the_last_marked_day_is_allowed() -> None:
    ended = apply(marked_on(A_SCHOOL_DAY), end_command(on=A_SCHOOL_DAY))

    assert ended.ended_on == A_SCHOOL_DAY


# --------------------------------------------------------------------------- naming the holder
def refusal_of_mark(placement: PlacementState, day: date) -> SenadApError:
    try:
        decide_placement(placement, record_command(day), context(), Related())
    except SenadApError as refusal:
        return refusal
    raise AssertionError("the mark was not refused")  # pragma: no cover


def test_holder_of_a_day_is_the_placement_running_then() -> None:
    other = other_ended(STARTS_ON - 5 * DAY, STARTS_ON - DAY)

    assert holder_of(STARTS_ON - 2 * DAY, {OTHER_ID: other}) == other


def test_no_placement_holds_a_day_outside_every_run() -> None:
    other = other_ended(STARTS_ON - 5 * DAY, STARTS_ON - DAY)

    assert holder_of(STARTS_ON, {OTHER_ID: other}) is None


def test_mark_the_holder_already_has_is_refused_as_already_recorded_naming_it() -> None:
    holder = apply(other_started(), as_other(record_command(A_SCHOOL_DAY)))
    holder = apply(holder, as_other(end_command(on=A_SCHOOL_DAY)))
    mine = apply(planned(), start_command(on=A_SCHOOL_DAY + DAY))
    refusal = refusal_of_mark(mine, A_SCHOOL_DAY)

    named = name_the_holder(refusal, mine, record_command(A_SCHOOL_DAY), {OTHER_ID: holder})

    assert (type(named), named.rule_id, str(OTHER_ID) in named.message) == (
        AlreadyRecordedError,
        "STAT-2",
        True,
    )


def test_mark_outside_the_run_names_the_placement_whose_register_holds_the_session() -> None:
    holder = other_ended(STARTS_ON, A_SCHOOL_DAY)
    mine = apply(planned(), start_command(on=A_SCHOOL_DAY + DAY))
    refusal = refusal_of_mark(mine, A_SCHOOL_DAY)

    named = name_the_holder(refusal, mine, record_command(A_SCHOOL_DAY), {OTHER_ID: holder})

    assert (type(named), str(OTHER_ID) in named.message, str(OTHER_ID) in str(named)) == (
        InvalidInputError,
        True,
        True,
    )


def test_mark_before_any_start_names_the_running_placement() -> None:
    refusal = refusal_of_mark(planned(), A_SCHOOL_DAY)

    named = name_the_holder(
        refusal, planned(), record_command(A_SCHOOL_DAY), {OTHER_ID: other_started()}
    )

    assert (type(named), str(OTHER_ID) in named.message) == (LifecycleError, True)


def test_mark_outside_every_run_keeps_its_refusal_as_it_was() -> None:
    refusal = refusal_of_mark(planned(), A_SCHOOL_DAY)
    message = refusal.message
    holder = other_ended(STARTS_ON, STARTS_ON + DAY)

    named = name_the_holder(refusal, planned(), record_command(A_SCHOOL_DAY), {OTHER_ID: holder})

    assert (named, named.message) == (refusal, message)


def test_the_placement_itself_is_never_named_as_the_holder() -> None:
    mine = started()
    refusal = refusal_of_mark(mine, STARTS_ON - DAY)

    named = name_the_holder(refusal, mine, record_command(STARTS_ON - DAY), {PLACEMENT_ID: mine})

    assert named.message == refusal.message


def test_correction_already_held_elsewhere_keeps_its_kind_and_names_the_holder() -> None:
    holder = apply(other_started(), as_other(record_command(A_SCHOOL_DAY)))
    mine = planned()
    refusal = refusal_of_mark(mine, A_SCHOOL_DAY)
    correction = correct_command(A_SCHOOL_DAY)

    named = name_the_holder(refusal, mine, correction, {OTHER_ID: holder})

    assert (type(named), str(OTHER_ID) in named.message) == (LifecycleError, True)
