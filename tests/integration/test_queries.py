"""Reading the record: who may read, the history, and the placement as at a version or a day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from senad_ap import (
    POLICY_VERSION,
    AlternativeProvision,
    AttendanceRecorded,
    ConsentGiven,
    ConsentParty,
    InvalidInputError,
    NeedsAssessed,
    NotAuthorisedError,
    NotFoundError,
    PlacementOpened,
    PlacementStarted,
    PlacementState,
    PlanAgreed,
    ProviderKind,
    Reason,
    Session,
    Setting,
)
from senad_ap.domain.placement import Consent
from tests.integration.conftest import Store
from tests.integration.scenario import (
    HEAD,
    INSPECTOR,
    NOW,
    OPENED_ON,
    OTHER_HEAD,
    OTHER_SCHOOL_STAFF,
    STAFF,
    TODAY,
    Clock,
    Scene,
    full_time_plan,
    open_outside_placement,
    provider_staff,
    ready_provider,
    school_days,
    start_outside_placement,
)

Query = Callable[[AlternativeProvision, Any, Any], Any]

QUERIES: list[Any] = [
    pytest.param(lambda app, i, reader: app.get_placement(i, reader=reader), id="get_placement"),
    pytest.param(
        lambda app, i, reader: app.placement_history(i, reader=reader), id="placement_history"
    ),
    pytest.param(
        lambda app, i, reader: app.placement_as_at(i, reader=reader, version=1),
        id="placement_as_at_version",
    ),
    pytest.param(
        lambda app, i, reader: app.placement_as_at(i, reader=reader, known_on=TODAY),
        id="placement_as_at_known_on",
    ),
]


@pytest.fixture
def scene(app: AlternativeProvision) -> Scene:
    return start_outside_placement(app)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("reader", [OTHER_SCHOOL_STAFF, OTHER_HEAD], ids=["staff", "head"])
def test_another_schools_reader_is_refused(
    app: AlternativeProvision, scene: Scene, query: Query, reader: Any
) -> None:
    with pytest.raises(NotAuthorisedError) as refused:
        query(app, scene.placement.id, reader)

    assert refused.value.actor_id == reader.id


@pytest.mark.parametrize("query", QUERIES)
def test_inspector_without_a_grant_is_refused(
    app: AlternativeProvision, scene: Scene, query: Query
) -> None:
    with pytest.raises(NotAuthorisedError):
        query(app, scene.placement.id, INSPECTOR)


@pytest.mark.parametrize("query", QUERIES)
def test_inspector_with_a_grant_may_read(
    app: AlternativeProvision, scene: Scene, query: Query
) -> None:
    app.grant_inspector_access(INSPECTOR.id, until=TODAY + timedelta(days=30), actor=HEAD)

    assert query(app, scene.placement.id, INSPECTOR) == query(app, scene.placement.id, HEAD)


def test_inspector_may_read_on_the_last_day_of_the_grant(
    app: AlternativeProvision, scene: Scene, clock: Clock
) -> None:
    app.grant_inspector_access(INSPECTOR.id, until=TODAY + timedelta(days=30), actor=HEAD)
    clock.advance(days=30)

    assert app.get_placement(scene.placement.id, reader=INSPECTOR).id == scene.placement.id


def test_inspector_is_refused_after_the_grant_ended(
    app: AlternativeProvision, scene: Scene, clock: Clock
) -> None:
    app.grant_inspector_access(INSPECTOR.id, until=TODAY + timedelta(days=30), actor=HEAD)
    clock.advance(days=31)

    with pytest.raises(NotAuthorisedError):
        app.get_placement(scene.placement.id, reader=INSPECTOR)


def test_inspector_is_refused_after_the_grant_is_revoked(
    app: AlternativeProvision, scene: Scene
) -> None:
    app.grant_inspector_access(INSPECTOR.id, until=TODAY + timedelta(days=30), actor=HEAD)
    app.revoke_inspector_access(INSPECTOR.id, actor=HEAD)

    with pytest.raises(NotAuthorisedError):
        app.get_placement(scene.placement.id, reader=INSPECTOR)


def test_inspector_granted_by_another_school_is_refused(
    app: AlternativeProvision, scene: Scene
) -> None:
    app.grant_inspector_access(INSPECTOR.id, until=TODAY + timedelta(days=30), actor=OTHER_HEAD)

    with pytest.raises(NotAuthorisedError):
        app.get_placement(scene.placement.id, reader=INSPECTOR)


def test_provider_staff_may_read_a_placement_at_their_provider(
    app: AlternativeProvision, scene: Scene
) -> None:
    reader = provider_staff(scene.provider.id)

    assert app.get_placement(scene.placement.id, reader=reader) == scene.placement


def test_provider_staff_of_another_provider_are_refused(
    app: AlternativeProvision, scene: Scene
) -> None:
    elsewhere = ready_provider(app, name="Farm School", kind=ProviderKind.REGISTERED_INDEPENDENT)

    with pytest.raises(NotAuthorisedError):
        app.get_placement(scene.placement.id, reader=provider_staff(elsewhere.id))


def test_reader_that_is_not_an_actor_raises_invalid_input(
    app: AlternativeProvision, scene: Scene
) -> None:
    with pytest.raises(InvalidInputError):
        app.get_placement(scene.placement.id, reader="head-712E")  # type: ignore[arg-type]


def test_placement_history_returns_every_event_in_order(
    app: AlternativeProvision, scene: Scene
) -> None:
    app.record_attendance(scene.placement.id, session=Session.AM, code="/", actor=STAFF)

    history = app.placement_history(scene.placement.id, reader=HEAD)

    kinds = [(event.originator_version, type(event)) for event in history]
    assert kinds == list(
        enumerate(
            [
                PlacementOpened,
                NeedsAssessed,
                PlanAgreed,
                ConsentGiven,
                ConsentGiven,
                PlacementStarted,
                AttendanceRecorded,
            ],
            start=1,
        )
    )


def test_placement_history_events_carry_who_when_and_the_policy_version(
    app: AlternativeProvision, scene: Scene
) -> None:
    app.record_attendance(scene.placement.id, session=Session.AM, code="/", actor=STAFF)

    history = app.placement_history(scene.placement.id, reader=HEAD)

    facts = [(e.actor, e.effective_on, e.timestamp, e.policy_version) for e in history]
    assert facts == [
        (STAFF, OPENED_ON, NOW, POLICY_VERSION),
        (STAFF, OPENED_ON, NOW, POLICY_VERSION),
        (HEAD, OPENED_ON, NOW, POLICY_VERSION),
        (STAFF, OPENED_ON, NOW, POLICY_VERSION),
        (STAFF, OPENED_ON, NOW, POLICY_VERSION),
        (HEAD, OPENED_ON, NOW, POLICY_VERSION),
        (STAFF, TODAY, NOW, POLICY_VERSION),
    ]


def test_placement_history_is_the_same_from_another_instance(store: Store) -> None:
    scene = start_outside_placement(store.open())

    first = store.open().placement_history(scene.placement.id, reader=HEAD)

    assert store.open().placement_history(scene.placement.id, reader=HEAD) == first


def _record_a_week(app: AlternativeProvision) -> list[PlacementState]:
    """Open, plan, start and mark a placement: every command's result, in order."""
    provider = ready_provider(app)
    opened = app.open_placement(
        student_reference="STU-0042",
        reason=Reason.ANXIETY,
        setting=Setting.OUTSIDE_PROVIDER,
        provider_id=provider.id,
        location="College",
        residential=False,
        actor=STAFF,
        on=OPENED_ON,
    )
    placement_id = opened.id
    results = [
        opened,
        app.agree_plan(placement_id, full_time_plan(provider.id), actor=HEAD, on=OPENED_ON),
    ]
    for party in ConsentParty:
        results.append(
            app.give_consent(
                placement_id,
                party=party,
                given_by=party.value,
                evidence_reference="form",
                actor=STAFF,
                on=OPENED_ON,
            )
        )
    results.append(app.start_placement(placement_id, actor=HEAD, on=OPENED_ON))
    for day in school_days(OPENED_ON, OPENED_ON + timedelta(days=4)):
        results.append(
            app.record_attendance(placement_id, session=Session.AM, code="/", actor=STAFF, on=day)
        )
    return results


