"""The placement aggregate: events, commands, state and the decider."""

from senad_ap.domain.placement.commands import *  # noqa: F403
from senad_ap.domain.placement.commands import __all__ as _commands
from senad_ap.domain.placement.contacts import *  # noqa: F403
from senad_ap.domain.placement.contacts import __all__ as _contacts
from senad_ap.domain.placement.decide import AUTHORITY, Related, decide_placement, providers_needed
from senad_ap.domain.placement.events import *  # noqa: F403
from senad_ap.domain.placement.events import __all__ as _events
from senad_ap.domain.placement.notifications import *  # noqa: F403
from senad_ap.domain.placement.notifications import __all__ as _notifications
from senad_ap.domain.placement.state import *  # noqa: F403
from senad_ap.domain.placement.state import __all__ as _state

__all__ = [
    *_commands,
    *_contacts,
    *_events,
    *_notifications,
    *_state,
    "AUTHORITY",
    "Related",
    "decide_placement",
    "providers_needed",
]
