"""``Projections``: keeps every read model up to date with the log, and rebuilds them.

SQLite has no subscriptions, so the runner pulls: it reads the notification log after the
lowest tracked position, in batches, works out each event's before/after states once, lets
every projection that has not yet seen the event update its rows, and records each
projection's new tracking position in the same transaction. A batch that fails is rolled back
whole, rows and tracking together, so the next run starts again from the last committed event.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from eventsourcing.persistence import PersistenceError, Tracking

from senad_ap.errors import SenadApError, StoreError
from senad_ap.projections.attendance import AttendanceProjection
from senad_ap.projections.audit import AuditTrailProjection
from senad_ap.projections.base import Change, Projection, ProjectionStore, World
from senad_ap.projections.compliance import ComplianceProjection
from senad_ap.projections.providers import ProvidersProjection
from senad_ap.projections.register import PlacementRegisterProjection

if TYPE_CHECKING:
    from senad_ap.application import AlternativeProvision

__all__ = ["Progress", "Projections", "default_projections_path"]

#: Called after each batch with (events processed so far, events to process in all).
Progress = Callable[[int, int], None]


def default_projections_path(event_store_path: str | os.PathLike[str]) -> str:
    """The projections' file beside an event store file: ``x.sqlite`` → ``x.projections.sqlite``."""
    path = Path(event_store_path)
    return str(path.with_name(f"{path.stem}.projections{path.suffix or '.sqlite'}"))


class Projections:
    """Every read model of one ``AlternativeProvision`` store.

    ``path``: the projections' SQLite file; ``None`` keeps them in memory (tests, trials).
    Call ``catch_up()`` to bring them up to date with the log (the queries in
    ``senad_ap.projections`` read what has been caught up), ``rebuild()`` to start again from
    the first event.
    """

    def __init__(
        self,
        app: AlternativeProvision,
        path: str | os.PathLike[str] | None = None,
        *,
        batch_size: int = 500,
    ) -> None:
        self.app = app
        self.batch_size = batch_size
        # The application's policy numbers (e.g. the longest review interval) apply here too.
        self.register = PlacementRegisterProjection(app.policy)
        self.audit = AuditTrailProjection()
        self.compliance = ComplianceProjection(app.policy)
        self.attendance = AttendanceProjection()
        self.providers = ProvidersProjection()
        # Order matters only for speed: each projection reads just its own tables.
        self.all: tuple[Projection, ...] = (
            self.providers,
            self.register,
            self.attendance,
            self.audit,
            self.compliance,
        )
        with _store_errors("open the projections' store"):
            self.store = ProjectionStore(path, self.all)

    def tracking_name(self, projection: Projection) -> str:
        return f"{self.app.name}/{projection.name}"

    def position(self, projection: Projection) -> int:
        """The log position of the last event ``projection`` has processed."""
        with _store_errors("read the projections' positions"):
            found = self.store.recorder.max_tracking_id(self.tracking_name(projection))
        return int(found or 0)

    def positions(self) -> dict[str, int]:
        return {projection.name: self.position(projection) for projection in self.all}

    def catch_up(self, *, progress: Progress | None = None, stop_after: int | None = None) -> int:
        """Process every event not yet processed; return how many events were read.

        ``stop_after``: read at most this many events (an interrupted run, for tests).
        """
        self._check_source()
        positions = {projection.name: self.position(projection) for projection in self.all}
        start = min(positions.values())
        last = self.app.last_position()
        total = max(0, last - start)
        if stop_after is not None:
            total = min(total, stop_after)
        world = World(self.app)
        done = 0
        while done < total:
            with _store_errors("read the event log"):
                notifications = self.app.recorder.select_notifications(
                    start=start, limit=min(self.batch_size, total - done), inclusive_of_start=False
                )
            if not notifications:
                break
            self._process_batch(notifications, positions, world)
            start = notifications[-1].id
            done += len(notifications)
            if progress is not None:
                progress(done, total)
        return done

    def rebuild(self, *, progress: Progress | None = None) -> int:
        """Empty every projection and process the whole log again; return the events read."""
        with _store_errors("empty the projections"), self.store.transaction(commit=True) as c:
            for projection in self.all:
                for table in projection.tables:
                    c.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
                c.execute(
                    "DELETE FROM tracking WHERE application_name = ?",
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

    def _process_batch(
        self, notifications: Sequence[object], positions: dict[str, int], world: World
    ) -> None:
        with _store_errors("update the projections"), self.store.transaction(commit=True) as c:
            advanced: dict[str, int] = {}
            for notification in notifications:
                event = self.app.mapper.to_domain_event(notification)  # type: ignore[arg-type]
                position: int = notification.id  # type: ignore[attr-defined]
                before, after = world.apply(event)  # type: ignore[arg-type]
                change = Change(position, event, before, after)  # type: ignore[arg-type]
                for projection in self.all:
                    if positions[projection.name] < position:
                        projection.process(c, change, world)
                        advanced[projection.name] = position
            for projection in self.all:
                if projection.name in advanced:
                    tracking = Tracking(self.tracking_name(projection), advanced[projection.name])
                    self.store.recorder._insert_tracking(c, tracking)
        positions.update(advanced)


@contextmanager
def _store_errors(what: str) -> Iterator[None]:
    try:
        yield
    except SenadApError:
        raise
    except (PersistenceError, sqlite3.Error, OSError) as error:
        raise StoreError(f"Could not {what}: {error}") from None
