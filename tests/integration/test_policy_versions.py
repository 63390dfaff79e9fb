"""Policy versions on every store (POL-1): recording one, and every later decision taken under
it, with its numbers and its name.

The clock stands at noon on Monday 2 March 2026 (``scenario.NOW``); the built-in version,
section 7, version 6, was due for review by 31 December 2025.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from senad_ap import (
    POLICY_RECORD_ID,
    POLICY_VERSION,
    AlternativeProvision,
    ConcurrentChangeError,
    InvalidInputError,
    NotAuthorisedError,
    PolicyParameters,
    PolicyViolationError,
    RecordPolicyVersion,
)
from senad_ap.domain.base import Event
from senad_ap.domain.seal import LogSealed
from senad_ap.projections.access import FULL_ACCESS
from tests.integration.conftest import Store
from tests.integration.scenario import (
    HEAD,
    OPENED_ON,
    STAFF,
    TODAY,
    full_time_plan,
    open_outside_placement,
    ready_provider,
    stored_notifications,
)

VERSION_7 = "section 7, version 7"
IN_FORCE_FROM = date(2026, 2, 16)
#: Version 7 counts 25 hours a week as full time (PLAN-2), where version 6 counts 32.5.
SHORTER_WEEK = PolicyParameters(full_time_hours=Decimal("25"))


def record_version_7(
    app: AlternativeProvision, parameters: PolicyParameters | None = SHORTER_WEEK, **options: object
) -> None:
    app.record_policy_version(
        VERSION_7,
        ratified_on=date(2026, 2, 9),
        review_due_on=date(2026, 12, 31),
        parameters=parameters,
        actor=HEAD,
        on=IN_FORCE_FROM,
        **options,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- recording


def test_a_recorded_version_is_the_policy_in_force_from_its_day(app: AlternativeProvision) -> None:
    record_version_7(app)

    assert (
        app.policy_in_force(on=IN_FORCE_FROM - timedelta(days=1)).name,
        app.policy_in_force(on=IN_FORCE_FROM).name,
        app.policy_in_force().parameters.full_time_hours,
    ) == (POLICY_VERSION, VERSION_7, Decimal("25"))


def test_a_recorded_version_is_on_the_policy_record(app: AlternativeProvision) -> None:
    record_version_7(app)

    assert [(v.name, v.ratified_on, v.in_force_from, v.review_due_on) for v in
            app.policy_versions()] == [
        (POLICY_VERSION, date(2024, 12, 1), None, date(2025, 12, 31)),
        (VERSION_7, date(2026, 2, 9), IN_FORCE_FROM, date(2026, 12, 31)),
    ]  # fmt: skip


def test_a_version_recorded_with_no_numbers_keeps_those_in_force() -> None:
    app = AlternativeProvision.in_memory(
        policy=PolicyParameters(full_time_hours=Decimal("30")), clock=lambda: _noon(TODAY)
    )
    record_version_7(app, parameters=None)

    assert app.policy_in_force().parameters == PolicyParameters(
        version=VERSION_7, full_time_hours=Decimal("30")
    )


def test_the_applications_own_policy_is_in_force_when_none_is_recorded() -> None:
    own = PolicyParameters(version="our policy, version 2", full_time_hours=Decimal("30"))
    app = AlternativeProvision.in_memory(policy=own, clock=lambda: _noon(TODAY))

    assert (app.policy_in_force().parameters, app.policy_in_force().review_due_on) == (own, None)


def test_a_retried_policy_version_is_recorded_once(app: AlternativeProvision) -> None:
    record_version_7(app, idempotency_key="policy-7")
    record_version_7(app, idempotency_key="policy-7")

    assert len(app.events_of(POLICY_RECORD_ID, reader=FULL_ACCESS)) == 1


def test_a_policy_version_on_an_out_of_date_view_is_refused_and_nothing_recorded(
    app: AlternativeProvision,
) -> None:
    record_version_7(app)
    before = stored_notifications(app)

    with pytest.raises(ConcurrentChangeError):
        app.record_policy_version(
            "section 7, version 8", ratified_on=TODAY, review_due_on=date(2027, 3, 1),
            actor=HEAD, expected_version=0,
        )  # fmt: skip

    assert stored_notifications(app) == before


def test_a_policy_version_on_the_current_view_is_recorded(app: AlternativeProvision) -> None:
    record_version_7(app, expected_version=0)

    assert app.policy_in_force().name == VERSION_7


def test_school_staff_may_not_record_a_policy_version_and_nothing_is_recorded(
    app: AlternativeProvision,
) -> None:
    with pytest.raises(NotAuthorisedError) as refused:
        app.record_policy_version(
            VERSION_7, ratified_on=TODAY, review_due_on=date(2027, 3, 1), actor=STAFF
        )

    assert (refused.value.rule_id, stored_notifications(app)) == ("POL-1", [])


def test_parameters_named_for_another_version_are_refused(app: AlternativeProvision) -> None:
    with pytest.raises(InvalidInputError) as refused:
        record_version_7(app, parameters=PolicyParameters(version="section 7, version 8"))

    assert (refused.value.field, stored_notifications(app)) == ("parameters", [])


def test_a_version_name_that_is_not_text_is_refused(app: AlternativeProvision) -> None:
    with pytest.raises(InvalidInputError) as refused:
        app.record_policy_version(
            7,  # type: ignore[arg-type]
            ratified_on=TODAY, review_due_on=date(2027, 3, 1), actor=HEAD,
        )  # fmt: skip

    assert refused.value.field == "version"


def test_a_policy_version_command_runs_through_execute(app: AlternativeProvision) -> None:
    command = RecordPolicyVersion(
        actor=HEAD,
        effective_on=TODAY,
        parameters=PolicyParameters(version=VERSION_7),
        ratified_on=TODAY,
        review_due_on=date(2027, 3, 1),
    )

    assert app.execute(command).id == POLICY_RECORD_ID


# --------------------------------------------------------------------------- later events


def test_a_decision_after_the_new_version_carries_its_name(app: AlternativeProvision) -> None:
    record_version_7(app)

    scene = open_outside_placement(app, on=IN_FORCE_FROM)

    assert app.events_of(scene.placement.id, reader=FULL_ACCESS)[0].policy_version == VERSION_7


def test_a_decision_back_dated_before_the_new_version_carries_the_old_name(
    app: AlternativeProvision,
) -> None:
    record_version_7(app)

    scene = open_outside_placement(app, on=OPENED_ON)

    assert app.events_of(scene.placement.id, reader=FULL_ACCESS)[0].policy_version == POLICY_VERSION


def test_a_version_recorded_by_another_instance_is_in_force_at_once(store: Store) -> None:
    first, second = store.open(), store.open()
    first.policy_in_force()  # the first instance has read the policy before
    record_version_7(second)

    scene = open_outside_placement(first, on=IN_FORCE_FROM)

    assert first.events_of(scene.placement.id, reader=FULL_ACCESS)[0].policy_version == VERSION_7


def test_the_recording_of_a_version_carries_the_version_in_force_before_it(
    app: AlternativeProvision,
) -> None:
    record_version_7(app)

    assert app.events_of(POLICY_RECORD_ID, reader=FULL_ACCESS)[0].policy_version == POLICY_VERSION


def test_a_plan_is_checked_against_the_numbers_of_the_version_in_force_on_its_day(
    app: AlternativeProvision,
) -> None:
    record_version_7(app)
    provider = ready_provider(app, on=OPENED_ON)
    placement = open_outside_placement(app, on=OPENED_ON, provider=provider).placement
    plan = full_time_plan(provider.id, hours_a_day="5")  # 25 hours a week

    agreed = app.agree_plan(placement.id, plan, actor=HEAD, on=IN_FORCE_FROM)

    assert agreed.plan == plan


def test_a_plan_dated_before_the_version_came_into_force_is_checked_against_the_old_one(
    app: AlternativeProvision,
) -> None:
    record_version_7(app)
    provider = ready_provider(app, on=OPENED_ON)
    placement = open_outside_placement(app, on=OPENED_ON, provider=provider).placement
    plan = full_time_plan(provider.id, hours_a_day="5")

    with pytest.raises(PolicyViolationError) as refused:
        app.agree_plan(placement.id, plan, actor=HEAD, on=OPENED_ON)

    assert refused.value.rule_id == "PLAN-2"


def test_a_seal_carries_the_version_in_force(app: AlternativeProvision) -> None:
    record_version_7(app)
    app.seal(actor=HEAD)

    (seal,) = [e for e in _all_events(app) if isinstance(e, LogSealed)]
    assert seal.policy_version == VERSION_7


def _all_events(app: AlternativeProvision) -> list[Event]:
    return [app.mapper.to_domain_event(n) for n in stored_notifications(app)]  # type: ignore[misc]


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)
