"""``senad-ap attendance``: one placement's register (``inspection._attendance``), one pupil's
across their placements (``--pupil``), or every pupil's totals with their absence band
(``--pupils``); each as at today or as at a past date."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from senad_ap.cli.inspection import _attendance, _school_terms
from senad_ap.cli.output import _json, _plain, _table
from senad_ap.cli.session import EXIT_NOT_FOUND, EXIT_USAGE, _as_at, _ExitError, _Session
from senad_ap.cli.tables import paragraph, plural
from senad_ap.domain.attendance_summary import AbsenceBand
from senad_ap.domain.values import PolicyParameters
from senad_ap.projections import pupil_attendance as pupils
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import AsAt, placement_as_at
from senad_ap.projections.pupil_attendance import Pupil, PupilPeriod, PupilSession, PupilTotals
from senad_ap.projections.runner import Projections

#: The columns of every table of periods (80 columns wide with a term's name).
_HEADERS = ("period", "from", "to", "possible", "present", "auth.", "unauth.", "rate")
_LEGEND = "auth., unauth.: authorised, unauthorised absence; rate: attendance"


def _attendance_command(session: _Session, args: argparse.Namespace) -> None:
    chosen = [args.placement is not None, args.pupil is not None, args.pupils]
    if sum(chosen) != 1:
        raise _ExitError("Give one of: a PLACEMENT, --pupil REFERENCE, or --pupils.", EXIT_USAGE)
    if args.by is not None and args.pupil is None:
        raise _ExitError("--by goes with --pupil REFERENCE.", EXIT_USAGE)
    if args.school is not None and args.placement is not None:
        raise _ExitError("--school goes with --pupil or --pupils.", EXIT_USAGE)
    if args.pupil is not None:
        _pupil(session, args)
    elif args.pupils:
        _pupils(session, args)
    else:
        _attendance(session, args)


def _policy(projections: Projections, as_at: AsAt | None) -> PolicyParameters:
    """The thresholds of the policy version in force on the report's day."""
    day = datetime.now(UTC).date() if as_at is None else as_at.on
    return projections.app.policy_in_force(on=day).parameters


def _sessions_as_at(
    projections: Projections, as_at: AsAt, pupil: Pupil | None, school_id: str | None
) -> dict[Pupil, tuple[list[UUID], list[PupilSession]]]:
    """Each pupil's placements and sessions as at ``as_at``, from the placements' folded
    states: every placement of ``pupil`` (or of the school, or of every school) on the
    record then."""
    sql = "SELECT placement_id FROM register_placements"
    params: tuple[str, ...] = ()
    if pupil is not None:
        sql += " WHERE school_id = ? AND student_reference = ?"
        params = (pupil.school_id, pupil.student_reference)
    elif school_id is not None:
        sql += " WHERE school_id = ?"
        params = (school_id,)
    found: dict[Pupil, tuple[list[UUID], list[PupilSession]]] = {}
    for row in projections.store.rows(sql + " ORDER BY opened_on, placement_id", params):
        then = placement_as_at(
            projections.app, UUID(row["placement_id"]), as_at, reader=FULL_ACCESS
        )
        if then is None:
            continue
        state = then.state
        marks = [m for m in state.marks.values() if m.day <= as_at.on]
        placed, marked = found.setdefault(Pupil(state.school_id, state.student_reference), ([], []))
        placed.append(state.id)
        marked.extend(pupils.sessions_from_marks(state.id, marks))
    return found


def _find(session: _Session, args: argparse.Namespace) -> Pupil:
    found = pupils.find_pupils(
        session.projections().store, args.pupil, reader=FULL_ACCESS, school_id=args.school
    )
    if not found:
        raise _ExitError(f"No pupil {args.pupil!r} has a placement on the record.", EXIT_NOT_FOUND)
    if len(found) > 1:
        schools = ", ".join(p.school_id for p in found)
        raise _ExitError(
            f"Pupil {args.pupil!r} is on the record of several schools; give --school, one "
            f"of: {schools}",
            EXIT_USAGE,
        )
    return found[0]


def _pupil(session: _Session, args: argparse.Namespace) -> None:
    pupil = _find(session, args)
    as_at = _as_at(args)
    projections = session.projections()
    policy = _policy(projections, as_at)
    if as_at is None:
        marked = pupils.sessions(projections.store, pupil, reader=FULL_ACCESS)
        terms = pupils.recorded_terms(projections.store, pupil.school_id, reader=FULL_ACCESS)
    else:
        marked = _sessions_as_at(projections, as_at, pupil, None).get(pupil, ([], []))[1]
        terms = _school_terms(projections, pupil.school_id, as_at)
    whole = pupils.total(pupil, marked, policy)
    sections: dict[str, Any] = {"placements": pupils.by_placement(pupil, marked, policy)}
    if args.by in (None, "term"):
        sections["terms"] = pupils.by_term(pupil, marked, terms, policy)
    if args.by in (None, "week"):
        sections["weeks"] = pupils.by_week(pupil, marked, policy)
    if args.by == "session":
        sections["sessions"] = marked
    if args.json:
        _json(
            session.out,
            {
                "school_id": pupil.school_id,
                "student_reference": pupil.student_reference,
                "as_at": None if as_at is None else str(as_at),
                "thresholds": _thresholds(policy),
                "whole_record": None if whole is None else _period_json(whole),
                **{
                    name: [_period_json(p) for p in found]
                    for name, found in sections.items()
                    if name != "sessions"
                },
                **({"sessions": _plain(marked)} if "sessions" in sections else {}),
            },
        )
        return
    _wrapped(
        session,
        f"Attendance of pupil {pupil.student_reference} of school {pupil.school_id}, across "
        "their placements" + ("" if as_at is None else f", {as_at}"),
    )
    session.out.write("\n")
    for text in _summary(whole, policy):
        _wrapped(session, text)
    titles = {"placements": "By placement", "terms": "By term", "weeks": "By week (ISO)"}
    for name, found in sections.items():
        if name == "sessions":
            _session_table(session, marked)
            continue
        session.out.write(f"\n{titles[name]}\n")
        placed = name == "placements"
        headers = ("placement", *_HEADERS[1:]) if placed else _HEADERS
        _table(session, headers, [_cells(p, placement=placed) for p in found])
    session.out.write("\n")
    _wrapped(session, _LEGEND)


