"""Every event type, and every kind of snapshot, comes back from a SQLite file unchanged.

Events are saved through the application's own event store on a real SQLite file and read
back by a second application opened on the same file, the way another process would. "Unchanged"
is checked on the values and on their exact types: a tuple must not come back as a list, a
Decimal keeps its digits and exponent, an enum stays an enum, a date stays a date (not a
datetime), a nested Plan stays a Plan.
"""

from __future__ import annotations

import contextlib
import enum
import types
import typing
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock
from uuid import UUID

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from senad_ap import (
    Actor,
    AlternativeProvision,
    ObjectiveProgress,
    PlacementState,
    Plan,
    PolicyParameters,
    PolicyState,
    ProviderState,
    Role,
    SchoolState,
    StudentState,
)
from senad_ap.application.codec import Snapshot
from senad_ap.domain.base import Command, Event
from senad_ap.domain.placement import PlacementCommand
from senad_ap.domain.provider import ProviderCommand
from senad_ap.domain.school import AppointDelegate, GrantInspectorAccess, school_aggregate_id
from senad_ap.testing import (
    HISTORY_NOW,
    actors,
    clock_at,
    objective_progress,
    plans,
    provider_commands,
    valid_histories,
)

SCHOOL = "712E"
HEAD = Actor(id="head-712E", role=Role.HEAD_TEACHER, school_id=SCHOOL)

EXPECTED_EVENT_TYPES = {
    # placement
    "PlacementOpened",
    "NeedsAssessed",
    "PlanAgreed",
    "PlanRevised",
    "ConsentGiven",
    "ConsentWithdrawn",
    "InformationShared",
    "MedicalExemptionRecorded",
    "PlacementStarted",
    "AttendanceRecorded",
    "AttendanceCorrected",
    "ProgressReviewed",
    "ReintegrationCriteriaAgreed",
    "ReintegrationAssessed",
    "ReintegrationSupportAgreed",
    "PlacementEnded",
    "LocationRationaleRecorded",
    # the student's facts, on each open placement
    "StudentEhcPlanIssued",
    "StudentEhcPlanCeased",
    "StudentLookedAfterStarted",
    "StudentLookedAfterEnded",
    "StudentRollStatusRecorded",
    "StudentSchoolAgeRecorded",
    "ProviderContacted",
    "LocalAuthorityNotified",
    # provider
    "ProviderRegistered",
    "ProviderRegistrationConfirmed",
    "ProviderRiskAssessed",
    "FullTimePupilAdmitted",
    "FullTimePupilLeft",
    "ProviderKindChanged",
    "ProviderAccreditationChanged",
    "ProviderSitesChanged",
    "ProviderStaffingRecorded",
    "ProviderRegistrationLapsed",
    "ProviderQualityAssured",
    # school
    "DelegateAppointed",
    "DelegationRevoked",
    "InspectorAccessGranted",
    "InspectorAccessRevoked",
    "TermRecorded",
    # the log's seals
    "LogSealed",
    # the policy's versions (POL-1)
    "PolicyVersionRecorded",
    # the student (personal data, erasure)
    "StudentRecorded",
    "StudentDetailsRecorded",
    "StudentPlacementOpened",
    "StudentForgotten",
    "PlacementRecordErased",
    # the running periods of the student's placements (one register per pupil, STAT-1)
    "PlacementRunStarted",
    "PlacementRunEnded",
    # the student's facts that change
    "EhcPlanIssued",
    "EhcPlanCeased",
    "LookedAfterStarted",
    "LookedAfterEnded",
    "RollStatusRecorded",
    "CompulsorySchoolAgeRecorded",
}


def concrete_event_types() -> list[type[Event]]:
    """Every event class of the library, found by walking ``Event``'s subclasses.

    The direct subclasses (``PlacementEvent``, ``ProviderEvent``, ``SchoolEvent``) are the
    bases of each record's events, never recorded themselves. Classes from outside the
    library (a test's own event, say) are left out.
    """
    bases = set(Event.__subclasses__())
    found: set[type[Event]] = set()
    waiting = list(bases)
    while waiting:
        cls = waiting.pop()
        for subclass in cls.__subclasses__():
            if subclass.__module__.startswith("senad_ap.") and subclass not in found:
                found.add(subclass)
                waiting.append(subclass)
    return sorted(found, key=lambda cls: cls.__name__)


EVENT_TYPES = concrete_event_types()


# --------------------------------------------------------------------------- exact shapes
def shape(value: object) -> object:
    """``value`` as nested tuples that name every type, so that equal shapes mean equal
    values of the same types all the way down (``(1,) == [1]`` is already False in Python,
    but ``Decimal("6.5") == Decimal("6.50")`` is True and ``MappingProxyType == dict`` too)."""
    kind = type(value).__qualname__
    value_type: Any = type(value)
    if attrs.has(value_type):
        names = [field.name for field in attrs.fields(value_type)]
        return (kind, tuple((name, shape(getattr(value, name))) for name in names))
    if isinstance(value, Decimal):
        return (kind, value.as_tuple())
    if isinstance(value, datetime):
        return (kind, value.isoformat(), value.utcoffset())
    if isinstance(value, enum.Enum):
        return (kind, value.name)
    if isinstance(value, tuple | list):
        return (kind, tuple(shape(item) for item in value))
    if isinstance(value, frozenset | set):
        return (kind, tuple(sorted(repr(shape(item)) for item in value)))
    if isinstance(value, Mapping):
        return (kind, tuple(sorted((repr(shape(k)), shape(v)) for k, v in value.items())))
    return (kind, value)


