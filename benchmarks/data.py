"""The benchmarks' own data: a school with started on-site placements, a year of registers,
and the bare-eventsourcing equivalent, built through the public API (nothing is faked)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from senad_ap import (
    Actor,
    AlternativeProvision,
    NeedArea,
    Objective,
    ObjectiveArea,
    ObjectiveProgress,
    Plan,
    ProgressRating,
    Reason,
    RegisterMark,
    Role,
    Session,
    Setting,
    Weekday,
    WeeklyHours,
)
from senad_ap.domain.plan import Effectiveness

__all__ = [
    "FIRST_DAY",
    "HEAD",
    "STAFF",
    "BareApp",
    "BarePlacement",
    "Clock",
    "open_school",
    "record_year",
    "school_days",
]

SCHOOL = "BENCH-1"
HEAD = Actor(id="head-bench", role=Role.HEAD_TEACHER, school_id=SCHOOL)
STAFF = Actor(id="senco-bench", role=Role.SCHOOL_STAFF, school_id=SCHOOL)
#: The first school day of the benchmark year (a Monday).
FIRST_DAY = date(2024, 9, 2)
_WEEK = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
_AM = ("/", "/", "/", "L", "/", "I", "/", "/", "M", "/", "/")
_PM = ("\\", "\\", "\\", "\\", "I", "\\", "\\", "\\", "M", "\\")


class Clock:
    """The application's clock, moved on by the builder (registers are recorded on the day)."""

    def __init__(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 16, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def on(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 16, tzinfo=UTC)


def school_days(first: date, count: int) -> Iterator[date]:
    """``count`` weekdays from ``first``."""
    day = first
    given = 0
    while given < count:
        if day.weekday() < 5:
            yield day
            given += 1
        day += timedelta(days=1)


def _plan(on: date) -> Plan:
    return Plan(
        objectives=(
            Objective("E1", ObjectiveArea.ENGLISH, "Reads a short text aloud with confidence",
                      "Entry 2 reading", on + timedelta(days=300)),
            Objective("M1", ObjectiveArea.MATHEMATICS, "Uses money in a shop with help",
                      "Counts to 100", on + timedelta(days=300)),
        ),
        review_interval_weeks=6,
        monitoring_arrangements="Weekly check-in with the SENCo.",
        assessment_arrangements="Half-termly teacher assessment.",
        weekly_pattern=tuple(WeeklyHours(d, Setting.ON_SITE, Decimal("6.5")) for d in _WEEK),
    )  # fmt: skip


def open_school(
    app: AlternativeProvision, clock: Clock, placements: int, *, first: date = FIRST_DAY
) -> list[UUID]:
    """``placements`` on-site placements, each opened, assessed, planned and started on the
    day before ``first``, with a name, date of birth and notes (sealed personal data)."""
    day = first - timedelta(days=3)
    clock.on(day)
    ids = []
    for number in range(placements):
        reference = f"BENCH-{number:06d}"
        state = app.open_placement(
            student_reference=reference, reason=Reason.ANXIETY, setting=Setting.ON_SITE,
            location="The Orchard room", residential=False,
            reason_detail="Finds large groups overwhelming", student_name=f"Student {number}",
            date_of_birth=date(2012, 1 + number % 12, 1 + number % 28), actor=STAFF, on=day,
        )  # fmt: skip
        app.assess_needs(
            state.id, areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
            summary="Anxiety in large groups; calm in small ones.", actor=STAFF, on=day,
        )  # fmt: skip
        app.agree_plan(state.id, _plan(day), actor=HEAD, on=day)
        app.start_placement(state.id, actor=HEAD, on=day)
        ids.append(state.id)
    return ids


def record_year(
    app: AlternativeProvision,
    clock: Clock,
    ids: Sequence[UUID],
    days: int,
    *,
    first: date = FIRST_DAY,
    progress: Callable[[int], None] | None = None,
) -> date:
    """``days`` school days of registers (AM and PM for every placement, one transaction a
    day), with a progress review every six weeks; returns the day after the last."""
    last = first
    for index, day in enumerate(school_days(first, days)):
        clock.on(day)
        marks = [
            RegisterMark(pid, session, codes[(i + index) % len(codes)])
            for i, pid in enumerate(ids)
            for session, codes in ((Session.AM, _AM), (Session.PM, _PM))
        ]
        app.record_register(marks, on=day, actor=STAFF)
        if index % 30 == 29:
            for pid in ids:
                app.review_progress(
                    pid, progress=[ObjectiveProgress("E1", ProgressRating.AS_EXPECTED)],
                    effectiveness=Effectiveness.EFFECTIVE,
                    next_review_on=day + timedelta(days=42), note="Settling well.",
                    actor=STAFF, on=day,
                )  # fmt: skip
        last = day
        if progress is not None:
            progress(index + 1)
    return last + timedelta(days=1)


# --------------------------------------------------------------------------- bare eventsourcing
class BarePlacement(Aggregate):
    """The same register work the plain eventsourcing way: a mutable aggregate."""

    def __init__(self, student_reference: str) -> None:
        self.student_reference = student_reference
        self.marks: dict[str, str] = {}

    @event("AttendanceRecorded")
    def record_attendance(self, day: str, session: str, code: str) -> None:
        key = f"{day} {session}"
        if key in self.marks:
            raise ValueError("already marked")
        self.marks[key] = code


class BareApp(Application[UUID]):
    """eventsourcing's own application, on the same kind of store."""

    env: ClassVar[dict[str, str]] = {"IS_SNAPSHOTTING_ENABLED": "n"}

    def open(self, count: int) -> list[UUID]:
        placements = [BarePlacement(f"BENCH-{n:06d}") for n in range(count)]
        self.save(*placements)
        return [p.id for p in placements]

    def register(self, ids: Sequence[UUID], day: date) -> None:
        placements: list[BarePlacement] = [self.repository.get(i) for i in ids]
        iso = day.isoformat()
        for placement in placements:
            placement.record_attendance(iso, "AM", "/")
            placement.record_attendance(iso, "PM", "\\")
        self.save(*placements)
