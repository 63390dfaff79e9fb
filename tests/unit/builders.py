"""Plain factories for the unit tests: actors, schools, providers, plans and placements.

States are built the way the record builds them: a command is decided and its events are
evolved, so a builder never makes a state the domain itself could not reach.

The calendar of every placement here (spring term 2025):
opened Monday 24 February, plan agreed Wednesday 26 February, started Monday 3 March,
"today" is Friday 14 March.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement import (
    AgreePlan,
    ConsentParty,
    CorrectAttendance,
    EndPlacement,
    GiveConsent,
    OpenPlacement,
    PlacementCommand,
    PlacementState,
    RecordAttendance,
    RecordMedicalExemption,
    Related,
    StartPlacement,
    WithdrawConsent,
    decide_placement,
    evolve_placement,
)
from senad_ap.domain.plan import (
    SCHOOL_WEEK,
    Objective,
    ObjectiveArea,
    Plan,
    Reason,
    Setting,
    WeeklyHours,
)
from senad_ap.domain.provider import (
    AssessProviderRisk,
    ConfirmProviderRegistration,
    ProviderCommand,
    ProviderKind,
    ProviderState,
    RegisterProvider,
    RiskOutcome,
    decide_provider,
    evolve_provider,
)
from senad_ap.domain.school import (
    AppointDelegate,
    GrantInspectorAccess,
    SchoolCommand,
    SchoolState,
    decide_school,
    evolve_school,
    school_aggregate_id,
)
from senad_ap.domain.values import Actor, Context, Destination, PolicyParameters, Role, Weekday

# --- The calendar -----------------------------------------------------------------------------

OPENED_ON = date(2025, 2, 24)  # a Monday
PLAN_AGREED_ON = date(2025, 2, 26)  # a Wednesday
STARTS_ON = date(2025, 3, 3)  # a Monday
A_SCHOOL_DAY = date(2025, 3, 5)  # a Wednesday after the start
A_SATURDAY = date(2025, 3, 8)
TODAY = date(2025, 3, 14)  # a Friday
TARGET_DATE = date(2025, 7, 18)  # end of the summer term

FULL_TIME_DAY = Decimal("6.5")  # five of these make the default 32.5 hours (PLAN-2)
PART_TIME_DAY = Decimal("4")

# --- Ids and people ---------------------------------------------------------------------------

SCHOOL_ID = "school-a"
OTHER_SCHOOL_ID = "school-b"
PLACEMENT_ID = UUID("00000000-0000-4000-8000-000000000001")
PROVIDER_ID = UUID("00000000-0000-4000-8000-0000000000a1")
OTHER_PROVIDER_ID = UUID("00000000-0000-4000-8000-0000000000a2")

HEAD = Actor("head-teacher", Role.HEAD_TEACHER, SCHOOL_ID)
DELEGATE = Actor("deputy-head", Role.SCHOOL_STAFF, SCHOOL_ID)
TEACHER = Actor("class-teacher", Role.SCHOOL_STAFF, SCHOOL_ID)
INSPECTOR = Actor("ofsted-inspector", Role.INSPECTOR, "ofsted")
OTHER_SCHOOL_HEAD = Actor("other-head-teacher", Role.HEAD_TEACHER, OTHER_SCHOOL_ID)
OTHER_SCHOOL_TEACHER = Actor("other-teacher", Role.SCHOOL_STAFF, OTHER_SCHOOL_ID)


def provider_staff(provider_id: UUID = PROVIDER_ID) -> Actor:
    return Actor(f"tutor-at-{provider_id.hex[-2:]}", Role.PROVIDER_STAFF, SCHOOL_ID, provider_id)


def context(today: date = TODAY, policy: PolicyParameters | None = None) -> Context:
    """The time of recording (late afternoon of ``today``) and the rules in force."""
    recorded_at = datetime.combine(today, time(16, 0), tzinfo=UTC)
    return Context(recorded_at=recorded_at, policy=policy or PolicyParameters())


# --- The school -------------------------------------------------------------------------------


def school(
    *, delegates: Iterable[str] = (), inspectors: Iterable[tuple[str, date]] = ()
) -> SchoolState:
    """The school's record with these delegates and inspector grants (id, until)."""
    commands: list[SchoolCommand] = [
        AppointDelegate(actor=HEAD, effective_on=OPENED_ON, delegate_id=delegate)
        for delegate in delegates
    ]
    commands += [
        GrantInspectorAccess(actor=HEAD, effective_on=OPENED_ON, inspector_id=who, until=until)
        for who, until in inspectors
    ]
    state: SchoolState | None = None
    for command in commands:
        for event in decide_school(state, command, context(OPENED_ON)):
            state = evolve_school(state, event)
    if state is None:
        return SchoolState(id=school_aggregate_id(SCHOOL_ID), version=0, school_id=SCHOOL_ID)
    return state


