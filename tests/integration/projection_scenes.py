"""Builders for the projection tests: a clock that moves day by day, plans, registers, term
dates; and short readers of the compliance findings.

The projection tests run their own ``FixedClock`` (``senad_ap.testing``), standing at noon on
``START`` (Monday 2 February 2026, the scenarios' ``OPENED_ON``) until a test moves it with
``move_to``, so that "recorded at" and "took effect on" are both under the test's control.
Everything goes through the public API of ``AlternativeProvision``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs

from senad_ap import (
    AlternativeProvision,
    AttendanceCode,
    ConsentParty,
    Effectiveness,
    NeedArea,
    ObjectiveProgress,
    PlacementState,
    Plan,
    PolicyParameters,
    ProgressRating,
    ProviderState,
    Session,
    Setting,
    Weekday,
    WeeklyHours,
)
from senad_ap.projections import FindingRow, Projections, compliance
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import FixedClock
from tests.integration.conftest import Store
from tests.integration.scenario import (
    HEAD,
    OPENED_ON,
    STAFF,
    full_time_plan,
    open_outside_placement,
)

__all__ = [
    "START",
    "day",
    "finding_history",
    "finding_rows",
    "findings_known_on",
    "mark_day",
    "mark_days",
    "move_to",
    "noon",
    "open_findings",
    "open_with_policy",
    "plan_at",
    "record_spring_terms",
    "review",
    "split_week_plan",
    "start_with_plan",
]

#: Monday 2 February 2026: the placements open and start on this day unless a test says not.
START = OPENED_ON


def day(offset: int) -> date:
    """The day ``offset`` days after ``START`` (``day(0)`` is Monday 2 February 2026)."""
    return START + timedelta(days=offset)


def noon(on: date) -> datetime:
    return datetime.combine(on, time(12), tzinfo=UTC)


def move_to(clock: FixedClock, on: date) -> None:
    """Stand the clock at noon on ``on``: what is recorded next is recorded that day."""
    clock.now = noon(on)


def plan_at(provider_id: UUID, **changes: Any) -> Plan:
    """The scenarios' full-time plan at ``provider_id``, with ``changes`` to its fields."""
    return attrs.evolve(full_time_plan(provider_id), **changes)


def split_week_plan(provider_id: UUID) -> Plan:
    """Monday to Wednesday at the provider, Thursday and Friday on the school's site."""
    pattern = tuple(
        WeeklyHours(weekday, Setting.OUTSIDE_PROVIDER, Decimal("6.5"), provider_id)
        for weekday in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY)
    ) + tuple(
        WeeklyHours(weekday, Setting.ON_SITE, Decimal("6.5"))
        for weekday in (Weekday.THURSDAY, Weekday.FRIDAY)
    )
    return plan_at(provider_id, weekly_pattern=pattern)


def mark_day(
    app: AlternativeProvision,
    placement_id: UUID,
    on: date,
    am: AttendanceCode | str = "/",
    pm: AttendanceCode | str = "\\",
) -> PlacementState:
    """Record both sessions of ``on`` (the clock must already stand on or after it)."""
    app.record_attendance(placement_id, session=Session.AM, code=am, actor=STAFF, on=on)
    return app.record_attendance(placement_id, session=Session.PM, code=pm, actor=STAFF, on=on)


def mark_days(app: AlternativeProvision, placement_id: UUID, days: Iterable[date]) -> None:
    for each in days:
        mark_day(app, placement_id, each)


def review(
    app: AlternativeProvision, placement_id: UUID, *, on: date, next_review_on: date
) -> PlacementState:
    """A progress review against both objectives of the scenarios' plan (COMM-5, QUAL-1)."""
    return app.review_progress(
        placement_id,
        progress=[
            ObjectiveProgress("E1", ProgressRating.AS_EXPECTED),
            ObjectiveProgress("M1", ProgressRating.AS_EXPECTED),
        ],
        effectiveness=Effectiveness.EFFECTIVE,
        next_review_on=next_review_on,
        actor=STAFF,
        on=on,
    )


def start_with_plan(
    app: AlternativeProvision,
    plan: Plan,
    *,
    provider: ProviderState,
    on: date = START,
    student_reference: str = "STU-0042",
    assess_needs: bool = True,
    start: bool = True,
) -> PlacementState:
    """A placement opened at ``provider`` with ``plan`` agreed and both consents given, its
    needs assessed (unless ``assess_needs`` is false) and started (unless ``start`` is false)."""
    placement_id = open_outside_placement(
        app, on=on, provider=provider, student_reference=student_reference
    ).placement.id
    if assess_needs:
        app.assess_needs(
            placement_id,
            areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
            summary="High anxiety in large groups.",
            actor=STAFF,
            on=on,
        )
    state = app.agree_plan(placement_id, plan, actor=HEAD, on=on)
    for party in ConsentParty:
        state = app.give_consent(
            placement_id,
            party=party,
            given_by=party.value,
            evidence_reference="signed form",
            actor=STAFF,
            on=on,
        )
    if start:
        state = app.start_placement(placement_id, actor=HEAD, on=on)
    return state


def record_spring_terms(app: AlternativeProvision) -> None:
    """Spring 1 ends on Friday 13 February (day 11), Spring 2 starts on Monday 23 (day 21):
    the week of 16 February is half term."""
    app.record_term("Spring 1", starts_on=date(2026, 1, 5), ends_on=day(11), actor=HEAD)
    app.record_term("Spring 2", starts_on=day(21), ends_on=date(2026, 3, 27), actor=HEAD)


def open_with_policy(
    store: Store, clock: FixedClock, folder: Path, policy: PolicyParameters
) -> AlternativeProvision:
    """An application of the same kind as ``store`` (memory or a SQLite file in ``folder``),
    with ``policy`` instead of the default one. The caller closes it."""
    if store.name == "memory":
        return AlternativeProvision.in_memory(clock=clock, policy=policy)
    return AlternativeProvision.sqlite(folder / "policy.sqlite", clock=clock, policy=policy)


# --------------------------------------------------------------------------- findings


def finding_rows(projections: Projections, placement_id: UUID, rule_id: str) -> list[FindingRow]:
    """Every finding of ``rule_id`` the placement has shown, open and closed, after catching
    up."""
    projections.catch_up()
    history = compliance.finding_history(projections.store, placement_id, reader=FULL_ACCESS)
    return [row for row in history if row.rule_id == rule_id]


def finding_history(
    projections: Projections, placement_id: UUID, rule_id: str
) -> list[tuple[str, date, date | None]]:
    """(key, since, closed_on) of every finding of ``rule_id`` the placement has shown."""
    return [(r.key, r.since, r.closed_on) for r in finding_rows(projections, placement_id, rule_id)]


def open_findings(projections: Projections, rule_id: str, *, on: date) -> list[tuple[str, date]]:
    """(key, since) of the findings of ``rule_id`` open now and on ``on``."""
    projections.catch_up()
    found = compliance.open_findings(projections.store, on=on, reader=FULL_ACCESS)
    return [(row.key, row.since) for row in found if row.rule_id == rule_id]


def findings_known_on(
    projections: Projections, rule_id: str, *, known_on: date
) -> list[tuple[str, date]]:
    """(key, since) of the findings of ``rule_id`` open as the record stood on ``known_on``."""
    projections.catch_up()
    found = compliance.findings_known_on(projections.store, known_on=known_on, reader=FULL_ACCESS)
    return [(row.key, row.since) for row in found if row.rule_id == rule_id]
