"""The PostgreSQL cases skip on a laptop without a server, and fail in CI instead."""

from __future__ import annotations

import pytest

from tests.postgres import postgres_schema


def test_without_a_configured_server_the_postgres_cases_skip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGDATABASE", raising=False)
    monkeypatch.delenv("SENAD_AP_REQUIRE_POSTGRES", raising=False)

    with pytest.raises(pytest.skip.Exception, match="PostgreSQL not configured"):
        postgres_schema()


def test_when_ci_requires_postgres_a_missing_server_fails_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGDATABASE", raising=False)
    monkeypatch.setenv("SENAD_AP_REQUIRE_POSTGRES", "1")

    with pytest.raises(pytest.fail.Exception, match="SENAD_AP_REQUIRE_POSTGRES=1"):
        postgres_schema()


def test_when_ci_requires_postgres_an_unreachable_server_fails_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setenv("PGDATABASE", "senad_ap_test")
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", "1")  # nothing listens there
    monkeypatch.setenv("SENAD_AP_REQUIRE_POSTGRES", "1")

    with pytest.raises(pytest.fail.Exception, match="not reachable"):
        postgres_schema()
