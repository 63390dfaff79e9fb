"""Write this version's golden fixtures: ``python -m tests.golden.make_golden v1``.

Run it once per stored-format version, into a new folder (``tests/golden/v2`` ...); never
over an existing folder: the old fixtures are the proof that old stores still read
(docs/evolving-events.md). For each mode (not encrypted, encrypted) it records the golden
history (``tests.golden.history``) on a new SQLite file, exports the stored rows and writes
the expectations: the folded states and the read models' rows the current code gives.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from senad_ap import AlternativeProvision
from tests.golden.fixtures import (
    GOLDEN,
    MODES,
    cipher_key,
    export_rows,
    folded_states,
    projected_rows,
    write_json,
)
from tests.golden.history import START, write_history
from tests.integration.scenario import Clock


def make(version: str) -> None:
    target = GOLDEN / version
    target.mkdir(exist_ok=True)
    for mode in MODES:
        with tempfile.TemporaryDirectory() as folder:
            clock = Clock(START)
            path = Path(folder) / "golden.sqlite"
            app = AlternativeProvision.sqlite(path, clock=clock, cipher_key=cipher_key(mode))
            try:
                write_history(app, clock)
                write_json(target / f"{mode}.json", export_rows(app, mode))
                expected = {
                    "states": folded_states(app),
                    "projections": projected_rows(app, Path(folder)),
                }
                write_json(target / f"{mode}.expected.json", expected)
            finally:
                app.close()


if __name__ == "__main__":
    make(sys.argv[1] if len(sys.argv) > 1 else "v1")
