"""Students: name and date of birth (sealed as stored, revealed when read), their placements,
the last entry on any of them, and when retention ends (STAT-7) — the list of students whose
personal data is due to be erased (``senad-ap retention``).

The last entry is the latest of each placement's ``last_entry_on`` (kept here on every
decision) and its latest attendance mark (read from the attendance projection's table), so the
projection needs no write per mark. The end of retention is worked out with the domain's own
``retention_ends_on``, so this list and ``forget_student`` always agree.

Once a student's personal data is erased, the row keeps only the school year retention ended in
(``"2030/31"``, in the column ``retention_ended_on``, named as before so that a store written
by an earlier version still takes it): the day would give the date of birth away. Rows written
by an earlier version hold the day until the projection is rebuilt.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from senad_ap.domain.placement import (
    AttendanceCorrected,
    AttendanceRecorded,
    PlacementState,
    school_year_of,
)
from senad_ap.domain.student import (
    StudentPlacementOpened,
    StudentState,
    born_on,
    retention_ends_on,
)
from senad_ap.domain.values import PolicyParameters
from senad_ap.projections.access import Reader, school_readable_by
from senad_ap.projections.base import (
    Change,
    Cursor,
    Projection,
    ProjectionStore,
    World,
    iso,
    parse_date,
    upsert,
)

__all__ = ["RetentionRow", "StudentsProjection", "retention", "stored_rows"]

_COLUMNS = (
    "student_id",
    "school_id",
    "student_reference",
    "name",
    "date_of_birth",
    "recorded_on",
    "forgotten_on",
    "retention_ended_on",
)
_PLACEMENT_COLUMNS = ("placement_id", "student_id", "last_entry_on")


class StudentsProjection(Projection):
    name = "students"
    tables = ("students", "student_placements")
    create_statements = (
        "CREATE TABLE IF NOT EXISTS students ("
        + ", ".join(f"{c} TEXT PRIMARY KEY" if c == "student_id" else f"{c} TEXT" for c in _COLUMNS)
        + ")",
        "CREATE TABLE IF NOT EXISTS student_placements (placement_id TEXT PRIMARY KEY, "
        "student_id TEXT, last_entry_on TEXT)",
        "CREATE INDEX IF NOT EXISTS student_placements_by_student "
        "ON student_placements (student_id)",
    )

    def process(self, cursor: Cursor, change: Change, world: World) -> None:
        state = change.after
        if isinstance(state, StudentState):
            cursor.execute(
                _UPSERT,
                (
                    state.id.hex, state.school_id, state.student_reference, state.name,
                    state.date_of_birth, iso(state.recorded_on), iso(state.forgotten_on),
                    state.retention_ended_in,
                ),
            )  # fmt: skip
            if isinstance(change.event, StudentPlacementOpened):
                # Whose placement it is: the student's record says (its id may be keyed, so
                # it is never worked out from the reference, ``StoreSecret.student_id``).
                cursor.execute(_UPSERT_OWNER, (str(change.event.placement_id), state.id.hex))
        elif isinstance(state, PlacementState) and not isinstance(
            change.event, AttendanceRecorded | AttendanceCorrected
        ):
            # A mark's day is in the attendance table; every other decision is counted here.
            cursor.execute(_UPSERT_PLACEMENT, (str(state.id), iso(state.last_entry_on)))


_UPSERT = upsert("students", _COLUMNS, ("student_id",))
_UPSERT_PLACEMENT = upsert(
    "student_placements", ("placement_id", "last_entry_on"), ("placement_id",)
)
_UPSERT_OWNER = upsert("student_placements", ("placement_id", "student_id"), ("placement_id",))


@attrs.frozen
class RetentionRow:
    """A student, the last entry on their record, and the day retention ends (STAT-7); once
    erased, only the school year it ended in (the day would give the date of birth away)."""

    school_id: str
    student_reference: str
    #: Revealed, or ``[erased]``; ``None`` if never recorded.
    name: str | None
    date_of_birth: date | None
    placements: int
    last_entry_on: date
    #: ``None`` once erased (``retention_ended_in`` says the school year).
    retention_ends_on: date | None
    forgotten_on: date | None
    #: Once erased, the school year retention ended in (``"2030/31"``); else ``None``.
    retention_ended_in: str | None = None

    def due_on(self, day: date) -> bool:
        """Retention has ended by ``day`` and the personal data is not erased yet."""
        ends_on = self.retention_ends_on
        return self.forgotten_on is None and ends_on is not None and ends_on <= day


def retention(
    store: ProjectionStore,
    *,
    on: date,
    reader: Reader,
    policy: PolicyParameters | None = None,
    school_id: str | None = None,
    due_only: bool = True,
) -> list[RetentionRow]:
    """Students whose retention has ended by ``on`` and whose personal data is not yet erased
    (``due_only=False``: every student, with the day their retention ends): ``reader``'s
    school's (``access.FULL_ACCESS``: every school's, or ``school_id``'s)."""
    policy = policy or PolicyParameters()
    school_id = school_readable_by(reader, school_id)
    sql = (
        "SELECT s.*, "
        "(SELECT COUNT(*) FROM student_placements p WHERE p.student_id = s.student_id) "
        "AS placements, "
        "(SELECT MAX(p.last_entry_on) FROM student_placements p "
        " WHERE p.student_id = s.student_id) AS last_decision, "
        "(SELECT MAX(m.day) FROM attendance_marks m JOIN student_placements p "
        " ON m.placement_id = p.placement_id WHERE p.student_id = s.student_id) AS last_mark "
        "FROM students s"
    )
    params: tuple[str, ...] = ()
    if school_id is not None:
        sql += " WHERE s.school_id = ?"
        params = (school_id,)
    rows = [_row(row, policy) for row in store.rows(sql + " ORDER BY 1", params)]
    if due_only:
        rows = [row for row in rows if row.due_on(on)]
    return sorted(rows, key=lambda r: (r.school_id, r.student_reference))


def _row(row: Mapping[str, Any], policy: PolicyParameters) -> RetentionRow:
    entries = [
        day
        for day in (
            parse_date(row["last_decision"]),
            parse_date(row["last_mark"]),
            parse_date(row["recorded_on"]),
        )
        if day is not None
    ]
    born = born_on(row["date_of_birth"])
    last = max(entries)
    # Once erased, the date of birth reads [erased]: the end of retention is the school year
    # the erasure recorded, never worked out again (nor shown as a day: rows written by an
    # earlier version, which hold the day, show its school year).
    forgotten = parse_date(row["forgotten_on"])
    ended_in = _school_year(row["retention_ended_on"]) if forgotten is not None else None
    return RetentionRow(
        school_id=row["school_id"],
        student_reference=row["student_reference"],
        name=row["name"],
        date_of_birth=born,
        placements=int(row["placements"] or 0),
        last_entry_on=last,
        retention_ends_on=None
        if forgotten is not None
        else retention_ends_on(born, [last], policy),
        forgotten_on=forgotten,
        retention_ended_in=ended_in,
    )


def _school_year(stored: str | None) -> str | None:
    if stored is None or "/" in stored:
        return stored
    day = parse_date(stored)
    return None if day is None else school_year_of(day)


def stored_rows(store: ProjectionStore) -> list[dict[str, Any]]:
    """Both tables' rows, in key order (for comparisons)."""
    return [
        *store.rows("SELECT * FROM students ORDER BY student_id"),
        *store.rows("SELECT * FROM student_placements ORDER BY placement_id"),
    ]
