"""Compliance findings: the gaps a placement's record shows against the ``should`` / ``will``
rules of the policy, each with the day it opens.

Guards (``must``, ``cannot``, ``will only``) refuse a command; findings do not. The decision is
recorded and this module reports what is still missing. It is pure: no clock, no I/O. A
finding's ``since`` is the first day the gap is open, and may lie in the future (a review, a
register, a risk assessment or a medical review that is due but not yet overdue). The caller
asks about a day with ``open_on``; a finding goes away once the evidence that closes it is on
the record.

Which check reports each rule (``rule_id``; in brackets, ``related_rules`` of the same gap):

==========  ============================================================================
rule        check
==========  ============================================================================
AIM-1       plan objectives cover English and mathematics, one finding per subject (QUAL-2)
AIM-2       reported with PLAN-1
AIM-3       once the first review falls due: attendance recorded, a progress review recorded
AIM-4       plan names an intended destination, unless the placement ended with one (COMM-7)
PLAN-1      needs assessed on or before the day of the plan in force (AIM-2)
PLAN-3      a plan is agreed
PLAN-4      the plan gives the EHC plan reference where the student has one
COMM-2      the student stays on the school roll
COMM-4      each outside provider of a running placement keeps a current, satisfactory risk
            assessment (a ``must`` rule: checked as a guard at the start, reported as a finding
            afterwards, when an assessment runs out and nothing can be refused)
COMM-5      progress reviews at the agreed interval (COMM-7, STAT-3)
COMM-6      attendance recorded for every session of the placement
COMM-7      reported with COMM-5 and AIM-4
COMM-8      readiness criteria where return to school is planned; readiness assessment and a
            support package when the placement ends with a return to school
COMM-9      a placement that uses providers (outside, or named in the plan) has its plan
            agreed with them
INFO-1      information shared with the local authority, parents and any outside provider
            (STAT-5 for the local authority)
INFO-3      information shared with an outside provider covers safeguarding
CONTACT-1   contact arrangements and challenge arrangements on the plan
PT-1        curriculum continuity on a plan with part-time alternative provision
PT-2        every school day covered by the weekly pattern
QUAL-1      the latest review reports progress against every objective of the plan
QUAL-2      reported with AIM-1
QUAL-3      staffing recorded for each provider of a started placement
QUAL-4      services involved recorded on the plan
LOC-2       a rationale recorded where the allied children's home is used
STAT-3      reported with COMM-5
STAT-5      reported with INFO-1 (the local authority)
STAT-6      a part-time plan under a medical exemption is reviewed by the exemption's review date
==========  ============================================================================

Choices the record leaves open:

- *The plan's date.* The state holds only the plan in force, so a gap in the plan is dated
  from that plan (its revision, else its agreement). A gap carried over a revision is then
  dated from the revision; a projection that wants the earliest date keeps the first
  ``since`` it saw for the same (``rule_id``, ``placement_id``, ``key``), which stay stable.
  PLAN-1 is dated from the first agreement: the plan was made without an assessment then.
- *Ended placements.* Nothing can be recorded after a placement ends, so a gap that opened
  while it ran stays on the record. Obligations that fall due over time (AIM-3, COMM-4, COMM-5,
  STAT-6) are reported only if they were overdue on or before the last day; attendance
  (COMM-6) is expected up to and including the last day.
- *COMM-6 calendar.* Sessions are the AM and PM of each of the current plan's school days from
  the start, within the school's recorded terms when it has recorded any (days outside every
  recorded term, including after the last one, expect no register).
- *PLAN-1* compares the plan with the latest needs assessment (the state keeps only that one):
  needs assessed again after the plan reopen the gap until the plan is revised.
- *QUAL-1* compares the latest review with the plan in force only when the review is not older
  than the plan: a plan revised after the review is covered by the next review (COMM-5).
- Providers missing from ``providers`` are not judged (COMM-4, QUAL-3).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from uuid import UUID

import attrs

from senad_ap.domain.attendance_codes import Session
from senad_ap.domain.placement.events import InformationParty, InformationScope
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.plan import SCHOOL_WEEK, ObjectiveArea, Plan, Setting
from senad_ap.domain.provider import ProviderState, RiskAssessment, RiskOutcome
from senad_ap.domain.school import SchoolState
from senad_ap.domain.values import Destination, PolicyParameters, Weekday

__all__ = [
    "Finding",
    "RegisterHint",
    "open_on",
    "placement_findings",
    "record_findings",
    "register_findings",
    "register_hint",
    "review_due",
]

_ONE_DAY = timedelta(days=1)
_WEEKDAYS = tuple(Weekday)
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_RETURN_TO_SCHOOL = frozenset({Destination.SEN_SCHOOL, Destination.MAINSTREAM_SCHOOL})
_NO_PROVIDERS: Mapping[UUID, ProviderState] = MappingProxyType({})
_DEFAULT_POLICY = PolicyParameters()


@attrs.frozen
class Finding:
    """A gap on one placement's record against one rule (RULES.md id), open from ``since``.

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


