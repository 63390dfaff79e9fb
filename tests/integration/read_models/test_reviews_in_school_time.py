"""Reviews in school time, end to end: the compliance projection counts review intervals in
school weeks once the school records its terms with their half-term breaks (COMM-5), counts
only reviews held with the provider for the half-termly review of an outside placement
(STAT-3), and moves a finding when term dates are recorded later, so that it reads the same
as the record replayed in both senses of "as at".

Calendar: the outside placement starts on Monday 2 February 2026 (``day(0)``) with a plan
reviewed every 6 weeks. The spring term runs 5 January to 27 March 2026 with half term 16 to
20 February (``day(14)`` to ``day(18)``); the summer term 13 April to 17 July with half term
25 to 29 May. Without terms the first review is due on 16 March (``day(42)``); in school
weeks, half term not counted, on 23 March (``day(49)``). The spring term's second half ends
on 27 March (``day(53)``).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from senad_ap import AlternativeProvision, Effectiveness, ObjectiveProgress, ProgressRating
from senad_ap.projections import AsAt, Projections, Sense
from senad_ap.projections import as_at as as_at_queries
from senad_ap.projections import compliance as compliance_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import (
    START,
    day,
    finding_history,
    findings_known_on,
    move_to,
)
from tests.integration.scenario import HEAD, STAFF, start_outside_placement


def record_spring_term(app: AlternativeProvision, *, on: date | None = None) -> None:
    app.record_term(
        "Spring 2026",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 3, 27),
        half_term_starts_on=day(14),
        half_term_ends_on=day(18),
        actor=HEAD,
        on=on,
    )


def record_summer_term(app: AlternativeProvision) -> None:
    app.record_term(
        "Summer 2026",
        starts_on=date(2026, 4, 13),
        ends_on=date(2026, 7, 17),
        half_term_starts_on=date(2026, 5, 25),
        half_term_ends_on=date(2026, 5, 29),
        actor=HEAD,
        on=START,
    )


def review(app: AlternativeProvision, placement_id: UUID, *, on: date, with_provider: bool) -> None:
    app.review_progress(
        placement_id,
        progress=[
            ObjectiveProgress("E1", ProgressRating.AS_EXPECTED),
            ObjectiveProgress("M1", ProgressRating.AS_EXPECTED),
        ],
        effectiveness=Effectiveness.EFFECTIVE,
        next_review_on=date(2026, 9, 1),
        with_provider=with_provider,
        actor=STAFF,
        on=on,
    )


def open_in_effect_on(projections: Projections, rule_id: str, on: date) -> list[date]:
    """The ``since`` of the projection's findings of ``rule_id`` in effect on ``on``: opened
    by then and not closed by then."""
    projections.catch_up()
    rows = compliance_queries.finding_history(
        projections.store, _only_placement(projections), reader=FULL_ACCESS
    )
    return [
        row.since
        for row in rows
        if row.rule_id == rule_id
        and row.since <= on
        and (row.closed_on is None or row.closed_on > on)
    ]


def _only_placement(projections: Projections) -> UUID:
    (row,) = projections.store.rows("SELECT placement_id FROM register_placements", ())
    return UUID(row["placement_id"])


def replayed(projections: Projections, rule_id: str, sense: Sense, on: date) -> list[date]:
    """The ``since`` of the findings of ``rule_id`` on ``on``, the record replayed in
    ``sense``."""
    found = as_at_queries.findings_as_at(projections, AsAt(sense, on), reader=FULL_ACCESS)
    return [row.since for row in found if row.rule_id == rule_id]


# --------------------------------------------------------------------------- COMM-5


def test_comm_5_counts_school_weeks_once_the_term_and_its_half_term_are_recorded(
    app: AlternativeProvision, projections: Projections
) -> None:
    record_spring_term(app, on=START)
    placement_id = start_outside_placement(app).placement.id

    assert finding_history(projections, placement_id, "COMM-5") == [("", day(50), None)]


def test_comm_5_counts_calendar_weeks_without_recorded_terms(
    app: AlternativeProvision, projections: Projections
) -> None:
    placement_id = start_outside_placement(app).placement.id

    assert finding_history(projections, placement_id, "COMM-5") == [("", day(43), None)]


def test_a_term_recorded_before_the_review_fell_due_moves_it_without_a_trace(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    projections.catch_up()
    move_to(clock, day(20))
    record_spring_term(app)

    assert finding_history(projections, placement_id, "COMM-5") == [("", day(50), None)]


def test_a_term_recorded_after_the_review_fell_due_closes_the_finding_and_opens_it_later(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(45))
    projections.catch_up()
    record_spring_term(app)

    assert finding_history(projections, placement_id, "COMM-5") == [
        ("", day(43), day(45)),
        ("", day(50), None),
    ]


def test_the_finding_was_known_open_before_the_terms_were_recorded(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    start_outside_placement(app)
    move_to(clock, day(45))
    projections.catch_up()
    record_spring_term(app)

    assert (
        findings_known_on(projections, "COMM-5", known_on=day(44)),
        findings_known_on(projections, "COMM-5", known_on=day(46)),
    ) == ([("", day(43))], [])


def test_findings_read_the_same_as_the_record_replayed_in_both_senses_after_late_terms(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    start_outside_placement(app)
    move_to(clock, day(45))
    projections.catch_up()
    record_spring_term(app)
    days = [day(n) for n in (42, 43, 44, 45, 46, 50)]

    in_effect = [open_in_effect_on(projections, "COMM-5", on) for on in days]
    known = [
        [since for _, since in findings_known_on(projections, "COMM-5", known_on=on)] for on in days
    ]

    assert (in_effect, known) == (
        [replayed(projections, "COMM-5", Sense.IN_EFFECT_ON, on) for on in days],
        [replayed(projections, "COMM-5", Sense.KNOWN_ON, on) for on in days],
    )


def test_terms_recorded_late_but_dated_before_the_review_fell_due_never_were_in_effect(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    start_outside_placement(app)
    move_to(clock, day(45))
    projections.catch_up()
    record_spring_term(app, on=START)

    assert (
        open_in_effect_on(projections, "COMM-5", day(44)),
        replayed(projections, "COMM-5", Sense.IN_EFFECT_ON, day(44)),
    ) == ([], [])


# --------------------------------------------------------------------------- STAT-3


def test_stat_3_is_due_by_the_end_of_the_next_half_term(
    app: AlternativeProvision, projections: Projections
) -> None:
    record_spring_term(app, on=START)
    placement_id = start_outside_placement(app).placement.id

    assert finding_history(projections, placement_id, "STAT-3") == [("", day(54), None)]


def test_stat_3_a_review_without_the_provider_leaves_it_open(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    record_spring_term(app, on=START)
    record_summer_term(app)
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(25))
    review(app, placement_id, on=day(25), with_provider=False)

    assert finding_history(projections, placement_id, "STAT-3") == [("", day(54), None)]


def test_stat_3_a_review_with_the_provider_moves_it_to_the_next_half_term(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    record_spring_term(app, on=START)
    record_summer_term(app)
    placement_id = start_outside_placement(app).placement.id
    projections.catch_up()
    move_to(clock, day(25))
    review(app, placement_id, on=day(25), with_provider=True)

    assert finding_history(projections, placement_id, "STAT-3") == [("", date(2026, 5, 25), None)]
