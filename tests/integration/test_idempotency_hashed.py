"""Idempotency keys are stored as keyed hashes (``application.store_secret``), never in clear:
a key that carries a name leaves no trace of it in the store, and a retry still records
nothing more, also for a key stored in clear before keys were hashed."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import pytest

from senad_ap import (
    AlternativeProvision,
    ProviderKind,
    Reason,
    RegisterMark,
    RiskOutcome,
    Session,
    Setting,
)
from senad_ap.application.store_secret import (
    HASHED_KEY,
    SCHEME_KEYED_STUDENT_IDS,
    SCHEME_OLD_IDS,
    SECRET_ROW,
    StoreSecret,
)
from senad_ap.domain.student import student_record_id
from tests.integration.scenario import (
    HEAD,
    OPENED_ON,
    STAFF,
    Clock,
    Scene,
    notification_count,
    start_outside_placement,
    stored_notifications,
)
from tests.postgres import postgres_schema

NAMED_KEY = "enrol-jane-smith"
#: The namespace of the ids made from an idempotency key (``Pipeline.new_id``).
KEYS = UUID("0b8f5a57-3c1e-4b77-9d0e-6c2f4f6a3e90")
NAME = b"jane-smith"

Opener = Callable[..., AlternativeProvision]
Store = tuple[Opener, Callable[[], bytes]]


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An opener of a new store, and a reader of every byte it holds (SQLite: the file and
    its write-ahead log; PostgreSQL: every row of every table in the store's schema)."""
    clock = Clock()
    if request.param == "sqlite":
        path = tmp_path / "ap.sqlite"

        def open_sqlite(**options: Any) -> AlternativeProvision:
            return AlternativeProvision.sqlite(path, clock=clock, **options)

        def raw_file() -> bytes:
            return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))

        yield open_sqlite, raw_file
        return
    schema, drop = postgres_schema()
    import psycopg

    def open_postgres(**options: Any) -> AlternativeProvision:
        return AlternativeProvision.postgres(
            os.environ["PGDATABASE"], user=os.environ.get("PGUSER", "senad_ap"),
            host=os.environ.get("PGHOST", "localhost"), schema=schema, clock=clock, **options,
        )  # fmt: skip

    def raw_rows() -> bytes:
        with psycopg.connect() as connection:
            tables = connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            ).fetchall()
            found = b""
            for (table,) in tables:
                for row in connection.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall():  # noqa: S608 - our test schema
                    found += repr(row).encode()
        return found

    yield open_postgres, raw_rows
    drop()


