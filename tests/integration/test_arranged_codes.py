"""Who arranged a placement and the codes that fit it (STAT-1), through the application on
each store: the arrangement given as text, a register that stays all or nothing when one mark
does not fit, and a mark's texts sealed in the store and revealed on the way out."""

from __future__ import annotations

from uuid import UUID

import pytest

from senad_ap import (
    AlternativeProvision,
    ArrangedBy,
    ArrangementPower,
    AttendanceRecorded,
    PolicyViolationError,
    Reason,
    RegisterMark,
    RegisterRefusedError,
    Session,
    Setting,
)
from senad_ap.projections.wording import describe
from tests.integration.scenario import (
    HEAD,
    STAFF,
    TODAY,
    notification_count,
    started_placements,
    stored_notifications,
)

ACTIVITY = "Bricklaying taster at the college"
SUPERVISOR = "College tutor authorised by the school"


@pytest.fixture
def placement_ids(app: AlternativeProvision) -> list[UUID]:
    return started_placements(app, 2)


def test_open_placement_takes_who_arranged_it_and_the_power_as_text(
    app: AlternativeProvision,
) -> None:
    placement = app.open_placement(
        student_reference="STU-0777", reason=Reason.MEDICAL, setting=Setting.ON_SITE,
        location="Hospital school room", residential=False, actor=STAFF, on=TODAY,
        arranged_by="the local authority", arranged_under="s.19 Education Act 1996",
    )  # fmt: skip

    assert (placement.arranged_by, placement.arranged_under) == (
        ArrangedBy.LOCAL_AUTHORITY,
        ArrangementPower.EDUCATION_ACT_1996_S19,
    )


def test_the_history_words_who_arranged_the_placement(app: AlternativeProvision) -> None:
    placement = app.open_placement(
        student_reference="STU-0778", reason=Reason.OTHER, setting=Setting.ON_SITE,
        location="Learning base", residential=False, actor=STAFF, on=TODAY,
        arranged_by="the local authority", arranged_under="s.61 Children and Families Act 2014",
    )  # fmt: skip

    (opened, *_) = app.placement_history(placement.id, reader=HEAD)

    assert "arranged by the local authority under s.61 Children and Families Act 2014" in (
        describe(opened)
    )


def test_a_register_with_a_mark_that_does_not_fit_records_nothing(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    before = notification_count(app)
    first, second = placement_ids

    with pytest.raises(RegisterRefusedError) as refused:
        app.record_register(
            [RegisterMark(first, Session.AM, "/"), RegisterMark(second, Session.AM, "K")],
            on=TODAY,
            actor=STAFF,
        )

    assert [(number, error.rule_id) for number, error in refused.value.refusals] == [(2, "STAT-1")]
    assert notification_count(app) == before


def test_a_register_records_a_b_mark_with_its_activity_and_supervisor(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    first, second = placement_ids

    app.record_register(
        [
            RegisterMark(first, Session.AM, "B", activity=ACTIVITY, supervised_by=SUPERVISOR),
            RegisterMark(second, Session.AM, "/"),
        ],
        on=TODAY,
        actor=STAFF,
    )

    last = app.placement_history(first, reader=HEAD)[-1]
    assert isinstance(last, AttendanceRecorded)
    assert (last.activity, last.supervised_by) == (ACTIVITY, SUPERVISOR)


def test_a_mark_s_texts_are_sealed_in_the_store(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    app.record_attendance(
        placement_ids[0], session=Session.AM, code="B", activity=ACTIVITY,
        supervised_by=SUPERVISOR, actor=STAFF, on=TODAY,
    )  # fmt: skip

    stored = b"".join(bytes(n.state) for n in stored_notifications(app))
    assert (ACTIVITY.encode() in stored, SUPERVISOR.encode() in stored) == (False, False)


def test_a_register_refuses_a_b_mark_without_who_supervises_it(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    with pytest.raises(RegisterRefusedError) as refused:
        app.record_register(
            [RegisterMark(placement_ids[0], Session.PM, "B", activity=ACTIVITY)],
            on=TODAY,
            actor=STAFF,
        )

    assert [error.rule_id for _, error in refused.value.refusals] == ["STAT-1"]


def test_a_correction_to_y7_without_its_cause_is_refused(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    app.record_attendance(placement_ids[0], session=Session.PM, code="N", actor=STAFF, on=TODAY)

    with pytest.raises(PolicyViolationError) as refused:
        app.correct_attendance(
            placement_ids[0], session=Session.PM, code="Y7", reason="Cause found",
            amended_by_name="Sam Okafor", amended_by_position="Attendance officer",
            actor=STAFF, on=TODAY,
        )  # fmt: skip

    assert refused.value.rule_id == "STAT-1"


def test_a_correction_to_y7_with_its_cause_is_recorded(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    app.record_attendance(placement_ids[0], session=Session.PM, code="N", actor=STAFF, on=TODAY)

    state = app.correct_attendance(
        placement_ids[0], session=Session.PM, code="Y7", reason="Cause found",
            amended_by_name="Sam Okafor", amended_by_position="Attendance officer",
        note="Flooded lane, no other route to school", actor=STAFF, on=TODAY,
    )  # fmt: skip

    mark = state.mark(TODAY, Session.PM)
    assert mark is not None
    assert mark.code.value == "Y7"
