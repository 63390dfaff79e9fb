"""On the demo (late entries, corrections, several schools), the register as at a date read
from the history tables equals the fold of every placement's history, in both senses, on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from senad_ap import AlternativeProvision, ConsentParty
from senad_ap.domain.base import Event
from senad_ap.domain.values import Actor, Role
from senad_ap.projections import Projections
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import AsAt, Sense, register_as_at, register_as_at_by_fold
from senad_ap.testing import FixedClock
from tests.integration.demo_school import InMemoryDemo
from tests.integration.projection_scenes import day, mark_day, move_to, review
from tests.integration.scenario import STAFF, start_outside_placement
from tests.postgres import postgres_schema, projections_database


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo_projections(
    request: pytest.FixtureRequest, demo_in_memory: InMemoryDemo
) -> Iterator[Projections]:
    app = demo_in_memory.app
    if request.param == "postgres":
        schema, drop = postgres_schema()
        opened = Projections(app, postgres=projections_database(schema))
    else:
        opened, drop = Projections(app), lambda: None
    opened.catch_up()
    yield opened
    opened.close()
    drop()


def _late_days(projections: Projections) -> list[date]:
    """Days around the demo's late entries (recorded after the day they took effect), and
    its first and last days."""
    app = projections.app
    notifications = app.recorder.select_notifications(start=1, limit=app.last_position())
    events = [e for n in notifications if isinstance(e := app.mapper.to_domain_event(n), Event)]
    late = sorted({e.effective_on for e in events if e.timestamp.date() > e.effective_on})
    assert late, "the demo has late entries"
    first = min(e.effective_on for e in events)
    last = max(e.timestamp.date() for e in events)
    days = {first - timedelta(days=1), first, last, last + timedelta(days=1)}
    for each in late[:: max(1, len(late) // 6)]:
        days |= {each, each + timedelta(days=1)}
    return sorted(days)


@pytest.mark.parametrize("sense", list(Sense))
def test_the_demos_register_as_at_each_day_from_the_history_equals_the_fold(
    demo_projections: Projections, sense: Sense
) -> None:
    for each in _late_days(demo_projections):
        as_at = AsAt(sense, each)
        expected = register_as_at_by_fold(demo_projections, as_at, reader=FULL_ACCESS)
        assert register_as_at(demo_projections, as_at, reader=FULL_ACCESS) == expected, each


def test_the_demos_register_as_at_a_day_keeps_to_the_readers_school(
    demo_projections: Projections,
) -> None:
    rows = register_as_at(
        demo_projections,
        AsAt(Sense.IN_EFFECT_ON, _late_days(demo_projections)[-1]),
        reader=FULL_ACCESS,
    )
    school = rows[0].school_id
    head = Actor(id="head", role=Role.HEAD_TEACHER, school_id=school)
    as_at = AsAt(Sense.KNOWN_ON, _late_days(demo_projections)[-1])
    mine = register_as_at(demo_projections, as_at, reader=head)
    assert mine == register_as_at_by_fold(demo_projections, as_at, reader=head)
    assert {row.school_id for row in mine} == {school}


def test_a_back_dated_decision_and_a_late_correction_read_as_the_fold_on_every_day(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(2))
    for each in (day(1), day(2)):
        mark_day(app, placement_id, each)
    move_to(clock, day(5))
    review(app, placement_id, on=day(5), next_review_on=day(30))
    move_to(clock, day(7))
    app.withdraw_consent(
        placement_id, party=ConsentParty.PARENTS, reason="Parents object.", actor=STAFF, on=day(2)
    )
    app.correct_attendance(
        placement_id, session="AM", code="N", reason="Entered in error.",
        amended_by_name="A. Teacher", amended_by_position="Attendance officer",
        actor=STAFF, on=day(1),
    )  # fmt: skip
    projections.catch_up()

    for sense in Sense:
        for offset in range(-1, 9):
            as_at = AsAt(sense, day(offset))
            expected = register_as_at_by_fold(projections, as_at, reader=FULL_ACCESS)
            assert register_as_at(projections, as_at, reader=FULL_ACCESS) == expected, as_at
