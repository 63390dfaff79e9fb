"""Who is taught full-time at each unregistered setting (STAT-4).

A setting that gives full-time education to five or more pupils of compulsory school age (or
to one with an EHC plan or who is looked after) must be registered as an independent school
(Education Act 1996 s.463). The per-student half of that rule is checked when a plan is agreed
and when a placement starts; the head-count half needs every placement at the setting, so the
provider's record keeps a roll of its full-time pupils. A placement decision that changes the
roll also records the change on the provider, in the same transaction.

"Full-time" is the registration test's: ``PolicyParameters.registration_full_time_hours`` a
week or more at the setting (18 by default, from the DfE's guidance on registering independent
schools), not PLAN-2's school week. The record does not read dates of birth: a student counts
as of compulsory school age unless the record says otherwise (``RecordCompulsorySchoolAge``).
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from senad_ap.domain.base import Command, EventMaker, without_key
from senad_ap.domain.placement.registration import unregistered_full_time
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.provider import FullTimePupilAdmitted, FullTimePupilLeft, ProviderState
from senad_ap.domain.values import Context
from senad_ap.errors import PolicyViolationError

__all__ = ["RollChange", "full_time_roll_changes", "full_time_settings"]

RollChange = FullTimePupilAdmitted | FullTimePupilLeft


def full_time_settings(
    state: PlacementState | None, providers: Mapping[UUID, ProviderState], context: Context
) -> frozenset[UUID]:
    """The unregistered providers where this placement, while running, is taught full-time."""
    if (
        state is None
        or state.plan is None
        or state.started_on is None
        or state.ended_on
        or not state.compulsory_school_age
    ):
        return frozenset()
    return frozenset(p.id for p in unregistered_full_time(state.plan, providers, context.policy))


def full_time_roll_changes(
    before: PlacementState | None,
    after: PlacementState,
    providers: Mapping[UUID, ProviderState],
    command: Command,
    context: Context,
    *,
    refuse: bool = True,
) -> tuple[RollChange, ...]:
    """The provider events a placement decision implies, or a STAT-4 refusal. A fact about
    the student is never refused (``refuse=False``): the roll records what is so."""
    was = full_time_settings(before, providers, context)
    now = full_time_settings(after, providers, context)
    events: list[RollChange] = []
    limit = context.policy.unregistered_full_time_pupils
    for provider_id in sorted(now - was, key=str):
        provider = providers[provider_id]
        others = provider.full_time_pupils - {after.id}
        if refuse and len(others) + 1 >= limit:
            raise PolicyViolationError(
                "STAT-4",
                f"{provider.name} is not a registered school and already gives full-time "
                f"education to {len(others)} pupils; with this one it would have {limit} or "
                "more, which only a registered independent school may do.",
                after.id,
            )
        events.append(_stamp(provider, command, context, FullTimePupilAdmitted, after.id))
    for provider_id in sorted(was - now, key=str):
        events.append(_stamp(providers[provider_id], command, context, FullTimePupilLeft, after.id))
    return tuple(events)


def _stamp(
    provider: ProviderState,
    command: Command,
    context: Context,
    event_class: type[FullTimePupilAdmitted] | type[FullTimePupilLeft],
    placement_id: UUID,
) -> RollChange:
    # The idempotency key belongs to the placement's command; the placement's record answers
    # retries, so the provider's event does not carry it.
    keyless = without_key(command)
    return EventMaker(provider.id, provider.version, keyless, context)(
        event_class, placement_id=placement_id
    )
