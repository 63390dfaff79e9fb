"""A store holding a golden folder's rows, as they were stored, for the golden tests."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from senad_ap import AlternativeProvision
from tests.golden.fixtures import cipher_key, import_rows
from tests.golden.history import AFTER_RETENTION
from tests.integration.scenario import Clock
from tests.postgres import borrowed_schema


def open_store(store: str, mode: str, folder: Path, schema: str | None) -> AlternativeProvision:
    """The application on the SQLite file in ``folder`` or the PostgreSQL ``schema``, with the
    fixtures' cipher key when ``mode`` is ``cipher``, after every golden history's retention."""
    clock = Clock(AFTER_RETENTION + timedelta(days=1))
    if store == "sqlite":
        return AlternativeProvision.sqlite(
            folder / "golden.sqlite", clock=clock, cipher_key=cipher_key(mode)
        )
    return AlternativeProvision.postgres(
        os.environ["PGDATABASE"], user=os.environ.get("PGUSER", "senad_ap"),
        host=os.environ.get("PGHOST", "localhost"), port=int(os.environ.get("PGPORT", "5432")),
        schema=schema, clock=clock, cipher_key=cipher_key(mode),
    )  # fmt: skip


@contextlib.contextmanager
def loaded(
    store: str, mode: str, rows: Any, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AlternativeProvision]:
    """The application on an empty store into which ``rows`` were put as they were stored
    (the mapper does the decoding when the application reads them)."""
    for variable in list(os.environ):
        if variable.startswith("ALTERNATIVEPROVISION_"):
            monkeypatch.delenv(variable)
    schema, cleanup = borrowed_schema("events") if store == "postgres" else (None, None)
    try:
        writer = open_store(store, mode, folder, schema)
        try:
            import_rows(writer, rows, mode)
        finally:
            writer.close()
        app = open_store(store, mode, folder, schema)
        try:
            yield app
        finally:
            app.close()
    finally:
        if cleanup is not None:
            cleanup()
