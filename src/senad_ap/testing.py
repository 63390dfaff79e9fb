"""Hypothesis strategies for property tests of senad_ap and of the systems that embed it.

Everything here makes *valid* values: a plan passes its own checks and, agreed on the day it
is drawn for, meets PLAN-2; an attendance mark never pairs ``/`` with the afternoon; a whole
history (``valid_histories``) runs through ``AlternativeProvision.execute`` without a refusal.
To test refusals, start from these and break one thing.

Hypothesis is a test dependency, not a runtime one: ``import senad_ap`` never imports this
module. When Hypothesis is installed, its plugin entry point (declared in ``pyproject.toml``)
calls ``_hypothesis_setup_hook``, so ``st.from_type(Plan)``, ``st.from_type(Objective)``,
``st.from_type(WeeklyHours)``, ``st.from_type(Actor)``, ``st.from_type(ObjectiveProgress)`` and
``st.from_type(AttendanceCode)`` give valid values with no import from this module.

Histories are dated relative to a fixed "now" (``HISTORY_NOW`` unless you pass another), so run
them with a clock that stands at that moment:

>>> from hypothesis import given, settings
>>> from senad_ap import AlternativeProvision
>>> from senad_ap.testing import HISTORY_NOW, clock_at, valid_histories
>>> @settings(max_examples=5)
... @given(valid_histories())
... def test_every_valid_history_is_accepted(history):
...     app = AlternativeProvision.in_memory(clock=clock_at(HISTORY_NOW))
...     for command in history:
...         app.execute(command)
>>> test_every_valid_history_is_accepted()

Command strategies take their arguments either as plain values or as strategies (for example
``actor=head`` or ``actor=actors(role=Role.HEAD_TEACHER)``); an argument left out is drawn.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

import attrs

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.base import Command
from senad_ap.domain.placement import (
    AgreePlan,
    AgreeReintegrationCriteria,
    AgreeReintegrationSupport,
    AssessNeeds,
    AssessReintegration,
    ConsentParty,
    CorrectAttendance,
    EndPlacement,
    GiveConsent,
    InformationParty,
    InformationScope,
    OpenPlacement,
    RecordAttendance,
    RecordMedicalExemption,
    ReviewProgress,
    RevisePlan,
    ShareInformation,
    StartPlacement,
    WithdrawConsent,
)
from senad_ap.domain.plan import (
    SCHOOL_WEEK,
    Effectiveness,
    NeedArea,
    Objective,
    ObjectiveArea,
    ObjectiveProgress,
    Plan,
    ProgressRating,
    Reason,
    Service,
    Setting,
    WeeklyHours,
)
from senad_ap.domain.provider import (
    MAX_RISK_ASSESSMENT_VALIDITY,
    AssessProviderRisk,
    ConfirmProviderRegistration,
    ProviderCommand,
    ProviderKind,
    RegisterProvider,
    RiskOutcome,
)
from senad_ap.domain.school import AppointDelegate, RecordTerm
from senad_ap.domain.validation import SEAL_MARKS
from senad_ap.domain.values import Actor, Destination, PolicyParameters, Role, Weekday


def _hypothesis_setup_hook() -> None:
    """Make ``st.from_type`` give valid values of the public value types.

    Hypothesis calls this through the ``hypothesis`` entry point in ``pyproject.toml`` when it
    is imported. It is defined before this module imports Hypothesis: when this module is
    imported first, Hypothesis loads its plugins while the module is half loaded, finds this
    hook and calls it too early; the registration then happens as the module finishes
    loading (its last line).
    """
    register = globals().get("_register_types")
    if register is not None:
        register()


# Imported after the hook on purpose (see the hook's docstring).
from hypothesis import strategies as st  # noqa: E402
from hypothesis.errors import InvalidArgument  # noqa: E402

__all__ = [
    "HISTORY_NOW",
    "FixedClock",
    "actors",
    "agree_plan_commands",
    "assess_needs_commands",
    "attendance_codes",
    "attendance_marks",
    "clock_at",
    "correct_attendance_commands",
    "end_placement_commands",
    "give_consent_commands",
    "medical_exemption_commands",
    "objective_progress",
    "objectives",
    "open_placement_commands",
    "plans",
    "provider_commands",
    "record_attendance_commands",
    "record_term_commands",
    "register_provider_commands",
    "reintegration_assessment_commands",
    "reintegration_criteria_commands",
    "reintegration_support_commands",
    "review_progress_commands",
    "revise_plan_commands",
    "school_days",
    "school_ids",
    "share_information_commands",
    "start_placement_commands",
    "student_references",
    "valid_histories",
    "weekly_hours",
    "weekly_patterns",
    "withdraw_consent_commands",
]

T = TypeVar("T")

#: The moment ``valid_histories`` dates its histories against by default (a Friday afternoon).
HISTORY_NOW = datetime(2025, 7, 18, 15, 30, tzinfo=UTC)

_FULL_TIME_HOURS = PolicyParameters().full_time_hours
# A plan counts at most this many hours a day across all settings, in quarter hours.
_MOST_QUARTERS_A_DAY = int(PolicyParameters().max_hours_per_day * 4)


# --------------------------------------------------------------------------- the clock
class FixedClock:
    """A clock for ``AlternativeProvision(clock=...)`` that stands still until it is moved.

    >>> clock = FixedClock(datetime(2025, 7, 18, 15, 30, tzinfo=UTC))
    >>> clock().date().isoformat()
    '2025-07-18'
    >>> clock.advance(timedelta(days=3))
    >>> clock.today.isoformat()
    '2025-07-21'
    """

    def __init__(self, now: datetime) -> None:
        if not isinstance(now, datetime) or now.tzinfo is None:
            raise InvalidArgument("FixedClock needs a timezone-aware datetime.")
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    @property
    def today(self) -> date:
        return self.now.date()

    def advance(self, delta: timedelta = timedelta(days=1)) -> None:
        """Move the clock on (or back, with a negative ``delta``)."""
        self.now = self.now + delta

    def __repr__(self) -> str:
        return f"FixedClock({self.now!r})"


def clock_at(now: datetime = HISTORY_NOW) -> FixedClock:
    """A ``FixedClock`` standing at ``now``: the clock to run ``valid_histories`` with.

    >>> from senad_ap import AlternativeProvision
    >>> app = AlternativeProvision.in_memory(clock=clock_at(HISTORY_NOW))
    """
    return FixedClock(now)


# --------------------------------------------------------------------------- small values
def _strategy(
    value: T | st.SearchStrategy[T] | None, default: st.SearchStrategy[T]
) -> st.SearchStrategy[T]:
    if value is None:
        return default
    if isinstance(value, st.SearchStrategy):
        return value
    return st.just(value)


# Text never holds the brackets of a sealed personal value (the commands refuse them).
_CHARACTERS = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters=SEAL_MARKS
)


# Strategies are cached: Hypothesis validates each new strategy object on its first draw, and
# a history draws thousands of small values.
@functools.cache
def _texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Text the commands accept: not empty, not only spaces, no control characters."""
    return st.text(_CHARACTERS, min_size=1, max_size=max_size).filter(
        lambda text: bool(text.strip())
    )


