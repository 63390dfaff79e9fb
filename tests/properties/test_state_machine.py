"""Random sequences of good and bad commands keep the record sound.

A Hypothesis ``RuleBasedStateMachine`` drives ``AlternativeProvision`` with commands a school
system might send, right or wrong: the wrong person, another school's staff, an inspector,
missing consent, a part-time plan without a medical exemption, a side room of a classroom,
the children's home for a day student, a second mark for a session, a present mark after
consent was withdrawn, an expired risk assessment, ids nobody registered, reused idempotency
keys; and facts that change: a provider's kind, accreditation, sites and staffing, its DfE
registration lapsing or confirmed again, quality-assurance visits, contacts with a placement's
provider. After every step it checks:

(a) every placement that started had, when it started, the evidence its guards need, worked
    out from the stored events alone (not by asking ``decide``): an agreed plan with
    full-time hours or a medical exemption (PLAN-2), decided by the Head Teacher or a recorded
    delegate (COMM-1); for each outside setting (and the allied children's home), a current
    satisfactory risk assessment (COMM-4) and, where an outside setting delivers accredited
    education, its DfE registration, not lapsed since (COMM-3), all as the provider's facts
    stood on the day; and both consents (INFO-2);
(b) a refused command left the store exactly as it was, byte for byte;
(c) folding a record's stored events gives the state the application returned, both for the
    state a command returned and for each placement and provider as it stands;
(d) no outside placement was marked as attending on or after a withdrawal of consent that
    still stands (INFO-2), again from the stored events alone;
(e) every event carries the name of the policy version in force on its day, as the record
    stood when it was recorded (POL-1), and a start met the full-time hours of that version
    (PLAN-2, in (a)), worked out from the recorded versions alone.

The same machine runs on a SQLite file (``PlacementRecordOnSQLite``), with fewer examples.
Rules marked "macro" below make several commands in a row (a provider made ready; a placement
prepared with one piece of evidence left out, then started), so that the guards are reached
often in 40 steps.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

import attrs
import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from senad_ap import (
    POLICY_VERSION,
    Actor,
    AlternativeProvision,
    ArrangedBy,
    AttendanceCode,
    CodeCategory,
    ConsentParty,
    Destination,
    Effectiveness,
    NeedArea,
    ObjectiveProgress,
    PlacementState,
    Plan,
    PolicyParameters,
    ProgressRating,
    ProviderKind,
    ProviderState,
    Reason,
    RegisterMark,
    RiskOutcome,
    Role,
    SchoolState,
    SenadApError,
    Session,
    Setting,
    Weekday,
    WeeklyHours,
)
from senad_ap.domain.base import Command, Event
from senad_ap.domain.placement import (
    AgreePlan,
    AgreeReintegrationCriteria,
    AgreeReintegrationSupport,
    AssessNeeds,
    AssessReintegration,
    AttendanceCorrected,
    AttendanceRecorded,
    ConsentGiven,
    ConsentWithdrawn,
    CorrectAttendance,
    EndPlacement,
    GiveConsent,
    MedicalExemptionRecorded,
    NotificationKind,
    OpenPlacement,
    PlacementEnded,
    PlacementEvent,
    PlacementOpened,
    PlacementStarted,
    PlanAgreed,
    RecordAttendance,
    RecordLocalAuthorityNotification,
    RecordLocationRationale,
    RecordMedicalExemption,
    RecordProviderContact,
    ReviewProgress,
    RevisePlan,
    StartPlacement,
    StudentEhcPlanCeased,
    StudentEhcPlanIssued,
    StudentLookedAfterEnded,
    StudentLookedAfterStarted,
    StudentRollStatusRecorded,
    StudentSchoolAgeRecorded,
    WithdrawConsent,
    evolve_placement,
)
from senad_ap.domain.policy import (
    POLICY_RECORD_ID,
    PolicyState,
    PolicyVersionRecorded,
    RecordPolicyVersion,
    evolve_policy,
)
from senad_ap.domain.provider import (
    AssessProviderRisk,
    ConfirmProviderRegistration,
    ProviderAccreditationChanged,
    ProviderCommand,
    ProviderEvent,
    ProviderKindChanged,
    ProviderRegistered,
    ProviderRegistrationConfirmed,
    ProviderRegistrationLapsed,
    ProviderRiskAssessed,
    RecordProviderAccreditation,
    RecordProviderKind,
    RecordProviderRegistrationLapsed,
    RecordProviderSites,
    RecordProviderStaffing,
    RecordQualityAssuranceVisit,
    RegisterProvider,
    evolve_provider,
)
from senad_ap.domain.school import (
    AppointDelegate,
    DelegateAppointed,
    DelegationRevoked,
    RecordTerm,
    RevokeDelegation,
    SchoolEvent,
    TermRecorded,
    evolve_school,
)
from senad_ap.domain.student import StudentEvent, StudentState, evolve_student
from senad_ap.domain.student_facts import (
    RecordCompulsorySchoolAge,
    RecordEhcPlanCeased,
    RecordEhcPlanIssued,
    RecordLookedAfter,
    RecordNoLongerLookedAfter,
    RecordRollStatus,
)
from senad_ap.errors import InvalidInputError
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import (
    FixedClock,
    agree_plan_commands,
    assess_needs_commands,
    attendance_codes,
    clock_at,
    give_consent_commands,
    open_placement_commands,
    plans,
    provider_commands,
    share_information_commands,
)

NOW = datetime(2025, 7, 14, 10, 0, tzinfo=UTC)  # a Monday
FULL_TIME_HOURS = Decimal("32.5")  # the default policy's PLAN-2 threshold, stated independently
SCHOOL = "712E"
HEAD = Actor(id="head-712E", role=Role.HEAD_TEACHER, school_id=SCHOOL)
STAFF = Actor(id="staff-712E", role=Role.SCHOOL_STAFF, school_id=SCHOOL)
DELEGATE = Actor(id="deputy-712E", role=Role.SCHOOL_STAFF, school_id=SCHOOL)
STRANGER = Actor(id="head-999X", role=Role.HEAD_TEACHER, school_id="999X")
INSPECTOR = Actor(id="inspector-1", role=Role.INSPECTOR, school_id=SCHOOL)
UNKNOWN_PROVIDER = UUID("00000000-0000-4000-8000-00000000dead")

Who = Literal["head", "staff", "delegate", "provider staff", "stranger", "inspector"]
# The Head Teacher is drawn most often so that good decisions get made as well as bad ones.
WHO: st.SearchStrategy[Who] = st.sampled_from(
    (
        "head",
        "head",
        "head",
        "staff",
        "staff",
        "delegate",
        "provider staff",
        "stranger",
        "inspector",
    )
)
# Days before today; negative is the future, and now and then -400: further ahead than any
# decision may be dated.
DAYS_AGO = st.integers(-3, 25).map(lambda days: -400 if days == -3 else days)
IN_SCHOOL = (Setting.ON_SITE, Setting.ALLIED_CHILDRENS_HOME)
OUTSIDE_KINDS = (
    ProviderKind.FE_COLLEGE,
    ProviderKind.SCHOOL,
    ProviderKind.REGISTERED_INDEPENDENT,
    ProviderKind.UNREGISTERED,
)
# What a prepared placement may lack: a guard must then refuse to start it (or, for a
# part-time plan without a medical exemption, refuse the plan).
GAPS = (
    "none",
    "none",
    "none",
    "no parents' consent",
    "no authority consent",
    "no risk assessment",
    "expired risk assessment",
    "registration unconfirmed",
    "part-time plan",
    "no plan",
)
OUTSIDE_GAPS = {
    "no parents' consent",
    "no authority consent",
    "no risk assessment",
    "expired risk assessment",
    "registration unconfirmed",
}
KEYS = st.none() | st.sampled_from(("key-1", "key-2"))

Stored = tuple[int | None, tuple[tuple[int, str, int, str, bytes], ...]]
State = PlacementState | ProviderState | SchoolState | StudentState | PolicyState


# ------------------------------------------------------------------ (a) evidence, independently
@attrs.define
class _Provider:
    kind: ProviderKind
    accredited: bool
    confirmed: bool = False
    risk: ProviderRiskAssessed | None = None


@attrs.define
class _Placement:
    school_id: str
    provider_id: UUID | None
    #: Whether it used an outside party when it opened, and when its plan was last agreed
    #: (INFO-2 reads the kinds of its providers as they stood then).
    opened_outside: bool = False
    planned_outside: bool = False
    plan: Plan | None = None
    exempt: bool = False
    consents: dict[ConsentParty, bool] = attrs.Factory(dict)


def _weekly_hours(plan: Plan) -> Decimal:
    return sum(
        (entry.hours for entry in plan.weekly_pattern if entry.day in plan.school_days),
        Decimal(0),
    )


def start_evidence_gaps(events: Iterable[object]) -> list[str]:
    """What each ``PlacementStarted`` in ``events`` (in store order) lacked when recorded."""
    providers: dict[UUID, _Provider] = {}
    placements: dict[UUID, _Placement] = {}
    delegates: dict[str, set[str]] = {}
    versions: list[tuple[date, PolicyParameters]] = []
    gaps: list[str] = []
    for stored in events:
        match stored:
            case PolicyVersionRecorded():
                versions.append((stored.effective_on, stored.parameters))
            case ProviderRegistered():
                providers[stored.originator_id] = _Provider(
                    stored.kind, stored.delivers_accredited_education
                )
            case ProviderRegistrationConfirmed():
                providers[stored.originator_id].confirmed = True
            case ProviderRegistrationLapsed():
                providers[stored.originator_id].confirmed = False
            case ProviderKindChanged():
                providers[stored.originator_id].kind = stored.kind
            case ProviderAccreditationChanged():
                providers[stored.originator_id].accredited = stored.delivers_accredited_education
            case ProviderRiskAssessed():
                providers[stored.originator_id].risk = stored
            case DelegateAppointed():
                delegates.setdefault(stored.school_id, set()).add(stored.delegate_id)
            case DelegationRevoked():
                delegates.setdefault(stored.school_id, set()).discard(stored.delegate_id)
            case PlacementOpened():
                placements[stored.originator_id] = _Placement(
                    stored.school_id,
                    stored.provider_id,
                    opened_outside=_uses_outside({stored.provider_id}, providers),
                )
            case PlanAgreed():  # and PlanRevised
                placements[stored.originator_id].plan = stored.plan
                placements[stored.originator_id].planned_outside = _uses_outside(
                    {entry.provider_id for entry in stored.plan.weekly_pattern}, providers
                )
            case MedicalExemptionRecorded():
                placements[stored.originator_id].exempt = True
            case ConsentGiven() | ConsentWithdrawn():
                given = isinstance(stored, ConsentGiven)
                placements[stored.originator_id].consents[stored.party] = given
            case PlacementStarted():
                placement = placements[stored.originator_id]
                threshold = FULL_TIME_HOURS
                in_force = in_force_on(versions, stored.effective_on)
                if in_force is not None:
                    threshold = in_force.full_time_hours
                gaps += [
                    f"{stored.originator_id}: {gap}"
                    for gap in _gaps_at_start(stored, placement, providers, delegates, threshold)
                ]
    return gaps


# The kinds that are not an outside delivery party (INFO-2): the school itself and the allied
# children's home (both risk assessed but the school itself: COMM-4).
_NOT_OUTSIDE = (ProviderKind.SCHOOL_ITSELF, ProviderKind.CHILDRENS_HOME)


def _uses_outside(provider_ids: set[UUID | None], providers: dict[UUID, _Provider]) -> bool:
    return any(
        p is not None and p in providers and providers[p].kind not in _NOT_OUTSIDE
        for p in provider_ids
    )


def in_force_on(
    versions: Sequence[tuple[date, PolicyParameters]], day: date
) -> PolicyParameters | None:
    """The recorded version in force on ``day``: the one in force from the latest day on or
    before it (of one day's, the later recorded); ``None`` for the built-in version."""
    found: tuple[date, PolicyParameters] | None = None
    for start, parameters in versions:
        if start <= day and (found is None or start >= found[0]):
            found = (start, parameters)
    return None if found is None else found[1]


def wrong_policy_versions(events: Iterable[object]) -> list[str]:
    """Events (in store order) whose ``policy_version`` is not the version in force on their
    day among the versions recorded before them (POL-1)."""
    versions: list[tuple[date, PolicyParameters]] = []
    wrong: list[str] = []
    for stored in events:
        assert isinstance(stored, Event)
        in_force = in_force_on(versions, stored.effective_on)
        expected = POLICY_VERSION if in_force is None else in_force.version
        if stored.policy_version != expected:
            wrong.append(f"{type(stored).__name__} {stored.policy_version!r} not {expected!r}")
        if isinstance(stored, PolicyVersionRecorded):
            versions.append((stored.effective_on, stored.parameters))
    return wrong


def _gaps_at_start(
    started: PlacementStarted,
    placement: _Placement,
    providers: dict[UUID, _Provider],
    delegates: dict[str, set[str]],
    full_time_hours: Decimal,
) -> list[str]:
    gaps: list[str] = []
    actor = started.actor
    may_commission = actor.school_id == placement.school_id and (
        actor.role is Role.HEAD_TEACHER
        or (
            actor.role is Role.SCHOOL_STAFF
            and actor.id in delegates.get(placement.school_id, set())
        )
    )
    if not may_commission:
        gaps.append(f"COMM-1: started by {actor.id} ({actor.role.value})")
    plan = placement.plan
    if plan is None:
        return [*gaps, "PLAN-2: no plan agreed"]
    if _weekly_hours(plan) < full_time_hours and not placement.exempt:
        gaps.append(f"PLAN-2: {_weekly_hours(plan)} hours and no medical exemption")
    used = {entry.provider_id for entry in plan.weekly_pattern if entry.provider_id is not None}
    if placement.provider_id is not None:
        used.add(placement.provider_id)
    day = started.effective_on
    for provider_id in sorted(used, key=str):
        provider = providers.get(provider_id)
        if provider is None:
            gaps.append(f"provider {provider_id} is not registered")
            continue
        if provider.kind is ProviderKind.SCHOOL_ITSELF:
            continue
        registrable = provider.kind in (
            ProviderKind.FE_COLLEGE,
            ProviderKind.SCHOOL,
            ProviderKind.REGISTERED_INDEPENDENT,
        )
        if (
            provider.kind not in _NOT_OUTSIDE
            and provider.accredited
            and not (registrable and provider.confirmed)
        ):
            gaps.append(f"COMM-3: {provider_id} delivers accredited education, unconfirmed")
        risk = provider.risk
        safe = (
            risk is not None
            and risk.outcome is RiskOutcome.SATISFACTORY
            and risk.safeguarding_policies_seen
            and risk.staff_checks_confirmed_in_writing
            and risk.effective_on <= day <= risk.valid_until
        )
        if not safe:
            gaps.append(f"COMM-4: {provider_id} has no current satisfactory risk assessment")
    if placement.opened_outside or placement.planned_outside:
        missing = [party for party in ConsentParty if not placement.consents.get(party, False)]
        if missing:
            gaps.append(f"INFO-2: no consent from {missing}")
    return gaps


_ATTENDING = (CodeCategory.PRESENT, CodeCategory.ATTENDING_APPROVED_ACTIVITY)
# A placement is suspended from the earliest withdrawal of consent still standing: ``min``
# (the library once took the latest, which let "present" marks through for the days between
# two withdrawals; this machine found it).
SUSPENDED_SINCE = min


def marks_while_suspended(events: Iterable[object]) -> list[str]:
    """Attending marks recorded for a day on or after an outstanding withdrawal of consent
    at a placement that uses an outside provider (INFO-2), from the stored events alone."""
    kinds: dict[UUID, ProviderKind] = {}
    opened_at: dict[UUID, set[UUID]] = {}
    planned_at: dict[UUID, set[UUID]] = {}
    withdrawn: dict[UUID, dict[ConsentParty, date]] = {}
    found: list[str] = []
    for stored in events:
        match stored:
            case ProviderRegistered() | ProviderKindChanged():
                kinds[stored.originator_id] = stored.kind
            case PlacementOpened():
                # The outside parties it used as their kinds stood then (as the library does).
                provider = stored.provider_id
                opened_at[stored.originator_id] = {
                    p for p in (provider,) if p in kinds and kinds[p] not in _NOT_OUTSIDE
                }
                planned_at[stored.originator_id] = set()
                withdrawn[stored.originator_id] = {}
            case PlanAgreed():  # and PlanRevised
                planned_at[stored.originator_id] = {
                    entry.provider_id
                    for entry in stored.plan.weekly_pattern
                    if entry.provider_id is not None
                    and entry.provider_id in kinds
                    and kinds[entry.provider_id] not in _NOT_OUTSIDE
                }
            case ConsentWithdrawn():
                withdrawn[stored.originator_id][stored.party] = stored.effective_on
            case ConsentGiven():
                withdrawn[stored.originator_id].pop(stored.party, None)
            case AttendanceRecorded() | AttendanceCorrected():
                placement = stored.originator_id
                code = (
                    stored.code if isinstance(stored, AttendanceRecorded) else stored.corrected_code
                )
                since = SUSPENDED_SINCE(withdrawn[placement].values(), default=None)
                used = opened_at[placement] | planned_at[placement]
                if (
                    used
                    and since is not None
                    and stored.effective_on >= since
                    and code.meaning.category in _ATTENDING
                ):
                    found.append(f"{placement}: {code.value} on {stored.effective_on}")
    return found


REGISTRATION_HOURS = Decimal("18")  # STAT-4's registration test, stated independently


def marks_at_unregistered_full_time_settings(events: Iterable[object]) -> list[str]:
    """Present marks for a day on or after a student's EHC plan or looked-after fact, at a
    placement whose plan in force gave ``REGISTRATION_HOURS`` or more at an unregistered
    setting (STAT-4), from the stored events alone."""
    unregistered: set[UUID] = set()
    protected_from: dict[UUID, dict[str, date]] = {}
    hours_there: dict[UUID, Decimal] = {}
    of_age: dict[UUID, bool] = {}
    found: list[str] = []
    for stored in events:
        match stored:
            case ProviderRegistered() if stored.kind is ProviderKind.UNREGISTERED:
                unregistered.add(stored.originator_id)
            case PlacementOpened():
                facts = protected_from[stored.originator_id] = {}
                if stored.ehcp_reference is not None:
                    facts["EHC plan"] = stored.effective_on
                if stored.looked_after:
                    facts["looked after"] = stored.effective_on
                of_age[stored.originator_id] = True
            case PlanAgreed():  # and PlanRevised
                plan = stored.plan
                hours_there[stored.originator_id] = max(
                    (plan.hours_at(p) for p in plan.provider_ids if p in unregistered),
                    default=Decimal(0),
                )
                if plan.ehcp_reference is not None:
                    protected_from[stored.originator_id].setdefault(
                        "plan's EHC plan", stored.effective_on
                    )
            case StudentEhcPlanIssued():
                protected_from[stored.originator_id]["EHC plan"] = stored.effective_on
            case StudentEhcPlanCeased():
                protected_from[stored.originator_id].pop("EHC plan", None)
            case StudentLookedAfterStarted():
                protected_from[stored.originator_id]["looked after"] = stored.effective_on
            case StudentLookedAfterEnded():
                protected_from[stored.originator_id].pop("looked after", None)
            case StudentSchoolAgeRecorded():
                of_age[stored.originator_id] = stored.compulsory_school_age
            case AttendanceRecorded() | AttendanceCorrected():
                placement = stored.originator_id
                code = (
                    stored.code if isinstance(stored, AttendanceRecorded) else stored.corrected_code
                )
                since = min(protected_from[placement].values(), default=None)
                if (
                    of_age[placement]
                    and since is not None
                    and stored.effective_on >= since
                    and hours_there.get(placement, Decimal(0)) >= REGISTRATION_HOURS
                    and code.meaning.category in _ATTENDING
                ):
                    found.append(f"{placement}: {code.value} on {stored.effective_on}")
    return found


def marks_that_do_not_fit(events: Iterable[object]) -> list[str]:
    """STAT-1, from the stored events alone: a K mark only on a placement the local authority
    arranged; B only on one the school arranged, with its activity and supervisor; D only
    while dual registered; X only when not of compulsory school age; Y7 only with its cause.
    (The texts are sealed in the store: present or not is what shows.)"""
    arranged: dict[UUID, ArrangedBy] = {}
    dual: dict[UUID, list[tuple[date, bool]]] = {}
    of_age: dict[UUID, list[tuple[date, bool]]] = {}

    def on_day(changes: list[tuple[date, bool]], day: date, before: bool) -> bool:
        value = before
        for changed_on, fact in changes:
            if changed_on <= day:
                value = fact
        return value

    found = []
    for stored in events:
        match stored:
            case PlacementOpened():
                arranged[stored.originator_id] = stored.arranged_by or ArrangedBy.SCHOOL
            case StudentRollStatusRecorded():
                dual.setdefault(stored.originator_id, []).append(
                    (stored.effective_on, stored.dual_registered_with is not None)
                )
            case StudentSchoolAgeRecorded():
                of_age.setdefault(stored.originator_id, []).append(
                    (stored.effective_on, stored.compulsory_school_age)
                )
            case AttendanceRecorded() | AttendanceCorrected():
                placement, day = stored.originator_id, stored.effective_on
                code = (
                    stored.code if isinstance(stored, AttendanceRecorded) else stored.corrected_code
                )
                fits = {
                    AttendanceCode.LOCAL_AUTHORITY_PROVISION: arranged[placement]
                    is ArrangedBy.LOCAL_AUTHORITY,
                    AttendanceCode.APPROVED_EDUCATIONAL_ACTIVITY: arranged[placement]
                    is ArrangedBy.SCHOOL
                    and stored.activity is not None
                    and stored.supervised_by is not None,
                    AttendanceCode.DUAL_REGISTERED: on_day(dual.get(placement, []), day, False),
                    AttendanceCode.NOT_REQUIRED_TO_ATTEND: not on_day(
                        of_age.get(placement, []), day, True
                    ),
                    AttendanceCode.OTHER_UNAVOIDABLE_CAUSE: stored.note is not None,
                }.get(code, True)
                if not fits:
                    found.append(f"{placement}: {code.value} on {day}")
    return found


# ------------------------------------------------------------------ the machine
class PlacementRecordMachine(RuleBasedStateMachine):
    """Good and bad commands, in any order, against one application and its store."""

    placements: Bundle[UUID] = Bundle("placements")
    providers: Bundle[UUID] = Bundle("providers")

    def __init__(self) -> None:
        super().__init__()
        self.clock: FixedClock = clock_at(NOW)
        self.app = self.open_application()
        self.placement_schools: dict[UUID, str] = {}
        self.provider_ids: list[UUID] = []
        self.ready_provider_ids: list[UUID] = []
        self.last_command: Command | None = None
        self.last_marks: dict[UUID, RecordAttendance] = {}
        self.started: list[UUID] = []
        self.decoded: dict[int, tuple[bytes, object]] = {}

    def open_application(self) -> AlternativeProvision:
        return AlternativeProvision.in_memory(clock=self.clock)

    def teardown(self) -> None:
        self.app.close()

    # -------------------------------------------------------------- helpers
    @property
    def today(self) -> date:
        return self.clock.today

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def actor(self, who: Who, placement_id: UUID | None = None) -> Actor:
        if who == "provider staff":
            provider_id = UNKNOWN_PROVIDER
            state = self.placement(placement_id)
            if state is not None and state.provider_ids:
                provider_id = sorted(state.provider_ids, key=str)[0]
            elif self.provider_ids:
                provider_id = self.provider_ids[0]
            return Actor(
                id="tutor-1", role=Role.PROVIDER_STAFF, school_id=SCHOOL, provider_id=provider_id
            )
        return {
            "head": HEAD,
            "staff": STAFF,
            "delegate": DELEGATE,
            "stranger": STRANGER,
            "inspector": INSPECTOR,
        }[who]

    def placement(self, placement_id: UUID | None) -> PlacementState | None:
        school = self.placement_schools.get(placement_id) if placement_id else None
        if placement_id is None or school is None:
            return None
        reader = attrs.evolve(HEAD, school_id=school)
        return self.app.get_placement(placement_id, reader=reader)

    def stored(self) -> Stored:
        recorder: Any = self.app.recorder
        notifications = recorder.select_notifications(start=1, limit=1_000_000)
        return (
            recorder.max_notification_id(),
            tuple(
                (n.id, str(n.originator_id), n.originator_version, n.topic, bytes(n.state))
                for n in notifications
            ),
        )

    def stored_events(self) -> list[object]:
        """Every stored event, in the order it was recorded (decoded once, then remembered)."""
        recorder: Any = self.app.recorder
        events: list[object] = []
        for notification in recorder.select_notifications(start=1, limit=1_000_000):
            stored = bytes(notification.state)
            known = self.decoded.get(notification.id)
            if known is None or known[0] != stored:
                known = (stored, self.app.mapper.to_domain_event(notification))
                self.decoded[notification.id] = known
            events.append(known[1])
        return events

    def run(self, command: Command) -> State | None:
        """Execute; on a refusal check (b) and return None, else check (c) for the result."""
        self.last_command = command
        before = self.stored()
        try:
            result = self.app.execute(command)
        except SenadApError as error:
            event(f"{type(command).__name__}: refused ({type(error).__name__})")
            assert self.stored() == before
            return None
        event(f"{type(command).__name__}: recorded")
        self.check_returned(result)
        return result

    def check_returned(self, result: State) -> None:
        if isinstance(result, StudentState):
            events = self.app.events_of(result.id, reader=FULL_ACCESS)
            folded = fold_student(e for e in events if e.originator_version <= result.version)
            assert self.app.reveal(folded) == result
        elif isinstance(result, PlacementState):
            reader = attrs.evolve(HEAD, school_id=result.school_id)
            history = self.app.placement_history(result.id, reader=reader)
            assert fold_placement(e for e in history if e.originator_version <= result.version) == (
                result
            )
        elif isinstance(result, ProviderState):
            events = self.app.provider_history(result.id, reader=HEAD)
            assert fold_provider(e for e in events if e.originator_version <= result.version) == (
                result
            )
        elif isinstance(result, SchoolState):
            school: SchoolState | None = None
            for school_event in self.app.events_of(result.id, reader=FULL_ACCESS):
                if school_event.originator_version <= result.version:
                    assert isinstance(school_event, SchoolEvent)
                    school = evolve_school(school, school_event)
            assert school == result
        elif isinstance(result, PolicyState):
            state: PolicyState | None = None
            for stored in self.app.events_of(POLICY_RECORD_ID, reader=FULL_ACCESS)[
                : result.version
            ]:
                assert isinstance(stored, PolicyVersionRecorded)
                state = evolve_policy(state, stored)
            assert state == result

    def created(self, result: State | None, new_id: UUID) -> Any:
        return new_id if result is not None else multiple()

    # -------------------------------------------------------------- school and providers
    @initialize()
    def nothing_recorded_yet(self) -> None:
        assert self.stored() == (None, ())

    @rule(who=WHO, days_ago=DAYS_AGO)
    def appoint_delegate(self, who: Who, days_ago: int) -> None:
        self.run(
            AppointDelegate(
                actor=self.actor(who), effective_on=self.day(days_ago), delegate_id=DELEGATE.id
            )
        )

    @rule(who=WHO, days_ago=DAYS_AGO)
    def revoke_delegation(self, who: Who, days_ago: int) -> None:
        self.run(
            RevokeDelegation(
                actor=self.actor(who), effective_on=self.day(days_ago), delegate_id=DELEGATE.id
            )
        )

    @rule(
        who=WHO,
        name=st.sampled_from(("Autumn", "Spring", "Summer", "Extra")),
        starts_ago=st.integers(0, 150),
        length=st.integers(1, 100),
        half_term=st.none() | st.tuples(st.integers(-3, 100), st.integers(-2, 9)),
        days_ago=DAYS_AGO,
    )
    def record_term(
        self,
        who: Who,
        name: str,
        starts_ago: int,
        length: int,
        half_term: tuple[int, int] | None,
        days_ago: int,
    ) -> None:
        """A term, most with a half-term break (STAT-3, COMM-5, COMM-6); some overlap another
        or put the break outside the term, and are refused."""
        starts_on = self.day(starts_ago)
        first = last = None
        if half_term is not None:
            first = starts_on + timedelta(days=half_term[0])
            last = first + timedelta(days=half_term[1])
        try:
            command = RecordTerm(
                actor=self.actor(who),
                effective_on=self.day(days_ago),
                name=name,
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=length),
                half_term_starts_on=first,
                half_term_ends_on=last,
            )
        except InvalidInputError:
            event("RecordTerm: bad input refused")
            return
        self.run(command)

    @rule(
        target=providers,
        provider_id=st.uuids(),
        kind=st.sampled_from(ProviderKind),
        accredited=st.booleans(),
        who=WHO,
        days_ago=DAYS_AGO,
    )
    def register_provider(
        self, provider_id: UUID, kind: ProviderKind, accredited: bool, who: Who, days_ago: int
    ) -> Any:
        result = self.run(
            RegisterProvider(
                actor=self.actor(who),
                effective_on=self.day(days_ago),
                provider_id=provider_id,
                name=f"{kind.value} {str(provider_id)[:4]}",
                kind=kind,
                delivers_accredited_education=accredited,
            )
        )
        if result is not None:
            self.provider_ids.append(provider_id)
        return self.created(result, provider_id)

    @rule(target=providers, data=st.data(), days_ago=st.integers(20, 40))
    def register_a_ready_provider(self, data: st.DataObject, days_ago: int) -> Any:
        """Macro: registered, confirmed where it can be, assessed safe before most placements."""
        commands = data.draw(
            provider_commands(
                actor=HEAD, on=self.day(days_ago), ready_on=self.today + timedelta(days=30)
            )
        )
        results = [self.run(command) for command in commands]
        provider_id: UUID = commands[0].provider_id  # type: ignore[attr-defined]
        if results[0] is not None:
            self.provider_ids.append(provider_id)
            if None not in results:
                self.ready_provider_ids.append(provider_id)
        return self.created(results[0], provider_id)

    @rule(provider=providers, who=WHO, days_ago=DAYS_AGO)
    def confirm_registration(self, provider: UUID, who: Who, days_ago: int) -> None:
        self.run(
            ConfirmProviderRegistration(
                actor=self.actor(who),
                effective_on=self.day(days_ago),
                provider_id=provider,
                urn="130456",
                evidence_reference="DfE register checked",
            )
        )

    @rule(
        provider=providers,
        who=WHO,
        outcome=st.sampled_from(RiskOutcome),
        seen=st.booleans(),
        checked=st.booleans(),
        days_ago=st.integers(0, 40),
        valid_for=st.integers(1, 366),
    )
    def assess_provider_risk(
        self,
        provider: UUID,
        who: Who,
        outcome: RiskOutcome,
        seen: bool,
        checked: bool,
        days_ago: int,
        valid_for: int,
    ) -> None:
        on = self.day(days_ago)
        self.run(
            AssessProviderRisk(
                actor=self.actor(who),
                effective_on=on,
                provider_id=provider,
                outcome=outcome,
                safeguarding_policies_seen=seen,
                staff_checks_confirmed_in_writing=checked,
                valid_until=on + timedelta(days=valid_for),
            )
        )

    @rule(
        provider=providers,
        who=WHO,
        fact=st.sampled_from(("kind", "accreditation", "sites", "staffing", "lapse", "visit")),
        data=st.data(),
        days_ago=DAYS_AGO,
    )
    def record_provider_fact(
        self, provider: UUID, who: Who, fact: str, data: st.DataObject, days_ago: int
    ) -> None:
        """A fact about the provider that changed, or a quality-assurance visit (COMM-3,
        COMM-9, QUAL-3, STAT-4): recorded whatever it breaks, refused only for bad input, the
        wrong person, or no change."""
        base: dict[str, Any] = {
            "actor": self.actor(who),
            "effective_on": self.day(days_ago),
            "provider_id": provider,
        }
        command: ProviderCommand
        if fact == "kind":
            command = RecordProviderKind(**base, kind=data.draw(st.sampled_from(ProviderKind)))
        elif fact == "accreditation":
            command = RecordProviderAccreditation(
                **base, delivers_accredited_education=data.draw(st.booleans())
            )
        elif fact == "sites":
            command = RecordProviderSites(**base, sites=("Main site", "Annexe"))
        elif fact == "staffing":
            command = RecordProviderStaffing(**base, staffing="Two qualified teachers (QTS)")
        elif fact == "lapse":
            command = RecordProviderRegistrationLapsed(**base, evidence_reference="GIAS")
        else:
            command = RecordQualityAssuranceVisit(
                **base,
                effectiveness=data.draw(st.sampled_from(Effectiveness)),
                summary="Lessons observed",
            )
        self.run(command)

    @rule(placement=placements, who=WHO, data=st.data(), days_ago=DAYS_AGO)
    def record_provider_contact(
        self, placement: UUID, who: Who, data: st.DataObject, days_ago: int
    ) -> None:
        """A contact with one of the placement's providers (or another) (CONTACT-1)."""
        state = self.placement(placement)
        own = sorted(state.provider_ids, key=str) if state is not None else []
        provider_id = data.draw(st.sampled_from([*own, UNKNOWN_PROVIDER]))
        self.run(
            RecordProviderContact(
                actor=self.actor(who, placement),
                effective_on=self.day(days_ago),
                placement_id=placement,
                provider_id=provider_id,
                method="a telephone call",
                contact_with="the AP coordinator",
                note=data.draw(st.none() | st.just("Settled this week")),
            )
        )

    @rule(
        placement=placements,
        who=WHO,
        days_ago=DAYS_AGO,
        kind=st.sampled_from(tuple(NotificationKind)),
    )
    def record_local_authority_notification(
        self, placement: UUID, who: Who, days_ago: int, kind: NotificationKind
    ) -> None:
        """A return made to the local authority (NOTIFY-1, NOTIFY-2)."""
        self.run(
            RecordLocalAuthorityNotification(
                actor=self.actor(who, placement),
                effective_on=self.day(days_ago),
                placement_id=placement,
                kind=kind,
                reference="LA return 2026/14",
            )
        )

    # -------------------------------------------------------------- opening and planning
    @rule(
        target=placements,
        placement_id=st.uuids(),
        setting=st.sampled_from(
            (Setting.ON_SITE, Setting.SIDE_ROOM_OF_CLASSROOM, Setting.ALLIED_CHILDRENS_HOME)
        ),
        residential=st.booleans(),
        who=WHO,
        days_ago=DAYS_AGO,
        provider=st.none() | st.none() | providers,
    )
    def open_placement_in_school(
        self,
        placement_id: UUID,
        setting: Setting,
        residential: bool,
        who: Who,
        days_ago: int,
        provider: UUID | None,
    ) -> Any:
        # The school's own provision and the allied children's home may name their provider
        # records, of their own kinds (another kind is refused when decided); a side room never
        # names one.
        return self.open(
            OpenPlacement(
                actor=self.actor(who),
                effective_on=self.day(days_ago),
                placement_id=placement_id,
                student_reference="STU-0001",
                reason=Reason.ANXIETY,
                setting=setting,
                location="Room 4",
                residential=residential,
                provider_id=None if setting is Setting.SIDE_ROOM_OF_CLASSROOM else provider,
            )
        )

    @rule(
        target=placements,
        placement_id=st.uuids(),
        provider=providers | st.just(UNKNOWN_PROVIDER),
        ehcp=st.none() | st.just("EHCP-1"),
        looked_after=st.booleans(),
        who=WHO,
        days_ago=DAYS_AGO,
    )
    def open_placement_at_provider(
        self,
        placement_id: UUID,
        provider: UUID,
        ehcp: str | None,
        looked_after: bool,
        who: Who,
        days_ago: int,
    ) -> Any:
        return self.open(
            OpenPlacement(
                actor=self.actor(who),
                effective_on=self.day(days_ago),
                placement_id=placement_id,
                student_reference="STU-0002",
                reason=Reason.ANXIETY,
                setting=Setting.OUTSIDE_PROVIDER,
                location="At the provider",
                residential=False,
                looked_after=looked_after,
                ehcp_reference=ehcp,
                provider_id=provider,
            )
        )

    def open(self, command: OpenPlacement) -> Any:
        result = self.run(command)
        if result is not None:
            self.placement_schools[command.placement_id] = command.actor.school_id
        return self.created(result, command.placement_id)

    @rule(
        target=placements,
        data=st.data(),
        days_ago=st.integers(0, 20),
        gap=st.sampled_from(GAPS),
        outside=st.booleans(),
    )
    def prepare_a_placement(
        self, data: st.DataObject, days_ago: int, gap: str, outside: bool
    ) -> Any:
        """Macro: open, assess needs, agree a plan, record consents, with ``gap`` left out."""
        placement_id = self.prepare(data, self.day(days_ago), gap, outside)
        return multiple() if placement_id is None else placement_id

    @rule(
        target=placements,
        data=st.data(),
        days_ago=st.integers(0, 20),
        gap=st.sampled_from(GAPS),
        outside=st.booleans(),
    )
    def prepare_and_commission_a_placement(
        self, data: st.DataObject, days_ago: int, gap: str, outside: bool
    ) -> Any:
        """As ``prepare_a_placement``, then the Head Teacher (or the delegate) starts it: a
        start that one of the guards must refuse unless ``gap`` is ``"none"``."""
        on = self.day(days_ago)
        placement_id = self.prepare(data, on, gap, outside)
        if placement_id is None:
            return multiple()
        self.start(
            StartPlacement(
                actor=data.draw(st.sampled_from((HEAD, HEAD, DELEGATE))),
                effective_on=data.draw(st.dates(on, self.today)),
                placement_id=placement_id,
            )
        )
        return placement_id

    def prepare(self, data: st.DataObject, on: date, gap: str, outside: bool) -> UUID | None:
        at = self.provider_for(data, on, gap) if outside or gap in OUTSIDE_GAPS else None
        setting = Setting.OUTSIDE_PROVIDER if at else data.draw(st.sampled_from(IN_SCHOOL))
        opening = data.draw(
            open_placement_commands(actor=STAFF, on=on, setting=setting, provider_id=at)
        )
        self.open(opening)
        placement_id = opening.placement_id
        if placement_id not in self.placement_schools:
            return None
        self.run(data.draw(assess_needs_commands(placement_id=placement_id, actor=STAFF, on=on)))
        exempt = gap != "part-time plan" and data.draw(st.booleans())
        if exempt:
            self.run(
                RecordMedicalExemption(
                    actor=HEAD,
                    effective_on=on,
                    placement_id=placement_id,
                    evidence_reference="GP letter",
                    review_on=on + timedelta(days=60),
                )
            )
        if gap != "no plan":
            self.run(
                data.draw(
                    agree_plan_commands(
                        placement_id=placement_id,
                        actor=HEAD,
                        on=on,
                        provider_ids=[at] if at and data.draw(st.booleans()) else [],
                        # Part-time only with the medical exemption (PLAN-2).
                        full_time=gap != "part-time plan"
                        and not (exempt and data.draw(st.booleans())),
                        residential=opening.residential,
                    )
                )
            )
        missing = {"no parents' consent": ConsentParty.PARENTS}.get(
            gap, ConsentParty.PLACING_AUTHORITY if gap == "no authority consent" else None
        )
        for party in ConsentParty:
            if party is not missing:
                self.run(
                    data.draw(
                        give_consent_commands(
                            placement_id=placement_id, actor=STAFF, on=on, party=party
                        )
                    )
                )
        return placement_id

    def provider_for(self, data: st.DataObject, on: date, gap: str) -> UUID | None:
        """An outside provider with all its evidence, or lacking what ``gap`` names."""
        earlier = on - timedelta(days=10)
        kind = data.draw(st.sampled_from(OUTSIDE_KINDS))
        if gap == "none" and self.ready_provider_ids and data.draw(st.booleans()):
            return data.draw(st.sampled_from(self.ready_provider_ids))
        commands = list(
            data.draw(
                provider_commands(
                    actor=HEAD,
                    on=earlier,
                    ready_on=self.today + timedelta(days=30),
                    kind=ProviderKind.FE_COLLEGE if gap == "registration unconfirmed" else kind,
                )
            )
        )
        registration = commands[0]
        assert isinstance(registration, RegisterProvider)
        if gap == "registration unconfirmed":
            commands = [
                attrs.evolve(registration, delivers_accredited_education=True),
                *(c for c in commands[1:] if not isinstance(c, ConfirmProviderRegistration)),
            ]
        elif gap == "no risk assessment":
            commands = [c for c in commands if not isinstance(c, AssessProviderRisk)]
        elif gap == "expired risk assessment":
            commands = [
                attrs.evolve(
                    c, effective_on=on - timedelta(days=40), valid_until=on - timedelta(days=1)
                )
                if isinstance(c, AssessProviderRisk)
                else c
                for c in commands
            ]
        results = [self.run(command) for command in commands]
        if results[0] is None:
            return None
        self.provider_ids.append(registration.provider_id)
        if gap == "none" and None not in results:
            self.ready_provider_ids.append(registration.provider_id)
        return registration.provider_id

    @rule(placement=placements, who=WHO, data=st.data())
    def assess_needs(self, placement: UUID, who: Who, data: st.DataObject) -> None:
        self.run(
            AssessNeeds(
                actor=self.actor(who, placement),
                effective_on=self.decision_day(data, placement),
                placement_id=placement,
                areas=(NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH,),
                summary="Anxiety in large groups.",
            )
        )

    @rule(
        placement=placements,
        data=st.data(),
        who=WHO,
        full_time=st.booleans(),
        flaw=st.sampled_from(
            ("none", "none", "side room", "children's home", "unknown provider", "past target")
        ),
        revise=st.booleans(),
        key=KEYS,
    )
    def agree_or_revise_plan(
        self,
        placement: UUID,
        data: st.DataObject,
        who: Who,
        full_time: bool,
        flaw: str,
        revise: bool,
        key: str | None,
    ) -> None:
        on = self.decision_day(data, placement)
        in_plan = (
            data.draw(st.lists(st.sampled_from(self.provider_ids), unique=True, max_size=2))
            if self.provider_ids
            else []
        )
        plan = data.draw(plans(provider_ids=in_plan, full_time=full_time, agreed_on=on))
        plan = with_flaw(plan, flaw, on)
        actor = self.actor(who, placement)
        command: Command
        if revise:
            command = RevisePlan(
                actor=actor,
                effective_on=on,
                placement_id=placement,
                plan=plan,
                reason="Timetable change",
                idempotency_key=key,
            )
        else:
            command = AgreePlan(
                actor=actor, effective_on=on, placement_id=placement, plan=plan, idempotency_key=key
            )
        self.run(command)

    @rule(placement=placements, who=WHO, data=st.data(), review_after=st.integers(1, 120))
    def record_medical_exemption(
        self, placement: UUID, who: Who, data: st.DataObject, review_after: int
    ) -> None:
        on = self.decision_day(data, placement)
        self.run(
            RecordMedicalExemption(
                actor=self.actor(who, placement),
                effective_on=on,
                placement_id=placement,
                evidence_reference="Consultant's letter",
                review_on=on + timedelta(days=review_after),
            )
        )

    # -------------------------------------------------------------- consent and sharing
    @rule(
        placement=placements,
        party=st.sampled_from(ConsentParty),
        who=WHO,
        data=st.data(),
        withdraw=st.booleans(),
        key=KEYS,
    )
    def give_or_withdraw_consent(
        self,
        placement: UUID,
        party: ConsentParty,
        who: Who,
        data: st.DataObject,
        withdraw: bool,
        key: str | None,
    ) -> None:
        actor = self.actor(who, placement)
        on = self.decision_day(data, placement)
        command: Command
        if withdraw:
            command = WithdrawConsent(
                actor=actor,
                effective_on=on,
                placement_id=placement,
                party=party,
                reason="Parents asked",
                idempotency_key=key,
            )
        else:
            command = GiveConsent(
                actor=actor,
                effective_on=on,
                placement_id=placement,
                party=party,
                given_by="Signed form",
                evidence_reference="Form 12",
                idempotency_key=key,
            )
        self.run(command)

    @rule(placement=placements, data=st.data(), who=WHO)
    def share_information(self, placement: UUID, data: st.DataObject, who: Who) -> None:
        self.run(
            data.draw(
                share_information_commands(
                    placement_id=placement, actor=self.actor(who, placement), on=self.today
                )
            )
        )

    # -------------------------------------------------------------- starting and running
    @rule(placement=placements, who=WHO, data=st.data(), key=KEYS)
    def start_placement(
        self, placement: UUID, who: Who, data: st.DataObject, key: str | None
    ) -> None:
        self.start(
            StartPlacement(
                actor=self.actor(who, placement),
                effective_on=self.decision_day(data, placement),
                placement_id=placement,
                idempotency_key=key,
            )
        )

    @rule(placement=placements, data=st.data())
    def commission_placement(self, placement: UUID, data: st.DataObject) -> None:
        """The Head Teacher or the delegate starts it on a day after it opened."""
        state = self.placement(placement)
        first = self.today if state is None else state.opened_on
        self.start(
            StartPlacement(
                actor=data.draw(st.sampled_from((HEAD, DELEGATE))),
                effective_on=data.draw(st.dates(first, max(first, self.today))),
                placement_id=placement,
            )
        )

    def start(self, command: StartPlacement) -> None:
        if self.run(command) is not None:
            self.started.append(command.placement_id)

    def a_started_placement(self, data: st.DataObject) -> UUID:
        return data.draw(st.sampled_from(self.started), label="started placement")

    def decision_day(self, data: st.DataObject, placement: UUID) -> date:
        """Mostly a day on which the placement could take a decision; sometimes any day."""
        state = self.placement(placement)
        if state is not None and data.draw(st.integers(0, 3)) > 0:
            first = state.started_on or state.opened_on
            if first <= self.today:
                return data.draw(st.dates(first, self.today))
        return self.day(data.draw(DAYS_AGO))

    def session_day(self, data: st.DataObject, placement: UUID) -> date:
        """Mostly a day the placement could be marked on; sometimes any day at all."""
        state = self.placement(placement)
        if state is not None and state.started_on is not None and state.plan is not None:
            week = state.plan.school_days
            span = (self.today - state.started_on).days + 1
            days = [state.started_on + timedelta(days=n) for n in range(max(span, 0))]
            school_days = [day for day in days if Weekday.of(day) in week]
            if school_days and data.draw(st.integers(0, 3)) > 0:
                return data.draw(st.sampled_from(school_days))
        return self.day(data.draw(DAYS_AGO))

    @rule(
        placement=placements,
        data=st.data(),
        session=st.sampled_from(Session),
        code=st.sampled_from(AttendanceCode),
        who=WHO,
        key=KEYS,
    )
    def record_attendance(
        self,
        placement: UUID,
        data: st.DataObject,
        session: Session,
        code: AttendanceCode,
        who: Who,
        key: str | None,
    ) -> None:
        command = RecordAttendance(
            actor=self.actor(who, placement),
            effective_on=self.session_day(data, placement),
            placement_id=placement,
            session=session,
            code=code,
            idempotency_key=key,
        )
        if self.run(command) is not None:
            self.last_marks[placement] = command

    @precondition(lambda self: bool(self.started))
    @rule(data=st.data(), who=st.sampled_from(("staff", "provider staff")))
    def mark_a_run_of_school_days(self, data: st.DataObject, who: Who) -> None:
        """Both sessions of up to five school days, with codes that fit their session."""
        placement = self.a_started_placement(data)
        state = self.placement(placement)
        if state is None or not state.provider_ids:
            who = "staff"
        for _ in range(data.draw(st.integers(1, 5))):
            session_day = self.session_day(data, placement)
            for session in Session:
                code = data.draw(attendance_codes(session=session))
                command = RecordAttendance(
                    actor=self.actor(who, placement),
                    effective_on=session_day,
                    placement_id=placement,
                    session=session,
                    code=code,
                )
                if self.run(command) is not None:
                    self.last_marks[placement] = command

    @precondition(lambda self: bool(self.started))
    @rule(data=st.data(), party=st.sampled_from(ConsentParty))
    def withdraw_consent_then_mark_present(self, data: st.DataObject, party: ConsentParty) -> None:
        """INFO-2: withdrawn consent suspends an outside placement; try to mark it present."""
        outside = [p for p in self.started if getattr(self.placement(p), "is_outside", False)]
        placement = (
            data.draw(st.sampled_from(outside)) if outside else self.a_started_placement(data)
        )
        on = self.session_day(data, placement)
        state = self.placement(placement)
        unmarked = [s for s in Session if state is None or state.mark(on, s) is None]
        session = unmarked[0] if unmarked else Session.PM
        self.run(
            WithdrawConsent(
                actor=STAFF, effective_on=on, placement_id=placement, party=party, reason="Moved"
            )
        )
        self.run(
            RecordAttendance(
                actor=STAFF,
                effective_on=on,
                placement_id=placement,
                session=session,
                code=data.draw(attendance_codes(session=session, attending=True)),
            )
        )

    @rule(placement=placements)
    def mark_the_same_session_again(self, placement: UUID) -> None:
        mark = self.last_marks.get(placement)
        if mark is not None:
            self.run(attrs.evolve(mark, code=AttendanceCode.ILLNESS))

    @rule(
        marks=st.lists(
            st.tuples(placements, st.sampled_from(Session), st.sampled_from(AttendanceCode)),
            min_size=1,
            max_size=3,
        ),
        who=WHO,
        days_ago=st.integers(0, 10),
    )
    def record_a_register(
        self, marks: list[tuple[UUID, Session, AttendanceCode]], who: Who, days_ago: int
    ) -> None:
        register = [RegisterMark(placement, session, code) for placement, session, code in marks]
        self.register(register, on=self.day(days_ago), actor=self.actor(who, marks[0][0]))

    def register(self, marks: list[RegisterMark], *, on: date, actor: Actor) -> None:
        before = self.stored()
        try:
            states = self.app.record_register(marks, on=on, actor=actor)
        except SenadApError as error:
            event(f"record_register: refused ({type(error).__name__})")
            assert self.stored() == before
            return
        event("record_register: recorded")
        for state in states.values():
            self.check_returned(state)

    # -------------------------------------------------------------- one register per pupil
    # STAT-1 (issue 13): a pupil's placements run one at a time, so each pupil-session has at
    # most one mark across all the pupil's placements. Besides this macro, the in-school
    # openings share one student reference (STU-0001), so ``start_placement`` and the marks
    # meet the rule too.
    @rule(
        data=st.data(),
        pupil=st.sampled_from(("STU-PUPIL-1", "STU-PUPIL-2")),
        started_days_ago=st.integers(10, 30),
        runs_for=st.integers(0, 6),
        next_after=st.integers(-3, 3),
    )
    def run_two_placements_of_one_pupil(
        self,
        data: st.DataObject,
        pupil: str,
        started_days_ago: int,
        runs_for: int,
        next_after: int,
    ) -> None:
        """Macro: two placements of one pupil, prepared together; the first started, marked and
        ended (an end before its last mark is refused); the second started ``next_after`` days
        after that end (refused on or before it, STAT-1); then one session marked through both
        placements (one of the two is refused)."""
        first_on = self.day(started_days_ago)
        first, second = (self.prepare_for_pupil(data, pupil, first_on) for _ in range(2))
        self.start(StartPlacement(actor=HEAD, effective_on=first_on, placement_id=first))
        marked_on = data.draw(st.dates(first_on, first_on + timedelta(days=runs_for + 1)))
        self.run(
            RecordAttendance(
                actor=STAFF, effective_on=marked_on, placement_id=first, session=Session.AM,
                code=AttendanceCode.PRESENT_AM,
            )
        )  # fmt: skip
        ends_on = first_on + timedelta(days=runs_for)
        self.run(
            EndPlacement(
                actor=HEAD, effective_on=ends_on, placement_id=first,
                destination=Destination.SEN_SCHOOL,
            )
        )  # fmt: skip
        next_on = min(ends_on + timedelta(days=next_after), self.today)
        self.start(StartPlacement(actor=HEAD, effective_on=next_on, placement_id=second))
        ran = [p for p in (first, second) if p in self.started]
        event(f"one register per pupil: {len(ran)} of the pupil's two placements started")
        day = data.draw(st.dates(first_on, self.today))
        for placement in (first, second):
            self.run(
                RecordAttendance(
                    actor=STAFF, effective_on=day, placement_id=placement, session=Session.PM,
                    code=AttendanceCode.PRESENT_PM,
                )
            )  # fmt: skip

    def prepare_for_pupil(self, data: st.DataObject, pupil: str, on: date) -> UUID:
        """An on-site placement of ``pupil`` with a full-time plan and both consents; the
        opening states no facts, so a second opening of the pupil is not refused for them."""
        opening = attrs.evolve(
            data.draw(open_placement_commands(actor=STAFF, on=on, setting=Setting.ON_SITE)),
            student_reference=pupil, looked_after=None, ehcp_reference=None, on_roll=None,
        )  # fmt: skip
        self.open(opening)
        placement = opening.placement_id
        plan = agree_plan_commands(
            placement_id=placement, actor=HEAD, on=on, residential=opening.residential
        )
        self.run(data.draw(plan))
        for party in ConsentParty:
            consent = give_consent_commands(placement_id=placement, actor=STAFF, on=on, party=party)
            self.run(data.draw(consent))
        return placement

    @staticmethod
    def pupils_of(events: Iterable[object]) -> dict[UUID, tuple[str, str]]:
        """Each placement's pupil: its school and student reference."""
        return {
            e.originator_id: (e.school_id, e.student_reference)
            for e in events
            if isinstance(e, PlacementOpened)
        }

    @invariant()
    def no_pupil_session_is_marked_twice_across_placements(self) -> None:
        events = self.stored_events()
        pupils = self.pupils_of(events)
        marks = collections.Counter(
            (pupils[e.originator_id], e.effective_on, e.session)
            for e in events
            if isinstance(e, AttendanceRecorded)
        )
        assert [session for session, count in marks.items() if count > 1] == []

    @invariant()
    def no_two_placements_of_one_pupil_run_on_the_same_day(self) -> None:
        events = self.stored_events()
        pupils = self.pupils_of(events)
        runs: dict[UUID, list[date | None]] = {}
        for e in events:
            if isinstance(e, PlacementStarted):
                runs[e.originator_id] = [e.effective_on, None]
            elif isinstance(e, PlacementEnded) and e.originator_id in runs:
                runs[e.originator_id][1] = e.effective_on
        by_pupil: dict[tuple[str, str], list[tuple[date, date | None]]] = {}
        for placement, (started_on, ended_on) in runs.items():
            assert started_on is not None
            by_pupil.setdefault(pupils[placement], []).append((started_on, ended_on))
        overlapping = [
            (pupil, earlier, later)
            for pupil, periods in by_pupil.items()
            for earlier, later in itertools.pairwise(sorted(periods, key=lambda p: p[0]))
            if earlier[1] is None or earlier[1] >= later[0]
        ]
        assert overlapping == []

    @precondition(lambda self: bool(self.started))
    @rule(
        data=st.data(),
        session=st.sampled_from(Session),
        code=st.sampled_from(AttendanceCode),
        who=WHO,
    )
    def correct_attendance(
        self,
        data: st.DataObject,
        session: Session,
        code: AttendanceCode,
        who: Who,
    ) -> None:
        placement = self.a_started_placement(data)
        state = self.placement(placement)
        day = self.session_day(data, placement)
        if state is not None and state.marks and data.draw(st.booleans()):
            marked = data.draw(st.sampled_from(sorted(state.marks)))
            day, session = state.marks[marked].day, state.marks[marked].session
        corrected = self.run(
            CorrectAttendance(
                actor=self.actor(who, placement),
                effective_on=day,
                placement_id=placement,
                session=session,
                code=code,
                reason="Register entered in error",
                amended_by_name="Sam Okafor",
                amended_by_position="Attendance officer",
            )
        )
        if isinstance(corrected, PlacementState):
            # SI 2024/208 reg. 6 (STAT-2): the amendment names who made it and their position,
            # sealed at rest (with the staff member's key) and revealed on read.
            reader = attrs.evolve(HEAD, school_id=corrected.school_id)
            last = self.app.placement_history(placement, reader=reader)[-1]
            assert isinstance(last, AttendanceCorrected)
            assert (last.amended_by_name, last.amended_by_position) == (
                "Sam Okafor",
                "Attendance officer",
            )
            assert b"Sam Okafor" not in self.stored()[1][-1][4]

    @precondition(lambda self: bool(self.started))
    @rule(data=st.data(), who=WHO)
    def review_progress(self, data: st.DataObject, who: Who) -> None:
        placement = self.a_started_placement(data)
        state = self.placement(placement)
        references = ["Z99"]
        if state is not None and state.plan is not None and data.draw(st.booleans()):
            references = list(state.plan.references())[:2]
        on = self.decision_day(data, placement)
        self.run(
            ReviewProgress(
                actor=self.actor(who, placement),
                effective_on=on,
                placement_id=placement,
                progress=tuple(
                    ObjectiveProgress(reference, ProgressRating.AS_EXPECTED)
                    for reference in references
                ),
                effectiveness=Effectiveness.EFFECTIVE,
                next_review_on=on + timedelta(days=42),
                with_provider=data.draw(st.booleans()),
            )
        )

    @rule(
        placement=placements,
        step=st.sampled_from(("criteria", "assessment", "support")),
        who=WHO,
        data=st.data(),
        met_unknown=st.booleans(),
    )
    def plan_reintegration(
        self, placement: UUID, step: str, who: Who, data: st.DataObject, met_unknown: bool
    ) -> None:
        actor = self.actor(who, placement)
        on = self.decision_day(data, placement)
        command: Command
        if step == "criteria":
            command = AgreeReintegrationCriteria(
                actor=actor,
                effective_on=on,
                placement_id=placement,
                criteria=("Attends 90% for 4 weeks",),
            )
        elif step == "assessment":
            command = AssessReintegration(
                actor=actor,
                effective_on=on,
                placement_id=placement,
                ready=True,
                criteria_met=("Not an agreed criterion",)
                if met_unknown
                else ("Attends 90% for 4 weeks",),
            )
        else:
            command = AgreeReintegrationSupport(
                actor=actor,
                effective_on=on,
                placement_id=placement,
                support=("Phased return, mornings first",),
            )
        self.run(command)

    @rule(
        placement=placements,
        who=WHO,
        data=st.data(),
        destination=st.sampled_from(Destination),
    )
    def end_placement(
        self, placement: UUID, who: Who, data: st.DataObject, destination: Destination
    ) -> None:
        self.run(
            EndPlacement(
                actor=self.actor(who, placement),
                effective_on=self.decision_day(data, placement),
                placement_id=placement,
                destination=destination,
            )
        )

    # -------------------------------------------------------------- the student's facts
    @rule(
        student=st.sampled_from(("STU-0001", "STU-0002")),
        fact=st.sampled_from(
            (
                "EHC plan issued", "EHC plan ceased", "looked after", "no longer looked after",
                "off roll", "on roll", "dual registered", "not of compulsory school age",
                "of compulsory school age",
            )
        ),
        who=WHO,
        days_ago=DAYS_AGO,
        key=KEYS,
    )  # fmt: skip
    def record_a_student_fact(
        self, student: str, fact: str, who: Who, days_ago: int, key: str | None
    ) -> None:
        """A fact that changes (PLAN-4, STAT-4, COMM-2): on the student and each open placement,
        never refused for what it means; refused when it changes nothing or by the wrong
        person, writing nothing."""
        common: dict[str, Any] = {
            "actor": self.actor(who),
            "effective_on": self.day(days_ago),
            "student_reference": student,
            "idempotency_key": key,
        }
        factories: dict[str, Callable[[], Command]] = {
            "EHC plan issued": lambda: RecordEhcPlanIssued(reference="EHCP-9", **common),
            "EHC plan ceased": lambda: RecordEhcPlanCeased(**common),
            "looked after": lambda: RecordLookedAfter(**common),
            "no longer looked after": lambda: RecordNoLongerLookedAfter(**common),
            "off roll": lambda: RecordRollStatus(on_roll=False, **common),
            "on roll": lambda: RecordRollStatus(on_roll=True, **common),
            "dual registered": lambda: RecordRollStatus(
                on_roll=True, dual_registered_with="140123", **common
            ),
            "not of compulsory school age": lambda: RecordCompulsorySchoolAge(
                compulsory_school_age=False, **common
            ),
            "of compulsory school age": lambda: RecordCompulsorySchoolAge(
                compulsory_school_age=True, **common
            ),
        }
        self.run(factories[fact]())

    @rule(placement=placements, who=WHO, data=st.data(), key=KEYS)
    def record_location_rationale(
        self, placement: UUID, who: Who, data: st.DataObject, key: str | None
    ) -> None:
        """LOC-2: the rationale written after the opening, by the Head or a delegate."""
        self.run(
            RecordLocationRationale(
                actor=self.actor(who, placement),
                effective_on=self.decision_day(data, placement),
                placement_id=placement,
                rationale="Therapy sessions are held at the home",
                idempotency_key=key,
            )
        )

    # -------------------------------------------------------------- the policy (POL-1)
    @rule(
        who=WHO,
        days_ago=st.integers(-1, 10),
        number=st.integers(7, 9),
        hours=st.sampled_from((Decimal("25"), FULL_TIME_HOURS, FULL_TIME_HOURS, Decimal("35"))),
        review_after=st.integers(1, 400),
        key=KEYS,
    )
    def record_policy_version(
        self, who: Who, days_ago: int, number: int, hours: Decimal, review_after: int,
        key: str | None,
    ) -> None:  # fmt: skip
        """A new version (refused: not the Head, in force tomorrow, a name already used); from
        its day, decisions are checked against its full-time hours (PLAN-2)."""
        on = self.day(days_ago)
        self.run(
            RecordPolicyVersion(
                actor=self.actor(who),
                effective_on=on,
                parameters=PolicyParameters(
                    version=f"section 7, version {number}", full_time_hours=hours
                ),
                ratified_on=on - timedelta(days=7),
                review_due_on=on + timedelta(days=review_after),
                idempotency_key=key,
            )
        )

    # -------------------------------------------------------------- odd requests
    @rule(
        placement_id=st.uuids(),
        kind=st.sampled_from(("needs", "start", "attendance", "end", "not a command")),
    )
    def command_for_an_unknown_placement(self, placement_id: UUID, kind: str) -> None:
        actor, on = HEAD, self.today
        command: Command
        if kind == "not a command":
            self.run("start the placement")  # type: ignore[arg-type]
            return
        if kind == "needs":
            command = AssessNeeds(
                actor=actor,
                effective_on=on,
                placement_id=placement_id,
                areas=(NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH,),
                summary="Anxiety in large groups.",
            )
        elif kind == "start":
            command = StartPlacement(actor=actor, effective_on=on, placement_id=placement_id)
        elif kind == "attendance":
            command = RecordAttendance(
                actor=actor,
                effective_on=on,
                placement_id=placement_id,
                session=Session.AM,
                code=AttendanceCode.PRESENT_AM,
            )
        else:
            command = EndPlacement(
                actor=actor,
                effective_on=on,
                placement_id=placement_id,
                destination=Destination.OTHER,
            )
        self.run(command)

    @rule(times=st.integers(1, 2))
    def send_the_last_command_again(self, times: int) -> None:
        """A retry: with its idempotency key it replays, without one it is decided again."""
        for _ in range(times):
            if self.last_command is not None:
                self.run(self.last_command)

    # Hypothesis tries rules with no arguments first and most often: this one is cheap and
    # keeps registers coming (refused as a whole when one mark is wrong, RegisterRefusedError).
    @precondition(lambda self: bool(self.started))
    @rule()
    def take_todays_register(self) -> None:
        marks = [
            RegisterMark(placement, session, code)
            for placement in self.started
            for session, code in ((Session.AM, "/"), (Session.PM, "\\"))
        ]
        self.register(marks, on=self.today, actor=STAFF)

    @rule(days=st.integers(1, 7))
    def time_passes(self, days: int) -> None:
        self.clock.advance(timedelta(days=days))

    # -------------------------------------------------------------- invariants
    @invariant()
    def every_started_placement_had_its_guard_evidence(self) -> None:
        gaps = start_evidence_gaps(self.stored_events())
        assert gaps == []

    @invariant()
    def no_outside_placement_was_marked_attending_while_consent_was_withdrawn(self) -> None:
        marks = marks_while_suspended(self.stored_events())
        assert marks == []

    @invariant()
    def the_recorded_half_terms_never_overlap_and_each_break_lies_inside_its_term(self) -> None:
        # From the stored events alone (STAT-3, COMM-5): each school's time is well defined.
        halves: dict[str, list[tuple[date, date]]] = {}
        for stored in self.stored_events():
            if not isinstance(stored, TermRecorded):
                continue
            first, last = stored.half_term_starts_on, stored.half_term_ends_on
            school = halves.setdefault(stored.school_id, [])
            if first is None or last is None:
                assert first is last is None
                school.append((stored.starts_on, stored.ends_on))
            else:
                assert stored.starts_on < first <= last < stored.ends_on
                school += [
                    (stored.starts_on, first - timedelta(days=1)),
                    (last + timedelta(days=1), stored.ends_on),
                ]
        for school in halves.values():
            school.sort()
            assert all(a[1] < b[0] for a, b in itertools.pairwise(school))

    @invariant()
    def every_event_carries_the_policy_version_in_force_on_its_day(self) -> None:
        wrong = wrong_policy_versions(self.stored_events())
        assert wrong == []

    @invariant()
    def folding_each_placement_history_gives_its_current_state(self) -> None:
        for placement_id, school in self.placement_schools.items():
            reader = attrs.evolve(HEAD, school_id=school)
            history = self.app.placement_history(placement_id, reader=reader)
            actual = fold_placement(history)
            expected = self.app.get_placement(placement_id, reader=reader)
            assert actual == expected
            assert [e.originator_version for e in history] == list(range(1, len(history) + 1))

    @invariant()
    def every_open_placement_carries_its_students_facts(self) -> None:
        """The student's facts fan out to each of their open placements (PLAN-4, STAT-4,
        COMM-2), whichever way they were recorded: a fact, or an opening that stated one."""
        for student in self.students():
            facts = (
                student.ehcp_reference, student.looked_after, student.on_roll,
                student.dual_registered_with, student.compulsory_school_age,
            )  # fmt: skip
            reader = attrs.evolve(HEAD, school_id=student.school_id)
            for placement_id in student.placement_ids:
                placement = self.app.get_placement(placement_id, reader=reader)
                if placement.ended_on is not None:
                    continue
                assert (
                    placement.ehcp_reference, placement.looked_after, placement.on_roll,
                    placement.dual_registered_with, placement.compulsory_school_age,
                ) == facts  # fmt: skip

    @invariant()
    def no_protected_student_was_marked_present_at_an_unregistered_full_time_setting(
        self,
    ) -> None:
        """STAT-4, from the stored events alone: no present mark for a day on or after the
        student had an EHC plan (or was looked after) while the plan in force gave 18 hours a
        week or more at an unregistered setting."""
        assert marks_at_unregistered_full_time_settings(self.stored_events()) == []

    def students(self) -> list[StudentState]:
        found = []
        for reference in ("STU-0001", "STU-0002"):
            with contextlib.suppress(SenadApError):
                found.append(self.app.get_student(reference, reader=HEAD))
        return found

    @invariant()
    def folding_each_provider_history_gives_its_current_state(self) -> None:
        for provider_id in self.provider_ids:
            actual = fold_provider(self.app.provider_history(provider_id, reader=HEAD))
            expected = self.app.get_provider(provider_id, reader=HEAD)
            assert actual == expected

    @precondition(lambda self: bool(self.started))
    @rule(
        data=st.data(),
        code=st.sampled_from(
            (
                AttendanceCode.LOCAL_AUTHORITY_PROVISION,
                AttendanceCode.APPROVED_EDUCATIONAL_ACTIVITY,
                AttendanceCode.DUAL_REGISTERED,
                AttendanceCode.NOT_REQUIRED_TO_ATTEND,
                AttendanceCode.OTHER_UNAVOIDABLE_CAUSE,
            )
        ),
        correct=st.booleans(),
    )
    def mark_a_code_that_must_fit(
        self, data: st.DataObject, code: AttendanceCode, correct: bool
    ) -> None:
        """STAT-1: K, B, D, X or Y7, with or without the texts B and Y7 need, as a mark or as
        the correction of one; refused unless it fits who arranged the placement and the
        student's facts on the day (``marks_that_do_not_fit``)."""
        placement = self.a_started_placement(data)
        texts = st.none() | st.just("Named in the register")
        fields: dict[str, Any] = {
            "actor": STAFF,
            "effective_on": self.session_day(data, placement),
            "placement_id": placement,
            "session": data.draw(st.sampled_from(Session)),
            "code": code,
            "activity": data.draw(texts),
            "supervised_by": data.draw(texts),
            "note": data.draw(texts),
        }
        if correct:
            self.run(
                CorrectAttendance(
                    reason="Entered under the wrong code",
                    amended_by_name="Sam Okafor",
                    amended_by_position="Attendance officer",
                    **fields,
                )
            )
        else:
            self.run(RecordAttendance(**fields))

    @invariant()
    def every_mark_fits_who_arranged_the_placement_and_the_students_facts(self) -> None:
        assert marks_that_do_not_fit(self.stored_events()) == []


