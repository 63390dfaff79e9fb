"""The read models' query functions check their reader (issue 14): a school's staff read their
own school's rows, naming another school is refused, inspectors and provider staff read
through the application; ``as_at.placement_as_at`` checks its reader as ``get_placement``
does; ``FULL_ACCESS`` (the operator) reads every school's rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from senad_ap import AlternativeProvision, NotAuthorisedError, Reason, Setting
from senad_ap.projections import FULL_ACCESS, AsAt, Projections, Sense, compliance, register
from senad_ap.projections import as_at as as_at_queries
from tests.integration.projection_scenes import START
from tests.integration.scenario import (
    HEAD,
    INSPECTOR,
    OTHER_SCHOOL_STAFF,
    SCHOOL,
    STAFF,
    TODAY,
    Scene,
    provider_staff,
    start_outside_placement,
)


@pytest.fixture
def two_schools(app: AlternativeProvision, projections: Projections) -> Scene:
    """A placement of each of two schools, projected."""
    scene = start_outside_placement(app)
    app.open_placement(
        student_reference="STU-9001", reason=Reason.BEHAVIOUR, setting=Setting.ON_SITE,
        location="The Annexe", residential=False, actor=OTHER_SCHOOL_STAFF, on=START,
    )  # fmt: skip
    projections.catch_up()
    return scene


# ----------------------------------------------------------------- register.placements
def test_register_keeps_to_the_readers_school(projections: Projections, two_schools: Scene) -> None:
    rows = register.placements(projections.store, reader=STAFF)

    assert [row.school_id for row in rows] == [SCHOOL]


def test_register_refuses_a_reader_who_names_another_school(
    projections: Projections, two_schools: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        register.placements(projections.store, reader=STAFF, school_id="900A")


def test_register_refuses_an_inspector(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        register.placements(projections.store, reader=INSPECTOR)


def test_register_refuses_provider_staff(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        register.placements(projections.store, reader=provider_staff(two_schools.provider.id))


def test_register_with_full_access_lists_every_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = register.placements(projections.store, reader=FULL_ACCESS)

    assert sorted(row.school_id for row in rows) == [SCHOOL, "900A"]


# ----------------------------------------------------------------- compliance.open_findings
def test_open_findings_keep_to_the_readers_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = compliance.open_findings(projections.store, on=TODAY, reader=OTHER_SCHOOL_STAFF)

    assert {row.school_id for row in rows} <= {"900A", ""}  # '': the group's (POL-1)


def test_open_findings_refuse_a_reader_who_names_another_school(
    projections: Projections, two_schools: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        compliance.open_findings(projections.store, on=TODAY, reader=STAFF, school_id="900A")


# ----------------------------------------------------------------- as_at.placement_as_at
def test_placement_as_at_refuses_another_schools_staff(
    app: AlternativeProvision, two_schools: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        as_at_queries.placement_as_at(
            app, two_schools.placement.id, AsAt(Sense.KNOWN_ON, TODAY), reader=OTHER_SCHOOL_STAFF
        )


def test_placement_as_at_refuses_an_inspector_without_a_grant(
    app: AlternativeProvision, two_schools: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        as_at_queries.placement_as_at(
            app, two_schools.placement.id, AsAt(Sense.KNOWN_ON, TODAY), reader=INSPECTOR
        )


def test_placement_as_at_shows_an_inspector_with_a_grant_what_the_head_sees(
    app: AlternativeProvision, two_schools: Scene
) -> None:
    app.grant_inspector_access(INSPECTOR.id, until=TODAY + timedelta(days=30), actor=HEAD)
    as_at = AsAt(Sense.IN_EFFECT_ON, TODAY)

    seen = as_at_queries.placement_as_at(app, two_schools.placement.id, as_at, reader=INSPECTOR)

    assert seen == as_at_queries.placement_as_at(app, two_schools.placement.id, as_at, reader=HEAD)


def test_register_as_at_keeps_to_the_readers_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = as_at_queries.register_as_at(projections, AsAt(Sense.KNOWN_ON, TODAY), reader=STAFF)

    assert [row.school_id for row in rows] == [SCHOOL]


def test_findings_as_at_refuse_an_inspector(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        as_at_queries.findings_as_at(projections, AsAt(Sense.KNOWN_ON, TODAY), reader=INSPECTOR)
