"""The runner's ``World``: the records' states as the log is read, in bounded memory."""

from __future__ import annotations

from typing import cast

from senad_ap import AlternativeProvision, RegisterMark, Session
from senad_ap.domain.base import Event
from senad_ap.projections.base import World
from tests.integration.scenario import OPENED_ON, STAFF, TODAY, school_days, started_placements


def _log(app: AlternativeProvision) -> list[Event]:
    notifications = app.recorder.select_notifications(start=None, limit=100_000)
    return [cast(Event, app.mapper.to_domain_event(n)) for n in notifications]


def _marked_school(app: AlternativeProvision, placements: int) -> None:
    ids = started_placements(app, placements)
    for day in school_days(OPENED_ON, TODAY)[:5]:
        marks = [
            RegisterMark(pid, s, "/" if s is Session.AM else "\\") for pid in ids for s in Session
        ]
        app.record_register(marks, on=day, actor=STAFF)


def test_world_holds_no_more_marks_than_its_bound() -> None:
    app = AlternativeProvision.in_memory()
    _marked_school(app, 4)
    world = World(app, max_marks=15)

    for event in _log(app):
        world.apply(event)
        assert world.marks_held <= 15 or len(world._states) == 1

    assert world.marks_held <= 15


def test_world_holds_no_more_states_than_its_bound() -> None:
    app = AlternativeProvision.in_memory()
    _marked_school(app, 4)
    world = World(app, max_cached=2)

    for event in _log(app):
        world.apply(event)

    assert len(world._states) == 2


def test_world_gives_the_same_states_when_it_evicted_them() -> None:
    app = AlternativeProvision.in_memory()
    _marked_school(app, 4)
    roomy, tight = World(app), World(app, max_cached=3, max_marks=5)

    for event in _log(app):
        assert tight.apply(event) == roomy.apply(event)


def test_world_counts_the_marks_of_the_states_it_holds() -> None:
    app = AlternativeProvision.in_memory()
    _marked_school(app, 3)
    world = World(app)

    for event in _log(app):
        world.apply(event)

    assert world.marks_held == 3 * 5 * 2
