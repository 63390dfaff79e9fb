"""The decisions on a placement's record, in the past tense.

Each event names the rule ids it is evidence for (``evidence_for``), so the audit trail can say
which part of the policy a decision answers. ``effective_on`` is the day the decision took
effect (for attendance: the day of the session); ``timestamp`` is when it was recorded.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

import attrs

from senad_ap.domain.arrangement import ArrangedBy, ArrangementPower
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.base import Event
from senad_ap.domain.plan import (
    Effectiveness,
    NeedArea,
    ObjectiveProgress,
    Plan,
    Reason,
    Setting,
)
from senad_ap.domain.values import Destination

__all__ = [
    "AttendanceCorrected",
    "AttendanceRecorded",
    "ConsentGiven",
    "ConsentParty",
    "ConsentWithdrawn",
    "InformationParty",
    "InformationScope",
    "InformationShared",
    "LocationRationaleRecorded",
    "MedicalExemptionRecorded",
    "NeedsAssessed",
    "PlacementEnded",
    "PlacementEvent",
    "PlacementOpened",
    "PlacementRecordErased",
    "PlacementStarted",
    "PlanAgreed",
    "PlanRevised",
    "ProgressReviewed",
    "ReintegrationAssessed",
    "ReintegrationCriteriaAgreed",
    "ReintegrationSupportAgreed",
    "StudentEhcPlanCeased",
    "StudentEhcPlanIssued",
    "StudentLookedAfterEnded",
    "StudentLookedAfterStarted",
    "StudentRollStatusRecorded",
    "StudentSchoolAgeRecorded",
    "retention_year",
    "school_year_of",
]


class ConsentParty(enum.Enum):
    """Whose consent an outside placement needs (INFO-2)."""

    PLACING_AUTHORITY = "the placing authority"
    PARENTS = "parents"


class InformationParty(enum.Enum):
    """Who information is shared with (INFO-1)."""

    LOCAL_AUTHORITY = "the local authority"
    PARENTS = "parents"
    PROVIDER = "the provider"
    OTHER_AGENCY = "another agency"


class InformationScope(enum.Enum):
    """What the shared information covers (INFO-3)."""

    SPECIAL_EDUCATIONAL_NEEDS = "special educational needs"
    LITERACY = "literacy"
    SAFEGUARDING = "safeguarding"
    MEDICAL = "medical"
    ATTENDANCE = "attendance"
    PLAN_AND_OBJECTIVES = "plan and objectives"
    PROVIDER_REQUEST = "information the provider asked for"
    OTHER = "other"


@attrs.frozen(slots=False, kw_only=True)
class PlacementEvent(Event):
    pass


@attrs.frozen(slots=False, kw_only=True)
class PlacementOpened(PlacementEvent):
    """AP was found to be needed (NEED-1), in a setting and location (LOC-1)."""

    school_id: str
    student_reference: str
    reason: Reason
    reason_detail: str | None
    setting: Setting
    location: str
    provider_id: UUID | None
    outside_delivery: bool
    residential: bool
    looked_after: bool
    ehcp_reference: str | None
    on_roll: bool
    location_rationale: str | None
    #: Who arranged the placement and under which power (``domain.arrangement``, STAT-1).
    #: Openings recorded before these existed have neither: the school arranged them, under
    #: its own commissioning.
    arranged_by: ArrangedBy | None = None
    arranged_under: ArrangementPower | None = None
    personal = ("reason_detail", "location_rationale")
    evidence_for = ("NEED-1", "NEED-2", "LOC-1", "LOC-2", "LOC-3", "COMM-2")
    added_later = ("arranged_by", "arranged_under")


@attrs.frozen(slots=False, kw_only=True)
class NeedsAssessed(PlacementEvent):
    """The student's needs were assessed: the areas of need, a summary and the barriers to
    learning."""

    areas: tuple[NeedArea, ...]
    summary: str
    barriers: tuple[str, ...]
    personal = ("summary", "barriers")
    evidence_for = ("PLAN-1", "AIM-2")


@attrs.frozen(slots=False, kw_only=True)
class PlanAgreed(PlacementEvent):
    """The personalised plan was agreed. ``full_time_hours``: the PLAN-2 threshold the plan
    was checked against."""

    plan: Plan
    full_time_hours: Decimal
    outside_provider_ids: tuple[UUID, ...]
    personal: ClassVar[tuple[str, ...]] = ("plan",)
    evidence_for = (
        "PLAN-2", "PLAN-3", "PLAN-4", "AIM-1", "AIM-4", "COMM-7", "COMM-9",
        "CONTACT-1", "PT-1", "PT-2", "QUAL-2", "QUAL-4", "STAT-4",
    )  # fmt: skip


@attrs.frozen(slots=False, kw_only=True)
class PlanRevised(PlanAgreed):
    """The plan was replaced by a new one, with the reason; checked as an agreed plan is."""

    reason: str
    personal = ("plan", "reason")


@attrs.frozen(slots=False, kw_only=True)
class ConsentGiven(PlacementEvent):
    """The placing authority consented, or the parents agreed, to the placement."""

    party: ConsentParty
    given_by: str
    evidence_reference: str
    personal = ("given_by",)
    evidence_for = ("INFO-2",)


@attrs.frozen(slots=False, kw_only=True)
class ConsentWithdrawn(PlacementEvent):
    """A consent or agreement given for the placement was withdrawn, with the reason."""

    party: ConsentParty
    reason: str
    personal = ("reason",)
    evidence_for = ("INFO-2",)


@attrs.frozen(slots=False, kw_only=True)
class InformationShared(PlacementEvent):
    """Information about the student was shared with a party: who, and what it covered."""

    party: InformationParty
    scope: tuple[InformationScope, ...]
    note: str | None
    personal = ("note",)
    evidence_for = ("INFO-1", "INFO-3", "STAT-5")


@attrs.frozen(slots=False, kw_only=True)
class MedicalExemptionRecorded(PlacementEvent):
    """A medical condition makes full-time provision inappropriate (PLAN-2, STAT-6)."""

    evidence_reference: str
    review_on: date
    personal = ("evidence_reference",)
    evidence_for = ("PLAN-2", "STAT-6")


@attrs.frozen(slots=False, kw_only=True)
class PlacementStarted(PlacementEvent):
    """The placement was commissioned and started on ``effective_on``."""

    evidence_for = ("COMM-1", "COMM-3", "COMM-4", "INFO-2", "PLAN-2", "STAT-4")


@attrs.frozen(slots=False, kw_only=True)
class AttendanceRecorded(PlacementEvent):
    """One register mark; ``effective_on`` is the day of the session (STAT-1)."""

    session: Session
    code: AttendanceCode
    #: What the code needs said (STAT-1): a ``B`` activity's nature and supervisor, a
    #: ``Y7``'s cause (``note``). Sealed personal data; marks recorded before had none.
    activity: str | None = None
    supervised_by: str | None = None
    note: str | None = None
    personal = ("activity", "supervised_by", "note")
    evidence_for = ("COMM-6", "STAT-1", "AIM-3")
    added_later = ("activity", "supervised_by", "note")


@attrs.frozen(slots=False, kw_only=True)
class AttendanceCorrected(PlacementEvent):
    """An amendment that keeps the original entry (STAT-2).

    What the School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208,
    regulation 6) ask an amendment to show: the original entry (``original_code``, and
    ``corrects_version``, the version of the event whose mark it amends), the amended entry
    (``corrected_code``), the reason, the date of the amendment (``timestamp``: the day it
    was recorded, not ``effective_on``, which is the session's day), and the name and
    position (job title) of the person who made it (``amended_by_name``,
    ``amended_by_position``). Those two were added later: an amendment recorded before them
    has ``None`` (not recorded). They are the staff member's personal data, sealed with a key
    of their own, not the student's (``senad_ap.domain.staff``).
    """

    session: Session
    original_code: AttendanceCode
    corrected_code: AttendanceCode
    reason: str
    corrects_version: int
    #: As on ``AttendanceRecorded``, for the corrected code.
    activity: str | None = None
    supervised_by: str | None = None
    note: str | None = None
    amended_by_name: str | None = None
    amended_by_position: str | None = None
    personal = (
        "reason",
        "activity",
        "supervised_by",
        "note",
        "amended_by_name",
        "amended_by_position",
    )
    staff_personal = ("amended_by_name", "amended_by_position")
    evidence_for = ("STAT-2", "COMM-6")
    added_later = ("activity", "supervised_by", "note", "amended_by_name", "amended_by_position")


@attrs.frozen(slots=False, kw_only=True)
class ProgressReviewed(PlacementEvent):
    """A review of the placement: progress per objective, how effective the provision is,
    the next review's date, and whether the provider took part."""

    progress: tuple[ObjectiveProgress, ...]
    effectiveness: Effectiveness
    next_review_on: date
    with_provider: bool
    note: str | None
    personal = ("progress", "note")
    evidence_for = ("COMM-5", "COMM-7", "COMM-9", "QUAL-1", "STAT-3", "AIM-3")


@attrs.frozen(slots=False, kw_only=True)
class ReintegrationCriteriaAgreed(PlacementEvent):
    """The criteria by which the student's readiness to return will be assessed were agreed."""

    criteria: tuple[str, ...]
    personal = ("criteria",)
    evidence_for = ("COMM-8",)


@attrs.frozen(slots=False, kw_only=True)
class ReintegrationAssessed(PlacementEvent):
    """The student's readiness to return was assessed against the agreed criteria."""

    ready: bool
    criteria_met: tuple[str, ...]
    note: str | None
    personal = ("criteria_met", "note")
    evidence_for = ("COMM-8",)


@attrs.frozen(slots=False, kw_only=True)
class ReintegrationSupportAgreed(PlacementEvent):
    """The package of support for the student's return was agreed."""

    support: tuple[str, ...]
    personal = ("support",)
    evidence_for = ("COMM-8",)


@attrs.frozen(slots=False, kw_only=True)
class PlacementRecordErased(PlacementEvent):
    """The student's personal data was erased at the end of retention (STAT-7): the record
    keeps every decision but is closed to new ones. Recorded with ``StudentForgotten``.

    ``retention_ended_in``: the school year retention ended in (``school_year_of``), never the
    day, which would give away the date of birth. Events recorded before carry the day,
    ``retention_ended_on``; they are immutable, and shown as the year (``retention_year``)."""

    retention_ended_in: str | None = None
    retention_ended_on: date | None = None
    evidence_for = ("STAT-7",)
    added_later = ("retention_ended_in", "retention_ended_on")


def school_year_of(day: date) -> str:
    """The school year ``day`` falls in, as ``"2030/31"``: 1 September to 31 August, the
    academic year the Department for Education's statistics count (cf. Education Act 1996,
    s. 579(1), "school year")."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def retention_year(event: object) -> str | None:
    """The school year retention ended in, as an erasure event (``PlacementRecordErased``,
    ``StudentForgotten``) records it, or as its older exact day gives it."""
    year = getattr(event, "retention_ended_in", None)
    if isinstance(year, str):
        return year
    day = getattr(event, "retention_ended_on", None)
    return school_year_of(day) if isinstance(day, date) else None


@attrs.frozen(slots=False, kw_only=True)
class PlacementEnded(PlacementEvent):
    """The placement ended on ``effective_on``; where the student goes next."""

    destination: Destination
    note: str | None
    personal = ("note",)
    evidence_for = ("AIM-4", "COMM-7")


@attrs.frozen(slots=False, kw_only=True)
class LocationRationaleRecorded(PlacementEvent):
    """Why the placement uses its location, recorded or revised after the opening (LOC-2: the
    allied children's home is used for a residential student only with a clear rationale)."""

    rationale: str
    personal = ("rationale",)
    evidence_for = ("LOC-2",)


# The student's facts, as each of their placements that is still open carries them. Recorded
# with the same fact on the student's record (``senad_ap.domain.student_facts``), in the same
# transaction; ``effective_on`` is the day the fact took effect, which may be before the
# placement opened (a placement opened later took the fact from the student's record).


@attrs.frozen(slots=False, kw_only=True)
class StudentEhcPlanIssued(PlacementEvent):
    """The student has an EHC plan from ``effective_on`` (PLAN-4, STAT-4)."""

    reference: str
    evidence_for = ("PLAN-4", "STAT-4")


@attrs.frozen(slots=False, kw_only=True)
class StudentEhcPlanCeased(PlacementEvent):
    """The student's EHC plan ceased on ``effective_on`` (PLAN-4, STAT-4)."""

    evidence_for = ("PLAN-4", "STAT-4")


@attrs.frozen(slots=False, kw_only=True)
class StudentLookedAfterStarted(PlacementEvent):
    """The student is looked after by a local authority from ``effective_on`` (STAT-4)."""

    evidence_for = ("STAT-4",)


@attrs.frozen(slots=False, kw_only=True)
class StudentLookedAfterEnded(PlacementEvent):
    """The student is no longer looked after from ``effective_on`` (STAT-4)."""

    evidence_for = ("STAT-4",)


@attrs.frozen(slots=False, kw_only=True)
class StudentRollStatusRecorded(PlacementEvent):
    """On the school roll or not from ``effective_on``, and dual registered with another school
    (its six-digit URN) or not (COMM-2)."""

    on_roll: bool
    dual_registered_with: str | None
    evidence_for = ("COMM-2",)


@attrs.frozen(slots=False, kw_only=True)
class StudentSchoolAgeRecorded(PlacementEvent):
    """Of compulsory school age or not from ``effective_on`` (STAT-4 counts only such pupils).
    The record holds the fact, not the date of birth, which is sealed and never read."""

    compulsory_school_age: bool
    evidence_for = ("STAT-4",)
