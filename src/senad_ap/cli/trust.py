"""The commands that prove the record was not rewritten: ``seal``, ``seals`` and ``verify``."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from senad_ap.application.integrity import SealRecord
from senad_ap.cli.output import _output
from senad_ap.cli.session import (
    EXIT_NO_STORE,
    EXIT_TAMPERED,
    EXIT_USAGE,
    _ExitError,
    _operator,
    _Session,
)
from senad_ap.cli.tables import paragraph, plural


def _seal(session: _Session, args: argparse.Namespace) -> None:
    sealed = session.app().seal(actor=_operator(args.by))
    if sealed is None:
        session.out.write("Nothing was recorded since the last seal; no new seal.\n")
        return
    session.out.write(
        f"Sealed {plural(sealed.events, 'event')} up to position {sealed.last_position}: "
        f"head {sealed.head}\n"
    )


def _seals(session: _Session, args: argparse.Namespace) -> None:
    found = session.app().seals()
    with _output(args.output, session.out) as out:
        for seal in found:
            out.write(seal.to_json() + "\n")
    if args.output:
        session.err.write(f"Exported {plural(len(found), 'seal')} to {args.output}\n")


def _verify(session: _Session, args: argparse.Namespace) -> None:
    kept = _kept_seals(args.seals) if args.seals else []
    public_key = _public_key(args.public_key) if args.public_key else None
    result = session.app().verify(kept=kept, public_key=public_key)
    if result.ok and result.events == 0:
        raise _ExitError(
            f"The store at {session.db} holds no events: there is nothing to verify, so "
            "nothing is proved. Check that --db (or $SENAD_AP_DB) names the school's store.",
            EXIT_NO_STORE,
        )
    if result.ok:
        also = f" and {plural(len(kept), 'kept seal')}" if kept else ""
        for text in (
            f"Verified {plural(result.events, 'event')} against their hashes and "
            f"{plural(result.seals, 'seal')}{also}: nothing was altered, removed, "
            f"inserted or reordered. {_unsealed(result.unsealed, result.unsealed_since)}",
            _what_it_proves(result.signatures_checked, bool(kept)),
        ):
            paragraph(session.out, text, session.width)
        return
    first = result.problems[0]
    session.out.write(f"FIRST PROBLEM: {first.message}\n")
    for problem in result.problems[1:]:
        session.out.write(f"also: {problem.message}\n")
    raise _ExitError(
        "The store does not match its hashes and seals: "
        f"{plural(len(result.problems), 'problem')}, the first at position {first.position} "
        f"({first.kind}).",
        EXIT_TAMPERED,
    )


def _kept_seals(path: str) -> list[SealRecord]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise _ExitError(f"Could not read {path}: {error.strerror}", EXIT_USAGE) from None
    except UnicodeDecodeError:
        raise _ExitError(f"{path} is not a text file of seals.", EXIT_USAGE) from None
    try:
        return [SealRecord.from_json(line) for line in lines if line.strip()]
    except (ValueError, KeyError, TypeError):
        raise _ExitError(
            f"{path} is not a file of seals (one JSON object a line, from `senad-ap seals`).",
            EXIT_USAGE,
        ) from None


def _unsealed(count: int, since: datetime | None) -> str:
    """How many decisions no seal covers yet: those could be removed from the end of the log
    without a trace the store alone shows (a seal kept outside it would show it)."""
    if not count or since is None:
        return "Every decision is covered by a seal."
    decisions = "1 decision is" if count == 1 else f"{count} decisions are"
    return (
        f"{decisions} not yet covered by a seal (since {since:%Y-%m-%d %H:%M} UTC): "
        "run `senad-ap seal` and keep the seals (`senad-ap seals`)."
    )


def _public_key(value: str) -> str:
    """The key itself, or the text of the file that holds it."""
    path = Path(value)
    try:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _ExitError(f"Could not read the public key in {value}: {error}", EXIT_USAGE) from None
    return value


def _what_it_proves(signatures_checked: bool, kept: bool) -> str:
    """What this verification proves, and what it cannot, in plain words."""
    if signatures_checked:
        return (
            "Every seal is signed with the school group's key: a rewrite of the store with "
            "its seals recomputed would have shown. Decisions after the last seal are not "
            "covered by any signature."
        )
    if kept:
        return (
            "The log matches the seals kept outside the store up to the last of them. No "
            "public key was given, so the store's own seals prove only that nothing was "
            "changed carelessly: someone who can write to the database could recompute them."
        )
    return (
        "No public key and no kept seals were given: this proves the store is consistent "
        "with itself, not that no one who can write to the database rewrote it and "
        "recomputed its hashes and seals (give --public-key, or --seals kept earlier)."
    )
