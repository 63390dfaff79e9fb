"""Reading and writing the golden fixtures: a store's rows as committed JSON, and back.

A fixture holds the stored events exactly as the store holds them (``state``: the JSON text
when the store is not encrypted, else base64 of the encrypted bytes) and the key table's rows
(the students' keys and the store's secret), so that a store built from it reveals the sealed
personal values. Its expectations are what this version's code makes of it: every record's
folded state (personal values revealed: the fixtures' people are invented) and every read
model's rows (personal values as the read models keep them, sealed).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from senad_ap import AlternativeProvision
from senad_ap.application.codec import converter
from senad_ap.application.stores import student_keys_for
from senad_ap.domain.records import evolve_record
from senad_ap.projections import Projections

#: Where each version's fixtures live.
GOLDEN = Path(__file__).parent
#: The fixtures' two stores: not encrypted, and encrypted at rest.
MODES = ("plain", "cipher")
#: Projection tables whose rows say where a projection is, not what it holds.
_BOOKKEEPING = {"tracking", "projection_source"}


def cipher_key(mode: str) -> str | None:
    """The encrypted fixture's key: derived here, never a literal (it protects nothing)."""
    if mode == "plain":
        return None
    digest = hashlib.sha256(b"senad_ap golden fixture, not a secret").digest()
    return base64.b64encode(digest).decode("ascii")


def export_rows(app: AlternativeProvision, mode: str) -> dict[str, Any]:
    """The store's events, in log order, and its key table, as committed JSON."""
    events = []
    for row in app.recorder.select_notifications(start=None, limit=10**6):
        state = bytes(row.state)
        events.append({
            "originator_id": str(row.originator_id),
            "originator_version": row.originator_version,
            "topic": row.topic,
            "state": state.decode("utf-8") if mode == "plain" else
            base64.b64encode(state).decode("ascii"),
        })  # fmt: skip
    keys: Any = student_keys_for(app.recorder)
    with keys.datastore.transaction(commit=False) as cursor:
        cursor.execute(
            f"SELECT student_id, key, created_at, erased_at FROM {keys.table} "  # noqa: S608
            "ORDER BY student_id"
        )
        key_rows = [
            {
                "student_id": str(r["student_id"]),
                "key": None if r["key"] is None else base64.b64encode(bytes(r["key"])).decode(),
                "created_at": str(r["created_at"]),
                "erased_at": None if r["erased_at"] is None else str(r["erased_at"]),
            }
            for r in cursor.fetchall()
        ]
    return {"events": events, "keys": key_rows}


def import_rows(app: AlternativeProvision, rows: dict[str, Any], mode: str) -> None:
    """Put a fixture's rows into ``app``'s empty store as they were stored: the events through
    the recorder (the mapper decodes them later), the key table by plain inserts."""
    stored = [
        StoredEvent(
            originator_id=UUID(e["originator_id"]),
            originator_version=e["originator_version"],
            topic=e["topic"],
            state=e["state"].encode("utf-8") if mode == "plain" else base64.b64decode(e["state"]),
        )
        for e in rows["events"]
    ]
    app.recorder.insert_events(stored)
    keys: Any = student_keys_for(app.recorder)
    p = keys.placeholder
    with keys.datastore.transaction(commit=True) as cursor:
        cursor.execute(f"DELETE FROM {keys.table}")  # noqa: S608
        for r in rows["keys"]:
            cursor.execute(
                f"INSERT INTO {keys.table} (student_id, key, created_at, erased_at) "  # noqa: S608
                f"VALUES ({p}, {p}, {p}, {p})",
                (
                    r["student_id"],
                    None if r["key"] is None else base64.b64decode(r["key"]),
                    r["created_at"],
                    r["erased_at"],
                ),
            )


def folded_states(app: AlternativeProvision) -> dict[str, Any]:
    """Every record's state folded from its events, personal values revealed, as JSON."""
    events: dict[UUID, list[Any]] = defaultdict(list)
    for row in app.recorder.select_notifications(start=None, limit=10**6):
        event = app.mapper.to_domain_event(row)
        events[event.originator_id].append(event)
    states: dict[str, Any] = {}
    for record_id, history in sorted(events.items(), key=lambda item: str(item[0])):
        state: Any = None
        for event in history:
            state = evolve_record(state, event)
        revealed = app.reveal(state)
        states[str(record_id)] = {
            "type": type(revealed).__name__,
            "state": converter.unstructure(revealed, type(revealed)),
        }
    return json.loads(json.dumps(states, sort_keys=True, default=str))  # type: ignore[no-any-return]


def projected_rows(app: AlternativeProvision, folder: Path) -> dict[str, list[list[Any]]]:
    """Every read model's rows after catching up with the whole log (in a SQLite file, so
    that the rows compare alike whichever store the events came from)."""
    path = folder / "projections.sqlite"
    projections = Projections(app, path)
    try:
        projections.catch_up()
    finally:
        projections.close()
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if name not in _BOOKKEEPING
        ]
        result = {}
        for table in tables:
            rows = connection.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
            result[table] = sorted([[_plain(v) for v in row] for row in rows], key=repr)
        return result
    finally:
        connection.close()


def _plain(value: Any) -> Any:
    return base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")  # fmt: skip
