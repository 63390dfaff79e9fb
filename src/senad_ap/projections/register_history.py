"""The register's own history, so the register as at any date is one query, not a fold.

Three tables, kept as the log is read:

- ``register_known``: one row per placement per decision (attendance marks change no column
  of the register), holding the register row after it and the recorded-time range
  ``[recorded_from, recorded_to)`` it was the latest in (microseconds since 1970, UTC).
  *As known on* a day is the row whose range holds the end of that day: the fold of the
  events recorded by then.
- ``register_in_effect``: the valid-time history as recorded now: one row per placement per
  distinct day a decision took effect, holding the row the fold of the decisions in effect by
  that day gives, for ``[effective_from, effective_to)`` (day ordinals). A decision recorded
  in order extends it; a back-dated one (a late entry) changes the rows from its day on, so
  the placement's decisions are folded again, once, for that placement.
- ``register_mark_history``: each session's mark and the recorded-time range it was the mark
  in force for (a correction closes the range of the mark it replaces). A mark's day is the
  day it takes effect, so *as in effect on* a day the marks counted are the current ones up to
  that day; *as known on* it, those in force at the end of that day.

``as_at.register_as_at`` reads these; ``as_at.register_as_at_by_fold`` folds every history
and is kept to prove the two equal (tests) and as the benchmark's baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from senad_ap.domain.base import Event
from senad_ap.domain.placement import AttendanceCorrected, AttendanceRecorded, PlacementState
from senad_ap.domain.records import evolve_record
from senad_ap.domain.values import PolicyParameters
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.base import Change, Cursor, Projection, ProjectionStore, World
from senad_ap.projections.register import _COLUMNS, register_row

__all__ = ["RegisterHistoryProjection", "history_rows", "microseconds", "stored_rows"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INTEGERS = ("review_interval_weeks", "residential", "looked_after")


def microseconds(moment: datetime) -> int:
    """A recorded time as the tables keep it: whole microseconds since 1970 (UTC)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _columns(*extra: str) -> str:
    own = ", ".join(f"{c} {'INTEGER' if c in _INTEGERS else 'TEXT'}" for c in _COLUMNS)
    return ", ".join((*extra, own))


_KNOWN_INSERT = (
    f"INSERT INTO register_known (recorded_from, recorded_to, {', '.join(_COLUMNS)}) "  # noqa: S608
    f"VALUES (?, NULL, {', '.join('?' for _ in _COLUMNS)})"
)
_IN_EFFECT_INSERT = (
    f"INSERT INTO register_in_effect (effective_from, effective_to, {', '.join(_COLUMNS)}) "  # noqa: S608
    f"VALUES (?, ?, {', '.join('?' for _ in _COLUMNS)})"
)
_IN_EFFECT_UPDATE = (
    "UPDATE register_in_effect SET "  # noqa: S608 - our own names
    + ", ".join(f"{c} = ?" for c in _COLUMNS if c != "placement_id")
    + " WHERE placement_id = ? AND effective_from = ?"
)


