"""STAT-4, head-count half: an unregistered setting may not teach five or more pupils full-time."""

from __future__ import annotations

from uuid import UUID

import attrs
import pytest

from senad_ap.domain.full_time_roll import full_time_roll_changes, full_time_settings
from senad_ap.domain.placement import PlacementState, RevisePlan
from senad_ap.domain.plan import Setting
from senad_ap.domain.provider import (
    FullTimePupilAdmitted,
    FullTimePupilLeft,
    ProviderState,
    evolve_provider,
)
from senad_ap.errors import PolicyViolationError
from tests.unit.builders import (
    A_SCHOOL_DAY,
    FULL_TIME_DAY,
    HEAD,
    PLACEMENT_ID,
    apply,
    context,
    end_command,
    outside_planned,
    outside_started,
    part_time_plan,
    plan,
    related,
    start_command,
    unregistered_provider,
    week,
)


def with_full_time_pupils(provider: ProviderState, count: int) -> ProviderState:
    pupils = frozenset(UUID(int=n + 1000) for n in range(count))
    return attrs.evolve(provider, full_time_pupils=pupils)


def test_stat_4_start_at_an_unregistered_provider_admits_a_full_time_pupil() -> None:
    provider = unregistered_provider()
    before = outside_planned(provider)
    after = apply(before, start_command(), related(provider))

    (event,) = full_time_roll_changes(before, after, {provider.id: provider}, start_command(),
                                      context())  # fmt: skip

    assert (type(event), event.originator_id, event.placement_id) == (
        FullTimePupilAdmitted,
        provider.id,
        PLACEMENT_ID,
    )


def test_stat_4_refuses_a_fifth_full_time_pupil_at_an_unregistered_provider() -> None:
    provider = with_full_time_pupils(unregistered_provider(), 4)
    before = outside_planned(provider)
    after = apply(before, start_command(), related(provider))

    with pytest.raises(PolicyViolationError) as refused:
        full_time_roll_changes(before, after, {provider.id: provider}, start_command(), context())

    assert refused.value.rule_id == "STAT-4"


def test_stat_4_allows_a_fourth_full_time_pupil_at_an_unregistered_provider() -> None:
    provider = with_full_time_pupils(unregistered_provider(), 3)
    before = outside_planned(provider)
    after = apply(before, start_command(), related(provider))

    events = full_time_roll_changes(before, after, {provider.id: provider}, start_command(),
                                    context())  # fmt: skip

    assert len(events) == 1


def test_stat_4_ending_a_placement_takes_the_pupil_off_the_roll() -> None:
    provider = unregistered_provider()
    before = outside_started(provider)
    after = apply(before, end_command(), related(provider))

    (event,) = full_time_roll_changes(before, after, {provider.id: provider}, end_command(),
                                      context())  # fmt: skip

    assert type(event) is FullTimePupilLeft


def test_stat_4_part_time_hours_at_an_unregistered_provider_are_not_counted() -> None:
    provider = unregistered_provider()
    pattern = (
        week(FULL_TIME_DAY, Setting.ON_SITE)[:3]
        + week(FULL_TIME_DAY, Setting.OUTSIDE_PROVIDER, provider.id)[3:]
    )
    state = attrs.evolve(outside_started(provider), plan=plan(pattern))

    assert full_time_settings(state, {provider.id: provider}, context()) == frozenset()


def test_stat_4_revising_away_from_an_unregistered_provider_takes_the_pupil_off_the_roll() -> None:
    provider = unregistered_provider()
    before = outside_started(provider)
    revision = RevisePlan(actor=HEAD, effective_on=A_SCHOOL_DAY, placement_id=PLACEMENT_ID,
                          plan=plan(), reason="back on site")  # fmt: skip
    after: PlacementState = apply(before, revision, related(provider))

    (event,) = full_time_roll_changes(before, after, {provider.id: provider}, revision, context())

    assert type(event) is FullTimePupilLeft


def test_provider_roll_counts_admissions_and_departures() -> None:
    provider = unregistered_provider()
    before = outside_planned(provider)
    started = apply(before, start_command(), related(provider))
    admitted = full_time_roll_changes(before, started, {provider.id: provider}, start_command(),
                                      context())  # fmt: skip
    state = provider
    for event in admitted:
        state = evolve_provider(state, event)

    assert state.full_time_pupils == frozenset({PLACEMENT_ID})


def test_roll_events_do_not_carry_the_placement_commands_idempotency_key() -> None:
    provider = unregistered_provider()
    before = outside_planned(provider)
    command = attrs.evolve(start_command(), idempotency_key="start-1")
    after = apply(before, command, related(provider))

    (event,) = full_time_roll_changes(before, after, {provider.id: provider}, command, context())

    assert event.idempotency_key is None


def test_part_time_plan_is_never_on_a_full_time_roll() -> None:
    provider = unregistered_provider()
    state = attrs.evolve(outside_started(provider), plan=part_time_plan())

    assert full_time_settings(state, {provider.id: provider}, context()) == frozenset()
