"""Reading records from the store and saving decisions to it: the one room that talks to
eventsourcing's repository, recorder, cache and snapshots.

``Records`` loads the current state of a placement, provider, school, student, the seals' or
the policy's record (from the cache, the latest snapshot and the events after it), loads a
record as it
stood at a version, and saves a decision's events in one transaction, putting the new states
in the cache and taking a snapshot when one is due. It turns every library error into one of
``senad_ap.errors``: a write that lost a race is ``ConcurrentChangeError``, any other failure
of the store ``StoreError``.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import chain
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.persistence import IntegrityError, PersistenceError

from senad_ap.application.codec import Snapshot
from senad_ap.domain.base import Event
from senad_ap.domain.placement import PlacementEvent, PlacementState, evolve_placement
from senad_ap.domain.policy import PolicyEvent, PolicyState, evolve_policy
from senad_ap.domain.provider import ProviderEvent, ProviderState, evolve_provider
from senad_ap.domain.records import evolve_record
from senad_ap.domain.school import SchoolEvent, SchoolState, evolve_school
from senad_ap.domain.seal import SealEvent, SealState, evolve_seal
from senad_ap.domain.student import StudentEvent, StudentState, evolve_student
from senad_ap.errors import (
    ConcurrentChangeError,
    InvalidInputError,
    NotFoundError,
    SenadApError,
    StoreError,
)

__all__ = [
    "SNAPSHOT_INTERVAL",
    "AnyState",
    "CheckedRepository",
    "Records",
    "fold",
    "hash_of",
    "snapshot_problem",
    "store_errors",
]

#: A snapshot is taken each time a record's version passes a multiple of this.
SNAPSHOT_INTERVAL = 100

S = TypeVar("S")
E = TypeVar("E", bound=Event)
AnyState = PlacementState | ProviderState | SchoolState | StudentState | SealState | PolicyState


class _WrongKindError(Exception):
    """The id belongs to another kind of record."""


def _projector(
    event_type: type[E], evolve: Callable[[S | None, E], S]
) -> Callable[[S | None, Iterable[Any]], S | None]:
    def project(state: S | None, events: Iterable[Any]) -> S | None:
        for event in events:
            if isinstance(event, Snapshot):
                state = event.state
            elif isinstance(event, event_type):
                state = evolve(state, event)
            else:
                raise _WrongKindError
        return state

    return project


def _project_any(state: Any, events: Iterable[Any]) -> Any:
    for event in events:
        state = event.state if isinstance(event, Snapshot) else evolve_record(state, event)
    return state


#: Where a snapshot that does not match the events is reported (and then not used).
log = logging.getLogger("senad_ap.store")


def snapshot_problem(snapshot: Any, record_id: UUID, at_event: Any) -> str | None:
    """Why ``snapshot`` (the latest of ``record_id``) cannot be trusted, or ``None``.

    A snapshot is trusted only when it is of its own record at its own version, and carries
    the chain hash of the stored event at that version (``at_event``): a snapshot copied
    from another record (two blobs swapped), one for a version that was never recorded, or
    one beside events it was not taken from is refused. (A snapshot whose content was
    changed but whose hash was copied is caught by ``verify``, which recomputes every
    snapshot from the events.)
    """
    state = snapshot.state
    where = f"the snapshot of record {record_id} at version {snapshot.originator_version}"
    if getattr(state, "id", None) != record_id:
        return f"{where} holds another record ({getattr(state, 'id', None)})"
    if getattr(state, "version", None) != snapshot.originator_version:
        return f"{where} holds version {getattr(state, 'version', None)}"
    if at_event is None or at_event.originator_version != snapshot.originator_version:
        return f"{where} has no event at its version"
    if at_event.chain_hash != getattr(state, "chain_hash", None):
        return f"{where} does not carry the chain hash of the event at its version"
    return None


class CheckedRepository(Repository[UUID]):
    """eventsourcing's repository, which starts from a snapshot only after checking it
    against the stored event at the snapshot's version (read in the same query as the events
    after it: one row more, no round trip more). A snapshot that does not match is reported
    (``log``, and ``untrusted``) and the record is replayed from its events instead."""

    #: (record id, snapshot version, why) for each snapshot found untrustworthy, newest last.
    untrusted: list[tuple[UUID, int, str]]

    def _reconstruct_aggregate(
        self, aggregate_id: UUID, version: int | None, projector_func: Any
    ) -> Any:
        snapshots = (
            list(
                self.snapshot_store.get(originator_id=aggregate_id, desc=True, limit=1, lte=version)
            )
            if self.snapshot_store is not None
            else []
        )
        if snapshots:
            snapshot = snapshots[0]
            events = list(
                self.event_store.get(
                    originator_id=aggregate_id, gt=snapshot.originator_version - 1, lte=version
                )
            )
            problem = snapshot_problem(snapshot, aggregate_id, events[0] if events else None)
            if problem is None:
                aggregate = projector_func(None, chain([snapshot], events[1:]))
            else:
                self._report(aggregate_id, snapshot.originator_version, problem)
                aggregate = projector_func(
                    None, self.event_store.get(originator_id=aggregate_id, lte=version)
                )
        else:
            aggregate = projector_func(
                None, self.event_store.get(originator_id=aggregate_id, lte=version)
            )
        if aggregate is None:
            msg = f"Aggregate {aggregate_id!r} version {version!r} not found."
            raise AggregateNotFoundError(msg)
        return aggregate

    @classmethod
    def checking(cls, repository: Repository[UUID]) -> CheckedRepository:
        """``repository`` (as eventsourcing's application made it), checking its snapshots."""
        repository.__class__ = cls
        checked: CheckedRepository = repository  # type: ignore[assignment]
        checked.untrusted = []
        return checked

    def _report(self, record_id: UUID, version: int, problem: str) -> None:
        self.untrusted.append((record_id, version, problem))
        log.warning("%s: the record was read from its events instead.", problem)


#: How each kind of record is folded from a snapshot and events (eventsourcing's projector).
_PROJECTORS: dict[type, Callable[[Any, Iterable[Any]], Any]] = {
    PlacementState: _projector(PlacementEvent, evolve_placement),
    ProviderState: _projector(ProviderEvent, evolve_provider),
    SchoolState: _projector(SchoolEvent, evolve_school),
    SealState: _projector(SealEvent, evolve_seal),
    PolicyState: _projector(PolicyEvent, evolve_policy),
    StudentState: _projector(StudentEvent, evolve_student),
}


@contextlib.contextmanager
def store_errors() -> Iterator[None]:
    """A failure of the store as ``StoreError``; the project's own errors (and a lost race,
    ``IntegrityError``, which ``Records.save`` turns into ``ConcurrentChangeError``) pass."""
    try:
        yield
    except (SenadApError, IntegrityError):
        raise
    except (PersistenceError, sqlite3.Error) as error:
        raise StoreError(f"The store could not complete the operation: {error}") from None


def fold(state: S | None, events: Iterable[Any], evolve: Callable[[Any, Any], S]) -> S:
    """``state`` after ``events`` (each applied with ``evolve``)."""
    for event in events:
        state = evolve(state, event)
    if state is None:  # pragma: no cover - decide never returns no events without raising
        raise NotFoundError("Nothing on the record.", kind="record", id="")
    return state


def hash_of(state: Any) -> str | None:
    """The chain hash of a record's latest event (``None`` for a record not yet begun)."""
    return None if state is None else state.chain_hash


class Records:
    """The records of one store (an eventsourcing ``Application``'s repository and log)."""

    def __init__(
        self,
        application: Application[UUID],
        clock: Callable[[], datetime],
        *,
        before_write: Callable[[], None] | None = None,
    ) -> None:
        self._application = application
        #: Called before each save (the store's format is recorded on the first write).
        self._before_write = before_write
        self.repository = application.repository
        self.recorder: Any = application.recorder
        self.events = application.events
        self.mapper = application.mapper
        self.snapshots = application.snapshots
        self._clock = clock

    # ----------------------------------------------------------------- loading
    def load(self, record_id: UUID, kind: type[S]) -> S | None:
        """The record's current state, or ``None`` when there is no such record of ``kind``."""
        if not isinstance(record_id, UUID):
            raise InvalidInputError(
                f"An id must be a UUID, not {type(record_id).__name__}.", field="id"
            )
        with store_errors():
            try:
                state = self.repository.get(record_id, projector_func=_PROJECTORS[kind])
            except (AggregateNotFoundError, _WrongKindError):
                return None
        if not isinstance(state, kind):
            return None
        self.remember(state)
        return state

    def refreshed(
        self, record_id: UUID, state: S | None, evolve: Callable[[S | None, Any], S]
    ) -> S | None:
        """``state`` (``None``: not begun) with the record's events after its version folded
        in: one query, no snapshot or cache, for a small record read before every command
        (the policy's, POL-1) that another process may have changed."""
        after = 0 if state is None else int(state.version)  # type: ignore[attr-defined]
        with store_errors():
            for stored in self.recorder.select_events(record_id, gt=after):
                state = evolve(state, self.mapper.to_domain_event(stored))
        return state

    def placement(self, placement_id: UUID) -> PlacementState:
        """The placement's current state; ``NotFoundError`` naming the id when there is none."""
        state = self.load(placement_id, PlacementState)
        if state is None:
            raise NotFoundError(
                f"No placement {placement_id} is on the record.",
                kind="placement",
                id=placement_id,
            )
        return state

    def at_version(self, record_id: UUID, version: int, kind: type[S]) -> S:
        """The record of ``kind`` as it stood at ``version`` (which must exist)."""
        with store_errors():
            state: Any = self.repository.get(
                record_id, version=version, projector_func=_PROJECTORS[kind]
            )
        if not isinstance(state, kind):  # pragma: no cover - the key was found in this record
            raise NotFoundError(
                f"No {kind.__name__} {record_id} is on the record.", kind=kind.__name__,
                id=record_id,
            )  # fmt: skip
        return state

    def any_at_version(self, record_id: UUID, version: int | None) -> AnyState | None:
        """Any kind of record as it stood at ``version`` (``None``: now; the result ``None``:
        no such record)."""
        with store_errors():
            try:
                state = self.repository.get(record_id, version=version, projector_func=_project_any)
            except AggregateNotFoundError:
                return None
        return state if isinstance(state, AnyState) else None

    def events_of(self, record_id: UUID) -> tuple[Event, ...]:
        """Every event of a record, oldest first, as stored (empty: no such record)."""
        with store_errors():
            return tuple(self.events.get(record_id))  # type: ignore[arg-type]

    def last_position(self) -> int:
        """The position of the latest event in the store's log (0 when it is empty)."""
        with store_errors():
            return int(self.recorder.max_notification_id() or 0)

    def current_from_cache(self, ids: Iterable[object]) -> dict[UUID, PlacementState]:
        """The cached placements among ``ids`` that are still current, found with one query
        for them all (a day's register: one round trip, not one per placement as
        eventsourcing's fast-forward makes). A placement recorded since it was cached (by
        another process) is left out, and loaded the usual way."""
        cache = self.repository.cache
        if cache is None:
            return {}
        cached: dict[UUID, PlacementState] = {}
        for placement_id in ids:
            if not isinstance(placement_id, UUID) or placement_id in cached:
                continue
            try:
                state = cache.get(placement_id)
            except KeyError:
                continue
            if isinstance(state, PlacementState):
                cached[placement_id] = state
        if not cached:
            return {}
        with store_errors():
            moved = self._recorded_since(
                [(placement_id, state.version) for placement_id, state in cached.items()]
            )
        if moved is None:
            return {}
        return {pid: state for pid, state in cached.items() if pid not in moved}

    def _recorded_since(self, versions: Sequence[tuple[UUID, int]]) -> set[UUID] | None:
        """Which of the records have an event after the given version: one query per 500
        records (``None``: this store cannot tell in one query, as in memory)."""
        recorder = self.recorder
        module = type(recorder).__module__
        if module.startswith("eventsourcing.sqlite"):
            table = recorder.events_table_name
            found: set[UUID] = set()
            with recorder.datastore.transaction(commit=False) as cursor:
                for start in range(0, len(versions), 500):
                    chunk = versions[start : start + 500]
                    cursor.execute(
                        f"SELECT originator_id FROM {table} WHERE "  # noqa: S608 - its own name
                        "(originator_id, originator_version) IN "
                        f"(VALUES {', '.join('(?, ?)' for _ in chunk)})",
                        [value for pid, version in chunk for value in (pid.hex, version + 1)],
                    )
                    found.update(UUID(row["originator_id"]) for row in cursor.fetchall())
            return found
        if module.startswith("eventsourcing.postgres"):
            from psycopg.sql import SQL, Identifier

            statement = SQL(
                "SELECT originator_id FROM {schema}.{table} WHERE "
                "(originator_id, originator_version) IN "
                "(SELECT * FROM unnest(%s::uuid[], %s::bigint[]))"
            ).format(
                schema=Identifier(recorder.datastore.schema),
                table=Identifier(recorder.events_table_name),
            )
            with recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(
                    statement,
                    ([pid for pid, _ in versions], [version + 1 for _, version in versions]),
                )
                return {UUID(str(row["originator_id"])) for row in cursor.fetchall()}
        return None

    def remember(self, state: Any) -> None:
        """Put ``state`` in the cache as its record's current state."""
        # eventsourcing fast-forwards a cached state but keeps only mutable aggregates up to
        # date in place; frozen states must be put back, or every load replays from the
        # version first cached and never benefits from snapshots.
        cache = self.repository.cache
        if cache is not None:
            cache.put(state.id, state)

    # ----------------------------------------------------------------- saving
    def save(self, events: Sequence[Event], states: Iterable[Any]) -> None:
        """Record ``events`` in one transaction (all or none), then remember ``states`` (the
        records' new states) and snapshot those that are due."""
        if not events:
            return
        with store_errors():
            if self._before_write is not None:
                self._before_write()
            try:
                self._application.save(*events)
            except IntegrityError:
                raise ConcurrentChangeError(
                    "Someone else changed this record at the same moment, so nothing was "
                    "recorded. Load it again and retry (an idempotency key makes that safe)."
                ) from None
        states = list(states)
        for state in states:
            self.remember(state)
        self._snapshot_if_due(events, states)

    def _snapshot_if_due(self, events: Sequence[Event], states: Iterable[Any]) -> None:
        if self.snapshots is None:
            return
        due = {e.originator_id for e in events if e.originator_version % SNAPSHOT_INTERVAL == 0}
        if not due:
            return
        now = self._clock()
        snapshots = [Snapshot.take(state, now) for state in states if state.id in due]
        # A snapshot only saves replay time: losing one to a race is harmless.
        with contextlib.suppress(PersistenceError, sqlite3.Error):
            self.snapshots.put(snapshots)
