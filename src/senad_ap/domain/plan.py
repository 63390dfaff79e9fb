"""The personalised plan (PLAN-3) and the vocabulary of a placement.

A plan holds what the policy asks of it: objectives with areas, baselines and timeframes
(AIM-1, PLAN-3, QUAL-2), monitoring and assessment arrangements, a review interval (COMM-7,
STAT-3), an intended destination (AIM-4), the weekly pattern of hours per setting and the
school days (PLAN-2, PT-2), the services involved (QUAL-4), contact and challenge arrangements
(CONTACT-1), the link to an EHC plan (PLAN-4) and curriculum continuity (PT-1).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import ClassVar, cast
from uuid import UUID

import attrs

from senad_ap.domain.validation import (
    checked,
    enum_items,
    enum_text,
    hours,
    items_of,
    non_empty_text,
    optional,
    optional_text,
    positive_int,
)
from senad_ap.domain.values import Destination, Weekday, as_optional_destination
from senad_ap.errors import InvalidInputError

__all__ = [
    "Effectiveness",
    "NeedArea",
    "Objective",
    "ObjectiveArea",
    "ObjectiveProgress",
    "Plan",
    "ProgressRating",
    "Reason",
    "Service",
    "Setting",
    "WeeklyHours",
]

SCHOOL_WEEK = (
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
)


class Reason(enum.Enum):
    """Why alternative provision is needed (NEED-1)."""

    BEHAVIOUR = "behaviour"
    ANXIETY = "anxiety"
    MEDICAL = "medical"
    OTHER = "other"


class Setting(enum.Enum):
    """Where teaching happens (LOC-1, NEED-2, LOC-3)."""

    ON_SITE = "on the school's site, apart from peers"
    SIDE_ROOM_OF_CLASSROOM = "a side room linked to a main classroom"
    OUTSIDE_PROVIDER = "an outside provider"
    ALLIED_CHILDRENS_HOME = "the allied children's home"
    SCHOOL_CLASS = "the student's usual classes at school"

    @property
    def is_alternative_provision(self) -> bool:
        # NEED-2: a side room of a classroom keeps the student in the class group.
        return self not in (Setting.SIDE_ROOM_OF_CLASSROOM, Setting.SCHOOL_CLASS)


class NeedArea(enum.Enum):
    """The four broad areas of need of the SEND Code of Practice."""

    COMMUNICATION_AND_INTERACTION = "communication and interaction"
    COGNITION_AND_LEARNING = "cognition and learning"
    SOCIAL_EMOTIONAL_MENTAL_HEALTH = "social, emotional and mental health"
    SENSORY_AND_PHYSICAL = "sensory and/or physical"


class ObjectiveArea(enum.Enum):
    """What an objective is about (AIM-1, AIM-3, QUAL-2)."""

    ENGLISH = "English"
    MATHEMATICS = "mathematics"
    PERSONAL_AND_SOCIAL = "personal and social development"
    ATTENDANCE = "attendance"
    ENGAGEMENT = "motivation and engagement"
    QUALIFICATION = "qualification"
    REINTEGRATION = "reintegration"
    OTHER = "other"


class Service(enum.Enum):
    """Other services working with the student (QUAL-4)."""

    SOCIAL_CARE = "social care"
    THERAPY = "therapy services"
    EDUCATIONAL_PSYCHOLOGY = "educational psychology"
    CAMHS = "child and adolescent mental health services"
    YOUTH_OFFENDING_TEAM = "youth offending team"
    DRUG_SUPPORT = "drug support services"
    OTHER = "other"


class ProgressRating(enum.Enum):
    """Progress against one objective at a review (QUAL-1)."""

    NOT_YET_STARTED = "not yet started"
    BELOW_EXPECTED = "below expected"
    AS_EXPECTED = "as expected"
    ABOVE_EXPECTED = "above expected"
    ACHIEVED = "achieved"


class Effectiveness(enum.Enum):
    """How well the provision is working (COMM-9)."""

    EFFECTIVE = "effective"
    PARTLY_EFFECTIVE = "partly effective"
    NOT_EFFECTIVE = "not effective"


# Enumerated values may be given as the member or as its text (``"AM"``, ``"parents"``):
# named converters, so that type checkers see the text accepted too.


_OBJECTIVE_AREA_TEXT = enum_text(ObjectiveArea)


def _as_objective_area(value: ObjectiveArea | str) -> ObjectiveArea:
    return cast(ObjectiveArea, _OBJECTIVE_AREA_TEXT(value))


_PROGRESS_RATING_TEXT = enum_text(ProgressRating)


def _as_progress_rating(value: ProgressRating | str) -> ProgressRating:
    return cast(ProgressRating, _PROGRESS_RATING_TEXT(value))


_SETTING_TEXT = enum_text(Setting)


def as_setting(value: Setting | str) -> Setting:
    """``Setting`` from the member or its text (an attrs converter; see ``enum_text``)."""
    return cast(Setting, _SETTING_TEXT(value))


_WEEKDAY_TEXT = enum_text(Weekday)


def _as_weekday(value: Weekday | str) -> Weekday:
    return cast(Weekday, _WEEKDAY_TEXT(value))


_SERVICE_ITEMS = enum_items(Service)


def _as_service_items(value: Sequence[Service | str]) -> tuple[Service, ...]:
    return cast(tuple[Service, ...], _SERVICE_ITEMS(value))


_WEEKDAY_ITEMS = enum_items(Weekday)


def _as_weekday_items(value: Sequence[Weekday | str]) -> tuple[Weekday, ...]:
    return cast(tuple[Weekday, ...], _WEEKDAY_ITEMS(value))


@attrs.frozen
class Objective:
    """One objective: what, from which baseline, by when (PLAN-3)."""

    reference: str = attrs.field(validator=non_empty_text("objective reference", 40))
    area: ObjectiveArea = attrs.field(
        converter=_as_objective_area, validator=checked("objective area", ObjectiveArea)
    )
    description: str = attrs.field(validator=non_empty_text("objective description"))
    baseline: str = attrs.field(validator=non_empty_text("objective baseline"))
    target_date: date = attrs.field(validator=checked("objective target date", date))
    qualification: str | None = attrs.field(
        default=None, validator=optional_text("qualification", 200)
    )
    personal: ClassVar[tuple[str, ...]] = ("description", "baseline")


@attrs.frozen
class WeeklyHours:
    """Hours on one weekday in one setting; an outside provider is named by its id."""

    day: Weekday = attrs.field(converter=_as_weekday, validator=checked("day", Weekday))
    setting: Setting = attrs.field(converter=as_setting, validator=checked("setting", Setting))
    hours: Decimal = attrs.field(validator=hours("weekly hours"))
    provider_id: UUID | None = attrs.field(default=None, validator=optional("provider id", UUID))

    def __attrs_post_init__(self) -> None:
        if (self.setting is Setting.OUTSIDE_PROVIDER) != (self.provider_id is not None):
            raise InvalidInputError(
                "Hours at an outside provider must name the provider, and only those do.",
                field="provider_id",
            )


@attrs.frozen
class ObjectiveProgress:
    """Progress against one objective, at a review (QUAL-1)."""

    reference: str = attrs.field(validator=non_empty_text("objective reference", 40))
    rating: ProgressRating = attrs.field(
        converter=_as_progress_rating, validator=checked("progress rating", ProgressRating)
    )
    note: str | None = attrs.field(default=None, validator=optional_text("progress note"))
    personal: ClassVar[tuple[str, ...]] = ("note",)


def _unique_references(_: object, __: object, objectives: tuple[Objective, ...]) -> None:
    references = [objective.reference for objective in objectives]
    if len(set(references)) != len(references):
        raise InvalidInputError("Each objective needs its own reference.", field="objectives")


def _one_entry_per_day_and_place(_: object, __: object, pattern: tuple[WeeklyHours, ...]) -> None:
    places = [(entry.day, entry.setting, entry.provider_id) for entry in pattern]
    if len(set(places)) != len(places):
        raise InvalidInputError(
            "The weekly pattern names the same day and setting twice; add the hours together.",
            field="weekly_pattern",
        )


@attrs.frozen
class Plan:
    """The personalised plan for intervention (PLAN-3), agreed or revised as a whole."""

    objectives: tuple[Objective, ...] = attrs.field(
        validator=[items_of("objectives", Objective, min_items=1, max_items=50), _unique_references]
    )
    review_interval_weeks: int = attrs.field(validator=positive_int("review interval (weeks)", 52))
    monitoring_arrangements: str = attrs.field(validator=non_empty_text("monitoring arrangements"))
    assessment_arrangements: str = attrs.field(validator=non_empty_text("assessment arrangements"))
    weekly_pattern: tuple[WeeklyHours, ...] = attrs.field(
        validator=[
            items_of("weekly pattern", WeeklyHours, min_items=1, max_items=70),
            _one_entry_per_day_and_place,
        ]
    )
    intended_destination: Destination | None = attrs.field(
        default=None,
        converter=as_optional_destination,
        validator=optional("intended destination", Destination),
    )
    school_days: tuple[Weekday, ...] = attrs.field(
        default=SCHOOL_WEEK,
        converter=_as_weekday_items,
        validator=items_of("school days", Weekday, min_items=1, max_items=7),
    )
    services_involved: tuple[Service, ...] = attrs.field(
        default=(),
        converter=_as_service_items,
        validator=items_of("services involved", Service, max_items=20),
    )
    contact_arrangements: str | None = attrs.field(
        default=None, validator=optional_text("contact arrangements")
    )
    challenge_arrangements: str | None = attrs.field(
        default=None, validator=optional_text("challenge arrangements")
    )
    ehcp_reference: str | None = attrs.field(
        default=None, validator=optional_text("EHC plan reference", 100)
    )
    curriculum_continuity: str | None = attrs.field(
        default=None, validator=optional_text("curriculum continuity")
    )
    agreed_with_providers: bool = attrs.field(
        default=False, validator=checked("agreed with providers", bool)
    )
    #: The objectives and the free-text arrangements, which are about this student.
    personal: ClassVar[tuple[str, ...]] = (
        "objectives", "monitoring_arrangements", "assessment_arrangements",
        "contact_arrangements", "challenge_arrangements", "curriculum_continuity",
    )  # fmt: skip

    @property
    def weekly_hours(self) -> Decimal:
        """Hours of provision in a week, across all settings (PLAN-2)."""
        return sum(
            (entry.hours for entry in self.weekly_pattern if entry.day in self.school_days),
            Decimal(0),
        )

    def hours_at(self, provider_id: UUID) -> Decimal:
        return sum(
            (e.hours for e in self.weekly_pattern if e.provider_id == provider_id), Decimal(0)
        )

    @property
    def provider_ids(self) -> frozenset[UUID]:
        return frozenset(e.provider_id for e in self.weekly_pattern if e.provider_id is not None)

    @property
    def settings(self) -> frozenset[Setting]:
        return frozenset(entry.setting for entry in self.weekly_pattern)

    def days_covered(self) -> frozenset[Weekday]:
        return frozenset(entry.day for entry in self.weekly_pattern)

    def days_not_covered(self) -> tuple[Weekday, ...]:
        """School days with no hours anywhere (PT-2)."""
        covered = self.days_covered()
        return tuple(day for day in self.school_days if day not in covered)

    def areas(self) -> frozenset[ObjectiveArea]:
        return frozenset(objective.area for objective in self.objectives)

    def references(self) -> Iterable[str]:
        return (objective.reference for objective in self.objectives)
