"""Run one rebuild in a process of its own, so its peak RSS is its own (used by cases.py).

``python -m benchmarks.rebuild_child sqlite STORE_FILE PROJECTIONS_FILE`` or
``python -m benchmarks.rebuild_child postgres STORE_SCHEMA PROJECTIONS_SCHEMA`` (the schemas
made by the parent, the server named by the libpq variables, as for the parent).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from benchmarks.harness import peak_rss_mb
from benchmarks.stores import PostgresServer
from senad_ap import AlternativeProvision
from senad_ap.projections import Projections


def main(kind: str, store: str, projections_at: str) -> None:
    if kind == "sqlite":
        Path(projections_at).unlink(missing_ok=True)
        app = AlternativeProvision.sqlite(store)
        projections = Projections(app, projections_at)
    elif kind == "postgres":
        server = PostgresServer.from_environment()
        app = server.app(store)
        projections = server.projections(app, projections_at)
    else:
        raise SystemExit(f"unknown kind of store {kind!r}: sqlite or postgres")
    started = time.perf_counter()
    projections.rebuild()
    seconds = time.perf_counter() - started
    projections.close()
    app.close()
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
