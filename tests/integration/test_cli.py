"""The ``senad-ap`` command (``senad_ap.cli``), run the way an inspector runs it.

The demo is written once for the session, through the real entry point
(``python -m senad_ap demo`` in a temporary folder), which keeps the projections beside the
store (``demo_folder``, in conftest.py); tests that change a store
work on a copy of that folder.
The flow the inspection documentation promises (demo, then compliance, history, export and
rebuild) runs in subprocesses; the many small cases call ``main`` in the test's process.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import pytest

from senad_ap import AlternativeProvision
from senad_ap.cli import main
from senad_ap.demo import DemoSummary
from senad_ap.domain.base import Event
from senad_ap.projections import (
    AsAt,
    Projections,
    Sense,
    attendance,
    audit,
    compliance,
    default_projections_path,
    providers,
    register,
)
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import findings_as_at
from tests.integration.demo_school import (
    END_OF_TERM,
    STORE_FILE,
    STORE_VARIABLES,
    DemoFolder,
    InMemoryDemo,
    Run,
    command_environment,
    run_senad_ap,
)

MID_TERM = date(2025, 10, 15)
#: The demo's Head Teacher's delegate (senad_ap.demo).
DELEGATE = "deputy-DEMO-1"
#: The export's fields, as docs/inspection.md lists them.
EXPORT_FIELDS = {
    "position",
    "record_id",
    "record_kind",
    "record_version",
    "placement_id",
    "provider_ids",
    "school_id",
    "event_type",
    "recorded_at",
    "effective_on",
    "late_entry",
    "actor",
    "policy_version",
    "evidence_for",
    "description",
    "facts",
    "idempotency_key",
    "corrects_version",
}
#: The demo's deliberate gaps open at the end of term (senad_ap.demo's docstring).
END_OF_TERM_GAPS = {
    ("AIM-1", "DEMO-S021"),
    ("AIM-4", "DEMO-S022"),
    ("COMM-5", "DEMO-S012"),
    ("COMM-6", "DEMO-S007"),
    ("COMM-6", "DEMO-S027"),
    ("COMM-8", "DEMO-S019"),
    ("INFO-1", "DEMO-S023"),
    ("INFO-1", "DEMO-S037"),
    ("INFO-3", "DEMO-S037"),
    ("PLAN-1", "DEMO-S015"),
    ("PLAN-1", "DEMO-S016"),
    ("CONTACT-1", "DEMO-S036"),
}
REINTEGRATION_STEPS = [
    "ReintegrationCriteriaAgreed",
    "ReintegrationAssessed",
    "ReintegrationSupportAgreed",
    "PlacementEnded",
]
PROVIDER_NAMES = {
    "DEMO-1 on-site provision (the Orchard Room)",
    "Hollow Lane Farm Project",
    "Northgate Learning Centre",
    "Orchard House (the allied children's home)",
    "Riverside College of Further Education",
    "St Aidan's Academy vocational centre",
}
_DECISION = re.compile(
    r"^\s*(\d+)  recorded (\d{4}-\d\d-\d\d \d\d:\d\d)  took effect (\d{4}-\d\d-\d\d)"
    r"  by ([^\s,]+)(?: \((.+?)\)|, (the Head Teacher's delegate))(  LATE ENTRY)?$"
)
_FINDING = re.compile(r"^([A-Z]+-\d+)\s.*?\s(DEMO-S\d{3})\s")
_PLACEMENT = re.compile(r"^([0-9a-f]{8})\s+(DEMO-S\d{3})\s")

Decision = tuple[int, str, str, str, str, bool]


# ----------------------------------------------------------------------------- running it
def _main(*args: str) -> Run:
    """``senad_ap.cli.main`` in this process."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


# ----------------------------------------------------------------------------- the store
#: The folder the demo was written into, and the first two runs on it.
Written = DemoFolder


@pytest.fixture(scope="module", autouse=True)
def _no_store_variables() -> Iterator[None]:
    # eventsourcing lets ALTERNATIVEPROVISION_* (and unprefixed) variables override the store
    # a constructor asks for, and SENAD_AP_DB would choose another store for ``main``.
    with pytest.MonkeyPatch.context() as patch:
        for variable in list(os.environ):
            if variable.startswith("ALTERNATIVEPROVISION_") or variable in STORE_VARIABLES:
                patch.delenv(variable)
        # The tests read rows whole, as a script does: a width no table here reaches, so that
        # no row wraps (test_cli_tables.py checks the fitted tables).
        patch.setenv("COLUMNS", "10000")
        yield


@pytest.fixture(scope="module")
def written(demo_folder: DemoFolder) -> Written:
    """The session's demo folder (read only: see ``_copy``)."""
    return demo_folder


@pytest.fixture(scope="module")
def summary(demo_in_memory: InMemoryDemo) -> DemoSummary:
    """What ``write_demo`` says it wrote: the ids are the same in every store."""
    return demo_in_memory.summary


