"""Write what the current code makes of the first edition's rows: ``{mode}.expected.json``.

Run once with the current code (``python -m tests.golden.first_edition.expect``), after
``make.py`` wrote the rows with the first edition's: it puts each fixture's rows into an empty
SQLite store, as ``tests/integration/test_golden.py`` does, and writes every record's folded
state and every read model's rows (``tests.golden.fixtures``). As for the other golden
folders, an expectation changed later must be changed deliberately, saying why.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from senad_ap import AlternativeProvision
from tests.golden.fixtures import (
    MODES,
    cipher_key,
    folded_states,
    import_rows,
    projected_rows,
    read_json,
    write_json,
)
from tests.golden.history import AFTER_RETENTION
from tests.integration.scenario import Clock

HERE = Path(__file__).parent


def expect() -> None:
    for mode in MODES:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            clock = Clock(AFTER_RETENTION + timedelta(days=1))
            path = folder / "first-edition.sqlite"
            writer = AlternativeProvision.sqlite(path, clock=clock, cipher_key=cipher_key(mode))
            try:
                import_rows(writer, read_json(HERE / f"{mode}.json"), mode)
            finally:
                writer.close()
            app = AlternativeProvision.sqlite(path, clock=clock, cipher_key=cipher_key(mode))
            try:
                expected = {
                    "states": folded_states(app),
                    "projections": projected_rows(app, folder),
                }
                write_json(HERE / f"{mode}.expected.json", expected)
            finally:
                app.close()


if __name__ == "__main__":
    expect()
