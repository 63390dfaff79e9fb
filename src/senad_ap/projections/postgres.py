"""The projections in PostgreSQL: their tables and eventsourcing's tracking in one schema.

The same projection code and SQL as on SQLite: the projections write ``?`` placeholders,
which become psycopg's ``%s`` here, and the upserts are ``INSERT … ON CONFLICT``, which both
databases take. Text columns compare byte by byte (``COLLATE "C"``), as SQLite's do, so a
query's ``ORDER BY`` gives the same order on both whatever the database's own collation.

Tracking is eventsourcing's ``PostgresTrackingRecorder`` (table ``projection_tracking``),
written in the same transaction as the rows. Install the ``postgres`` extra to use it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import attrs
import psycopg
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Connection
from psycopg.sql import SQL, Identifier

from senad_ap.errors import InvalidInputError, StoreError
from senad_ap.projections.base import Cursor, Projection, ProjectionStore, create_statements

if TYPE_CHECKING:
    from senad_ap.application import AlternativeProvision

__all__ = ["PostgresDatabase", "PostgresProjectionStore", "is_postgres_url"]


def is_postgres_url(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://"))


@attrs.frozen
class PostgresDatabase:
    """Where projections live in PostgreSQL.

    ``password``: ``None`` reads ``PGPASSWORD``. ``schema``: ``None`` is ``public``; a named
    schema must exist (as for ``AlternativeProvision.postgres``).
    """

    dbname: str
    user: str
    password: str | None = attrs.field(default=None, repr=False)
    host: str = "localhost"
    port: int = 5432
    schema: str | None = None

    @classmethod
    def from_url(cls, url: str) -> PostgresDatabase:
        """``postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]`` (the form
        ``senad-ap --db`` takes); without a password in the URL, ``PGPASSWORD`` gives it."""
        parts = urlsplit(url)
        dbname = unquote(parts.path.lstrip("/"))
        if not is_postgres_url(url) or not dbname or not parts.username:
            raise InvalidInputError(
                "A PostgreSQL database is written postgresql://USER@HOST:PORT/DATABASE.",
                field="projections",
            )
        try:
            port = parts.port or 5432
        except ValueError:
            raise InvalidInputError(
                f"The port in {url!r} is not a number.", field="projections"
            ) from None
        return cls(
            dbname=dbname,
            user=unquote(parts.username),
            password=None if parts.password is None else unquote(parts.password),
            host=parts.hostname or "localhost",
            port=port,
            schema=parse_qs(parts.query).get("schema", [None])[-1],
        )

    @classmethod
    def of_application(cls, app: AlternativeProvision) -> PostgresDatabase:
        """The database and schema of ``app``'s own events (it must be on PostgreSQL):
        projections kept there sit beside the log they are fed from."""
        if not type(app.factory).__module__.startswith("eventsourcing.postgres"):
            raise InvalidInputError("The application's events are not in PostgreSQL.")
        env = app.factory.env
        return cls(
            dbname=env.get("POSTGRES_DBNAME") or "",
            user=env.get("POSTGRES_USER") or "",
            password=env.get("POSTGRES_PASSWORD") or None,
            host=env.get("POSTGRES_HOST") or "localhost",
            port=int(env.get("POSTGRES_PORT") or 5432),
            schema=env.get("POSTGRES_SCHEMA") or None,
        )


#: Seconds to wait for the server before giving up with a clear error.
_CONNECT_TIMEOUT = 5


@lru_cache(maxsize=2048)
def _pyformat(sql: str) -> str:
    """SQLite's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` as ``%%``)."""
    return sql.replace("%", "%%").replace("?", "%s")


_TEXT = re.compile(r"\bTEXT\b")
_POSITION = re.compile(r"\bINTEGER PRIMARY KEY\b")


def _for_postgres(statement: str) -> str:
    """A create statement written for SQLite, as PostgreSQL should run it: text compares
    byte by byte, as on SQLite; an ``INTEGER PRIMARY KEY`` (SQLite's 64-bit row id: the audit
    trail's log position) is a ``BIGINT``, as eventsourcing's notification ids are."""
    return _POSITION.sub("BIGINT PRIMARY KEY", _TEXT.sub('TEXT COLLATE "C"', statement))


class _Datastore(PostgresDatastore):
    """eventsourcing's datastore, with the schema on every connection's search path: the
    projections name their tables without a schema, as on SQLite."""

    def after_connect_func(self) -> Callable[[Connection[Any]], None]:
        configure = super().after_connect_func()
        search_path = SQL("SET search_path TO {}").format(Identifier(self.schema))

        def after_connect(connection: Connection[Any]) -> None:
            configure(connection)
            connection.execute(search_path)

        return after_connect


class _Recorder(PostgresTrackingRecorder):
    """eventsourcing's tracking table, plus the projections' own tables in the same schema."""

    def __init__(self, datastore: PostgresDatastore, statements: Sequence[str]) -> None:
        super().__init__(datastore, tracking_table_name=PostgresProjectionStore.tracking_table)
        self.sql_create_statements.extend(
            SQL(_for_postgres(statement)).format() for statement in statements
        )


class PostgresProjectionStore(ProjectionStore):
    """The projections' tables and their tracking in a PostgreSQL schema."""

    dialect_name = "postgresql"
    tracking_table = "projection_tracking"

    def __init__(self, database: PostgresDatabase, projections: Sequence[Projection]) -> None:
        password = database.password
        if password is None:
            password = os.environ.get("PGPASSWORD")
        if password is None:
            raise StoreError("No PostgreSQL password: give password= or set PGPASSWORD.")
        self.database = database
        # One plain connection first: a wrong password or an unreachable server is reported
        # at once, with the server's reason (the pool would retry for most of a minute).
        try:
            psycopg.connect(
                dbname=database.dbname, user=database.user, password=password,
                host=database.host, port=database.port, connect_timeout=_CONNECT_TIMEOUT,
            ).close()  # fmt: skip
        except psycopg.Error as error:
            raise StoreError(f"Could not connect to PostgreSQL: {error}") from None
        self.datastore = _Datastore(
            dbname=database.dbname,
            host=database.host,
            port=database.port,
            user=database.user,
            password=password,
            schema=database.schema or "",
            connect_timeout=_CONNECT_TIMEOUT,
            # A follower writes with one connection; readers in other threads get their own.
            pool_size=1,
            max_overflow=4,
        )
        try:
            self.recorder = _Recorder(self.datastore, create_statements(projections))
            self.recorder.create_table()
        except BaseException:
            self.datastore.close()
            raise

    def dialect(self, sql: str) -> str:
        return _pyformat(sql)

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=commit) as cursor:
            yield Cursor(cursor, _pyformat)

    def max_tracking_id(self, application_name: str) -> int | None:
        found = self.recorder.max_tracking_id(application_name)
        return None if found is None else int(found)

    def record_tracking(self, cursor: Cursor, tracking: Tracking) -> None:
        self.recorder._insert_tracking(cursor.raw, tracking)

    def close(self) -> None:
        self.datastore.close()