@pytest.fixture(scope="module")
def reintegrated_events(written: Written, summary: DemoSummary) -> tuple[Event, ...]:
    app = AlternativeProvision.sqlite(written.db)
    try:
        return app.events_of(summary.reintegrated_placement_id, reader=FULL_ACCESS)
    finally:
        app.close()


def _copy(written: Written, to: Path) -> Path:
    """Copy the store and its projections (with any -wal/-shm files) into ``to``: for a test
    that changes them (the demo folder is shared by the session)."""
    return written.copy(to)


def _stored_events(db: Path, record_id: UUID | None = None) -> int:
    """How many events the SQLite file holds (of one record, if given)."""
    with closing(sqlite3.connect(db)) as connection:
        if record_id is None:
            (count,) = connection.execute("SELECT COUNT(*) FROM stored_events").fetchone()
        else:
            (count,) = connection.execute(
                "SELECT COUNT(*) FROM stored_events WHERE originator_id = ?", (record_id.hex,)
            ).fetchone()
    return int(count)


def _stored_positions(db: Path) -> list[int]:
    with closing(sqlite3.connect(db)) as connection:
        return [row[0] for row in connection.execute("SELECT rowid FROM stored_events ORDER BY 1")]


def _projection_rows(db: Path) -> dict[str, list[dict[str, Any]]]:
    app = AlternativeProvision.sqlite(db)
    projections = Projections(app, default_projections_path(db))
    try:
        store = projections.store
        return {
            "register": register.stored_rows(store),
            "audit": audit.stored_rows(store),
            "compliance": compliance.stored_rows(store),
            "attendance": attendance.stored_rows(store),
            "providers": providers.stored_rows(store),
        }
    finally:
        projections.close()
        app.close()


def _decisions(text: str) -> list[Decision]:
    """(version, recorded, took effect, actor, role, late) of each decision ``history`` shows."""
    found = (_DECISION.match(line) for line in text.splitlines())
    return [
        (int(m[1]), m[2], m[3], m[4], m[5] or m[6], m[7] is not None)
        for m in found
        if m is not None
    ]


def _decision(event: Event) -> Decision:
    recorded = event.timestamp.astimezone(UTC)
    return (
        event.originator_version,
        recorded.strftime("%Y-%m-%d %H:%M"),
        event.effective_on.isoformat(),
        event.actor.id,
        # The demo appoints its delegate on its first day, before any placement.
        "the Head Teacher's delegate" if event.actor.id == DELEGATE else event.actor.role.value,
        recorded.date() > event.effective_on,
    )


def _total(text: str) -> int:
    """The number in ``history``'s closing line: "N decisions, …"."""
    (count,) = re.findall(r"^(\d+) decisions, ", text, flags=re.MULTILINE)
    return int(count)


def _gaps(text: str) -> set[tuple[str, str]]:
    """(rule id, student) of each row of a ``compliance`` table."""
    found = (_FINDING.match(line) for line in text.splitlines())
    return {(m[1], m[2]) for m in found if m is not None}


def _placement_lines(text: str) -> dict[str, str]:
    """Each row of a ``placements`` table, by student reference."""
    found = ((_PLACEMENT.match(line), line) for line in text.splitlines())
    return {m[2]: line for m, line in found if m is not None}


def _json(run: Run) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run.out)
    return data


# ----------------------------------------------------------------------------- demo
def test_demo_exits_0(written: Written) -> None:
    assert (written.demo.code, written.demo.err) == (0, "")


def test_demo_reports_the_placements_providers_and_events_it_wrote(written: Written) -> None:
    reported = re.findall(r"(\d+) placements at (\d+) providers, (\d+) events", written.demo.out)

    assert reported == [("41", "6", str(_stored_events(written.db)))]


def test_demo_suggests_the_history_of_the_reintegrated_placement(
    written: Written, summary: DemoSummary
) -> None:
    suggested = re.findall(r"senad-ap history (\S+)", written.demo.out)
    run = _main("--db", str(written.db), "history", *suggested)

    assert (run.code, str(summary.reintegrated_placement_id) in run.out.splitlines()[0]) == (
        0,
        True,
    )


def test_demo_refuses_a_store_that_already_holds_data(written: Written, tmp_path: Path) -> None:
    db = _copy(written, tmp_path)

    run = _main("--db", str(db), "demo")

    assert (run.code, run.out, "already holds" in run.err) == (1, "", True)


def test_a_refused_demo_writes_nothing(written: Written, tmp_path: Path) -> None:
    db = _copy(written, tmp_path)
    before = _stored_events(db)

    _main("--db", str(db), "demo")

    assert _stored_events(db) == before


def test_demo_with_force_writes_nothing_new_on_a_store_that_holds_it(
    written: Written, tmp_path: Path
) -> None:
    db = _copy(written, tmp_path)
    before = _stored_events(db)

    run = _main("--db", str(db), "demo", "--force")

    assert (run.code, _stored_events(db), "6 providers, 0 events" in run.out) == (0, before, True)


