"""Facts about a student that change, and the location's rationale, decided in the pure domain.

Each fact is recorded on the student's record and on each of their open placements (PLAN-4,
STAT-4, COMM-2); a placement opened later takes the student's facts; a change that is no change,
or dated before the last change of the same fact, is refused; only school staff record them.
The location's rationale, recorded after the opening by the Head, closes LOC-2.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import attrs
import pytest

from senad_ap.domain.base import Event
from senad_ap.domain.compliance import placement_findings
from senad_ap.domain.placement import (
    LocationRationaleRecorded,
    OpenPlacement,
    PlacementEvent,
    PlacementState,
    RecordLocationRationale,
    Related,
    StudentEhcPlanIssued,
    evolve_placement,
)
from senad_ap.domain.plan import Setting
from senad_ap.domain.student import (
    EhcPlanIssued,
    StudentEvent,
    StudentState,
    decide_student_on_opening,
    evolve_student,
    student_record_id,
)
from senad_ap.domain.student_facts import (
    RecordCompulsorySchoolAge,
    RecordEhcPlanCeased,
    RecordEhcPlanIssued,
    RecordLookedAfter,
    RecordNoLongerLookedAfter,
    RecordRollStatus,
    StudentFactCommand,
    decide_fact,
    decide_opening,
)
from senad_ap.domain.values import Actor
from senad_ap.errors import (
    AlreadyRecordedError,
    InvalidInputError,
    LifecycleError,
    NotAuthorisedError,
    NotFoundError,
)
from tests.unit.builders import (
    HEAD,
    INSPECTOR,
    OPENED_ON,
    PLACEMENT_ID,
    SCHOOL_ID,
    TEACHER,
    TODAY,
    apply,
    context,
    end_command,
    open_command,
    opened,
    provider_staff,
    started,
)

STUDENT = "STU-0042"
STUDENT_ID = student_record_id(SCHOOL_ID, STUDENT)
SECOND_PLACEMENT_ID = UUID("00000000-0000-4000-8000-000000000002")
ISSUED_ON = date(2025, 3, 10)


# --- Builders ---------------------------------------------------------------------------------


def student_of(*commands: OpenPlacement) -> StudentState:
    """The student's record after the placements ``commands`` were opened, in order."""
    state: StudentState | None = None
    for command in commands:
        for event in decide_student_on_opening(state, command, context()):
            state = evolve_student(state, event)
    assert state is not None
    return state


def fold(
    student: StudentState, placements: dict[UUID, PlacementState], events: tuple[Event, ...]
) -> tuple[StudentState, dict[UUID, PlacementState]]:
    """The student and their placements after ``events``."""
    placements = dict(placements)
    for event in events:
        if isinstance(event, StudentEvent):
            student = evolve_student(student, event)
        else:
            assert isinstance(event, PlacementEvent)
            placements[event.originator_id] = evolve_placement(
                placements.get(event.originator_id), event
            )
    return student, placements


def issued(*, on: date = ISSUED_ON, actor: Actor = TEACHER) -> RecordEhcPlanIssued:
    return RecordEhcPlanIssued(
        actor=actor, effective_on=on, student_reference=STUDENT, reference="EHCP-2025-311"
    )


def fact(command_class: type[StudentFactCommand], **fields: Any) -> StudentFactCommand:
    on: date = fields.pop("on", ISSUED_ON)
    return command_class(actor=TEACHER, effective_on=on, student_reference=STUDENT, **fields)


def one_placement() -> tuple[StudentState, dict[UUID, PlacementState]]:
    return student_of(open_command()), {PLACEMENT_ID: opened()}


def recorded(
    command: StudentFactCommand,
    student: StudentState | None = None,
    placements: dict[UUID, PlacementState] | None = None,
) -> tuple[StudentState, dict[UUID, PlacementState]]:
    if student is None:
        student, placements = one_placement()
    placements = placements or {}
    return fold(student, placements, decide_fact(student, command, context(), placements))


# --- Each fact on the student and on the placement --------------------------------------------


def test_ehc_plan_issued_is_on_the_student_record() -> None:
    student, _ = recorded(issued())

    assert (student.ehcp_reference, student.ehcp_changed_on) == ("EHCP-2025-311", ISSUED_ON)


