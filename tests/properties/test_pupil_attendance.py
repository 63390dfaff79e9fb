"""Attendance per pupil agrees with the placements it is made of, on generated histories
(``histories.scenarios``, late entries included) and on generated sessions.

- A pupil's totals, from the projections' rows, are the sums of their placements' totals
  (``attendance.total``) and the counts of their placements' final marks; so is their line
  in the list of every pupil.
- Weeks, terms and placements each split a pupil's sessions without losing or repeating one.
- As at a day, in either sense, the command's totals (folded from the log) are those of the
  placements' marks then: as in effect, the projections' rows up to the day; as known, the
  last states the application returned by the end of the day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from senad_ap.cli.pupil_attendance import _sessions_as_at
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement import AttendanceMark, PlacementState
from senad_ap.domain.school import Term
from senad_ap.domain.values import PolicyParameters
from senad_ap.projections import AsAt, Sense, attendance
from senad_ap.projections import pupil_attendance as pupils
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.pupil_attendance import Pupil, PupilPeriod, PupilSession
from tests.properties.histories import Run, Scenario, end_of, run, scenarios
from tests.properties.test_projections import (
    databases,
    in_effect_on,
    known_on,
    projection_settings,
    projections_in,
)

POLICY = PolicyParameters()
Counts = tuple[int, int, int, int, int]


def counts(period: PupilPeriod | attendance.AttendancePeriod | None) -> Counts:
    if period is None:
        return (0, 0, 0, 0, 0)
    return (
        period.sessions_recorded,
        period.possible,
        period.present,
        period.authorised_absence,
        period.unauthorised_absence,
    )


def summed(periods: Iterable[PupilPeriod | attendance.AttendancePeriod | None]) -> Counts:
    totals = [0, 0, 0, 0, 0]
    for period in periods:
        for index, value in enumerate(counts(period)):
            totals[index] += value
    return (totals[0], totals[1], totals[2], totals[3], totals[4])


def pupils_of(states: Iterable[PlacementState]) -> dict[Pupil, list[PlacementState]]:
    found: dict[Pupil, list[PlacementState]] = defaultdict(list)
    for state in states:
        found[Pupil(state.school_id, state.student_reference)].append(state)
    return found


def marks_counted(marks: Iterable[AttendanceMark]) -> Counts:
    meanings = [m.code.meaning for m in marks]
    return (
        len(meanings),
        sum(m.counts_as_possible for m in meanings),
        sum(m.is_present for m in meanings),
        sum(m.counts_as_possible and m.is_authorised_absence for m in meanings),
        sum(m.counts_as_possible and m.is_unauthorised_absence for m in meanings),
    )


@projection_settings
@given(scenario=scenarios(), database=databases())
def test_a_pupils_totals_are_the_sums_of_their_placements_totals(
    database: str, scenario: Scenario
) -> None:
    recorded = run(scenario)
    placed = pupils_of(recorded.placements().values())
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        store = read_models.store
        actual = {
            pupil: counts(
                pupils.total(pupil, pupils.sessions(store, pupil, reader=FULL_ACCESS), POLICY)
            )
            for pupil in placed
        }
        expected = {
            pupil: summed(attendance.total(store, state.id, reader=FULL_ACCESS) for state in states)
            for pupil, states in placed.items()
        }
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), database=databases())
def test_every_pupils_line_counts_the_final_marks_of_all_their_placements(
    database: str, scenario: Scenario
) -> None:
    recorded = run(scenario)
    placed = pupils_of(recorded.placements().values())
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        rows = pupils.pupil_totals(read_models.store, POLICY, reader=FULL_ACCESS)
    actual = {row.pupil: (set(row.placement_ids), counts(row.whole)) for row in rows}
    expected = {
        pupil: (
            {state.id for state in states},
            marks_counted(m for state in states for m in state.marks.values()),
        )
        for pupil, states in placed.items()
    }
    assert actual == expected


def sessions_of(marks: Sequence[tuple[AttendanceMark, UUID]]) -> list[PupilSession]:
    return [s for mark, placement in marks for s in pupils.sessions_from_marks(placement, [mark])]


_PLACEMENTS = [UUID(int=n) for n in range(1, 4)]
_MARKS = st.builds(
    AttendanceMark,
    day=st.dates(date(2025, 8, 25), date(2026, 1, 31)),
    session=st.sampled_from(Session),
    code=st.sampled_from(AttendanceCode),
    version=st.just(1),
)
_TERMS = [
    Term("Autumn 2025", date(2025, 9, 3), date(2025, 12, 19)),
    Term("Spring 2026", date(2026, 1, 5), date(2026, 3, 27)),
]


@given(marks=st.lists(st.tuples(_MARKS, st.sampled_from(_PLACEMENTS)), max_size=60))
def test_weeks_terms_and_placements_each_split_a_pupils_sessions_exactly(
    marks: list[tuple[AttendanceMark, UUID]],
) -> None:
    found = sessions_of(marks)
    pupil = Pupil("712E", "STU-0042")
    whole = pupils.total(pupil, found, POLICY)

    splits = (
        summed(pupils.by_week(pupil, found, POLICY)),
        summed(pupils.by_term(pupil, found, _TERMS, POLICY)),
        summed(pupils.by_placement(pupil, found, POLICY)),
    )

    assert splits == (counts(whole),) * 3


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_a_pupils_totals_as_in_effect_on_a_day_are_the_rows_up_to_that_day(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    day = in_effect_on(recorded, data)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        folded = _sessions_as_at(read_models, AsAt(Sense.IN_EFFECT_ON, day), None, None)
        actual = {p: counts(pupils.total(p, found, POLICY)) for p, (_, found) in folded.items()}
        expected = {
            p: counts(
                pupils.total(
                    p, pupils.sessions(read_models.store, p, until=day, reader=FULL_ACCESS), POLICY
                )
            )
            for p in folded
        }
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_a_pupils_totals_as_known_on_a_day_count_the_states_returned_by_then(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    day = known_on(recorded, data) + timedelta(days=data.draw(st.integers(-2, 2), label="offset"))
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        folded = _sessions_as_at(read_models, AsAt(Sense.KNOWN_ON, day), None, None)
    actual = {p: counts(pupils.total(p, found, POLICY)) for p, (_, found) in folded.items()}
    expected = {
        pupil: marks_counted(m for s in states for m in s.marks.values() if m.day <= day)
        for pupil, states in pupils_of(known_by(recorded, day)).items()
    }
    assert actual == expected


def known_by(recorded: Run, day: date) -> list[PlacementState]:
    """Each placement's last state the application returned by the end of ``day``."""
    last: dict[UUID, PlacementState] = {}
    for step in recorded.steps:
        if step.recorded_at <= end_of(day) and isinstance(step.state, PlacementState):
            last[step.state.id] = step.state
    return list(last.values())
