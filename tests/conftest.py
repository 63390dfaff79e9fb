"""Shared test set-up: Hypothesis profiles (CI bounds examples and steps), the end of the
session's PostgreSQL schema pool, and the slowest tests first."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.postgres import SCHEMAS

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session", autouse=True)
def _postgres_schema_pool() -> Iterator[None]:
    """Drops the schemas of the pool (``tests.postgres.SCHEMAS``) when the session ends."""
    yield
    SCHEMAS.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` (ten seconds or more each) run first, the rest in their order:
    pytest-xdist hands tests out in this order, so a long test no longer starts near the end
    and keeps one worker busy after the others have finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