# ----------------------------------------------------------------------------- compliance
def test_compliance_as_at_the_end_of_term_exits_0(written: Written) -> None:
    assert written.findings_at_end_of_term.code == 0


def test_compliance_as_at_the_end_of_term_lists_the_demo_gaps_with_rule_ids(
    written: Written,
) -> None:
    assert _gaps(written.findings_at_end_of_term.out) == END_OF_TERM_GAPS


def test_compliance_without_a_date_shows_findings_open_today_with_rule_ids(
    written: Written,
) -> None:
    run = run_senad_ap("compliance", cwd=written.folder)
    rules = {rule for rule, _ in _gaps(run.out)}

    # Needs assessed after the plan, and the farm placement's contacts, are never put right.
    assert (run.code, {"PLAN-1", "CONTACT-1"} <= rules) == (0, True)


def test_compliance_json_gives_each_finding_a_rule_id(written: Written) -> None:
    run = _main("--db", str(written.db), "compliance", "--as-at", END_OF_TERM, "--json")
    found = {(f["rule_id"], f["student_reference"]) for f in _json(run)["findings"]}

    assert found == END_OF_TERM_GAPS


def _findings(*args: str, written: Written) -> list[tuple[str, str, str, str]]:
    """(rule, key, placement, since) of each finding ``compliance --json`` lists."""
    run = _main("--db", str(written.db), "compliance", *args, "--json")
    found = _json(run)["findings"]
    return sorted((f["rule_id"], f["key"], f["placement_id"], f["since"]) for f in found)


def _folded(written: Written, sense: Sense, on: date) -> list[tuple[str, str, str, str]]:
    """The same, worked out by folding the demo's log as at ``on``."""
    app = AlternativeProvision.sqlite(written.db)
    projections = Projections(app, default_projections_path(written.db))
    try:
        rows = findings_as_at(projections, AsAt(sense, on), reader=FULL_ACCESS)
    finally:
        projections.close()
        app.close()
    return sorted((r.rule_id, r.key, str(r.placement_id), r.since.isoformat()) for r in rows)


def test_compliance_on_a_past_day_lists_the_findings_as_at_that_day(written: Written) -> None:
    # Issue 12 item 8: --on once left out the findings closed since (13 instead of 15).
    on = _findings("--on", MID_TERM.isoformat(), written=written)

    assert on == _findings("--as-at", MID_TERM.isoformat(), written=written)


def test_compliance_as_at_a_past_day_lists_the_log_folded_as_in_effect_then(
    written: Written,
) -> None:
    found = _findings("--as-at", MID_TERM.isoformat(), written=written)

    assert found == _folded(written, Sense.IN_EFFECT_ON, MID_TERM)


def test_compliance_as_known_on_a_past_day_lists_the_log_folded_as_known_then(
    written: Written,
) -> None:
    found = _findings("--as-known-on", MID_TERM.isoformat(), written=written)

    assert found == _folded(written, Sense.KNOWN_ON, MID_TERM)


def test_compliance_on_a_past_day_counts_the_demos_12_findings_open_mid_term(
    written: Written,
) -> None:
    counts = {
        option: re.findall(r"^(\d+) open findings", run.out, flags=re.MULTILINE)
        for option in ("--on", "--as-at", "--as-known-on")
        for run in [_main("--db", str(written.db), "compliance", option, MID_TERM.isoformat())]
    }

    # 15 before the farm's staffing was recorded (13 October): its three QUAL-3 gaps closed.
    assert counts == {"--on": ["12"], "--as-at": ["12"], "--as-known-on": ["12"]}


def test_compliance_on_a_past_day_shows_when_the_findings_closed_since(written: Written) -> None:
    run = _main("--db", str(written.db), "compliance", "--on", MID_TERM.isoformat(), "--json")
    closed = [f["closed_on"] for f in _json(run)["findings"] if f["closed_on"] is not None]

    assert (len(closed), all(c > MID_TERM.isoformat() for c in closed)) == (2, True)


def test_compliance_on_a_past_day_says_how_many_closed_since(written: Written) -> None:
    run = _main("--db", str(written.db), "compliance", "--on", MID_TERM.isoformat())

    assert "2 of them closed after 2025-10-15" in run.out


def test_compliance_as_known_on_a_past_day_says_how_many_decisions_were_recorded_later(
    written: Written,
) -> None:
    run = _main("--db", str(written.db), "compliance", "--as-known-on", MID_TERM.isoformat())

    assert "3 decisions recorded later took effect by then" in run.out


def _group_findings(text: str) -> list[str]:
    """The rule id of each group-level row of a ``compliance`` table (no student: the
    school group's)."""
    return [line.split()[0] for line in text.splitlines() if "(school group)" in line]


@pytest.mark.parametrize(
    "when", [("--on", "2026-01-05"), ("--as-at", "2026-01-05"), ("--as-known-on", "2026-01-05")]
)
def test_compliance_after_the_policys_review_date_shows_pol_1_for_the_school_group(
    written: Written, when: tuple[str, str]
) -> None:
    run = _main("--db", str(written.db), "compliance", *when)

    assert (run.code, _group_findings(run.out)) == (0, ["POL-1"])


