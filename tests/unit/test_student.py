"""The student's record, retention (STAT-7) and erasure, decided in the pure domain.

``retention_ends_on`` says when both retention periods have ended; ``decide_forget`` erases
only then and only for the Head; an erased placement is closed to every decision; and every
text field of every event is classified as personal data or as an identifier that stays
readable (docs/personal-data.md), so a new field cannot slip past the sealing unnoticed.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from senad_ap.application.integrity import canonical
from senad_ap.domain.base import Command, Event
from senad_ap.domain.personal import personal_fields
from senad_ap.domain.placement import (
    AgreeReintegrationCriteria,
    ConsentParty,
    OpenPlacement,
    PlacementCommand,
    PlacementRecordErased,
    PlacementState,
    PlacementStatus,
    ReintegrationAssessment,
    Related,
    decide_placement,
    evolve_placement,
    school_year_of,
)
from senad_ap.domain.plan import Objective, ObjectiveProgress, Plan
from senad_ap.domain.student import (
    ForgetStudent,
    StudentDetailsRecorded,
    StudentForgotten,
    StudentPlacementOpened,
    StudentRecorded,
    StudentState,
    add_years,
    decide_forget,
    decide_student_on_opening,
    evolve_student,
    last_entry_on,
    retention_ends_on,
    student_record_id,
)
from senad_ap.domain.values import Actor, PolicyParameters
from senad_ap.errors import (
    InvalidInputError,
    LifecycleError,
    NotAuthorisedError,
    NotFoundError,
    PolicyViolationError,
)
from senad_ap.projections.audit import coarse_facts
from senad_ap.projections.wording import JSONValue
from tests.unit.builders import (
    A_SCHOOL_DAY,
    HEAD,
    INSPECTOR,
    OPENED_ON,
    PLACEMENT_ID,
    PLAN_AGREED_ON,
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
    open_command,
    opened,
    plan,
    provider_staff,
    record_command,
    start_command,
    started,
    withdraw_command,
)

STUDENT = "STU-0042"
STUDENT_ID = student_record_id(SCHOOL_ID, STUDENT)
SECOND_PLACEMENT_ID = UUID("00000000-0000-4000-8000-000000000002")
BORN_ON = date(2012, 3, 4)
#: The SEN file's period ends last for a student born on ``BORN_ON`` whose placement opened on
#: ``OPENED_ON``: 4 March 2043 (the registers' ended on 24 February 2031).
RETENTION_ENDS_ON = date(2043, 3, 4)
DEFAULTS = PolicyParameters()


# --- Builders ---------------------------------------------------------------------------------


def open_for_student(
    placement_id: UUID = PLACEMENT_ID,
    *,
    name: str | None = "Alice Example",
    born_on: date | None = BORN_ON,
    on: date = OPENED_ON,
) -> OpenPlacement:
    """An on-site placement opened for ``STUDENT`` with their name and date of birth."""
    return attrs.evolve(
        open_command(on=on), placement_id=placement_id, student_name=name, date_of_birth=born_on
    )


def student_after(*commands: OpenPlacement) -> StudentState:
    """The student's record after the placements ``commands`` were opened, in order."""
    state: StudentState | None = None
    for command in commands:
        for event in decide_student_on_opening(state, command, context()):
            state = evolve_student(state, event)
    assert state is not None
    return state


def forget_command(*, actor: Actor = HEAD, on: date = RETENTION_ENDS_ON) -> ForgetStudent:
    return ForgetStudent(actor=actor, effective_on=on, student_reference=STUDENT)


def forget(
    student: StudentState | None,
    placements: dict[UUID, PlacementState],
    *,
    actor: Actor = HEAD,
    on: date = RETENTION_ENDS_ON,
    born_on: date | None = BORN_ON,
) -> tuple[Event, ...]:
    """``decide_forget`` on ``on``, with the clock on the same day."""
    return decide_forget(
        student, forget_command(actor=actor, on=on), context(on), placements, born_on
    )


def one_placement() -> tuple[StudentState, dict[UUID, PlacementState]]:
    """A student with one placement, opened on ``OPENED_ON``; nothing else recorded."""
    return student_after(open_for_student()), {PLACEMENT_ID: opened(open_for_student())}


