"""The stored format's version: recorded in the store, so that an older library refuses a
newer store with a clear error instead of misreading it (records are kept for decades).

``STORE_FORMAT`` is the format this library writes, and the newest it reads:

====== ===================================================================================
format what it changed
====== ===================================================================================
1      The first edition's stores. They hold no record of their format: a store without
       one is format 1, and is read as it always was.
2      The second edition (CHANGELOG.md): event types a first-edition library does not
       know (facts that change, policy versions, one register per pupil, signed seals), the
       store's secret in the key table, idempotency keys kept as keyed hashes, keyed record
       ids on encrypted stores; and this record of the format itself.
====== ===================================================================================

Where it is kept: a table of its own, ``senad_ap_store_format``, one row (``id`` 1) holding
the format, the version of senad_ap that set it (``written_by``) and when. Not a row of the
key table beside ``store-secret``: every value there is wrapped with the store's cipher, and
the format must be read *without* the key, so that a library without it still says why it
refuses a store rather than "cannot decrypt". The format and a version number are not
personal data and need no cipher. A table of its own also keeps the key table's rows what
they say they are: students' keys (and the store's secret).

When: the table is read when the store is opened (``StoreFormat.open``, before
eventsourcing creates its own tables), and a store recorded as newer than ``STORE_FORMAT`` is
refused there with ``StoreFormatError``: nothing is created or written in it. Otherwise the
table is made if it is not there (``CREATE TABLE IF NOT EXISTS``, as eventsourcing's own and
the key table are), empty. The row is created, or raised to ``STORE_FORMAT``, the first time
this library writes to the store (``ensure``, before the first event is saved), with one
statement that never lowers it (``... WHERE format < excluded.format``), so two processes, or
an older and a newer library, racing on one store leave the higher format. A store read and
never written keeps no row: a first edition's store stays format 1 until it is written to.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from datetime import datetime
from importlib import metadata
from typing import Any

from senad_ap.errors import StoreError, StoreFormatError

__all__ = [
    "FORMAT_TABLE",
    "STORE_FORMAT",
    "FormatRecord",
    "MemoryFormatRecord",
    "PostgresFormatRecord",
    "SQLiteFormatRecord",
    "StoreFormat",
    "check_readable",
    "format_of",
    "format_record_for",
    "library_version",
    "newer_store_error",
]

#: The stored format this library writes, and the newest it can read.
STORE_FORMAT = 2
#: The table that records the store's format (one row).
FORMAT_TABLE = "senad_ap_store_format"


def library_version() -> str:
    """This library's version (as ``senad_ap.__version__``)."""
    try:
        return metadata.version("senad-ap")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree, not installed
        return "0+unknown"


def newer_store_error(recorded: int, written_by: str | None) -> StoreFormatError:
    """The refusal of a store of format ``recorded`` (newer than ``STORE_FORMAT``)."""
    by = f" (senad_ap {written_by})" if written_by else ""
    return StoreFormatError(
        f"This store was written by a newer version of senad_ap{by}: its stored format is "
        f"{recorded}, and this library (senad_ap {library_version()}) reads formats up to "
        f"{STORE_FORMAT}. Nothing was read from it or written to it. Upgrade senad-ap "
        "(pip install --upgrade senad-ap) to open it.",
        store_format=recorded,
        written_by=written_by,
    )


def check_readable(recorded: tuple[int, str] | None) -> None:
    """Refuse a recorded format newer than this library's (``None``: no record, format 1)."""
    if recorded is not None and recorded[0] > STORE_FORMAT:
        raise newer_store_error(*recorded)


def format_of(store_format: object, written_by: object) -> tuple[int, str]:
    """The stored row as (format, version); ``StoreError`` if the format is not a number."""
    if isinstance(store_format, int) and not isinstance(store_format, bool):
        return store_format, str(written_by)
    raise StoreError(
        f"The store's record of its format is not a number ({store_format!r}): it was "
        "altered outside senad_ap, so the store is not opened."
    )


class FormatRecord(abc.ABC):
    """Where a store keeps its format."""

    @abc.abstractmethod
    def read(self) -> tuple[int, str] | None:
        """The recorded format and the version that set it; ``None`` when there is none.
        Reads only: nothing is created."""

    @abc.abstractmethod
    def raise_to(self, store_format: int, written_by: str, at: datetime) -> None:
        """Record ``store_format`` unless the store already records it or a higher one."""

    @abc.abstractmethod
    def create(self) -> None:
        """Make the (empty) table if it is not there."""


