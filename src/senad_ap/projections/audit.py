"""The audit trail: every decision, in the order it was recorded.

For each event: its position in the log, when it was recorded and when it took effect (a
"late entry" when recorded after the day it took effect), who decided (actor and role), what
(the event type, its facts in plain words and as data), under which policy version (POL-1),
and which rule ids it is evidence for. Filterable by placement, provider, actor, event type
and dates. ``senad-ap export`` writes these rows as JSON Lines (see docs/inspection.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.base import Event
from senad_ap.domain.placement import (
    AttendanceCorrected,
    PlacementEvent,
    PlacementState,
    school_year_of,
)
from senad_ap.domain.policy import PolicyEvent
from senad_ap.domain.provider import FullTimePupilAdmitted, FullTimePupilLeft, ProviderEvent
from senad_ap.domain.school import SchoolEvent
from senad_ap.domain.student import StudentEvent
from senad_ap.projections.access import Reader, school_condition, school_readable_by
from senad_ap.projections.base import Change, Cursor, Projection, ProjectionStore, World, iso
from senad_ap.projections.wording import JSONValue, describe, event_type, facts

__all__ = ["AuditEntry", "AuditTrailProjection", "audit_row", "entries", "export_lines"]

_COLUMNS = (
    "position",
    "record_id",
    "record_kind",
    "record_version",
    "placement_id",
    "provider_ids",
    "school_id",
    "event_type",
    "recorded_at",
    "recorded_on",
    "effective_on",
    "late_entry",
    "actor_id",
    "actor_role",
    "actor_school_id",
    "actor_provider_id",
    "policy_version",
    "evidence_for",
    "description",
    "facts",
    "idempotency_key",
    "corrects_version",
)


def _kind(event: Event) -> str:
    if isinstance(event, PlacementEvent):
        return "placement"
    if isinstance(event, ProviderEvent):
        return "provider"
    if isinstance(event, SchoolEvent):
        return "school"
    if isinstance(event, StudentEvent):
        return "student"
    if isinstance(event, PolicyEvent):
        return "policy"
    return "other"


def coarse_facts(data: dict[str, JSONValue]) -> dict[str, JSONValue]:
    """An audit row's facts with the day retention ended as the school year it fell in: the
    day gives the date of birth away (``retention_ended_in``). Erasure events hold only the
    year since their version 2 (older ones are upcast when read), but a row this projection
    wrote from a version 1 event before the upcast existed can still hold the day until the
    projection is rebuilt."""
    day = data.get("retention_ended_on")
    if not isinstance(day, str):
        return data
    coarse = {k: v for k, v in data.items() if k != "retention_ended_on"}
    coarse["retention_ended_in"] = school_year_of(date.fromisoformat(day))
    return coarse


_ENDED_ON = re.compile(r"retention ended on (\d{4}-\d{2}-\d{2})")


def _coarse_description(text: str) -> str:
    """An audit row written by an earlier version words an erasure with the day retention
    ended: shown with the school year instead (``coarse_facts``)."""
    return _ENDED_ON.sub(
        lambda m: (
            "retention ended in the school year " + school_year_of(date.fromisoformat(m.group(1)))
        ),
        text,
    )


def audit_row(change: Change) -> dict[str, Any]:
    """The audit trail's row for one event (what the table holds, as stored)."""
    event = change.event
    state = change.after
    recorded_on = event.timestamp.astimezone(UTC).date()
    if isinstance(state, PlacementState):
        placement_id: str | None = str(event.originator_id)
        providers = set(state.provider_ids)
        if isinstance(change.before, PlacementState):
            providers |= change.before.provider_ids
        school_id: str | None = state.school_id
    else:
        placement_id = None
        providers = {event.originator_id} if isinstance(event, ProviderEvent) else set()
        school_id = getattr(state, "school_id", None) or getattr(
            state, "registered_by_school", None
        )
        if isinstance(event, FullTimePupilAdmitted | FullTimePupilLeft):
            # Recorded with the placement's decision, by its school: the row is that school's.
            school_id = event.actor.school_id
    provider_ids = "".join(f",{p}" for p in sorted(str(p) for p in providers))
    return {
        "position": change.position,
        "record_id": str(event.originator_id),
        "record_kind": _kind(event),
        "record_version": event.originator_version,
        "placement_id": placement_id,
        "provider_ids": provider_ids + "," if provider_ids else "",
        "school_id": school_id,
        "event_type": event_type(event),
        "recorded_at": iso(event.timestamp),
        "recorded_on": recorded_on.isoformat(),
        "effective_on": event.effective_on.isoformat(),
        "late_entry": int(recorded_on > event.effective_on),
        "actor_id": event.actor.id,
        "actor_role": event.actor.role.value,
        "actor_school_id": event.actor.school_id,
        "actor_provider_id": iso(event.actor.provider_id),
        "policy_version": event.policy_version,
        "evidence_for": ",".join(event.evidence_for),
        "description": describe(event),
        "facts": json.dumps(facts(event), sort_keys=True, ensure_ascii=False),
        "idempotency_key": event.idempotency_key,
        "corrects_version": (
            event.corrects_version if isinstance(event, AttendanceCorrected) else None
        ),
    }


