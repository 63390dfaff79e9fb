"""``Projections``: keeps every read model up to date with the log, and rebuilds them.

The projections' tables and tracking live in a SQLite file (or in memory), or in a PostgreSQL
schema (``Projections.postgres``, ``projections_for``). Either way each batch of events is one
transaction: the runner works out each event's before/after states once, lets every
projection that has not yet seen the event update its rows, and records each projection's new
tracking position in the same transaction. A batch that fails is rolled back whole, rows and
tracking together, so the next run starts again from the last committed event.

Two ways to feed them:

- ``catch_up()`` pulls what the log holds now, in batches, and returns (any store);
- ``follow()`` keeps going as events are recorded, until told to stop. On a PostgreSQL event
  store it follows the log live through eventsourcing's subscription (LISTEN/NOTIFY); SQLite
  cannot notify, so there it pulls every ``poll_interval`` seconds.
"""

from __future__ import annotations

import hashlib
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from eventsourcing.persistence import Notification, PersistenceError, Tracking

from senad_ap.domain.base import Event
from senad_ap.errors import InvalidInputError, SenadApError, StoreError
from senad_ap.projections.attendance import AttendanceProjection
from senad_ap.projections.audit import AuditTrailProjection
from senad_ap.projections.base import (
    Change,
    Projection,
    ProjectionStore,
    SQLiteProjectionStore,
    World,
)
from senad_ap.projections.compliance import ComplianceProjection
from senad_ap.projections.providers import ProvidersProjection
from senad_ap.projections.register import PlacementRegisterProjection
from senad_ap.projections.register_history import RegisterHistoryProjection
from senad_ap.projections.students import StudentsProjection

if TYPE_CHECKING:
    from senad_ap.application import AlternativeProvision
    from senad_ap.projections.postgres import PostgresDatabase

__all__ = ["Progress", "Projections", "default_projections_path", "projections_for"]

#: Called after each batch with (events processed so far, events to process in all).
Progress = Callable[[int, int], None]

#: How often a follower looks at the log itself when nothing has come in: the whole
#: following on SQLite, and on PostgreSQL a check that no notification was missed.
POLL_INTERVAL = 1.0
#: When a follower with a subscription first looks at the log itself (seconds).
_FIRST_LOOK = 0.5


def default_projections_path(event_store_path: str | os.PathLike[str]) -> str:
    """The projections' file beside an event store file: ``x.sqlite`` → ``x.projections.sqlite``."""
    path = Path(event_store_path)
    return str(path.with_name(f"{path.stem}.projections{path.suffix or '.sqlite'}"))


