"""attrs validators that refuse bad input with the project's ``InvalidInputError``.

attrs's own validators raise ``TypeError``/``ValueError`` with programmer's wording; a school
system needs one documented error with a sentence it can show. Checks are shallow and fast:
they run on every command.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from senad_ap.errors import InvalidInputError

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

#: The brackets around a sealed personal value (``senad_ap.application.personal``).
SEAL_MARKS = ("\u27e6", "\u27e7")


def _kind(expected: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        bool: "yes or no (True/False)",
        date: "a date",
        datetime: "a date and time",
        Decimal: "a number of hours (Decimal)",
        tuple: "a list (tuple)",
    }
    types = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(names.get(t, t.__name__) for t in types)


def check_type(
    value: object, label: str, expected: type | tuple[type, ...], field: str | None = None
) -> None:
    # bool is an int and datetime is a date in Python; neither is what a caller means.
    wrong_bool = isinstance(value, bool) and bool not in (
        expected if isinstance(expected, tuple) else (expected,)
    )
    wrong_datetime = isinstance(value, datetime) and expected is date
    if (
        isinstance(value, str)
        and isinstance(expected, type)
        and issubclass(expected, enum.Enum)
        and not isinstance(value, expected)
    ):
        raise InvalidInputError(
            f"The {label} must be {_one_of(expected)}, not {value!r}.", field=field or label
        )
    if not isinstance(value, expected) or wrong_bool or wrong_datetime:
        raise InvalidInputError(
            f"The {label} must be {_kind(expected)}, not {type(value).__name__}.",
            field=field or label,
        )


def _one_of(kind: type[enum.Enum]) -> str:
    values = [repr(member.value) for member in kind]
    if len(values) > 12:
        return f"one of the {len(values)} values of {kind.__name__}"
    return "one of " + ", ".join(values)


def enum_text(kind: type[enum.Enum]) -> Callable[[Any], Any]:
    """An attrs converter: the member of ``kind`` whose value (or name) is the text given, so
    that a caller may write ``"AM"`` for ``Session.AM`` or ``"parents"`` for
    ``ConsentParty.PARENTS``; anything else is left for the field's validator to refuse."""
    by_text: dict[str, enum.Enum] = {member.name: member for member in kind}
    by_text.update({str(member.value): member for member in kind})

    def convert(value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, kind):
            return by_text.get(value, value)
        return value

    return convert


def enum_items(kind: type[enum.Enum]) -> Callable[[Any], Any]:
    """An attrs converter: a list or tuple of members of ``kind`` or their texts, as a tuple of
    members (other items are left for the validator to refuse)."""
    one = enum_text(kind)

    def convert(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(one(item) for item in value)
        return value

    return convert


def check_text(value: object, label: str, max_length: int, field: str | None = None) -> str:
    field = field or label
    check_type(value, label, str, field)
    text = str(value)
    if not text.strip():
        raise InvalidInputError(f"The {label} must not be empty.", field=field)
    if len(text) > max_length:
        raise InvalidInputError(
            f"The {label} is too long ({len(text)} characters; at most {max_length}).",
            field=field,
        )
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise InvalidInputError(f"The {label} contains control characters.", field=field)
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        raise InvalidInputError(f"The {label} is not valid text (a broken character).", field=field)
    if SEAL_MARKS[0] in text or SEAL_MARKS[1] in text:
        # These brackets mark a sealed personal value on the record; text may not forge one.
        raise InvalidInputError(
            f"The {label} may not contain the characters {SEAL_MARKS[0]} or {SEAL_MARKS[1]}.",
            field=field,
        )
    return text


def checked(label: str, expected: type | tuple[type, ...]) -> Validator:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_type(value, label, expected, attribute.name)

    return validate


def optional(label: str, expected: type | tuple[type, ...]) -> Validator:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            check_type(value, label, expected, attribute.name)

    return validate


def non_empty_text(label: str, max_length: int = 2000) -> Validator:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_text(value, label, max_length, attribute.name)

    return validate


def optional_text(label: str, max_length: int = 2000) -> Validator:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            check_text(value, label, max_length, attribute.name)

    return validate


def items_of(
    label: str, expected: type | tuple[type, ...], *, min_items: int = 0, max_items: int = 200
) -> Validator:
    """A tuple whose items are all of the expected type (text items must not be empty)."""

    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        field = attribute.name
        check_type(value, label, tuple, field)
        if len(value) < min_items:
            raise InvalidInputError(
                f"The {label} must have at least {min_items} item(s).", field=field
            )
        if len(value) > max_items:
            raise InvalidInputError(
                f"The {label} has too many items ({len(value)}; at most {max_items}).",
                field=field,
            )
        for item in value:
            if expected is str:
                check_text(item, f"item of the {label}", 2000, field)
            else:
                check_type(item, f"item of the {label}", expected, field)

    return validate


def hours(label: str) -> Validator:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_type(value, label, Decimal, attribute.name)
        try:
            finite = value.is_finite()
        except InvalidOperation:  # pragma: no cover - is_finite does not raise
            finite = False
        if not finite or value <= 0 or value > 24:
            raise InvalidInputError(
                f"The {label} must be more than 0 and at most 24 hours, not {value}.",
                field=attribute.name,
            )

    return validate


def positive_int(label: str, maximum: int) -> Validator:
    def validate(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_type(value, label, int, attribute.name)
        if not 1 <= value <= maximum:
            raise InvalidInputError(
                f"The {label} must be between 1 and {maximum}, not {value}.",
                field=attribute.name,
            )

    return validate
