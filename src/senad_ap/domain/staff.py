"""Whose key seals a staff member's own personal data: the amender of a register entry.

An amendment to an attendance entry must show the name and position of the person who made
it (STAT-2; the School Attendance (Pupil Registration) (England) Regulations 2024, SI 2024/208,
regulation 6). Those are the staff member's personal data, not the student's, so they are
sealed with a key of the staff member's own, not the student's (docs/personal-data.md):

- the student's erasure (STAT-7) leaves who amended their register readable, as it leaves the
  actor's id and role: it is the school's record of its own staff's decisions, and an
  amendment recorded long after its session must be kept 6 years from the day it was made
  (regulation 7), which the student's retention, counted from the session days, may not cover;
- an erasure of the staff member's data, if one is ever needed, destroys their key alone:
  everything they signed then reads ``[erased]``, and nothing of the students'.

The key is kept in the same key table as the students' keys, under the id below, derived
from the staff member's school, provider (for provider staff) and actor id.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from senad_ap.domain.values import Actor

__all__ = ["staff_fields", "staff_record_id"]

_STAFF = UUID("5d0c8f3a-6b1e-4c27-a9e4-2f7b1d6c9e58")


def staff_record_id(actor: Actor) -> UUID:
    """The id under which the key of ``actor``'s own personal data is kept."""
    provider = "" if actor.provider_id is None else str(actor.provider_id)
    return uuid5(_STAFF, f"{actor.school_id}\x1f{provider}\x1f{actor.id}")


def staff_fields(cls: type) -> tuple[str, ...]:
    """The personal fields of ``cls`` that are its actor's own data (sealed with the actor's
    key, not the student's): the class attribute ``staff_personal``, a part of ``personal``."""
    fields: tuple[str, ...] = getattr(cls, "staff_personal", ())
    return fields
