"""Two writers of one record: one wins, the other gets ``ConcurrentChangeError``, nothing else.

On SQLite the writers are two application instances on the same file; in memory the store
lives inside one instance, so the second writer is that instance again.

A single-threaded test cannot make two calls overlap by itself: the application reads the
record and saves in one call, and its cache fast-forwards to the latest version first. So the
overlap is arranged in two ways, both through the application's own save path (``_save``, which
translates the store's ``IntegrityError``):

- ``write_between_load_and_save`` makes the other writer write after the public command has
  loaded the record and before it decides and saves;
- a decision is taken with ``decide_*`` on a state read before the other writer's change and
  saved with ``app._records.save``, as the application's command methods do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import EventSourcingError

from senad_ap import (
    AlternativeProvision,
    AttendanceCode,
    AttendanceRecorded,
    ConcurrentChangeError,
    PlacementState,
    RiskOutcome,
    Session,
)
from senad_ap.domain.base import Event
from senad_ap.domain.placement import RecordAttendance, decide_placement, evolve_placement
from senad_ap.domain.provider import ConfirmProviderRegistration, decide_provider
from senad_ap.domain.school import AppointDelegate, decide_school
from tests.integration.conftest import Store
from tests.integration.scenario import (
    DELEGATE,
    HEAD,
    OPENED_ON,
    STAFF,
    TODAY,
    notification_count,
    start_outside_placement,
    stored_notifications,
    write_between_load_and_save,
)

KEY = "mark-am-2026-03-02"


def _mark(
    app: AlternativeProvision, placement_id: UUID, session: Session, key: str | None = None
) -> PlacementState:
    code = AttendanceCode.PRESENT_AM if session is Session.AM else AttendanceCode.PRESENT_PM
    return app.record_attendance(
        placement_id, session=session, code=code, actor=STAFF, on=TODAY, idempotency_key=key
    )


def _interleaved(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> tuple[AlternativeProvision, AlternativeProvision, UUID]:
    """The placement, and two writers: ``other`` marks PM while ``app`` is deciding AM."""
    app, other = store.open(), store.open()
    placement_id = start_outside_placement(app).placement.id
    write_between_load_and_save(
        monkeypatch, app, placement_id, lambda: _mark(other, placement_id, Session.PM)
    )
    return app, other, placement_id


def test_conflicting_write_raises_concurrent_change_error(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, placement_id = _interleaved(store, monkeypatch)

    with pytest.raises(ConcurrentChangeError):
        _mark(app, placement_id, Session.AM)


def test_conflicting_write_raises_no_eventsourcing_exception(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, placement_id = _interleaved(store, monkeypatch)

    with pytest.raises(ConcurrentChangeError) as refused:
        _mark(app, placement_id, Session.AM)

    chained = (refused.value.__cause__, refused.value.__suppress_context__)
    assert (isinstance(refused.value, EventSourcingError), chained) == (False, (None, True))


def test_conflicting_write_records_only_the_winners_event(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, placement_id = _interleaved(store, monkeypatch)
    before = notification_count(app)

    with pytest.raises(ConcurrentChangeError):
        _mark(app, placement_id, Session.AM)

    history = app.placement_history(placement_id, reader=HEAD)
    last = history[-1]
    assert (notification_count(app), type(last), getattr(last, "session", None)) == (
        before + 1,
        AttendanceRecorded,
        Session.PM,
    )


def test_loser_sees_the_winners_write_after_the_conflict(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, placement_id = _interleaved(store, monkeypatch)
    with pytest.raises(ConcurrentChangeError):
        _mark(app, placement_id, Session.AM)

    placement = app.get_placement(placement_id, reader=HEAD)

    assert (placement.mark(TODAY, Session.AM), placement.mark(TODAY, Session.PM) is not None) == (
        None,
        True,
    )


def test_retry_after_a_conflict_succeeds(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    app, _, placement_id = _interleaved(store, monkeypatch)
    with pytest.raises(ConcurrentChangeError):
        _mark(app, placement_id, Session.AM)

    placement = _mark(app, placement_id, Session.AM)

    assert placement.mark(TODAY, Session.AM) is not None


def test_retry_after_a_conflict_duplicates_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, placement_id = _interleaved(store, monkeypatch)
    with pytest.raises(ConcurrentChangeError):
        _mark(app, placement_id, Session.AM, key=KEY)
    _mark(app, placement_id, Session.AM, key=KEY)
    _mark(app, placement_id, Session.AM, key=KEY)

    history = app.placement_history(placement_id, reader=HEAD)
    versions = [event.originator_version for event in history]
    marks = [e.session for e in history if isinstance(e, AttendanceRecorded)]
    assert (versions, sorted(marks, key=str)) == (
        list(range(1, len(history) + 1)),
        [Session.AM, Session.PM],
    )


def test_two_instances_on_one_store_see_each_others_writes(store: Store) -> None:
    first, second = store.open(), store.open()
    placement_id = start_outside_placement(first).placement.id
    first.get_placement(placement_id, reader=HEAD)  # cached in ``first``

    _mark(second, placement_id, Session.AM)

    assert first.get_placement(placement_id, reader=HEAD) == second.get_placement(
        placement_id, reader=HEAD
    )


# A decision taken on a state read before another writer's change, saved by ``app._records.save``.
Stale = Callable[[AlternativeProvision, AlternativeProvision], tuple[tuple[Event, ...], Any]]


def _stale_placement(app: AlternativeProvision, other: AlternativeProvision) -> Any:
    placement_id = start_outside_placement(app).placement.id
    stale = app.get_placement(placement_id, reader=HEAD)
    _mark(other, placement_id, Session.PM)
    command = RecordAttendance(
        actor=STAFF,
        effective_on=TODAY,
        placement_id=placement_id,
        session=Session.AM,
        code=AttendanceCode.PRESENT_AM,
    )
    pipeline = app._pipeline
    events = decide_placement(stale, command, pipeline.context(), pipeline.related(stale, command))
    state = stale
    for event in events:
        state = evolve_placement(state, event)
    return events, state


def _stale_provider(app: AlternativeProvision, other: AlternativeProvision) -> Any:
    provider = start_outside_placement(app).provider
    stale = app.get_provider(provider.id, reader=HEAD)
    other.assess_provider_risk(
        provider.id,
        outcome=RiskOutcome.SATISFACTORY,
        safeguarding_policies_seen=True,
        staff_checks_confirmed_in_writing=True,
        valid_until=TODAY + timedelta(days=200),
        actor=HEAD,
        on=TODAY,
    )
    command = ConfirmProviderRegistration(
        actor=HEAD,
        effective_on=TODAY,
        provider_id=provider.id,
        urn="130456",
        evidence_reference="GIAS recheck",
    )
    return decide_provider(stale, command, app._pipeline.context(), None), stale


def _stale_school(app: AlternativeProvision, other: AlternativeProvision) -> Any:
    app.appoint_delegate("bursar-712E", actor=HEAD, on=OPENED_ON)
    stale = app.get_school(HEAD.school_id, reader=HEAD)
    other.appoint_delegate("senco-712E", actor=HEAD, on=OPENED_ON)
    command = AppointDelegate(actor=HEAD, effective_on=TODAY, delegate_id=DELEGATE.id)
    return decide_school(stale, command, app._pipeline.context()), stale


STALE: list[Any] = [
    pytest.param(_stale_placement, id="placement"),
    pytest.param(_stale_provider, id="provider"),
    pytest.param(_stale_school, id="school"),
]


@pytest.mark.parametrize("stale_decision", STALE)
def test_decision_on_a_stale_state_raises_concurrent_change_error(
    store: Store, stale_decision: Stale
) -> None:
    app, other = store.open(), store.open()
    events, state = stale_decision(app, other)

    with pytest.raises(ConcurrentChangeError):
        app._records.save(events, [state])


@pytest.mark.parametrize("stale_decision", STALE)
def test_decision_on_a_stale_state_writes_nothing(store: Store, stale_decision: Stale) -> None:
    app, other = store.open(), store.open()
    events, state = stale_decision(app, other)
    before = stored_notifications(app)

    with pytest.raises(ConcurrentChangeError):
        app._records.save(events, [state])

    assert stored_notifications(app) == before
