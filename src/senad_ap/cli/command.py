"""The ``senad-ap`` command itself: its options and commands (``_parser``), the checks made on
them before anything is opened, and the entry points (``main``, ``run``)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO

from eventsourcing.domain import EventSourcingError

from senad_ap.application import DEFAULT_SQLITE_FILE
from senad_ap.cli import help_text
from senad_ap.cli.inspection import (
    _compliance,
    _export,
    _history,
    _placements,
    _providers,
)
from senad_ap.cli.personal_data import _forget, _retention
from senad_ap.cli.pupil_attendance import _attendance_command
from senad_ap.cli.recording import _demo, _rebuild
from senad_ap.cli.report import _report, add_report_parser
from senad_ap.cli.rules import _rules, add_rules_parser, rule_line
from senad_ap.cli.session import (
    ENVIRONMENT_VARIABLE,
    EXIT_KEY_NEEDED,
    EXIT_NEWER_STORE,
    EXIT_NOT_FOUND,
    EXIT_REFUSED,
    EXIT_USAGE,
    IN_MEMORY,
    OPERATOR,
    PROJECTIONS_VARIABLE,
    _ExitError,
    _is_postgres,
    _Session,
)
from senad_ap.cli.store_check import (
    READ_COMMANDS,
    STORELESS_COMMANDS,
    check_postgres_store,
    check_sqlite_store,
)
from senad_ap.cli.tables import terminal_width
from senad_ap.cli.trust import _seal, _seals, _verify
from senad_ap.errors import (
    CipherKeyError,
    NotFoundError,
    SenadApError,
    StoreError,
    StoreFormatError,
)
from senad_ap.projections.runner import default_projections_path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-11-03"
        ) from None


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    """``--db`` and ``--projections``: on the command itself and, with ``default`` SUPPRESS,
    on each subcommand too, so that they may come before or after it."""
    parser.add_argument(
        "--db",
        metavar="STORE",
        default=default,
        help=f"the store: a SQLite file or a postgresql:// URL (default: ${ENVIRONMENT_VARIABLE} "
        f"or ./{DEFAULT_SQLITE_FILE})",
    )
    parser.add_argument(
        "--projections",
        metavar="PATH",
        default=default,
        help="where to keep the projections: a SQLite file or a postgresql:// URL (default: "
        f"${PROJECTIONS_VARIABLE}, or the file beside the store if there is one; read commands "
        "otherwise work them out in memory)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="senad-ap",
        description=help_text.wrapped(help_text.DESCRIPTION),
        epilog=help_text.epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _global_options(parser, None)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, argparse.SUPPRESS)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    class _Commands:
        """``add_parser`` with the command's description, examples and global options."""

        @staticmethod
        def add_parser(name: str, *, help: str) -> argparse.ArgumentParser:
            description, examples = help_text.command_help(name)
            return subparsers.add_parser(
                name,
                help=help,
                description=help_text.wrapped(description),
                epilog=examples,
                parents=[common],
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )

    commands = _Commands()

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

    def output_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--json", action="store_true", help="JSON for machines")
        wide_option(command)

    def wide_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--wide",
            action="store_true",
            help="rows on one line each, however wide (for grep and scripts); without it, "
            "tables fit COLUMNS or the terminal, else 80 columns",
        )

    placements = commands.add_parser("placements", help="the placement register")
    as_at_options(placements)
    output_options(placements)
    placements.add_argument("--school", metavar="ID", help="one school only")
    placements.add_argument(
        "--status",
        choices=["open", "active", "suspended", "ended", "erased"],
        help="only placements in this state (open: not yet started; suspended: consent "
        "withdrawn; erased: personal data destroyed)",
    )

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
    output_options(history)

    findings = commands.add_parser("compliance", help="open compliance findings, with rule ids")
    as_at_options(findings)
    output_options(findings)
    findings.add_argument(
        "--on",
        type=_date,
        metavar="DATE",
        help="findings open on DATE as in effect, by today's record, those closed since "
        "included (default: today); the same as --as-at DATE",
    )
    findings.add_argument("--school", metavar="ID", help="one school only")

    marks = commands.add_parser(
        "attendance", help="a placement's or a pupil's attendance by week and term"
    )
    marks.add_argument("placement", metavar="PLACEMENT", nargs="?", help="as for history")
    marks.add_argument(
        "--pupil", metavar="REFERENCE", help="one pupil across their placements, by reference"
    )
    marks.add_argument(
        "--pupils", action="store_true", help="every pupil's totals, with their absence band"
    )
    marks.add_argument(
        "--by",
        choices=["term", "week", "session"],
        help="with --pupil: only these periods (default: terms and weeks)",
    )
    marks.add_argument("--school", metavar="ID", help="with --pupil or --pupils: one school")
    as_at_options(marks)
    output_options(marks)

    provider_list = commands.add_parser("providers", help="providers, registration and risk")
    output_options(provider_list)

    add_report_parser(commands)

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
    output_options(kept)
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
    check.add_argument(
        "--public-key",
        metavar="KEY",
        help="the school group's public key (base64, or a file holding it): every seal must "
        "carry its signature (default: SENAD_AP_PUBLIC_KEY)",
    )
    wide_option(check)
    add_rules_parser(commands)
    return parser


