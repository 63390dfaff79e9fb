"""Compliance findings of more rules: COMM-8 (reintegration), LOC-2 (the children's home), PT-2
(school days covered), AIM-4 (destination); and findings judged again when another record
changes: COMM-4 when the provider is risk assessed again, COMM-6 when the school records its
term dates. Each opens with its rule id and ``since`` and closes when the evidence arrives.

Every test runs once per event store (``store`` fixture); the projections live in their own
SQLite file beside it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from senad_ap import (
    AlternativeProvision,
    Destination,
    Plan,
    ProviderState,
    Reason,
    RiskOutcome,
    Setting,
    Weekday,
    WeeklyHours,
)
from senad_ap.domain.plan import SCHOOL_WEEK
from senad_ap.projections import AsAt, Projections, Sense
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import findings_as_at
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import (
    START,
    day,
    finding_history,
    mark_days,
    move_to,
    open_findings,
    plan_at,
    record_spring_terms,
    start_with_plan,
)
from tests.integration.scenario import (
    HEAD,
    STAFF,
    full_time_plan,
    ready_provider,
    school_days,
    start_outside_placement,
)

# --------------------------------------------------------------------------- COMM-8


@pytest.fixture
def returning(app: AlternativeProvision, provider: ProviderState) -> UUID:
    """Started on ``START`` with a plan to return to the SEN school."""
    plan = plan_at(provider.id, intended_destination=Destination.SEN_SCHOOL)
    return start_with_plan(app, plan, provider=provider).id


def test_planned_return_without_readiness_criteria_opens_comm_8(
    projections: Projections, returning: UUID
) -> None:
    assert finding_history(projections, returning, "COMM-8") == [("criteria", START, None)]


def test_agreed_readiness_criteria_close_comm_8(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, returning: UUID
) -> None:
    move_to(clock, day(2))
    app.agree_reintegration_criteria(returning, criteria=["Attends 90%"], actor=HEAD)

    assert finding_history(projections, returning, "COMM-8") == [("criteria", START, day(2))]


def test_return_without_readiness_assessment_or_support_opens_comm_8(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, returning: UUID
) -> None:
    app.agree_reintegration_criteria(returning, criteria=["Attends 90%"], actor=HEAD)
    move_to(clock, day(5))
    app.end_placement(returning, destination=Destination.SEN_SCHOOL, actor=HEAD)

    assert open_findings(projections, "COMM-8", on=day(5)) == [
        ("readiness assessment", day(5)),
        ("support package", day(5)),
    ]


def _return_after_not_ready(app: AlternativeProvision, clock: FixedClock, returning: UUID) -> None:
    """Criteria and support agreed, readiness assessed as not ready on day 3, and the
    placement ended with a return to the SEN school on day 5 all the same (COMM-8)."""
    app.agree_reintegration_criteria(returning, criteria=["Attends 90%"], actor=HEAD)
    app.agree_reintegration_support(returning, support=["Key adult"], actor=HEAD)
    move_to(clock, day(3))
    app.assess_reintegration(returning, ready=False, criteria_met=[], actor=STAFF)
    move_to(clock, day(5))
    app.end_placement(returning, destination=Destination.SEN_SCHOOL, actor=HEAD)


def test_return_after_a_not_ready_assessment_opens_comm_8_at_the_end(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, returning: UUID
) -> None:
    _return_after_not_ready(app, clock, returning)

    assert open_findings(projections, "COMM-8", on=day(5)) == [("readiness assessment", day(5))]


def test_comm_8_of_an_ended_placement_stays_open_on_the_record(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, returning: UUID
) -> None:
    _return_after_not_ready(app, clock, returning)
    move_to(clock, day(200))
    app.record_term("Summer 2026", starts_on=day(80), ends_on=day(150), actor=HEAD)

    assert open_findings(projections, "COMM-8", on=day(200)) == [("readiness assessment", day(5))]


@pytest.mark.parametrize("sense", list(Sense))
def test_comm_8_of_a_return_after_not_ready_is_in_the_findings_as_at_the_end(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    returning: UUID,
    sense: Sense,
) -> None:
    _return_after_not_ready(app, clock, returning)
    move_to(clock, day(30))
    projections.catch_up()

    found = findings_as_at(projections, AsAt(sense, day(5)), reader=FULL_ACCESS)

    assert [(r.rule_id, r.key, r.since) for r in found if r.rule_id == "COMM-8"] == [
        ("COMM-8", "readiness assessment", day(5))
    ]


# --------------------------------------------------------------------------- LOC-2


def _at_the_home(app: AlternativeProvision, rationale: str | None = None) -> UUID:
    return app.open_placement(
        student_reference="STU-0042",
        reason=Reason.BEHAVIOUR,
        setting=Setting.ALLIED_CHILDRENS_HOME,
        location="Oak House",
        residential=True,
        location_rationale=rationale,
        actor=STAFF,
        on=START,
    ).id


def test_childrens_home_without_a_rationale_opens_loc_2(
    app: AlternativeProvision, projections: Projections
) -> None:
    placement_id = _at_the_home(app)

    assert finding_history(projections, placement_id, "LOC-2") == [("", START, None)]


def test_childrens_home_with_a_rationale_has_no_loc_2(
    app: AlternativeProvision, projections: Projections
) -> None:
    placement_id = _at_the_home(app, "Lives at Oak House; a calm room on site.")

    assert finding_history(projections, placement_id, "LOC-2") == []


def test_plan_that_stops_using_the_childrens_home_closes_loc_2(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = app.open_placement(
        student_reference="STU-0042",
        reason=Reason.BEHAVIOUR,
        setting=Setting.ON_SITE,
        location="The Annexe",
        residential=True,
        actor=STAFF,
        on=START,
    ).id
    app.agree_plan(placement_id, _on_site_plan(Setting.ALLIED_CHILDRENS_HOME), actor=HEAD)
    move_to(clock, day(4))
    app.revise_plan(
        placement_id, _on_site_plan(Setting.ON_SITE), reason="Fridays in the annexe.", actor=HEAD
    )

    assert finding_history(projections, placement_id, "LOC-2") == [("", START, day(4))]


def _on_site_plan(friday: Setting) -> Plan:
    """Monday to Thursday on the school's site, Friday in ``friday``: no provider (the
    scenarios' plan with its weekly pattern replaced whole, so its provider id is unused)."""
    pattern = (
        *(WeeklyHours(weekday, Setting.ON_SITE, Decimal("6.5")) for weekday in SCHOOL_WEEK[:4]),
        WeeklyHours(Weekday.FRIDAY, friday, Decimal("6.5")),
    )
    return plan_at(uuid4(), weekly_pattern=pattern, agreed_with_providers=False)


