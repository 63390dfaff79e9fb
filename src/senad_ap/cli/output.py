"""What the commands write: tables, cells (dates, times, ids), headings, JSON, and the file or
stream written to."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

import attrs

from senad_ap.cli.session import EXIT_REFUSED, _ExitError, _Session
from senad_ap.cli.tables import paragraph, table


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


def _table(
    session: _Session,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    text_below: bool = False,
) -> None:
    """A table fitted to the session's width (``tables.table``); every row on one line with
    ``--wide``."""
    cells = [[_cell(v) for v in row] for row in rows]
    table(session.out, headers, cells, session.width, text_below=text_below)


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


def _heading(session: _Session, text: str) -> None:
    paragraph(session.out, text, session.width)
    session.out.write("\n")
