"""Fixtures of the read-model tests: a clock standing at noon on ``START``, the projections
in a SQLite file of the test's own, and a provider ready for placements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from senad_ap import AlternativeProvision, ProviderState
from senad_ap.projections import Projections
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import START, noon
from tests.integration.scenario import ready_provider


@pytest.fixture
def clock() -> FixedClock:
    """The event store's clock (overrides the integration one): noon on ``START``."""
    return FixedClock(noon(START))


@pytest.fixture
def projections(app: AlternativeProvision, tmp_path: Path) -> Iterator[Projections]:
    opened = Projections(app, tmp_path / "p.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def provider(app: AlternativeProvision) -> ProviderState:
    return ready_provider(app)