_COMMANDS: dict[str, Callable[[_Session, argparse.Namespace], None]] = {
    "demo": _demo,
    "placements": _placements,
    "history": _history,
    "compliance": _compliance,
    "attendance": _attendance_command,
    "providers": _providers,
    "export": _export,
    "report": _report,
    "rebuild": _rebuild,
    "retention": _retention,
    "forget": _forget,
    "seal": _seal,
    "seals": _seals,
    "verify": _verify,
    "rules": _rules,
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
    if args.command in STORELESS_COMMANDS:
        return _without_a_store(args, out, err)
    db = args.db or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_SQLITE_FILE
    if args.projections is None:
        args.projections = os.environ.get(PROJECTIONS_VARIABLE) or None
    try:
        projections = _check_arguments(args, db)
        if not _is_postgres(db):
            check_sqlite_store(db, must_exist=args.command != "demo")
        elif args.command in READ_COMMANDS:
            kept = check_postgres_store(db, must_exist=True)
            if projections is None and not kept:
                projections = IN_MEMORY  # a read command creates no table either
    except _ExitError as stop:
        err.write(f"senad-ap: {stop}\n")
        return stop.code
    width = None if getattr(args, "wide", False) else terminal_width()
    session = _Session(db, projections, out, err, width=width)
    if projections == IN_MEMORY and not _is_postgres(db):
        session.beside = default_projections_path(db)
    try:
        _COMMANDS[args.command](session, args)
    except _ExitError as stop:
        err.write(f"senad-ap: {stop}\n")
        return stop.code
    except NotFoundError as error:
        err.write(f"senad-ap: {error}\n")
        return EXIT_NOT_FOUND
    except CipherKeyError as error:
        err.write(f"senad-ap: {error}\n")
        return EXIT_KEY_NEEDED
    except StoreFormatError as error:
        err.write(f"senad-ap: {error}\n")
        return EXIT_NEWER_STORE
    except StoreError as error:
        # Name the file: "file is not a database" alone does not say which (a URL may hold a
        # password, so only a SQLite store's path is named).
        where = "" if _is_postgres(db) else f" (the store: {db})"
        err.write(f"senad-ap: {error}{where}\n")
        return EXIT_REFUSED
    except SenadApError as error:
        # Name the rule in words, not only by its id (issue 16).
        err.write(f"senad-ap: {error}\n{rule_line(error, width)}")
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


def _without_a_store(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run a command that needs no store (``rules``): --db and --projections are ignored, and
    nothing is opened or created."""
    width = None if getattr(args, "wide", False) else terminal_width()
    session = _Session(DEFAULT_SQLITE_FILE, None, out, err, width=width)
    try:
        _COMMANDS[args.command](session, args)
    except _ExitError as stop:
        err.write(f"senad-ap: {stop}\n")
        return stop.code
    except BrokenPipeError:  # pragma: no cover - e.g. `senad-ap rules | head`
        return 0
    return 0


def _check_arguments(args: argparse.Namespace, db: str) -> str | None:
    """Refuse text and paths the system cannot take, before anything is opened; return the
    projections' path."""
    for option, value in vars(args).items():
        if isinstance(value, list):
            # argparse reads `--option=--` as an empty list.
            raise _ExitError(f"--{option.replace('_', '-')} needs a value.", EXIT_USAGE)
    for option in ("placement", "pupil", "school", "by", "student", "provider"):
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
        if args.command in READ_COMMANDS and not Path(projections).is_file():
            projections = IN_MEMORY  # a read command creates no file
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
