"""Run one rebuild in a process of its own, so its peak RSS is its own (used by cases.py)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from benchmarks.harness import peak_rss_mb
from senad_ap import AlternativeProvision
from senad_ap.projections import Projections


def main(store: str, projections_path: str) -> None:
    Path(projections_path).unlink(missing_ok=True)
    app = AlternativeProvision.sqlite(store)
    projections = Projections(app, projections_path)
    started = time.perf_counter()
    projections.rebuild()
    seconds = time.perf_counter() - started
    projections.close()
    app.close()
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