def test_compliance_on_the_policys_review_date_shows_no_pol_1(written: Written) -> None:
    run = _main("--db", str(written.db), "compliance", "--on", "2025-12-31")

    assert (run.code, _group_findings(run.out)) == (0, [])


# ----------------------------------------------------------------------------- history
def test_history_shows_every_decision_on_the_placement_with_who_and_when(
    written: Written, summary: DemoSummary, reintegrated_events: tuple[Event, ...]
) -> None:
    run = run_senad_ap("history", str(summary.reintegrated_placement_id)[:8], cwd=written.folder)

    assert (run.code, _decisions(run.out)) == (0, [_decision(e) for e in reintegrated_events])


def test_history_shows_as_many_decisions_as_the_store_holds_events_of_the_placement(
    written: Written, summary: DemoSummary
) -> None:
    placement_id = summary.reintegrated_placement_id

    run = _main("--db", str(written.db), "history", str(placement_id))

    assert _total(run.out) == _stored_events(written.db, placement_id)


def test_history_finds_a_placement_by_id_first_8_characters_or_student_reference(
    written: Written, summary: DemoSummary
) -> None:
    placement_id = str(summary.reintegrated_placement_id)
    by_id = _main("--db", str(written.db), "history", placement_id).out

    others = [
        _main("--db", str(written.db), "history", text).out
        for text in (placement_id[:8], placement_id.upper(), "DEMO-S003")
    ]

    assert (others, by_id.startswith(f"History of placement {placement_id}\n")) == (
        [by_id] * 3,
        True,
    )


def test_history_shows_the_reintegration_decisions_in_order(
    written: Written, summary: DemoSummary
) -> None:
    placement_id = str(summary.reintegrated_placement_id)

    run = _main("--db", str(written.db), "history", placement_id, "--json")
    steps = [d["event_type"] for d in _json(run)["decisions"]]

    assert [s for s in steps if s in REINTEGRATION_STEPS] == REINTEGRATION_STEPS


def test_history_describes_the_reintegration_decisions_in_words(
    written: Written, summary: DemoSummary
) -> None:
    placement_id = str(summary.reintegrated_placement_id)
    words = [
        "Reintegration criteria agreed:",
        "Reintegration assessed: ready to return",
        "Reintegration support agreed:",
        "Placement ended; destination: reintegration into the SEN school",
    ]

    run = _main("--db", str(written.db), "history", placement_id)

    assert [w for w in words if w not in run.out] == []


def test_history_without_attendance_hides_the_marks_and_only_the_marks(
    written: Written, summary: DemoSummary, reintegrated_events: tuple[Event, ...]
) -> None:
    placement_id = str(summary.reintegrated_placement_id)
    decisions = [e for e in reintegrated_events if type(e).__name__ != "AttendanceRecorded"]
    marks = len(reintegrated_events) - len(decisions)

    run = _main("--db", str(written.db), "history", placement_id, "--no-attendance")

    assert (_decisions(run.out), f"; {marks} attendance marks not shown" in run.out) == (
        [_decision(e) for e in decisions],
        True,
    )


def test_history_without_attendance_prints_no_mark(written: Written, summary: DemoSummary) -> None:
    placement_id = str(summary.reintegrated_placement_id)

    run = _main("--db", str(written.db), "history", placement_id, "--no-attendance")

    assert [line for line in run.out.splitlines() if "Attendance recorded" in line] == []


def test_history_json_without_attendance_leaves_out_the_marks(
    written: Written, summary: DemoSummary
) -> None:
    placement_id = str(summary.reintegrated_placement_id)

    run = _main("--db", str(written.db), "history", placement_id, "--json", "--no-attendance")
    types = [d["event_type"] for d in _json(run)["decisions"]]

    assert [t for t in types if t == "AttendanceRecorded"] == []


def test_history_as_known_on_a_day_mid_term_shows_only_what_was_recorded_by_then(
    written: Written, summary: DemoSummary, reintegrated_events: tuple[Event, ...]
) -> None:
    end_of_day = datetime.combine(MID_TERM, time.max, tzinfo=UTC)
    known = [e for e in reintegrated_events if e.timestamp <= end_of_day]
    placement_id = str(summary.reintegrated_placement_id)

    run = _main(
        "--db", str(written.db), "history", placement_id, "--as-known-on", MID_TERM.isoformat()
    )

    assert (_decisions(run.out), len(known) < len(reintegrated_events)) == (
        [_decision(e) for e in known],
        True,
    )


def test_history_as_at_a_day_mid_term_shows_what_had_taken_effect_by_then(
    written: Written, summary: DemoSummary, reintegrated_events: tuple[Event, ...]
) -> None:
    in_effect = [e for e in reintegrated_events if e.effective_on <= MID_TERM]
    placement_id = str(summary.reintegrated_placement_id)

    run = _main("--db", str(written.db), "history", placement_id, "--as-at", MID_TERM.isoformat())

    assert _decisions(run.out) == [_decision(e) for e in in_effect]


