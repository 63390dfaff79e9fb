"""The project's errors: one root, and one branch for each thing a caller must tell apart.

Every refusal the library makes is one of these, and a refused command records nothing.
Messages are written for a Head Teacher, not for a programmer, and name the record they are
about; the attributes are for the program that embeds the library.

- ``PolicyViolationError``: a rule of the policy refuses it (show ``rule_id`` and ``reason``);
- ``NotAuthorisedError``: this person may not take this decision or read this record;
- ``InvalidInputError``: a value is missing, of the wrong kind or out of range (``field``);
- ``AlreadyRecordedError``: the fact, or the idempotency key, is already on the record
  (record a correction, or use a new key: ``IdempotencyConflictError``);
- ``LifecycleError``: not at this point of the record's life cycle (attendance before the
  start, a decision after the end or after an erasure);
- ``NotFoundError``: no such record (``kind``, ``id``);
- ``ConcurrentChangeError``: someone else changed the record since it was loaded (load it
  again and decide again);
- ``StoreError``: the store could not be opened or used (tell the operator);
  ``CipherKeyError``, one of them: the store is encrypted and its key was not given;
  ``DamagedRecordError``, another: a stored event of an unencrypted store cannot be read
  (damaged or altered outside the library: ``record_id``, ``version``, ``position``);
  ``StoreFormatError``, another: the store, or a record in it, was written by a newer version
  of senad_ap than this one (``store_format``, ``written_by``): upgrade senad-ap;
- ``RegisterRefusedError``: some marks of a day's register were refused and none was
  recorded (``refusals``: each mark's number, from 1, and its error).

Every error has ``rule_id``: the id of the rule behind it (``"PLAN-2"``, ``"STAT-7"`` …, from the
rule catalogue), or ``None`` when no rule is (a mistyped date, a missing record); and ``rule``,
that rule's words and source (``senad_ap.rules``, docs/rules.md), or ``None``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from senad_ap.rules import Rule

__all__ = [
    "AlreadyRecordedError",
    "CipherKeyError",
    "ConcurrentChangeError",
    "DamagedRecordError",
    "IdempotencyConflictError",
    "InvalidInputError",
    "LifecycleError",
    "NotAuthorisedError",
    "NotFoundError",
    "PolicyViolationError",
    "RegisterRefusedError",
    "SenadApError",
    "StoreError",
    "StoreFormatError",
]

#: A message that begins with a rule id ("STAT-7: ...") names the rule behind it.
_LEADING_RULE = re.compile(r"^([A-Z]{2,8}-\d+): ")


class SenadApError(Exception):
    """Root of every error this library raises on purpose.

    ``rule_id``: the rule behind the error, or ``None``. Given explicitly, or read from a
    message that begins with one (``"STAT-7: ..."``).
    """

    def __init__(self, message: str, *, rule_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if rule_id is None:
            leading = _LEADING_RULE.match(message) if isinstance(message, str) else None
            rule_id = leading.group(1) if leading else None
        self.rule_id = rule_id

    def __str__(self) -> str:
        return self.message

    @property
    def rule(self) -> Rule | None:
        """The rule behind the error, from the rule catalogue (its sentence and source), or
        ``None`` when no rule is."""
        from senad_ap.rules import rule  # the catalogue imports the errors: look it up late

        return None if self.rule_id is None else rule(self.rule_id)


class PolicyViolationError(SenadApError):
    """The command would break a guard rule of the policy (see the rule catalogue).

    ``rule_id`` names the rule (for example ``"PLAN-2"``), and ``rule`` gives it from the
    catalogue, so a school system can show the sentence of the policy behind it, not only
    its id.
    """

    rule_id: str

    def __init__(self, rule_id: str, message: str, placement_id: UUID | None = None) -> None:
        super().__init__(f"{rule_id}: {message}", rule_id=rule_id)
        self.reason = message
        self.placement_id = placement_id

    @property
    def rule(self) -> Rule:
        """The guard rule that refused the command, from the rule catalogue."""
        from senad_ap.rules import rule

        return rule(self.rule_id)


class NotAuthorisedError(SenadApError):
    """The person acting may not take this decision, or may not read this record."""

    def __init__(
        self,
        message: str,
        *,
        actor_id: str,
        rule_id: str | None = None,
        placement_id: UUID | None = None,
    ) -> None:
        super().__init__(f"{rule_id}: {message}" if rule_id else message, rule_id=rule_id)
        self.actor_id = actor_id
        self.reason = message
        self.placement_id = placement_id


class InvalidInputError(SenadApError, ValueError):
    """A value given to a command is missing, of the wrong kind, or out of range.

    ``field`` names the offending field where there is one.
    """

    def __init__(
        self, message: str, *, field: str | None = None, rule_id: str | None = None
    ) -> None:
        super().__init__(message, rule_id=rule_id)
        self.field = field


class AlreadyRecordedError(SenadApError):
    """The fact is already on the record (for example a second mark for one session).

    To change a recorded fact, record a correction: the original stays on the record.
    ``field`` names what is already recorded, where one field does.
    """

    def __init__(
        self, message: str, *, field: str | None = None, rule_id: str | None = None
    ) -> None:
        super().__init__(message, rule_id=rule_id)
        self.field = field


class IdempotencyConflictError(AlreadyRecordedError):
    """An idempotency key already on the record was used again for a different command."""


class NotFoundError(SenadApError, LookupError):
    """No placement, provider, school, student or record with that id is on the record."""

    def __init__(self, message: str, *, kind: str, id: UUID | str) -> None:
        super().__init__(message)
        self.kind = kind
        self.id = id


class LifecycleError(SenadApError):
    """The command does not fit where the record is in its life cycle.

    For example: attendance before the placement started, any decision after it ended, or
    after the student's personal data was erased (``rule_id`` ``"STAT-7"``).
    """

    def __init__(
        self, message: str, *, placement_id: UUID | None = None, rule_id: str | None = None
    ) -> None:
        super().__init__(message, rule_id=rule_id)
        self.placement_id = placement_id


class ConcurrentChangeError(SenadApError):
    """Someone else changed the same record since it was loaded; nothing was written.

    Load the record again and decide again (an idempotency key makes a retry safe).
    """


class StoreError(SenadApError):
    """The store could not be opened or used (missing file, bad setting, locked database)."""


class CipherKeyError(StoreError):
    """The store is encrypted and no key was given, or the key given is not its key: nothing
    in it can be read. Give the store's key (``cipher_key=`` or ``CIPHER_KEY``)."""


