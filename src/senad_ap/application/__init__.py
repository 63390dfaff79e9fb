"""The application layer: the embedded API over an eventsourcing store."""

from senad_ap.application.app import DEFAULT_SQLITE_FILE, AlternativeProvision, RegisterMark

__all__ = ["DEFAULT_SQLITE_FILE", "AlternativeProvision", "RegisterMark"]
