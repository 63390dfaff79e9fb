"""Every public command, end to end on each store: it records the decision and returns the
record's new state (the same state a fresh load gives)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import attrs
import pytest

from senad_ap import (
    AlternativeProvision,
    AttendanceCode,
    AttendanceCorrected,
    AttendanceRecorded,
    ConsentParty,
    Destination,
    Effectiveness,
    InformationParty,
    InformationScope,
    InvalidInputError,
    NeedArea,
    NotAuthorisedError,
    NotFoundError,
    ObjectiveProgress,
    PlacementState,
    PlacementStatus,
    PolicyViolationError,
    ProgressRating,
    ProviderKind,
    Reason,
    RiskOutcome,
    Session,
    Setting,
)
from senad_ap.domain.placement import RecordAttendance
from tests.integration.conftest import Store
from tests.integration.scenario import (
    DELEGATE,
    HEAD,
    INSPECTOR,
    OPENED_ON,
    SCHOOL,
    STAFF,
    TODAY,
    Scene,
    full_time_plan,
    open_outside_placement,
    plan_outside_placement,
    provider_staff,
    ready_provider,
    start_outside_placement,
    stored_notifications,
)

TUESDAY = OPENED_ON + timedelta(days=1)
Build = Callable[[AlternativeProvision], Scene]
Act = Callable[[AlternativeProvision, Scene], PlacementState]


@attrs.frozen
class PlacementCase:
    """A placement command run on a scene ``build`` makes, and what its result must show."""

    build: Build
    act: Act
    observe: Callable[[PlacementState], Any]
    expected: Any


def _code_of(placement: PlacementState, session: Session) -> AttendanceCode | None:
    mark = placement.mark(OPENED_ON, session)
    return None if mark is None else mark.code


def _mark_corrected(placement: PlacementState, session: Session) -> bool | None:
    mark = placement.mark(OPENED_ON, session)
    return None if mark is None else mark.corrected


def _correct(app: AlternativeProvision, scene: Scene) -> PlacementState:
    placement_id = scene.placement.id
    app.record_attendance(placement_id, session=Session.AM, code="N", actor=STAFF, on=OPENED_ON)
    return app.correct_attendance(
        placement_id,
        session=Session.AM,
        code=AttendanceCode.ILLNESS,
        reason="Parent phoned in: ill.",
        amended_by_name="Sam Okafor",
        amended_by_position="Attendance officer",
        actor=STAFF,
        on=OPENED_ON,
    )


def _assess_reintegration(app: AlternativeProvision, scene: Scene) -> PlacementState:
    placement_id = scene.placement.id
    app.agree_reintegration_criteria(
        placement_id, criteria=["attends 90%", "manages a full class"], actor=HEAD, on=TODAY
    )
    return app.assess_reintegration(
        placement_id,
        ready=False,
        criteria_met=["attends 90%"],
        note="Not yet in class.",
        actor=STAFF,
        on=TODAY,
    )


PLACEMENT_CASES = [
    pytest.param(
        PlacementCase(
            open_outside_placement,
            lambda app, s: app.assess_needs(
                s.placement.id,
                areas=[NeedArea.COGNITION_AND_LEARNING],
                summary="Reading age well below chronological age.",
                barriers=["reading"],
                actor=STAFF,
                on=OPENED_ON,
            ),
            lambda p: (p.needs_assessed_on, p.need_areas),
            (OPENED_ON, (NeedArea.COGNITION_AND_LEARNING,)),
        ),
        id="assess_needs",
    ),
    pytest.param(
        PlacementCase(
            open_outside_placement,
            lambda app, s: app.agree_plan(
                s.placement.id, full_time_plan(s.provider.id), actor=HEAD, on=OPENED_ON
            ),
            lambda p: (p.plan_agreed_on, p.plan is not None and p.plan.weekly_hours),
            (OPENED_ON, Decimal("32.5")),
        ),
        id="agree_plan",
    ),
    pytest.param(
        PlacementCase(
            plan_outside_placement,
            lambda app, s: app.revise_plan(
                s.placement.id,
                full_time_plan(s.provider.id, hours_a_day="7"),
                reason="Longer college day.",
                actor=HEAD,
                on=TUESDAY,
            ),
            lambda p: (p.plan_revised_on, p.plan is not None and p.plan.weekly_hours),
            (TUESDAY, Decimal("35")),
        ),
        id="revise_plan",
    ),
    pytest.param(
        PlacementCase(
            open_outside_placement,
            lambda app, s: app.give_consent(
                s.placement.id,
                party=ConsentParty.PARENTS,
                given_by="Mrs Parent",
                evidence_reference="signed form",
                actor=STAFF,
                on=OPENED_ON,
            ),
            lambda p: (
                p.consent_given(ConsentParty.PARENTS),
                p.consent_given(ConsentParty.PLACING_AUTHORITY),
            ),
            (True, False),
        ),
        id="give_consent",
    ),
    pytest.param(
        PlacementCase(
            start_outside_placement,
            lambda app, s: app.withdraw_consent(
                s.placement.id,
                party=ConsentParty.PARENTS,
                reason="Parents changed their mind.",
                actor=STAFF,
                on=TUESDAY,
            ),
            lambda p: (p.status, p.suspended_since),
            (PlacementStatus.SUSPENDED, TUESDAY),
        ),
        id="withdraw_consent",
    ),
    pytest.param(
        PlacementCase(
            open_outside_placement,
            lambda app, s: app.share_information(
                s.placement.id,
                party=InformationParty.LOCAL_AUTHORITY,
                scope=[InformationScope.SPECIAL_EDUCATIONAL_NEEDS],
                note="Sent by secure email.",
                actor=STAFF,
                on=OPENED_ON,
            ),
            lambda p: p.information_shared,
            {InformationParty.LOCAL_AUTHORITY: OPENED_ON},
        ),
        id="share_information",
    ),
    pytest.param(
        PlacementCase(
            open_outside_placement,
            lambda app, s: app.record_medical_exemption(
                s.placement.id,
                evidence_reference="Consultant letter 2026-01",
                review_on=OPENED_ON + timedelta(weeks=6),
                actor=HEAD,
                on=OPENED_ON,
            ),
            lambda p: p.medical_exemption is not None and p.medical_exemption.review_on,
            OPENED_ON + timedelta(weeks=6),
        ),
        id="record_medical_exemption",
    ),
    pytest.param(
        PlacementCase(
            plan_outside_placement,
            lambda app, s: app.start_placement(s.placement.id, actor=HEAD, on=OPENED_ON),
            lambda p: (p.status, p.started_on),
            (PlacementStatus.ACTIVE, OPENED_ON),
        ),
        id="start_placement",
    ),
    pytest.param(
        PlacementCase(
            start_outside_placement,
            lambda app, s: app.record_attendance(
                s.placement.id,
                session=Session.AM,
                code=AttendanceCode.PRESENT_AM,
                actor=STAFF,
                on=OPENED_ON,
            ),
            lambda p: _code_of(p, Session.AM),
            AttendanceCode.PRESENT_AM,
        ),
        id="record_attendance_with_code",
    ),
    pytest.param(
        PlacementCase(
            start_outside_placement,
            lambda app, s: app.record_attendance(
                s.placement.id, session=Session.PM, code="I", actor=STAFF, on=OPENED_ON
            ),
            lambda p: _code_of(p, Session.PM),
            AttendanceCode.ILLNESS,
        ),
        id="record_attendance_with_letter",
    ),
    pytest.param(
        PlacementCase(
            start_outside_placement,
            _correct,
            lambda p: (_code_of(p, Session.AM), _mark_corrected(p, Session.AM)),
            (AttendanceCode.ILLNESS, True),
        ),
        id="correct_attendance",
    ),
    pytest.param(
        PlacementCase(
            start_outside_placement,
            lambda app, s: app.review_progress(
                s.placement.id,
                progress=[
                    ObjectiveProgress("E1", ProgressRating.AS_EXPECTED),
                    ObjectiveProgress("M1", ProgressRating.BELOW_EXPECTED, "Fractions."),
                ],
                effectiveness=Effectiveness.PARTLY_EFFECTIVE,
                next_review_on=TODAY + timedelta(weeks=6),
                with_provider=True,
                actor=STAFF,
                on=TODAY,
            ),
            lambda p: (p.reviews, p.last_reviewed_on, p.last_effectiveness, p.next_review_on),
            (1, TODAY, Effectiveness.PARTLY_EFFECTIVE, TODAY + timedelta(weeks=6)),
        ),
        id="review_progress",
    ),
    pytest.param(
        PlacementCase(
            start_outside_placement,
            lambda app, s: app.agree_reintegration_criteria(
                s.placement.id, criteria=["attends 90%"], actor=HEAD, on=TODAY
            ),
            lambda p: p.reintegration_criteria,
            ("attends 90%",),
        ),
        id="agree_reintegration_criteria",
    ),
    pytest.param(
        PlacementCase(
            start_outside_placement,
            _assess_reintegration,
            lambda p: (
                p.reintegration_assessment is not None
                and (p.reintegration_assessment.ready, p.reintegration_assessment.criteria_met)
            ),
            (False, ("attends 90%",)),
        ),
        id="assess_reintegration",
    ),
    pytest.param(
        PlacementCase(
            start_outside_placement,
            lambda app, s: app.agree_reintegration_support(
                s.placement.id, support=["phased timetable", "key worker"], actor=HEAD, on=TODAY
            ),
            lambda p: p.reintegration_support,
            ("phased timetable", "key worker"),
        ),
        id="agree_reintegration_support",
    ),
    pytest.param(
        PlacementCase(
            start_outside_placement,
            lambda app, s: app.end_placement(
                s.placement.id,
                destination=Destination.SEN_SCHOOL,
                note="Back in class.",
                actor=HEAD,
                on=TODAY,
            ),
            lambda p: (p.status, p.ended_on, p.destination),
            (PlacementStatus.ENDED, TODAY, Destination.SEN_SCHOOL),
        ),
        id="end_placement",
    ),
]


@pytest.mark.parametrize("case", PLACEMENT_CASES)
def test_placement_command_returns_the_state_showing_its_decision(
    app: AlternativeProvision, case: PlacementCase
) -> None:
    result = case.act(app, case.build(app))

    assert case.observe(result) == case.expected


@pytest.mark.parametrize("case", PLACEMENT_CASES)
def test_placement_command_returns_the_state_a_fresh_load_gives(
    store: Store, case: PlacementCase
) -> None:
    app = store.open()
    result = case.act(app, case.build(app))

    assert store.open().get_placement(result.id, reader=HEAD) == result


@pytest.mark.parametrize("case", PLACEMENT_CASES)
def test_placement_command_returns_the_version_of_its_last_event(
    app: AlternativeProvision, case: PlacementCase
) -> None:
    result = case.act(app, case.build(app))

    assert result.version == len(app.placement_history(result.id, reader=HEAD))


def test_open_placement_returns_an_open_placement_of_the_actors_school(
    app: AlternativeProvision,
) -> None:
    provider = ready_provider(app)

    placement = app.open_placement(
        student_reference="STU-0042",
        reason=Reason.BEHAVIOUR,
        setting=Setting.OUTSIDE_PROVIDER,
        provider_id=provider.id,
        location="College",
        residential=False,
        actor=STAFF,
        on=OPENED_ON,
    )

    actual = (placement.version, placement.status, placement.school_id, placement.provider_id)
    assert actual == (1, PlacementStatus.OPEN, SCHOOL, provider.id)


def test_open_placement_returns_the_state_a_fresh_load_gives(store: Store) -> None:
    app = store.open()

    placement = app.open_placement(
        student_reference="STU-0043",
        reason=Reason.MEDICAL,
        setting=Setting.ON_SITE,
        location="The Annexe, room 2",
        residential=False,
        actor=STAFF,
        on=OPENED_ON,
    )

    assert store.open().get_placement(placement.id, reader=HEAD) == placement


def test_register_provider_returns_the_provider_with_a_new_id(app: AlternativeProvision) -> None:
    provider = app.register_provider(
        name="Farm School",
        kind=ProviderKind.REGISTERED_INDEPENDENT,
        delivers_accredited_education=False,
        sites=["Top field"],
        actor=HEAD,
        on=OPENED_ON,
    )

    actual = (provider.version, provider.name, provider.sites, provider.registered_by_school)
    assert actual == (1, "Farm School", ("Top field",), SCHOOL)


def test_register_provider_returns_the_state_a_fresh_load_gives(store: Store) -> None:
    provider = ready_provider(store.open(), confirm=False, assess=False)

    assert store.open().get_provider(provider.id, reader=HEAD) == provider


def test_confirm_provider_registration_records_the_urn_and_the_day_checked(
    app: AlternativeProvision,
) -> None:
    provider = ready_provider(app, confirm=False, assess=False)

    result = app.confirm_provider_registration(
        provider.id, urn="130456", evidence_reference="GIAS", actor=HEAD, on=TUESDAY
    )

    assert (result.urn, result.registration_checked_on) == ("130456", TUESDAY)


def test_assess_provider_risk_records_the_assessment(app: AlternativeProvision) -> None:
    provider = ready_provider(app, confirm=False, assess=False)

    result = app.assess_provider_risk(
        provider.id,
        outcome=RiskOutcome.UNSATISFACTORY,
        safeguarding_policies_seen=False,
        staff_checks_confirmed_in_writing=True,
        valid_until=TODAY,
        actor=HEAD,
        on=OPENED_ON,
    )

    assessment = result.risk_assessment
    assert assessment is not None
    assert (assessment.outcome, assessment.assessed_on) == (RiskOutcome.UNSATISFACTORY, OPENED_ON)


def test_provider_command_returns_the_state_a_fresh_load_gives(store: Store) -> None:
    provider = ready_provider(store.open())

    assert store.open().get_provider(provider.id, reader=HEAD) == provider


SchoolAct = Callable[[AlternativeProvision], Any]

SCHOOL_CASES = [
    pytest.param(
        lambda app: app.appoint_delegate(DELEGATE.id, actor=HEAD, on=OPENED_ON),
        lambda school: school.delegates,
        frozenset({DELEGATE.id}),
        id="appoint_delegate",
    ),
    pytest.param(
        lambda app: (
            app.appoint_delegate(DELEGATE.id, actor=HEAD, on=OPENED_ON),
            app.revoke_delegation(DELEGATE.id, actor=HEAD, on=TUESDAY),
        )[-1],
        lambda school: school.delegates,
        frozenset(),
        id="revoke_delegation",
    ),
    pytest.param(
        lambda app: app.grant_inspector_access(
            INSPECTOR.id, until=TODAY + timedelta(days=30), actor=HEAD, on=TODAY
        ),
        lambda school: school.inspectors,
        {INSPECTOR.id: TODAY + timedelta(days=30)},
        id="grant_inspector_access",
    ),
    pytest.param(
        lambda app: (
            app.grant_inspector_access(INSPECTOR.id, until=TODAY, actor=HEAD, on=OPENED_ON),
            app.revoke_inspector_access(INSPECTOR.id, actor=HEAD, on=TUESDAY),
        )[-1],
        lambda school: school.inspectors,
        {},
        id="revoke_inspector_access",
    ),
]


@pytest.mark.parametrize(("act", "observe", "expected"), SCHOOL_CASES)
def test_school_command_returns_the_state_showing_its_decision(
    app: AlternativeProvision, act: SchoolAct, observe: Callable[[Any], Any], expected: Any
) -> None:
    result = act(app)

    assert observe(result) == expected


@pytest.mark.parametrize(("act", "observe", "expected"), SCHOOL_CASES)
def test_school_command_returns_the_state_a_fresh_load_gives(
    store: Store, act: SchoolAct, observe: Callable[[Any], Any], expected: Any
) -> None:
    result = act(store.open())

    assert store.open().get_school(SCHOOL, reader=HEAD) == result


def test_delegate_appointed_by_the_head_can_agree_a_plan(app: AlternativeProvision) -> None:
    scene = open_outside_placement(app)
    app.appoint_delegate(DELEGATE.id, actor=HEAD, on=OPENED_ON)

    result = app.agree_plan(
        scene.placement.id, full_time_plan(scene.provider.id), actor=DELEGATE, on=OPENED_ON
    )

    assert result.plan == full_time_plan(scene.provider.id)


def test_delegate_cannot_agree_a_plan_after_revocation(app: AlternativeProvision) -> None:
    scene = open_outside_placement(app)
    app.appoint_delegate(DELEGATE.id, actor=HEAD, on=OPENED_ON)
    app.revoke_delegation(DELEGATE.id, actor=HEAD, on=OPENED_ON)

    with pytest.raises(NotAuthorisedError) as refused:
        app.agree_plan(
            scene.placement.id, full_time_plan(scene.provider.id), actor=DELEGATE, on=OPENED_ON
        )

    assert (refused.value.actor_id, refused.value.rule_id) == (DELEGATE.id, "PLAN-3")


def test_unknown_attendance_letter_is_refused_under_stat_1(app: AlternativeProvision) -> None:
    scene = start_outside_placement(app)

    with pytest.raises(PolicyViolationError) as refused:
        app.record_attendance(
            scene.placement.id, session=Session.AM, code="H", actor=STAFF, on=OPENED_ON
        )

    assert refused.value.rule_id == "STAT-1"


def test_unknown_attendance_letter_writes_nothing(app: AlternativeProvision) -> None:
    scene = start_outside_placement(app)
    before = stored_notifications(app)

    with pytest.raises(PolicyViolationError):
        app.record_attendance(
            scene.placement.id, session=Session.AM, code="H", actor=STAFF, on=OPENED_ON
        )

    assert stored_notifications(app) == before


ById = Callable[[AlternativeProvision, Any], Any]

PLACEMENT_BY_ID: list[Any] = [
    pytest.param(lambda app, i: app.get_placement(i, reader=HEAD), id="get_placement"),
    pytest.param(lambda app, i: app.placement_history(i, reader=HEAD), id="placement_history"),
    pytest.param(
        lambda app, i: app.assess_needs(
            i,
            areas=[NeedArea.SENSORY_AND_PHYSICAL],
            summary="Hearing loss.",
            actor=STAFF,
            on=OPENED_ON,
        ),
        id="assess_needs",
    ),
    pytest.param(lambda app, i: app.start_placement(i, actor=HEAD, on=OPENED_ON), id="start"),
    pytest.param(
        lambda app, i: app.record_attendance(
            i, session=Session.AM, code="/", actor=STAFF, on=OPENED_ON
        ),
        id="record_attendance",
    ),
]

PROVIDER_BY_ID: list[Any] = [
    pytest.param(lambda app, i: app.get_provider(i, reader=HEAD), id="get_provider"),
    pytest.param(lambda app, i: app.provider_history(i, reader=HEAD), id="provider_history"),
    pytest.param(
        lambda app, i: app.confirm_provider_registration(
            i, urn="130456", evidence_reference="GIAS", actor=HEAD, on=OPENED_ON
        ),
        id="confirm_provider_registration",
    ),
]


@pytest.mark.parametrize("use", PLACEMENT_BY_ID)
def test_unknown_placement_id_raises_not_found(app: AlternativeProvision, use: ById) -> None:
    unknown = uuid4()

    with pytest.raises(NotFoundError) as refused:
        use(app, unknown)

    assert (refused.value.kind, refused.value.id) == ("placement", unknown)


@pytest.mark.parametrize("use", PROVIDER_BY_ID)
def test_unknown_provider_id_raises_not_found(app: AlternativeProvision, use: ById) -> None:
    unknown = uuid4()

    with pytest.raises(NotFoundError) as refused:
        use(app, unknown)

    assert (refused.value.kind, refused.value.id) == ("provider", unknown)


def test_opening_a_placement_at_an_unknown_provider_raises_not_found(
    app: AlternativeProvision,
) -> None:
    unknown = uuid4()

    with pytest.raises(NotFoundError) as refused:
        app.open_placement(
            student_reference="STU-0042",
            reason=Reason.ANXIETY,
            setting=Setting.OUTSIDE_PROVIDER,
            provider_id=unknown,
            location="Nowhere",
            residential=False,
            actor=STAFF,
            on=OPENED_ON,
        )

    assert (refused.value.kind, refused.value.id) == ("provider", unknown)


@pytest.mark.parametrize("use", PLACEMENT_BY_ID)
@pytest.mark.parametrize("cached", [False, True], ids=["not-cached", "cached"])
def test_provider_id_used_as_a_placement_id_raises_not_found(
    app: AlternativeProvision, use: ById, cached: bool
) -> None:
    provider = ready_provider(app)
    if cached:
        app.get_provider(provider.id, reader=HEAD)

    with pytest.raises(NotFoundError) as refused:
        use(app, provider.id)

    assert refused.value.kind == "placement"


@pytest.mark.parametrize("use", PROVIDER_BY_ID)
def test_placement_id_used_as_a_provider_id_raises_not_found(
    app: AlternativeProvision, use: ById
) -> None:
    placement = open_outside_placement(app).placement

    with pytest.raises(NotFoundError) as refused:
        use(app, placement.id)

    assert refused.value.kind == "provider"


@pytest.mark.parametrize("use", [*PLACEMENT_BY_ID, *PROVIDER_BY_ID])
@pytest.mark.parametrize("bad_id", ["not-a-uuid", str(UUID(int=7)), 7, None])
def test_id_that_is_not_a_uuid_raises_invalid_input(
    app: AlternativeProvision, use: ById, bad_id: object
) -> None:
    with pytest.raises(InvalidInputError):
        use(app, bad_id)


def test_school_with_no_decisions_reads_as_none(app: AlternativeProvision) -> None:
    assert app.get_school(SCHOOL, reader=HEAD) is None


def test_command_without_a_date_takes_effect_on_the_clocks_day(
    app: AlternativeProvision,
) -> None:
    placement = app.open_placement(
        student_reference="STU-0044",
        reason=Reason.OTHER,
        setting=Setting.ON_SITE,
        location="The Annexe",
        residential=False,
        actor=STAFF,
    )

    assert placement.opened_on == TODAY


def test_correct_attendance_keeps_the_original_mark_on_the_record(
    app: AlternativeProvision,
) -> None:
    scene = start_outside_placement(app)
    _correct(app, scene)

    history = app.placement_history(scene.placement.id, reader=HEAD)

    recorded, corrected = history[-2], history[-1]
    assert (
        type(recorded),
        getattr(recorded, "code", None),
        type(corrected),
        getattr(corrected, "original_code", None),
        getattr(corrected, "corrects_version", None),
    ) == (
        AttendanceRecorded,
        AttendanceCode.REASON_NOT_ESTABLISHED,
        AttendanceCorrected,
        AttendanceCode.REASON_NOT_ESTABLISHED,
        recorded.originator_version,
    )


def test_provider_staff_can_record_attendance_at_their_provider(
    app: AlternativeProvision,
) -> None:
    scene = start_outside_placement(app)

    result = app.record_attendance(
        scene.placement.id,
        session=Session.AM,
        code="L",
        actor=provider_staff(scene.provider.id),
        on=OPENED_ON,
    )

    assert _code_of(result, Session.AM) == AttendanceCode.LATE


def test_execute_runs_a_command_object_and_returns_the_new_state(
    app: AlternativeProvision,
) -> None:
    scene = start_outside_placement(app)
    command = RecordAttendance(
        actor=STAFF,
        effective_on=OPENED_ON,
        placement_id=scene.placement.id,
        session=Session.AM,
        code=AttendanceCode.PRESENT_AM,
    )

    result = app.execute(command)

    assert result == app.get_placement(scene.placement.id, reader=HEAD)


def test_execute_of_something_that_is_not_a_command_raises_invalid_input(
    app: AlternativeProvision,
) -> None:
    not_a_command: Any = "record attendance"

    with pytest.raises(InvalidInputError):
        app.execute(not_a_command)
