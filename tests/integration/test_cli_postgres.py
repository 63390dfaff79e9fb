"""``senad-ap`` on a PostgreSQL store, named by a ``postgresql://`` URL."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from senad_ap import AlternativeProvision
from senad_ap.cli import main
from senad_ap.cli.session import postgres_parts
from senad_ap.domain.values import Actor, Role
from tests.postgres import _connect, postgres_schema


@pytest.fixture
def url() -> Iterator[str]:
    schema, drop = postgres_schema()
    user = os.environ.get("PGUSER", "senad_ap")
    host = os.environ.get("PGHOST", "localhost")
    port = os.environ.get("PGPORT", "5432")
    yield f"postgresql://{user}@{host}:{port}/{os.environ['PGDATABASE']}?schema={schema}"
    drop()


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_the_demo_then_compliance_and_export_work_on_postgres(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _run("--db", url, "demo")[0] == 0

    code, out, _ = _run("--db", url, "compliance", "--as-at", "2025-12-19")
    exported = _run("--db", url, "export")[1].splitlines()
    positions = [json.loads(line)["position"] for line in exported]

    assert (code, "PLAN-1" in out, len(exported), positions == sorted(set(positions))) == (
        0,
        True,
        6460,  # the demo's events (its students' EHC plans, looked-after facts) and seal
        True,
    )


def test_a_postgres_url_without_a_user_is_a_usage_error() -> None:
    code, _, err = _run("--db", "postgresql://localhost/senad_ap_test", "placements")

    assert (code, "postgresql://USER@HOST:PORT/DATABASE" in err) == (2, True)


def _tables(url: str) -> list[str]:
    schema = url.rsplit("schema=", 1)[1]
    with _connect() as connection:
        rows = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "ORDER BY table_name",
            (schema,),
        ).fetchall()
    return [str(name) for (name,) in rows]


@pytest.mark.parametrize("command", ["placements", "verify", "export", "report"])
def test_a_read_command_on_a_schema_without_a_store_is_refused_and_creates_nothing(
    url: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    code, _, err = _run("--db", url, command)

    assert (code, "There is no senad-ap store in the schema" in err, _tables(url)) == (3, True, [])


def test_a_read_command_leaves_a_store_without_projections_without_them(url: str) -> None:
    options = postgres_parts(url)
    app = AlternativeProvision.postgres(options.pop("dbname"), **options)
    app.seal(actor=Actor(id="head-1", role=Role.HEAD_TEACHER, school_id="100001"))
    app.close()
    before = _tables(url)

    code, out, _ = _run("--db", url, "seals")

    assert (code, out.count("\n") >= 1, _tables(url)) == (0, True, before)
