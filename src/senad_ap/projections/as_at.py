"""The record as at a past date, in the two senses an inspector can choose.

*As known on* a day: only what had been recorded by the end of that day — what someone
looking at the record then would have seen. *As in effect on* a day: everything that had
taken effect by then, including facts recorded later and back-dated (late entries), which
are listed so they are never hidden. Both are worked out from the event log by the domain's
own ``evolve``, so they cannot drift from what the application showed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from senad_ap.domain.base import Event
from senad_ap.domain.compliance import placement_findings, policy_findings
from senad_ap.domain.placement import PlacementState
from senad_ap.domain.policy import POLICY_RECORD_ID, PolicyState
from senad_ap.domain.provider import ProviderState
from senad_ap.domain.records import evolve_record
from senad_ap.domain.school import SchoolState, school_aggregate_id
from senad_ap.domain.values import PolicyParameters
from senad_ap.errors import InvalidInputError
from senad_ap.projections.access import FULL_ACCESS, FullAccess, Reader, school_readable_by
from senad_ap.projections.compliance import FindingRow
from senad_ap.projections.register import RegisterRow, register_row
from senad_ap.projections.register_history import history_rows

if TYPE_CHECKING:
    from senad_ap.application import AlternativeProvision
    from senad_ap.projections.runner import Projections

__all__ = [
    "AsAt",
    "PlacementAsAt",
    "Sense",
    "findings_as_at",
    "fold_as_at",
    "placement_as_at",
    "register_as_at",
    "register_as_at_by_fold",
]


class Sense(enum.Enum):
    KNOWN_ON = "as known on"
    IN_EFFECT_ON = "as in effect on"


@attrs.frozen
class AsAt:
    """A past date and the sense it is read in."""

    sense: Sense
    on: date

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.on, date) or isinstance(self.on, datetime):
            raise InvalidInputError("An as-at date must be a date.", field="on")
        if not isinstance(self.sense, Sense):
            raise InvalidInputError("Choose 'as known on' or 'as in effect on'.", field="sense")

    @property
    def end(self) -> datetime:
        return datetime.combine(self.on, time.max, tzinfo=UTC)

    def includes(self, event: Event) -> bool:
        if self.sense is Sense.KNOWN_ON:
            return event.timestamp <= self.end
        return event.effective_on <= self.on

    def recorded_later(self, event: Event) -> bool:
        """Took effect by the day but was recorded after it: a late entry."""
        return event.effective_on <= self.on and event.timestamp > self.end

    def __str__(self) -> str:
        return f"{self.sense.value} {self.on.isoformat()}"


@attrs.frozen
class PlacementAsAt:
    """A placement as at a date, and the late entries for that date.

    ``late_entries``: decisions that took effect by the date but were recorded after it. As
    in effect on the date they are part of ``state``; as known on the date they are not (the
    record did not hold them yet), and they are listed here so they are never hidden.
    """

    as_at: AsAt
    state: PlacementState
    late_entries: tuple[Event, ...]


def fold_as_at(events: Iterable[Event], as_at: AsAt) -> Any:
    """Any record's state from its events, as at ``as_at`` (``None`` if it had not begun)."""
    state: Any = None
    for event in events:
        if not as_at.includes(event):
            continue
        if state is None and event.originator_version != 1:
            continue  # the record had not begun by then
        state = evolve_record(state, event)
    return state


def _events(app: AlternativeProvision, record_id: UUID) -> Sequence[Event]:
    return app.events_of(record_id, reader=FULL_ACCESS)  # the callers checked the reader


def placement_as_at(
    app: AlternativeProvision, placement_id: UUID, as_at: AsAt, *, reader: Reader
) -> PlacementAsAt | None:
    """The placement as at ``as_at``; ``None`` if it was not yet on the record then.

    ``reader`` is checked as ``get_placement`` checks it (``NotAuthorisedError``; an inspector
    needs a grant that lasts today), and its sealed values are revealed only to a reader who
    passes; ``FULL_ACCESS`` (the operator) reads any placement."""
    if not isinstance(reader, FullAccess):
        app.get_placement(placement_id, reader=reader)
    events = _events(app, placement_id)
    state = fold_as_at(events, as_at)
    if not isinstance(state, PlacementState):
        return None
    late = tuple(e for e in events if as_at.recorded_later(e))
    return app.reveal(PlacementAsAt(as_at, state, late))


