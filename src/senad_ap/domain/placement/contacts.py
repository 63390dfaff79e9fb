"""Contact with a placement's provider (CONTACT-1, COMM-9): who was in touch with whom, how,
when, and a note.

The policy asks the Head Teacher to "maintain on-going contact with the Alternative Provision
and student" (CONTACT-1). Each contact is an event on the placement's record; who was
contacted and the note are about the student, so both are sealed personal data, erased with
the rest at the end of retention (STAT-7). How often contact is expected is
``PolicyParameters.longest_contact_interval_weeks`` (the compliance check of CONTACT-1).
"""

from __future__ import annotations

import enum
from typing import cast
from uuid import UUID

import attrs

from senad_ap.domain.placement.commands import PlacementCommand
from senad_ap.domain.placement.events import PlacementEvent
from senad_ap.domain.validation import checked, enum_text, non_empty_text, optional_text

__all__ = ["ContactMethod", "ProviderContacted", "RecordProviderContact"]


class ContactMethod(enum.Enum):
    """How the contact was made."""

    VISIT = "a visit to the provision"
    MEETING = "a meeting"
    TELEPHONE = "a telephone call"
    VIDEO_CALL = "a video call"
    EMAIL = "email"
    OTHER = "other"


_CONTACT_METHOD_TEXT = enum_text(ContactMethod)


def _as_contact_method(value: ContactMethod | str) -> ContactMethod:
    return cast(ContactMethod, _CONTACT_METHOD_TEXT(value))


@attrs.frozen(kw_only=True)
class RecordProviderContact(PlacementCommand):
    """A contact with one of the placement's providers on ``effective_on`` (CONTACT-1)."""

    provider_id: UUID = attrs.field(validator=checked("provider id", UUID))
    method: ContactMethod = attrs.field(
        converter=_as_contact_method, validator=checked("contact method", ContactMethod)
    )
    #: Who was in contact (at the provider, the student): free text, sealed.
    contact_with: str = attrs.field(validator=non_empty_text("contact with", 300))
    note: str | None = attrs.field(default=None, validator=optional_text("note"))
    personal = ("contact_with", "note")


@attrs.frozen(slots=False, kw_only=True)
class ProviderContacted(PlacementEvent):
    """``effective_on`` is the day of the contact."""

    provider_id: UUID
    method: ContactMethod
    contact_with: str
    note: str | None
    personal = ("contact_with", "note")
    evidence_for = ("CONTACT-1", "COMM-9")
