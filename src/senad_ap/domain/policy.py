"""The school group's policy: which version is in force, with its numbers (POL-1).

Every event carries the version of the policy it was decided under (``policy_version``). The
version the code was written for (section 7, version 6: ratified December 2024, next review
December 2025) is built in, with the application's ``PolicyParameters``; a new version is
recorded on the group's one policy record (``POLICY_RECORD_ID``) as ``PolicyVersionRecorded``:
its ``PolicyParameters`` (whose ``version`` is its name), the day it was ratified, the day it
comes into force (the event's ``effective_on``: not after the day it is recorded), and the
day its review falls due.

*In force on a day* is the recorded version with the latest day of coming into force on or
before that day (of two from the same day, the one recorded later); before every recorded
version, the built-in one. A decision is taken under the version in force on the day it takes
effect, as the record stood when it was recorded: a decision back-dated to before a new
version came into force is judged by the version then in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs

from senad_ap.domain.base import (
    Command,
    Event,
    EventMaker,
    IdempotencyRecord,
    advance,
    check_dates,
)
from senad_ap.domain.validation import check_text, checked
from senad_ap.domain.values import (
    POLICY_REVIEW_DUE,
    POLICY_VERSION,
    Context,
    PolicyParameters,
    Role,
    mapping_field,
)
from senad_ap.errors import AlreadyRecordedError, InvalidInputError, NotAuthorisedError

__all__ = [
    "POLICY_RATIFIED_ON",
    "POLICY_RECORD_ID",
    "PolicyEvent",
    "PolicyState",
    "PolicyVersion",
    "PolicyVersionRecorded",
    "RecordPolicyVersion",
    "built_in_version",
    "decide_policy",
    "evolve_policy",
    "version_in_force",
]

#: The id of the one record that holds the versions of the school group's policy.
POLICY_RECORD_ID = UUID("9011c1e5-0000-4000-8000-000000000001")
#: The ratification the policy text gives for the built-in version ("December 2024"): the
#: first of the month, since the text names no day.
POLICY_RATIFIED_ON = date(2024, 12, 1)

#: The most a policy's hour counts may be: a day's hours at most a day, the rest at most a week.
_MOST_HOURS = {"max_hours_per_day": Decimal(24)}
_WEEK_HOURS = Decimal(168)
#: The numbers that are shares of possible sessions (fractions: 0.10 is 10%), not hours.
_RATES = ("persistent_absence_rate", "severe_absence_rate")


@attrs.frozen
class PolicyVersion:
    """A version of the policy: its numbers (``parameters.version`` is its name), when it was
    ratified, from when it is in force, and when its review falls due (POL-1).

    The built-in version has no ``in_force_from`` (it is in force before every recorded one);
    its ``ratified_on`` and ``review_due_on`` are known only for the text this code was written
    for (``POLICY_VERSION``).
    """

    parameters: PolicyParameters
    ratified_on: date | None
    in_force_from: date | None
    review_due_on: date | None

    @property
    def name(self) -> str:
        return self.parameters.version

    @property
    def recorded(self) -> bool:
        """True for a version on the record, False for the built-in one."""
        return self.in_force_from is not None


def built_in_version(parameters: PolicyParameters) -> PolicyVersion:
    """The version in force when none is recorded: the application's ``parameters``. Its
    review date is the policy text's (POL-1: December 2025, taken as its last day) when they
    carry the text's version name; another name has no known review date."""
    if parameters.version == POLICY_VERSION:
        return PolicyVersion(parameters, POLICY_RATIFIED_ON, None, POLICY_REVIEW_DUE)
    return PolicyVersion(parameters, None, None, None)


@attrs.frozen(slots=False, kw_only=True)
class PolicyEvent(Event):
    pass


@attrs.frozen(slots=False, kw_only=True)
class PolicyVersionRecorded(PolicyEvent):
    """A new version of the policy, in force from ``effective_on`` (POL-1)."""

    parameters: PolicyParameters
    ratified_on: date
    review_due_on: date
    evidence_for = ("POL-1",)


@attrs.frozen
class PolicyState:
    id: UUID
    version: int
    #: The recorded versions, in the order they were recorded.
    versions: tuple[PolicyVersion, ...] = ()
    idempotency: Mapping[str, IdempotencyRecord] = mapping_field()
    chain_hash: str | None = None


def version_in_force(
    state: PolicyState | None, built_in: PolicyParameters, day: date
) -> PolicyVersion:
    """The version in force on ``day``: the recorded one that came into force last on or
    before it (of two from the same day, the later recorded), else the built-in one."""
    found: PolicyVersion | None = None
    latest = date.min
    for version in () if state is None else state.versions:
        start = version.in_force_from
        if start is not None and latest <= start <= day:
            found, latest = version, start
    return found if found is not None else built_in_version(built_in)


# --------------------------------------------------------------------------- the command


