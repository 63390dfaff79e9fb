"""The store a command works on (SQLite or PostgreSQL) and its projections; the exit codes
and the error that carries one; the placement and the date that a command's arguments name;
the actor a command records."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import UUID

import attrs

from senad_ap.application import AlternativeProvision
from senad_ap.cli.progress import progress_bar
from senad_ap.domain.values import Actor, Role
from senad_ap.projections import projections_for
from senad_ap.projections.as_at import AsAt, Sense
from senad_ap.projections.runner import Projections

ENVIRONMENT_VARIABLE = "SENAD_AP_DB"
#: Where to keep the projections, as ``--projections`` says (a file or a URL).
PROJECTIONS_VARIABLE = "SENAD_AP_PROJECTIONS"
#: The projections a read command works out in memory, when no file of them is kept.
IN_MEMORY = ":memory:"
#: From how many events working the projections out in memory is worth a note on how to
#: keep them (the demo's 6,500 take seconds; a few hundred, a fraction of one).
WORTH_KEEPING = 1000
EXIT_REFUSED, EXIT_USAGE, EXIT_NO_STORE, EXIT_NOT_FOUND, EXIT_TAMPERED = 1, 2, 3, 4, 5
#: The store is encrypted and its key was not given (or another key was).
EXIT_KEY_NEEDED = 6
#: The store was written by a newer version of senad_ap (``StoreFormatError``).
EXIT_NEWER_STORE = 7
#: Who the command records as the author of a seal, unless told (``--by``).
OPERATOR = "senad-ap"


class _ExitError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


@attrs.define
class _Session:
    db: str
    projections_path: str | None
    out: TextIO
    err: TextIO
    #: Where the projections would be kept beside the store, when they are in memory.
    beside: str | None = None
    #: The width tables and paragraphs fit (``tables.terminal_width``); None with ``--wide``.
    width: int | None = 80
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
            started = time.perf_counter()
            self._projections = projections_for(self.app(), self.projections_path)
            bar = progress_bar(self.err, "Bringing the projections up to date")
            events = self._projections.catch_up(progress=bar)
            if bar is not None:
                bar.finish()
            if self.projections_path == IN_MEMORY and events >= WORTH_KEEPING:
                seconds = time.perf_counter() - started
                self.err.write(
                    f"senad-ap: worked out the projections in memory ({events} events, "
                    f"{seconds:.1f} s): a read command creates no file. To keep them for "
                    f"the next command, run `senad-ap rebuild` (they go to {self.beside}), "
                    f"or give --projections FILE (or ${PROJECTIONS_VARIABLE}).\n"
                )
        return self._projections

    def close(self) -> None:
        if self._projections is not None:
            self._projections.close()
        if self._app is not None:
            self._app.close()


def _is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def postgres_parts(url: str) -> dict[str, Any]:
    """``postgresql://user[:password]@host[:port]/dbname[?schema=NAME]`` as the keyword
    arguments of ``AlternativeProvision.postgres`` (``dbname`` first); without a password in
    the URL, ``PGPASSWORD`` gives it (so it need not appear in a command line)."""
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
    return {
        "dbname": unquote(dbname), "user": unquote(parts.username),
        "password": None if parts.password is None else unquote(parts.password),
        "host": parts.hostname or "localhost", "port": port, "schema": schema,
    }  # fmt: skip


def _open_postgres(url: str, clock: Callable[[], datetime] | None) -> AlternativeProvision:
    """The PostgreSQL store at ``url`` (``postgres_parts``)."""
    options = postgres_parts(url)
    return AlternativeProvision.postgres(options.pop("dbname"), clock=clock, **options)


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
        raise _ExitError(_no_placement(text), EXIT_NOT_FOUND)
    if len(rows) > 1:
        ids = ", ".join(row["placement_id"] for row in rows)
        raise _ExitError(f"{text!r} matches several placements; give one of: {ids}", EXIT_USAGE)
    return UUID(rows[0]["placement_id"])


def _no_placement(text: str) -> str:
    """Why ``text`` names no placement, and how a placement is named."""
    if len(text) < 8 and all(c in "0123456789abcdefABCDEF-" for c in text):
        return (
            f"No placement {text!r}: give at least the first 8 characters of its id (or the "
            "whole id), or the student reference; `senad-ap placements` lists them."
        )
    return (
        f"No placement {text!r} is on the record: give its id (or at least its first 8 "
        "characters) or the student reference; `senad-ap placements` lists them."
    )


def _as_at(args: argparse.Namespace) -> AsAt | None:
    if getattr(args, "as_known_on", None) is not None:
        return AsAt(Sense.KNOWN_ON, args.as_known_on)
    if getattr(args, "as_at", None) is not None:
        return AsAt(Sense.IN_EFFECT_ON, args.as_at)
    return None


def _operator(name: str) -> Actor:
    return Actor(id=name, role=Role.SCHOOL_STAFF, school_id="(all schools)")
