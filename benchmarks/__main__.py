"""``python -m benchmarks [--quick] [--json FILE] [--sizes 100000,300000,1000000]
[--only register|load|rebuild] [--stores sqlite,postgres]``

Builds its own data in a temporary folder (and, on PostgreSQL, in schemas of its own), runs
each case several times side by side with its baselines, prints the table (median, spread,
ratio, goal) and writes the JSON file. ``--quick`` (≤ 60 s, run by CI) makes everything small
and asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import attrs

from benchmarks.cases import (
    as_at_case,
    build_store,
    load_case,
    rebuild_case,
    rebuilt_projections,
    register_case,
)
from benchmarks.harness import Result, report
from benchmarks.stores import (
    KINDS,
    Kind,
    PostgresServer,
    PostgresStore,
    SQLiteStore,
    Store,
    find_postgres,
)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@attrs.frozen
class Sizes:
    """How big each case is on one kind of store."""

    placements: int  # of the register case
    repeat: int  # samples of the register case (five times as many loads)
    days: int  # of registers in the load case's placement
    events: tuple[int, ...]  # of the rebuild stores


#: ``--quick``: CI runs it, so it must stay well under a minute in all. PostgreSQL's cases are
#: tinier still: they only show that the cases run there.
QUICK: dict[Kind, Sizes] = {
    "sqlite": Sizes(placements=100, repeat=3, days=190, events=(6_000,)),
    # 60 days: 130 events, past the first snapshot (every 100 events), so "with snapshots"
    # loads from one.
    "postgres": Sizes(placements=20, repeat=2, days=60, events=(2_000,)),
}
FULL = Sizes(placements=1000, repeat=7, days=190, events=(100_000, 300_000, 1_000_000))


def _kinds(text: str | None, parser: argparse.ArgumentParser) -> tuple[Kind, ...] | None:
    if text is None:
        return None
    kinds = []
    for word in (w.strip() for w in text.split(",")):
        kind = next((k for k in KINDS if k == word), None)
        if kind is None:
            parser.error(f"--stores: {word!r} is not a kind of store ({', '.join(KINDS)})")
        if kind not in kinds:
            kinds.append(kind)
    return tuple(kinds)


def _stop(signum: int, frame: FrameType | None) -> None:
    # A terminated run still drops its PostgreSQL schemas (the ``finally`` of the ExitStack).
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small and fast (CI)")
    parser.add_argument("--json", metavar="FILE", default="benchmarks.json", type=Path)
    parser.add_argument(
        "--sizes", metavar="N,N,…", help="event counts of the rebuild stores (default 100k,300k,1M)"
    )
    parser.add_argument(
        "--only", choices=["register", "load", "rebuild"], help="run one group of cases"
    )
    parser.add_argument(
        "--stores",
        metavar="KIND,…",
        help="sqlite, postgres, or both (default: SQLite, and PostgreSQL too when the libpq "
        "variables PGDATABASE, PGHOST, PGPORT, PGUSER, PGPASSWORD name a server that answers)",
    )
    args = parser.parse_args(argv)
    asked = _kinds(args.stores, parser)
    kinds: list[Kind] = list(asked or ("sqlite",))
    lines = {"sqlite": f"SQLite {sqlite3.sqlite_version}: a file per store, in a temporary folder"}
    server: PostgresServer | None = None
    if asked is None or "postgres" in asked:
        server, about = find_postgres()
        if server is not None:
            lines["postgres"] = f"{about}: a schema per store, made for the run and dropped"
            if asked is None:
                kinds.append("postgres")
        elif asked is not None or os.environ.get("SENAD_AP_REQUIRE_POSTGRES") == "1":
            parser.error(f"PostgreSQL: {about}")
        else:
            lines["postgres"] = f"PostgreSQL: {about}, skipped"
    if "sqlite" not in kinds:
        del lines["sqlite"]

    def sizes(kind: Kind) -> Sizes:
        chosen = QUICK[kind] if args.quick else FULL
        if args.sizes:
            chosen = attrs.evolve(chosen, events=tuple(int(s) for s in args.sizes.split(",")))
        return chosen

    started = time.perf_counter()
    results: list[Result] = []
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        with contextlib.ExitStack() as cleanup:
            folder = Path(
                cleanup.enter_context(tempfile.TemporaryDirectory(prefix="senad-ap-bench-"))
            )
            stores: list[Store] = []
            for kind in kinds:
                if kind == "sqlite":
                    stores.append(SQLiteStore(folder))
                else:
                    assert server is not None  # found above, or the run stopped there
                    stores.append(PostgresStore(server))
                cleanup.callback(stores[-1].close)
            results = _run(stores, sizes, args.only)
    finally:
        signal.signal(signal.SIGTERM, previous)
    mode = "quick" if args.quick else "full"
    print()
    report(results, json_path=args.json, mode=mode, stores=lines)
    print(f"\n{mode} run: {time.perf_counter() - started:.0f} s")
    return 0


def _run(stores: list[Store], sizes: Callable[[Kind], Sizes], only: str | None) -> list[Result]:
    """Each group of cases on each store in turn, so the same case on each kind sits together."""
    results: list[Result] = []
    if only in (None, "register"):
        for store in stores:
            size = sizes(store.kind)
            results.append(register_case(store, size.placements, size.repeat, _say))
    if only in (None, "load"):
        for store in stores:
            size = sizes(store.kind)
            results.append(load_case(store, size.days, 5 * size.repeat, _say))
    if only in (None, "rebuild"):
        events = sorted({n for store in stores for n in sizes(store.kind).events})
        for count in events:
            for store in (s for s in stores if count in sizes(s.kind).events):
                _say(f"rebuild ({store.title}): a store of {count:,} events")
                name = f"store-{count}"
                placement, middle = build_store(store, name, count, _say)
                repeat = 1 if count >= 300_000 else 2
                results.append(rebuild_case(store, name, repeat, _say))
                projections = rebuilt_projections(name, repeat - 1)
                results.extend(as_at_case(store, name, projections, placement, middle, 5, _say))
    return results


if __name__ == "__main__":
    sys.exit(main())