def test_history_json_has_one_decision_per_stored_event_of_the_placement(
    written: Written, summary: DemoSummary
) -> None:
    placement_id = summary.reintegrated_placement_id
    count = _stored_events(written.db, placement_id)

    run = _main("--db", str(written.db), "history", str(placement_id), "--json")
    versions = [d["record_version"] for d in _json(run)["decisions"]]

    assert versions == list(range(1, count + 1))


def test_history_json_names_who_decided_and_when_it_was_recorded(
    written: Written, summary: DemoSummary, reintegrated_events: tuple[Event, ...]
) -> None:
    placement_id = str(summary.reintegrated_placement_id)

    run = _main("--db", str(written.db), "history", placement_id, "--json")
    shown = [(d["actor"]["id"], d["recorded_at"]) for d in _json(run)["decisions"]]

    assert shown == [(e.actor.id, e.timestamp.isoformat()) for e in reintegrated_events]


# ----------------------------------------------------------------------------- export
@pytest.fixture(scope="module")
def exported(written: Written) -> Run:
    return run_senad_ap("export", cwd=written.folder)


def test_export_exits_0_and_says_nothing_on_stderr(exported: Run) -> None:
    assert (exported.code, exported.err) == (0, "")


def test_export_writes_one_line_per_stored_event(written: Written, exported: Run) -> None:
    assert len(exported.out.splitlines()) == _stored_events(written.db)


def test_every_export_line_is_a_json_object_with_the_documented_fields(exported: Run) -> None:
    fields = {frozenset(json.loads(line)) for line in exported.out.splitlines()}

    assert fields == {frozenset(EXPORT_FIELDS)}


def test_export_lines_follow_the_log_positions_in_increasing_order(
    written: Written, exported: Run
) -> None:
    positions = [json.loads(line)["position"] for line in exported.out.splitlines()]

    assert positions == _stored_positions(written.db)


def test_export_to_a_file_writes_the_same_lines(
    written: Written, exported: Run, tmp_path: Path
) -> None:
    target = tmp_path / "trail.jsonl"

    run = run_senad_ap("export", "-o", str(target), cwd=written.folder)

    assert (run.code, run.out, target.read_text(encoding="utf-8")) == (0, "", exported.out)


def test_export_to_a_file_says_how_many_decisions_it_wrote(
    written: Written, tmp_path: Path
) -> None:
    target = tmp_path / "trail.jsonl"

    run = _main("--db", str(written.db), "export", "--output", str(target))

    assert run.err == f"Exported {_stored_events(written.db)} decisions to {target}\n"


# ----------------------------------------------------------------------------- rebuild
@attrs.frozen
class Rebuilt:
    db: Path
    before: dict[str, list[dict[str, Any]]]
    run: Run
    after: dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def rebuilt(written: Written, tmp_path_factory: pytest.TempPathFactory) -> Rebuilt:
    db = _copy(written, tmp_path_factory.mktemp("rebuild"))
    before = _projection_rows(db)
    run = run_senad_ap("rebuild", cwd=db.parent)
    return Rebuilt(db, before, run, _projection_rows(db))


def test_rebuild_exits_0(rebuilt: Rebuilt) -> None:
    assert rebuilt.run.code == 0


def test_rebuild_says_how_many_events_it_processed(rebuilt: Rebuilt) -> None:
    processed = [int(n) for n in re.findall(r" from (\d+) events", rebuilt.run.out)]

    assert processed == [_stored_events(rebuilt.db)]


def test_rebuild_writes_no_progress_bar_into_a_log(rebuilt: Rebuilt) -> None:
    # Its stderr is a pipe, not a terminal: no bar and no "\r" (issue 15).
    assert rebuilt.run.err == ""


def test_rebuild_gives_the_rows_the_projections_held_before(rebuilt: Rebuilt) -> None:
    assert rebuilt.after == rebuilt.before


def test_rebuild_starts_from_projections_that_hold_the_whole_demo(
    rebuilt: Rebuilt, summary: DemoSummary
) -> None:
    counts = {name: len(rows) > 0 for name, rows in rebuilt.before.items()}

    assert (counts, len(rebuilt.before["register"])) == (
        dict.fromkeys(counts, True),
        summary.placements,
    )


# ----------------------------------------------------------------------------- placements
def test_placements_lists_the_41_placements(written: Written) -> None:
    run = _main("--db", str(written.db), "placements")

    assert (run.code, len(_placement_lines(run.out)), run.out.endswith("\n41 placements\n")) == (
        0,
        41,
        True,
    )


def test_placements_shows_the_childrens_home_placement(
    written: Written, summary: DemoSummary
) -> None:
    run = _main("--db", str(written.db), "placements")
    lines = [
        line
        for line in _placement_lines(run.out).values()
        if line.startswith(str(summary.childrens_home_placement_id)[:8])
    ]

    assert ["the allied children's home" in line for line in lines] == [True]


