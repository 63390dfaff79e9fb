"""The compliance findings *as in effect on* each day, kept as the days each was open.

The compliance projection's own rows (``compliance_findings``) say when each gap opened and
closed in the order the record was written: exactly what ``findings_known_on`` needs. A
past day *in effect* is another question: which gaps were open that day given every decision
that took effect by then, including those recorded later (late entries). Its answer is what
``as_at.findings_as_at`` works out by folding the log as at the day; this module keeps the
same answer as rows, one per stretch of days a gap was open in effect (``open_from``
inclusive, ``open_until`` exclusive, ``NULL`` while still open), so that
``compliance.open_findings(on=day)`` reads it with one query for any day, past or future.

A placement's findings depend on its own record, its providers' and its school's terms. While
their decisions arrive in the order they took effect, each new decision, effective on ``e``,
ends the stretches of the gaps it closes on ``e`` and opens the new gaps' on ``e`` (or on their
``since``, if later). A decision that took effect before the latest decision already seen for
those records (a late entry) changes the days from its own onwards: those are worked out
again by folding the records as at each day a decision took effect from then on.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.base import Event
from senad_ap.domain.compliance import Finding, placement_findings
from senad_ap.domain.placement import PlacementState
from senad_ap.domain.provider import ProviderState
from senad_ap.domain.records import evolve_record
from senad_ap.domain.school import SchoolState, school_aggregate_id
from senad_ap.domain.values import PolicyParameters
from senad_ap.projections.base import Cursor, iso, upsert

__all__ = ["IN_EFFECT_STATEMENTS", "IN_EFFECT_TABLES", "InEffect", "fold_in_effect"]

IN_EFFECT_TABLES = ("compliance_in_effect", "compliance_latest")
IN_EFFECT_STATEMENTS = (
    "CREATE TABLE IF NOT EXISTS compliance_in_effect (placement_id TEXT, school_id TEXT, "
    "student_reference TEXT, rule_id TEXT, key TEXT, since TEXT, detail TEXT, "
    "related_rules TEXT, open_from TEXT, open_until TEXT, "
    "PRIMARY KEY (placement_id, rule_id, key, since, open_from))",
    "CREATE INDEX IF NOT EXISTS compliance_in_effect_days ON compliance_in_effect "
    "(open_from, open_until)",
    # The latest day any decision of a record took effect, of those processed.
    "CREATE TABLE IF NOT EXISTS compliance_latest (record_id TEXT PRIMARY KEY, latest_on TEXT)",
)
_UPSERT_LATEST = upsert("compliance_latest", ("record_id", "latest_on"), ("record_id",))
_INSERT = "INSERT INTO compliance_in_effect VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_CLOSE = (
    "UPDATE compliance_in_effect SET open_until = ? WHERE placement_id = ? AND rule_id = ? "
    "AND key = ? AND since = ? AND open_from = ?"
)
_DROP = (
    "DELETE FROM compliance_in_effect WHERE placement_id = ? AND rule_id = ? AND key = ? "
    "AND since = ? AND open_from = ?"
)
_DETAIL = (
    "UPDATE compliance_in_effect SET detail = ?, related_rules = ? WHERE placement_id = ? "
    "AND rule_id = ? AND key = ? AND since = ? AND open_from = ?"
)

#: How many records' events ``InEffect`` holds at most between late entries.
_MOST_RECORDS_HELD = 32
#: A gap's identity through time: rule, key and the day it opened.
_Gap = tuple[str, str, date]


@attrs.frozen
class _Stretch:
    """Days a gap was open in effect, from ``open_from``; its detail as last worked out."""

    open_from: date
    detail: str
    related_rules: str


def fold_in_effect(events: Iterable[Event], day: date, state: Any = None) -> Any:
    """A record's state from the events that took effect by ``day`` (``None``: not begun),
    applied in order to ``state``."""
    for event in events:
        if event.effective_on > day:
            continue
        if state is None and event.originator_version != 1:
            continue  # the record had not begun by then
        state = evolve_record(state, event)
    return state


class InEffect:
    """The ``compliance_in_effect`` rows of the compliance projection, kept in step with it.

    ``write`` queues a write in the projection's order; ``flush`` writes the queue (before
    reading rows back); ``version_of`` gives the version of a record processed so far.
    """

    def __init__(
        self,
        write: Callable[[str, Sequence[Any]], None],
        flush: Callable[[Cursor], None],
        version_of: Callable[[Cursor, str], int | None],
    ) -> None:
        self._write = write
        self._flush = flush
        self._version_of = version_of
        self._latest: dict[str, date | None] = {}
        self._pending: dict[str, date] = {}
        # The stretches still open (``open_until`` NULL) of each placement.
        self._open: dict[UUID, dict[_Gap, _Stretch]] = {}
        # The events of the records late entries were last worked out for, oldest first.
        self._events: OrderedDict[UUID, list[Event]] = OrderedDict()

    def flush(self, cursor: Cursor) -> None:
        if self._pending:
            cursor.executemany(_UPSERT_LATEST, [(r, iso(d)) for r, d in self._pending.items()])
            self._pending.clear()

    def latest(self, cursor: Cursor, record_id: str) -> date | None:
        """The latest day a processed decision of the record took effect."""
        if record_id not in self._latest:
            cursor.execute(
                "SELECT latest_on FROM compliance_latest WHERE record_id = ?", (record_id,)
            )
            row = cursor.fetchone()
            self._latest[record_id] = None if row is None else date.fromisoformat(row["latest_on"])
        return self._latest[record_id]

    def took_effect(self, cursor: Cursor, record_id: str, day: date) -> None:
        """Note that a decision of the record that took effect on ``day`` was processed."""
        latest = self.latest(cursor, record_id)
        if latest is None or day > latest:
            self._latest[record_id] = day
            self._pending[record_id] = day

    def frontier(self, cursor: Cursor, state: PlacementState) -> date | None:
        """The latest day a decision the placement's findings now depend on took effect."""
        ids = [str(state.id), *(str(p) for p in state.provider_ids)]
        ids.append(str(school_aggregate_id(state.school_id)))
        days = [d for record_id in ids if (d := self.latest(cursor, record_id)) is not None]
        return max(days, default=None)

    def advance(
        self,
        cursor: Cursor,
        state: PlacementState,
        findings: Sequence[Finding],
        day: date,
        *,
        frontier: date | None,
        events_of: Callable[[UUID], Sequence[Event]],
        policy: PolicyParameters,
    ) -> None:
        """Bring the placement's stretches up to date after a decision effective on ``day``
        (``findings``: the placement's findings now; ``frontier``: what ``frontier`` said
        before the decision was noted)."""
        if frontier is None or day >= frontier:
            opened = self._open_stretches(cursor, state.id)
            self._walk(state, opened, [(day, findings)])
            return
        self._redo_from(cursor, state, day, events_of, policy)

    def _open_stretches(self, cursor: Cursor, placement_id: UUID) -> dict[_Gap, _Stretch]:
        found = self._open.get(placement_id)
        if found is None:
            cursor.execute(
                "SELECT rule_id, key, since, detail, related_rules, open_from "
                "FROM compliance_in_effect WHERE placement_id = ? AND open_until IS NULL",
                (str(placement_id),),
            )
            found = {
                (r["rule_id"], r["key"], date.fromisoformat(r["since"])): _Stretch(
                    date.fromisoformat(r["open_from"]), r["detail"], r["related_rules"]
                )
                for r in cursor.fetchall()
            }
            self._open[placement_id] = found
        return found

    def _walk(
        self,
        state: PlacementState,
        opened: dict[_Gap, _Stretch],
        steps: Sequence[tuple[date, Sequence[Finding]]],
    ) -> None:
        """Apply, in order, the findings worked out as in effect from each day of ``steps``
        to the open stretches ``opened`` (updated in place), queueing the writes."""
        placement_id = str(state.id)
        for day, findings in steps:
            found = {(f.rule_id, f.key, f.since): f for f in findings}
            for gap, stretch in list(opened.items()):
                finding = found.pop(gap, None)
                identity = (placement_id, gap[0], gap[1], iso(gap[2]), iso(stretch.open_from))
                if finding is None:
                    del opened[gap]
                    if stretch.open_from < day:
                        self._write(_CLOSE, (iso(day), *identity))
                    else:  # it would have opened on or after today: it never did
                        self._write(_DROP, identity)
                    continue
                related = ",".join(finding.related_rules)
                if (finding.detail, related) != (stretch.detail, stretch.related_rules):
                    self._write(_DETAIL, (finding.detail, related, *identity))
                    opened[gap] = _Stretch(stretch.open_from, finding.detail, related)
            for (rule_id, key, since), finding in found.items():
                related = ",".join(finding.related_rules)
                open_from = max(since, day)
                self._write(
                    _INSERT,
                    (
                        placement_id,
                        state.school_id,
                        state.student_reference,
                        rule_id,
                        key,
                        iso(since),
                        finding.detail,
                        related,
                        iso(open_from),
                        None,
                    ),
                )
                opened[(rule_id, key, since)] = _Stretch(open_from, finding.detail, related)

    def _redo_from(
        self,
        cursor: Cursor,
        state: PlacementState,
        start: date,
        events_of: Callable[[UUID], Sequence[Event]],
        policy: PolicyParameters,
    ) -> None:
        """Work the placement's stretches out again from ``start`` (a late entry's day):
        the stretches from then on go, those across it are cut there and continued by the
        findings of the records folded as at each day a decision took effect since."""
        self._flush(cursor)
        placement_id = str(state.id)
        cursor.execute(
            "SELECT rule_id, key, since, detail, related_rules, open_from, open_until "
            "FROM compliance_in_effect WHERE placement_id = ? "
            "AND (open_from >= ? OR open_until IS NULL OR open_until > ?)",
            (placement_id, iso(start), iso(start)),
        )
        opened: dict[_Gap, _Stretch] = {}
        for r in cursor.fetchall():
            open_from = date.fromisoformat(r["open_from"])
            if open_from < start:
                gap = (r["rule_id"], r["key"], date.fromisoformat(r["since"]))
                opened[gap] = _Stretch(open_from, r["detail"], r["related_rules"])
        cursor.execute(
            "DELETE FROM compliance_in_effect WHERE placement_id = ? "
            "AND (open_from >= ? OR open_until IS NULL OR open_until > ?)",
            (placement_id, iso(start), iso(start)),
        )
        # Written again as open from where they were (their end is worked out below).
        for (rule_id, key, since), stretch in opened.items():
            self._write(
                _INSERT,
                (
                    placement_id,
                    state.school_id,
                    state.student_reference,
                    rule_id,
                    key,
                    iso(since),
                    stretch.detail,
                    stretch.related_rules,
                    iso(stretch.open_from),
                    None,
                ),
            )

        def version_of(record_id: UUID) -> int | None:
            if record_id == state.id:
                return state.version
            return self._version_of(cursor, str(record_id))

        records = _Records(start, lambda r, v: self._load(r, v, events_of), version_of)
        days = records.days_from([state.id]) | {start}
        # The placement's providers change only on its own days; with its school's, their
        # decisions' days are the other days its findings may change.
        related = {school_aggregate_id(state.school_id)}
        for day in days:
            then = records.state(state.id, day)
            if isinstance(then, PlacementState):
                related.update(then.provider_ids)
        days.update(records.days_from(related))
        steps: list[tuple[date, Sequence[Finding]]] = []
        for day in sorted(days):
            then = records.state(state.id, day)
            if not isinstance(then, PlacementState):
                steps.append((day, ()))
                continue
            providers = {
                p: found
                for p in then.provider_ids
                if isinstance(found := records.state(p, day), ProviderState)
            }
            school = records.state(school_aggregate_id(state.school_id), day)
            findings = placement_findings(
                then,
                providers=providers,
                school=school if isinstance(school, SchoolState) else None,
                policy=policy,
            )
            steps.append((day, findings))
        self._walk(state, opened, steps)
        self._open[state.id] = opened

    def group(
        self, record_id: UUID, stretches: Sequence[tuple[Finding, date, date | None]]
    ) -> None:
        """Replace the stretches of a group-level record (the policy record, POL-1: no school,
        no student), worked out whole by the caller: a version recorded late changes them."""
        self._write("DELETE FROM compliance_in_effect WHERE placement_id = ?", (str(record_id),))
        for finding, open_from, open_until in stretches:
            self._write(
                _INSERT,
                (
                    str(record_id),
                    "",
                    "",
                    finding.rule_id,
                    finding.key,
                    iso(finding.since),
                    finding.detail,
                    ",".join(finding.related_rules),
                    iso(open_from),
                    None if open_until is None else iso(open_until),
                ),
            )

    def observe(self, event: Event) -> None:
        """Keep the events held for a record (``_load``) in step with the log."""
        held = self._events.get(event.originator_id)
        if held is not None and len(held) < event.originator_version:
            if len(held) == event.originator_version - 1:
                held.append(event)
            else:
                del self._events[event.originator_id]

    def _load(
        self, record_id: UUID, version: int, events_of: Callable[[UUID], Sequence[Event]]
    ) -> Sequence[Event]:
        """The record's events up to ``version``: held from an earlier late entry (a record
        with one often has more), or read from the store."""
        held = self._events.get(record_id)
        if held is None or len(held) < version:
            held = self._events[record_id] = list(events_of(record_id))
        self._events.move_to_end(record_id)
        while len(self._events) > _MOST_RECORDS_HELD:
            self._events.popitem(last=False)
        return held[:version]


