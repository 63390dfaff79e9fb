"""Opening stores, and snapshots of long records."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from senad_ap import (
    DEFAULT_SQLITE_FILE,
    AlternativeProvision,
    PlacementState,
    RegisterMark,
    Session,
    StoreError,
)
from senad_ap.application.codec import Snapshot
from senad_ap.domain.placement import evolve_placement
from senad_ap.projections.access import FULL_ACCESS
from tests.integration.conftest import Store
from tests.integration.scenario import (
    HEAD,
    STAFF,
    TODAY,
    Clock,
    school_days,
    start_outside_placement,
)

#: A winter term: placements start on Monday 1 December 2025 and are marked to 27 February.
TERM_STARTS = date(2025, 12, 1)
TERM_DAYS = school_days(TERM_STARTS, date(2026, 2, 27))
ENV_VARIABLES = (
    "PERSISTENCE_MODULE",
    "SQLITE_DBNAME",
    "ALTERNATIVEPROVISION_PERSISTENCE_MODULE",
    "ALTERNATIVEPROVISION_SQLITE_DBNAME",
)


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No persistence variables set; the working directory is an empty folder."""
    for name in ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sqlite_creates_the_file(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "new.sqlite"

    AlternativeProvision.sqlite(path, clock=clock).close()

    assert path.is_file()


def test_second_sqlite_instance_reads_what_the_first_wrote(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "ap.sqlite"
    writer = AlternativeProvision.sqlite(path, clock=clock)
    placement = start_outside_placement(writer).placement
    writer.close()

    reader = AlternativeProvision.sqlite(path, clock=clock)

    assert reader.get_placement(placement.id, reader=HEAD) == placement
    reader.close()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ALTERNATIVEPROVISION_SQLITE_DBNAME", "elsewhere.sqlite"),
        ("ALTERNATIVEPROVISION_PERSISTENCE_MODULE", "eventsourcing.popo"),
    ],
)
def test_sqlite_writes_to_the_path_given_whatever_the_environment_says(
    clean_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    variable: str,
    value: str,
) -> None:
    path = clean_environment / "ap.sqlite"
    monkeypatch.setenv(variable, value)
    placement = start_outside_placement(AlternativeProvision.sqlite(path, clock=clock)).placement
    monkeypatch.delenv(variable)

    reader = AlternativeProvision.sqlite(path, clock=clock)

    assert reader.get_placement(placement.id, reader=HEAD) == placement


def test_sqlite_path_in_a_missing_folder_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        AlternativeProvision.sqlite(tmp_path / "missing" / "ap.sqlite")


def test_sqlite_path_that_is_a_folder_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        AlternativeProvision.sqlite(tmp_path)


def test_sqlite_file_that_is_not_a_database_raises_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"Minutes of the governors' meeting. " * 100)

    with pytest.raises(StoreError):
        AlternativeProvision.sqlite(path)