def _births(on: date) -> st.SearchStrategy[date]:
    """A pupil's date of birth: 4 to 25 years before ``on``."""
    return st.dates(on.replace(year=on.year - 25, day=1), on.replace(year=on.year - 4, day=1))


@functools.cache
def _optional_texts(max_size: int = 60) -> st.SearchStrategy[str | None]:
    return st.none() | _texts(max_size)


@functools.cache
def _text_tuples(
    min_size: int, max_size: int, item_size: int = 40
) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(_texts(item_size), min_size=min_size, max_size=max_size, unique=True).map(tuple)


_LETTERS = st.sampled_from(string.ascii_uppercase)


@functools.cache
def school_ids() -> st.SearchStrategy[str]:
    """School ids such as ``"712E"``."""
    return st.builds("{}{}".format, st.integers(100, 999), _LETTERS)


@functools.cache
def student_references() -> st.SearchStrategy[str]:
    """Pseudonymous student references such as ``"STU-0042"`` (never a name)."""
    usual = st.builds("{}-{:04d}".format, st.sampled_from(("STU", "S", "AP")), st.integers(0, 9999))
    unusual = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,20}", fullmatch=True)
    return st.one_of(usual, unusual)


@functools.cache
def _actor_ids() -> st.SearchStrategy[str]:
    roles = st.sampled_from(("head", "staff", "senco", "deputy", "tutor"))
    return st.builds("{}-{}".format, roles, st.integers(0, 999)) | _texts(40)


def _days(
    on: date | st.SearchStrategy[date] | None, now: datetime = HISTORY_NOW
) -> st.SearchStrategy[date]:
    # By default, a day in the year up to HISTORY_NOW: never refused as too far ahead.
    today = now.date()
    return _strategy(on, st.dates(today - timedelta(days=365), today))


def actors(
    *,
    role: Role | st.SearchStrategy[Role] | None = None,
    school_id: str | st.SearchStrategy[str] | None = None,
    provider_id: UUID | st.SearchStrategy[UUID] | None = None,
) -> st.SearchStrategy[Actor]:
    """People who act on the record. Provider staff always name a provider.

    >>> actor = actors(role=Role.HEAD_TEACHER, school_id="712E").example()
    >>> (actor.role, actor.school_id)
    (<Role.HEAD_TEACHER: 'head teacher / head of service'>, '712E')
    """
    return _actors(
        _strategy(role, st.sampled_from(Role)),
        _strategy(school_id, school_ids()),
        None if provider_id is None else _strategy(provider_id, st.uuids()),
    )


