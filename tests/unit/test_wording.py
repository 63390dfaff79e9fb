"""Every decision reads in plain words, and its facts export as JSON.

Every event class of the library is found by walking ``Event``'s subclasses, so a class added
later is checked here without anyone listing it: it must have wording of its own, free of
Python's reprs, and facts that ``json.dumps`` accepts.
"""

from __future__ import annotations

import enum
import json
import string
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.base import Event
from senad_ap.domain.placement import (
    AttendanceCorrected,
    AttendanceRecorded,
    ConsentParty,
    ConsentWithdrawn,
    PlacementEvent,
    PlacementOpened,
    PlanAgreed,
    PlanRevised,
    ReintegrationAssessed,
)
from senad_ap.domain.plan import (
    NeedArea,
    ObjectiveProgress,
    Plan,
    ProgressRating,
    Reason,
    Setting,
)
from senad_ap.domain.provider import ProviderRiskAssessed, RiskOutcome
from senad_ap.domain.school import TermRecorded
from senad_ap.domain.values import POLICY_VERSION, Actor, PolicyParameters, Weekday
from senad_ap.projections.wording import describe, event_type, facts
from senad_ap.testing import actors, plans
from tests.unit.builders import (
    A_SCHOOL_DAY,
    HEAD,
    OTHER_PROVIDER_ID,
    PART_TIME_DAY,
    PLACEMENT_ID,
    PROVIDER_ID,
    TEACHER,
    objective,
    plan,
    week,
)

E = TypeVar("E", bound=Event)

#: The fields every event carries (``senad_ap.domain.base.Event``); ``facts`` leaves them out.
BASE_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "actor",
    "effective_on",
    "policy_version",
    "idempotency_key",
    "command_digest",
    "chain_hash",
}
#: What a description must never show: Python's reprs and missing values.
REPR_MARKS = ("None", "<", "UUID(", "Decimal(", "datetime.", "Enum")


def concrete_event_types() -> list[type[Event]]:
    """Every event class of the library, by walking ``Event``'s subclasses.

    The direct subclasses (``PlacementEvent``, ``ProviderEvent``, ``SchoolEvent``) are each
    record's base, never recorded themselves; classes from outside the library (this module's
    own) are left out.
    """
    found: set[type[Event]] = set()
    waiting = list(Event.__subclasses__())
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            if subclass.__module__.startswith("senad_ap.") and subclass not in found:
                found.add(subclass)
                waiting.append(subclass)
    return sorted(found, key=lambda cls: cls.__name__)


EVENT_TYPES = concrete_event_types()


def own_field_names(cls: type[Event]) -> list[str]:
    return [field.name for field in attrs.fields(cls) if field.name not in BASE_FIELDS]


def given_field_names(event: Event) -> list[str]:
    """The event's own fields, but a field added later left empty (not in its facts, as it is
    not in its hash)."""
    return [
        name
        for name in own_field_names(type(event))
        if not (name in type(event).added_later and getattr(event, name) is None)
    ]


def stamped(event_class: type[E], /, **own_facts: Any) -> E:
    """An event with these facts, stamped the way ``EventMaker`` stamps one."""
    return event_class(
        originator_id=PLACEMENT_ID,
        originator_version=3,
        timestamp=datetime(2025, 11, 3, 16, 0, tzinfo=UTC),
        actor=TEACHER,
        effective_on=date(2025, 11, 3),
        policy_version=POLICY_VERSION,
        **own_facts,
    )


# --------------------------------------------------------------------------- example events
def example_value(hint: Any, name: str, *, full: bool) -> object:
    """A value of a field's type. ``full``: every optional fact given, two items in each tuple;
    otherwise optional facts missing and tuples empty. Texts are the field's name in words."""
    if hint is str:
        return name.replace("_", " ")
    if hint is bool:
        return full
    if hint is int:
        return 17
    if hint is Decimal:
        return Decimal("32.50")
    if hint is date:
        return A_SCHOOL_DAY
    if hint is UUID:
        return PROVIDER_ID
    if hint is Plan:
        return plan() if full else part_time_plan_with_gaps()
    if hint is PolicyParameters:
        return PolicyParameters(version="section 7, version 7") if full else PolicyParameters()
    if hint is ObjectiveProgress:
        return ObjectiveProgress(
            "EN1", ProgressRating.AS_EXPECTED, "reads fluently" if full else None
        )
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        members = list(hint)
        return members[-1] if full else members[0]
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType) and type(None) in arguments:
        (present,) = (argument for argument in arguments if argument is not type(None))
        return example_value(present, name, full=full) if full else None
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        item = arguments[0]
        if not full:
            return ()
        if isinstance(item, type) and issubclass(item, enum.Enum):
            return tuple(list(item)[:2])
        return tuple(example_value(item, f"{name} {n}", full=True) for n in (1, 2))
    raise TypeError(f"The wording tests cannot yet build a {hint!r} for {name!r}: teach them.")


