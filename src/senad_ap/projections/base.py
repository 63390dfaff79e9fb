"""What every projection shares: the store its tables live in, and what one event changed.

A projection is a read model kept in its own tables. It is fed from the application's
notification log in order, and it records eventsourcing's tracking position in the same
transaction as its rows, so a crash or a restart resumes exactly after the last event whose
rows were committed, and no event is processed twice.

The runner works out, for each event, the record's state just before and just after it (the
domain's own ``evolve``), so projections never re-implement the domain's rules.
"""

from __future__ import annotations

import abc
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, overload
from uuid import UUID, uuid4

import attrs
from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from senad_ap.application.stores import use_statement_cache
from senad_ap.domain.authority import FULL_ACCESS
from senad_ap.domain.base import Event
from senad_ap.domain.records import RecordState, evolve_record

if TYPE_CHECKING:
    from senad_ap.application import AlternativeProvision

__all__ = [
    "Change",
    "Cursor",
    "Projection",
    "ProjectionStore",
    "RecordState",
    "SQLiteProjectionStore",
    "World",
    "iso",
    "parse_date",
    "parse_datetime",
    "upsert",
]


class Cursor:
    """A cursor in one transaction of the projections' store, on SQLite or PostgreSQL.

    The projections write their SQL once, with SQLite's ``?`` placeholders; the store's
    ``dialect`` turns it into what its database takes (``%s`` on PostgreSQL). Rows are read
    by column name (``row["placement_id"]``) on both.
    """

    __slots__ = ("_dialect", "raw")

    def __init__(self, raw: Any, dialect: Callable[[str], str]) -> None:
        #: The database driver's own cursor (eventsourcing's tracking recorder writes with it).
        self.raw = raw
        self._dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.raw.execute(self._dialect(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.raw.executemany(self._dialect(sql), rows)

    def fetchall(self) -> list[Any]:
        return list(self.raw.fetchall())

    def fetchone(self) -> Any:
        return self.raw.fetchone()


@attrs.frozen
class Change:
    """One event from the log, where it sits, and the state of its record around it."""

    position: int
    event: Event
    before: RecordState | None
    after: RecordState

    @property
    def recorded_at(self) -> str:
        return iso(self.event.timestamp)


class World:
    """The states of the records as the log has been read so far, for the projections.

    It keeps recently used states in memory and otherwise asks the application for a record
    at a given version (which uses its snapshots), so memory stays bounded however long the
    log is: at most ``max_cached`` states, holding at most ``max_marks`` attendance marks in
    all (a mark costs about 190 bytes here, so the default bounds them to about 200 MB). The
    least recently used states go first. A rebuild stays fast while the placements marked in
    the same weeks fit: 2,500 placements with a year of marks each do.
    """

    def __init__(
        self, app: AlternativeProvision, *, max_cached: int = 10_000, max_marks: int = 1_000_000
    ) -> None:
        self.app = app
        self.max_cached = max_cached
        self.max_marks = max_marks
        self._states: OrderedDict[UUID, RecordState] = OrderedDict()
        self._marks = 0

    def state(self, aggregate_id: UUID, version: int) -> RecordState:
        """The record ``aggregate_id`` as it stood at ``version``."""
        cached = self._states.get(aggregate_id)
        if cached is not None and cached.version == version:
            self._states.move_to_end(aggregate_id)
            return cached
        state = self.app.state_at_version(aggregate_id, version, reader=FULL_ACCESS)
        self._keep(state)
        return state

    def events_of(self, record_id: UUID) -> Sequence[Event]:
        """Every event of the record, oldest first (the projections read the whole store)."""
        return self.app.events_of(record_id, reader=FULL_ACCESS)

    def apply(self, event: Event) -> tuple[RecordState | None, RecordState]:
        """The record's state before and after ``event``, which must be its next event."""
        version = event.originator_version
        before = None if version == 1 else self.state(event.originator_id, version - 1)
        after = evolve_record(before, event)
        self._keep(after)
        return before, after

    @property
    def marks_held(self) -> int:
        """The attendance marks the cached states hold."""
        return self._marks

    def _keep(self, state: RecordState) -> None:
        states = self._states
        previous = states.get(state.id)
        if previous is not None:
            self._marks -= _marks_of(previous)
        states[state.id] = state
        states.move_to_end(state.id)
        self._marks += _marks_of(state)
        while len(states) > 1 and (len(states) > self.max_cached or self._marks > self.max_marks):
            _, evicted = states.popitem(last=False)
            self._marks -= _marks_of(evicted)


def _marks_of(state: RecordState) -> int:
    marks = getattr(state, "marks", None)
    return 0 if marks is None else len(marks)


class Projection(abc.ABC):
    """A read model: its tables, and how one change from the log updates them."""

    #: The projection's name: its tracking row and the ``senad-ap`` reports use it.
    name: ClassVar[str]
    #: ``CREATE TABLE/INDEX/VIEW IF NOT EXISTS`` statements.
    create_statements: ClassVar[tuple[str, ...]]
    #: The tables a rebuild empties.
    tables: ClassVar[tuple[str, ...]]

    @abc.abstractmethod
    def process(self, cursor: Cursor, change: Change, world: World) -> None:
        """Update the rows for ``change``; runs inside the transaction that records tracking."""

    def write_later(self, sql: str, params: Sequence[Any]) -> None:
        """Queue a write for the end of the batch (``flush``), in order: consecutive writes
        of the same statement go in one ``executemany`` (on PostgreSQL, one pipeline instead
        of a round trip each). Only for writes to tables this projection does not read back
        before the batch ends, unless it flushes first."""
        later: list[tuple[str, list[tuple[Any, ...]]]] = self.__dict__.setdefault("_later", [])
        if later and later[-1][0] == sql:
            later[-1][1].append(tuple(params))
        else:
            later.append((sql, [tuple(params)]))

    def flush(self, cursor: Cursor) -> None:
        """Write what ``process`` held back to write once per batch; runs at the end of each
        batch, in its transaction, before the tracking is recorded."""
        later: list[tuple[str, list[tuple[Any, ...]]]] = self.__dict__.get("_later", [])
        for sql, rows in later:
            cursor.executemany(sql, rows)
        later.clear()

    def reset(self) -> None:
        """Forget what this projection remembers of its rows between events: called at the
        start of each run (``catch_up``, ``follow``, ``rebuild``) and after a batch failed,
        whose rows were rolled back. Within a run the projection may trust that memory: each
        projection's rows are written by one runner at a time."""
        self.__dict__.pop("_later", None)


def upsert(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """``INSERT`` a row, or replace the columns of the row with the same ``key``: one SQL text
    that SQLite (3.24 and later) and PostgreSQL both take, unlike SQLite's ``INSERT OR
    REPLACE``."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own names
        f"VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


def create_statements(projections: Sequence[Projection]) -> tuple[str, ...]:
    """Every table the projections keep, and the one that names their source."""
    return (
        # Which event store the rows came from: the first event of its log.
        "CREATE TABLE IF NOT EXISTS projection_source (first_event TEXT)",
        *(s for p in projections for s in p.create_statements),
    )


class ProjectionStore(abc.ABC):
    """The database the projections' tables live in, with eventsourcing's tracking beside
    them: one row per projection, named ``<application>/<projection>``, advanced in the same
    transaction as the rows.

    ``SQLiteProjectionStore`` keeps them in a SQLite file; ``PostgresProjectionStore``
    (``senad_ap.projections.postgres``) in a PostgreSQL schema.
    """

    #: ``"sqlite"`` or ``"postgresql"``.
    dialect_name: ClassVar[str]
    #: The table eventsourcing's tracking recorder keeps the positions in.
    tracking_table: ClassVar[str]

    @abc.abstractmethod
    def dialect(self, sql: str) -> str:
        """``sql``, written for SQLite (``?`` placeholders), as this database takes it."""

    @abc.abstractmethod
    def transaction(self, *, commit: bool) -> AbstractContextManager[Cursor]:
        """A transaction: committed at the end if ``commit``, else rolled back; rolled back
        whenever an exception leaves it."""

    @abc.abstractmethod
    def max_tracking_id(self, application_name: str) -> int | None:
        """The position tracked for ``application_name`` (``None``: none yet)."""

    @abc.abstractmethod
    def record_tracking(self, cursor: Cursor, tracking: Tracking) -> None:
        """Advance a tracking position inside the transaction of ``cursor``."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the connections."""

    #: Reveals the sealed personal values in rows (set by ``Projections`` to the
    #: application's; rows are stored sealed, so an erasure shows at once, with no rebuild).
    reveal_rows: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query (``?`` placeholders) and return its rows as dictionaries, with their
        personal values revealed (or ``[erased]``)."""
        with self.transaction(commit=False) as cursor:
            cursor.execute(sql, params)
            rows = [dict(row) for row in cursor.fetchall()]
        return rows if self.reveal_rows is None else self.reveal_rows(rows)

    def sealed_rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows exactly as stored (personal values sealed)."""
        with self.transaction(commit=False) as cursor:
            cursor.execute(sql, params)
            return [dict(row) for row in cursor.fetchall()]


class _Recorder(SQLiteTrackingRecorder):
    """eventsourcing's tracking table, plus the projections' own tables in the same file."""

    def __init__(self, datastore: SQLiteDatastore, statements: tuple[str, ...]) -> None:
        self._statements = statements
        super().__init__(datastore)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self._statements]


class SQLiteProjectionStore(ProjectionStore):
    """The projections' SQLite file (``None``: a private in-memory database), with
    eventsourcing's ``SQLiteTrackingRecorder``."""

    dialect_name = "sqlite"
    tracking_table = "tracking"

    def __init__(
        self, path: str | os.PathLike[str] | None, projections: Sequence[Projection]
    ) -> None:
        if path is None:
            name = f"file:senad_ap_projections_{uuid4().hex}?mode=memory&cache=shared"
        else:
            name = os.fspath(path)
        self.path = None if path is None else name
        self.datastore = SQLiteDatastore(db_name=name)
        use_statement_cache(self.datastore)
        self.recorder = _Recorder(self.datastore, create_statements(projections))
        self.recorder.create_table()

    def dialect(self, sql: str) -> str:
        return sql

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=commit) as cursor:
            yield Cursor(cursor, self.dialect)

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.recorder.max_tracking_id(application_name)

    def record_tracking(self, cursor: Cursor, tracking: Tracking) -> None:
        self.recorder._insert_tracking(cursor.raw, tracking)

    def close(self) -> None:
        self.datastore.close()


@overload
def iso(value: date | datetime | UUID) -> str: ...
@overload
def iso(value: date | datetime | UUID | None) -> str | None: ...
def iso(value: date | datetime | UUID | None) -> str | None:
    """How dates, times and ids are kept in the projections' tables."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def parse_datetime(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)