def test_from_environment_honours_persistence_module_and_sqlite_dbname(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    path = clean_environment / "configured.sqlite"
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.sqlite")
    monkeypatch.setenv("SQLITE_DBNAME", str(path))
    placement = start_outside_placement(AlternativeProvision.from_environment(clock=clock))

    reader = AlternativeProvision.sqlite(path, clock=clock)

    assert reader.get_placement(placement.placement.id, reader=HEAD) == placement.placement


def test_from_environment_with_the_memory_module_writes_no_file(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.popo")

    start_outside_placement(AlternativeProvision.from_environment(clock=clock))

    assert list(clean_environment.iterdir()) == []


def test_from_environment_defaults_to_the_sqlite_file_in_the_working_directory(
    clean_environment: Path, clock: Clock
) -> None:
    placement = start_outside_placement(AlternativeProvision.from_environment(clock=clock))

    reader = AlternativeProvision.sqlite(clean_environment / DEFAULT_SQLITE_FILE, clock=clock)

    assert reader.get_placement(placement.placement.id, reader=HEAD) == placement.placement


@pytest.mark.parametrize("module", ["no.such.module", "json"])
def test_from_environment_with_a_garbage_persistence_module_raises_store_error(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    monkeypatch.setenv("PERSISTENCE_MODULE", module)

    with pytest.raises(StoreError):
        AlternativeProvision.from_environment()


def test_from_environment_with_an_empty_persistence_module_keeps_records_in_the_default_file(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    monkeypatch.setenv("PERSISTENCE_MODULE", "")
    placement = start_outside_placement(AlternativeProvision.from_environment(clock=clock))

    reader = AlternativeProvision.sqlite(clean_environment / DEFAULT_SQLITE_FILE, clock=clock)

    assert reader.get_placement(placement.placement.id, reader=HEAD) == placement.placement


def test_store_error_does_not_chain_the_library_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as refused:
        AlternativeProvision.sqlite(tmp_path)

    assert (refused.value.__cause__, refused.value.__suppress_context__) == (None, True)


# ----------------------------------------------------------------- snapshots of a long record
def _mark_the_term(app: AlternativeProvision) -> UUID:
    """A placement started on the first day of term, marked AM and PM every school day."""
    placement_id = start_outside_placement(app, on=TERM_STARTS).placement.id
    for day in TERM_DAYS:
        for session, code in ((Session.AM, "/"), (Session.PM, "\\")):
            app.record_attendance(placement_id, session=session, code=code, actor=STAFF, on=day)
    return placement_id


def _fold_of_history(app: AlternativeProvision, placement_id: UUID) -> PlacementState:
    state: PlacementState | None = None
    for event in app.placement_history(placement_id, reader=HEAD):
        state = evolve_placement(state, event)
    assert state is not None
    return state


def _snapshot_versions(app: AlternativeProvision, placement_id: UUID) -> list[int]:
    assert app.snapshots is not None
    return [snapshot.originator_version for snapshot in app.snapshots.get(placement_id)]


def test_term_of_attendance_is_more_than_100_events() -> None:
    assert 6 + 2 * len(TERM_DAYS) > 100


def test_snapshot_is_taken_when_a_record_passes_100_events(app: AlternativeProvision) -> None:
    placement_id = _mark_the_term(app)

    assert _snapshot_versions(app, placement_id) == [100]


def test_snapshot_holds_the_state_at_its_version(app: AlternativeProvision) -> None:
    placement_id = _mark_the_term(app)
    assert app.snapshots is not None

    snapshot = next(iter(app.snapshots.get(placement_id)))

    first_100: PlacementState | None = None
    # The snapshot is stored as the events are: with personal values sealed.
    for event in app.events_of(placement_id, reader=FULL_ACCESS)[:100]:
        first_100 = evolve_placement(first_100, event)  # type: ignore[arg-type]
    assert isinstance(snapshot, Snapshot)
    assert snapshot.state == first_100


def test_state_loaded_with_a_snapshot_equals_the_fold_of_all_events(
    app: AlternativeProvision,
) -> None:
    placement_id = _mark_the_term(app)
    latest = app.get_placement(placement_id, reader=HEAD).version

    # ``placement_as_at`` by version skips the cache: the snapshot plus the later events.
    loaded = app.placement_as_at(placement_id, reader=HEAD, version=latest)

    assert loaded == _fold_of_history(app, placement_id)


def test_current_state_of_a_long_record_equals_the_fold_of_all_events(
    app: AlternativeProvision,
) -> None:
    placement_id = _mark_the_term(app)

    assert app.get_placement(placement_id, reader=HEAD) == _fold_of_history(app, placement_id)


def test_fresh_instance_loads_the_same_state_of_a_long_record(store: Store) -> None:
    placement_id = _mark_the_term(store.open())
    expected = store.open().get_placement(placement_id, reader=HEAD)

    assert store.open().get_placement(placement_id, reader=HEAD) == expected


def test_fresh_sqlite_instance_loads_a_long_record_from_its_snapshot(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "ap.sqlite"
    writer = AlternativeProvision.sqlite(path, clock=clock)
    placement_id = _mark_the_term(writer)
    expected = _fold_of_history(writer, placement_id)
    writer.close()

    reader = AlternativeProvision.sqlite(path, clock=clock)

    assert (
        _snapshot_versions(reader, placement_id),
        reader.get_placement(placement_id, reader=HEAD),
    ) == ([100], expected)


def test_register_that_passes_100_events_takes_a_snapshot(app: AlternativeProvision) -> None:
    placement_id = start_outside_placement(app, on=TERM_STARTS).placement.id
    for day in TERM_DAYS:
        marks = [
            RegisterMark(placement_id, Session.AM, "/"),
            RegisterMark(placement_id, Session.PM, "\\"),
        ]
        app.record_register(marks, on=day, actor=STAFF)

    versions = _snapshot_versions(app, placement_id)
    loaded = app.placement_as_at(placement_id, reader=HEAD, version=2 * len(TERM_DAYS) + 6)

    assert (len(versions), loaded) == (1, _fold_of_history(app, placement_id))


def test_today_is_after_the_last_day_of_term() -> None:
    assert TERM_DAYS[-1] < TODAY


def test_loading_a_long_record_reads_no_more_than_the_events_after_its_snapshot(
    app: AlternativeProvision, monkeypatch: pytest.MonkeyPatch
) -> None:
    placement_id = _mark_the_term(app)
    read: list[int] = []
    get_events = app.events.get

    def counting_get(*args: Any, **kwargs: Any) -> list[Any]:
        events = list(get_events(*args, **kwargs))
        read.append(len(events))
        return events

    monkeypatch.setattr(app.events, "get", counting_get)

    latest = app.get_placement(placement_id, reader=HEAD).version

    assert sum(read) <= latest - 100