def example_of(event_class: type[E], *, full: bool) -> E:
    hints = typing.get_type_hints(event_class)
    own = {
        name: example_value(hints[name], name, full=full) for name in own_field_names(event_class)
    }
    return stamped(event_class, **own)


def part_time_plan_with_gaps() -> Plan:
    """One English objective, 4 hours on Monday only, reviewed weekly, no destination."""
    return attrs.evolve(
        plan(week(PART_TIME_DAY, days=(Weekday.MONDAY,))),
        objectives=(objective(),),
        review_interval_weeks=1,
        intended_destination=None,
    )


EXAMPLES = [
    pytest.param(example_of(cls, full=full), id=f"{cls.__name__}-{'full' if full else 'sparse'}")
    for cls in EVENT_TYPES
    for full in (True, False)
]


# --------------------------------------------------------------------------- every event type
def test_the_walk_finds_the_event_classes_of_every_record() -> None:
    names = {cls.__name__ for cls in EVENT_TYPES}

    assert {"PlanRevised", "FullTimePupilLeft", "TermRecorded"} <= names
    assert names.isdisjoint({"PlacementEvent", "ProviderEvent", "SchoolEvent"})


@pytest.mark.parametrize("event", EXAMPLES)
def test_every_event_is_described_without_python_reprs(event: Event) -> None:
    text = describe(event)

    assert [mark for mark in REPR_MARKS if mark in text] == []
    assert text.endswith(".")
    assert "\n" not in text


@pytest.mark.parametrize("event", EXAMPLES)
def test_every_library_event_has_wording_of_its_own(event: Event) -> None:
    generic_start = f"{type(event).__name__}:"

    assert not describe(event).startswith(generic_start)


@pytest.mark.parametrize("event", EXAMPLES)
def test_facts_are_json_with_exactly_the_events_own_field_names(event: Event) -> None:
    actual = facts(event)

    assert list(actual) == given_field_names(event)
    assert json.loads(json.dumps(actual)) == actual


@pytest.mark.parametrize("event", EXAMPLES)
def test_event_type_is_the_class_name(event: Event) -> None:
    assert event_type(event) == type(event).__name__


# --------------------------------------------------------------------------- exact wording
def test_placement_opened_at_an_outside_provider_reads_in_plain_words() -> None:
    event = stamped(
        PlacementOpened,
        school_id="712E",
        student_reference="S-0042",
        reason=Reason.ANXIETY,
        reason_detail=None,
        setting=Setting.OUTSIDE_PROVIDER,
        location="Riverside Farm",
        provider_id=PROVIDER_ID,
        outside_delivery=True,
        residential=False,
        looked_after=True,
        ehcp_reference="EHCP-9",
        on_roll=True,
        location_rationale=None,
    )

    assert describe(event) == (
        "Placement opened for student S-0042 (reason: anxiety) at an outside provider "
        f'(provider {PROVIDER_ID}), location "Riverside Farm"; residential: no; '
        "looked after: yes; EHC plan EHCP-9; on the school roll."
    )


def test_placement_opened_on_site_reads_its_optional_facts() -> None:
    event = stamped(
        PlacementOpened,
        school_id="712E",
        student_reference="STU-0042",
        reason=Reason.OTHER,
        reason_detail="refuses the classroom",
        setting=Setting.ON_SITE,
        location="Orchard room",
        provider_id=None,
        outside_delivery=False,
        residential=True,
        looked_after=False,
        ehcp_reference=None,
        on_roll=False,
        location_rationale="quiet, near the exit",
    )

    assert describe(event) == (
        'Placement opened for student STU-0042 (reason: other, "refuses the classroom") '
        'on the school\'s site, apart from peers, location "Orchard room"; residential: yes; '
        "looked after: no; no EHC plan; not on the school roll; "
        'why this location: "quiet, near the exit".'
    )


