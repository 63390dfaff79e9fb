"""The rest of the read models' query functions check their reader too (issue 14): attendance,
the audit trail and its export, providers, retention, pupil attendance, the findings as known
on a day and a placement's finding history. A school's staff read their own school's rows
(naming another school is refused; another school's placement reads as nothing), inspectors
and provider staff are refused, ``FULL_ACCESS`` reads every school's rows."""

from __future__ import annotations

import json
from uuid import UUID

import pytest

from senad_ap import AlternativeProvision, NotAuthorisedError, Reason, Setting
from senad_ap.domain.values import PolicyParameters
from senad_ap.projections import (
    FULL_ACCESS,
    Projections,
    Reader,
    attendance,
    audit,
    compliance,
    providers,
    students,
)
from senad_ap.projections import pupil_attendance as pupils
from senad_ap.projections.pupil_attendance import Pupil
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import START, day, mark_day, move_to
from tests.integration.scenario import (
    HEAD,
    INSPECTOR,
    OTHER_HEAD,
    OTHER_SCHOOL_STAFF,
    SCHOOL,
    STAFF,
    Scene,
    provider_staff,
    start_outside_placement,
)
from tests.integration.test_every_read_checked import started_there, unregistered_setting

OTHER = OTHER_SCHOOL_STAFF.school_id
POLICY = PolicyParameters()
PUPIL = Pupil(SCHOOL, "STU-0042")
OTHER_PUPIL = Pupil(OTHER, "STU-9001")


@pytest.fixture
def two_schools(app: AlternativeProvision, projections: Projections, clock: FixedClock) -> Scene:
    """A started placement of school 712E with a day's marks, and one opened by school 900A,
    projected."""
    scene = start_outside_placement(app)
    app.open_placement(
        student_reference=OTHER_PUPIL.student_reference, reason=Reason.BEHAVIOUR,
        setting=Setting.ON_SITE, location="The Annexe", residential=False,
        actor=OTHER_SCHOOL_STAFF, on=START,
    )  # fmt: skip
    mark_day(app, scene.placement.id, day(0))
    move_to(clock, day(7))
    projections.catch_up()
    return scene


def _placement(scene: Scene) -> UUID:
    return scene.placement.id


# ----------------------------------------------------------------- attendance
def test_attendance_by_week_shows_the_readers_own_placement(
    projections: Projections, two_schools: Scene
) -> None:
    weeks = attendance.by_week(projections.store, _placement(two_schools), reader=STAFF)

    assert [w.sessions_recorded for w in weeks] == [2]


def test_attendance_by_week_shows_nothing_of_another_schools_placement(
    projections: Projections, two_schools: Scene
) -> None:
    weeks = attendance.by_week(
        projections.store, _placement(two_schools), reader=OTHER_SCHOOL_STAFF
    )

    assert weeks == []


def test_attendance_by_term_shows_nothing_of_another_schools_placement(
    projections: Projections, two_schools: Scene
) -> None:
    mine = attendance.by_term(projections.store, _placement(two_schools), reader=STAFF)
    theirs = attendance.by_term(
        projections.store, _placement(two_schools), reader=OTHER_SCHOOL_STAFF
    )

    assert (len(mine), theirs) == (1, [])


def test_attendance_total_is_none_for_another_schools_placement(
    projections: Projections, two_schools: Scene
) -> None:
    assert (
        attendance.total(projections.store, _placement(two_schools), reader=OTHER_SCHOOL_STAFF)
        is None
    )


def test_attendance_total_with_full_access_reads_any_placement(
    projections: Projections, two_schools: Scene
) -> None:
    whole = attendance.total(projections.store, _placement(two_schools), reader=FULL_ACCESS)

    assert whole is not None
    assert whole.sessions_recorded == 2


