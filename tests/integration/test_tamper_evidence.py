"""Tamper evidence: rows altered, deleted, inserted or swapped directly in the database are
named by ``verify`` (and ``senad-ap verify`` exits 5); an untouched store verifies."""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import pytest

from senad_ap import Actor, AlternativeProvision, PlacementOpened, Role, Session
from senad_ap.application.integrity import SealRecord, chained
from senad_ap.cli import main
from senad_ap.errors import CipherKeyError, InvalidInputError
from senad_ap.projections.access import FULL_ACCESS
from tests.integration.scenario import NOW, STAFF, Clock, start_outside_placement
from tests.postgres import postgres_schema

OPERATOR = Actor(id="night-job", role=Role.SCHOOL_STAFF, school_id="712E")


@attrs.define
class Database:
    """Direct access to the stored rows, as someone with the database's password has."""

    kind: str
    path: Path | None = None
    schema: str | None = None

    def open(self, **options: Any) -> AlternativeProvision:
        if self.kind == "sqlite":
            assert self.path is not None
            return AlternativeProvision.sqlite(self.path, clock=Clock(), **options)
        return AlternativeProvision.postgres(
            os.environ["PGDATABASE"], user=os.environ.get("PGUSER", "senad_ap"),
            host=os.environ.get("PGHOST", "localhost"), schema=self.schema, clock=Clock(),
            **options,
        )  # fmt: skip

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.kind == "sqlite":
            with sqlite3.connect(str(self.path)) as connection:
                return connection.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(autocommit=True) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    @property
    def table(self) -> str:
        return (
            "stored_events"
            if self.kind == "sqlite"
            else f"{self.schema}.alternativeprovision_events"
        )

    @property
    def position(self) -> str:
        return "rowid" if self.kind == "sqlite" else "notification_id"

    def rows(self) -> list[tuple[int, str, int, bytes]]:
        found = self.execute(
            f"SELECT {self.position}, originator_id, originator_version, state "  # noqa: S608
            f"FROM {self.table} ORDER BY {self.position}"
        )
        return [(int(p), str(o), int(v), bytes(s)) for p, o, v, s in found]

    def set_state(self, position: int, state: bytes) -> None:
        self.execute(
            f"UPDATE {self.table} SET state = %s WHERE {self.position} = %s",  # noqa: S608
            (state, position),
        )

    def delete(self, position: int) -> None:
        self.execute(f"DELETE FROM {self.table} WHERE {self.position} = %s", (position,))  # noqa: S608


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        yield Database("sqlite", path=tmp_path / "ap.sqlite")
        return
    schema, drop = postgres_schema()
    yield Database("postgres", schema=schema)
    drop()


def _write(app: AlternativeProvision) -> None:
    scene = start_outside_placement(app)
    for session, code in ((Session.AM, "/"), (Session.PM, "\\")):
        app.record_attendance(scene.placement.id, session=session, code=code, actor=STAFF,
                              on=NOW.date())  # fmt: skip
    app.seal(actor=OPERATOR)


def _problems(database: Database) -> list[tuple[int, str]]:
    result = database.open().verify()
    return [(p.position, p.kind) for p in result.problems]


def _opened_row(database: Database) -> tuple[int, str, int, bytes]:
    return next(row for row in database.rows() if b"STU-0042" in row[3])


def test_an_untouched_store_verifies(database: Database) -> None:
    _write(database.open())

    result = database.open().verify()

    assert (result.ok, result.seals, result.unsealed) == (True, 1, 0)


def test_an_altered_event_is_named_first(database: Database) -> None:
    _write(database.open())
    position, _, _, state = _opened_row(database)
    database.set_state(position, state.replace(b"STU-0042", b"STU-0043"))

    assert _problems(database)[0] == (position, "altered")