def erased(state: PlacementState, student: StudentState | None = None) -> PlacementState:
    """``state`` after the student's erasure on ``RETENTION_ENDS_ON``."""
    student = student or student_after(open_for_student())
    for event in forget(student, {state.id: state}):
        if isinstance(event, PlacementRecordErased):
            state = evolve_placement(state, event)
    return state


def forgotten_student() -> StudentState:
    student, placements = one_placement()
    for event in forget(student, placements):
        if isinstance(event, StudentForgotten):
            student = evolve_student(student, event)
    return student


# --- retention_ends_on ------------------------------------------------------------------------


def test_registers_rule_ends_retention_six_years_after_the_last_entry() -> None:
    # Born long ago: the SEN file's 31 years ended before the registers' six.
    born_on = date(1995, 5, 1)

    assert retention_ends_on(born_on, [date(2025, 2, 24)], DEFAULTS) == date(2031, 2, 24)


def test_sen_file_rule_ends_retention_31_years_after_the_date_of_birth() -> None:
    assert retention_ends_on(BORN_ON, [date(2025, 2, 24)], DEFAULTS) == date(2043, 3, 4)


def test_registers_rule_counts_from_the_latest_of_the_last_entries() -> None:
    entries = [date(2025, 2, 24), date(2029, 7, 18), date(2026, 1, 5)]

    assert retention_ends_on(date(2000, 5, 1), entries, DEFAULTS) == date(2035, 7, 18)


@given(
    born_on=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))),
    entries=st.lists(st.dates(date(2000, 1, 1), date(2060, 12, 31)), min_size=1, max_size=4),
)
@settings(max_examples=30)
def test_retention_ends_when_the_later_of_the_two_periods_ends(
    born_on: date | None, entries: list[date]
) -> None:
    registers = add_years(max(entries), 6)
    sen_file = add_years(born_on or max(entries), 31)

    assert retention_ends_on(born_on, entries, DEFAULTS) == max(registers, sen_file)


def test_without_a_date_of_birth_retention_ends_31_years_after_the_last_entry() -> None:
    assert retention_ends_on(None, [date(2025, 2, 24)], DEFAULTS) == date(2056, 2, 24)


def test_a_29_february_birthday_ends_retention_on_28_february_of_a_common_year() -> None:
    assert retention_ends_on(date(2012, 2, 29), [date(2025, 2, 24)], DEFAULTS) == date(2043, 2, 28)


def test_add_years_keeps_29_february_in_a_leap_year() -> None:
    assert add_years(date(2012, 2, 29), 4) == date(2016, 2, 29)


def test_add_years_moves_29_february_to_28_february_in_a_common_year() -> None:
    assert add_years(date(2012, 2, 29), 1) == date(2013, 2, 28)


def test_retention_follows_the_policy_parameters_given() -> None:
    policy = PolicyParameters(register_retention_years=10, sen_file_retention_years=20)

    # Registers: 2025 + 10 = 2035; SEN file: 2012 + 20 = 2032. The later wins.
    assert retention_ends_on(BORN_ON, [date(2025, 2, 24)], policy) == date(2035, 2, 24)


# --- decide_student_on_opening ----------------------------------------------------------------


def test_first_placement_begins_the_students_record_and_lists_the_placement() -> None:
    events = decide_student_on_opening(None, open_for_student(), context())

    assert [type(e) for e in events] == [StudentRecorded, StudentPlacementOpened]


def test_the_record_begun_holds_the_name_and_the_date_of_birth_as_text() -> None:
    recorded = decide_student_on_opening(None, open_for_student(), context())[0]

    assert isinstance(recorded, StudentRecorded)
    assert (recorded.originator_id, recorded.name, recorded.date_of_birth) == (
        STUDENT_ID,
        "Alice Example",
        "2012-03-04",
    )


def test_a_record_that_begins_takes_the_id_the_application_gives() -> None:
    keyed = UUID("8d5b6a1e-2f4c-4b7a-9e3d-1c0f6a2b3d4e")

    events = decide_student_on_opening(None, open_for_student(), context(), record_id=keyed)

    assert {e.originator_id for e in events} == {keyed}


