"""Projections kept in PostgreSQL: where they go, how they are named, and their errors.

(Every read-model test runs on PostgreSQL projections too, over the PostgreSQL store: see
``CASES`` in conftest.py. These run once, over an in-memory store.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest

from senad_ap import AlternativeProvision, InvalidInputError, StoreError
from senad_ap.projections import Projections, projections_for
from senad_ap.projections import register as register_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.postgres import PostgresDatabase
from tests.integration.projection_scenes import START
from tests.integration.scenario import HEAD, start_outside_placement
from tests.postgres import postgres_schema, projections_database


@pytest.fixture
def schema() -> Iterator[str]:
    """A new, empty PostgreSQL schema, dropped afterwards."""
    name, drop = postgres_schema()
    yield name
    drop()


@pytest.fixture
def app() -> AlternativeProvision:
    return AlternativeProvision.in_memory()


def _url(schema: str) -> str:
    user = os.environ.get("PGUSER", "senad_ap")
    host = os.environ.get("PGHOST", "localhost")
    port = os.environ.get("PGPORT", "5432")
    return f"postgresql://{user}@{host}:{port}/{os.environ['PGDATABASE']}?schema={schema}"


def _tables(schema: str) -> set[str]:
    with psycopg.connect(autocommit=True) as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {row[0] for row in rows}


def test_projections_for_a_postgres_url_keep_their_tables_and_tracking_in_its_schema(
    app: AlternativeProvision, schema: str
) -> None:
    start_outside_placement(app)
    projections = projections_for(app, _url(schema))
    projections.catch_up()
    projections.close()

    assert _tables(schema) == {
        "attendance_marks",
        "attendance_terms",
        "audit_trail",
        "compliance_findings",
        "compliance_in_effect",
        "compliance_latest",
        "compliance_links",
        "compliance_placements",
        "compliance_versions",
        "projection_source",
        "projection_tracking",
        "providers",
        "register_in_effect",
        "register_known",
        "register_mark_history",
        "register_placements",
        "student_placements",
        "students",
    }


def test_projections_reopened_on_a_postgres_schema_read_the_rows_kept_there(
    app: AlternativeProvision, schema: str
) -> None:
    start_outside_placement(app)
    first = Projections.postgres(
        app, os.environ["PGDATABASE"], user=os.environ.get("PGUSER", "senad_ap"), schema=schema
    )
    first.catch_up()
    kept = register_queries.placements(first.store, reader=FULL_ACCESS)
    first.close()

    again = Projections(app, postgres=projections_database(schema))
    processed = again.catch_up()
    read = register_queries.placements(again.store, reader=FULL_ACCESS)
    again.close()

    assert (processed, read, len(kept)) == (0, kept, 1)


def test_projection_text_columns_compare_byte_by_byte_as_on_sqlite(
    app: AlternativeProvision, schema: str
) -> None:
    Projections(app, postgres=projections_database(schema)).close()
    with psycopg.connect(autocommit=True) as connection:
        collations = connection.execute(
            "SELECT DISTINCT collation_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'register_placements' "
            "AND data_type = 'text'",
            (schema,),
        ).fetchall()

    assert collations == [("C",)]


def test_postgres_projections_refuse_to_mix_two_stores_logs(schema: str) -> None:
    first = AlternativeProvision.in_memory()
    first.appoint_delegate("deputy-1", actor=HEAD, on=START)
    Projections(first, postgres=projections_database(schema)).catch_up()
    second = AlternativeProvision.in_memory()
    second.appoint_delegate("deputy-2", actor=HEAD, on=START)
    projections = Projections(second, postgres=projections_database(schema))

    with pytest.raises(StoreError, match="another store"):
        projections.catch_up()
    projections.close()


def test_postgres_projections_in_a_missing_schema_raise_store_error(
    app: AlternativeProvision, schema: str
) -> None:
    with pytest.raises(StoreError, match="open the projections"):
        Projections(app, postgres=projections_database(f"{schema}_missing"))


def test_postgres_projections_with_a_wrong_password_raise_store_error(
    app: AlternativeProvision, schema: str
) -> None:
    database = projections_database(schema)
    wrong = PostgresDatabase(database.dbname, database.user, "not the password", schema=schema)

    with pytest.raises(StoreError, match="password authentication failed"):
        Projections(app, postgres=wrong)


def test_postgres_projections_without_a_password_raise_store_error(
    app: AlternativeProvision, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)

    with pytest.raises(StoreError, match="PGPASSWORD"):
        Projections.postgres(app, "senad_ap", user="senad_ap")


def test_projections_in_a_file_and_in_postgres_at_once_are_refused(
    app: AlternativeProvision,
) -> None:
    with pytest.raises(InvalidInputError):
        Projections(app, "p.sqlite", postgres=PostgresDatabase("senad_ap", "senad_ap"))


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://localhost/senad_ap",  # no user
        "postgresql://senad_ap@localhost",  # no database
        "postgresql://senad_ap@localhost:port/senad_ap",  # a port that is not a number
    ],
)
def test_a_postgres_url_without_a_user_a_database_or_a_numeric_port_is_refused(url: str) -> None:
    with pytest.raises(InvalidInputError, match=r"postgresql://|port"):
        PostgresDatabase.from_url(url)


def test_a_postgres_url_gives_each_part_of_the_database() -> None:
    url = "postgresql://ap%40school:s%3Acret@db.example:6543/senad_ap?schema=views"

    assert PostgresDatabase.from_url(url) == PostgresDatabase(
        "senad_ap", "ap@school", "s:cret", "db.example", 6543, "views"
    )