def test_placement_as_at_version_n_is_the_state_the_nth_command_returned(
    app: AlternativeProvision,
) -> None:
    results = _record_a_week(app)
    placement_id = results[0].id

    as_at = [
        app.placement_as_at(placement_id, reader=HEAD, version=n)
        for n in range(1, len(results) + 1)
    ]

    assert as_at == results


def test_placement_as_at_version_is_the_same_from_another_instance(store: Store) -> None:
    results = _record_a_week(store.open())

    as_at = store.open().placement_as_at(results[0].id, reader=HEAD, version=4)

    assert as_at == results[3]


def test_placement_as_at_known_on_shows_what_was_recorded_by_the_end_of_that_day(
    app: AlternativeProvision, clock: Clock
) -> None:
    scene = start_outside_placement(app)  # recorded on Monday 2 March
    monday = app.record_attendance(
        scene.placement.id, session=Session.AM, code="/", actor=STAFF, on=TODAY
    )
    clock.advance(days=1)  # Tuesday: a late mark for Monday afternoon, and Tuesday's
    app.record_attendance(scene.placement.id, session=Session.PM, code="N", actor=STAFF, on=TODAY)
    app.record_attendance(scene.placement.id, session=Session.AM, code="/", actor=STAFF)

    as_at = app.placement_as_at(scene.placement.id, reader=HEAD, known_on=TODAY)

    assert as_at == monday