def test_placements_json_holds_every_placement_of_the_demo(
    written: Written, summary: DemoSummary
) -> None:
    run = _main("--db", str(written.db), "placements", "--json")
    ids = {UUID(p["placement_id"]) for p in _json(run)["placements"]}
    shown = {
        summary.reintegrated_placement_id,
        summary.withdrawn_consent_placement_id,
        summary.childrens_home_placement_id,
    }

    assert (len(ids), shown <= ids) == (41, True)


def test_placements_json_shows_the_reintegrated_placement_ended(
    written: Written, summary: DemoSummary
) -> None:
    run = _main("--db", str(written.db), "placements", "--json")
    (row,) = [
        p
        for p in _json(run)["placements"]
        if p["placement_id"] == str(summary.reintegrated_placement_id)
    ]

    assert (row["status"], row["ended_on"], row["destination"]) == (
        "ended",
        "2025-12-12",
        "reintegration into the SEN school",
    )


def test_placements_with_status_active_shows_only_the_37_active(written: Written) -> None:
    run = _main("--db", str(written.db), "placements", "--status", "active", "--json")
    statuses = [p["status"] for p in _json(run)["placements"]]

    assert statuses == ["active"] * 37


def test_placements_as_at_a_day_mid_term_leaves_out_a_placement_opened_later(
    written: Written,
) -> None:
    now = _json(_main("--db", str(written.db), "placements", "--json"))["placements"]
    opened = {p["student_reference"] for p in now if p["opened_on"] <= MID_TERM.isoformat()}

    run = _main("--db", str(written.db), "placements", "--as-at", MID_TERM.isoformat(), "--json")
    shown = {p["student_reference"] for p in _json(run)["placements"]}

    assert (shown, "DEMO-S041" in opened) == (opened, False)


def test_placements_as_at_a_day_mid_term_shows_every_placement_then_active(
    written: Written,
) -> None:
    run = _main("--db", str(written.db), "placements", "--as-at", MID_TERM.isoformat(), "--json")
    statuses = {p["status"] for p in _json(run)["placements"]}

    assert statuses == {"active"}


def test_placements_as_known_on_a_day_shows_only_placements_recorded_by_then(
    written: Written,
) -> None:
    day = "2025-07-08"
    now = _json(_main("--db", str(written.db), "placements", "--json"))["placements"]
    # The demo records each opening on the day it takes effect.
    opened = {p["student_reference"] for p in now if p["opened_on"] <= day}

    run = _main("--db", str(written.db), "placements", "--as-known-on", day, "--json")
    shown = {p["student_reference"] for p in _json(run)["placements"]}

    assert (shown, 0 < len(shown) < 41) == (opened, True)


def test_placements_table_as_at_names_the_day_in_its_title(written: Written) -> None:
    run = _main("--db", str(written.db), "placements", "--as-known-on", "2025-07-08")

    assert run.out.splitlines()[0] == "Placement register, as known on 2025-07-08"


# ----------------------------------------------------------------------------- attendance
def test_attendance_shows_the_placement_by_term_and_by_week(
    written: Written, summary: DemoSummary
) -> None:
    run = _main("--db", str(written.db), "attendance", "DEMO-S003")
    headings = [line for line in run.out.splitlines() if line in ("By term", "By week")]

    assert (run.code, headings, "week of 2025-09-01" in run.out) == (
        0,
        ["By term", "By week"],
        True,
    )


def test_attendance_shows_the_placements_absence_and_its_band_after_the_whole_placement(
    written: Written, summary: DemoSummary
) -> None:
    run = _main("--db", str(written.db), "attendance", "DEMO-S003")
    lines = run.out.splitlines()
    absence = next(n for n, line in enumerate(lines) if line.startswith("Absence: "))

    assert (
        lines[absence - 1].startswith("whole placement"),
        lines[absence].endswith("(persistent from 10%, severe from 50%)"),
    ) == (True, True)


def test_attendance_json_gives_the_absence_band_and_each_periods_absence_rate(
    written: Written, summary: DemoSummary
) -> None:
    data = _json(_main("--db", str(written.db), "attendance", "DEMO-S003", "--json"))
    whole = data["whole_placement"]
    absent = whole["authorised_absence"] + whole["unauthorised_absence"]
    expected = "persistent" if absent * 10 >= whole["possible"] else None

    assert (data["absence_band"], "absence_rate" in data["weeks"][0]) == (expected, True)


def test_attendance_json_gives_the_schools_two_terms(
    written: Written, summary: DemoSummary
) -> None:
    placement_id = str(summary.reintegrated_placement_id)

    run = _main("--db", str(written.db), "attendance", placement_id, "--json")

    assert [t["period"] for t in _json(run)["terms"]] == ["Autumn 1 2025", "Autumn 2 2025"]


