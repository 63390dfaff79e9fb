"""The report's chart geometry (senad_ap.report.charts): bars and marks in proportion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from senad_ap.projections.attendance import AttendancePeriod
from senad_ap.projections.audit import AuditEntry
from senad_ap.report.charts import LEFT, PLOT_HEIGHT, TOP, WIDTH, attendance_chart, timeline

PLACEMENT = UUID(int=1)
MONDAY = date(2025, 9, 1)


def week(
    present: int, authorised: int = 0, unauthorised: int = 0, *, n: int = 0
) -> AttendancePeriod:
    monday = MONDAY + timedelta(weeks=n)
    return AttendancePeriod(
        placement_id=PLACEMENT, period=f"week of {monday}", starts_on=monday,
        ends_on=monday + timedelta(days=6),
        sessions_recorded=present + authorised + unauthorised,
        possible=present + authorised + unauthorised, present=present,
        authorised_absence=authorised, unauthorised_absence=unauthorised, not_possible=0,
    )  # fmt: skip


def decision(day: date, *, late: bool = False) -> AuditEntry:
    recorded = datetime.combine(day + timedelta(days=3 if late else 0), datetime.min.time(), UTC)
    return AuditEntry(
        position=1, record_id=PLACEMENT, record_kind="placement", record_version=1,
        placement_id=PLACEMENT, provider_ids=(), school_id="S", event_type="PlacementStarted",
        recorded_at=recorded, effective_on=day, late_entry=late, actor_id="head",
        actor_role="head teacher", actor_school_id="S", actor_provider_id=None,
        policy_version="6", evidence_for=(), description="Started.", facts={},
        idempotency_key=None, corrects_version=None,
    )  # fmt: skip


def test_three_present_and_one_authorised_give_segments_three_to_one() -> None:
    bar = attendance_chart([week(3, 1)]).bars[0]
    present, authorised, unauthorised = bar.segments
    assert present.height == pytest.approx(3 * authorised.height)
    assert unauthorised.height == 0


def test_a_full_week_of_ten_sessions_fills_the_plot_height() -> None:
    bar = attendance_chart([week(8, 1, 1)]).bars[0]
    assert sum(s.height for s in bar.segments) == pytest.approx(PLOT_HEIGHT)


def test_the_segments_stack_from_the_axis_up_without_gaps() -> None:
    present, authorised, unauthorised = attendance_chart([week(5, 2, 3)]).bars[0].segments
    assert present.y + present.height == pytest.approx(TOP + PLOT_HEIGHT)
    assert authorised.y + authorised.height == pytest.approx(present.y)
    assert unauthorised.y + unauthorised.height == pytest.approx(authorised.y)


@given(st.lists(st.tuples(*[st.integers(0, 14)] * 3), min_size=1, max_size=40))
def test_every_bar_stays_inside_the_chart_in_proportion(counts: list[tuple[int, int, int]]) -> None:
    chart = attendance_chart([week(*c, n=i) for i, c in enumerate(counts)])
    for bar, (present, authorised, unauthorised) in zip(chart.bars, counts, strict=True):
        assert bar.x >= LEFT
        assert bar.x + bar.width <= WIDTH
        heights = [s.height for s in bar.segments]
        assert heights == pytest.approx(
            [c * chart.scale for c in (present, authorised, unauthorised)], abs=0.01
        )
        assert min(s.y for s in bar.segments) >= TOP - 0.01


def test_a_late_entry_is_marked_late_on_the_timeline() -> None:
    line = timeline([decision(MONDAY), decision(MONDAY + timedelta(days=5), late=True)],
                    until=MONDAY + timedelta(days=30))  # fmt: skip
    assert [m.late for m in line.marks] == [False, True]


@given(st.lists(st.integers(0, 400), min_size=1, max_size=30), st.integers(0, 400))
def test_timeline_marks_keep_the_order_of_their_days_inside_the_chart(
    offsets: list[int], until: int
) -> None:
    decisions = [decision(MONDAY + timedelta(days=d)) for d in sorted(offsets)]
    line = timeline(decisions, until=MONDAY + timedelta(days=until))
    xs = [m.x for m in line.marks]
    assert xs == sorted(xs)
    assert all(LEFT <= x <= WIDTH for x in xs)


def test_a_timeline_up_to_the_last_day_a_date_can_hold_ends_its_ticks_in_december_9999() -> None:
    line = timeline([decision(date(9999, 10, 1))], until=date.max)
    assert line.ticks[-1][1] == "Dec 9999"
