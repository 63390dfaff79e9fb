"""Small builders for the integration tests: actors, a clock, a provider and placements.

Everything here goes through the public API of ``AlternativeProvision``, so a scenario is
also a check that the valid path works on the store under test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import attrs
import pytest
from eventsourcing.persistence import Notification

from senad_ap import (
    Actor,
    AlternativeProvision,
    ConsentParty,
    Destination,
    NeedArea,
    Objective,
    ObjectiveArea,
    PlacementState,
    Plan,
    ProviderKind,
    ProviderState,
    Reason,
    RiskOutcome,
    Role,
    Setting,
    Weekday,
    WeeklyHours,
)
from senad_ap.domain.placement import PlacementCommand, Related

__all__ = [
    "DELEGATE",
    "HEAD",
    "INSPECTOR",
    "NOW",
    "OPENED_ON",
    "OTHER_HEAD",
    "OTHER_SCHOOL_STAFF",
    "SCHOOL",
    "STAFF",
    "TODAY",
    "Clock",
    "Scene",
    "full_time_plan",
    "notification_count",
    "open_outside_placement",
    "plan_outside_placement",
    "provider_staff",
    "ready_provider",
    "school_days",
    "start_outside_placement",
    "started_placements",
    "stored_notifications",
    "write_between_load_and_save",
]

SCHOOL = "712E"
HEAD = Actor(id="head-712E", role=Role.HEAD_TEACHER, school_id=SCHOOL)
STAFF = Actor(id="senco-712E", role=Role.SCHOOL_STAFF, school_id=SCHOOL)
DELEGATE = Actor(id="deputy-712E", role=Role.SCHOOL_STAFF, school_id=SCHOOL)
OTHER_HEAD = Actor(id="head-900A", role=Role.HEAD_TEACHER, school_id="900A")
OTHER_SCHOOL_STAFF = Actor(id="senco-900A", role=Role.SCHOOL_STAFF, school_id="900A")
INSPECTOR = Actor(id="inspector-1", role=Role.INSPECTOR, school_id=SCHOOL)

#: The fixed "now" of every test: Monday 2 March 2026, noon UTC.
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
TODAY = NOW.date()
#: The Monday four weeks earlier, when the scenarios' placements open and start.
OPENED_ON = date(2026, 2, 2)
_WEEK = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)


@attrs.define
class Clock:
    """The application's clock: fixed at ``now`` until a test moves it on."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, *, days: int = 0, hours: int = 0) -> None:
        self.now += timedelta(days=days, hours=hours)


@attrs.frozen
class Scene:
    """A provider and a placement there, as the application last returned them."""

    provider: ProviderState
    placement: PlacementState


def provider_staff(provider_id: UUID) -> Actor:
    """A tutor who works for the provider ``provider_id``."""
    return Actor(
        id="tutor-1",
        role=Role.PROVIDER_STAFF,
        school_id=SCHOOL,
        provider_id=provider_id,
    )


