"""``senad-ap report``: the inspector's pack, one self-contained HTML file."""

from __future__ import annotations

import argparse
from typing import Protocol
from uuid import UUID

from senad_ap.cli.output import _output
from senad_ap.cli.progress import progress_bar
from senad_ap.cli.session import EXIT_NOT_FOUND, EXIT_USAGE, _as_at, _ExitError, _placement_id
from senad_ap.cli.session import _Session as Session
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.report import ReportScope, build_report

#: The file written when ``--out`` is not given.
DEFAULT_REPORT = "report.html"


class CommandParsers(Protocol):
    """What the command's parser offers to add a command (with its help page)."""

    def add_parser(self, name: str, *, help: str) -> argparse.ArgumentParser: ...


def add_report_parser(commands: CommandParsers) -> None:
    report = commands.add_parser(
        "report", help="an inspector's pack: one HTML file that opens offline and prints on A4"
    )
    report.add_argument(
        "--out", "-o", dest="output", metavar="FILE", default=DEFAULT_REPORT,
        help=f"write here (default: {DEFAULT_REPORT})",
    )  # fmt: skip
    report.add_argument("--school", metavar="ID", help="one school only")
    report.add_argument("--provider", metavar="ID", help="the placements using one provider")
    report.add_argument("--placement", metavar="PLACEMENT", help="one placement (as for history)")
    group = report.add_mutually_exclusive_group()
    group.add_argument("--as-at", type=_day, metavar="DATE", help="as in effect on DATE")
    group.add_argument(
        "--as-known-on", type=_day, metavar="DATE", help="only what was recorded by DATE"
    )


def _day(text: str) -> object:
    from senad_ap.cli.command import _date

    return _date(text)


def _report(session: Session, args: argparse.Namespace) -> None:
    projections = session.projections()
    placement = None if args.placement is None else _placement_id(session, args.placement)
    scope = ReportScope(
        school_id=args.school, provider_id=_provider_id(session, args.provider),
        placement_id=placement,
    )  # fmt: skip
    bar = progress_bar(session.err, "Reading the placements for the report")
    html = build_report(
        session.app(), projections, reader=FULL_ACCESS, scope=scope, as_at=_as_at(args),
        progress=bar,
    )  # fmt: skip
    if bar is not None:
        bar.finish()
    with _output(args.output, session.out) as out:
        out.write(html)
    session.err.write(f"Wrote the report to {args.output}\n")


def _provider_id(session: Session, text: str | None) -> UUID | None:
    if text is None:
        return None
    rows = session.projections().store.rows(
        "SELECT provider_id FROM providers WHERE provider_id = ? OR "
        "(length(?) BETWEEN 8 AND 36 AND substr(provider_id, 1, length(?)) = ?)",
        (text.lower(), text, text, text.lower()),
    )
    if not rows:
        raise _ExitError(f"No provider {text!r} is on the record.", EXIT_NOT_FOUND)
    if len(rows) > 1:
        raise _ExitError(f"{text!r} matches several providers; give more of the id.", EXIT_USAGE)
    return UUID(rows[0]["provider_id"])