def placement_findings(
    state: PlacementState,
    *,
    providers: Mapping[UUID, ProviderState] = _NO_PROVIDERS,
    school: SchoolState | None = None,
    policy: PolicyParameters = _DEFAULT_POLICY,
    marked_before: RegisterHint | None = None,
) -> tuple[Finding, ...]:
    """Every gap the record shows, each with the day it opens, sorted by rule id and key.

    Independent of today: the caller keeps those with ``since`` on or before the day it asks
    about (``open_on``). ``providers`` are the records of the placement's providers, ``school``
    the school's record (its terms say which days have registers). A record closed by the
    erasure of the student's personal data (STAT-7) has no gaps left: nothing more can be
    recorded on it, so its findings close on the day of the erasure.

    ``marked_before``: what an earlier evaluation of the same placement found (``register_hint``
    of its findings), so that the search for the first unmarked register session (COMM-6)
    starts where that one stopped instead of at the start: marks are never removed, so the
    sessions before it are still marked. It is used only while the start, the plan's school
    days and the school's terms are those it was found with; the findings are the same either
    way.
    """
    if state.erased_on is not None:
        return ()
    found = [
        *record_findings(state, providers=providers, policy=policy),
        *register_findings(state, school=school, policy=policy, marked_before=marked_before),
    ]
    return tuple(sorted(found, key=_order))


def record_findings(
    state: PlacementState,
    *,
    providers: Mapping[UUID, ProviderState] = _NO_PROVIDERS,
    policy: PolicyParameters = _DEFAULT_POLICY,
) -> tuple[Finding, ...]:
    """The part of ``placement_findings`` that does not read the register: it stays the same
    when an attendance mark is recorded or corrected (which changes only the marks, the last
    entry, the version and the idempotency keys), so a caller may keep it across marks."""
    if state.erased_on is not None:
        return ()
    found = [
        *_before_start(state),
        *_location_gaps(state),
        *_plan_gaps(state, providers, policy),
        *_running_gaps(state, providers, policy),
    ]
    return tuple(sorted(found, key=_order))


def register_findings(
    state: PlacementState,
    *,
    school: SchoolState | None = None,
    policy: PolicyParameters = _DEFAULT_POLICY,
    marked_before: RegisterHint | None = None,
) -> tuple[Finding, ...]:
    """The part of ``placement_findings`` that reads the register: no attendance recorded in
    the first weeks (AIM-3) and the first session without a mark (COMM-6)."""
    started = state.started_on
    if state.erased_on is not None or started is None:
        return ()
    first = started
    if marked_before is not None and marked_before.key == _register_key(state, school):
        first = max(started, marked_before.day)
    return (
        *_first_attendance_gap(state, started, policy),
        *_attendance_gap(state, started, school, first),
    )


def _order(finding: Finding) -> tuple[str, str]:
    return finding.rule_id, finding.key


# --------------------------------------------------------------------------- helpers


def _day(day: date) -> str:
    # Spelt out by hand, not with strftime, so the words never depend on the locale.
    return f"{_WEEKDAYS[day.weekday()].value} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _plan_date(state: PlacementState) -> date | None:
    return state.plan_revised_on or state.plan_agreed_on


