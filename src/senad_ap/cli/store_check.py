"""What a command checks about a SQLite store before opening it, so that reading never writes.

eventsourcing creates a store's tables on opening, and SQLite creates a file that is not
there: opened as they are, a missing, empty or foreign file would be turned into an empty
store, and read back as a clean one. ``check_sqlite_store`` looks first, read-only (the
file's first bytes, then its tables through a ``mode=ro`` connection), and refuses with the
path and what to do; ``READ_COMMANDS`` are the commands that must find a store there. A
store written by a newer version of senad_ap (its recorded format is newer than this
library's, ``application.store_format``) is refused here too, read-only, before any command.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from senad_ap.application.store_format import FORMAT_TABLE, check_readable, format_of
from senad_ap.cli.session import (
    ENVIRONMENT_VARIABLE,
    EXIT_NEWER_STORE,
    EXIT_NO_STORE,
    EXIT_REFUSED,
    _ExitError,
    postgres_parts,
)
from senad_ap.errors import StoreError, StoreFormatError

#: The commands that only read the store: they open it only if it is this library's, and
#: keep its projections beside it only where a projections file already is.
READ_COMMANDS = frozenset(
    {
        "placements",
        "history",
        "compliance",
        "attendance",
        "providers",
        "export",
        "retention",
        "seals",
        "verify",
        "report",
    }
)
#: The commands that need no store (``rules``, the rule catalogue): they neither open nor
#: create one, whatever --db says.
STORELESS_COMMANDS = frozenset({"rules"})
#: The tables every store of this library holds (eventsourcing's, and the students' keys).
STORE_TABLES = frozenset({"stored_events"})
_SQLITE_HEADER = b"SQLite format 3\x00"
_WHAT_TO_DO = (
    f"Point --db (or ${ENVIRONMENT_VARIABLE}) at a senad-ap store, or run `senad-ap demo` "
    "to write an example into a new file."
)


def check_sqlite_store(db: str, *, must_exist: bool) -> None:
    """Refuse ``db`` unless it is a SQLite store of this library; a file that is not there
    (or is empty) passes when ``must_exist`` is false (a command that writes will create it).
    Reads only: nothing is created or changed, whatever the answer."""
    path = Path(db)
    if path.is_dir():
        raise _ExitError(f"{db} is a folder, not a store. {_WHAT_TO_DO}", EXIT_NO_STORE)
    if not path.exists():
        if must_exist:
            raise _ExitError(f"There is no store at {db}. {_WHAT_TO_DO}", EXIT_NO_STORE)
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise _ExitError(
            f"The store at {db} cannot be read: {error.strerror or error}.", EXIT_NO_STORE
        ) from None
    if not header:
        if must_exist:
            raise _ExitError(
                f"{db} is an empty file, not a store: it holds no record. {_WHAT_TO_DO}",
                EXIT_NO_STORE,
            )
        return
    if header != _SQLITE_HEADER:
        raise _ExitError(
            f"{db} is not a database (not a SQLite file), so not a senad-ap store. {_WHAT_TO_DO}",
            EXIT_NO_STORE,
        )
    tables = _tables(db)
    if not tables >= STORE_TABLES:
        raise _ExitError(
            f"{db} is a SQLite database of another program (it has no table of recorded "
            f"events), not a senad-ap store. {_WHAT_TO_DO}",
            EXIT_NO_STORE,
        )
    if FORMAT_TABLE in tables:
        _refuse_newer(_read_only(db, f"SELECT format, written_by FROM {FORMAT_TABLE}"))  # noqa: S608


def _refuse_newer(rows: list[tuple[object, ...]]) -> None:
    """Refuse a store whose recorded format (``rows``: its format row) is newer than this
    library reads."""
    for store_format, written_by in rows:
        try:
            check_readable(format_of(store_format, written_by))
        except StoreFormatError as error:
            raise _ExitError(str(error), EXIT_NEWER_STORE) from None
        except StoreError as error:
            raise _ExitError(str(error), EXIT_REFUSED) from None


def _tables(db: str) -> frozenset[str]:
    """The tables of the SQLite file ``db``, read through a read-only connection."""
    rows = _read_only(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return frozenset(str(name) for (name,) in rows)


def _read_only(db: str, sql: str) -> list[tuple[object, ...]]:
    """The rows ``sql`` reads from the SQLite file ``db`` through a read-only connection."""
    uri = f"file:{quote(str(Path(db).resolve()))}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            return list(connection.execute(sql).fetchall())
    except sqlite3.Error as error:
        raise _ExitError(
            f"{db} cannot be read as a SQLite database ({error}), so not as a senad-ap store. "
            f"{_WHAT_TO_DO}",
            EXIT_NO_STORE,
        ) from None


#: A PostgreSQL store's events table (eventsourcing names it after the application) and the
#: projections' tracking table, when they are kept in the store's own schema.
POSTGRES_EVENTS_TABLE = "alternativeprovision_events"
POSTGRES_TRACKING_TABLE = "projection_tracking"


def check_postgres_store(url: str, *, must_exist: bool) -> bool:
    """Refuse the PostgreSQL store at ``url`` unless its schema holds this library's events
    (when ``must_exist``); return whether its projections are kept there already. Reads the
    catalogue only: nothing is created. The message names the database and schema, never the
    URL (it may hold a password)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the postgres extra is not installed
        raise _ExitError(
            "A PostgreSQL store needs the postgres extra: pip install 'senad-ap[postgres]'.",
            EXIT_REFUSED,
        ) from None

    options = postgres_parts(url)
    schema = options["schema"] or "public"
    where = f"schema {schema} of the PostgreSQL database {options['dbname']}"
    try:
        with psycopg.connect(
            dbname=options["dbname"], user=options["user"], password=options["password"],
            host=options["host"], port=options["port"], connect_timeout=5,
        ) as connection:  # fmt: skip
            rows = connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                "AND table_name IN (%s, %s, %s)",
                (schema, POSTGRES_EVENTS_TABLE, POSTGRES_TRACKING_TABLE, FORMAT_TABLE),
            ).fetchall()
            recorded = (
                connection.execute(
                    f'SELECT format, written_by FROM "{schema}".{FORMAT_TABLE}'  # noqa: S608
                ).fetchall()
                if any(name == FORMAT_TABLE for (name,) in rows)
                else []
            )
    except psycopg.Error as error:
        raise _ExitError(
            f"The {where} cannot be read: {str(error).strip().splitlines()[0]}", EXIT_REFUSED
        ) from None
    _refuse_newer([tuple(row) for row in recorded])
    tables = {str(name) for (name,) in rows}
    if must_exist and POSTGRES_EVENTS_TABLE not in tables:
        raise _ExitError(
            f"There is no senad-ap store in the {where} (it has no table of recorded events). "
            f"{_WHAT_TO_DO}",
            EXIT_NO_STORE,
        )
    return POSTGRES_TRACKING_TABLE in tables