def test_an_altered_event_with_its_record_rehashed_is_caught_by_the_seal(
    database: Database,
) -> None:
    # Someone who knows the hashing rewrites a record and recomputes its chain: each event
    # matches its own hash again, but the log no longer matches the seal taken before.
    app = database.open()
    _write(app)
    raw_id = _opened_row(database)[1]
    events = list(app.events_of(UUID(raw_id), reader=FULL_ACCESS))
    opened = events[0]
    assert isinstance(opened, PlacementOpened)
    forged = chained([attrs.evolve(opened, student_reference="STU-0043"), *events[1:]], None)
    for event in forged:
        stored = app.mapper.to_stored_event(event)
        database.execute(
            f"UPDATE {database.table} SET state = %s "  # noqa: S608
            "WHERE originator_id = %s AND originator_version = %s",
            (stored.state, raw_id, event.originator_version),
        )

    assert {kind for _, kind in _problems(database)} == {"seal mismatch"}


def test_a_deleted_event_in_the_middle_of_a_record_is_named(database: Database) -> None:
    _write(database.open())
    position, record, version, _ = _opened_row(database)
    later = next(p for p, r, v, _ in database.rows() if r == record and v == version + 1)
    database.delete(position + 0 if version > 1 else later)

    assert _problems(database)[0][1] in {"removed or reordered", "altered"}


def test_deleting_the_last_event_of_a_record_breaks_the_seal(database: Database) -> None:
    _write(database.open())
    rows = database.rows()
    record = _opened_row(database)[1]
    last = max((row for row in rows if row[1] == record), key=lambda row: row[2])
    database.delete(last[0])

    assert _problems(database) == [(rows[-2][0], "seal mismatch")]


def test_swapped_events_are_named_at_the_first_of_them(database: Database) -> None:
    _write(database.open())
    record = _opened_row(database)[1]
    first, second = [row for row in database.rows() if row[1] == record][1:3]
    database.set_state(first[0], second[3])
    database.set_state(second[0], first[3])

    position, kind = _problems(database)[0]

    assert (position, kind in {"altered", "unreadable"}) == (first[0], True)


def test_an_inserted_copy_of_an_event_is_named(database: Database) -> None:
    _write(database.open())
    position, record, _, _ = _opened_row(database)
    top = max(v for _, r, v, _ in database.rows() if r == record)
    database.execute(
        f"INSERT INTO {database.table} (originator_id, originator_version, topic, state) "  # noqa: S608
        f"SELECT originator_id, %s, topic, state FROM {database.table} "
        f"WHERE {database.position} = %s",
        (top + 1, position),
    )

    assert _problems(database)[0][1] == "altered"


def test_a_kept_seal_catches_a_log_rewritten_with_its_own_seals(database: Database) -> None:
    _write(database.open())
    kept = database.open().seals()
    forged = [attrs.evolve(seal, head="0" * 64) for seal in kept]

    result = database.open().verify(kept=forged)

    assert [p.kind for p in result.problems] == ["seal mismatch"]


def test_an_encrypted_store_verifies(database: Database) -> None:
    key = AlternativeProvision.create_cipher_key()
    _write(database.open(cipher_key=key))

    assert database.open(cipher_key=key).verify().ok


def test_a_second_seal_covers_only_what_came_after_the_first(database: Database) -> None:
    app = database.open()
    _write(app)
    first = app.seals()[-1]
    app.appoint_delegate("deputy-1", actor=_head())
    second = app.seal(actor=OPERATOR)

    assert second is not None
    assert (second.events, second.last_position > first.last_position) == (first.events + 2, True)


def test_sealing_with_nothing_new_records_nothing(database: Database) -> None:
    app = database.open()
    _write(app)

    assert app.seal(actor=OPERATOR) is None


def _head() -> Actor:
    return Actor(id="head-712E", role=Role.HEAD_TEACHER, school_id="712E")


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_senad_ap_verify_passes_an_untouched_store_and_exits_5_on_a_changed_one(
    tmp_path: Path,
) -> None:
    database = Database("sqlite", path=tmp_path / "ap.sqlite")
    _write(database.open())
    clean = _cli("--db", str(database.path), "verify")
    position, _, _, state = _opened_row(database)
    database.set_state(position, state.replace(b"STU-0042", b"STU-0043"))
    changed = _cli("--db", str(database.path), "verify")

    assert (clean[0], changed[0], f"position {position}" in changed[1]) == (0, 5, True)


