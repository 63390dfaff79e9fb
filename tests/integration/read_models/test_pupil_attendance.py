"""Attendance per pupil: the sessions of all of a pupil's placements together, each with its
placement; totals, ISO weeks, recorded terms (and "no term recorded") and per-placement sums
over them; the absence band; every pupil's totals.

The pupil here, STU-0042, had a placement from Monday 2 February 2026 that ended on Friday 6
February, and another from Monday 16 February. Every test runs once per store (``case``):
the projections in SQLite beside the in-memory and SQLite stores, in PostgreSQL beside the
PostgreSQL store.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import attrs
import pytest

from senad_ap import AlternativeProvision, ProviderState
from senad_ap.domain.attendance_summary import AbsenceBand
from senad_ap.domain.values import PolicyParameters
from senad_ap.projections import Projections
from senad_ap.projections import attendance as placement_attendance
from senad_ap.projections import pupil_attendance as pupils
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.pupil_attendance import Pupil, PupilPeriod
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import day, mark_day, move_to
from tests.integration.scenario import HEAD, SCHOOL, open_outside_placement, start_outside_placement

PUPIL = Pupil(SCHOOL, "STU-0042")
POLICY = PolicyParameters()


@attrs.frozen
class TwoPlacements:
    first: UUID
    second: UUID


@pytest.fixture
def placed(app: AlternativeProvision, clock: FixedClock, provider: ProviderState) -> TwoPlacements:
    """The first placement: five days, present every morning, ill every afternoon (I), ended on
    day 4. The second: five days from day 14, present every morning, absent every afternoon
    without a reason established (N), and one planned closure (#, not possible)."""
    first = start_outside_placement(app, provider=provider).placement.id
    move_to(clock, day(30))
    for offset in range(5):
        mark_day(app, first, day(offset), am="/", pm="I")
    app.end_placement(first, destination="further education", actor=HEAD, on=day(4))
    second = start_outside_placement(app, on=day(14), provider=provider).placement.id
    for offset in range(14, 19):
        mark_day(app, second, day(offset), am="/", pm="#" if offset == 18 else "N")
    return TwoPlacements(first, second)


def _counts(period: PupilPeriod | placement_attendance.AttendancePeriod) -> tuple[int, ...]:
    return (
        period.sessions_recorded,
        period.possible,
        period.present,
        period.authorised_absence,
        period.unauthorised_absence,
        period.not_possible,
    )


def _sessions(projections: Projections) -> list[pupils.PupilSession]:
    projections.catch_up()
    return pupils.sessions(projections.store, PUPIL, reader=FULL_ACCESS)


def test_a_pupils_sessions_are_every_session_of_each_of_their_placements(
    projections: Projections, placed: TwoPlacements
) -> None:
    found = _sessions(projections)

    assert [(s.day, s.session, s.placement_id) for s in found[:2] + found[-2:]] == [
        (day(0), "AM", placed.first),
        (day(0), "PM", placed.first),
        (day(18), "AM", placed.second),
        (day(18), "PM", placed.second),
    ]


def test_a_pupils_totals_are_the_sum_of_their_placements_totals(
    projections: Projections, placed: TwoPlacements
) -> None:
    whole = pupils.total(PUPIL, _sessions(projections), POLICY)
    each = [
        placement_attendance.total(projections.store, placement_id, reader=FULL_ACCESS)
        for placement_id in (placed.first, placed.second)
    ]

    assert whole is not None
    assert _counts(whole) == tuple(
        sum(counts) for counts in zip(*(_counts(p) for p in each if p is not None), strict=True)
    )


def test_a_pupils_totals_count_possible_present_and_both_absences(
    projections: Projections, placed: TwoPlacements
) -> None:
    whole = pupils.total(PUPIL, _sessions(projections), POLICY)

    assert whole is not None
    assert (_counts(whole), whole.rate, whole.placement_ids) == (
        (20, 19, 10, 5, 4, 1),
        Decimal("52.6"),
        (placed.first, placed.second),
    )


def test_a_pupil_who_missed_9_of_19_possible_sessions_is_persistently_absent(
    projections: Projections, placed: TwoPlacements
) -> None:
    whole = pupils.total(PUPIL, _sessions(projections), POLICY)

    assert whole is not None
    assert whole.band is AbsenceBand.PERSISTENT


def test_a_pupils_placements_keep_their_own_totals(
    projections: Projections, placed: TwoPlacements
) -> None:
    periods = pupils.by_placement(PUPIL, _sessions(projections), POLICY)

    assert [(p.placement_ids, p.starts_on, p.ends_on, _counts(p)) for p in periods] == [
        ((placed.first,), day(0), day(4), (10, 10, 5, 5, 0, 0)),
        ((placed.second,), day(14), day(18), (10, 9, 5, 0, 4, 1)),
    ]


def test_a_pupils_weeks_are_iso_weeks_across_their_placements(
    projections: Projections, placed: TwoPlacements
) -> None:
    periods = pupils.by_week(PUPIL, _sessions(projections), POLICY)

    assert [(p.period, p.starts_on, p.ends_on, p.placement_ids, p.possible) for p in periods] == [
        ("2026-W06", date(2026, 2, 2), date(2026, 2, 8), (placed.first,), 10),
        ("2026-W08", date(2026, 2, 16), date(2026, 2, 22), (placed.second,), 9),
    ]


def test_a_pupils_sessions_outside_every_recorded_term_are_in_a_no_term_recorded_row(
    app: AlternativeProvision, projections: Projections, placed: TwoPlacements
) -> None:
    app.record_term("Spring 1", starts_on=date(2026, 1, 5), ends_on=day(11), actor=HEAD)
    app.record_term("Spring 2", starts_on=day(21), ends_on=date(2026, 3, 27), actor=HEAD)
    found = _sessions(projections)
    terms = pupils.recorded_terms(projections.store, SCHOOL, reader=FULL_ACCESS)

    periods = pupils.by_term(PUPIL, found, terms, POLICY)

    assert [(p.period, p.starts_on, p.ends_on, _counts(p)) for p in periods] == [
        ("Spring 1", date(2026, 1, 5), day(11), (10, 10, 5, 5, 0, 0)),
        (pupils.NO_TERM, day(14), day(18), (10, 9, 5, 0, 4, 1)),
    ]


def test_sessions_up_to_a_day_leave_out_the_later_placement(
    projections: Projections, placed: TwoPlacements
) -> None:
    projections.catch_up()

    found = pupils.sessions(projections.store, PUPIL, until=day(13), reader=FULL_ACCESS)

    assert {s.placement_id for s in found} == {placed.first}


def test_every_pupils_totals_list_the_pupil_once_with_both_placements(
    projections: Projections, placed: TwoPlacements
) -> None:
    projections.catch_up()

    rows = pupils.pupil_totals(projections.store, POLICY, reader=FULL_ACCESS)

    assert [(r.pupil, r.placement_ids, r.whole and _counts(r.whole)) for r in rows] == [
        (PUPIL, (placed.first, placed.second), (20, 19, 10, 5, 4, 1))
    ]


def test_a_pupil_with_a_placement_but_no_mark_is_listed_without_totals(
    app: AlternativeProvision, projections: Projections, provider: ProviderState
) -> None:
    opened = open_outside_placement(app, provider=provider).placement.id
    projections.catch_up()

    rows = pupils.pupil_totals(projections.store, POLICY, reader=FULL_ACCESS)

    assert [(r.pupil, r.placement_ids, r.whole) for r in rows] == [(PUPIL, (opened,), None)]


def test_a_pupil_is_found_by_reference_only_in_the_school_asked_for(
    projections: Projections, placed: TwoPlacements
) -> None:
    projections.catch_up()

    assert (
        pupils.find_pupils(projections.store, "STU-0042", reader=FULL_ACCESS),
        pupils.find_pupils(projections.store, "STU-0042", school_id="900A", reader=FULL_ACCESS),
    ) == ([PUPIL], [])