def test_a_record_that_exists_keeps_its_own_id_whatever_id_is_given() -> None:
    student = student_after(open_for_student())
    other = UUID("8d5b6a1e-2f4c-4b7a-9e3d-1c0f6a2b3d4e")
    command = open_for_student(SECOND_PLACEMENT_ID)

    events = decide_student_on_opening(student, command, context(), record_id=other)

    assert {e.originator_id for e in events} == {student.id}


def test_second_placement_with_the_same_details_only_lists_the_placement() -> None:
    student = student_after(open_for_student())

    events = decide_student_on_opening(student, open_for_student(SECOND_PLACEMENT_ID), context())

    assert [(type(e), e.originator_version) for e in events] == [(StudentPlacementOpened, 3)]


def test_second_placement_without_details_only_lists_the_placement() -> None:
    student = student_after(open_for_student())
    command = open_for_student(SECOND_PLACEMENT_ID, name=None, born_on=None)

    events = decide_student_on_opening(student, command, context())

    assert [type(e) for e in events] == [StudentPlacementOpened]


@pytest.mark.parametrize(
    ("name", "born_on"),
    [("Alice Other", BORN_ON), ("Alice Example", date(2012, 3, 5))],
    ids=["another name", "another date of birth"],
)
def test_second_placement_with_other_details_records_them(name: str, born_on: date) -> None:
    student = student_after(open_for_student())
    command = open_for_student(SECOND_PLACEMENT_ID, name=name, born_on=born_on)

    events = decide_student_on_opening(student, command, context())

    assert [type(e) for e in events] == [StudentDetailsRecorded, StudentPlacementOpened]


def test_details_recorded_keep_the_name_when_only_the_date_of_birth_is_given() -> None:
    student = student_after(open_for_student())
    command = open_for_student(SECOND_PLACEMENT_ID, name=None, born_on=date(2012, 3, 5))

    details = decide_student_on_opening(student, command, context())[0]

    assert isinstance(details, StudentDetailsRecorded)
    assert (details.name, details.date_of_birth) == ("Alice Example", "2012-03-05")


def test_student_record_lists_each_placement_opened() -> None:
    student = student_after(open_for_student(), open_for_student(SECOND_PLACEMENT_ID))

    assert student.placement_ids == (PLACEMENT_ID, SECOND_PLACEMENT_ID)


def test_no_placement_can_be_opened_for_a_forgotten_student() -> None:
    with pytest.raises(LifecycleError):
        decide_student_on_opening(
            forgotten_student(), open_for_student(SECOND_PLACEMENT_ID), context()
        )


# --- decide_forget ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor", [TEACHER, provider_staff(), INSPECTOR], ids=["school staff", "provider", "inspector"]
)
def test_only_the_head_may_forget_a_student(actor: Actor) -> None:
    student, placements = one_placement()

    with pytest.raises(NotAuthorisedError):
        forget(student, placements, actor=actor)


def test_forgetting_a_student_not_on_the_record_is_refused() -> None:
    with pytest.raises(NotFoundError) as refused:
        forget(None, {})

    assert (refused.value.kind, refused.value.id) == ("student", STUDENT)


def test_forgetting_the_day_before_retention_ends_is_refused() -> None:
    student, placements = one_placement()

    with pytest.raises(PolicyViolationError) as refused:
        forget(student, placements, on=RETENTION_ENDS_ON - timedelta(days=1))

    assert refused.value.rule_id == "STAT-7"


def test_forgetting_on_the_day_retention_ends_is_allowed() -> None:
    student, placements = one_placement()

    events = forget(student, placements)

    assert isinstance(events[0], StudentForgotten)


def test_forgetting_dated_on_the_last_day_but_recorded_before_it_is_refused() -> None:
    # The clock, not only the date the caller gives, must have reached the end of retention.
    student, placements = one_placement()
    command = forget_command(on=RETENTION_ENDS_ON)

    with pytest.raises(PolicyViolationError) as refused:
        decide_forget(
            student, command, context(RETENTION_ENDS_ON - timedelta(days=1)), placements, BORN_ON
        )

    assert refused.value.rule_id == "STAT-7"