@st.composite
def _actors(
    draw: st.DrawFn,
    roles: st.SearchStrategy[Role],
    schools: st.SearchStrategy[str],
    providers: st.SearchStrategy[UUID] | None,
) -> Actor:
    role = draw(roles)
    provider_id = None
    if providers is not None:
        provider_id = draw(providers)
    elif role is Role.PROVIDER_STAFF:
        provider_id = draw(st.uuids())
    return Actor(id=draw(_actor_ids()), role=role, school_id=draw(schools), provider_id=provider_id)


def attendance_codes(
    *, session: Session | None = None, attending: bool | None = None
) -> st.SearchStrategy[AttendanceCode]:
    """National attendance codes (STAT-1).

    ``session``: only codes that may mark that session ('/' is morning only, '\\' afternoon
    only). ``attending=False``: only codes that say the student was neither there nor at an
    approved activity, the marks a placement suspended by withdrawn consent still takes
    (INFO-2); ``True``: only those that say they were.
    """
    return _attendance_codes(session, attending)


@functools.cache
def _attendance_codes(
    session: Session | None, attending: bool | None
) -> st.SearchStrategy[AttendanceCode]:
    return st.sampled_from(_attendance_code_list(session, attending))


@functools.cache
def _attendance_code_list(
    session: Session | None, attending: bool | None
) -> tuple[AttendanceCode, ...]:
    return tuple(
        code
        for code in AttendanceCode
        if (session is None or code.meaning.only_session in (None, session))
        and (attending is None or code.means_attending_the_placement is attending)
    )


def attendance_marks(
    *, attending: bool | None = None
) -> st.SearchStrategy[tuple[Session, AttendanceCode]]:
    """A session and a code that may mark it: ``/`` only in the morning, ``\\`` only after noon.

    >>> session, code = attendance_marks().example()
    >>> code.meaning.only_session in (None, session)
    True
    """
    return st.sampled_from(Session).flatmap(
        lambda session: st.tuples(
            st.just(session), attendance_codes(session=session, attending=attending)
        )
    )


@functools.cache
def _references() -> st.SearchStrategy[str]:
    return st.builds("{}{}".format, _LETTERS, st.integers(1, 99))


@functools.cache
def _urns() -> st.SearchStrategy[str]:
    # A URN has 6 digits, a UKPRN 8.
    return st.integers(100_000, 999_999).map(str) | st.integers(10_000_000, 99_999_999).map(str)


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


# --------------------------------------------------------------------------- provider commands
def register_provider_commands(
    *,
    provider_id: UUID | st.SearchStrategy[UUID] | None = None,
    actor: Actor | st.SearchStrategy[Actor] | None = None,
    on: date | st.SearchStrategy[date] | None = None,
    kind: ProviderKind | st.SearchStrategy[ProviderKind] | None = None,
) -> st.SearchStrategy[RegisterProvider]:
    """``RegisterProvider`` commands (by a Head Teacher unless ``actor`` is given).

    An unregistered provider never delivers accredited education here (COMM-3 would keep it
    from ever starting a placement).
    """
    return _register_provider(
        _strategy(provider_id, st.uuids()),
        _strategy(actor, actors(role=Role.HEAD_TEACHER)),
        _days(on),
        _strategy(kind, st.sampled_from(ProviderKind)),
    )


@st.composite
def _register_provider(
    draw: st.DrawFn,
    provider_ids: st.SearchStrategy[UUID],
    actors_: st.SearchStrategy[Actor],
    days: st.SearchStrategy[date],
    kinds: st.SearchStrategy[ProviderKind],
) -> RegisterProvider:
    kind = draw(kinds)
    return RegisterProvider(
        actor=draw(actors_),
        effective_on=draw(days),
        provider_id=draw(provider_ids),
        name=draw(_texts(80)),
        kind=kind,
        delivers_accredited_education=kind is not ProviderKind.UNREGISTERED and draw(st.booleans()),
        sites=draw(_text_tuples(0, 3)),
    )


