"""The commands that read the record: ``placements``, ``history``, ``compliance``,
``attendance``, ``providers`` and ``export``; each as at today or as at a past date."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import attrs

from senad_ap.cli.output import _cell, _heading, _json, _output, _plain, _table
from senad_ap.cli.rules import rules_named
from senad_ap.cli.session import EXIT_NOT_FOUND, _as_at, _ExitError, _placement_id, _Session
from senad_ap.cli.tables import fields, paragraph, plural
from senad_ap.domain.values import PolicyParameters, Role
from senad_ap.projections import attendance, audit, compliance, providers, register
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import (
    AsAt,
    Sense,
    fold_as_at,
    placement_as_at,
    register_as_at,
)
from senad_ap.projections.base import ProjectionStore
from senad_ap.projections.runner import Projections


def _placements(session: _Session, args: argparse.Namespace) -> None:
    as_at = _as_at(args)
    status = None if args.status is None else _status_text(args.status)
    if as_at is None:
        rows = register.placements(
            session.projections().store, reader=FULL_ACCESS, school_id=args.school, status=status
        )
    else:
        rows = [
            r
            for r in register_as_at(
                session.projections(), as_at, reader=FULL_ACCESS, school_id=args.school
            )
            if status is None or r.status == status
        ]
    if args.json:
        _json(session.out, {"as_at": None if as_at is None else str(as_at), "placements": rows})
        return
    _heading(session, f"Placement register{'' if as_at is None else ', ' + str(as_at)}")
    _table(
        session,
        [
            "placement",
            "student",
            "status",
            "setting",
            "location",
            "started",
            "ended",
            "hours/week",
            "next review",
            "attendance",
        ],
        [
            (
                r.placement_id,
                r.student_reference,
                r.status,
                r.setting,
                r.location,
                r.started_on,
                r.ended_on,
                r.weekly_hours,
                r.next_review_due,
                None if r.attendance_rate is None else f"{r.attendance_rate}%",
            )
            for r in rows
        ],
    )
    session.out.write(plural(len(rows), "placement") + "\n")


def _status_text(name: str) -> str:
    from senad_ap.domain.placement import PlacementStatus

    return PlacementStatus[name.upper()].value


def _history(session: _Session, args: argparse.Namespace) -> None:
    placement_id = _placement_id(session, args.placement)
    as_at = _as_at(args)
    store = session.projections().store
    entries = audit.entries(store, reader=FULL_ACCESS, placement_id=placement_id)
    if as_at is not None:
        entries = [e for e in entries if _entry_included(e, as_at)]
    shown = [e for e in entries if not (args.no_attendance and e.event_type in _MARKS)]
    width = session.width
    if args.json:
        _json(
            session.out,
            {
                "placement_id": str(placement_id),
                "as_at": None if as_at is None else str(as_at),
                "decisions": [e.to_json() for e in shown],
            },
        )
        return
    title = f"History of placement {placement_id}"
    _heading(session, title + ("" if as_at is None else f", {as_at}"))
    # The policy version is named once when every decision shown was under the same one.
    policies = sorted({e.policy_version for e in shown})
    if len(policies) == 1:
        paragraph(session.out, f"Every decision below is under policy {policies[0]}.", width)
        session.out.write("\n")
    delegates = _delegates(store, shown)
    for e in shown:
        fields(
            session.out,
            [f"{e.record_version:>4}", f"recorded {_cell(e.recorded_at)}",
             f"took effect {_cell(e.effective_on)}", f"by {_by(e, delegates)}",
             *(["LATE ENTRY"] * e.late_entry)],
            width,
            hang="      ",
        )  # fmt: skip
        paragraph(session.out, e.description, width, indent="      ")
        rules = ", ".join(e.evidence_for) or "-"
        own = "" if len(policies) == 1 else f"; policy {e.policy_version}"
        paragraph(session.out, f"evidence for: {rules}{own}", width, indent="      ")
    late_count = sum(e.late_entry for e in entries)
    hidden = len(entries) - len(shown)
    session.out.write("\n")
    paragraph(
        session.out,
        f"{plural(len(entries), 'decision')}, {late_count} recorded after the day they took "
        "effect" + (f"; {plural(hidden, 'attendance mark')} not shown" if hidden else ""),
        width,
    )


def _delegates(
    store: ProjectionStore, shown: Sequence[audit.AuditEntry]
) -> dict[tuple[str, str], list[tuple[int, bool]]]:
    """Each (school, person)'s appointments as the Head Teacher's delegate (True) and
    revocations (False), by the position in the log they were recorded at."""
    found: dict[tuple[str, str], list[tuple[int, bool]]] = {}
    for school in {e.actor_school_id for e in shown}:
        for kind, appointed in (("DelegateAppointed", True), ("DelegationRevoked", False)):
            for entry in audit.entries(
                store, reader=FULL_ACCESS, school_id=school, event_type=kind
            ):
                delegate = entry.facts.get("delegate_id")
                if isinstance(delegate, str):
                    found.setdefault((school, delegate), []).append((entry.position, appointed))
    return found


def _by(entry: audit.AuditEntry, delegates: dict[tuple[str, str], list[tuple[int, bool]]]) -> str:
    """Who decided: "deputy-1, the Head Teacher's delegate" when staff acted with the Head
    Teacher's authority recorded before the decision (COMM-1, PLAN-3), else their role."""
    changes = sorted(delegates.get((entry.actor_school_id, entry.actor_id), []))
    before = [appointed for position, appointed in changes if position < entry.position]
    if entry.actor_role == Role.SCHOOL_STAFF.value and before and before[-1]:
        return f"{entry.actor_id}, the Head Teacher's delegate"
    return f"{entry.actor_id} ({entry.actor_role})"


