"""The application on each real store: one parametrised ``app`` fixture.

Every integration test that takes ``app`` runs once per store in ``STORES``. A store is opened
through the public constructors, with the tests' clock. ``store.open()`` gives another
application instance on the same stored record (the way two processes of a school system
would share it); an in-memory store lives only inside its one instance, so there ``open()``
gives that same instance back (``store.shares_instance``).

PostgreSQL: each test gets a schema to itself in the database the libpq variables name
(``PGDATABASE``, ``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``), borrowed from the
pool in ``tests.postgres`` (``SchemaPool``): the tables are already made there and empty, and
the notification ids start again from 1, as on a new schema. Without ``PGDATABASE`` the
PostgreSQL cases skip with a one-line reason, unless ``SENAD_AP_REQUIRE_POSTGRES=1`` (set by
``.ci/run``): then they fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import attrs
import pytest

from senad_ap import AlternativeProvision
from senad_ap.demo import demo_clock, write_demo
from tests.integration.demo_school import (
    STORE_VARIABLES,
    DemoFolder,
    InMemoryDemo,
    shared_demo_folder,
)
from tests.integration.scenario import Clock
from tests.postgres import Tables, borrowed_schema

STORES = ("memory", "sqlite", "postgres")

Opener = Callable[[], AlternativeProvision]


@attrs.define
class Store:
    """One store under test, and every application instance opened on it."""

    name: str
    opener: Opener
    shares_instance: bool
    opened: list[AlternativeProvision] = attrs.Factory(list)

    def open(self) -> AlternativeProvision:
        """An application on this store (for an in-memory store, always the same one)."""
        if self.shares_instance and self.opened:
            return self.opened[0]
        app = self.opener()
        self.opened.append(app)
        return app

    cleanup: Callable[[], None] | None = None
    #: The PostgreSQL store's schema (``None`` for the other stores).
    schema: str | None = None

    def close(self) -> None:
        for app in self.opened:
            app.close()
        if self.cleanup is not None:
            self.cleanup()


def _opener(
    name: str, clock: Callable[[], datetime], folder: Path, schema: str | None = None
) -> Opener:
    if name == "memory":
        return lambda: AlternativeProvision.in_memory(clock=clock)
    if name == "sqlite":
        return lambda: AlternativeProvision.sqlite(folder / "ap.sqlite", clock=clock)
    if name == "postgres":
        return lambda: AlternativeProvision.postgres(
            os.environ["PGDATABASE"],
            user=os.environ.get("PGUSER", "senad_ap"),
            host=os.environ.get("PGHOST", "localhost"),
            port=int(os.environ.get("PGPORT", "5432")),
            schema=schema,
            clock=clock,
        )
    raise ValueError(f"unknown store {name!r}")  # pragma: no cover


@pytest.fixture
def clock() -> Clock:
    """The application's clock, fixed at ``scenario.NOW``; a test may move it on."""
    return Clock()


@contextmanager
def open_store(
    name: str,
    clock: Callable[[], datetime],
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    postgres_tables: Tables = "events",
) -> Iterator[Store]:
    """The store ``name`` (one of ``STORES``) for one test, closed (and its PostgreSQL schema
    given back to the pool) afterwards. ``postgres_tables`` says which tables the test will
    use in a PostgreSQL schema, so that it borrows a schema where they are already made."""
    # eventsourcing lets ALTERNATIVEPROVISION_* variables override the store a constructor
    # asks for (see test_stores.py), which would quietly test another store than ``name``.
    for variable in list(os.environ):
        if variable.startswith("ALTERNATIVEPROVISION_"):
            monkeypatch.delenv(variable)
    schema = None
    cleanup = None
    if name == "postgres":
        schema, cleanup = borrowed_schema(postgres_tables)
    opened = Store(
        name, _opener(name, clock, folder, schema), shares_instance=name == "memory",
        cleanup=cleanup, schema=schema,
    )  # fmt: skip
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_store(clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    with open_store("sqlite", clock, tmp_path, monkeypatch) as opened:
        yield opened


@pytest.fixture
def postgres_store(
    clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    with open_store("postgres", clock, tmp_path, monkeypatch) as opened:
        yield opened


@pytest.fixture(params=STORES)
def store(
    request: pytest.FixtureRequest,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Store]:
    with open_store(request.param, clock, tmp_path, monkeypatch) as opened:
        yield opened


@pytest.fixture
def app(store: Store) -> AlternativeProvision:
    """The application on the store under test."""
    return store.open()


# ----------------------------------------------------------------------------- the demo
@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> DemoFolder:
    """The demo written by the real entry point (``python -m senad_ap demo``) into a folder
    of this run's, and its projections brought up to date (``demo_school``).

    Shared by every test of the run that reads the demo through the command, in every
    pytest-xdist worker (the first to ask writes it, the others wait for it): writing it took
    seconds in each of three modules. Safe because no test writes into the folder: those that
    change the store (the demo again, ``--force``, ``rebuild``, ``retention``) work on
    ``demo_folder.copy(tmp_path)``, and the runs it records are plain values."""
    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent  # each worker's folder is in the run's
    return shared_demo_folder(run_folder / "shared-demo")


@pytest.fixture(scope="session")
def demo_in_memory() -> Iterator[InMemoryDemo]:
    """``write_demo`` on an in-memory store, with the demo's clock.

    Shared by the demo's own tests and the command's (which need only the summary's ids, the
    same in every store). Safe because they only read it: queries record nothing, and a test
    that writes the demo again does so on a store of its own."""
    with pytest.MonkeyPatch.context() as patch:
        # eventsourcing lets ALTERNATIVEPROVISION_* variables override the store a
        # constructor asks for, which would quietly write the demo somewhere else.
        for variable in list(os.environ):
            if variable.startswith("ALTERNATIVEPROVISION_") or variable in STORE_VARIABLES:
                patch.delenv(variable)
        clock = demo_clock()
        app = AlternativeProvision.in_memory(clock=clock)
        summary = write_demo(app, clock)
    yield InMemoryDemo(app, summary)
    app.close()
