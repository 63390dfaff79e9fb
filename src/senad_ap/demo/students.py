"""The demo's students: the roster, each one's needs, plan and readiness criteria."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import attrs

from senad_ap.demo.cast import (
    _ENDS,
    _LATE_STARTS,
    _LOOKED_AFTER,
    _MEDICAL,
    _NO_DESTINATION,
    _NO_ENGLISH_OR_MATHS,
    _NOT_STARTED,
    _PLAN_REVISED,
    _REINTEGRATED,
    _RESIDENTIAL,
    _SETTINGS,
    _TIMETABLES,
)
from senad_ap.demo.clock import _TERM_END, _TERM_START, _weekdays_after
from senad_ap.domain.plan import (
    Objective,
    ObjectiveArea,
    Plan,
    Reason,
    Service,
    Setting,
    WeeklyHours,
)
from senad_ap.domain.values import Destination, Weekday

_TARGET = date(2026, 7, 17)  # the end of the school year: most objectives' target date

# --------------------------------------------------------------------------------- students
_FIRST_NAMES = (
    "Alex", "Bea", "Callum", "Dami", "Ellis", "Farah", "Gus", "Hana", "Isaac", "Jas",
    "Kai", "Lena", "Milo", "Nia", "Owen", "Priya", "Quinn", "Rosa", "Sami", "Tom",
)  # fmt: skip
_LAST_NAMES = (
    "Ashby", "Bell", "Carver", "Dunn", "Evans", "Frost", "Gill", "Hart", "Ives", "Jones",
    "Khan", "Lowe", "Moss", "Nash", "Okafor", "Penn", "Reid", "Shaw", "Tait", "Webb",
)  # fmt: skip


#: The student whose EHC plan is issued mid-term (PLAN-4 opens until the plan links it).
_EHCP_ISSUED_LATER = 13


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
    def ehcp_reference(self) -> str | None:
        """Every student's EHC plan, but one's, which is issued mid-term (``demo.changes``)."""
        if self.number == _EHCP_ISSUED_LATER:
            return None
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
