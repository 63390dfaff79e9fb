"""One register per pupil (STAT-1) on each store: one running placement at a time, and two
writers at once.

A pupil (one student reference of one school) may have placements open at the same time, but
only one runs at a time, so each pupil-session has at most one mark across all the pupil's
placements. Two writers racing are arranged as in ``test_concurrency``: ``other`` writes
after ``app`` has decided and before it saves (``write_before_the_save``), through the
application's own save path, on two application instances sharing one SQLite file or one
PostgreSQL schema (in memory, one instance writes twice).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from senad_ap import (
    AlreadyRecordedError,
    AlternativeProvision,
    AttendanceRecorded,
    ConcurrentChangeError,
    Destination,
    InvalidInputError,
    LifecycleError,
    PlacementRunEnded,
    PlacementRunStarted,
    PlacementStarted,
    PolicyViolationError,
    RegisterMark,
    RegisterRefusedError,
    Session,
)
from senad_ap.application.integrity import chained
from senad_ap.application.records import fold, hash_of
from senad_ap.domain.placement import (
    PlacementState,
    StartPlacement,
    decide_placement,
    evolve_placement,
)
from senad_ap.domain.student import student_record_id
from senad_ap.projections.access import FULL_ACCESS
from tests.integration.conftest import Store
from tests.integration.scenario import (
    HEAD,
    OPENED_ON,
    SCHOOL,
    STAFF,
    TODAY,
    plan_outside_placement,
    ready_provider,
    stored_notifications,
)

PUPIL = "STU-0042"
#: The first placement runs for two weeks; the second may start the Monday after.
FIRST_ENDS_ON = OPENED_ON + timedelta(days=11)  # Friday 13 February 2026
SECOND_STARTS_ON = OPENED_ON + timedelta(days=14)  # Monday 16 February 2026
A_DAY_OF_THE_SECOND = SECOND_STARTS_ON + timedelta(days=1)


def two_placements(app: AlternativeProvision) -> tuple[UUID, UUID]:
    """Two placements of one pupil, both planned and consented, neither started."""
    provider = ready_provider(app)
    first = plan_outside_placement(app, provider=provider, student_reference=PUPIL)
    second = plan_outside_placement(app, provider=provider, student_reference=PUPIL)
    return first.placement.id, second.placement.id


def one_after_the_other(app: AlternativeProvision) -> tuple[UUID, UUID]:
    """The first placement ran (and was marked on its last day); the second runs now."""
    first, second = two_placements(app)
    app.start_placement(first, actor=HEAD, on=OPENED_ON)
    mark(app, first, FIRST_ENDS_ON)
    app.end_placement(first, destination=Destination.SEN_SCHOOL, actor=HEAD, on=FIRST_ENDS_ON)
    app.start_placement(second, actor=HEAD, on=SECOND_STARTS_ON)
    return first, second


def mark(
    app: AlternativeProvision, placement_id: UUID, day: date, session: Session = Session.AM
) -> Any:
    code = "/" if session is Session.AM else "\\"
    return app.record_attendance(placement_id, session=session, code=code, actor=STAFF, on=day)


def write_before_the_save(
    monkeypatch: pytest.MonkeyPatch, app: AlternativeProvision, write: Callable[[], object]
) -> None:
    """Make ``app`` run ``write`` once, after its next command has decided and before it saves:
    both writers decide on the same versions of the records, as two processes at once do."""
    records = app._pipeline.records
    save = records.save
    fired = False

    def save_after_the_other(*args: Any, **kwargs: Any) -> None:
        nonlocal fired
        if not fired:
            fired = True
            write()
        save(*args, **kwargs)

    monkeypatch.setattr(records, "save", save_after_the_other)


def pupil_events(app: AlternativeProvision) -> tuple[Any, ...]:
    return app.events_of(student_record_id(SCHOOL, PUPIL), reader=FULL_ACCESS)


def started(app: AlternativeProvision, *placement_ids: UUID) -> list[UUID]:
    return [
        placement_id
        for placement_id in placement_ids
        if app.get_placement(placement_id, reader=HEAD).started_on is not None
    ]


def marks_per_pupil_session(app: AlternativeProvision, *placement_ids: UUID) -> Counter[Any]:
    return Counter(
        (event.effective_on, event.session)
        for placement_id in placement_ids
        for event in app.placement_history(placement_id, reader=HEAD)
        if isinstance(event, AttendanceRecorded)
    )


# --------------------------------------------------------------------------- one running at once
def test_start_while_another_placement_of_the_pupil_runs_is_refused(store: Store) -> None:
    app = store.open()
    first, second = two_placements(app)
    app.start_placement(first, actor=HEAD, on=OPENED_ON)

    with pytest.raises(PolicyViolationError) as refused:
        app.start_placement(second, actor=HEAD, on=TODAY)

    assert (refused.value.rule_id, str(first) in refused.value.reason) == ("STAT-1", True)


def test_refused_start_writes_nothing(store: Store) -> None:
    app = store.open()
    first, second = two_placements(app)
    app.start_placement(first, actor=HEAD, on=OPENED_ON)
    before = stored_notifications(app)

    with pytest.raises(PolicyViolationError):
        app.start_placement(second, actor=HEAD, on=TODAY)

    assert stored_notifications(app) == before


def test_start_after_the_other_placement_ended_is_allowed(store: Store) -> None:
    app = store.open()
    first, second = one_after_the_other(app)

    assert started(app, first, second) == [first, second]


def test_students_record_shows_each_run(store: Store) -> None:
    app = store.open()
    first, second = one_after_the_other(app)

    runs = [
        (type(e).__name__, e.placement_id, e.effective_on)
        for e in pupil_events(app)
        if isinstance(e, PlacementRunStarted | PlacementRunEnded)
    ]

    assert runs == [
        ("PlacementRunStarted", first, OPENED_ON),
        ("PlacementRunEnded", first, FIRST_ENDS_ON),
        ("PlacementRunStarted", second, SECOND_STARTS_ON),
    ]


def test_end_before_the_last_marked_day_is_refused(store: Store) -> None:
    app = store.open()
    first, _ = two_placements(app)
    app.start_placement(first, actor=HEAD, on=OPENED_ON)
    mark(app, first, FIRST_ENDS_ON)

    with pytest.raises(InvalidInputError) as refused:
        app.end_placement(
            first,
            destination=Destination.SEN_SCHOOL,
            actor=HEAD,
            on=FIRST_ENDS_ON - timedelta(days=1),
        )

    assert (refused.value.field, FIRST_ENDS_ON.isoformat() in str(refused.value)) == (
        "effective_on",
        True,
    )


# --------------------------------------------------------------------------- naming the holder
def test_mark_for_a_session_another_placement_holds_is_refused_naming_it(store: Store) -> None:
    app = store.open()
    first, second = one_after_the_other(app)

    with pytest.raises(AlreadyRecordedError) as refused:
        mark(app, second, FIRST_ENDS_ON)

    assert (refused.value.rule_id, str(first) in str(refused.value)) == ("STAT-2", True)


def test_mark_on_an_ended_placement_for_a_day_of_the_next_names_the_next(store: Store) -> None:
    app = store.open()
    first, second = one_after_the_other(app)

    with pytest.raises(LifecycleError) as refused:
        mark(app, first, A_DAY_OF_THE_SECOND)

    assert str(second) in str(refused.value)


def test_register_mark_for_a_session_another_placement_holds_names_it(store: Store) -> None:
    app = store.open()
    first, second = one_after_the_other(app)
    before = stored_notifications(app)

    with pytest.raises(RegisterRefusedError) as refused:
        app.record_register(
            [RegisterMark(second, Session.AM, "/"), RegisterMark(second, Session.PM, "\\")],
            actor=STAFF,
            on=FIRST_ENDS_ON,
        )

    numbers = [number for number, _ in refused.value.refusals]
    named = all(str(first) in str(error) for _, error in refused.value.refusals)
    assert (numbers, named, stored_notifications(app) == before) == ([1, 2], True, True)


def test_register_mark_inside_the_running_placement_is_allowed(store: Store) -> None:
    app = store.open()
    _, second = one_after_the_other(app)

    marked = app.record_register(
        [RegisterMark(second, Session.AM, "/")], actor=STAFF, on=A_DAY_OF_THE_SECOND
    )

    assert marked[second].mark(A_DAY_OF_THE_SECOND, Session.AM) is not None


# --------------------------------------------------------------------------- two writers at once
def race_two_starts(store: Store, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, UUID, UUID]:
    """``app`` starts the first placement while ``other`` starts the second: the loser's
    error (``None``: no error), and the two placements."""
    app, other = store.open(), store.open()
    first, second = two_placements(app)
    write_before_the_save(
        monkeypatch, app, lambda: other.start_placement(second, actor=HEAD, on=OPENED_ON)
    )
    try:
        app.start_placement(first, actor=HEAD, on=OPENED_ON)
    except ConcurrentChangeError as error:
        return error, first, second
    return None, first, second


def test_two_starts_of_one_pupils_placements_at_once_exactly_one_wins(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost, first, second = race_two_starts(store, monkeypatch)

    assert (type(lost), started(store.open(), first, second)) == (ConcurrentChangeError, [second])


def test_losing_start_writes_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _, first, _ = race_two_starts(store, monkeypatch)
    app = store.open()

    first_started = [
        e for e in app.placement_history(first, reader=HEAD) if isinstance(e, PlacementStarted)
    ]
    runs = [e.placement_id for e in pupil_events(app) if isinstance(e, PlacementRunStarted)]
    assert (first_started, len(runs)) == ([], 1)


def test_retried_losing_start_is_refused_naming_the_winner(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, first, second = race_two_starts(store, monkeypatch)

    with pytest.raises(PolicyViolationError) as refused:
        store.open().start_placement(first, actor=HEAD, on=OPENED_ON)

    assert (refused.value.rule_id, str(second) in refused.value.reason) == ("STAT-1", True)


def test_two_marks_of_one_pupil_session_at_once_exactly_one_wins(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, other = store.open(), store.open()
    first, second = one_after_the_other(app)
    write_before_the_save(
        monkeypatch,
        app,
        lambda: other.record_register(
            [RegisterMark(second, Session.AM, "/")], actor=STAFF, on=A_DAY_OF_THE_SECOND
        ),
    )

    with pytest.raises(ConcurrentChangeError):
        mark(app, second, A_DAY_OF_THE_SECOND)

    counts = marks_per_pupil_session(store.open(), first, second)
    assert counts[(A_DAY_OF_THE_SECOND, Session.AM)] == 1


def test_marks_through_each_of_the_pupils_placements_leave_one_mark_per_session(
    store: Store,
) -> None:
    app = store.open()
    first, second = one_after_the_other(app)
    for day in (FIRST_ENDS_ON, A_DAY_OF_THE_SECOND):
        for placement_id in (second, first):
            for session in Session:
                with contextlib.suppress(AlreadyRecordedError, LifecycleError, InvalidInputError):
                    mark(app, placement_id, day, session)

    counts = marks_per_pupil_session(app, first, second)
    # The first placement's last day was marked AM before it ended; its PM can no longer be.
    assert (len(counts), max(counts.values())) == (3, 1)


def test_mark_and_end_of_one_placement_at_once_exactly_one_wins(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, other = store.open(), store.open()
    first, _ = two_placements(app)
    app.start_placement(first, actor=HEAD, on=OPENED_ON)
    write_before_the_save(monkeypatch, app, lambda: mark(other, first, FIRST_ENDS_ON))

    with pytest.raises(ConcurrentChangeError):
        app.end_placement(
            first,
            destination=Destination.SEN_SCHOOL,
            actor=HEAD,
            on=FIRST_ENDS_ON - timedelta(days=1),
        )

    placement = store.open().get_placement(first, reader=HEAD)
    assert (placement.ended_on, placement.mark(FIRST_ENDS_ON, Session.AM) is not None) == (
        None,
        True,
    )


# --------------------------------------------------------------------------- older stores
def overlapping_as_before(app: AlternativeProvision) -> tuple[UUID, UUID]:
    """Two placements of one pupil running at once, as a store written before running periods
    could not overlap holds them: the second start saved with the placement's events only."""
    first, second = two_placements(app)
    app.start_placement(first, actor=HEAD, on=OPENED_ON)
    pipeline = app._pipeline
    state = pipeline.records.load(second, PlacementState)
    command = StartPlacement(actor=HEAD, effective_on=OPENED_ON, placement_id=second)
    events = decide_placement(state, command, pipeline.context(), pipeline.related(state, command))
    chained_events = chained(events, hash_of(state))
    pipeline.records.save(chained_events, [fold(state, chained_events, evolve_placement)])
    return first, second


def test_overlapping_placements_of_an_older_store_stay_readable(store: Store) -> None:
    app = store.open()
    first, second = overlapping_as_before(app)
    mark(app, first, OPENED_ON)
    mark(app, second, OPENED_ON)

    counts = marks_per_pupil_session(app, first, second)
    assert (started(app, first, second), counts[(OPENED_ON, Session.AM)]) == (
        [first, second],
        2,
    )


def test_start_of_a_third_placement_beside_overlapping_ones_is_refused(store: Store) -> None:
    app = store.open()
    overlapping_as_before(app)
    third = plan_outside_placement(app, student_reference=PUPIL).placement.id

    with pytest.raises(PolicyViolationError) as refused:
        app.start_placement(third, actor=HEAD, on=TODAY)

    assert refused.value.rule_id == "STAT-1"


def test_one_of_overlapping_placements_of_an_older_store_can_end(store: Store) -> None:
    app = store.open()
    first, _ = overlapping_as_before(app)

    ended = app.end_placement(
        first, destination=Destination.SEN_SCHOOL, actor=HEAD, on=FIRST_ENDS_ON
    )

    assert ended.ended_on == FIRST_ENDS_ON