# --------------------------------------------------------------------------- PT-2, AIM-4


@pytest.fixture
def four_day_week(app: AlternativeProvision, provider: ProviderState) -> UUID:
    """Started on ``START`` with 8.5 hours a day at the provider, Monday to Thursday only."""
    pattern = tuple(
        WeeklyHours(weekday, Setting.OUTSIDE_PROVIDER, Decimal("8.5"), provider.id)
        for weekday in SCHOOL_WEEK[:4]
    )
    plan = plan_at(provider.id, weekly_pattern=pattern)
    return start_with_plan(app, plan, provider=provider).id


def test_plan_leaving_a_school_day_uncovered_opens_pt_2(
    projections: Projections, four_day_week: UUID
) -> None:
    assert finding_history(projections, four_day_week, "PT-2") == [("", START, None)]


def test_revised_plan_covering_every_school_day_closes_pt_2(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    provider: ProviderState,
    four_day_week: UUID,
) -> None:
    move_to(clock, day(4))
    app.revise_plan(four_day_week, full_time_plan(provider.id), reason="Fridays too.", actor=HEAD)

    assert finding_history(projections, four_day_week, "PT-2") == [("", START, day(4))]


@pytest.fixture
def no_destination(app: AlternativeProvision, provider: ProviderState) -> UUID:
    plan = plan_at(provider.id, intended_destination=None)
    return start_with_plan(app, plan, provider=provider).id


