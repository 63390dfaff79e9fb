"""The golden fixtures: stores written by earlier versions still read, fold, verify and
project as they did (docs/evolving-events.md).

Each folder under ``tests/golden`` (``v1``, ...) holds the rows a version of the library wrote
for the same history, not encrypted and encrypted at rest, and what that version's code made of
them. Each test puts a fixture's rows into an empty store (SQLite, PostgreSQL) as they were
stored, opens the application on it and compares what the current code makes of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from senad_ap import AlternativeProvision
from senad_ap.reference.events import event_types
from tests.golden.fixtures import (
    GOLDEN,
    MODES,
    folded_states,
    projected_rows,
    read_json,
)
from tests.golden.stores import loaded

#: Every version whose fixtures are kept (forever: an old store must always read).
VERSIONS = sorted(path.name for path in GOLDEN.iterdir() if (path / "plain.json").exists())
#: The fixtures of the code as it is now (``vN`` with the highest N; ``first_edition`` is the
#: 0.1.0 release's rows): it must hold every event type.
LATEST = max((v for v in VERSIONS if v[1:].isdigit()), key=lambda v: int(v[1:]))
CASES = [
    (store, version, mode)
    for store in ("sqlite", "postgres")
    for version in VERSIONS
    for mode in MODES
]


@pytest.fixture(params=CASES, ids=["-".join(case) for case in CASES])
def golden(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[AlternativeProvision, Any]]:
    """An application on a store holding one fixture's rows, and the fixture's expectations."""
    store, version, mode = request.param
    with loaded(
        store, mode, read_json(GOLDEN / version / f"{mode}.json"), tmp_path, monkeypatch
    ) as app:
        yield app, read_json(GOLDEN / version / f"{mode}.expected.json")


def test_golden_fixtures_hold_every_event_type_of_the_code() -> None:
    # The library's own event types (a test's subclasses left out; a type with subtypes of
    # its own, such as PlanAgreed, included): the same list docs/events.md is made from.
    expected = {f"{cls.__module__}:{cls.__qualname__}" for cls in event_types()}
    latest = read_json(GOLDEN / LATEST / "plain.json")
    stored = {row["topic"] for row in latest["events"]}
    assert sorted(expected - stored) == []


def test_golden_records_fold_to_the_expected_states(
    golden: tuple[AlternativeProvision, Any],
) -> None:
    app, expected = golden
    assert folded_states(app) == expected["states"]


def test_golden_store_verifies(golden: tuple[AlternativeProvision, Any]) -> None:
    app, _ = golden
    verification = app.verify()
    assert (verification.problems, verification.seals) == ((), 2)


def test_golden_projections_give_the_expected_rows(
    golden: tuple[AlternativeProvision, Any], tmp_path: Path
) -> None:
    app, expected = golden
    assert projected_rows(app, tmp_path) == expected["projections"]