def _check_parameters(_: Any, __: attrs.Attribute[Any], value: Any) -> None:
    """Every number of a new version makes sense on its own: hours more than none and no
    more than a day or a week holds, counts and periods whole numbers from 1, absence rates
    fractions above 0 and at most 1 (persistent not above severe)."""
    if not isinstance(value, PolicyParameters):
        raise InvalidInputError(
            "The policy's numbers must be PolicyParameters.", field="parameters"
        )
    # Its name, such as "section 7, version 7": text a report can show.
    check_text(value.version, "policy version's name", 200, field="parameters")
    for field in attrs.fields(PolicyParameters):
        if field.name in _RATES:
            _check_rate(field.name, getattr(value, field.name))
        elif field.name not in ("version", "earliest_date"):
            _check_number(field.name, field.default, getattr(value, field.name))
    if not isinstance(value.earliest_date, date) or isinstance(value.earliest_date, datetime):
        raise InvalidInputError("The policy's earliest date must be a date.", field="parameters")
    if value.persistent_absence_rate >= value.severe_absence_rate:
        raise InvalidInputError(
            "The policy's persistent absence rate must be below its severe absence rate: "
            "severe absence is the stronger band.",
            field="parameters",
        )


def _check_rate(name: str, rate: object) -> None:
    """A share of possible sessions: a Decimal fraction, more than 0 and at most 1."""
    if not isinstance(rate, Decimal) or not rate.is_finite() or not 0 < rate <= 1:
        words = name.replace("_", " ")
        raise InvalidInputError(
            f"The policy's {words} must be a Decimal fraction of possible sessions, more "
            "than 0 and at most 1 (0.10 is 10%).",
            field="parameters",
        )


def _check_number(name: str, default: object, number: object) -> None:
    """A number of hours (its default a Decimal) or a whole number (its default an int)."""
    words = name.replace("_", " ")
    if isinstance(default, Decimal):
        most = _MOST_HOURS.get(name, _WEEK_HOURS)
        if not isinstance(number, Decimal) or not number.is_finite() or not 0 < number <= most:
            raise InvalidInputError(
                f"The policy's {words} must be a Decimal number of hours, more than 0 and at "
                f"most {most}.",
                field="parameters",
            )
        return
    whole = isinstance(number, int) and not isinstance(number, bool) and number >= 1
    if isinstance(default, int) and not isinstance(default, bool) and not whole:
        raise InvalidInputError(
            f"The policy's {words} must be a whole number from 1.", field="parameters"
        )


@attrs.frozen(kw_only=True)
class RecordPolicyVersion(Command):
    """Record a new version of the policy, in force from ``effective_on`` (POL-1), which is
    not after the day it is recorded.

    ``parameters``: its numbers, ``parameters.version`` its name (such as "section 7, version
    7"); ``ratified_on``: the day it was ratified (not after it comes into force);
    ``review_due_on``: the day its review falls due (after the ratification).
    """

    parameters: PolicyParameters = attrs.field(validator=_check_parameters)
    ratified_on: date = attrs.field(validator=checked("day the version was ratified", date))
    review_due_on: date = attrs.field(validator=checked("day the review falls due", date))

    def __attrs_post_init__(self) -> None:
        if self.review_due_on <= self.ratified_on:
            raise InvalidInputError(
                f"A policy's review ({self.review_due_on.isoformat()}) falls due after its "
                f"ratification ({self.ratified_on.isoformat()}).",
                field="review_due_on",
            )
        if self.effective_on < self.ratified_on:
            raise InvalidInputError(
                f"A policy version cannot come into force ({self.effective_on.isoformat()}) "
                f"before it was ratified ({self.ratified_on.isoformat()}).",
                field="effective_on",
            )


def decide_policy(
    state: PolicyState | None, command: RecordPolicyVersion, context: Context
) -> tuple[PolicyEvent, ...]:
    actor = command.actor
    # POL-1, COMM-1: the policy is the school group's; the Head Teacher / Head of Service
    # records a version once it is ratified. Delegates act on placements, not on the policy.
    if actor.role is not Role.HEAD_TEACHER:
        raise NotAuthorisedError(
            f"{actor.id} ({actor.role.value}) may not record a policy version: only the Head "
            "Teacher / Head of Service can.",
            actor_id=actor.id,
            rule_id="POL-1",
        )
    # A version is recorded once it is in force (and so ratified): the day it comes into
    # force is not after the day it is recorded. Then what the record says was in force on a
    # day never changes after that day, as known or in effect (POL-1).
    check_dates(command, context)
    if command.effective_on > context.today:
        raise InvalidInputError(
            f"A policy version is recorded once it is in force; "
            f"{command.effective_on.isoformat()} is still to come.",
            field="effective_on",
        )
    name = command.parameters.version
    if state is not None and any(v.name == name for v in state.versions):
        raise AlreadyRecordedError(
            f"The policy version {name!r} is already on the record; give a new version a "
            "name of its own.",
            field="parameters",
            rule_id="POL-1",
        )
    make = EventMaker(POLICY_RECORD_ID, 0 if state is None else state.version, command, context)
    return (
        make(
            PolicyVersionRecorded,
            parameters=command.parameters,
            ratified_on=command.ratified_on,
            review_due_on=command.review_due_on,
        ),
    )


def evolve_policy(state: PolicyState | None, event: PolicyEvent) -> PolicyState:
    state = advance(state or PolicyState(id=event.originator_id, version=0), event)
    if not isinstance(event, PolicyVersionRecorded):  # pragma: no cover - the only policy event
        return state
    recorded = PolicyVersion(
        event.parameters, event.ratified_on, event.effective_on, event.review_due_on
    )
    return attrs.evolve(state, versions=(*state.versions, recorded))
