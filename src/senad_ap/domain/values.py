"""Value types of the record: who acts, and the closed vocabularies the policy uses.

All are frozen attrs classes or enums. They hold no behaviour beyond checking that they make
sense on their own; the policy rules live in the deciders that use them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, TypeVar, cast
from uuid import UUID

import attrs

from senad_ap.domain.validation import checked, enum_text, non_empty_text, optional
from senad_ap.errors import InvalidInputError

__all__ = [
    "POLICY_VERSION",
    "Actor",
    "Context",
    "Destination",
    "PolicyParameters",
    "Role",
    "Weekday",
    "frozen_mapping",
    "mapping_field",
]

#: The version of the school group's policy section 7 that this code enforces (POL-1).
POLICY_VERSION = "section 7, version 6"
#: The review date the policy text gives for this version; it has passed (POL-1).
POLICY_REVIEW_DUE = date(2025, 12, 31)


class Role(enum.Enum):
    """The part a person plays. Authority comes from the role and from recorded delegation."""

    HEAD_TEACHER = "head teacher / head of service"
    SCHOOL_STAFF = "school staff"
    PROVIDER_STAFF = "provider staff"
    INSPECTOR = "inspector"


# Enumerated values may be given as the member or as its text (``"AM"``, ``"parents"``):
# named converters, so that type checkers see the text accepted too.


_ROLE_TEXT = enum_text(Role)


def _as_role(value: Role | str) -> Role:
    return cast(Role, _ROLE_TEXT(value))


@attrs.frozen
class Actor:
    """Who takes a decision or reads the record.

    Every actor belongs to a school (``school_id``). Provider staff also name their provider.
    The embedding system authenticates people; this library checks what they may do.
    """

    id: str = attrs.field(validator=non_empty_text("actor id", 200))
    role: Role = attrs.field(converter=_as_role, validator=checked("actor role", Role))
    school_id: str = attrs.field(validator=non_empty_text("school id", 200))
    provider_id: UUID | None = attrs.field(
        default=None, validator=optional("provider id of the actor", UUID)
    )

    def __attrs_post_init__(self) -> None:
        if self.role is Role.PROVIDER_STAFF and self.provider_id is None:
            raise InvalidInputError(
                "Provider staff must name the provider they work for.", field="provider_id"
            )


class Destination(enum.Enum):
    """Next steps after a placement (AIM-4)."""

    SEN_SCHOOL = "reintegration into the SEN school"
    MAINSTREAM_SCHOOL = "mainstream school"
    FURTHER_EDUCATION = "further education"
    TRAINING = "training"
    EMPLOYMENT = "employment"
    OTHER = "other"


_DESTINATION_TEXT = enum_text(Destination)


def as_destination(value: Destination | str) -> Destination:
    """``Destination`` from the member or its text (an attrs converter; see ``enum_text``)."""
    return cast(Destination, _DESTINATION_TEXT(value))


def as_optional_destination(value: Destination | str | None) -> Destination | None:
    """Like ``as_destination``, ``None`` kept."""
    return cast(Destination | None, _DESTINATION_TEXT(value))


class Weekday(enum.Enum):
    MONDAY = "Monday"
    TUESDAY = "Tuesday"
    WEDNESDAY = "Wednesday"
    THURSDAY = "Thursday"
    FRIDAY = "Friday"
    SATURDAY = "Saturday"
    SUNDAY = "Sunday"

    @classmethod
    def of(cls, day: date) -> Weekday:
        return list(cls)[day.weekday()]


K = TypeVar("K")
V = TypeVar("V")


def frozen_mapping(items: Mapping[K, V]) -> Mapping[K, V]:
    """A read-only view: states are shared (cached), so nobody may change them in place."""
    if isinstance(items, MappingProxyType):
        return items
    return MappingProxyType(dict(items))


def mapping_field() -> Any:
    """An attrs field holding a read-only mapping, empty by default."""
    return attrs.field(factory=dict, converter=frozen_mapping)


#: Metadata of a field added after values or commands holding it were first stored.
ADDED_LATER = "added_later"
#: Metadata of a date field that is not a decision's date (a date of birth, the policy's own
#: floor): the floor ``PolicyParameters.earliest_date`` does not apply to it.
NOT_A_DECISION_DATE = "not_a_decision_date"


@attrs.frozen(repr=False)
class PolicyParameters:
    """Numbers the rules need that the policy text leaves to the school group.

    ``full_time_hours``: weekly hours that count as full-time provision for the student, in
    total across settings (PLAN-2). The default, 32.5, is the DfE's expected length of the
    school week from September 2024.
    ``registration_full_time_hours``: weekly hours at one setting that count as *full-time
    education* there in the registration test of STAT-4, a different test with a lower
    number. An institution that gives full-time education to five or more pupils of
    compulsory school age, or to one such pupil with an EHC plan or who is looked after, is an
    independent school (Education Act 1996 s.463, as amended) and must be registered
    (Education and Skills Act 2008, s.96: conducting an unregistered independent educational
    institution is an offence). The statute does not define "full-time". The DfE's
    "Registration of independent schools" (departmental guidance, August 2019, Part A, "Full-time
    education") treats education as full-time where it is meant to be all or substantially all
    of a child's education, the hours a week among its factors; its consultation "Regulating
    independent educational institutions" (February 2020) proposed at least 18 hours a week as
    the line, "in keeping with its current practice". 18 hours itself counts (the cautious
    reading). Default 18; a setting is full-time for a pupil at this many hours a week or more.
    ``unregistered_full_time_pupils``: how many full-time pupils of compulsory school age make
    a setting an independent school that must be registered (STAT-4).
    ``max_days_ahead``: how far in the future a decision may take effect.
    ``max_hours_per_day``: the most hours a plan may count on one day, across all settings,
    so that full-time provision (PLAN-2) cannot be reached with an impossible day.
    ``register_retention_years``: how long attendance registers are kept after the last entry
    (STAT-7: at least six years). ``sen_file_retention_years``: how long a student's SEN file
    is kept after their date of birth (STAT-7: commonly date of birth + 31 years, IRMS
    toolkit); without a recorded date of birth it runs from the last entry instead, which is
    never earlier. A student's personal data may be erased when both have ended.
    ``longest_review_interval_weeks``: half a term, in school weeks, where the school's half
    terms are not recorded (STAT-3: DfE "Arranging alternative provision", 2025, expects
    reviews at least half-termly; a half term is commonly six teaching weeks), and the review
    interval before a plan sets one (COMM-5).
    ``longest_contact_interval_weeks``: the longest a running placement may go without a
    recorded contact with each of its outside providers (CONTACT-1: "on-going contact with
    the Alternative Provision"; six weeks, about a half term, the school group's choice).
    ``longest_quality_assurance_interval_weeks``: the longest an outside provider teaching a
    running placement may go without a quality-assurance visit (COMM-9: "regularly monitored,
    including through frequent monitoring of the effectiveness"; twelve weeks, about a term,
    the school group's choice).

    Absence followed up (COMM-6, NOTIFY-1, NOTIFY-2; docs/domain.md "Absence followed up").
    School days are counted by the school's recorded terms (weekdays inside a term, outside its
    half-term break; weekdays where no term is recorded).
    ``unexplained_absence_school_days``: how many school days after the session a code N
    ("reason for absence not yet established") may stay on the register before it is a
    finding (COMM-6). Default 5, the school group's choice: DfE, "Working together to
    improve school attendance" (statutory guidance, August 2024), code N, asks schools to
    establish the reason and amend the code (O if it stays unknown); the number of days is
    commonly put at 5 school days, but the guidance's own words for it were not found.
    ``absence_run_school_days``: a run of absence of this many school days in a row (every
    possible session absent, authorised or not) is a finding while it lasts (COMM-6). Default
    5, one school week: the school group's choice, not a statutory number; the guidance
    asks schools to act early on patterns of absence ("Working together to improve school
    attendance", August 2024) without a number for a run.
    ``continuous_absence_notification_school_days``: continuous absence without leave (every
    session unauthorised) of this many school days means an attendance return to the local
    authority (NOTIFY-1). Default 10: The School Attendance (Pupil Registration) (England)
    Regulations 2024 (SI 2024/208), regulation 13 ("Returns": a pupil absent without leave
    for a continuous period of 10 school days or more; paragraph to be checked), restated in
    "Working together to improve school attendance" (August 2024) as "absent without the
    school's permission for a continuous period of 10 school days or more".
    ``sickness_notification_school_days``: illness (code I) of this many school days, in a
    row or in all, means a sickness return to the local authority (NOTIFY-2). Default 15:
    SI 2024/208 regulation 13 (the sickness return: a pupil the school has reasonable grounds
    to believe will miss 15 school days or more, consecutively or cumulatively, because of
    sickness; paragraph to be checked), so that the local authority can arrange education
    under section 19 of the Education Act 1996 (DfE, "Arranging education for children who
    cannot attend school because of health needs", statutory guidance, December 2023: the
    local authority should arrange provision as soon as it is clear a child will be away
    for 15 school days or more).
    ``persistent_absence_rate`` and ``severe_absence_rate``: the share of possible sessions
    missed (authorised and unauthorised absence) from which a pupil is a *persistent* or a
    *severe* absentee. The defaults are the DfE's: a pupil is persistently absent who misses
    10% or more of their own possible sessions, severely absent at 50% or more, absence being
    authorised and unauthorised absence together (DfE, "Pupil absence statistics:
    methodology", explore-education-statistics.service.gov.uk/methodology/pupil-absence-in-
    schools-in-england, sections on persistent and severe absence; the 10% threshold since
    2015/16). Fractions: 0.10 is 10%.

    Dates bounded (docs/domain.md "Dates bounded").
    ``earliest_date``: no command takes effect, or carries a date (plan, review, term, access,
    validity, ratification dates), before this day. Default 2000-01-01: the school group's
    floor, not a statutory one, well before any record it holds; it stops a decision being
    dated into a past the record never had (a placement "opened" in the year 25 would be
    past its retention, and erasable, at once). A date of birth is not a decision's date
    and is not bounded by it.
    ``longest_inspector_access_days``: the latest end of an inspector's access, in days
    after the day it is granted (COMM-1). Default 366, a year at a time: the school group's
    choice; access for longer is granted again.
    """

    # Fields added after policy versions were first stored carry ``added_later``: left out
    # of the stored and hashed form while they hold their default, so that a version
    # recorded before they existed keeps its hash and its command's fingerprint.
    version: str = POLICY_VERSION
    full_time_hours: Decimal = Decimal("32.5")
    registration_full_time_hours: Decimal = Decimal("18")
    unregistered_full_time_pupils: int = 5
    max_days_ahead: int = 366
    max_hours_per_day: Decimal = Decimal("12")
    longest_review_interval_weeks: int = 6
    longest_contact_interval_weeks: int = 6
    longest_quality_assurance_interval_weeks: int = 12
    register_retention_years: int = 6
    sen_file_retention_years: int = 31
    # Absence followed up (COMM-6, NOTIFY-1, NOTIFY-2): sources in the docstring.
    unexplained_absence_school_days: int = attrs.field(default=5, metadata={ADDED_LATER: True})
    absence_run_school_days: int = attrs.field(default=5, metadata={ADDED_LATER: True})
    continuous_absence_notification_school_days: int = attrs.field(
        default=10, metadata={ADDED_LATER: True}
    )
    sickness_notification_school_days: int = attrs.field(default=15, metadata={ADDED_LATER: True})
    # DfE: persistent absence 10% or more, severe absence 50% or more of possible sessions.
    persistent_absence_rate: Decimal = attrs.field(
        default=Decimal("0.10"), metadata={ADDED_LATER: True}
    )
    severe_absence_rate: Decimal = attrs.field(
        default=Decimal("0.50"), metadata={ADDED_LATER: True}
    )
    # Dates bounded: the school group's floor and the longest inspector access at a time.
    earliest_date: date = attrs.field(
        default=date(2000, 1, 1), metadata={ADDED_LATER: True, NOT_A_DECISION_DATE: True}
    )
    longest_inspector_access_days: int = attrs.field(default=366, metadata={ADDED_LATER: True})

    def __repr__(self) -> str:
        shown = (
            f"{field.name}={getattr(self, field.name)!r}"
            for field in attrs.fields(PolicyParameters)
            if field.name not in defaults_added_later(self)
        )
        return f"PolicyParameters({', '.join(shown)})"


def defaults_added_later(value: Any) -> set[str]:
    """The fields of attrs ``value`` that were added later and still hold their default: the
    stored form and the hash leave them out, as they were before the field existed."""
    return {
        field.name
        for field in attrs.fields(type(value))
        if field.metadata.get(ADDED_LATER) and getattr(value, field.name) == field.default
    }


@attrs.frozen
class Context:
    """What the caller supplies that is not in the command: the time and the rules in force.

    The domain has no clock: the application reads it and passes it here.
    """

    recorded_at: datetime
    policy: PolicyParameters = PolicyParameters()

    @property
    def today(self) -> date:
        return self.recorded_at.date()
