"""Where the students' own keys are kept (``application.personal``), and how a destroyed key
is cleared from the store's files.

SQLite: every connection of the store overwrites deleted content (``secure_delete``); after the
key is overwritten the write-ahead log is folded back into the file and emptied
(``wal_checkpoint(TRUNCATE)``). A connection still reading from before the erasure holds the
older pages in the log: ``destroy`` then says so (``False``) and ``settle`` finishes later.

PostgreSQL: an updated row's old version stays in the table's file until it is vacuumed, so
the (small) key table is rewritten with ``VACUUM FULL`` after the key is overwritten. A
transaction that has read the key table and is still open makes that wait: after
``LOCK_WAIT`` it gives up and ``settle`` finishes later. The server's own WAL archives and
backups keep the old row until they expire (docs/personal-data.md).
"""

from __future__ import annotations

import abc
import sqlite3
import threading
from collections.abc import Collection
from datetime import datetime
from typing import Any

from senad_ap.errors import StoreError

__all__ = [
    "KEY_TABLE",
    "LOCK_WAIT",
    "MemoryStudentKeys",
    "PostgresStudentKeys",
    "SQLiteStudentKeys",
    "StudentKeys",
    "Wrapper",
]

KEY_TABLE = "senad_ap_student_keys"
#: How long PostgreSQL's ``VACUUM FULL`` of the key table waits for a reader's lock.
LOCK_WAIT = "1s"


class Wrapper:
    """Wraps stored student keys with the store's cipher (encryption at rest), if any."""

    def __init__(self, cipher: Any | None) -> None:
        self._cipher = cipher

    @property
    def encrypts(self) -> bool:
        return self._cipher is not None

    def wrap(self, key: bytes) -> bytes:
        return key if self._cipher is None else bytes(self._cipher.encrypt(key))

    def unwrap(self, stored: bytes) -> bytes:
        if self._cipher is None:
            return bytes(stored)
        try:
            return bytes(self._cipher.decrypt(bytes(stored)))
        except Exception:
            raise StoreError(
                "A student's key cannot be read: the key table was written with another "
                "CIPHER_KEY, or without one."
            ) from None


class StudentKeys(abc.ABC):
    """Where the students' keys are kept. ``None`` for a student means erased."""

    @abc.abstractmethod
    def fetch(self, student_ids: Collection[str]) -> dict[str, bytes | None]:
        """The stored (wrapped) key of each student that has a row; ``None`` once erased."""

    @abc.abstractmethod
    def add(self, student_id: str, stored: bytes, at: datetime) -> None:
        """Keep a new student's key unless one is already kept (or was erased)."""

    @abc.abstractmethod
    def destroy(self, student_id: str, at: datetime) -> bool:
        """Overwrite the student's key, leaving a row that says when it was erased. ``False``
        if an old copy of the key may still sit in the store's files because another
        connection was reading (``settle`` clears it once the reader has finished)."""

    def settle(self) -> bool:
        """Clear old copies of destroyed keys from the store's files; ``False`` while another
        connection's reading still keeps one."""
        return True


class MemoryStudentKeys(StudentKeys):
    def __init__(self) -> None:
        self._keys: dict[str, bytes | None] = {}
        self._lock = threading.Lock()

    def fetch(self, student_ids: Collection[str]) -> dict[str, bytes | None]:
        with self._lock:
            return {i: self._keys[i] for i in student_ids if i in self._keys}

    def add(self, student_id: str, stored: bytes, at: datetime) -> None:
        with self._lock:
            self._keys.setdefault(student_id, stored)

    def destroy(self, student_id: str, at: datetime) -> bool:
        with self._lock:
            self._keys[student_id] = None
        return True


