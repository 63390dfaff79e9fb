"""What the report shows, read from the projections and the log: every read the report makes is
here (and passes ``reader`` wherever a query takes one), so that the numbers it prints are the
projections' own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from uuid import UUID

import attrs

from senad_ap.application import AlternativeProvision
from senad_ap.application.integrity import SealRecord, Verification
from senad_ap.domain.placement import PlacementState, PlacementStatus
from senad_ap.domain.placement.events import ProgressReviewed
from senad_ap.domain.plan import ObjectiveProgress, Plan
from senad_ap.domain.policy import PolicyVersion
from senad_ap.errors import InvalidInputError
from senad_ap.projections import attendance, audit, compliance, providers, register
from senad_ap.projections.access import Reader
from senad_ap.projections.as_at import (
    AsAt,
    Sense,
    findings_as_at,
    placement_as_at,
    register_as_at,
)
from senad_ap.projections.runner import Projections

__all__ = ["PlacementData", "ReportData", "ReportScope", "gather"]

#: The audit trail's event type of one attendance mark: the chart counts them, the timeline
#: does not draw each one.
MARK_EVENTS = frozenset({"AttendanceRecorded", "AttendanceCorrected"})


@attrs.frozen
class ReportScope:
    """Which placements the report covers: the whole record (nothing set), one school, the
    placements using one provider, or one placement (the filters combine)."""

    school_id: str | None = None
    provider_id: UUID | None = None
    placement_id: UUID | None = None

    def __attrs_post_init__(self) -> None:
        if self.school_id is not None and not (
            isinstance(self.school_id, str) and self.school_id.strip()
        ):
            raise InvalidInputError("A school id must be non-empty text.", field="school_id")
        for name in ("provider_id", "placement_id"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, UUID):
                raise InvalidInputError(f"The {name.replace('_', ' ')} must be a UUID.", field=name)

    def covers(self, row: register.RegisterRow) -> bool:
        return (
            (self.school_id is None or row.school_id == self.school_id)
            and (self.provider_id is None or self.provider_id in row.provider_ids)
            and (self.placement_id is None or row.placement_id == self.placement_id)
        )

    def describe(self) -> str:
        parts = []
        if self.school_id is not None:
            parts.append(f"school {self.school_id}")
        if self.provider_id is not None:
            parts.append(f"placements using provider {self.provider_id}")
        if self.placement_id is not None:
            parts.append(f"placement {self.placement_id}")
        return ", ".join(parts) or "every school of the group"


@attrs.frozen
class PlacementData:
    row: register.RegisterRow
    state: PlacementState | None
    decisions: tuple[audit.AuditEntry, ...]
    marks_recorded: int
    weeks: tuple[attendance.AttendancePeriod, ...]
    latest_progress: tuple[ObjectiveProgress, ...]
    findings: tuple[compliance.FindingRow, ...]
    #: As known on a day: decisions that took effect by then but were recorded later (not
    #: shown, since the record did not hold them yet, but counted so that none is hidden).
    recorded_later: int = 0

    @property
    def erased(self) -> bool:
        return self.row.status == PlacementStatus.ERASED.value

    @property
    def plan(self) -> Plan | None:
        plan = None if self.state is None else self.state.plan
        return plan if isinstance(plan, Plan) else None


@attrs.frozen
class ReportData:
    """Everything one report shows, as on ``day`` (``as_at``: in which sense; ``None``: the
    record as it stands now, read from the projections)."""

    scope: ReportScope
    day: date
    as_at: AsAt | None
    placements: tuple[PlacementData, ...]
    findings: tuple[compliance.FindingRow, ...]
    providers: tuple[providers.ProviderRow, ...]
    policy: PolicyVersion
    verification: Verification
    seal: SealRecord | None


def gather(
    app: AlternativeProvision,
    projections: Projections,
    *,
    reader: Reader,
    scope: ReportScope,
    as_at: AsAt | None,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> ReportData:
    """Read the report's data: as at ``as_at``, or (``None``) as the projections hold it on
    ``today``; ``progress(done, total)`` is told after each placement."""
    store = projections.store
    day = today if as_at is None else as_at.on
    if as_at is None:
        rows = register.placements(store, reader=reader, school_id=scope.school_id)
        findings = compliance.open_findings(store, on=day, reader=reader, school_id=scope.school_id)
    else:
        rows = register_as_at(projections, as_at, reader=reader, school_id=scope.school_id)
        if as_at.sense is Sense.KNOWN_ON:
            findings = compliance.findings_known_on(
                store, known_on=as_at.on, reader=reader, school_id=scope.school_id
            )
        else:
            findings = findings_as_at(projections, as_at, reader=reader, school_id=scope.school_id)
    rows = [r for r in rows if scope.covers(r)]
    ids = {r.placement_id for r in rows}
    whole_group = scope.provider_id is None and scope.placement_id is None
    findings = [f for f in findings if f.placement_id in ids or (f.group_level and whole_group)]
    read: list[PlacementData] = []
    for row in rows:
        read.append(
            _placement(app, projections, row, findings, as_at=as_at, day=day, reader=reader)
        )
        if progress is not None:
            progress(len(read), len(rows))
    placements = tuple(read)
    used = {p for r in rows for p in r.provider_ids}
    provider_rows = [
        p
        for p in providers.providers(store, reader=reader)
        if p.provider_id in used or (whole_group and scope.school_id is None)
    ]
    seals = app.seals()
    return ReportData(
        scope=scope,
        day=day,
        as_at=as_at,
        placements=placements,
        findings=tuple(findings),
        providers=tuple(provider_rows),
        policy=app.policy_in_force(on=day),
        verification=app.verify(),
        seal=seals[-1] if seals else None,
    )


def _placement(
    app: AlternativeProvision,
    projections: Projections,
    row: register.RegisterRow,
    findings: Sequence[compliance.FindingRow],
    *,
    as_at: AsAt | None,
    day: date,
    reader: Reader,
) -> PlacementData:
    store = projections.store
    pid = row.placement_id
    read_as = as_at or AsAt(Sense.KNOWN_ON, day)
    found = placement_as_at(app, pid, read_as, reader=reader)
    state = None if found is None else found.state
    every = audit.entries(store, placement_id=pid, reader=reader)
    entries = every if as_at is None else [e for e in every if _included(e, as_at)]
    later = 0
    if as_at is not None and as_at.sense is Sense.KNOWN_ON:
        later = sum(
            1
            for e in every
            if e.effective_on <= as_at.on
            and e.recorded_at > as_at.end
            and e.event_type not in MARK_EVENTS
        )
    if as_at is None or state is None:
        weeks = attendance.by_week(
            store, pid, until=None if as_at is None else as_at.on, reader=reader
        )
    else:
        marks = [m for m in state.marks.values() if m.day <= as_at.on]
        weeks = attendance.periods_from_marks(pid, marks, weekly=True)
    return PlacementData(
        row=row,
        state=state,
        decisions=tuple(e for e in entries if e.event_type not in MARK_EVENTS),
        marks_recorded=sum(1 for e in entries if e.event_type in MARK_EVENTS),
        weeks=tuple(weeks),
        latest_progress=_latest_progress(app, pid, read_as, reader),
        findings=tuple(f for f in findings if f.placement_id == pid),
        recorded_later=later,
    )


def _included(entry: audit.AuditEntry, as_at: AsAt) -> bool:
    if as_at.sense is Sense.KNOWN_ON:
        return entry.recorded_at <= as_at.end
    return entry.effective_on <= as_at.on


def _latest_progress(
    app: AlternativeProvision, placement_id: UUID, as_at: AsAt, reader: Reader
) -> tuple[ObjectiveProgress, ...]:
    reviews = [
        e
        for e in app.events_of(placement_id, reader=reader)
        if isinstance(e, ProgressReviewed) and as_at.includes(e)
    ]
    if not reviews:
        return ()
    progress = app.reveal(reviews[-1]).progress
    return progress if isinstance(progress, tuple) else ()
