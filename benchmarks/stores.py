"""Where the cases keep their stores: SQLite files in the run's folder, or PostgreSQL schemas.

A case names its stores ("register", "bare", "store-6000" …) and asks a ``Store`` to open
them; the same case code then runs on either kind. On SQLite each name is a file in the run's
temporary folder; on PostgreSQL each name is a schema of its own, made for the run (its name
unique: ``bench_<run>_<name>``) and dropped, with everything in it, when the run ends, also on
an error or an interrupt.

The server is the one the libpq variables name (``PGDATABASE``, ``PGHOST``, ``PGPORT``,
``PGUSER``, ``PGPASSWORD``), as for the test suite.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from uuid import uuid4

import attrs
from eventsourcing.utils import get_topic

from benchmarks.data import BareApp, Clock
from senad_ap import AlternativeProvision
from senad_ap.domain.placement.events import AttendanceRecorded
from senad_ap.projections import Projections

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "KINDS",
    "Kind",
    "PostgresServer",
    "PostgresStore",
    "RawRows",
    "SQLiteStore",
    "Store",
    "find_postgres",
]

Kind = Literal["sqlite", "postgres"]
KINDS: tuple[Kind, ...] = ("sqlite", "postgres")

#: The raw rows' topic: an attendance event's, as eventsourcing stores it.
_TOPIC = get_topic(AttendanceRecorded)
#: Seconds to wait for the server before calling it unreachable.
_CONNECT_TIMEOUT = 5


class RawRows(ABC):
    """The raw limit of a store: rows like eventsourcing's stored events, each as big as a
    stored attendance event, ``count`` of them inserted in one transaction."""

    def __init__(self, size: int) -> None:
        self.state = b"x" * size
        self.version = 0

    @abstractmethod
    def insert(self, count: int) -> None: ...

    @abstractmethod
    def close(self) -> None: ...


class Store(ABC):
    """Opens the stores a case names, all of one kind."""

    kind: Kind
    #: How the case titles name the kind: "1. a day's register … (SQLite file)".
    title: str
    #: The raw baseline's name in the table (its goal is set on it).
    raw_name: str

    @abstractmethod
    def app(self, name: str, clock: Clock) -> AlternativeProvision:
        """The application on the store ``name`` (made if new)."""

    @abstractmethod
    def bare(self, name: str, *, cache: int | None) -> BareApp:
        """Bare eventsourcing on the store ``name`` (with its aggregate cache if ``cache``)."""

    @abstractmethod
    def projections(self, app: AlternativeProvision, name: str) -> Projections:
        """``app``'s projections, kept in the store ``name``."""

    @abstractmethod
    def raw(self, name: str, size: int) -> RawRows:
        """The raw limit, writing rows of ``size`` bytes into the store ``name``."""

    @abstractmethod
    def child_arguments(self, name: str, projections: str) -> list[str]:
        """What ``python -m benchmarks.rebuild_child`` takes to rebuild the projections of
        the store ``name`` into the (new) store ``projections``."""

    @abstractmethod
    def close(self) -> None:
        """Remove what the run made in the stores."""


# --------------------------------------------------------------------------- SQLite
class SQLiteStore(Store):
    """Each name is a SQLite file in ``folder``."""

    kind: Kind = "sqlite"
    title = "SQLite file"
    raw_name = "raw sqlite3 executemany"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.sqlite"

    def app(self, name: str, clock: Clock) -> AlternativeProvision:
        return AlternativeProvision.sqlite(self.path(name), clock=clock)

    def bare(self, name: str, *, cache: int | None) -> BareApp:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(self.path(name))}
        if cache is not None:
            env["AGGREGATE_CACHE_MAXSIZE"] = str(cache)
        return BareApp(env)

    def projections(self, app: AlternativeProvision, name: str) -> Projections:
        return Projections(app, self.path(name))

    def raw(self, name: str, size: int) -> RawRows:
        return _SQLiteRaw(self.path(name), size)

    def child_arguments(self, name: str, projections: str) -> list[str]:
        return ["sqlite", str(self.path(name)), str(self.path(projections))]

    def close(self) -> None:
        """Nothing: the files go with the run's temporary folder."""


class _SQLiteRaw(RawRows):
    """``sqlite3`` ``executemany`` in one transaction."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__(size)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS stored_events (originator_id TEXT, originator_version "
            "INTEGER, topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
        )

    def insert(self, count: int) -> None:
        self.version += 1
        rows = [(str(uuid4()), self.version, _TOPIC, self.state) for _ in range(count)]
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


# --------------------------------------------------------------------------- PostgreSQL
class PostgresUnavailableError(Exception):
    """Why the run cannot use PostgreSQL (one line, for the table)."""


@attrs.frozen
class PostgresServer:
    """A PostgreSQL database as libpq resolved the variables (host, port and user defaulted
    as libpq defaults them)."""

    dbname: str
    user: str
    password: str = attrs.field(repr=False)
    host: str
    port: int
    version: str

    @classmethod
    def from_environment(cls) -> PostgresServer:
        """The server the libpq variables name, if it answers; else
        ``PostgresUnavailableError`` saying why."""
        if not os.environ.get("PGDATABASE"):
            raise PostgresUnavailableError(
                "not configured (set PGDATABASE, PGHOST, PGPORT, PGUSER, PGPASSWORD)"
            )
        try:
            import psycopg
        except ImportError:
            raise PostgresUnavailableError(
                "psycopg is not installed (pip install -e '.[postgres]')"
            ) from None
        try:
            connection = psycopg.connect(connect_timeout=_CONNECT_TIMEOUT)
        except psycopg.Error as error:
            text = str(error).strip()
            first = text.splitlines()[0] if text else type(error).__name__
            raise PostgresUnavailableError(f"could not connect ({first})") from None
        with connection:
            info = connection.info
            if not info.password:
                raise PostgresUnavailableError("no password (set PGPASSWORD)")
            number = info.server_version
            return cls(
                dbname=info.dbname, user=info.user, password=info.password,
                host=info.host, port=info.port,
                version=f"{number // 10000}.{number % 10000}",
            )  # fmt: skip

    def connect(self) -> psycopg.Connection[Any]:
        import psycopg

        return psycopg.connect(
            dbname=self.dbname, user=self.user, password=self.password, host=self.host,
            port=self.port, connect_timeout=_CONNECT_TIMEOUT, autocommit=True,
        )  # fmt: skip

    def app(self, schema: str, clock: Clock | None = None) -> AlternativeProvision:
        """The application on the event store in ``schema``."""
        options: dict[str, Any] = {} if clock is None else {"clock": clock}
        return AlternativeProvision.postgres(
            self.dbname, user=self.user, password=self.password, host=self.host,
            port=self.port, schema=schema, **options,
        )  # fmt: skip

    def environment(self, schema: str) -> dict[str, str]:
        """eventsourcing's own variables for an event store in ``schema``."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_SCHEMA": schema,
        }

    def projections(self, app: AlternativeProvision, schema: str) -> Projections:
        """``app``'s projections, their tables and tracking in ``schema``."""
        return Projections.postgres(
            app, self.dbname, user=self.user, password=self.password, host=self.host,
            port=self.port, schema=schema,
        )  # fmt: skip


