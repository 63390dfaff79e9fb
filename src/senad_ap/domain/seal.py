"""The log's seals: the head of a hash chain over every event in log order, recorded now and
then, so that an inspector can keep it and later check nothing before it was rewritten.

A seal is itself an event (``LogSealed``) of one record, the log's seal record; each seal
names the last log position it covers and the chain head up to there.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

import attrs

from senad_ap.domain.base import Event, IdempotencyRecord, advance
from senad_ap.domain.values import mapping_field

__all__ = ["SEAL_RECORD_ID", "LogSealed", "SealEvent", "SealState", "evolve_seal"]

#: The id of the one record that holds the log's seals.
SEAL_RECORD_ID = UUID("5e41ed00-0000-4000-8000-000000000001")


@attrs.frozen(slots=False, kw_only=True)
class SealEvent(Event):
    pass


@attrs.frozen(slots=False, kw_only=True)
class LogSealed(SealEvent):
    """The chain head over every event up to ``last_position`` (``events`` of them)."""

    head: str
    last_position: int
    events: int
    #: The school group's Ed25519 signature of the seal (``application.signing``), when the
    #: store was sealed with a signing key.
    signature: str | None = None
    evidence_for = ("STAT-2", "POL-1")
    added_later = ("signature",)


@attrs.frozen
class SealState:
    id: UUID
    version: int
    head: str = ""
    last_position: int = 0
    events: int = 0
    chain_hash: str | None = None
    idempotency: Mapping[str, IdempotencyRecord] = mapping_field()


def evolve_seal(state: SealState | None, event: SealEvent) -> SealState:
    state = advance(state or SealState(id=event.originator_id, version=0), event)
    if not isinstance(event, LogSealed):  # pragma: no cover - the only seal event
        return state
    return attrs.evolve(
        state, head=event.head, last_position=event.last_position, events=event.events
    )
