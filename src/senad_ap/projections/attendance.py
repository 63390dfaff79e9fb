"""Attendance per placement, per week and per term, from the national codes' own meanings.

A placement's absence over its possible sessions is banded as the DfE bands a pupil's:
persistent absence (10 per cent or more) and severe absence (50 per cent or more), the
numbers being ``PolicyParameters.persistent_absence_rate`` and ``severe_absence_rate``
(``AttendancePeriod.absence_band``; the pure rule is
``domain.attendance_summary.absence_band_of_counts``).

The table holds the mark in force for each session (a correction replaces the mark it
amends; the audit trail keeps both, STAT-2), with how its code counts: possible, present
(including approved educational activities), authorised or unauthorised absence, or not a
possible session at all (dual registration, "unable to attend", administrative codes). Weeks
and terms are sums over those rows; terms come from the school's recorded term dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.attendance_codes import AttendanceCode
from senad_ap.domain.attendance_summary import AbsenceBand, absence_band_of_counts
from senad_ap.domain.placement import (
    AttendanceCorrected,
    AttendanceMark,
    AttendanceRecorded,
    PlacementState,
)
from senad_ap.domain.school import Term, TermRecorded
from senad_ap.domain.values import PolicyParameters
from senad_ap.projections.access import Reader, school_condition
from senad_ap.projections.base import (
    Change,
    Cursor,
    Projection,
    ProjectionStore,
    World,
    iso,
    upsert,
)

__all__ = [
    "AttendancePeriod",
    "AttendanceProjection",
    "by_term",
    "by_week",
    "mark_row",
    "periods_from_marks",
    "total",
]

_COLUMNS = (
    "placement_id",
    "school_id",
    "day",
    "session",
    "code",
    "week_start",
    "possible",
    "present",
    "authorised",
    "unauthorised",
    "not_possible",
    "version",
    "corrected",
)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def mark_row(
    placement_id: UUID,
    school_id: str,
    day: date,
    session: str,
    code: AttendanceCode,
    version: int,
    *,
    corrected: bool,
) -> dict[str, Any]:
    """How one mark is stored: its code and how that code counts (STAT-1)."""
    meaning = code.meaning
    return {
        "placement_id": str(placement_id),
        "school_id": school_id,
        "day": day.isoformat(),
        "session": session,
        "code": code.value,
        "week_start": _monday(day).isoformat(),
        "possible": int(meaning.counts_as_possible),
        "present": int(meaning.is_present),
        "authorised": int(meaning.counts_as_possible and meaning.is_authorised_absence),
        "unauthorised": int(meaning.counts_as_possible and meaning.is_unauthorised_absence),
        "not_possible": int(not meaning.counts_as_possible),
        "version": version,
        "corrected": int(corrected),
    }


def state_rows(state: PlacementState) -> list[dict[str, Any]]:
    """The rows a placement's marks give (what the fold of its events says)."""
    return [
        mark_row(
            state.id,
            state.school_id,
            m.day,
            m.session.value,
            m.code,
            m.version,
            corrected=m.corrected,
        )
        for m in state.marks.values()
    ]


@attrs.frozen
class AttendancePeriod:
    """A placement's attendance over one week or one term."""

    placement_id: UUID
    period: str
    starts_on: date
    ends_on: date
    sessions_recorded: int
    possible: int
    present: int
    authorised_absence: int
    unauthorised_absence: int
    not_possible: int

    @property
    def rate(self) -> Decimal | None:
        """Sessions attended as a percentage of possible sessions (one decimal place)."""
        if self.possible == 0:
            return None
        return round(Decimal(100 * self.present) / self.possible, 1)

    @property
    def absence_rate(self) -> Decimal | None:
        if self.possible == 0:
            return None
        absent = self.authorised_absence + self.unauthorised_absence
        return round(Decimal(100 * absent) / self.possible, 1)

    def absence_band(self, policy: PolicyParameters | None = None) -> AbsenceBand | None:
        """Persistent or severe absence over the period's possible sessions (the DfE's
        bands, with ``policy``'s percentages), or ``None`` below them."""
        absent = self.authorised_absence + self.unauthorised_absence
        return absence_band_of_counts(absent, self.possible, policy)


