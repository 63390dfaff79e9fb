"""Attendance marks in stored snapshots: the codec's own hook reads them back exactly."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from senad_ap.application.codec import converter
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement.state import AttendanceMark


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    session=st.sampled_from(Session),
    code=st.sampled_from(AttendanceCode),
    version=st.integers(min_value=1, max_value=10**9),
    corrected=st.booleans(),
)
def test_a_mark_comes_back_from_its_stored_form_unchanged(
    day: date, session: Session, code: AttendanceCode, version: int, corrected: bool
) -> None:
    mark = AttendanceMark(day, session, code, version, corrected=corrected)

    assert converter.structure(converter.unstructure(mark), AttendanceMark) == mark


def test_marks_of_the_same_day_share_one_date_object() -> None:
    stored = converter.unstructure(
        AttendanceMark(date(2025, 11, 3), Session.AM, AttendanceCode.PRESENT_AM, 7)
    )

    first = converter.structure(stored, AttendanceMark)
    second = converter.structure(dict(stored), AttendanceMark)

    assert first.day is second.day


def test_a_mark_stored_before_corrections_were_recorded_reads_as_not_corrected() -> None:
    stored = {"day": "2025-11-03", "session": "AM", "code": "/", "version": 7}

    assert converter.structure(stored, AttendanceMark).corrected is False


def test_a_mark_with_an_unknown_code_is_not_read() -> None:
    stored = {"day": "2025-11-03", "session": "AM", "code": "?!", "version": 7, "corrected": False}

    with pytest.raises(KeyError):
        converter.structure(stored, AttendanceMark)
