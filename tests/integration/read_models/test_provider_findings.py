"""Provider facts that change while students are taught there, on every store: the compliance
projection re-checks the provider's placements when the provider's record changes, so a
finding opens (or closes) at once: COMM-3 when its DfE registration lapses, QUAL-3 closing when
staffing is recorded, COMM-9 closing with a quality-assurance visit, CONTACT-1 closing with a
contact; and the providers view counts placements at the allied children's home.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from senad_ap import (
    AlternativeProvision,
    Effectiveness,
    ProviderKind,
    ProviderState,
    Setting,
    WeeklyHours,
)
from senad_ap.errors import PolicyViolationError
from senad_ap.projections import Projections
from senad_ap.projections import providers as providers_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import (
    START,
    day,
    finding_history,
    move_to,
    open_findings,
    plan_at,
    start_with_plan,
)
from tests.integration.scenario import (
    HEAD,
    STAFF,
    full_time_plan,
    ready_provider,
    start_outside_placement,
)


@pytest.fixture
def running(app: AlternativeProvision, provider: ProviderState) -> UUID:
    """A placement started on ``START`` at the (accredited, registered) provider."""
    return start_with_plan(app, full_time_plan(provider.id), provider=provider).id


# --------------------------------------------------------------------------- COMM-3
def test_a_lapsed_registration_opens_comm_3_at_once_for_the_placements_there(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    provider: ProviderState,
    running: UUID,
) -> None:
    move_to(clock, day(7))
    app.record_provider_registration_lapsed(
        provider.id, evidence_reference="GIAS: closed", actor=HEAD, on=day(7)
    )

    assert open_findings(projections, "COMM-3", on=day(7)) == [(str(provider.id), day(7))]


def test_registration_confirmed_again_closes_comm_3(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    provider: ProviderState,
    running: UUID,
) -> None:
    move_to(clock, day(7))
    app.record_provider_registration_lapsed(
        provider.id, evidence_reference="GIAS: closed", actor=HEAD, on=day(7)
    )
    move_to(clock, day(9))
    app.confirm_provider_registration(
        provider.id, urn="10005534", evidence_reference="GIAS: open", actor=HEAD, on=day(9)
    )

    assert finding_history(projections, running, "COMM-3") == [(str(provider.id), day(7), day(9))]


def test_after_a_lapse_a_student_with_an_ehc_plan_cannot_start_there_under_stat_4(
    app: AlternativeProvision, clock: FixedClock, provider: ProviderState
) -> None:
    planned = start_with_plan(app, full_time_plan(provider.id), provider=provider, start=False)
    app.record_provider_registration_lapsed(
        provider.id, evidence_reference="GIAS: closed", actor=HEAD, on=START
    )

    with pytest.raises(PolicyViolationError) as refused:
        app.start_placement(planned.id, actor=HEAD, on=START)

    # The registration test (STAT-4) is checked before the DfE check of COMM-3 (unit tests).
    assert refused.value.rule_id == "STAT-4"


# --------------------------------------------------------------------------- kind
def test_an_unregistered_provider_that_registers_can_be_confirmed_and_used(
    app: AlternativeProvision,
) -> None:
    farm = ready_provider(app, kind=ProviderKind.UNREGISTERED, confirm=False)
    app.record_provider_kind(farm.id, kind="registered independent provider", actor=HEAD)
    app.confirm_provider_registration(farm.id, urn="148213", evidence_reference="GIAS", actor=HEAD)

    placement = start_outside_placement(
        app, provider=app.get_provider(farm.id, reader=HEAD)
    ).placement

    assert (
        app.get_provider(farm.id, reader=HEAD).registration_confirmed,
        placement.started_on,
    ) == (
        True,
        START,
    )


# --------------------------------------------------------------------------- QUAL-3
def test_staffing_recorded_later_closes_qual_3(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    provider: ProviderState,
    running: UUID,
) -> None:
    move_to(clock, day(3))
    app.record_provider_staffing(
        provider.id, staffing="FE tutors with teaching qualifications", actor=HEAD, on=day(3)
    )

    assert finding_history(projections, running, "QUAL-3") == [(str(provider.id), START, day(3))]


# --------------------------------------------------------------------------- COMM-9, CONTACT-1
def test_a_quality_assurance_visit_closes_the_overdue_comm_9_monitoring_finding(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    provider: ProviderState,
    running: UUID,
) -> None:
    overdue = START + timedelta(weeks=12, days=1)
    move_to(clock, overdue + timedelta(days=2))
    app.record_quality_assurance_visit(
        provider.id,
        effectiveness=Effectiveness.EFFECTIVE,
        summary="Lessons observed; good engagement",
        actor=HEAD,
        on=overdue + timedelta(days=2),
    )

    assert [h for h in finding_history(projections, running, "COMM-9") if h[2] is not None] == [
        (f"monitoring {provider.id}", overdue, overdue + timedelta(days=2))
    ]


def test_a_contact_with_the_provider_closes_the_overdue_contact_1_finding(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, running: UUID
) -> None:
    provider_id = app.get_placement(running, reader=STAFF).provider_id
    assert provider_id is not None
    overdue = START + timedelta(weeks=6, days=1)
    move_to(clock, overdue)
    app.record_provider_contact(
        running,
        provider_id=provider_id,
        method="a telephone call",
        contact_with="the college's AP coordinator",
        note="Attendance good; settled in the group",
        actor=STAFF,
        on=overdue,
    )

    assert [h for h in finding_history(projections, running, "CONTACT-1") if h[2]] == [
        (f"contact with {provider_id}", overdue, overdue)
    ]


def test_a_contact_is_on_the_placements_history_with_its_note(
    app: AlternativeProvision, running: UUID
) -> None:
    provider_id = app.get_placement(running, reader=STAFF).provider_id
    assert provider_id is not None
    app.record_provider_contact(
        running,
        provider_id=provider_id,
        method="a visit to the provision",
        contact_with="the student and their tutor",
        note="Reading with confidence",
        actor=STAFF,
        on=START,
    )

    last = app.placement_history(running, reader=STAFF)[-1]

    assert (type(last).__name__, getattr(last, "note", None)) == (
        "ProviderContacted",
        "Reading with confidence",
    )


def test_a_contact_note_is_sealed_in_the_store(app: AlternativeProvision, running: UUID) -> None:
    provider_id = app.get_placement(running, reader=STAFF).provider_id
    assert provider_id is not None
    app.record_provider_contact(
        running,
        provider_id=provider_id,
        method="email",
        contact_with="the tutor",
        note="Reading with confidence",
        actor=STAFF,
        on=START,
    )

    stored = app.events_of(running, reader=FULL_ACCESS)[-1]

    assert "Reading with confidence" not in (getattr(stored, "note", "") or "")


# --------------------------------------------------------------------------- item 6
def test_the_providers_view_counts_placements_at_the_allied_childrens_home(
    app: AlternativeProvision, projections: Projections
) -> None:
    home = ready_provider(
        app, name="Orchard House", kind=ProviderKind.CHILDRENS_HOME, confirm=False
    )
    placement = app.open_placement(
        student_reference="STU-0077",
        reason="anxiety",
        setting=Setting.ALLIED_CHILDRENS_HOME,
        provider_id=home.id,
        location="Orchard House",
        residential=True,
        location_rationale="Lives at the home",
        actor=STAFF,
        on=START,
    )
    on_site = plan_at(
        home.id,
        weekly_pattern=tuple(
            WeeklyHours(entry.day, Setting.ON_SITE, entry.hours)
            for entry in full_time_plan(home.id).weekly_pattern
        ),
        ehcp_reference=None,
    )
    app.agree_plan(placement.id, on_site, actor=HEAD, on=START)
    app.start_placement(placement.id, actor=HEAD, on=START)
    projections.catch_up()

    rows = {
        row.name: row.placements_now
        for row in providers_queries.providers(projections.store, reader=FULL_ACCESS)
    }

    assert rows["Orchard House"] == 1
