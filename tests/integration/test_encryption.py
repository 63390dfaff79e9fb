"""Encryption at rest: events and snapshots are encrypted (AES-GCM) and compressed in the store;
a missing or wrong key is a clear ``StoreError``, never garbage."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from senad_ap import AlternativeProvision, Session, StoreError
from senad_ap.application import records as records_module
from senad_ap.projections import Projections, register
from senad_ap.projections.access import FULL_ACCESS
from tests.integration.scenario import (
    NOW,
    STAFF,
    Clock,
    start_outside_placement,
)
from tests.postgres import postgres_schema

STUDENT = "STU-SECRET-7731"
#: Personal and free-text facts that must never be readable in the store's raw bytes.
SECRETS = (STUDENT, "Riverside FE College", "EHCP-2291", "High anxiety in large groups")


def _write(app: AlternativeProvision) -> UUID:
    scene = start_outside_placement(app, student_reference=STUDENT)
    app.record_attendance(
        scene.placement.id, session=Session.AM, code="/", actor=STAFF, on=NOW.date()
    )
    return scene.placement.id


def _raw_sqlite(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.fixture
def key() -> str:
    return AlternativeProvision.create_cipher_key()


@pytest.fixture(params=["sqlite", "postgres"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Callable[..., AlternativeProvision], Callable[[], bytes]]]:
    """An opener of the store (taking ``cipher_key=``) and a reader of its raw bytes."""
    if request.param == "sqlite":
        path = tmp_path / "ap.sqlite"

        def open_sqlite(**options: Any) -> AlternativeProvision:
            return AlternativeProvision.sqlite(path, clock=Clock(), **options)

        yield open_sqlite, lambda: _raw_sqlite(path)
        return
    schema, drop = postgres_schema()
    import psycopg

    def open_postgres(**options: Any) -> AlternativeProvision:
        return AlternativeProvision.postgres(
            os.environ["PGDATABASE"], user=os.environ.get("PGUSER", "senad_ap"),
            host=os.environ.get("PGHOST", "localhost"), schema=schema, clock=Clock(), **options,
        )  # fmt: skip

    def raw_rows() -> bytes:
        with psycopg.connect() as connection:
            rows = connection.execute(
                f"SELECT state FROM {schema}.alternativeprovision_events "  # noqa: S608 - our test schema
                f"UNION ALL SELECT state FROM {schema}.alternativeprovision_snapshots"
            ).fetchall()
        return b"".join(bytes(row[0]) for row in rows)

    yield open_postgres, raw_rows
    drop()


Store = tuple[Callable[..., AlternativeProvision], Callable[[], bytes]]


def test_without_a_key_the_facts_are_readable_in_the_raw_store(store: Store) -> None:
    open_store, raw = store
    _write(open_store())

    assert STUDENT.encode() in raw()


def test_with_a_key_no_personal_fact_is_readable_in_the_raw_store(store: Store, key: str) -> None:
    open_store, raw = store
    _write(open_store(cipher_key=key))

    found = [secret for secret in SECRETS if secret.encode() in raw()]

    assert found == []


def test_the_same_key_reads_the_record_back(store: Store, key: str) -> None:
    open_store, _ = store
    placement_id = _write(open_store(cipher_key=key))

    state = open_store(cipher_key=key).state_at_version(placement_id, 1, reader=FULL_ACCESS)

    assert getattr(state, "student_reference", None) == STUDENT


def test_without_the_key_reading_is_a_clear_store_error(store: Store, key: str) -> None:
    open_store, _ = store
    placement_id = _write(open_store(cipher_key=key))

    with pytest.raises(StoreError, match="the store is encrypted \\(give its key"):
        open_store().state_at_version(placement_id, 1, reader=FULL_ACCESS)


def test_with_another_key_reading_is_a_clear_store_error(store: Store, key: str) -> None:
    open_store, _ = store
    placement_id = _write(open_store(cipher_key=key))
    other = AlternativeProvision.create_cipher_key()

    with pytest.raises(StoreError, match="not the one it was written with"):
        open_store(cipher_key=other).state_at_version(placement_id, 1, reader=FULL_ACCESS)


def test_the_projections_read_an_encrypted_store_with_its_key(
    store: Store, key: str, tmp_path: Path
) -> None:
    open_store, _ = store
    _write(open_store(cipher_key=key))
    projections = Projections(open_store(cipher_key=key), tmp_path / "p.sqlite")
    projections.catch_up()

    assert [
        row.student_reference for row in register.placements(projections.store, reader=FULL_ACCESS)
    ] == [STUDENT]


def test_the_key_can_come_from_the_environment(
    store: Store, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store, raw = store
    monkeypatch.setenv("CIPHER_KEY", key)
    _write(open_store())

    assert STUDENT.encode() not in raw()


def test_a_key_of_the_wrong_size_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="could not be opened"):
        AlternativeProvision.sqlite(tmp_path / "ap.sqlite", cipher_key="c2hvcnQ=")


def test_snapshots_are_encrypted_too(
    store: Store, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records_module, "SNAPSHOT_INTERVAL", 1)
    open_store, raw = store
    placement_id = _write(open_store(cipher_key=key))
    reader = open_store(cipher_key=key)
    assert reader.snapshots is not None
    snapshots = list(reader.snapshots.get(placement_id))

    assert (len(snapshots) > 0, STUDENT.encode() in raw()) == (True, False)
