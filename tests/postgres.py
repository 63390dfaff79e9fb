"""A PostgreSQL schema for a test, or a skip (a failure in CI) without a server.

``postgres_schema()`` makes a new, empty schema and drops it afterwards: for tests of how the
tables are made. ``SCHEMAS`` lends the tests that only use the tables (nearly all the
PostgreSQL cases) a schema from a pool instead, with the tables already made and emptied
(see ``SchemaPool``): making a schema and its tables for each test, then dropping them, took
about a fifth of each PostgreSQL case's time.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal
from uuid import uuid4

import attrs
import pytest

if TYPE_CHECKING:
    import psycopg

    from senad_ap.projections.postgres import PostgresDatabase


def required() -> bool:
    """CI sets ``SENAD_AP_REQUIRE_POSTGRES=1``: a PostgreSQL test may then fail, never skip."""
    return os.environ.get("SENAD_AP_REQUIRE_POSTGRES") == "1"


def _connect() -> psycopg.Connection[Any]:
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


def _new_schema_name() -> str:
    # Unique across pytest-xdist workers and runs sharing the database.
    return f"test_{uuid4().hex[:16]}"


def postgres_schema() -> tuple[str, Callable[[], None]]:
    """A new, empty schema, and the function that drops it."""
    connection = _connect()
    name = _new_schema_name()
    connection.execute(f"CREATE SCHEMA {name}")

    def drop() -> None:
        connection.execute(f"DROP SCHEMA {name} CASCADE")
        connection.close()

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


# ----------------------------------------------------------------------------- the pool
#: Which tables a pooled schema holds: an application's event store (its events, snapshots and
#: student keys), the projections (their tables and tracking), or both in one schema (as
#: ``projections_for`` puts them beside a PostgreSQL store).
Tables = Literal["events", "projections", "events+projections"]

#: Everything in a schema's catalog that a test could see or change, one line per object, the
#: schema's own name left out (``%(schema)s`` is its name, ``%(oid)s`` its oid): relations
#: (tables, indexes, sequences, views) with their kind, persistence, row security, grants and
#: options; columns with type, collation, nullability, default, identity and generation;
#: constraints, indexes, triggers, row security policies, rules, functions and types.
_CATALOG = """
SELECT concat_ws(' ', 'relation', c.relname, c.relkind, c.relpersistence, c.relrowsecurity,
                 c.relforcerowsecurity, c.relacl, c.reloptions)
  FROM pg_class c WHERE c.relnamespace = %(oid)s
