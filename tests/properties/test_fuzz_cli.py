"""Bad input everywhere, on the command line: ``senad-ap`` answers junk with an exit code.

Hypothesis builds argument lists from the real parser's subcommands and options (found by
introspection, so a new option is fuzzed as soon as it exists) and fills them with right and
wrong values — dates out of range or malformed, paths that are folders, missing, too long, hold
a NUL or a lone surrogate (as undecodable bytes in a real argv become), text that looks like
SQL or like a LIKE pattern, unicode oddities — and junk tokens inserted anywhere. It runs
``main(argv, out=StringIO(), err=StringIO())`` in a copy of a folder holding a small valid
record (and its projections, a text file and a subfolder) and checks that:

1. ``main`` returns an ``int`` in {0, 1, 2, 3, 4} (or 5 from ``verify``) and never raises;
2. nothing written to ``err`` is a Python traceback, nor the message of main's last line of
   defence (a system error no check foresaw, turned into exit 1);
3. a non-zero exit leaves every event store in the folder with the same events, row for row;
   and whatever the exit, no stored event is ever lost or changed (``seal`` and ``demo`` may
   only add events after the last).

The cases it found are kept as plain tests at the end, so they stay fixed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from senad_ap import DEFAULT_SQLITE_FILE, AlternativeProvision
from senad_ap.cli import _parser, main
from senad_ap.projections import default_projections_path
from tests.integration.scenario import Clock
from tests.properties.test_fuzz_public_api import (
    CONTROL_TEXTS,
    HUGE_TEXTS,
    SQL_TEXTS,
    SURROGATE_TEXTS,
    UNICODE_TEXTS,
    UUID_TEXTS,
    Record,
    write_record,
)

#: docs/inspection.md: 0 done, 1 refused, 2 bad option, 3 no store, 4 no such placement;
#: and 5, only from ``verify``, when the store no longer matches its hashes and seals.
EXIT_CODES = {0, 1, 2, 3, 4}
EXIT_NOT_FOUND = 4
#: What main writes when a system error got past every check (cli/command.py ``main``).
LAST_LINE_OF_DEFENCE = "could not complete the command"
EXIT_TAMPERED = 5
#: Variables that would point the command (or eventsourcing under it) at another store.
STORE_VARIABLES = ("SENAD_AP_DB", "PERSISTENCE_MODULE", "SQLITE_DBNAME", "CIPHER_KEY")
PROJECTIONS_FILE = default_projections_path(DEFAULT_SQLITE_FILE)
TEXT_FILE = "notes.txt"
SUBFOLDER = "folder"


# ============================================================================ the folder
@attrs.frozen
class Template:
    """A folder holding the record's store (under the default name) and its projections."""

    folder: Path
    record_ids: tuple[str, ...]


@pytest.fixture(scope="module", autouse=True)
def _no_store_variables() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for variable in list(os.environ):
            if variable.startswith("ALTERNATIVEPROVISION_") or variable in STORE_VARIABLES:
                patch.delenv(variable)
        yield


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    folder = tmp_path_factory.mktemp("fuzz-cli")
    app = AlternativeProvision.sqlite(folder / DEFAULT_SQLITE_FILE, clock=Clock())
    try:
        record: Record = write_record(app)
    finally:
        app.close()
    (folder / TEXT_FILE).write_text("Not a database.\n", encoding="utf-8")
    (folder / SUBFOLDER).mkdir()
    with contextlib.chdir(folder):
        # The first read brings the projections up to date, so examples start from them.
        assert run(["placements"]).code == 0
    ids = (record.started, record.opened, record.planned, record.provider)
    return Template(folder, tuple(str(i) for i in ids))


@attrs.frozen
class Run:
    code: object
    out: str
    err: str


def run(argv: list[str]) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


EventLogs = dict[str, tuple[tuple[object, ...], ...]]


def event_logs(folder: Path) -> EventLogs:
    """Every event store in the folder: its stored events, row for row (empty ones left out)."""
    logs: EventLogs = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        try:
            with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
                rows = db.execute("SELECT * FROM stored_events ORDER BY rowid").fetchall()
        except sqlite3.Error:
            continue
        if rows:
            logs[path.name] = tuple(rows)
    return logs


