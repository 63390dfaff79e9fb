"""The raw reads check their reader too (issue 14): ``events_of`` and ``state_at_version`` give
a record to an ``Actor`` only when ``get_placement``, ``get_provider``, ``get_school`` or
``get_student`` would (a provider's full-time roll cut to the reader's placements); seals hold
no personal data, so anyone reads them; ``FULL_ACCESS`` reads every record."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from senad_ap import AlternativeProvision, InvalidInputError, NotAuthorisedError
from senad_ap.domain.provider import FullTimePupilAdmitted, ProviderState
from senad_ap.domain.school import school_aggregate_id
from senad_ap.domain.seal import SEAL_RECORD_ID, SealState
from senad_ap.domain.student import student_record_id
from senad_ap.projections import FULL_ACCESS
from tests.integration import test_every_read_checked as every_read
from tests.integration.scenario import (
    HEAD,
    INSPECTOR,
    OPENED_ON,
    OTHER_HEAD,
    OTHER_SCHOOL_STAFF,
    SCHOOL,
    STAFF,
    TODAY,
    Scene,
    provider_staff,
    start_outside_placement,
)
from tests.integration.test_every_read_checked import Roll

#: The fixture of test_every_read_checked: an unregistered setting with one full-time pupil
#: of each of two schools.
roll = every_read.roll


@pytest.fixture
def scene(app: AlternativeProvision) -> Scene:
    return start_outside_placement(app)


# ----------------------------------------------------------------- events_of
def test_events_of_a_placement_are_refused_to_another_schools_staff(
    app: AlternativeProvision, scene: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        app.events_of(scene.placement.id, reader=OTHER_SCHOOL_STAFF)


def test_events_of_a_placement_are_all_there_for_its_schools_staff(
    app: AlternativeProvision, scene: Scene
) -> None:
    mine = app.events_of(scene.placement.id, reader=STAFF)

    assert mine == app.events_of(scene.placement.id, reader=FULL_ACCESS)


def test_events_of_a_placement_are_refused_to_an_inspector_without_a_grant(
    app: AlternativeProvision, scene: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        app.events_of(scene.placement.id, reader=INSPECTOR)


def test_events_of_a_placement_are_read_by_an_inspector_with_a_grant(
    app: AlternativeProvision, scene: Scene
) -> None:
    app.grant_inspector_access(INSPECTOR.id, until=TODAY + timedelta(days=30), actor=HEAD)

    assert len(app.events_of(scene.placement.id, reader=INSPECTOR)) == scene.placement.version


def test_events_of_a_provider_leave_out_another_schools_roll_entries(
    app: AlternativeProvision, roll: Roll
) -> None:
    events = app.events_of(roll.provider, reader=HEAD)

    admitted = [e.placement_id for e in events if isinstance(e, FullTimePupilAdmitted)]
    assert admitted == [roll.ours]


def test_events_of_a_provider_with_full_access_hold_the_whole_roll(
    app: AlternativeProvision, roll: Roll
) -> None:
    events = app.events_of(roll.provider, reader=FULL_ACCESS)

    admitted = {e.placement_id for e in events if isinstance(e, FullTimePupilAdmitted)}
    assert admitted == {roll.ours, roll.theirs}


def test_events_of_a_provider_are_refused_to_another_providers_staff(
    app: AlternativeProvision, scene: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        app.events_of(scene.provider.id, reader=provider_staff(uuid4()))


def test_events_of_a_student_are_refused_to_another_schools_staff(
    app: AlternativeProvision, scene: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        app.events_of(student_record_id(SCHOOL, "STU-0042"), reader=OTHER_SCHOOL_STAFF)


def test_events_of_no_record_are_none_for_any_reader(app: AlternativeProvision) -> None:
    assert app.events_of(uuid4(), reader=OTHER_SCHOOL_STAFF) == ()


# ----------------------------------------------------------------- state_at_version
def test_a_placement_at_a_version_is_refused_to_another_schools_staff(
    app: AlternativeProvision, scene: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        app.state_at_version(scene.placement.id, 1, reader=OTHER_SCHOOL_STAFF)


def test_a_placement_at_a_version_is_read_by_staff_at_its_provider(
    app: AlternativeProvision, scene: Scene
) -> None:
    tutor = provider_staff(scene.provider.id)

    state = app.state_at_version(scene.placement.id, 1, reader=tutor)

    assert (state.id, state.version) == (scene.placement.id, 1)


def test_a_schools_record_at_a_version_is_refused_to_another_schools_staff(
    app: AlternativeProvision,
) -> None:
    app.appoint_delegate(STAFF.id, actor=HEAD, on=OPENED_ON)

    with pytest.raises(NotAuthorisedError):
        app.state_at_version(school_aggregate_id(SCHOOL), 1, reader=OTHER_SCHOOL_STAFF)


def test_a_providers_roll_at_a_version_is_cut_to_the_readers_placements(
    app: AlternativeProvision, roll: Roll
) -> None:
    latest = len(app.events_of(roll.provider, reader=FULL_ACCESS))

    state = app.state_at_version(roll.provider, latest, reader=OTHER_HEAD)

    assert isinstance(state, ProviderState)
    assert state.full_time_pupils == {roll.theirs}


def test_a_seal_is_read_by_anyone(app: AlternativeProvision, scene: Scene) -> None:
    app.seal(actor=HEAD)

    state = app.state_at_version(SEAL_RECORD_ID, 1, reader=INSPECTOR)

    assert isinstance(state, SealState)


def test_a_record_at_a_version_with_full_access_is_any_schools(
    app: AlternativeProvision, scene: Scene
) -> None:
    state = app.state_at_version(scene.placement.id, 1, reader=FULL_ACCESS)

    assert state.id == scene.placement.id


def test_a_version_that_does_not_exist_is_refused_before_it_is_looked_for(
    app: AlternativeProvision, scene: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        app.state_at_version(scene.placement.id, 10_000, reader=OTHER_SCHOOL_STAFF)


def test_events_of_refuse_a_reader_that_is_not_an_actor(app: AlternativeProvision) -> None:
    with pytest.raises(InvalidInputError):
        app.events_of(uuid4(), reader="head-712E")  # type: ignore[arg-type]