def school_days(first: date, last: date) -> list[date]:
    """Every Monday-to-Friday from ``first`` to ``last`` inclusive."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < len(_WEEK)]


def ready_provider(
    app: AlternativeProvision,
    *,
    on: date = OPENED_ON,
    name: str = "Riverside FE College",
    kind: ProviderKind = ProviderKind.FE_COLLEGE,
    confirm: bool = True,
    assess: bool = True,
) -> ProviderState:
    """A provider registered by the Head, its DfE registration confirmed, risk assessed safe."""
    provider = app.register_provider(
        name=name,
        kind=kind,
        delivers_accredited_education=True,
        sites=("Main campus",),
        actor=HEAD,
        on=on,
    )
    if confirm:
        provider = app.confirm_provider_registration(
            provider.id, urn="130456", evidence_reference="DfE GIAS check", actor=HEAD, on=on
        )
    if assess:
        provider = app.assess_provider_risk(
            provider.id,
            outcome=RiskOutcome.SATISFACTORY,
            safeguarding_policies_seen=True,
            staff_checks_confirmed_in_writing=True,
            valid_until=on + timedelta(days=300),
            actor=HEAD,
            on=on,
        )
    return provider


def full_time_plan(provider_id: UUID, *, hours_a_day: str = "6.5", on: date = OPENED_ON) -> Plan:
    """Five days a week at the provider: 32.5 hours, full time (PLAN-2), unless told fewer."""
    target = on + timedelta(days=180)
    return Plan(
        objectives=(
            Objective(
                "E1",
                ObjectiveArea.ENGLISH,
                "Functional Skills English L1",
                "Entry 3 reading",
                target,
                "FS English L1",
            ),
            Objective(
                "M1",
                ObjectiveArea.MATHEMATICS,
                "Functional Skills maths L1",
                "Entry 3 number",
                target,
                "FS maths L1",
            ),
        ),
        review_interval_weeks=6,
        monitoring_arrangements="Weekly call with the college tutor; termly visit.",
        assessment_arrangements="College assessments each half term.",
        weekly_pattern=tuple(
            WeeklyHours(day, Setting.OUTSIDE_PROVIDER, Decimal(hours_a_day), provider_id)
            for day in _WEEK
        ),
        intended_destination=Destination.FURTHER_EDUCATION,
        ehcp_reference="EHCP-2291",
        agreed_with_providers=True,
    )


def open_outside_placement(
    app: AlternativeProvision,
    *,
    on: date = OPENED_ON,
    provider: ProviderState | None = None,
    student_reference: str = "STU-0042",
) -> Scene:
    """A placement at a ready outside provider, opened by school staff; nothing else yet."""
    provider = provider or ready_provider(app, on=on)
    placement = app.open_placement(
        student_reference=student_reference,
        reason=Reason.ANXIETY,
        setting=Setting.OUTSIDE_PROVIDER,
        provider_id=provider.id,
        location="Riverside FE College, main campus",
        residential=False,
        ehcp_reference="EHCP-2291",
        actor=STAFF,
        on=on,
    )
    return Scene(provider, placement)


def plan_outside_placement(
    app: AlternativeProvision,
    *,
    on: date = OPENED_ON,
    provider: ProviderState | None = None,
    student_reference: str = "STU-0042",
) -> Scene:
    """An opened placement with its needs assessed, a full-time plan and both consents."""
    scene = open_outside_placement(
        app, on=on, provider=provider, student_reference=student_reference
    )
    placement_id = scene.placement.id
    app.assess_needs(
        placement_id,
        areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        summary="High anxiety in large groups; strong in practical work.",
        actor=STAFF,
        on=on,
    )
    app.agree_plan(placement_id, full_time_plan(scene.provider.id, on=on), actor=HEAD, on=on)
    placement = scene.placement
    for party in ConsentParty:
        placement = app.give_consent(
            placement_id,
            party=party,
            given_by=party.value,
            evidence_reference="signed form",
            actor=STAFF,
            on=on,
        )
    return Scene(scene.provider, placement)


def start_outside_placement(
    app: AlternativeProvision,
    *,
    on: date = OPENED_ON,
    provider: ProviderState | None = None,
    student_reference: str = "STU-0042",
) -> Scene:
    """A planned placement started (commissioned) by the Head on ``on``."""
    scene = plan_outside_placement(
        app, on=on, provider=provider, student_reference=student_reference
    )
    placement = app.start_placement(scene.placement.id, actor=HEAD, on=on)
    return Scene(scene.provider, placement)


def stored_notifications(app: AlternativeProvision) -> list[Notification]:
    """Everything in the store's notification log, oldest first."""
    return list(app.recorder.select_notifications(start=1, limit=10**6))


def notification_count(app: AlternativeProvision) -> int:
    """The id of the last notification: how many events the store holds."""
    return app.recorder.max_notification_id() or 0


def started_placements(app: AlternativeProvision, count: int) -> list[UUID]:
    """``count`` placements at one ready provider, all started on ``OPENED_ON``."""
    provider = ready_provider(app)
    return [
        start_outside_placement(
            app, provider=provider, student_reference=f"STU-{n:04d}"
        ).placement.id
        for n in range(count)
    ]


def write_between_load_and_save(
    monkeypatch: pytest.MonkeyPatch,
    app: AlternativeProvision,
    placement_id: UUID,
    write: Callable[[], object],
) -> None:
    """Make ``app`` run ``write`` once, after it has loaded ``placement_id`` to decide a command
    on it and before it saves the decision: two writers interleaved, as optimistic concurrency
    must catch. Only the timing is arranged; the store, ``decide`` and the save are real."""
    decide_with = app._pipeline.related
    fired = False

    def related(state: PlacementState | None, command: PlacementCommand) -> Related:
        nonlocal fired
        if not fired and command.placement_id == placement_id:
            fired = True
            write()
        return decide_with(state, command)

    monkeypatch.setattr(app._pipeline, "related", related)