@pytest.fixture
def keys_in_clear(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """While in force, the application writes as it did before this change: idempotency keys
    in clear, ``uuid5`` ids, no secret made; calling the result ends it."""
    monkeypatch.setattr(StoreSecret, "keyed", lambda self, command: command)
    monkeypatch.setattr(StoreSecret, "record_id", lambda self, space, name: uuid5(space, name))
    monkeypatch.setattr(StoreSecret, "ensure", lambda self: None)
    monkeypatch.setattr(
        StoreSecret,
        "student_id",
        lambda self, school, reference, **_: student_record_id(school, reference),
    )
    return monkeypatch.undo


def _stored_keys(app: AlternativeProvision) -> list[str]:
    events = (app.mapper.to_domain_event(n) for n in stored_notifications(app))
    keys = (getattr(event, "idempotency_key", None) for event in events)
    return [key for key in keys if isinstance(key, str)]


# ----------------------------------------------------------------------------- no clear key
def test_a_key_with_a_name_is_not_in_the_raw_store(store: Store) -> None:
    open_store, raw = store
    app = open_store()
    open_outside_placement_with_key(app, NAMED_KEY)

    assert NAME not in raw()


def test_a_register_key_with_a_name_is_not_in_the_raw_store(store: Store) -> None:
    open_store, raw = store
    app = open_store()
    scene = start_outside_placement(app)
    mark = RegisterMark(scene.placement.id, Session.AM, "/")
    app.record_register([mark], actor=STAFF, on=OPENED_ON, idempotency_key="register-jane-smith")

    assert NAME not in raw()


def test_every_stored_key_is_a_keyed_hash(store: Store) -> None:
    open_store, _ = store
    app = open_store()
    open_outside_placement_with_key(app, NAMED_KEY)

    assert {HASHED_KEY.fullmatch(k) is not None for k in _stored_keys(app)} == {True}


def test_two_stores_hash_the_same_key_differently(tmp_path: Path) -> None:
    first = AlternativeProvision.sqlite(tmp_path / "a.sqlite", clock=Clock())
    second = AlternativeProvision.sqlite(tmp_path / "b.sqlite", clock=Clock())
    for app in (first, second):
        open_outside_placement_with_key(app, NAMED_KEY)

    assert _stored_keys(first) != _stored_keys(second)


def test_the_secret_is_kept_in_the_key_table_once(store: Store) -> None:
    open_store, _ = store
    app = open_store()
    open_outside_placement_with_key(app, NAMED_KEY)

    assert list(app.personal.keys.fetch([SECRET_ROW])) == [SECRET_ROW]


def test_the_secret_is_wrapped_with_the_cipher_key_on_an_encrypted_store(
    store: Store,
) -> None:
    open_store, _ = store
    cipher_key = AlternativeProvision.create_cipher_key()
    app = open_store(cipher_key=cipher_key)
    open_outside_placement_with_key(app, NAMED_KEY)

    stored = app.personal.keys.fetch([SECRET_ROW])[SECRET_ROW]
    assert len(stored or b"") > 33  # a nonce and a tag around the scheme and the secret


# ----------------------------------------------------------------------------- retries
def test_a_retry_after_reopening_records_nothing_more(store: Store) -> None:
    open_store, _ = store
    first = open_outside_placement_with_key(open_store(), NAMED_KEY)
    app = open_store()
    before = notification_count(app)

    again = open_outside_placement_with_key(app, NAMED_KEY)

    assert (notification_count(app), again.placement.id) == (before, first.placement.id)


def test_two_instances_opened_on_a_new_store_share_one_secret(store: Store) -> None:
    open_store, _ = store
    writer, retrier = open_store(), open_store()
    first = open_outside_placement_with_key(writer, NAMED_KEY)
    before = notification_count(retrier)

    again = open_outside_placement_with_key(retrier, NAMED_KEY)

    assert (notification_count(retrier), again.placement.id) == (before, first.placement.id)


def test_two_instances_making_the_secret_at_once_keep_the_first_one(store: Store) -> None:
    open_store, _ = store
    late, early = open_store()._pipeline.secret, open_store()._pipeline.secret

    # ``late`` finds no secret, and before it inserts its own, ``early`` makes and keeps one.
    def early_first() -> bool:
        early.ensure()
        return False

    late._has_events = early_first

    assert late.hashed(NAMED_KEY) == early.hashed(NAMED_KEY)


def test_a_retry_finds_a_key_stored_in_clear_before_the_change(
    store: Store, keys_in_clear: Callable[[], None]
) -> None:
    open_store, _ = store
    app = open_store()
    scene = start_outside_placement(app)
    first = app.withdraw_consent(
        scene.placement.id, party="parents", reason="Moved away.", actor=STAFF, on=OPENED_ON,
        idempotency_key=NAMED_KEY,
    )  # fmt: skip
    keys_in_clear()
    upgraded = open_store()
    before = notification_count(upgraded)

    again = upgraded.withdraw_consent(
        scene.placement.id, party="parents", reason="Moved away.", actor=STAFF, on=OPENED_ON,
        idempotency_key=NAMED_KEY,
    )  # fmt: skip

    assert (notification_count(upgraded), again.version) == (before, first.version)


def test_a_register_retry_finds_keys_stored_in_clear_before_the_change(
    store: Store, keys_in_clear: Callable[[], None]
) -> None:
    open_store, _ = store
    app = open_store()
    scene = start_outside_placement(app)
    mark = RegisterMark(scene.placement.id, Session.AM, "/")
    app.record_register([mark], actor=STAFF, on=OPENED_ON, idempotency_key="register-1")
    keys_in_clear()
    upgraded = open_store()
    before = notification_count(upgraded)

    upgraded.record_register([mark], actor=STAFF, on=OPENED_ON, idempotency_key="register-1")

    assert notification_count(upgraded) == before


def test_the_clear_keys_the_fixture_writes_are_in_clear(
    store: Store, keys_in_clear: Callable[[], None]
) -> None:
    open_store, raw = store
    open_outside_placement_with_key(open_store(), NAMED_KEY)

    assert NAME in raw()


def test_a_store_file_without_the_secret_row_gets_one_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "ap.sqlite"
    open_outside_placement_with_key(AlternativeProvision.sqlite(path, clock=Clock()), "k-1")
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("DELETE FROM senad_ap_student_keys WHERE student_id = ?", (SECRET_ROW,))
    app = AlternativeProvision.sqlite(path, clock=Clock())

    open_outside_placement_with_key(app, "k-2")

    assert SECRET_ROW in app.personal.keys.fetch([SECRET_ROW])


# ----------------------------------------------------------------------------- record ids
def _uuid5_of_placement(key: str) -> UUID:
    return uuid5(KEYS, f"placement\x1f{STAFF.school_id}\x1f{key}")


def test_without_a_cipher_key_an_id_made_from_a_key_is_its_uuid5(store: Store) -> None:
    open_store, _ = store
    scene = open_outside_placement_with_key(open_store(), NAMED_KEY)

    assert scene.placement.id == _uuid5_of_placement(NAMED_KEY)


def test_on_an_encrypted_store_an_id_made_from_a_key_is_not_its_uuid5(store: Store) -> None:
    open_store, _ = store
    app = open_store(cipher_key=AlternativeProvision.create_cipher_key())
    scene = open_outside_placement_with_key(app, NAMED_KEY)

    assert scene.placement.id != _uuid5_of_placement(NAMED_KEY)


def test_on_an_encrypted_store_an_id_made_from_a_key_is_the_same_after_reopening(
    store: Store,
) -> None:
    open_store, _ = store
    cipher_key = AlternativeProvision.create_cipher_key()
    first = open_outside_placement_with_key(open_store(cipher_key=cipher_key), NAMED_KEY)
    app = open_store(cipher_key=cipher_key)
    before = notification_count(app)

    again = open_outside_placement_with_key(app, NAMED_KEY)

    assert (notification_count(app), again.placement.id) == (before, first.placement.id)


def test_a_new_encrypted_store_gets_keyed_ids(store: Store) -> None:
    open_store, _ = store
    app = open_store(cipher_key=AlternativeProvision.create_cipher_key())
    open_outside_placement_with_key(app, NAMED_KEY)

    assert app._pipeline.secret.scheme == SCHEME_KEYED_STUDENT_IDS


def test_an_encrypted_store_written_before_the_change_keeps_its_old_ids(
    store: Store, keys_in_clear: Callable[[], None]
) -> None:
    open_store, _ = store
    cipher_key = AlternativeProvision.create_cipher_key()
    first = open_outside_placement_with_key(open_store(cipher_key=cipher_key), NAMED_KEY)
    keys_in_clear()
    app = open_store(cipher_key=cipher_key)
    before = notification_count(app)

    again = open_outside_placement_with_key(app, NAMED_KEY)

    assert (notification_count(app), again.placement.id, app._pipeline.secret.scheme) == (
        before, first.placement.id, SCHEME_OLD_IDS,
    )  # fmt: skip


def test_an_encrypted_store_written_before_the_change_still_finds_its_student(
    store: Store, keys_in_clear: Callable[[], None]
) -> None:
    open_store, _ = store
    cipher_key = AlternativeProvision.create_cipher_key()
    open_outside_placement_with_key(open_store(cipher_key=cipher_key), NAMED_KEY)
    keys_in_clear()
    app = open_store(cipher_key=cipher_key)
    open_outside_placement_with_key(app, "another-key")  # the same student, a new placement

    student = app.get_student("STU-0042", reader=STAFF)
    assert len(student.placement_ids) == 2


def open_outside_placement_with_key(app: AlternativeProvision, key: str) -> Scene:
    """A provider made ready and a placement opened there, every command with a key (made
    from ``key``), so that doing it again is a retry of each."""
    provider = app.register_provider(
        name="Riverside FE College", kind=ProviderKind.FE_COLLEGE,
        delivers_accredited_education=True, sites=("Main campus",), actor=HEAD, on=OPENED_ON,
        idempotency_key=f"{key}-provider",
    )  # fmt: skip
    provider = app.confirm_provider_registration(
        provider.id, urn="130456", evidence_reference="DfE GIAS check", actor=HEAD,
        on=OPENED_ON, idempotency_key=f"{key}-confirm",
    )  # fmt: skip
    provider = app.assess_provider_risk(
        provider.id, outcome=RiskOutcome.SATISFACTORY, safeguarding_policies_seen=True,
        staff_checks_confirmed_in_writing=True, valid_until=OPENED_ON + timedelta(days=300),
        actor=HEAD, on=OPENED_ON, idempotency_key=f"{key}-risk",
    )  # fmt: skip
    placement = app.open_placement(
        student_reference="STU-0042", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=provider.id, location="Riverside FE College, main campus",
        residential=False, ehcp_reference="EHCP-2291", actor=STAFF, on=OPENED_ON,
        idempotency_key=key,
    )  # fmt: skip
    return Scene(provider, placement)