@attrs.frozen
class AuditEntry:
    """One decision on the record."""

    position: int
    record_id: UUID
    record_kind: str
    record_version: int
    placement_id: UUID | None
    provider_ids: tuple[UUID, ...]
    school_id: str | None
    event_type: str
    recorded_at: datetime
    effective_on: date
    late_entry: bool
    actor_id: str
    actor_role: str
    actor_school_id: str
    actor_provider_id: UUID | None
    policy_version: str
    evidence_for: tuple[str, ...]
    description: str
    facts: Mapping[str, JSONValue]
    idempotency_key: str | None
    corrects_version: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AuditEntry:
        return cls(
            position=int(row["position"]),
            record_id=UUID(row["record_id"]),
            record_kind=row["record_kind"],
            record_version=int(row["record_version"]),
            placement_id=None if row["placement_id"] is None else UUID(row["placement_id"]),
            provider_ids=tuple(UUID(p) for p in row["provider_ids"].split(",") if p),
            school_id=row["school_id"],
            event_type=row["event_type"],
            recorded_at=datetime.fromisoformat(row["recorded_at"]),
            effective_on=date.fromisoformat(row["effective_on"]),
            late_entry=bool(row["late_entry"]),
            actor_id=row["actor_id"],
            actor_role=row["actor_role"],
            actor_school_id=row["actor_school_id"],
            actor_provider_id=(
                None if row["actor_provider_id"] is None else UUID(row["actor_provider_id"])
            ),
            policy_version=row["policy_version"],
            evidence_for=tuple(r for r in row["evidence_for"].split(",") if r),
            description=_coarse_description(row["description"]),
            facts=coarse_facts(json.loads(row["facts"])),
            idempotency_key=row["idempotency_key"],
            corrects_version=row["corrects_version"],
        )

    def to_json(self) -> dict[str, JSONValue]:
        """The export's stable field names (docs/inspection.md describes each)."""
        return {
            "position": self.position,
            "record_id": str(self.record_id),
            "record_kind": self.record_kind,
            "record_version": self.record_version,
            "placement_id": None if self.placement_id is None else str(self.placement_id),
            "provider_ids": [str(p) for p in self.provider_ids],
            "school_id": self.school_id,
            "event_type": self.event_type,
            "recorded_at": self.recorded_at.isoformat(),
            "effective_on": self.effective_on.isoformat(),
            "late_entry": self.late_entry,
            "actor": {
                "id": self.actor_id,
                "role": self.actor_role,
                "school_id": self.actor_school_id,
                "provider_id": None
                if self.actor_provider_id is None
                else str(self.actor_provider_id),
            },
            "policy_version": self.policy_version,
            "evidence_for": list(self.evidence_for),
            "description": self.description,
            "facts": dict(self.facts),
            "idempotency_key": self.idempotency_key,
            "corrects_version": self.corrects_version,
        }


