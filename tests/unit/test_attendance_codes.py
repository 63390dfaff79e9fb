"""The national attendance and absence codes in force since 19 August 2024 (STAT-1)."""

from __future__ import annotations

import pytest

from senad_ap.domain.attendance_codes import AttendanceCode, CodeCategory, Session

NATIONAL_CODES_SINCE_19_AUGUST_2024 = frozenset(
    {
        # present
        "/", "\\", "L",
        # attending a place other than the school
        "K", "V", "P", "W", "B", "D",
        # leave of absence and other authorised absence
        "C1", "M", "J1", "S", "X", "C2", "C", "T", "R", "I", "E",
        # unable to attend because of an unavoidable cause
        "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7",
        # unauthorised absence
        "G", "N", "O", "U",
        # administrative
        "Z", "#",
    }
)  # fmt: skip


def test_closed_set_is_exactly_the_34_national_codes() -> None:
    letters = frozenset(code.value for code in AttendanceCode)

    assert (len(AttendanceCode), letters) == (34, NATIONAL_CODES_SINCE_19_AUGUST_2024)


@pytest.mark.parametrize("retired", ["H", "J", "Y"])
def test_codes_retired_in_august_2024_are_refused(retired: str) -> None:
    with pytest.raises(ValueError, match=retired):
        AttendanceCode(retired)


@pytest.mark.parametrize("not_a_code", ["i", "", " ", "Y8", "//"])
def test_text_that_is_not_a_code_is_refused(not_a_code: str) -> None:
    with pytest.raises(ValueError, match="AttendanceCode"):
        AttendanceCode(not_a_code)


def test_code_is_looked_up_by_its_letter() -> None:
    assert AttendanceCode("I") == AttendanceCode.ILLNESS


# (code, counts as possible, present, authorised absence, unauthorised absence)
CLASSIFICATION = [
    ("/", True, True, False, False),
    ("\\", True, True, False, False),
    ("L", True, True, False, False),
    ("K", True, True, False, False),
    ("B", True, True, False, False),
    ("D", False, False, False, False),
    ("Y1", False, False, False, False),
    ("X", False, False, False, False),
    ("#", False, False, False, False),
    ("Z", False, False, False, False),
    ("I", True, False, True, False),
    ("M", True, False, True, False),
    ("C2", True, False, True, False),
    ("N", True, False, False, True),
    ("O", True, False, False, True),
    ("G", True, False, False, True),
    ("U", True, False, False, True),
]


@pytest.mark.parametrize(
    ("letter", "possible", "present", "authorised", "unauthorised"), CLASSIFICATION
)
def test_code_counts_by_its_meaning(
    letter: str, possible: bool, present: bool, authorised: bool, unauthorised: bool
) -> None:
    meaning = AttendanceCode(letter).meaning

    actual = (
        meaning.counts_as_possible,
        meaning.is_present,
        meaning.is_authorised_absence,
        meaning.is_unauthorised_absence,
    )
    assert actual == (possible, present, authorised, unauthorised)


def test_every_unable_to_attend_code_is_not_a_possible_session() -> None:
    unable = [
        code for code in AttendanceCode if code.meaning.category is CodeCategory.UNABLE_TO_ATTEND
    ]

    assert [code.meaning.counts_as_possible for code in unable] == [False] * 8


def test_only_the_present_marks_are_tied_to_a_session() -> None:
    tied = {
        code.value: code.meaning.only_session
        for code in AttendanceCode
        if code.meaning.only_session
    }

    assert tied == {"/": Session.AM, "\\": Session.PM}


def test_codes_that_mean_attending_the_placement_are_present_and_approved_activity() -> None:
    attending = {code.value for code in AttendanceCode if code.means_attending_the_placement}

    assert attending == {"/", "\\", "L", "K", "V", "P", "W", "B", "D"}


def test_every_code_has_a_meaning_in_words() -> None:
    blank = [code.value for code in AttendanceCode if not code.meaning.meaning.strip()]

    assert blank == []
