"""What a school system asks the record to do with a placement, one command per decision.

Commands check their own input (types, empty text, ranges) when they are made, and raise
``InvalidInputError``; the policy rules that need the record are checked by ``decide``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import ClassVar, cast
from uuid import UUID

import attrs

from senad_ap.domain.arrangement import (
    ArrangedBy,
    ArrangementPower,
    as_arranged_by,
    as_arrangement_power,
)
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.base import ADDED_LATER, NOT_A_DECISION_DATE, Command
from senad_ap.domain.placement.events import ConsentParty, InformationParty, InformationScope
from senad_ap.domain.plan import (
    Effectiveness,
    NeedArea,
    ObjectiveProgress,
    Plan,
    Reason,
    Setting,
    as_setting,
)
from senad_ap.domain.validation import (
    Validator,
    check_text,
    checked,
    enum_items,
    enum_text,
    items_of,
    non_empty_text,
    optional,
    optional_text,
)
from senad_ap.domain.values import Destination, as_destination
from senad_ap.errors import InvalidInputError

__all__ = [
    "AgreePlan",
    "AgreeReintegrationCriteria",
    "AgreeReintegrationSupport",
    "AssessNeeds",
    "AssessReintegration",
    "CorrectAttendance",
    "EndPlacement",
    "GiveConsent",
    "MarkCommand",
    "OpenPlacement",
    "PlacementCommand",
    "RecordAttendance",
    "RecordLocationRationale",
    "RecordMedicalExemption",
    "ReviewProgress",
    "RevisePlan",
    "ShareInformation",
    "StartPlacement",
    "WithdrawConsent",
    "check_student_reference",
]

# Pseudonymous: letters, digits and a few separators, no spaces, so a name does not fit.
_STUDENT_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


def check_student_reference(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _STUDENT_REFERENCE.fullmatch(value):
        raise InvalidInputError(
            "The student reference must be a pseudonymous code (letters, digits, '.', '_', "
            "'/', '-'; no spaces; at most 64 characters), never the student's name.",
            field="student_reference",
        )


def _age(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@attrs.frozen(kw_only=True)
class PlacementCommand(Command):
    placement_id: UUID = attrs.field(validator=checked("placement id", UUID))


# Enumerated values may be given as the member or as its text (``"AM"``, ``"parents"``):
# named converters, so that type checkers see the text accepted too.


_ATTENDANCE_CODE_TEXT = enum_text(AttendanceCode)


def _as_attendance_code(value: AttendanceCode | str) -> AttendanceCode:
    return cast(AttendanceCode, _ATTENDANCE_CODE_TEXT(value))


_CONSENT_PARTY_TEXT = enum_text(ConsentParty)


def _as_consent_party(value: ConsentParty | str) -> ConsentParty:
    return cast(ConsentParty, _CONSENT_PARTY_TEXT(value))


_EFFECTIVENESS_TEXT = enum_text(Effectiveness)


def _as_effectiveness(value: Effectiveness | str) -> Effectiveness:
    return cast(Effectiveness, _EFFECTIVENESS_TEXT(value))


_INFORMATION_PARTY_TEXT = enum_text(InformationParty)


def _as_information_party(value: InformationParty | str) -> InformationParty:
    return cast(InformationParty, _INFORMATION_PARTY_TEXT(value))


_REASON_TEXT = enum_text(Reason)


def _as_reason(value: Reason | str) -> Reason:
    return cast(Reason, _REASON_TEXT(value))


_SESSION_TEXT = enum_text(Session)


def _as_session(value: Session | str) -> Session:
    return cast(Session, _SESSION_TEXT(value))


_INFORMATION_SCOPE_ITEMS = enum_items(InformationScope)


def _as_information_scope_items(
    value: Sequence[InformationScope | str],
) -> tuple[InformationScope, ...]:
    return cast(tuple[InformationScope, ...], _INFORMATION_SCOPE_ITEMS(value))


_NEED_AREA_ITEMS = enum_items(NeedArea)


def _as_need_area_items(value: Sequence[NeedArea | str]) -> tuple[NeedArea, ...]:
    return cast(tuple[NeedArea, ...], _NEED_AREA_ITEMS(value))


#: The settings a placement may name a provider record for (item 6: the school's own
#: provision and the allied children's home are provider records too).
_NAMED_SETTINGS = (Setting.OUTSIDE_PROVIDER, Setting.ON_SITE, Setting.ALLIED_CHILDRENS_HOME)


@attrs.frozen(kw_only=True)
class OpenPlacement(PlacementCommand):
    """``effective_on`` is the day the need for AP was identified."""

    student_reference: str = attrs.field(validator=check_student_reference)
    reason: Reason = attrs.field(converter=_as_reason, validator=checked("reason", Reason))
    setting: Setting = attrs.field(converter=as_setting, validator=checked("setting", Setting))
    location: str = attrs.field(validator=non_empty_text("location", 300))
    residential: bool = attrs.field(validator=checked("residential", bool))
    #: The student's facts, where the opening states them; left out (``None``), the student's
    #: record gives them (a first placement: not looked after, no EHC plan, on the roll). A
    #: stated fact the record does not hold is recorded on it too (``domain.student_facts``).
    looked_after: bool | None = attrs.field(default=None, validator=optional("looked after", bool))
    ehcp_reference: str | None = attrs.field(
        default=None, validator=optional_text("EHC plan reference", 100)
    )
    on_roll: bool | None = attrs.field(default=None, validator=optional("on roll", bool))
    provider_id: UUID | None = attrs.field(default=None, validator=optional("provider id", UUID))
    reason_detail: str | None = attrs.field(default=None, validator=optional_text("reason detail"))
    location_rationale: str | None = attrs.field(
        default=None, validator=optional_text("rationale for the location")
    )
    #: The student's name and date of birth: personal data, kept sealed with the student's
    #: own key on the student's record (``senad_ap.domain.student``), erasable at the end of
    #: retention. Give them with the student's first placement.
    student_name: str | None = attrs.field(
        default=None, validator=optional_text("student's name", 200)
    )
    date_of_birth: date | None = attrs.field(
        default=None,
        validator=optional("date of birth", date),
        metadata={NOT_A_DECISION_DATE: True},
    )
    #: Who arranged the placement and under which power (``domain.arrangement``): it decides
    #: whether the register may mark it K or B (STAT-1). Left out: the school, under its own
    #: commissioning; a local authority's placement names its power.
    arranged_by: ArrangedBy = attrs.field(
        default=ArrangedBy.SCHOOL,
        converter=as_arranged_by,
        validator=checked("who arranged the placement", ArrangedBy),
        metadata={ADDED_LATER: True},
    )
    arranged_under: ArrangementPower | None = attrs.field(
        default=None,
        converter=as_arrangement_power,
        validator=optional("power the placement was arranged under", ArrangementPower),
        metadata={ADDED_LATER: True},
    )
    personal = ("reason_detail", "location_rationale", "student_name", "date_of_birth")

    @property
    def power(self) -> ArrangementPower:
        """The power the placement is arranged under, the school's own commissioning if the
        school arranged it and named none."""
        return self.arranged_under or ArrangementPower.SCHOOL_COMMISSIONED

    def __attrs_post_init__(self) -> None:
        born = self.date_of_birth
        if born is not None and (born >= self.effective_on or _age(born, self.effective_on) > 30):
            raise InvalidInputError(
                f"The date of birth {born.isoformat()} is not a pupil's: it must be before "
                "the placement and at most 30 years before it.",
                field="date_of_birth",
            )
        # An outside provider is always named; the school's own on-site provision and the
        # allied children's home may be named by their provider records (COMM-4).
        if (self.setting is Setting.OUTSIDE_PROVIDER and self.provider_id is None) or (
            self.provider_id is not None and self.setting not in _NAMED_SETTINGS
        ):
            raise InvalidInputError(
                "A placement at an outside provider must name the provider; one on the "
                "school's site or at the allied children's home may name its provider record; "
                "no other placement names one.",
                field="provider_id",
            )
        if self.setting is Setting.SCHOOL_CLASS:
            raise InvalidInputError(
                "The student's usual classes are not alternative provision; choose the setting "
                "where the student is taught apart from peers.",
                field="setting",
            )
        self._check_arrangement()

    def _check_arrangement(self) -> None:
        power = self.arranged_under
        if power is None and self.arranged_by is ArrangedBy.LOCAL_AUTHORITY:
            # SI 2024/208 reg 10(3) Table 2 (code K): only the LA's s.19 EA 1996 and
            # s.42 / s.61 CFA 2014 provision is marked K, so the power is part of the fact.
            raise InvalidInputError(
                "A placement the local authority arranged names the power it was arranged "
                "under: s.19 Education Act 1996, or s.42 or s.61 Children and Families Act "
                "2014.",
                field="arranged_under",
            )
        if power is not None and power.arranged_by is not self.arranged_by:
            raise InvalidInputError(
                f"'{power.value}' is a power of {power.arranged_by.value}, but the placement "
                f"is recorded as arranged by {self.arranged_by.value}.",
                field="arranged_under",
            )
        if power is not None and power.only_off_site and self.setting is Setting.ON_SITE:
            # Education Act 2002 s.29A(1): "at any place outside the school premises".
            raise InvalidInputError(
                "A direction off-site (s.29A Education Act 2002) is to a place outside the "
                "school premises, not the school's own site.",
                field="arranged_under",
            )


@attrs.frozen(kw_only=True)
class AssessNeeds(PlacementCommand):
    areas: tuple[NeedArea, ...] = attrs.field(
        converter=_as_need_area_items,
        validator=items_of("areas of need", NeedArea, min_items=1, max_items=4),
    )
    summary: str = attrs.field(validator=non_empty_text("summary of needs", 4000))
    barriers: tuple[str, ...] = attrs.field(
        default=(), validator=items_of("barriers to learning", str, max_items=50)
    )
    personal = ("summary", "barriers")


@attrs.frozen(kw_only=True)
class AgreePlan(PlacementCommand):
    plan: Plan = attrs.field(validator=checked("plan", Plan))
    personal = ("plan",)


@attrs.frozen(kw_only=True)
class RevisePlan(PlacementCommand):
    plan: Plan = attrs.field(validator=checked("plan", Plan))
    reason: str = attrs.field(validator=non_empty_text("reason for the revision"))
    personal = ("plan", "reason")


@attrs.frozen(kw_only=True)
class GiveConsent(PlacementCommand):
    party: ConsentParty = attrs.field(
        converter=_as_consent_party, validator=checked("consenting party", ConsentParty)
    )
    given_by: str = attrs.field(validator=non_empty_text("who gave consent", 200))
    evidence_reference: str = attrs.field(validator=non_empty_text("evidence reference", 200))
    personal = ("given_by",)


@attrs.frozen(kw_only=True)
class WithdrawConsent(PlacementCommand):
    party: ConsentParty = attrs.field(
        converter=_as_consent_party, validator=checked("consenting party", ConsentParty)
    )
    reason: str = attrs.field(validator=non_empty_text("reason for withdrawal"))
    personal = ("reason",)


@attrs.frozen(kw_only=True)
class ShareInformation(PlacementCommand):
    party: InformationParty = attrs.field(
        converter=_as_information_party, validator=checked("party", InformationParty)
    )
    scope: tuple[InformationScope, ...] = attrs.field(
        converter=_as_information_scope_items,
        validator=items_of("scope of the information", InformationScope, min_items=1),
    )
    note: str | None = attrs.field(default=None, validator=optional_text("note"))
    personal = ("note",)


@attrs.frozen(kw_only=True)
class RecordMedicalExemption(PlacementCommand):
    evidence_reference: str = attrs.field(validator=non_empty_text("medical evidence", 200))
    review_on: date = attrs.field(validator=checked("review date", date))
    personal = ("evidence_reference",)

    def __attrs_post_init__(self) -> None:
        if self.review_on <= self.effective_on:
            raise InvalidInputError(
                "A medical exemption needs a review date after it is recorded (STAT-6).",
                field="review_on",
            )


@attrs.frozen(kw_only=True)
class StartPlacement(PlacementCommand):
    """``effective_on`` is the first day of the placement."""


@attrs.frozen(kw_only=True)
class MarkCommand(PlacementCommand):
    """A register mark, recorded or corrected: the session, the code, and what the code needs
    said about the session (STAT-1): for ``B`` the nature of the activity and who supervises
    it, for ``Y7`` its cause (``note``). The texts are personal data, sealed like notes."""

    session: Session = attrs.field(converter=_as_session, validator=checked("session", Session))
    code: AttendanceCode = attrs.field(
        converter=_as_attendance_code, validator=checked("attendance code", AttendanceCode)
    )
    activity: str | None = attrs.field(
        default=None,
        validator=optional_text("nature of the activity", 300),
        metadata={ADDED_LATER: True},
    )
    supervised_by: str | None = attrs.field(
        default=None,
        validator=optional_text("who supervises the activity", 200),
        metadata={ADDED_LATER: True},
    )
    note: str | None = attrs.field(
        default=None, validator=optional_text("note", 1000), metadata={ADDED_LATER: True}
    )
    personal: ClassVar[tuple[str, ...]] = ("activity", "supervised_by", "note")


def _amender(label: str) -> Validator:
    """The name or the position of the person making an amendment: required (STAT-2)."""

    def validate(_: object, attribute: attrs.Attribute[str], value: str) -> None:
        if isinstance(value, str) and not value.strip():
            raise InvalidInputError(
                f"The {label} must be given: an amendment to the attendance register shows "
                "the name and position of the person who made it (STAT-2; School Attendance "
                "(Pupil Registration) (England) Regulations 2024, regulation 6).",
                field=attribute.name,
            )
        check_text(value, label, 200, attribute.name)

    return validate


@attrs.frozen(kw_only=True)
class RecordAttendance(MarkCommand):
    """``effective_on`` is the day of the session."""


@attrs.frozen(kw_only=True)
class CorrectAttendance(MarkCommand):
    """``effective_on`` is the day of the session whose mark is amended (STAT-2).

    The register shows, for each amendment, the original entry, the amended entry, the
    reason, the date of the amendment and the name and position of the person who made it
    (School Attendance (Pupil Registration) (England) Regulations 2024, SI 2024/208,
    regulation 6): ``amended_by_name`` and ``amended_by_position`` (job title) are required;
    the date is the day the amendment is recorded (the event's ``timestamp``). Both are the
    staff member's personal data, sealed with their own key (``senad_ap.domain.staff``).
    """

    reason: str = attrs.field(validator=non_empty_text("reason for the correction"))
    # Added after the first release: a default, so that a caller that leaves them out gets
    # InvalidInputError naming the field rather than a TypeError.
    amended_by_name: str = attrs.field(
        default="", validator=_amender("name of the person making the amendment")
    )
    amended_by_position: str = attrs.field(
        default="", validator=_amender("position (job title) of the person making the amendment")
    )
    personal = (
        "reason",
        "activity",
        "supervised_by",
        "note",
        "amended_by_name",
        "amended_by_position",
    )
    staff_personal = ("amended_by_name", "amended_by_position")


@attrs.frozen(kw_only=True)
class ReviewProgress(PlacementCommand):
    progress: tuple[ObjectiveProgress, ...] = attrs.field(
        validator=items_of("progress per objective", ObjectiveProgress, min_items=1)
    )
    effectiveness: Effectiveness = attrs.field(
        converter=_as_effectiveness, validator=checked("effectiveness", Effectiveness)
    )
    next_review_on: date = attrs.field(validator=checked("next review date", date))
    with_provider: bool = attrs.field(default=False, validator=checked("with provider", bool))
    note: str | None = attrs.field(default=None, validator=optional_text("note"))
    personal = ("progress", "note")

    def __attrs_post_init__(self) -> None:
        if self.next_review_on <= self.effective_on:
            raise InvalidInputError(
                "The next review must come after this one.", field="next_review_on"
            )


@attrs.frozen(kw_only=True)
class AgreeReintegrationCriteria(PlacementCommand):
    criteria: tuple[str, ...] = attrs.field(
        validator=items_of("readiness criteria", str, min_items=1, max_items=30)
    )
    personal = ("criteria",)


@attrs.frozen(kw_only=True)
class AssessReintegration(PlacementCommand):
    ready: bool = attrs.field(validator=checked("ready to return", bool))
    criteria_met: tuple[str, ...] = attrs.field(
        default=(), validator=items_of("criteria met", str, max_items=30)
    )
    note: str | None = attrs.field(default=None, validator=optional_text("note"))
    personal = ("criteria_met", "note")


@attrs.frozen(kw_only=True)
class AgreeReintegrationSupport(PlacementCommand):
    support: tuple[str, ...] = attrs.field(
        validator=items_of("support package", str, min_items=1, max_items=30)
    )
    personal = ("support",)


@attrs.frozen(kw_only=True)
class EndPlacement(PlacementCommand):
    destination: Destination = attrs.field(
        converter=as_destination, validator=checked("destination", Destination)
    )
    note: str | None = attrs.field(default=None, validator=optional_text("note"))
    personal = ("note",)


@attrs.frozen(kw_only=True)
class RecordLocationRationale(PlacementCommand):
    """Why the placement uses its location, recorded or revised after the opening (LOC-2)."""

    rationale: str = attrs.field(validator=non_empty_text("rationale for the location"))
    personal = ("rationale",)
