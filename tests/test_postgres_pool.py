"""The pool of PostgreSQL schemas the tests borrow (``tests.postgres.SchemaPool``): a schema
comes back as a fresh build leaves it, or is not lent again."""

from __future__ import annotations

import os

import psycopg
import pytest

from senad_ap import AlternativeProvision
from senad_ap.projections import Projections
from tests.integration.scenario import DELEGATE, HEAD, OPENED_ON
from tests.postgres import SCHEMAS, Tables, projections_database


def _open(schema: str) -> AlternativeProvision:
    return AlternativeProvision.postgres(
        os.environ["PGDATABASE"],
        user=os.environ.get("PGUSER", "senad_ap"),
        host=os.environ.get("PGHOST", "localhost"),
        port=int(os.environ.get("PGPORT", "5432")),
        schema=schema,
    )


def _rows(sql: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(autocommit=True) as connection:
        return connection.execute(sql, params).fetchall()


def _execute(sql: str) -> None:
    with psycopg.connect(autocommit=True) as connection:
        connection.execute(sql)


def _tables(schema: str) -> set[str]:
    found = _rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", schema
    )
    return {str(name) for (name,) in found}


def test_a_schema_lent_again_holds_no_event_and_numbers_the_next_from_1() -> None:
    schema = SCHEMAS.borrow("events")
    app = _open(schema)
    app.appoint_delegate(DELEGATE.id, actor=HEAD, on=OPENED_ON)
    app.appoint_delegate("deputy-2", actor=HEAD, on=OPENED_ON)
    app.close()
    SCHEMAS.give_back(schema)

    again = SCHEMAS.borrow("events")
    app = _open(again)
    before = app.recorder.max_notification_id()
    app.appoint_delegate(DELEGATE.id, actor=HEAD, on=OPENED_ON)
    after = app.recorder.max_notification_id()
    app.close()
    SCHEMAS.give_back(again)

    assert (again, before, after) == (schema, None, 1)


def test_projections_on_a_schema_lent_again_find_their_tables_as_a_fresh_build_left_them() -> None:
    app = AlternativeProvision.in_memory()
    app.appoint_delegate(DELEGATE.id, actor=HEAD, on=OPENED_ON)
    schema = SCHEMAS.borrow("projections")
    first = Projections(app, postgres=projections_database(schema))
    first.catch_up()
    first.close()
    built = _tables(schema)
    SCHEMAS.give_back(schema)

    again = SCHEMAS.borrow("projections")
    projections = Projections(app, postgres=projections_database(again))
    processed = projections.catch_up()
    projections.close()
    tables = _tables(again)
    SCHEMAS.give_back(again)

    # eventsourcing renames a tracking table without its "__migration__" row (bkup1_...).
    assert (again, processed, tables) == (schema, 1, built)


def test_a_schema_whose_tables_a_test_altered_is_dropped_not_lent_again() -> None:
    schema = SCHEMAS.borrow("events")
    _open(schema).close()
    _execute(f"ALTER TABLE {schema}.alternativeprovision_events ADD COLUMN note text")

    SCHEMAS.give_back(schema)

    assert _rows("SELECT 1 FROM pg_namespace WHERE nspname = %s", schema) == []


KINDS: list[Tables] = ["events", "projections", "events+projections"]


@pytest.mark.parametrize("tables", KINDS)
def test_a_schema_given_back_untouched_is_lent_again(tables: Tables) -> None:
    schema = SCHEMAS.borrow(tables)
    SCHEMAS.give_back(schema)

    again = SCHEMAS.borrow(tables)
    SCHEMAS.give_back(again)

    assert again == schema
