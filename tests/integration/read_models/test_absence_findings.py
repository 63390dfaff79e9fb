"""Absence followed up, kept by the compliance projection on every store, in both senses of
"as at": an N left unresolved and a run of absence (COMM-6), the attendance return (NOTIFY-1)
and the sickness return (NOTIFY-2) due until ``record_local_authority_notification`` records
them. The placement starts on Monday 2 February 2026 (``day(0)``); no term is recorded, so
every weekday is a school day.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from senad_ap import AlternativeProvision, AttendanceCode, ProviderState, Session
from senad_ap.projections import Projections
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import (
    day,
    finding_history,
    findings_known_on,
    mark_day,
    move_to,
    open_findings,
    start_with_plan,
)
from tests.integration.scenario import STAFF, full_time_plan

ILL = AttendanceCode.ILLNESS
UNAUTHORISED = AttendanceCode.OTHER_UNAUTHORISED


@pytest.fixture
def running(app: AlternativeProvision, provider: ProviderState) -> UUID:
    return start_with_plan(app, full_time_plan(provider.id), provider=provider).id


def absent(
    app: AlternativeProvision, clock: FixedClock, placement_id: UUID, days: range, code: str
) -> None:
    """Both sessions of each weekday ``day(n)`` for ``n`` in ``days`` marked ``code``."""
    move_to(clock, day(days[-1]))
    for n in days:
        if day(n).weekday() < 5:
            mark_day(app, placement_id, day(n), am=code, pm=code)


def keyed(found: list[tuple[str, date]], prefix: str) -> list[tuple[str, date]]:
    return [(key, since) for key, since in found if key.startswith(prefix)]


def notify(app: AlternativeProvision, placement_id: UUID, kind: str, on: date) -> None:
    app.record_local_authority_notification(
        placement_id, kind=kind, reference="LA return 2026/14", actor=STAFF, on=on
    )


# --------------------------------------------------------------------------- an unresolved N
def test_an_n_left_five_school_days_opens_comm_6_the_day_after(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, running: UUID
) -> None:
    mark_day(app, running, day(0), am="N")

    found = open_findings(projections, "COMM-6", on=day(8))

    assert keyed(found, "unexplained") == [("unexplained 2026-02-02 AM", day(8))]


def test_an_n_corrected_late_stays_open_as_known_and_never_was_in_effect(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, running: UUID
) -> None:
    mark_day(app, running, day(0), am="N")
    move_to(clock, day(10))
    app.correct_attendance(
        running, session=Session.AM, code="I", reason="Mum phoned: ill",
        amended_by_name="Sam Okafor", amended_by_position="Attendance officer",
        actor=STAFF, on=day(0),
    )  # fmt: skip

    known = findings_known_on(projections, "COMM-6", known_on=day(9))
    in_effect = open_findings(projections, "COMM-6", on=day(9))

    assert (keyed(known, "unexplained"), keyed(in_effect, "unexplained")) == (
        [("unexplained 2026-02-02 AM", day(8))],
        [],
    )


# --------------------------------------------------------------------------- a run of absence
def test_a_run_of_absence_opens_comm_6_and_closes_when_the_student_is_back(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, running: UUID
) -> None:
    absent(app, clock, running, range(5), "I")
    move_to(clock, day(7))
    mark_day(app, running, day(7))

    history = finding_history(projections, running, "COMM-6")

    assert [h for h in history if h[0].startswith("absence")] == [
        ("absence from 2026-02-02", day(5), day(7))
    ]


# --------------------------------------------------------------------------- NOTIFY-1
def test_ten_school_days_absent_without_leave_opens_notify_1(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, running: UUID
) -> None:
    absent(app, clock, running, range(12), "O")

    assert open_findings(projections, "NOTIFY-1", on=day(12)) == [
        ("absence from 2026-02-02", day(12))
    ]


def test_an_attendance_return_closes_notify_1_on_the_day_it_was_made(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, running: UUID
) -> None:
    absent(app, clock, running, range(12), "O")
    move_to(clock, day(15))
    notify(app, running, "continuous absence without leave", day(15))

    assert finding_history(projections, running, "NOTIFY-1") == [
        ("absence from 2026-02-02", day(12), day(15))
    ]


def test_an_attendance_return_recorded_late_closes_notify_1_in_effect_not_as_known(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, running: UUID
) -> None:
    absent(app, clock, running, range(12), "O")
    move_to(clock, day(20))
    notify(app, running, "continuous absence without leave", day(13))

    known = findings_known_on(projections, "NOTIFY-1", known_on=day(14))
    in_effect = open_findings(projections, "NOTIFY-1", on=day(14))

    assert (known, in_effect) == ([("absence from 2026-02-02", day(12))], [])


# --------------------------------------------------------------------------- NOTIFY-2
def test_fifteen_school_days_of_illness_open_notify_2(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, running: UUID
) -> None:
    absent(app, clock, running, range(19), "I")

    assert open_findings(projections, "NOTIFY-2", on=day(19)) == [
        ("sickness from 2026-02-02", day(19))
    ]


def test_a_sickness_return_closes_notify_2(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, running: UUID
) -> None:
    absent(app, clock, running, range(19), "I")
    move_to(clock, day(21))
    notify(app, running, "sickness", day(21))

    assert finding_history(projections, running, "NOTIFY-2") == [
        ("sickness from 2026-02-02", day(19), day(21))
    ]


def test_a_return_is_on_the_placements_history_in_plain_words(
    app: AlternativeProvision, running: UUID
) -> None:
    notify(app, running, "sickness", day(0))

    last = app.placement_history(running, reader=STAFF)[-1]

    assert (type(last).__name__, getattr(last, "reference", None)) == (
        "LocalAuthorityNotified",
        "LA return 2026/14",
    )
