"""``senad-ap``: the inspector's command line over a store.

Works on the embedded SQLite file ``senad_ap.sqlite`` in the current folder unless
``--db PATH`` (or the ``SENAD_AP_DB`` environment variable) names another; the projections
live beside it (``senad_ap.projections.sqlite``). Every read command first brings the
projections up to date with the log. Exit codes: 0 done; 1 the record refused or could not
do it; 2 a bad option or date; 3 no store there; 4 no such placement; 5 ``verify`` found the store
altered.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import UUID

import attrs
from eventsourcing.domain import EventSourcingError

from senad_ap.application import DEFAULT_SQLITE_FILE, AlternativeProvision
from senad_ap.application.integrity import SealRecord
from senad_ap.domain.values import Actor, Role
from senad_ap.errors import NotFoundError, SenadApError
from senad_ap.projections import (
    attendance,
    audit,
    compliance,
    projections_for,
    providers,
    register,
    students,
)
from senad_ap.projections.as_at import (
    AsAt,
    Sense,
    findings_as_at,
    fold_as_at,
    placement_as_at,
    register_as_at,
)
from senad_ap.projections.runner import Projections, default_projections_path

__all__ = ["main"]

ENVIRONMENT_VARIABLE = "SENAD_AP_DB"
EXIT_REFUSED, EXIT_USAGE, EXIT_NO_STORE, EXIT_NOT_FOUND, EXIT_TAMPERED = 1, 2, 3, 4, 5
#: Who the command records as the author of a seal, unless told (``--by``).
OPERATOR = "senad-ap"


class _ExitError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-11-03"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="senad-ap",
        description="The record of a school's alternative provision decisions, for inspection.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=f"the SQLite store (default: ${ENVIRONMENT_VARIABLE} or ./{DEFAULT_SQLITE_FILE})",
    )
    parser.add_argument(
        "--projections",
        metavar="PATH",
        help="the projections: a SQLite file or a postgresql:// URL (default: beside the store)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="write a realistic example school into the store")
    demo.add_argument(
        "--force", action="store_true", help="write even though the store already holds data"
    )

    def as_at_options(command: argparse.ArgumentParser) -> None:
        group = command.add_mutually_exclusive_group()
        group.add_argument(
            "--as-at",
            type=_date,
            metavar="DATE",
            help="as in effect on DATE, with later back-dated entries",
        )
        group.add_argument(
            "--as-known-on",
            type=_date,
            metavar="DATE",
            help="only what had been recorded by the end of DATE",
        )

    def json_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--json", action="store_true", help="JSON for machines")

    placements = commands.add_parser("placements", help="the placement register")
    as_at_options(placements)
    json_option(placements)
    placements.add_argument("--school", metavar="ID", help="one school only")
    placements.add_argument("--status", choices=["open", "active", "suspended", "ended", "erased"])

    history = commands.add_parser("history", help="every decision on one placement")
    history.add_argument(
        "--no-attendance", action="store_true", help="leave out the attendance marks"
    )
    history.add_argument(
        "placement",
        metavar="PLACEMENT",
        help="the placement's id (or its first 8 characters), or the student reference",
    )
    as_at_options(history)
    json_option(history)

    findings = commands.add_parser("compliance", help="open compliance findings, with rule ids")
    as_at_options(findings)
    json_option(findings)
    findings.add_argument(
        "--on",
        type=_date,
        metavar="DATE",
        help="findings open on DATE by today's record (default: today)",
    )
    findings.add_argument("--school", metavar="ID", help="one school only")

    marks = commands.add_parser("attendance", help="one placement's attendance by week and term")
    marks.add_argument("placement", metavar="PLACEMENT", help="as for history")
    as_at_options(marks)
    json_option(marks)

    provider_list = commands.add_parser("providers", help="providers, registration and risk")
    json_option(provider_list)

    export = commands.add_parser("export", help="the whole audit trail as JSON Lines")
    export.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")

    commands.add_parser("rebuild", help="drop and rebuild every projection from the log")

    seal = commands.add_parser("seal", help="record a seal: the hash chain's head over the log")
    seal.add_argument("--by", metavar="ID", default=OPERATOR, help="who takes the seal")
    seals = commands.add_parser("seals", help="every seal, as JSON Lines, for an inspector to keep")
    seals.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    kept = commands.add_parser(
        "retention", help="students whose retention has ended (STAT-7): due for erasure"
    )
    kept.add_argument("--on", type=_date, metavar="DATE", help="due by DATE (default: today)")
    kept.add_argument(
        "--all", action="store_true", help="every student, with the day their retention ends"
    )
    kept.add_argument("--school", metavar="ID", help="one school only")
    json_option(kept)
    forget = commands.add_parser(
        "forget", help="erase a student's personal data at the end of retention (STAT-7)"
    )
    forget.add_argument("student", metavar="STUDENT", help="the student reference")
    forget.add_argument("--school", metavar="ID", required=True, help="the student's school")
    forget.add_argument(
        "--by", metavar="ID", required=True, help="the Head Teacher who decides the erasure"
    )
    check = commands.add_parser("verify", help="check that nothing in the store was rewritten")
    check.add_argument(
        "--seals", metavar="FILE", help="seals kept earlier (`senad-ap seals`) to check too"
    )
    return parser


# ----------------------------------------------------------------------------- the store
@attrs.define
class _Session:
    db: str
    projections_path: str | None
    out: TextIO
    err: TextIO
    _app: AlternativeProvision | None = None
    _projections: Projections | None = None

    def app(
        self, *, create: bool = False, clock: Callable[[], datetime] | None = None
    ) -> AlternativeProvision:
        if self._app is None and _is_postgres(self.db):
            self._app = _open_postgres(self.db, clock)
        if self._app is None:
            if not create and not Path(self.db).is_file():
                raise _ExitError(
                    f"There is no store at {self.db}. Run `senad-ap demo` to make an example, "
                    f"or point --db (or ${ENVIRONMENT_VARIABLE}) at a store.",
                    EXIT_NO_STORE,
                )
            self._app = AlternativeProvision.sqlite(self.db, clock=clock)
        return self._app

    def projections(self) -> Projections:
        if self._projections is None:
            self._projections = projections_for(self.app(), self.projections_path)
            self._projections.catch_up()
        return self._projections

    def close(self) -> None:
        if self._projections is not None:
            self._projections.close()
        if self._app is not None:
            self._app.close()


def _is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def _open_postgres(url: str, clock: Callable[[], datetime] | None) -> AlternativeProvision:
    """``postgresql://user[:password]@host[:port]/dbname[?schema=NAME]``; without a password
    in the URL, ``PGPASSWORD`` gives it (so it need not appear in a command line)."""
    parts = urlsplit(url)
    schema = parse_qs(parts.query).get("schema", [None])[-1]
    dbname = parts.path.lstrip("/")
    if not dbname or not parts.username:
        raise _ExitError(
            "A PostgreSQL store is written postgresql://USER@HOST:PORT/DATABASE.", EXIT_USAGE
        )
    try:
        port = parts.port or 5432
    except ValueError:
        raise _ExitError(f"The port in {url!r} is not a number.", EXIT_USAGE) from None
    return AlternativeProvision.postgres(
        unquote(dbname), user=unquote(parts.username),
        password=None if parts.password is None else unquote(parts.password),
        host=parts.hostname or "localhost", port=port, schema=schema, clock=clock,
    )  # fmt: skip


def _placement_id(session: _Session, text: str) -> UUID:
    store = session.projections().store
    try:
        placement_id = UUID(text)
    except ValueError:
        pass
    else:
        known = store.rows(
            "SELECT 1 FROM register_placements WHERE placement_id = ?", (str(placement_id),)
        )
        if not known:
            raise _ExitError(f"No placement {text!r} is on the record.", EXIT_NOT_FOUND)
        return placement_id
    rows = store.rows(
        "SELECT placement_id, student_reference FROM register_placements "
        "WHERE student_reference = ? OR (length(?) BETWEEN 8 AND 36 "
        "AND substr(placement_id, 1, length(?)) = ?) ORDER BY opened_on",
        (text, text, text, text.lower()),
    )
    if not rows:
        raise _ExitError(f"No placement {text!r} is on the record.", EXIT_NOT_FOUND)
    if len(rows) > 1:
        ids = ", ".join(row["placement_id"] for row in rows)
        raise _ExitError(f"{text!r} matches several placements; give one of: {ids}", EXIT_USAGE)
    return UUID(rows[0]["placement_id"])


def _as_at(args: argparse.Namespace) -> AsAt | None:
    if getattr(args, "as_known_on", None) is not None:
        return AsAt(Sense.KNOWN_ON, args.as_known_on)
    if getattr(args, "as_at", None) is not None:
        return AsAt(Sense.IN_EFFECT_ON, args.as_at)
    return None


# ----------------------------------------------------------------------------- output
def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return {k: _plain(v) for k, v in attrs.asdict(value, recurse=False).items()}
    return str(value)


def _json(out: TextIO, value: Any) -> None:
    out.write(json.dumps(_plain(value), indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def _table(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)[:8]
    return str(value)


# ----------------------------------------------------------------------------- commands
def _demo(session: _Session, args: argparse.Namespace) -> None:
    from senad_ap.demo import demo_clock, write_demo

    existed = _is_postgres(session.db) or Path(session.db).is_file()
    clock = demo_clock()
    app = session.app(create=True, clock=clock)
    if existed and app.last_position() > 0 and not args.force:
        raise _ExitError(
            f"The store at {session.db} already holds {app.last_position()} events; the demo "
            "writes only into an empty store. Use --force to add it anyway, or --db to "
            "choose another file.",
            EXIT_REFUSED,
        )
    started = time.perf_counter()
    summary = write_demo(app, clock)
    sealed = app.seal(actor=_operator(OPERATOR))
    seconds = time.perf_counter() - started
    events = summary.events + (sealed is not None)
    session.out.write(
        f"Wrote the demo into {session.db}: {summary.placements} placements at "
        f"{summary.providers} providers, {events} events (the last a seal), in {seconds:.1f} s.\n"
        "Its term ended on 2025-12-19. Try: senad-ap compliance --as-at 2025-12-19; "
        f"senad-ap history {str(summary.reintegrated_placement_id)[:8]}\n"
    )


def _placements(session: _Session, args: argparse.Namespace) -> None:
    as_at = _as_at(args)
    status = None if args.status is None else _status_text(args.status)
    if as_at is None:
        rows = register.placements(
            session.projections().store, school_id=args.school, status=status
        )
    else:
        rows = [
            r
            for r in register_as_at(session.projections(), as_at, school_id=args.school)
            if status is None or r.status == status
        ]
    if args.json:
        _json(session.out, {"as_at": None if as_at is None else str(as_at), "placements": rows})
        return
    _heading(session.out, f"Placement register{'' if as_at is None else ', ' + str(as_at)}")
    _table(
        session.out,
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
    session.out.write(f"{len(rows)} placements\n")


def _status_text(name: str) -> str:
    from senad_ap.domain.placement import PlacementStatus

    return PlacementStatus[name.upper()].value


def _history(session: _Session, args: argparse.Namespace) -> None:
    placement_id = _placement_id(session, args.placement)
    as_at = _as_at(args)
    store = session.projections().store
    entries = audit.entries(store, placement_id=placement_id)
    if as_at is not None:
        entries = [e for e in entries if _entry_included(e, as_at)]
    shown = [e for e in entries if not (args.no_attendance and e.event_type in _MARKS)]
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
    _heading(session.out, title + ("" if as_at is None else f", {as_at}"))
    for e in shown:
        late = "  LATE ENTRY" if e.late_entry else ""
        session.out.write(
            f"{e.record_version:>4}  recorded {_cell(e.recorded_at)}  took effect "
            f"{_cell(e.effective_on)}  by {e.actor_id} ({e.actor_role}){late}\n"
        )
        for line in textwrap.wrap(e.description, width=92):
            session.out.write(f"      {line}\n")
        rules = ", ".join(e.evidence_for) or "-"
        session.out.write(f"      evidence for: {rules}; policy {e.policy_version}\n")
    late_count = sum(e.late_entry for e in entries)
    hidden = len(entries) - len(shown)
    session.out.write(
        f"\n{len(entries)} decisions, {late_count} recorded after the day they took effect"
        + (f"; {hidden} attendance marks not shown" if hidden else "")
        + "\n"
    )


_MARKS = ("AttendanceRecorded",)


def _entry_included(entry: audit.AuditEntry, as_at: AsAt) -> bool:
    if as_at.sense is Sense.KNOWN_ON:
        return entry.recorded_at <= as_at.end
    return entry.effective_on <= as_at.on


def _compliance(session: _Session, args: argparse.Namespace) -> None:
    as_at = _as_at(args)
    projections = session.projections()
    on = args.on or datetime.now(UTC).date()
    if as_at is None:
        rows = compliance.open_findings(projections.store, on=on, school_id=args.school)
        title = f"Open compliance findings on {on.isoformat()}"
    elif as_at.sense is Sense.KNOWN_ON:
        rows = compliance.findings_known_on(
            projections.store, known_on=as_at.on, school_id=args.school
        )
        title = f"Compliance findings open {as_at}"
    else:
        rows = findings_as_at(projections, as_at, school_id=args.school)
        title = f"Compliance findings open {as_at}"
    if args.json:
        _json(session.out, {"title": title, "findings": rows})
        return
    _heading(session.out, title)
    _table(
        session.out,
        ["rule", "also", "student", "placement", "since", "finding"],
        [
            (
                r.rule_id,
                ", ".join(r.related_rules),
                r.student_reference,
                r.placement_id,
                r.since,
                r.detail,
            )
            for r in rows
        ],
    )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.rule_id] = counts.get(row.rule_id, 0) + 1
    summary = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items()))
    session.out.write(f"{len(rows)} open findings{': ' + summary if summary else ''}\n")


def _attendance(session: _Session, args: argparse.Namespace) -> None:
    placement_id = _placement_id(session, args.placement)
    as_at = _as_at(args)
    projections = session.projections()
    if as_at is None:
        weeks = attendance.by_week(projections.store, placement_id)
        terms = attendance.by_term(projections.store, placement_id)
        whole = attendance.total(projections.store, placement_id)
    else:
        found = placement_as_at(projections.app, placement_id, as_at)
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
    if args.json:
        _json(
            session.out,
            {
                "placement_id": str(placement_id),
                "as_at": None if as_at is None else str(as_at),
                "weeks": [_period_json(p) for p in weeks],
                "terms": [_period_json(p) for p in terms],
                "whole_placement": None if whole is None else _period_json(whole),
            },
        )
        return
    _heading(
        session.out,
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
            session.out,
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

    school = fold_as_at(projections.app.events_of(school_aggregate_id(school_id)), as_at)
    return list(school.terms) if isinstance(school, SchoolState) else []


def _period_json(period: attendance.AttendancePeriod) -> dict[str, Any]:
    data: dict[str, Any] = _plain(period)
    data["rate"] = None if period.rate is None else str(period.rate)
    return data


def _providers(session: _Session, args: argparse.Namespace) -> None:
    rows = providers.providers(session.projections().store)
    if args.json:
        _json(session.out, {"providers": rows})
        return
    _heading(session.out, "Providers")
    today = datetime.now(UTC).date()
    _table(
        session.out,
        [
            "provider",
            "name",
            "kind",
            "URN",
            "checked",
            "risk assessed",
            "valid until",
            "current",
            "placements now",
            "full-time pupils",
        ],
        [
            (
                p.provider_id,
                p.name,
                p.kind,
                p.urn,
                p.registration_checked_on,
                p.risk_assessed_on,
                p.risk_valid_until,
                p.risk_assessment_current_on(today),
                p.placements_now,
                p.full_time_pupils,
            )
            for p in rows
        ],
    )


def _export(session: _Session, args: argparse.Namespace) -> None:
    store = session.projections().store
    count = 0
    with _output(args.output, session.out) as out:
        for line in audit.export_lines(store):
            out.write(line + "\n")
            count += 1
    if args.output:
        session.err.write(f"Exported {count} decisions to {args.output}\n")


@contextmanager
def _output(path: str | None, default: TextIO) -> Iterator[TextIO]:
    if path is None:
        yield default
        return
    try:
        with Path(path).open("w", encoding="utf-8") as out:
            yield out
    except OSError as error:
        raise _ExitError(f"Could not write {path}: {error.strerror}", EXIT_REFUSED) from None


def _rebuild(session: _Session, args: argparse.Namespace) -> None:
    projections = projections_for(session.app(), session.projections_path)
    session._projections = projections
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        session.err.write(
            f"\rRebuilding [{'#' * filled}{'.' * (width - filled)}] {done}/{total} events"
        )
        session.err.flush()

    count = projections.rebuild(progress=progress)
    seconds = time.perf_counter() - started
    session.err.write("\n")
    names = ", ".join(p.name for p in projections.all)
    session.out.write(
        f"Rebuilt {len(projections.all)} projections ({names}) from {count} events "
        f"in {seconds:.1f} s.\n"
    )


def _operator(name: str) -> Actor:
    return Actor(id=name, role=Role.SCHOOL_STAFF, school_id="(all schools)")


def _retention(session: _Session, args: argparse.Namespace) -> None:
    projections = session.projections()
    on = args.on or datetime.now(UTC).date()
    rows = students.retention(
        projections.store,
        on=on,
        policy=projections.app.policy,
        school_id=args.school,
        due_only=not args.all,
    )
    title = (
        f"Students and the end of their retention, on {on.isoformat()}"
        if args.all
        else f"Students whose retention has ended by {on.isoformat()} (STAT-7)"
    )
    if args.json:
        _json(session.out, {"title": title, "on": on, "students": rows})
        return
    _heading(session.out, title)
    _table(
        session.out,
        ["school", "student", "name", "born", "placements", "last entry", "retention ends",
         "erased on"],
        [
            (r.school_id, r.student_reference, r.name, r.date_of_birth, r.placements,
             r.last_entry_on, r.retention_ends_on, r.forgotten_on)
            for r in rows
        ],
    )  # fmt: skip
    due = sum(r.due_on(on) for r in rows)
    session.out.write(
        f"{due} student{'' if due == 1 else 's'} due for erasure: "
        "`senad-ap forget STUDENT --school ID --by HEAD` erases one.\n"
    )


def _forget(session: _Session, args: argparse.Namespace) -> None:
    head = Actor(id=args.by, role=Role.HEAD_TEACHER, school_id=args.school)
    state = session.app().forget_student(args.student, actor=head)
    session.out.write(
        f"Erased the personal data of student {state.student_reference} (retention ended on "
        f"{_cell(state.retention_ended_on)}): {len(state.placement_ids)} placement(s) closed; "
        "the decisions stay on the record and `senad-ap verify` still passes.\n"
    )


def _seal(session: _Session, args: argparse.Namespace) -> None:
    sealed = session.app().seal(actor=_operator(args.by))
    if sealed is None:
        session.out.write("Nothing was recorded since the last seal; no new seal.\n")
        return
    session.out.write(
        f"Sealed {sealed.events} events up to position {sealed.last_position}: head {sealed.head}\n"
    )


def _seals(session: _Session, args: argparse.Namespace) -> None:
    found = session.app().seals()
    with _output(args.output, session.out) as out:
        for seal in found:
            out.write(seal.to_json() + "\n")
    if args.output:
        session.err.write(f"Exported {len(found)} seals to {args.output}\n")


def _verify(session: _Session, args: argparse.Namespace) -> None:
    kept = _kept_seals(args.seals) if args.seals else []
    result = session.app().verify(kept=kept)
    if result.ok:
        session.out.write(
            f"Verified {result.events} events against their hashes and {result.seals} seals"
            f"{f' and {len(kept)} kept seals' if kept else ''}: nothing was altered, removed, "
            f"inserted or reordered. {result.unsealed} events since the last seal.\n"
        )
        return
    first = result.problems[0]
    session.out.write(f"FIRST PROBLEM: {first.message}\n")
    for problem in result.problems[1:]:
        session.out.write(f"also: {problem.message}\n")
    raise _ExitError(
        f"The store does not match its hashes and seals: {len(result.problems)} problems, "
        f"the first at position {first.position} ({first.kind}).",
        EXIT_TAMPERED,
    )


def _kept_seals(path: str) -> list[SealRecord]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise _ExitError(f"Could not read {path}: {error.strerror}", EXIT_USAGE) from None
    except UnicodeDecodeError:
        raise _ExitError(f"{path} is not a text file of seals.", EXIT_USAGE) from None
    try:
        return [SealRecord.from_json(line) for line in lines if line.strip()]
    except (ValueError, KeyError, TypeError):
        raise _ExitError(
            f"{path} is not a file of seals (one JSON object a line, from `senad-ap seals`).",
            EXIT_USAGE,
        ) from None


def _heading(out: TextIO, text: str) -> None:
    out.write(f"{text}\n\n")


_COMMANDS: dict[str, Callable[[_Session, argparse.Namespace], None]] = {
    "demo": _demo,
    "placements": _placements,
    "history": _history,
    "compliance": _compliance,
    "attendance": _attendance,
    "providers": _providers,
    "export": _export,
    "rebuild": _rebuild,
    "retention": _retention,
    "forget": _forget,
    "seal": _seal,
    "seals": _seals,
    "verify": _verify,
}


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run ``senad-ap`` with ``argv``; return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _parser()
    try:
        # argparse writes usage, errors and --help to the process's streams: send them to ours.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    db = args.db or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_SQLITE_FILE
    try:
        projections = _check_arguments(args, db)
    except _ExitError as stop:
        err.write(f"senad-ap: {stop}\n")
        return stop.code
    session = _Session(db, projections, out, err)
    try:
        _COMMANDS[args.command](session, args)
    except _ExitError as stop:
        err.write(f"senad-ap: {stop}\n")
        return stop.code
    except NotFoundError as error:
        err.write(f"senad-ap: {error}\n")
        return EXIT_NOT_FOUND
    except SenadApError as error:
        err.write(f"senad-ap: {error}\n")
        return EXIT_REFUSED
    except BrokenPipeError:  # pragma: no cover - e.g. `senad-ap export | head`
        return 0
    except (OSError, ValueError, sqlite3.Error, EventSourcingError) as error:
        # The last line of defence: whatever the system refused, a message, never a traceback.
        err.write(f"senad-ap: could not complete the command: {error}\n")
        return EXIT_REFUSED
    finally:
        session.close()
    return 0


def _check_arguments(args: argparse.Namespace, db: str) -> str | None:
    """Refuse text and paths the system cannot take, before anything is opened; return the
    projections' path."""
    for option, value in vars(args).items():
        if isinstance(value, list):
            # argparse reads `--option=--` as an empty list.
            raise _ExitError(f"--{option.replace('_', '-')} needs a value.", EXIT_USAGE)
    for option in ("placement", "school", "by", "student"):
        value = getattr(args, option, None)
        if value is not None:
            _check_text(value, option)
    projections_url = args.projections is not None and _is_postgres(args.projections)
    paths = {
        "--db": None if _is_postgres(db) else db,
        "--projections": None if projections_url else args.projections,
        "--output": getattr(args, "output", None),
        "--seals": getattr(args, "seals", None),
    }
    for option, value in paths.items():
        if value is not None:
            _check_path(value, option)
    if args.projections is not None:
        projections: str | None = str(args.projections)
    elif _is_postgres(db):
        projections = None  # in the store's own database and schema
    else:
        projections = default_projections_path(db)
    output = getattr(args, "output", None)
    if output is not None:
        stores = [p for p in (None if _is_postgres(db) else db, projections)
                  if p is not None and not _is_postgres(p)]  # fmt: skip
        kept = {
            _resolved(f"{store}{suffix}") for store in stores for suffix in ("", "-wal", "-shm")
        }
        if _resolved(output) in kept:
            raise _ExitError(
                f"--output {output} is the store or its projections: choose another file.",
                EXIT_USAGE,
            )
    return projections


def _check_text(value: str, option: str) -> None:
    if "\x00" in value or not _encodable(value):
        raise _ExitError(f"The {option} given is not valid text.", EXIT_USAGE)


def _check_path(value: str, option: str) -> None:
    if "\x00" in value or not _encodable(value):
        raise _ExitError(f"{option}: the path is not valid text.", EXIT_USAGE)
    path = Path(value)
    if option != "--seals" and path.name in ("", ".", ".."):
        raise _ExitError(f"{option} {value!r} names a folder, not a file.", EXIT_USAGE)
    if any(len(os.fsencode(part)) > 255 for part in path.parts):
        raise _ExitError(f"{option}: a name in the path is too long.", EXIT_USAGE)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _resolved(path: str) -> str:
    return str(Path(path).resolve())


def run() -> NoReturn:
    """The console script's entry point."""
    sys.exit(main())
