"""The command's tables and paragraphs fit the terminal (``COLUMNS``, else the terminal's,
else 80); ``--wide`` keeps one line a row; progress bars only on a terminal (issue 15)."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from senad_ap.cli import main, progress
from senad_ap.cli.tables import plural, table
from tests.integration.demo_school import STORE_VARIABLES, DemoFolder

#: Every read command that prints text (``export`` and ``seals`` print JSON Lines).
READS = [
    ["placements"],
    ["placements", "--as-at", "2025-10-15"],
    ["compliance"],
    ["compliance", "--as-at", "2025-12-19"],
    ["compliance", "--as-known-on", "2025-10-15"],
    ["providers"],
    ["history", "DEMO-S003"],
    ["history", "DEMO-S003", "--as-known-on", "2025-10-15", "--no-attendance"],
    ["attendance", "DEMO-S003"],
    ["attendance", "DEMO-S003", "--as-at", "2025-10-15"],
    ["attendance", "--pupil", "DEMO-S003"],
    ["attendance", "--pupil", "DEMO-S003", "--by", "session"],
    ["attendance", "--pupils"],
    ["retention"],
    ["retention", "--all"],
    ["verify"],
    ["rules"],
    ["rules", "--force", "finding"],
    ["rules", "PLAN-2", "CONTACT-1", "STAT-7"],
]


@pytest.fixture(scope="module", autouse=True)
def _no_store_variables() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for variable in list(os.environ):
            if variable.startswith("ALTERNATIVEPROVISION_") or variable in STORE_VARIABLES:
                patch.delenv(variable)
        yield


@pytest.fixture(scope="module")
def store(demo_folder: DemoFolder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's demo, so that no command here can change the shared one."""
    return demo_folder.copy(tmp_path_factory.mktemp("tables"))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(store: Path, *args: str, err: io.StringIO | None = None) -> str:
    out, err = io.StringIO(), err or io.StringIO()
    code = main(["--db", str(store), *args], out=out, err=err)
    assert code == 0, err.getvalue()
    return out.getvalue()


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_every_read_fits_80_columns(
    store: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    assert _widest(_run(store, *args)) <= 80


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_every_read_fits_120_columns(
    store: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")

    assert _widest(_run(store, *args)) <= 120


@pytest.mark.parametrize(
    "args", [["compliance", "--as-at", "2025-12-19"], ["placements"], ["providers"]], ids=" ".join
)
def test_wide_keeps_each_row_on_one_line(
    store: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    assert _widest(_run(store, *args, "--wide")) > 120


def test_wide_rows_hold_the_whole_finding(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    lines = _run(store, "compliance", "--as-at", "2025-12-19", "--wide").splitlines()

    assert any(line.startswith("POL-1") and line.endswith(").") for line in lines) or any(
        line.startswith("COMM-5") and "reviews at least every 6 weeks" in line for line in lines
    )


def test_the_history_names_a_delegate_as_the_head_teachers(store: Path) -> None:
    out = _run(store, "history", "DEMO-S003", "--no-attendance", "--wide")

    assert "by deputy-DEMO-1, the Head Teacher's delegate" in out
    assert "deputy-DEMO-1 (school staff)" not in out


def test_the_history_names_its_single_policy_version_once(store: Path) -> None:
    out = _run(store, "history", "DEMO-S003", "--no-attendance", "--wide")

    assert (out.count("policy section 7, version 6"), "; policy " in out) == (1, False)


def test_rebuild_writes_no_bar_when_stderr_is_not_a_terminal(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "_AFTER", 0.0)
    for file in store.parent.glob("senad_ap*.sqlite*"):
        shutil.copy2(file, tmp_path / file.name)
    err = io.StringIO()

    _run(tmp_path / store.name, "rebuild", err=err)

    assert ("\r" in err.getvalue(), "[" in err.getvalue()) == (False, False)


def test_a_bar_on_a_terminal_is_redrawn_and_ends_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "_AFTER", 0.0)
    err = _Terminal()
    bar = progress.progress_bar(err, "Working")
    assert bar is not None

    for done in (1, 2):
        bar(done, 2)
    bar.finish()

    assert err.getvalue() == (f"\rWorking [{'#' * 15}{'.' * 15}] 1/2\rWorking [{'#' * 30}] 2/2\n")


def test_work_done_within_a_second_draws_no_bar() -> None:
    err = _Terminal()
    bar = progress.progress_bar(err, "Working")
    assert bar is not None

    bar(1, 2)
    bar(2, 2)
    bar.finish()

    assert err.getvalue() == ""


def test_a_table_too_wide_names_a_column_the_same_on_every_row_once() -> None:
    out = io.StringIO()

    # Words too long to wrap into 40 columns: wrapping cannot fit the table.
    rows = [["a", "x" * 15, "y" * 15, "z" * 15, "v1"], ["b", "w" * 15, "v" * 15, "u" * 15, "v1"]]

    table(out, ["id", "one", "two", "three", "same"], rows, 40)

    assert out.getvalue().splitlines()[-1] == "The same on every row: same: v1."


def test_a_table_with_too_many_columns_is_printed_in_parts_led_by_the_first() -> None:
    out = io.StringIO()
    headers = ["key", *(f"column {n}" for n in range(10))]

    table(out, headers, [["k1", *(f"value-{n}" for n in range(10))]], 40)

    parts = [p for p in out.getvalue().split("\n\n") if p]
    assert [p.split()[0] for p in parts] == ["key"] * len(parts)
    assert len(parts) > 1


def test_a_table_that_fits_is_unchanged_by_the_width() -> None:
    narrow, wide = io.StringIO(), io.StringIO()

    table(narrow, ["a", "b"], [["1", "two"]], 40)
    table(wide, ["a", "b"], [["1", "two"]], None)

    assert narrow.getvalue() == wide.getvalue() == "a  b\n-  ---\n1  two\n"


@pytest.mark.parametrize(("count", "text"), [(0, "0 seals"), (1, "1 seal"), (2, "2 seals")])
def test_plurals(count: int, text: str) -> None:
    assert plural(count, "seal") == text


def test_a_table_that_wrapping_fits_keeps_a_column_the_same_on_every_row() -> None:
    out = io.StringIO()

    table(out, ["id", "text", "same"], [["a", "x " * 30, "v1"], ["b", "y " * 30, "v1"]], 40)

    assert ("The same on every row" in out.getvalue(), "same" in out.getvalue()) == (False, True)