class RegisterHistoryProjection(Projection):
    name = "register_history"
    tables = ("register_known", "register_in_effect", "register_mark_history")
    create_statements = (
        "CREATE TABLE IF NOT EXISTS register_known ("
        + _columns("recorded_from BIGINT NOT NULL", "recorded_to BIGINT")
        + ")",
        "CREATE INDEX IF NOT EXISTS register_known_by_placement"
        " ON register_known (placement_id, recorded_to)",
        "CREATE TABLE IF NOT EXISTS register_in_effect ("
        + _columns("effective_from INTEGER NOT NULL", "effective_to INTEGER")
        + ", PRIMARY KEY (placement_id, effective_from))",
        "CREATE TABLE IF NOT EXISTS register_mark_history (placement_id TEXT NOT NULL,"
        " day INTEGER NOT NULL, session TEXT NOT NULL, recorded_from BIGINT NOT NULL,"
        " recorded_to BIGINT, possible INTEGER NOT NULL, present INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS register_mark_history_by_session"
        " ON register_mark_history (placement_id, day, session)",
    )

    def __init__(self, policy: PolicyParameters | None = None) -> None:
        self.policy = policy or PolicyParameters()
        self._latest: dict[str, int] = {}

    def reset(self) -> None:
        super().reset()
        self._latest = {}

    def process(self, cursor: Cursor, change: Change, world: World) -> None:
        state = change.after
        if not isinstance(state, PlacementState):
            return
        event = change.event
        at = microseconds(event.timestamp)
        pid = str(state.id)
        if isinstance(event, AttendanceRecorded | AttendanceCorrected):
            meaning = (
                event.code if isinstance(event, AttendanceRecorded) else event.corrected_code
            ).meaning
            day = event.effective_on.toordinal()
            if isinstance(event, AttendanceCorrected):
                self.write_later(
                    "UPDATE register_mark_history SET recorded_to = ? WHERE placement_id = ?"
                    " AND day = ? AND session = ? AND recorded_to IS NULL",
                    (at, pid, day, event.session.value),
                )
            self.write_later(
                "INSERT INTO register_mark_history (placement_id, day, session, recorded_from,"
                " recorded_to, possible, present) VALUES (?, ?, ?, ?, NULL, ?, ?)",
                (
                    pid,
                    day,
                    event.session.value,
                    at,
                    int(meaning.counts_as_possible),
                    int(meaning.is_present),
                ),
            )
            return
        row = register_row(state, self.policy)
        values = tuple(row[c] for c in _COLUMNS)
        self.write_later(
            "UPDATE register_known SET recorded_to = ? WHERE placement_id = ?"
            " AND recorded_to IS NULL",
            (at, pid),
        )
        self.write_later(_KNOWN_INSERT, (at, *values))
        self._in_effect(cursor, change, world, values)

    def _in_effect(
        self, cursor: Cursor, change: Change, world: World, values: tuple[Any, ...]
    ) -> None:
        event = change.event
        pid = str(event.originator_id)
        day = event.effective_on.toordinal()
        latest = self._latest.get(pid)
        if latest is None and event.originator_version != 1:
            cursor.execute(
                "SELECT MAX(effective_from) AS latest FROM register_in_effect"
                " WHERE placement_id = ?",
                (pid,),
            )
            found = cursor.fetchone()
            latest = None if found is None else found["latest"]
        if latest is None or day > latest:
            # In order: the rows before the day stand; from the day on, the state after it.
            if latest is not None:
                cursor.execute(
                    "UPDATE register_in_effect SET effective_to = ?"
                    " WHERE placement_id = ? AND effective_to IS NULL",
                    (day, pid),
                )
            cursor.execute(_IN_EFFECT_INSERT, (day, None, *values))
            self._latest[pid] = day
        elif day == latest:
            cursor.execute(_IN_EFFECT_UPDATE, (*values[1:], pid, day))
        else:
            # A late entry: fold the placement's decisions again, day by day.
            events = [
                e
                for e in world.app.events_of(event.originator_id, reader=FULL_ACCESS)
                if e.originator_version <= event.originator_version
                and not isinstance(e, AttendanceRecorded | AttendanceCorrected)
            ]
            cursor.execute("DELETE FROM register_in_effect WHERE placement_id = ?", (pid,))
            cursor.executemany(_IN_EFFECT_INSERT, self._valid_rows(events))

    def _valid_rows(self, events: Sequence[Event]) -> list[tuple[Any, ...]]:
        first = events[0].effective_on
        days = sorted({e.effective_on for e in events if e.effective_on >= first})
        rows: list[tuple[Any, ...]] = []
        for index, day in enumerate(days):
            state: Any = None
            for e in events:
                if e.effective_on <= day:
                    state = evolve_record(state, e)
            row = register_row(state, self.policy)
            until = days[index + 1].toordinal() if index + 1 < len(days) else None
            rows.append((day.toordinal(), until, *(row[c] for c in _COLUMNS)))
        return rows


def history_rows(
    store: ProjectionStore, *, known: bool, on: date, end: datetime, school_id: str | None
) -> list[dict[str, Any]]:
    """The register's rows (sealed values revealed) as known on / in effect on ``on``, with
    the attendance counted up to that day, for the placements on today's register
    (``school_id``'s only, if given)."""
    params: list[Any] = []
    if known:
        at = microseconds(end)
        marks = "recorded_from <= ? AND (recorded_to IS NULL OR recorded_to > ?)"
        params += [on.toordinal(), at, at]
        rows = (
            "register_known h WHERE h.recorded_from <= ?"
            " AND (h.recorded_to IS NULL OR h.recorded_to > ?)"
        )
        row_params: list[Any] = [at, at]
    else:
        marks = "recorded_to IS NULL"
        params.append(on.toordinal())
        rows = (
            "register_in_effect h WHERE h.effective_from <= ?"
            " AND (h.effective_to IS NULL OR h.effective_to > ?)"
        )
        row_params = [on.toordinal(), on.toordinal()]
    head, _, where = rows.partition(" WHERE ")
    sql = (
        f"SELECT h.*, m.possible, m.present FROM {head}"  # noqa: S608 - our own text
        " JOIN register_placements r ON r.placement_id = h.placement_id"
        " LEFT JOIN (SELECT placement_id, SUM(possible) AS possible, SUM(present) AS present"
        f" FROM register_mark_history WHERE day <= ? AND {marks} GROUP BY placement_id) m"
        f" ON m.placement_id = h.placement_id WHERE {where}"
    )
    params += row_params
    if school_id is not None:
        sql += " AND r.school_id = ?"
        params.append(school_id)
    return store.rows(sql, tuple(params))


def stored_rows(store: ProjectionStore) -> list[dict[str, Any]]:
    """The history tables' rows as stored, in a fixed order (for comparisons)."""
    rows = [
        {"table": table, **row}
        for table in RegisterHistoryProjection.tables
        for row in store.sealed_rows(f"SELECT * FROM {table}")  # noqa: S608 - our own names
    ]
    return sorted(rows, key=lambda row: repr(sorted(row.items())))