def test_retention_waits_for_the_latest_entry_on_any_of_the_students_placements() -> None:
    later = date(2026, 1, 5)
    first, second = open_for_student(born_on=None), open_for_student(SECOND_PLACEMENT_ID, on=later)
    student = student_after(first, second)
    placements = {PLACEMENT_ID: opened(first), SECOND_PLACEMENT_ID: opened(second)}
    # Without a date of birth: 31 years after the last entry, here the second opening.
    ends_on = date(2057, 1, 5)

    with pytest.raises(PolicyViolationError):
        forget(student, placements, on=ends_on - timedelta(days=1), born_on=None)


def test_a_forgotten_student_cannot_be_forgotten_again() -> None:
    with pytest.raises(LifecycleError):
        forget(forgotten_student(), {PLACEMENT_ID: erased(opened(open_for_student()))})


def test_forgetting_records_the_student_forgotten_and_each_placement_erased() -> None:
    first, second = open_for_student(), open_for_student(SECOND_PLACEMENT_ID)
    student = student_after(first, second)
    second_state = apply(opened(second), agree_command(plan()))
    placements = {PLACEMENT_ID: opened(first), SECOND_PLACEMENT_ID: second_state}

    events = forget(student, placements)

    assert [(type(e), e.originator_id, e.originator_version) for e in events] == [
        (StudentForgotten, STUDENT_ID, student.version + 1),
        (PlacementRecordErased, PLACEMENT_ID, 2),
        (PlacementRecordErased, SECOND_PLACEMENT_ID, 3),
    ]


def test_student_forgotten_records_the_school_year_retention_ended_and_the_placements() -> None:
    student, placements = one_placement()

    forgotten = forget(student, placements, on=RETENTION_ENDS_ON + timedelta(days=400))[0]

    assert isinstance(forgotten, StudentForgotten)
    assert (forgotten.retention_ended_in, forgotten.placement_ids) == (
        school_year_of(RETENTION_ENDS_ON),
        (PLACEMENT_ID,),
    )


def test_student_forgotten_does_not_record_the_day_retention_ended() -> None:
    student, placements = one_placement()

    forgotten = forget(student, placements, on=RETENTION_ENDS_ON + timedelta(days=400))[0]

    assert getattr(forgotten, "retention_ended_on", None) is None


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2030, 8, 31), "2029/30"),
        (date(2030, 9, 1), "2030/31"),
        (date(2031, 8, 31), "2030/31"),
        (date(2099, 12, 31), "2099/00"),
    ],
)
def test_the_school_year_runs_from_1_september_to_31_august(day: date, year: str) -> None:
    assert school_year_of(day) == year


def test_a_version_1_erasure_event_carrying_the_day_is_upcast_to_its_school_year() -> None:
    stored: dict[str, Any] = {"retention_ended_on": "2043-03-04", "placement_ids": []}

    StudentForgotten.upcast_v1_v2(stored)

    assert stored == {"retention_ended_in": "2042/43", "placement_ids": []}


def test_the_forgotten_student_shows_when_they_were_forgotten() -> None:
    student = forgotten_student()

    assert (student.forgotten_on, student.retention_ended_in) == (
        RETENTION_ENDS_ON,
        school_year_of(RETENTION_ENDS_ON),
    )


# --- The erased placement ---------------------------------------------------------------------


def test_erasure_sets_the_day_and_the_status_erased() -> None:
    state = erased(started())

    assert (state.erased_on, state.status) == (RETENTION_ENDS_ON, PlacementStatus.ERASED)


def _commands_on_a_started_placement() -> dict[str, PlacementCommand]:
    return {
        "record attendance": record_command(),
        "correct attendance": correct_command(),
        "give consent": consent_command(ConsentParty.PARENTS),
        "withdraw consent": withdraw_command(ConsentParty.PARENTS),
        "start": start_command(),
        "agree plan": agree_command(plan()),
        "end": end_command(),
    }


@pytest.mark.parametrize("name", sorted(_commands_on_a_started_placement()))
def test_an_erased_placement_refuses_every_decision(name: str) -> None:
    command = _commands_on_a_started_placement()[name]
    state = erased(apply(started(), record_command()))

    with pytest.raises(LifecycleError) as refused:
        decide_placement(state, command, context(RETENTION_ENDS_ON), Related())

    assert "STAT-7" in str(refused.value)


