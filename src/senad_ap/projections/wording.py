"""Each decision on the record in plain words, and its facts as JSON, for an inspector's trail.

``describe`` writes one sentence a Head Teacher or an inspector can read without knowing the
code: enums by their own wording, dates as ISO dates, yes and no for flags, free text in
quotes, and a plan summarised rather than dumped. ``facts`` gives the same event's own facts
(everything but the fields every event carries: ids, versions, times, actor, policy version,
idempotency key) as JSON-ready values, for an export or a search index.

An event class added later, with no wording of its own yet, is still described, generically:
``"SomethingNoted: ward=north wing, ready=yes."``. The wording is chosen by the event's exact
class, so a subclass never borrows wording that would leave its own new facts out.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date
from decimal import Decimal
from typing import TypeAlias, TypeVar, cast
from uuid import UUID

import attrs
from cattrs.preconf.json import make_converter

from senad_ap.domain.arrangement import ArrangedBy
from senad_ap.domain.base import Event
from senad_ap.domain.placement.events import (
    AttendanceCorrected,
    AttendanceRecorded,
    ConsentGiven,
    ConsentWithdrawn,
    InformationShared,
    MedicalExemptionRecorded,
    NeedsAssessed,
    PlacementEnded,
    PlacementOpened,
    PlacementRecordErased,
    PlacementStarted,
    PlanAgreed,
    PlanRevised,
    ProgressReviewed,
    ReintegrationAssessed,
    ReintegrationCriteriaAgreed,
    ReintegrationSupportAgreed,
)
from senad_ap.domain.plan import ObjectiveArea, Plan, Setting
from senad_ap.domain.policy import PolicyVersionRecorded
from senad_ap.domain.school import (
    DelegateAppointed,
    DelegationRevoked,
    InspectorAccessGranted,
    InspectorAccessRevoked,
    TermRecorded,
)
from senad_ap.domain.seal import LogSealed
from senad_ap.domain.student import (
    StudentDetailsRecorded,
    StudentForgotten,
    StudentPlacementOpened,
    StudentRecorded,
)

__all__ = ["JSONValue", "describe", "event_type", "facts"]

JSONValue: TypeAlias = bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"] | None

# The fields every event carries; ``facts`` leaves them out (the trail shows them apart).
_BASE_FIELDS: frozenset[str] = frozenset(field.name for field in attrs.fields(Event))

# A converter of its own, not the storage one: what an export shows must not change when the
# stored format does (and the other way round).
_converter = make_converter()
_converter.register_unstructure_hook(UUID, str)
_converter.register_unstructure_hook(Decimal, str)

E = TypeVar("E", bound=Event)
_WORDING: dict[type[Event], Callable[[Event], str]] = {}


def event_type(event: Event) -> str:
    """The event's class name, e.g. ``"PlanAgreed"``."""
    return type(event).__name__


def facts(event: Event) -> dict[str, JSONValue]:
    """The event's own facts, by field name, as values ``json.dumps`` accepts.

    Enums by their value, dates and times as ISO text, decimals and UUIDs as text, tuples as
    lists, nested values (a plan, its objectives) as dicts of their fields. A field added
    later that the event leaves empty is left out, as the event's hash leaves it out: an old
    event's facts read as they did before the field existed.
    """
    added_later = type(event).added_later
    return {
        field.name: _json(_converter.unstructure(getattr(event, field.name)))
        for field in attrs.fields(type(event))
        if field.name not in _BASE_FIELDS
        and not (field.name in added_later and getattr(event, field.name) is None)
    }


def describe(event: Event) -> str:
    """The decision in plain words, e.g. for an attendance mark:

    ``'Attendance recorded: 2025-11-03 AM, code I (Illness (not medical or dental
    appointment)) — authorised absence.'``
    """
    wording = _WORDING.get(type(event))
    if wording is None:
        return _generic(event)
    return wording(event)


