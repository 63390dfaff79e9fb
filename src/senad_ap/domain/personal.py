"""Which values are a student's personal data, so that they can be erased (crypto-shredding).

A class says which of its fields hold personal data in a class attribute ``personal``: the
student's name and date of birth and the free-text notes written about the student. A field
listed there holds text, a date, a tuple of them, or objects whose own class lists its personal
fields (a plan's objectives, a review's progress notes). Identifiers the record is built on
(the pseudonymous student reference, objective references, EHC plan references) and the
decisions themselves (codes, dates, settings, rule ids) are not personal data here: they stay
readable after an erasure, so the history still shows who decided what, when, under which rule.

``map_personal`` applies a function to every personal value of an object and returns a copy:
the application uses it to seal personal values with the student's own key before they are
recorded, and to reveal them (or show ``ERASED``) on the way out. The domain never needs the
plain text: it compares sealed values, which are equal when the text is.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

import attrs

__all__ = [
    "ERASED",
    "has_personal",
    "map_personal",
    "map_value",
    "personal_fields",
    "with_fields",
]

#: What a personal value reads as once the student's key has been destroyed.
ERASED = "[erased]"

T = TypeVar("T")


def personal_fields(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` that hold personal data (none if it declares none)."""
    fields: tuple[str, ...] = getattr(cls, "personal", ())
    return fields


def has_personal(value: object) -> bool:
    return bool(personal_fields(type(value)))


def map_personal(value: T, text: Callable[[str], str]) -> T:
    """``value`` with ``text`` applied to each personal value in it (a date as ISO text).

    Objects are copied, never changed: a field is replaced without re-running the class's
    validators, because a sealed value is longer than the text it seals.
    """
    fields = personal_fields(type(value))
    if not fields:
        return value
    changes: dict[str, Any] = {}
    for name in fields:
        old = getattr(value, name)
        new = map_value(old, text)
        if new is not old:
            changes[name] = new
    return with_fields(value, changes) if changes else value


def with_fields(value: T, changes: Mapping[str, Any]) -> T:
    """A copy of the frozen ``value`` with ``changes``, without re-running its validators
    (``attrs.evolve`` would: a sealed value is longer than the text it seals).

    It is also the domain's quick ``evolve`` for states, on the hot path of every event: for
    a slotted attrs class it copies the slots directly, with code made once per class (3.6 µs
    for a placement's 43 fields, against 11 µs for a loop and 19 µs for ``attrs.evolve`` or
    ``copy.copy``). The caller passes final values: converters do not run either (a mapping
    must already be read-only).
    """
    cls: type[Any] = type(value)
    copier = _COPIERS.get(cls)
    if copier is None:
        copier = _COPIERS[cls] = _copier(cls)
    result: T = copier(value)
    for name, new in changes.items():
        object.__setattr__(result, name, new)
    return result


_COPIERS: dict[type, Callable[[Any], Any]] = {}


def _copier(cls: type) -> Callable[[Any], Any]:
    """A function copying an instance of ``cls``: slot by slot for a slotted attrs class
    without ``__attrs_post_init__``, else ``copy.copy``."""
    if not attrs.has(cls) or "__slots__" not in cls.__dict__:
        return copy.copy
    if hasattr(cls, "__attrs_post_init__"):
        return copy.copy
    slots: dict[str, Any] = {}
    for field in attrs.fields(cls):
        descriptor = next(
            (k.__dict__[field.name] for k in cls.__mro__ if field.name in k.__dict__), None
        )
        if not isinstance(descriptor, types.MemberDescriptorType):
            return copy.copy
        slots[f"_set_{field.name}"] = descriptor.__set__
    lines = ["def copy(value):", "    new = _new(_cls)"]
    lines += [f"    {setter}(new, value.{setter[5:]})" for setter in slots]
    lines.append("    return new")
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **slots}
    exec("\n".join(lines), namespace)  # noqa: S102 - our own field names, as attrs does
    copier: Callable[[Any], Any] = namespace["copy"]
    return copier


def map_value(value: Any, text: Callable[[str], str]) -> Any:
    """``text`` applied to a personal field's value (text, a date, a tuple, an object)."""
    if value is None:
        return None
    if isinstance(value, str):
        return text(value)
    if isinstance(value, date):
        return text(value.isoformat())
    if isinstance(value, tuple):
        return tuple(map_value(item, text) for item in value)
    return map_personal(value, text)
