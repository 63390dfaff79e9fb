"""The school: who holds the Head Teacher's authority by delegation, which inspectors may read,
and the school's term dates.

COMM-1 puts responsibility for alternative provision with the Head Teacher / Head of Service;
PLAN-3 lets them delegate the plan. A delegation counts only when it is on the record, so the
school is an aggregate of its own with these decisions as events. Term dates say which days
have register sessions (COMM-6), group attendance by term, and set school time: the half terms
of the half-termly review (STAT-3) and the school weeks review intervals are counted in
(COMM-5, COMM-7). A term may be recorded whole with its half-term break, or each half term as
a term of its own; either way the half terms are the same.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, timedelta
from uuid import UUID, uuid5

import attrs

from senad_ap.domain.base import (
    ADDED_LATER,
    Command,
    Event,
    EventMaker,
    IdempotencyRecord,
    advance,
    check_effective_on,
)
from senad_ap.domain.validation import checked, non_empty_text, optional
from senad_ap.domain.values import Actor, Context, Role, mapping_field
from senad_ap.errors import InvalidInputError, NotAuthorisedError

__all__ = [
    "AppointDelegate",
    "DelegateAppointed",
    "DelegationRevoked",
    "GrantInspectorAccess",
    "InspectorAccessGranted",
    "InspectorAccessRevoked",
    "RecordTerm",
    "RevokeDelegation",
    "RevokeInspectorAccess",
    "SchoolCommand",
    "SchoolEvent",
    "SchoolState",
    "Term",
    "TermRecorded",
    "decide_school",
    "evolve_school",
    "school_aggregate_id",
]

_SCHOOLS = UUID("6d1f1c0e-8a53-4d3c-9a8e-3a4f1f0b5a11")


@functools.lru_cache(maxsize=4096)
def school_aggregate_id(school_id: str) -> UUID:
    """The school's aggregate id is derived from its id, so it needs no lookup table."""
    return uuid5(_SCHOOLS, school_id)


@attrs.frozen(slots=False, kw_only=True)
class SchoolEvent(Event):
    school_id: str


@attrs.frozen(slots=False, kw_only=True)
class DelegateAppointed(SchoolEvent):
    """A member of staff was given the Head Teacher's authority for placement decisions."""

    delegate_id: str
    evidence_for = ("COMM-1", "PLAN-3")


@attrs.frozen(slots=False, kw_only=True)
class DelegationRevoked(SchoolEvent):
    """A delegate's authority was taken back."""

    delegate_id: str


@attrs.frozen(slots=False, kw_only=True)
class InspectorAccessGranted(SchoolEvent):
    """An inspector may read the school's placements until ``until`` (inclusive)."""

    inspector_id: str
    until: date


@attrs.frozen(slots=False, kw_only=True)
class InspectorAccessRevoked(SchoolEvent):
    """An inspector's access to the school's placements was ended."""

    inspector_id: str


@attrs.frozen(slots=False, kw_only=True)
class TermRecorded(SchoolEvent):
    """A term (or half term) of the school year: its first and last day, and the first and
    last day of its half-term break if it has one (COMM-6, STAT-3, COMM-5).

    Events stored before the half-term break was recorded have neither field: they load with
    ``None`` (a term without a break), so the stored format stays readable.
    """

    name: str
    starts_on: date
    ends_on: date
    half_term_starts_on: date | None = None
    half_term_ends_on: date | None = None
    evidence_for = ("COMM-6", "STAT-3", "COMM-5")
    # Left out of the hash chain while None: terms stored before the break existed still
    # match the hashes they were stored with.
    added_later = ("half_term_starts_on", "half_term_ends_on")


@attrs.frozen
class Term:
    """A recorded term; ``half_term_starts_on`` / ``half_term_ends_on`` are the first and last
    day of its half-term break (no register, not school time), if it has one."""

    name: str
    starts_on: date
    ends_on: date
    half_term_starts_on: date | None = None
    half_term_ends_on: date | None = None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.starts_on <= day <= self.ends_on

    def halves(self) -> tuple[tuple[date, date], ...]:
        """The first and last day of each half term: the term either side of its break, or
        the whole term when it has none (a half term recorded as a term of its own)."""
        first, last = self.half_term_starts_on, self.half_term_ends_on
        if first is None or last is None:
            return ((self.starts_on, self.ends_on),)
        return (
            (self.starts_on, first - timedelta(days=1)),
            (last + timedelta(days=1), self.ends_on),
        )

    def is_school_day(self, day: date) -> bool:
        """A weekday of the term outside its half-term break."""
        return day.weekday() < 5 and any(first <= day <= last for first, last in self.halves())


