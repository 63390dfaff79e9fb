"""Provider commands: registering a provider, and the commands that make it ready for a
placement to start (COMM-3, COMM-4)."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from senad_ap.domain.provider import (
    MAX_RISK_ASSESSMENT_VALIDITY,
    AssessProviderRisk,
    ConfirmProviderRegistration,
    ProviderCommand,
    ProviderKind,
    RegisterProvider,
    RiskOutcome,
)
from senad_ap.domain.values import Actor, Role
from senad_ap.testing.values import _days, _strategy, _text_tuples, _texts, actors

__all__ = ["provider_commands", "register_provider_commands"]


@functools.cache
def _urns() -> st.SearchStrategy[str]:
    # A URN has 6 digits, a UKPRN 8.
    return st.integers(100_000, 999_999).map(str) | st.integers(10_000_000, 99_999_999).map(str)


def register_provider_commands(
    *,
    provider_id: UUID | st.SearchStrategy[UUID] | None = None,
    actor: Actor | st.SearchStrategy[Actor] | None = None,
    on: date | st.SearchStrategy[date] | None = None,
    kind: ProviderKind | st.SearchStrategy[ProviderKind] | None = None,
) -> st.SearchStrategy[RegisterProvider]:
    """``RegisterProvider`` commands (by a Head Teacher unless ``actor`` is given).

    An unregistered provider never delivers accredited education here (COMM-3 would keep it
    from ever starting a placement).
    """
    return _register_provider(
        _strategy(provider_id, st.uuids()),
        _strategy(actor, actors(role=Role.HEAD_TEACHER)),
        _days(on),
        _strategy(kind, st.sampled_from(ProviderKind)),
    )


@st.composite
def _register_provider(
    draw: st.DrawFn,
    provider_ids: st.SearchStrategy[UUID],
    actors_: st.SearchStrategy[Actor],
    days: st.SearchStrategy[date],
    kinds: st.SearchStrategy[ProviderKind],
) -> RegisterProvider:
    kind = draw(kinds)
    return RegisterProvider(
        actor=draw(actors_),
        effective_on=draw(days),
        provider_id=draw(provider_ids),
        name=draw(_texts(80)),
        kind=kind,
        delivers_accredited_education=kind is not ProviderKind.UNREGISTERED and draw(st.booleans()),
        sites=draw(_text_tuples(0, 3)),
    )


@st.composite
def provider_commands(
    draw: st.DrawFn,
    *,
    provider_id: UUID | st.SearchStrategy[UUID] | None = None,
    actor: Actor | st.SearchStrategy[Actor] | None = None,
    on: date | st.SearchStrategy[date] | None = None,
    ready_on: date | None = None,
    kind: ProviderKind | st.SearchStrategy[ProviderKind] | None = None,
) -> list[ProviderCommand]:
    """The commands that register a provider and make it ready for a placement to start.

    Registration on ``on``; its DfE registration confirmed where it delivers accredited
    education (COMM-3, and sometimes where it does not); and a satisfactory risk assessment made
    on ``on`` that is still current on ``ready_on`` (COMM-4; ``ready_on`` defaults to ``on``
    and must be within a year of it). Each command is by ``actor`` (a strategy is drawn again
    for each command), a Head Teacher by default.
    """
    actors_ = _strategy(actor, actors(role=Role.HEAD_TEACHER))
    day = draw(_days(on))
    ready = day if ready_on is None else ready_on
    if not day <= ready <= day + MAX_RISK_ASSESSMENT_VALIDITY:
        raise InvalidArgument("ready_on must be on or after the day, and within a year of it.")
    registration = draw(
        register_provider_commands(provider_id=provider_id, actor=actors_, on=day, kind=kind)
    )
    commands: list[ProviderCommand] = [registration]
    kind_ = registration.kind
    if kind_.can_be_registered and (
        registration.delivers_accredited_education or draw(st.booleans())
    ):
        commands.append(
            ConfirmProviderRegistration(
                actor=draw(actors_),
                effective_on=day,
                provider_id=registration.provider_id,
                urn=draw(_urns()),
                evidence_reference=draw(_texts(80)),
            )
        )
    latest = day + MAX_RISK_ASSESSMENT_VALIDITY
    if draw(st.booleans()):
        # An earlier, unsafe finding that the satisfactory one below replaces.
        commands.append(
            AssessProviderRisk(
                actor=draw(actors_),
                effective_on=day,
                provider_id=registration.provider_id,
                outcome=RiskOutcome.UNSATISFACTORY,
                safeguarding_policies_seen=draw(st.booleans()),
                staff_checks_confirmed_in_writing=draw(st.booleans()),
                valid_until=draw(st.dates(day + timedelta(days=1), latest)),
            )
        )
    commands.append(
        AssessProviderRisk(
            actor=draw(actors_),
            effective_on=day,
            provider_id=registration.provider_id,
            outcome=RiskOutcome.SATISFACTORY,
            safeguarding_policies_seen=True,
            staff_checks_confirmed_in_writing=True,
            valid_until=draw(st.dates(max(ready, day + timedelta(days=1)), latest)),
        )
    )
    return commands
