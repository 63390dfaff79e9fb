"""The national attendance and absence codes in force in England since 19 August 2024 (STAT-1).

Source: DfE, "Working together to improve school attendance" (statutory guidance, August 2024)
and the School Attendance (Pupil Registration) (England) Regulations 2024. The set is closed:
a code that is not here is refused. Each code carries its meaning and how it counts, so that
attendance rates are computed from the codes' own meanings, never from a guess.
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["AttendanceCode", "CodeCategory", "CodeMeaning", "Session"]


class Session(enum.Enum):
    """A register session: every school day has a morning and an afternoon session (STAT-1)."""

    AM = "AM"
    PM = "PM"


class CodeCategory(enum.Enum):
    """The groups the statutory guidance puts the codes in."""

    PRESENT = "present"
    ATTENDING_APPROVED_ACTIVITY = "attending a place other than the school"
    AUTHORISED_ABSENCE = "authorised absence"
    UNABLE_TO_ATTEND = "absent: unable to attend school because of an unavoidable cause"
    UNAUTHORISED_ABSENCE = "unauthorised absence"
    ADMINISTRATIVE = "administrative"


@attrs.frozen
class CodeMeaning:
    """What one code means and how it counts."""

    meaning: str
    category: CodeCategory
    counts_as_possible: bool
    only_session: Session | None = None

    @property
    def is_present(self) -> bool:
        """Counts as attending (present at school or at an approved educational activity)."""
        return self.counts_as_possible and self.category in (
            CodeCategory.PRESENT,
            CodeCategory.ATTENDING_APPROVED_ACTIVITY,
        )

    @property
    def is_authorised_absence(self) -> bool:
        return self.category is CodeCategory.AUTHORISED_ABSENCE

    @property
    def is_unauthorised_absence(self) -> bool:
        return self.category is CodeCategory.UNAUTHORISED_ABSENCE


_P = CodeCategory.PRESENT
_A = CodeCategory.ATTENDING_APPROVED_ACTIVITY
_AUTH = CodeCategory.AUTHORISED_ABSENCE
_UN = CodeCategory.UNABLE_TO_ATTEND
_UNAUTH = CodeCategory.UNAUTHORISED_ABSENCE
_ADMIN = CodeCategory.ADMINISTRATIVE

_MEANINGS: dict[str, CodeMeaning] = {
    "/": CodeMeaning("Present (AM)", _P, True, Session.AM),
    "\\": CodeMeaning("Present (PM)", _P, True, Session.PM),
    "L": CodeMeaning("Late arrival before the register closed", _P, True),
    "K": CodeMeaning("Attending education provision arranged by the local authority", _A, True),
    "V": CodeMeaning("Attending an educational visit or trip", _A, True),
    "P": CodeMeaning("Participating in a sporting activity", _A, True),
    "W": CodeMeaning("Attending work experience", _A, True),
    "B": CodeMeaning("Attending any other approved educational activity", _A, True),
    "D": CodeMeaning("Dual registered: at another setting", _A, False),
    "C1": CodeMeaning(
        "Leave of absence: regulated performance or regulated employment abroad", _AUTH, True
    ),
    "M": CodeMeaning("Leave of absence: medical or dental appointment", _AUTH, True),
    "J1": CodeMeaning(
        "Leave of absence: interview for employment or admission to another educational "
        "institution",
        _AUTH,
        True,
    ),
    "S": CodeMeaning("Leave of absence: studying for a public examination", _AUTH, True),
    "X": CodeMeaning("Non-compulsory school age pupil not required to attend", _ADMIN, False),
    "C2": CodeMeaning(
        "Leave of absence: compulsory school age pupil subject to a part-time timetable",
        _AUTH,
        True,
    ),
    "C": CodeMeaning("Leave of absence for exceptional circumstances", _AUTH, True),
    "T": CodeMeaning("Parent travelling for occupational purposes", _AUTH, True),
    "R": CodeMeaning("Religious observance", _AUTH, True),
    "I": CodeMeaning("Illness (not medical or dental appointment)", _AUTH, True),
    "E": CodeMeaning(
        "Suspended or permanently excluded, no alternative provision made", _AUTH, True
    ),
    "Q": CodeMeaning("Unable to attend: lack of access arrangements", _UN, False),
    "Y1": CodeMeaning("Unable to attend: transport normally provided not available", _UN, False),
    "Y2": CodeMeaning("Unable to attend: widespread disruption to travel", _UN, False),
    "Y3": CodeMeaning("Unable to attend: part of the school premises closed", _UN, False),
    "Y4": CodeMeaning("Unable to attend: whole school site unexpectedly closed", _UN, False),
    "Y5": CodeMeaning("Unable to attend: pupil in criminal justice detention", _UN, False),
    "Y6": CodeMeaning(
        "Unable to attend: in accordance with public health guidance or law", _UN, False
    ),
    "Y7": CodeMeaning("Unable to attend: any other unavoidable cause", _UN, False),
    "G": CodeMeaning("Holiday not granted by the school", _UNAUTH, True),
    "N": CodeMeaning("Reason for absence not yet established", _UNAUTH, True),
    "O": CodeMeaning("Absent in other or unknown circumstances", _UNAUTH, True),
    "U": CodeMeaning("Arrived after the register closed", _UNAUTH, True),
    "Z": CodeMeaning("Prospective pupil not on the admission register", _ADMIN, False),
    "#": CodeMeaning("Planned whole or partial school closure", _ADMIN, False),
}


class AttendanceCode(enum.Enum):
    """A national attendance or absence code. ``AttendanceCode("I")`` looks one up by its letter."""

    PRESENT_AM = "/"
    PRESENT_PM = "\\"
    LATE = "L"
    LOCAL_AUTHORITY_PROVISION = "K"
    EDUCATIONAL_VISIT = "V"
    SPORTING_ACTIVITY = "P"
    WORK_EXPERIENCE = "W"
    APPROVED_EDUCATIONAL_ACTIVITY = "B"
    DUAL_REGISTERED = "D"
    REGULATED_PERFORMANCE = "C1"
    MEDICAL_APPOINTMENT = "M"
    INTERVIEW = "J1"
    STUDY_LEAVE = "S"
    NOT_REQUIRED_TO_ATTEND = "X"
    PART_TIME_TIMETABLE = "C2"
    EXCEPTIONAL_CIRCUMSTANCES = "C"
    PARENT_TRAVELLING_FOR_WORK = "T"
    RELIGIOUS_OBSERVANCE = "R"
    ILLNESS = "I"
    EXCLUDED_NO_PROVISION = "E"
    NO_ACCESS_ARRANGEMENTS = "Q"
    TRANSPORT_NOT_AVAILABLE = "Y1"
    TRAVEL_DISRUPTION = "Y2"
    PART_OF_PREMISES_CLOSED = "Y3"
    SCHOOL_UNEXPECTEDLY_CLOSED = "Y4"
    CRIMINAL_JUSTICE_DETENTION = "Y5"
    PUBLIC_HEALTH = "Y6"
    OTHER_UNAVOIDABLE_CAUSE = "Y7"
    HOLIDAY_NOT_GRANTED = "G"
    REASON_NOT_ESTABLISHED = "N"
    OTHER_UNAUTHORISED = "O"
    LATE_AFTER_REGISTER_CLOSED = "U"
    NOT_ON_ADMISSION_REGISTER = "Z"
    PLANNED_CLOSURE = "#"

    @property
    def meaning(self) -> CodeMeaning:
        return _MEANINGS[self.value]

    @property
    def means_attending_the_placement(self) -> bool:
        """The student was there or at an approved activity: the marks a suspended outside
        placement cannot take (INFO-2). While suspended only absence codes fit."""
        return self.meaning.category in (
            CodeCategory.PRESENT,
            CodeCategory.ATTENDING_APPROVED_ACTIVITY,
        )


if {code.value for code in AttendanceCode} != set(_MEANINGS):  # pragma: no cover
    raise RuntimeError("every national attendance code needs exactly one meaning")
