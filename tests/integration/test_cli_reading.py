"""``senad-ap``'s read commands never write to what they read, and the command reads like
its documentation (issue 15): a store that is missing, empty, a folder, not a database or
another program's database is refused with its path and what to do, and nothing is created
or changed; projections are kept only where the user lets them be; global options come
before or after the command; every command's ``--help`` has a description and examples; the
exit codes are in ``senad-ap --help``.
"""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from senad_ap import AlternativeProvision
from senad_ap.cli import _COMMANDS, main
from senad_ap.cli.help_text import EXIT_CODES
from senad_ap.cli.store_check import READ_COMMANDS
from tests.integration.demo_school import STORE_FILE, STORE_VARIABLES, DemoFolder, Run

#: A read command of each kind, with the arguments it needs.
READING = [
    ["placements"],
    ["history", "DEMO-S003"],
    ["compliance"],
    ["attendance", "--pupils"],
    ["providers"],
    ["export"],
    ["retention"],
    ["seals"],
    ["verify"],
]
#: The documented code for "no store at that path" (docs/inspection.md).
NO_STORE = 3


@pytest.fixture(autouse=True)
def _no_store_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in (*STORE_VARIABLES, "SENAD_AP_PROJECTIONS", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)


def _main(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry of ``folder``, with a file's bytes (``None`` for a folder)."""
    return {
        entry.name: (None if entry.is_dir() else entry.read_bytes())
        for entry in sorted(folder.iterdir())
    }


def _empty(path: Path) -> None:
    path.touch()


def _folder(path: Path) -> None:
    path.mkdir()


def _text(path: Path) -> None:
    path.write_text("pupil,provider\nDEMO-S001,Riverside\n")


def _other_program(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        connection.execute("INSERT INTO contacts VALUES ('Ms Patel', '01632 960000')")
        connection.commit()


#: Each wrong thing --db may name: how to make it, and what the refusal says of it.
WRONG: dict[str, tuple[Callable[[Path], None] | None, str]] = {
    "missing": (None, "There is no store at"),
    "empty": (_empty, "is an empty file, not a store"),
    "folder": (_folder, "is a folder, not a store"),
    "not a database": (_text, "is not a database"),
    "another program's database": (_other_program, "a SQLite database of another program"),
}


@pytest.fixture(params=list(WRONG), ids=list(WRONG))
def wrong_store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    make, message = WRONG[request.param]
    path = tmp_path / "store.sqlite"
    if make is not None:
        make(path)
    return path, message


# -------------------------------------------------------------------- refused stores
@pytest.mark.parametrize("command", READING, ids=lambda command: command[0])
def test_a_read_command_refuses_a_wrong_store_and_creates_or_changes_nothing(
    wrong_store: tuple[Path, str], command: list[str]
) -> None:
    path, _ = wrong_store
    before = _snapshot(path.parent)

    run = _main("--db", str(path), *command)

    assert (run.code, _snapshot(path.parent)) == (NO_STORE, before)


def test_the_refusal_names_the_path_and_what_is_wrong_with_it(
    wrong_store: tuple[Path, str],
) -> None:
    path, message = wrong_store

    run = _main("--db", str(path), "placements")

    assert (str(path) in run.err, message in run.err, run.out) == (True, True, "")


def test_the_refusal_says_what_to_do(wrong_store: tuple[Path, str]) -> None:
    path, _ = wrong_store

    run = _main("--db", str(path), "verify")

    assert "Point --db (or $SENAD_AP_DB) at a senad-ap store" in run.err


@pytest.mark.parametrize("make", [_text, _other_program], ids=["text", "other program"])
def test_the_demo_refuses_a_file_that_is_not_a_store_and_leaves_it_as_it_was(
    make: Callable[[Path], None], tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite"
    make(path)
    before = _snapshot(tmp_path)

    run = _main("--db", str(path), "demo")

    assert (run.code, _snapshot(tmp_path)) == (NO_STORE, before)


@pytest.fixture
def store_without_events(tmp_path: Path) -> Path:
    """A store this library made, that holds no event."""
    path = tmp_path / "new.sqlite"
    AlternativeProvision.sqlite(path).close()
    return path


def test_verify_of_a_store_without_events_exits_3_saying_nothing_is_proved(
    store_without_events: Path,
) -> None:
    run = _main("--db", str(store_without_events), "verify")

    assert (run.code, "holds no events" in run.err, "Verified" in run.out) == (
        NO_STORE,
        True,
        False,
    )


def test_a_read_command_on_a_store_without_events_creates_no_projections_file(
    store_without_events: Path,
) -> None:
    before = _snapshot(store_without_events.parent)

    run = _main("--db", str(store_without_events), "placements")

    assert (run.code, _snapshot(store_without_events.parent)) == (0, before)


# ------------------------------------------------------------ where projections are kept
@pytest.fixture(scope="module")
def bare_demo(demo_folder: DemoFolder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's store alone, without its projections file, in a folder of its own."""
    folder = tmp_path_factory.mktemp("bare-demo")
    shutil.copy2(demo_folder.db, folder / STORE_FILE)
    return folder / STORE_FILE


def test_a_read_command_on_a_store_without_projections_creates_no_file(bare_demo: Path) -> None:
    before = _snapshot(bare_demo.parent)

    run = _main("--db", str(bare_demo), "placements")

    assert (run.code, "41 placements" in run.out, _snapshot(bare_demo.parent)) == (
        0,
        True,
        before,
    )


def test_projections_worked_out_in_memory_say_how_to_keep_them(bare_demo: Path) -> None:
    run = _main("--db", str(bare_demo), "providers")

    assert re.search(r"in memory \(\d+ events, [\d.]+ s\).*senad-ap rebuild", run.err)


def test_projections_are_kept_where_projections_says(bare_demo: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept.sqlite"

    run = _main("placements", "--db", str(bare_demo), "--projections", str(kept))

    assert (run.code, kept.is_file()) == (0, True)


def test_projections_are_kept_where_the_environment_says(
    bare_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "kept-too.sqlite"
    monkeypatch.setenv("SENAD_AP_PROJECTIONS", str(kept))

    run = _main("--db", str(bare_demo), "providers")

    assert (run.code, kept.is_file(), run.err) == (0, True, "")


def test_the_demo_keeps_its_projections_beside_the_store(demo_folder: DemoFolder) -> None:
    assert (
        "Kept its projections in senad_ap.projections.sqlite" in demo_folder.demo.out,
        (demo_folder.folder / "senad_ap.projections.sqlite").is_file(),
    ) == (True, True)


def test_a_read_command_uses_the_projections_beside_the_store_without_a_note(
    demo_folder: DemoFolder,
) -> None:
    run = _main("--db", str(demo_folder.db), "providers")

    assert (run.code, run.err) == (0, "")


# ---------------------------------------------------------------- reads like the docs
def test_global_options_are_taken_after_the_command(demo_folder: DemoFolder) -> None:
    after = _main("placements", "--db", str(demo_folder.db))
    before = _main("--db", str(demo_folder.db), "placements")

    assert (after.code, after.out) == (0, before.out)


def test_a_short_id_is_refused_saying_ids_need_8_characters(demo_folder: DemoFolder) -> None:
    run = _main("--db", str(demo_folder.db), "history", "5b69")

    assert (run.code, "at least the first 8 characters" in run.err) == (4, True)


@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_every_command_help_has_a_description(command: str) -> None:
    run = _main(command, "--help")
    description = run.out.split("\n\n")[1]

    assert (run.code, len(description.split()) >= 8) == (0, True)


@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_every_command_help_has_an_example_of_the_command(command: str) -> None:
    run = _main(command, "--help")

    assert re.search(rf"examples:\n  senad-ap (--db \S+ )?{command}\b", run.out)


@pytest.mark.parametrize("command", ["", *sorted(_COMMANDS)])
def test_every_help_fits_80_columns(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = _main(*[command] if command else [], "--help")

    assert [line for line in run.out.splitlines() if len(line) > 80] == []


@pytest.mark.parametrize(("code", "meaning"), EXIT_CODES)
def test_the_help_lists_every_exit_code(code: int, meaning: str) -> None:
    run = _main("--help")
    listed = " ".join(run.out.split("exit codes:")[1].split())

    assert f"{code} {meaning}" in listed


def test_the_help_lists_the_exit_codes_docs_inspection_lists() -> None:
    documented = Path(__file__).parents[2] / "docs" / "inspection.md"
    codes = {int(code) for code in re.findall(r"`(\d)` ", _exit_paragraph(documented))}

    assert codes == {code for code, _ in EXIT_CODES}


def _exit_paragraph(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index("Exit codes")
    return text[start : text.index("\n\n", start)]


def test_every_command_that_only_reads_is_a_command() -> None:
    assert set(READ_COMMANDS) <= set(_COMMANDS)


def test_the_readme_walk_through_uses_the_commands_the_demo_suggests(
    demo_folder: DemoFolder,
) -> None:
    suggested = re.findall(r"^  (senad-ap .+)$", demo_folder.demo.out, flags=re.MULTILINE)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")

    assert (len(suggested), [command in readme for command in suggested]) == (2, [True, True])


def test_a_damaged_database_is_refused_naming_its_path_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    before = _snapshot(tmp_path)

    run = _main("--db", str(path), "placements")

    assert (run.code, str(path) in run.err, _snapshot(tmp_path)) == (NO_STORE, True, before)
