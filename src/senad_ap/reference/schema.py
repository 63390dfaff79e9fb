"""The JSON schema (draft 2020-12) of an event type as the store keeps it, and its fields in
plain words.

The stored JSON is what ``senad_ap.application.codec.converter`` makes of the event, less
``originator_id`` and ``originator_version`` (columns of their own), plus ``class_version``
when the type's version is above 1 (``TypedMapper.to_stored_event``). The converter writes a
UUID, a ``Decimal`` and a date as text, an enum as its value, a tuple or frozenset as a list
and a nested value object as an object of its fields. A personal value (``personal``,
``staff_personal``) is sealed before it is stored: text or a date becomes sealed text,
``⟦pd2:<record id>:<ciphertext>⟧`` (``pd1`` for values sealed before padding came in), and a
value object keeps its shape with its own personal values sealed (``map_personal``).
"""

from __future__ import annotations

import enum
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.base import Event
from senad_ap.domain.values import ADDED_LATER, PolicyParameters

__all__ = [
    "SEALED_PATTERN",
    "event_schema",
    "may_be_empty",
    "own_fields",
    "plain_type",
    "value_schema",
]

#: Sealed personal text as stored (``senad_ap.application.personal``).
SEALED_PATTERN = "^⟦pd[12]:[0-9a-f]{32}:[A-Za-z0-9_-]+⟧$"
_SEALED: dict[str, Any] = {
    "type": "string",
    "pattern": SEALED_PATTERN,
    "description": "sealed personal data",
}
_SCHEMA_VERSION = "https://json-schema.org/draft/2020-12/schema"
#: The fields of ``Event`` itself, which every event carries.
BASE_FIELDS = tuple(field.name for field in attrs.fields(Event))
#: Fields the store keeps in columns of their own, not in the event's JSON.
_COLUMNS = ("originator_id", "originator_version")

_PLAIN: dict[type, tuple[str, dict[str, Any]]] = {
    str: ("text", {"type": "string"}),
    bool: ("yes or no", {"type": "boolean"}),
    int: ("whole number", {"type": "integer"}),
    Decimal: ("decimal number (as text)", {"type": "string"}),
    UUID: ("UUID", {"type": "string", "format": "uuid"}),
    date: ("date", {"type": "string", "format": "date"}),
    datetime: ("date and time", {"type": "string", "format": "date-time"}),
    type(None): ("nothing", {"type": "null"}),
}


def _resolved(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    return tuple(attrs.fields(attrs.resolve_types(cls)))


def own_fields(cls: type[Event]) -> tuple[attrs.Attribute[Any], ...]:
    """The fields an event type adds to those of ``Event``, in order."""
    return tuple(field for field in _resolved(cls) if field.name not in BASE_FIELDS)


def _members(kind: Any) -> list[Any]:
    """The types a union (``X | None``) holds, or the type alone."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        return list(typing.get_args(kind))
    return [kind]


def may_be_empty(kind: Any) -> bool:
    """Whether a value of type ``kind`` may be ``None`` (``null`` in the store)."""
    return type(None) in _members(kind)


def plain_type(kind: Any) -> str:
    """The type in plain words: "text", "list of date", "`Reason` (one of 4 values)"."""
    members = [member for member in _members(kind) if member is not type(None)]
    if len(members) > 1:
        return " or ".join(plain_type(member) for member in members)
    (kind,) = members
    origin = typing.get_origin(kind)
    if origin in (tuple, frozenset):
        args = [arg for arg in typing.get_args(kind) if arg is not Ellipsis]
        return "list of " + " or ".join(dict.fromkeys(plain_type(arg) for arg in args))
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return f"`{kind.__name__}` (one of {len(kind)} values)"
    if isinstance(kind, type) and attrs.has(kind):
        return f"`{kind.__name__}` (an object)"
    if kind in _PLAIN:
        return _PLAIN[kind][0]
    raise TypeError(f"No plain words for the type {kind!r}.")


def value_schema(kind: Any, *, sealed: bool = False) -> dict[str, Any]:
    """The schema of a value of type ``kind`` as stored; ``sealed``: a personal value."""
    members = _members(kind)
    if len(members) > 1:
        return {"anyOf": [value_schema(member, sealed=sealed) for member in members]}
    origin = typing.get_origin(kind)
    if origin in (tuple, frozenset):
        args = typing.get_args(kind)
        if origin is frozenset or (len(args) == 2 and args[1] is Ellipsis):
            return {"type": "array", "items": value_schema(args[0], sealed=sealed)}
        items = [value_schema(arg, sealed=sealed) for arg in args]
        return {"type": "array", "prefixItems": items, "items": False}
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return {"enum": [member.value for member in kind]}
    if isinstance(kind, type) and attrs.has(kind):
        return _object_schema(kind, _resolved(kind), sealed=sealed)
    if sealed and kind in (str, date):
        return dict(_SEALED)
    if kind in _PLAIN:
        return dict(_PLAIN[kind][1])
    raise TypeError(f"No schema for the type {kind!r}.")


def _required(cls: type, field: attrs.Attribute[Any]) -> bool:
    """Whether every stored value of ``cls`` has ``field``: a field without a default; and
    of the policy's numbers, those not added later (left out while they hold their default:
    ``codec._unstructure_policy``)."""
    if cls is PolicyParameters and field.metadata.get(ADDED_LATER):
        return False
    return field.default is attrs.NOTHING


def _object_schema(
    cls: type,
    fields: tuple[attrs.Attribute[Any], ...],
    *,
    sealed: bool,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    # Inside a personal value, the object's own personal fields are the sealed ones.
    personal = set(getattr(cls, "personal", ())) if sealed else set()
    properties = {
        field.name: value_schema(field.type, sealed=field.name in personal) for field in fields
    }
    properties.update(extra or {})
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [field.name for field in fields if _required(cls, field)]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def event_schema(cls: type[Event], topic: str) -> dict[str, Any]:
    """The schema of the stored JSON of one event type (``topic``: its stored topic)."""
    fields = tuple(field for field in _resolved(cls) if field.name not in _COLUMNS)
    extra: dict[str, Any] = {}
    class_version: int = getattr(cls, "class_version", 1)
    if class_version > 1:
        extra["class_version"] = {"const": class_version}
    body = _object_schema(cls, fields, sealed=True, extra=extra)
    if class_version > 1:
        body["required"] = [*body.get("required", []), "class_version"]
    return {"$schema": _SCHEMA_VERSION, "title": cls.__name__, "description": topic, **body}
