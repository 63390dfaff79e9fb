"""The embedding API without surprises: enumerated values as text, ``on`` optional on every
command, errors that name their rule and their record; on every store."""

from __future__ import annotations

import inspect
from uuid import uuid4

import pytest

from senad_ap import (
    AlreadyRecordedError,
    AlternativeProvision,
    AttendanceCode,
    ConsentParty,
    InvalidInputError,
    LifecycleError,
    NotFoundError,
    RegisterMark,
    Session,
)
from tests.integration.scenario import (
    HEAD,
    STAFF,
    TODAY,
    open_outside_placement,
    start_outside_placement,
)

#: The commands: every public method that takes ``actor`` (the reads take ``reader``).
COMMANDS = sorted(
    name
    for name, member in inspect.getmembers(AlternativeProvision, inspect.isfunction)
    if not name.startswith("_") and "actor" in inspect.signature(member).parameters
)


@pytest.mark.parametrize("method", COMMANDS)
def test_every_command_takes_on_as_an_option(method: str) -> None:
    parameters = inspect.signature(getattr(AlternativeProvision, method)).parameters

    assert "on" not in parameters or parameters["on"].default is None


@pytest.mark.parametrize("method", [m for m in COMMANDS if m not in {"seal", "forget_student"}])
def test_every_command_takes_an_expected_version(method: str) -> None:
    parameters = inspect.signature(getattr(AlternativeProvision, method)).parameters

    assert "expected_version" in parameters or method == "record_register"


def test_the_command_list_is_the_whole_api() -> None:
    assert {"record_attendance", "correct_attendance", "record_register", "seal"} <= set(COMMANDS)


def test_a_mark_takes_its_session_and_code_as_text(app: AlternativeProvision) -> None:
    scene = start_outside_placement(app)

    state = app.record_attendance(scene.placement.id, session="AM", code="/", actor=STAFF)

    assert state.mark(TODAY, Session.AM).code is AttendanceCode.PRESENT_AM  # type: ignore[union-attr]


def test_a_correction_takes_effect_today_when_on_is_left_out(app: AlternativeProvision) -> None:
    scene = start_outside_placement(app)
    app.record_attendance(scene.placement.id, session="AM", code="/", actor=STAFF)

    state = app.correct_attendance(
        scene.placement.id,
        session="AM",
        code="I",
        reason="was ill",
        actor=STAFF,
        amended_by_name="Sam Okafor",
        amended_by_position="Attendance officer",
    )

    assert state.mark(TODAY, Session.AM).code is AttendanceCode.ILLNESS  # type: ignore[union-attr]


def test_a_register_is_for_today_when_on_is_left_out(app: AlternativeProvision) -> None:
    scene = start_outside_placement(app)

    states = app.record_register([RegisterMark(scene.placement.id, "PM", "\\")], actor=STAFF)

    assert states[scene.placement.id].mark(TODAY, Session.PM) is not None


def test_consent_takes_its_party_as_text(app: AlternativeProvision) -> None:
    scene = open_outside_placement(app)

    state = app.give_consent(
        scene.placement.id, party="parents", given_by="Ms Parent", evidence_reference="form",
        actor=STAFF,
    )  # fmt: skip

    assert state.consent_given(ConsentParty.PARENTS)


def test_a_party_that_is_no_party_is_refused_naming_the_field(app: AlternativeProvision) -> None:
    scene = open_outside_placement(app)

    with pytest.raises(InvalidInputError) as refused:
        app.give_consent(
            scene.placement.id, party="grandparents", given_by="Ms Parent",
            evidence_reference="form", actor=STAFF,
        )  # fmt: skip

    assert refused.value.field == "party"


def test_a_missing_placement_is_not_found_naming_its_id(app: AlternativeProvision) -> None:
    missing = uuid4()

    with pytest.raises(NotFoundError, match=str(missing)) as refused:
        app.start_placement(missing, actor=HEAD)

    assert (refused.value.kind, refused.value.id) == ("placement", missing)


def test_reading_a_missing_placement_is_not_found_naming_its_id(
    app: AlternativeProvision,
) -> None:
    missing = uuid4()

    with pytest.raises(NotFoundError, match=str(missing)):
        app.get_placement(missing, reader=HEAD)


def test_a_missing_provider_is_not_found_naming_its_id(app: AlternativeProvision) -> None:
    missing = uuid4()

    with pytest.raises(NotFoundError, match=str(missing)):
        app.get_provider(missing, reader=HEAD)


def test_a_second_mark_is_already_recorded_under_stat_2_naming_the_placement(
    app: AlternativeProvision,
) -> None:
    scene = start_outside_placement(app)
    app.record_attendance(scene.placement.id, session="AM", code="/", actor=STAFF)

    with pytest.raises(AlreadyRecordedError, match=str(scene.placement.id)) as refused:
        app.record_attendance(scene.placement.id, session="AM", code="L", actor=STAFF)

    assert (refused.value.rule_id, refused.value.field) == ("STAT-2", "session")


def test_a_second_mark_is_not_a_form_error(app: AlternativeProvision) -> None:
    scene = start_outside_placement(app)
    app.record_attendance(scene.placement.id, session="AM", code="/", actor=STAFF)

    with pytest.raises(AlreadyRecordedError) as refused:
        app.record_attendance(scene.placement.id, session="AM", code="L", actor=STAFF)

    assert not isinstance(refused.value, InvalidInputError)


def test_a_lifecycle_refusal_names_the_placement(app: AlternativeProvision) -> None:
    scene = open_outside_placement(app)

    with pytest.raises(LifecycleError, match=str(scene.placement.id)) as refused:
        app.record_attendance(scene.placement.id, session="AM", code="/", actor=STAFF)

    assert refused.value.placement_id == scene.placement.id