def _row(state: PlacementState, on: date, policy: PolicyParameters) -> RegisterRow:
    marks = [m for m in state.marks.values() if m.day <= on]
    row = register_row(state, policy)
    row["possible"] = sum(1 for m in marks if m.code.meaning.counts_as_possible)
    row["present"] = sum(1 for m in marks if m.code.meaning.is_present)
    return RegisterRow.from_row(row)


def register_as_at(
    projections: Projections, as_at: AsAt, *, reader: Reader, school_id: str | None = None
) -> list[RegisterRow]:
    """The placement register as at ``as_at`` (attendance counted up to that day): the
    reader's school's placements (``FULL_ACCESS``: every school's, or ``school_id``'s).
    Read from the register's own history (``projections.register_history``): one query,
    equal to ``register_as_at_by_fold``."""
    found = history_rows(
        projections.store,
        known=as_at.sense is Sense.KNOWN_ON,
        on=as_at.on,
        end=as_at.end,
        school_id=school_readable_by(reader, school_id),
    )
    rows = [RegisterRow.from_row(row) for row in found]
    return sorted(rows, key=lambda r: (r.student_reference, r.opened_on, str(r.placement_id)))


def register_as_at_by_fold(
    projections: Projections, as_at: AsAt, *, reader: Reader, school_id: str | None = None
) -> list[RegisterRow]:
    """``register_as_at`` worked out by folding every placement's history (slow: kept to
    check the history tables against, and as the benchmark's baseline)."""
    rows = []
    for placement_id in _placement_ids(projections, school_readable_by(reader, school_id)):
        found = placement_as_at(projections.app, placement_id, as_at, reader=FULL_ACCESS)
        if found is not None:
            rows.append(_row(found.state, as_at.on, projections.app.policy))
    return sorted(rows, key=lambda r: (r.student_reference, r.opened_on, str(r.placement_id)))


def findings_as_at(
    projections: Projections,
    as_at: AsAt,
    *,
    reader: Reader,
    school_id: str | None = None,
    policy: PolicyParameters | None = None,
) -> list[FindingRow]:
    """The compliance gaps open on ``as_at.on``, with the record read in ``as_at``'s sense;
    the group-level one (POL-1) first, once the record has begun (the log's first event was
    recorded by then, as known on the day; any event, as in effect). Only the reader's
    school's placements (``FULL_ACCESS``: every school's, or ``school_id``'s)."""
    school_id = school_readable_by(reader, school_id)
    app = projections.app
    policy = policy or app.policy
    providers: dict[UUID, ProviderState | None] = {}
    schools: dict[str, SchoolState | None] = {}
    rows: list[FindingRow] = []
    if _record_begun(app, as_at):
        group: PolicyState | None = fold_as_at(_events(app, POLICY_RECORD_ID), as_at)
        rows.extend(
            FindingRow.from_finding(finding, None)
            for finding in policy_findings(group, policy, on=as_at.on)
        )
    for placement_id in _placement_ids(projections, school_id):
        found = placement_as_at(app, placement_id, as_at, reader=FULL_ACCESS)
        if found is None:
            continue
        state = found.state
        for provider_id in state.provider_ids:
            if provider_id not in providers:
                providers[provider_id] = fold_as_at(_events(app, provider_id), as_at)
        if state.school_id not in schools:
            schools[state.school_id] = fold_as_at(
                _events(app, school_aggregate_id(state.school_id)), as_at
            )
        related = {p: s for p in state.provider_ids if (s := providers[p]) is not None}
        for finding in placement_findings(
            state, providers=related, school=schools[state.school_id], policy=policy
        ):
            if finding.since <= as_at.on:
                rows.append(FindingRow.from_finding(finding, state))
    return sorted(rows, key=lambda r: (r.student_reference, str(r.placement_id), r.rule_id, r.key))


def _record_begun(app: AlternativeProvision, as_at: AsAt) -> bool:
    """Whether the log holds an event, and, as known on a day, its first was recorded by then."""
    first = app.recorder.select_notifications(start=None, limit=1)
    if not first:
        return False
    if as_at.sense is Sense.IN_EFFECT_ON:
        return True
    event = app.mapper.to_domain_event(first[0])
    return isinstance(event, Event) and event.timestamp <= as_at.end


def _placement_ids(projections: Projections, school_id: str | None) -> list[UUID]:
    sql = "SELECT placement_id FROM register_placements"
    params: tuple[str, ...] = ()
    if school_id is not None:
        sql += " WHERE school_id = ?"
        params = (school_id,)
    return [
        UUID(row["placement_id"]) for row in projections.store.rows(sql + " ORDER BY 1", params)
    ]