_MARKS = ("AttendanceRecorded",)


def _entry_included(entry: audit.AuditEntry, as_at: AsAt) -> bool:
    if as_at.sense is Sense.KNOWN_ON:
        return entry.recorded_at <= as_at.end
    return entry.effective_on <= as_at.on


def _compliance(session: _Session, args: argparse.Namespace) -> None:
    as_at = _as_at(args)
    store = session.projections().store
    today = datetime.now(UTC).date()
    # ``--on`` and ``--as-at`` ask the same question (as in effect on a day, by the record as
    # it stands now); ``--as-known-on`` asks what the record showed at the end of the day.
    if as_at is None:
        as_at = AsAt(Sense.IN_EFFECT_ON, args.on or today)
    if as_at.sense is Sense.KNOWN_ON:
        rows = compliance.findings_known_on(
            store, known_on=as_at.on, reader=FULL_ACCESS, school_id=args.school
        )
        title = f"Compliance findings open on {as_at.on}, as known on that day"
    else:
        rows = compliance.open_findings(
            store, on=as_at.on, reader=FULL_ACCESS, school_id=args.school
        )
        title = f"Compliance findings open on {as_at.on}, as in effect by today's record"
    notes = _compliance_notes(store, as_at, rows, today, args.school)
    if args.json:
        _json(
            session.out,
            {"title": title, "on": as_at.on, "sense": as_at.sense.value, "findings": rows},
        )
        return
    _heading(session, title)
    closed_since = any(r.closed_on is not None for r in rows)
    _table(
        session,
        ["rule", "also", "student", "placement", "since", *(["closed"] * closed_since), "finding"],
        [
            (
                r.rule_id,
                ", ".join(r.related_rules),
                "(school group)" if r.group_level else r.student_reference,
                "policy" if r.group_level else r.placement_id,
                r.since,
                *([r.closed_on] * closed_since),
                r.detail,
            )
            for r in rows
        ],
        text_below=True,
    )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.rule_id] = counts.get(row.rule_id, 0) + 1
    summary = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items()))
    counted = plural(len(rows), "open finding")
    paragraph(session.out, f"{counted}{': ' + summary if summary else ''}", session.width)
    for note in notes:
        paragraph(session.out, note, session.width)
    # Each rule in words, not only by its id (issue 16).
    named = {r.rule_id for r in rows} | {rule for r in rows for rule in r.related_rules}
    rules_named(session.out, named, session.width)


def _compliance_notes(
    store: ProjectionStore,
    as_at: AsAt,
    rows: Sequence[compliance.FindingRow],
    today: date,
    school_id: str | None,
) -> list[str]:
    """What an inspector reading a past day must know about the count."""
    day = as_at.on
    if day >= today:
        return []
    if as_at.sense is Sense.IN_EFFECT_ON:
        closed = sum(1 for r in rows if r.closed_on is not None)  # "of them": no plural
        return [
            f"{closed} of them closed after {day} (column 'closed'); decisions recorded "
            f"after {day} that took effect by then count (--as-known-on {day}: as the record "
            "stood that day)."
        ]
    late = audit.entries(
        store,
        reader=FULL_ACCESS,
        effective_to=day,
        recorded_from=day + timedelta(days=1),
        school_id=school_id,
    )
    return [
        f"Only what was recorded by the end of {day} counts: {plural(len(late), 'decision')} "
        f"recorded later took effect by then (--as-at {day} counts them)."
    ]