def test_attendance_counts_each_recorded_session_once_by_week_and_by_term(
    written: Written, summary: DemoSummary, reintegrated_events: tuple[Event, ...]
) -> None:
    marks = [e for e in reintegrated_events if type(e).__name__ == "AttendanceRecorded"]

    run = _main(
        "--db", str(written.db), "attendance", str(summary.reintegrated_placement_id)[:8], "--json"
    )
    data = _json(run)
    by_week = sum(w["sessions_recorded"] for w in data["weeks"])
    by_term = sum(t["sessions_recorded"] for t in data["terms"])

    assert (by_week, by_term) == (len(marks), len(marks))


def test_attendance_whole_placement_counts_every_recorded_session_and_its_days(
    written: Written, summary: DemoSummary, reintegrated_events: tuple[Event, ...]
) -> None:
    marks = [e for e in reintegrated_events if type(e).__name__ == "AttendanceRecorded"]

    for extra in ([], ["--as-at", "2025-12-19"]):
        run = _main(
            "--db", str(written.db), "attendance", str(summary.reintegrated_placement_id),
            "--json", *extra,
        )  # fmt: skip
        whole = _json(run)["whole_placement"]

        assert (whole["sessions_recorded"], whole["starts_on"], whole["ends_on"]) == (
            len(marks),
            min(m.effective_on for m in marks).isoformat(),
            max(m.effective_on for m in marks).isoformat(),
        )


def test_attendance_as_at_a_day_mid_term_keeps_the_weeks_before_it(
    written: Written, summary: DemoSummary
) -> None:
    placement_id = str(summary.reintegrated_placement_id)
    now = _json(_main("--db", str(written.db), "attendance", placement_id, "--json"))
    before = [w for w in now["weeks"] if w["ends_on"] < MID_TERM.isoformat()]

    run = _main(
        "--db",
        str(written.db),
        "attendance",
        placement_id,
        "--as-at",
        MID_TERM.isoformat(),
        "--json",
    )
    then = [w for w in _json(run)["weeks"] if w["ends_on"] < MID_TERM.isoformat()]

    assert then == before


def test_attendance_as_at_a_day_mid_term_shows_no_week_after_it(
    written: Written, summary: DemoSummary
) -> None:
    placement_id = str(summary.reintegrated_placement_id)

    run = _main(
        "--db",
        str(written.db),
        "attendance",
        placement_id,
        "--as-at",
        MID_TERM.isoformat(),
        "--json",
    )
    data = _json(run)

    assert (data["as_at"], [w for w in data["weeks"] if w["starts_on"] > MID_TERM.isoformat()]) == (
        f"as in effect on {MID_TERM.isoformat()}",
        [],
    )


# ----------------------------------------------------------------------------- providers
def test_providers_lists_every_provider_by_name(written: Written) -> None:
    run = _main("--db", str(written.db), "providers")

    assert (run.code, {name for name in PROVIDER_NAMES if name in run.out}) == (0, PROVIDER_NAMES)


def test_providers_json_gives_the_six_providers(written: Written) -> None:
    run = _main("--db", str(written.db), "providers", "--json")

    assert {p["name"] for p in _json(run)["providers"]} == PROVIDER_NAMES


def test_providers_json_counts_the_placements_at_each_outside_provider_now(
    written: Written,
) -> None:
    run = _main("--db", str(written.db), "providers", "--json")
    now = {p["name"]: p["placements_now"] for p in _json(run)["providers"]}

    # Riverside had 7 placements; one ended in November (to college full time).
    assert {
        name: now[name]
        for name in ("Hollow Lane Farm Project", "Riverside College of Further Education")
    } == {
        "Hollow Lane Farm Project": 3,
        "Riverside College of Further Education": 5,
    }


