"""``senad-ap retention`` and ``senad-ap forget``: the end of retention and the erasure of a
student's personal data (STAT-7, docs/personal-data.md), driven through ``senad_ap.cli.main``.

The command reads the real clock, so the store is written with back-dated decisions: one
student's only placement ran in September 2000 and they were born in 1980, so their retention
ended on 2011-01-15 (the SEN file's 31 years from birth) and ``forget`` is allowed today; the
other's placement ran in February 2026 and their retention ends on 2043-05-10.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from senad_ap import AlternativeProvision, PlacementStatus
from senad_ap.cli import main
from senad_ap.rules import rule
from senad_ap.testing import FixedClock
from tests.integration.demo_school import DemoFolder
from tests.integration.read_models.test_students_projection import (
    Personal,
    in_clear,
    record_student,
)
from tests.integration.scenario import HEAD, SCHOOL

#: Retention ended on 2011-01-15: due for erasure.
OLD_STUDENT = Personal("Marchbanks", date(1980, 1, 15))
OLD_REFERENCE = "STU-0042"
OLD_RETENTION_ENDS = "2011-01-15"
#: The school year it ended in: all an erasure keeps (the day gives the date of birth away).
OLD_RETENTION_YEAR = "2010/11"
#: Retention ends on 2043-05-10: not due.
RECENT_STUDENT = Personal("Okonkwo", date(2012, 5, 10))
RECENT_REFERENCE = "STU-0043"
RECENT_RETENTION_ENDS = "2043-05-10"
#: When the store was written (before the real "today" of any run of these tests).
WRITTEN_AT = datetime(2026, 3, 2, 12, tzinfo=UTC)
#: Variables that would point the command (or eventsourcing under it) at another store.
STORE_VARIABLES = ("SENAD_AP_DB", "PERSISTENCE_MODULE", "SQLITE_DBNAME")
_RETENTION_ROW = re.compile(
    r"^(\S+)\s+(\S+)\s+(.+?)\s+(\d{4}-\d\d-\d\d|-)\s+(\d+)\s+(\d{4}-\d\d-\d\d)"
    r"\s+(\d{4}-\d\d-\d\d|\d{4}/\d\d)\s+(\d{4}-\d\d-\d\d|-)$"
)


@attrs.frozen
class Run:
    """One run of the command: its exit code and what it printed."""

    code: int
    out: str
    err: str


def _main(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(autouse=True)
def _no_store_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    # eventsourcing lets ALTERNATIVEPROVISION_* (and unprefixed) variables override the store
    # a constructor asks for.
    for variable in list(os.environ):
        if variable.startswith("ALTERNATIVEPROVISION_") or variable in STORE_VARIABLES:
            monkeypatch.delenv(variable)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store holding both students' whole histories."""
    path = tmp_path / "senad_ap.sqlite"
    app = AlternativeProvision.sqlite(path, clock=FixedClock(WRITTEN_AT))
    try:
        record_student(
            app, OLD_STUDENT, student_reference=OLD_REFERENCE, opened_on=date(2000, 9, 4)
        )
        record_student(
            app, RECENT_STUDENT, student_reference=RECENT_REFERENCE, opened_on=date(2026, 2, 2)
        )
    finally:
        app.close()
    return path


def _on(db: Path, *args: str) -> Run:
    return _main("--db", str(db), *args)


def _forget(db: Path, reference: str = OLD_REFERENCE) -> Run:
    return _on(db, "forget", reference, "--school", SCHOOL, "--by", HEAD.id)


def _retention_rows(text: str) -> list[tuple[str, ...]]:
    """(school, student, name, born, placements, last entry, retention ends (once erased,
    the school year it ended in), erased on) of each row of a ``retention`` table."""
    found = (_RETENTION_ROW.match(line) for line in text.splitlines())
    return [m.groups() for m in found if m is not None and m[1] != "school"]


def _stored(db: Path) -> tuple[int, list[tuple[Any, ...]]]:
    """How many events the file holds, and its rows of students' keys."""
    with closing(sqlite3.connect(db)) as connection:
        (events,) = connection.execute("SELECT COUNT(*) FROM stored_events").fetchone()
        keys = connection.execute(
            "SELECT * FROM senad_ap_student_keys ORDER BY student_id"
        ).fetchall()
    return int(events), keys


# ----------------------------------------------------------------------------- retention
def test_retention_lists_the_student_due_and_not_the_recent_one(db: Path) -> None:
    run = _on(db, "retention", "--wide")

    assert (run.code, [row[1] for row in _retention_rows(run.out)]) == (0, [OLD_REFERENCE])