UNION ALL
SELECT concat_ws(' ', 'column', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                 co.collname, a.attnotnull, a.attidentity, a.attgenerated,
                 pg_get_expr(d.adbin, d.adrelid))
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE c.relnamespace = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT concat_ws(' ', 'constraint', c.relname, k.conname, pg_get_constraintdef(k.oid))
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = %(oid)s
UNION ALL
SELECT concat_ws(' ', 'index', pg_get_indexdef(i.indexrelid))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = %(oid)s
UNION ALL
SELECT concat_ws(' ', 'trigger', pg_get_triggerdef(t.oid), t.tgenabled)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = %(oid)s AND NOT t.tgisinternal
UNION ALL
SELECT concat_ws(' ', 'policy', c.relname, p.polname, p.polcmd, p.polpermissive, p.polroles,
                 pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = %(oid)s
UNION ALL
SELECT concat_ws(' ', 'rule', r.rulename, pg_get_ruledef(r.oid))
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE c.relnamespace = %(oid)s
UNION ALL
SELECT concat_ws(' ', 'function', p.proname, pg_get_function_identity_arguments(p.oid),
                 p.prokind, CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END,
                 p.proacl)
  FROM pg_proc p WHERE p.pronamespace = %(oid)s
UNION ALL
SELECT concat_ws(' ', 'type', t.typname, t.typtype)
  FROM pg_type t WHERE t.typnamespace = %(oid)s AND t.typrelid = 0 AND t.typelem = 0
UNION ALL
SELECT concat_ws(' ', 'sequence', c.relname, s.seqtypid::regtype, s.seqstart, s.seqincrement,
                 s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = %(oid)s
UNION ALL
SELECT concat_ws(' ', 'schema', n.nspowner, n.nspacl) FROM pg_namespace n WHERE n.oid = %(oid)s
"""


@attrs.frozen
class _Build:
    """What a fresh build of a set of tables leaves in its schema: the catalog (``_CATALOG``,
    the schema's name left out), the rows the library writes as it makes the tables (the
    projections' tracking table starts with eventsourcing's ``__migration__`` row), and the
    state of each sequence."""

    catalog: frozenset[str]
    rows: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]
    sequences: dict[str, tuple[int | None, bool]]


class SchemaPool:
    """Schemas lent to tests and given back, emptied, for the next test of the same tables.

    What is shared: a schema and the tables in it, from one test to the next in the same
    process (each pytest-xdist worker has a pool of its own, and the names are unique).
    Nothing of a test's data is: before a schema is lent again, every table that ever held a
    row (whose file is not empty, rolled-back rows included) is ``TRUNCATE``d, which gives it
    a new, empty file as a new table has, then given back the rows the library wrote as it
    made it; every sequence is put back as the build left it (restarted), so the next test
    sees the same notification ids as on a new schema.

    Why it is safe: a schema is lent again only if its catalog is, object for object, what a
    fresh build of those tables gives (``_CATALOG``: tables, columns, indexes, constraints,
    triggers, functions, sequences, grants …); a test that added, altered, renamed or dropped
    anything gets its schema dropped instead. The application and the projections make their
    tables with ``CREATE TABLE IF NOT EXISTS``, so on a lent schema they find them made, as a
    restarted process does. A test of how the tables are made, or of what a new schema holds,
    must not borrow: it takes ``postgres_schema()``.
    """

    def __init__(self) -> None:
        self._connection: psycopg.Connection[Any] | None = None
        self._built: dict[Tables, _Build] = {}
        self._free: dict[Tables, list[str]] = {}
        self._lent: set[str] = set()

    def _admin(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._connection.closed:
            self._connection = _connect()
            # A test that left a transaction open on a table must not hang the run here.
            self._connection.execute("SET lock_timeout = '10s'")
        return self._connection

    def borrow(self, tables: Tables) -> str:
        """A schema holding ``tables`` as a fresh build leaves them: one given back by an
        earlier test, or else a new one, built now."""
        free = self._free.setdefault(tables, [])
        name = free.pop() if free else self._build(tables)
        self._lent.add(name)
        return name

    def give_back(self, name: str) -> None:
        """Keep the schema for the next test if its catalog is a fresh build's, emptied; drop
        it otherwise."""
        self._lent.discard(name)
        try:
            catalog = self._catalog(name)
            tables = next((t for t, b in self._built.items() if b.catalog == catalog), None)
            if tables is None:
                self._drop(name)
                return
            self._reset(name, self._built[tables])
        except Exception:
            self._drop(name)
            raise
        self._free.setdefault(tables, []).append(name)

    def close(self) -> None:
        """Drop every schema of the pool (at the end of the session)."""
        if self._connection is None:
            return
        for name in [n for free in self._free.values() for n in free] + sorted(self._lent):
            self._drop(name)
        self._free.clear()
        self._lent.clear()
        self._connection.close()
        self._connection = None

    # ------------------------------------------------------------------ helpers
    def _build(self, tables: Tables) -> str:
        """A new schema with ``tables`` made by the library itself; what it leaves there is
        what a schema given back must match, and is put back to."""
        from psycopg.sql import SQL, Identifier

        from senad_ap import AlternativeProvision
        from senad_ap.projections import Projections

        admin = self._admin()
        name = _new_schema_name()
        admin.execute(f"CREATE SCHEMA {name}")
        app = (
            AlternativeProvision.in_memory()
            if tables == "projections"
            else AlternativeProvision.postgres(
                os.environ["PGDATABASE"],
                user=os.environ.get("PGUSER", "senad_ap"),
                host=os.environ.get("PGHOST", "localhost"),
                port=int(os.environ.get("PGPORT", "5432")),
                schema=name,
            )
        )
        try:
            if tables != "events":
                Projections(app, postgres=projections_database(name)).close()
        finally:
            app.close()
        rows = {}
        for table in self._written(name):
            cursor = admin.execute(
                SQL("SELECT * FROM {}.{}").format(Identifier(name), Identifier(table))
            )
            columns = tuple(column.name for column in cursor.description or ())
            rows[table] = (columns, cursor.fetchall())
        sequences = admin.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", (name,)
        ).fetchall()
        build = _Build(
            self._catalog(name),
            rows,
            {sequence: (last, last is not None) for sequence, last in sequences},
        )
        # Every build of the same tables leaves the same catalog and rows: the first is kept.
        self._built.setdefault(tables, build)
        return name

    def _catalog(self, name: str) -> frozenset[str]:
        admin = self._admin()
        found = admin.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", (name,)).fetchone()
        if found is None:
            return frozenset()
        rows = admin.execute(_CATALOG, {"oid": found[0]}).fetchall()
        return frozenset(str(row[0]).replace(name, "%(schema)s") for row in rows)

    def _written(self, name: str) -> list[str]:
        """The tables of the schema that ever held a row (their file is not empty)."""
        found = (
            self._admin()
            .execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND pg_relation_size(c.oid) > 0 "
                "ORDER BY c.relname",
                (name,),
            )
            .fetchall()
        )
        return [table for (table,) in found]

    def _reset(self, name: str, build: _Build) -> None:
        """Put the schema's rows and sequences back as ``build`` left them."""
        from psycopg.sql import SQL, Identifier, Placeholder

        admin = self._admin()
        written = self._written(name)
        with admin.transaction():
            if written:
                admin.execute(
                    SQL("TRUNCATE {} RESTART IDENTITY").format(
                        SQL(", ").join(Identifier(name, table) for table in written)
                    )
                )
            for table, (columns, rows) in build.rows.items():
                if rows:
                    admin.cursor().executemany(
                        SQL("INSERT INTO {} ({}) VALUES ({})").format(
                            Identifier(name, table),
                            SQL(", ").join(map(Identifier, columns)),
                            SQL(", ").join([Placeholder()] * len(columns)),
                        ),
                        rows,
                    )
            for sequence, (last, called) in build.sequences.items():
                if last is None:
                    admin.execute(
                        SQL("ALTER SEQUENCE {} RESTART").format(Identifier(name, sequence))
                    )
                else:
                    admin.execute(
                        "SELECT setval(%s, %s, %s)", (f'"{name}"."{sequence}"', last, called)
                    )

    def _drop(self, name: str) -> None:
        import psycopg

        # A schema left behind (its tables still locked by a test) is only litter in the test
        # database: its name is never used again.
        with contextlib.suppress(psycopg.Error):
            self._admin().execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


#: The pool of this process (of this pytest-xdist worker).
SCHEMAS = SchemaPool()


def borrowed_schema(tables: Tables) -> tuple[str, Callable[[], None]]:
    """A schema from the pool holding ``tables`` (emptied), and the function that gives it
    back: for tests that use the tables, not for tests of how they are made."""
    name = SCHEMAS.borrow(tables)
    return name, lambda: SCHEMAS.give_back(name)
