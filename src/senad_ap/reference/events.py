"""docs/events.md, generated from the event classes themselves: ``python -m
senad_ap.reference.events`` in the repository (or give its root).

``event_types()`` finds every event type of the library by walking ``Event``'s subclasses
(no hand list), grouped by the record it belongs to; ``render()`` is the page: per event
type its stored topic, its meaning (the docstring), its fields, the rule ids it is evidence
for, its ``class_version`` and the JSON schema of what the store keeps (``schema``).
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from eventsourcing.utils import get_topic

import senad_ap  # noqa: F401 - imports every module that defines an event type
from senad_ap.domain.base import Event
from senad_ap.reference.schema import (
    BASE_FIELDS,
    SEALED_PATTERN,
    event_schema,
    may_be_empty,
    own_fields,
    plain_type,
)

__all__ = ["EVENTS_DOC", "compact_json", "event_types", "main", "meaning", "record_of", "render"]

#: Where the page is written, under the repository's root.
EVENTS_DOC = Path("docs") / "events.md"
_COMMAND = "python -m senad_ap.reference"

#: What each common field of ``Event`` means (the order is ``Event``'s).
_COMMON = {
    "originator_id": "the record's id (a column of its own in the store, not in the JSON)",
    "originator_version": "the event's position in its record, from 1 (a column of its own)",
    "timestamp": "when it was recorded",
    "actor": "who decided: `id`, `role`, `school_id`, and `provider_id` for provider staff",
    "effective_on": "the day it took effect (for attendance, the day of the session)",
    "policy_version": "the name of the policy version in force on that day",
    "idempotency_key": "a keyed hash (`hk1:…`) of the caller's key for the command, if any",
    "command_digest": "a digest of the command, to tell a reused key from a retry",
    "chain_hash": "tamper evidence: this event's hash chained to the previous one's",
}


def record_of(cls: type[Event]) -> str:
    """The record an event type belongs to: its base's name without ``Event``, in lower case
    (``PlacementEvent`` -> ``placement``)."""
    base = next(kind for kind in cls.__mro__ if Event in kind.__bases__)
    return base.__name__.removesuffix("Event").lower()


def event_types() -> list[type[Event]]:
    """Every event type of the library, by record and then by name.

    The direct subclasses of ``Event`` (``PlacementEvent``, ``StudentEvent`` ...) are each
    record's base, never recorded themselves; classes from outside the library (a test's own)
    are left out."""
    found: set[type[Event]] = set()
    waiting: list[type[Event]] = list(Event.__subclasses__())
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            if subclass.__module__.startswith("senad_ap.") and subclass not in found:
                found.add(subclass)
                waiting.append(subclass)
    return sorted(found, key=lambda cls: (record_of(cls), cls.__name__))


def meaning(cls: type) -> str:
    """The class's own docstring (not one it inherits), as Markdown; ``""`` if it has none."""
    own = cls.__dict__.get("__doc__")
    return inspect.cleandoc(own).replace("``", "`") if own else ""


def _rule_links(cls: type[Event]) -> str:
    return ", ".join(f"[{rule}](rules.md#{rule.lower()})" for rule in cls.evidence_for) or "—"


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def _fields_table(cls: type[Event]) -> list[str]:
    fields = own_fields(cls)
    if not fields:
        return ["Fields of its own: none (the common fields say it all)."]
    lines = [
        "| field | type | may be empty | personal (sealed) | added later |",
        "| --- | --- | --- | --- | --- |",
    ]
    for field in fields:
        personal = (
            "staff member's own"
            if field.name in cls.staff_personal
            else _yes(field.name in cls.personal)
        )
        empty = _yes(may_be_empty(field.type))
        later = _yes(field.name in cls.added_later)
        lines.append(
            f"| `{field.name}` | {plain_type(field.type)} | {empty} | {personal} | {later} |"
        )
    return lines


#: The widest a part of a schema may be to be written on one line.
_ONE_LINE = 88


