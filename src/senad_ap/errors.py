"""The project's errors: one root, a few branches, each with structured attributes.

Every refusal the library makes is one of these. A refused command records nothing.
Messages are written for a Head Teacher, not for a programmer; the attributes are for
the program that embeds the library.
"""

from __future__ import annotations

from uuid import UUID

__all__ = [
    "AlreadyRecordedError",
    "ConcurrentChangeError",
    "IdempotencyConflictError",
    "InvalidInputError",
    "LifecycleError",
    "NotAuthorisedError",
    "NotFoundError",
    "PolicyViolationError",
    "RegisterRefusedError",
    "SenadApError",
    "StoreError",
]


class SenadApError(Exception):
    """Root of every error this library raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class PolicyViolationError(SenadApError):
    """The command would break a guard rule of the policy (see RULES.md).

    ``rule_id`` names the rule (for example ``"PLAN-2"``), so a school system can show
    it and an inspector can look up the sentence of the policy behind it.
    """

    def __init__(self, rule_id: str, message: str, placement_id: UUID | None = None) -> None:
        super().__init__(f"{rule_id}: {message}")
        self.rule_id = rule_id
        self.reason = message
        self.placement_id = placement_id


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
        super().__init__(f"{rule_id}: {message}" if rule_id else message)
        self.actor_id = actor_id
        self.rule_id = rule_id
        self.reason = message
        self.placement_id = placement_id


class InvalidInputError(SenadApError, ValueError):
    """A value given to a command is missing, of the wrong kind, or out of range.

    ``field`` names the offending field where there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AlreadyRecordedError(InvalidInputError):
    """The fact is already on the record (for example a second mark for one session).

    To change a recorded fact, record a correction: the original stays on the record.
    """


class IdempotencyConflictError(InvalidInputError):
    """An idempotency key was used again for a different command."""


class NotFoundError(SenadApError, LookupError):
    """No placement, provider or school with that id is on the record."""

    def __init__(self, message: str, *, kind: str, id: UUID | str) -> None:
        super().__init__(message)
        self.kind = kind
        self.id = id


class LifecycleError(SenadApError):
    """The command does not fit where the placement is in its life cycle.

    For example: attendance before the placement started, or any decision after it ended.
    """

    def __init__(self, message: str, *, placement_id: UUID | None = None) -> None:
        super().__init__(message)
        self.placement_id = placement_id


class ConcurrentChangeError(SenadApError):
    """Someone else changed the same record at the same moment; nothing was written.

    Load the record again and retry the command (an idempotency key makes that safe).
    """


class StoreError(SenadApError):
    """The store could not be opened or used (missing file, bad setting, locked database)."""


class RegisterRefusedError(SenadApError):
    """Some marks of a day's register were refused, so none of them was recorded.

    ``refusals`` pairs the number of each refused mark in the register (counted from 1, as
    the message counts them) with its error.
    """

    def __init__(self, refusals: tuple[tuple[int, SenadApError], ...]) -> None:
        lines = "; ".join(f"mark {number}: {error}" for number, error in refusals)
        super().__init__(
            f"{len(refusals)} mark(s) of the register were refused and nothing was recorded: "
            f"{lines}"
        )
        self.refusals = refusals
