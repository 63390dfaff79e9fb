"""Attendance per pupil: the register of all of a pupil's placements together.

A pupil is a school's student reference (school id and reference). A pupil may have several
placements, one after another; their register is every session marked on any of them, each
with the placement it belongs to. The rows are the attendance projection's (the mark in force
for each session, with its placement and school) joined to the register's (each placement's
student reference, fixed when it is opened), so this read model adds no table: the catch-up
and the rebuild that keep those two right keep it right.

The totals, weeks (ISO weeks, from Monday), terms (the school's recorded terms, and a row "no
term recorded" for sessions outside them) and per-placement sums are worked out from the
sessions by the pure functions below, which the as-at reports feed from folded placement
states instead, so both give the same numbers. Each period carries its absence band
(``absence_band_of_counts``: persistent or severe absence, thresholds from ``PolicyParameters``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.attendance_summary import AbsenceBand, absence_band_of_counts
from senad_ap.domain.placement import AttendanceMark
from senad_ap.domain.school import Term
from senad_ap.domain.values import PolicyParameters
from senad_ap.projections.access import Reader, school_readable_by
from senad_ap.projections.base import ProjectionStore

__all__ = [
    "NO_TERM",
    "Pupil",
    "PupilPeriod",
    "PupilSession",
    "PupilTotals",
    "by_placement",
    "by_term",
    "by_week",
    "find_pupils",
    "pupil_totals",
    "recorded_terms",
    "sessions",
    "sessions_from_marks",
    "total",
    "totals_of",
]

#: The period of the sessions outside every recorded term of the school.
NO_TERM = "no term recorded"

#: A period's (sort key, label, first day, last day); last day ``date.max``: the last
#: session's.
_Group = tuple[tuple[date, str], str, date, date]


@attrs.frozen(order=True)
class Pupil:
    """A student of a school, by the school's reference."""

    school_id: str
    student_reference: str


@attrs.frozen
class PupilSession:
    """One session of a pupil's register: the mark in force and how its code counts."""

    day: date
    session: str
    code: str
    placement_id: UUID
    possible: bool
    present: bool
    authorised_absence: bool
    unauthorised_absence: bool


@attrs.frozen
class PupilPeriod:
    """A pupil's attendance over a period (the whole record, a week, a term or a placement),
    and the placements its sessions belong to."""

    pupil: Pupil
    period: str
    starts_on: date
    ends_on: date
    placement_ids: tuple[UUID, ...]
    sessions_recorded: int
    possible: int
    present: int
    authorised_absence: int
    unauthorised_absence: int
    band: AbsenceBand | None

    @property
    def not_possible(self) -> int:
        return self.sessions_recorded - self.possible

    @property
    def rate(self) -> Decimal | None:
        """Sessions attended as a percentage of possible sessions, to one decimal place (as
        ``AttendancePeriod.rate``, so a pupil's and a placement's rates agree)."""
        if self.possible == 0:
            return None
        return round(Decimal(100 * self.present) / self.possible, 1)

    @property
    def missed_rate(self) -> Decimal | None:
        """The share of possible sessions missed (authorised and unauthorised absence), as a
        fraction, unrounded: what the absence band is decided on."""
        if self.possible == 0:
            return None
        return Decimal(self.authorised_absence + self.unauthorised_absence) / self.possible


@attrs.frozen
class PupilTotals:
    """A pupil in the list of every pupil: their placements on the record, and the totals of
    their whole record (``None``: no session of theirs is marked)."""

    pupil: Pupil
    placement_ids: tuple[UUID, ...]
    whole: PupilPeriod | None


def sessions_from_marks(placement_id: UUID, marks: Iterable[AttendanceMark]) -> list[PupilSession]:
    """A placement's marks as sessions of its pupil's register (for as-at dates)."""
    return [
        PupilSession(
            day=mark.day,
            session=mark.session.value,
            code=mark.code.value,
            placement_id=placement_id,
            possible=mark.code.meaning.counts_as_possible,
            present=mark.code.meaning.is_present,
            authorised_absence=mark.code.meaning.is_authorised_absence,
            unauthorised_absence=mark.code.meaning.is_unauthorised_absence,
        )
        for mark in marks
    ]