# --- Providers --------------------------------------------------------------------------------


def _apply_provider(state: ProviderState | None, command: ProviderCommand) -> ProviderState:
    for event in decide_provider(state, command, context(command.effective_on), None):
        state = evolve_provider(state, event)
    assert state is not None
    return state


def provider(
    provider_id: UUID = PROVIDER_ID,
    *,
    kind: ProviderKind = ProviderKind.REGISTERED_INDEPENDENT,
    accredited: bool = True,
    confirmed: bool = True,
    assessed: bool = True,
    outcome: RiskOutcome = RiskOutcome.SATISFACTORY,
    safeguarding_policies_seen: bool = True,
    staff_checks_confirmed: bool = True,
    assessed_on: date = OPENED_ON,
    valid_until: date = date(2026, 2, 1),
) -> ProviderState:
    """A provider registered by the Head: by default confirmed (COMM-3), assessed safe (COMM-4)."""
    state = _apply_provider(
        None,
        RegisterProvider(
            actor=HEAD,
            effective_on=OPENED_ON,
            provider_id=provider_id,
            name=f"Provider {provider_id.hex[-2:]}",
            kind=kind,
            delivers_accredited_education=accredited,
            sites=("Unit 4, Riverside",),
        ),
    )
    if confirmed:
        state = _apply_provider(
            state,
            ConfirmProviderRegistration(
                actor=HEAD,
                effective_on=OPENED_ON,
                provider_id=provider_id,
                urn="123456",
                evidence_reference="DfE GIAS check, 24/02/2025",
            ),
        )
    if assessed:
        state = _apply_provider(
            state,
            AssessProviderRisk(
                actor=HEAD,
                effective_on=assessed_on,
                provider_id=provider_id,
                outcome=outcome,
                safeguarding_policies_seen=safeguarding_policies_seen,
                staff_checks_confirmed_in_writing=staff_checks_confirmed,
                valid_until=valid_until,
            ),
        )
    return state


def unregistered_provider(provider_id: UUID = PROVIDER_ID) -> ProviderState:
    """An unregistered provider, assessed safe, that does not deliver accredited education."""
    return provider(provider_id, kind=ProviderKind.UNREGISTERED, accredited=False, confirmed=False)


def related(*providers: ProviderState, school_state: SchoolState | None = None) -> Related:
    return Related(providers={p.id: p for p in providers}, school=school_state)


# --- Plans ------------------------------------------------------------------------------------


def objective(reference: str = "EN1", area: ObjectiveArea = ObjectiveArea.ENGLISH) -> Objective:
    return Objective(
        reference=reference,
        area=area,
        description="Reads a short text aloud and answers questions on it",
        baseline="Reads single sentences with support",
        target_date=TARGET_DATE,
    )


def week(
    hours_per_day: Decimal,
    setting: Setting = Setting.ON_SITE,
    provider_id: UUID | None = None,
    days: Iterable[Weekday] = SCHOOL_WEEK,
) -> tuple[WeeklyHours, ...]:
    """The same hours on each of ``days`` in one setting."""
    return tuple(WeeklyHours(day, setting, hours_per_day, provider_id) for day in days)


def plan(pattern: tuple[WeeklyHours, ...] | None = None) -> Plan:
    """A plan with English and mathematics objectives; full-time on site unless told."""
    return Plan(
        objectives=(objective("EN1"), objective("MA1", ObjectiveArea.MATHEMATICS)),
        review_interval_weeks=6,
        monitoring_arrangements="Weekly call between the AP lead and the provider",
        assessment_arrangements="Termly reading and number assessments",
        weekly_pattern=week(FULL_TIME_DAY) if pattern is None else pattern,
        intended_destination=Destination.SEN_SCHOOL,
    )


def full_time_plan_at(provider_id: UUID = PROVIDER_ID) -> Plan:
    return plan(week(FULL_TIME_DAY, Setting.OUTSIDE_PROVIDER, provider_id))


def part_time_plan() -> Plan:
    return plan(week(PART_TIME_DAY))


# --- Placement commands -----------------------------------------------------------------------


def open_command(
    *,
    setting: Setting = Setting.ON_SITE,
    provider_id: UUID | None = None,
    residential: bool = False,
    looked_after: bool = False,
    ehcp_reference: str | None = None,
    actor: Actor = TEACHER,
    on: date = OPENED_ON,
) -> OpenPlacement:
    return OpenPlacement(
        actor=actor,
        effective_on=on,
        placement_id=PLACEMENT_ID,
        student_reference="STU-0042",
        reason=Reason.ANXIETY,
        setting=setting,
        location="Learning base, north wing" if provider_id is None else "Unit 4, Riverside",
        residential=residential,
        looked_after=looked_after,
        ehcp_reference=ehcp_reference,
        provider_id=provider_id,
    )


