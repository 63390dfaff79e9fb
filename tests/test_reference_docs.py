"""The generated reference pages (``senad_ap.reference``): docs/events.md and the command
table of docs/domain.md are what the generator writes, and the schemas they publish are true
of the store (every event the demo school stores fits its type's schema)."""

from __future__ import annotations

import decimal
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.utils import get_topic
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from senad_ap.application.codec import JSONBytes, TypedMapper
from senad_ap.domain.base import Event
from senad_ap.domain.personal import map_personal
from senad_ap.reference import commands
from senad_ap.reference.events import (
    EVENTS_DOC,
    compact_json,
    event_types,
    meaning,
    record_of,
    render,
)
from senad_ap.reference.schema import event_schema
from senad_ap.rules.docs import rule_ids_in
from tests.integration.demo_school import STORE_FILE, shared_demo_folder

ROOT = Path(__file__).resolve().parents[1]
REGENERATE = "python -m senad_ap.reference"
EVENT_TYPES = event_types()
EVENT_NAMES = {cls.__name__ for cls in EVENT_TYPES}


def validator(cls: type[Event]) -> Draft202012Validator:
    schema = event_schema(cls, get_topic(cls))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


VALIDATORS = {get_topic(cls): validator(cls) for cls in EVENT_TYPES}


def test_events_doc_is_what_the_generator_writes() -> None:
    written = (ROOT / EVENTS_DOC).read_text(encoding="utf-8")
    assert written == render(), f"docs/events.md is stale: run `{REGENERATE}`"


def test_domain_doc_command_table_is_what_the_generator_writes() -> None:
    written = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    assert written == commands.replace_table(written), (
        f"The command table of docs/domain.md is stale: run `{REGENERATE}`"
    )


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=lambda cls: cls.__name__)
def test_every_event_type_says_what_it_means(cls: type[Event]) -> None:
    assert meaning(cls) != ""


def test_every_event_type_belongs_to_a_record_the_domain_doc_lists() -> None:
    domain = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    section = domain.split("## The records", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| \*\*(\w+)\*\* \|", section, re.M))
    assert listed == {record_of(cls) for cls in EVENT_TYPES}


def test_every_schema_is_a_valid_draft_2020_12_schema() -> None:
    for cls in EVENT_TYPES:
        Draft202012Validator.check_schema(event_schema(cls, get_topic(cls)))


def test_compact_json_is_the_same_json() -> None:
    schemas = [event_schema(cls, get_topic(cls)) for cls in EVENT_TYPES]
    assert [json.loads(compact_json(schema)) for schema in schemas] == schemas


@pytest.fixture(scope="module")
def demo_rows(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[str, bytes]]]:
    """Every stored event of the demo school, written by ``senad-ap demo`` on SQLite without
    a cipher (the folder the integration tests share, when they run too)."""
    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent
    demo = shared_demo_folder(run_folder / "shared-demo")
    with sqlite3.connect(demo.folder / STORE_FILE) as connection:
        yield connection.execute("SELECT topic, state FROM stored_events").fetchall()


def test_every_stored_event_of_the_demo_school_fits_its_schema(
    demo_rows: list[tuple[str, bytes]],
) -> None:
    misfits = [
        (topic, error.json_path, error.message)
        for topic, state in demo_rows
        for error in VALIDATORS[topic].iter_errors(json.loads(state))
    ]
    assert len(demo_rows) > 1000
    assert misfits[:5] == []


def test_a_schema_refuses_an_unknown_enum_value(demo_rows: list[tuple[str, bytes]]) -> None:
    topic, state = next(row for row in demo_rows if row[0].endswith(":AttendanceRecorded"))
    data = json.loads(state)
    data["code"] = "not a code"
    errors = list(VALIDATORS[topic].iter_errors(data))
    assert [error.json_path for error in errors] == ["$.code"]


def test_a_schema_refuses_personal_text_that_is_not_sealed(
    demo_rows: list[tuple[str, bytes]],
) -> None:
    topic, state = next(row for row in demo_rows if row[0].endswith(":StudentRecorded"))
    data = json.loads(state)
    data["name"] = "Alex Example"
    assert not VALIDATORS[topic].is_valid(data)


def _fake_seal(text: str) -> str:
    """Sealed text's shape (``application.personal``), for values the application would
    seal before storing them."""
    return "⟦pd2:" + "0" * 32 + ":c2VhbGVk⟧"


_MAPPER = TypedMapper(transcoder=JSONBytes())


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=lambda cls: cls.__name__)
def test_any_event_of_each_type_fits_its_schema(cls: type[Event]) -> None:
    # The demo writes most event types, not all: any value of each type, as the mapper stores
    # it once its personal values are sealed, fits too.
    check = VALIDATORS[get_topic(cls)]

    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_type(cls))
    def fits(event: Any) -> None:
        try:
            stored = _MAPPER.to_stored_event(map_personal(event, _fake_seal))
        except decimal.InvalidOperation:
            reject()  # a signalling NaN among the policy's numbers: not a value a store holds
        data = json.loads(stored.state)
        assert [error.message for error in check.iter_errors(data)] == []

    fits()


def test_every_public_method_is_a_command_or_named_as_not_one() -> None:
    methods = set(commands.public_methods())
    assert methods - set(commands.RECORDS) - commands.NOT_COMMANDS == set()
    assert set(commands.RECORDS) & commands.NOT_COMMANDS == set()
    assert set(commands.RECORDS) <= methods


def test_every_event_type_the_command_table_names_exists() -> None:
    named = {event for events in commands.RECORDS.values() for event in events}
    assert named - EVENT_NAMES == set()
    assert set(commands.ALSO_RECORDED) - EVENT_NAMES == set()


def test_every_event_type_is_recorded_by_some_command() -> None:
    named = {event for events in commands.RECORDS.values() for event in events}
    assert EVENT_NAMES - named - set(commands.ALSO_RECORDED) == set()


@pytest.mark.parametrize("name", commands.command_methods())
def test_every_command_says_what_it_does(name: str) -> None:
    assert commands.first_sentence(commands.public_methods()[name]) != ""


def test_readme_points_to_the_events_doc() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/events.md" in readme


def _domain_event_rows() -> list[tuple[set[str], str]]:
    """Each row of docs/domain.md's hand-written table of events: the event types it names
    and its "evidence for" cell."""
    domain = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    section = domain.split("\n## Events\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            rows.append((set(re.findall(r"`(\w+)`", cells[0])) & EVENT_NAMES, cells[-1]))
    return rows


def test_domain_doc_events_table_names_every_event_type() -> None:
    named = {name for names, _ in _domain_event_rows() for name in names}
    assert EVENT_NAMES - named == set()


def test_domain_doc_events_table_gives_every_rule_each_event_is_evidence_for() -> None:
    by_name = {cls.__name__: cls for cls in EVENT_TYPES}
    missing = {
        name: set(by_name[name].evidence_for) - rule_ids_in(evidence)
        for names, evidence in _domain_event_rows()
        if evidence != "as above"
        for name in names
    }
    assert {name: rules for name, rules in missing.items() if rules} == {}