class Projections:
    """Every read model of one ``AlternativeProvision`` store.

    ``path``: the projections' SQLite file; ``None`` keeps them in memory (tests, trials).
    ``postgres``: keep them in a PostgreSQL database instead (see ``Projections.postgres``).
    Call ``catch_up()`` to bring them up to date with the log (the queries in
    ``senad_ap.projections`` read what has been caught up), ``follow()`` to keep them up to
    date as events are recorded, ``rebuild()`` to start again from the first event.
    """

    def __init__(
        self,
        app: AlternativeProvision,
        path: str | os.PathLike[str] | None = None,
        *,
        postgres: PostgresDatabase | None = None,
        batch_size: int = 500,
    ) -> None:
        if postgres is not None and path is not None:
            raise InvalidInputError(
                "Keep the projections in a SQLite file or in PostgreSQL, not both.",
                field="projections",
            )
        self.app = app
        self.batch_size = batch_size
        # The application's policy numbers (e.g. the longest review interval) apply here too.
        self.register = PlacementRegisterProjection(app.policy)
        self.audit = AuditTrailProjection()
        self.compliance = ComplianceProjection(app.policy)
        self.attendance = AttendanceProjection()
        self.providers = ProvidersProjection()
        self.students = StudentsProjection()
        self.register_history = RegisterHistoryProjection(app.policy)
        # Order matters only for speed: each projection reads just its own tables.
        self.all: tuple[Projection, ...] = (
            self.providers,
            self.register,
            self.attendance,
            self.audit,
            self.compliance,
            self.students,
            self.register_history,
        )
        with _store_errors("open the projections' store"):
            if postgres is None:
                self.store: ProjectionStore = SQLiteProjectionStore(path, self.all)
            else:
                self.store = _postgres_store(postgres, self.all)
        # Rows hold personal values sealed; queries reveal them with the application's keys.
        self.store.reveal_rows = app.personal.reveal_rows

    @classmethod
    def postgres(
        cls, app: AlternativeProvision, dbname: str, *, user: str, password: str | None = None,
        host: str = "localhost", port: int = 5432, schema: str | None = None,
        batch_size: int = 500,
    ) -> Projections:  # fmt: skip
        """The projections in a PostgreSQL database: their tables and eventsourcing's tracking
        in ``schema`` (``public`` if ``None``; a named schema must exist). The password comes
        from ``password`` or ``PGPASSWORD``. The event store may be any store; projections
        beside a PostgreSQL event store can share its database and schema."""
        from senad_ap.projections.postgres import PostgresDatabase

        database = PostgresDatabase(dbname, user, password, host, port, schema)
        return cls(app, postgres=database, batch_size=batch_size)

    def tracking_name(self, projection: Projection) -> str:
        return f"{self.app.name}/{projection.name}"

    def position(self, projection: Projection) -> int:
        """The log position of the last event ``projection`` has processed."""
        with _store_errors("read the projections' positions"):
            found = self.store.max_tracking_id(self.tracking_name(projection))
        return int(found or 0)

    def positions(self) -> dict[str, int]:
        return {projection.name: self.position(projection) for projection in self.all}

    def catch_up(self, *, progress: Progress | None = None, stop_after: int | None = None) -> int:
        """Process every event not yet processed; return how many events were read.

        ``stop_after``: read at most this many events (an interrupted run, for tests).
        """
        self._check_source()
        self._reset()
        positions = self.positions()
        last = self.app.last_position()
        total = max(0, last - min(positions.values()))
        if stop_after is not None:
            total = min(total, stop_after)
        return self._pull(positions, World(self.app), total, progress)

    def follow(
        self,
        *,
        stop: threading.Event | None = None,
        timeout: float | None = None,
        poll_interval: float = POLL_INTERVAL,
    ) -> int:
        """Keep the projections up to date as events are recorded, until ``stop`` is set or
        ``timeout`` seconds have passed (with neither, until interrupted); return how many
        events were processed.

        It processes what the log already holds first. On a PostgreSQL event store (and in
        memory) it then follows the log live through eventsourcing's subscription
        (``recorder.subscribe``, LISTEN/NOTIFY): each newly recorded event is processed
        within moments, in batches of up to ``batch_size`` when many arrive at once; after
        ``poll_interval`` seconds with nothing new it also reads the log itself, so no missed
        notification leaves an event waiting. SQLite cannot notify: there it pulls every
        ``poll_interval`` seconds. Each batch is one transaction, rows and tracking
        together, as in ``catch_up``; an error rolls its batch back and ends ``follow`` with
        the error, and following again resumes after the last committed batch.

        Run it in a thread or process of its own; stop it with ``stop.set()``.
        """
        self._check_source()
        self._reset()
        positions = self.positions()
        world = World(self.app)
        deadline = None if timeout is None else time.monotonic() + timeout
        done = 0
        with self._subscription(min(positions.values())) as inbox:
            # A subscription brings what the log holds, then each new event; a look of our own
            # soon after covers one recorded before its LISTEN took effect. Without a
            # subscription, pull at once.
            # That first look is kept even when the subscription delivers earlier: what it
            # delivered first may not be all that was recorded before LISTEN took effect.
            first_look = min(poll_interval, _FIRST_LOOK) if inbox is not None else 0.0
            next_look = time.monotonic() + first_look
            looked = False
            while stop is None or not stop.is_set():
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    break
                if now >= next_look:
                    done += self._pull(positions, world)
                    looked = True
                    next_look = time.monotonic() + poll_interval
                    continue
                wait = min(0.1, next_look - now)
                if deadline is not None:
                    wait = min(wait, deadline - now)
                batch = self._next_batch(inbox, wait)
                if batch:
                    done += self._process_batch(batch, positions, world)
                    if looked:
                        next_look = time.monotonic() + poll_interval
        return done

    def wait_for(self, position: int | None = None, *, timeout: float = 5.0) -> bool:
        """Wait until every projection has processed the event at ``position`` (by default
        the log's last event now), while a ``follow`` elsewhere feeds them; ``True`` if they
        had within ``timeout`` seconds. It reads only: it processes nothing itself."""
        target = self.app.last_position() if position is None else position
        deadline = time.monotonic() + timeout
        delay = 0.005
        while min(self.positions().values()) < target:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.1)
        return True

    def rebuild(self, *, progress: Progress | None = None) -> int:
        """Empty every projection and process the whole log again; return the events read."""
        with _store_errors("empty the projections"), self.store.transaction(commit=True) as c:
            for projection in self.all:
                for table in projection.tables:
                    c.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
                c.execute(
                    f"DELETE FROM {self.store.tracking_table} WHERE application_name = ?",  # noqa: S608
                    (self.tracking_name(projection),),
                )
            c.execute("DELETE FROM projection_source")
        return self.catch_up(progress=progress)

    def close(self) -> None:
        self.store.close()

    def _check_source(self) -> None:
        """Refuse to add one store's events to projections built from another store's log."""
        with _store_errors("read the event log"):
            first = self.app.recorder.select_notifications(start=None, limit=1)
        if not first:
            return
        # The stored bytes of the first event (with its recording time) name the store.
        source = hashlib.sha256(first[0].state).hexdigest()
        with _store_errors("read the projections"), self.store.transaction(commit=True) as c:
            c.execute("SELECT first_event FROM projection_source")
            row = c.fetchone()
            if row is None:
                c.execute("INSERT INTO projection_source VALUES (?)", (source,))
            elif row["first_event"] != source:
                raise StoreError(
                    "The projections file was built from another store's events. Point it at "
                    "its own store, choose another projections file, or rebuild."
                )

    def _pull(
        self,
        positions: dict[str, int],
        world: World,
        total: int | None = None,
        progress: Progress | None = None,
    ) -> int:
        """Read the log after the lowest position in batches and process it: ``total``
        events at most (all there are if ``None``); return how many were read."""
        start = min(positions.values())
        done = 0
        while total is None or done < total:
            limit = self.batch_size if total is None else min(self.batch_size, total - done)
            with _store_errors("read the event log"):
                notifications = self.app.recorder.select_notifications(
                    start=start, limit=limit, inclusive_of_start=False
                )
            if not notifications:
                break
            self._process_batch(notifications, positions, world)
            start = notifications[-1].id
            done += len(notifications)
            if progress is not None and total is not None:
                progress(done, total)
        return done

    def _process_batch(
        self, notifications: Sequence[Notification], positions: dict[str, int], world: World
    ) -> int:
        """Process the notifications some projection has not yet seen, and advance the
        tracking, in one transaction; return how many were processed."""
        lowest = min(positions.values())
        new = [notification for notification in notifications if notification.id > lowest]
        if not new:
            return 0
        try:
            with (
                _store_errors("update the projections"),
                self.store.transaction(commit=True) as c,
            ):
                advanced: dict[str, int] = {}
                for notification in new:
                    event = cast(Event, self.app.mapper.to_domain_event(notification))
                    before, after = world.apply(event)
                    change = Change(notification.id, event, before, after)
                    for projection in self.all:
                        if positions[projection.name] < notification.id:
                            projection.process(c, change, world)
                            advanced[projection.name] = notification.id
                for projection in self.all:
                    if projection.name in advanced:
                        projection.flush(c)
                        tracking = Tracking(
                            self.tracking_name(projection), advanced[projection.name]
                        )
                        self.store.record_tracking(c, tracking)
        except BaseException:
            # The batch's rows were rolled back: what the projections remember of them too.
            self._reset()
            raise
        positions.update(advanced)
        return len(new)

    def _reset(self) -> None:
        for projection in self.all:
            projection.reset()

    @contextmanager
    def _subscription(self, after: int) -> Iterator[queue.Queue[object] | None]:
        """The events recorded after position ``after``, in a queue as they are recorded
        (then the end of the subscription, or its error); ``None`` if the event store cannot
        notify (SQLite)."""
        try:
            subscription = self.app.recorder.subscribe(gt=after)
        except NotImplementedError:
            yield None
            return
        inbox: queue.Queue[object] = queue.Queue(maxsize=2 * self.batch_size)
        stopping = threading.Event()

        def put(item: object) -> bool:
            while not stopping.is_set():
                try:
                    inbox.put(item, timeout=0.1)
                except queue.Full:
                    continue
                return True
            return False

        def relay() -> None:
            try:
                for notification in subscription:
                    if not put(notification):
                        return
            except BaseException as error:  # handed to the following thread, which raises it
                put(error)
            else:
                put(_ENDED)

        thread = threading.Thread(target=relay, name="senad-ap projections follow", daemon=True)
        with subscription:
            thread.start()
            try:
                yield inbox
            finally:
                stopping.set()
                subscription.stop()
                thread.join()

    def _next_batch(self, inbox: queue.Queue[object] | None, wait: float) -> list[Notification]:
        """The next notifications from the subscription (up to ``batch_size``), waiting at
        most ``wait`` seconds for the first; none if nothing came in."""
        if inbox is None:
            time.sleep(max(wait, 0.0))
            return []
        try:
            item = inbox.get(timeout=max(wait, 0.0))
        except queue.Empty:
            return []
        batch: list[Notification] = []
        while True:
            if isinstance(item, BaseException):
                raise StoreError(f"Could not follow the event log: {item}") from None
            if not isinstance(item, Notification):
                raise StoreError("Could not follow the event log: its subscription ended.")
            batch.append(item)
            if len(batch) == self.batch_size:
                return batch
            try:
                item = inbox.get_nowait()
            except queue.Empty:
                return batch