def test_last_entry_of_a_new_placement_is_the_day_it_opened() -> None:
    assert opened().last_entry_on == OPENED_ON


def test_last_entry_follows_the_latest_decision() -> None:
    assert started().last_entry_on == STARTS_ON


def test_last_entry_follows_an_attendance_mark() -> None:
    assert apply(started(), record_command(A_SCHOOL_DAY)).last_entry_on == A_SCHOOL_DAY


def test_last_entry_does_not_go_back_for_an_entry_dated_earlier() -> None:
    state = apply(started(), record_command(TODAY))

    assert apply(state, record_command(A_SCHOOL_DAY)).last_entry_on == TODAY


def test_last_entry_ignores_the_erasure() -> None:
    assert erased(started()).last_entry_on == STARTS_ON


def test_last_entry_on_helper_reads_the_placements_last_entry() -> None:
    assert last_entry_on(apply(opened(), agree_command(plan()))) == PLAN_AGREED_ON


# --- OpenPlacement's date of birth and sealed-value brackets ------------------------------------


@pytest.mark.parametrize(
    "born_on",
    [OPENED_ON, OPENED_ON + timedelta(days=1), date(1990, 6, 1)],
    ids=["the day it opens", "after it opens", "35 years before"],
)
def test_an_implausible_date_of_birth_is_refused(born_on: date) -> None:
    with pytest.raises(InvalidInputError) as refused:
        open_for_student(born_on=born_on)

    assert refused.value.field == "date_of_birth"


def test_a_date_of_birth_30_years_to_the_day_before_is_accepted() -> None:
    born_on = date(OPENED_ON.year - 30, OPENED_ON.month, OPENED_ON.day)

    assert open_for_student(born_on=born_on).date_of_birth == born_on


def test_a_date_of_birth_with_a_placement_dated_in_the_first_centuries_is_refused_cleanly() -> None:
    # The age is worked out without making a date 30 years back (year 10 - 30 does not exist).
    with pytest.raises(InvalidInputError) as refused:
        open_for_student(born_on=date(1, 1, 1), on=date(40, 6, 1))

    assert refused.value.field == "date_of_birth"


@pytest.mark.parametrize("mark", ["\u27e6", "\u27e7"])
@pytest.mark.parametrize(
    "field", ["student_name", "reason_detail", "location_rationale", "location"]
)
def test_text_with_a_sealed_value_bracket_is_refused(field: str, mark: str) -> None:
    text: Any = f"Alice {mark}pd1:00:AAAA{mark}"

    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(open_for_student(), **{field: text})

    assert refused.value.field == field


def test_an_item_of_a_list_with_a_sealed_value_bracket_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        AgreeReintegrationCriteria(
            actor=HEAD,
            effective_on=OPENED_ON,
            placement_id=PLACEMENT_ID,
            criteria=("Attends 90% of sessions", "\u27e6forged\u27e7"),
        )

    assert refused.value.field == "criteria"


# --- Every text field is classified (docs/personal-data.md) -------------------------------------

