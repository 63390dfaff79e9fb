"""Erasure (crypto-shredding, STAT-7) over random valid histories: once a student is forgotten,
nothing the record shows holds any of their personal values, and the record still verifies.

Each example records one or two interleaved valid histories (``histories.scenarios``) on an
in-memory application, catches its projections up, moves the clock far beyond every retention
period, forgets one of the students, and catches the same projections up again. It then reads
everything a school or an inspector can read: each placement (``get_placement``), its history
(``placement_history``), each student (``get_student``), the rows of every projection
(``stored_rows``) and the export.

Drawn text is arbitrary, so one of the student's personal texts may also be, say, a location,
another student's note, or a piece of a rule's wording. To tell those apart from a leak, the
same scenario is recorded a second time with each of the student's personal texts replaced by
a marker of its own (and their date of birth moved a day): whatever the second record shows is
shown regardless of the student's personal values, so a text counts as leaked only if the
first record shows it and the second does not. The markers themselves must not show at all.
Texts shorter than 4 characters are not checked (they occur by chance in ids and times).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from senad_ap import AlternativeProvision
from senad_ap.domain.base import Command
from senad_ap.domain.personal import map_personal, with_fields
from senad_ap.domain.placement import OpenPlacement, PlacementCommand
from senad_ap.domain.staff import staff_fields
from senad_ap.domain.student import student_record_id
from senad_ap.domain.values import Actor, Role
from senad_ap.projections import (
    Projections,
    attendance,
    audit,
    compliance,
    providers,
    register,
    students,
)
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import HISTORY_NOW, FixedClock
from tests.properties.histories import Scenario, scenarios

# Each example records its scenario twice and reads everything after the erasure.
erasure_settings = settings(max_examples=20, deadline=None)

#: The clock before the first command (as ``histories.run``).
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: When the student is forgotten: every retention of a history before ``HISTORY_NOW`` has
#: ended (at the latest 31 years after the last entry).
FORGET_AT = datetime(2070, 1, 1, 12, tzinfo=UTC)
#: Hashes and digests are made over sealed values, which differ from one record to another.
_HASHES = frozenset({"chain_hash", "command_digest", "fingerprint"})
_SHORTEST = 4

Student = tuple[str, str]  # (school id, student reference)


@attrs.frozen
class Chosen:
    """A scenario and the student it forgets."""

    scenario: Scenario
    student: Student

    def placement_ids(self) -> set[UUID]:
        return {
            c.placement_id
            for c in self.scenario.commands
            if isinstance(c, OpenPlacement) and _student_of(c) == self.student
        }


def _student_of(command: OpenPlacement) -> Student:
    return (command.actor.school_id, command.student_reference)


@st.composite
def chosen(draw: st.DrawFn) -> Chosen:
    scenario = draw(scenarios(max_histories=2, max_school_days=4))
    opened = sorted({_student_of(c) for c in scenario.commands if isinstance(c, OpenPlacement)})
    return Chosen(scenario, draw(st.sampled_from(opened)))


def head_of(school_id: str) -> Actor:
    return Actor(id=f"head-of-{school_id}", role=Role.HEAD_TEACHER, school_id=school_id)


# --------------------------------------------------------------------------- recording
@attrs.define
class Recorded:
    """A scenario recorded on an in-memory application, with its projections caught up."""

    app: AlternativeProvision
    clock: FixedClock
    projections: Projections
    #: Each placement's school.
    schools: dict[UUID, str]

    def close(self) -> None:
        self.projections.close()
        self.app.close()


def record(commands: Iterable[Command], lags: Iterable[int]) -> Recorded:
    """As ``histories.run``: each command recorded at 09:00 on its effective day plus its lag
    (never back, never beyond ``HISTORY_NOW``); then the projections caught up."""
    clock = FixedClock(_EPOCH)
    app = AlternativeProvision.in_memory(clock=clock)
    schools: dict[UUID, str] = {}
    for command, lag in zip(commands, lags, strict=True):
        when = datetime.combine(command.effective_on, time(9), tzinfo=UTC) + timedelta(hours=lag)
        clock.now = min(max(clock.now, when), HISTORY_NOW)
        app.execute(command)
        if isinstance(command, OpenPlacement):
            schools[command.placement_id] = command.actor.school_id
    projections = Projections(app)
    projections.catch_up()
    return Recorded(app, clock, projections, schools)


def forget(recorded: Recorded, student: Student) -> None:
    """Forget ``student`` long after retention ended; catch the same projections up."""
    school_id, reference = student
    recorded.clock.now = FORGET_AT
    recorded.app.forget_student(reference, actor=head_of(school_id))
    recorded.projections.catch_up()


T = TypeVar("T")


def students_own(value: T) -> T:
    """``value`` without the acting staff member's own personal values (an amender's name
    and position: sealed with their key, not the student's, so kept by the student's
    erasure; docs/personal-data.md)."""
    fields = staff_fields(type(value))
    return with_fields(value, dict.fromkeys(fields)) if fields else value


def personal_texts(recorded: Recorded, chosen: Chosen) -> set[str]:
    """Every personal value of the student, as the record reveals it before the erasure."""
    found: set[str] = set()

    def note(text: str) -> str:
        found.add(text)
        return text

    app = recorded.app
    school_id, reference = chosen.student
    for placement_id in chosen.placement_ids():
        for event in app.placement_history(placement_id, reader=head_of(school_id)):
            map_personal(students_own(event), note)
    for student_event in app.reveal(
        app.events_of(student_record_id(school_id, reference), reader=FULL_ACCESS)
    ):
        map_personal(student_event, note)
    return found


def with_markers(chosen: Chosen) -> tuple[list[Command], list[str]]:
    """The scenario's commands with each of the student's personal texts replaced by a marker
    of its own (the same text by the same marker, so the record makes the same decisions) and
    their date of birth a day earlier; and the markers."""
    markers: dict[str, str] = {}

    def mark(text: str) -> str:
        return markers.setdefault(text, f"«marker-{len(markers)}»")

    ids = chosen.placement_ids()
    commands: list[Command] = []
    for command in chosen.scenario.commands:
        if isinstance(command, OpenPlacement) and command.placement_id in ids:
            born = command.date_of_birth
            # The date is moved, not marked: it must stay a date.
            opening = map_personal(attrs.evolve(command, date_of_birth=None), mark)
            command = attrs.evolve(
                opening, date_of_birth=None if born is None else born - timedelta(days=1)
            )
        elif isinstance(command, PlacementCommand) and command.placement_id in ids:
            staff = {name: getattr(command, name) for name in staff_fields(type(command))}
            command = with_fields(map_personal(command, mark), staff)
        commands.append(command)
    return commands, list(markers.values())


# --------------------------------------------------------------------------- reading
def everything_shown(recorded: Recorded) -> str:
    """Every text a reader can get from the record and its read models, one a line."""
    app = recorded.app
    store = recorded.projections.store
    shown: list[object] = []
    for placement_id, school_id in sorted(recorded.schools.items()):
        reader = head_of(school_id)
        state = app.get_placement(placement_id, reader=reader)
        shown.append(state)
        shown.append(app.placement_history(placement_id, reader=reader))
        shown.append(app.get_student(state.student_reference, reader=reader))
    for module in (providers, register, attendance, audit, compliance, students):
        shown.append(module.stored_rows(store))
    shown.append(list(audit.export_lines(store, reader=FULL_ACCESS)))
    found: list[str] = []
    _collect(shown, found)
    return "\n".join(found)


def _collect(value: Any, found: list[str]) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        found.append(value)
        if value[:1] in ("{", "["):
            # JSON (an export line, a row's facts) escapes some characters: read it too.
            with contextlib.suppress(ValueError):
                _collect(json.loads(value), found)
    elif isinstance(value, int | float | Decimal | UUID):
        found.append(str(value))
    elif isinstance(value, date):  # and datetime
        found.append(value.isoformat())
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _collect(key, found)
            _collect(item, found)
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if field.name not in _HASHES:
                _collect(getattr(value, field.name), found)
    elif isinstance(value, Iterable):
        for item in value:
            _collect(item, found)
    else:
        found.append(str(getattr(value, "value", value)))


def _shown_after_forgetting(commands: Iterable[Command], chosen: Chosen) -> tuple[str, set[str]]:
    recorded = record(commands, chosen.scenario.lags)
    try:
        before = personal_texts(recorded, chosen)
        forget(recorded, chosen.student)
        return everything_shown(recorded), before
    finally:
        recorded.close()


# --------------------------------------------------------------------------- the properties
@erasure_settings
@given(chosen=chosen())
def test_nothing_shows_a_personal_value_of_a_forgotten_student(chosen: Chosen) -> None:
    shown, texts = _shown_after_forgetting(chosen.scenario.commands, chosen)
    twin_commands, markers = with_markers(chosen)
    shown_regardless, _ = _shown_after_forgetting(twin_commands, chosen)

    leaked = sorted(
        text
        for text in texts
        if len(text) >= _SHORTEST and text in shown and text not in shown_regardless
    )
    markers_shown = [marker for marker in markers if marker in shown_regardless]

    assert (leaked, markers_shown) == ([], [])


@erasure_settings
@given(chosen=chosen())
def test_the_record_still_verifies_after_a_student_is_forgotten(chosen: Chosen) -> None:
    recorded = record(chosen.scenario.commands, chosen.scenario.lags)
    try:
        forget(recorded, chosen.student)
        problems = recorded.app.verify().problems
    finally:
        recorded.close()

    assert problems == ()
