"""A compliance finding, and how the checks word one: days spelt out, names listed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from uuid import UUID

import attrs

from senad_ap.domain.provider import ProviderState
from senad_ap.domain.values import Weekday

__all__ = ["Finding", "open_on"]

_WEEKDAYS = tuple(Weekday)
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@attrs.frozen
class Finding:
    """A gap on one placement's record against one rule (docs/rules.md), open from ``since``.

    ``key`` tells apart findings of one rule on one placement (for INFO-1, the party) and stays
    the same while the gap stands; ``related_rules`` are other rules the same gap breaks.
    """

    rule_id: str
    placement_id: UUID
    since: date
    detail: str
    key: str = ""
    related_rules: tuple[str, ...] = ()


def open_on(findings: Iterable[Finding], day: date) -> tuple[Finding, ...]:
    """The findings already open on ``day`` (their ``since`` is on or before it)."""
    return tuple(finding for finding in findings if finding.since <= day)


# --------------------------------------------------------------------------- wording


def _day(day: date) -> str:
    # Spelt out by hand, not with strftime, so the words never depend on the locale.
    return f"{_WEEKDAYS[day.weekday()].value} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _names(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; empty for none."""
    listed = list(items)
    if len(listed) < 2:
        return "".join(listed)
    return f"{', '.join(listed[:-1])} and {listed[-1]}"


def _provider_name(provider_id: UUID, providers: Mapping[UUID, ProviderState]) -> str:
    provider = providers.get(provider_id)
    return provider.name if provider is not None else f"provider {provider_id}"
