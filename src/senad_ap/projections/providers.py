"""Providers: registration status and URN, and the day it lapsed (COMM-3), risk assessment and
its expiry (COMM-4), staffing (QUAL-3), the latest quality-assurance visit (COMM-9), the
full-time roll at unregistered settings (STAT-4), and the placements there now (from the
placement register; the school's own provision and the allied children's home count those
that name them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.provider import ProviderState
from senad_ap.projections.access import Reader, school_condition
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

__all__ = ["ProviderRow", "ProvidersProjection", "provider_row", "providers"]

_COLUMNS = (
    "provider_id",
    "name",
    "kind",
    "delivers_accredited_education",
    "sites",
    "staffing",
    "registered_by_school",
    "urn",
    "registration_checked_on",
    "risk_outcome",
    "risk_assessed_on",
    "risk_valid_until",
    "safeguarding_policies_seen",
    "staff_checks_confirmed_in_writing",
    "full_time_pupils",
    "registration_lapsed_on",
    "quality_assured_on",
)
_INTEGERS = (
    "delivers_accredited_education",
    "safeguarding_policies_seen",
    "staff_checks_confirmed_in_writing",
    "full_time_pupils",
)


def provider_row(state: ProviderState) -> dict[str, Any]:
    risk = state.risk_assessment
    return {
        "provider_id": str(state.id),
        "name": state.name,
        "kind": state.kind.value,
        "delivers_accredited_education": int(state.delivers_accredited_education),
        "sites": "; ".join(state.sites),
        "staffing": state.staffing,
        "registered_by_school": state.registered_by_school,
        "urn": state.urn,
        "registration_checked_on": iso(state.registration_checked_on),
        "risk_outcome": None if risk is None else risk.outcome.value,
        "risk_assessed_on": None if risk is None else iso(risk.assessed_on),
        "risk_valid_until": None if risk is None else iso(risk.valid_until),
        "safeguarding_policies_seen": None
        if risk is None
        else int(risk.safeguarding_policies_seen),
        "staff_checks_confirmed_in_writing": (
            None if risk is None else int(risk.staff_checks_confirmed_in_writing)
        ),
        "full_time_pupils": len(state.full_time_pupils),
        "registration_lapsed_on": iso(state.registration_lapsed_on),
        "quality_assured_on": (
            None if state.quality_assurance is None else iso(state.quality_assurance.visited_on)
        ),
    }


@attrs.frozen
class ProviderRow:
    provider_id: UUID
    name: str
    kind: str
    delivers_accredited_education: bool
    sites: str
    staffing: str | None
    urn: str | None
    registration_checked_on: date | None
    risk_outcome: str | None
    risk_assessed_on: date | None
    risk_valid_until: date | None
    full_time_pupils: int
    placements_now: int
    registration_lapsed_on: date | None = None
    quality_assured_on: date | None = None

    @property
    def registration_confirmed(self) -> bool:
        """A DfE registration confirmed and not lapsed since (COMM-3)."""
        return self.urn is not None and self.registration_lapsed_on is None

    def risk_assessment_current_on(self, day: date) -> bool:
        return self.risk_valid_until is not None and day <= self.risk_valid_until

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ProviderRow:
        return cls(
            provider_id=UUID(row["provider_id"]),
            name=row["name"],
            kind=row["kind"],
            delivers_accredited_education=bool(row["delivers_accredited_education"]),
            sites=row["sites"],
            staffing=row["staffing"],
            urn=row["urn"],
            registration_checked_on=parse_date(row["registration_checked_on"]),
            risk_outcome=row["risk_outcome"],
            risk_assessed_on=parse_date(row["risk_assessed_on"]),
            risk_valid_until=parse_date(row["risk_valid_until"]),
            full_time_pupils=int(row["full_time_pupils"]),
            placements_now=int(row["placements_now"] or 0),
            registration_lapsed_on=parse_date(row["registration_lapsed_on"]),
            quality_assured_on=parse_date(row["quality_assured_on"]),
        )


class ProvidersProjection(Projection):
    name = "providers"
    tables = ("providers",)
    create_statements = (
        "CREATE TABLE IF NOT EXISTS providers ("
        + ", ".join(
            f"{c} TEXT PRIMARY KEY"
            if c == "provider_id"
            else f"{c} {'INTEGER' if c in _INTEGERS else 'TEXT'}"
            for c in _COLUMNS
        )
        + ")",
    )

    def process(self, cursor: Cursor, change: Change, world: World) -> None:
        if not isinstance(change.after, ProviderState):
            return
        row = provider_row(change.after)
        cursor.execute(_UPSERT, tuple(row[c] for c in _COLUMNS))


_UPSERT = upsert("providers", _COLUMNS, ("provider_id",))


def stored_rows(store: ProjectionStore) -> list[dict[str, Any]]:
    return store.rows("SELECT * FROM providers ORDER BY provider_id")


def providers(store: ProjectionStore, *, reader: Reader) -> list[ProviderRow]:
    """Every provider, by name (the schools of the group share them), with how many of
    ``reader``'s school's placements use it now (started, not ended; ``access.FULL_ACCESS``:
    every school's placements)."""
    mine, school = school_condition(reader, "r.school_id")
    rows = store.rows(
        "SELECT p.*, (SELECT COUNT(*) FROM register_placements r "  # noqa: S608 - our own text
        # Ids are lower-case UUIDs: no wildcard of LIKE can occur in them.
        " WHERE ',' || r.provider_ids || ',' LIKE '%,' || p.provider_id || ',%' "
        f" AND r.started_on IS NOT NULL AND r.ended_on IS NULL{mine}) AS placements_now "
        "FROM providers p ORDER BY p.name, p.provider_id",
        school,
    )
    return [ProviderRow.from_row(row) for row in rows]