def test_senad_ap_verify_checks_the_seals_an_inspector_kept(tmp_path: Path) -> None:
    database = Database("sqlite", path=tmp_path / "ap.sqlite")
    _write(database.open())
    kept = tmp_path / "seals.jsonl"
    assert _cli("--db", str(database.path), "seals", "-o", str(kept))[0] == 0
    forged = SealRecord.from_json(kept.read_text().splitlines()[0])
    kept.write_text(attrs.evolve(forged, head="f" * 64).to_json() + "\n")

    code, out, _ = _cli("--db", str(database.path), "verify", "--seals", str(kept))

    assert (code, "no longer matches the seal" in out) == (5, True)


# ------------------------------------------------------------------ issue 14: honest reports
def test_events_removed_from_the_end_past_a_kept_seal_are_named_as_truncation(
    database: Database,
) -> None:
    _write(database.open())
    kept = database.open().seals()
    for position, *_ in database.rows()[-3:]:
        database.delete(position)

    result = database.open().verify(kept=kept)

    assert "truncated" in [p.kind for p in result.problems]


def test_verify_says_since_when_decisions_are_not_covered_by_a_seal(
    database: Database,
) -> None:
    app = database.open()
    _write(app)
    app.appoint_delegate("deputy-1", actor=_head())

    result = database.open().verify()

    assert (result.unsealed, result.unsealed_since) == (1, NOW)


def test_verify_of_an_encrypted_store_without_its_key_asks_for_the_key(
    database: Database,
) -> None:
    _write(database.open(cipher_key=AlternativeProvision.create_cipher_key()))

    with pytest.raises(CipherKeyError, match="Give the store's key"):
        database.open().verify()


def test_verify_with_another_key_asks_for_the_right_key(database: Database) -> None:
    _write(database.open(cipher_key=AlternativeProvision.create_cipher_key()))

    with pytest.raises(CipherKeyError):
        database.open(cipher_key=AlternativeProvision.create_cipher_key()).verify()


def test_a_changed_row_of_a_plain_store_is_not_blamed_on_a_missing_key(
    database: Database,
) -> None:
    _write(database.open())
    position, _, _, state = _opened_row(database)
    database.set_state(position, state[:-5])

    result = database.open().verify()

    assert [(p.kind, "altered outside the library" in p.message) for p in result.problems][:1] == [
        ("unreadable", True)
    ]


def test_senad_ap_verify_without_the_key_exits_6_saying_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database("sqlite", path=tmp_path / "ap.sqlite")
    _write(database.open(cipher_key=AlternativeProvision.create_cipher_key()))
    monkeypatch.delenv("CIPHER_KEY", raising=False)

    code, _, err = _cli("--db", str(database.path), "verify")

    assert (code, "CIPHER_KEY" in err) == (6, True)


def test_senad_ap_verify_says_what_no_seal_covers_yet(tmp_path: Path) -> None:
    database = Database("sqlite", path=tmp_path / "ap.sqlite")
    app = database.open()
    _write(app)
    app.appoint_delegate("deputy-1", actor=_head())

    code, out, _ = _cli("--db", str(database.path), "verify")

    assert (code, "1 decision is not yet covered by a seal" in " ".join(out.split())) == (0, True)


# ------------------------------------------------------------------ issue 14: signed seals
def _rehash_all(database: Database, app: AlternativeProvision) -> None:
    """What an attacker with write access and the library can do: change the opening, rehash
    every record's chain and recompute every seal, all with the library's own functions."""
    from senad_ap.application.integrity import next_head
    from senad_ap.domain.seal import LogSealed

    position, _, _, state = _opened_row(database)
    database.set_state(position, state.replace(b"Riverside FE College", b"A garden shed"))
    events: list[Any] = [
        app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 10**6)
    ]
    previous: dict[UUID, str | None] = {}
    head, count = "", 0
    for notification, event in zip(
        app.recorder.select_notifications(1, 10**6), events, strict=True
    ):
        if isinstance(event, LogSealed):
            event = attrs.evolve(event, head=head, events=count)
        (event,) = chained([event], previous.get(event.originator_id))
        previous[event.originator_id] = event.chain_hash
        stored = app.mapper.to_stored_event(event)
        database.set_state(notification.id, stored.state)
        head, count = next_head(head, event), count + 1