def test_attendance_refuses_an_inspector(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        attendance.by_week(projections.store, _placement(two_schools), reader=INSPECTOR)


def test_attendance_refuses_provider_staff(projections: Projections, two_schools: Scene) -> None:
    tutor = provider_staff(two_schools.provider.id)

    with pytest.raises(NotAuthorisedError):
        attendance.total(projections.store, _placement(two_schools), reader=tutor)


# ----------------------------------------------------------------- audit trail
def test_audit_entries_keep_to_the_readers_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = audit.entries(projections.store, reader=OTHER_SCHOOL_STAFF)

    assert {row.school_id for row in rows} == {OTHER}


def test_audit_entries_refuse_a_reader_who_names_another_school(
    projections: Projections, two_schools: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        audit.entries(projections.store, reader=STAFF, school_id=OTHER)


def test_audit_entries_refuse_an_inspector(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        audit.entries(projections.store, reader=INSPECTOR)


def test_audit_entries_with_full_access_hold_every_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = audit.entries(projections.store, reader=FULL_ACCESS)

    assert {SCHOOL, OTHER} <= {row.school_id for row in rows}


def test_audit_export_for_a_school_holds_only_its_rows(
    projections: Projections, two_schools: Scene
) -> None:
    lines = [
        json.loads(line) for line in audit.export_lines(projections.store, reader=STAFF, batch=3)
    ]

    assert (len(lines) > 3, {line["school_id"] for line in lines}) == (True, {SCHOOL})


def test_audit_export_with_full_access_is_the_whole_trail(
    projections: Projections, two_schools: Scene
) -> None:
    exported = list(audit.export_lines(projections.store, reader=FULL_ACCESS, batch=3))

    assert len(exported) == len(audit.entries(projections.store, reader=FULL_ACCESS))


def test_audit_export_refuses_provider_staff(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        list(audit.export_lines(projections.store, reader=provider_staff(two_schools.provider.id)))


def test_audit_entries_give_a_full_time_roll_entry_to_the_placements_school(
    app: AlternativeProvision, projections: Projections
) -> None:
    provider = unregistered_setting(app)  # registered by school 712E
    started_there(app, provider, STAFF, HEAD)
    started_there(app, provider, OTHER_SCHOOL_STAFF, OTHER_HEAD)
    projections.catch_up()

    def admitted(reader: Reader) -> list[str]:
        rows = audit.entries(projections.store, reader=reader, event_type="FullTimePupilAdmitted")
        return [str(row.school_id) for row in rows]

    assert (admitted(STAFF), sorted(admitted(FULL_ACCESS))) == ([SCHOOL], [SCHOOL, OTHER])


# ----------------------------------------------------------------- providers
def test_providers_count_only_the_readers_schools_placements_there(
    projections: Projections, two_schools: Scene
) -> None:
    now = {
        row.provider_id: row.placements_now
        for row in providers.providers(projections.store, reader=OTHER_SCHOOL_STAFF)
    }

    assert now == {two_schools.provider.id: 0}


def test_providers_count_the_readers_own_placements_there(
    projections: Projections, two_schools: Scene
) -> None:
    now = {
        row.provider_id: row.placements_now
        for row in providers.providers(projections.store, reader=STAFF)
    }

    assert now == {two_schools.provider.id: 1}


def test_providers_with_full_access_count_every_schools_placements(
    projections: Projections, two_schools: Scene
) -> None:
    now = {
        row.provider_id: row.placements_now
        for row in providers.providers(projections.store, reader=FULL_ACCESS)
    }

    assert now == {two_schools.provider.id: 1}


def test_providers_refuse_an_inspector(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        providers.providers(projections.store, reader=INSPECTOR)


# ----------------------------------------------------------------- retention
def test_retention_keeps_to_the_readers_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = students.retention(projections.store, on=day(7), reader=STAFF, due_only=False)

    assert [row.school_id for row in rows] == [SCHOOL]


def test_retention_refuses_a_reader_who_names_another_school(
    projections: Projections, two_schools: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        students.retention(projections.store, on=day(7), reader=STAFF, school_id=OTHER)


def test_retention_with_full_access_lists_every_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = students.retention(projections.store, on=day(7), reader=FULL_ACCESS, due_only=False)

    assert sorted(row.school_id for row in rows) == [SCHOOL, OTHER]


def test_retention_refuses_an_inspector(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        students.retention(projections.store, on=day(7), reader=INSPECTOR)


# ----------------------------------------------------------------- pupil attendance
def test_pupil_sessions_read_the_readers_own_pupil(
    projections: Projections, two_schools: Scene
) -> None:
    assert len(pupils.sessions(projections.store, PUPIL, reader=STAFF)) == 2


def test_pupil_sessions_refuse_another_schools_pupil(
    projections: Projections, two_schools: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        pupils.sessions(projections.store, PUPIL, reader=OTHER_SCHOOL_STAFF)


def test_pupil_sessions_refuse_an_inspector(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        pupils.sessions(projections.store, PUPIL, reader=INSPECTOR)


def test_recorded_terms_refuse_another_schools_terms(
    projections: Projections, two_schools: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        pupils.recorded_terms(projections.store, SCHOOL, reader=OTHER_SCHOOL_STAFF)


def test_find_pupils_finds_none_at_another_school(
    projections: Projections, two_schools: Scene
) -> None:
    found = pupils.find_pupils(
        projections.store, PUPIL.student_reference, reader=OTHER_SCHOOL_STAFF
    )

    assert (
        found,
        pupils.find_pupils(projections.store, PUPIL.student_reference, reader=STAFF),
    ) == (
        [],
        [PUPIL],
    )


def test_pupil_totals_keep_to_the_readers_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = pupils.pupil_totals(projections.store, POLICY, reader=OTHER_SCHOOL_STAFF)

    assert [row.pupil for row in rows] == [OTHER_PUPIL]


def test_pupil_totals_with_full_access_list_every_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = pupils.pupil_totals(projections.store, POLICY, reader=FULL_ACCESS)

    assert sorted(row.pupil for row in rows) == sorted([PUPIL, OTHER_PUPIL])


def test_pupil_totals_refuse_provider_staff(projections: Projections, two_schools: Scene) -> None:
    tutor = provider_staff(two_schools.provider.id)

    with pytest.raises(NotAuthorisedError):
        pupils.pupil_totals(projections.store, POLICY, reader=tutor)


# ----------------------------------------------------------------- compliance
def test_findings_known_on_keep_to_the_readers_school(
    projections: Projections, two_schools: Scene
) -> None:
    rows = compliance.findings_known_on(
        projections.store, known_on=day(7), reader=OTHER_SCHOOL_STAFF
    )
    every = compliance.findings_known_on(projections.store, known_on=day(7), reader=FULL_ACCESS)

    assert ({r.school_id for r in rows} <= {OTHER, ""}, SCHOOL in {r.school_id for r in every}) == (
        True,
        True,
    )


def test_findings_known_on_refuse_a_reader_who_names_another_school(
    projections: Projections, two_schools: Scene
) -> None:
    with pytest.raises(NotAuthorisedError):
        compliance.findings_known_on(
            projections.store, known_on=day(7), reader=STAFF, school_id=OTHER
        )


def test_finding_history_shows_nothing_of_another_schools_placement(
    projections: Projections, two_schools: Scene
) -> None:
    mine = compliance.finding_history(projections.store, _placement(two_schools), reader=STAFF)
    theirs = compliance.finding_history(
        projections.store, _placement(two_schools), reader=OTHER_SCHOOL_STAFF
    )

    assert (mine != [], theirs) == (True, [])


def test_finding_history_refuses_an_inspector(projections: Projections, two_schools: Scene) -> None:
    with pytest.raises(NotAuthorisedError):
        compliance.finding_history(projections.store, _placement(two_schools), reader=INSPECTOR)