class AttendanceProjection(Projection):
    name = "attendance"
    tables = ("attendance_marks", "attendance_terms")
    create_statements = (
        "CREATE TABLE IF NOT EXISTS attendance_marks (placement_id TEXT, school_id TEXT, "
        "day TEXT, session TEXT, code TEXT, week_start TEXT, possible INTEGER, "
        "present INTEGER, authorised INTEGER, unauthorised INTEGER, not_possible INTEGER, "
        "version INTEGER, corrected INTEGER, PRIMARY KEY (placement_id, day, session))",
        "CREATE TABLE IF NOT EXISTS attendance_terms (school_id TEXT, name TEXT, "
        "starts_on TEXT, ends_on TEXT, PRIMARY KEY (school_id, name))",
    )

    def process(self, cursor: Cursor, change: Change, world: World) -> None:
        event = change.event
        if isinstance(event, TermRecorded):
            cursor.execute(
                _UPSERT_TERM,
                (event.school_id, event.name, iso(event.starts_on), iso(event.ends_on)),
            )
            return
        state = change.after
        if not isinstance(state, PlacementState):
            return
        if isinstance(event, AttendanceRecorded):
            code, corrected = event.code, False
        elif isinstance(event, AttendanceCorrected):
            code, corrected = event.corrected_code, True
        else:
            return
        row = mark_row(
            state.id,
            state.school_id,
            event.effective_on,
            event.session.value,
            code,
            event.originator_version,
            corrected=corrected,
        )
        self.write_later(_UPSERT_MARK, tuple(row[c] for c in _COLUMNS))


_UPSERT_TERM = upsert(
    "attendance_terms", ("school_id", "name", "starts_on", "ends_on"), ("school_id", "name")
)
_UPSERT_MARK = upsert("attendance_marks", _COLUMNS, ("placement_id", "day", "session"))


_SUMS = (
    "COUNT(*) AS sessions_recorded, SUM(possible) AS possible, SUM(present) AS present, "
    "SUM(authorised) AS authorised, SUM(unauthorised) AS unauthorised, "
    "SUM(not_possible) AS not_possible"
)


def _period(
    placement_id: UUID, row: Mapping[str, Any], period: str, starts: date, ends: date
) -> AttendancePeriod:
    return AttendancePeriod(
        placement_id=placement_id,
        period=period,
        starts_on=starts,
        ends_on=ends,
        sessions_recorded=int(row["sessions_recorded"]),
        possible=int(row["possible"] or 0),
        present=int(row["present"] or 0),
        authorised_absence=int(row["authorised"] or 0),
        unauthorised_absence=int(row["unauthorised"] or 0),
        not_possible=int(row["not_possible"] or 0),
    )


def by_week(
    store: ProjectionStore, placement_id: UUID, *, reader: Reader, until: date | None = None
) -> list[AttendancePeriod]:
    """The placement's attendance week by week (weeks start on Monday); nothing for a
    placement of a school other than ``reader``'s (``access.FULL_ACCESS``: any)."""
    mine, school = school_condition(reader)
    rows = store.rows(
        f"SELECT week_start, {_SUMS} FROM attendance_marks WHERE placement_id = ? "  # noqa: S608
        f"AND day <= ?{mine} GROUP BY week_start ORDER BY week_start",
        (str(placement_id), (until or date.max).isoformat(), *school),
    )
    periods = []
    for row in rows:
        monday = date.fromisoformat(row["week_start"])
        label = f"week of {monday.isoformat()}"
        periods.append(_period(placement_id, row, label, monday, monday + timedelta(days=6)))
    return periods


