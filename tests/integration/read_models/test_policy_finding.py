"""The group-level finding POL-1 in the compliance projection and as at a past day: open from
the day after the review date of the version in force (the built-in section 7, version 6:
Thursday 1 January 2026), closed on the day a new version comes into force.

The clock stands at noon on ``START`` (Monday 2 February 2026) until a test moves it.
"""

from __future__ import annotations

from datetime import date

import pytest

from senad_ap import POLICY_RECORD_ID, POLICY_VERSION, AlternativeProvision, ProviderState
from senad_ap.projections import AsAt, Projections, Sense, audit, compliance
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import findings_as_at
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import START, day, finding_history, move_to
from tests.integration.scenario import HEAD, SCHOOL

VERSION_7 = "section 7, version 7"
OVERDUE_SINCE = date(2026, 1, 1)
REVIEW_7 = date(2026, 12, 31)


def pol_1(rows: list[compliance.FindingRow]) -> list[tuple[str, date, str, str]]:
    """(key, since, school, student) of the POL-1 rows."""
    return [
        (r.key, r.since, r.school_id, r.student_reference) for r in rows if r.rule_id == "POL-1"
    ]


def record_version_7(app: AlternativeProvision, clock: FixedClock) -> None:
    """Version 7, ratified on day 3, in force from day 5, recorded on day 7."""
    move_to(clock, day(7))
    app.record_policy_version(
        VERSION_7, ratified_on=day(3), review_due_on=REVIEW_7, actor=HEAD, on=day(5)
    )


def test_an_empty_record_has_no_policy_finding(projections: Projections) -> None:
    projections.catch_up()

    assert compliance.open_findings(projections.store, on=START, reader=FULL_ACCESS) == []


def test_pol_1_is_open_for_the_built_in_version_once_the_record_begins(
    projections: Projections, provider: ProviderState
) -> None:
    projections.catch_up()

    rows = compliance.open_findings(projections.store, on=START, reader=FULL_ACCESS)

    assert pol_1(rows) == [(POLICY_VERSION, OVERDUE_SINCE, "", "")]


def test_pol_1_is_a_group_level_finding_on_the_policy_record(
    projections: Projections, provider: ProviderState
) -> None:
    projections.catch_up()

    (row,) = [
        r
        for r in compliance.open_findings(projections.store, on=START, reader=FULL_ACCESS)
        if r.rule_id == "POL-1"
    ]

    assert (row.placement_id, row.group_level) == (POLICY_RECORD_ID, True)


@pytest.mark.parametrize("school_id", [SCHOOL, "900A"])
def test_pol_1_is_among_every_schools_findings(
    projections: Projections, provider: ProviderState, school_id: str
) -> None:
    projections.catch_up()

    rows = compliance.open_findings(
        projections.store, on=START, school_id=school_id, reader=FULL_ACCESS
    )

    assert [r.rule_id for r in rows] == ["POL-1"]


def test_pol_1_closes_on_the_day_a_new_version_comes_into_force(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, provider: ProviderState
) -> None:
    record_version_7(app, clock)

    assert finding_history(projections, POLICY_RECORD_ID, "POL-1") == [
        (POLICY_VERSION, OVERDUE_SINCE, day(5)),
        (VERSION_7, date(2027, 1, 1), None),
    ]


def test_pol_1_is_not_open_once_the_new_version_is_in_force(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, provider: ProviderState
) -> None:
    record_version_7(app, clock)
    projections.catch_up()

    assert pol_1(compliance.open_findings(projections.store, on=day(7), reader=FULL_ACCESS)) == []


def test_pol_1_opens_again_when_the_new_version_passes_its_review_date(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, provider: ProviderState
) -> None:
    record_version_7(app, clock)
    projections.catch_up()

    rows = compliance.open_findings(projections.store, on=date(2027, 1, 1), reader=FULL_ACCESS)

    assert pol_1(rows) == [(VERSION_7, date(2027, 1, 1), "", "")]


@pytest.mark.parametrize(("known_on", "expected"), [(day(6), 1), (day(7), 0)])
def test_pol_1_as_known_on_a_day_closes_only_once_the_new_version_was_recorded(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    provider: ProviderState,
    known_on: date,
    expected: int,
) -> None:
    record_version_7(app, clock)
    projections.catch_up()

    rows = compliance.findings_known_on(projections.store, known_on=known_on, reader=FULL_ACCESS)

    assert len(pol_1(rows)) == expected


