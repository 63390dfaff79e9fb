"""Compliance findings: what a `should`/`will` rule of the policy asks that the record lacks.

After every decision on a placement (and every decision on one of its providers or its
school's term dates) the placement is evaluated again by the pure rules in
``senad_ap.domain.compliance``. Each gap is a row: rule id, placement, the day it opens
(``since``; a review not yet overdue has a future ``since``), and, once the evidence arrives,
the day it closed and when that was recorded. Rows are kept after closing, so the findings
*as known on* any past date can be read back exactly. The findings *as in effect on* any
date (``open_findings``) are kept beside them (``senad_ap.projections.in_effect``).

One finding is the school group's: POL-1, the policy in force past its review date, on the
policy record's id (``POLICY_RECORD_ID``) with no school or student; worked out at the log's
first event (the built-in version) and at each recorded version (in effect: worked out whole,
as a version may be recorded late). Each school's findings include it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.compliance import (
    Finding,
    RegisterHint,
    policy_findings,
    policy_findings_in_effect,
    record_findings,
    register_findings,
    register_hint,
)
from senad_ap.domain.placement import PlacementState
from senad_ap.domain.placement.events import AttendanceCorrected, AttendanceRecorded
from senad_ap.domain.policy import POLICY_RECORD_ID, PolicyState
from senad_ap.domain.provider import ProviderState
from senad_ap.domain.school import SchoolState, TermRecorded, school_aggregate_id
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
    parse_datetime,
    upsert,
)
from senad_ap.projections.in_effect import IN_EFFECT_STATEMENTS, IN_EFFECT_TABLES, InEffect
from senad_ap.rules.cited import CitesRule

__all__ = ["ComplianceProjection", "FindingRow", "findings_known_on", "open_findings"]


@attrs.frozen
class FindingRow(CitesRule):
    """A gap on the record: which rule (``rule``), which placement, since when, if it closed."""

    placement_id: UUID
    school_id: str
    student_reference: str
    rule_id: str
    key: str
    since: date
    detail: str
    related_rules: tuple[str, ...]
    opened_recorded_at: datetime | None = None
    closed_on: date | None = None
    closed_recorded_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FindingRow:
        return cls(
            placement_id=UUID(row["placement_id"]),
            school_id=row["school_id"],
            student_reference=row["student_reference"],
            rule_id=row["rule_id"],
            key=row["key"],
            since=date.fromisoformat(row["since"]),
            detail=row["detail"],
            related_rules=tuple(r for r in row["related_rules"].split(",") if r),
            opened_recorded_at=parse_datetime(row["opened_recorded_at"]),
            closed_on=parse_date(row["closed_on"]),
            closed_recorded_at=parse_datetime(row["closed_recorded_at"]),
        )

    @property
    def group_level(self) -> bool:
        """True for a finding about the school group, not one placement (POL-1): its
        ``placement_id`` is the policy record's id, its school and student empty."""
        return self.placement_id == POLICY_RECORD_ID

    @classmethod
    def from_finding(cls, finding: Finding, state: PlacementState | None) -> FindingRow:
        """The row of a placement's finding (``state``: the placement), or of a group-level
        finding (``state`` None: no school, no student)."""
        return cls(
            placement_id=finding.placement_id,
            school_id="" if state is None else state.school_id,
            student_reference="" if state is None else state.student_reference,
            rule_id=finding.rule_id,
            key=finding.key,
            since=finding.since,
            detail=finding.detail,
            related_rules=finding.related_rules,
        )


