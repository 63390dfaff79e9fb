"""The placement register: each placement with where, since when, on which plan, its status
and its attendance; its filters; and the placement and the register as at a past day, as known
on it or as in effect on it (late entries listed).

Every test runs once per event store (``store`` fixture); the projections live in their own
SQLite file beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest

from senad_ap import (
    AlternativeProvision,
    ConsentParty,
    Destination,
    PlacementStatus,
    PolicyParameters,
    Reason,
    Setting,
)
from senad_ap.projections import AsAt, Projections, Sense
from senad_ap.projections import as_at as as_at_queries
from senad_ap.projections import register as register_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import FixedClock
from tests.integration.conftest import Store
from tests.integration.projection_scenes import (
    START,
    day,
    mark_day,
    move_to,
    open_with_policy,
    plan_at,
    review,
    split_week_plan,
    start_with_plan,
)
from tests.integration.read_models.conftest import Place
from tests.integration.scenario import (
    HEAD,
    OTHER_SCHOOL_STAFF,
    STAFF,
    open_outside_placement,
    ready_provider,
    start_outside_placement,
)


def _only_row(projections: Projections) -> register_queries.RegisterRow:
    projections.catch_up()
    (row,) = register_queries.placements(projections.store, reader=FULL_ACCESS)
    return row


# --------------------------------------------------------------------------- the register


def test_register_shows_a_started_placement(
    app: AlternativeProvision, projections: Projections
) -> None:
    start_outside_placement(app)

    row = _only_row(projections)

    assert (
        row.student_reference,
        row.setting,
        row.location,
        row.status,
        row.started_on,
        row.weekly_hours,
        row.next_review_due,
    ) == (
        "STU-0042",
        Setting.OUTSIDE_PROVIDER.value,
        "Riverside FE College, main campus",
        PlacementStatus.ACTIVE.value,
        START,
        Decimal("32.5"),
        day(42),
    )


def test_register_gives_the_weekly_hours_in_each_setting(
    app: AlternativeProvision, projections: Projections
) -> None:
    provider = ready_provider(app)
    start_with_plan(app, split_week_plan(provider.id), provider=provider)

    row = _only_row(projections)

    assert row.hours_by_setting == {
        Setting.OUTSIDE_PROVIDER.value: Decimal("19.5"),
        Setting.ON_SITE.value: Decimal("13"),
    }


def test_register_status_is_open_before_the_start(
    app: AlternativeProvision, projections: Projections
) -> None:
    open_outside_placement(app)

    assert _only_row(projections).status == PlacementStatus.OPEN.value


def test_register_status_is_suspended_from_a_withdrawal_of_consent(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(3))
    app.withdraw_consent(
        placement_id, party=ConsentParty.PARENTS, reason="Parents object.", actor=STAFF
    )

    row = _only_row(projections)

    assert (row.status, row.suspended_since) == (PlacementStatus.SUSPENDED.value, day(3))


def test_register_status_is_active_again_once_consent_is_given_again(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(3))
    app.withdraw_consent(
        placement_id, party=ConsentParty.PARENTS, reason="Parents object.", actor=STAFF
    )
    move_to(clock, day(5))
    app.give_consent(
        placement_id,
        party=ConsentParty.PARENTS,
        given_by="parents",
        evidence_reference="signed form",
        actor=STAFF,
    )

    row = _only_row(projections)

    assert (row.status, row.suspended_since) == (PlacementStatus.ACTIVE.value, None)


def test_register_status_is_ended_once_the_placement_ends(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(10))
    app.end_placement(placement_id, destination=Destination.FURTHER_EDUCATION, actor=HEAD)

    row = _only_row(projections)

    assert (row.status, row.ended_on, row.destination) == (
        PlacementStatus.ENDED.value,
        day(10),
        Destination.FURTHER_EDUCATION.value,
    )


def test_register_joins_the_attendance_rate(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(1))
    mark_day(app, placement_id, day(0))
    mark_day(app, placement_id, day(1), am="I", pm="N")

    row = _only_row(projections)

    assert (row.sessions_possible, row.sessions_present, row.attendance_rate) == (
        4,
        2,
        Decimal("50.0"),
    )


def test_register_without_marks_has_no_attendance_rate(
    app: AlternativeProvision, projections: Projections
) -> None:
    start_outside_placement(app)

    assert _only_row(projections).attendance_rate is None


def test_register_next_review_due_is_the_plans_shorter_interval(
    app: AlternativeProvision, projections: Projections
) -> None:
    provider = ready_provider(app)
    start_with_plan(app, plan_at(provider.id, review_interval_weeks=2), provider=provider)

    assert _only_row(projections).next_review_due == day(14)


def test_register_next_review_due_is_at_most_half_a_term_away(
    app: AlternativeProvision, projections: Projections
) -> None:
    provider = ready_provider(app)
    start_with_plan(app, plan_at(provider.id, review_interval_weeks=10), provider=provider)

    assert _only_row(projections).next_review_due == day(42)


def test_register_next_review_due_is_the_date_the_last_review_set(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(7))
    review(app, placement_id, on=day(7), next_review_on=day(21))

    assert _only_row(projections).next_review_due == day(21)


def test_register_filters_by_school(app: AlternativeProvision, projections: Projections) -> None:
    start_outside_placement(app)
    app.open_placement(
        student_reference="STU-9001",
        reason=Reason.BEHAVIOUR,
        setting=Setting.ON_SITE,
        location="The Annexe",
        residential=False,
        actor=OTHER_SCHOOL_STAFF,
        on=START,
    )
    projections.catch_up()

    rows = register_queries.placements(
        projections.store, school_id=OTHER_SCHOOL_STAFF.school_id, reader=FULL_ACCESS
    )

    assert [row.student_reference for row in rows] == ["STU-9001"]


def test_register_filters_by_status(app: AlternativeProvision, projections: Projections) -> None:
    provider = ready_provider(app)
    start_outside_placement(app, provider=provider, student_reference="STU-0001")
    open_outside_placement(app, provider=provider, student_reference="STU-0002")
    projections.catch_up()

    rows = register_queries.placements(
        projections.store, status=PlacementStatus.OPEN.value, reader=FULL_ACCESS
    )

    assert [row.student_reference for row in rows] == ["STU-0002"]


@pytest.fixture
def four_weekly_app(
    store: Store, clock: FixedClock, tmp_path: Path
) -> Iterator[AlternativeProvision]:
    """The application on the store under test, with reviews at least every four weeks."""
    policy = PolicyParameters(longest_review_interval_weeks=4)
    app = open_with_policy(store, clock, tmp_path, policy)
    yield app
    app.close()


def test_register_next_review_due_follows_the_applications_longest_review_interval(
    four_weekly_app: AlternativeProvision, place: Place
) -> None:
    start_outside_placement(four_weekly_app)
    projections = place.open(four_weekly_app)
    projections.catch_up()
    (row,) = register_queries.placements(projections.store, reader=FULL_ACCESS)
    projections.close()

    assert row.next_review_due == day(28)


# --------------------------------------------------------------------------- as at a day


@pytest.fixture
def withdrawn_late(app: AlternativeProvision, clock: FixedClock) -> UUID:
    """A placement started on ``START``; on day 7 the parents' withdrawal is recorded, back-dated
    to day 2."""
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(7))
    app.withdraw_consent(
        placement_id, party=ConsentParty.PARENTS, reason="Parents object.", actor=STAFF, on=day(2)
    )
    return placement_id


def _status_as_at(
    app: AlternativeProvision, placement_id: UUID, sense: Sense, on: date
) -> PlacementStatus | None:
    found = as_at_queries.placement_as_at(app, placement_id, AsAt(sense, on), reader=FULL_ACCESS)
    return None if found is None else found.state.status


def test_placement_as_known_on_a_day_leaves_out_a_back_dated_entry(
    app: AlternativeProvision, withdrawn_late: UUID
) -> None:
    assert _status_as_at(app, withdrawn_late, Sense.KNOWN_ON, day(3)) == PlacementStatus.ACTIVE


def test_placement_as_in_effect_on_a_day_includes_a_back_dated_entry(
    app: AlternativeProvision, withdrawn_late: UUID
) -> None:
    status = _status_as_at(app, withdrawn_late, Sense.IN_EFFECT_ON, day(3))

    assert status == PlacementStatus.SUSPENDED


@pytest.mark.parametrize("sense", list(Sense))
def test_placement_as_at_lists_the_back_dated_entry_as_a_late_entry(
    app: AlternativeProvision, withdrawn_late: UUID, sense: Sense
) -> None:
    found = as_at_queries.placement_as_at(
        app, withdrawn_late, AsAt(sense, day(3)), reader=FULL_ACCESS
    )

    late = [] if found is None else found.late_entries
    assert [(type(e).__name__, e.effective_on) for e in late] == [("ConsentWithdrawn", day(2))]


def test_placement_as_at_a_day_before_it_opened_is_none(
    app: AlternativeProvision, withdrawn_late: UUID
) -> None:
    assert _status_as_at(app, withdrawn_late, Sense.KNOWN_ON, day(-1)) is None


def _register_as_at(projections: Projections, sense: Sense, on: date) -> list[tuple[str, str]]:
    projections.catch_up()
    rows = as_at_queries.register_as_at(projections, AsAt(sense, on), reader=FULL_ACCESS)
    return [(row.student_reference, row.status) for row in rows]


def test_register_as_at_a_past_day_shows_the_status_then(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(10))
    app.end_placement(placement_id, destination=Destination.TRAINING, actor=HEAD)

    assert _register_as_at(projections, Sense.KNOWN_ON, day(5)) == [
        ("STU-0042", PlacementStatus.ACTIVE.value)
    ]


@pytest.mark.parametrize(
    ("sense", "status"),
    [(Sense.KNOWN_ON, PlacementStatus.ACTIVE), (Sense.IN_EFFECT_ON, PlacementStatus.SUSPENDED)],
)
def test_register_as_at_a_past_day_reads_a_back_dated_entry_in_the_sense_chosen(
    projections: Projections, withdrawn_late: UUID, sense: Sense, status: PlacementStatus
) -> None:
    assert _register_as_at(projections, sense, day(3)) == [("STU-0042", status.value)]


def test_register_as_at_a_past_day_leaves_out_placements_opened_later(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    provider = ready_provider(app)
    start_outside_placement(app, provider=provider, student_reference="STU-0001")
    move_to(clock, day(8))
    open_outside_placement(app, provider=provider, student_reference="STU-0002", on=day(8))

    assert _register_as_at(projections, Sense.IN_EFFECT_ON, day(5)) == [
        ("STU-0001", PlacementStatus.ACTIVE.value)
    ]


def test_register_as_at_a_past_day_counts_attendance_up_to_that_day(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(8))
    for each in (day(1), day(2), day(8)):
        mark_day(app, placement_id, each, am="/", pm="N")
    projections.catch_up()

    (row,) = as_at_queries.register_as_at(
        projections, AsAt(Sense.IN_EFFECT_ON, day(3)), reader=FULL_ACCESS
    )

    assert (row.sessions_possible, row.sessions_present, row.attendance_rate) == (
        4,
        2,
        Decimal("50.0"),
    )
