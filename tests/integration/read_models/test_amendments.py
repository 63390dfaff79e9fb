"""An amendment to an attendance entry, as the inspector sees it, on every store.

The School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208,
regulation 6) ask an amendment to show the original entry, the amended entry, the reason, the
date of the amendment and the name and position of the person who made it (STAT-2). The name
and position are the staff member's personal data: sealed at rest with a key of their own
(``senad_ap.domain.staff``), revealed on the way out, kept through the student's erasure, and
read ``[erased]`` once the staff member's own key is destroyed (docs/personal-data.md).
"""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import UUID

import pytest

from senad_ap import (
    AlternativeProvision,
    AttendanceCorrected,
    InvalidInputError,
    LifecycleError,
    Session,
)
from senad_ap.domain.personal import ERASED
from senad_ap.domain.staff import staff_record_id
from senad_ap.domain.student import student_record_id
from senad_ap.projections import AuditEntry, Projections
from senad_ap.projections import audit as audit_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import START, day, move_to
from tests.integration.scenario import (
    HEAD,
    SCHOOL,
    STAFF,
    notification_count,
    start_outside_placement,
    stored_notifications,
)

NAME = "Ngozi Quillfeather"
POSITION = "Attendance officer"
REASON = "Parent phoned: ill"
SESSION_DAY = day(1)
AMENDED_ON = day(8)
SEALED = "\u27e6pd2:"
#: Long after the student's retention ends (no date of birth: 31 years from the last entry).
AFTER_RETENTION = START + timedelta(days=40 * 366)


def _marked(app: AlternativeProvision, clock: FixedClock) -> UUID:
    """A started placement whose morning of ``SESSION_DAY`` was marked present that day."""
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, SESSION_DAY)
    app.record_attendance(placement_id, session=Session.AM, code="/", actor=STAFF)
    return placement_id


def _amend(
    app: AlternativeProvision, placement_id: UUID, *, name: str = NAME, position: str = POSITION
) -> None:
    app.correct_attendance(
        placement_id, session=Session.AM, code="I", reason=REASON, actor=STAFF,
        on=SESSION_DAY, amended_by_name=name, amended_by_position=position,
    )  # fmt: skip


@pytest.fixture
def amended(app: AlternativeProvision, clock: FixedClock) -> UUID:
    """The mark of ``SESSION_DAY`` amended a week later by ``NAME``, ``POSITION``."""
    placement_id = _marked(app, clock)
    move_to(clock, AMENDED_ON)
    _amend(app, placement_id)
    return placement_id


def _amendment(app: AlternativeProvision, placement_id: UUID) -> AttendanceCorrected:
    history = app.placement_history(placement_id, reader=HEAD)
    (event,) = [e for e in history if isinstance(e, AttendanceCorrected)]
    return event


def _stored_amendment(app: AlternativeProvision, placement_id: UUID) -> AttendanceCorrected:
    (event,) = [
        e
        for e in app.events_of(placement_id, reader=FULL_ACCESS)
        if isinstance(e, AttendanceCorrected)
    ]
    return event


def _entry(projections: Projections, placement_id: UUID) -> AuditEntry:
    projections.catch_up()
    (entry,) = audit_queries.entries(
        projections.store,
        placement_id=placement_id,
        event_type="AttendanceCorrected",
        reader=FULL_ACCESS,
    )
    return entry


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize("field", ["amended_by_name", "amended_by_position"])
def test_an_amendment_with_a_blank_name_or_position_is_refused_and_writes_nothing(
    app: AlternativeProvision, clock: FixedClock, field: str
) -> None:
    placement_id = _marked(app, clock)
    before = notification_count(app)

    with pytest.raises(InvalidInputError) as refusal:
        _amend(app, placement_id, **{field.removeprefix("amended_by_"): " "})

    assert (refusal.value.field, notification_count(app)) == (field, before)


# --------------------------------------------------------------------------- allowed


def test_the_amendment_shows_who_made_it_and_their_position(
    app: AlternativeProvision, amended: UUID
) -> None:
    event = _amendment(app, amended)

    assert (event.amended_by_name, event.amended_by_position) == (NAME, POSITION)


def test_the_amendment_keeps_the_original_and_the_amended_entry_and_the_reason(
    app: AlternativeProvision, amended: UUID
) -> None:
    event = _amendment(app, amended)

    assert (event.original_code.value, event.corrected_code.value, event.reason) == (
        "/",
        "I",
        REASON,
    )


def test_the_date_of_the_amendment_is_the_day_it_was_recorded_not_the_sessions_day(
    app: AlternativeProvision, amended: UUID
) -> None:
    event = _amendment(app, amended)

    assert (event.timestamp.date(), event.effective_on) == (AMENDED_ON, SESSION_DAY)