# --------------------------------------------------------------------------- any event
_TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=30)
_TIMESTAMPS = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from((UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5)))),
)
_DECIMALS = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99"), places=2, allow_nan=False
) | st.sampled_from((Decimal("32.5"), Decimal("32.50"), Decimal("1E+1"), Decimal("6")))
_KNOWN: dict[object, st.SearchStrategy[Any]] = {
    str: _TEXTS,
    datetime: _TIMESTAMPS,
    Decimal: _DECIMALS,
    int: st.integers(1, 10**9),
    Plan: plans(),
    Actor: actors(),
    ObjectiveProgress: objective_progress(),
    PolicyParameters: st.builds(
        PolicyParameters,
        version=_TEXTS,
        full_time_hours=_DECIMALS,
        max_hours_per_day=_DECIMALS,
        unregistered_full_time_pupils=st.integers(1, 10**9),
    ),
}


def values_of(hint: Any) -> st.SearchStrategy[Any]:
    """Values of a field's type: typed containers by hand, the rest from ``st.from_type``."""
    if hint in _KNOWN:
        return _KNOWN[hint]
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(values_of(argument) for argument in arguments))
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return st.lists(values_of(arguments[0]), max_size=3).map(tuple)
    return st.from_type(hint)


def events_of(event_type: type[Event]) -> st.SearchStrategy[Event]:
    hints = typing.get_type_hints(event_type)
    return st.builds(
        event_type,
        **{
            field.name: values_of(hints[field.name])
            for field in attrs.fields(event_type)
            if field.name != "originator_id"
        },
        originator_id=st.uuids(),
    )


# --------------------------------------------------------------------------- helpers
@contextlib.contextmanager
def sqlite_store(path: Path) -> Iterator[AlternativeProvision]:
    app = AlternativeProvision.sqlite(path, clock=clock_at(HISTORY_NOW))
    try:
        yield app
    finally:
        app.close()


def a_new_file(factory: pytest.TempPathFactory) -> Path:
    return factory.mktemp("round-trip") / "x.sqlite"


def aggregate_id(command: Command) -> UUID:
    if isinstance(command, PlacementCommand):
        return command.placement_id
    if isinstance(command, ProviderCommand):
        return command.provider_id  # type: ignore[attr-defined, no-any-return]
    return school_aggregate_id(command.actor.school_id)


# --------------------------------------------------------------------------- the tests
def test_the_event_types_found_are_every_event_the_library_records() -> None:
    actual = {cls.__name__ for cls in EVENT_TYPES}

    assert actual == EXPECTED_EVENT_TYPES


@pytest.mark.parametrize("event_type", EVENT_TYPES, ids=lambda cls: cls.__name__)
@settings(max_examples=30)
@given(data=st.data())
def test_each_event_type_comes_back_from_a_sqlite_file_unchanged(
    event_type: type[Event], data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    expected = data.draw(
        st.lists(events_of(event_type), min_size=1, max_size=3, unique_by=lambda e: e.originator_id)
    )
    path = a_new_file(tmp_path_factory)
    with sqlite_store(path) as app:
        app.save(*expected)

    with sqlite_store(path) as reopened:
        actual = [event for e in expected for event in reopened.events.get(e.originator_id)]

    assert actual == expected
    assert [shape(event) for event in actual] == [shape(event) for event in expected]


@given(history=valid_histories())
def test_every_event_of_a_valid_history_comes_back_from_a_sqlite_file_unchanged(
    history: list[Command], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = a_new_file(tmp_path_factory)
    with sqlite_store(path) as app, mock.patch.object(app, "save", wraps=app.save) as save:
        for command in history:
            app.execute(command)
    expected = [event for call in save.call_args_list for event in call.args]
    # Opening a placement also writes the student's record: every record saved, in order.
    records = list(dict.fromkeys(event.originator_id for event in expected))

    with sqlite_store(path) as reopened:
        actual = [event for record in records for event in reopened.events.get(record)]

    expected_in_record_order = sorted(
        expected, key=lambda e: (records.index(e.originator_id), e.originator_version)
    )
    assert actual == expected_in_record_order
    assert [shape(e) for e in actual] == [shape(e) for e in expected_in_record_order]


@given(data=st.data())
def test_snapshots_of_placements_providers_and_schools_come_back_unchanged(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    today = HISTORY_NOW.date()
    decisions: list[Command] = [
        AppointDelegate(actor=HEAD, effective_on=today, delegate_id="deputy-712E"),
        GrantInspectorAccess(
            actor=HEAD, effective_on=today, inspector_id="inspector-1", until=date(2026, 7, 1)
        ),
        *data.draw(provider_commands(actor=HEAD, on=today)),
        *data.draw(valid_histories(school_id=SCHOOL)),
    ]
    path = a_new_file(tmp_path_factory)
    with sqlite_store(path) as app:
        states: dict[
            UUID, PlacementState | ProviderState | SchoolState | StudentState | PolicyState
        ] = {}
        for command in decisions:
            state = app.execute(command)
            states[state.id] = state
        expected = [Snapshot.take(state) for state in states.values()]
        assert app.snapshots is not None
        app.snapshots.put(expected)

    with sqlite_store(path) as reopened:
        assert reopened.snapshots is not None
        actual = [
            snapshot for e in expected for snapshot in reopened.snapshots.get(e.originator_id)
        ]

    assert {type(s.state) for s in expected} == {PlacementState, ProviderState, SchoolState}
    assert actual == expected
    assert [shape(s) for s in actual] == [shape(s) for s in expected]
