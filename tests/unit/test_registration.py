"""STAT-4 as the law has it: full-time education at one setting is the registration test's
18 hours a week (``PolicyParameters.registration_full_time_hours``), not PLAN-2's school week.

A pupil of compulsory school age with an EHC plan, or looked after, is never taught 18 hours a
week or more at an unregistered setting: refused at the plan and the start; counted on the
provider's full-time roll from 18 hours; and when a fact changes under a running placement (an
EHC plan issued), a STAT-4 finding opens at once and present marks there are refused until the
plan is revised or the setting is registered.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.compliance import Finding, placement_findings
from senad_ap.domain.full_time_roll import full_time_settings
from senad_ap.domain.placement import (
    ConsentParty,
    PlacementState,
    RevisePlan,
    decide_placement,
    evolve_placement,
)
from senad_ap.domain.plan import Plan, Setting
from senad_ap.domain.provider import ProviderKind, ProviderState
from senad_ap.domain.student import StudentState, decide_student_on_opening, evolve_student
from senad_ap.domain.student_facts import (
    RecordCompulsorySchoolAge,
    RecordEhcPlanIssued,
    StudentFactCommand,
    decide_fact,
)
from senad_ap.domain.values import PolicyParameters
from senad_ap.errors import PolicyViolationError
from tests.unit.builders import (
    A_SCHOOL_DAY,
    HEAD,
    PLACEMENT_ID,
    TEACHER,
    agree_command,
    apply,
    consent_command,
    context,
    open_outside_command,
    opened,
    plan,
    record_command,
    related,
    start_command,
    unregistered_provider,
    week,
)

ISSUED_ON = date(2025, 3, 10)  # a Monday, after the start (3 March)
AFTER_ISSUE = date(2025, 3, 11)
DEFAULTS = PolicyParameters()


def split_week(hours_there: str, provider: ProviderState) -> Plan:
    """``hours_there`` a week at ``provider``, the rest of the 32.5-hour week on site."""
    there = Decimal(hours_there) / 5
    pattern = week(there, Setting.OUTSIDE_PROVIDER, provider.id)
    pattern += week(Decimal("6.5") - there)
    return plan(pattern)


def opened_at(provider: ProviderState, **facts: object) -> PlacementState:
    return opened(
        attrs.evolve(open_outside_command(provider.id), **facts),  # type: ignore[arg-type]
        related(provider),
    )


def agree(state: PlacementState, plan_: Plan, provider: ProviderState) -> PlacementState:
    return apply(state, agree_command(plan_), related(provider))


def started_at(hours_there: str, provider: ProviderState, **facts: object) -> PlacementState:
    """Planned with ``hours_there`` at ``provider``, consented and started on 3 March."""
    state = agree(opened_at(provider, **facts), split_week(hours_there, provider), provider)
    for party in ConsentParty:
        state = apply(state, consent_command(party))
    return apply(state, start_command(), related(provider))


def student_of(state: PlacementState) -> StudentState:
    student = None
    assert state.provider_id is not None
    command = open_outside_command(state.provider_id)  # the opening's student facts
    for event in decide_student_on_opening(None, command, context()):
        student = evolve_student(student, event)
    assert student is not None
    return attrs.evolve(student, placement_ids=(state.id,))


def with_fact(state: PlacementState, command: StudentFactCommand) -> PlacementState:
    """``state`` after the fact ``command`` was recorded about its student."""
    for event in decide_fact(student_of(state), command, context(), {state.id: state})[1:]:
        state = evolve_placement(state, event)  # type: ignore[arg-type]
    return state


def ehc_plan_issued(state: PlacementState, on: date = ISSUED_ON) -> PlacementState:
    return with_fact(
        state,
        RecordEhcPlanIssued(
            actor=TEACHER, effective_on=on, student_reference="STU-0042", reference="EHCP-77"
        ),
    )


def stat_4(state: PlacementState, provider: ProviderState) -> list[Finding]:
    found = placement_findings(state, providers={provider.id: provider})
    return [f for f in found if f.rule_id == "STAT-4"]


# --- The threshold: 17.5 hours allowed, 18 and 20 refused -------------------------------------


def test_stat_4_allows_17_5_hours_at_an_unregistered_setting_for_a_student_with_ehcp() -> None:
    provider = unregistered_provider()

    state = agree(
        opened_at(provider, ehcp_reference="EHCP-1"), split_week("17.5", provider), provider
    )

    assert state.plan is not None


@pytest.mark.parametrize("hours", ["18", "20", "30"])
def test_stat_4_refuses_18_hours_or_more_at_an_unregistered_setting_for_ehcp(hours: str) -> None:
    provider = unregistered_provider()
    state = opened_at(provider, ehcp_reference="EHCP-1")

    with pytest.raises(PolicyViolationError) as refused:
        agree(state, split_week(hours, provider), provider)

    assert refused.value.rule_id == "STAT-4"


def test_stat_4_refuses_20_hours_at_an_unregistered_setting_for_a_looked_after_student() -> None:
    provider = unregistered_provider()

    with pytest.raises(PolicyViolationError) as refused:
        agree(opened_at(provider, looked_after=True), split_week("20", provider), provider)

    assert refused.value.rule_id == "STAT-4"


def test_stat_4_allows_20_hours_at_an_unregistered_setting_for_a_student_not_protected() -> None:
    provider = unregistered_provider()

    state = agree(opened_at(provider), split_week("20", provider), provider)

    assert state.plan is not None


def test_stat_4_allows_20_hours_at_a_registered_independent_school_for_ehcp() -> None:
    provider = attrs.evolve(unregistered_provider(), kind=ProviderKind.REGISTERED_INDEPENDENT)

    state = agree(
        opened_at(provider, ehcp_reference="EHCP-1"), split_week("20", provider), provider
    )

    assert state.plan is not None


def test_stat_4_counts_an_ehc_plan_reference_given_only_on_the_plan() -> None:
    provider = unregistered_provider()
    plan_ = attrs.evolve(split_week("20", provider), ehcp_reference="EHCP-1")

    with pytest.raises(PolicyViolationError) as refused:
        agree(opened_at(provider), plan_, provider)

    assert refused.value.rule_id == "STAT-4"


def test_stat_4_does_not_protect_a_student_not_of_compulsory_school_age() -> None:
    provider = unregistered_provider()
    state = with_fact(
        opened_at(provider, ehcp_reference="EHCP-1"),
        RecordCompulsorySchoolAge(
            actor=TEACHER,
            effective_on=ISSUED_ON,
            student_reference="STU-0042",
            compulsory_school_age=False,
        ),
    )

    state = agree(state, split_week("20", provider), provider)

    assert state.plan is not None


def test_stat_4_refuses_the_start_at_18_hours_for_ehcp() -> None:
    # Agreed when the registration test was set at 40 hours; it is now 18.
    provider = unregistered_provider()
    lenient = context(policy=PolicyParameters(registration_full_time_hours=Decimal("40")))
    state = apply(
        opened_at(provider, ehcp_reference="EHCP-1"),
        agree_command(split_week("18", provider)),
        related(provider),
        lenient,
    )
    for party in ConsentParty:
        state = apply(state, consent_command(party))

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, start_command(), context(), related(provider))

    assert refused.value.rule_id == "STAT-4"


def test_stat_4_allows_the_start_at_17_5_hours_for_ehcp() -> None:
    provider = unregistered_provider()

    state = started_at("17.5", provider, ehcp_reference="EHCP-1")

    assert state.started_on is not None


def test_plan_2_keeps_the_school_week_when_the_registration_test_is_met() -> None:
    provider = unregistered_provider()
    pattern = week(Decimal("4"), Setting.OUTSIDE_PROVIDER, provider.id)  # 20 hours, no more

    with pytest.raises(PolicyViolationError) as refused:
        agree(opened_at(provider), plan(pattern), provider)

    assert refused.value.rule_id == "PLAN-2"


def test_the_registration_threshold_defaults_to_18_hours_and_plan_2_to_32_5() -> None:
    assert (DEFAULTS.registration_full_time_hours, DEFAULTS.full_time_hours) == (
        Decimal("18"),
        Decimal("32.5"),
    )


# --- The provider's full-time roll ------------------------------------------------------------


@pytest.mark.parametrize(("hours", "on_roll"), [("17.5", False), ("18", True), ("20", True)])
def test_stat_4_full_time_roll_counts_a_pupil_from_18_hours(hours: str, on_roll: bool) -> None:
    provider = unregistered_provider()
    state = started_at(hours, provider)

    roll = full_time_settings(state, {provider.id: provider}, context())

    assert (provider.id in roll) is on_roll


def test_stat_4_full_time_roll_leaves_out_a_pupil_not_of_compulsory_school_age() -> None:
    provider = unregistered_provider()
    state = attrs.evolve(started_at("20", provider), compulsory_school_age=False)

    assert full_time_settings(state, {provider.id: provider}, context()) == frozenset()


# --- A fact that changes under a running placement --------------------------------------------


def test_stat_4_finding_opens_the_day_the_ehc_plan_is_issued() -> None:
    provider = unregistered_provider()

    state = ehc_plan_issued(started_at("20", provider))

    assert [(f.since, f.key) for f in stat_4(state, provider)] == [(ISSUED_ON, str(provider.id))]


def test_stat_4_no_finding_below_the_threshold_when_the_ehc_plan_is_issued() -> None:
    provider = unregistered_provider()

    state = ehc_plan_issued(started_at("17.5", provider))

    assert stat_4(state, provider) == []


def test_stat_4_finding_closes_when_the_plan_is_revised_below_the_threshold() -> None:
    provider = unregistered_provider()
    state = ehc_plan_issued(started_at("20", provider))

    state = apply(
        state,
        RevisePlan(
            actor=HEAD,
            effective_on=AFTER_ISSUE,
            placement_id=PLACEMENT_ID,
            plan=split_week("15", provider),
            reason="EHC plan issued: at most 15 hours at the unregistered setting",
        ),
        related(provider),
    )

    assert stat_4(state, provider) == []


def test_stat_4_finding_closes_when_the_setting_is_registered() -> None:
    provider = unregistered_provider()
    state = ehc_plan_issued(started_at("20", provider))
    registered = attrs.evolve(provider, kind=ProviderKind.REGISTERED_INDEPENDENT)

    assert stat_4(state, registered) == []


def test_stat_4_refuses_a_present_mark_after_the_ehc_plan_is_issued() -> None:
    provider = unregistered_provider()
    state = ehc_plan_issued(started_at("20", provider))

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(state, record_command(AFTER_ISSUE), context(), related(provider))

    assert refused.value.rule_id == "STAT-4"


def test_stat_4_allows_an_absence_mark_after_the_ehc_plan_is_issued() -> None:
    provider = unregistered_provider()
    state = ehc_plan_issued(started_at("20", provider))
    absent = record_command(AFTER_ISSUE, Session.AM, AttendanceCode.ILLNESS)

    state = apply(state, absent, related(provider))

    assert state.mark(AFTER_ISSUE, Session.AM) is not None


def test_stat_4_allows_a_present_mark_for_a_day_before_the_ehc_plan() -> None:
    provider = unregistered_provider()
    state = ehc_plan_issued(started_at("20", provider))

    state = apply(state, record_command(A_SCHOOL_DAY), related(provider))

    assert state.mark(A_SCHOOL_DAY, Session.AM) is not None


def test_stat_4_allows_a_present_mark_below_the_threshold_after_the_ehc_plan() -> None:
    provider = unregistered_provider()
    state = ehc_plan_issued(started_at("17.5", provider))

    state = apply(state, record_command(AFTER_ISSUE), related(provider))

    assert state.mark(AFTER_ISSUE, Session.AM) is not None