@attrs.frozen
class SchoolState:
    id: UUID
    version: int
    school_id: str
    delegates: frozenset[str] = frozenset()
    inspectors: Mapping[str, date] = mapping_field()
    #: The recorded terms, in date order.
    terms: tuple[Term, ...] = ()
    idempotency: Mapping[str, IdempotencyRecord] = mapping_field()
    #: The chain hash of the record's latest event (tamper evidence).
    chain_hash: str | None = None

    def inspector_may_read(self, actor: Actor, today: date) -> bool:
        until = self.inspectors.get(actor.id)
        return actor.role is Role.INSPECTOR and until is not None and today <= until

    def half_terms(self) -> tuple[tuple[date, date], ...]:
        """The first and last day of every recorded half term, in date order (STAT-3)."""
        return tuple(half for term in self.terms for half in term.halves())

    def term_of(self, day: date) -> Term | None:
        """The recorded term ``day`` falls in, if any."""
        for term in self.terms:
            if day in term:
                return term
        return None


@attrs.frozen(kw_only=True)
class SchoolCommand(Command):
    pass


@attrs.frozen(kw_only=True)
class AppointDelegate(SchoolCommand):
    delegate_id: str = attrs.field(validator=non_empty_text("delegate id", 200))


@attrs.frozen(kw_only=True)
class RevokeDelegation(SchoolCommand):
    delegate_id: str = attrs.field(validator=non_empty_text("delegate id", 200))


@attrs.frozen(kw_only=True)
class GrantInspectorAccess(SchoolCommand):
    inspector_id: str = attrs.field(validator=non_empty_text("inspector id", 200))
    until: date = attrs.field(validator=checked("access end date", date))


@attrs.frozen(kw_only=True)
class RevokeInspectorAccess(SchoolCommand):
    inspector_id: str = attrs.field(validator=non_empty_text("inspector id", 200))


@attrs.frozen(kw_only=True)
class RecordTerm(SchoolCommand):
    """Record a term, e.g. ``name="Autumn 2025"`` with its half-term break
    (``half_term_starts_on``, ``half_term_ends_on``: its first and last day), or a half term
    on its own, e.g. ``name="Autumn 1 2025"``; terms may not overlap."""

    name: str = attrs.field(validator=non_empty_text("term name", 100))
    starts_on: date = attrs.field(validator=checked("first day of term", date))
    ends_on: date = attrs.field(validator=checked("last day of term", date))
    half_term_starts_on: date | None = attrs.field(
        default=None,
        validator=optional("first day of the half-term break", date),
        metadata={ADDED_LATER: True},
    )
    half_term_ends_on: date | None = attrs.field(
        default=None,
        validator=optional("last day of the half-term break", date),
        metadata={ADDED_LATER: True},
    )

    def __attrs_post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise InvalidInputError(
                "A term's last day cannot be before its first day.", field="ends_on"
            )
        if (self.ends_on - self.starts_on).days > 200:
            raise InvalidInputError("A term cannot be longer than 200 days.", field="ends_on")
        self._check_half_term()

    def _check_half_term(self) -> None:
        first, last = self.half_term_starts_on, self.half_term_ends_on
        if first is None and last is None:
            return
        if first is None or last is None:
            missing = "half_term_starts_on" if first is None else "half_term_ends_on"
            raise InvalidInputError(
                "A half-term break needs both its first and its last day.", field=missing
            )
        if last < first:
            raise InvalidInputError(
                "The half-term break's last day cannot be before its first day.",
                field="half_term_ends_on",
            )
        if first <= self.starts_on or last >= self.ends_on:
            raise InvalidInputError(
                "The half-term break must fall inside the term, with school days before and "
                f"after it ({self.starts_on.isoformat()} to {self.ends_on.isoformat()}).",
                field="half_term_starts_on",
            )


