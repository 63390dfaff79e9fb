"""Who may decide what (COMM-1, PLAN-3), and who may read which placement.

- The Head Teacher / Head of Service, or a delegate recorded by them, takes the commissioning
  decisions: agreeing and revising plans, starting and ending placements, medical exemptions,
  reintegration criteria and support, and the provider checks behind COMM-3 and COMM-4.
- Other staff of the placement's school record facts: needs assessments, consents, information
  shared, attendance, reviews, reintegration assessments.
- Provider staff record attendance and progress only for placements at their own provider.
- Staff of one school never record or read another school's placements; inspectors read only
  what a Head Teacher has granted them, until the date the grant ends.
"""

from __future__ import annotations

import enum
from datetime import date
from uuid import UUID

import attrs

from senad_ap.domain.school import SchoolState
from senad_ap.domain.values import Actor, Role
from senad_ap.errors import NotAuthorisedError

__all__ = ["FULL_ACCESS", "Authority", "FullAccess", "Reader", "check_authority", "check_may_read"]


@attrs.frozen
class FullAccess:
    """Read every school's rows (the operator's mode: the ``senad-ap`` command)."""

    why: str = "the operator, who can open the whole store"


#: The operator's reader: every school's rows, sealed values revealed.
FULL_ACCESS = FullAccess()

#: Who reads: a person (their ``Actor``), or the operator (``FULL_ACCESS``).
Reader = Actor | FullAccess


class Authority(enum.Enum):
    """What a command needs of the person who gives it."""

    HEAD_OR_DELEGATE = "the Head Teacher / Head of Service or a recorded delegate"
    SCHOOL_STAFF = "staff of the placement's school"
    SCHOOL_OR_PROVIDER_STAFF = "staff of the school, or of the placement's provider"


def check_authority(
    actor: Actor,
    needed: Authority,
    *,
    school_id: str,
    school: SchoolState | None,
    provider_ids: frozenset[UUID] = frozenset(),
    rule_id: str = "COMM-1",
    action: str,
    placement_id: UUID | None = None,
) -> None:
    """Refuse with ``NotAuthorisedError`` unless ``actor`` may take this decision."""

    def refuse(why: str, rule: str | None = rule_id) -> NotAuthorisedError:
        return NotAuthorisedError(
            f"{actor.id} ({actor.role.value}) may not {action}: {why}.",
            actor_id=actor.id,
            rule_id=rule,
            placement_id=placement_id,
        )

    if actor.role is Role.INSPECTOR:
        raise refuse("inspectors read the record but do not change it", None)
    if actor.school_id != school_id:
        raise refuse("the placement belongs to another school", None)
    if needed is Authority.HEAD_OR_DELEGATE:
        is_delegate = (
            school is not None and school.school_id == school_id and actor.id in school.delegates
        )
        if actor.role is Role.HEAD_TEACHER or (actor.role is Role.SCHOOL_STAFF and is_delegate):
            return
        raise refuse(f"only {needed.value} can")
    if actor.role in (Role.HEAD_TEACHER, Role.SCHOOL_STAFF):
        return
    if needed is Authority.SCHOOL_OR_PROVIDER_STAFF and actor.provider_id in provider_ids:
        return
    if actor.role is Role.PROVIDER_STAFF:
        raise refuse("provider staff record only for placements at their own provider")
    raise refuse(f"only {needed.value} can")  # pragma: no cover - every role is handled above


def check_may_read(
    actor: Actor,
    *,
    school_id: str,
    school: SchoolState | None,
    provider_ids: frozenset[UUID],
    today: date,
    placement_id: UUID | None = None,
) -> None:
    """Refuse with ``NotAuthorisedError`` unless ``actor`` may read this school's placement."""
    if actor.role is Role.INSPECTOR:
        if (
            school is not None
            and school.school_id == school_id
            and school.inspector_may_read(actor, today)
        ):
            return
        reason = "no access to this school's records has been granted, or it has ended"
    elif actor.school_id != school_id:
        reason = "the placement belongs to another school"
    elif actor.role is Role.PROVIDER_STAFF and actor.provider_id not in provider_ids:
        reason = "provider staff read only placements at their own provider"
    else:
        return
    raise NotAuthorisedError(
        f"{actor.id} ({actor.role.value}) may not read "
        f"{'this record' if placement_id is None else f'placement {placement_id}'}: {reason}.",
        actor_id=actor.id,
        placement_id=placement_id,
    )