#: Text that stays readable after an erasure: identifiers, codes and the school's own
#: arrangements (docs/personal-data.md, "stays readable"). Keyed by the class that declares
#: the field. A new text field must be added here or to its class's ``personal``.
READABLE: dict[str, frozenset[str]] = {
    # Events.
    "PlacementOpened": frozenset({"school_id", "student_reference", "location", "ehcp_reference"}),
    "ConsentGiven": frozenset({"evidence_reference"}),
    "StudentRecorded": frozenset({"school_id", "student_reference"}),
    # The school year retention ended in ("2030/31"): no personal data.
    "StudentForgotten": frozenset({"retention_ended_in"}),
    "PlacementRecordErased": frozenset({"retention_ended_in"}),
    "SchoolEvent": frozenset({"school_id"}),
    "DelegateAppointed": frozenset({"delegate_id"}),
    "DelegationRevoked": frozenset({"delegate_id"}),
    "InspectorAccessGranted": frozenset({"inspector_id"}),
    "InspectorAccessRevoked": frozenset({"inspector_id"}),
    "TermRecorded": frozenset({"name"}),
    "ProviderRegistered": frozenset({"name", "sites", "staffing"}),
    "ProviderRegistrationConfirmed": frozenset({"urn", "evidence_reference"}),
    # A provider's later facts and its quality-assurance visits are about the provider, not a
    # student (the visit's summary names no student: its docstring says so).
    "ProviderSitesChanged": frozenset({"sites"}),
    "ProviderStaffingRecorded": frozenset({"staffing"}),
    "ProviderRegistrationLapsed": frozenset({"evidence_reference"}),
    "ProviderQualityAssured": frozenset({"summary"}),
    "LogSealed": frozenset({"head", "signature"}),
    # The student's facts: the EHC plan's reference, the other school's URN (COMM-2, STAT-4).
    "EhcPlanIssued": frozenset({"reference"}),
    "StudentEhcPlanIssued": frozenset({"reference"}),
    "RollStatusRecorded": frozenset({"dual_registered_with"}),
    "StudentRollStatusRecorded": frozenset({"dual_registered_with"}),
    "PolicyParameters": frozenset({"version"}),
    # A return to the local authority: its form's or case's reference names no student.
    "LocalAuthorityNotified": frozenset({"reference"}),
    "RecordLocalAuthorityNotification": frozenset({"reference"}),
    # Values inside events (a plan, its objectives, a review's progress).
    "Plan": frozenset({"ehcp_reference"}),
    "Objective": frozenset({"reference", "qualification"}),
    "ObjectiveProgress": frozenset({"reference"}),
    # Commands (what is sealed is what the command says is personal).
    "OpenPlacement": frozenset({"student_reference", "location", "ehcp_reference"}),
    "GiveConsent": frozenset({"evidence_reference"}),
    "ForgetStudent": frozenset({"student_reference"}),
    "StudentFactCommand": frozenset({"student_reference"}),
    "RecordEhcPlanIssued": frozenset({"reference"}),
    "RecordRollStatus": frozenset({"dual_registered_with"}),
    "AppointDelegate": frozenset({"delegate_id"}),
    "RevokeDelegation": frozenset({"delegate_id"}),
    "GrantInspectorAccess": frozenset({"inspector_id"}),
    "RevokeInspectorAccess": frozenset({"inspector_id"}),
    "RecordTerm": frozenset({"name"}),
    "RegisterProvider": frozenset({"name", "sites", "staffing"}),
    "ConfirmProviderRegistration": frozenset({"urn", "evidence_reference"}),
    "RecordProviderSites": frozenset({"sites"}),
    "RecordProviderStaffing": frozenset({"staffing"}),
    "RecordProviderRegistrationLapsed": frozenset({"evidence_reference"}),
    "RecordQualityAssuranceVisit": frozenset({"summary"}),
}


def _subclasses(base: type) -> Iterator[type]:
    cls: type
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def _library_classes(base: type) -> list[type]:
    import senad_ap.application  # noqa: F401 - imports every event and command class

    found = {c for c in _subclasses(base) if c.__module__.startswith("senad_ap.")}
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def _parts(annotation: object) -> Iterator[object]:
    """``annotation`` and every type inside it (``str | None``, ``tuple[str, ...]``)."""
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _parts(argument)


def _is_text(annotation: object) -> bool:
    return any(part is str for part in _parts(annotation))


def _nested(annotation: object) -> list[type]:
    """The attrs classes a field holds (a plan, a tuple of objectives)."""
    return [p for p in _parts(annotation) if isinstance(p, type) and attrs.has(p)]


def _declared_in(cls: type, name: str) -> str:
    for owner in cls.__mro__:
        if name in getattr(owner, "__annotations__", {}):
            return owner.__name__
    return cls.__name__  # pragma: no cover - every attrs field is annotated somewhere


def unclassified(cls: type, inherited: frozenset[str], seen: set[type] | None = None) -> list[str]:
    """``Class.field`` for each text field of ``cls`` (and of the values inside it) that is in
    neither its class's ``personal`` nor ``READABLE``; and each value with personal fields
    held in a field that is not itself personal (so it would never be sealed)."""
    seen = set() if seen is None else seen
    if cls in seen:
        return []
    seen.add(cls)
    hints = typing.get_type_hints(cls)
    personal = set(personal_fields(cls))
    problems: list[str] = []
    for field in attrs.fields(cls):
        if field.name in inherited:
            continue
        annotation = hints[field.name]
        owner = _declared_in(cls, field.name)
        readable = READABLE.get(owner, frozenset())
        if _is_text(annotation) and field.name not in personal | readable:
            problems.append(f"{owner}.{field.name}")
        for value_class in _nested(annotation):
            if personal_fields(value_class) and field.name not in personal:
                problems.append(f"{owner}.{field.name} (holds {value_class.__name__})")
            problems += unclassified(value_class, frozenset(), seen)
    return problems


