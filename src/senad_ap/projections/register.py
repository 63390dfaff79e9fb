"""The placement register: every placement, where, since when, on which plan.

One row per placement, rebuilt from the placement's state after each decision. Attendance
marks do not change the row (the attendance projection counts them); the register query joins
the two, so the row shows the latest attendance rate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.compliance import review_due
from senad_ap.domain.placement import AttendanceCorrected, AttendanceRecorded, PlacementState
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

__all__ = ["PlacementRegisterProjection", "RegisterRow", "placements", "register_row"]

_COLUMNS = (
    "placement_id",
    "school_id",
    "student_reference",
    "reason",
    "setting",
    "location",
    "provider_ids",
    "status",
    "opened_on",
    "started_on",
    "ended_on",
    "suspended_since",
    "destination",
    "intended_destination",
    "weekly_hours",
    "hours_by_setting",
    "review_interval_weeks",
    "plan_agreed_on",
    "plan_revised_on",
    "last_reviewed_on",
    "next_review_due",
    "medical_exemption_review_on",
    "residential",
    "looked_after",
    "ehcp_reference",
)


def register_row(state: PlacementState, policy: PolicyParameters | None = None) -> dict[str, Any]:
    """The register's row for a placement's state (what the table holds, as stored);
    ``policy`` sets the longest review interval (the defaults if not given)."""
    plan = state.plan
    hours: dict[str, str] = {}
    if plan is not None:
        for entry in plan.weekly_pattern:
            if entry.day in plan.school_days:
                key = entry.setting.value
                hours[key] = str(Decimal(hours.get(key, "0")) + entry.hours)
    return {
        "placement_id": str(state.id),
        "school_id": state.school_id,
        "student_reference": state.student_reference,
        "reason": state.reason.value,
        "setting": state.setting.value,
        "location": state.location,
        "provider_ids": ",".join(sorted(str(p) for p in state.provider_ids)),
        "status": state.status.value,
        "opened_on": iso(state.opened_on),
        "started_on": iso(state.started_on),
        "ended_on": iso(state.ended_on),
        "suspended_since": iso(state.suspended_since),
        "destination": None if state.destination is None else state.destination.value,
        "intended_destination": (
            None
            if plan is None or plan.intended_destination is None
            else plan.intended_destination.value
        ),
        "weekly_hours": None if plan is None else str(plan.weekly_hours),
        "hours_by_setting": json.dumps(hours, sort_keys=True),
        "review_interval_weeks": None if plan is None else plan.review_interval_weeks,
        "plan_agreed_on": iso(state.plan_agreed_on),
        "plan_revised_on": iso(state.plan_revised_on),
        "last_reviewed_on": iso(state.last_reviewed_on),
        "next_review_due": iso(None if state.ended_on is not None else review_due(state, policy)),
        "medical_exemption_review_on": iso(
            None if state.medical_exemption is None else state.medical_exemption.review_on
        ),
        "residential": int(state.residential),
        "looked_after": int(state.looked_after),
        "ehcp_reference": state.ehcp_reference,
    }


@attrs.frozen
class RegisterRow:
    """One placement on the register, with its attendance so far."""

    placement_id: UUID
    school_id: str
    student_reference: str
    reason: str
    setting: str
    location: str
    provider_ids: tuple[UUID, ...]
    status: str
    opened_on: date
    started_on: date | None
    ended_on: date | None
    suspended_since: date | None
    destination: str | None
    intended_destination: str | None
    weekly_hours: Decimal | None
    hours_by_setting: Mapping[str, Decimal]
    review_interval_weeks: int | None
    plan_agreed_on: date | None
    plan_revised_on: date | None
    last_reviewed_on: date | None
    next_review_due: date | None
    medical_exemption_review_on: date | None
    residential: bool
    looked_after: bool
    ehcp_reference: str | None
    sessions_possible: int
    sessions_present: int
    attendance_rate: Decimal | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RegisterRow:
        possible = int(row.get("possible") or 0)
        present = int(row.get("present") or 0)
        rate = None if possible == 0 else round(Decimal(100 * present) / possible, 1)
        hours = json.loads(row["hours_by_setting"])
        return cls(
            placement_id=UUID(row["placement_id"]),
            school_id=row["school_id"],
            student_reference=row["student_reference"],
            reason=row["reason"],
            setting=row["setting"],
            location=row["location"],
            provider_ids=tuple(UUID(p) for p in row["provider_ids"].split(",") if p),
            status=row["status"],
            opened_on=date.fromisoformat(row["opened_on"]),
            started_on=parse_date(row["started_on"]),
            ended_on=parse_date(row["ended_on"]),
            suspended_since=parse_date(row["suspended_since"]),
            destination=row["destination"],
            intended_destination=row["intended_destination"],
            weekly_hours=None if row["weekly_hours"] is None else Decimal(row["weekly_hours"]),
            hours_by_setting={k: Decimal(v) for k, v in hours.items()},
            review_interval_weeks=row["review_interval_weeks"],
            plan_agreed_on=parse_date(row["plan_agreed_on"]),
            plan_revised_on=parse_date(row["plan_revised_on"]),
            last_reviewed_on=parse_date(row["last_reviewed_on"]),
            next_review_due=parse_date(row["next_review_due"]),
            medical_exemption_review_on=parse_date(row["medical_exemption_review_on"]),
            residential=bool(row["residential"]),
            looked_after=bool(row["looked_after"]),
            ehcp_reference=row["ehcp_reference"],
            sessions_possible=possible,
            sessions_present=present,
            attendance_rate=rate,
        )


class PlacementRegisterProjection(Projection):
    name = "register"
    tables = ("register_placements",)
    create_statements = (
        "CREATE TABLE IF NOT EXISTS register_placements ("
        + ", ".join(
            f"{c} TEXT PRIMARY KEY" if c == "placement_id" else f"{c} {_type}"
            for c in _COLUMNS
            for _type in [
                "INTEGER"
                if c in ("review_interval_weeks", "residential", "looked_after")
                else "TEXT"
            ]
        )
        + ")",
        "CREATE INDEX IF NOT EXISTS register_by_school ON register_placements (school_id)",
    )

    def __init__(self, policy: PolicyParameters | None = None) -> None:
        self.policy = policy or PolicyParameters()

    def process(self, cursor: Cursor, change: Change, world: World) -> None:
        state = change.after
        if not isinstance(state, PlacementState):
            return
        if isinstance(change.event, AttendanceRecorded | AttendanceCorrected):
            return  # a mark changes no column of the register
        row = register_row(state, self.policy)
        cursor.execute(_UPSERT, tuple(row[c] for c in _COLUMNS))


_UPSERT = upsert("register_placements", _COLUMNS, ("placement_id",))


def stored_rows(store: ProjectionStore) -> list[dict[str, Any]]:
    """The register's rows as stored, in placement id order (for comparisons)."""
    return store.rows("SELECT * FROM register_placements ORDER BY placement_id")


def placements(
    store: ProjectionStore, *, reader: Reader, school_id: str | None = None,
    status: str | None = None,
) -> list[RegisterRow]:  # fmt: skip
    """The register, by student reference, with each placement's attendance so far: the
    reader's school's placements (``access.FULL_ACCESS``: every school's, or ``school_id``'s;
    inspectors and provider staff read through the application)."""
    school_id = school_readable_by(reader, school_id)
    sql = (
        "SELECT r.*, a.possible, a.present FROM register_placements r LEFT JOIN "
        "(SELECT placement_id, SUM(possible) AS possible, SUM(present) AS present "
        " FROM attendance_marks GROUP BY placement_id) a ON a.placement_id = r.placement_id"
    )
    conditions: list[str] = []
    params: list[str] = []
    if school_id is not None:
        conditions.append("r.school_id = ?")
        params.append(school_id)
    if status is not None:
        conditions.append("r.status = ?")
        params.append(status)
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    sql += " ORDER BY r.student_reference, r.opened_on, r.placement_id"
    return [RegisterRow.from_row(row) for row in store.rows(sql, tuple(params))]
