"""Facts about a student that change, on every store: recorded on the student's record and each
open placement in one transaction; refused ones write nothing; the as-at folds see them from
their day; a STAT-4 finding opens at once when an EHC plan is issued under a running placement
taught 18 hours a week or more at an unregistered setting, and closes with the plan's revision;
a location's rationale recorded later closes LOC-2 (and is sealed like every note)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import attrs
import pytest

from senad_ap import (
    AlreadyRecordedError,
    AlternativeProvision,
    AttendanceCode,
    ConcurrentChangeError,
    ConsentParty,
    InvalidInputError,
    NotAuthorisedError,
    Plan,
    PolicyViolationError,
    ProviderKind,
    ProviderState,
    Reason,
    RiskOutcome,
    Session,
    Setting,
    WeeklyHours,
)
from senad_ap.projections import AsAt, Projections, Sense, compliance
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import placement_as_at
from tests.integration.scenario import (
    HEAD,
    OPENED_ON,
    STAFF,
    TODAY,
    Clock,
    full_time_plan,
    notification_count,
    provider_staff,
)

STUDENT = "STU-0042"
ISSUED_ON = date(2026, 2, 16)  # a Monday, two weeks after the start
_WEEK = full_time_plan(UUID(int=0)).school_days


@pytest.fixture
def projected(app: AlternativeProvision) -> Iterator[Projections]:
    projections = Projections(app)
    yield projections
    projections.close()


def unregistered_setting(app: AlternativeProvision) -> ProviderState:
    provider = app.register_provider(
        name="Hilltop Farm Project", kind=ProviderKind.UNREGISTERED,
        delivers_accredited_education=False, actor=HEAD, on=OPENED_ON,
    )  # fmt: skip
    return app.assess_provider_risk(
        provider.id, outcome=RiskOutcome.SATISFACTORY, safeguarding_policies_seen=True,
        staff_checks_confirmed_in_writing=True, valid_until=OPENED_ON + timedelta(days=300),
        actor=HEAD, on=OPENED_ON,
    )  # fmt: skip


def split_plan(provider_id: UUID, hours_there: str) -> Plan:
    """``hours_there`` a week at the provider, the rest of 32.5 on site; no EHC plan on it."""
    there = Decimal(hours_there) / 5
    pattern = tuple(
        WeeklyHours(day, Setting.OUTSIDE_PROVIDER, there, provider_id) for day in _WEEK
    ) + tuple(WeeklyHours(day, Setting.ON_SITE, Decimal("6.5") - there) for day in _WEEK)
    return attrs.evolve(full_time_plan(provider_id), weekly_pattern=pattern, ehcp_reference=None)


def running_at(app: AlternativeProvision, provider: ProviderState, hours_there: str) -> UUID:
    """A placement of ``STUDENT`` (no EHC plan) with ``hours_there`` at ``provider``, started."""
    placement = app.open_placement(
        student_reference=STUDENT, reason=Reason.BEHAVIOUR, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=provider.id, location="Hilltop Farm", residential=False, actor=STAFF,
        on=OPENED_ON,
    )  # fmt: skip
    app.agree_plan(placement.id, split_plan(provider.id, hours_there), actor=HEAD, on=OPENED_ON)
    for party in ConsentParty:
        app.give_consent(placement.id, party=party, given_by=party.value,
                         evidence_reference="form", actor=STAFF, on=OPENED_ON)  # fmt: skip
    app.start_placement(placement.id, actor=HEAD, on=OPENED_ON)
    return placement.id


def on_site(app: AlternativeProvision, *, on: date = OPENED_ON, **facts: object) -> UUID:
    return app.open_placement(
        student_reference=STUDENT, reason=Reason.ANXIETY, setting=Setting.ON_SITE,
        location="Orchard room", residential=False, actor=STAFF, on=on, **facts,  # type: ignore[arg-type]
    ).id  # fmt: skip


# --- Fanned out, atomically -------------------------------------------------------------------


def test_an_ehc_plan_issued_is_on_every_open_placement_of_the_student(
    app: AlternativeProvision,
) -> None:
    first, second = on_site(app), on_site(app)

    app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)

    assert [app.get_placement(p, reader=STAFF).ehcp_reference for p in (first, second)] == [
        "EHCP-311",
        "EHCP-311",
    ]


def test_an_ehc_plan_issued_records_one_event_on_each_record_in_one_go(
    app: AlternativeProvision,
) -> None:
    on_site(app), on_site(app)
    count = notification_count(app)

    student = app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)

    assert (student.ehcp_reference, notification_count(app) - count) == ("EHCP-311", 3)


def test_an_ended_placement_does_not_take_a_later_fact(app: AlternativeProvision) -> None:
    ended = on_site(app)
    app.end_placement(ended, destination="reintegration into the SEN school", actor=HEAD,
                      on=OPENED_ON + timedelta(days=3))  # fmt: skip

    app.record_looked_after(STUDENT, actor=STAFF, on=ISSUED_ON)

    assert app.get_placement(ended, reader=STAFF).looked_after is False


def test_a_later_placement_takes_the_students_facts(app: AlternativeProvision) -> None:
    on_site(app)
    app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)
    app.record_compulsory_school_age(
        STUDENT, compulsory_school_age=False, actor=STAFF, on=ISSUED_ON
    )

    later = app.get_placement(on_site(app, on=TODAY), reader=STAFF)

    assert (later.ehcp_reference, later.compulsory_school_age) == ("EHCP-311", False)


def test_an_opening_stating_a_new_fact_puts_it_on_the_other_open_placements(
    app: AlternativeProvision,
) -> None:
    first = on_site(app)

    on_site(app, on=ISSUED_ON, looked_after=True)

    assert app.get_placement(first, reader=STAFF).looked_after is True


def test_off_the_roll_and_back_with_dual_registration(app: AlternativeProvision) -> None:
    placement = on_site(app)
    app.record_roll_status(STUDENT, on_roll=False, actor=STAFF, on=ISSUED_ON)

    app.record_roll_status(
        STUDENT, on_roll=True, dual_registered_with="140123", actor=STAFF, on=TODAY
    )

    state = app.get_placement(placement, reader=STAFF)
    assert (state.on_roll, state.dual_registered_with) == (True, "140123")


# --- Refused: nothing written -----------------------------------------------------------------


def test_a_fact_that_changes_nothing_is_refused_and_writes_nothing(
    app: AlternativeProvision,
) -> None:
    on_site(app)
    count = notification_count(app)

    with pytest.raises(AlreadyRecordedError):
        app.record_ehc_plan_ceased(STUDENT, actor=STAFF, on=ISSUED_ON)

    assert notification_count(app) == count


def test_a_fact_by_provider_staff_is_refused_and_writes_nothing(app: AlternativeProvision) -> None:
    provider = unregistered_setting(app)
    running_at(app, provider, "10")
    count = notification_count(app)

    with pytest.raises(NotAuthorisedError):
        app.record_looked_after(STUDENT, actor=provider_staff(provider.id), on=ISSUED_ON)

    assert notification_count(app) == count


def test_a_urn_of_seven_digits_is_refused_and_writes_nothing(app: AlternativeProvision) -> None:
    on_site(app)
    count = notification_count(app)

    with pytest.raises(InvalidInputError) as refused:
        app.record_roll_status(STUDENT, on_roll=True, dual_registered_with="1401234", actor=STAFF)

    assert (refused.value.field, notification_count(app)) == ("dual_registered_with", count)


def test_a_fact_on_a_stale_view_of_the_student_is_refused(app: AlternativeProvision) -> None:
    on_site(app)
    seen = app.get_student(STUDENT, reader=STAFF).version
    app.record_looked_after(STUDENT, actor=STAFF, on=ISSUED_ON)

    with pytest.raises(ConcurrentChangeError):
        app.record_ehc_plan_issued(
            STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON, expected_version=seen
        )


def test_a_retried_fact_records_nothing_more(app: AlternativeProvision) -> None:
    on_site(app)
    first = app.record_looked_after(STUDENT, actor=STAFF, on=ISSUED_ON, idempotency_key="la-1")
    count = notification_count(app)

    again = app.record_looked_after(STUDENT, actor=STAFF, on=ISSUED_ON, idempotency_key="la-1")

    assert (again.version, notification_count(app)) == (first.version, count)


# --- As known on, as in effect on -------------------------------------------------------------


def test_as_in_effect_on_sees_the_fact_from_its_day(app: AlternativeProvision) -> None:
    placement = on_site(app)
    app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)

    before, on_the_day = (
        placement_as_at(app, placement, AsAt(Sense.IN_EFFECT_ON, day), reader=FULL_ACCESS)
        for day in (ISSUED_ON - timedelta(days=1), ISSUED_ON)
    )

    assert before is not None
    assert on_the_day is not None
    assert (before.state.ehcp_reference, on_the_day.state.ehcp_reference) == (None, "EHCP-311")


def test_as_known_on_does_not_see_a_fact_recorded_later(
    app: AlternativeProvision, clock: Clock
) -> None:
    placement = on_site(app)
    clock.advance(days=3)
    app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)

    then = placement_as_at(app, placement, AsAt(Sense.KNOWN_ON, TODAY), reader=FULL_ACCESS)

    assert then is not None
    assert (then.state.ehcp_reference, [type(e).__name__ for e in then.late_entries]) == (
        None,
        ["StudentEhcPlanIssued"],
    )


# --- STAT-4: a fact that makes a running placement unlawful -----------------------------------


def stat_4_rows(projections: Projections, on: date) -> list[compliance.FindingRow]:
    projections.catch_up()
    rows = compliance.open_findings(projections.store, on=on, reader=FULL_ACCESS)
    return [row for row in rows if row.rule_id == "STAT-4"]


def test_stat_4_finding_opens_when_the_ehc_plan_is_issued(
    app: AlternativeProvision, projected: Projections
) -> None:
    running_at(app, unregistered_setting(app), "20")
    assert stat_4_rows(projected, TODAY) == []

    app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)

    assert [row.since for row in stat_4_rows(projected, TODAY)] == [ISSUED_ON]


def test_stat_4_refuses_a_present_mark_after_the_ehc_plan_and_writes_nothing(
    app: AlternativeProvision,
) -> None:
    placement = running_at(app, unregistered_setting(app), "20")
    app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)
    count = notification_count(app)

    with pytest.raises(PolicyViolationError) as refused:
        app.record_attendance(placement, session=Session.AM, code=AttendanceCode.PRESENT_AM,
                              actor=STAFF, on=ISSUED_ON + timedelta(days=1))  # fmt: skip

    assert (refused.value.rule_id, notification_count(app)) == ("STAT-4", count)


def test_stat_4_refuses_a_present_mark_in_a_register_after_the_ehc_plan(
    app: AlternativeProvision,
) -> None:
    from senad_ap import RegisterMark, RegisterRefusedError

    placement = running_at(app, unregistered_setting(app), "20")
    app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)

    with pytest.raises(RegisterRefusedError) as refused:
        app.record_register(
            [RegisterMark(placement, Session.AM, AttendanceCode.PRESENT_AM)],
            actor=STAFF,
            on=ISSUED_ON + timedelta(days=1),
        )

    assert [error.rule_id for _, error in refused.value.refusals] == ["STAT-4"]


def test_stat_4_allows_present_marks_again_once_the_plan_is_revised(
    app: AlternativeProvision, projected: Projections
) -> None:
    provider = unregistered_setting(app)
    placement = running_at(app, provider, "20")
    app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)
    revised_on = ISSUED_ON + timedelta(days=1)

    app.revise_plan(placement, split_plan(provider.id, "15"), reason="EHC plan issued",
                    actor=HEAD, on=revised_on)  # fmt: skip
    app.record_attendance(placement, session=Session.AM, code=AttendanceCode.PRESENT_AM,
                          actor=STAFF, on=revised_on)  # fmt: skip

    assert stat_4_rows(projected, TODAY) == []


def test_stat_4_finding_closes_on_the_day_of_the_revision(
    app: AlternativeProvision, projected: Projections
) -> None:
    provider = unregistered_setting(app)
    placement = running_at(app, provider, "20")
    app.record_ehc_plan_issued(STUDENT, reference="EHCP-311", actor=STAFF, on=ISSUED_ON)
    revised_on = ISSUED_ON + timedelta(days=2)

    app.revise_plan(placement, split_plan(provider.id, "15"), reason="EHC plan issued",
                    actor=HEAD, on=revised_on)  # fmt: skip

    projected.catch_up()
    history = compliance.finding_history(projected.store, placement, reader=FULL_ACCESS)
    assert [(r.since, r.closed_on) for r in history if r.rule_id == "STAT-4"] == [
        (ISSUED_ON, revised_on)
    ]


def test_stat_4_a_pupil_no_longer_of_compulsory_school_age_leaves_the_full_time_roll(
    app: AlternativeProvision,
) -> None:
    provider = unregistered_setting(app)
    placement = running_at(app, provider, "20")
    assert placement in app.get_provider(provider.id, reader=HEAD).full_time_pupils

    app.record_compulsory_school_age(
        STUDENT, compulsory_school_age=False, actor=STAFF, on=ISSUED_ON
    )

    assert placement not in app.get_provider(provider.id, reader=HEAD).full_time_pupils


# --- LOC-2: the rationale written late --------------------------------------------------------


def at_the_home(app: AlternativeProvision) -> UUID:
    return app.open_placement(
        student_reference=STUDENT, reason=Reason.BEHAVIOUR,
        setting=Setting.ALLIED_CHILDRENS_HOME, location="The lodge", residential=True,
        actor=STAFF, on=OPENED_ON,
    ).id  # fmt: skip


def test_loc_2_finding_closes_when_the_rationale_is_recorded_later(
    app: AlternativeProvision, projected: Projections
) -> None:
    placement = at_the_home(app)
    projected.catch_up()
    assert [
        r.rule_id for r in compliance.open_findings(projected.store, on=TODAY, reader=FULL_ACCESS)
    ].count("LOC-2") == 1

    app.record_location_rationale(
        placement, rationale="Therapy sessions are at the home", actor=HEAD, on=TODAY
    )

    projected.catch_up()
    assert "LOC-2" not in [
        r.rule_id for r in compliance.open_findings(projected.store, on=TODAY, reader=FULL_ACCESS)
    ]


def test_loc_2_rationale_is_sealed_on_the_record(app: AlternativeProvision) -> None:
    placement = at_the_home(app)

    app.record_location_rationale(
        placement, rationale="Therapy sessions are at the home", actor=HEAD, on=TODAY
    )

    stored = app.events_of(placement, reader=FULL_ACCESS)[-1]
    assert stored.rationale.startswith("\u27e6pd2:")  # type: ignore[attr-defined]
    assert app.get_placement(placement, reader=STAFF).location_rationale == (
        "Therapy sessions are at the home"
    )


def test_a_later_placement_opened_without_facts_keeps_the_student_looked_after(
    app: AlternativeProvision,
) -> None:
    first = on_site(app)
    app.record_looked_after(STUDENT, actor=STAFF, on=ISSUED_ON)

    later = on_site(app, on=TODAY)

    assert [app.get_placement(p, reader=STAFF).looked_after for p in (first, later)] == [
        True,
        True,
    ]