#: What the relay puts in the queue when the subscription ends without being stopped.
_ENDED = object()


def projections_for(
    app: AlternativeProvision,
    where: str | os.PathLike[str] | None = None,
    *,
    batch_size: int = 500,
) -> Projections:
    """``app``'s projections, kept where ``where`` says.

    - a ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]`` URL: in that
      PostgreSQL database and schema (the password from ``PGPASSWORD`` if the URL has none);
    - any other string or path: that SQLite file;
    - ``None``: beside the event store: in the same database and schema as a PostgreSQL
      store's events, in ``x.projections.sqlite`` beside a SQLite store ``x.sqlite``, and in
      memory for an in-memory store.
    """
    if isinstance(where, str) and where.startswith(("postgresql://", "postgres://")):
        from senad_ap.projections.postgres import PostgresDatabase

        database = PostgresDatabase.from_url(where)
        return Projections(app, postgres=database, batch_size=batch_size)
    if where is not None:
        return Projections(app, where, batch_size=batch_size)
    persistence = type(app.factory).__module__
    if persistence.startswith("eventsourcing.postgres"):
        from senad_ap.projections.postgres import PostgresDatabase

        database = PostgresDatabase.of_application(app)
        return Projections(app, postgres=database, batch_size=batch_size)
    if persistence.startswith("eventsourcing.sqlite"):
        name = app.factory.env.get("SQLITE_DBNAME") or ""
        if name and name != ":memory:" and not name.startswith("file:"):
            return Projections(app, default_projections_path(name), batch_size=batch_size)
    return Projections(app, batch_size=batch_size)


def _postgres_store(
    database: PostgresDatabase, projections: Sequence[Projection]
) -> ProjectionStore:
    try:
        from senad_ap.projections.postgres import PostgresProjectionStore
    except ImportError:
        raise StoreError(
            "PostgreSQL needs psycopg: install the postgres extra "
            "(pip install 'senad-ap[postgres]')."
        ) from None
    return PostgresProjectionStore(database, projections)


@contextmanager
def _store_errors(what: str) -> Iterator[None]:
    try:
        yield
    except SenadApError:
        raise
    except (PersistenceError, sqlite3.Error, OSError) as error:
        raise StoreError(f"Could not {what}: {error}") from None
