"""Enumerated values may be given as the member or as its text, in every command and value
object: ``"AM"`` for ``Session.AM``, ``"/"`` for ``AttendanceCode.PRESENT_AM``, ``"parents"``
for ``ConsentParty.PARENTS``; other text is refused naming the field and the values allowed."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from senad_ap import (
    Actor,
    AttendanceCode,
    ConsentParty,
    InvalidInputError,
    Role,
    Session,
    Setting,
    Weekday,
)
from senad_ap.domain.placement import GiveConsent, RecordAttendance, ShareInformation
from senad_ap.domain.placement.events import InformationParty, InformationScope
from senad_ap.domain.plan import WeeklyHours
from senad_ap.domain.validation import enum_items, enum_text

STAFF = Actor(id="senco-1", role=Role.SCHOOL_STAFF, school_id="712E")
DAY = date(2026, 3, 2)


def _mark(session: object, code: object) -> RecordAttendance:
    return RecordAttendance(
        actor=STAFF, effective_on=DAY, placement_id=uuid4(), session=session, code=code,  # type: ignore[arg-type]
    )  # fmt: skip


class Colour(enum.Enum):
    RED = "red"
    DARK_BLUE = "dark blue"


@pytest.mark.parametrize("text", ["red", "RED"])
def test_enum_text_gives_the_member_for_its_value_or_its_name(text: str) -> None:
    assert enum_text(Colour)(text) is Colour.RED


@pytest.mark.parametrize("value", ["green", 3, None, Colour.DARK_BLUE])
def test_enum_text_leaves_anything_else_for_the_validator(value: object) -> None:
    assert enum_text(Colour)(value) is value


def test_enum_items_gives_a_tuple_of_members_from_a_list_of_texts() -> None:
    assert enum_items(Colour)(["red", Colour.DARK_BLUE, "dark blue"]) == (
        Colour.RED,
        Colour.DARK_BLUE,
        Colour.DARK_BLUE,
    )


def test_a_mark_accepts_its_session_and_code_as_text() -> None:
    mark = _mark("AM", "/")

    assert (mark.session, mark.code) == (Session.AM, AttendanceCode.PRESENT_AM)


def test_a_session_that_is_not_a_session_is_refused_naming_the_field_and_the_values() -> None:
    with pytest.raises(InvalidInputError, match="'AM', 'PM'") as refused:
        _mark("noon", "/")

    assert refused.value.field == "session"


def test_a_code_that_is_not_a_code_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        _mark("AM", "H")

    assert refused.value.field == "code"


def test_consent_accepts_the_party_as_its_text() -> None:
    consent = GiveConsent(
        actor=STAFF, effective_on=DAY, placement_id=uuid4(), party="parents",
        given_by="Ms Parent", evidence_reference="form 7",
    )  # fmt: skip

    assert consent.party is ConsentParty.PARENTS


def test_information_accepts_its_party_and_scope_as_texts() -> None:
    shared = ShareInformation(
        actor=STAFF, effective_on=DAY, placement_id=uuid4(), party="the provider",
        scope=["literacy", "SAFEGUARDING"],
    )  # fmt: skip

    assert (shared.party, shared.scope) == (
        InformationParty.PROVIDER,
        (InformationScope.LITERACY, InformationScope.SAFEGUARDING),
    )


def test_a_value_object_accepts_its_enumerated_fields_as_text() -> None:
    entry = WeeklyHours(day="MONDAY", setting="ON_SITE", hours=Decimal("6.5"))

    assert (entry.day, entry.setting) == (Weekday.MONDAY, Setting.ON_SITE)


def test_an_actor_accepts_its_role_as_text() -> None:
    actor = Actor(id="head-1", role="head teacher / head of service", school_id="712E")

    assert actor.role is Role.HEAD_TEACHER