def by_term(
    store: ProjectionStore, placement_id: UUID, *, reader: Reader, until: date | None = None
) -> list[AttendancePeriod]:
    """The placement's attendance per recorded term of its school, plus marks outside any
    recorded term (``period`` "outside recorded terms"); as ``by_week`` for ``reader``."""
    limit = (until or date.max).isoformat()
    mine, school = school_condition(reader, "m.school_id")
    rows = store.rows(
        f"SELECT t.name, t.starts_on, t.ends_on, {_SUMS} FROM attendance_marks m "  # noqa: S608
        "JOIN attendance_terms t ON t.school_id = m.school_id "
        "AND m.day BETWEEN t.starts_on AND t.ends_on "
        f"WHERE m.placement_id = ? AND m.day <= ?{mine} "
        "GROUP BY t.name, t.starts_on, t.ends_on ORDER BY t.starts_on",
        (str(placement_id), limit, *school),
    )
    periods = [
        _period(
            placement_id,
            row,
            row["name"],
            date.fromisoformat(row["starts_on"]),
            date.fromisoformat(row["ends_on"]),
        )
        for row in rows
    ]
    outside = store.rows(
        f"SELECT MIN(day) AS first, MAX(day) AS last, {_SUMS} FROM attendance_marks m "  # noqa: S608
        f"WHERE m.placement_id = ? AND m.day <= ?{mine} AND NOT EXISTS (SELECT 1 FROM "
        "attendance_terms t WHERE t.school_id = m.school_id "
        "AND m.day BETWEEN t.starts_on AND t.ends_on)",
        (str(placement_id), limit, *school),
    )
    if outside and outside[0]["sessions_recorded"]:
        row = outside[0]
        periods.append(
            _period(
                placement_id,
                row,
                "outside recorded terms",
                date.fromisoformat(row["first"]),
                date.fromisoformat(row["last"]),
            )
        )
    return periods


def total(
    store: ProjectionStore, placement_id: UUID, *, reader: Reader, until: date | None = None
) -> AttendancePeriod | None:
    """The placement's attendance over all its recorded sessions (``None``: none, or a
    placement of a school other than ``reader``'s; ``access.FULL_ACCESS``: any)."""
    mine, school = school_condition(reader)
    rows = store.rows(
        f"SELECT MIN(day) AS first, MAX(day) AS last, {_SUMS} FROM attendance_marks "  # noqa: S608
        f"WHERE placement_id = ? AND day <= ?{mine}",
        (str(placement_id), (until or date.max).isoformat(), *school),
    )
    if not rows or not rows[0]["sessions_recorded"]:
        return None
    row = rows[0]
    return _period(
        placement_id,
        row,
        "whole placement",
        date.fromisoformat(row["first"]),
        date.fromisoformat(row["last"]),
    )


def stored_rows(store: ProjectionStore) -> list[dict[str, Any]]:
    return store.rows("SELECT * FROM attendance_marks ORDER BY placement_id, day, session")


def periods_from_marks(
    placement_id: UUID,
    marks: Iterable[AttendanceMark],
    *,
    weekly: bool,
    terms: Sequence[Term] = (),
) -> list[AttendancePeriod]:
    """The same weeks (``weekly=True``) or terms as ``by_week``/``by_term``, worked out from
    a placement state's marks instead of the tables (for as-at dates)."""
    groups: dict[tuple[str, date, date], list[AttendanceCode]] = {}
    outside: list[AttendanceMark] = []
    for mark in marks:
        if weekly:
            monday = _monday(mark.day)
            group = (f"week of {monday.isoformat()}", monday, monday + timedelta(days=6))
        else:
            term = next((t for t in terms if mark.day in t), None)
            if term is None:
                outside.append(mark)
                continue
            group = (term.name, term.starts_on, term.ends_on)
        groups.setdefault(group, []).append(mark.code)
    ordered = sorted(groups.items(), key=lambda g: g[0][1])
    if outside:
        days = [m.day for m in outside]
        label = "outside recorded terms"
        ordered.append(((label, min(days), max(days)), [m.code for m in outside]))
    periods = []
    for (label, starts, ends), codes in ordered:
        meanings = [code.meaning for code in codes]
        periods.append(
            AttendancePeriod(
                placement_id=placement_id,
                period=label,
                starts_on=starts,
                ends_on=ends,
                sessions_recorded=len(meanings),
                possible=sum(m.counts_as_possible for m in meanings),
                present=sum(m.is_present for m in meanings),
                authorised_absence=sum(
                    m.counts_as_possible and m.is_authorised_absence for m in meanings
                ),
                unauthorised_absence=sum(
                    m.counts_as_possible and m.is_unauthorised_absence for m in meanings
                ),
                not_possible=sum(not m.counts_as_possible for m in meanings),
            )
        )
    return periods