class MemoryFormatRecord(FormatRecord):
    def __init__(self) -> None:
        self._recorded: tuple[int, str] | None = None
        self._lock = threading.Lock()

    def read(self) -> tuple[int, str] | None:
        return self._recorded

    def create(self) -> None:
        """Nothing to make: the record lives in this object."""

    def raise_to(self, store_format: int, written_by: str, at: datetime) -> None:
        with self._lock:
            if self._recorded is None or self._recorded[0] < store_format:
                self._recorded = (store_format, written_by)


class _SQLFormatRecord(FormatRecord):
    """The format's row through eventsourcing's datastore (the same database as the events)."""

    placeholder = "?"

    def __init__(self, datastore: Any, table: str) -> None:
        self.datastore = datastore
        self.table = table

    @abc.abstractmethod
    def _exists(self, cursor: Any) -> bool:
        """Whether the table exists (read from the catalogue)."""

    @abc.abstractmethod
    def _create(self) -> str:
        """The statement that creates the table if it is not there."""

    def create(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._create())

    def read(self) -> tuple[int, str] | None:
        with self.datastore.transaction(commit=False) as cursor:
            if not self._exists(cursor):
                return None
            cursor.execute(f"SELECT format, written_by FROM {self.table} WHERE id = 1")  # noqa: S608
            row = cursor.fetchone()
        return None if row is None else format_of(row["format"], row["written_by"])

    def raise_to(self, store_format: int, written_by: str, at: datetime) -> None:
        p = self.placeholder
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} (id, format, written_by, recorded_at) "  # noqa: S608
                f"VALUES (1, {p}, {p}, {p}) ON CONFLICT (id) DO UPDATE SET "
                "format = excluded.format, written_by = excluded.written_by, "
                f"recorded_at = excluded.recorded_at WHERE {self.table}.format < excluded.format",
                (store_format, written_by, at.isoformat()),
            )


class SQLiteFormatRecord(_SQLFormatRecord):
    def __init__(self, datastore: Any) -> None:
        super().__init__(datastore, FORMAT_TABLE)

    def _exists(self, cursor: Any) -> bool:
        cursor.execute(
            "SELECT count(*) AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
            (FORMAT_TABLE,),
        )
        return bool(cursor.fetchone()["found"])

    def _create(self) -> str:
        return (
            f"CREATE TABLE IF NOT EXISTS {FORMAT_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), "
            "format INTEGER NOT NULL, written_by TEXT NOT NULL, recorded_at TEXT NOT NULL)"
        )


class PostgresFormatRecord(_SQLFormatRecord):
    placeholder = "%s"

    def __init__(self, datastore: Any) -> None:
        schema = getattr(datastore, "schema", "") or "public"
        super().__init__(datastore, f'"{schema}".{FORMAT_TABLE}')

    def _exists(self, cursor: Any) -> bool:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL AS found", (self.table,))
        return bool(cursor.fetchone()["found"])

    def _create(self) -> str:
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table} (id integer PRIMARY KEY CHECK (id = 1), "
            "format integer NOT NULL, written_by text NOT NULL, recorded_at text NOT NULL)"
        )


def format_record_for(factory: Any) -> FormatRecord:
    """The format's record beside the events: in the SQLite file, in the PostgreSQL schema,
    or in memory (from eventsourcing's infrastructure factory, before its tables exist)."""
    datastore = getattr(factory, "datastore", None)
    module = type(factory).__module__
    if module.startswith("eventsourcing.sqlite") and datastore is not None:
        return SQLiteFormatRecord(datastore)
    if module.startswith("eventsourcing.postgres") and datastore is not None:
        return PostgresFormatRecord(datastore)
    return MemoryFormatRecord()


class StoreFormat:
    """The format of one opened store: checked at open, recorded on the first write."""

    def __init__(self, record: FormatRecord, clock: Callable[[], datetime]) -> None:
        self._record = record
        self._clock = clock
        self._lock = threading.Lock()
        self._recorded = False

    @classmethod
    def open(cls, record: FormatRecord, clock: Callable[[], datetime]) -> StoreFormat:
        """The store's format, refused (``StoreFormatError``) if newer than this library's;
        otherwise its table is made if it is not there."""
        check_readable(record.read())
        record.create()
        return cls(record, clock)

    def recorded(self) -> tuple[int, str] | None:
        """What the store records now (``None``: nothing, a format 1 store or a new one)."""
        return self._record.read()

    def ensure(self) -> None:
        """Before the first write of this object: record ``STORE_FORMAT`` (or raise an older
        store's format to it), and refuse if another, newer library has raised it since."""
        if self._recorded:
            return
        with self._lock:
            if self._recorded:
                return
            check_readable(self._record.read())
            self._record.raise_to(STORE_FORMAT, library_version(), self._clock())
            check_readable(self._record.read())
            self._recorded = True
