"""Erasure at the end of retention (STAT-7) by crypto-shredding, on every store.

Personal values are sealed with the student's own key before anything is recorded and revealed
on the way out; ``forget_student`` records the erasure and destroys the key, after which every
personal value reads ``[erased]`` while the history still verifies (docs/personal-data.md).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import pytest

from senad_ap import (
    AlternativeProvision,
    Destination,
    IdempotencyConflictError,
    InformationParty,
    InformationScope,
    InvalidInputError,
    LifecycleError,
    NeedArea,
    NotAuthorisedError,
    Objective,
    ObjectiveArea,
    PlacementState,
    PlacementStatus,
    Plan,
    PolicyViolationError,
    Reason,
    Setting,
    StoreError,
    Weekday,
    WeeklyHours,
)
from senad_ap.application.integrity import SealRecord
from senad_ap.application.personal import KEY_TABLE
from senad_ap.domain.personal import ERASED, map_personal
from senad_ap.domain.student import student_record_id
from senad_ap.projections.access import FULL_ACCESS
from tests.integration.conftest import Store
from tests.integration.scenario import (
    HEAD,
    NOW,
    OPENED_ON,
    SCHOOL,
    STAFF,
    Clock,
    notification_count,
)
from tests.postgres import postgres_schema

STUDENT = "STU-0042"
STUDENT_ID = student_record_id(SCHOOL, STUDENT)
NAME = "Alice Example"
BORN_ON = date(2012, 3, 4)
REASON_DETAIL = "Panics in the Zanzibar corridor at changeover"
RATIONALE = "The quiet Quokka room, away from the hall"
SUMMARY = "Freezes when the Marimba class is loud"
BARRIER = "Kettledrum noise"
OBJECTIVE = "Reads the Xylophone leaflet aloud"
NOTE = "Told the LA about the Vibraphone incident"
#: A distinctive word from each personal value written in these tests.
WORDS = ("Alice", "Zanzibar", "Quokka", "Marimba", "Kettledrum", "Xylophone", "Vibraphone")
SEALED = "\u27e6pd2:"
#: Long after retention ends for a student born on ``BORN_ON`` (4 March 2043).
AFTER_RETENTION = NOW + timedelta(days=40 * 365)


# --- The scene --------------------------------------------------------------------------------


def on_site_plan() -> Plan:
    target = OPENED_ON + timedelta(days=120)
    return Plan(
        objectives=(
            Objective("E1", ObjectiveArea.ENGLISH, OBJECTIVE, "Reads single words", target),
        ),
        review_interval_weeks=6,
        monitoring_arrangements="Weekly check-in with the AP lead.",
        assessment_arrangements="Reading assessment each half term.",
        weekly_pattern=tuple(
            WeeklyHours(day, Setting.ON_SITE, Decimal("6.5"))
            for day in (
                Weekday.MONDAY,
                Weekday.TUESDAY,
                Weekday.WEDNESDAY,
                Weekday.THURSDAY,
                Weekday.FRIDAY,
            )
        ),
    )


def open_for_alice(
    app: AlternativeProvision,
    *,
    idempotency_key: str | None = None,
    student_name: str | None = NAME,
    date_of_birth: date | None = BORN_ON,
) -> PlacementState:
    """An on-site placement for ``STUDENT``, with their name, date of birth and notes."""
    return app.open_placement(
        student_reference=STUDENT,
        reason=Reason.ANXIETY,
        setting=Setting.ON_SITE,
        location="Learning base, north wing",
        residential=False,
        reason_detail=REASON_DETAIL,
        location_rationale=RATIONALE,
        student_name=student_name,
        date_of_birth=date_of_birth,
        actor=STAFF,
        on=OPENED_ON,
        idempotency_key=idempotency_key,
    )


def share_note(
    app: AlternativeProvision, placement_id: UUID, *, note: str = NOTE, key: str | None = None
) -> PlacementState:
    return app.share_information(
        placement_id,
        party=InformationParty.LOCAL_AUTHORITY,
        scope=[InformationScope.SPECIAL_EDUCATIONAL_NEEDS],
        note=note,
        actor=STAFF,
        on=OPENED_ON,
        idempotency_key=key,
    )


def alices_placement(app: AlternativeProvision) -> UUID:
    """Opened with every kind of personal value: notes, a needs summary, a plan, a note."""
    placement_id = open_for_alice(app).id
    app.assess_needs(
        placement_id,
        areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        summary=SUMMARY,
        barriers=[BARRIER],
        actor=STAFF,
        on=OPENED_ON,
    )
    app.agree_plan(placement_id, on_site_plan(), actor=HEAD, on=OPENED_ON)
    share_note(app, placement_id)
    return placement_id


def forgotten(app: AlternativeProvision, clock: Clock) -> UUID:
    """Alice's placement, and her personal data erased once retention has ended."""
    placement_id = alices_placement(app)
    clock.now = AFTER_RETENTION
    app.forget_student(STUDENT, actor=HEAD)
    return placement_id


