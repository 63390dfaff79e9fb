"""On the demo (late entries, corrections, several schools), the register as at a date read
from the history tables equals the fold of every placement's history, in both senses, on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from senad_ap.domain.values import Actor, Role
from senad_ap.projections import Projections
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import AsAt, Sense, register_as_at, register_as_at_by_fold
from tests.integration.demo_school import InMemoryDemo
from tests.postgres import postgres_schema, projections_database


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo_projections(request: pytest.FixtureRequest, demo_in_memory: InMemoryDemo) -> Iterator[Projections]:
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
    events = [app.mapper.to_domain_event(n) for n in notifications]
    late = sorted({e.effective_on for e in events if e.timestamp.date() > e.effective_on})
    assert late, "the demo has late entries"
    first = min(e.effective_on for e in events)
    last = max(e.timestamp.date() for e in events)
    days = {first - timedelta(days=1), first, last, last + timedelta(days=1)}
    for day in late[:: max(1, len(late) // 6)]:
        days |= {day, day + timedelta(days=1)}
    return sorted(days)


@pytest.mark.parametrize("sense", list(Sense))
def test_the_demos_register_as_at_each_day_from_the_history_equals_the_fold(
    demo_projections: Projections, sense: Sense
) -> None:
    for day in _late_days(demo_projections):
        as_at = AsAt(sense, day)
        expected = register_as_at_by_fold(demo_projections, as_at, reader=FULL_ACCESS)
        assert register_as_at(demo_projections, as_at, reader=FULL_ACCESS) == expected, day


def test_the_demos_register_as_at_a_day_keeps_to_the_readers_school(
    demo_projections: Projections,
) -> None:
    rows = register_as_at(
        demo_projections, AsAt(Sense.IN_EFFECT_ON, _late_days(demo_projections)[-1]),
        reader=FULL_ACCESS,
    )
    school = rows[0].school_id
    head = Actor(id="head", role=Role.HEAD_TEACHER, school_id=school)
    as_at = AsAt(Sense.KNOWN_ON, _late_days(demo_projections)[-1])
    mine = register_as_at(demo_projections, as_at, reader=head)
    assert mine == register_as_at_by_fold(demo_projections, as_at, reader=head)
    assert {row.school_id for row in mine} == {school}