def test_ehc_plan_issued_is_on_the_open_placement_from_its_day() -> None:
    _, placements = recorded(issued())

    placement = placements[PLACEMENT_ID]
    assert (placement.ehcp_reference, placement.ehcp_from) == ("EHCP-2025-311", ISSUED_ON)


def test_ehc_plan_issued_writes_one_event_on_each_record() -> None:
    student, placements = one_placement()

    events = decide_fact(student, issued(), context(), placements)

    assert [(type(e), e.originator_id) for e in events] == [
        (EhcPlanIssued, STUDENT_ID),
        (StudentEhcPlanIssued, PLACEMENT_ID),
    ]


def test_ehc_plan_issued_cites_plan_4_and_stat_4() -> None:
    assert StudentEhcPlanIssued.evidence_for == ("PLAN-4", "STAT-4")


def test_ehc_plan_ceased_clears_the_reference_on_the_placement() -> None:
    student, placements = recorded(issued())

    _, placements = recorded(fact(RecordEhcPlanCeased), student, placements)

    assert (placements[PLACEMENT_ID].ehcp_reference, placements[PLACEMENT_ID].ehcp_from) == (
        None,
        None,
    )


def test_ehc_plan_ceased_without_a_plan_is_refused() -> None:
    student, placements = one_placement()

    with pytest.raises(AlreadyRecordedError):
        decide_fact(student, fact(RecordEhcPlanCeased), context(), placements)


def test_the_same_ehc_plan_issued_again_is_refused() -> None:
    student, placements = recorded(issued())

    with pytest.raises(AlreadyRecordedError):
        decide_fact(student, issued(on=ISSUED_ON + timedelta(days=1)), context(), placements)


def test_a_new_ehc_plan_replaces_the_old_one() -> None:
    student, placements = recorded(issued())
    command = attrs.evolve(issued(on=ISSUED_ON + timedelta(days=1)), reference="EHCP-2025-400")

    _, placements = recorded(command, student, placements)

    assert placements[PLACEMENT_ID].ehcp_reference == "EHCP-2025-400"


def test_looked_after_from_a_day_is_on_the_placement() -> None:
    _, placements = recorded(fact(RecordLookedAfter))

    placement = placements[PLACEMENT_ID]
    assert (placement.looked_after, placement.looked_after_from) == (True, ISSUED_ON)


def test_no_longer_looked_after_is_on_the_placement() -> None:
    student, placements = recorded(fact(RecordLookedAfter))

    _, placements = recorded(
        fact(RecordNoLongerLookedAfter, on=ISSUED_ON + timedelta(days=3)), student, placements
    )

    assert (placements[PLACEMENT_ID].looked_after, placements[PLACEMENT_ID].looked_after_from) == (
        False,
        None,
    )


def test_looked_after_twice_is_refused() -> None:
    student, placements = recorded(fact(RecordLookedAfter))

    with pytest.raises(AlreadyRecordedError):
        decide_fact(student, fact(RecordLookedAfter), context(), placements)


def test_off_roll_is_on_the_placement_from_its_day() -> None:
    _, placements = recorded(fact(RecordRollStatus, on_roll=False))

    placement = placements[PLACEMENT_ID]
    assert (placement.on_roll, placement.roll_changed_on) == (False, ISSUED_ON)


def test_comm_2_off_roll_later_is_a_finding_from_that_day() -> None:
    _, placements = recorded(fact(RecordRollStatus, on_roll=False))

    found = [f for f in placement_findings(placements[PLACEMENT_ID]) if f.rule_id == "COMM-2"]

    assert [f.since for f in found] == [ISSUED_ON]


def test_comm_2_back_on_roll_closes_the_finding() -> None:
    student, placements = recorded(fact(RecordRollStatus, on_roll=False))

    _, placements = recorded(
        fact(RecordRollStatus, on_roll=True, on=ISSUED_ON + timedelta(days=7)), student, placements
    )

    assert [f for f in placement_findings(placements[PLACEMENT_ID]) if f.rule_id == "COMM-2"] == []