def test_plan_agreed_is_summarised() -> None:
    event = stamped(
        PlanAgreed, plan=plan(), full_time_hours=Decimal("32.5"), outside_provider_ids=()
    )

    assert describe(event) == (
        "Plan agreed: 2 objectives (English, mathematics); 32.5 hours a week; "
        "reviewed every 6 weeks; intended destination: reintegration into the SEN school; "
        "every school day covered; checked against the full-time threshold of 32.5 hours; "
        "no outside providers."
    )


def test_plan_revised_names_its_reason_the_days_not_covered_and_the_providers() -> None:
    days = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY)
    revised = attrs.evolve(
        plan(week(PART_TIME_DAY, Setting.OUTSIDE_PROVIDER, PROVIDER_ID, days=days)),
        intended_destination=None,
    )
    event = stamped(
        PlanRevised,
        plan=revised,
        full_time_hours=Decimal("32.50"),
        outside_provider_ids=(PROVIDER_ID, OTHER_PROVIDER_ID),
        reason="More time at the farm",
    )

    assert describe(event) == (
        'Plan revised (reason: "More time at the farm"): 2 objectives (English, mathematics); '
        "12 hours a week; reviewed every 6 weeks; no intended destination; "
        "school days not covered: Thursday, Friday; "
        "checked against the full-time threshold of 32.5 hours; "
        f"outside providers: {PROVIDER_ID}, {OTHER_PROVIDER_ID}."
    )


def test_attendance_recorded_gives_the_code_its_meaning_and_how_it_counts() -> None:
    event = stamped(AttendanceRecorded, session=Session.AM, code=AttendanceCode.ILLNESS)

    assert describe(event) == (
        "Attendance recorded: 2025-11-03 AM, code I (Illness (not medical or dental "
        "appointment)) — authorised absence."
    )


def test_attendance_corrected_keeps_the_original_code_and_the_entry_it_amends() -> None:
    event = stamped(
        AttendanceCorrected,
        session=Session.AM,
        original_code=AttendanceCode.REASON_NOT_ESTABLISHED,
        corrected_code=AttendanceCode.ILLNESS,
        reason="note from GP",
        corrects_version=17,
        amended_by_name="Sam Okafor",
        amended_by_position="Attendance officer",
    )

    assert describe(event) == (
        'Attendance corrected: 2025-11-03 AM from N to I (reason: "note from GP"); '
        'amended on 2025-11-03, by "Sam Okafor", "Attendance officer"; '
        "corrects entry version 17."
    )


def test_consent_withdrawn_names_the_party_and_the_reason() -> None:
    event = stamped(
        ConsentWithdrawn,
        party=ConsentParty.PLACING_AUTHORITY,
        reason="Placement no longer funded",
    )

    assert describe(event) == (
        'Consent of the placing authority withdrawn (reason: "Placement no longer funded").'
    )


def test_reintegration_assessed_says_whether_the_student_is_ready() -> None:
    event = stamped(
        ReintegrationAssessed,
        ready=False,
        criteria_met=("Attends 90% of sessions", "Joins one class a day"),
        note="Review after half term",
    )

    assert describe(event) == (
        'Reintegration assessed: not yet ready to return; criteria met: "Attends 90% of '
        'sessions", "Joins one class a day"; note: "Review after half term".'
    )


def test_provider_risk_assessed_gives_each_check_and_the_dates() -> None:
    event = attrs.evolve(
        stamped(
            ProviderRiskAssessed,
            outcome=RiskOutcome.SATISFACTORY,
            safeguarding_policies_seen=True,
            staff_checks_confirmed_in_writing=False,
            valid_until=date(2026, 2, 1),
        ),
        originator_id=PROVIDER_ID,
        actor=HEAD,
        effective_on=date(2025, 2, 24),
    )

    assert describe(event) == (
        "Provider risk assessed on 2025-02-24: safe for the student to learn; "
        "safeguarding policies seen: yes; staff checks confirmed in writing: no; "
        "valid until 2026-02-01."
    )


def test_term_recorded_gives_its_name_and_dates() -> None:
    event = stamped(
        TermRecorded,
        school_id="712E",
        name="Autumn 1 2025",
        starts_on=date(2025, 9, 3),
        ends_on=date(2025, 10, 24),
    )

    assert describe(event) == 'Term recorded: "Autumn 1 2025", 2025-09-03 to 2025-10-24.'


