"""A register mark's session and code from the enum or its text, with the project's errors
(STAT-1 for a code that is not a national one); the keys that seal a register's mark texts."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from senad_ap.application.personal import PersonalData
from senad_ap.application.pupil_register import StudentIds
from senad_ap.application.records import store_errors
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement import MarkCommand, PlacementState
from senad_ap.errors import ConcurrentChangeError, InvalidInputError, PolicyViolationError

__all__ = ["MarkKeys", "code_of", "session_of"]

M = TypeVar("M", bound=MarkCommand)


class MarkKeys:
    """The students' keys that seal the texts of a day's register marks (a ``B`` activity, a
    ``Y7`` cause): read once per student and register, and only for a mark with a text, so
    an ordinary register reads no key at all."""

    def __init__(self, personal: PersonalData, student_ids: StudentIds) -> None:
        self.personal = personal
        self.student_ids = student_ids
        self.keys: dict[UUID, bytes] = {}
        self.new: dict[UUID, bytes] = {}

    def seal(self, command: M, state: PlacementState) -> M:
        """``command`` with its texts sealed with the student's key (made if new)."""
        if not PersonalData.needs_key(command):
            return command
        student_id = self.student_ids(state.school_id, state.student_reference)
        key = self.keys.get(student_id)
        if key is None:
            with store_errors():
                key = self.personal.key_of(student_id)
            if key is None:
                key = self.new[student_id] = PersonalData.new_key()
            self.keys[student_id] = key
        return self.personal.seal(command, student_id, key)

    def keep_new(self, at: datetime) -> None:
        """Keep the keys made for students met for the first time, before the save."""
        for student_id, key in self.new.items():
            with store_errors():
                kept = self.personal.keep(student_id, key, at)
            if kept != key:  # pragma: no cover - another writer kept this student's key first
                raise ConcurrentChangeError(
                    "Another writer recorded this student's first note at the same moment; "
                    "nothing was recorded. Record the register again."
                )


def session_of(value: Session | str) -> Session:
    """A register session from the enum or its text (``"AM"``, ``"PM"``)."""
    if isinstance(value, Session):
        return value
    if isinstance(value, str) and value in _SESSIONS:
        return _SESSIONS[value]
    # Only text is quoted: the repr of other junk (a list nested too deep) may not print.
    shown = repr(value) if isinstance(value, str) else type(value).__name__
    raise InvalidInputError(f"A session is 'AM' or 'PM', not {shown}.", field="session")


_SESSIONS = {session.value: session for session in Session}


def code_of(value: AttendanceCode | str) -> AttendanceCode:
    """An attendance code from the enum or its text (``"/"``, ``"I"``, ``"Y1"`` …)."""
    if isinstance(value, AttendanceCode):
        return value
    if not isinstance(value, str):
        raise InvalidInputError(
            f"An attendance code is text such as '/' or 'I', not {type(value).__name__}.",
            field="code",
        )
    try:
        return AttendanceCode(value)
    except ValueError:
        # STAT-1: only the national codes in force since 19 August 2024.
        raise PolicyViolationError(
            "STAT-1",
            f"{value!r} is not one of the national attendance codes in force since 19 August 2024.",
        ) from None
