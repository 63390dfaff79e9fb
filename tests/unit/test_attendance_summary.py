"""Attendance counted from the codes' own meanings (STAT-1)."""

from __future__ import annotations

import doctest
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from senad_ap.domain import attendance_summary
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.attendance_summary import (
    AbsenceBand,
    AttendanceCounts,
    absence_band,
    count_marks,
    week_of,
)
from senad_ap.domain.placement import AttendanceMark
from senad_ap.domain.values import PolicyParameters
from senad_ap.testing import attendance_marks
from tests.unit.builders import A_SATURDAY, STARTS_ON


def marks_of(*letters: str) -> list[AttendanceMark]:
    """One mark per letter, on successive days, each in the session its code allows."""
    marks = []
    for version, letter in enumerate(letters, start=1):
        code = AttendanceCode(letter)
        session = code.meaning.only_session or Session.AM
        day = STARTS_ON + timedelta(days=version)
        marks.append(AttendanceMark(day, session, code, version))
    return marks


def test_no_marks_count_nothing() -> None:
    assert count_marks([]) == AttendanceCounts()


def test_every_mark_counts_as_a_session_recorded() -> None:
    assert count_marks(marks_of("/", "D", "#", "G")).sessions_recorded == 4


@pytest.mark.parametrize("letter", ["/", "\\", "L"])
def test_present_codes_count_as_possible_and_present(letter: str) -> None:
    expected = AttendanceCounts(sessions_recorded=1, possible=1, present=1)

    assert count_marks(marks_of(letter)) == expected


@pytest.mark.parametrize("letter", ["K", "V", "P", "W", "B"])
def test_approved_educational_activity_counts_as_present(letter: str) -> None:
    expected = AttendanceCounts(sessions_recorded=1, possible=1, present=1)

    assert count_marks(marks_of(letter)) == expected


@pytest.mark.parametrize("letter", ["I", "M", "C", "C2", "E", "R", "S", "T", "J1", "C1"])
def test_leave_of_absence_and_illness_count_as_authorised_absence(letter: str) -> None:
    expected = AttendanceCounts(sessions_recorded=1, possible=1, authorised_absence=1)

    assert count_marks(marks_of(letter)) == expected


@pytest.mark.parametrize("letter", ["G", "N", "O", "U"])
def test_unauthorised_codes_count_as_unauthorised_absence(letter: str) -> None:
    expected = AttendanceCounts(sessions_recorded=1, possible=1, unauthorised_absence=1)

    assert count_marks(marks_of(letter)) == expected


@pytest.mark.parametrize(
    "letter", ["D", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "X", "Z", "#"]
)
def test_dual_registration_unable_to_attend_and_administrative_codes_are_not_possible(
    letter: str,
) -> None:
    expected = AttendanceCounts(sessions_recorded=1, not_possible=1)

    assert count_marks(marks_of(letter)) == expected


def test_a_mixed_register_counts_each_category() -> None:
    marks = marks_of("/", "\\", "B", "I", "M", "O", "N", "D", "Y1", "#")
    expected = AttendanceCounts(
        sessions_recorded=10,
        possible=7,
        present=3,
        authorised_absence=2,
        unauthorised_absence=2,
        not_possible=3,
    )

    assert count_marks(marks) == expected


def test_counts_accept_any_iterable_of_marks() -> None:
    assert count_marks(iter(marks_of("/", "I"))) == count_marks(marks_of("/", "I"))


def test_rate_is_none_when_no_session_was_possible() -> None:
    assert count_marks(marks_of("D", "Y1", "#")).rate is None


def test_rate_of_no_marks_is_none() -> None:
    assert AttendanceCounts().rate is None


def test_rate_is_present_over_possible_as_a_percentage() -> None:
    assert count_marks(marks_of("/", "\\", "I", "O", "D")).rate == Decimal("50.0")