def test_plan_without_an_intended_destination_opens_aim_4(
    projections: Projections, no_destination: UUID
) -> None:
    assert finding_history(projections, no_destination, "AIM-4") == [("", START, None)]


def test_ending_with_a_destination_closes_aim_4(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    no_destination: UUID,
) -> None:
    move_to(clock, day(10))
    app.end_placement(no_destination, destination=Destination.EMPLOYMENT, actor=HEAD)

    assert finding_history(projections, no_destination, "AIM-4") == [("", START, day(10))]


# --------------------------------------------------------------------------- COMM-4


def _assess_risk(app: AlternativeProvision, provider_id: UUID, valid_until: date) -> None:
    app.assess_provider_risk(
        provider_id,
        outcome=RiskOutcome.SATISFACTORY,
        safeguarding_policies_seen=True,
        staff_checks_confirmed_in_writing=True,
        valid_until=valid_until,
        actor=HEAD,
    )


@pytest.fixture
def short_assessment(app: AlternativeProvision) -> tuple[UUID, UUID]:
    """(placement, provider): started on ``START`` at a provider assessed until day 10."""
    provider = ready_provider(app, assess=False)
    _assess_risk(app, provider.id, day(10))
    placement = start_outside_placement(app, provider=app.get_provider(provider.id, reader=HEAD))
    return placement.placement.id, provider.id


def test_comm_4_is_not_open_while_the_risk_assessment_is_current(
    projections: Projections, short_assessment: tuple[UUID, UUID]
) -> None:
    assert open_findings(projections, "COMM-4", on=day(10)) == []


def test_comm_4_opens_the_day_after_the_risk_assessment_runs_out(
    projections: Projections, short_assessment: tuple[UUID, UUID]
) -> None:
    _, provider_id = short_assessment

    assert open_findings(projections, "COMM-4", on=day(11)) == [(str(provider_id), day(11))]


def test_new_risk_assessment_of_the_provider_closes_comm_4_on_its_placements(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    short_assessment: tuple[UUID, UUID],
) -> None:
    placement_id, provider_id = short_assessment
    move_to(clock, day(14))
    _assess_risk(app, provider_id, day(14 + 300))

    assert finding_history(projections, placement_id, "COMM-4") == [
        (str(provider_id), day(11), day(14)),
        (str(provider_id), day(315), None),
    ]


def test_risk_assessment_renewed_before_it_runs_out_leaves_no_trace_of_the_old_expiry(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    short_assessment: tuple[UUID, UUID],
) -> None:
    placement_id, provider_id = short_assessment
    move_to(clock, day(5))
    _assess_risk(app, provider_id, day(5 + 300))

    assert finding_history(projections, placement_id, "COMM-4") == [
        (str(provider_id), day(306), None)
    ]


# --------------------------------------------------------------------------- COMM-6


def test_term_dates_recorded_close_comm_6_for_a_day_of_half_term(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(18))  # Friday of half term
    mark_days(app, placement_id, school_days(START, day(11)))
    before = open_findings(projections, "COMM-6", on=day(18))
    record_spring_terms(app)

    assert (before, open_findings(projections, "COMM-6", on=day(18))) == ([("", day(15))], [])


def test_comm_6_opens_again_after_the_first_day_of_the_next_term(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(18))
    mark_days(app, placement_id, school_days(START, day(11)))
    record_spring_terms(app)

    assert finding_history(projections, placement_id, "COMM-6")[-2:] == [
        ("", day(15), day(18)),
        ("", day(22), None),
    ]