def test_dual_registration_names_the_other_school() -> None:
    _, placements = recorded(fact(RecordRollStatus, on_roll=True, dual_registered_with="140123"))

    assert placements[PLACEMENT_ID].dual_registered_with == "140123"


@pytest.mark.parametrize("urn", ["14012", "1401234", "14O123", ""])
def test_dual_registration_with_a_urn_not_of_six_digits_is_refused(urn: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        fact(RecordRollStatus, on_roll=True, dual_registered_with=urn)

    assert refused.value.field == "dual_registered_with"


def test_dual_registration_off_roll_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        fact(RecordRollStatus, on_roll=False, dual_registered_with="140123")

    assert refused.value.field == "dual_registered_with"


def test_not_of_compulsory_school_age_is_on_the_placement() -> None:
    _, placements = recorded(fact(RecordCompulsorySchoolAge, compulsory_school_age=False))

    placement = placements[PLACEMENT_ID]
    assert (placement.compulsory_school_age, placement.school_age_changed_on) == (False, ISSUED_ON)


def test_compulsory_school_age_already_so_is_refused() -> None:
    student, placements = one_placement()

    with pytest.raises(AlreadyRecordedError):
        decide_fact(
            student,
            fact(RecordCompulsorySchoolAge, compulsory_school_age=True),
            context(),
            placements,
        )


# --- Which placements, who, when --------------------------------------------------------------


def test_an_ended_placement_is_left_as_it_was() -> None:
    student = student_of(open_command())
    ended = apply(started(), end_command())

    events = decide_fact(student, issued(on=TODAY), context(), {PLACEMENT_ID: ended})

    assert [type(e) for e in events] == [EhcPlanIssued]


def test_every_open_placement_of_the_student_gets_the_fact() -> None:
    second = attrs.evolve(open_command(), placement_id=SECOND_PLACEMENT_ID)
    student = student_of(open_command(), second)
    placements = {PLACEMENT_ID: opened(), SECOND_PLACEMENT_ID: opened(second)}

    _, placements = recorded(issued(), student, placements)

    assert {p.ehcp_reference for p in placements.values()} == {"EHCP-2025-311"}


def test_a_fact_about_a_student_with_no_record_is_refused() -> None:
    with pytest.raises(NotFoundError) as refused:
        decide_fact(None, issued(), context(), {})

    assert refused.value.kind == "student"


def test_a_fact_after_the_erasure_is_refused_under_stat_7() -> None:
    student = attrs.evolve(student_of(open_command()), forgotten_on=OPENED_ON)

    with pytest.raises(LifecycleError) as refused:
        decide_fact(student, issued(), context(), {})

    assert refused.value.rule_id == "STAT-7"


def test_a_fact_dated_before_the_last_change_of_it_is_refused() -> None:
    student, placements = recorded(issued())

    with pytest.raises(InvalidInputError) as refused:
        decide_fact(
            student,
            fact(RecordEhcPlanCeased, on=ISSUED_ON - timedelta(days=1)),
            context(),
            placements,
        )

    assert refused.value.field == "effective_on"


def test_a_fact_dated_before_the_last_change_of_another_fact_is_recorded() -> None:
    student, placements = recorded(issued())

    student, _ = recorded(
        fact(RecordLookedAfter, on=ISSUED_ON - timedelta(days=30)), student, placements
    )

    assert student.looked_after is True


def test_the_head_may_record_a_fact() -> None:
    student, _ = recorded(issued(actor=HEAD))

    assert student.ehcp_reference == "EHCP-2025-311"


@pytest.mark.parametrize("actor", [provider_staff(), INSPECTOR], ids=["provider", "inspector"])
def test_a_fact_by_anyone_but_school_staff_is_refused(actor: Actor) -> None:
    student, placements = one_placement()

    with pytest.raises(NotAuthorisedError):
        decide_fact(student, issued(actor=actor), context(), placements)


# --- Opening a later placement ----------------------------------------------------------------


def later_opening(**facts: Any) -> OpenPlacement:
    return attrs.evolve(
        open_command(on=TODAY),
        placement_id=SECOND_PLACEMENT_ID,
        looked_after=None,
        **facts,
    )


def test_a_later_placement_takes_the_students_ehc_plan() -> None:
    student, _ = recorded(issued())

    placement = apply(None, later_opening(), related_of(student))

    assert placement.ehcp_reference == "EHCP-2025-311"


def test_a_later_placement_takes_the_students_looked_after() -> None:
    student, _ = recorded(fact(RecordLookedAfter))

    placement = apply(None, later_opening(), related_of(student))

    assert placement.looked_after is True


def test_a_later_placement_takes_the_students_compulsory_school_age() -> None:
    student, _ = recorded(fact(RecordCompulsorySchoolAge, compulsory_school_age=False))

    placement = apply(None, later_opening(), related_of(student))

    assert placement.compulsory_school_age is False


def test_a_later_placement_takes_the_students_dual_registration() -> None:
    student, _ = recorded(fact(RecordRollStatus, on_roll=True, dual_registered_with="140123"))

    placement = apply(None, later_opening(), related_of(student))

    assert placement.dual_registered_with == "140123"


def test_a_first_placement_defaults_to_no_plan_not_looked_after_on_roll() -> None:
    placement = apply(None, attrs.evolve(open_command(), looked_after=None))

    assert (placement.ehcp_reference, placement.looked_after, placement.on_roll) == (
        None,
        False,
        True,
    )


def test_an_opening_stating_a_new_fact_records_it_on_the_student_and_other_placements() -> None:
    student, placements = one_placement()

    events = decide_opening(student, later_opening(ehcp_reference="EHCP-9"), context(), placements)

    assert [(type(e).__name__, e.originator_id) for e in events] == [
        ("StudentPlacementOpened", STUDENT_ID),
        ("EhcPlanIssued", STUDENT_ID),
        ("StudentEhcPlanIssued", PLACEMENT_ID),
    ]


def test_an_opening_stating_the_students_facts_records_no_fact() -> None:
    student, placements = recorded(issued())

    events = decide_opening(
        student, later_opening(ehcp_reference="EHCP-2025-311"), context(), placements
    )

    assert [type(e).__name__ for e in events] == ["StudentPlacementOpened"]


def test_a_first_opening_with_an_ehc_plan_records_it_on_the_new_student() -> None:
    events = decide_opening(None, open_command(ehcp_reference="EHCP-9"), context(), {})

    assert [type(e).__name__ for e in events] == [
        "StudentRecorded",
        "StudentPlacementOpened",
        "EhcPlanIssued",
    ]


def related_of(student: StudentState) -> Related:
    return Related(student=student)


# --- The location's rationale (LOC-2) ---------------------------------------------------------


def rationale(actor: Actor = HEAD) -> RecordLocationRationale:
    return RecordLocationRationale(
        actor=actor,
        effective_on=TODAY,
        placement_id=PLACEMENT_ID,
        rationale="Evening therapy sessions are on site at the home",
    )


def at_the_home() -> PlacementState:
    return opened(open_command(setting=Setting.ALLIED_CHILDRENS_HOME, residential=True))


def test_loc_2_rationale_recorded_later_is_on_the_placement() -> None:
    state = apply(at_the_home(), rationale())

    assert state.location_rationale == "Evening therapy sessions are on site at the home"


def test_loc_2_rationale_recorded_later_closes_the_finding() -> None:
    state = apply(at_the_home(), rationale())

    assert [f for f in placement_findings(state) if f.rule_id == "LOC-2"] == []


def test_loc_2_without_a_rationale_is_a_finding() -> None:
    assert [f.rule_id for f in placement_findings(at_the_home()) if f.rule_id == "LOC-2"] == [
        "LOC-2"
    ]


def test_loc_2_rationale_by_staff_without_delegation_is_refused() -> None:
    with pytest.raises(NotAuthorisedError) as refused:
        apply(at_the_home(), rationale(TEACHER))

    assert refused.value.rule_id == "COMM-1"


def test_loc_2_rationale_event_is_personal_and_cites_loc_2() -> None:
    assert (LocationRationaleRecorded.personal, LocationRationaleRecorded.evidence_for) == (
        ("rationale",),
        ("LOC-2",),
    )


def test_loc_2_rationale_must_not_be_empty() -> None:
    with pytest.raises(InvalidInputError):
        attrs.evolve(rationale(), rationale=" ")
