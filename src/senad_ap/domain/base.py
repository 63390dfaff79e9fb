"""What every event and every command carries.

An event is a decision on the record: who (``actor``), when it took effect (``effective_on``),
when it was recorded (``timestamp``), under which policy version (``policy_version``, POL-1),
and, where the caller gave one, the idempotency key of the command that made it.

Events are facts already checked: they carry no validators (a stored event is never refused
on the way back in). Commands carry the validators.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, TypeVar
from uuid import UUID

import attrs

from senad_ap.domain.personal import with_fields
from senad_ap.domain.validation import checked, optional_text
from senad_ap.domain.values import ADDED_LATER, NOT_A_DECISION_DATE, Actor, Context
from senad_ap.errors import InvalidInputError

__all__ = [
    "ADDED_LATER",
    "NOT_A_DECISION_DATE",
    "Command",
    "Event",
    "EventMaker",
    "IdempotencyRecord",
    "advance",
    "check_dates",
    "check_effective_on",
    "fingerprint",
    "without_key",
]


@attrs.frozen(slots=False, kw_only=True)
class Event:
    """Base of every event. ``slots=False``: eventsourcing stores ``vars(event)``."""

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    actor: Actor
    effective_on: date
    policy_version: str
    idempotency_key: str | None = None
    command_digest: str | None = None
    #: Tamper evidence: a hash of this event's content chained to the previous event of its
    #: record (set by the application when it saves; see ``senad_ap.application.integrity``).
    chain_hash: str | None = None

    #: The rule ids this event is evidence for (docs/rules.md "Evidence on the record").
    evidence_for: ClassVar[tuple[str, ...]] = ()
    #: The fields that hold the student's personal data (``senad_ap.domain.personal``).
    personal: ClassVar[tuple[str, ...]] = ()
    #: Those of ``personal`` that are the acting staff member's own data, sealed with their
    #: key instead of the student's (``senad_ap.domain.staff``).
    staff_personal: ClassVar[tuple[str, ...]] = ()
    #: Fields added after events of this type were first stored: while ``None`` they are left
    #: out of the content the hash chain covers, so that events stored before the field
    #: existed still match their hashes (``application.integrity.canonical``).
    added_later: ClassVar[tuple[str, ...]] = ()


@attrs.frozen(kw_only=True)
class Command:
    """Base of every command: who acts, the day the decision takes effect, an optional key.

    A command sent again with the same ``idempotency_key`` records nothing more and returns
    what the first one returned.
    """

    actor: Actor = attrs.field(validator=checked("actor", Actor))
    effective_on: date = attrs.field(validator=checked("date it takes effect", date))
    idempotency_key: str | None = attrs.field(
        default=None, validator=optional_text("idempotency key", 200)
    )
    #: True when the caller left the date out and the application used today: a retry of
    #: such a command the next day is still the same request.
    on_defaulted: bool = attrs.field(default=False, repr=False)

    #: The fields that hold the student's personal data (``senad_ap.domain.personal``).
    personal: ClassVar[tuple[str, ...]] = ()
    #: Those of ``personal`` that are the acting staff member's own data, sealed with their
    #: key instead of the student's (``senad_ap.domain.staff``).
    staff_personal: ClassVar[tuple[str, ...]] = ()


@attrs.frozen
class IdempotencyRecord:
    """The command fingerprint a key was first used with, and the version it produced."""

    fingerprint: str
    version: int


def fingerprint(command: Command) -> str:
    """A stable digest of what a command asks for, so that a reused key can be told apart."""
    fields = attrs.asdict(command, recurse=False)
    del fields["idempotency_key"]
    # A field added to a command after commands were first stored counts only when it is
    # set, so a retry of a command stored before it existed still matches its digest.
    for field in attrs.fields(type(command)):
        if field.metadata.get(ADDED_LATER) and fields[field.name] == field.default:
            del fields[field.name]
    if fields.pop("on_defaulted"):
        fields["effective_on"] = None
    text = type(command).__qualname__ + repr(sorted(fields.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


C = TypeVar("C", bound=Command)


def without_key(command: C) -> C:
    """The same command without its idempotency key. A copy, not ``attrs.evolve``: the command
    may hold sealed personal values, which its validators would refuse as too long."""
    return with_fields(command, {"idempotency_key": None})


def _dates(value: object, name: str) -> Iterator[tuple[str, date]]:
    """Every date in ``value`` with the name of the field that holds it, through nested attrs
    values (a plan's objectives) and tuples; fields marked ``NOT_A_DECISION_DATE`` skipped."""
    kind = type(value)
    if isinstance(value, date):
        yield name, value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _dates(item, name)
    elif attrs.has(kind):
        for field in attrs.fields(kind):
            if not field.metadata.get(NOT_A_DECISION_DATE):
                yield from _dates(getattr(value, field.name), field.name)


def check_dates(command: Command, context: Context) -> None:
    """Refuse a command with any date before ``PolicyParameters.earliest_date``: the day it
    takes effect and every date it carries (plan, review, term, access and validity dates).

    One check for every command, so that no decision can be dated into a past the record
    never had (a placement "opened" in the year 25 would be past its retention at once)."""
    earliest = context.policy.earliest_date
    for name, when in _dates(command, "effective_on"):
        if when < earliest:
            raise InvalidInputError(
                f"The {name.replace('_', ' ')} ({when.isoformat()}) is before "
                f"{earliest.isoformat()}, the earliest date the record takes.",
                field=name,
            )


def check_effective_on(
    command: Command, context: Context, *, not_before: date | None = None
) -> None:
    """Refuse dates before the record's floor (``check_dates``), dates far in the future, and
    dates before the record they belong to began."""
    check_dates(command, context)
    when = command.effective_on
    latest = context.today + timedelta(days=context.policy.max_days_ahead)
    if when > latest:
        raise InvalidInputError(
            f"The date {when.isoformat()} is too far in the future "
            f"(at most {context.policy.max_days_ahead} days ahead).",
            field="effective_on",
        )
    if not_before is not None and when < not_before:
        raise InvalidInputError(
            f"The date {when.isoformat()} is before the placement was opened "
            f"({not_before.isoformat()}).",
            field="effective_on",
        )


E = TypeVar("E", bound=Event)


class EventMaker:
    """Stamps the events one command makes: ids, next versions, actor, dates, policy version."""

    def __init__(
        self, aggregate_id: UUID, last_version: int, command: Command, context: Context
    ) -> None:
        self.aggregate_id = aggregate_id
        self.version = last_version
        self.command = command
        self.context = context
        self.digest = fingerprint(command) if command.idempotency_key is not None else None

    def __call__(self, event_class: type[E], **facts: Any) -> E:
        self.version += 1
        return event_class(
            originator_id=self.aggregate_id,
            originator_version=self.version,
            timestamp=self.context.recorded_at,
            actor=self.command.actor,
            effective_on=self.command.effective_on,
            policy_version=self.context.policy.version,
            idempotency_key=self.command.idempotency_key,
            command_digest=self.digest,
            **facts,
        )


class HasVersion(Protocol):
    @property
    def version(self) -> int: ...

    @property
    def idempotency(self) -> Mapping[str, IdempotencyRecord]: ...

    @property
    def chain_hash(self) -> str | None: ...


S = TypeVar("S", bound=HasVersion)


def advance(state: S, event: Event, changes: Mapping[str, Any] | None = None) -> S:
    """The part of every evolve that is the same: the version, and the key that made it;
    plus ``changes`` (final values: read-only mappings already), in one copy of the state."""
    fields: dict[str, Any] = {"version": event.originator_version, "chain_hash": event.chain_hash}
    if event.idempotency_key is not None:
        record = IdempotencyRecord(event.command_digest or "", event.originator_version)
        fields["idempotency"] = MappingProxyType(
            {**state.idempotency, event.idempotency_key: record}
        )
    if changes:
        fields.update(changes)
    return with_fields(state, fields)
