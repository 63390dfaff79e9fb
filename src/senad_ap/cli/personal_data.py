"""The commands over students' personal data (STAT-7): ``retention`` (who is due for erasure)
and ``forget`` (erase one student's)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from senad_ap.cli.output import _cell, _heading, _json, _table
from senad_ap.cli.session import _Session
from senad_ap.cli.tables import paragraph, plural
from senad_ap.domain.values import Actor, Role
from senad_ap.projections import students
from senad_ap.projections.access import FULL_ACCESS


def _retention(session: _Session, args: argparse.Namespace) -> None:
    projections = session.projections()
    on = args.on or datetime.now(UTC).date()
    rows = students.retention(
        projections.store,
        on=on,
        reader=FULL_ACCESS,
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
    _heading(session, title)
    _table(
        session,
        ["school", "student", "name", "born", "placements", "last entry", "retention ends",
         "erased on"],
        [
            (r.school_id, r.student_reference, r.name, r.date_of_birth, r.placements,
             r.last_entry_on, r.retention_ends_on or r.retention_ended_in, r.forgotten_on)
            for r in rows
        ],
    )  # fmt: skip
    due = sum(r.due_on(on) for r in rows)
    paragraph(
        session.out,
        f"{plural(due, 'student')} due for erasure: "
        "`senad-ap forget STUDENT --school ID --by HEAD` erases one.",
        session.width,
    )


def _forget(session: _Session, args: argparse.Namespace) -> None:
    head = Actor(id=args.by, role=Role.HEAD_TEACHER, school_id=args.school)
    app = session.app()
    state = app.forget_student(args.student, actor=head)
    session.out.write(
        f"Erased the personal data of student {state.student_reference} (retention ended in "
        f"the school year {_cell(state.retention_ended_in)}): "
        f"{plural(len(state.placement_ids), 'placement')} closed; "
        "the decisions stay on the record and `senad-ap verify` still passes.\n"
    )
    if app.erasures_waiting:
        session.out.write(
            "Another program was reading the store: an old copy of the destroyed key stays in "
            "its files until it has finished; closing this store tries again, and so does "
            "`finish_erasures()`.\n"
        )
