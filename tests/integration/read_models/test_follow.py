"""Following the log live: ``Projections.follow`` in a thread of its own while the
application records.

On PostgreSQL (and in memory) the follower is woken by eventsourcing's subscription (LISTEN/
NOTIFY); these tests give it a poll interval far longer than the wait they allow, so only a
notification can bring an event in time. SQLite cannot notify: there it pulls, every 50 ms.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from unittest import mock

import pytest

from senad_ap import AlternativeProvision, InformationParty, InformationScope
from senad_ap.projections import Projections, audit
from senad_ap.projections.base import Change, Cursor, World
from tests.integration.conftest import Store
from tests.integration.projection_scenes import START
from tests.integration.read_models.conftest import Place
from tests.integration.read_models.test_projection_store import _all_rows
from tests.integration.scenario import STAFF, start_outside_placement, stored_notifications

#: How long a test waits for the follower to process what was just recorded.
BOUND = 5.0


@pytest.fixture
def poll(store: Store) -> float:
    """The follower's poll interval: far longer than ``BOUND`` where it is notified."""
    return 0.05 if store.name == "sqlite" else 60.0


class Follower:
    """``projections.follow`` running in a thread until ``stop()``."""

    def __init__(self, projections: Projections, **options: Any) -> None:
        self._stop = threading.Event()
        self._result: int | None = None
        self._error: BaseException | None = None
        self.thread = threading.Thread(
            target=self._run, args=(projections, options), name="test follower"
        )
        self.thread.start()

    def _run(self, projections: Projections, options: dict[str, Any]) -> None:
        try:
            self._result = projections.follow(stop=self._stop, **options)
        except BaseException as error:
            self._error = error

    def stop(self) -> int:
        """Stop it; how many events it processed (or the error that ended it)."""
        self._stop.set()
        self.thread.join(BOUND)
        assert not self.thread.is_alive(), "the follower did not stop"
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def ended(self) -> bool:
        self.thread.join(BOUND)
        return not self.thread.is_alive()


def _share(app: AlternativeProvision, placement_id: Any, party: InformationParty) -> None:
    app.share_information(
        placement_id, party=party, scope=[InformationScope.SAFEGUARDING], actor=STAFF, on=START
    )


def _caught_up_rows(app: AlternativeProvision, stop_after: int | None = None) -> Any:
    """The rows of fresh in-memory projections caught up with ``app``'s log (the reference)."""
    reference = Projections(app)
    try:
        reference.catch_up(stop_after=stop_after)
        return _all_rows(reference)
    finally:
        reference.close()


def test_a_follower_processes_what_the_log_already_holds(
    app: AlternativeProvision, projections: Projections, poll: float
) -> None:
    start_outside_placement(app)
    follower = Follower(projections, poll_interval=poll)

    caught_up = projections.wait_for(timeout=BOUND)
    processed = follower.stop()

    assert (caught_up, processed) == (True, len(stored_notifications(app)))


def test_events_recorded_while_following_are_processed_within_moments(
    app: AlternativeProvision, projections: Projections, poll: float
) -> None:
    started = time.monotonic()
    follower = Follower(projections, poll_interval=poll)
    placement_id = start_outside_placement(app).placement.id
    first = projections.wait_for(timeout=BOUND)
    # Past the follower's first look of its own (half a second after it subscribed): on
    # PostgreSQL and in memory only a notification can bring these in time.
    time.sleep(max(0.0, started + 0.6 - time.monotonic()))
    _share(app, placement_id, InformationParty.LOCAL_AUTHORITY)
    _share(app, placement_id, InformationParty.PARENTS)
    second = projections.wait_for(timeout=BOUND)
    follower.stop()

    assert (first, second, _all_rows(projections)) == (True, True, _caught_up_rows(app))


