"""The split of a placement's findings (record / register) and the register hint, by example.

Calendar (from the builders): started Monday 3 March 2025, "today" Friday 14 March. A hint
says "every register session before this day is marked"; it may be passed to a later
evaluation of the same placement only while the start, the plan's school days and the
school's terms are those it was found with. The tests of ignored hints fail if that check
(the hint's ``key``) is left out of ``register_findings``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import attrs

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.compliance import (
    Finding,
    RegisterHint,
    placement_findings,
    record_findings,
    register_findings,
    register_hint,
)
from senad_ap.domain.placement import PlacementCommand, PlacementState, RevisePlan
from senad_ap.domain.plan import SCHOOL_WEEK
from senad_ap.domain.school import RecordTerm, SchoolState, decide_school, evolve_school
from senad_ap.domain.values import Weekday
from tests.unit.builders import (
    HEAD,
    OPENED_ON,
    STARTS_ON,
    agree_command,
    apply,
    context,
    open_command,
    plan,
    record_command,
    start_command,
    started,
    week,
)

OTHER_PLACEMENT_ID = UUID("00000000-0000-4000-8000-000000000002")
MON_TO_THU = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY)
FRIDAY_7_MARCH = date(2025, 3, 7)
MONDAY_10_MARCH = date(2025, 3, 10)
THURSDAY_13_MARCH = date(2025, 3, 13)
FRIDAY_14_MARCH = date(2025, 3, 14)
MONDAY_17_MARCH = date(2025, 3, 17)
SPRING_2 = (MONDAY_10_MARCH, date(2025, 4, 4))
FIRST_WEEK = (STARTS_ON, FRIDAY_7_MARCH)


def school_days(first: date, last: date, days: Iterable[Weekday] = SCHOOL_WEEK) -> list[date]:
    wanted = set(days)
    every_day = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in every_day if Weekday.of(day) in wanted]


def marked(state: PlacementState, days: Iterable[date]) -> PlacementState:
    """Both sessions of each of ``days`` marked present."""
    for day in days:
        for session, code in (
            (Session.AM, AttendanceCode.PRESENT_AM),
            (Session.PM, AttendanceCode.PRESENT_PM),
        ):
            command = attrs.evolve(record_command(day, session, code), placement_id=state.id)
            state = apply(state, command)
    return state


def with_terms(school: SchoolState | None, *terms: tuple[date, date]) -> SchoolState:
    """``school`` (or a new school record) with ``terms`` recorded, in the order given."""
    for first, last in terms:
        command = RecordTerm(
            actor=HEAD, effective_on=OPENED_ON, name=f"From {first}", starts_on=first, ends_on=last
        )
        for event in decide_school(school, command, context(OPENED_ON)):
            school = evolve_school(school, event)
    assert school is not None
    return school


def started_as(placement_id: UUID) -> PlacementState:
    """The builders' started placement (full-time on site, Monday to Friday), with this id."""
    commands: list[PlacementCommand] = [open_command(), agree_command(plan()), start_command()]
    state: PlacementState | None = None
    for command in commands:
        state = apply(state, attrs.evolve(command, placement_id=placement_id))
    assert state is not None
    return state


def started_mondays_to_thursdays() -> PlacementState:
    four_days = attrs.evolve(
        plan(), weekly_pattern=week(Decimal("8.5"), days=MON_TO_THU), school_days=MON_TO_THU
    )
    return apply(apply(apply(None, open_command()), agree_command(four_days)), start_command())


def hint_of(state: PlacementState, school: SchoolState | None = None) -> RegisterHint:
    """The hint of the placement's findings; these examples all have an unmarked session."""
    hint = register_hint(state, school, placement_findings(state, school=school))
    assert hint is not None
    return hint


def register_since(findings: Iterable[Finding]) -> date | None:
    """The day the COMM-6 finding opens: the day after the first unmarked session."""
    return next((f.since for f in findings if f.rule_id == "COMM-6"), None)


# --------------------------------------------------------------------------- the split


def test_register_findings_are_the_attendance_part_of_aim_3_and_comm_6() -> None:
    actual = [(f.rule_id, f.key) for f in register_findings(started())]

    assert actual == [("AIM-3", "attendance"), ("COMM-6", "")]


def test_record_findings_leave_out_the_attendance_part_of_aim_3_and_comm_6() -> None:
    keys = {(f.rule_id, f.key) for f in record_findings(started())}

    assert keys & {("AIM-3", "attendance"), ("COMM-6", "")} == set()


def test_placement_findings_are_the_record_and_register_findings_in_order() -> None:
    state = started()
    both = record_findings(state) + register_findings(state)

    assert placement_findings(state) == tuple(sorted(both, key=lambda f: (f.rule_id, f.key)))


# --------------------------------------------------------------------------- the hint


def test_register_hint_is_the_day_of_the_first_unmarked_session() -> None:
    state = marked(started(), school_days(*FIRST_WEEK))

    actual = hint_of(state).day

    assert actual == MONDAY_10_MARCH


def test_register_hint_is_none_without_an_unmarked_session() -> None:
    school = with_terms(None, FIRST_WEEK)
    state = marked(started(), school_days(*FIRST_WEEK))

    assert register_hint(state, school, placement_findings(state, school=school)) is None


def test_a_hint_of_the_same_calendar_starts_the_register_search_at_its_day() -> None:
    # Trusted, not re-checked: a hint from a later version (which the caller must never pass)
    # hides the unmarked sessions before it. This is what makes the hint save time.
    later = marked(started(), school_days(*FIRST_WEEK))
    actual = register_since(placement_findings(started(), marked_before=hint_of(later)))

    assert actual == MONDAY_10_MARCH + timedelta(days=1)


def test_a_hint_found_before_an_earlier_term_was_recorded_is_ignored() -> None:
    # Only spring 2 on the record: the first week expects no register, the second is marked,
    # so the search stops at Monday 17 March. Then the first week is recorded as a term.
    spring_2 = with_terms(None, SPRING_2)
    state = marked(started(), school_days(MONDAY_10_MARCH, FRIDAY_14_MARCH))
    hint = hint_of(state, spring_2)
    both_terms = with_terms(spring_2, FIRST_WEEK)

    actual = register_since(placement_findings(state, school=both_terms, marked_before=hint))

    assert actual == STARTS_ON + timedelta(days=1)


def test_a_hint_found_before_the_plan_took_in_another_school_day_is_ignored() -> None:
    # Every Monday to Thursday marked up to 13 March, so the search stops at Monday 17 March;
    # then the plan is revised to Monday to Friday: Friday 7 March has no marks.
    state = marked(
        started_mondays_to_thursdays(), school_days(STARTS_ON, THURSDAY_13_MARCH, MON_TO_THU)
    )
    hint = hint_of(state)
    revision = RevisePlan(
        actor=HEAD,
        effective_on=FRIDAY_14_MARCH,
        placement_id=state.id,
        plan=plan(),
        reason="Ready for a fifth day",
    )
    revised = apply(state, revision)

    actual = register_since(placement_findings(revised, marked_before=hint))

    assert actual == FRIDAY_7_MARCH + timedelta(days=1)


def test_a_hint_of_another_placement_is_ignored() -> None:
    other = marked(started_as(OTHER_PLACEMENT_ID), school_days(*FIRST_WEEK))
    actual = register_since(placement_findings(started(), marked_before=hint_of(other)))

    assert actual == STARTS_ON + timedelta(days=1)