def find_postgres() -> tuple[PostgresServer | None, str]:
    """The server of the libpq variables, or ``None`` and why not."""
    try:
        server = PostgresServer.from_environment()
    except PostgresUnavailableError as why:
        return None, str(why)
    return server, f"PostgreSQL {server.version}, {server.dbname} at {server.host}:{server.port}"


class PostgresStore(Store):
    """Each name is a schema of its own in ``server``'s database: ``bench_<run>_<name>``,
    made when first used and dropped (``CASCADE``) by ``close``."""

    kind: Kind = "postgres"
    title = "PostgreSQL"
    raw_name = "raw psycopg executemany"

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.run = uuid4().hex[:12]
        self.admin = server.connect()
        self.made: list[str] = []

    def schema(self, name: str) -> str:
        """The schema of the store ``name``, made now if it is new."""
        schema = f"bench_{self.run}_{name.replace('-', '_')}"
        if schema not in self.made:
            from psycopg.sql import SQL, Identifier

            self.admin.execute(SQL("CREATE SCHEMA {}").format(Identifier(schema)))
            self.made.append(schema)
        return schema

    def app(self, name: str, clock: Clock) -> AlternativeProvision:
        return self.server.app(self.schema(name), clock)

    def bare(self, name: str, *, cache: int | None) -> BareApp:
        env = self.server.environment(self.schema(name))
        if cache is not None:
            env["AGGREGATE_CACHE_MAXSIZE"] = str(cache)
        return BareApp(env)

    def projections(self, app: AlternativeProvision, name: str) -> Projections:
        return self.server.projections(app, self.schema(name))

    def raw(self, name: str, size: int) -> RawRows:
        return _PostgresRaw(self.server, self.schema(name), size)

    def child_arguments(self, name: str, projections: str) -> list[str]:
        # The child finds the server through the same libpq variables.
        return ["postgres", self.schema(name), self.schema(projections)]

    def close(self) -> None:
        """Drop every schema the run made, with all in it. A schema still locked (by a
        connection some failed case left open) is reported, not waited for forever."""
        from psycopg import Error
        from psycopg.sql import SQL, Identifier

        left = []
        for schema in self.made:
            try:
                self.admin.execute("SET lock_timeout = '30s'")
                self.admin.execute(
                    SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(schema))
                )
            except Error as error:
                left.append(f"{schema} ({str(error).strip().splitlines()[0]})")
        self.made.clear()
        self.admin.close()
        if left:
            print(f"could not drop the PostgreSQL schemas {', '.join(left)}", file=sys.stderr)


class _PostgresRaw(RawRows):
    """psycopg ``executemany`` of one ``INSERT`` a row, in one transaction, into a table
    shaped like eventsourcing's ``stored_events`` (its primary key, and the notification
    id's sequence and unique index). psycopg 3 pipelines ``executemany``: the rows go in one
    round trip, so what it measures is the server's work per row, as ``sqlite3``
    ``executemany`` does on SQLite. ``COPY`` would be faster still, but it is a bulk-load
    path no event store appends through (eventsourcing inserts from an array and returns
    the notification ids), and the goal "within 8 times raw" was set on ``executemany``."""

    def __init__(self, server: PostgresServer, schema: str, size: int) -> None:
        from psycopg.sql import SQL, Identifier

        super().__init__(size)
        self.db = server.connect()
        table = Identifier(schema, "stored_events")
        self.db.execute(
            SQL(
                "CREATE TABLE {} (originator_id uuid NOT NULL, originator_version bigint NOT "
                "NULL, topic text, state bytea, notification_id bigserial, "
                "PRIMARY KEY (originator_id, originator_version))"
            ).format(table)
        )
        self.db.execute(
            SQL("CREATE UNIQUE INDEX {} ON {} (notification_id)").format(
                Identifier("stored_events_notification_id_idx"), table
            )
        )
        self.statement = SQL(
            "INSERT INTO {} (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %b)"
        ).format(table)

    def insert(self, count: int) -> None:
        self.version += 1
        rows = [(uuid4(), self.version, _TOPIC, self.state) for _ in range(count)]
        with self.db.transaction(), self.db.cursor() as cursor:
            cursor.executemany(self.statement, rows)

    def close(self) -> None:
        self.db.close()