# --------------------------------------------------------------------------- exact facts
def test_attendance_corrected_facts_are_plain_json() -> None:
    event = stamped(
        AttendanceCorrected,
        session=Session.PM,
        original_code=AttendanceCode.PRESENT_PM,
        corrected_code=AttendanceCode.LATE,
        reason="bus was late",
        corrects_version=17,
    )

    assert facts(event) == {
        "session": "PM",
        "original_code": "\\",
        "corrected_code": "L",
        "reason": "bus was late",
        "corrects_version": 17,
    }


def test_a_field_added_later_is_in_the_facts_once_it_is_given() -> None:
    event = stamped(
        AttendanceCorrected,
        session=Session.PM,
        original_code=AttendanceCode.PRESENT_PM,
        corrected_code=AttendanceCode.LATE,
        reason="bus was late",
        corrects_version=17,
        amended_by_name="Sam Okafor",
    )

    assert facts(event)["amended_by_name"] == "Sam Okafor"


def test_plan_facts_nest_the_plan_with_decimals_uuids_and_dates_as_text() -> None:
    event = stamped(
        PlanAgreed,
        plan=plan(week(PART_TIME_DAY, Setting.OUTSIDE_PROVIDER, PROVIDER_ID)),
        full_time_hours=Decimal("32.50"),
        outside_provider_ids=(PROVIDER_ID,),
    )

    actual = facts(event)

    assert (actual["full_time_hours"], actual["outside_provider_ids"]) == (
        "32.50",
        [str(PROVIDER_ID)],
    )
    nested = actual["plan"]
    assert isinstance(nested, dict)
    assert nested["weekly_pattern"] == [
        {
            "day": day.value,
            "setting": "an outside provider",
            "hours": "4",
            "provider_id": str(PROVIDER_ID),
        }
        for day in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY,
                    Weekday.FRIDAY)
    ]  # fmt: skip
    assert nested["objectives"] == [
        {
            "reference": reference,
            "area": area,
            "description": "Reads a short text aloud and answers questions on it",
            "baseline": "Reads single sentences with support",
            "target_date": "2025-07-18",
            "qualification": None,
        }
        for reference, area in (("EN1", "English"), ("MA1", "mathematics"))
    ]


# --------------------------------------------------------------------------- unknown events
@attrs.frozen(slots=False, kw_only=True)
class SomethingNoted(PlacementEvent):
    """An event class the wording does not know, as one added later would be."""

    ward_name: str
    ready: bool
    due_on: date | None
    hours: Decimal
    areas: tuple[NeedArea, ...]
    progress: ObjectiveProgress


@attrs.frozen(slots=False, kw_only=True)
class PlanAgreedWithNote(PlanAgreed):
    """A later subclass of a known event: its own facts must not be hidden by the parent's."""

    note: str


def test_an_unknown_event_type_is_described_generically_in_plain_words() -> None:
    event = stamped(
        SomethingNoted,
        ward_name="north wing",
        ready=True,
        due_on=None,
        hours=Decimal("1E+1"),
        areas=(NeedArea.COGNITION_AND_LEARNING, NeedArea.SENSORY_AND_PHYSICAL),
        progress=ObjectiveProgress("EN1", ProgressRating.ACHIEVED),
    )

    assert describe(event) == (
        "SomethingNoted: ward name=north wing, ready=yes, due on=not recorded, hours=10, "
        "areas=cognition and learning, sensory and/or physical, "
        "progress=(reference=EN1, rating=achieved, note=not recorded)."
    )


def test_an_unknown_event_type_has_json_facts() -> None:
    event = stamped(
        SomethingNoted,
        ward_name="north wing",
        ready=False,
        due_on=date(2025, 12, 1),
        hours=Decimal("6.5"),
        areas=(),
        progress=ObjectiveProgress("EN1", ProgressRating.ACHIEVED, "done"),
    )

    assert facts(event) == {
        "ward_name": "north wing",
        "ready": False,
        "due_on": "2025-12-01",
        "hours": "6.5",
        "areas": [],
        "progress": {"reference": "EN1", "rating": "achieved", "note": "done"},
    }


def test_a_later_subclass_of_a_known_event_is_described_generically_with_its_own_facts() -> None:
    event = stamped(
        PlanAgreedWithNote,
        plan=plan(),
        full_time_hours=Decimal("32.5"),
        outside_provider_ids=(),
        note="agreed at the annual review",
    )

    text = describe(event)

    assert text.startswith("PlanAgreedWithNote: plan=(objectives=(reference=EN1, ")
    assert text.endswith(", outside provider ids=none, note=agreed at the annual review.")
    assert [mark for mark in REPR_MARKS if mark in text] == []


