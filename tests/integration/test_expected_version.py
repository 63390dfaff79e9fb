"""``expected_version``: a decision taken on a view of the record loaded earlier (a school
system's screen opened an hour ago) is refused with ``ConcurrentChangeError`` when the record
has moved on since, and nothing is written; on every store."""

from __future__ import annotations

from datetime import date

import pytest

from senad_ap import (
    AlternativeProvision,
    ConcurrentChangeError,
    ConsentParty,
    InvalidInputError,
    RegisterMark,
    RegisterRefusedError,
    RiskOutcome,
    Session,
)
from tests.integration.scenario import (
    HEAD,
    OPENED_ON,
    STAFF,
    TODAY,
    open_outside_placement,
    ready_provider,
    start_outside_placement,
    stored_notifications,
)


def test_a_command_at_the_expected_version_is_recorded(app: AlternativeProvision) -> None:
    scene = open_outside_placement(app)
    loaded = scene.placement.version

    after = app.give_consent(
        scene.placement.id, party=ConsentParty.PARENTS, given_by="Mr Example",
        evidence_reference="form", actor=STAFF, on=OPENED_ON, expected_version=loaded,
    )  # fmt: skip

    assert after.version == loaded + 1


def test_a_command_on_a_record_that_moved_on_is_refused(app: AlternativeProvision) -> None:
    scene = open_outside_placement(app)
    loaded = scene.placement.version
    app.give_consent(
        scene.placement.id, party=ConsentParty.PARENTS, given_by="Mr Example",
        evidence_reference="form", actor=STAFF, on=OPENED_ON,
    )  # fmt: skip

    with pytest.raises(ConcurrentChangeError, match=str(scene.placement.id)):
        app.give_consent(
            scene.placement.id, party=ConsentParty.PLACING_AUTHORITY, given_by="LA officer",
            evidence_reference="email", actor=STAFF, on=OPENED_ON, expected_version=loaded,
        )  # fmt: skip


def test_a_refused_out_of_date_command_writes_nothing(app: AlternativeProvision) -> None:
    scene = open_outside_placement(app)
    app.give_consent(
        scene.placement.id, party=ConsentParty.PARENTS, given_by="Mr Example",
        evidence_reference="form", actor=STAFF, on=OPENED_ON,
    )  # fmt: skip
    before = stored_notifications(app)

    with pytest.raises(ConcurrentChangeError):
        app.give_consent(
            scene.placement.id, party=ConsentParty.PLACING_AUTHORITY, given_by="LA officer",
            evidence_reference="email", actor=STAFF, on=OPENED_ON,
            expected_version=scene.placement.version,
        )  # fmt: skip

    assert stored_notifications(app) == before


def test_a_retry_with_its_key_replays_even_though_the_version_moved(
    app: AlternativeProvision,
) -> None:
    scene = open_outside_placement(app)
    loaded = scene.placement.version

    def decide() -> object:
        return app.give_consent(
            scene.placement.id, party=ConsentParty.PARENTS, given_by="Mr Example",
            evidence_reference="form", actor=STAFF, on=OPENED_ON, idempotency_key="consent-1",
            expected_version=loaded,
        )  # fmt: skip

    first = decide()
    again = decide()

    assert again == first


def test_a_provider_command_on_a_provider_that_moved_on_is_refused(
    app: AlternativeProvision,
) -> None:
    provider = ready_provider(app)

    with pytest.raises(ConcurrentChangeError, match=str(provider.id)):
        app.assess_provider_risk(
            provider.id, outcome=RiskOutcome.SATISFACTORY, safeguarding_policies_seen=True,
            staff_checks_confirmed_in_writing=True, valid_until=date(2027, 1, 31),
            actor=HEAD, on=OPENED_ON, expected_version=provider.version - 1,
        )  # fmt: skip


def test_a_school_command_on_a_school_that_moved_on_is_refused(
    app: AlternativeProvision,
) -> None:
    school = app.appoint_delegate("deputy-712E", actor=HEAD, on=OPENED_ON)

    with pytest.raises(ConcurrentChangeError):
        app.revoke_delegation(
            "deputy-712E", actor=HEAD, on=OPENED_ON, expected_version=school.version - 1
        )


def test_a_new_record_is_expected_at_version_0(app: AlternativeProvision) -> None:
    school = app.appoint_delegate("deputy-712E", actor=HEAD, on=OPENED_ON, expected_version=0)

    assert school.version == 1


def test_an_expected_version_that_is_not_a_number_is_invalid_input(
    app: AlternativeProvision,
) -> None:
    scene = open_outside_placement(app)

    with pytest.raises(InvalidInputError) as refused:
        app.start_placement(scene.placement.id, actor=HEAD, expected_version="3")  # type: ignore[arg-type]

    assert refused.value.field == "expected_version"


def test_a_register_mark_on_a_placement_that_moved_on_is_refused(
    app: AlternativeProvision,
) -> None:
    scene = start_outside_placement(app)
    loaded = scene.placement.version
    app.record_attendance(scene.placement.id, session=Session.AM, code="/", actor=STAFF, on=TODAY)

    with pytest.raises(RegisterRefusedError) as refused:
        app.record_register(
            [RegisterMark(scene.placement.id, "PM", "\\", expected_version=loaded)],
            on=TODAY, actor=STAFF,
        )  # fmt: skip

    assert [(n, type(e)) for n, e in refused.value.refusals] == [(1, ConcurrentChangeError)]


def test_register_marks_for_one_placement_share_the_version_the_register_loaded(
    app: AlternativeProvision,
) -> None:
    scene = start_outside_placement(app)
    loaded = scene.placement.version

    states = app.record_register(
        [
            RegisterMark(scene.placement.id, "AM", "/", expected_version=loaded),
            RegisterMark(scene.placement.id, "PM", "\\", expected_version=loaded),
        ],
        on=TODAY, actor=STAFF,
    )  # fmt: skip

    assert states[scene.placement.id].version == loaded + 2


def test_an_expected_version_ahead_of_the_record_is_refused_as_never_recorded(
    app: AlternativeProvision,
) -> None:
    scene = open_outside_placement(app)

    with pytest.raises(ConcurrentChangeError, match="never had version 9"):
        app.start_placement(scene.placement.id, actor=HEAD, expected_version=9)