def test_placement_as_at_known_on_the_later_day_shows_everything_recorded_by_then(
    app: AlternativeProvision, clock: Clock
) -> None:
    scene = start_outside_placement(app)
    clock.advance(days=1)
    tuesday = app.record_attendance(
        scene.placement.id, session=Session.PM, code="N", actor=STAFF, on=TODAY
    )
    clock.advance(days=1)
    app.record_attendance(scene.placement.id, session=Session.AM, code="/", actor=STAFF)

    as_at = app.placement_as_at(scene.placement.id, reader=HEAD, known_on=TODAY + timedelta(days=1))

    assert as_at == tuesday


def test_placement_as_at_known_on_a_moment_excludes_what_was_recorded_after_it(
    app: AlternativeProvision, clock: Clock
) -> None:
    scene = start_outside_placement(app)
    clock.advance(hours=2)
    app.record_attendance(scene.placement.id, session=Session.AM, code="/", actor=STAFF)

    as_at = app.placement_as_at(scene.placement.id, reader=HEAD, known_on=NOW + timedelta(hours=1))

    assert as_at == scene.placement


def test_placement_as_at_known_on_before_it_was_recorded_raises_not_found(
    app: AlternativeProvision, scene: Scene
) -> None:
    with pytest.raises(NotFoundError):
        app.placement_as_at(scene.placement.id, reader=HEAD, known_on=TODAY - timedelta(days=1))


@pytest.mark.parametrize(
    "when",
    [
        pytest.param({}, id="neither"),
        pytest.param({"version": 1, "known_on": TODAY}, id="both"),
    ],
)
def test_placement_as_at_needs_exactly_one_of_version_and_known_on(
    app: AlternativeProvision, scene: Scene, when: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInputError):
        app.placement_as_at(scene.placement.id, reader=HEAD, **when)


@pytest.mark.parametrize("version", [0, -1, True, "3", 2.0])
def test_placement_as_at_version_that_is_not_a_whole_number_from_1_raises_invalid_input(
    app: AlternativeProvision, scene: Scene, version: Any
) -> None:
    with pytest.raises(InvalidInputError):
        app.placement_as_at(scene.placement.id, reader=HEAD, version=version)


def test_placement_as_at_known_on_that_is_not_a_date_raises_invalid_input(
    app: AlternativeProvision, scene: Scene
) -> None:
    with pytest.raises(InvalidInputError):
        app.placement_as_at(scene.placement.id, reader=HEAD, known_on="2026-03-02")  # type: ignore[arg-type]


def test_naive_known_on_is_read_as_utc(app: AlternativeProvision, clock: Clock) -> None:
    scene = start_outside_placement(app)
    clock.advance(hours=2)
    app.record_attendance(scene.placement.id, session=Session.AM, code="/", actor=STAFF)

    naive = (NOW + timedelta(hours=1)).replace(tzinfo=None)

    assert app.placement_as_at(scene.placement.id, reader=HEAD, known_on=naive) == scene.placement


def test_changing_a_returned_state_does_not_change_the_record(
    app: AlternativeProvision,
) -> None:
    placement_id = open_outside_placement(app).placement.id
    app.get_placement(placement_id, reader=HEAD)
    returned = app.get_placement(placement_id, reader=HEAD)

    with pytest.raises(TypeError):
        returned.consents[ConsentParty.PARENTS] = Consent(True, OPENED_ON)  # type: ignore[index]

    assert app.get_placement(placement_id, reader=HEAD).consents == {}