def open_outside_command(
    provider_id: UUID = PROVIDER_ID,
    *,
    looked_after: bool = False,
    ehcp_reference: str | None = None,
) -> OpenPlacement:
    return open_command(
        setting=Setting.OUTSIDE_PROVIDER,
        provider_id=provider_id,
        looked_after=looked_after,
        ehcp_reference=ehcp_reference,
    )


def agree_command(plan_: Plan, *, actor: Actor = HEAD, on: date = PLAN_AGREED_ON) -> AgreePlan:
    return AgreePlan(actor=actor, effective_on=on, placement_id=PLACEMENT_ID, plan=plan_)


def start_command(*, actor: Actor = HEAD, on: date = STARTS_ON) -> StartPlacement:
    return StartPlacement(actor=actor, effective_on=on, placement_id=PLACEMENT_ID)


def end_command(*, actor: Actor = HEAD, on: date = TODAY) -> EndPlacement:
    return EndPlacement(
        actor=actor, effective_on=on, placement_id=PLACEMENT_ID, destination=Destination.SEN_SCHOOL
    )


def consent_command(party: ConsentParty, *, on: date = PLAN_AGREED_ON) -> GiveConsent:
    return GiveConsent(
        actor=TEACHER,
        effective_on=on,
        placement_id=PLACEMENT_ID,
        party=party,
        given_by="Local authority SEN officer"
        if party is ConsentParty.PLACING_AUTHORITY
        else "Mum",
        evidence_reference="Signed form on file",
    )


def withdraw_command(party: ConsentParty, *, on: date = A_SCHOOL_DAY) -> WithdrawConsent:
    return WithdrawConsent(
        actor=TEACHER,
        effective_on=on,
        placement_id=PLACEMENT_ID,
        party=party,
        reason="Parents asked for the placement to stop",
    )


def exemption_command(*, on: date = OPENED_ON) -> RecordMedicalExemption:
    return RecordMedicalExemption(
        actor=HEAD,
        effective_on=on,
        placement_id=PLACEMENT_ID,
        evidence_reference="Consultant's letter, 20/02/2025",
        review_on=date(2025, 4, 25),
    )


def record_command(
    day: date = A_SCHOOL_DAY,
    session: Session = Session.AM,
    code: AttendanceCode = AttendanceCode.PRESENT_AM,
    *,
    actor: Actor = TEACHER,
) -> RecordAttendance:
    return RecordAttendance(
        actor=actor, effective_on=day, placement_id=PLACEMENT_ID, session=session, code=code
    )


def correct_command(
    day: date = A_SCHOOL_DAY,
    session: Session = Session.AM,
    code: AttendanceCode = AttendanceCode.ILLNESS,
    *,
    actor: Actor = TEACHER,
) -> CorrectAttendance:
    return CorrectAttendance(
        actor=actor,
        effective_on=day,
        placement_id=PLACEMENT_ID,
        session=session,
        code=code,
        reason="Mum phoned: ill, the morning mark was entered in error",
        amended_by_name="Sam Okafor",
        amended_by_position="Attendance officer",
    )


# --- Placements at each stage -----------------------------------------------------------------


def apply(
    state: PlacementState | None,
    command: PlacementCommand,
    related_: Related | None = None,
    ctx: Context | None = None,
) -> PlacementState:
    """Decide ``command`` and evolve its events: the state the record would then hold."""
    events = decide_placement(state, command, ctx or context(), related_ or Related())
    for event in events:
        state = evolve_placement(state, event)
    assert state is not None
    return state


def opened(command: OpenPlacement | None = None, related_: Related | None = None) -> PlacementState:
    """A placement opened on site (or as ``command`` says)."""
    return apply(None, command or open_command(), related_)


def planned(plan_: Plan | None = None) -> PlacementState:
    """An on-site placement with a full-time plan agreed (or ``plan_``)."""
    return apply(opened(), agree_command(plan_ or plan()))


def started() -> PlacementState:
    """An on-site placement, full-time, started on ``STARTS_ON``."""
    return apply(planned(), start_command())


def outside_planned(provider_state: ProviderState, *, consented: bool = True) -> PlacementState:
    """A placement at an outside provider, with a full-time plan there, and both consents."""
    related_ = related(provider_state)
    state = opened(open_outside_command(provider_state.id), related_)
    state = apply(state, agree_command(full_time_plan_at(provider_state.id)), related_)
    if consented:
        for party in ConsentParty:
            state = apply(state, consent_command(party))
    return state


def outside_started(provider_state: ProviderState | None = None) -> PlacementState:
    """A placement started at an outside provider that passed every check before the start."""
    provider_state = provider_state or provider()
    state = outside_planned(provider_state)
    return apply(state, start_command(), related(provider_state))


def ended() -> PlacementState:
    return apply(started(), end_command())
