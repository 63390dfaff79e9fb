"""A day's register across many placements: one transaction, all or nothing, retry-safe."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from senad_ap import (
    AlreadyRecordedError,
    AlternativeProvision,
    AttendanceCode,
    ConcurrentChangeError,
    InvalidInputError,
    NotFoundError,
    PolicyViolationError,
    RegisterMark,
    RegisterRefusedError,
    Session,
)
from tests.integration.conftest import Store
from tests.integration.scenario import (
    HEAD,
    OPENED_ON,
    STAFF,
    TODAY,
    notification_count,
    started_placements,
    stored_notifications,
    write_between_load_and_save,
)

CLASS_SIZE = 50
KEY = "register-2026-03-02"


def _full_day(placement_ids: list[UUID]) -> list[RegisterMark]:
    """AM and PM for every placement; letters and codes mixed, as a register screen sends."""
    marks: list[RegisterMark] = []
    for n, placement_id in enumerate(placement_ids):
        marks.append(
            RegisterMark(placement_id, Session.AM, "/" if n % 3 else AttendanceCode.ILLNESS)
        )
        marks.append(RegisterMark(placement_id, Session.PM, AttendanceCode.PRESENT_PM))
    return marks


@pytest.fixture
def placement_ids(app: AlternativeProvision) -> list[UUID]:
    return started_placements(app, CLASS_SIZE)


def test_register_records_every_mark(app: AlternativeProvision, placement_ids: list[UUID]) -> None:
    before = notification_count(app)

    app.record_register(_full_day(placement_ids), on=TODAY, actor=STAFF)

    assert notification_count(app) == before + 2 * CLASS_SIZE


def test_register_returns_the_new_state_of_each_placement_marked(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    states = app.record_register(_full_day(placement_ids), on=TODAY, actor=STAFF)

    expected = {pid: app.get_placement(pid, reader=HEAD) for pid in placement_ids}
    assert states == expected


def test_register_returns_the_states_a_fresh_load_gives(
    store: Store, placement_ids: list[UUID]
) -> None:
    states = store.open().record_register(_full_day(placement_ids), on=TODAY, actor=STAFF)

    fresh = store.open()
    assert {pid: fresh.get_placement(pid, reader=HEAD) for pid in placement_ids} == states


def test_register_records_each_code_given_as_a_letter_or_a_code(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    marks = _full_day(placement_ids[:3])

    states = app.record_register(marks, on=TODAY, actor=STAFF)

    recorded = [states[m.placement_id].mark(TODAY, Session(m.session)) for m in marks]
    assert [getattr(mark, "code", None) for mark in recorded] == [
        AttendanceCode.ILLNESS,
        AttendanceCode.PRESENT_PM,
        AttendanceCode.PRESENT_AM,
        AttendanceCode.PRESENT_PM,
        AttendanceCode.PRESENT_AM,
        AttendanceCode.PRESENT_PM,
    ]


def test_register_is_saved_in_one_transaction_all_marks_or_none(
    store: Store, monkeypatch: pytest.MonkeyPatch, placement_ids: list[UUID]
) -> None:
    # Another writer marks the last placement while the register is being decided, so the
    # register's save conflicts on its last record: in one transaction, no mark is saved.
    app, other = store.open(), store.open()
    last = placement_ids[-1]
    write_between_load_and_save(
        monkeypatch,
        app,
        last,
        lambda: other.record_attendance(
            last, session=Session.AM, code="/", actor=STAFF, on=OPENED_ON
        ),
    )
    before = notification_count(app)

    with pytest.raises(ConcurrentChangeError):
        app.record_register(_full_day(placement_ids), on=TODAY, actor=STAFF)

    assert notification_count(app) == before + 1  # only the other writer's mark


def test_register_sees_marks_another_instance_recorded_since_it_cached_the_placement(
    store: Store, placement_ids: list[UUID]
) -> None:
    # The register checks its cached placements against the store in one query; a placement
    # another instance (process) marked since must be loaded again, not decided on stale.
    app, other = store.open(), store.open()
    app.record_register(_full_day(placement_ids[:2]), on=OPENED_ON, actor=STAFF)
    other.record_attendance(placement_ids[0], session=Session.AM, code="/", actor=STAFF, on=TODAY)

    states = app.record_register(
        [
            RegisterMark(placement_ids[0], Session.PM, AttendanceCode.PRESENT_PM),
            *_full_day(placement_ids[1:2]),
        ],
        on=TODAY,
        actor=STAFF,
    )

    assert states[placement_ids[0]] == other.get_placement(placement_ids[0], reader=HEAD)
    assert states[placement_ids[0]].mark(TODAY, Session.AM) is not None


def test_register_refuses_a_mark_another_instance_recorded_since_it_cached_the_placement(
    store: Store, placement_ids: list[UUID]
) -> None:
    app, other = store.open(), store.open()
    app.record_register(_full_day(placement_ids[:1]), on=OPENED_ON, actor=STAFF)
    other.record_attendance(placement_ids[0], session=Session.AM, code="/", actor=STAFF, on=TODAY)

    with pytest.raises(RegisterRefusedError, match="already marked"):
        app.record_register(_full_day(placement_ids[:1]), on=TODAY, actor=STAFF)


def test_register_with_one_bad_mark_is_refused_listing_it(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    marks = _full_day(placement_ids)
    marks[37] = RegisterMark(marks[37].placement_id, marks[37].session, "H")

    with pytest.raises(RegisterRefusedError) as refused:
        app.record_register(marks, on=TODAY, actor=STAFF)

    listed = [(number, getattr(error, "rule_id", None)) for number, error in refused.value.refusals]
    assert listed == [(38, "STAT-1")]


def test_register_with_one_bad_mark_writes_nothing(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    marks = _full_day(placement_ids)
    marks[37] = RegisterMark(marks[37].placement_id, marks[37].session, "H")
    before = stored_notifications(app)

    with pytest.raises(RegisterRefusedError):
        app.record_register(marks, on=TODAY, actor=STAFF)

    assert stored_notifications(app) == before


def test_register_refusal_lists_every_bad_mark_with_its_error(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    marks = _full_day(placement_ids[:3])
    marks[1] = RegisterMark(placement_ids[0], Session.AM, "/")  # the same session twice
    marks.append(RegisterMark(uuid4(), Session.AM, "/"))  # no such placement
    marks.append(RegisterMark(placement_ids[2], Session.PM, "/"))  # '/' is the AM mark
    marks.append("not a mark")  # type: ignore[arg-type]

    with pytest.raises(RegisterRefusedError) as refused:
        app.record_register(marks, on=TODAY, actor=STAFF)

    listed = [(number, type(error)) for number, error in refused.value.refusals]
    assert listed == [
        (2, AlreadyRecordedError),
        (7, NotFoundError),
        (8, PolicyViolationError),
        (9, InvalidInputError),
    ]


def test_register_retried_with_the_same_key_records_nothing_twice(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    app.record_register(_full_day(placement_ids), on=TODAY, actor=STAFF, idempotency_key=KEY)
    after_first = stored_notifications(app)

    app.record_register(_full_day(placement_ids), on=TODAY, actor=STAFF, idempotency_key=KEY)

    assert stored_notifications(app) == after_first


def test_register_retried_with_the_same_key_returns_the_same_states(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    first = app.record_register(
        _full_day(placement_ids), on=TODAY, actor=STAFF, idempotency_key=KEY
    )

    again = app.record_register(
        _full_day(placement_ids), on=TODAY, actor=STAFF, idempotency_key=KEY
    )

    assert again == first


def test_register_retried_after_partial_marking_records_only_the_missing_marks(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    marks = _full_day(placement_ids)
    app.record_register(marks[:10], on=TODAY, actor=STAFF, idempotency_key=KEY)
    before = notification_count(app)

    app.record_register(marks, on=TODAY, actor=STAFF, idempotency_key=KEY)

    assert notification_count(app) == before + len(marks) - 10


def test_register_without_a_key_retried_is_refused_as_already_recorded(
    app: AlternativeProvision, placement_ids: list[UUID]
) -> None:
    marks = _full_day(placement_ids[:2])
    app.record_register(marks, on=TODAY, actor=STAFF)

    with pytest.raises(RegisterRefusedError) as refused:
        app.record_register(marks, on=TODAY, actor=STAFF)

    assert [number for number, _ in refused.value.refusals] == [1, 2, 3, 4]


def test_register_that_is_not_a_list_raises_invalid_input(app: AlternativeProvision) -> None:
    with pytest.raises(InvalidInputError):
        app.record_register("/\\", on=TODAY, actor=STAFF)  # type: ignore[arg-type]


def test_empty_register_records_nothing(app: AlternativeProvision) -> None:
    states = app.record_register([], on=TODAY, actor=STAFF)

    assert (states, notification_count(app)) == ({}, 0)