def test_retention_shows_the_due_students_name_and_date_of_birth(db: Path) -> None:
    run = _on(db, "retention", "--wide")

    assert [row[2:4] for row in _retention_rows(run.out)] == [
        (OLD_STUDENT.name, OLD_STUDENT.born.isoformat())
    ]


def test_retention_on_a_day_before_the_end_lists_no_one(db: Path) -> None:
    run = _on(db, "retention", "--on", "2011-01-14", "--wide")

    assert (run.code, _retention_rows(run.out)) == (0, [])


def test_retention_all_lists_every_student_with_the_day_theirs_ends(db: Path) -> None:
    run = _on(db, "retention", "--all", "--wide")

    assert (run.code, [(row[1], row[6]) for row in _retention_rows(run.out)]) == (
        0,
        [(OLD_REFERENCE, OLD_RETENTION_ENDS), (RECENT_REFERENCE, RECENT_RETENTION_ENDS)],
    )


def test_retention_of_another_school_lists_no_one(db: Path) -> None:
    run = _on(db, "retention", "--all", "--school", "900A", "--wide")

    assert (run.code, _retention_rows(run.out)) == (0, [])


def test_retention_json_gives_each_student_and_the_day_retention_ends(db: Path) -> None:
    run = _on(db, "retention", "--all", "--json")
    found = [
        (s["student_reference"], s["name"], s["date_of_birth"], s["retention_ends_on"])
        for s in json.loads(run.out)["students"]
    ]

    assert (run.code, found) == (
        0,
        [
            (OLD_REFERENCE, OLD_STUDENT.name, "1980-01-15", OLD_RETENTION_ENDS),
            (RECENT_REFERENCE, RECENT_STUDENT.name, "2012-05-10", RECENT_RETENTION_ENDS),
        ],
    )


# ----------------------------------------------------------------------------- forget
def test_forget_of_a_student_whose_retention_ended_exits_0(db: Path) -> None:
    run = _forget(db)

    assert (run.code, run.err) == (0, "")


def test_forget_says_whose_data_it_erased_and_the_school_year_retention_ended(db: Path) -> None:
    run = _forget(db)

    assert (OLD_REFERENCE in run.out, OLD_RETENTION_YEAR in run.out) == (True, True)


def test_forget_does_not_say_the_day_retention_ended(db: Path) -> None:
    run = _forget(db)

    assert OLD_RETENTION_ENDS not in run.out


#: The reports an inspector reads after an erasure.
REPORTS = {
    "history": ("history", OLD_REFERENCE),
    "placements": ("placements",),
    "export": ("export",),
    "compliance-json": ("compliance", "--json"),
    "retention-all": ("retention", "--all"),
}
#: The reports that show personal values at all.
PERSONAL_REPORTS = ("history", "export", "retention-all")


@pytest.mark.parametrize("report", list(REPORTS))
def test_after_forget_no_report_shows_a_personal_value_of_the_student(
    db: Path, report: str
) -> None:
    _forget(db)

    run = _on(db, *REPORTS[report])

    assert (run.code, in_clear(OLD_STUDENT, run.out)) == (0, [])


@pytest.mark.parametrize("report", PERSONAL_REPORTS)
def test_before_forget_the_reports_show_the_students_personal_values(db: Path, report: str) -> None:
    # The other side of the test above: the values were there to be erased.
    run = _on(db, *REPORTS[report])

    assert in_clear(OLD_STUDENT, run.out) != []


@pytest.mark.parametrize("report", PERSONAL_REPORTS)
def test_after_forget_the_reports_show_erased(db: Path, report: str) -> None:
    _forget(db)

    run = _on(db, *REPORTS[report])

    assert "[erased]" in run.out


@pytest.mark.parametrize("report", list(REPORTS))
def test_after_forget_no_report_shows_the_day_retention_ended(db: Path, report: str) -> None:
    # The day is the date of birth plus 31 years (STAT-7): it would give the date away.
    _forget(db)

    run = _on(db, *REPORTS[report])

    assert (run.code, OLD_RETENTION_ENDS in run.out) == (0, False)


def test_after_forget_the_export_shows_the_school_year_retention_ended(db: Path) -> None:
    _forget(db)

    run = _on(db, "export")

    assert f'"retention_ended_in": "{OLD_RETENTION_YEAR}"' in run.out


def test_after_forget_the_export_still_shows_the_other_students_values(db: Path) -> None:
    _forget(db)

    run = _on(db, "export")

    assert in_clear(RECENT_STUDENT, run.out) == RECENT_STUDENT.texts()