def fold_placement(events: Iterable[PlacementEvent]) -> PlacementState | None:
    state: PlacementState | None = None
    for stored in events:
        state = evolve_placement(state, stored)
    return state


def fold_student(events: Iterable[object]) -> StudentState | None:
    state: StudentState | None = None
    for stored in events:
        assert isinstance(stored, StudentEvent)
        state = evolve_student(state, stored)
    return state


def fold_provider(events: Iterable[ProviderEvent]) -> ProviderState | None:
    state: ProviderState | None = None
    for stored in events:
        state = evolve_provider(state, stored)
    return state


def with_flaw(plan: Plan, flaw: str, on: date) -> Plan:
    """The plan, broken in one way a guard must catch (or unchanged for ``"none"``)."""
    day = plan.school_days[0]
    extra: Sequence[WeeklyHours] = ()
    if flaw == "side room":
        extra = (WeeklyHours(day, Setting.SIDE_ROOM_OF_CLASSROOM, Decimal("0.5")),)
    elif flaw == "children's home":
        extra = (WeeklyHours(day, Setting.ALLIED_CHILDRENS_HOME, Decimal("0.5")),)
    elif flaw == "unknown provider":
        extra = (WeeklyHours(day, Setting.OUTSIDE_PROVIDER, Decimal("0.5"), UNKNOWN_PROVIDER),)
    elif flaw == "past target":
        first = attrs.evolve(plan.objectives[0], target_date=on)
        return attrs.evolve(plan, objectives=(first, *plan.objectives[1:]))
    existing = {(entry.day, entry.setting, entry.provider_id) for entry in plan.weekly_pattern}
    extra = [e for e in extra if (e.day, e.setting, e.provider_id) not in existing]
    return attrs.evolve(plan, weekly_pattern=(*plan.weekly_pattern, *extra))


class PlacementRecordOnSQLite(PlacementRecordMachine):
    """The same machine on a real SQLite file."""

    def open_application(self) -> AlternativeProvision:
        self.folder = tempfile.mkdtemp(prefix="senad-ap-machine-")
        return AlternativeProvision.sqlite(f"{self.folder}/ap.sqlite", clock=self.clock)

    def teardown(self) -> None:
        super().teardown()
        shutil.rmtree(self.folder, ignore_errors=True)


TestPlacementRecord = pytest.mark.slow(PlacementRecordMachine.TestCase)
TestPlacementRecord.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)

TestPlacementRecordOnSQLite = pytest.mark.slow(PlacementRecordOnSQLite.TestCase)
TestPlacementRecordOnSQLite.settings = settings(
    max_examples=25, stateful_step_count=40, deadline=None
)