def compact_json(value: object, indent: str = "") -> str:
    """``value`` as JSON, indented, but with each part that fits on a line written on one."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(indent) + len(flat) <= _ONE_LINE or not isinstance(value, dict | list):
        return flat
    inner = indent + "  "
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(key, ensure_ascii=False)}: {compact_json(item, inner).lstrip()}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if any(isinstance(item, dict | list) for item in value):
        items = [f"{inner}{compact_json(item, inner).lstrip()}" for item in value]
        return "[\n" + ",\n".join(items) + f"\n{indent}]"
    # A long list of values (an enum's): as many to a line as fit.
    lines = [inner]
    for item in value:
        word = json.dumps(item, ensure_ascii=False) + ","
        if len(lines[-1]) + len(word) > _ONE_LINE and lines[-1].strip():
            lines.append(inner)
        lines[-1] += word if not lines[-1].strip() else " " + word
    return "[\n" + "\n".join(lines)[:-1] + f"\n{indent}]"


def _section(cls: type[Event]) -> str:
    topic = get_topic(cls)
    schema = compact_json(event_schema(cls, topic))
    lines = [
        f"### {cls.__name__}",
        "",
        f"Topic: `{topic}` · record: {record_of(cls)} · "
        f"class version: {getattr(cls, 'class_version', 1)}",
        "",
        meaning(cls),
        "",
        f"Evidence for: {_rule_links(cls)}",
        "",
        *_fields_table(cls),
        "",
        "<details><summary>JSON schema of the stored event</summary>",
        "",
        "```json",
        schema,
        "```",
        "",
        "</details>",
    ]
    return "\n".join(lines)


def _anchor(name: str) -> str:
    return name.lower()


def render() -> str:
    """docs/events.md."""
    types = event_types()
    records = sorted({record_of(cls) for cls in types})
    common = [f"| `{name}` | {_COMMON.get(name, '')} |" for name in BASE_FIELDS]
    contents: list[str] = []
    for record in records:
        names = [cls.__name__ for cls in types if record_of(cls) == record]
        contents.append(
            f"- [the {record} record](#the-{record}-record): "
            + ", ".join(f"[{name}](#{_anchor(name)})" for name in names)
        )
    head = [
        "# The events",
        "",
        f"<!-- Generated by `{_COMMAND}` from the event classes: do not edit by hand. -->",
        "",
        "Every event type the library records, grouped by the record it belongs to (see",
        "[domain.md](domain.md#the-records)), found by walking the subclasses of",
        "`senad_ap.domain.base.Event`. For each: its *topic* (the `module:Class` name the",
        "store keeps beside the event, `eventsourcing.utils.get_topic`); its meaning (the",
        "class's docstring); *evidence for*, the rule ids it is evidence for (`evidence_for`,",
        "linked to [rules.md](rules.md)); its *class version* (the stored JSON holds",
        "`class_version` only above 1); a table of the fields it adds to the common ones below",
        "(*may be empty*: `null` allowed; *personal*: sealed with the student's key, or the",
        "acting staff member's, before it is stored: see [personal-data.md](personal-data.md);",
        "*added later*: left out of the hash chain while empty, as events stored before the",
        "field existed lack it); and the JSON schema (draft 2020-12) of the JSON the store",
        "keeps for it, with the cipher off (`senad_ap.application.codec`). In the schemas a",
        f"sealed personal value is text matching `{SEALED_PATTERN}`.",
        "tests/test_reference_docs.py checks every event of the demo school against them.",
        "",
        "Snapshots (`stored_snapshots`) are not events: they keep a record's state at a version",
        "so that a long history need not be replayed, and are left out here.",
        "",
        "## Contents",
        "",
        "- [Common fields](#common-fields)",
        *contents,
        "",
        "## Common fields",
        "",
        "Every event carries these (`Event`); `originator_id` and `originator_version` are",
        "columns of the store, the others are in each event's JSON.",
        "",
        "| field | meaning |",
        "| --- | --- |",
        *common,
    ]
    parts = ["\n".join(head)]
    for record in records:
        parts.append(f"## The {record} record")
        parts.extend(_section(cls) for cls in types if record_of(cls) == record)
    return "\n\n".join(parts) + "\n"


def main(argv: Sequence[str] = ()) -> int:
    """Write docs/events.md under the repository root given (the working directory if none)."""
    root = Path(argv[0]) if argv else Path.cwd()
    target = root / EVENTS_DOC
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
