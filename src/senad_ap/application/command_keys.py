"""Which keys seal a command's personal values: the student's, and the acting staff member's
for their own (the name and position of the person who amends a register entry, STAT-2).

A key met for the first time is made here and kept by the pipeline only once the command was
decided, so a refused command leaves the key table as it was.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from senad_ap.application.personal import PersonalData
from senad_ap.application.records import store_errors
from senad_ap.domain.base import Command
from senad_ap.domain.staff import staff_fields, staff_record_id
from senad_ap.errors import LifecycleError

__all__ = ["sealed_command"]

C = TypeVar("C", bound=Command)


def sealed_command(
    personal: PersonalData, command: C, student_id: UUID | None
) -> tuple[C, dict[UUID, bytes]]:
    """``command`` with its personal values sealed, and the keys made for it (new ones, by
    record id: the student's, the staff member's)."""
    new_keys: dict[UUID, bytes] = {}
    if student_id is None or not PersonalData.needs_key(command):
        return command, new_keys
    if staff_fields(type(command)):
        # A staff member's own data is sealed with their key, so that it outlives the
        # student's erasure and can be erased on its own (docs/personal-data.md).
        staff_id = staff_record_id(command.actor)
        try:
            staff_key = _key(personal, staff_id, new_keys)
        except LifecycleError:
            raise LifecycleError(
                f"STAT-7: the personal data of staff member {command.actor.id} was erased; "
                "nothing more can be recorded in their name.",
                rule_id="STAT-7",
            ) from None
        command = personal.seal_staff(command, staff_id, staff_key)
    key = _key(personal, student_id, new_keys)
    return personal.seal(command, student_id, key), new_keys


def _key(personal: PersonalData, record_id: UUID, new_keys: dict[UUID, bytes]) -> bytes:
    with store_errors():
        key = personal.key_of(record_id)
    if key is None:
        key = new_keys[record_id] = PersonalData.new_key()
    return key