@st.composite
def provider_commands(
    draw: st.DrawFn,
    *,
    provider_id: UUID | st.SearchStrategy[UUID] | None = None,
    actor: Actor | st.SearchStrategy[Actor] | None = None,
    on: date | st.SearchStrategy[date] | None = None,
    ready_on: date | None = None,
    kind: ProviderKind | st.SearchStrategy[ProviderKind] | None = None,
) -> list[ProviderCommand]:
    """The commands that register a provider and make it ready for a placement to start.

    Registration on ``on``; its DfE registration confirmed where it delivers accredited
    education (COMM-3, and sometimes where it does not); and a satisfactory risk assessment made
    on ``on`` that is still current on ``ready_on`` (COMM-4; ``ready_on`` defaults to ``on``
    and must be within a year of it). Each command is by ``actor`` (a strategy is drawn again
    for each command), a Head Teacher by default.
    """
    actors_ = _strategy(actor, actors(role=Role.HEAD_TEACHER))
    day = draw(_days(on))
    ready = day if ready_on is None else ready_on
    if not day <= ready <= day + MAX_RISK_ASSESSMENT_VALIDITY:
        raise InvalidArgument("ready_on must be on or after the day, and within a year of it.")
    registration = draw(
        register_provider_commands(provider_id=provider_id, actor=actors_, on=day, kind=kind)
    )
    commands: list[ProviderCommand] = [registration]
    kind_ = registration.kind
    if kind_.can_be_registered and (
        registration.delivers_accredited_education or draw(st.booleans())
    ):
        commands.append(
            ConfirmProviderRegistration(
                actor=draw(actors_),
                effective_on=day,
                provider_id=registration.provider_id,
                urn=draw(_urns()),
                evidence_reference=draw(_texts(80)),
            )
        )
    latest = day + MAX_RISK_ASSESSMENT_VALIDITY
    if draw(st.booleans()):
        # An earlier, unsafe finding that the satisfactory one below replaces.
        commands.append(
            AssessProviderRisk(
                actor=draw(actors_),
                effective_on=day,
                provider_id=registration.provider_id,
                outcome=RiskOutcome.UNSATISFACTORY,
                safeguarding_policies_seen=draw(st.booleans()),
                staff_checks_confirmed_in_writing=draw(st.booleans()),
                valid_until=draw(st.dates(day + timedelta(days=1), latest)),
            )
        )
    commands.append(
        AssessProviderRisk(
            actor=draw(actors_),
            effective_on=day,
            provider_id=registration.provider_id,
            outcome=RiskOutcome.SATISFACTORY,
            safeguarding_policies_seen=True,
            staff_checks_confirmed_in_writing=True,
            valid_until=draw(st.dates(max(ready, day + timedelta(days=1)), latest)),
        )
    )
    return commands


# --------------------------------------------------------------------------- placement commands
_Actors = Actor | st.SearchStrategy[Actor] | None
_Days = date | st.SearchStrategy[date] | None
_Ids = UUID | st.SearchStrategy[UUID] | None


def _school_staff() -> st.SearchStrategy[Actor]:
    return actors(role=st.sampled_from((Role.HEAD_TEACHER, Role.SCHOOL_STAFF)))


def _heads() -> st.SearchStrategy[Actor]:
    return actors(role=Role.HEAD_TEACHER)


@st.composite
def open_placement_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    setting: Setting | None = None,
    provider_id: UUID | None = None,
    residential: bool | None = None,
) -> OpenPlacement:
    """``OpenPlacement`` commands that NEED-2 and LOC-3 accept.

    Never a side room of a classroom; the children's home only for a residential student.
    Naming ``provider_id`` makes the setting an outside provider (it must be registered for
    the command to be accepted); an outside setting without one draws an unknown provider id.
    """
    if provider_id is not None:
        setting = Setting.OUTSIDE_PROVIDER
    elif setting is None:
        setting = draw(
            st.sampled_from(
                (Setting.ON_SITE, Setting.OUTSIDE_PROVIDER, Setting.ALLIED_CHILDRENS_HOME)
            )
        )
    if setting in (Setting.SIDE_ROOM_OF_CLASSROOM, Setting.SCHOOL_CLASS):
        raise InvalidArgument(f"{setting} is not alternative provision (NEED-2).")
    if setting is Setting.ALLIED_CHILDRENS_HOME:
        if residential is False:
            raise InvalidArgument("The children's home is only for residential students (LOC-3).")
        residential = True
    if setting is Setting.OUTSIDE_PROVIDER and provider_id is None:
        provider_id = draw(st.uuids())
    effective_on = draw(_days(on))
    return OpenPlacement(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=effective_on,
        placement_id=draw(_strategy(placement_id, st.uuids())),
        student_reference=draw(student_references()),
        reason=draw(st.sampled_from(Reason)),
        setting=setting,
        location=draw(_texts(80)),
        residential=draw(st.booleans()) if residential is None else residential,
        looked_after=draw(st.booleans()),
        ehcp_reference=draw(_optional_texts(20)),
        on_roll=draw(st.booleans()),
        provider_id=provider_id,
        reason_detail=draw(_optional_texts()),
        location_rationale=draw(_optional_texts()),
        student_name=draw(_optional_texts(60)),
        date_of_birth=draw(st.none() | _births(effective_on)),
    )


