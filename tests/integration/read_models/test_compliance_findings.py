"""Compliance findings: a gap opens with its rule id and the day it opens (``since``), and
closes when the evidence is recorded; what was known on a past day stays readable, even when
the evidence is back-dated; a gap that falls due later is not open before then. Shown here
with PLAN-1, INFO-1, COMM-5 and COMM-6, and the findings as at a past day
(``test_compliance_rules.py`` has more rules, and re-evaluation by a provider or term dates).

Every test runs once per event store (``store`` fixture); the projections live in their own
SQLite file beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from senad_ap import (
    AlternativeProvision,
    InformationParty,
    InformationScope,
    NeedArea,
    PolicyParameters,
    ProviderState,
    Session,
)
from senad_ap.projections import AsAt, Projections, Sense
from senad_ap.projections import as_at as as_at_queries
from senad_ap.projections import compliance as compliance_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import FixedClock
from tests.integration.conftest import Store
from tests.integration.projection_scenes import (
    START,
    day,
    finding_history,
    finding_rows,
    findings_known_on,
    move_to,
    noon,
    open_findings,
    open_with_policy,
    plan_at,
    review,
    start_with_plan,
)
from tests.integration.read_models.conftest import Place
from tests.integration.scenario import (
    STAFF,
    full_time_plan,
    start_outside_placement,
)

# --------------------------------------------------------------------------- PLAN-1


@pytest.fixture
def planned_unassessed(app: AlternativeProvision, provider: ProviderState) -> UUID:
    """A placement started on ``START`` whose plan was agreed with no needs assessment."""
    plan = full_time_plan(provider.id)
    return start_with_plan(app, plan, provider=provider, assess_needs=False).id


def _assess(app: AlternativeProvision, placement_id: UUID, on: date) -> None:
    app.assess_needs(
        placement_id,
        areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        summary="Anxiety.",
        actor=STAFF,
        on=on,
    )


def test_plan_agreed_without_a_needs_assessment_opens_plan_1(
    projections: Projections, planned_unassessed: UUID
) -> None:
    assert finding_history(projections, planned_unassessed, "PLAN-1") == [("", START, None)]


def test_plan_1_finding_cites_aim_2_too(projections: Projections, planned_unassessed: UUID) -> None:
    (row,) = finding_rows(projections, planned_unassessed, "PLAN-1")

    assert row.related_rules == ("AIM-2",)


def test_needs_assessment_back_dated_to_the_plan_closes_plan_1(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    planned_unassessed: UUID,
) -> None:
    move_to(clock, day(3))
    _assess(app, planned_unassessed, START)

    (row,) = finding_rows(projections, planned_unassessed, "PLAN-1")

    assert (row.since, row.closed_on, row.closed_recorded_at) == (START, START, noon(day(3)))


def test_needs_assessed_only_after_the_plan_leaves_plan_1_open(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    planned_unassessed: UUID,
) -> None:
    move_to(clock, day(3))
    _assess(app, planned_unassessed, day(3))

    assert finding_history(projections, planned_unassessed, "PLAN-1") == [("", START, None)]


def test_plan_1_was_known_open_the_day_before_the_back_dated_assessment_was_recorded(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    planned_unassessed: UUID,
) -> None:
    move_to(clock, day(3))
    _assess(app, planned_unassessed, START)

    assert findings_known_on(projections, "PLAN-1", known_on=day(2)) == [("", START)]


def test_plan_1_is_not_known_open_on_the_day_the_assessment_was_recorded(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    planned_unassessed: UUID,
) -> None:
    move_to(clock, day(3))
    _assess(app, planned_unassessed, START)

    assert findings_known_on(projections, "PLAN-1", known_on=day(3)) == []


# --------------------------------------------------------------------------- INFO-1


def _share(app: AlternativeProvision, placement_id: UUID, on: date) -> None:
    app.share_information(
        placement_id,
        party=InformationParty.LOCAL_AUTHORITY,
        scope=[InformationScope.SPECIAL_EDUCATIONAL_NEEDS],
        actor=STAFF,
        on=on,
    )


def test_started_placement_without_information_shared_has_info_1_for_each_party(
    app: AlternativeProvision, projections: Projections
) -> None:
    placement_id = start_outside_placement(app).placement.id

    assert finding_history(projections, placement_id, "INFO-1") == [
        ("LOCAL_AUTHORITY", START, None),
        ("PARENTS", START, None),
        ("PROVIDER", START, None),
    ]


def test_information_shared_with_one_party_closes_only_its_info_1(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(2))
    _share(app, placement_id, day(2))

    assert finding_history(projections, placement_id, "INFO-1") == [
        ("LOCAL_AUTHORITY", START, day(2)),
        ("PARENTS", START, None),
        ("PROVIDER", START, None),
    ]


def test_info_1_for_the_local_authority_cites_stat_5(
    app: AlternativeProvision, projections: Projections
) -> None:
    placement_id = start_outside_placement(app).placement.id

    rows = finding_rows(projections, placement_id, "INFO-1")

    assert [(row.key, row.related_rules) for row in rows] == [
        ("LOCAL_AUTHORITY", ("STAT-5",)),
        ("PARENTS", ()),
        ("PROVIDER", ()),
    ]


# --------------------------------------------------------------------------- COMM-5


def test_review_overdue_opens_comm_5_the_day_after_it_was_due(
    app: AlternativeProvision, projections: Projections
) -> None:
    placement_id = start_outside_placement(app).placement.id

    assert finding_history(projections, placement_id, "COMM-5") == [("", day(43), None)]


def test_comm_5_is_not_open_on_the_day_the_review_is_due(
    app: AlternativeProvision, projections: Projections
) -> None:
    start_outside_placement(app)

    assert open_findings(projections, "COMM-5", on=day(42)) == []


def test_comm_5_is_open_from_the_day_after_the_review_was_due(
    app: AlternativeProvision, projections: Projections
) -> None:
    start_outside_placement(app)

    assert open_findings(projections, "COMM-5", on=day(43)) == [("", day(43))]


def test_comm_5_follows_the_plans_shorter_review_interval(
    app: AlternativeProvision, projections: Projections, provider: ProviderState
) -> None:
    plan = plan_at(provider.id, review_interval_weeks=2)
    placement_id = start_with_plan(app, plan, provider=provider).id

    assert finding_history(projections, placement_id, "COMM-5") == [("", day(15), None)]


def test_stat_3_expects_a_review_at_least_every_half_term_whatever_the_plans_interval(
    app: AlternativeProvision, projections: Projections, provider: ProviderState
) -> None:
    plan = plan_at(provider.id, review_interval_weeks=10)
    placement_id = start_with_plan(app, plan, provider=provider).id

    assert (
        finding_history(projections, placement_id, "STAT-3"),
        finding_history(projections, placement_id, "COMM-5"),
    ) == ([("", day(43), None)], [("", day(71), None)])


def test_review_closes_an_overdue_comm_5_and_sets_the_next_due_date(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(45))
    review(app, placement_id, on=day(45), next_review_on=day(59))

    assert finding_history(projections, placement_id, "COMM-5") == [
        ("", day(43), day(45)),
        ("", day(60), None),
    ]


def test_review_before_the_due_date_leaves_no_trace_of_the_earlier_due_date(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(20))
    review(app, placement_id, on=day(20), next_review_on=day(34))

    assert finding_history(projections, placement_id, "COMM-5") == [("", day(35), None)]


@pytest.fixture
def four_weekly_app(
    store: Store, clock: FixedClock, tmp_path: Path
) -> Iterator[AlternativeProvision]:
    """The application on the store under test, with reviews at least every four weeks."""
    app = open_with_policy(
        store, clock, tmp_path, PolicyParameters(longest_review_interval_weeks=4)
    )
    yield app
    app.close()


def test_stat_3_follows_the_applications_longest_review_interval_without_terms(
    four_weekly_app: AlternativeProvision, place: Place
) -> None:
    placement_id = start_outside_placement(four_weekly_app).placement.id
    projections = place.open(four_weekly_app)
    projections.catch_up()
    rows = compliance_queries.finding_history(projections.store, placement_id, reader=FULL_ACCESS)
    projections.close()

    assert [(r.key, r.since) for r in rows if r.rule_id == "STAT-3"] == [("", day(29))]


# --------------------------------------------------------------------------- COMM-6


def _mark(app: AlternativeProvision, placement_id: UUID, on: date, session: Session) -> None:
    code = "/" if session is Session.AM else "\\"
    app.record_attendance(placement_id, session=session, code=code, actor=STAFF, on=on)


@pytest.fixture
def marked_late(app: AlternativeProvision, clock: FixedClock) -> UUID:
    """Started on ``START``; on day 1 the morning of ``START`` is marked; on day 3 its
    afternoon (a late entry)."""
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(1))
    _mark(app, placement_id, START, Session.AM)
    move_to(clock, day(3))
    _mark(app, placement_id, START, Session.PM)
    return placement_id


def test_session_without_a_mark_opens_comm_6_the_next_day(
    app: AlternativeProvision, projections: Projections
) -> None:
    placement_id = start_outside_placement(app).placement.id

    assert finding_history(projections, placement_id, "COMM-6") == [("", day(1), None)]


def test_comm_6_names_the_first_session_without_a_mark(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(1))
    _mark(app, placement_id, START, Session.AM)

    (row,) = finding_rows(projections, placement_id, "COMM-6")

    assert row.detail == (
        "No attendance is recorded for the PM session of Monday 2 February 2026; every "
        "session of the placement needs a register mark by the end of its day."
    )


def test_late_mark_closes_comm_6_when_recorded_and_the_next_session_opens_it(
    projections: Projections, marked_late: UUID
) -> None:
    rows = finding_rows(projections, marked_late, "COMM-6")

    assert [(r.since, r.closed_on, r.closed_recorded_at) for r in rows] == [
        (day(1), START, noon(day(3))),
        (day(2), None, None),
    ]


def test_comm_6_was_known_open_the_day_before_the_late_mark_was_recorded(
    projections: Projections, marked_late: UUID
) -> None:
    assert findings_known_on(projections, "COMM-6", known_on=day(2)) == [("", day(1))]


# --------------------------------------------------------------------------- as at a day


def _as_at(projections: Projections, sense: Sense, on: date) -> list[tuple[str, str, date]]:
    projections.catch_up()
    found = as_at_queries.findings_as_at(projections, AsAt(sense, on), reader=FULL_ACCESS)
    return [(row.rule_id, row.key, row.since) for row in found if row.rule_id == "INFO-1"]


@pytest.fixture
def shared_late(app: AlternativeProvision, clock: FixedClock) -> UUID:
    """Started on ``START``; on day 5, information shared with the local authority on day 1."""
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(5))
    _share(app, placement_id, day(1))
    return placement_id


def test_findings_as_known_on_a_past_day_show_a_gap_closed_since(
    projections: Projections, shared_late: UUID
) -> None:
    assert _as_at(projections, Sense.KNOWN_ON, day(3)) == [
        ("INFO-1", "LOCAL_AUTHORITY", START),
        ("INFO-1", "PARENTS", START),
        ("INFO-1", "PROVIDER", START),
    ]


def test_findings_as_in_effect_on_a_past_day_count_back_dated_evidence(
    projections: Projections, shared_late: UUID
) -> None:
    assert _as_at(projections, Sense.IN_EFFECT_ON, day(3)) == [
        ("INFO-1", "PARENTS", START),
        ("INFO-1", "PROVIDER", START),
    ]


def test_findings_as_known_on_today_are_the_open_findings(
    projections: Projections, shared_late: UUID
) -> None:
    projections.catch_up()

    as_at = as_at_queries.findings_as_at(
        projections, AsAt(Sense.KNOWN_ON, day(5)), reader=FULL_ACCESS
    )
    open_now = compliance_queries.open_findings(projections.store, on=day(5), reader=FULL_ACCESS)

    assert [(r.rule_id, r.key, r.since) for r in as_at] == [
        (r.rule_id, r.key, r.since) for r in open_now
    ]