def personal_values(*values: object) -> list[str]:
    """Every personal value in ``values`` (states or events), as text."""
    found: list[str] = []

    def note(text: str) -> str:
        found.append(text)
        return text

    for value in values:
        map_personal(value, note)
    return found


def clear_words(texts: list[str]) -> set[str]:
    return {word for word in WORDS for text in texts if word in text}


# --- Before the erasure: revealed on the way out, sealed in the store ---------------------------


def test_the_state_a_command_returns_shows_the_personal_values(app: AlternativeProvision) -> None:
    opened = open_for_alice(app)

    assert (opened.reason_detail, opened.location_rationale) == (REASON_DETAIL, RATIONALE)


def test_get_placement_shows_the_personal_values(app: AlternativeProvision) -> None:
    placement = app.get_placement(alices_placement(app), reader=STAFF)

    assert placement.plan is not None
    assert (
        placement.reason_detail,
        placement.location_rationale,
        placement.plan.objectives[0].description,
    ) == (REASON_DETAIL, RATIONALE, OBJECTIVE)


def test_placement_history_shows_the_personal_values(app: AlternativeProvision) -> None:
    history = app.placement_history(alices_placement(app), reader=STAFF)

    assert clear_words(personal_values(*history)) == set(WORDS) - {"Alice"}


def test_get_student_shows_the_name_and_date_of_birth(app: AlternativeProvision) -> None:
    open_for_alice(app)

    student = app.get_student(STUDENT, reader=STAFF)

    assert (student.name, student.date_of_birth, student.born_on) == (
        NAME,
        "2012-03-04",
        BORN_ON,
    )


def test_events_as_stored_hold_only_sealed_personal_values(app: AlternativeProvision) -> None:
    placement_id = alices_placement(app)

    stored = personal_values(
        *app.events_of(placement_id, reader=FULL_ACCESS),
        *app.events_of(STUDENT_ID, reader=FULL_ACCESS),
    )

    assert (len(stored), all(v.startswith(SEALED) for v in stored), clear_words(stored)) == (
        11,  # with the plan's monitoring and assessment arrangements
        True,
        set(),
    )


def test_a_state_as_stored_holds_only_sealed_personal_values(app: AlternativeProvision) -> None:
    placement_id = alices_placement(app)
    student = app.state_at_version(STUDENT_ID, 1, reader=FULL_ACCESS)

    stored = personal_values(app.state_at_version(placement_id, 4, reader=FULL_ACCESS), student)

    assert (len(stored), all(v.startswith(SEALED) for v in stored), clear_words(stored)) == (
        8,  # with the plan's monitoring and assessment arrangements
        True,
        set(),
    )


def test_reveal_shows_the_personal_values_of_events_as_stored(app: AlternativeProvision) -> None:
    placement_id = alices_placement(app)

    revealed = app.reveal(app.events_of(placement_id, reader=FULL_ACCESS))

    assert clear_words(personal_values(*revealed)) == set(WORDS) - {"Alice"}


# --- Idempotency still works on sealed values ---------------------------------------------------


def test_a_retried_opening_with_personal_values_records_nothing_more(
    app: AlternativeProvision,
) -> None:
    first = open_for_alice(app, idempotency_key="open-alice")
    count = notification_count(app)

    again = open_for_alice(app, idempotency_key="open-alice")

    assert (again, notification_count(app)) == (first, count)


