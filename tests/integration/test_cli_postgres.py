"""``senad-ap`` on a PostgreSQL store, named by a ``postgresql://`` URL."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from senad_ap.cli import main
from tests.postgres import postgres_schema


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
