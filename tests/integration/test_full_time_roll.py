"""STAT-4 on a real store: the fifth full-time pupil at an unregistered setting is refused."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import attrs
import pytest

from senad_ap import (
    AlternativeProvision,
    ConsentParty,
    Destination,
    PolicyViolationError,
    ProviderKind,
    ProviderState,
    Reason,
    RiskOutcome,
    Setting,
)
from senad_ap.domain.provider import FullTimePupilAdmitted, FullTimePupilLeft
from tests.integration.scenario import (
    HEAD,
    OPENED_ON,
    STAFF,
    full_time_plan,
    stored_notifications,
)


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


def planned_there(app: AlternativeProvision, provider: ProviderState, number: int) -> UUID:
    placement = app.open_placement(
        student_reference=f"STU-{number:04d}", reason=Reason.BEHAVIOUR,
        setting=Setting.OUTSIDE_PROVIDER, provider_id=provider.id, location="Hilltop Farm",
        residential=False, actor=STAFF, on=OPENED_ON,
    )  # fmt: skip
    # No EHC plan on the plan: STAT-4 would refuse one full-time pupil with it.
    plan = attrs.evolve(full_time_plan(provider.id), ehcp_reference=None)
    app.agree_plan(placement.id, plan, actor=HEAD, on=OPENED_ON)
    for party in ConsentParty:
        app.give_consent(placement.id, party=party, given_by=party.value,
                         evidence_reference="form", actor=STAFF, on=OPENED_ON)  # fmt: skip
    return placement.id


def test_stat_4_refuses_the_fifth_full_time_pupil_and_records_nothing(
    app: AlternativeProvision,
) -> None:
    provider = unregistered_setting(app)
    placements = [planned_there(app, provider, n) for n in range(5)]
    for placement_id in placements[:4]:
        app.start_placement(placement_id, actor=HEAD, on=OPENED_ON)
    before = stored_notifications(app)

    with pytest.raises(PolicyViolationError) as refused:
        app.start_placement(placements[4], actor=HEAD, on=OPENED_ON)

    assert (refused.value.rule_id, stored_notifications(app)) == ("STAT-4", before)


def test_stat_4_roll_is_recorded_on_the_provider_with_each_start(
    app: AlternativeProvision,
) -> None:
    provider = unregistered_setting(app)
    placements = [planned_there(app, provider, n) for n in range(2)]
    for placement_id in placements:
        app.start_placement(placement_id, actor=HEAD, on=OPENED_ON)

    admitted = [
        e.placement_id
        for e in app.provider_history(provider.id, reader=HEAD)
        if isinstance(e, FullTimePupilAdmitted)
    ]
    assert (admitted, app.get_provider(provider.id, reader=HEAD).full_time_pupils) == (
        placements,
        frozenset(placements),
    )


def test_stat_4_allows_a_new_full_time_pupil_once_another_has_left(
    app: AlternativeProvision,
) -> None:
    provider = unregistered_setting(app)
    placements = [planned_there(app, provider, n) for n in range(5)]
    for placement_id in placements[:4]:
        app.start_placement(placement_id, actor=HEAD, on=OPENED_ON)
    app.end_placement(placements[0], destination=Destination.SEN_SCHOOL, actor=HEAD,
                      on=OPENED_ON + timedelta(days=1))  # fmt: skip

    app.start_placement(placements[4], actor=HEAD, on=OPENED_ON + timedelta(days=1))

    left = [
        e
        for e in app.provider_history(provider.id, reader=HEAD)
        if isinstance(e, FullTimePupilLeft)
    ]
    assert (len(left), len(app.get_provider(provider.id, reader=HEAD).full_time_pupils)) == (1, 4)


def test_stat_4_roll_change_made_by_a_decision_with_a_note_is_recorded(
    app: AlternativeProvision,
) -> None:
    # The provider's event is stamped from the placement's command, whose personal values are
    # sealed by then (longer than a note may be): it must be copied, never re-validated.
    provider = unregistered_setting(app)
    (placement_id,) = [planned_there(app, provider, 0)]
    app.start_placement(placement_id, actor=HEAD, on=OPENED_ON)

    app.end_placement(
        placement_id, destination=Destination.SEN_SCHOOL, note="x" * 2000, actor=HEAD,
        on=OPENED_ON + timedelta(days=1), idempotency_key="end-0",
    )  # fmt: skip

    left = [e.placement_id for e in app.provider_history(provider.id, reader=HEAD)
            if isinstance(e, FullTimePupilLeft)]  # fmt: skip
    assert left == [placement_id]