class _Records:
    """The related records of one placement as in effect on days from ``start``."""

    def __init__(
        self,
        start: date,
        load: Callable[[UUID, int], Sequence[Event]],
        version_of: Callable[[UUID], int | None],
    ) -> None:
        self._start = start
        self._load = load
        self._version_of = version_of
        self._events: dict[UUID, Sequence[Event]] = {}
        self._folds: dict[UUID, _Folds] = {}

    def events(self, record_id: UUID) -> Sequence[Event]:
        found = self._events.get(record_id)
        if found is None:
            version = self._version_of(record_id)
            found = () if version is None else self._load(record_id, version)
            self._events[record_id] = found
        return found

    def state(self, record_id: UUID, day: date) -> Any:
        folds = self._folds.get(record_id)
        if folds is None:
            folds = self._folds[record_id] = _Folds(self.events(record_id), self._start)
        return folds.at(day)

    def days_from(self, ids: Iterable[UUID]) -> set[date]:
        """The days from ``start`` on which a decision of the records ``ids`` took effect."""
        return {
            e.effective_on
            for record_id in ids
            for e in self.events(record_id)
            if e.effective_on >= self._start
        }


class _Folds:
    """A record folded as at days from ``start``: the events before the first that took
    effect after ``start`` count on every such day, so they are folded once."""

    def __init__(self, events: Sequence[Event], start: date) -> None:
        first_later = next((i for i, e in enumerate(events) if e.effective_on > start), len(events))
        self._base = fold_in_effect(events[:first_later], start)
        self._rest = events[first_later:]
        self._states: dict[date, Any] = {}

    def at(self, day: date) -> Any:
        if day not in self._states:
            self._states[day] = fold_in_effect(self._rest, day, self._base)
        return self._states[day]