def _attendance(session: _Session, args: argparse.Namespace) -> None:
    placement_id = _placement_id(session, args.placement)
    as_at = _as_at(args)
    projections = session.projections()
    if as_at is None:
        weeks = attendance.by_week(projections.store, placement_id, reader=FULL_ACCESS)
        terms = attendance.by_term(projections.store, placement_id, reader=FULL_ACCESS)
        whole = attendance.total(projections.store, placement_id, reader=FULL_ACCESS)
    else:
        found = placement_as_at(projections.app, placement_id, as_at, reader=FULL_ACCESS)
        if found is None:
            raise _ExitError(f"The placement was not on the record {as_at}.", EXIT_NOT_FOUND)
        marks = [m for m in found.state.marks.values() if m.day <= as_at.on]
        school = _school_terms(projections, found.state.school_id, as_at)
        weeks = attendance.periods_from_marks(placement_id, marks, weekly=True)
        terms = attendance.periods_from_marks(placement_id, marks, weekly=False, terms=school)
        whole = _whole(placement_id, weeks)
        if whole is not None:
            days = [m.day for m in marks]
            whole = attrs.evolve(whole, starts_on=min(days), ends_on=max(days))
    # The DfE's absence bands, with the percentages of the policy version in force that day.
    policy = projections.app.policy_in_force(on=None if as_at is None else as_at.on).parameters
    band = None if whole is None else whole.absence_band(policy)
    if args.json:
        _json(
            session.out,
            {
                "placement_id": str(placement_id),
                "as_at": None if as_at is None else str(as_at),
                "weeks": [_period_json(p) for p in weeks],
                "terms": [_period_json(p) for p in terms],
                "whole_placement": None if whole is None else _period_json(whole),
                "absence_band": None if band is None else band.value,
            },
        )
        return
    _heading(
        session,
        f"Attendance of placement {placement_id}" + ("" if as_at is None else f", {as_at}"),
    )
    headers = [
        "period",
        "from",
        "to",
        "recorded",
        "possible",
        "present",
        "authorised",
        "unauthorised",
        "not possible",
        "attendance",
    ]
    sections = (("Whole placement", [] if whole is None else [whole]), ("By term", terms),
                ("By week", weeks))  # fmt: skip
    for label, periods in sections:
        session.out.write(f"\n{label}\n")
        _table(
            session,
            headers,
            [
                (
                    p.period,
                    p.starts_on,
                    p.ends_on,
                    p.sessions_recorded,
                    p.possible,
                    p.present,
                    p.authorised_absence,
                    p.unauthorised_absence,
                    p.not_possible,
                    None if p.rate is None else f"{p.rate}%",
                )
                for p in periods
            ],
        )
        if label == "Whole placement" and whole is not None:
            paragraph(session.out, _absence_line(whole, policy), session.width)


def _absence_line(whole: attendance.AttendancePeriod, policy: PolicyParameters) -> str:
    """The placement's absence over its possible sessions and its DfE band."""
    if whole.absence_rate is None:
        return "Absence: no possible session recorded"
    band = whole.absence_band(policy)
    banded = "neither persistent nor severe absence" if band is None else f"{band.value} absence"
    return (
        f"Absence: {whole.absence_rate}% of possible sessions, {banded} (persistent from "
        f"{(policy.persistent_absence_rate * 100).normalize():f}%, severe from "
        f"{(policy.severe_absence_rate * 100).normalize():f}%)"
    )


def _whole(
    placement_id: UUID, weeks: Sequence[attendance.AttendancePeriod]
) -> attendance.AttendancePeriod | None:
    if not weeks:
        return None
    return attendance.AttendancePeriod(
        placement_id=placement_id,
        period="whole placement",
        starts_on=weeks[0].starts_on,
        ends_on=weeks[-1].ends_on,
        sessions_recorded=sum(w.sessions_recorded for w in weeks),
        possible=sum(w.possible for w in weeks),
        present=sum(w.present for w in weeks),
        authorised_absence=sum(w.authorised_absence for w in weeks),
        unauthorised_absence=sum(w.unauthorised_absence for w in weeks),
        not_possible=sum(w.not_possible for w in weeks),
    )


def _school_terms(projections: Projections, school_id: str, as_at: AsAt) -> list[Any]:
    from senad_ap.domain.school import SchoolState, school_aggregate_id

    school = fold_as_at(
        projections.app.events_of(school_aggregate_id(school_id), reader=FULL_ACCESS), as_at
    )
    return list(school.terms) if isinstance(school, SchoolState) else []


def _period_json(period: attendance.AttendancePeriod) -> dict[str, Any]:
    data: dict[str, Any] = _plain(period)
    data["rate"] = None if period.rate is None else str(period.rate)
    data["absence_rate"] = None if period.absence_rate is None else str(period.absence_rate)
    return data


def _providers(session: _Session, args: argparse.Namespace) -> None:
    rows = providers.providers(session.projections().store, reader=FULL_ACCESS)
    if args.json:
        _json(session.out, {"providers": rows})
        return
    _heading(session, "Providers")
    today = datetime.now(UTC).date()
    _table(
        session,
        [
            "provider",
            "name",
            "kind",
            "URN",
            "checked",
            "lapsed",
            "risk assessed",
            "valid until",
            "current",
            "placements now",
            "full-time pupils",
            "quality assured",
        ],
        [
            (
                p.provider_id,
                p.name,
                p.kind,
                p.urn,
                p.registration_checked_on,
                p.registration_lapsed_on,
                p.risk_assessed_on,
                p.risk_valid_until,
                p.risk_assessment_current_on(today),
                p.placements_now,
                p.full_time_pupils,
                p.quality_assured_on,
            )
            for p in rows
        ],
    )


def _export(session: _Session, args: argparse.Namespace) -> None:
    store = session.projections().store
    count = 0
    with _output(args.output, session.out) as out:
        for line in audit.export_lines(store, reader=FULL_ACCESS):
            out.write(line + "\n")
            count += 1
    if args.output:
        session.err.write(f"Exported {plural(count, 'decision')} to {args.output}\n")
