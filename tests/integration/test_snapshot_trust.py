"""Snapshots under the chain: a snapshot changed by someone with write access to the database
(plain ``sqlite3``, as an attacker would) is not trusted by reads, and ``verify`` recomputes
every snapshot from the events and reports any that differ (issue 14)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from senad_ap import AlternativeProvision, Session
from senad_ap.application import records as records_module
from tests.integration.scenario import STAFF, Clock, school_days, start_outside_placement

#: A snapshot every 5 versions, so that a short history has several.
INTERVAL = 5


@pytest.fixture(autouse=True)
def _frequent_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records_module, "SNAPSHOT_INTERVAL", INTERVAL)


def _history(app: AlternativeProvision, student: str = "STU-0042") -> UUID:
    """A started placement with a fortnight of marks: more than one snapshot."""
    scene = start_outside_placement(app, student_reference=student)
    start = scene.placement.started_on
    assert start is not None
    for day in school_days(start, start + timedelta(days=13))[:8]:
        app.record_attendance(scene.placement.id, session=Session.AM, code="/", actor=STAFF,
                              on=day)  # fmt: skip
    return scene.placement.id


def _rewrite_snapshot(
    path: Path, placement_id: UUID, change: Callable[[dict[str, Any]], None]
) -> int:
    """Change the latest snapshot of the placement with plain sqlite3; its version."""
    with sqlite3.connect(path) as db:
        version, blob = db.execute(
            "SELECT originator_version, state FROM stored_snapshots WHERE originator_id = ? "
            "ORDER BY originator_version DESC LIMIT 1",
            (placement_id.hex,),
        ).fetchone()
        data = json.loads(blob)
        change(data)
        db.execute(
            "UPDATE stored_snapshots SET state = ? WHERE originator_id = ? AND "
            "originator_version = ?",
            (json.dumps(data).encode(), placement_id.hex, version),
        )
    return int(version)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ap.sqlite"


def _open(path: Path, **options: Any) -> AlternativeProvision:
    return AlternativeProvision.sqlite(path, clock=Clock(), **options)


def test_an_untouched_store_has_no_snapshot_problem(path: Path) -> None:
    _history(_open(path))

    report = _open(path).verify()

    assert [p.kind for p in report.problems] == []


def test_a_read_starts_from_a_snapshot_that_matches_its_events(path: Path) -> None:
    placement_id = _history(_open(path))
    reader = _open(path)

    reader.get_placement(placement_id, reader=STAFF)

    assert reader.repository.untrusted == []  # type: ignore[attr-defined]


def test_a_snapshot_whose_content_was_changed_is_reported_by_verify(path: Path) -> None:
    placement_id = _history(_open(path))

    def forge(data: dict[str, Any]) -> None:
        data["state"]["location"] = "The broom cupboard"

    version = _rewrite_snapshot(path, placement_id, forge)
    report = _open(path).verify()

    assert [(p.kind, p.record_id, p.version) for p in report.problems] == [
        ("snapshot", placement_id, version)
    ]


def test_a_snapshot_at_a_version_never_recorded_is_not_read(path: Path) -> None:
    app = _open(path)
    placement_id = _history(app)
    honest = app.get_placement(placement_id, reader=STAFF)

    def future(data: dict[str, Any]) -> None:
        data["state"]["version"] = 500
        data["state"]["location"] = "The broom cupboard"

    _rewrite_snapshot(path, placement_id, future)
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE stored_snapshots SET originator_version = 500 WHERE originator_id = ? AND "
            "originator_version = (SELECT MAX(originator_version) FROM stored_snapshots WHERE "
            "originator_id = ?)",
            (placement_id.hex, placement_id.hex),
        )
    reader = _open(path)

    assert reader.get_placement(placement_id, reader=STAFF) == honest
    assert len(reader.repository.untrusted) == 1  # type: ignore[attr-defined]


def test_an_honest_write_after_a_forged_future_snapshot_goes_on_from_the_events(
    path: Path,
) -> None:
    app = _open(path)
    placement_id = _history(app)
    version = app.get_placement(placement_id, reader=STAFF).version

    def future(data: dict[str, Any]) -> None:
        data["state"]["version"] = 500

    latest = _rewrite_snapshot(path, placement_id, future)
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE stored_snapshots SET originator_version = 500 WHERE originator_id = ? "
            "AND originator_version = ?",
            (placement_id.hex, latest),
        )
    writer = _open(path)
    day = writer.get_placement(placement_id, reader=STAFF).started_on
    writer.record_attendance(placement_id, session="PM", code="\\", actor=STAFF, on=day)
    report = _open(path).verify()

    assert writer.get_placement(placement_id, reader=STAFF).version == version + 1
    assert {p.kind for p in report.problems} == {"snapshot"}


def test_snapshots_swapped_between_two_placements_are_not_read(path: Path) -> None:
    key = AlternativeProvision.create_cipher_key()
    app = _open(path, cipher_key=key)
    first, second = _history(app, "STU-0001"), _history(app, "STU-0002")
    honest = app.get_placement(first, reader=STAFF)
    with sqlite3.connect(path) as db:
        blobs = dict(
            db.execute(
                "SELECT originator_id, state FROM stored_snapshots WHERE originator_version = ?",
                (INTERVAL,),
            ).fetchall()
        )
        for own, other in ((first, second), (second, first)):
            db.execute(
                "UPDATE stored_snapshots SET state = ? WHERE originator_id = ? AND "
                "originator_version = ?",
                (blobs[other.hex], own.hex, INTERVAL),
            )
    reader = _open(path, cipher_key=key)

    assert reader.placement_as_at(first, reader=STAFF, version=INTERVAL + 1) == (
        app.placement_as_at(first, reader=STAFF, version=INTERVAL + 1)
    )
    assert reader.get_placement(first, reader=STAFF) == honest
    assert {p.kind for p in reader.verify().problems} == {"snapshot"}
