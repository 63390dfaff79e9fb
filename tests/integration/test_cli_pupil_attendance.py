"""``senad-ap attendance --pupil`` and ``--pupils``: a pupil's register across their
placements, by placement, term and ISO week, with the absence band; the same numbers in the
table and in ``--json``; on the demo (each pupil there has one placement, so a pupil's numbers
are their placement's) and on a store with a pupil placed twice."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from senad_ap import AlternativeProvision
from senad_ap.cli import main
from senad_ap.testing import FixedClock
from tests.integration.demo_school import STORE_VARIABLES, DemoFolder
from tests.integration.projection_scenes import START, day, mark_day, move_to, noon
from tests.integration.scenario import HEAD, start_outside_placement

COUNTS = ("sessions_recorded", "possible", "present", "authorised_absence",
          "unauthorised_absence", "not_possible", "rate")  # fmt: skip
#: The table's columns after the period's dates, as the JSON names them.
TABLE_COUNTS = ("possible", "present", "authorised_absence", "unauthorised_absence", "rate")


@pytest.fixture(scope="module", autouse=True)
def _no_store_variables() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for variable in list(os.environ):
            if variable.startswith("ALTERNATIVEPROVISION_") or variable in STORE_VARIABLES:
                patch.delenv(variable)
        yield


@pytest.fixture(scope="module")
def written(demo_folder: DemoFolder) -> DemoFolder:
    """The session's demo folder (read only)."""
    return demo_folder


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--db", str(db), "attendance", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _json(db: Path, *args: str) -> Any:
    code, out, err = _run(db, *args, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


def _counts(period: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(period[name] for name in COUNTS)


def _sections(text: str) -> dict[str, list[list[str]]]:
    """Each table of the text by its title: its rows, split into cells."""
    sections: dict[str, list[list[str]]] = {}
    rows: list[list[str]] | None = None
    for line in text.splitlines():
        if line in ("By placement", "By term", "By week (ISO)"):
            rows = sections.setdefault(line, [])
        elif rows is not None and line and not line.startswith(("-", "period", "placement")):
            rows.append(re.split(r"\s{2,}", line))
        elif not line:
            rows = None
    return sections


def _table_numbers(period: dict[str, Any]) -> list[str]:
    rate = period["rate"]
    cells = [str(period[name]) for name in TABLE_COUNTS[:-1]]
    return [period["starts_on"], period["ends_on"], *cells, "-" if rate is None else f"{rate}%"]


# ----------------------------------------------------------------------------- the demo
def test_a_pupil_with_one_placement_has_the_placements_totals(written: DemoFolder) -> None:
    for as_at in ([], ["--as-at", "2025-10-15"], ["--as-known-on", "2025-10-15"]):
        pupil = _json(written.db, "--pupil", "DEMO-S003", *as_at)["whole_record"]
        placement = _json(written.db, "DEMO-S003", *as_at)["whole_placement"]

        assert _counts(pupil) == _counts(placement)


def test_a_pupil_with_one_placement_has_the_placements_terms(written: DemoFolder) -> None:
    pupil = _json(written.db, "--pupil", "DEMO-S003", "--by", "term")["terms"]
    placement = _json(written.db, "DEMO-S003")["terms"]

    assert [(p["period"], _counts(p)) for p in pupil] == [
        (p["period"], _counts(p)) for p in placement
    ]


def test_a_pupils_weeks_are_iso_weeks_with_the_placements_counts(written: DemoFolder) -> None:
    pupil = _json(written.db, "--pupil", "DEMO-S003", "--by", "week")["weeks"]
    placement = _json(written.db, "DEMO-S003")["weeks"]

    assert [(p["period"][:8], p["starts_on"], _counts(p)) for p in pupil[:1]] == [
        ("2025-W36", "2025-09-01", _counts(placement[0]))
    ]
    assert [_counts(p) for p in pupil] == [_counts(p) for p in placement]


def test_the_demo_has_12_persistent_absentees_one_of_them_severe(written: DemoFolder) -> None:
    rows = _json(written.db, "--pupils")["pupils"]
    bands = {
        r["student_reference"]: r["whole_record"]["band"]
        for r in rows
        if r["whole_record"] and r["whole_record"]["band"]
    }

    assert (len(rows), len(bands), [s for s, b in bands.items() if b == "severe"]) == (
        41,
        12,  # DEMO-S035's ten school days of unexplained absence in November among them
        ["DEMO-S024"],
    )


def test_a_pupil_who_missed_14_of_144_sessions_is_in_no_band(written: DemoFolder) -> None:
    whole = _json(written.db, "--pupil", "DEMO-S017")["whole_record"]

    assert (whole["possible"], whole["present"], whole["band"]) == (144, 130, None)


def test_the_pupils_table_gives_the_numbers_of_the_json(written: DemoFolder) -> None:
    code, out, _ = _run(written.db, "--pupils")
    table = {
        cells[0]: cells[2:]
        for line in out.splitlines()
        if line.startswith("DEMO-S") and (cells := re.split(r"\s{2,}", line))
    }
    expected = {}
    for row in _json(written.db, "--pupils")["pupils"]:
        whole = row["whole_record"]
        numbers = ["-"] * 6
        if whole is not None:
            numbers = [*_table_numbers(whole)[2:], whole["band"] or "-"]
        expected[row["student_reference"]] = numbers

    assert (code, table) == (0, expected)


def test_the_pupils_tables_give_the_numbers_of_the_json(written: DemoFolder) -> None:
    code, out, _ = _run(written.db, "--pupil", "DEMO-S024")
    data = _json(written.db, "--pupil", "DEMO-S024")
    expected = {
        "By placement": [[p["period"][:8], *_table_numbers(p)] for p in data["placements"]],
        "By term": [[p["period"], *_table_numbers(p)] for p in data["terms"]],
        "By week (ISO)": [[p["period"], *_table_numbers(p)] for p in data["weeks"]],
    }

    assert (code, _sections(out)) == (0, expected)


def test_the_pupil_summary_gives_the_totals_and_the_band(written: DemoFolder) -> None:
    _, out, _ = _run(written.db, "--pupil", "DEMO-S024")
    summary = " ".join(out.split("\n\n")[1].split())

    assert summary == (
        "144 possible sessions from 2025-09-03 to 2025-12-19: 66 present, 78 missed (78 "
        "authorised, 0 unauthorised); attendance 45.8%. Band: severe absence (persistent "
        "from 10% of possible sessions missed, severe from 50%)."
    )


@pytest.mark.parametrize(
    "args",
    [["--pupils"], ["--pupil", "DEMO-S003"], ["--pupil", "DEMO-S003", "--as-at", "2025-10-15"]],
)
def test_the_pupil_tables_fit_80_columns(
    written: DemoFolder, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    _, out, _ = _run(written.db, *args)

    assert max(len(line) for line in out.splitlines()) <= 80


def test_a_pupils_sessions_name_their_placement(written: DemoFolder) -> None:
    data = _json(written.db, "--pupil", "DEMO-S003", "--by", "session")
    placement_id = _json(written.db, "DEMO-S003")["placement_id"]

    assert (len(data["sessions"]), {s["placement_id"] for s in data["sessions"]}) == (
        data["whole_record"]["sessions_recorded"],
        {placement_id},
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "Give one of: a PLACEMENT, --pupil REFERENCE, or --pupils."),
        (["DEMO-S003", "--pupils"], 2, "Give one of"),
        (["--pupils", "--by", "week"], 2, "--by goes with --pupil"),
        (["DEMO-S003", "--school", "DEMO-1"], 2, "--school goes with --pupil or --pupils"),
        (["--pupil", "DEMO-S999"], 4, "No pupil 'DEMO-S999' has a placement on the record."),
        (["--pupil", "DEMO-S003", "--school", "OTHER"], 4, "No pupil 'DEMO-S003'"),
        (["--pupil", "DEMO-S003", "--by", "month"], 2, "invalid choice: 'month'"),
    ],
)
def test_a_bad_choice_of_pupil_exits_with_a_message_and_no_traceback(
    written: DemoFolder, args: list[str], code: int, message: str
) -> None:
    exit_code, _, err = _run(written.db, *args)

    assert (exit_code, message in err, "Traceback" in err) == (code, True, False)


# ----------------------------------------------------------------------------- placed twice
@pytest.fixture(scope="module")
def placed_twice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """STU-0042: a placement for the week of 2 February 2026 (present mornings, ill
    afternoons), ended; another for the week of 16 February (present mornings, afternoons
    unauthorised absence). Terms: Spring 1 to 13 February, Spring 2 from 23 February."""
    db = tmp_path_factory.mktemp("placed_twice") / "store.sqlite"
    clock = FixedClock(noon(START))
    app = AlternativeProvision.sqlite(db, clock=clock)
    try:
        app.record_term("Spring 1", starts_on=day(-28), ends_on=day(11), actor=HEAD)
        app.record_term("Spring 2", starts_on=day(21), ends_on=day(53), actor=HEAD)
        first = start_outside_placement(app)
        move_to(clock, day(30))
        for offset in range(5):
            mark_day(app, first.placement.id, day(offset), am="/", pm="I")
        app.end_placement(first.placement.id, destination="training", actor=HEAD, on=day(4))
        second = start_outside_placement(app, on=day(14), provider=first.provider)
        for offset in range(14, 19):
            mark_day(app, second.placement.id, day(offset), am="/", pm="N")
    finally:
        app.close()
    return db


def test_a_pupil_placed_twice_has_the_sum_of_both_placements(placed_twice: Path) -> None:
    data = _json(placed_twice, "--pupil", "STU-0042")
    each = [
        _json(placed_twice, p)["whole_placement"] for p in data["whole_record"]["placement_ids"]
    ]

    assert (len(each), _counts(data["whole_record"])[:-1]) == (
        2,
        tuple(sum(p[name] for p in each) for name in COUNTS[:-1]),
    )


def test_a_pupil_placed_twice_has_a_week_and_a_term_row_for_each_placement(
    placed_twice: Path,
) -> None:
    data = _json(placed_twice, "--pupil", "STU-0042")
    rows = [(p["period"], p["possible"], p["present"]) for p in data["weeks"] + data["terms"]]

    assert rows == [
        ("2026-W06", 10, 5),
        ("2026-W08", 10, 5),
        ("Spring 1", 10, 5),
        ("no term recorded", 10, 5),
    ]


def test_a_pupil_placed_twice_is_severely_absent_at_half_their_sessions_missed(
    placed_twice: Path,
) -> None:
    data = _json(placed_twice, "--pupils")

    assert [(r["student_reference"], r["whole_record"]["band"]) for r in data["pupils"]] == [
        ("STU-0042", "severe")
    ]


def test_a_pupil_placed_twice_shows_the_same_numbers_in_the_table(
    placed_twice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # "no term recorded" makes the table 82 wide
    _, out, _ = _run(placed_twice, "--pupil", "STU-0042")
    data = _json(placed_twice, "--pupil", "STU-0042")

    assert _sections(out)["By term"] == [[p["period"], *_table_numbers(p)] for p in data["terms"]]
