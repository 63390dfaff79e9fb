"""``python -m benchmarks [--quick] [--json FILE] [--sizes 100000,300000,1000000]``

Builds its own data in a temporary folder, runs each case several times side by side with its
baselines, prints the table (median, spread, ratio, goal) and writes the JSON file.
``--quick`` (≤ 60 s, run by CI) makes everything small and asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.cases import as_at_case, build_store, load_case, rebuild_case, register_case
from benchmarks.harness import Result, report


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


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
    args = parser.parse_args(argv)
    if args.quick:
        placements, repeat, days, sizes, per_store = 100, 3, 190, [6_000], 20
    else:
        placements, repeat, days, per_store = 1000, 7, 190, 1000
        sizes = [100_000, 300_000, 1_000_000]
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="senad-ap-bench-") as tmp:
        folder = Path(tmp)
        if args.only in (None, "register"):
            results.append(register_case(folder, placements, repeat, _say))
        if args.only in (None, "load"):
            results.append(load_case(folder, days, 5 * repeat, _say))
        if args.only in (None, "rebuild"):
            for size in sizes:
                _say(f"rebuild: a store of {size:,} events")
                store = folder / f"store-{size}.sqlite"
                placement, middle = build_store(store, size, per_store, _say)
                results.append(rebuild_case(store, 1 if size >= 300_000 else 2, _say))
                results.append(as_at_case(store, placement, middle, 5, _say))
    mode = "quick" if args.quick else "full"
    print()
    report(results, json_path=args.json, mode=mode)
    print(f"\n{mode} run: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
