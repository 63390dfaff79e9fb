"""The application on each real store: one parametrised ``app`` fixture.

Every integration test that takes ``app`` runs once per store in ``STORES``. A store is opened
through the public constructors, with the tests' clock. ``store.open()`` gives another
application instance on the same stored record (the way two processes of a school system
would share it); an in-memory store lives only inside its one instance, so there ``open()``
gives that same instance back (``store.shares_instance``).

PostgreSQL: each test gets a schema of its own in the database the libpq variables name
(``PGDATABASE``, ``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``), dropped afterwards.
Without ``PGDATABASE`` the PostgreSQL cases skip with a one-line reason, unless
``SENAD_AP_REQUIRE_POSTGRES=1`` (set by ``.ci/run``): then they fail.
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
from tests.integration.scenario import Clock
from tests.postgres import postgres_schema

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
    name: str, clock: Callable[[], datetime], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """The store ``name`` (one of ``STORES``) for one test, closed (and its PostgreSQL schema
    dropped) afterwards."""
    # eventsourcing lets ALTERNATIVEPROVISION_* variables override the store a constructor
    # asks for (see test_stores.py), which would quietly test another store than ``name``.
    for variable in list(os.environ):
        if variable.startswith("ALTERNATIVEPROVISION_"):
            monkeypatch.delenv(variable)
    schema = None
    cleanup = None
    if name == "postgres":
        schema, cleanup = postgres_schema()
    opened = Store(
        name, _opener(name, clock, folder, schema), shares_instance=name == "memory",
        cleanup=cleanup, schema=schema,
    )  # fmt: skip
    try:
        yield opened
    finally:
        opened.close()


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