# --------------------------------------------------------------------------- plain values
def _json(value: object) -> JSONValue:
    """The converter's output, checked (and typed) as JSON; anything else as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _json(item) for key, item in value.items()}
    return str(value)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _hours(value: Decimal) -> str:
    """``Decimal("32.50")`` and ``Decimal("1E+1")`` as a person writes them: 32.5, 10."""
    text = format(value.normalize(), "f")
    return f"{text} hour" if value == 1 else f"{text} hours"


def _quoted(text: str) -> str:
    return f'"{text}"'


def _texts(items: Iterable[str], empty: str) -> str:
    quoted = [_quoted(item) for item in items]
    return ", ".join(quoted) if quoted else empty


def _values(items: Iterable[enum.Enum]) -> str:
    """Enum wordings in a list; a semicolon between them where a wording has its own comma."""
    words = [item.value for item in items]
    separator = "; " if any("," in word for word in words) else ", "
    return separator.join(str(word) for word in words)


def _note(note: str | None) -> str:
    return "" if note is None else f"; note: {_quoted(note)}"


def _plain(value: object) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return _yes(value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, str | int | float | UUID):
        return str(value)
    if isinstance(value, tuple | list | set | frozenset):
        return ", ".join(_plain(item) for item in value) or "none"
    if isinstance(value, Mapping):
        return "(" + ", ".join(f"{_plain(k)}={_plain(v)}" for k, v in value.items()) + ")"
    cls = type(value)
    if attrs.has(cls):
        inner = ", ".join(
            f"{field.name.replace('_', ' ')}={_plain(getattr(value, field.name))}"
            for field in attrs.fields(cls)
        )
        return f"({inner})"
    return str(_json(_converter.unstructure(value)))


def _generic(event: Event) -> str:
    parts = [
        f"{field.name.replace('_', ' ')}={_plain(getattr(event, field.name))}"
        for field in attrs.fields(type(event))
        if field.name not in _BASE_FIELDS
    ]
    return f"{event_type(event)}: {', '.join(parts)}." if parts else f"{event_type(event)}."


def _words(cls: type[E]) -> Callable[[Callable[[E], str]], Callable[[E], str]]:
    def register(wording: Callable[[E], str]) -> Callable[[E], str]:
        _WORDING[cls] = cast(Callable[[Event], str], wording)
        return wording

    return register


# --------------------------------------------------------------------------- the placement
# "at an outside provider", but "on the school's site", "in a side room".
_PREPOSITION = {
    Setting.ON_SITE: "",
    Setting.SIDE_ROOM_OF_CLASSROOM: "in ",
    Setting.SCHOOL_CLASS: "in ",
}


@_words(PlacementOpened)
def _opened(event: PlacementOpened) -> str:
    reason = event.reason.value
    if event.reason_detail is not None:
        reason += f", {_quoted(event.reason_detail)}"
    where = _PREPOSITION.get(event.setting, "at ") + event.setting.value
    if event.provider_id is not None:
        taught_by = "" if event.outside_delivery else ", taught by the school itself"
        where += f" (provider {event.provider_id}{taught_by})"
    text = (
        f"Placement opened for student {event.student_reference} (reason: {reason}) {where}, "
        f"location {_quoted(event.location)}; residential: {_yes(event.residential)}; "
        f"looked after: {_yes(event.looked_after)}; "
        + ("no EHC plan" if event.ehcp_reference is None else f"EHC plan {event.ehcp_reference}")
        + ("; on the school roll" if event.on_roll else "; not on the school roll")
    )
    if event.provider_id is None and event.outside_delivery:
        text += "; taught by an outside party"
    if event.location_rationale is not None:
        text += f"; why this location: {_quoted(event.location_rationale)}"
    if event.arranged_by is not None or event.arranged_under is not None:
        # Openings recorded before these facts existed have neither: the school's own.
        by = (event.arranged_by or ArrangedBy.SCHOOL).value
        power = "" if event.arranged_under is None else f" under {event.arranged_under.value}"
        text += f"; arranged by {by}{power}"
    return text + "."


@_words(NeedsAssessed)
def _needs(event: NeedsAssessed) -> str:
    areas = f"areas of need: {_values(event.areas)}" if event.areas else "no area of need named"
    barriers = _texts(event.barriers, "none recorded")
    return f"Needs assessed: {areas}; summary: {_quoted(event.summary)}; barriers: {barriers}."


def _plan(plan: Plan) -> str:
    """Objectives (count and areas), weekly hours, review interval, destination, gaps (PT-2)."""
    count = len(plan.objectives)
    areas = _values(area for area in ObjectiveArea if area in plan.areas())
    objectives = f"{count} objective{'' if count == 1 else 's'} ({areas})"
    weeks = plan.review_interval_weeks
    review = "reviewed every week" if weeks == 1 else f"reviewed every {weeks} weeks"
    destination = (
        "no intended destination"
        if plan.intended_destination is None
        else f"intended destination: {plan.intended_destination.value}"
    )
    gaps = plan.days_not_covered()
    days = f"school days not covered: {_values(gaps)}" if gaps else "every school day covered"
    return f"{objectives}; {_hours(plan.weekly_hours)} a week; {review}; {destination}; {days}"


def _plan_decision(event: PlanAgreed) -> str:
    providers = ", ".join(str(provider) for provider in event.outside_provider_ids)
    return (
        f"{_plan(event.plan)}; checked against the full-time threshold of "
        f"{_hours(event.full_time_hours)}; "
        + (f"outside providers: {providers}." if providers else "no outside providers.")
    )


@_words(PlanAgreed)
def _plan_agreed(event: PlanAgreed) -> str:
    return f"Plan agreed: {_plan_decision(event)}"


@_words(PlanRevised)
def _plan_revised(event: PlanRevised) -> str:
    return f"Plan revised (reason: {_quoted(event.reason)}): {_plan_decision(event)}"


@_words(ConsentGiven)
def _consent_given(event: ConsentGiven) -> str:
    return (
        f"Consent of {event.party.value} given by {_quoted(event.given_by)} "
        f"(evidence: {_quoted(event.evidence_reference)})."
    )


@_words(ConsentWithdrawn)
def _consent_withdrawn(event: ConsentWithdrawn) -> str:
    return f"Consent of {event.party.value} withdrawn (reason: {_quoted(event.reason)})."


@_words(InformationShared)
def _information_shared(event: InformationShared) -> str:
    scope = _values(event.scope) if event.scope else "no scope recorded"
    return f"Information shared with {event.party.value}: {scope}{_note(event.note)}."


@_words(MedicalExemptionRecorded)
def _medical_exemption(event: MedicalExemptionRecorded) -> str:
    return (
        "Medical exemption from full-time provision recorded "
        f"(evidence: {_quoted(event.evidence_reference)}); "
        f"to be reviewed on {event.review_on.isoformat()}."
    )


@_words(PlacementStarted)
def _started(event: PlacementStarted) -> str:
    return f"Placement started on {event.effective_on.isoformat()}."


@_words(AttendanceRecorded)
def _attendance(event: AttendanceRecorded) -> str:
    meaning = event.code.meaning
    return (
        f"Attendance recorded: {event.effective_on.isoformat()} {event.session.value}, "
        f"code {event.code.value} ({meaning.meaning}) — {meaning.category.value}"
        f"{_mark_texts(event)}."
    )


def _mark_texts(event: AttendanceRecorded | AttendanceCorrected) -> str:
    """A mark's texts (STAT-1): a B activity's nature and supervisor, a note."""
    said = [
        f"{label} {_quoted(text)}"
        for label, text in (
            ("activity", event.activity),
            ("supervised by", event.supervised_by),
            ("note", event.note),
        )
        if text is not None
    ]
    return "; " + "; ".join(said) if said else ""


@_words(AttendanceCorrected)
def _correction(event: AttendanceCorrected) -> str:
    # What SI 2024/208 regulation 6 asks an amendment to show (STAT-2): the original and the
    # amended entry, the reason, the date of the amendment (the day it was recorded, which
    # is not the session's day) and the name and position of the person who made it.
    amended_on = event.timestamp.astimezone(UTC).date().isoformat()
    name, position = event.amended_by_name, event.amended_by_position
    if name is None and position is None:  # recorded before they were asked for
        by = "name and position of the person who made it not recorded"
    else:
        by = (
            f"by {'name not recorded' if name is None else _quoted(name)}, "
            f"{'position not recorded' if position is None else _quoted(position)}"
        )
    return (
        f"Attendance corrected: {event.effective_on.isoformat()} {event.session.value} "
        f"from {event.original_code.value} to {event.corrected_code.value} "
        f"(reason: {_quoted(event.reason)}); amended on {amended_on}, {by}; "
        f"corrects entry version {event.corrects_version}{_mark_texts(event)}."
    )


@_words(ProgressReviewed)
def _review(event: ProgressReviewed) -> str:
    ratings = [
        f"{item.reference} {item.rating.value}"
        + ("" if item.note is None else f" ({_quoted(item.note)})")
        for item in event.progress
    ]
    return (
        "Progress reviewed "
        + ("with the provider" if event.with_provider else "without the provider")
        + f": provision {event.effectiveness.value}; "
        + (f"progress: {', '.join(ratings)}" if ratings else "no objective rated")
        + f"; next review on {event.next_review_on.isoformat()}{_note(event.note)}."
    )


@_words(ReintegrationCriteriaAgreed)
def _criteria(event: ReintegrationCriteriaAgreed) -> str:
    return f"Reintegration criteria agreed: {_texts(event.criteria, 'none listed')}."


@_words(ReintegrationAssessed)
def _reintegration(event: ReintegrationAssessed) -> str:
    readiness = "ready to return" if event.ready else "not yet ready to return"
    met = _texts(event.criteria_met, "none")
    return f"Reintegration assessed: {readiness}; criteria met: {met}{_note(event.note)}."


@_words(ReintegrationSupportAgreed)
def _support(event: ReintegrationSupportAgreed) -> str:
    return f"Reintegration support agreed: {_texts(event.support, 'none listed')}."


@_words(PlacementEnded)
def _ended(event: PlacementEnded) -> str:
    return f"Placement ended; destination: {event.destination.value}{_note(event.note)}."


# --------------------------------------------------------------------------- the school
# ``school_id`` is left out of these sentences (and the placement's): it is always the acting
# person's own school, which the trail shows with the actor.
@_words(DelegateAppointed)
def _delegate_appointed(event: DelegateAppointed) -> str:
    return f"Delegate appointed: {event.delegate_id} may act with the Head Teacher's authority."


@_words(DelegationRevoked)
def _delegation_revoked(event: DelegationRevoked) -> str:
    return (
        f"Delegation revoked: {event.delegate_id} no longer acts with the Head Teacher's authority."
    )


@_words(InspectorAccessGranted)
def _inspector_granted(event: InspectorAccessGranted) -> str:
    return (
        f"Inspector access granted: {event.inspector_id} may read the record until "
        f"{event.until.isoformat()}."
    )


@_words(InspectorAccessRevoked)
def _inspector_revoked(event: InspectorAccessRevoked) -> str:
    return f"Inspector access revoked: {event.inspector_id} may no longer read the record."


@_words(LogSealed)
def _sealed(event: LogSealed) -> str:
    return (
        f"Log sealed: {event.events} events up to position {event.last_position}, "
        f"chain head {event.head}"
        + ("." if event.signature is None else f", signed {event.signature}.")
    )


@_words(PolicyVersionRecorded)
def _policy_version(event: PolicyVersionRecorded) -> str:
    numbers = event.parameters
    return (
        f"Policy version recorded: {_quoted(numbers.version)}, ratified on "
        f"{event.ratified_on.isoformat()}, in force from {event.effective_on.isoformat()}, "
        f"review due on {event.review_due_on.isoformat()}; full-time provision "
        f"{_hours(numbers.full_time_hours)} a week, reviews at least every "
        f"{numbers.longest_review_interval_weeks} weeks."
    )


@_words(TermRecorded)
def _term(event: TermRecorded) -> str:
    breaks = [
        f"{label} {day.isoformat()}"
        for label, day in (
            ("half term from", event.half_term_starts_on),
            ("to", event.half_term_ends_on),
        )
        if day is not None
    ]
    half_term = f", {' '.join(breaks)}" if breaks else ""
    return (
        f"Term recorded: {_quoted(event.name)}, {event.starts_on.isoformat()} to "
        f"{event.ends_on.isoformat()}{half_term}."
    )


# --------------------------------------------------------------------------- the student
def _details(name: str | None, born: str | None) -> str:
    named = "name not recorded" if name is None else f"name {_quoted(name)}"
    dated = "date of birth not recorded" if born is None else f"born {born}"
    return f"{named}, {dated}"


@_words(StudentRecorded)
def _student_recorded(event: StudentRecorded) -> str:
    return (
        f"Student {event.student_reference} recorded: {_details(event.name, event.date_of_birth)}."
    )


@_words(StudentDetailsRecorded)
def _student_details(event: StudentDetailsRecorded) -> str:
    return f"Student's details recorded: {_details(event.name, event.date_of_birth)}."


@_words(StudentPlacementOpened)
def _student_placement(event: StudentPlacementOpened) -> str:
    return f"Placement {event.placement_id} opened for the student."


@_words(StudentForgotten)
def _student_forgotten(event: StudentForgotten) -> str:
    placements = ", ".join(str(p) for p in event.placement_ids) or "none"
    return (
        f"Student's personal data erased (STAT-7): retention ended {_retention(event)}; "
        f"the key that sealed the name, date of birth "
        f"and notes was destroyed; placements closed: {placements}."
    )


@_words(PlacementRecordErased)
def _placement_erased(event: PlacementRecordErased) -> str:
    return (
        f"Placement record closed: the student's personal data was erased (STAT-7; retention "
        f"ended {_retention(event)}); its decisions stay on the record."
    )


def _retention(event: PlacementRecordErased | StudentForgotten) -> str:
    """By the school year only: the day would give the date of birth away (+ 31 years)."""
    return f"in the school year {event.retention_ended_in}"


# The providers' decisions and contacts with them are worded in a module of their own, which
# registers its wordings with ``_words`` when imported: imported here, after everything it
# uses is defined, so that ``describe`` always knows them.
# The student's facts that change, and a location's rationale, are worded in their own module.
from senad_ap.projections import (  # noqa: E402
    wording_facts,  # noqa: F401
    wording_providers,  # noqa: F401
)
