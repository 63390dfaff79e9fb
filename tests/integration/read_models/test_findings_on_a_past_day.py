"""The findings open on a past day, in both senses of "as at" (docs/inspection.md): a gap
open that day and closed since is counted, one closed before it or opened after it is not;
the projection's answers (``open_findings``: as in effect; ``findings_known_on``: as known)
are the log folded as at the day (``as_at.findings_as_at``).

Shown with INFO-1 (information shared with the local authority, STAT-5) and COMM-6 (a
session without a register mark). Every test runs once per event store.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from senad_ap import AlternativeProvision, InformationParty, InformationScope
from senad_ap.projections import AsAt, FindingRow, Projections, Sense, compliance
from senad_ap.projections import as_at as as_at_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import START, day, move_to
from tests.integration.scenario import STAFF, start_outside_placement

Gap = tuple[str, str, date]
#: INFO-1 for the local authority (STAT-5): open from the start until information is shared.
LOCAL_AUTHORITY: Gap = ("INFO-1", "LOCAL_AUTHORITY", START)
#: COMM-6: the morning of ``START`` has no mark; the gap opens the next day.
UNMARKED: Gap = ("COMM-6", "", day(1))


def _share(app: AlternativeProvision, placement_id: UUID, on: date) -> None:
    app.share_information(
        placement_id,
        party=InformationParty.LOCAL_AUTHORITY,
        scope=[InformationScope.SPECIAL_EDUCATIONAL_NEEDS],
        actor=STAFF,
        on=on,
    )


@pytest.fixture
def shared_on_day_5(app: AlternativeProvision, clock: FixedClock) -> UUID:
    """Started on ``START``; information shared with the local authority on day 5, recorded
    that day: INFO-1 for the local authority was open from ``START`` to day 5."""
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(5))
    _share(app, placement_id, day(5))
    return placement_id


@pytest.fixture
def shared_late(app: AlternativeProvision, clock: FixedClock) -> UUID:
    """As ``shared_on_day_5``, but the sharing on day 5 is back-dated to day 1 (a late
    entry): in effect the gap closed on day 1; as recorded, on day 5."""
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(5))
    _share(app, placement_id, day(1))
    return placement_id


def _gaps(rows: list[FindingRow]) -> set[Gap]:
    return {(r.rule_id, r.key, r.since) for r in rows}


def _open_on(projections: Projections, sense: Sense, on: date) -> set[Gap]:
    """The gaps the projection shows open on ``on`` in ``sense``."""
    projections.catch_up()
    if sense is Sense.IN_EFFECT_ON:
        return _gaps(compliance.open_findings(projections.store, on=on, reader=FULL_ACCESS))
    return _gaps(compliance.findings_known_on(projections.store, known_on=on, reader=FULL_ACCESS))


def _folded(projections: Projections, sense: Sense, on: date) -> set[Gap]:
    """The gaps open on ``on`` in ``sense``, worked out by folding the log."""
    projections.catch_up()
    return _gaps(as_at_queries.findings_as_at(projections, AsAt(sense, on), reader=FULL_ACCESS))


SENSES = pytest.mark.parametrize("sense", list(Sense), ids=lambda s: s.name.lower())


@SENSES
def test_a_gap_open_on_a_past_day_and_closed_since_is_open_on_that_day(
    projections: Projections, shared_on_day_5: UUID, sense: Sense
) -> None:
    assert LOCAL_AUTHORITY in _open_on(projections, sense, day(3))


@SENSES
def test_the_log_folded_as_at_the_day_shows_the_gap_closed_since_open_too(
    projections: Projections, shared_on_day_5: UUID, sense: Sense
) -> None:
    assert LOCAL_AUTHORITY in _folded(projections, sense, day(3))


def test_a_gap_open_on_a_past_day_says_the_day_it_closed_since(
    projections: Projections, shared_on_day_5: UUID
) -> None:
    projections.catch_up()
    rows = compliance.open_findings(projections.store, on=day(3), reader=FULL_ACCESS)

    assert [r.closed_on for r in rows if r.key == "LOCAL_AUTHORITY"] == [day(5)]


@SENSES
def test_a_gap_closed_before_the_day_is_not_open_on_it(
    projections: Projections, shared_on_day_5: UUID, sense: Sense
) -> None:
    assert LOCAL_AUTHORITY not in _open_on(projections, sense, day(6))


@SENSES
def test_a_gap_closed_on_the_day_is_not_open_on_it(
    projections: Projections, shared_on_day_5: UUID, sense: Sense
) -> None:
    assert LOCAL_AUTHORITY not in _open_on(projections, sense, day(5))


@SENSES
def test_a_gap_that_opens_after_the_day_is_not_open_on_it(
    projections: Projections, shared_on_day_5: UUID, sense: Sense
) -> None:
    assert UNMARKED not in _open_on(projections, sense, START)


@SENSES
def test_a_gap_still_open_is_open_on_every_day_since_it_opened(
    projections: Projections, shared_on_day_5: UUID, sense: Sense
) -> None:
    assert UNMARKED in _open_on(projections, sense, day(3))


@SENSES
def test_the_gaps_open_on_a_past_day_are_the_log_folded_as_at_that_day(
    projections: Projections, shared_on_day_5: UUID, sense: Sense
) -> None:
    assert _open_on(projections, sense, day(3)) == _folded(projections, sense, day(3))


def test_back_dated_evidence_closes_the_gap_from_its_day_as_in_effect(
    projections: Projections, shared_late: UUID
) -> None:
    assert LOCAL_AUTHORITY not in _open_on(projections, Sense.IN_EFFECT_ON, day(3))


def test_back_dated_evidence_leaves_the_gap_open_as_known_until_it_was_recorded(
    projections: Projections, shared_late: UUID
) -> None:
    assert LOCAL_AUTHORITY in _open_on(projections, Sense.KNOWN_ON, day(3))


@SENSES
def test_with_back_dated_evidence_the_gaps_on_a_past_day_are_the_log_folded_as_at_it(
    projections: Projections, shared_late: UUID, sense: Sense
) -> None:
    assert _open_on(projections, sense, day(3)) == _folded(projections, sense, day(3))


def test_a_late_entry_after_a_later_decision_is_worked_into_the_days_since_it_took_effect(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    # The sharing with the local authority on day 5 is recorded first; then, late, the
    # morning of START is marked: in effect on day 3, neither that gap nor the morning's is
    # open, and the afternoon of START is.
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(5))
    _share(app, placement_id, day(5))
    app.record_attendance(placement_id, session="AM", code="/", actor=STAFF, on=START)

    assert _open_on(projections, Sense.IN_EFFECT_ON, day(3)) == _folded(
        projections, Sense.IN_EFFECT_ON, day(3)
    )