def test_rate_is_rounded_to_one_decimal_place() -> None:
    counts = AttendanceCounts(sessions_recorded=3, possible=3, present=2, unauthorised_absence=1)

    assert counts.rate == Decimal("66.7")


def test_rate_rounds_a_half_up() -> None:
    # 1 of 16 sessions is 6.25%: half up gives 6.3 (half even would give 6.2).
    counts = AttendanceCounts(sessions_recorded=16, possible=16, present=1, unauthorised_absence=15)

    assert counts.rate == Decimal("6.3")


def test_full_attendance_rate_is_one_hundred() -> None:
    assert count_marks(marks_of("/", "\\", "L")).rate == Decimal("100.0")


def test_week_of_a_monday_is_that_monday() -> None:
    assert week_of(STARTS_ON) == STARTS_ON


def test_week_of_a_saturday_is_the_monday_before() -> None:
    assert week_of(A_SATURDAY) == date(2025, 3, 3)


def test_week_of_a_sunday_is_the_monday_six_days_before() -> None:
    assert week_of(date(2025, 3, 9)) == date(2025, 3, 3)


@given(st.dates())
def test_week_of_is_a_monday_in_the_same_week(day: date) -> None:
    monday = week_of(day)

    assert (monday.weekday(), 0 <= (day - monday).days <= 6) == (0, True)


@given(st.lists(attendance_marks()))
def test_possible_sessions_are_present_or_absent(
    drawn: list[tuple[Session, AttendanceCode]],
) -> None:
    marks = [
        AttendanceMark(STARTS_ON + timedelta(days=i), session, code, i)
        for i, (session, code) in enumerate(drawn)
    ]
    counts = count_marks(marks)

    assert counts.possible == (
        counts.present + counts.authorised_absence + counts.unauthorised_absence
    )


@given(st.lists(attendance_marks()))
def test_every_session_is_possible_or_not_possible(
    drawn: list[tuple[Session, AttendanceCode]],
) -> None:
    marks = [
        AttendanceMark(STARTS_ON + timedelta(days=i), session, code, i)
        for i, (session, code) in enumerate(drawn)
    ]
    counts = count_marks(marks)

    assert counts.sessions_recorded == counts.possible + counts.not_possible == len(marks)


def test_module_example_runs() -> None:
    result = doctest.testmod(attendance_summary)

    assert (result.failed, result.attempted > 0) == (0, True)


# --------------------------------------------------------------------------- absence bands
DEFAULTS = PolicyParameters()


def test_the_default_thresholds_are_the_dfes_10_and_50_percent() -> None:
    assert (DEFAULTS.persistent_absence_rate, DEFAULTS.severe_absence_rate) == (
        Decimal("0.10"),
        Decimal("0.50"),
    )


def test_missing_less_than_the_persistent_rate_is_no_band() -> None:
    assert absence_band(Decimal(14) / Decimal(144), DEFAULTS) is None


def test_missing_exactly_the_persistent_rate_is_persistent_absence() -> None:
    assert absence_band(Decimal(1) / Decimal(10), DEFAULTS) is AbsenceBand.PERSISTENT


def test_missing_just_under_the_severe_rate_is_persistent_absence() -> None:
    assert absence_band(Decimal(71) / Decimal(144), DEFAULTS) is AbsenceBand.PERSISTENT


def test_missing_exactly_the_severe_rate_is_severe_absence() -> None:
    assert absence_band(Decimal("0.5"), DEFAULTS) is AbsenceBand.SEVERE


def test_no_possible_session_is_no_band() -> None:
    assert absence_band(None, DEFAULTS) is None


def test_the_bands_follow_the_policys_own_thresholds() -> None:
    policy = PolicyParameters(
        persistent_absence_rate=Decimal("0.05"), severe_absence_rate=Decimal("0.2")
    )

    assert [absence_band(Decimal(r), policy) for r in ("0.04", "0.05", "0.2")] == [
        None,
        AbsenceBand.PERSISTENT,
        AbsenceBand.SEVERE,
    ]
