"""Version 2 of the erasure events (``StudentForgotten``, ``PlacementRecordErased``): the
school year retention ended in, never the day. Version 1 rows stay as they were stored and are
upcast when read; their hashes still check, because the hash covers the content as stored
(docs/evolving-events.md)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.persistence import StoredEvent

from senad_ap import AlternativeProvision
from senad_ap.application.codec import STORED_CONTENT
from senad_ap.application.integrity import chain_hash
from senad_ap.domain.placement import PlacementRecordErased
from senad_ap.domain.student import StudentForgotten
from tests.golden.fixtures import GOLDEN, import_rows, read_json
from tests.golden.history import AFTER_RETENTION
from tests.integration.scenario import Clock

FORGOTTEN = "senad_ap.domain.student:StudentForgotten"
ERASED = "senad_ap.domain.placement.events:PlacementRecordErased"


def _v1_store(folder: Path) -> AlternativeProvision:
    """An application on a SQLite store holding the version 1 fixture (not encrypted)."""
    path = folder / "v1.sqlite"
    writer = AlternativeProvision.sqlite(path, clock=Clock(AFTER_RETENTION))
    import_rows(writer, read_json(GOLDEN / "v1" / "plain.json"), "plain")
    writer.close()
    return AlternativeProvision.sqlite(path, clock=Clock(AFTER_RETENTION))


def _v1_row(topic: str) -> dict[str, Any]:
    rows = read_json(GOLDEN / "v1" / "plain.json")["events"]
    found: dict[str, Any] = next(row for row in rows if row["topic"] == topic)
    return found


def _stored(row: dict[str, Any], content: dict[str, Any]) -> StoredEvent:
    return StoredEvent(
        originator_id=UUID(row["originator_id"]),
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=json.dumps(content).encode("utf-8"),
    )


def _decode(app: AlternativeProvision, stored: StoredEvent) -> Any:
    return app.mapper.to_domain_event(stored)


def _v1_hash(previous: str, row: dict[str, Any], content: dict[str, Any]) -> str:
    """The hash version 1 made: its stored content, without the chain hash and the fields
    added later while empty, with the record id, version and type."""
    data = {k: v for k, v in content.items() if k != "chain_hash"}
    for name in ("retention_ended_in", "retention_ended_on"):
        if data.get(name) is None:
            data.pop(name, None)
    data.update(originator_id=row["originator_id"],
                originator_version=row["originator_version"], topic=row["topic"])  # fmt: skip
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(previous.encode("ascii") + b"\n")
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def _with_the_day(row: dict[str, Any], previous: str) -> dict[str, Any]:
    """The fixture's version 1 erasure as the first erasure version stored it: the day
    retention ended (4 March 2043 for a student born on 4 March 2012), no year; hashed so."""
    content: dict[str, Any] = json.loads(row["state"])
    content.update(retention_ended_in=None, retention_ended_on="2043-03-04")
    content["chain_hash"] = _v1_hash(previous, row, content)
    return content


def test_a_version_1_erasure_event_holding_the_day_loads_as_version_2_with_its_school_year(
    tmp_path: Path,
) -> None:
    app = _v1_store(tmp_path)
    row = _v1_row(FORGOTTEN)

    event = _decode(app, _stored(row, _with_the_day(row, "")))

    assert (type(event), event.retention_ended_in, hasattr(event, "retention_ended_on")) == (
        StudentForgotten,
        "2042/43",
        False,
    )
    app.close()


def test_a_version_1_erasure_event_holding_the_day_still_matches_its_hash(
    tmp_path: Path,
) -> None:
    app = _v1_store(tmp_path)
    row = _v1_row(ERASED)
    previous = "0" * 64

    event = _decode(app, _stored(row, _with_the_day(row, previous)))

    assert chain_hash(previous, event) == event.chain_hash
    app.close()


def test_the_version_1_fixtures_erasure_events_load_as_version_2_with_the_year(
    tmp_path: Path,
) -> None:
    app = _v1_store(tmp_path)
    rows = app.recorder.select_notifications(None, 10**6, topics=[FORGOTTEN, ERASED])

    events = [_decode(app, row) for row in rows]

    assert [(type(e).__name__, e.retention_ended_in) for e in events] == [
        ("StudentForgotten", "2042/43"),
        ("PlacementRecordErased", "2042/43"),
    ]
    app.close()


def test_an_altered_version_1_erasure_row_is_caught_by_verify(tmp_path: Path) -> None:
    app = _v1_store(tmp_path)
    app.close()
    row = _v1_row(FORGOTTEN)
    altered = row["state"].replace('"2042/43"', '"2050/51"')
    with sqlite3.connect(tmp_path / "v1.sqlite") as connection:
        connection.execute(
            "UPDATE stored_events SET state = ? WHERE originator_id = ? AND originator_version = ?",
            (altered.encode("utf-8"), row["originator_id"].replace("-", ""),
             row["originator_version"]),
        )  # fmt: skip
    app = AlternativeProvision.sqlite(tmp_path / "v1.sqlite", clock=Clock(AFTER_RETENTION))

    kinds = {(p.kind, str(p.record_id)) for p in app.verify().problems}

    assert ("altered", row["originator_id"]) in kinds
    app.close()


def test_a_version_2_erasure_event_round_trips_through_the_store(tmp_path: Path) -> None:
    app = _v1_store(tmp_path)
    (row,) = app.recorder.select_notifications(None, 10**6, topics=[ERASED])
    upcast = _decode(app, row)
    fresh = PlacementRecordErased(**{
        field.name: getattr(upcast, field.name) for field in attrs.fields(PlacementRecordErased)
    })  # fmt: skip

    stored = app.mapper.to_stored_event(fresh)
    again = _decode(app, stored)

    assert (again, json.loads(stored.state)["class_version"], hasattr(again, STORED_CONTENT)) == (
        fresh,
        2,
        False,
    )
    app.close()