class ComplianceProjection(Projection):
    name = "compliance"
    tables = (
        "compliance_findings",
        "compliance_placements",
        "compliance_links",
        "compliance_versions",
        *IN_EFFECT_TABLES,
    )
    create_statements = (
        "CREATE TABLE IF NOT EXISTS compliance_findings (placement_id TEXT, school_id TEXT, "
        "student_reference TEXT, rule_id TEXT, key TEXT, since TEXT, detail TEXT, "
        "related_rules TEXT, opened_position BIGINT, opened_recorded_at TEXT, "
        "closed_position BIGINT, closed_on TEXT, closed_recorded_at TEXT, "
        "PRIMARY KEY (placement_id, rule_id, key, opened_position))",
        "CREATE INDEX IF NOT EXISTS compliance_open ON compliance_findings "
        "(closed_position, since)",
        # What the evaluation of a placement needs: its version, school and providers.
        "CREATE TABLE IF NOT EXISTS compliance_placements (placement_id TEXT PRIMARY KEY, "
        "school_id TEXT, version INTEGER)",
        "CREATE TABLE IF NOT EXISTS compliance_links (provider_id TEXT, placement_id TEXT, "
        "PRIMARY KEY (provider_id, placement_id))",
        "CREATE TABLE IF NOT EXISTS compliance_versions (record_id TEXT PRIMARY KEY, "
        "version INTEGER)",
        # The days each gap was open as in effect (``open_findings``).
        *IN_EFFECT_STATEMENTS,
    )

    def __init__(self, policy: PolicyParameters | None = None) -> None:
        self.policy = policy or PolicyParameters()
        self.reset()

    def reset(self) -> None:
        super().reset()
        # What this run knows of its own rows, so that an event costs no reads: the open
        # findings of each placement, the versions of schools and providers (None: no row),
        # the links already written, and where each placement's register search may start.
        self._open: dict[UUID, dict[tuple[str, str], _OpenRow]] = {}
        self._versions: dict[str, int | None] = {}
        self._links: set[tuple[str, str]] = set()
        self._hints: dict[UUID, RegisterHint] = {}
        # The findings apart from the register, with the version of the placement and of its
        # related records they were worked out at.
        self._record: dict[UUID, tuple[int, _Related, tuple[Finding, ...]]] = {}
        # Placement versions not yet written: one upsert per placement per batch.
        self._pending: dict[str, tuple[str, int]] = {}
        self._in_effect = InEffect(self.write_later, self.flush, self._version_of)

    def flush(self, cursor: Cursor) -> None:
        # The findings' writes were queued in order; the open findings a later event needs
        # are remembered (``_open``), so nothing reads them back before the batch ends.
        super().flush(cursor)
        if self._pending:
            cursor.executemany(
                _UPSERT_PLACEMENT, [(pid, *row) for pid, row in self._pending.items()]
            )
            self._pending.clear()
        self._in_effect.flush(cursor)

    def process(self, cursor: Cursor, change: Change, world: World) -> None:
        state = change.after
        effective_on = change.event.effective_on
        self._in_effect.observe(change.event)
        if self._policy_version(cursor) is None:
            # The log's first event: the built-in version is in force from the start (POL-1).
            self._apply(cursor, POLICY_RECORD_ID, None, policy_findings(None, self.policy), change)
            self._in_effect.group(POLICY_RECORD_ID, policy_findings_in_effect(None, self.policy))
            cursor.execute(_UPSERT_VERSION, (str(POLICY_RECORD_ID), 0))
            self._versions[str(POLICY_RECORD_ID)] = 0
        if isinstance(state, PolicyState):
            self._apply(cursor, state.id, None, policy_findings(state, self.policy), change)
            self._in_effect.group(state.id, policy_findings_in_effect(state, self.policy))
        if isinstance(state, PlacementState):
            self._remember_placement(cursor, state)
            self._evaluate(cursor, state, change, world)
            self._in_effect.took_effect(cursor, str(state.id), effective_on)
            return
        cursor.execute(_UPSERT_VERSION, (str(state.id), state.version))
        self._versions[str(state.id)] = state.version
        if isinstance(state, ProviderState):
            self.flush(cursor)
            cursor.execute(
                "SELECT p.placement_id, p.version FROM compliance_links l JOIN "
                "compliance_placements p ON p.placement_id = l.placement_id "
                "WHERE l.provider_id = ? ORDER BY p.placement_id",
                (str(state.id),),
            )
        elif isinstance(change.event, TermRecorded) and isinstance(state, SchoolState):
            self.flush(cursor)
            cursor.execute(
                "SELECT placement_id, version FROM compliance_placements WHERE school_id = ? "
                "ORDER BY placement_id",
                (state.school_id,),
            )
        else:
            return
        for row in cursor.fetchall():
            placement = world.state(UUID(row["placement_id"]), int(row["version"]))
            if isinstance(placement, PlacementState):
                self._evaluate(cursor, placement, change, world)
        # Only the decisions that change a placement's findings count (a school's terms).
        self._in_effect.took_effect(cursor, str(state.id), effective_on)

    def _policy_version(self, cursor: Cursor) -> int | None:
        """The policy record's version last evaluated (0: built in; None: not yet)."""
        key = str(POLICY_RECORD_ID)
        if key not in self._versions:
            cursor.execute("SELECT version FROM compliance_versions WHERE record_id = ?", (key,))
            row = cursor.fetchone()
            self._versions[key] = None if row is None else int(row["version"])
        return self._versions[key]

    def _remember_placement(self, cursor: Cursor, state: PlacementState) -> None:
        placement_id = str(state.id)
        self._pending[placement_id] = (state.school_id, state.version)
        for provider_id in state.provider_ids:
            link = (str(provider_id), placement_id)
            if link not in self._links:
                cursor.execute(
                    "INSERT INTO compliance_links VALUES (?, ?) "
                    "ON CONFLICT (provider_id, placement_id) DO NOTHING",
                    link,
                )
                self._links.add(link)

    def _related(
        self, cursor: Cursor, state: PlacementState, world: World
    ) -> tuple[dict[UUID, ProviderState], SchoolState | None]:
        ids = [str(p) for p in state.provider_ids]
        ids.append(str(school_aggregate_id(state.school_id)))
        self._load_versions(cursor, ids)
        providers: dict[UUID, ProviderState] = {}
        school: SchoolState | None = None
        for record_id in ids:
            version = self._versions[record_id]
            if version is None:
                continue
            record = world.state(UUID(record_id), version)
            if isinstance(record, ProviderState):
                providers[record.id] = record
            elif isinstance(record, SchoolState):
                school = record
        return providers, school

    def _version_of(self, cursor: Cursor, record_id: str) -> int | None:
        """The version of a provider or school record processed so far (``None``: none)."""
        self._load_versions(cursor, [record_id])
        return self._versions[record_id]

    def _load_versions(self, cursor: Cursor, ids: list[str]) -> None:
        unknown = [record_id for record_id in ids if record_id not in self._versions]
        if unknown:
            cursor.execute(
                "SELECT record_id, version FROM compliance_versions WHERE record_id IN "  # noqa: S608
                f"({', '.join('?' for _ in unknown)})",
                unknown,
            )
            found = {row["record_id"]: int(row["version"]) for row in cursor.fetchall()}
            for record_id in unknown:
                self._versions[record_id] = found.get(record_id)

    def _open_rows(self, cursor: Cursor, placement_id: UUID) -> dict[tuple[str, str], _OpenRow]:
        rows = self._open.get(placement_id)
        if rows is None:
            cursor.execute(
                "SELECT rule_id, key, since, detail, related_rules, opened_position "
                "FROM compliance_findings WHERE placement_id = ? AND closed_position IS NULL",
                (str(placement_id),),
            )
            rows = {
                (row["rule_id"], row["key"]): _OpenRow(
                    date.fromisoformat(row["since"]),
                    row["detail"],
                    row["related_rules"],
                    int(row["opened_position"]),
                )
                for row in cursor.fetchall()
            }
            self._open[placement_id] = rows
        return rows

    def _evaluate(
        self, cursor: Cursor, state: PlacementState, change: Change, world: World
    ) -> None:
        providers, school = self._related(cursor, state, world)
        versions = (
            tuple(sorted((p.id, p.version) for p in providers.values())),
            None if school is None else school.version,
        )
        kept = self._record.get(state.id)
        if (
            kept is not None
            and kept[0] == state.version - 1
            and kept[1] == versions
            and isinstance(change.event, _REGISTER_EVENTS)
            and change.event.originator_id == state.id
        ):
            # A mark changes only the register: the rest of the findings stand as they were.
            recorded_gaps = kept[2]
        else:
            recorded_gaps = record_findings(
                state, providers=providers, school=school, policy=self.policy
            )
        self._record[state.id] = (state.version, versions, recorded_gaps)
        findings = (
            *recorded_gaps,
            *register_findings(
                state, school=school, policy=self.policy, marked_before=self._hints.get(state.id)
            ),
        )
        hint = register_hint(state, school, findings)
        if hint is None:
            self._hints.pop(state.id, None)
        else:
            self._hints[state.id] = hint
        self._apply(cursor, state.id, state, findings, change)
        self._in_effect.advance(
            cursor,
            state,
            findings,
            change.event.effective_on,
            frontier=self._in_effect.frontier(cursor, state),
            events_of=world.events_of,
            policy=self.policy,
        )

    def _apply(
        self,
        cursor: Cursor,
        record_id: UUID,
        state: PlacementState | None,
        findings: tuple[Finding, ...],
        change: Change,
    ) -> None:
        """Bring the rows of ``record_id`` (a placement, ``state``; or the policy record, no
        state) in line with ``findings``: open the new ones, close those that went away."""
        found = {(f.rule_id, f.key): f for f in findings}
        open_rows = self._open_rows(cursor, record_id)
        event = change.event
        recorded = event.timestamp.astimezone(UTC)
        placement_id = str(record_id)
        for (rule_id, key), row in list(open_rows.items()):
            finding = found.get((rule_id, key))
            identity = (placement_id, rule_id, key, row.opened_position)
            if finding is not None and finding.since == row.since:
                del found[(rule_id, key)]
                related = ",".join(finding.related_rules)
                if (finding.detail, related) != (row.detail, row.related_rules):
                    self.write_later(
                        "UPDATE compliance_findings SET detail = ?, related_rules = ? "
                        "WHERE placement_id = ? AND rule_id = ? AND key = ? "
                        "AND opened_position = ?",
                        (finding.detail, related, *identity),
                    )
                    open_rows[(rule_id, key)] = attrs.evolve(
                        row, detail=finding.detail, related_rules=related
                    )
                continue
            del open_rows[(rule_id, key)]
            if row.since > event.effective_on and row.since > recorded.date():
                # The gap never opened, in effect or as known: it leaves no trace.
                self.write_later(
                    "DELETE FROM compliance_findings WHERE placement_id = ? AND rule_id = ? "
                    "AND key = ? AND opened_position = ?",
                    identity,
                )
            else:
                self.write_later(
                    "UPDATE compliance_findings SET closed_position = ?, closed_on = ?, "
                    "closed_recorded_at = ? WHERE placement_id = ? AND rule_id = ? "
                    "AND key = ? AND opened_position = ?",
                    (change.position, iso(event.effective_on), iso(recorded), *identity),
                )
        for finding in found.values():
            related = ",".join(finding.related_rules)
            self.write_later(
                "INSERT INTO compliance_findings VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
                (
                    placement_id,
                    "" if state is None else state.school_id,
                    "" if state is None else state.student_reference,
                    finding.rule_id,
                    finding.key,
                    iso(finding.since),
                    finding.detail,
                    related,
                    change.position,
                    iso(recorded),
                ),
            )
            open_rows[(finding.rule_id, finding.key)] = _OpenRow(
                finding.since, finding.detail, related, change.position
            )


