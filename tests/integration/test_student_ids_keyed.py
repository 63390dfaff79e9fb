"""On an encrypted store the student's record id is keyed with the store's secret
(``StoreSecret.student_id``), so a guessed student reference cannot be confirmed by computing
its ``uuid5`` and looking for it; every student operation finds the record by that id. A
store whose secret was made before (scheme ``SCHEME_KEYED_IDS``) and a store without a cipher
key keep the plain ``uuid5`` ids (``domain.student.student_record_id``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from senad_ap import AlternativeProvision, AttendanceCode, NotFoundError, RegisterMark, Session
from senad_ap.application import store_secret
from senad_ap.application.store_secret import (
    SCHEME_KEYED_IDS,
    SCHEME_KEYED_STUDENT_IDS,
    SECRET_ROW,
)
from senad_ap.domain.student import student_record_id
from senad_ap.projections import Projections
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.students import retention
from tests.integration.scenario import (
    HEAD,
    NOW,
    OPENED_ON,
    SCHOOL,
    STAFF,
    Clock,
    open_outside_placement,
    ready_provider,
    start_outside_placement,
)
from tests.postgres import postgres_schema, projections_database

STUDENT = "STU-0042"
PLAIN_ID = student_record_id(SCHOOL, STUDENT)
#: A school day after the placements start (a Tuesday).
MARKED_ON = OPENED_ON + timedelta(days=8)
FAR_AHEAD = date(2090, 1, 1)

Opener = Callable[..., AlternativeProvision]


class Store:
    """A new store (SQLite or PostgreSQL), its clock, and its projections' database."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind = kind
        self.clock = Clock()
        self.path = tmp_path / "ap.sqlite"
        self.projections_path = tmp_path / "p.sqlite"
        self.schema = ""
        self.drop: Callable[[], None] = lambda: None
        if kind == "postgres":
            self.schema, self.drop = postgres_schema()

    def open(self, **options: Any) -> AlternativeProvision:
        if self.kind == "sqlite":
            return AlternativeProvision.sqlite(self.path, clock=self.clock, **options)
        return AlternativeProvision.postgres(
            os.environ["PGDATABASE"], user=os.environ.get("PGUSER", "senad_ap"),
            host=os.environ.get("PGHOST", "localhost"), schema=self.schema, clock=self.clock,
            **options,
        )  # fmt: skip

    def projections(self, app: AlternativeProvision) -> Projections:
        if self.kind == "sqlite":
            return Projections(app, self.projections_path)
        return Projections(app, postgres=projections_database(self.schema))


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = Store(request.param, tmp_path)
    yield opened
    opened.drop()


@pytest.fixture
def cipher_key() -> str:
    return AlternativeProvision.create_cipher_key()


def _student_id(app: AlternativeProvision) -> UUID:
    return app.get_student(STUDENT, reader=STAFF).id


# ----------------------------------------------------------------------------- the id
def test_on_an_encrypted_store_the_students_record_id_is_not_its_uuid5(
    store: Store, cipher_key: str
) -> None:
    app = store.open(cipher_key=cipher_key)
    open_outside_placement(app)

    assert _student_id(app) != PLAIN_ID


def test_the_students_record_id_is_the_same_after_reopening_with_the_same_key(
    store: Store, cipher_key: str
) -> None:
    first = store.open(cipher_key=cipher_key)
    scene = open_outside_placement(first)
    app = store.open(cipher_key=cipher_key)

    open_outside_placement(app, provider=scene.provider)  # the same student, a new placement

    student = app.get_student(STUDENT, reader=STAFF)
    assert (student.id, len(student.placement_ids)) == (_student_id(first), 2)


def test_a_new_encrypted_store_has_the_scheme_of_keyed_student_ids(
    store: Store, cipher_key: str
) -> None:
    app = store.open(cipher_key=cipher_key)
    open_outside_placement(app)

    assert app._pipeline.secret.scheme == SCHEME_KEYED_STUDENT_IDS


def test_the_students_key_is_kept_under_the_keyed_id(store: Store, cipher_key: str) -> None:
    app = store.open(cipher_key=cipher_key)
    start_outside_placement(app)  # the needs' summary is sealed with the student's key

    keys = app.personal.keys.fetch([_student_id(app).hex, PLAIN_ID.hex])
    assert set(keys) == {_student_id(app).hex}


def test_reading_a_student_on_a_new_encrypted_store_makes_no_secret(
    store: Store, cipher_key: str
) -> None:
    app = store.open(cipher_key=cipher_key)

    with pytest.raises(NotFoundError):
        app.get_student(STUDENT, reader=STAFF)

    assert app.personal.keys.fetch([SECRET_ROW]) == {}


# ----------------------------------------------------------------------------- every operation
def test_every_student_operation_finds_the_record_by_its_keyed_id(
    store: Store, cipher_key: str
) -> None:
    app = store.open(cipher_key=cipher_key)
    scene = start_outside_placement(app)  # opening, and the start on the pupil register
    placement_id = scene.placement.id
    app.record_looked_after(STUDENT, actor=STAFF, on=MARKED_ON)
    app.record_register(
        [
            RegisterMark(placement_id, Session.AM, "/"),
            RegisterMark(placement_id, Session.PM, AttendanceCode.PRESENT_PM),
        ],
        actor=STAFF,
        on=MARKED_ON,
    )
    projections = store.projections(app)
    projections.catch_up()
    listed = retention(projections.store, on=FAR_AHEAD, due_only=False, reader=FULL_ACCESS)
    store.clock.now = NOW + timedelta(days=40 * 365)

    forgotten = app.forget_student(STUDENT, actor=HEAD)

    projections.catch_up()
    erased = retention(projections.store, on=FAR_AHEAD, due_only=False, reader=FULL_ACCESS)
    projections.close()
    assert (
        forgotten.id != PLAIN_ID,
        forgotten.looked_after,
        forgotten.placement_ids,
        [(row.student_reference, row.placements, row.last_entry_on) for row in listed],
        [row.forgotten_on for row in erased],
        app.personal.erased(forgotten.id),
    ) == (
        True, True, (placement_id,), [(STUDENT, 1, MARKED_ON)],
        [store.clock.now.date()], True,
    )  # fmt: skip


# ----------------------------------------------------------------------------- plain ids
def test_an_encrypted_store_of_the_previous_scheme_keeps_plain_student_ids(
    store: Store, cipher_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The code before this change made new stores' secrets with the scheme byte 1.
    monkeypatch.setattr(store_secret, "NEW_STORE_SCHEME", SCHEME_KEYED_IDS)
    scene = open_outside_placement(store.open(cipher_key=cipher_key))
    monkeypatch.undo()
    app = store.open(cipher_key=cipher_key)

    open_outside_placement(app, provider=scene.provider)  # the same student, a new placement

    student = app.get_student(STUDENT, reader=STAFF)
    assert (student.id, len(student.placement_ids), app._pipeline.secret.scheme) == (
        PLAIN_ID, 2, SCHEME_KEYED_IDS,
    )  # fmt: skip


def test_without_a_cipher_key_the_students_record_id_is_its_uuid5(store: Store) -> None:
    app = store.open()
    open_outside_placement(app, provider=ready_provider(app))

    assert _student_id(app) == PLAIN_ID