def _period(
    pupil: Pupil, label: str, starts: date, ends: date, group: Sequence[PupilSession],
    policy: PolicyParameters,
) -> PupilPeriod:  # fmt: skip
    possible = sum(s.possible for s in group)
    # A code that is not a possible session never counts as absence (as in ``mark_row``).
    authorised = sum(s.possible and s.authorised_absence for s in group)
    unauthorised = sum(s.possible and s.unauthorised_absence for s in group)
    return PupilPeriod(
        pupil=pupil,
        period=label,
        starts_on=starts,
        ends_on=ends,
        placement_ids=tuple(dict.fromkeys(s.placement_id for s in _ordered(group))),
        sessions_recorded=len(group),
        possible=possible,
        present=sum(s.possible and s.present for s in group),
        authorised_absence=authorised,
        unauthorised_absence=unauthorised,
        band=absence_band_of_counts(authorised + unauthorised, possible, policy),
    )


def _ordered(group: Iterable[PupilSession]) -> list[PupilSession]:
    return sorted(group, key=lambda s: (s.day, s.session, str(s.placement_id)))


def _grouped(
    pupil: Pupil,
    found: Iterable[PupilSession],
    key: Callable[[PupilSession], _Group | None],
    policy: PolicyParameters,
) -> list[PupilPeriod]:
    """Periods of the sessions grouped by ``key``; ``None``: the "no term recorded" row."""
    groups: dict[_Group, list[PupilSession]] = {}
    outside: list[PupilSession] = []
    for each in _ordered(found):
        found_in = key(each)
        if found_in is None:
            outside.append(each)
        else:
            groups.setdefault(found_in, []).append(each)
    periods = []
    for (_, label, starts, ends), members in sorted(groups.items(), key=lambda g: g[0][0]):
        last = members[-1].day if ends == date.max else ends
        periods.append(_period(pupil, label, starts, last, members, policy))
    if outside:
        periods.append(_period(pupil, NO_TERM, outside[0].day, outside[-1].day, outside, policy))
    return periods


def total(
    pupil: Pupil, found: Iterable[PupilSession], policy: PolicyParameters
) -> PupilPeriod | None:
    """Every session of the pupil's register (``None``: none recorded)."""
    group = _ordered(found)
    if not group:
        return None
    return _period(pupil, "whole record", group[0].day, group[-1].day, group, policy)


def by_week(
    pupil: Pupil, found: Iterable[PupilSession], policy: PolicyParameters
) -> list[PupilPeriod]:
    """ISO weeks, Monday to Sunday, labelled like ``2025-W36``."""

    def week(each: PupilSession) -> _Group:
        monday = each.day - timedelta(days=each.day.weekday())
        year, number, _ = monday.isocalendar()
        return (monday, ""), f"{year}-W{number:02d}", monday, monday + timedelta(days=6)

    return _grouped(pupil, found, week, policy)


def by_term(
    pupil: Pupil, found: Iterable[PupilSession], terms: Sequence[Term], policy: PolicyParameters
) -> list[PupilPeriod]:
    """The school's recorded terms, in date order, then the sessions outside them."""

    def term(each: PupilSession) -> _Group | None:
        t = next((t for t in terms if each.day in t), None)
        return None if t is None else ((t.starts_on, t.name), t.name, t.starts_on, t.ends_on)

    return _grouped(pupil, found, term, policy)


def by_placement(
    pupil: Pupil, found: Iterable[PupilSession], policy: PolicyParameters
) -> list[PupilPeriod]:
    """Each placement's sessions, from its first to its last, in the order they began."""
    group = _ordered(found)
    first: dict[UUID, date] = {}
    for each in group:
        first.setdefault(each.placement_id, each.day)

    def placement(each: PupilSession) -> _Group:
        starts = first[each.placement_id]
        return (starts, str(each.placement_id)), str(each.placement_id), starts, date.max

    return _grouped(pupil, group, placement, policy)


# --------------------------------------------------------------------------- the tables

_SESSIONS = (
    "SELECT m.day, m.session, m.code, m.placement_id, m.possible, m.present, m.authorised, "
    "m.unauthorised FROM attendance_marks m JOIN register_placements r "
    "ON r.placement_id = m.placement_id WHERE r.school_id = ? AND r.student_reference = ? "
    "AND m.day <= ? ORDER BY m.day, m.session, m.placement_id"
)


