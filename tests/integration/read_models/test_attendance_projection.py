"""Attendance per week and per term: each national code counts by its own meaning (STAT-1), a
correction replaces the mark it amends (STAT-2), terms come from the school's record, and the
same periods can be worked out from a placement's state for an as-at date.

Every test runs once per event store (``store`` fixture); the projections live in their own
SQLite file beside it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from senad_ap import AlternativeProvision, PlacementState, Session
from senad_ap.projections import AttendancePeriod, Projections
from senad_ap.projections import attendance as attendance_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import day, mark_day, move_to
from tests.integration.scenario import HEAD, STAFF, start_outside_placement

#: The first week's register: (day, AM code, PM code) for Monday to Thursday.
FIRST_WEEK = (
    (day(0), "/", "\\"),  # present, present
    (day(1), "I", "N"),  # authorised absence, unauthorised absence
    (day(2), "D", "Y1"),  # dual registered, unable to attend: not possible sessions
    (day(3), "B", "#"),  # approved educational activity (present), planned closure
)


@pytest.fixture
def placement_id(app: AlternativeProvision, clock: FixedClock) -> UUID:
    """Started on ``START`` (Monday 2 February 2026); the clock then stands on 6 March."""
    started = start_outside_placement(app).placement.id
    # STAT-1: D marks a pupil dual registered with another school (its URN) on the day.
    app.record_roll_status(
        "STU-0042", on_roll=True, dual_registered_with="140123", actor=STAFF, on=day(0)
    )
    move_to(clock, day(32))
    return started


def _mark_first_week(app: AlternativeProvision, placement_id: UUID) -> PlacementState:
    """Record ``FIRST_WEEK``; return the placement after its last mark."""
    for on, am, pm in FIRST_WEEK:
        for session, code in ((Session.AM, am), (Session.PM, pm)):
            # STAT-1: a B mark says what the activity is and who supervises it.
            b = code == "B"
            state = app.record_attendance(
                placement_id, session=session, code=code, actor=STAFF, on=on,
                activity="College taster day" if b else None,
                supervised_by="College tutor" if b else None,
            )  # fmt: skip
    return state


def _sums(period: AttendancePeriod) -> tuple[int, int, int, int, int, int]:
    return (
        period.sessions_recorded,
        period.possible,
        period.present,
        period.authorised_absence,
        period.unauthorised_absence,
        period.not_possible,
    )


def _weeks(projections: Projections, placement_id: UUID) -> list[AttendancePeriod]:
    projections.catch_up()
    return attendance_queries.by_week(projections.store, placement_id, reader=FULL_ACCESS)


def _terms(projections: Projections, placement_id: UUID) -> list[AttendancePeriod]:
    projections.catch_up()
    return attendance_queries.by_term(projections.store, placement_id, reader=FULL_ACCESS)


def _record_terms(app: AlternativeProvision) -> None:
    """Spring 1 ends on Friday 13 February (day 11); Spring 2 starts on Monday 23 (day 21)."""
    app.record_term("Spring 1", starts_on=date(2026, 1, 5), ends_on=day(11), actor=HEAD)
    app.record_term("Spring 2", starts_on=day(21), ends_on=date(2026, 3, 27), actor=HEAD)


# --------------------------------------------------------------------------- weeks


def test_week_sums_each_category_of_the_codes_recorded(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    _mark_first_week(app, placement_id)

    (week,) = _weeks(projections, placement_id)

    # recorded, possible, present, authorised, unauthorised, not possible
    assert _sums(week) == (8, 5, 3, 1, 1, 3)


def test_week_runs_from_monday_to_sunday(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    mark_day(app, placement_id, day(3))

    (week,) = _weeks(projections, placement_id)

    assert (week.period, week.starts_on, week.ends_on) == ("week of 2026-02-02", day(0), day(6))


def test_weeks_are_listed_in_date_order(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    mark_day(app, placement_id, day(8))
    mark_day(app, placement_id, day(1))

    assert [week.starts_on for week in _weeks(projections, placement_id)] == [day(0), day(7)]


def test_week_rate_is_present_over_possible_sessions(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    _mark_first_week(app, placement_id)

    (week,) = _weeks(projections, placement_id)

    assert (week.rate, week.absence_rate) == (Decimal("60.0"), Decimal("40.0"))


@pytest.mark.parametrize("code", ["D", "Y1", "Y7", "#"])
def test_code_that_is_not_a_possible_session_counts_as_not_possible(
    app: AlternativeProvision, projections: Projections, placement_id: UUID, code: str
) -> None:
    # STAT-1: a Y7 mark gives its cause.
    note = "Flooded road, no other route" if code == "Y7" else None
    app.record_attendance(
        placement_id, session=Session.AM, code=code, note=note, actor=STAFF, on=day(1)
    )

    (week,) = _weeks(projections, placement_id)

    assert (week.possible, week.not_possible, week.rate) == (0, 1, None)


def test_correction_replaces_the_counts_of_the_mark_it_corrects(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    mark_day(app, placement_id, day(1), am="N", pm="N")
    app.correct_attendance(
        placement_id,
        session=Session.AM,
        code="I",
        reason="Note from home.",
        amended_by_name="Sam Okafor",
        amended_by_position="Attendance officer",
        actor=STAFF,
        on=day(1),
    )

    (week,) = _weeks(projections, placement_id)

    assert _sums(week) == (2, 2, 0, 1, 1, 0)


def test_weeks_until_a_day_leave_out_later_marks(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    mark_day(app, placement_id, day(1))
    mark_day(app, placement_id, day(8))
    projections.catch_up()

    weeks = attendance_queries.by_week(
        projections.store, placement_id, until=day(7), reader=FULL_ACCESS
    )

    assert [week.starts_on for week in weeks] == [day(0)]


def test_total_sums_every_recorded_session(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    _mark_first_week(app, placement_id)
    mark_day(app, placement_id, day(7))
    projections.catch_up()

    total = attendance_queries.total(projections.store, placement_id, reader=FULL_ACCESS)

    assert total is not None
    assert (total.starts_on, total.ends_on, _sums(total)) == (day(0), day(7), (10, 7, 5, 1, 1, 3))


def test_total_of_a_placement_without_marks_is_none(
    projections: Projections, placement_id: UUID
) -> None:
    projections.catch_up()

    assert attendance_queries.total(projections.store, placement_id, reader=FULL_ACCESS) is None


# --------------------------------------------------------------------------- terms


def test_terms_come_from_the_schools_recorded_term_dates(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    _record_terms(app)
    mark_day(app, placement_id, day(1))
    mark_day(app, placement_id, day(22))

    terms = _terms(projections, placement_id)

    assert [(t.period, t.starts_on, t.ends_on, t.sessions_recorded) for t in terms] == [
        ("Spring 1", date(2026, 1, 5), day(11), 2),
        ("Spring 2", day(21), date(2026, 3, 27), 2),
    ]


def test_term_sums_each_category_of_the_codes_recorded(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    _record_terms(app)
    _mark_first_week(app, placement_id)

    (term,) = _terms(projections, placement_id)

    assert (term.period, _sums(term)) == ("Spring 1", (8, 5, 3, 1, 1, 3))


def test_marks_outside_every_recorded_term_show_as_outside_recorded_terms(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    _record_terms(app)
    mark_day(app, placement_id, day(1))
    mark_day(app, placement_id, day(15), am="N", pm="N")  # Tuesday of half term

    terms = _terms(projections, placement_id)

    assert [(t.period, t.starts_on, t.ends_on, _sums(t)) for t in terms] == [
        ("Spring 1", date(2026, 1, 5), day(11), (2, 2, 2, 0, 0, 0)),
        ("outside recorded terms", day(15), day(15), (2, 2, 0, 0, 2, 0)),
    ]


def test_marks_before_any_term_is_recorded_are_outside_recorded_terms(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    mark_day(app, placement_id, day(1))

    assert [t.period for t in _terms(projections, placement_id)] == ["outside recorded terms"]


def test_term_recorded_after_the_marks_takes_them_in(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    mark_day(app, placement_id, day(1))
    projections.catch_up()
    _record_terms(app)

    assert [t.period for t in _terms(projections, placement_id)] == ["Spring 1"]


# --------------------------------------------------------------------------- from the state


def test_weeks_from_the_placements_marks_are_the_weeks_of_the_table(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    _mark_first_week(app, placement_id)
    state = mark_day(app, placement_id, day(8), am="L", pm="G")

    from_marks = attendance_queries.periods_from_marks(
        placement_id, state.marks.values(), weekly=True
    )

    assert from_marks == _weeks(projections, placement_id)


def test_terms_from_the_placements_marks_are_the_terms_of_the_table(
    app: AlternativeProvision, projections: Projections, placement_id: UUID
) -> None:
    _record_terms(app)
    _mark_first_week(app, placement_id)
    mark_day(app, placement_id, day(15), am="N", pm="N")
    state = mark_day(app, placement_id, day(22), am="L", pm="G")
    school = app.get_school(HEAD.school_id, reader=HEAD)
    assert school is not None

    from_marks = attendance_queries.periods_from_marks(
        placement_id, state.marks.values(), weekly=False, terms=school.terms
    )

    assert from_marks == _terms(projections, placement_id)
