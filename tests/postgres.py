"""A PostgreSQL schema of its own for a test, or a skip (a failure in CI) without a server."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

if TYPE_CHECKING:
    from senad_ap.projections.postgres import PostgresDatabase


def required() -> bool:
    """CI sets ``SENAD_AP_REQUIRE_POSTGRES=1``: a PostgreSQL test may then fail, never skip."""
    return os.environ.get("SENAD_AP_REQUIRE_POSTGRES") == "1"


def _connect() -> object:
    if not os.environ.get("PGDATABASE"):
        reason = "PostgreSQL not configured (set PGDATABASE, PGUSER, PGPASSWORD, PGHOST)"
        if required():
            pytest.fail(f"{reason}, but SENAD_AP_REQUIRE_POSTGRES=1")
        pytest.skip(reason)
    try:
        import psycopg
    except ImportError:
        if required():
            pytest.fail("psycopg is not installed, but SENAD_AP_REQUIRE_POSTGRES=1")
        pytest.skip("psycopg is not installed (pip install -e '.[test]')")
    try:
        return psycopg.connect(autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if required():
            pytest.fail(f"PostgreSQL is not reachable: {error}")
        pytest.skip(f"PostgreSQL is not reachable: {str(error).splitlines()[0]}")


def postgres_available() -> bool:
    """Whether the test server is configured and answers (never skips, never fails)."""
    if not os.environ.get("PGDATABASE"):
        return False
    try:
        import psycopg
    except ImportError:
        return False
    try:
        psycopg.connect(connect_timeout=5).close()
    except psycopg.OperationalError:
        return False
    return True


def postgres_schema() -> tuple[str, Callable[[], None]]:
    """A new, empty schema, and the function that drops it."""
    connection = _connect()
    name = f"test_{uuid4().hex[:16]}"
    connection.execute(f"CREATE SCHEMA {name}")  # type: ignore[attr-defined]

    def drop() -> None:
        connection.execute(f"DROP SCHEMA {name} CASCADE")  # type: ignore[attr-defined]
        connection.close()  # type: ignore[attr-defined]

    return name, drop


def projections_database(schema: str) -> PostgresDatabase:
    """The test database (the libpq variables), in ``schema``, for projections; the password
    comes from ``PGPASSWORD`` when they connect."""
    from senad_ap.projections.postgres import PostgresDatabase

    return PostgresDatabase(
        os.environ["PGDATABASE"],
        user=os.environ.get("PGUSER", "senad_ap"),
        host=os.environ.get("PGHOST", "localhost"),
        port=int(os.environ.get("PGPORT", "5432")),
        schema=schema,
    )
