"""The demo school (``senad_ap.demo``), written once for the whole test session.

Writing the demo records about 6,300 events (seconds on each store), and five test modules
read it: the command's tests, the demo's own, and ``retention`` after the demo. The session
fixtures in ``conftest.py`` write it once and share it:

- ``demo_folder``: a folder where the real entry point ran ``python -m senad_ap demo`` (which
  keeps the projections beside the store, up to date with the whole demo) and then
  ``compliance --as-at`` the end of term, with what both runs printed;
- ``demo_in_memory``: ``write_demo`` on an in-memory store, and the summary it returned.

Both are read-only for the tests: a test that changes the store works on
``demo_folder.copy(tmp_path)``, a copy of the store and its projections of its own.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import attrs
import pytest

from senad_ap import AlternativeProvision
from senad_ap.demo import DemoSummary

STORE_FILE = "senad_ap.sqlite"
END_OF_TERM = "2025-12-19"
#: Variables that would point the command (or eventsourcing under it) at another store.
STORE_VARIABLES = ("SENAD_AP_DB", "PERSISTENCE_MODULE", "SQLITE_DBNAME")


@attrs.frozen
class Run:
    """One run of the command: its exit code and what it printed."""

    code: int
    out: str
    err: str


def command_environment(**variables: str) -> dict[str, str]:
    """This process's environment without the variables that choose a store, plus
    ``variables``."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("ALTERNATIVEPROVISION_") and name not in STORE_VARIABLES
    }
    return kept | variables


def run_senad_ap(
    *args: str,
    cwd: Path,
    environment: dict[str, str] | None = None,
    command: Sequence[str] = (sys.executable, "-m", "senad_ap"),
) -> Run:
    """Run the real entry point in ``cwd``; fail the test if it printed a traceback."""
    done = subprocess.run(  # noqa: S603 - our own command line, no shell
        [*command, *args],
        cwd=cwd,
        env=command_environment() if environment is None else environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        check=False,
    )
    if "Traceback" in done.stderr:
        pytest.fail(f"senad-ap {' '.join(args)} printed a traceback:\n{done.stderr}")
    return Run(done.returncode, done.stdout, done.stderr)


@attrs.frozen
class DemoFolder:
    """The folder the demo was written into, and the first two runs on it."""

    folder: Path
    demo: Run
    findings_at_end_of_term: Run

    @property
    def db(self) -> Path:
        return self.folder / STORE_FILE

    def copy(self, to: Path) -> Path:
        """Copy the store and its projections (with any -wal/-shm files) into ``to``; returns
        the copied store's path."""
        to.mkdir(parents=True, exist_ok=True)
        for file in self.folder.glob("senad_ap*.sqlite*"):
            shutil.copy2(file, to / file.name)
        return to / STORE_FILE


def write_demo_folder(folder: Path) -> DemoFolder:
    """``senad-ap demo`` in ``folder`` (which keeps the projections beside the store), then
    ``compliance`` at the end of term."""
    demo = run_senad_ap("demo", cwd=folder)
    findings = run_senad_ap("compliance", "--as-at", END_OF_TERM, "--wide", cwd=folder)
    return DemoFolder(folder, demo, findings)


def shared_demo_folder(folder: Path) -> DemoFolder:
    """The demo in ``folder``, which several processes (pytest-xdist's workers) may ask for
    at once: the first writes it there, under a lock, and records what the two runs printed;
    the others wait for the lock and read that record."""
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / "runs.json"
    with _locked(folder / "lock"):
        if not record.exists():
            written = write_demo_folder(folder)
            runs = {"demo": written.demo, "findings": written.findings_at_end_of_term}
            record.write_text(json.dumps({k: attrs.asdict(v) for k, v in runs.items()}))
            return written
    runs = {name: Run(**run) for name, run in json.loads(record.read_text()).items()}
    return DemoFolder(folder, runs["demo"], runs["findings"])


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


@attrs.frozen
class InMemoryDemo:
    """An in-memory store with the demo on it, and what ``write_demo`` said it wrote."""

    app: AlternativeProvision
    summary: DemoSummary
