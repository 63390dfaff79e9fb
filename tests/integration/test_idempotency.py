"""Retries with an idempotency key record nothing more and return what the first call did."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from senad_ap import (
    AlternativeProvision,
    ConsentParty,
    IdempotencyConflictError,
    PlacementState,
    PolicyViolationError,
    ProviderKind,
    Reason,
    Session,
    Setting,
)
from tests.integration.conftest import Store
from tests.integration.scenario import (
    DELEGATE,
    HEAD,
    OPENED_ON,
    OTHER_SCHOOL_STAFF,
    STAFF,
    Clock,
    Scene,
    full_time_plan,
    notification_count,
    open_outside_placement,
    plan_outside_placement,
    start_outside_placement,
    stored_notifications,
)

KEY = "request-0001"
Retried = Callable[[AlternativeProvision, Scene], Any]

#: Commands sent twice with the same key; each runs on a started placement.
RETRIED: list[Any] = [
    pytest.param(
        lambda app, s: app.record_attendance(
            s.placement.id,
            session=Session.AM,
            code="/",
            actor=STAFF,
            on=OPENED_ON,
            idempotency_key=KEY,
        ),
        id="record_attendance",
    ),
    pytest.param(
        lambda app, s: app.withdraw_consent(
            s.placement.id,
            party=ConsentParty.PARENTS,
            reason="Moved away.",
            actor=STAFF,
            on=OPENED_ON,
            idempotency_key=KEY,
        ),
        id="withdraw_consent",
    ),
    pytest.param(
        lambda app, s: app.revise_plan(
            s.placement.id,
            full_time_plan(s.provider.id, hours_a_day="7"),
            reason="Longer day.",
            actor=HEAD,
            on=OPENED_ON,
            idempotency_key=KEY,
        ),
        id="revise_plan",
    ),
    pytest.param(
        lambda app, s: app.confirm_provider_registration(
            s.provider.id,
            urn="130457",
            evidence_reference="GIAS recheck",
            actor=HEAD,
            on=OPENED_ON,
            idempotency_key=KEY,
        ),
        id="confirm_provider_registration",
    ),
    pytest.param(
        lambda app, s: app.appoint_delegate(
            DELEGATE.id, actor=HEAD, on=OPENED_ON, idempotency_key=KEY
        ),
        id="appoint_delegate",
    ),
]


def _open(app: AlternativeProvision, key: str = KEY, location: str = "The Annexe") -> Any:
    return app.open_placement(
        student_reference="STU-0042",
        reason=Reason.BEHAVIOUR,
        setting=Setting.ON_SITE,
        location=location,
        residential=False,
        actor=STAFF,
        on=OPENED_ON,
        idempotency_key=key,
    )


def _register(app: AlternativeProvision, name: str = "Farm School") -> Any:
    return app.register_provider(
        name=name,
        kind=ProviderKind.REGISTERED_INDEPENDENT,
        delivers_accredited_education=False,
        actor=HEAD,
        on=OPENED_ON,
        idempotency_key=KEY,
    )


@pytest.mark.parametrize("command", RETRIED)
def test_same_command_with_same_key_records_one_event(
    app: AlternativeProvision, command: Retried
) -> None:
    scene = start_outside_placement(app)
    before = notification_count(app)

    command(app, scene)
    command(app, scene)

    assert notification_count(app) == before + 1


@pytest.mark.parametrize("command", RETRIED)
def test_same_command_with_same_key_returns_the_first_result(
    app: AlternativeProvision, command: Retried
) -> None:
    scene = start_outside_placement(app)
    first = command(app, scene)

    assert command(app, scene) == first


@pytest.mark.parametrize("command", RETRIED)
def test_same_command_with_same_key_after_a_restart_returns_the_first_result(
    store: Store, command: Retried
) -> None:
    scene = start_outside_placement(store.open())
    first = command(store.open(), scene)

    assert command(store.open(), scene) == first


def test_same_key_for_a_different_command_raises_idempotency_conflict(
    app: AlternativeProvision,
) -> None:
    placement_id = start_outside_placement(app).placement.id
    app.record_attendance(
        placement_id,
        session=Session.AM,
        code="/",
        actor=STAFF,
        on=OPENED_ON,
        idempotency_key=KEY,
    )

    with pytest.raises(IdempotencyConflictError) as refused:
        app.record_attendance(
            placement_id,
            session=Session.PM,
            code="\\",
            actor=STAFF,
            on=OPENED_ON,
            idempotency_key=KEY,
        )

    assert refused.value.field == "idempotency_key"


def test_same_key_for_a_different_command_writes_nothing(app: AlternativeProvision) -> None:
    placement_id = start_outside_placement(app).placement.id
    app.record_attendance(
        placement_id,
        session=Session.AM,
        code="/",
        actor=STAFF,
        on=OPENED_ON,
        idempotency_key=KEY,
    )
    before = stored_notifications(app)

    with pytest.raises(IdempotencyConflictError):
        app.record_attendance(
            placement_id,
            session=Session.AM,
            code="L",
            actor=STAFF,
            on=OPENED_ON,
            idempotency_key=KEY,
        )

    assert stored_notifications(app) == before


def test_open_placement_retried_with_same_key_returns_the_same_id(
    app: AlternativeProvision,
) -> None:
    first = _open(app)

    assert _open(app).id == first.id


def test_open_placement_retried_with_same_key_records_one_placement(
    app: AlternativeProvision,
) -> None:
    _open(app)
    _open(app)

    # The placement's PlacementOpened, and the student's record with its one placement.
    assert notification_count(app) == 3


def test_open_placement_same_key_different_details_raises_idempotency_conflict(
    app: AlternativeProvision,
) -> None:
    _open(app)

    with pytest.raises(IdempotencyConflictError):
        _open(app, location="The Old Library")


def test_open_placement_same_key_in_another_school_opens_another_placement(
    app: AlternativeProvision,
) -> None:
    ours = _open(app)
    theirs = app.open_placement(
        student_reference="STU-0042",
        reason=Reason.BEHAVIOUR,
        setting=Setting.ON_SITE,
        location="The Annexe",
        residential=False,
        actor=OTHER_SCHOOL_STAFF,
        on=OPENED_ON,
        idempotency_key=KEY,
    )

    assert (theirs.id != ours.id, theirs.school_id) == (True, OTHER_SCHOOL_STAFF.school_id)


def test_register_provider_retried_with_same_key_returns_the_same_id(
    app: AlternativeProvision,
) -> None:
    first = _register(app)

    assert _register(app).id == first.id


def test_register_provider_retried_with_same_key_records_one_provider(
    app: AlternativeProvision,
) -> None:
    _register(app)
    _register(app)

    assert notification_count(app) == 1


def test_key_replayed_after_later_events_returns_the_state_at_the_first_result(
    app: AlternativeProvision,
) -> None:
    placement_id = start_outside_placement(app).placement.id

    def mark_am() -> PlacementState:
        return app.record_attendance(
            placement_id,
            session=Session.AM,
            code="/",
            actor=STAFF,
            on=OPENED_ON,
            idempotency_key=KEY,
        )

    first = mark_am()
    app.record_attendance(placement_id, session=Session.PM, code="\\", actor=STAFF, on=OPENED_ON)

    assert mark_am() == first


def test_key_of_a_refused_command_can_be_used_for_the_corrected_command(
    app: AlternativeProvision,
) -> None:
    scene = plan_outside_placement(app)
    part_time = full_time_plan(scene.provider.id, hours_a_day="3")
    with pytest.raises(PolicyViolationError):
        app.revise_plan(
            scene.placement.id,
            part_time,
            reason="Shorter day.",
            actor=HEAD,
            on=OPENED_ON,
            idempotency_key=KEY,
        )

    result = app.revise_plan(
        scene.placement.id,
        full_time_plan(scene.provider.id, hours_a_day="7"),
        reason="Longer day.",
        actor=HEAD,
        on=OPENED_ON,
        idempotency_key=KEY,
    )

    assert result.plan_revised_on == OPENED_ON


def parents_consent(
    app: AlternativeProvision, placement_id: UUID, on: date | None = None
) -> PlacementState:
    """The parents' consent, sent with the test's idempotency key (dated today unless ``on``)."""
    return app.give_consent(
        placement_id,
        party=ConsentParty.PARENTS,
        given_by="Mrs Parent",
        evidence_reference="signed form",
        actor=STAFF,
        on=on,
        idempotency_key=KEY,
    )


def test_retry_after_midnight_of_a_command_without_a_date_returns_the_first_result(
    app: AlternativeProvision, clock: Clock
) -> None:
    placement_id = open_outside_placement(app).placement.id
    clock.now = clock.now.replace(hour=23, minute=59)

    def consent() -> PlacementState:
        return parents_consent(app, placement_id)

    first = consent()
    clock.advance(hours=1)

    assert consent() == first


def test_retry_later_the_same_day_of_a_command_without_a_date_returns_the_first_result(
    app: AlternativeProvision, clock: Clock
) -> None:
    placement_id = open_outside_placement(app).placement.id

    def consent() -> PlacementState:
        return parents_consent(app, placement_id)

    first = consent()
    clock.advance(hours=3)

    assert consent() == first


def test_retry_with_same_key_and_explicit_date_on_a_later_day_returns_the_first_result(
    app: AlternativeProvision, clock: Clock
) -> None:
    placement_id = open_outside_placement(app).placement.id

    def consent() -> PlacementState:
        return parents_consent(app, placement_id, on=OPENED_ON)

    first = consent()
    clock.advance(days=1)

    assert consent() == first