class _SQLKeys(StudentKeys):
    """The key table through eventsourcing's datastore (the same database as the events)."""

    placeholder = "?"

    def __init__(self, datastore: Any, table: str) -> None:
        self.datastore = datastore
        self.table = table

    def fetch(self, student_ids: Collection[str]) -> dict[str, bytes | None]:
        ids = sorted(student_ids)
        found: dict[str, bytes | None] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join([self.placeholder] * len(chunk))
            sql = f"SELECT student_id, key FROM {self.table} WHERE student_id IN ({marks})"  # noqa: S608
            with self.datastore.transaction(commit=False) as cursor:
                cursor.execute(sql, chunk)
                for row in cursor.fetchall():
                    key = row["key"]
                    found[str(row["student_id"])] = None if key is None else bytes(key)
        return found

    def _tombstone(self) -> str:
        # The row stays (without its key), also for a student who never had a key, so the
        # reference can never get a fresh key and new personal data.
        p = self.placeholder
        return (
            f"INSERT INTO {self.table} (student_id, key, created_at, erased_at) "  # noqa: S608
            f"VALUES ({p}, NULL, {p}, {p}) "
            "ON CONFLICT (student_id) DO UPDATE SET key = NULL, erased_at = excluded.erased_at"
        )

    def add(self, student_id: str, stored: bytes, at: datetime) -> None:
        p = self.placeholder
        sql = (
            f"INSERT INTO {self.table} (student_id, key, created_at) VALUES ({p}, {p}, {p}) "  # noqa: S608
            "ON CONFLICT (student_id) DO NOTHING"
        )
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(sql, (student_id, stored, at.isoformat()))


class SQLiteStudentKeys(_SQLKeys):
    """The key table in the store's SQLite file. Erasure overwrites the key's bytes in the file
    (``secure_delete``) and folds the write-ahead log back in, so the key is gone from disk."""

    def __init__(self, datastore: Any) -> None:
        super().__init__(datastore, KEY_TABLE)
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {KEY_TABLE} (student_id TEXT PRIMARY KEY, "
                "key BLOB, created_at TEXT NOT NULL, erased_at TEXT)"
            )

    def destroy(self, student_id: str, at: datetime) -> bool:
        with self.datastore.get_connection(commit=True) as connection:
            connection.cursor().execute("PRAGMA secure_delete = ON")
            with connection.transaction(commit=True) as cursor:
                cursor.execute(self._tombstone(), (student_id, at.isoformat(), at.isoformat()))
            return _checkpoint(connection)

    def settle(self) -> bool:
        with self.datastore.get_connection(commit=True) as connection:
            return _checkpoint(connection)


def _checkpoint(connection: Any) -> bool:
    """Copy the write-ahead log back into the file (where ``secure_delete`` zeroed the key) and
    empty it: ``True`` once done. A reader whose read began before the erasure keeps the older
    pages, and the key with them, in the log (and may make the file take the older page back):
    then ``False``, at once, rather than waiting for the reader."""
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout")
        timeout = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, log, _ = cursor.fetchone()
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {timeout:d}")
    except sqlite3.Error:
        return False
    return int(busy) == 0 and int(log) <= 0


class PostgresStudentKeys(_SQLKeys):
    """The key table in the store's PostgreSQL schema. Erasure rewrites the (small) table
    with ``VACUUM FULL``, so the old row version does not linger in its data files; the
    server's own WAL archives and backups keep it until they expire (docs/erasure.md)."""

    placeholder = "%s"

    def __init__(self, datastore: Any) -> None:
        schema = getattr(datastore, "schema", "") or "public"
        super().__init__(datastore, f'"{schema}".{KEY_TABLE}')
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} (student_id text PRIMARY KEY, "
                "key bytea, created_at text NOT NULL, erased_at text)"
            )

    def destroy(self, student_id: str, at: datetime) -> bool:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._tombstone(), (student_id, at.isoformat(), at.isoformat()))
        return self.settle()

    def settle(self) -> bool:
        """Rewrite the key table (``VACUUM FULL``: the old row versions go with the old file).
        Another transaction that has read the table holds a lock that ``VACUUM FULL`` waits
        for: after ``LOCK_WAIT`` it gives up (``False``) and ``settle`` tries again later."""
        import psycopg

        with self.datastore.get_connection() as connection:
            try:
                connection.execute(f"SET lock_timeout = '{LOCK_WAIT}'")
                connection.execute(f"VACUUM FULL {self.table}")
            except psycopg.errors.LockNotAvailable:
                return False
            finally:
                connection.execute("RESET lock_timeout")
        return True