def test_the_history_names_the_amender_and_the_date_of_the_amendment(
    amended: UUID, projections: Projections
) -> None:
    description = _entry(projections, amended).description

    assert f'amended on {AMENDED_ON.isoformat()}, by "{NAME}", "{POSITION}"' in description


def test_the_export_carries_the_amenders_name_and_position(
    amended: UUID, projections: Projections
) -> None:
    projections.catch_up()
    lines = [
        json.loads(line)
        for line in audit_queries.export_lines(projections.store, reader=FULL_ACCESS)
    ]
    (facts,) = [e["facts"] for e in lines if e["event_type"] == "AttendanceCorrected"]

    assert (facts["amended_by_name"], facts["amended_by_position"]) == (NAME, POSITION)


# --------------------------------------------------------------------------- sealed at rest


def test_no_stored_event_holds_the_amenders_name_or_position_in_clear(
    app: AlternativeProvision, amended: UUID
) -> None:
    stored = b"".join(bytes(n.state) for n in stored_notifications(app))

    assert (NAME.encode() in stored, POSITION.encode() in stored) == (False, False)


def test_the_name_is_sealed_with_the_staff_members_key_and_the_reason_with_the_students(
    app: AlternativeProvision, amended: UUID
) -> None:
    event = _stored_amendment(app, amended)
    student_id = student_record_id(SCHOOL, "STU-0042")

    assert (event.amended_by_name or "")[: len(SEALED) + 32] == (
        SEALED + staff_record_id(STAFF).hex
    )
    assert event.reason[: len(SEALED) + 32] == SEALED + student_id.hex


def test_the_audit_trail_row_holds_the_name_sealed(amended: UUID, projections: Projections) -> None:
    projections.catch_up()
    rows = projections.store.sealed_rows(
        "SELECT description, facts FROM audit_trail WHERE event_type = 'AttendanceCorrected'"
    )

    assert [NAME in row["description"] + row["facts"] for row in rows] == [False]


# --------------------------------------------------------------------------- erasure


def test_after_the_students_erasure_the_amender_still_reads_and_the_reason_is_erased(
    app: AlternativeProvision, clock: FixedClock, amended: UUID
) -> None:
    clock.now = clock.now.replace(year=AFTER_RETENTION.year)
    app.forget_student("STU-0042", actor=HEAD)

    event = _amendment(app, amended)

    assert (event.amended_by_name, event.amended_by_position, event.reason) == (
        NAME,
        POSITION,
        ERASED,
    )


def _forget_staff_member(app: AlternativeProvision, clock: FixedClock) -> None:
    """What an erasure of the staff member's data does, if one is ever needed: destroy the
    key of their own (no command for it yet: it would need their last amendment's day)."""
    app.personal.destroy(staff_record_id(STAFF), clock.now)


def test_after_an_erasure_of_the_staff_members_data_their_name_and_position_read_erased(
    app: AlternativeProvision, clock: FixedClock, amended: UUID
) -> None:
    _forget_staff_member(app, clock)

    event = _amendment(app, amended)

    assert (event.amended_by_name, event.amended_by_position, event.reason) == (
        ERASED,
        ERASED,
        REASON,
    )


def test_the_history_shows_erased_where_the_staff_members_name_was(
    app: AlternativeProvision, clock: FixedClock, amended: UUID, projections: Projections
) -> None:
    projections.catch_up()
    _forget_staff_member(app, clock)

    description = _entry(projections, amended).description

    assert (NAME in description, f'by "{ERASED}", "{ERASED}"' in description) == (False, True)


def test_an_amendment_in_the_name_of_a_staff_member_whose_data_was_erased_is_refused(
    app: AlternativeProvision, clock: FixedClock, amended: UUID
) -> None:
    _forget_staff_member(app, clock)
    before = notification_count(app)

    with pytest.raises(LifecycleError) as refusal:
        _amend(app, amended, position="Deputy head")

    assert (refusal.value.rule_id, notification_count(app)) == ("STAT-7", before)


def test_an_amendment_refused_for_another_reason_keeps_no_new_staff_key(
    app: AlternativeProvision, clock: FixedClock
) -> None:
    placement_id = _marked(app, clock)

    with pytest.raises(InvalidInputError):
        app.correct_attendance(
            placement_id, session=Session.PM, code="I", reason=REASON, actor=STAFF,
            on=SESSION_DAY, amended_by_name=NAME, amended_by_position=POSITION,
        )  # fmt: skip

    assert app.personal.key_of(staff_record_id(STAFF)) is None