EVENT_CLASSES = _library_classes(Event)
COMMAND_CLASSES = _library_classes(Command)
BASE_EVENT_FIELDS = frozenset(f.name for f in attrs.fields(Event))
BASE_COMMAND_FIELDS = frozenset(f.name for f in attrs.fields(Command))


def test_the_guard_finds_the_library_events_and_commands() -> None:
    names = {c.__name__ for c in EVENT_CLASSES + COMMAND_CLASSES}

    assert {"PlacementOpened", "StudentRecorded", "OpenPlacement", "ForgetStudent"} <= names


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.__name__)
def test_every_text_field_of_an_event_is_personal_or_readable(cls: type) -> None:
    assert unclassified(cls, BASE_EVENT_FIELDS) == []


@pytest.mark.parametrize("cls", COMMAND_CLASSES, ids=lambda c: c.__name__)
def test_every_text_field_of_a_command_is_personal_or_readable(cls: type) -> None:
    assert unclassified(cls, BASE_COMMAND_FIELDS) == []


def test_the_guard_catches_a_new_text_field_left_unclassified() -> None:
    @attrs.frozen(slots=False, kw_only=True)
    class NoteAdded(Event):
        note: str | None
        reasons: tuple[str, ...]

    assert unclassified(NoteAdded, BASE_EVENT_FIELDS) == ["NoteAdded.note", "NoteAdded.reasons"]


def test_the_guard_catches_a_plan_held_in_a_field_that_is_not_personal() -> None:
    @attrs.frozen(slots=False, kw_only=True)
    class PlanCopied(Event):
        plan: Plan

    assert unclassified(PlanCopied, BASE_EVENT_FIELDS) == ["PlanCopied.plan (holds Plan)"]


def _classes_with_personal() -> list[type]:
    values = [Plan, Objective, ObjectiveProgress, PlacementState, ReintegrationAssessment]
    classes = [*EVENT_CLASSES, *COMMAND_CLASSES, *values, StudentState]
    return [c for c in classes if personal_fields(c)]


@pytest.mark.parametrize("cls", _classes_with_personal(), ids=lambda c: c.__name__)
def test_every_name_in_personal_is_a_field_of_its_class(cls: type) -> None:
    fields = {f.name for f in attrs.fields(cls)}

    assert set(personal_fields(cls)) - fields == set()


# --- Erasure events recorded before the school year ------------------------------------------


def test_a_version_1_erasure_event_carrying_the_year_keeps_it_and_drops_the_empty_day() -> None:
    stored: dict[str, Any] = {"retention_ended_in": "2042/43", "retention_ended_on": None}

    PlacementRecordErased.upcast_v1_v2(stored)

    assert stored == {"retention_ended_in": "2042/43"}


def test_a_version_1_erasure_event_with_neither_year_nor_day_is_refused_as_damaged() -> None:
    with pytest.raises(ValueError, match="neither"):
        StudentForgotten.upcast_v1_v2({"retention_ended_in": None, "retention_ended_on": None})


def test_an_erasure_event_now_has_no_day_in_its_hash_content() -> None:
    student, placements = one_placement()
    forgotten = forget(student, placements, on=RETENTION_ENDS_ON + timedelta(days=400))[0]

    content = json.loads(canonical(forgotten))

    assert ("retention_ended_on" in content, content["retention_ended_in"]) == (False, "2042/43")


def test_the_export_shows_an_older_erasure_events_day_as_its_school_year() -> None:
    old_facts: dict[str, JSONValue] = {"retention_ended_on": "2043-03-04", "placement_ids": []}

    assert coarse_facts(old_facts) == {"retention_ended_in": "2042/43", "placement_ids": []}