class DamagedRecordError(StoreError):
    """A stored event of a store that is not encrypted cannot be read: its row was damaged or
    altered outside the library. The message names the record, its version and, where known,
    its position in the log (``record_id``, ``version``, ``position``)."""

    def __init__(
        self, message: str, *, record_id: UUID, version: int, position: int | None = None
    ) -> None:
        super().__init__(message)
        self.record_id = record_id
        self.version = version
        self.position = position


class StoreFormatError(StoreError):
    """The store, or a record in it, was written by a newer version of senad_ap, in a format
    this library does not know: it is refused rather than misread, and nothing is written to
    it. Upgrade senad-ap to open it.

    ``store_format``: the store's recorded format (``None`` when one record, not the whole
    store, is newer); ``written_by``: the version of senad_ap that recorded it, where known.
    """

    def __init__(
        self, message: str, *, store_format: int | None = None, written_by: str | None = None
    ) -> None:
        super().__init__(message)
        self.store_format = store_format
        self.written_by = written_by


class RegisterRefusedError(SenadApError):
    """Some marks of a day's register were refused, so none of them was recorded.

    ``refusals`` pairs the number of each refused mark in the register (counted from 1, as
    the message counts them) with its error.
    """

    def __init__(self, refusals: tuple[tuple[int, SenadApError], ...]) -> None:
        lines = "; ".join(f"mark {number}: {str(error).rstrip('.')}" for number, error in refusals)
        super().__init__(
            f"{len(refusals)} mark(s) of the register were refused and nothing was recorded: "
            f"{lines}."
        )
        self.refusals = refusals