def assess_needs_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[AssessNeeds]:
    """``AssessNeeds`` commands: the areas of need, a summary and barriers (PLAN-1, AIM-2)."""
    return st.builds(
        AssessNeeds,
        actor=_strategy(actor, _school_staff()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        areas=st.lists(st.sampled_from(NeedArea), min_size=1, max_size=4, unique=True).map(tuple),
        summary=_texts(200),
        barriers=_text_tuples(0, 3),
    )


@st.composite
def agree_plan_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    provider_ids: Sequence[UUID] = (),
    full_time: bool = True,
    residential: bool = False,
) -> AgreePlan:
    """``AgreePlan`` commands whose plan's targets fall after the day it is agreed (see
    ``plans``). A part-time plan (``full_time=False``) needs a medical exemption (PLAN-2)."""
    day = draw(_days(on))
    return AgreePlan(
        actor=draw(_strategy(actor, _heads())),
        effective_on=day,
        placement_id=draw(_strategy(placement_id, st.uuids())),
        plan=draw(
            plans(
                provider_ids=provider_ids,
                full_time=full_time,
                agreed_on=day,
                residential=residential,
            )
        ),
    )


@st.composite
def revise_plan_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    provider_ids: Sequence[UUID] = (),
    full_time: bool = True,
    residential: bool = False,
) -> RevisePlan:
    """``RevisePlan`` commands: a new plan as in ``agree_plan_commands``, with a reason."""
    agreed = draw(
        agree_plan_commands(
            placement_id=placement_id,
            actor=actor,
            on=on,
            provider_ids=provider_ids,
            full_time=full_time,
            residential=residential,
        )
    )
    return RevisePlan(
        actor=agreed.actor,
        effective_on=agreed.effective_on,
        placement_id=agreed.placement_id,
        plan=agreed.plan,
        reason=draw(_texts()),
    )