# ============================================================================ the options
@attrs.frozen
class Option:
    """One option or positional argument of the parser."""

    strings: tuple[str, ...]  # e.g. ("--output", "-o"); empty for a positional argument
    dest: str
    takes_value: bool
    choices: tuple[str, ...] = ()


def _options(parser: argparse.ArgumentParser) -> list[Option]:
    return [
        Option(
            tuple(action.option_strings),
            action.dest,
            action.nargs != 0,
            tuple(str(c) for c in action.choices or ()),
        )
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    ]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, list[Option]]:
    (subparsers,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: _options(sub) for name, sub in subparsers.choices.items()}


PARSER = _parser()
GLOBAL_OPTIONS = _options(PARSER)
SUBCOMMANDS = _subcommands(PARSER)


# ============================================================================ the values
def _texts(values: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


JUNK_TEXTS = (
    *SQL_TEXTS,
    *CONTROL_TEXTS,
    *SURROGATE_TEXTS,
    *UNICODE_TEXTS,
    *UUID_TEXTS,
    *(text for _, text in HUGE_TEXTS),
)
OPTION_LIKE = (
    "-",
    "--",
    "-h",
    "--help",
    "--version",
    "--no-such-option",
    "-x",
    "--as",
    "--as-k",
    "--db",
    "--db=",
    "-o",
    "--json=yes",
    "--as-at=",
    "--force",
    "--status",
    *sorted(SUBCOMMANDS),
)
JUNK = st.one_of(
    _texts(JUNK_TEXTS),
    _texts(OPTION_LIKE),
    st.text(max_size=16),
    st.tuples(st.text(max_size=6), _texts(SURROGATE_TEXTS), st.text(max_size=6)).map("".join),
)
DATE_TEXTS = (
    "2026-03-02",
    "2026-02-02",
    "2025-12-19",
    "0001-01-01",
    "9999-12-31",
    "2024-02-29",
    "2025-02-29",
    "2026-13-01",
    "2026-00-10",
    "2026-02-30",
    "2026-3-2",
    "20260302",
    "2026-W10-1",
    "2026-061",
    "2026-03-02T12:00",
    "2026-03-02T12:00+14:00",
    " 2026-03-02",
    "2026-03-02 ",
    "2026-03-02\x00",
    "",
    "today",
    "yesterday",
    "-1",
    "10000-01-01",
    "0000-01-01",
    "२०२६-०३-०२",
    "２０２６-０３-０２",
)
#: Half of them valid, so that the command runs on dates far and near.
DATES = _texts(DATE_TEXTS) | _texts(DATE_TEXTS[:6]) | st.dates().map(str)
PATH_TEXTS = (
    DEFAULT_SQLITE_FILE,
    PROJECTIONS_FILE,
    "other.sqlite",
    "missing/x.sqlite",
    ".",
    "..",
    "/",
    "",
    "-",
    "/dev/null",
    TEXT_FILE,
    SUBFOLDER,
    f"{SUBFOLDER}/",
    f"{SUBFOLDER}/new.sqlite",
    f"./{DEFAULT_SQLITE_FILE}",
    ":memory:",
    "file::memory:",
    f"file:{DEFAULT_SQLITE_FILE}?mode=ro",
    "~/x.sqlite",
    "$HOME/x.sqlite",
    "x" * 300,
    "a\x00b",
    "\x00",
    "\udcff.sqlite",
    "\ud800.sqlite",
    "postgresql://",
    "postgresql://nobody@127.0.0.1:1/none",
    "postgres://nobody@127.0.0.1:notaport/none",
    "postgresql://@/",
)
ACTOR_TEXTS = ("head-712E", "operator", "", " ", "%s", "'; DROP TABLE stored_events; --")
SCHOOL_TEXTS = ("712E", "900A", "", " ", "%", "_", "712e", "712E ")


def _placement_texts(template: Template) -> tuple[str, ...]:
    started, opened, _, provider = template.record_ids
    return (
        "STU-0042",
        "STU-0043",
        "STU-0044",
        "stu-0042",
        " STU-0042",
        "STU-004",
        started,
        started[:8],
        started[:7],
        started.upper(),
        started[:8].upper(),
        opened,
        provider,
        "%%%%%%%%",
        "________",
        "%",
        "_",
        "STU-%",
        "STU-____",
    )


#: Student references for ``forget`` and ``attendance --pupil``: the template's own, unknown,
#: and not references at all.
STUDENT_TEXTS = ("STU-0042", "STU-0043", "STU-9999", "", " ", "STU 0042", "STU-%", "x" * 70)


#: Provider ids for ``report --provider``: unknown ids, prefixes, and not ids at all.
PROVIDER_TEXTS = (*UUID_TEXTS, "deadbeef", "%", "________", "")

#: Rule ids for ``rules``: known, in other cases, close to one, and not ids at all.
RULE_TEXTS = ("PLAN-2", "plan-2", " Contact-1 ", "PLAN-22", "CONTAKT-1", "", " ", "%", "x" * 70)


def _value(option: Option, template: Template) -> st.SearchStrategy[str]:
    """Right and wrong values for the option, chosen by what it is for."""
    specific: dict[str, st.SearchStrategy[str]] = {
        "db": _texts(PATH_TEXTS),
        "projections": _texts(PATH_TEXTS),
        "output": _texts(PATH_TEXTS),
        "seals": _texts(PATH_TEXTS),
        "public_key": _texts(PATH_TEXTS),
        "by": _texts(ACTOR_TEXTS),
        "as_at": DATES,
        "as_known_on": DATES,
        "on": DATES,
        "school": _texts(SCHOOL_TEXTS),
        "placement": _texts(_placement_texts(template)),
        "student": _texts(STUDENT_TEXTS),
        "pupil": _texts(STUDENT_TEXTS),
        "provider": _texts(PROVIDER_TEXTS),
        "rule": _texts(RULE_TEXTS),
    }
    own = specific.get(option.dest, st.nothing())
    if option.choices:
        own |= st.sampled_from(option.choices)
    return st.sampled_from((own, own, own, JUNK)).flatmap(lambda s: s)


@st.composite
def _tokens(draw: st.DrawFn, option: Option, template: Template) -> list[str]:
    if not option.strings:
        return [draw(_value(option, template))]
    string = draw(st.sampled_from(option.strings))
    if not option.takes_value:
        return [string]
    form = draw(st.sampled_from(("separate",) * 15 + ("joined",) * 4 + ("missing",)))
    if form == "missing":
        return [string]
    value = draw(_value(option, template))
    return [f"{string}={value}"] if form == "joined" else [string, value]


def _one_in(times: int) -> st.SearchStrategy[bool]:
    """True once in ``times``; False is the first choice."""
    return st.sampled_from((False,) * (times - 1) + (True,))


@st.composite
def argvs(draw: st.DrawFn, template: Template) -> list[str]:
    """A command line of the real options with right and wrong values, plus junk tokens."""
    argv: list[str] = []
    # Each piece is usually right, so that most command lines get past the parser and junk
    # reaches the command itself. The first choice of each draw is the usual one: Hypothesis
    # draws the first choice far more often than its share.
    for option in GLOBAL_OPTIONS:
        if draw(_one_in(3)):
            argv += draw(_tokens(option, template))
    command = draw(JUNK if draw(_one_in(20)) else st.sampled_from(sorted(SUBCOMMANDS)))
    argv.append(command)
    for option in SUBCOMMANDS.get(command, []):
        # A positional argument is mostly there; an option a third of the time.
        if not draw(_one_in(10)) if not option.strings else draw(_one_in(3)):
            argv += draw(_tokens(option, template))
    for _ in range(draw(st.sampled_from((0,) * 18 + (1, 2)))):
        argv.insert(draw(st.integers(0, len(argv))), draw(JUNK))
    return argv


# ============================================================================ helpers
def _parsed(argv: list[str]) -> argparse.Namespace | None:
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return _parser().parse_args(argv)
    except SystemExit:
        return None


def _store_in_use(args: argparse.Namespace | None) -> str | None:
    """The name of the file in the folder the command works on, if it is one there."""
    db = DEFAULT_SQLITE_FILE if args is None else (args.db or DEFAULT_SQLITE_FILE)
    try:
        path = Path(db).resolve()
    except (OSError, ValueError):
        return None
    return path.name if path.parent == Path.cwd().resolve() else None


def _is_path(value: str) -> bool:
    """A path the operating system can be given (no NUL, encodable)."""
    try:
        os.fsencode(value)
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def _name_too_long(value: str) -> bool:
    try:
        parts = [os.fsencode(part) for part in Path(value).parts]
    except (UnicodeEncodeError, ValueError):
        return False
    return any(len(part) > 255 for part in parts) or len(os.fsencode(value)) >= 4096


def _is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def _events_in(path: str) -> int | None:
    """How many events the file's store holds; ``None`` if it is not a SQLite file."""
    try:
        with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as db:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            try:
                return int(db.execute("SELECT count(*) FROM stored_events").fetchone()[0])
            except sqlite3.OperationalError:
                return 0
    except (sqlite3.Error, OSError, ValueError):
        return None


def writes_a_demo(args: argparse.Namespace) -> bool:
    """The demo would be written (3 s each): skipped for time, not because it fails."""
    if args.command != "demo":
        return False
    db: str = args.db or DEFAULT_SQLITE_FILE
    if _is_postgres(db):
        return False
    if not _is_path(db) or _name_too_long(db):
        return False  # cannot be opened: the command refuses at once
    if Path(db).is_file():
        events = _events_in(db)
        # Not a SQLite file: refused at once. Holding events: refused unless --force.
        return events is not None and (args.force or events == 0)
    if db == ":memory:" or db.startswith("file:"):
        return True
    return Path(db).resolve().parent.is_dir()


# ============================================================================ the tests
def test_every_option_has_values_aimed_at_it() -> None:
    aimed = {
        "db",
        "projections",
        "output",
        "seals",
        "public_key",
        "by",
        "as_at",
        "as_known_on",
        "on",
        "school",
        "placement",
        "student",
        "pupil",
        "provider",
        "rule",
    }
    options = [*GLOBAL_OPTIONS, *(o for opts in SUBCOMMANDS.values() for o in opts)]

    unaimed = {o.dest for o in options if o.takes_value and not o.choices} - aimed

    assert unaimed == set()


@pytest.mark.slow
@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_any_command_line_ends_with_an_exit_code_and_a_refusal_writes_no_event(
    template: Template, data: st.DataObject
) -> None:
    argv = data.draw(argvs(template), label="argv")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "copy"
        shutil.copytree(template.folder, folder)
        with contextlib.chdir(folder):
            args = _parsed(argv)
            assume(args is None or not writes_a_demo(args))
            in_use = _store_in_use(args)
            before = event_logs(folder)
            done = run(argv)
        after = event_logs(folder)
    note(f"exit {done.code}; err: {done.err[-300:]!r}")

    assert type(done.code) is int
    allowed = EXIT_CODES | (
        {EXIT_TAMPERED} if args is not None and args.command == "verify" else set()
    )
    assert done.code in allowed
    assert "Traceback" not in done.err
    assert LAST_LINE_OF_DEFENCE not in done.err
    if in_use in before:
        assert after.get(in_use, ())[: len(before[in_use])] == before[in_use]
    if done.code != 0:
        assert after == before


# ============================================================================ found by fuzzing
# Each reproduces a case the property found; all are fixed, and these keep them fixed.


@pytest.fixture
def in_a_copy(template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the template folder, made the working directory."""
    folder = tmp_path / "copy"
    shutil.copytree(template.folder, folder)
    monkeypatch.chdir(folder)
    return folder


def exits_with_a_code(argv: list[str]) -> int:
    done = run(argv)

    assert done.code in EXIT_CODES
    assert "Traceback" not in done.err
    assert isinstance(done.code, int)
    return done.code


@pytest.mark.parametrize("db", [".", "/"], ids=repr)
def test_db_path_without_a_file_name_exits_with_a_code(in_a_copy: Path, db: str) -> None:
    # Was: ValueError "has an empty name" from default_projections_path, even with
    # --projections.
    exits_with_a_code(["--db", db, "--projections", "p.sqlite", "placements"])


@pytest.mark.parametrize("command", ["placements", "demo"])
def test_db_path_with_a_file_name_too_long_exits_with_a_code(in_a_copy: Path, command: str) -> None:
    # Was: OSError ENAMETOOLONG from Path(db).is_file().
    exits_with_a_code(["--db", "x" * 300, command])


@pytest.mark.parametrize("db", ["a\x00b.sqlite", "\ud800.sqlite"], ids=repr)
def test_demo_into_a_path_the_system_cannot_take_exits_with_a_code(
    in_a_copy: Path, db: str
) -> None:
    # Was: ValueError / UnicodeEncodeError from AlternativeProvision.sqlite resolving the path.
    exits_with_a_code(["--db", db, "demo"])


@pytest.mark.parametrize("projections", ["a\x00b.sqlite", "\ud800.sqlite"], ids=repr)
def test_projections_path_the_system_cannot_take_exits_with_a_code(
    in_a_copy: Path, projections: str
) -> None:
    # Was: ValueError / UnicodeEncodeError from sqlite3.connect in the projections' store.
    exits_with_a_code(["--projections", projections, "providers"])


@pytest.mark.parametrize("output", ["a\x00b.jsonl", "\ud800.jsonl"], ids=repr)
def test_export_to_a_path_the_system_cannot_take_exits_with_a_code(
    in_a_copy: Path, output: str
) -> None:
    # Was: ValueError / UnicodeEncodeError from Path.open in _output.
    exits_with_a_code(["export", "-o", output])


def test_export_over_the_projections_file_exits_with_a_code(in_a_copy: Path) -> None:
    # Was: "database disk image is malformed" escaping main.
    exits_with_a_code(["export", "-o", PROJECTIONS_FILE])


@pytest.mark.parametrize("command", ["export", "seals"])
@pytest.mark.parametrize("output", [DEFAULT_SQLITE_FILE, f"./{DEFAULT_SQLITE_FILE}"])
def test_export_over_the_store_keeps_its_events(in_a_copy: Path, command: str, output: str) -> None:
    # Was: every event replaced by JSON Lines, and exit 0.
    before = event_logs(in_a_copy)

    exits_with_a_code([command, "-o", output])

    assert event_logs(in_a_copy) == before


@pytest.mark.parametrize("command", ["history", "attendance"])
@pytest.mark.parametrize("placement", ["\ud800", "STU-\udcff"], ids=repr)
def test_placement_with_a_lone_surrogate_exits_with_a_code(
    in_a_copy: Path, command: str, placement: str
) -> None:
    # Was: UnicodeEncodeError binding the text in the look-up of the placement.
    exits_with_a_code([command, placement])


@pytest.mark.parametrize("command", ["placements", "compliance"])
@pytest.mark.parametrize("as_at", [[], ["--as-at", "2026-03-02"]], ids=["now", "as-at"])
def test_school_with_a_lone_surrogate_exits_with_a_code(
    in_a_copy: Path, command: str, as_at: list[str]
) -> None:
    # Was: UnicodeEncodeError binding the text in the register's and compliance queries.
    exits_with_a_code([command, "--school", "\udcff", *as_at])


@pytest.mark.parametrize("seals", [DEFAULT_SQLITE_FILE, "a\x00b.jsonl", "\ud800.jsonl"], ids=repr)
def test_verify_with_seals_it_cannot_read_exits_with_a_code(in_a_copy: Path, seals: str) -> None:
    # Was: UnicodeDecodeError (a file that is not UTF-8), ValueError, UnicodeEncodeError from
    # read_text in _kept_seals.
    exits_with_a_code(["verify", "--seals", seals])


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--output=--"],
        ["placements", "--status=--"],
        ["placements", "--school=--"],
        ["seal", "--by=--"],
    ],
    ids=" ".join,
)
def test_option_written_with_equals_double_dash_exits_with_a_code(
    in_a_copy: Path, argv: list[str]
) -> None:
    exits_with_a_code(argv)


@pytest.mark.parametrize(
    "placement",
    [
        pytest.param("%%%%%%%%", id="percent-signs"),
        pytest.param("________", id="underscores"),
        pytest.param("prefix-and-percent", id="prefix-and-percent"),
        pytest.param("x" * 60_000, id="over-the-pattern-limit"),
    ],
)
def test_placement_given_as_a_like_pattern_is_not_found(
    in_a_copy: Path, template: Template, placement: str
) -> None:
    if placement == "prefix-and-percent":
        placement = template.record_ids[0][:7] + "%"

    assert exits_with_a_code(["history", placement]) == EXIT_NOT_FOUND
