"""A register mark's session and code from the enum or its text, with the project's errors
(STAT-1 for a code that is not a national one)."""

from __future__ import annotations

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.errors import InvalidInputError, PolicyViolationError

__all__ = ["code_of", "session_of"]


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