def test_an_unknown_event_type_without_facts_is_its_name() -> None:
    assert describe(stamped(PlacementEvent)) == "PlacementEvent."


# --------------------------------------------------------------------------- properties
# Texts that cannot spell a repr mark ("None" needs a capital N), and texts of any kind.
_PLAIN_TEXTS = st.text(st.sampled_from(string.ascii_lowercase + " -'"), max_size=20)
# A progress note is checked as it is made (not empty, no control characters).
_NOTES = st.text(st.sampled_from(string.ascii_lowercase + " -'"), min_size=1, max_size=20).filter(
    str.strip
)
_ANY_TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
_TIMESTAMPS = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from((UTC, timezone(timedelta(hours=1)))),
)
_DECIMALS = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99"), places=2, allow_nan=False
) | st.sampled_from((Decimal("32.5"), Decimal("32.50"), Decimal("1E+1"), Decimal("6")))


def values_of(hint: Any, texts: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Values of a field's type, as the round-trip property draws them, with ``texts``."""
    known: dict[object, st.SearchStrategy[Any]] = {
        str: texts,
        datetime: _TIMESTAMPS,
        Decimal: _DECIMALS,
        int: st.integers(1, 10**9),
        Plan: plans(),
        Actor: actors(),
        ObjectiveProgress: st.builds(
            ObjectiveProgress,
            reference=st.sampled_from(("EN1", "MA1")),
            rating=st.sampled_from(ProgressRating),
            note=st.none() | _NOTES,
        ),
        PolicyParameters: st.builds(
            PolicyParameters,
            version=texts,
            full_time_hours=_DECIMALS,
            max_hours_per_day=_DECIMALS,
            unregistered_full_time_pupils=st.integers(1, 10**9),
            longest_review_interval_weeks=st.integers(1, 10**9),
        ),
    }
    if hint in known:
        return known[hint]
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(values_of(argument, texts) for argument in arguments))
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return st.lists(values_of(arguments[0], texts), max_size=3).map(tuple)
    return st.from_type(hint)


def events_of(event_class: type[Event], texts: st.SearchStrategy[str]) -> st.SearchStrategy[Event]:
    hints = typing.get_type_hints(event_class)
    return st.builds(
        event_class,
        **{field.name: values_of(hints[field.name], texts) for field in attrs.fields(event_class)},
    )


def shown(value: object) -> list[str]:
    """How a fact appears in a description, where it must appear word for word."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, enum.Enum):
        return [str(value.value)]
    if isinstance(value, date):
        return [value.isoformat()]
    if isinstance(value, Decimal):
        return [format(value.normalize(), "f")]
    if isinstance(value, UUID) or (isinstance(value, int) and not isinstance(value, bool)):
        return [str(value)]
    if isinstance(value, tuple):
        return [text for item in value for text in shown(item)]
    return []  # flags, missing values and nested values are worded, not quoted


@pytest.mark.parametrize("event_class", EVENT_TYPES, ids=lambda cls: cls.__name__)
@settings(max_examples=20)
@given(data=st.data())
def test_any_event_is_described_without_reprs_and_has_json_facts(
    event_class: type[Event], data: st.DataObject
) -> None:
    event = data.draw(events_of(event_class, _PLAIN_TEXTS))

    text = describe(event)
    own = facts(event)

    assert [mark for mark in REPR_MARKS if mark in text] == []
    assert list(own) == given_field_names(event)
    assert json.loads(json.dumps(own)) == own


@pytest.mark.parametrize("event_class", EVENT_TYPES, ids=lambda cls: cls.__name__)
@settings(max_examples=20)
@given(data=st.data())
def test_any_event_description_shows_each_of_its_own_texts_dates_codes_and_ids(
    event_class: type[Event], data: st.DataObject
) -> None:
    event = data.draw(events_of(event_class, _ANY_TEXTS))
    # The school is always the actor's own, shown with the actor in the trail.
    hidden = {"school_id"}
    names = [name for name in own_field_names(event_class) if name not in hidden]

    text = describe(event)

    missing = [part for name in names for part in shown(getattr(event, name)) if part not in text]
    assert missing == []
