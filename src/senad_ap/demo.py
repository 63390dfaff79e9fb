"""A demonstration record: one special school's autumn term 2025 of alternative provision.

``write_demo`` records, through the public API only, what school DEMO-1 would have on its
record at the end of the autumn term 2025: the Head Teacher's delegate, the term dates, an
inspector's access, six providers (the school itself, an FE college, a registered independent
provider, an unregistered farm project, the allied children's home, another school), and 41
placements — opened in July with needs assessments, plans, consents and information shared,
started in September, with a term of morning and afternoon registers, corrections, half-termly
progress reviews, a consent withdrawn and given again, a reintegration and other endings::

    clock = demo_clock()
    app = AlternativeProvision.sqlite("demo.sqlite", clock=clock)
    summary = write_demo(app, clock)

The clock is set so that every decision is *recorded* on a realistic day and time (UK local
time, stored in UTC), late entries included: a consent recorded seven weeks after it was
given, a review written up a week late, an afternoon register entered the next school day,
"reason not yet established" (N) marks corrected a week later (STAT-2).

Every command carries an idempotency key, so the ids are the same in every store and writing
the demo again on the same store records nothing new. Marks come from a ``random.Random``
seeded per student: every run writes the same record.

Deliberate gaps for the compliance view to find (rule ids from RULES.md):

- PLAN-1: DEMO-S015's needs were assessed after its plan; DEMO-S016's never were (AIM-2 too).
- AIM-1, QUAL-2: DEMO-S021's plan has no English or mathematics objective (DEMO-S020's had
  none until its plan was revised on 20 October 2025).
- AIM-4: DEMO-S022's plan names no destination.
- INFO-1, STAT-5: nothing shared with the local authority about DEMO-S023; INFO-1, INFO-3:
  nothing shared with the farm project (its outside provider) about DEMO-S037.
- COMM-5, COMM-7, STAT-3: DEMO-S012's second review, due on 26 November 2025, never happened.
- COMM-6: DEMO-S007's afternoons of 14 to 16 October and DEMO-S027's morning of 20 November
  2025 were never marked.
- COMM-8: DEMO-S019's plan plans a return to school, but no readiness criteria are agreed
  (everyone else's are agreed at the plan meeting).
- QUAL-3: the farm project's staffing and qualifications are not on its record.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

import attrs

from senad_ap.application import AlternativeProvision, RegisterMark
from senad_ap.domain.attendance_codes import Session
from senad_ap.domain.placement import ConsentParty, InformationParty, InformationScope
from senad_ap.domain.plan import (
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
from senad_ap.domain.provider import ProviderKind, RiskOutcome
from senad_ap.domain.values import Actor, Destination, Role, Weekday
from senad_ap.errors import InvalidInputError

__all__ = [
    "DEMO_HEAD",
    "DEMO_INSPECTOR",
    "DEMO_SCHOOL_ID",
    "DemoClock",
    "DemoSummary",
    "demo_clock",
    "write_demo",
]

DEMO_SCHOOL_ID = "DEMO-1"
#: The demo school's Head Teacher, who may read all of its placements.
DEMO_HEAD = Actor(id="head-DEMO-1", role=Role.HEAD_TEACHER, school_id=DEMO_SCHOOL_ID)
#: The inspector the Head lets in on 1 December 2025, until 31 March 2026.
DEMO_INSPECTOR = Actor(id="inspector-DEMO-1", role=Role.INSPECTOR, school_id=DEMO_SCHOOL_ID)
_DEPUTY = Actor(id="deputy-DEMO-1", role=Role.SCHOOL_STAFF, school_id=DEMO_SCHOOL_ID)
_SENCO = Actor(id="senco-DEMO-1", role=Role.SCHOOL_STAFF, school_id=DEMO_SCHOOL_ID)
_ATTENDANCE = Actor(id="attendance-DEMO-1", role=Role.SCHOOL_STAFF, school_id=DEMO_SCHOOL_ID)

_FIRST_DAY = date(2025, 7, 1)
_TERMS = (
    ("Autumn 1 2025", date(2025, 9, 3), date(2025, 10, 24)),
    ("Autumn 2 2025", date(2025, 11, 3), date(2025, 12, 19)),
)
_TERM_START, _TERM_END = _TERMS[0][1], _TERMS[-1][2]
_INSET_DAY = date(2025, 11, 3)
_TRIP_DAY = date(2025, 10, 9)
_TARGET = date(2026, 7, 17)  # the end of the school year: most objectives' target date
_FULL_DAY = Decimal("6.5")  # five make the 32.5 hours of full-time provision (PLAN-2)

# The students with something to show, by number (their references are DEMO-S001 …).
_REINTEGRATED = 3
_LATE_REVIEW = 5
_FORCED_N = (9, date(2025, 10, 8), Session.AM)  # at least one N mark, corrected a week later
_OVERDUE_REVIEW = 12
_NEEDS_AFTER_PLAN = 15
_NO_NEEDS_ASSESSMENT = 16
_NO_READINESS_CRITERIA = 19
_PLAN_REVISED = 20
_NO_ENGLISH_OR_MATHS = (20, 21)
_NO_DESTINATION = 22
_NOT_SHARED_WITH_LA = 23
_MEDICAL = 24
_TO_COLLEGE = 25
_LATE_CONSENT = 28
_WITHDRAWN = 31
_WITHDRAWN_ON, _GIVEN_AGAIN_ON = date(2025, 11, 10), date(2025, 11, 24)
_MOVED_AWAY = 33
_NOT_SHARED_WITH_PROVIDER = 37
_CHILDRENS_HOME = 39
_NOT_STARTED = 41
_LOOKED_AFTER = (10, 18, _CHILDRENS_HOME)
_RESIDENTIAL = (8, 17, _CHILDRENS_HOME)
_LATE_STARTS = {26: date(2025, 9, 15), 34: date(2025, 9, 8)}
_ENDS = {
    _TO_COLLEGE: date(2025, 11, 28),
    _MOVED_AWAY: date(2025, 12, 5),
    _REINTEGRATED: date(2025, 12, 12),
}
_UNMARKED = {
    (7, date(2025, 10, 14), Session.PM),
    (7, date(2025, 10, 15), Session.PM),
    (7, date(2025, 10, 16), Session.PM),
    (27, date(2025, 11, 20), Session.AM),
}
#: This session's register is entered on the next school day, before that day's morning.
_LATE_REGISTER = (date(2025, 11, 21), Session.PM, date(2025, 11, 24))


# --------------------------------------------------------------------------------- the clock
class DemoClock:
    """The application's clock for the demo: it stands still until it is set or moved.

    >>> clock = demo_clock()
    >>> clock.today.isoformat()
    '2025-07-01'
    """

    def __init__(self, now: datetime) -> None:
        self.set(now)

    def __call__(self) -> datetime:
        return self.now

    @property
    def today(self) -> date:
        return self.now.date()

    def set(self, now: datetime) -> None:
        if not isinstance(now, datetime) or now.tzinfo is None:
            raise InvalidInputError("The clock needs a timezone-aware datetime.", field="now")
        self.now = now

    def advance(self, delta: timedelta) -> None:
        self.set(self.now + delta)

    def __repr__(self) -> str:
        return f"DemoClock({self.now!r})"


def demo_clock() -> DemoClock:
    """A clock at the demo's first day, 1 July 2025 at 08:00 in the UK: give it to the store."""
    return DemoClock(_uk(_FIRST_DAY, 8))