def test_after_forget_retention_all_shows_the_day_of_erasure(db: Path) -> None:
    before = datetime.now(UTC).date().isoformat()
    _forget(db)

    run = _on(db, "retention", "--all", "--wide")
    erased_on = {row[1]: row[7] for row in _retention_rows(run.out)}

    # ``forget`` erases today by the real clock; the day may turn while the test runs.
    assert erased_on[OLD_REFERENCE] in {before, datetime.now(UTC).date().isoformat()}


def test_after_forget_retention_all_shows_only_the_school_year_retention_ended(
    db: Path,
) -> None:
    _forget(db)

    run = _on(db, "retention", "--all", "--wide")
    ends_on = {row[1]: row[6] for row in _retention_rows(run.out)}

    assert (ends_on[OLD_REFERENCE], OLD_RETENTION_ENDS in run.out) == (OLD_RETENTION_YEAR, False)


def test_after_forget_retention_lists_no_one_due(db: Path) -> None:
    _forget(db)

    run = _on(db, "retention", "--wide")

    assert (run.code, _retention_rows(run.out)) == (0, [])


def test_verify_passes_after_forget(db: Path) -> None:
    _forget(db)

    run = _on(db, "verify")

    assert (run.code, run.err) == (0, "")


def test_placements_with_status_erased_shows_the_erased_placement(db: Path) -> None:
    _forget(db)

    run = _on(db, "placements", "--status", "erased", "--json")
    found = [(p["student_reference"], p["status"]) for p in json.loads(run.out)["placements"]]

    assert (run.code, found) == (0, [(OLD_REFERENCE, PlacementStatus.ERASED.value)])


def test_placements_with_status_erased_shows_no_placement_before_forget(db: Path) -> None:
    run = _on(db, "placements", "--status", "erased", "--json")

    assert (run.code, json.loads(run.out)["placements"]) == (0, [])


def test_forget_before_retention_ends_exits_1_naming_stat_7(db: Path) -> None:
    run = _forget(db, RECENT_REFERENCE)

    assert (run.code, "STAT-7" in run.err) == (1, True)


def test_a_refused_forget_names_the_rule_in_words_and_how_to_read_it(db: Path) -> None:
    run = _forget(db, RECENT_REFERENCE)
    said = " ".join(run.err.split())

    assert (
        f"STAT-7 — {rule('STAT-7').short}." in said,
        said.endswith("`senad-ap rules STAT-7` shows the rule in full."),
    ) == (True, True)


def test_a_refused_forget_writes_nothing(db: Path) -> None:
    before = _stored(db)

    _forget(db, RECENT_REFERENCE)

    assert _stored(db) == before


def test_forget_twice_exits_1_saying_the_data_was_already_erased(db: Path) -> None:
    _forget(db)

    run = _forget(db)

    assert (run.code, "already erased" in run.err) == (1, True)


def test_forget_of_an_unknown_student_exits_4(db: Path) -> None:
    run = _forget(db, "STU-9999")

    assert run.code == 4


def test_forget_of_a_student_of_another_school_exits_4(db: Path) -> None:
    run = _on(db, "forget", OLD_REFERENCE, "--school", "900A", "--by", "head-900A")

    assert run.code == 4


@pytest.mark.parametrize(
    "options",
    [["--by", HEAD.id], ["--school", SCHOOL], []],
    ids=["without-school", "without-by", "without-either"],
)
def test_forget_without_school_or_head_exits_2(db: Path, options: list[str]) -> None:
    before = _stored(db)

    run = _on(db, "forget", OLD_REFERENCE, *options)

    assert (run.code, _stored(db)) == (2, before)


# ----------------------------------------------------------------------------- the demo
@pytest.fixture(scope="module")
def demo_retention(
    demo_folder: DemoFolder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Run]:
    """``senad-ap demo`` (the session's, on a copy of its store and projections), then
    ``senad-ap retention --all`` on that store."""
    with pytest.MonkeyPatch.context() as patch:
        for variable in list(os.environ):
            if variable.startswith("ALTERNATIVEPROVISION_") or variable in STORE_VARIABLES:
                patch.delenv(variable)
        assert demo_folder.demo.code == 0, demo_folder.demo.err
        path = demo_folder.copy(tmp_path_factory.mktemp("demo"))
        yield _main("--db", str(path), "retention", "--all", "--wide")  # rows read whole


def test_retention_all_after_the_demo_lists_its_41_students(demo_retention: Run) -> None:
    references = {row[1] for row in _retention_rows(demo_retention.out)}

    assert (demo_retention.code, len(references)) == (0, 41)


def test_retention_all_after_the_demo_shows_every_students_name_and_date_of_birth(
    demo_retention: Run,
) -> None:
    rows = _retention_rows(demo_retention.out)
    missing = [row[1] for row in rows if row[2] == "-" or row[3] == "-" or "⟦" in row[2]]

    assert (len(rows), missing) == (41, [])
