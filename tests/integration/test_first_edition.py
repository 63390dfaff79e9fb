"""Stores written by the real first edition (senad_ap 0.1.0, commit 20d7cba) still read.

``tests/golden/first_edition`` holds the rows the first edition's own code stored
(``make.py``, run with that edition's interpreter), not encrypted and encrypted at rest, what
that code said about its store (``first_edition.expected.json``) and what the current code
makes of it (``{mode}.expected.json``, also checked by ``test_golden.py``, which folds,
verifies and projects every golden folder). Each test puts the rows into an empty SQLite or
PostgreSQL store and checks that the current code agrees with the first edition, reads its
erasure events (version 1, the exact day) as version 2 (the school year), and can go on
writing to the store, raising its recorded format from 1 to 2.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from senad_ap import AlternativeProvision, Reason, Setting
from senad_ap.application.store_format import STORE_FORMAT
from senad_ap.domain.placement.events import PlacementRecordErased
from senad_ap.domain.student import StudentForgotten, student_record_id
from tests.golden.fixtures import MODES, import_rows, read_json
from tests.golden.stores import loaded, open_store
from tests.integration.scenario import HEAD

FOLDER = Path(__file__).parents[1] / "golden" / "first_edition"
SAID = read_json(FOLDER / "first_edition.expected.json")
CASES = [(store, mode) for store in ("sqlite", "postgres") for mode in MODES]


@pytest.fixture(params=CASES, ids=["-".join(case) for case in CASES])
def first_edition(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[AlternativeProvision, Any]]:
    """An application on a store holding the first edition's rows, and what it said of them."""
    store, mode = request.param
    with loaded(store, mode, read_json(FOLDER / f"{mode}.json"), tmp_path, monkeypatch) as app:
        yield app, SAID[mode]


def _events(app: AlternativeProvision) -> list[Any]:
    rows = app.recorder.select_notifications(start=None, limit=10**6)
    return [app.mapper.to_domain_event(row) for row in rows]


def test_first_edition_store_verifies_as_the_first_edition_did(
    first_edition: tuple[AlternativeProvision, Any],
) -> None:
    app, said = first_edition
    verification = app.verify()
    assert (verification.problems, verification.events, verification.seals) == (
        (), said["verify"]["events"], said["verify"]["seals"],
    )  # fmt: skip


def test_first_edition_events_decode_to_the_types_it_stored(
    first_edition: tuple[AlternativeProvision, Any],
) -> None:
    app, said = first_edition
    decoded = Counter(f"{type(e).__module__}:{type(e).__qualname__}" for e in _events(app))
    assert dict(decoded) == said["events_per_type"]


def test_first_edition_erasure_events_read_as_version_2_with_the_school_year(
    first_edition: tuple[AlternativeProvision, Any],
) -> None:
    app, said = first_edition
    assert said["retention_ended_on"] == "2041-05-17"  # as the first edition stored it
    erasures = [e for e in _events(app) if isinstance(e, StudentForgotten | PlacementRecordErased)]
    assert [(type(e).class_version, e.retention_ended_in) for e in erasures] == [
        (2, "2040/41"), (2, "2040/41"),
    ]  # fmt: skip


def test_first_edition_student_and_placement_read_as_the_first_edition_said(
    first_edition: tuple[AlternativeProvision, Any],
) -> None:
    app, said = first_edition
    erased = app.get_student("STU-0042", reader=HEAD)
    placement = app.get_placement(UUID(said["placement_id"]), reader=HEAD)
    kept = app.get_student("STU-0043", reader=HEAD)
    assert {
        "student": (str(erased.id), erased.name, erased.version, erased.chain_hash,
                    str(erased.forgotten_on)),
        "placement": (placement.version, placement.chain_hash, placement.status.value),
        "kept": (str(kept.id), kept.name, kept.date_of_birth),
    } == {
        "student": (said["student_id"], said["student_name_after_erasure"],
                    said["student_version"], said["student_chain_hash"],
                    said["student_forgotten_on"]),
        "placement": (said["placement_version"], said["placement_chain_hash"],
                      said["placement_status_after_erasure"]),
        "kept": (said["kept_student"]["id"], said["kept_student"]["name"],
                 said["kept_student"]["date_of_birth"]),
    }  # fmt: skip


def test_writing_to_a_first_edition_store_raises_its_format_and_it_still_verifies(
    first_edition: tuple[AlternativeProvision, Any],
) -> None:
    app, said = first_edition
    before = app.store_format.recorded()
    app.open_placement(
        student_reference="STU-0044", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=UUID(said["provider_ids"][0]), location="Riverside FE College",
        residential=False, student_name="Lee Example", date_of_birth=date(2033, 1, 2),
        actor=HEAD, idempotency_key="after the first edition",
    )  # fmt: skip
    app.seal(actor=HEAD)
    verification = app.verify()
    recorded = app.store_format.recorded()
    assert (before, None if recorded is None else recorded[0]) == (None, STORE_FORMAT)
    assert (verification.problems, verification.seals) == ((), said["seals"] + 1)
    assert app.get_student("STU-0044", reader=HEAD).name == "Lee Example"


def test_a_first_edition_store_keeps_its_uuid5_student_ids_when_written_to(
    first_edition: tuple[AlternativeProvision, Any],
) -> None:
    # The first edition's key table holds no store secret: the one made on the first write
    # must choose the old id scheme, so that the store's records keep one kind of id.
    app, said = first_edition
    app.open_placement(
        student_reference="STU-0044", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=UUID(said["provider_ids"][1]), location="Hill Farm", residential=False,
        actor=HEAD, idempotency_key="after the first edition",
    )  # fmt: skip
    student = app.get_student("STU-0044", reader=HEAD)
    assert student.id == student_record_id(HEAD.school_id, "STU-0044")


def test_an_altered_first_edition_erasure_day_is_caught_by_verify(tmp_path: Path) -> None:
    rows = read_json(FOLDER / "plain.json")
    for row in rows["events"]:
        if row["topic"].endswith(":StudentForgotten"):
            row["state"] = row["state"].replace('"2041-05-17"', '"2041-05-18"')
    writer = open_store("sqlite", "plain", tmp_path, None)
    try:
        import_rows(writer, rows, "plain")
    finally:
        writer.close()
    app = open_store("sqlite", "plain", tmp_path, None)
    try:
        problems = app.verify().problems
    finally:
        app.close()
    assert [p.record_id for p in problems] == [UUID(SAID["plain"]["student_id"])]
