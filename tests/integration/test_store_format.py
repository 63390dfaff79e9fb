"""The stored format's version (``application.store_format``): recorded on the first write,
raised (never lowered) when a newer library writes to an older store, and a store, or a record,
written by a newer version of senad_ap refused with ``StoreFormatError`` rather than misread.
Rows are read and changed with plain SQL, as someone with the database's password could."""

from __future__ import annotations

import io
import os
from typing import Any
from uuid import UUID

import pytest

from senad_ap import AlternativeProvision
from senad_ap.application.store_format import FORMAT_TABLE, STORE_FORMAT, library_version
from senad_ap.cli import main
from senad_ap.cli.session import EXIT_NEWER_STORE
from senad_ap.errors import StoreError, StoreFormatError
from senad_ap.projections.access import FULL_ACCESS
from tests.integration.test_tamper_evidence import (
    Database,
    _head,
    _opened_row,
    _write,
    database,
)

__all__ = ["database"]

NEWER = 99


def _format_table(database: Database) -> str:
    return FORMAT_TABLE if database.kind == "sqlite" else f"{database.schema}.{FORMAT_TABLE}"


def _recorded(database: Database) -> list[tuple[Any, ...]]:
    return database.execute(f"SELECT format, written_by FROM {_format_table(database)}")  # noqa: S608


def _record(database: Database, store_format: int, written_by: str = "9.0.0") -> None:
    database.execute(f"DELETE FROM {_format_table(database)}")  # noqa: S608
    database.execute(
        f"INSERT INTO {_format_table(database)} (id, format, written_by, recorded_at) "  # noqa: S608
        "VALUES (1, %s, %s, '2040-09-01T00:00:00+00:00')",
        (store_format, written_by),
    )


def _everything(database: Database) -> list[Any]:
    """Every row of every table of the store, as stored."""
    if database.kind == "sqlite":
        names = [
            str(n)
            for (n,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return [(n, sorted(map(repr, database.execute(f"SELECT * FROM {n}")))) for n in names]  # noqa: S608
    names = [
        str(n)
        for (n,) in database.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "ORDER BY table_name",
            (database.schema,),
        )
    ]
    return [
        (n, sorted(map(repr, database.execute(f"SELECT * FROM {database.schema}.{n}"))))  # noqa: S608
        for n in names
    ]


def _newer_store(database: Database, **options: Any) -> None:
    app = database.open(**options)
    _write(app)
    app.close()
    _record(database, NEWER)


def test_the_format_is_recorded_on_the_first_write(database: Database) -> None:
    _write(database.open())

    assert _recorded(database) == [(STORE_FORMAT, library_version())]


def test_a_store_opened_and_not_written_records_no_format(database: Database) -> None:
    database.open().close()

    assert _recorded(database) == []


def test_a_first_edition_store_without_a_format_is_read_as_before(database: Database) -> None:
    _write(database.open())
    database.execute(f"DELETE FROM {_format_table(database)}")  # noqa: S608
    _, record, version, _ = _opened_row(database)

    state = database.open().state_at_version(UUID(record), version, reader=FULL_ACCESS)

    assert (state.id, _recorded(database)) == (UUID(record), [])


def test_a_first_edition_store_is_raised_to_this_format_on_its_first_write(
    database: Database,
) -> None:
    _write(database.open())
    database.execute(f"DELETE FROM {_format_table(database)}")  # noqa: S608

    database.open().appoint_delegate("deputy-712E", actor=_head())

    assert _recorded(database) == [(STORE_FORMAT, library_version())]


def test_an_older_library_never_lowers_the_format(database: Database) -> None:
    app = database.open()
    _record(database, NEWER)

    with pytest.raises(StoreFormatError):
        _write(app)

    assert _recorded(database) == [(NEWER, "9.0.0")]


def test_a_newer_store_is_refused_at_open_naming_both_versions(database: Database) -> None:
    _newer_store(database)

    with pytest.raises(StoreFormatError) as raised:
        database.open()

    assert (raised.value.store_format, raised.value.written_by, str(raised.value)) == (
        NEWER,
        "9.0.0",
        f"This store was written by a newer version of senad_ap (senad_ap 9.0.0): its "
        f"stored format is {NEWER}, and this library (senad_ap {library_version()}) reads "
        f"formats up to {STORE_FORMAT}. Nothing was read from it or written to it. Upgrade "
        "senad-ap (pip install --upgrade senad-ap) to open it.",
    )


def test_refusing_a_newer_store_writes_nothing(database: Database) -> None:
    _newer_store(database)
    before = _everything(database)

    with pytest.raises(StoreFormatError):
        database.open()

    assert _everything(database) == before


def test_a_newer_encrypted_store_opened_without_its_key_is_refused_for_its_format(
    database: Database,
) -> None:
    _newer_store(database, cipher_key=AlternativeProvision.create_cipher_key())

    with pytest.raises(StoreFormatError, match=f"its stored format is {NEWER}"):
        database.open()


def test_a_format_record_altered_to_text_is_refused_as_altered(database: Database) -> None:
    _write(database.open())
    if database.kind == "postgres":
        database.execute(f"ALTER TABLE {_format_table(database)} ALTER COLUMN format TYPE text")
    database.execute(f"UPDATE {_format_table(database)} SET format = 'three'")  # noqa: S608

    with pytest.raises(StoreError, match="not a number"):
        database.open()


def test_an_event_of_a_type_added_by_a_newer_version_is_refused_as_such(
    database: Database,
) -> None:
    _write(database.open())
    position, record, version, _ = _opened_row(database)
    database.execute(
        f"UPDATE {database.table} SET topic = %s WHERE {database.position} = %s",  # noqa: S608
        ("senad_ap.domain.placement:PlacementPaused", position),
    )

    with pytest.raises(StoreFormatError, match="written by a newer version of senad_ap"):
        database.open().state_at_version(UUID(record), version, reader=FULL_ACCESS)


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def _url(database: Database) -> str:
    if database.kind == "sqlite":
        return str(database.path)
    return (
        f"postgresql://{os.environ.get('PGUSER', 'senad_ap')}@"
        f"{os.environ.get('PGHOST', 'localhost')}:{os.environ.get('PGPORT', '5432')}/"
        f"{os.environ['PGDATABASE']}?schema={database.schema}"
    )


@pytest.mark.parametrize("command", [("placements",), ("seal",)], ids=["read", "write"])
def test_the_command_refuses_a_newer_store_with_its_exit_code(
    database: Database, command: tuple[str, ...]
) -> None:
    _newer_store(database)
    before = _everything(database)

    code, _, err = _cli("--db", _url(database), *command)

    said = f"its stored format is {NEWER}" in err and "Traceback" not in err
    assert (code, said, _everything(database) == before) == (EXIT_NEWER_STORE, True, True)
