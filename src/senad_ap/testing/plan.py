"""Plans and their parts: objectives, progress against them, weekly hours and patterns, school
weeks. Each plan is valid on its own and, agreed on the day it is drawn for, meets PLAN-2."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from senad_ap.domain.plan import (
    SCHOOL_WEEK,
    Objective,
    ObjectiveArea,
    ObjectiveProgress,
    Plan,
    ProgressRating,
    Service,
    Setting,
    WeeklyHours,
)
from senad_ap.domain.values import Destination, PolicyParameters, Weekday
from senad_ap.testing.values import _optional_texts, _references, _strategy, _texts

__all__ = [
    "objective_progress",
    "objectives",
    "plans",
    "school_days",
    "weekly_hours",
    "weekly_patterns",
]

_FULL_TIME_HOURS = PolicyParameters().full_time_hours
# A plan counts at most this many hours a day across all settings, in quarter hours.
_MOST_QUARTERS_A_DAY = int(PolicyParameters().max_hours_per_day * 4)


def objectives(
    *,
    after: date | None = None,
    area: ObjectiveArea | st.SearchStrategy[ObjectiveArea] | None = None,
    reference: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Objective]:
    """Plan objectives with a baseline and a target date after ``after`` (PLAN-3).

    Without ``after``, target dates fall in 2026 to 2040, after any plan ``valid_histories``
    agrees.
    """
    if after is None:
        targets = st.dates(date(2026, 1, 1), date(2040, 12, 31))
    else:
        targets = st.dates(after + timedelta(days=1), after + timedelta(days=730))
    return st.builds(
        Objective,
        reference=_strategy(reference, _references()),
        area=_strategy(area, st.sampled_from(ObjectiveArea)),
        description=_texts(),
        baseline=_texts(),
        target_date=targets,
        qualification=_optional_texts(40),
    )


def objective_progress(
    *, references: Sequence[str] | None = None
) -> st.SearchStrategy[ObjectiveProgress]:
    """Progress against one objective at a review; its reference is one of ``references``."""
    chosen = _references() if references is None else st.sampled_from(tuple(references))
    return st.builds(
        ObjectiveProgress,
        reference=chosen,
        rating=st.sampled_from(ProgressRating),
        note=_optional_texts(),
    )


def _hours(quarters: int, two_places: bool) -> Decimal:
    hours = Decimal(quarters) / 4
    return hours.quantize(Decimal("0.01")) if two_places else hours


def weekly_hours(
    *,
    day: Weekday | st.SearchStrategy[Weekday] | None = None,
    setting: Setting | st.SearchStrategy[Setting] | None = None,
    provider_id: UUID | None = None,
) -> st.SearchStrategy[WeeklyHours]:
    """One entry of a weekly pattern. An outside provider is named (drawn if not given).

    Settings drawn by default are those a plan may use for any student: on site, outside, or
    the student's usual classes (never a side room of a classroom, NEED-2, nor the children's
    home, which only residential students may use, LOC-3).
    """
    settings = st.sampled_from((Setting.ON_SITE, Setting.OUTSIDE_PROVIDER, Setting.SCHOOL_CLASS))
    return _weekly_hours(
        _strategy(day, st.sampled_from(Weekday)), _strategy(setting, settings), provider_id
    )


@st.composite
def _weekly_hours(
    draw: st.DrawFn,
    days: st.SearchStrategy[Weekday],
    settings: st.SearchStrategy[Setting],
    provider_id: UUID | None,
) -> WeeklyHours:
    setting = draw(settings)
    if setting is Setting.OUTSIDE_PROVIDER and provider_id is None:
        provider_id = draw(st.uuids())
    quarters = draw(st.integers(1, _MOST_QUARTERS_A_DAY))
    return WeeklyHours(
        day=draw(days),
        setting=setting,
        hours=_hours(quarters, draw(st.booleans())),
        provider_id=provider_id if setting is Setting.OUTSIDE_PROVIDER else None,
    )


def school_days() -> st.SearchStrategy[tuple[Weekday, ...]]:
    """The days of a plan's school week: usually Monday to Friday, else three days or more."""
    other_weeks = st.lists(st.sampled_from(Weekday), min_size=3, max_size=7, unique=True).map(
        lambda days: tuple(day for day in Weekday if day in days)
    )
    return st.one_of(st.just(SCHOOL_WEEK), other_weeks)