def give_consent_commands(
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    party: ConsentParty | st.SearchStrategy[ConsentParty] | None = None,
) -> st.SearchStrategy[GiveConsent]:
    """``GiveConsent`` commands: the placing authority's consent or the parents' (INFO-2)."""
    return st.builds(
        GiveConsent,
        actor=_strategy(actor, _school_staff()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        party=_strategy(party, st.sampled_from(ConsentParty)),
        given_by=_texts(80),
        evidence_reference=_texts(80),
    )


def withdraw_consent_commands(
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    party: ConsentParty | st.SearchStrategy[ConsentParty] | None = None,
) -> st.SearchStrategy[WithdrawConsent]:
    """``WithdrawConsent`` commands; accepted only where that party's consent is on record."""
    return st.builds(
        WithdrawConsent,
        actor=_strategy(actor, _school_staff()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        party=_strategy(party, st.sampled_from(ConsentParty)),
        reason=_texts(),
    )


def share_information_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[ShareInformation]:
    """``ShareInformation`` commands: with whom, and what it covered (INFO-1, INFO-3)."""
    return st.builds(
        ShareInformation,
        actor=_strategy(actor, _school_staff()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        party=st.sampled_from(InformationParty),
        scope=st.lists(st.sampled_from(InformationScope), min_size=1, max_size=3, unique=True).map(
            tuple
        ),
        note=_optional_texts(),
    )


@st.composite
def medical_exemption_commands(
    draw: st.DrawFn, *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> RecordMedicalExemption:
    """``RecordMedicalExemption`` commands with a review date after the day (PLAN-2, STAT-6)."""
    day = draw(_days(on))
    return RecordMedicalExemption(
        actor=draw(_strategy(actor, _heads())),
        effective_on=day,
        placement_id=draw(_strategy(placement_id, st.uuids())),
        evidence_reference=draw(_texts(80)),
        review_on=day + timedelta(days=draw(st.integers(1, 180))),
    )


def start_placement_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[StartPlacement]:
    """``StartPlacement`` commands (the Head Teacher's by default)."""
    return st.builds(
        StartPlacement,
        actor=_strategy(actor, _heads()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
    )


@st.composite
def record_term_commands(
    draw: st.DrawFn, *, actor: _Actors = None, on: _Days = None, starts_on: _Days = None
) -> RecordTerm:
    """``RecordTerm`` commands: a term of 1 to 16 weeks, named after its first day (COMM-6)."""
    first = draw(_days(starts_on))
    last = first + timedelta(days=draw(st.integers(0, 16 * 7)))
    return RecordTerm(
        actor=draw(_strategy(actor, _heads())),
        effective_on=draw(_days(on)),
        name=f"Term from {first.isoformat()}",
        starts_on=first,
        ends_on=last,
    )


@st.composite
def record_attendance_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    session: Session | None = None,
    attending: bool | None = None,
) -> RecordAttendance:
    """``RecordAttendance`` commands whose code may mark their session (see
    ``attendance_codes``)."""
    chosen = draw(st.sampled_from(Session)) if session is None else session
    return RecordAttendance(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=draw(_days(on)),
        placement_id=draw(_strategy(placement_id, st.uuids())),
        session=chosen,
        code=draw(attendance_codes(session=chosen, attending=attending)),
    )


@st.composite
def correct_attendance_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    session: Session | None = None,
    replacing: AttendanceCode | None = None,
    attending: bool | None = None,
) -> CorrectAttendance:
    """``CorrectAttendance`` commands (STAT-2) whose new code differs from ``replacing``."""
    chosen = draw(st.sampled_from(Session)) if session is None else session
    codes = attendance_codes(session=chosen, attending=attending).filter(
        lambda c: c is not replacing
    )
    return CorrectAttendance(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=draw(_days(on)),
        placement_id=draw(_strategy(placement_id, st.uuids())),
        session=chosen,
        code=draw(codes),
        reason=draw(_texts()),
    )


@st.composite
def review_progress_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    references: Sequence[str] = (),
) -> ReviewProgress:
    """``ReviewProgress`` commands rating some of the plan's objectives, by ``references``
    (drawn if none are given), with a next review after the day (COMM-5, QUAL-1)."""
    day = draw(_days(on))
    if references:
        chosen = draw(
            st.lists(
                st.sampled_from(tuple(references)),
                min_size=1,
                max_size=len(references),
                unique=True,
            )
        )
    else:
        chosen = draw(st.lists(_references(), min_size=1, max_size=3, unique=True))
    return ReviewProgress(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=day,
        placement_id=draw(_strategy(placement_id, st.uuids())),
        progress=tuple(draw(objective_progress(references=[reference])) for reference in chosen),
        effectiveness=draw(st.sampled_from(Effectiveness)),
        next_review_on=day + timedelta(days=draw(st.integers(1, 63))),
        with_provider=draw(st.booleans()),
        note=draw(_optional_texts()),
    )


def reintegration_criteria_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[AgreeReintegrationCriteria]:
    """``AgreeReintegrationCriteria`` commands: how readiness to return is judged (COMM-8)."""
    return st.builds(
        AgreeReintegrationCriteria,
        actor=_strategy(actor, _heads()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        criteria=_text_tuples(1, 4),
    )


@st.composite
def reintegration_assessment_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    criteria: Sequence[str] = (),
) -> AssessReintegration:
    """``AssessReintegration`` commands meeting some of the agreed ``criteria`` (COMM-8)."""
    met = draw(st.lists(st.sampled_from(tuple(criteria)), unique=True)) if criteria else []
    return AssessReintegration(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=draw(_days(on)),
        placement_id=draw(_strategy(placement_id, st.uuids())),
        ready=draw(st.booleans()),
        criteria_met=tuple(met),
        note=draw(_optional_texts()),
    )


def reintegration_support_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[AgreeReintegrationSupport]:
    """``AgreeReintegrationSupport`` commands: the package of support to return (COMM-8)."""
    return st.builds(
        AgreeReintegrationSupport,
        actor=_strategy(actor, _heads()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        support=_text_tuples(1, 4),
    )


def end_placement_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[EndPlacement]:
    """``EndPlacement`` commands naming where the student goes next (AIM-4)."""
    return st.builds(
        EndPlacement,
        actor=_strategy(actor, _heads()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        destination=st.sampled_from(Destination),
        note=_optional_texts(),
    )


# --------------------------------------------------------------------------- whole histories
def _sometimes(draw: st.DrawFn, one_in: int) -> bool:
    # Shrinks towards "no": shorter histories are easier to read in a failure report.
    return draw(_up_to(one_in - 1)) == one_in - 1


@functools.cache
def _up_to(most: int) -> st.SearchStrategy[int]:
    return st.integers(0, most)


@st.composite
def valid_histories(
    draw: st.DrawFn,
    *,
    now: datetime = HISTORY_NOW,
    school_id: str | None = None,
    setting: Setting | None = None,
    max_school_days: int = 10,
    may_end: bool = True,
    term: bool = False,
) -> list[Command]:
    """A whole valid history of one placement, as the ordered commands that make it.

    Run in order through ``AlternativeProvision.execute`` with ``clock_at(now)``, none is
    refused. The history may appoint a delegate; registers the providers it uses and makes
    them ready (COMM-3, COMM-4); opens the placement (``setting``, drawn if not given);
    assesses needs; records a medical exemption where the plan is part-time; agrees the plan;
    records consents (both where the provider is outside, INFO-2) and information shared;
    starts the placement; then, day by day over at most ``max_school_days`` of the plan's
    school days up to ``now``: register marks, corrections, reviews, the reintegration steps,
    a withdrawal of consent (and perhaps consent given again), a plan revision; and perhaps
    (``may_end``) the end of the placement. With ``term``, the school's term dates are recorded
    first (one term around the placement's days, so a history per school: the register days
    of COMM-6 depend on them). Effective dates never go back within the
    placement; some commands carry idempotency keys, none repeated.
    """
    today = now.date()
    school = school_id if school_id is not None else draw(school_ids())
    head = draw(actors(role=Role.HEAD_TEACHER, school_id=school))
    staff = draw(actors(role=Role.SCHOOL_STAFF, school_id=school))
    history: list[Command] = []

    opened = today - timedelta(days=draw(st.integers(0, 60)))
    set_up = opened - timedelta(days=draw(st.integers(0, 30)))
    deciders = [head]
    if draw(st.booleans()):
        delegate = draw(actors(role=Role.SCHOOL_STAFF, school_id=school))
        history.append(AppointDelegate(actor=head, effective_on=set_up, delegate_id=delegate.id))
        deciders.append(delegate)
    recorders = [head, staff, *deciders[1:]]
    decider = st.sampled_from(deciders)
    recorder = st.sampled_from(recorders)

    def day_between(first: date, last: date) -> date:
        return first + timedelta(days=draw(st.integers(0, (last - first).days)))

    started = day_between(opened, today)
    chosen_setting = setting or draw(
        st.sampled_from((Setting.ON_SITE, Setting.OUTSIDE_PROVIDER, Setting.ALLIED_CHILDRENS_HOME))
    )
    ids = draw(st.lists(st.uuids(), min_size=4, max_size=4, unique=True))
    placement_id = ids[0]
    provider_count = draw(st.integers(1 if chosen_setting is Setting.OUTSIDE_PROVIDER else 0, 2))
    kinds: dict[UUID, ProviderKind] = {}
    for provider_id in ids[1 : 1 + provider_count]:
        set_up_provider = draw(
            provider_commands(provider_id=provider_id, actor=decider, on=set_up, ready_on=today)
        )
        registration = set_up_provider[0]
        if isinstance(registration, RegisterProvider):
            kinds[provider_id] = registration.kind
        history.extend(set_up_provider)

    at_provider = (
        draw(st.sampled_from(sorted(kinds, key=str)))
        if chosen_setting is Setting.OUTSIDE_PROVIDER
        else None
    )
    opening = draw(
        open_placement_commands(
            placement_id=placement_id,
            actor=recorder,
            on=opened,
            setting=chosen_setting,
            provider_id=at_provider,
        )
    )
    history.append(opening)
    if term:
        first = opened + timedelta(days=draw(st.integers(0, 14)))
        last = max(first, today + timedelta(days=draw(st.integers(-7, 30))))
        history.append(
            RecordTerm(
                actor=head, effective_on=set_up, name=f"Term of {placement_id}",
                starts_on=first, ends_on=last,
            )
        )  # fmt: skip
    # STAT-4: an unregistered setting is never full-time for a pupil with an EHC plan or
    # looked after; keep such providers out of the plan for those students.
    protected = opening.ehcp_reference is not None or opening.looked_after
    usable = sorted(
        (p for p, kind in kinds.items() if not (protected and kind is ProviderKind.UNREGISTERED)),
        key=str,
    )

    def plan_provider_ids() -> list[UUID]:
        return draw(st.lists(st.sampled_from(usable), unique=True)) if usable else []

    def is_outside(plan: Plan) -> bool:
        at = at_provider is not None and kinds[at_provider].is_outside
        return at or any(kinds[p].is_outside for p in plan.provider_ids)

    cursor = day_between(opened, started)
    history.append(
        draw(assess_needs_commands(placement_id=placement_id, actor=recorder, on=cursor))
    )
    full_time = draw(st.booleans())
    exempt = not full_time or _sometimes(draw, 4)
    if exempt:
        cursor = day_between(cursor, started)
        history.append(
            draw(medical_exemption_commands(placement_id=placement_id, actor=decider, on=cursor))
        )
    cursor = day_between(cursor, started)
    plan = draw(
        plans(
            provider_ids=plan_provider_ids(),
            full_time=full_time,
            agreed_on=cursor,
            residential=opening.residential,
        )
    )
    history.append(
        AgreePlan(actor=draw(decider), effective_on=cursor, placement_id=placement_id, plan=plan)
    )
    given: set[ConsentParty] = set()
    for party in ConsentParty:
        if is_outside(plan) or draw(st.booleans()):
            cursor = day_between(cursor, started)
            history.append(
                draw(
                    give_consent_commands(
                        placement_id=placement_id, actor=recorder, on=cursor, party=party
                    )
                )
            )
            given.add(party)
    if draw(st.booleans()):
        cursor = day_between(cursor, started)
        history.append(
            draw(share_information_commands(placement_id=placement_id, actor=recorder, on=cursor))
        )
    history.append(
        StartPlacement(actor=draw(decider), effective_on=started, placement_id=placement_id)
    )

    withdrawn: set[ConsentParty] = set()
    criteria: tuple[str, ...] = ()
    reintegration_step = 0
    revised = False
    school_days_marked = 0
    last = started
    day = started
    register_takers = _register_takers(recorders, school, plan, at_provider)
    while day <= today and school_days_marked < max_school_days:
        suspended = bool(withdrawn) and is_outside(plan)
        attending = False if suspended else None
        if Weekday.of(day) in plan.school_days:
            school_days_marked += 1
            marked: list[tuple[Session, AttendanceCode]] = []
            # Made directly rather than by record_attendance_commands: this loop draws most
            # of a history, and fewer, cached strategies keep it quick.
            for session in Session:
                if not _sometimes(draw, 10):
                    code = draw(_attendance_codes(session, attending))
                    history.append(
                        RecordAttendance(actor=draw(register_takers), effective_on=day,
                                         placement_id=placement_id, session=session, code=code)
                    )  # fmt: skip
                    marked.append((session, code))
            if marked and _sometimes(draw, 5):
                session, code = marked[draw(_up_to(len(marked) - 1))]
                options = [c for c in _attendance_code_list(session, attending) if c is not code]
                corrected = options[draw(_up_to(len(options) - 1))]
                history.append(
                    CorrectAttendance(actor=draw(register_takers), effective_on=day,
                                      placement_id=placement_id, session=session, code=corrected,
                                      reason=draw(_texts()))
                )  # fmt: skip
            last = day
        if _sometimes(draw, 6):
            history.append(
                draw(
                    review_progress_commands(
                        placement_id=placement_id,
                        on=day,
                        actor=register_takers,
                        references=list(plan.references()),
                    )
                )
            )
            last = day
        if _sometimes(draw, 6):
            if reintegration_step == 0:
                step: Command = draw(
                    reintegration_criteria_commands(
                        placement_id=placement_id, on=day, actor=decider
                    )
                )
                criteria = step.criteria  # type: ignore[attr-defined]
            elif reintegration_step == 1:
                step = draw(
                    reintegration_assessment_commands(
                        placement_id=placement_id, on=day, actor=recorder, criteria=criteria
                    )
                )
            else:
                step = draw(
                    reintegration_support_commands(placement_id=placement_id, on=day, actor=decider)
                )
            reintegration_step = (reintegration_step + 1) % 3
            history.append(step)
            last = day
        if not revised and not withdrawn and _sometimes(draw, 10):
            revision = draw(
                plans(
                    provider_ids=plan_provider_ids(),
                    full_time=not exempt or draw(st.booleans()),
                    agreed_on=day,
                    residential=opening.residential,
                )
            )
            # A running placement moved to an outside setting needs both consents (INFO-2).
            if given == set(ConsentParty) or not is_outside(revision):
                plan = revision
                register_takers = _register_takers(recorders, school, plan, at_provider)
                history.append(
                    RevisePlan(actor=draw(decider), effective_on=day, placement_id=placement_id,
                               plan=plan, reason=draw(_texts()))
                )  # fmt: skip
                revised = True
            last = day
        if withdrawn and _sometimes(draw, 4):
            party = draw(st.sampled_from(sorted(withdrawn, key=lambda p: p.name)))
            history.append(
                draw(
                    give_consent_commands(
                        placement_id=placement_id, on=day, actor=recorder, party=party
                    )
                )
            )
            withdrawn.discard(party)
            given.add(party)
            last = day
        elif given and _sometimes(draw, 8):
            party = draw(st.sampled_from(sorted(given, key=lambda p: p.name)))
            history.append(
                draw(
                    withdraw_consent_commands(
                        placement_id=placement_id, on=day, actor=recorder, party=party
                    )
                )
            )
            given.discard(party)
            withdrawn.add(party)
            last = day
        day += timedelta(days=1)

    if may_end and draw(st.booleans()):
        history.append(
            draw(
                end_placement_commands(
                    placement_id=placement_id, actor=decider, on=day_between(last, today)
                )
            )
        )
    return _with_idempotency_keys(draw, history)


def _register_takers(
    recorders: list[Actor], school: str, plan: Plan, at_provider: UUID | None
) -> st.SearchStrategy[Actor]:
    """School staff, and the staff of each provider the placement uses."""
    providers = plan.provider_ids | ({at_provider} if at_provider is not None else set())
    provider_staff = [
        Actor(id=f"tutor-{provider_id.hex[:6]}", role=Role.PROVIDER_STAFF, school_id=school,
              provider_id=provider_id)
        for provider_id in sorted(providers, key=str)
    ]  # fmt: skip
    return st.sampled_from([*recorders, *provider_staff])


def _with_idempotency_keys(draw: st.DrawFn, history: list[Command]) -> list[Command]:
    if not draw(st.booleans()):
        return history
    return [
        attrs.evolve(command, idempotency_key=f"history-key-{index}")
        if draw(st.booleans())
        else command
        for index, command in enumerate(history)
    ]


# --------------------------------------------------------------------------- st.from_type
def _register_types() -> None:
    st.register_type_strategy(Plan, plans())
    st.register_type_strategy(Objective, objectives())
    st.register_type_strategy(WeeklyHours, weekly_hours())
    st.register_type_strategy(Actor, actors())
    st.register_type_strategy(ObjectiveProgress, objective_progress())
    st.register_type_strategy(AttendanceCode, attendance_codes())


_register_types()