def _summary(whole: PupilPeriod | None, policy: PolicyParameters) -> list[str]:
    if whole is None or whole.possible == 0:
        return ["No possible session recorded."]
    missed = whole.authorised_absence + whole.unauthorised_absence
    band = {None: "neither", "persistent": "persistent absence", "severe": "severe absence"}[
        None if whole.band is None else whole.band.value
    ]
    return [
        f"{whole.possible} possible sessions from {whole.starts_on} to {whole.ends_on}: "
        f"{whole.present} present, {missed} missed ({whole.authorised_absence} authorised, "
        f"{whole.unauthorised_absence} unauthorised); attendance {whole.rate}%.",
        f"Band: {band} (persistent from {_percent(policy.persistent_absence_rate)} of "
        f"possible sessions missed, severe from {_percent(policy.severe_absence_rate)}).",
    ]


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _cells(period: PupilPeriod, *, placement: bool) -> tuple[Any, ...]:
    label = period.placement_ids[0] if placement else period.period
    return (
        label,
        period.starts_on,
        period.ends_on,
        period.possible,
        period.present,
        period.authorised_absence,
        period.unauthorised_absence,
        None if period.rate is None else f"{period.rate}%",
    )


def _session_table(session: _Session, marked: Sequence[PupilSession]) -> None:
    session.out.write("\nSessions\n")
    _table(
        session,
        ["day", "session", "code", "placement", "counts as"],
        [(s.day, s.session, s.code, s.placement_id, _counts_as(s)) for s in marked],
    )


def _counts_as(each: PupilSession) -> str:
    if not each.possible:
        return "not a possible session"
    if each.present:
        return "present"
    return "authorised absence" if each.authorised_absence else "unauthorised absence"


def _thresholds(policy: PolicyParameters) -> dict[str, str]:
    return {
        "persistent_absence_rate": str(policy.persistent_absence_rate),
        "severe_absence_rate": str(policy.severe_absence_rate),
    }


def _period_json(period: PupilPeriod) -> dict[str, Any]:
    return {
        "period": period.period,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "placement_ids": [str(p) for p in period.placement_ids],
        "sessions_recorded": period.sessions_recorded,
        "possible": period.possible,
        "present": period.present,
        "authorised_absence": period.authorised_absence,
        "unauthorised_absence": period.unauthorised_absence,
        "not_possible": period.not_possible,
        "rate": None if period.rate is None else str(period.rate),
        "band": None if period.band is None else period.band.value,
    }


def _pupils(session: _Session, args: argparse.Namespace) -> None:
    as_at = _as_at(args)
    projections = session.projections()
    policy = _policy(projections, as_at)
    if as_at is None:
        rows = pupils.pupil_totals(
            projections.store, policy, reader=FULL_ACCESS, school_id=args.school
        )
    else:
        found = _sessions_as_at(projections, as_at, None, args.school)
        rows = [pupils.totals_of(p, *found[p], policy) for p in sorted(found)]
    if args.json:
        _json(
            session.out,
            {
                "as_at": None if as_at is None else str(as_at),
                "thresholds": _thresholds(policy),
                "pupils": [
                    {
                        "school_id": row.pupil.school_id,
                        "student_reference": row.pupil.student_reference,
                        "placement_ids": [str(p) for p in row.placement_ids],
                        "whole_record": None if row.whole is None else _period_json(row.whole),
                    }
                    for row in rows
                ],
            },
        )
        return
    _wrapped(
        session,
        "Attendance of every pupil, across their placements"
        + ("" if as_at is None else f", {as_at}"),
    )
    session.out.write("\n")
    schools = len({row.pupil.school_id for row in rows}) > 1
    counts = ("placements", "possible", "present", "auth.", "unauth.", "rate", "band")
    headers = ["student", *(["school"] * schools), *counts]
    _table(session, headers, [_pupil_cells(row, schools=schools) for row in rows])
    bands = [row.whole.band for row in rows if row.whole is not None]
    persistent = sum(1 for band in bands if band is not None)
    severe = sum(1 for band in bands if band is AbsenceBand.SEVERE)
    _wrapped(
        session,
        f"{plural(len(rows), 'pupil')}: {persistent} persistently absent (missed "
        f"{_percent(policy.persistent_absence_rate)} or more of their possible sessions), "
        f"{severe} of them severely ({_percent(policy.severe_absence_rate)} or more).",
    )
    _wrapped(session, _LEGEND)


def _pupil_cells(row: PupilTotals, *, schools: bool) -> tuple[Any, ...]:
    whole = row.whole
    counts: tuple[Any, ...] = (None,) * 6
    if whole is not None:
        counts = (
            whole.possible,
            whole.present,
            whole.authorised_absence,
            whole.unauthorised_absence,
            None if whole.rate is None else f"{whole.rate}%",
            None if whole.band is None else whole.band.value,
        )
    pupil = row.pupil
    return (pupil.student_reference, *([pupil.school_id] * schools), len(row.placement_ids),
            *counts)  # fmt: skip


def _wrapped(session: _Session, text: str) -> None:
    """A paragraph wrapped to the session's width (on one line with ``--wide``)."""
    paragraph(session.out, text, session.width)