@st.composite
def weekly_patterns(
    draw: st.DrawFn,
    *,
    provider_ids: Sequence[UUID] = (),
    full_time: bool = True,
    days: Sequence[Weekday] = SCHOOL_WEEK,
    residential: bool = False,
    full_time_hours: Decimal = _FULL_TIME_HOURS,
) -> tuple[WeeklyHours, ...]:
    """A weekly pattern of hours per day and setting over the school ``days``.

    ``full_time=True``: the hours add up to at least ``full_time_hours`` (PLAN-2); ``False``:
    to less (a part-time plan, valid only with a medical exemption). Every provider in
    ``provider_ids`` gets hours on at least one day. The children's home is used only when
    ``residential`` (LOC-3); a side room of a classroom never (NEED-2).
    """
    days = tuple(dict.fromkeys(days))
    if not days:
        raise InvalidArgument("weekly_patterns needs at least one school day.")
    threshold = int(full_time_hours * 4)
    places: list[tuple[Setting, UUID | None]] = [
        (Setting.ON_SITE, None),
        (Setting.SCHOOL_CLASS, None),
    ]
    if residential:
        places.append((Setting.ALLIED_CHILDRENS_HOME, None))
    places += [
        (Setting.OUTSIDE_PROVIDER, provider_id) for provider_id in dict.fromkeys(provider_ids)
    ]
    if full_time:
        covered = days
        least = -(-threshold // len(days))  # ceiling: full-time in total across the days
        most = _MOST_QUARTERS_A_DAY
        if least > most:
            raise InvalidArgument(
                f"{len(days)} school day(s) of at most {most / 4} hours cannot hold "
                f"{full_time_hours} hours."
            )
    else:
        covered = tuple(
            draw(st.lists(st.sampled_from(days), min_size=1, max_size=len(days), unique=True))
        )
        least, most = 1, min(_MOST_QUARTERS_A_DAY, (threshold - 1) // len(covered))
    required: dict[Weekday, list[tuple[Setting, UUID | None]]] = {day: [] for day in covered}
    for provider_id in dict.fromkeys(provider_ids):
        required[draw(st.sampled_from(covered))].append((Setting.OUTSIDE_PROVIDER, provider_id))
    pattern: list[WeeklyHours] = []
    two_places = draw(st.booleans())
    for day in covered:
        extra = draw(st.lists(st.sampled_from(places), max_size=2, unique=True))
        chosen = list(dict.fromkeys(required[day] + extra)) or [draw(st.sampled_from(places))]
        total = draw(st.integers(max(least, len(chosen)), max(most, len(chosen))))
        cuts: list[int] = []
        if len(chosen) > 1:
            pieces = len(chosen) - 1
            cuts = sorted(
                draw(
                    st.lists(
                        st.integers(1, total - 1), min_size=pieces, max_size=pieces, unique=True
                    )
                )
            )
        bounds = [0, *cuts, total]
        for (setting, at), low, high in zip(chosen, bounds, bounds[1:], strict=False):
            pattern.append(WeeklyHours(day, setting, _hours(high - low, two_places), at))
    return tuple(pattern)


@st.composite
def plans(
    draw: st.DrawFn,
    *,
    provider_ids: Sequence[UUID] = (),
    full_time: bool = True,
    agreed_on: date | None = None,
    residential: bool = False,
    days: Sequence[Weekday] | None = None,
    full_time_hours: Decimal = _FULL_TIME_HOURS,
) -> Plan:
    """A personalised plan (PLAN-3) with objectives, arrangements and a weekly pattern.

    Agreed on ``agreed_on`` (every target date falls after it), with full-time hours unless
    ``full_time=False`` (then it needs a medical exemption on the record, PLAN-2), every
    provider in ``provider_ids`` used in the weekly pattern. ``days`` fixes the school week
    (drawn by ``school_days()`` if not given).

    >>> plan = plans(full_time=True).example()
    >>> plan.weekly_hours >= Decimal("32.5")
    True
    """
    week = tuple(days) if days is not None else draw(school_days())
    return Plan(
        objectives=tuple(
            draw(
                st.lists(
                    objectives(after=agreed_on),
                    min_size=1,
                    max_size=4,
                    unique_by=lambda objective: objective.reference,
                )
            )
        ),
        review_interval_weeks=draw(st.integers(1, 52)),
        monitoring_arrangements=draw(_texts()),
        assessment_arrangements=draw(_texts()),
        weekly_pattern=draw(
            weekly_patterns(
                provider_ids=provider_ids,
                full_time=full_time,
                days=week,
                residential=residential,
                full_time_hours=full_time_hours,
            )
        ),
        intended_destination=draw(st.none() | st.sampled_from(Destination)),
        school_days=week,
        services_involved=tuple(draw(st.lists(st.sampled_from(Service), max_size=3, unique=True))),
        contact_arrangements=draw(_optional_texts()),
        challenge_arrangements=draw(_optional_texts()),
        ehcp_reference=draw(_optional_texts(20)),
        curriculum_continuity=draw(_optional_texts()),
        agreed_with_providers=draw(st.booleans()),
    )
