"""Every read is checked against its reader (issue 14): the school record, the provider record
and its history (the full-time roll cut to the reader's placements), and who may record a
seal. Each check has a refused and an allowed test."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import attrs
import pytest

from senad_ap import (
    Actor,
    AlternativeProvision,
    ConsentParty,
    NotAuthorisedError,
    ProviderKind,
    ProviderState,
    Reason,
    RiskOutcome,
    Role,
    Setting,
)
from senad_ap.domain.provider import FullTimePupilAdmitted
from tests.integration.scenario import (
    HEAD,
    INSPECTOR,
    OPENED_ON,
    OTHER_HEAD,
    OTHER_SCHOOL_STAFF,
    SCHOOL,
    STAFF,
    TODAY,
    full_time_plan,
    provider_staff,
    ready_provider,
    stored_notifications,
)

GRANT = TODAY + timedelta(days=30)


# ----------------------------------------------------------------- get_school
def test_school_staff_may_read_their_schools_record(app: AlternativeProvision) -> None:
    app.record_term("Spring", starts_on=OPENED_ON, ends_on=OPENED_ON + timedelta(days=60),
                    actor=HEAD, on=OPENED_ON)  # fmt: skip

    school = app.get_school(SCHOOL, reader=STAFF)

    assert (school is not None and school.school_id) == SCHOOL


def test_another_schools_staff_may_not_read_a_schools_record(app: AlternativeProvision) -> None:
    app.appoint_delegate(STAFF.id, actor=HEAD, on=OPENED_ON)

    with pytest.raises(NotAuthorisedError) as refused:
        app.get_school(SCHOOL, reader=OTHER_SCHOOL_STAFF)

    assert refused.value.actor_id == OTHER_SCHOOL_STAFF.id


def test_provider_staff_may_not_read_a_schools_record(app: AlternativeProvision) -> None:
    provider = ready_provider(app)

    with pytest.raises(NotAuthorisedError):
        app.get_school(SCHOOL, reader=provider_staff(provider.id))


def test_inspector_with_a_grant_may_read_the_schools_record(app: AlternativeProvision) -> None:
    app.grant_inspector_access(INSPECTOR.id, until=GRANT, actor=HEAD)

    assert app.get_school(SCHOOL, reader=INSPECTOR) == app.get_school(SCHOOL, reader=HEAD)


def test_inspector_without_a_grant_may_not_read_the_schools_record(
    app: AlternativeProvision,
) -> None:
    app.appoint_delegate(STAFF.id, actor=HEAD, on=OPENED_ON)

    with pytest.raises(NotAuthorisedError):
        app.get_school(SCHOOL, reader=INSPECTOR)


# ----------------------------------------------------------------- get_provider
def test_another_schools_staff_may_read_a_shared_provider(app: AlternativeProvision) -> None:
    provider = ready_provider(app)

    assert app.get_provider(provider.id, reader=OTHER_SCHOOL_STAFF).name == provider.name


def test_staff_of_another_provider_may_not_read_a_provider(app: AlternativeProvision) -> None:
    provider = ready_provider(app)
    other = ready_provider(app, name="Hilltop Farm Project")

    with pytest.raises(NotAuthorisedError):
        app.get_provider(provider.id, reader=provider_staff(other.id))


def test_provider_staff_may_read_their_own_providers_record(app: AlternativeProvision) -> None:
    provider = ready_provider(app)

    assert app.get_provider(provider.id, reader=provider_staff(provider.id)) == provider


def test_inspector_without_a_grant_may_not_read_a_provider(app: AlternativeProvision) -> None:
    provider = ready_provider(app)

    with pytest.raises(NotAuthorisedError):
        app.get_provider(provider.id, reader=INSPECTOR)


def test_inspector_with_a_grant_may_read_a_provider(app: AlternativeProvision) -> None:
    provider = ready_provider(app)
    app.grant_inspector_access(INSPECTOR.id, until=GRANT, actor=HEAD)

    assert app.get_provider(provider.id, reader=INSPECTOR) == provider


# ----------------------------------------------------------------- the full-time roll
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


def started_there(
    app: AlternativeProvision, provider: ProviderState, staff: Actor, head: Actor
) -> UUID:
    placement = app.open_placement(
        student_reference=f"STU-{head.school_id}", reason=Reason.BEHAVIOUR,
        setting=Setting.OUTSIDE_PROVIDER, provider_id=provider.id, location="Hilltop Farm",
        residential=False, actor=staff, on=OPENED_ON,
    )  # fmt: skip
    plan = attrs.evolve(full_time_plan(provider.id), ehcp_reference=None)
    app.agree_plan(placement.id, plan, actor=head, on=OPENED_ON)
    for party in ConsentParty:
        app.give_consent(placement.id, party=party, given_by=party.value,
                         evidence_reference="form", actor=staff, on=OPENED_ON)  # fmt: skip
    app.start_placement(placement.id, actor=head, on=OPENED_ON)
    return placement.id


@attrs.frozen
class Roll:
    provider: UUID
    ours: UUID
    theirs: UUID


@pytest.fixture
def roll(app: AlternativeProvision) -> Roll:
    """An unregistered setting with one full-time pupil of each of two schools."""
    provider = unregistered_setting(app)
    ours = started_there(app, provider, STAFF, HEAD)
    theirs = started_there(app, provider, OTHER_SCHOOL_STAFF, OTHER_HEAD)
    return Roll(provider.id, ours, theirs)


def test_full_time_roll_leaves_out_another_schools_placements(
    app: AlternativeProvision, roll: Roll
) -> None:
    assert app.get_provider(roll.provider, reader=HEAD).full_time_pupils == {roll.ours}


def test_full_time_roll_lists_the_readers_own_schools_placements(
    app: AlternativeProvision, roll: Roll
) -> None:
    assert app.get_provider(roll.provider, reader=OTHER_HEAD).full_time_pupils == {roll.theirs}


def test_provider_history_leaves_out_another_schools_roll_entries(
    app: AlternativeProvision, roll: Roll
) -> None:
    admitted = [
        e.placement_id
        for e in app.provider_history(roll.provider, reader=HEAD)
        if isinstance(e, FullTimePupilAdmitted)
    ]

    assert admitted == [roll.ours]


def test_provider_history_is_refused_to_staff_of_another_provider(
    app: AlternativeProvision, roll: Roll
) -> None:
    other = ready_provider(app, name="Riverside FE College")

    with pytest.raises(NotAuthorisedError):
        app.provider_history(roll.provider, reader=provider_staff(other.id))


# ----------------------------------------------------------------- seal
@pytest.mark.parametrize("role", [Role.HEAD_TEACHER, Role.SCHOOL_STAFF], ids=["head", "staff"])
def test_school_staff_and_the_head_may_record_a_seal(app: AlternativeProvision, role: Role) -> None:
    ready_provider(app)

    sealed = app.seal(actor=Actor(id="sealer", role=role, school_id=SCHOOL))

    assert sealed is not None


def test_an_inspector_may_not_record_a_seal(app: AlternativeProvision) -> None:
    ready_provider(app)
    before = stored_notifications(app)

    with pytest.raises(NotAuthorisedError):
        app.seal(actor=INSPECTOR)

    assert stored_notifications(app) == before


def test_provider_staff_may_not_record_a_seal(app: AlternativeProvision) -> None:
    provider = ready_provider(app)
    before = stored_notifications(app)

    with pytest.raises(NotAuthorisedError):
        app.seal(actor=provider_staff(provider.id))

    assert stored_notifications(app) == before