#: The versions of a placement's providers and of its school, as evaluated.
_Related = tuple[tuple[tuple[UUID, int], ...], int | None]
#: The events that change only the register of a placement (``record_findings``).
_REGISTER_EVENTS = (AttendanceRecorded, AttendanceCorrected)


@attrs.frozen
class _OpenRow:
    """An open finding's row, as this run remembers it."""

    since: date
    detail: str
    related_rules: str
    opened_position: int


_UPSERT_VERSION = upsert("compliance_versions", ("record_id", "version"), ("record_id",))
_UPSERT_PLACEMENT = upsert(
    "compliance_placements", ("placement_id", "school_id", "version"), ("placement_id",)
)
_ORDER = " ORDER BY student_reference, placement_id, rule_id, key"


def open_findings(
    store: ProjectionStore, *, on: date, reader: Reader, school_id: str | None = None,
    placement_id: UUID | None = None,
) -> list[FindingRow]:  # fmt: skip
    """The reader's school's gaps (``access.FULL_ACCESS``: every school's, or ``school_id``'s)
    open on ``on`` *as in effect*, by the record now: decisions that took effect by ``on``,
    late entries included. A past day includes the gaps closed since (``closed_on``); a later
    day, what will be overdue by then. As ``as_at.findings_as_at(..., IN_EFFECT_ON)``."""
    school_id = school_readable_by(reader, school_id)
    day = on.isoformat()
    sql = (
        "SELECT placement_id, school_id, student_reference, rule_id, key, since, detail, "
        "related_rules, open_until FROM compliance_in_effect WHERE open_from <= ? "
        "AND (open_until IS NULL OR open_until > ?)"
    )
    params: list[str] = [day, day]
    sql, params = _filtered(sql, params, school_id, placement_id)
    return [
        FindingRow(
            placement_id=UUID(row["placement_id"]),
            school_id=row["school_id"],
            student_reference=row["student_reference"],
            rule_id=row["rule_id"],
            key=row["key"],
            since=date.fromisoformat(row["since"]),
            detail=row["detail"],
            related_rules=tuple(r for r in row["related_rules"].split(",") if r),
            closed_on=parse_date(row["open_until"]),
        )
        for row in store.rows(sql + _ORDER, tuple(params))
    ]


