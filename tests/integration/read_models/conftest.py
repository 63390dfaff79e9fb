"""Fixtures of the read-model tests: a clock standing at noon on ``START``, the event store
and where the projections live, and a provider ready for placements.

Every test that takes ``app``, ``store``, ``place`` or ``projections`` runs once per ``CASES``
entry: (event store, projections' database). The projections live where the events live: in a
SQLite file of the test's own over the in-memory and SQLite stores, and in PostgreSQL over the
PostgreSQL store, in the same schema as its events (as ``projections_for`` puts them). The
other pairings would test nothing more (the projections read the log the same way from every
store; ``test_cli_postgres.py`` runs SQLite projections over PostgreSQL) and add a third to
the run time: add them to ``CASES`` to run them too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from senad_ap import AlternativeProvision, ProviderState
from senad_ap.projections import Projections
from senad_ap.testing import FixedClock
from tests.integration.conftest import Store, open_store
from tests.integration.projection_scenes import START, noon
from tests.integration.scenario import ready_provider
from tests.postgres import Tables, projections_database

#: (event store, projections' database) of each run, with its test id.
CASES = {
    "memory": ("memory", "sqlite"),
    "sqlite": ("sqlite", "sqlite"),
    "postgres": ("postgres", "postgres"),
}


@attrs.frozen
class Place:
    """Where a test's projections live: ``database`` is ``"sqlite"`` (the file ``path``) or
    ``"postgres"`` (the PostgreSQL store's schema). Each ``open`` gives projections on the
    same tables, as a restarted process would have."""

    database: str
    path: Path
    schema: str | None = None

    def open(self, app: AlternativeProvision, **options: Any) -> Projections:
        if self.database == "postgres":
            assert self.schema is not None
            return Projections(app, postgres=projections_database(self.schema), **options)
        return Projections(app, self.path, **options)


@pytest.fixture
def clock() -> FixedClock:
    """The event store's clock (overrides the integration one): noon on ``START``."""
    return FixedClock(noon(START))


@pytest.fixture(params=list(CASES.values()), ids=list(CASES))
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(event store, projections' database) of this run."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def store(
    case: tuple[str, str], clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """The event store of this run (overrides the integration one, parametrised by ``case``)."""
    tables: Tables = "events+projections" if case[1] == "postgres" else "events"
    with open_store(case[0], clock, tmp_path, monkeypatch, tables) as opened:
        yield opened


@pytest.fixture
def place(case: tuple[str, str], store: Store, tmp_path: Path) -> Place:
    return Place(case[1], tmp_path / "p.sqlite", store.schema)


@pytest.fixture
def projections(app: AlternativeProvision, place: Place) -> Iterator[Projections]:
    opened = place.open(app)
    yield opened
    opened.close()


@pytest.fixture
def provider(app: AlternativeProvision) -> ProviderState:
    return ready_provider(app)