class AuditTrailProjection(Projection):
    name = "audit"
    tables = ("audit_trail",)
    create_statements = (
        "CREATE TABLE IF NOT EXISTS audit_trail ("
        + ", ".join(
            "position INTEGER PRIMARY KEY"
            if c == "position"
            else f"{c} INTEGER"
            if c in ("record_version", "late_entry", "corrects_version")
            else f"{c} TEXT"
            for c in _COLUMNS
        )
        + ")",
        "CREATE INDEX IF NOT EXISTS audit_by_placement ON audit_trail (placement_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_by_record ON audit_trail (record_id, record_version)",
    )

    def process(self, cursor: Cursor, change: Change, world: World) -> None:
        row = audit_row(change)
        self.write_later(_INSERT, tuple(row[c] for c in _COLUMNS))


_INSERT = (
    f"INSERT INTO audit_trail ({', '.join(_COLUMNS)}) "  # noqa: S608 - our own names
    f"VALUES ({', '.join('?' for _ in _COLUMNS)})"
)


def _end_of(day: date) -> str:
    return datetime.combine(day, time.max, tzinfo=UTC).isoformat()


def _query(
    *,
    placement_id: UUID | None = None,
    provider_id: UUID | None = None,
    actor_id: str | None = None,
    event_type: str | None = None,
    school_id: str | None = None,
    effective_from: date | None = None,
    effective_to: date | None = None,
    recorded_from: date | None = None,
    recorded_to: date | None = None,
) -> tuple[str, tuple[Any, ...]]:
    conditions: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("placement_id", placement_id),
        ("actor_id", actor_id),
        ("event_type", event_type),
        ("school_id", school_id),
    ):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(str(value))
    if provider_id is not None:
        # Ids are lower-case UUIDs: no wildcard of LIKE can occur in them.
        conditions.append("provider_ids LIKE ?")
        params.append(f"%,{provider_id},%")
    if effective_from is not None:
        conditions.append("effective_on >= ?")
        params.append(effective_from.isoformat())
    if effective_to is not None:
        conditions.append("effective_on <= ?")
        params.append(effective_to.isoformat())
    if recorded_from is not None:
        conditions.append("recorded_on >= ?")
        params.append(recorded_from.isoformat())
    if recorded_to is not None:
        conditions.append("recorded_at <= ?")
        params.append(_end_of(recorded_to))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT * FROM audit_trail{where} ORDER BY position", tuple(params)  # noqa: S608


def entries(store: ProjectionStore, *, reader: Reader, **filters: Any) -> list[AuditEntry]:
    """The audit trail, oldest first: the rows of ``reader``'s school (``access.FULL_ACCESS``:
    every school's). Filters (all optional, combined with "and"):
    ``placement_id``, ``provider_id``, ``actor_id``, ``event_type``, ``school_id``,
    ``effective_from``/``effective_to`` (the day it took effect) and
    ``recorded_from``/``recorded_to`` (the day it was recorded)."""
    filters["school_id"] = school_readable_by(reader, filters.get("school_id"))
    sql, params = _query(**filters)
    return [AuditEntry.from_row(row) for row in store.rows(sql, params)]


def export_lines(store: ProjectionStore, *, reader: Reader, batch: int = 2000) -> Iterator[str]:
    """The audit trail as JSON Lines, one decision a line, in log order (streamed): the whole
    trail for ``access.FULL_ACCESS``, the rows of their own school for a school's staff."""
    mine, school = school_condition(reader)
    last = 0
    while True:
        rows = store.rows(
            f"SELECT * FROM audit_trail WHERE position > ?{mine} "  # noqa: S608 - our own text
            "ORDER BY position LIMIT ?",
            (last, *school, batch),
        )
        if not rows:
            return
        for row in rows:
            entry = AuditEntry.from_row(row)
            yield json.dumps(entry.to_json(), sort_keys=True, ensure_ascii=False)
        last = int(rows[-1]["position"])


def stored_rows(store: ProjectionStore) -> list[dict[str, Any]]:
    return store.rows("SELECT * FROM audit_trail ORDER BY position")
