"""Notifications made to the local authority about a placement's absence (NOTIFY-1,
NOTIFY-2): which return, the day it was made, and a reference.

The School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208),
regulation 13, ask the school to make returns to the local authority: an *attendance return*
for a pupil absent without leave for a continuous period of 10 school days or more
(NOTIFY-1), and a *sickness return* for a pupil who will miss 15 school days or more,
consecutively or cumulatively, because of sickness (NOTIFY-2). The numbers are
``PolicyParameters.continuous_absence_notification_school_days`` and
``sickness_notification_school_days``; the findings that ask for a return are in
``senad_ap.domain.compliance.absence``. A notification recorded here closes them.

The reference is the local authority's or the school's reference for the return (a form
number, a case number): it is not sealed, so it must not name the student.
"""

from __future__ import annotations

import enum
from typing import cast

import attrs

from senad_ap.domain.placement.commands import PlacementCommand
from senad_ap.domain.placement.events import PlacementEvent
from senad_ap.domain.validation import checked, enum_text, non_empty_text

__all__ = ["LocalAuthorityNotified", "NotificationKind", "RecordLocalAuthorityNotification"]


class NotificationKind(enum.Enum):
    """Which return to the local authority (SI 2024/208, regulation 13)."""

    #: An attendance return: continuous absence without leave of 10 school days or more.
    CONTINUOUS_ABSENCE = "continuous absence without leave"
    #: A sickness return: 15 school days or more missed through illness.
    SICKNESS = "sickness"

    @property
    def rule_id(self) -> str:
        """The finding this return answers."""
        return "NOTIFY-1" if self is NotificationKind.CONTINUOUS_ABSENCE else "NOTIFY-2"


_NOTIFICATION_KIND_TEXT = enum_text(NotificationKind)


def _as_notification_kind(value: NotificationKind | str) -> NotificationKind:
    return cast(NotificationKind, _NOTIFICATION_KIND_TEXT(value))


@attrs.frozen(kw_only=True)
class RecordLocalAuthorityNotification(PlacementCommand):
    """A return made to the local authority on ``effective_on`` (NOTIFY-1, NOTIFY-2)."""

    kind: NotificationKind = attrs.field(
        converter=_as_notification_kind, validator=checked("notification kind", NotificationKind)
    )
    reference: str = attrs.field(validator=non_empty_text("notification reference", 200))


@attrs.frozen(slots=False, kw_only=True)
class LocalAuthorityNotified(PlacementEvent):
    """``effective_on`` is the day the return was made."""

    kind: NotificationKind
    reference: str
    evidence_for = ("NOTIFY-1", "NOTIFY-2", "INFO-1")