def test_a_follower_told_to_stop_returns_and_leaves_no_thread_behind(
    app: AlternativeProvision, projections: Projections, poll: float
) -> None:
    before = set(threading.enumerate())
    follower = Follower(projections, poll_interval=poll)
    start_outside_placement(app)
    projections.wait_for(timeout=BOUND)

    started = time.monotonic()
    follower.stop()
    took = time.monotonic() - started
    left = [t.name for t in threading.enumerate() if t not in before and t.is_alive()]

    assert (took < 1.0, left) == (True, [])


def test_a_follower_with_a_timeout_returns_after_it(
    app: AlternativeProvision, projections: Projections, poll: float
) -> None:
    start_outside_placement(app)

    started = time.monotonic()
    processed = projections.follow(timeout=0.3, poll_interval=poll)
    took = time.monotonic() - started

    assert (processed, 0.3 <= took < 0.3 + BOUND) == (len(stored_notifications(app)), True)


def test_a_restarted_follower_processes_only_what_was_recorded_while_none_followed(
    store: Store, place: Place, poll: float
) -> None:
    app = store.open()
    first = place.open(app)
    follower = Follower(first, poll_interval=poll)
    placement_id = start_outside_placement(app).placement.id
    first.wait_for(timeout=BOUND)
    follower.stop()
    first.close()
    _share(app, placement_id, InformationParty.LOCAL_AUTHORITY)
    _share(app, placement_id, InformationParty.PARENTS)

    again = place.open(store.open())
    follower = Follower(again, poll_interval=poll)
    again.wait_for(timeout=BOUND)
    processed = follower.stop()
    audited = [row["position"] for row in audit.stored_rows(again.store)]
    again.close()

    assert (processed, audited) == (2, [n.id for n in stored_notifications(app)])


class FailsAtPlanAgreed:
    """The compliance projection's ``process``, raising the first time it meets the plan's
    agreement: the other projections have written their rows for that event by then, in the
    same transaction."""

    def __init__(self, projections: Projections) -> None:
        self.process = projections.compliance.process
        self.position: int | None = None

    def __call__(self, cursor: Cursor, change: Change, world: World) -> None:
        if type(change.event).__name__ == "PlanAgreed" and self.position is None:
            self.position = change.position
            raise RuntimeError("the projection failed")
        self.process(cursor, change, world)


def test_a_follower_failing_mid_batch_keeps_the_rows_and_tracking_of_the_batches_before(
    app: AlternativeProvision, projections: Projections, poll: float
) -> None:
    failing = FailsAtPlanAgreed(projections)
    with mock.patch.object(projections.compliance, "process", failing):
        follower = Follower(projections, poll_interval=poll)
        start_outside_placement(app)
        assert follower.ended()
        with pytest.raises(RuntimeError, match="the projection failed"):
            follower.stop()
    positions = set(projections.positions().values())
    (kept,) = positions
    committed = len([n for n in stored_notifications(app) if n.id <= kept])

    assert failing.position is not None
    assert (kept < failing.position, _all_rows(projections)) == (
        True,
        _caught_up_rows(app, stop_after=committed),
    )


def test_a_follower_restarted_after_a_failure_gives_the_rows_of_an_uninterrupted_run(
    app: AlternativeProvision, projections: Projections, poll: float
) -> None:
    with mock.patch.object(projections.compliance, "process", FailsAtPlanAgreed(projections)):
        follower = Follower(projections, poll_interval=poll)
        start_outside_placement(app)
        assert follower.ended()
        with pytest.raises(RuntimeError):
            follower.stop()

    follower = Follower(projections, poll_interval=poll)
    projections.wait_for(timeout=BOUND)
    follower.stop()

    assert _all_rows(projections) == _caught_up_rows(app)


def test_waiting_for_events_that_no_one_processes_gives_up_after_the_timeout(
    app: AlternativeProvision, projections: Projections
) -> None:
    start_outside_placement(app)

    started = time.monotonic()
    caught_up = projections.wait_for(timeout=0.2)

    assert (caught_up, time.monotonic() - started >= 0.2) == (False, True)
