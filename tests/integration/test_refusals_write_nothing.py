"""A refused command leaves the store exactly as it was (a standing property, STYLE.md 10).

One case per kind of refusal: each guard rule id, not authorised, life cycle, bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import attrs
import pytest

from senad_ap import (
    Actor,
    AlreadyRecordedError,
    AlternativeProvision,
    ConsentParty,
    Destination,
    Effectiveness,
    IdempotencyConflictError,
    InformationParty,
    InformationScope,
    InvalidInputError,
    LifecycleError,
    NotAuthorisedError,
    NotFoundError,
    ObjectiveProgress,
    Plan,
    PolicyViolationError,
    ProgressRating,
    ProviderKind,
    Reason,
    RegisterMark,
    RegisterRefusedError,
    RiskOutcome,
    SenadApError,
    Session,
    Setting,
    Weekday,
    WeeklyHours,
)
from tests.integration.conftest import Store
from tests.integration.scenario import (
    HEAD,
    INSPECTOR,
    OPENED_ON,
    OTHER_HEAD,
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

SATURDAY = OPENED_ON + timedelta(days=5)
Act = Callable[[AlternativeProvision, Scene], object]


@attrs.frozen
class Refusal:
    """A scene ``build`` makes, a command ``act`` gives on it, and the refusal expected."""

    build: Callable[[AlternativeProvision], Scene]
    act: Act
    error: type[SenadApError]
    rule_id: str | None = None


def _plan_with(scene: Scene, *extra: WeeklyHours) -> Plan:
    plan = full_time_plan(scene.provider.id)
    return attrs.evolve(plan, weekly_pattern=(*plan.weekly_pattern, *extra))


def _at_unconfirmed_provider(app: AlternativeProvision) -> Scene:
    return plan_outside_placement(app, provider=ready_provider(app, confirm=False))


def _at_unassessed_provider(app: AlternativeProvision) -> Scene:
    return plan_outside_placement(app, provider=ready_provider(app, assess=False))


def _at_unregistered_provider(app: AlternativeProvision) -> Scene:
    provider = ready_provider(app, name="Youth Club", kind=ProviderKind.UNREGISTERED, confirm=False)
    return open_outside_placement(app, provider=provider)


def _without_consent(app: AlternativeProvision) -> Scene:
    scene = open_outside_placement(app)
    app.agree_plan(scene.placement.id, full_time_plan(scene.provider.id), actor=HEAD, on=OPENED_ON)
    return scene


def _consent_withdrawn(app: AlternativeProvision) -> Scene:
    scene = start_outside_placement(app)
    app.withdraw_consent(
        scene.placement.id,
        party=ConsentParty.PARENTS,
        reason="Moved away.",
        actor=STAFF,
        on=OPENED_ON,
    )
    return scene


def _ended(app: AlternativeProvision) -> Scene:
    scene = start_outside_placement(app)
    app.end_placement(
        scene.placement.id, destination=Destination.MAINSTREAM_SCHOOL, actor=HEAD, on=TODAY
    )
    return scene


def _marked(app: AlternativeProvision) -> Scene:
    scene = start_outside_placement(app)
    app.record_attendance(
        scene.placement.id,
        session=Session.AM,
        code="/",
        actor=STAFF,
        on=OPENED_ON,
        idempotency_key="k-1",
    )
    return scene


def _mark(
    code: str = "/", *, session: Session = Session.AM, actor: Actor = STAFF, on: date = OPENED_ON
) -> Act:
    return lambda app, s: app.record_attendance(
        s.placement.id, session=session, code=code, actor=actor, on=on
    )


def _open(setting: Setting, *, residential: bool = False, reference: str = "STU-0099") -> Act:
    return lambda app, s: app.open_placement(
        student_reference=reference,
        reason=Reason.BEHAVIOUR,
        setting=setting,
        location="Room 4",
        residential=residential,
        actor=STAFF,
        on=OPENED_ON,
    )


def _agree(plan: Callable[[Scene], Plan], actor: Actor = HEAD) -> Act:
    return lambda app, s: app.agree_plan(s.placement.id, plan(s), actor=actor, on=OPENED_ON)


def _start(on: date = OPENED_ON) -> Act:
    return lambda app, s: app.start_placement(s.placement.id, actor=HEAD, on=on)


SIDE_ROOM_HOURS = WeeklyHours(Weekday.MONDAY, Setting.SIDE_ROOM_OF_CLASSROOM, Decimal("1"))
HOME_HOURS = WeeklyHours(Weekday.MONDAY, Setting.ALLIED_CHILDRENS_HOME, Decimal("1"))
STRANGER = provider_staff(uuid4())
NOT_A_UUID: Any = "not-a-uuid"

REFUSALS: list[object] = [
    # ---------------------------------------------------------------- guard rules
    pytest.param(
        Refusal(
            open_outside_placement,
            _open(Setting.SIDE_ROOM_OF_CLASSROOM),
            PolicyViolationError,
            "NEED-2",
        ),
        id="NEED-2-open-in-a-side-room",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            _agree(lambda s: _plan_with(s, SIDE_ROOM_HOURS)),
            PolicyViolationError,
            "NEED-2",
        ),
        id="NEED-2-plan-hours-in-a-side-room",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            _open(Setting.ALLIED_CHILDRENS_HOME),
            PolicyViolationError,
            "LOC-3",
        ),
        id="LOC-3-open-at-the-home-not-residential",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            _agree(lambda s: _plan_with(s, HOME_HOURS)),
            PolicyViolationError,
            "LOC-3",
        ),
        id="LOC-3-plan-hours-at-the-home-not-residential",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            _agree(lambda s: full_time_plan(s.provider.id, hours_a_day="5")),
            PolicyViolationError,
            "PLAN-2",
        ),
        id="PLAN-2-part-time-plan",
    ),
    pytest.param(
        Refusal(open_outside_placement, _start(), PolicyViolationError, "PLAN-2"),
        id="PLAN-2-start-without-a-plan",
    ),
    pytest.param(
        Refusal(
            _at_unregistered_provider,
            _agree(lambda s: full_time_plan(s.provider.id)),
            PolicyViolationError,
            "STAT-4",
        ),
        id="STAT-4-unregistered-full-time-with-EHCP",
    ),
    pytest.param(
        Refusal(_at_unconfirmed_provider, _start(), PolicyViolationError, "COMM-3"),
        id="COMM-3-registration-not-confirmed",
    ),
    pytest.param(
        Refusal(
            _at_unregistered_provider,
            lambda app, s: app.confirm_provider_registration(
                s.provider.id, urn="130456", evidence_reference="GIAS", actor=HEAD, on=OPENED_ON
            ),
            PolicyViolationError,
            "COMM-3",
        ),
        id="COMM-3-confirm-registration-of-an-unregistered-kind",
    ),
    pytest.param(
        Refusal(_at_unassessed_provider, _start(), PolicyViolationError, "COMM-4"),
        id="COMM-4-no-risk-assessment",
    ),
    pytest.param(
        Refusal(
            _at_unregistered_provider,
            lambda app, s: app.record_provider_registration_lapsed(
                s.provider.id, evidence_reference="GIAS", actor=HEAD, on=OPENED_ON
            ),
            PolicyViolationError,
            "COMM-3",
        ),
        id="COMM-3-lapse-of-an-unregistered-kind",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.confirm_provider_registration(
                s.provider.id, urn="1234567", evidence_reference="GIAS", actor=HEAD, on=OPENED_ON
            ),
            InvalidInputError,
        ),
        id="COMM-3-seven-digit-dfe-number",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.record_provider_staffing(
                s.provider.id, staffing="QTS", actor=STAFF, on=OPENED_ON
            ),
            NotAuthorisedError,
            "COMM-1",
        ),
        id="staff-record-a-providers-staffing",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.record_provider_kind(
                s.provider.id, kind=ProviderKind.FE_COLLEGE, actor=HEAD, on=OPENED_ON
            ),
            AlreadyRecordedError,
        ),
        id="provider-kind-it-already-has",
    ),
    pytest.param(
        Refusal(
            start_outside_placement,
            lambda app, s: app.record_provider_contact(
                s.placement.id,
                provider_id=uuid4(),
                method="email",
                contact_with="tutor",
                actor=STAFF,
                on=OPENED_ON,
            ),
            InvalidInputError,
        ),
        id="CONTACT-1-contact-with-a-provider-the-placement-does-not-use",
    ),
    pytest.param(
        Refusal(
            start_outside_placement,
            lambda app, s: app.record_provider_contact(
                s.placement.id,
                provider_id=s.provider.id,
                method="carrier pigeon",
                contact_with="tutor",
                actor=STAFF,
                on=OPENED_ON,
            ),
            InvalidInputError,
        ),
        id="CONTACT-1-unknown-contact-method",
    ),
    pytest.param(
        Refusal(
            start_outside_placement,
            lambda app, s: app.record_local_authority_notification(
                s.placement.id, kind="truancy", reference="LA-7", actor=STAFF, on=OPENED_ON
            ),
            InvalidInputError,
        ),
        id="NOTIFY-unknown-notification-kind",
    ),
    pytest.param(
        Refusal(
            start_outside_placement,
            lambda app, s: app.record_local_authority_notification(
                s.placement.id,
                kind="sickness",
                reference="LA-7",
                actor=provider_staff(s.provider.id),
                on=OPENED_ON,
            ),
            NotAuthorisedError,
            "COMM-1",
        ),
        id="NOTIFY-provider-staff-record-a-return-to-the-local-authority",
    ),
    pytest.param(
        Refusal(
            plan_outside_placement,
            _start(on=OPENED_ON + timedelta(days=301)),
            PolicyViolationError,
            "COMM-4",
        ),
        id="COMM-4-risk-assessment-expired",
    ),
    pytest.param(
        Refusal(_without_consent, _start(), PolicyViolationError, "INFO-2"),
        id="INFO-2-start-without-consent",
    ),
    pytest.param(
        Refusal(_consent_withdrawn, _mark("/"), PolicyViolationError, "INFO-2"),
        id="INFO-2-present-after-consent-withdrawn",
    ),
    pytest.param(
        Refusal(start_outside_placement, _mark("H"), PolicyViolationError, "STAT-1"),
        id="STAT-1-unknown-code",
    ),
    pytest.param(
        Refusal(
            start_outside_placement, _mark("/", session=Session.PM), PolicyViolationError, "STAT-1"
        ),
        id="STAT-1-morning-mark-in-the-afternoon",
    ),
    # ---------------------------------------------------------------- not authorised
    pytest.param(
        Refusal(
            open_outside_placement,
            _agree(lambda s: full_time_plan(s.provider.id), actor=STAFF),
            NotAuthorisedError,
            "PLAN-3",
        ),
        id="staff-not-delegated-agree-plan",
    ),
    pytest.param(
        Refusal(
            start_outside_placement,
            lambda app, s: app.end_placement(
                s.placement.id, destination=Destination.OTHER, actor=OTHER_HEAD, on=TODAY
            ),
            NotAuthorisedError,
        ),
        id="another-schools-head-ends-placement",
    ),
    pytest.param(
        Refusal(start_outside_placement, _mark("/", actor=INSPECTOR), NotAuthorisedError),
        id="inspector-records-attendance",
    ),
    pytest.param(
        Refusal(start_outside_placement, _mark("/", actor=STRANGER), NotAuthorisedError, "COMM-1"),
        id="another-providers-staff-record-attendance",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.appoint_delegate(STAFF.id, actor=STAFF, on=OPENED_ON),
            NotAuthorisedError,
            "COMM-1",
        ),
        id="staff-appoint-a-delegate",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.register_provider(
                name="Gym",
                kind=ProviderKind.UNREGISTERED,
                delivers_accredited_education=False,
                actor=STAFF,
                on=OPENED_ON,
            ),
            NotAuthorisedError,
            "COMM-1",
        ),
        id="staff-register-a-provider",
    ),
    # ---------------------------------------------------------------- life cycle
    pytest.param(
        Refusal(plan_outside_placement, _mark("/"), LifecycleError),
        id="attendance-before-start",
    ),
    pytest.param(
        Refusal(_ended, _mark("/"), LifecycleError),
        id="attendance-after-end",
    ),
    pytest.param(
        Refusal(start_outside_placement, _start(), LifecycleError),
        id="start-twice",
    ),
    pytest.param(
        Refusal(
            plan_outside_placement, _agree(lambda s: full_time_plan(s.provider.id)), LifecycleError
        ),
        id="agree-a-second-plan",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.revise_plan(
                s.placement.id,
                full_time_plan(s.provider.id),
                reason="Change.",
                actor=HEAD,
                on=OPENED_ON,
            ),
            LifecycleError,
        ),
        id="revise-without-a-plan",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.withdraw_consent(
                s.placement.id, party=ConsentParty.PARENTS, reason="No.", actor=STAFF, on=OPENED_ON
            ),
            LifecycleError,
        ),
        id="withdraw-consent-never-given",
    ),
    # ---------------------------------------------------------------- bad input
    pytest.param(
        Refusal(
            open_outside_placement,
            _open(Setting.ON_SITE, reference="Jane Smith"),
            InvalidInputError,
        ),
        id="student-name-as-reference",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.share_information(
                s.placement.id,
                party=InformationParty.PARENTS,
                scope=[InformationScope.ATTENDANCE],
                actor=STAFF,
                on=TODAY + timedelta(days=400),
            ),
            InvalidInputError,
        ),
        id="date-too-far-ahead",
    ),
    pytest.param(
        Refusal(start_outside_placement, _mark("/", on=SATURDAY), InvalidInputError),
        id="attendance-on-a-saturday",
    ),
    pytest.param(
        Refusal(
            start_outside_placement, _mark("/", on=TODAY + timedelta(days=1)), InvalidInputError
        ),
        id="attendance-for-tomorrow",
    ),
    pytest.param(
        Refusal(_marked, _mark("L"), AlreadyRecordedError, "STAT-2"),
        id="second-mark-for-a-session",
    ),
    pytest.param(
        Refusal(
            start_outside_placement,
            lambda app, s: app.correct_attendance(
                s.placement.id,
                session=Session.AM,
                code="I",
                reason="Ill.",
                amended_by_name="Sam Okafor",
                amended_by_position="Attendance officer",
                actor=STAFF,
                on=OPENED_ON,
            ),
            InvalidInputError,
        ),
        id="correct-a-mark-never-made",
    ),
    pytest.param(
        Refusal(
            start_outside_placement,
            lambda app, s: app.review_progress(
                s.placement.id,
                progress=[ObjectiveProgress("X9", ProgressRating.ACHIEVED)],
                effectiveness=Effectiveness.EFFECTIVE,
                next_review_on=TODAY + timedelta(weeks=6),
                actor=STAFF,
                on=TODAY,
            ),
            InvalidInputError,
        ),
        id="review-of-an-objective-not-in-the-plan",
    ),
    pytest.param(
        Refusal(
            start_outside_placement,
            lambda app, s: app.end_placement(
                s.placement.id,
                destination=Destination.OTHER,
                actor=HEAD,
                on=OPENED_ON - timedelta(days=1),
            ),
            InvalidInputError,
        ),
        id="end-before-it-began",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.assess_provider_risk(
                s.provider.id,
                outcome=RiskOutcome.SATISFACTORY,
                safeguarding_policies_seen=True,
                staff_checks_confirmed_in_writing=True,
                valid_until=OPENED_ON,
                actor=HEAD,
                on=OPENED_ON,
            ),
            InvalidInputError,
        ),
        id="risk-assessment-valid-until-the-day-it-was-made",
    ),
    pytest.param(
        Refusal(
            _marked,
            lambda app, s: app.record_attendance(
                s.placement.id,
                session=Session.PM,
                code="\\",
                actor=STAFF,
                on=OPENED_ON,
                idempotency_key="k-1",
            ),
            IdempotencyConflictError,
        ),
        id="idempotency-key-reused-for-another-command",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.assess_needs(
                NOT_A_UUID, areas=[], summary="x", actor=STAFF, on=OPENED_ON
            ),
            InvalidInputError,
        ),
        id="id-not-a-uuid",
    ),
    pytest.param(
        Refusal(
            open_outside_placement,
            lambda app, s: app.start_placement(uuid4(), actor=HEAD, on=OPENED_ON),
            NotFoundError,
        ),
        id="unknown-placement",
    ),
    pytest.param(
        Refusal(
            start_outside_placement,
            lambda app, s: app.record_register(
                [
                    RegisterMark(s.placement.id, Session.AM, "/"),
                    RegisterMark(s.placement.id, Session.PM, "H"),
                ],
                on=OPENED_ON,
                actor=STAFF,
            ),
            RegisterRefusedError,
        ),
        id="register-with-a-bad-mark",
    ),
]


@pytest.mark.parametrize("refusal", REFUSALS)
def test_refused_command_raises_the_expected_error(
    app: AlternativeProvision, refusal: Refusal
) -> None:
    scene = refusal.build(app)

    with pytest.raises(refusal.error) as refused:
        refusal.act(app, scene)

    assert getattr(refused.value, "rule_id", None) == refusal.rule_id


@pytest.mark.parametrize("refusal", REFUSALS)
def test_refused_command_leaves_the_store_exactly_as_it_was(
    app: AlternativeProvision, refusal: Refusal
) -> None:
    scene = refusal.build(app)
    before = stored_notifications(app)

    with pytest.raises(refusal.error):
        refusal.act(app, scene)

    assert stored_notifications(app) == before


@pytest.mark.parametrize("refusal", REFUSALS)
def test_refused_command_leaves_the_records_as_a_fresh_load_shows_them(
    store: Store, refusal: Refusal
) -> None:
    app = store.open()
    scene = refusal.build(app)
    placement_before = app.get_placement(scene.placement.id, reader=HEAD)
    provider_before = app.get_provider(scene.provider.id, reader=HEAD)
    school_before = app.get_school(SCHOOL, reader=HEAD)

    with pytest.raises(refusal.error):
        refusal.act(app, scene)

    fresh = store.open()
    after = (
        fresh.get_placement(scene.placement.id, reader=HEAD),
        fresh.get_provider(scene.provider.id, reader=HEAD),
        fresh.get_school(SCHOOL, reader=HEAD),
    )
    assert after == (placement_before, provider_before, school_before)