# ----------------------------------------------------------------------------- the store chosen
def test_the_store_variable_chooses_the_store(
    written: Written, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SENAD_AP_DB", str(written.db))

    run = _main("placements", "--json")

    assert (run.code, len(_json(run)["placements"])) == (0, 41)


def test_the_db_option_wins_over_the_store_variable(
    written: Written, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SENAD_AP_DB", str(tmp_path / "elsewhere.sqlite"))

    run = _main("--db", str(written.db), "placements", "--json")

    assert (run.code, len(_json(run)["placements"])) == (0, 41)


def test_the_store_variable_chooses_the_store_of_the_real_command(
    written: Written, tmp_path: Path
) -> None:
    run = run_senad_ap(
        "providers",
        "--json",
        cwd=tmp_path,
        environment=command_environment(SENAD_AP_DB=str(written.db)),
    )

    assert (run.code, len(_json(run)["providers"])) == (0, 6)


def test_the_installed_script_prints_what_python_m_prints(written: Written) -> None:
    script = shutil.which("senad-ap", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip(f"the senad-ap script is not installed beside {sys.executable}")
    args = ("compliance", "--as-at", END_OF_TERM)

    run = run_senad_ap(*args, cwd=written.folder, command=(script,))

    assert run == written.findings_at_end_of_term


# ----------------------------------------------------------------------------- errors
def test_a_missing_store_exits_3_with_one_line_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.sqlite"

    run = run_senad_ap("--db", str(missing), "placements", cwd=tmp_path)
    lines = run.err.splitlines()

    assert (run.code, run.out, len(lines), str(missing) in run.err) == (3, "", 1, True)


def test_a_missing_store_is_not_created(tmp_path: Path) -> None:
    run_senad_ap("--db", str(tmp_path / "nowhere.sqlite"), "compliance", cwd=tmp_path)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        ["placements"],
        ["history", "DEMO-S003"],
        ["compliance"],
        ["attendance", "DEMO-S003"],
        ["providers"],
        ["export"],
        ["rebuild"],
    ],
    ids=lambda command: command[0],
)
def test_every_reading_command_refuses_a_missing_store_and_creates_nothing(
    command: list[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.sqlite"

    run = _main("--db", str(missing), *command)

    assert (
        run.code,
        run.err.startswith(f"senad-ap: There is no store at {missing}."),
        list(tmp_path.iterdir()),
    ) == (3, True, [])


def test_the_default_store_is_the_file_in_the_current_folder(tmp_path: Path) -> None:
    run = run_senad_ap("placements", cwd=tmp_path)

    assert (run.code, STORE_FILE in run.err, list(tmp_path.iterdir())) == (3, True, [])


@pytest.mark.parametrize("command", ["history", "attendance"])
def test_an_unknown_student_reference_exits_4(written: Written, command: str) -> None:
    run = _main("--db", str(written.db), command, "DEMO-S999")

    assert (run.code, run.out, run.err) == (
        4,
        "",
        "senad-ap: No placement 'DEMO-S999' is on the record: give its id (or at least its "
        "first 8 characters) or the student reference; `senad-ap placements` lists them.\n",
    )


def test_an_unknown_placement_id_prefix_exits_4(written: Written) -> None:
    run = _main("--db", str(written.db), "history", "ffffffff")

    assert run.code == 4


def test_history_of_an_unknown_placement_id_exits_4(written: Written) -> None:
    run = _main("--db", str(written.db), "history", "00000000-0000-0000-0000-000000000000")

    assert run.code == 4


def test_attendance_of_an_unknown_placement_id_exits_4(written: Written) -> None:
    run = _main("--db", str(written.db), "attendance", "00000000-0000-0000-0000-000000000000")

    assert run.code == 4


def test_a_bad_date_exits_2_with_a_message_naming_the_format(written: Written) -> None:
    run = run_senad_ap("compliance", "--as-at", "2025-13-45", cwd=written.folder)

    assert (run.code, run.out, "'2025-13-45' is not a date; write it as YYYY-MM-DD" in run.err) == (
        2,
        "",
        True,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["placements", "--as-at", "2025-13-45"],
        ["placements", "--as-known-on", "19/12/2025"],
        ["history", "DEMO-S003", "--as-at", "2025-02-30"],
        ["compliance", "--on", "tomorrow"],
        ["attendance", "DEMO-S003", "--as-known-on", ""],
    ],
    ids=lambda args: " ".join(args),
)
def test_every_bad_date_exits_2(written: Written, args: list[str]) -> None:
    err = io.StringIO()
    code = main(["--db", str(written.db), *args], out=io.StringIO(), err=err)

    assert (code, "write it as YYYY-MM-DD" in err.getvalue()) == (2, True)


def test_a_bad_date_is_reported_on_the_error_stream_given_to_main(written: Written) -> None:
    run = _main("--db", str(written.db), "compliance", "--as-at", "2025-13-45")

    assert (run.code, "write it as YYYY-MM-DD" in run.err) == (2, True)


@pytest.mark.parametrize(
    ("option", "day", "expected"),
    [
        ("--as-at", "2025-11-17", []),
        ("--as-at", "2025-11-18", ["DEMO-S035"]),
        ("--as-known-on", "2025-11-19", ["DEMO-S035"]),
        ("--as-at", "2025-11-20", []),
        ("--as-known-on", "2025-11-20", []),
    ],
)
def test_compliance_shows_notify_1_from_the_eleventh_school_day_until_the_return_is_made(
    written: Written, option: str, day: str, expected: list[str]
) -> None:
    run = _main("--db", str(written.db), "compliance", option, day, "--json")
    found = [f["student_reference"] for f in _json(run)["findings"] if f["rule_id"] == "NOTIFY-1"]

    assert found == expected


def test_attendance_by_session_shows_the_k_and_d_marks_of_the_demo(written: Written) -> None:
    codes = {
        reference: {
            s["code"]
            for s in _json(
                _main("--db", str(written.db), "attendance", "--pupil", reference,
                      "--by", "session", "--json")
            )["sessions"]
        }
        for reference in ("DEMO-S032", "DEMO-S040")
    }  # fmt: skip

    assert ("K" in codes["DEMO-S032"], "D" in codes["DEMO-S040"]) == (True, True)