def findings_known_on(
    store: ProjectionStore,
    *,
    known_on: date,
    reader: Reader,
    school_id: str | None = None,
    placement_id: UUID | None = None,
) -> list[FindingRow]:
    """The gaps open at the end of ``known_on`` as the record stood then (later, back-dated
    evidence does not close them); whose, as ``open_findings``."""
    school_id = school_readable_by(reader, school_id)
    end = datetime.combine(known_on, time.max, tzinfo=UTC).isoformat()
    sql = (
        "SELECT * FROM compliance_findings WHERE opened_recorded_at <= ? AND since <= ? "
        "AND (closed_recorded_at IS NULL OR closed_recorded_at > ?)"
    )
    params: list[str] = [end, known_on.isoformat(), end]
    sql, params = _filtered(sql, params, school_id, placement_id)
    rows = [FindingRow.from_row(row) for row in store.rows(sql + _ORDER, tuple(params))]
    # A finding closed after that day was still open then.
    return [attrs.evolve(r, closed_on=None, closed_recorded_at=None) for r in rows]


def finding_history(
    store: ProjectionStore, placement_id: UUID, *, reader: Reader
) -> list[FindingRow]:
    """Every gap the placement's record has shown, open and closed, in the order they opened
    (nothing for another school's placement than ``reader``'s; ``FULL_ACCESS``: any)."""
    where = "SELECT * FROM compliance_findings WHERE 1 = 1"
    sql, params = _filtered(where, [], school_readable_by(reader, None), placement_id)
    rows = store.rows(sql + " ORDER BY opened_position, rule_id, key", tuple(params))
    return [FindingRow.from_row(row) for row in rows]


def _filtered(
    sql: str, params: list[str], school_id: str | None, placement_id: UUID | None
) -> tuple[str, list[str]]:
    if school_id is not None:
        # The group-level findings (POL-1: school '') are every school's.
        sql += " AND (school_id = ? OR school_id = '')"
        params.append(school_id)
    if placement_id is not None:
        sql += " AND placement_id = ?"
        params.append(str(placement_id))
    return sql, params


def stored_rows(store: ProjectionStore) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT * FROM compliance_findings ORDER BY placement_id, rule_id, key, opened_position"
    )


def stored_in_effect_rows(store: ProjectionStore) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT * FROM compliance_in_effect ORDER BY placement_id, rule_id, key, since, open_from"
    )