def _ran_on(state: PlacementState, day: date) -> bool:
    """The placement had not ended before ``day``: an obligation due by then still applied."""
    return state.ended_on is None or day <= state.ended_on


def _names(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; empty for none."""
    listed = list(items)
    if len(listed) < 2:
        return "".join(listed)
    return f"{', '.join(listed[:-1])} and {listed[-1]}"


def _provider_name(provider_id: UUID, providers: Mapping[UUID, ProviderState]) -> str:
    provider = providers.get(provider_id)
    return provider.name if provider is not None else f"provider {provider_id}"


def _review_interval(state: PlacementState, policy: PolicyParameters) -> timedelta:
    # STAT-3: at least half-termly; the plan's own shorter interval applies instead (COMM-5).
    longest = policy.longest_review_interval_weeks
    weeks = longest if state.plan is None else min(state.plan.review_interval_weeks, longest)
    return timedelta(weeks=weeks)


def _due(state: PlacementState, started: date, interval: timedelta) -> date:
    due = (state.last_reviewed_on or started) + interval
    if state.next_review_on is not None and state.next_review_on < due:
        due = state.next_review_on
    return due


def review_due(state: PlacementState, policy: PolicyParameters | None = None) -> date | None:
    """The day the next progress review is due (COMM-5, STAT-3), once the placement started:
    the plan's interval, or half a term when that is shorter, after the last review (or the
    start); a date the last review set instead, if earlier."""
    if state.started_on is None:
        return None
    policy = policy or PolicyParameters()
    return _due(state, state.started_on, _review_interval(state, policy))


# --------------------------------------------------------------------------- before the start


def _before_start(state: PlacementState) -> Iterator[Finding]:
    if not state.on_roll:
        yield Finding(
            "COMM-2",
            state.id,
            state.opened_on,
            f"The student was recorded as off the school roll when the placement opened on "
            f"{_day(state.opened_on)}; a student in alternative provision stays on the roll.",
        )
    if state.plan is None:
        yield Finding(
            "PLAN-3",
            state.id,
            state.opened_on,
            f"The placement opened on {_day(state.opened_on)} and no personalised plan has "
            "been agreed by the Head Teacher or a delegate.",
        )
    if state.plan_agreed_on is not None:
        latest = _plan_date(state) or state.plan_agreed_on
        assessed = state.needs_assessed_on
        if assessed is None or assessed > latest:
            when = (
                "no assessment of the student's needs is on the record"
                if assessed is None
                else f"needs were assessed only afterwards, on {_day(assessed)}; revise the "
                "plan in the light of the assessment"
            )
            yield Finding(
                "PLAN-1",
                state.id,
                state.plan_agreed_on,
                f"The plan was agreed on {_day(state.plan_agreed_on)} and {when}.",
                related_rules=("AIM-2",),
            )


# --------------------------------------------------------------------------- the plan


def _plan_gaps(
    state: PlacementState, providers: Mapping[UUID, ProviderState], policy: PolicyParameters
) -> Iterator[Finding]:
    plan, on = state.plan, _plan_date(state)
    if plan is None or on is None:
        return
    dated = f"The plan of {_day(on)}"
    areas = plan.areas()
    for subject in (ObjectiveArea.ENGLISH, ObjectiveArea.MATHEMATICS):
        if subject not in areas:
            yield Finding(
                "AIM-1",
                state.id,
                on,
                f"{dated} has no {subject.value} objective; English and mathematics should be "
                "taught, with objectives from the student's starting points.",
                key=subject.name,
                related_rules=("QUAL-2",),
            )
    if plan.intended_destination is None and state.destination is None:
        yield Finding(
            "AIM-4",
            state.id,
            on,
            f"{dated} names no intended next step after the placement (return to school, "
            "further education, training or employment).",
            related_rules=("COMM-7",),
        )
    if state.ehcp_reference is not None and plan.ehcp_reference is None:
        yield Finding(
            "PLAN-4",
            state.id,
            on,
            f"The student has an EHC plan ({state.ehcp_reference}), but the plan of "
            f"{_day(on)} is not linked to it.",
        )
    yield from _reintegration_gaps(state, plan, on)
    if (state.is_outside or state.provider_ids) and not plan.agreed_with_providers:
        names = _names(sorted(_provider_name(p, providers) for p in state.provider_ids))
        yield Finding(
            "COMM-9",
            state.id,
            on,
            f"{dated} is not recorded as agreed in writing with {names or 'the provider'}.",
        )
    for key, arrangements, missing in (
        ("contact", plan.contact_arrangements, "how staff keep in contact with the provision "
         "and the student"),
        ("challenge", plan.challenge_arrangements, "how the school challenges the provision "
         "when it falls short"),
    ):  # fmt: skip
        if arrangements is None:
            yield Finding("CONTACT-1", state.id, on, f"{dated} does not say {missing}.", key=key)
    yield from _part_time_gaps(state, plan, on, policy)
    if not plan.services_involved:
        yield Finding(
            "QUAL-4",
            state.id,
            on,
            f"{dated} records no other services working with the student (such as social "
            "care, therapy, educational psychology or CAMHS).",
        )


def _reintegration_gaps(state: PlacementState, plan: Plan, on: date) -> Iterator[Finding]:
    planned = (
        ObjectiveArea.REINTEGRATION in plan.areas()
        or plan.intended_destination in _RETURN_TO_SCHOOL
    )
    returned = state.ended_on is not None and state.destination in _RETURN_TO_SCHOOL
    if not (planned or returned):
        return
    if not state.reintegration_criteria:
        if planned:
            since, why = on, f"The plan of {_day(on)} plans a return to school"
        else:
            since = state.ended_on or on
            why = f"The placement ended on {_day(since)} with a return to school"
        yield Finding(
            "COMM-8",
            state.id,
            since,
            f"{why}, but no criteria for judging the student's readiness to return have been "
            "agreed.",
            key="criteria",
        )
    if state.ended_on is None or not returned or state.destination is None:
        return
    ended = f"The placement ended on {_day(state.ended_on)} with {state.destination.value}"
    if state.reintegration_assessment is None:
        yield Finding(
            "COMM-8",
            state.id,
            state.ended_on,
            f"{ended}, but the student's readiness to return was never assessed.",
            key="readiness assessment",
        )
    if not state.reintegration_support:
        yield Finding(
            "COMM-8",
            state.id,
            state.ended_on,
            f"{ended}, but no package of support for the return was agreed.",
            key="support package",
        )


def _part_time_gaps(
    state: PlacementState, plan: Plan, on: date, policy: PolicyParameters
) -> Iterator[Finding]:
    ap_hours = sum(
        (
            entry.hours
            for entry in plan.weekly_pattern
            if entry.setting.is_alternative_provision and entry.day in plan.school_days
        ),
        Decimal(0),
    )
    part_time = Setting.SCHOOL_CLASS in plan.settings or ap_hours < policy.full_time_hours
    if part_time and plan.curriculum_continuity is None:
        yield Finding(
            "PT-1",
            state.id,
            on,
            f"The plan of {_day(on)} gives {ap_hours} hours a week of alternative provision, "
            "part-time, but does not say how it keeps up with the student's curriculum, "
            "timetable and qualification route.",
        )
    uncovered = plan.days_not_covered()
    if uncovered:
        days = _names(day.value for day in uncovered)
        yield Finding(
            "PT-2",
            state.id,
            on,
            f"The plan of {_day(on)} has no hours in alternative provision or at school on "
            f"{days}; on days not in alternative provision the student attends school.",
        )


def _location_gaps(state: PlacementState) -> Iterator[Finding]:
    home, plan, on = Setting.ALLIED_CHILDRENS_HOME, state.plan, _plan_date(state)
    if state.location_rationale is not None:
        return
    if state.setting is home:
        since, how = state.opened_on, f"the placement opened there on {_day(state.opened_on)}"
    elif plan is not None and on is not None and home in plan.settings:
        since, how = on, f"the plan of {_day(on)} uses it"
    else:
        return
    yield Finding(
        "LOC-2",
        state.id,
        since,
        f"The allied children's home is used ({how}) with no rationale on the record for "
        "teaching a residential student there.",
    )


# --------------------------------------------------------------------------- while it runs


def _running_gaps(
    state: PlacementState, providers: Mapping[UUID, ProviderState], policy: PolicyParameters
) -> Iterator[Finding]:
    yield from _medical_review_gap(state, policy)
    started = state.started_on
    if started is None:
        return
    yield from _information_gaps(state, started)
    yield from _monitoring_gaps(state, started, policy)
    yield from _provider_gaps(state, started, providers)


def _medical_review_gap(state: PlacementState, policy: PolicyParameters) -> Iterator[Finding]:
    exemption, plan = state.medical_exemption, state.plan
    if exemption is None or plan is None or plan.weekly_hours >= policy.full_time_hours:
        return
    since = exemption.review_on + _ONE_DAY
    if _ran_on(state, since):
        yield Finding(
            "STAT-6",
            state.id,
            since,
            f"The medical exemption from full-time provision was due for review on "
            f"{_day(exemption.review_on)}, and the plan still gives {plan.weekly_hours} of "
            f"{policy.full_time_hours} hours a week; record the review (a new exemption with "
            "its next review date) or a full-time plan.",
        )


def _information_gaps(state: PlacementState, started: date) -> Iterator[Finding]:
    parties = [InformationParty.LOCAL_AUTHORITY, InformationParty.PARENTS]
    if state.is_outside:
        parties.append(InformationParty.PROVIDER)
    for party in parties:
        if party not in state.information_shared:
            yield Finding(
                "INFO-1",
                state.id,
                started,
                f"The placement started on {_day(started)} and no information sharing with "
                f"{party.value} is recorded.",
                key=party.name,
                related_rules=("STAT-5",) if party is InformationParty.LOCAL_AUTHORITY else (),
            )
    shared = state.information_scopes.get(InformationParty.PROVIDER, frozenset())
    if state.is_outside and InformationScope.SAFEGUARDING not in shared:
        yield Finding(
            "INFO-3",
            state.id,
            started,
            "The outside provider has not been given the safeguarding information it needs "
            f"about the student (the placement started on {_day(started)}).",
            key="safeguarding",
        )


def _monitoring_gaps(
    state: PlacementState, started: date, policy: PolicyParameters
) -> Iterator[Finding]:
    interval = _review_interval(state, policy)
    weeks = interval.days // 7
    if state.reviews == 0:
        yield from _nothing_recorded(state, started, interval, "progress review")
    last = state.last_reviewed_on
    due = _due(state, started, interval)
    since = due + _ONE_DAY
    if _ran_on(state, since):
        after = f"the last review on {_day(last)}" if last else f"the start on {_day(started)}"
        yield Finding(
            "COMM-5",
            state.id,
            since,
            f"A progress review was due by {_day(due)} (reviews at least every {weeks} weeks; "
            f"none is recorded since {after}).",
            related_rules=("COMM-7", "STAT-3"),
        )
    plan, on = state.plan, _plan_date(state)
    if last is not None and plan is not None and on is not None and last >= on:
        reported = set(state.last_review_references)
        missing = [reference for reference in plan.references() if reference not in reported]
        if missing:
            yield Finding(
                "QUAL-1",
                state.id,
                last,
                f"The review of {_day(last)} reports no progress against objective"
                f"{'s' if len(missing) > 1 else ''} {_names(missing)} of the plan.",
            )


@attrs.frozen
class RegisterHint:
    """Every register session of a placement before ``day`` is marked, as found with ``key``
    (its start, its plan's school days and its school's terms)."""

    day: date
    key: tuple[object, ...]


def _register_key(state: PlacementState, school: SchoolState | None) -> tuple[object, ...]:
    """What decides which days have register sessions, besides the end."""
    days = None if state.plan is None else state.plan.school_days
    return (state.id, state.started_on, days, None if school is None else school.terms)


def register_hint(
    state: PlacementState, school: SchoolState | None, findings: Iterable[Finding]
) -> RegisterHint | None:
    """Where the next evaluation of this placement may start looking for an unmarked session
    (``placement_findings(marked_before=)``): the day of the first unmarked session found."""
    for finding in findings:
        if finding.rule_id == "COMM-6":
            return RegisterHint(finding.since - _ONE_DAY, _register_key(state, school))
    return None


def _first_attendance_gap(
    state: PlacementState, started: date, policy: PolicyParameters
) -> Iterator[Finding]:
    if not state.marks:
        yield from _nothing_recorded(state, started, _review_interval(state, policy), "attendance")


def _nothing_recorded(
    state: PlacementState, started: date, interval: timedelta, key: str
) -> Iterator[Finding]:
    """AIM-3: nothing of ``key`` recorded by the first review date after the start."""
    first_due = started + interval
    since = first_due + _ONE_DAY
    if _ran_on(state, since):
        yield Finding(
            "AIM-3",
            state.id,
            since,
            f"No {key} is recorded by {_day(first_due)}, {interval.days // 7} weeks after the "
            f"placement started on {_day(started)}.",
            key=key,
        )


def _expected_days(
    state: PlacementState, started: date, school: SchoolState | None, first_day: date
) -> Iterator[date]:
    """The days with register sessions from ``first_day`` (not before the start), in order, up
    to the end (or a bound, if open-ended)."""
    plan = state.plan
    school_days = frozenset(SCHOOL_WEEK if plan is None else plan.school_days)
    end = state.ended_on
    terms = () if school is None else school.terms
    if terms:
        spans = [
            (
                max(term.starts_on, first_day),
                term.ends_on if end is None else min(term.ends_on, end),
            )
            for term in terms
        ]
    else:
        # Every 7 days hold each school day once, and a fully marked day takes two marks, so
        # within 7 * (marks // 2 + 1) days some session has no mark: the search ends there.
        spans = [(first_day, end or started + timedelta(days=7 * (len(state.marks) // 2 + 1)))]
    for first, last in spans:
        day = first
        while day <= last:
            if _WEEKDAYS[day.weekday()] in school_days:
                yield day
            day += _ONE_DAY


def _attendance_gap(
    state: PlacementState, started: date, school: SchoolState | None, first_day: date
) -> Iterator[Finding]:
    marks = state.marks
    for day in _expected_days(state, started, school, first_day):
        iso = day.isoformat()
        for session in Session:
            # The key of mark_key(day, session), without formatting the day twice.
            if f"{iso} {session.value}" not in marks:
                yield Finding(
                    "COMM-6",
                    state.id,
                    day + _ONE_DAY,
                    f"No attendance is recorded for the {session.value} session of {_day(day)}; "
                    "every session of the placement needs a register mark by the end of its "
                    "day.",
                )
                return


def _is_satisfactory(assessment: RiskAssessment) -> bool:
    return (
        assessment.outcome is RiskOutcome.SATISFACTORY
        and assessment.safeguarding_policies_seen
        and assessment.staff_checks_confirmed_in_writing
    )


def _provider_gaps(
    state: PlacementState, started: date, providers: Mapping[UUID, ProviderState]
) -> Iterator[Finding]:
    for provider_id in sorted(state.provider_ids, key=str):
        provider = providers.get(provider_id)
        if provider is None:
            continue
        if provider.staffing is None:
            yield Finding(
                "QUAL-3",
                state.id,
                started,
                f"{provider.name} has no staffing or staff qualifications on the record.",
                key=str(provider_id),
            )
        if not provider.kind.is_outside:
            continue
        assessment = provider.risk_assessment
        if assessment is None:
            since, what = started, "has never been risk assessed"
        elif not _is_satisfactory(assessment):
            since = max(assessment.assessed_on, started)
            what = (
                f"was risk assessed on {_day(assessment.assessed_on)} without showing it is "
                "safe, with safeguarding policies seen and staff checks confirmed in writing"
            )
        else:
            since = assessment.valid_until + _ONE_DAY
            what = (
                "has no risk assessment on the record after the one valid until "
                f"{_day(assessment.valid_until)}"
            )
        if _ran_on(state, since):
            yield Finding(
                "COMM-4",
                state.id,
                since,
                f"{provider.name} {what}; the student is taught there.",
                key=str(provider_id),
            )
