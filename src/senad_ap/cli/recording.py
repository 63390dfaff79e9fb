"""The commands that write: ``demo`` (an example school into the store) and ``rebuild`` (every
projection again from the log)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from senad_ap.cli.progress import progress_bar
from senad_ap.cli.session import (
    EXIT_REFUSED,
    OPERATOR,
    _ExitError,
    _is_postgres,
    _operator,
    _Session,
)
from senad_ap.cli.tables import plural
from senad_ap.projections import projections_for


def _demo(session: _Session, args: argparse.Namespace) -> None:
    from senad_ap.demo import DEMO_LAST_DAY, demo_clock, write_demo

    existed = _is_postgres(session.db) or Path(session.db).is_file()
    clock = demo_clock()
    app = session.app(create=True, clock=clock)
    if existed and app.last_position() > 0 and not args.force:
        raise _ExitError(
            f"The store at {session.db} already holds {app.last_position()} events; the demo "
            "writes only into an empty store. Use --force to add it anyway, or --db to "
            "choose another file.",
            EXIT_REFUSED,
        )
    started = time.perf_counter()
    bar = progress_bar(session.err, "Writing the demo")
    summary = write_demo(app, clock, progress=bar)
    if bar is not None:
        bar.finish()
    sealed = app.seal(actor=_operator(OPERATOR))
    seconds = time.perf_counter() - started
    events = summary.events + (sealed is not None)
    session.out.write(
        f"Wrote the demo into {session.db}: {plural(summary.placements, 'placement')} at "
        f"{plural(summary.providers, 'provider')}, {plural(events, 'event')} (the last a seal), "
        f"in {seconds:.1f} s.\n"
    )
    started = time.perf_counter()
    session.projections()  # kept beside the store, so that read commands find them
    where = session.projections_path or "the store's database"
    session.out.write(
        f"Kept its projections in {where}, in {time.perf_counter() - started:.1f} s.\n"
        f"Its term ended on {DEMO_LAST_DAY.isoformat()}: a plain `senad-ap compliance` shows "
        "what is open today, long after it. Try:\n"
        f"  senad-ap compliance --as-at {DEMO_LAST_DAY.isoformat()}\n"
        f"  senad-ap history {summary.reintegrated_student}\n"
    )


def _rebuild(session: _Session, args: argparse.Namespace) -> None:
    projections = projections_for(session.app(), session.projections_path)
    session._projections = projections
    started = time.perf_counter()

    bar = progress_bar(session.err, "Rebuilding the projections")
    count = projections.rebuild(progress=bar)
    seconds = time.perf_counter() - started
    if bar is not None:
        bar.finish()
    names = ", ".join(p.name for p in projections.all)
    session.out.write(
        f"Rebuilt {plural(len(projections.all), 'projection')} ({names}) from "
        f"{plural(count, 'event')} "
        f"in {seconds:.1f} s.\n"
    )