def test_a_retried_note_records_nothing_more(app: AlternativeProvision) -> None:
    placement_id = open_for_alice(app).id
    first = share_note(app, placement_id, key="note-1")
    count = notification_count(app)

    again = share_note(app, placement_id, key="note-1")

    assert (again, notification_count(app)) == (first, count)


def test_the_same_key_with_another_note_is_refused(app: AlternativeProvision) -> None:
    placement_id = open_for_alice(app).id
    share_note(app, placement_id, key="note-1")

    with pytest.raises(IdempotencyConflictError):
        share_note(app, placement_id, note="Another note entirely", key="note-1")


# --- After the erasure ------------------------------------------------------------------------


def test_forgetting_a_student_returns_their_record_erased(
    app: AlternativeProvision, clock: Clock
) -> None:
    alices_placement(app)
    clock.now = AFTER_RETENTION

    student = app.forget_student(STUDENT, actor=HEAD)

    assert (student.name, student.date_of_birth, student.forgotten_on) == (
        ERASED,
        ERASED,
        AFTER_RETENTION.date(),
    )


def test_a_forgotten_students_name_and_date_of_birth_read_erased(
    app: AlternativeProvision, clock: Clock
) -> None:
    forgotten(app, clock)

    student = app.get_student(STUDENT, reader=STAFF)

    assert (student.name, student.date_of_birth, student.born_on) == (ERASED, ERASED, None)


def test_every_personal_value_of_an_erased_placement_reads_erased(
    app: AlternativeProvision, clock: Clock
) -> None:
    placement = app.get_placement(forgotten(app, clock), reader=STAFF)

    assert set(personal_values(placement)) == {ERASED}


def test_every_personal_value_in_an_erased_placements_history_reads_erased(
    app: AlternativeProvision, clock: Clock
) -> None:
    history = app.placement_history(forgotten(app, clock), reader=STAFF)

    assert set(personal_values(*history)) == {ERASED}


def test_events_as_stored_reveal_as_erased(app: AlternativeProvision, clock: Clock) -> None:
    placement_id = forgotten(app, clock)

    revealed = app.reveal(
        [
            *app.events_of(placement_id, reader=FULL_ACCESS),
            *app.events_of(STUDENT_ID, reader=FULL_ACCESS),
        ]
    )

    assert set(personal_values(*revealed)) == {ERASED}


def test_an_erased_placement_shows_the_status_erased(
    app: AlternativeProvision, clock: Clock
) -> None:
    placement = app.get_placement(forgotten(app, clock), reader=STAFF)

    assert (placement.status, placement.erased_on) == (
        PlacementStatus.ERASED,
        AFTER_RETENTION.date(),
    )


def test_forgetting_a_student_erases_each_of_their_placements(
    app: AlternativeProvision, clock: Clock
) -> None:
    first = open_for_alice(app).id
    second = open_for_alice(app, student_name=None, date_of_birth=None).id
    clock.now = AFTER_RETENTION

    app.forget_student(STUDENT, actor=HEAD)

    assert [app.get_placement(i, reader=STAFF).status for i in (first, second)] == [
        PlacementStatus.ERASED,
        PlacementStatus.ERASED,
    ]