def _check_term(state: SchoolState | None, command: RecordTerm) -> None:
    for term in () if state is None else state.terms:
        if term.name == command.name:
            raise InvalidInputError(
                f"A term called {command.name!r} is already recorded.", field="name"
            )
        if command.starts_on <= term.ends_on and term.starts_on <= command.ends_on:
            raise InvalidInputError(
                f"The term overlaps {term.name} ({term.starts_on.isoformat()} to "
                f"{term.ends_on.isoformat()}).",
                field="starts_on",
            )


def _check_access_period(command: GrantInspectorAccess, context: Context) -> None:
    """COMM-1: an inspector's access lasts at most ``longest_inspector_access_days`` from the
    day it is granted, a year at a time. Access opens when it is recorded, whatever day it
    names, so a grant dated ahead still counts from the day it is recorded."""
    granted_on = min(command.effective_on, context.today)
    longest = context.policy.longest_inspector_access_days
    latest = granted_on + timedelta(days=longest)
    if command.until > latest:
        raise InvalidInputError(
            f"An inspector's access may be granted for at most {longest} days at a time: "
            f"the access end date {command.until.isoformat()} is after {latest.isoformat()} "
            f"({longest} days from {granted_on.isoformat()}); grant it again when it ends.",
            field="until",
        )


def decide_school(
    state: SchoolState | None, command: SchoolCommand, context: Context
) -> tuple[SchoolEvent, ...]:
    actor = command.actor
    # Term dates are school administration: the Head Teacher or a recorded delegate (COMM-1).
    delegate = (
        isinstance(command, RecordTerm)
        and actor.role is Role.SCHOOL_STAFF
        and state is not None
        and actor.id in state.delegates
    )
    # COMM-1: only the Head Teacher / Head of Service appoints delegates and lets inspectors in.
    if actor.role is not Role.HEAD_TEACHER and not delegate:
        raise NotAuthorisedError(
            "Only the Head Teacher / Head of Service can appoint delegates or grant inspectors "
            "access.",
            actor_id=actor.id,
            rule_id="COMM-1",
        )
    check_effective_on(command, context)
    school_id = actor.school_id
    event = EventMaker(
        school_aggregate_id(school_id), 0 if state is None else state.version, command, context
    )
    if isinstance(command, AppointDelegate):
        return (event(DelegateAppointed, school_id=school_id, delegate_id=command.delegate_id),)
    if isinstance(command, RevokeDelegation):
        return (event(DelegationRevoked, school_id=school_id, delegate_id=command.delegate_id),)
    if isinstance(command, GrantInspectorAccess):
        _check_access_period(command, context)
        return (
            event(
                InspectorAccessGranted,
                school_id=school_id,
                inspector_id=command.inspector_id,
                until=command.until,
            ),
        )
    if isinstance(command, RecordTerm):
        _check_term(state, command)
        return (
            event(
                TermRecorded,
                school_id=school_id,
                name=command.name,
                starts_on=command.starts_on,
                ends_on=command.ends_on,
                half_term_starts_on=command.half_term_starts_on,
                half_term_ends_on=command.half_term_ends_on,
            ),
        )
    if isinstance(command, RevokeInspectorAccess):
        return (
            event(InspectorAccessRevoked, school_id=school_id, inspector_id=command.inspector_id),
        )
    raise TypeError(f"not a school command: {type(command).__name__}")  # pragma: no cover


def evolve_school(state: SchoolState | None, event: SchoolEvent) -> SchoolState:
    if state is None:
        state = SchoolState(id=event.originator_id, version=0, school_id=event.school_id)
    state = advance(state, event)
    if isinstance(event, DelegateAppointed):
        return attrs.evolve(state, delegates=state.delegates | {event.delegate_id})
    if isinstance(event, DelegationRevoked):
        return attrs.evolve(state, delegates=state.delegates - {event.delegate_id})
    if isinstance(event, InspectorAccessGranted):
        return attrs.evolve(state, inspectors={**state.inspectors, event.inspector_id: event.until})
    if isinstance(event, InspectorAccessRevoked):
        inspectors = {k: v for k, v in state.inspectors.items() if k != event.inspector_id}
        return attrs.evolve(state, inspectors=inspectors)
    if isinstance(event, TermRecorded):
        term = Term(
            event.name,
            event.starts_on,
            event.ends_on,
            event.half_term_starts_on,
            event.half_term_ends_on,
        )
        terms = tuple(sorted((*state.terms, term), key=lambda t: t.starts_on))
        return attrs.evolve(state, terms=terms)
    return state