def sessions(
    store: ProjectionStore, pupil: Pupil, *, reader: Reader, until: date | None = None
) -> list[PupilSession]:
    """Every session marked on any of the pupil's placements (up to ``until``), in order, if
    ``reader`` may read the pupil's school (``access.FULL_ACCESS``: any)."""
    school_readable_by(reader, pupil.school_id)
    rows = store.rows(
        _SESSIONS,
        (pupil.school_id, pupil.student_reference, (until or date.max).isoformat()),
    )
    return [_session(row) for row in rows]


def recorded_terms(store: ProjectionStore, school_id: str, *, reader: Reader) -> list[Term]:
    """The school's recorded terms, in date order, if ``reader`` may read the school's rows."""
    school_readable_by(reader, school_id)
    rows = store.rows(
        "SELECT name, starts_on, ends_on FROM attendance_terms WHERE school_id = ? "
        "ORDER BY starts_on, name",
        (school_id,),
    )
    return [
        Term(row["name"], date.fromisoformat(row["starts_on"]), date.fromisoformat(row["ends_on"]))
        for row in rows
    ]


def find_pupils(
    store: ProjectionStore, student_reference: str, *, reader: Reader,
    school_id: str | None = None,
) -> list[Pupil]:  # fmt: skip
    """The pupils with this reference (one per school that uses it), with a placement: at
    ``reader``'s school (``access.FULL_ACCESS``: any school, or ``school_id``)."""
    school_id = school_readable_by(reader, school_id)
    sql = "SELECT DISTINCT school_id, student_reference FROM register_placements WHERE "
    sql += "student_reference = ?" + ("" if school_id is None else " AND school_id = ?")
    params = (student_reference,) + (() if school_id is None else (school_id,))
    rows = store.rows(sql + " ORDER BY school_id", params)
    return [Pupil(row["school_id"], row["student_reference"]) for row in rows]


def pupil_totals(
    store: ProjectionStore,
    policy: PolicyParameters,
    *,
    reader: Reader,
    school_id: str | None = None,
    until: date | None = None,
) -> list[PupilTotals]:
    """Every pupil with a placement at ``reader``'s school (``access.FULL_ACCESS``: every
    school, or ``school_id``), by school and reference, with their whole record's totals up
    to ``until``."""
    school_id = school_readable_by(reader, school_id)
    where = "" if school_id is None else "WHERE r.school_id = ? "
    rows = store.rows(
        "SELECT r.school_id, r.student_reference, m.day, m.session, m.code, r.placement_id, "  # noqa: S608 - our own text
        "m.possible, m.present, m.authorised, m.unauthorised FROM register_placements r "
        "LEFT JOIN attendance_marks m ON m.placement_id = r.placement_id AND m.day <= ? "
        f"{where}ORDER BY r.school_id, r.student_reference, r.opened_on, r.placement_id",
        ((until or date.max).isoformat(),) + (() if school_id is None else (school_id,)),
    )
    found: dict[Pupil, tuple[list[UUID], list[PupilSession]]] = {}
    for row in rows:
        placed, marked = found.setdefault(
            Pupil(row["school_id"], row["student_reference"]), ([], [])
        )
        if UUID(row["placement_id"]) not in placed:
            placed.append(UUID(row["placement_id"]))
        if row["day"] is not None:
            marked.append(_session(row))
    return [totals_of(pupil, placed, marked, policy) for pupil, (placed, marked) in found.items()]


def totals_of(
    pupil: Pupil,
    placement_ids: Iterable[UUID],
    found: Iterable[PupilSession],
    policy: PolicyParameters,
) -> PupilTotals:
    """The pupil's line in the list of every pupil."""
    return PupilTotals(pupil, tuple(placement_ids), total(pupil, found, policy))


def _session(row: Mapping[str, Any]) -> PupilSession:
    return PupilSession(
        day=date.fromisoformat(row["day"]),
        session=row["session"],
        code=row["code"],
        placement_id=UUID(row["placement_id"]),
        possible=bool(row["possible"]),
        present=bool(row["present"]),
        authorised_absence=bool(row["authorised"]),
        unauthorised_absence=bool(row["unauthorised"]),
    )
