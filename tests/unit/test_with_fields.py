"""``with_fields``: the domain's quick copy of a frozen object with some fields changed."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.personal import with_fields
from senad_ap.domain.placement.state import AttendanceMark


@attrs.frozen
class _Base:
    a: int


@attrs.frozen
class _Slotted(_Base):
    b: str = attrs.field(validator=attrs.validators.max_len(3))
    c: tuple[int, ...] = ()


@attrs.frozen(slots=False)
class _WithDict:
    a: int
    b: str = attrs.field(validator=attrs.validators.max_len(3))


@attrs.frozen
class _Checked:
    a: int

    def __attrs_post_init__(self) -> None:
        if self.a < 0:
            raise ValueError("negative")


MARK = AttendanceMark(date(2025, 11, 3), Session.AM, AttendanceCode.PRESENT_AM, 7)


def test_a_copy_has_the_changes_and_every_other_field_as_it_was() -> None:
    original = _Slotted(1, "ab", (1, 2))

    copy = with_fields(original, {"b": "xy"})

    assert copy == _Slotted(1, "xy", (1, 2))


def test_the_original_is_left_unchanged() -> None:
    original = _Slotted(1, "ab")

    with_fields(original, {"a": 2})

    assert original == _Slotted(1, "ab")


def test_fields_of_a_base_class_are_copied() -> None:
    assert with_fields(_Slotted(5, "ab"), {"b": "cd"}).a == 5


def test_validators_do_not_run_on_the_changes() -> None:
    # A sealed value is longer than the text it seals: the copy must not check it again.
    assert with_fields(_Slotted(1, "ab"), {"b": "much longer"}).b == "much longer"


def test_a_class_with_a_dict_is_copied_too() -> None:
    copy = with_fields(_WithDict(1, "ab"), {"a": 2})
    assert (copy.a, copy.b) == (2, "ab")


def test_a_class_with_a_post_init_check_is_copied_without_running_it() -> None:
    copy = with_fields(_Checked(1), {"a": -1})

    assert copy.a == -1


def test_the_copy_is_still_frozen() -> None:
    copy = with_fields(MARK, {"version": 8})

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        copy.version = 9  # type: ignore[misc]


def test_a_copy_with_no_changes_equals_the_original_but_is_another_object() -> None:
    copy = with_fields(MARK, {})

    assert copy == MARK
    assert copy is not MARK
