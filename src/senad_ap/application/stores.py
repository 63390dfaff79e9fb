"""Opening a store: eventsourcing's environment, the cipher, and the SQLite statement cache.

What ``AlternativeProvision.sqlite(...)``, ``.postgres(...)``, ``.in_memory()`` and
``.from_environment()`` hand to eventsourcing is built here, as plain settings: which
persistence module, which file or database, and, when a key is given, eventsourcing's own
AES-GCM cipher after zlib compression (encryption at rest). The student keys' table is chosen
to match the store (``student_keys_for``).

The SQLite statement cache: eventsourcing 9.5 opens its SQLite connections with
``cached_statements=True``, which Python's ``sqlite3`` reads as a cache of *one* compiled
statement. Any two statements that alternate (an event insert and a key-table read; the audit
trail's insert and an attendance upsert) are then compiled again on every call. Measured on
this project's 2-core machine: 11.7 µs a statement with a cache of one against 5.6 µs with
128, for two alternating 10-column inserts; in a rebuild of 30k events, the audit and
attendance writes took 87 to 94 µs each. ``CachingSQLiteConnectionPool`` is eventsourcing's
pool with the same connections (auto-commit, write-ahead log, ``sqlite3.Row``), but a cache of
``STATEMENT_CACHE`` statements. ``use_statement_cache`` switches a datastore's pool to it before
its first connection; the projections' SQLite store uses it too.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eventsourcing.persistence import InterfaceError
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteDatastore,
)

from senad_ap.application.student_keys import (
    MemoryStudentKeys,
    PostgresStudentKeys,
    SQLiteStudentKeys,
    StudentKeys,
)
from senad_ap.errors import InvalidInputError, StoreError

__all__ = [
    "CIPHER_TOPIC",
    "COMPRESSOR_TOPIC",
    "DEFAULTS",
    "DEFAULT_SQLITE_FILE",
    "STATEMENT_CACHE",
    "CachingSQLiteConnectionPool",
    "check_text",
    "environment",
    "in_memory_settings",
    "postgres_settings",
    "sqlite_settings",
    "student_keys_for",
    "use_statement_cache",
]

#: The embedded default store, relative to the working directory.
DEFAULT_SQLITE_FILE = "senad_ap.sqlite"
#: eventsourcing's cipher and compressor, used when a key is given (encryption at rest).
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
COMPRESSOR_TOPIC = "eventsourcing.compressor:ZlibCompressor"
#: The lowest defaults of every store (eventsourcing reads them as the application's ``env``).
DEFAULTS: Mapping[str, str] = {
    "PERSISTENCE_MODULE": "eventsourcing.sqlite",
    "SQLITE_DBNAME": DEFAULT_SQLITE_FILE,
    "IS_SNAPSHOTTING_ENABLED": "y",
    "AGGREGATE_CACHE_MAXSIZE": "10000",
    # States are frozen: a cached state can be shared, never needs a deep copy.
    "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
}

#: Compiled statements kept per connection (the projections use about 40 distinct ones).
STATEMENT_CACHE = 256


class CachingSQLiteConnectionPool(SQLiteConnectionPool):
    """eventsourcing's SQLite pool, whose connections keep ``STATEMENT_CACHE`` statements
    and zero what they delete (``secure_delete``)."""

    def _create_connection(self) -> SQLiteConnection:
        # As eventsourcing 9.5's own, but for ``cached_statements``.
        try:
            connection = sqlite3.connect(
                database=self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,
                cached_statements=STATEMENT_CACHE,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as error:
            raise InterfaceError(error) from error
        if not self.is_sqlite_memory_mode and not self.is_journal_mode_wal:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode;")
            if cursor.fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL;")
                self.journal_mode_was_changed_to_wal = True
            self.is_journal_mode_wal = True
        # Deleted or overwritten content is zeroed in the file, not left in free space (a
        # destroyed student key must not linger: ``application.student_keys``).
        connection.execute("PRAGMA secure_delete = ON")
        connection.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=connection, max_age=self.max_age)


def use_statement_cache(datastore: SQLiteDatastore) -> None:
    """Give ``datastore``'s pool connections with a statement cache (connections it already
    made keep theirs until they are replaced)."""
    if type(datastore.pool) is SQLiteConnectionPool:
        datastore.pool.__class__ = CachingSQLiteConnectionPool


# ----------------------------------------------------------------- settings for each store
def in_memory_settings(cipher_key: str | None) -> dict[str, str]:
    """A store that lives only as long as its application object (tests, trials)."""
    return _with_key({"PERSISTENCE_MODULE": "eventsourcing.popo"}, cipher_key)


def sqlite_settings(path: str | os.PathLike[str], cipher_key: str | None) -> dict[str, str]:
    """A SQLite file, created if it does not exist (its folder must exist)."""
    try:
        name = os.fspath(path)
    except TypeError:
        raise InvalidInputError("The SQLite store's path must be text.", field="path") from None
    if not isinstance(name, str) or "\x00" in name or not _encodable(name):
        raise InvalidInputError("The SQLite store's path is not valid text.", field="path")
    if name != ":memory:" and not name.startswith("file:"):
        parent = Path(name).resolve().parent
        if not parent.is_dir():
            raise StoreError(f"The folder for the SQLite store does not exist: {parent}")
    return _with_key(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": name}, cipher_key
    )


def postgres_settings(
    dbname: str, *, user: str, password: str | None, host: str, port: int,
    schema: str | None, cipher_key: str | None,
) -> dict[str, str]:  # fmt: skip
    """eventsourcing's PostgreSQL persistence (psycopg 3); the password from ``password`` or
    the ``PGPASSWORD`` environment variable."""
    secret = password if password is not None else os.environ.get("PGPASSWORD")
    if secret is None:
        raise StoreError("No PostgreSQL password: give password= or set PGPASSWORD.")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": user,
        "POSTGRES_PASSWORD": secret,
        # Fail in seconds, with a clear error, when the server cannot be reached.
        "POSTGRES_CONNECT_TIMEOUT": "5",
    }
    if schema is not None:
        env["POSTGRES_SCHEMA"] = schema
    return _with_key(env, cipher_key)


def is_startup_race(error: StoreError) -> bool:
    """Processes starting at once each run eventsourcing's CREATE ... IF NOT EXISTS;
    PostgreSQL can refuse the loser with "tuple concurrently updated" (or "duplicate key"
    when two create the same table at the same moment): opening again then succeeds."""
    return any(sign in str(error) for sign in ("concurrently", "duplicate key"))


def environment(base: Mapping[str, str], name: str, explicit: Mapping[str, str]) -> dict[str, str]:
    """eventsourcing's environment ``base``, with two corrections.

    An empty variable counts as unset (so ``PERSISTENCE_MODULE=""`` does not silently give
    an in-memory store), and what the caller passed explicitly — ``sqlite(path)``,
    ``in_memory()`` — wins over application-prefixed variables in the process environment.
    With a cipher key, eventsourcing's AES-GCM cipher and zlib compressor are switched on.
    """
    values = {key: value for key, value in base.items() if value != ""}
    for key, value in DEFAULTS.items():
        values.setdefault(key, value)
    for key, value in explicit.items():
        values[key] = value
        values[f"{name.upper()}_{key}"] = value
    if values.get("CIPHER_KEY") or values.get(f"{name.upper()}_CIPHER_KEY"):
        # Encryption at rest: the cryptography package's AES-GCM, after zlib compression.
        values.setdefault("CIPHER_TOPIC", CIPHER_TOPIC)
        values.setdefault("COMPRESSOR_TOPIC", COMPRESSOR_TOPIC)
    return values


def student_keys_for(recorder: Any) -> StudentKeys:
    """The students' key table beside the events: in the SQLite file, in the PostgreSQL
    schema, or in memory."""
    datastore = getattr(recorder, "datastore", None)
    module = type(recorder).__module__
    if module.startswith("eventsourcing.sqlite"):
        return SQLiteStudentKeys(datastore)
    if module.startswith("eventsourcing.postgres"):
        return PostgresStudentKeys(datastore)
    return MemoryStudentKeys()


def check_text(value: object, field: str, what: str) -> None:
    """Refuse anything but text that can be stored (``InvalidInputError`` naming ``field``)."""
    if not isinstance(value, str) or not _encodable(value):
        raise InvalidInputError(f"The {what} must be valid text.", field=field)


def _with_key(env: dict[str, str], cipher_key: str | None) -> dict[str, str]:
    if cipher_key is not None:
        if not isinstance(cipher_key, str) or not cipher_key:
            raise InvalidInputError("The cipher key must be a non-empty text.", field="cipher_key")
        env["CIPHER_KEY"] = cipher_key
    return env


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