DECISIONS: dict[str, Callable[[AlternativeProvision, UUID], object]] = {
    "with a note": lambda app, placement_id: share_note(app, placement_id, note="Later note"),
    "without personal values": lambda app, placement_id: app.end_placement(
        placement_id, destination=Destination.SEN_SCHOOL, actor=HEAD
    ),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_a_decision_on_an_erased_placement_is_refused_and_writes_nothing(
    app: AlternativeProvision, clock: Clock, decision: str
) -> None:
    placement_id = forgotten(app, clock)
    count = notification_count(app)

    with pytest.raises(LifecycleError):
        DECISIONS[decision](app, placement_id)

    assert notification_count(app) == count


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_a_decision_on_an_erased_placement_is_refused_naming_stat_7(
    app: AlternativeProvision, clock: Clock, decision: str
) -> None:
    placement_id = forgotten(app, clock)

    with pytest.raises(LifecycleError) as refused:
        DECISIONS[decision](app, placement_id)

    assert refused.value.rule_id == "STAT-7"


@pytest.mark.parametrize(
    ("name", "born_on"), [(NAME, BORN_ON), (None, None)], ids=["with details", "without details"]
)
def test_no_placement_can_be_opened_for_a_forgotten_student(
    app: AlternativeProvision, clock: Clock, name: str | None, born_on: date | None
) -> None:
    forgotten(app, clock)
    count = notification_count(app)

    with pytest.raises(LifecycleError) as refused:
        open_for_alice(app, student_name=name, date_of_birth=born_on)

    assert notification_count(app) == count
    assert refused.value.rule_id == "STAT-7"


def test_the_store_still_verifies_after_an_erasure(app: AlternativeProvision, clock: Clock) -> None:
    forgotten(app, clock)

    assert app.verify().problems == ()


def test_seals_kept_before_an_erasure_still_match(app: AlternativeProvision, clock: Clock) -> None:
    alices_placement(app)
    kept = app.seal(actor=HEAD)
    assert kept is not None
    clock.now = AFTER_RETENTION
    app.forget_student(STUDENT, actor=HEAD)

    assert app.verify(kept=[kept]).problems == ()


# --- Refused erasures -------------------------------------------------------------------------


def test_forgetting_before_retention_ends_is_refused(app: AlternativeProvision) -> None:
    alices_placement(app)

    with pytest.raises(PolicyViolationError) as refused:
        app.forget_student(STUDENT, actor=HEAD)

    assert refused.value.rule_id == "STAT-7"


def test_a_refused_early_erasure_writes_nothing(app: AlternativeProvision) -> None:
    alices_placement(app)
    count = notification_count(app)

    with pytest.raises(PolicyViolationError):
        app.forget_student(STUDENT, actor=HEAD)

    assert notification_count(app) == count


def test_a_refused_early_erasure_leaves_the_personal_values_readable(
    app: AlternativeProvision,
) -> None:
    alices_placement(app)
    with pytest.raises(PolicyViolationError):
        app.forget_student(STUDENT, actor=HEAD)

    assert app.get_student(STUDENT, reader=STAFF).name == NAME


def test_forgetting_by_school_staff_is_refused_and_writes_nothing(
    app: AlternativeProvision, clock: Clock
) -> None:
    alices_placement(app)
    clock.now = AFTER_RETENTION
    count = notification_count(app)

    with pytest.raises(NotAuthorisedError):
        app.forget_student(STUDENT, actor=STAFF)

    assert (notification_count(app), app.get_student(STUDENT, reader=STAFF).name) == (count, NAME)


def test_forgetting_again_with_the_same_key_returns_the_same_record(
    app: AlternativeProvision, clock: Clock
) -> None:
    alices_placement(app)
    clock.now = AFTER_RETENTION
    first = app.forget_student(STUDENT, actor=HEAD, idempotency_key="forget-1")
    count = notification_count(app)

    again = app.forget_student(STUDENT, actor=HEAD, idempotency_key="forget-1")

    assert (again, notification_count(app)) == (first, count)


def test_forgetting_again_without_a_key_is_refused(app: AlternativeProvision, clock: Clock) -> None:
    forgotten(app, clock)

    with pytest.raises(LifecycleError):
        app.forget_student(STUDENT, actor=HEAD)


class CrashError(Exception):
    """The process stopping between recording the erasure and destroying the key."""


def forgotten_without_the_key_destroyed(
    app: AlternativeProvision, clock: Clock, monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    alices_placement(app)
    clock.now = AFTER_RETENTION

    def crash(student_id: UUID, at: object) -> None:
        raise CrashError

    with monkeypatch.context() as patched:
        patched.setattr(app.personal, "destroy", crash)
        with pytest.raises(CrashError):
            app.forget_student(STUDENT, actor=HEAD, idempotency_key=key)


def test_forgetting_again_with_the_same_key_finishes_an_interrupted_erasure(
    app: AlternativeProvision, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    forgotten_without_the_key_destroyed(app, clock, monkeypatch, "forget-1")

    again = app.forget_student(STUDENT, actor=HEAD, idempotency_key="forget-1")

    assert (again.name, app.get_student(STUDENT, reader=STAFF).name) == (ERASED, ERASED)


def test_forgetting_again_without_a_key_finishes_an_interrupted_erasure(
    app: AlternativeProvision, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    forgotten_without_the_key_destroyed(app, clock, monkeypatch, None)

    with pytest.raises(LifecycleError):
        app.forget_student(STUDENT, actor=HEAD)

    assert app.get_student(STUDENT, reader=STAFF).name == ERASED


# --- Another application on the same store ----------------------------------------------------


def test_an_erasure_shows_at_once_in_another_application_on_the_store(
    store: Store, clock: Clock
) -> None:
    if store.shares_instance:
        pytest.skip("an in-memory store has only one application")
    app, other = store.open(), store.open()
    placement_id = alices_placement(app)
    # The other application has read (and may remember) the revealed values.
    assert other.get_student(STUDENT, reader=STAFF).name == NAME
    clock.now = AFTER_RETENTION

    app.forget_student(STUDENT, actor=HEAD)

    student = other.get_student(STUDENT, reader=STAFF)
    placement = other.get_placement(placement_id, reader=STAFF)
    assert (student.name, placement.reason_detail, placement.status) == (
        ERASED,
        ERASED,
        PlacementStatus.ERASED,
    )


# --- What is left on disk ---------------------------------------------------------------------


def sqlite_files(folder: Path) -> bytes:
    """The bytes of the SQLite file and of its write-ahead log and shared memory, if any."""
    return b"".join(path.read_bytes() for path in sorted(folder.glob("ap.sqlite*")))


def sqlite_key(folder: Path) -> bytes:
    """The student's key as the key table holds it, read with SQLite directly."""
    connection = sqlite3.connect(folder / "ap.sqlite")
    try:
        row = connection.execute(
            f"SELECT key FROM {KEY_TABLE} WHERE student_id = ?",  # noqa: S608 - a constant
            (STUDENT_ID.hex,),
        ).fetchone()
    finally:
        connection.close()
    assert row is not None
    return bytes(row[0])


def test_sqlite_files_hold_no_personal_text_in_clear(sqlite_store: Store, tmp_path: Path) -> None:
    app = sqlite_store.open()
    alices_placement(app)
    app.close()

    raw = sqlite_files(tmp_path)

    assert {word for word in WORDS if word.encode() in raw} == set()


def test_sqlite_files_hold_the_students_key_before_the_erasure(
    sqlite_store: Store, tmp_path: Path
) -> None:
    app = sqlite_store.open()
    alices_placement(app)
    app.close()
    key = sqlite_key(tmp_path)

    assert (len(key), key in sqlite_files(tmp_path)) == (64, True)


def test_sqlite_files_hold_the_key_nowhere_after_the_erasure(
    sqlite_store: Store, clock: Clock, tmp_path: Path
) -> None:
    app = sqlite_store.open()
    alices_placement(app)
    key = sqlite_key(tmp_path)
    clock.now = AFTER_RETENTION
    app.forget_student(STUDENT, actor=HEAD)
    app.close()

    assert key not in sqlite_files(tmp_path)


def test_sqlite_files_hold_the_key_nowhere_as_soon_as_the_erasure_returns(
    sqlite_store: Store, clock: Clock, tmp_path: Path
) -> None:
    # A process may stop right after the erasure, without closing the store cleanly.
    app = sqlite_store.open()
    alices_placement(app)
    key = sqlite_key(tmp_path)
    clock.now = AFTER_RETENTION

    app.forget_student(STUDENT, actor=HEAD)

    assert key not in sqlite_files(tmp_path)


def postgres_rows(sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(autocommit=True) as connection:
        return connection.execute(sql).fetchall()


def test_postgres_rows_hold_no_personal_text_in_clear(postgres_store: Store) -> None:
    alices_placement(postgres_store.open())
    schema = postgres_store.schema

    rows = postgres_rows(
        f"SELECT state FROM {schema}.alternativeprovision_events "  # noqa: S608 - test schema
        f"UNION ALL SELECT state FROM {schema}.alternativeprovision_snapshots"
    )

    raw = b"".join(bytes(row[0]) for row in rows)
    assert {word for word in WORDS if word.encode() in raw} == set()


def test_postgres_key_row_keeps_no_key_after_the_erasure(
    postgres_store: Store, clock: Clock
) -> None:
    app = postgres_store.open()
    alices_placement(app)
    clock.now = AFTER_RETENTION

    app.forget_student(STUDENT, actor=HEAD)

    rows = postgres_rows(
        f"SELECT key, erased_at FROM {postgres_store.schema}.{KEY_TABLE} "  # noqa: S608
        f"WHERE student_id = '{STUDENT_ID.hex}'"
    )
    assert [(key, erased_at is not None) for key, erased_at in rows] == [(None, True)]


# --- Encryption at rest -----------------------------------------------------------------------


@attrs.frozen
class EncryptedStore:
    """An opener of a SQLite or PostgreSQL store that takes ``cipher_key=``, and its key."""

    open: Callable[..., AlternativeProvision]
    cipher_key: str


@pytest.fixture(params=["sqlite", "postgres"])
def encrypted(
    request: pytest.FixtureRequest, clock: Clock, tmp_path: Path
) -> Iterator[EncryptedStore]:
    opened: list[AlternativeProvision] = []
    drop: Callable[[], None] | None = None
    if request.param == "sqlite":

        def open_app(**options: Any) -> AlternativeProvision:
            app = AlternativeProvision.sqlite(tmp_path / "ap.sqlite", clock=clock, **options)
            opened.append(app)
            return app

    else:
        schema, drop = postgres_schema()

        def open_app(**options: Any) -> AlternativeProvision:
            app = AlternativeProvision.postgres(
                os.environ["PGDATABASE"], user=os.environ.get("PGUSER", "senad_ap"),
                host=os.environ.get("PGHOST", "localhost"), schema=schema, clock=clock,
                **options,
            )  # fmt: skip
            opened.append(app)
            return app

    yield EncryptedStore(open_app, AlternativeProvision.create_cipher_key())
    for app in opened:
        app.close()
    if drop is not None:
        drop()


def test_with_a_cipher_key_the_key_table_holds_the_student_key_wrapped(
    encrypted: EncryptedStore,
) -> None:
    app = encrypted.open(cipher_key=encrypted.cipher_key)
    open_for_alice(app)
    student_id = app.get_student(STUDENT, reader=STAFF).id  # keyed (``StoreSecret.student_id``)

    stored = app.personal.keys.fetch([student_id.hex])[student_id.hex]
    key = app.personal.key_of(student_id)

    assert stored is not None
    assert key is not None
    assert (len(key), key in stored) == (64, False)


def test_with_a_cipher_key_personal_values_still_reveal(encrypted: EncryptedStore) -> None:
    open_for_alice(encrypted.open(cipher_key=encrypted.cipher_key))

    again = encrypted.open(cipher_key=encrypted.cipher_key)

    assert again.get_student(STUDENT, reader=STAFF).name == NAME


def test_an_encrypted_store_opened_without_its_cipher_key_cannot_show_a_student(
    encrypted: EncryptedStore,
) -> None:
    open_for_alice(encrypted.open(cipher_key=encrypted.cipher_key))
    # Opening succeeds; reading the student's (encrypted) events is what fails.
    without = encrypted.open()

    with pytest.raises(StoreError):
        without.get_student(STUDENT, reader=STAFF)


# --- Regressions found by the fuzz test ---------------------------------------------------------


def test_revealing_a_list_that_holds_itself_is_refused(app: AlternativeProvision) -> None:
    looped: list[object] = ["text"]
    looped.append(looped)

    with pytest.raises(InvalidInputError):
        app.reveal(looped)


def test_verify_refuses_a_kept_seal_without_a_position(app: AlternativeProvision) -> None:
    broken = SealRecord(None, None, "x")  # type: ignore[arg-type]

    with pytest.raises(InvalidInputError):
        app.verify(kept=[broken])