@pytest.mark.parametrize(
    ("sense", "on", "expected"),
    [
        (Sense.KNOWN_ON, day(6), [(POLICY_VERSION, OVERDUE_SINCE, "", "")]),
        (Sense.KNOWN_ON, day(7), []),
        (Sense.IN_EFFECT_ON, day(4), [(POLICY_VERSION, OVERDUE_SINCE, "", "")]),
        (Sense.IN_EFFECT_ON, day(5), []),
        (Sense.IN_EFFECT_ON, date(2025, 12, 31), []),
    ],
    ids=["known before", "known after", "in effect before", "in effect after", "review day"],
)
def test_pol_1_as_at_a_day_follows_the_version_in_force_then(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    provider: ProviderState,
    sense: Sense,
    on: date,
    expected: list[tuple[str, date, str, str]],
) -> None:
    record_version_7(app, clock)
    projections.catch_up()

    assert pol_1(findings_as_at(projections, AsAt(sense, on), reader=FULL_ACCESS)) == expected


def test_pol_1_as_known_before_the_record_began_is_not_open(
    projections: Projections, provider: ProviderState
) -> None:
    projections.catch_up()

    assert (
        pol_1(
            findings_as_at(projections, AsAt(Sense.KNOWN_ON, date(2026, 1, 15)), reader=FULL_ACCESS)
        )
        == []
    )


def test_the_audit_trail_describes_a_policy_version_on_the_policy_record(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    record_version_7(app, clock)
    projections.catch_up()

    (entry,) = audit.entries(
        projections.store, event_type="PolicyVersionRecorded", reader=FULL_ACCESS
    )

    assert (entry.record_kind, entry.late_entry, entry.description) == (
        "policy",
        True,
        'Policy version recorded: "section 7, version 7", ratified on 2026-02-05, in force '
        "from 2026-02-07, review due on 2026-12-31; full-time provision 32.5 hours a week, "
        "reviews at least every 6 weeks.",
    )


def record_version_7_back_dated(app: AlternativeProvision, clock: FixedClock) -> None:
    """Version 7, ratified on 15 December 2025 and in force from 20 December 2025 — before the
    built-in version's review date — but recorded only on day 7."""
    move_to(clock, day(7))
    app.record_policy_version(
        VERSION_7,
        ratified_on=date(2025, 12, 15),
        review_due_on=REVIEW_7,
        actor=HEAD,
        on=date(2025, 12, 20),
    )


@pytest.mark.parametrize(
    ("sense", "on", "expected"),
    [
        (Sense.KNOWN_ON, day(6), [(POLICY_VERSION, OVERDUE_SINCE, "", "")]),
        (Sense.KNOWN_ON, day(7), []),
        (Sense.IN_EFFECT_ON, date(2026, 1, 10), []),
        (Sense.IN_EFFECT_ON, day(4), []),
    ],
    ids=["known before it was recorded", "known after", "in effect in January", "in effect"],
)
def test_pol_1_of_a_version_replaced_before_its_review_date_was_never_in_effect(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    provider: ProviderState,
    sense: Sense,
    on: date,
    expected: list[tuple[str, date, str, str]],
) -> None:
    record_version_7_back_dated(app, clock)
    projections.catch_up()

    assert pol_1(findings_as_at(projections, AsAt(sense, on), reader=FULL_ACCESS)) == expected


@pytest.mark.parametrize("on", [date(2026, 1, 10), day(4)])
def test_pol_1_in_effect_from_the_projections_drops_a_version_replaced_in_time(
    app: AlternativeProvision,
    projections: Projections,
    clock: FixedClock,
    provider: ProviderState,
    on: date,
) -> None:
    record_version_7_back_dated(app, clock)
    projections.catch_up()

    assert pol_1(compliance.open_findings(projections.store, on=on, reader=FULL_ACCESS)) == []


def test_pol_1_known_on_from_the_projections_keeps_what_was_recorded_then(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, provider: ProviderState
) -> None:
    record_version_7_back_dated(app, clock)
    projections.catch_up()

    rows = compliance.findings_known_on(projections.store, known_on=day(6), reader=FULL_ACCESS)

    assert pol_1(rows) == [(POLICY_VERSION, OVERDUE_SINCE, "", "")]