def test_a_store_rewritten_with_its_seals_recomputed_passes_without_a_public_key(
    database: Database,
) -> None:
    private, _ = AlternativeProvision.create_signing_key()
    app = database.open(signing_key=private)
    _write(app)
    _rehash_all(database, database.open())

    assert database.open().verify().ok


def test_a_store_rewritten_with_its_seals_recomputed_fails_with_the_public_key(
    database: Database,
) -> None:
    private, public = AlternativeProvision.create_signing_key()
    _write(database.open(signing_key=private))
    _rehash_all(database, database.open())

    result = database.open().verify(public_key=public)

    assert "forged seal" in [p.kind for p in result.problems]


def test_seals_signed_with_the_key_verify_with_its_public_key(database: Database) -> None:
    private, public = AlternativeProvision.create_signing_key()
    _write(database.open(signing_key=private))

    result = database.open().verify(public_key=public)

    assert (result.ok, result.signed, result.signatures_checked) == (True, 1, True)


def test_an_unsigned_seal_fails_when_a_public_key_is_given(database: Database) -> None:
    _, public = AlternativeProvision.create_signing_key()
    _write(database.open())

    result = database.open().verify(public_key=public)

    assert [p.kind for p in result.problems] == ["unsigned seal"]


def test_a_seal_signed_with_another_key_fails(database: Database) -> None:
    private, _ = AlternativeProvision.create_signing_key()
    _, other = AlternativeProvision.create_signing_key()
    _write(database.open(signing_key=private))

    assert [p.kind for p in database.open().verify(public_key=other).problems] == ["forged seal"]


def test_an_exported_seal_keeps_its_signature(database: Database) -> None:
    private, _ = AlternativeProvision.create_signing_key()
    _write(database.open(signing_key=private))
    (seal,) = database.open().seals()

    assert SealRecord.from_json(seal.to_json()) == seal
    assert seal.signature is not None


def test_the_signing_key_can_come_from_the_environment(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, public = AlternativeProvision.create_signing_key()
    monkeypatch.setenv("SENAD_AP_SIGNING_KEY", private)
    _write(database.open())
    monkeypatch.delenv("SENAD_AP_SIGNING_KEY")

    assert database.open().verify(public_key=public).signed == 1


def test_a_signing_key_that_is_not_a_key_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="signing key"):
        AlternativeProvision.sqlite(tmp_path / "ap.sqlite", signing_key="not a key")


def test_senad_ap_verify_with_the_public_key_says_the_seals_are_signed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, public = AlternativeProvision.create_signing_key()
    database = Database("sqlite", path=tmp_path / "ap.sqlite")
    _write(database.open(signing_key=private))
    key_file = tmp_path / "group.pub"
    key_file.write_text(public)

    code, out, _ = _cli("--db", str(database.path), "verify", "--public-key", str(key_file))

    assert (code, "Every seal is signed" in " ".join(out.split())) == (0, True)


def test_senad_ap_verify_without_a_key_says_what_it_cannot_prove(tmp_path: Path) -> None:
    database = Database("sqlite", path=tmp_path / "ap.sqlite")
    _write(database.open())

    code, out, _ = _cli("--db", str(database.path), "verify")

    words = " ".join(out.split())

    assert (code, "not that no one who can write to the database" in words) == (0, True)


def test_senad_ap_verify_fits_a_terminal_of_80_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    database = Database("sqlite", path=tmp_path / "ap.sqlite")
    _write(database.open())

    _, out, _ = _cli("--db", str(database.path), "verify")

    assert max(len(line) for line in out.splitlines()) <= 80