def _uk(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` UK time on ``day``, in UTC (British Summer Time runs from the last
    Sunday of March to the last Sunday of October)."""

    def last_sunday(month: int) -> date:
        end = date(day.year, month, 31)
        return end - timedelta(days=(end.weekday() + 1) % 7)

    local = datetime.combine(day, time(hour, minute), tzinfo=UTC)
    return local - timedelta(hours=1) if last_sunday(3) <= day < last_sunday(10) else local


# --------------------------------------------------------------------------------- school days
def _in_term(day: date) -> bool:
    return day.weekday() < 5 and any(start <= day <= end for _, start, end in _TERMS)


def _term_days(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if _in_term(day):
            yield day


def _term_day_on_or_before(day: date) -> date:
    while not _in_term(day):
        day -= timedelta(days=1)
    return day


def _term_day_on_or_after(day: date) -> date:
    """The first term day from ``day`` on (``day`` itself once the recorded terms are over)."""
    while not _in_term(day) and day <= _TERM_END:
        day += timedelta(days=1)
    return day


def _weekdays_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


# --------------------------------------------------------------------------------- providers
@attrs.frozen
class _Provider:
    key: str
    name: str
    kind: ProviderKind
    accredited: bool
    site: str
    staffing: str | None
    urn: str | None  # a DfE URN (6 digits) or UKPRN (8), where the kind has one to confirm
    assessed_on: date


# fmt: off
_PROVIDERS = (
    _Provider("school", "DEMO-1 on-site provision (the Orchard Room)", ProviderKind.SCHOOL_ITSELF,
              True, "Main site, the Orchard Room",
              "Two qualified teachers (QTS) and an HLTA, overseen by the SENCo", None,
              date(2025, 7, 2)),
    _Provider("college", "Riverside College of Further Education", ProviderKind.FE_COLLEGE,
              True, "Riverside campus",
              "Foundation Learning tutors with FE teaching qualifications", "10005534",
              date(2025, 7, 3)),
    _Provider("independent", "Northgate Learning Centre", ProviderKind.REGISTERED_INDEPENDENT,
              True, "Northgate Road site",
              "Qualified teachers of English, maths and science; two learning mentors",
              "148213", date(2025, 7, 4)),
    # QUAL-3 gap on purpose: nothing recorded about the staff.
    _Provider("farm", "Hollow Lane Farm Project", ProviderKind.UNREGISTERED,
              False, "Hollow Lane Farm", None, None, date(2025, 7, 7)),
    # Not a school registered with the DfE, so no other kind fits. A placement at the home
    # cannot name this record (only outside-provider placements name one), but the home's
    # risk assessment belongs on the record.
    _Provider("home", "Orchard House (the allied children's home)", ProviderKind.UNREGISTERED,
              False, "Orchard House", "Residential care staff; teaching by DEMO-1 teachers",
              None, date(2025, 7, 2)),
    _Provider("academy", "St Aidan's Academy vocational centre", ProviderKind.SCHOOL,
              True, "St Aidan's Academy, vocational centre",
              "Vocational lecturers and a qualified Key Stage 4 teacher", "137915",
              date(2025, 7, 8)),
)
# fmt: on
_PROVIDER_BY_KEY = {provider.key: provider for provider in _PROVIDERS}
#: The providers a placement names: those teaching away from the school and the home.
_OUTSIDE = ("college", "independent", "farm", "academy")

#: Monday to Friday: (place, hours) each day. A place is a provider key, "on-site", "class"
#: (the student's usual classes) or "home" (the allied children's home).
_TIMETABLES: dict[str, tuple[tuple[tuple[str, Decimal], ...], ...]] = {
    "on-site": ((("on-site", _FULL_DAY),),) * 5,
    "medical": ((("on-site", Decimal(3)),),) * 5,  # mornings only: a medical exemption
    "college 3 days": ((("college", _FULL_DAY),),) * 3 + ((("class", _FULL_DAY),),) * 2,
    "college": ((("college", _FULL_DAY),),) * 5,
    "independent": ((("independent", _FULL_DAY),),) * 5,
    "farm": ((("on-site", _FULL_DAY),), (("farm", _FULL_DAY),)) * 2 + ((("on-site", _FULL_DAY),),),
    "home": ((("home", Decimal(4)), ("on-site", Decimal("2.5"))),) * 5,
    "academy": ((("class", _FULL_DAY),), (("academy", _FULL_DAY),)) * 2
    + ((("class", _FULL_DAY),),),
}
_SETTINGS = {
    "on-site": Setting.ON_SITE,
    "class": Setting.SCHOOL_CLASS,
    "home": Setting.ALLIED_CHILDRENS_HOME,
}


# --------------------------------------------------------------------------------- students
_FIRST_NAMES = (
    "Alex", "Bea", "Callum", "Dami", "Ellis", "Farah", "Gus", "Hana", "Isaac", "Jas",
    "Kai", "Lena", "Milo", "Nia", "Owen", "Priya", "Quinn", "Rosa", "Sami", "Tom",
)  # fmt: skip
_LAST_NAMES = (
    "Ashby", "Bell", "Carver", "Dunn", "Evans", "Frost", "Gill", "Hart", "Ives", "Jones",
    "Khan", "Lowe", "Moss", "Nash", "Okafor", "Penn", "Reid", "Shaw", "Tait", "Webb",
)  # fmt: skip


@attrs.frozen
class _Student:
    number: int
    timetable: str
    provider: str
    reason: Reason
    opened_on: date
    starts_on: date | None

    @property
    def reference(self) -> str:
        return f"DEMO-S{self.number:03d}"

    @property
    def ehcp_reference(self) -> str:
        return f"EHCP-DEMO-{self.number:03d}"

    @property
    def name(self) -> str:
        """A made-up name (personal data: sealed on the record, erasable)."""
        first = _FIRST_NAMES[self.number % len(_FIRST_NAMES)]
        last = _LAST_NAMES[(self.number * 7) % len(_LAST_NAMES)]
        return f"{first} {last}"

    @property
    def date_of_birth(self) -> date:
        """Aged 11 to 16 at the start of the autumn term 2025."""
        return date(2009 + self.number % 6, 1 + self.number % 12, 1 + (self.number * 5) % 28)

    @property
    def looked_after(self) -> bool:
        return self.number in _LOOKED_AFTER

    @property
    def residential(self) -> bool:
        return self.number in _RESIDENTIAL

    @property
    def with_provider(self) -> bool:
        """Taught partly by or at a provider other than the school: consents, information
        for the provider and the provider's agreement to the plan are recorded."""
        return self.provider != "school"

    @property
    def plan_on(self) -> date:
        return _weekdays_after(self.opened_on, 3)

    @property
    def last_day(self) -> date:
        return _ENDS.get(self.number, _TERM_END)


def _roster() -> tuple[_Student, ...]:
    """24 on site (one part-time on medical grounds), 6 at the FE college, 5 at the registered
    independent provider, 3 part-time at the farm, 1 at the children's home, 1 at another
    school, and 1 at the FE college opened in December and not started yet."""
    timetables = (
        ["on-site"] * 23 + ["medical"] + ["college 3 days"] * 4 + ["college"] * 2
        + ["independent"] * 5 + ["farm"] * 3 + ["home", "academy", "college"]
    )  # fmt: skip
    provider = {"on-site": "school", "medical": "school", "college 3 days": "college"}
    students = []
    for number, timetable in enumerate(timetables, start=1):
        reason = (Reason.ANXIETY, Reason.BEHAVIOUR)[number % 2]
        opened_on = _weekdays_after(date(2025, 7, 4), 1 + (number - 1) // 8)
        starts_on: date | None = _LATE_STARTS.get(number, _TERM_START)
        if number == _MEDICAL:
            reason = Reason.MEDICAL
        if number == _NOT_STARTED:
            opened_on, starts_on = date(2025, 12, 8), None
        students.append(
            _Student(
                number=number,
                timetable=timetable,
                provider=provider.get(timetable, timetable),
                reason=reason,
                opened_on=opened_on,
                starts_on=starts_on,
            )
        )
    return tuple(students)


_NEEDS = {
    Reason.ANXIETY: "High anxiety in large groups and at transitions; strong in practical work",
    Reason.BEHAVIOUR: "Dysregulated in class; responds well to one trusted adult",
    Reason.MEDICAL: "Chronic fatigue limits the school day; can sustain mornings on site",
    Reason.OTHER: "Needs described in the EHC plan",
}
_ENGLISH_BASELINES = ("Reading age 9y 4m", "Entry 2 reading", "Entry 3 writing", "GCSE grade 2")
_MATHS_BASELINES = ("Entry 2 number", "Entry 3 number and measure", "GCSE grade 1")
#: How readiness to return to the class group is judged (COMM-8), by the reason for AP.
_CRITERIA = {
    Reason.BEHAVIOUR: (
        "Attends full days on site for six consecutive weeks",
        "Manages unstructured time with one adult check-in",
        "Joins two lessons a week in the class group without incident",
    ),
    Reason.ANXIETY: (
        "Attends 90% of sessions over a half term",
        "Manages transitions between lessons with one adult check-in",
        "Joins a small class group for two lessons a week",
    ),
    Reason.MEDICAL: (
        "Medical review supports a longer school day",
        "Sustains full mornings on site for a half term",
    ),
}
_SUPPORT = (
    "Key adult for the first half term",
    "Phased timetable: mornings in class in the first week",
    "Weekly check-in with the SENCo",
    "Daily report card shared with parents",
)


def _objectives(student: _Student, *, revised: bool = False) -> tuple[Objective, ...]:
    number = student.number
    english_and_maths = number not in _NO_ENGLISH_OR_MATHS or (revised and number == _PLAN_REVISED)
    gcse = number % 4 == 3
    behaviour = student.reason is Reason.BEHAVIOUR
    # fmt: off
    candidates = (
        (english_and_maths, Objective(
            "E1", ObjectiveArea.ENGLISH, "Read and write with confidence for everyday and exam "
            "tasks", _ENGLISH_BASELINES[number % 4], _TARGET,
            "GCSE English Language" if gcse else "Functional Skills English Level 1")),
        (english_and_maths, Objective(
            "M1", ObjectiveArea.MATHEMATICS, "Use number, measure and data in practical problems",
            _MATHS_BASELINES[number % 3], _TARGET,
            "GCSE Mathematics" if gcse else "Functional Skills maths Level 1")),
        (behaviour, Objective(
            "P1", ObjectiveArea.PERSONAL_AND_SOCIAL, "Use agreed strategies to manage "
            "frustration without leaving the room", "Three or more removals a week in summer "
            "2025", _TARGET)),
        (not behaviour, Objective(
            "A1", ObjectiveArea.ATTENDANCE, "Attend at least 90% of sessions",
            "74% attendance in summer term 2025", _TARGET)),
        (True, Objective(
            "G1", ObjectiveArea.ENGAGEMENT, "Complete set work in each lesson with one prompt "
            "or fewer", "Completes about half of set tasks", _TARGET)),
        (student.provider in ("college", "academy"), Objective(
            "Q1", ObjectiveArea.QUALIFICATION, "Complete a vocational certificate",
            "New to the course", _TARGET, "Level 1 Certificate in Vocational Studies")),
        (number == _REINTEGRATED, Objective(
            "R1", ObjectiveArea.REINTEGRATION, "Return to the class group full-time",
            "Taught apart from peers since May 2025", date(2025, 12, 19))),
    )
    # fmt: on
    return tuple(objective for wanted, objective in candidates if wanted)


def _destination(student: _Student) -> Destination | None:
    if student.number == _NO_DESTINATION:
        return None
    if student.provider in ("college", "academy"):
        return Destination.FURTHER_EDUCATION
    return Destination.SEN_SCHOOL


def _plan_returns_to_school(student: _Student) -> bool:
    return _destination(student) is Destination.SEN_SCHOOL


def _plan(student: _Student, providers: dict[str, UUID], *, revised: bool = False) -> Plan:
    pattern = []
    for weekday, places in zip(Weekday, _TIMETABLES[student.timetable], strict=False):
        for place, hours in places:
            if place in _SETTINGS:
                pattern.append(WeeklyHours(weekday, _SETTINGS[place], hours))
            else:
                pattern.append(
                    WeeklyHours(weekday, Setting.OUTSIDE_PROVIDER, hours, providers[place])
                )
    destination = _destination(student)
    behaviour = student.reason is Reason.BEHAVIOUR
    services = [Service.EDUCATIONAL_PSYCHOLOGY if behaviour else Service.CAMHS]
    if student.looked_after:
        services.append(Service.SOCIAL_CARE)
    if student.number % 5 == 0:
        services.append(Service.THERAPY)
    monitor = "the provider's key worker" if student.with_provider else "the AP lead"
    return Plan(
        objectives=_objectives(student, revised=revised),
        review_interval_weeks=6,
        monitoring_arrangements=f"Weekly progress note from {monitor}; SENCo visit each half term",
        assessment_arrangements="Half-termly assessment against each objective's baseline",
        weekly_pattern=tuple(pattern),
        intended_destination=destination,
        services_involved=tuple(services),
        contact_arrangements="Weekly call with parents; fortnightly check-in with the student",
        challenge_arrangements="Concerns raised with the provider within two school days, "
        "then with the Head Teacher",
        ehcp_reference=student.ehcp_reference,
        curriculum_continuity="Follows the school's Key Stage 4 English and maths schemes; "
        "subject teachers set work weekly",
        agreed_with_providers=student.with_provider,
    )


# --------------------------------------------------------------------------------- attendance
@attrs.frozen
class _Correction:
    day: date
    session: Session
    code: str
    reason: str
    recorded_on: date


def _session_code(rng: random.Random, absence: float, present: str, at_provider: bool) -> str:
    draw = rng.random() / absence
    if draw < 0.010:
        return "M"
    if draw < 0.016:
        return "N"
    if draw < 0.024:
        return "O"
    if at_provider:  # lateness is the provider's to report, not a register code here
        return present
    if draw < 0.050:
        return "L"
    if draw < 0.058:
        return "U"
    return present


def _attendance(student: _Student) -> tuple[dict[tuple[date, Session], str], list[_Correction]]:
    """The student's marks for the term, and the later corrections of its N marks (STAT-2).

    Present is ``/`` and ``\\`` on site and ``B`` (approved educational activity) at an
    outside provider; the school's INSET day is ``#``; while the parents' agreement is
    withdrawn only absence codes fit (INFO-2), here ``C``.
    """
    marks: dict[tuple[date, Session], str] = {}
    corrections: list[_Correction] = []
    if student.starts_on is None:
        return marks, corrections
    rng = random.Random(f"{DEMO_SCHOOL_ID} attendance {student.reference}")  # noqa: S311 - demo data
    absence = rng.uniform(0.6, 1.6) * (1.4 if student.reason is Reason.ANXIETY else 1.0)
    for day in _term_days(student.starts_on, student.last_day):
        places = _TIMETABLES[student.timetable][day.weekday()]
        at_provider = any(place in _OUTSIDE for place, _ in places)
        if day == _INSET_DAY:
            am = pm = "#"
        elif student.number == _WITHDRAWN and _WITHDRAWN_ON <= day < _GIVEN_AGAIN_ON:
            am = pm = "C"
        elif rng.random() < 0.03 * absence:
            am = pm = "I"
        else:
            am = _session_code(rng, absence, "B" if at_provider else "/", at_provider)
            pm = _session_code(rng, absence, "B" if at_provider else "\\", at_provider)
            if student.timetable == "on-site" and day == _TRIP_DAY and pm == "\\":
                pm = "V"
        if student.timetable == "medical" and day != _INSET_DAY:
            pm = "C2"  # a part-time timetable on medical grounds: mornings only
        for session, code in ((Session.AM, am), (Session.PM, pm)):
            if (student.number, day, session) in _UNMARKED:
                continue
            if (student.number, day, session) == _FORCED_N:
                code = "N"
            explained_on = _term_day_on_or_after(day + timedelta(days=7))
            if code == "N" and explained_on > student.last_day:
                code = "O"  # no time left to find out before the placement ends
            marks[day, session] = code
            if code == "N":
                illness = rng.random() < 0.6
                reason = (
                    f"Parent confirmed illness on {explained_on:%d %B}"
                    if illness
                    else "No reason given after calls and a home visit"
                )
                corrected = "I" if illness else "O"
                corrections.append(_Correction(day, session, corrected, reason, explained_on))
    return marks, corrections


def _reviews(student: _Student) -> list[tuple[date, date]]:
    """(day, next review due) of each half-termly review (COMM-5, STAT-3)."""
    if student.starts_on is None:
        return []
    first = _term_day_on_or_before(student.starts_on + timedelta(days=42 - student.number % 4))
    due = first + timedelta(days=42)
    second = _term_day_on_or_before(due - timedelta(days=student.number % 3))
    reviews = [(first, due)]
    if student.number != _OVERDUE_REVIEW and second <= student.last_day:
        reviews.append((second, second + timedelta(days=42)))
    return reviews


def _rating(rng: random.Random, review: int, thriving: bool) -> ProgressRating:
    if thriving:
        return (ProgressRating.AS_EXPECTED, ProgressRating.ABOVE_EXPECTED)[review]
    weights = ((5, 25, 55, 15, 0), (0, 15, 55, 25, 5))[review]
    return rng.choices(list(ProgressRating), weights=weights)[0]


# --------------------------------------------------------------------------------- the script
@attrs.frozen
class DemoSummary:
    """What ``write_demo`` found or put on the record."""

    placements: int
    providers: int
    #: Events this call wrote (none when the demo was already on the store).
    events: int
    reintegrated_placement_id: UUID
    withdrawn_consent_placement_id: UUID
    childrens_home_placement_id: UUID


_Step = Callable[[], object]


@attrs.define
class _Script:
    """The demo's decisions, each at the moment it is recorded, run in time order.

    Steps are planned first and run after: a step that needs a record's id (known once the
    record is registered or opened) looks it up when it runs.
    """

    app: AlternativeProvision
    clock: DemoClock
    steps: list[tuple[datetime, int, _Step]] = attrs.Factory(list)
    providers: dict[str, UUID] = attrs.Factory(dict)
    placements: dict[int, UUID] = attrs.Factory(dict)

    def at(self, when: datetime, step: _Step) -> None:
        self.steps.append((when, len(self.steps), step))

    def on_placement(
        self, when: datetime, student: _Student, command: Callable[..., object], **fields: Any
    ) -> None:
        """Plan ``command(placement_id, **fields)``, keyed by the student and the command."""
        name = getattr(command, "__name__", "step").replace("_", " ")
        key = f"{student.reference} {fields.pop('key', name)}"
        self.at(
            when,
            lambda: command(self.placements[student.number], idempotency_key=key, **fields),
        )

    def run(self) -> None:
        for when, _, step in sorted(self.steps, key=lambda planned: planned[:2]):
            self.clock.set(when)
            step()

    # --- the school and the providers
    def school(self) -> None:
        app, on, granted = self.app, _FIRST_DAY, date(2025, 12, 1)
        self.at(_uk(on, 8, 30), partial(
            app.appoint_delegate, _DEPUTY.id, actor=DEMO_HEAD, on=on,
            idempotency_key="delegate deputy"))  # fmt: skip
        # The second half term is recorded by the delegate: term dates may be delegated.
        for (name, starts_on, ends_on), actor in zip(_TERMS, (DEMO_HEAD, _DEPUTY), strict=True):
            self.at(_uk(on, 8, 40), partial(
                app.record_term, name, starts_on=starts_on, ends_on=ends_on, actor=actor, on=on,
                idempotency_key=name))  # fmt: skip
        self.at(_uk(granted, 9), partial(
            app.grant_inspector_access, DEMO_INSPECTOR.id, until=date(2026, 3, 31),
            actor=DEMO_HEAD, on=granted, idempotency_key="inspector access"))  # fmt: skip
        for index, provider in enumerate(_PROVIDERS):
            self.at(_uk(on, 10, 10 * index), partial(self.register_provider, provider))
            if provider.urn is not None:
                confirm = partial(
                    app.confirm_provider_registration,
                    urn=provider.urn,
                    evidence_reference="DfE Get Information about Schools check, printed",
                    actor=DEMO_HEAD,
                    on=on,
                )
                self.at(_uk(on, 14, 10 * index), partial(self.provider_step, provider, confirm))
            assess = partial(
                app.assess_provider_risk,
                outcome=RiskOutcome.SATISFACTORY,
                safeguarding_policies_seen=True,
                staff_checks_confirmed_in_writing=True,
                valid_until=provider.assessed_on + timedelta(days=364),
                actor=DEMO_HEAD if index % 2 else _DEPUTY,
                on=provider.assessed_on,
            )
            self.at(_uk(provider.assessed_on, 16), partial(self.provider_step, provider, assess))

    def register_provider(self, provider: _Provider) -> None:
        state = self.app.register_provider(
            name=provider.name,
            kind=provider.kind,
            delivers_accredited_education=provider.accredited,
            sites=(provider.site,),
            staffing=provider.staffing,
            actor=DEMO_HEAD,
            on=_FIRST_DAY,
            idempotency_key=f"provider {provider.key}",
        )
        self.providers[provider.key] = state.id

    def provider_step(self, provider: _Provider, command: partial[Any]) -> None:
        key = f"{provider.key} {command.func.__name__}"
        command(self.providers[provider.key], idempotency_key=key)

    # --- a placement, from its opening to the end of term
    def placement(self, student: _Student) -> None:
        app, number = self.app, student.number
        minute = 7 * ((number - 1) % 8)
        self.at(_uk(student.opened_on, 10, minute), partial(self.open, student))
        needs_on = _weekdays_after(student.opened_on, 1)
        if number == _NEEDS_AFTER_PLAN:
            needs_on = _weekdays_after(student.plan_on, 4)
        if number != _NO_NEEDS_ASSESSMENT:
            areas = [NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH]
            if number % 3 == 0:
                areas.append(NeedArea.COGNITION_AND_LEARNING)
            self.on_placement(
                _uk(needs_on, 11, 30), student, app.assess_needs, areas=areas,
                summary=_NEEDS[student.reason], barriers=["Large groups", "Transitions"],
                actor=_SENCO, on=needs_on,
            )  # fmt: skip
        if number == _MEDICAL:  # before the part-time plan, which PLAN-2 refuses without it
            self.on_placement(
                _uk(student.plan_on, 14, 30), student, app.record_medical_exemption,
                evidence_reference="Consultant paediatrician's letter of 2 July 2025",
                review_on=date(2026, 1, 16), actor=DEMO_HEAD, on=student.plan_on,
            )  # fmt: skip
        self.at(_uk(student.plan_on, 15, minute), partial(self.agree_plan, student))
        if _plan_returns_to_school(student) and number != _NO_READINESS_CRITERIA:
            self.on_placement(
                _uk(student.plan_on, 15, minute + 5), student,
                app.agree_reintegration_criteria, criteria=_CRITERIA[student.reason],
                actor=DEMO_HEAD if number % 3 else _DEPUTY, on=student.plan_on,
            )  # fmt: skip
        self.consents(student)
        self.information(student)
        if student.starts_on is not None:
            self.on_placement(
                _uk(student.starts_on, 8, 10), student, app.start_placement,
                actor=DEMO_HEAD if number % 5 else _DEPUTY, on=student.starts_on,
            )  # fmt: skip
        self.reviews(student)

    def open(self, student: _Student) -> None:
        provider = _PROVIDER_BY_KEY[student.provider]
        setting, provider_id, rationale = Setting.ON_SITE, None, None
        if student.provider in _OUTSIDE:
            setting, provider_id = Setting.OUTSIDE_PROVIDER, self.providers[provider.key]
        if student.number == _CHILDRENS_HOME:
            setting = Setting.ALLIED_CHILDRENS_HOME
            rationale = (
                "Lives at Orchard House; the journey to the main site each morning led to "
                "crises. Mornings taught at the home, afternoons on site (LOC-2)."
            )
        state = self.app.open_placement(
            student_reference=student.reference,
            reason=student.reason,
            setting=setting,
            location=provider.site,
            residential=student.residential,
            looked_after=student.looked_after,
            ehcp_reference=student.ehcp_reference,
            provider_id=provider_id,
            reason_detail=_NEEDS[student.reason],
            location_rationale=rationale,
            student_name=student.name,
            date_of_birth=student.date_of_birth,
            actor=_SENCO,
            on=student.opened_on,
            idempotency_key=f"{student.reference} open",
        )
        self.placements[student.number] = state.id

    def agree_plan(self, student: _Student) -> None:
        self.app.agree_plan(
            self.placements[student.number],
            _plan(student, self.providers),
            actor=DEMO_HEAD if student.number % 3 else _DEPUTY,
            on=student.plan_on,
            idempotency_key=f"{student.reference} plan",
        )

    def revise_plan(self, student: _Student, on: date) -> None:
        self.app.revise_plan(
            self.placements[student.number],
            _plan(student, self.providers, revised=True),
            reason="The first review found gaps in reading and number: English and maths "
            "objectives added",
            actor=DEMO_HEAD,
            on=on,
            idempotency_key=f"{student.reference} plan revised",
        )

    def consents(self, student: _Student) -> None:
        if not student.with_provider:
            return
        number, app = student.number, self.app
        placing, parents = ConsentParty.PLACING_AUTHORITY, ConsentParty.PARENTS
        given = {
            placing: _weekdays_after(student.plan_on, 1),
            parents: _weekdays_after(student.plan_on, 2),
        }
        if number == 26:  # the placing authority took until September: it starts on the 15th
            given[placing] = date(2025, 9, 12)
        if number == 34:  # the parents agreed in September: it starts on the 8th
            given[parents] = date(2025, 9, 5)
        if number == _NOT_STARTED:  # the parents have not agreed yet
            given = {placing: date(2025, 12, 15)}
        by = {placing: "SEN casework officer, Northshire County Council", parents: "Mother"}
        for hour, (party, on) in enumerate(given.items(), start=10):
            recorded = on
            if number == _LATE_CONSENT and party is placing:
                recorded = date(2025, 9, 1)  # the email was found at the start of term
            self.on_placement(
                _uk(recorded, hour, 45), student, app.give_consent, party=party,
                given_by=by[party], evidence_reference=f"Signed form of {on:%d %B %Y}",
                actor=_SENCO, on=on, key=f"consent {party.name}",
            )  # fmt: skip
        if number == _WITHDRAWN:
            self.on_placement(
                _uk(_WITHDRAWN_ON, 8, 40), student, app.withdraw_consent, party=parents,
                reason="Parents asked for a pause over transport and a change of key worker",
                actor=_SENCO, on=_WITHDRAWN_ON,
            )  # fmt: skip
            self.on_placement(
                _uk(_GIVEN_AGAIN_ON, 8, 30), student, app.give_consent, party=parents,
                given_by="Both parents", actor=_SENCO, on=_GIVEN_AGAIN_ON,
                evidence_reference="Minutes of the meeting of 21 November 2025",
                key="consent given again",
            )  # fmt: skip

    def information(self, student: _Student) -> None:
        number, scope = student.number, InformationScope
        shares: list[tuple[InformationParty, tuple[InformationScope, ...]]] = []
        if number != _NOT_SHARED_WITH_LA:
            needs = (scope.SPECIAL_EDUCATIONAL_NEEDS, scope.PLAN_AND_OBJECTIVES)
            shares.append((InformationParty.LOCAL_AUTHORITY, needs))
        if number != _NOT_STARTED:
            progress = (scope.PLAN_AND_OBJECTIVES, scope.ATTENDANCE)
            shares.append((InformationParty.PARENTS, progress))
        if student.with_provider and number not in (_NOT_SHARED_WITH_PROVIDER, _NOT_STARTED):
            for_provider: tuple[InformationScope, ...] = (
                scope.SPECIAL_EDUCATIONAL_NEEDS,
                scope.LITERACY,
                scope.SAFEGUARDING,
                scope.PLAN_AND_OBJECTIVES,
            )
            if number % 4 == 0:
                for_provider += (scope.MEDICAL,)
            shares.append((InformationParty.PROVIDER, for_provider))
        if student.looked_after:
            # The Virtual School Head of the authority that looks after the student.
            virtual_school = (scope.SPECIAL_EDUCATIONAL_NEEDS, scope.ATTENDANCE)
            shares.append((InformationParty.OTHER_AGENCY, virtual_school))
        on = _weekdays_after(student.plan_on, 1)
        for index, (party, scopes) in enumerate(shares):
            agency = party is InformationParty.OTHER_AGENCY
            self.on_placement(
                _uk(on, 14, 30 + 5 * index), student, self.app.share_information, party=party,
                scope=scopes, note="Virtual School Head" if agency else None, actor=_SENCO,
                on=on, key=f"shared {party.name}",
            )  # fmt: skip

    def reviews(self, student: _Student) -> None:
        number = student.number
        rng = random.Random(f"{DEMO_SCHOOL_ID} reviews {student.reference}")  # noqa: S311 - demo data
        for index, (on, due) in enumerate(_reviews(student)):
            recorded = on
            if number == _LATE_REVIEW and index == 0:  # written up a week later
                recorded = _term_day_on_or_after(on + timedelta(days=7))
            revised = number == _PLAN_REVISED and index > 0
            thriving = number == _REINTEGRATED
            progress = [
                ObjectiveProgress(objective.reference, _rating(rng, index, thriving))
                for objective in _objectives(student, revised=revised)
            ]
            effectiveness = rng.choices(list(Effectiveness), weights=(70, 25, 5))[0]
            review = partial(self.review, student, on, due, progress, effectiveness, index)
            self.at(_uk(recorded, 15, 30 + 5 * (number % 6)), review)
            if number == _PLAN_REVISED and index == 0:
                revised_on = date(2025, 10, 20)
                self.at(_uk(revised_on, 15), partial(self.revise_plan, student, revised_on))

    def review(
        self, student: _Student, on: date, due: date, progress: Sequence[ObjectiveProgress],
        effectiveness: Effectiveness, index: int,
    ) -> None:  # fmt: skip
        actor = _SENCO
        if student.provider == "college" and student.number % 2:
            # The college's AP coordinator records some reviews: provider staff may (S/P).
            actor = Actor(
                id="ap-coordinator-riverside",
                role=Role.PROVIDER_STAFF,
                school_id=DEMO_SCHOOL_ID,
                provider_id=self.providers["college"],
            )
        people = "parents and the provider" if student.with_provider else "parents"
        self.app.review_progress(
            self.placements[student.number],
            progress=progress,
            effectiveness=effectiveness,
            next_review_on=due,
            with_provider=student.with_provider,
            note=f"Half-termly review with {people}",
            actor=actor,
            on=on,
            idempotency_key=f"{student.reference} review {index + 1}",
        )

    def endings(self, roster: Sequence[_Student]) -> None:
        app, returning = self.app, roster[_REINTEGRATED - 1]
        assessed, supported = date(2025, 12, 1), date(2025, 12, 3)
        self.on_placement(
            _uk(assessed, 10), returning, app.assess_reintegration, ready=True,
            criteria_met=_CRITERIA[returning.reason], note="All three criteria met for six weeks",
            actor=_SENCO,
            on=assessed,
        )  # fmt: skip
        self.on_placement(
            _uk(supported, 15), returning, app.agree_reintegration_support, support=_SUPPORT,
            actor=_DEPUTY, on=supported,
        )  # fmt: skip
        endings = {
            _REINTEGRATED: (Destination.SEN_SCHOOL, "Back in the class group from 15 December"),
            _TO_COLLEGE: (
                Destination.FURTHER_EDUCATION,
                "Enrolled full-time on the college's Foundation Learning programme",
            ),
            _MOVED_AWAY: (Destination.OTHER, "Moved out of the area; records sent on"),
        }
        for number, (destination, note) in endings.items():
            on = _ENDS[number]
            self.on_placement(
                _uk(on, 15, 45), roster[number - 1], app.end_placement,
                destination=destination, note=note, actor=DEMO_HEAD, on=on,
            )  # fmt: skip

    # --- the registers
    def registers(self, roster: Sequence[_Student]) -> None:
        """One register a session for the whole school (09:20 and 13:50), and corrections."""
        sessions: dict[tuple[date, Session], list[tuple[int, str]]] = {}
        for student in roster:
            marks, corrections = _attendance(student)
            for (day, session), code in marks.items():
                sessions.setdefault((day, session), []).append((student.number, code))
            for correction in corrections:
                correct = partial(self.correct, student, correction)
                self.at(_uk(correction.recorded_on, 10, 30), correct)
        for (day, session), taken in sessions.items():
            when = _uk(day, 9, 20) if session is Session.AM else _uk(day, 13, 50)
            if (day, session) == _LATE_REGISTER[:2]:
                when = _uk(_LATE_REGISTER[2], 8, 45)
            self.at(when, partial(self.register, day, session, taken))

    def register(self, day: date, session: Session, taken: Sequence[tuple[int, str]]) -> None:
        self.app.record_register(
            [RegisterMark(self.placements[number], session, code) for number, code in taken],
            on=day,
            actor=_ATTENDANCE,
            idempotency_key=f"register {day} {session.value}",
        )

    def correct(self, student: _Student, correction: _Correction) -> None:
        self.app.correct_attendance(
            self.placements[student.number],
            session=correction.session,
            code=correction.code,
            reason=correction.reason,
            actor=_ATTENDANCE,
            on=correction.day,
            idempotency_key=f"{student.reference} correct {correction.day} "
            f"{correction.session.value}",
        )


def write_demo(app: AlternativeProvision, clock: DemoClock) -> DemoSummary:
    """Record the demo school's autumn term 2025 on ``app``, whose clock must be ``clock``.

    The clock is set to each decision's moment, from 1 July to 19 December 2025, and is left
    at the last one. Writing the demo again on the same store records nothing new.
    """
    before = app.recorder.max_notification_id() or 0
    script = _Script(app, clock)
    roster = _roster()
    script.school()
    for student in roster:
        script.placement(student)
    script.endings(roster)
    script.registers(roster)
    script.run()
    return DemoSummary(
        placements=len(script.placements),
        providers=len(script.providers),
        events=(app.recorder.max_notification_id() or 0) - before,
        reintegrated_placement_id=script.placements[_REINTEGRATED],
        withdrawn_consent_placement_id=script.placements[_WITHDRAWN],
        childrens_home_placement_id=script.placements[_CHILDRENS_HOME],
    )
