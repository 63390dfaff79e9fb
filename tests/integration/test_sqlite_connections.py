"""SQLite connections keep a statement cache: eventsourcing 9.5 opens them with
``cached_statements=True``, a cache of one statement (see ``senad_ap.application.stores``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from senad_ap import AlternativeProvision
from senad_ap.application.stores import STATEMENT_CACHE, CachingSQLiteConnectionPool
from senad_ap.projections import Projections


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of every ``sqlite3.connect`` made while the test runs."""
    calls: list[dict[str, Any]] = []
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        calls.append(kwargs)
        connection: sqlite3.Connection = real(*args, **kwargs)
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    return calls


def test_the_event_store_uses_the_caching_pool(tmp_path: Path) -> None:
    app = AlternativeProvision.sqlite(tmp_path / "ap.sqlite")
    try:
        assert isinstance(app.factory.datastore.pool, CachingSQLiteConnectionPool)  # type: ignore[attr-defined]
    finally:
        app.close()


def test_the_projections_store_uses_the_caching_pool(tmp_path: Path) -> None:
    app = AlternativeProvision.sqlite(tmp_path / "ap.sqlite")
    projections = Projections(app, tmp_path / "ap.projections.sqlite")
    try:
        assert isinstance(projections.store.datastore.pool, CachingSQLiteConnectionPool)  # type: ignore[attr-defined]
    finally:
        projections.close()
        app.close()


def test_every_connection_of_both_stores_keeps_many_statements(
    tmp_path: Path, connects: list[dict[str, Any]]
) -> None:
    app = AlternativeProvision.sqlite(tmp_path / "ap.sqlite")
    projections = Projections(app, tmp_path / "ap.projections.sqlite")
    projections.catch_up()
    projections.close()
    app.close()
    assert connects
    assert {call.get("cached_statements") for call in connects} == {STATEMENT_CACHE}


def test_connections_are_as_eventsourcing_makes_them_apart_from_the_cache(tmp_path: Path) -> None:
    app = AlternativeProvision.sqlite(tmp_path / "ap.sqlite")
    try:
        with app.factory.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0].lower() == "wal"
            cursor.execute("SELECT 1 AS one")
            assert cursor.fetchone()["one"] == 1  # rows by column name (sqlite3.Row)
    finally:
        app.close()
