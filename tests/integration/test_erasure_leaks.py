"""Erasure without leaks (issue 14): a sealed value does not give away its text's length, and
a destroyed key does not stay in the store's files behind a reader (docs/personal-data.md)."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from hypothesis import given
from hypothesis import strategies as st

from senad_ap.application.personal import (
    KEY_TABLE,
    PAD_BUCKETS,
    MemoryStudentKeys,
    PersonalData,
    padded,
    unpadded,
)
from tests.integration.conftest import Store
from tests.integration.scenario import HEAD, Clock
from tests.integration.test_erasure import (
    AFTER_RETENTION,
    STUDENT,
    alices_placement,
    postgres_rows,
    sqlite_files,
    sqlite_key,
)

AT = datetime(2030, 1, 1, tzinfo=UTC)


def personal_data() -> tuple[PersonalData, UUID, bytes]:
    data = PersonalData(MemoryStudentKeys())
    student = uuid4()
    return data, student, data.keep(student, PersonalData.new_key(), AT)


# --- Padding ---------------------------------------------------------------------------------


def test_names_of_different_lengths_in_one_bucket_seal_to_values_of_equal_length() -> None:
    data, student, key = personal_data()

    short = data.seal_text("Al", student, key)
    long = data.seal_text("Alexandra Montgomery-Smith", student, key)

    assert len(short) == len(long)


def test_names_in_different_buckets_seal_to_values_of_different_lengths() -> None:
    data, student, key = personal_data()

    short = data.seal_text("Al", student, key)
    long = data.seal_text("A" * PAD_BUCKETS, student, key)

    assert len(short) < len(long)


def test_the_same_text_under_the_same_key_seals_to_the_same_value() -> None:
    data, student, key = personal_data()

    assert data.seal_text("Alice Example", student, key) == data.seal_text(
        "Alice Example", student, key
    )


def test_a_padded_value_reveals_as_its_text() -> None:
    data, student, key = personal_data()

    assert data.reveal_text(data.seal_text("Alice Example", student, key)) == "Alice Example"


def test_a_value_sealed_in_the_older_unpadded_format_still_reveals() -> None:
    data, student, key = personal_data()
    sealed = AESSIV(key).encrypt(b"Alice Example", [student.bytes])
    old = f"\u27e6pd1:{student.hex}:{base64.urlsafe_b64encode(sealed).rstrip(b'=').decode()}\u27e7"

    assert data.reveal_text(old) == "Alice Example"


@given(st.binary(max_size=600))
def test_padding_comes_off_again_and_fills_a_bucket(data: bytes) -> None:
    size = len(padded(data))

    assert (unpadded(padded(data)), size >= PAD_BUCKETS, size & (size - 1)) == (data, True, 0)


# --- A reader during the erasure (SQLite) ----------------------------------------------------


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A second connection to the SQLite file with a read transaction open, as another
    process reading the record would have."""
    connection = sqlite3.connect(tmp_path / "ap.sqlite", isolation_level=None)
    yield connection
    connection.close()


def start_reading(connection: sqlite3.Connection) -> None:
    connection.execute("BEGIN")
    connection.execute(f"SELECT count(*) FROM {KEY_TABLE}").fetchall()  # noqa: S608


def test_sqlite_erasure_without_a_reader_waits_for_nothing(
    sqlite_store: Store, clock: Clock
) -> None:
    app = sqlite_store.open()
    alices_placement(app)
    clock.now = AFTER_RETENTION

    app.forget_student(STUDENT, actor=HEAD)

    assert app.erasures_waiting == ()


def test_sqlite_erasure_says_it_waits_while_another_connection_reads(
    sqlite_store: Store, clock: Clock, tmp_path: Path, reader: sqlite3.Connection
) -> None:
    app = sqlite_store.open()
    alices_placement(app)
    key = sqlite_key(tmp_path)
    clock.now = AFTER_RETENTION
    start_reading(reader)

    app.forget_student(STUDENT, actor=HEAD)

    assert (app.erasures_waiting, key in sqlite_files(tmp_path)) == ((STUDENT,), True)


def test_sqlite_finish_erasures_clears_the_key_from_the_files_once_the_reader_ends(
    sqlite_store: Store, clock: Clock, tmp_path: Path, reader: sqlite3.Connection
) -> None:
    app = sqlite_store.open()
    alices_placement(app)
    key = sqlite_key(tmp_path)
    clock.now = AFTER_RETENTION
    start_reading(reader)
    app.forget_student(STUDENT, actor=HEAD)
    reader.execute("COMMIT")

    waiting = app.finish_erasures()

    assert (waiting, key in sqlite_files(tmp_path)) == ((), False)


def test_sqlite_finish_erasures_keeps_waiting_while_the_reader_still_reads(
    sqlite_store: Store, clock: Clock, tmp_path: Path, reader: sqlite3.Connection
) -> None:
    app = sqlite_store.open()
    alices_placement(app)
    clock.now = AFTER_RETENTION
    start_reading(reader)
    app.forget_student(STUDENT, actor=HEAD)

    assert app.finish_erasures() == (STUDENT,)


def test_sqlite_close_finishes_an_erasure_left_waiting(
    sqlite_store: Store, clock: Clock, tmp_path: Path, reader: sqlite3.Connection
) -> None:
    app = sqlite_store.open()
    alices_placement(app)
    key = sqlite_key(tmp_path)
    clock.now = AFTER_RETENTION
    start_reading(reader)
    app.forget_student(STUDENT, actor=HEAD)
    reader.execute("COMMIT")

    app.close()

    assert key not in sqlite_files(tmp_path)


# --- A reader during the erasure (PostgreSQL) ------------------------------------------------


def key_table_file(store: Store) -> int:
    """The key table's file (its filenode): ``VACUUM FULL`` writes the table to a new one
    and drops the old one, with the old row versions in it."""
    rows = postgres_rows(f"SELECT pg_relation_filenode('{store.schema}.{KEY_TABLE}')")
    return int(rows[0][0])


def test_postgres_erasure_rewrites_the_key_table_file(postgres_store: Store, clock: Clock) -> None:
    app = postgres_store.open()
    alices_placement(app)
    before = key_table_file(postgres_store)
    clock.now = AFTER_RETENTION

    app.forget_student(STUDENT, actor=HEAD)

    assert (app.erasures_waiting, key_table_file(postgres_store) != before) == ((), True)


def test_postgres_erasure_says_it_waits_while_a_transaction_has_read_the_key_table(
    postgres_store: Store, clock: Clock
) -> None:
    import psycopg

    app = postgres_store.open()
    alices_placement(app)
    before = key_table_file(postgres_store)
    clock.now = AFTER_RETENTION
    with psycopg.connect() as reader:
        reader.execute(f"SELECT count(*) FROM {postgres_store.schema}.{KEY_TABLE}")  # noqa: S608
        app.forget_student(STUDENT, actor=HEAD)
        waiting = (app.erasures_waiting, key_table_file(postgres_store) == before)
        reader.rollback()

    assert (waiting, app.finish_erasures(), key_table_file(postgres_store) != before) == (
        ((STUDENT,), True),
        (),
        True,
    )
