"""The history the golden fixtures hold: every event type of the library, written through the
public API with a fixed clock, so that a later version can prove it still reads it.

``write_history(app, clock)`` records, on an empty store, a school's record (delegates,
inspector access, terms, a policy version), two providers through every provider decision,
two placements through every placement decision (attendance and corrections, consents given
and withdrawn, reviews, reintegration, notifications, contacts, student facts), a third
student whose record is erased at the end of retention, and seals.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs

from senad_ap import (
    AlternativeProvision,
    ConsentParty,
    Destination,
    NeedArea,
    ObjectiveProgress,
    PolicyParameters,
    ProviderKind,
    Reason,
    RiskOutcome,
    Setting,
)
from tests.integration.scenario import (
    HEAD,
    Clock,
    full_time_plan,
    ready_provider,
)

#: When the history begins: Monday 2 February 2026, 09:00 UTC.
START = datetime(2026, 2, 2, 9, tzinfo=UTC)
#: Long after the erased student's retention ended (born 2012: the SEN file's 31 years).
AFTER_RETENTION = datetime(2044, 9, 1, 9, tzinfo=UTC)


def write_history(app: AlternativeProvision, clock: Clock) -> None:
    """Record the golden history on ``app`` (an empty store) whose clock is ``clock``."""
    day = START.date()

    def at(when: date) -> date:
        clock.now = datetime(when.year, when.month, when.day, 9, tzinfo=UTC)
        return when

    # --- the school and its policy
    at(day)
    app.appoint_delegate("deputy-712E", actor=HEAD, on=day, idempotency_key="g delegate")
    app.revoke_delegation("deputy-712E", actor=HEAD, on=day, idempotency_key="g revoke")
    app.grant_inspector_access(
        "inspector-1", until=date(2026, 12, 31), actor=HEAD, on=day, idempotency_key="g insp"
    )
    app.revoke_inspector_access("inspector-1", actor=HEAD, on=day, idempotency_key="g insp-")
    app.record_term(
        "Spring 2026", starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 27),
        half_term_starts_on=date(2026, 2, 16), half_term_ends_on=date(2026, 2, 20),
        actor=HEAD, on=day, idempotency_key="g term",
    )  # fmt: skip
    app.record_policy_version(
        "2026-1", ratified_on=day, review_due_on=date(2027, 2, 1),
        parameters=PolicyParameters(version="2026-1"), actor=HEAD, on=day,
        idempotency_key="g policy",
    )  # fmt: skip

    # --- the providers, through every provider decision
    college = ready_provider(app, on=day)
    farm = app.register_provider(
        name="Hill Farm Project", kind=ProviderKind.UNREGISTERED,
        delivers_accredited_education=False, sites=("The farm",), actor=HEAD, on=day,
        idempotency_key="g farm",
    )  # fmt: skip
    app.assess_provider_risk(
        farm.id, outcome=RiskOutcome.SATISFACTORY, safeguarding_policies_seen=True,
        staff_checks_confirmed_in_writing=True, valid_until=day + timedelta(days=300),
        actor=HEAD, on=day, idempotency_key="g farm risk",
    )  # fmt: skip
    # A full-time pupil at an unregistered provider joins and leaves its roll.
    farm_placement = app.open_placement(
        student_reference="STU-0002", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=farm.id, location="Hill Farm", residential=False, actor=HEAD, on=day,
        idempotency_key="g open 2",
    )  # fmt: skip
    fid = farm_placement.id
    app.assess_needs(fid, areas=["communication and interaction"], summary="Quiet",
                     actor=HEAD, on=day, idempotency_key="g needs 2")  # fmt: skip
    no_ehcp = attrs.evolve(full_time_plan(farm.id, on=day), ehcp_reference=None)
    app.agree_plan(fid, no_ehcp, actor=HEAD, on=day,
                   idempotency_key="g plan 2")  # fmt: skip
    for party in ConsentParty:
        app.give_consent(
            fid, party=party, given_by=party.value, evidence_reference="signed form",
            actor=HEAD, on=day, idempotency_key=f"g consent 2 {party.name}",
        )  # fmt: skip
    app.start_placement(fid, actor=HEAD, on=day, idempotency_key="g start 2")
    app.end_placement(fid, destination="further education", actor=HEAD, on=day,
                      idempotency_key="g end 2")  # fmt: skip
    app.record_provider_kind(
        farm.id, kind=ProviderKind.REGISTERED_INDEPENDENT, actor=HEAD, on=day,
        idempotency_key="g kind",
    )  # fmt: skip
    app.record_provider_accreditation(
        farm.id, delivers_accredited_education=True, actor=HEAD, on=day, idempotency_key="g acc"
    )
    app.record_provider_sites(
        farm.id, sites=("The farm", "The barn"), actor=HEAD, on=day, idempotency_key="g sites"
    )
    app.record_provider_staffing(
        farm.id, staffing="Two instructors, DBS checked", actor=HEAD, on=day,
        idempotency_key="g staffing",
    )  # fmt: skip
    app.confirm_provider_registration(
        farm.id, urn="140001", evidence_reference="GIAS", actor=HEAD, on=day,
        idempotency_key="g farm urn",
    )  # fmt: skip
    app.record_provider_registration_lapsed(
        farm.id, evidence_reference="GIAS: closed", actor=HEAD, on=day, idempotency_key="g lapse"
    )
    app.record_quality_assurance_visit(
        college.id, effectiveness="effective", summary="Good lessons", actor=HEAD, on=day,
        idempotency_key="g qa",
    )  # fmt: skip

    # --- a placement through every placement decision
    first = app.open_placement(
        student_reference="STU-0001", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=college.id, location="Riverside FE College, main campus", residential=False,
        ehcp_reference="EHCP-2291", student_name="Alice Example", date_of_birth=date(2011, 5, 6),
        reason_detail="Panics at changeover", actor=HEAD, on=day, idempotency_key="g open 1",
    )  # fmt: skip
    pid = first.id
    app.assess_needs(
        pid, areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH], summary="Anxious in groups",
        barriers=("Noise",), actor=HEAD, on=day, idempotency_key="g needs",
    )  # fmt: skip
    app.agree_plan(pid, full_time_plan(college.id, on=day), actor=HEAD, on=day,
                   idempotency_key="g plan")  # fmt: skip
    for party in ConsentParty:
        app.give_consent(
            pid, party=party, given_by=party.value, evidence_reference="signed form",
            actor=HEAD, on=day, idempotency_key=f"g consent {party.name}",
        )  # fmt: skip
    app.share_information(
        pid, party="the provider", scope=["special educational needs"], note="Sent the plan",
        actor=HEAD, on=day, idempotency_key="g share",
    )  # fmt: skip
    app.record_location_rationale(
        pid, rationale="A quiet room away from the hall", actor=HEAD, on=day,
        idempotency_key="g rationale",
    )  # fmt: skip
    app.start_placement(pid, actor=HEAD, on=day, idempotency_key="g start")
    app.record_attendance(pid, session="AM", code="/", actor=HEAD, on=day,
                          idempotency_key="g am")  # fmt: skip
    app.record_attendance(pid, session="PM", code="N", actor=HEAD, on=day,
                          idempotency_key="g pm")  # fmt: skip
    day = at(day + timedelta(days=1))
    app.correct_attendance(
        pid, session="PM", code="I", reason="Doctor's note", amended_by_name="A Senco",
        amended_by_position="SENCo", actor=HEAD, on=day - timedelta(days=1),
        idempotency_key="g correct",
    )  # fmt: skip
    app.record_provider_contact(
        pid, provider_id=college.id, method="a visit to the provision", contact_with="Tutor",
        note="All well", actor=HEAD, on=day, idempotency_key="g contact",
    )  # fmt: skip
    app.withdraw_consent(
        pid, party=ConsentParty.PARENTS, reason="Wants a meeting", actor=HEAD, on=day,
        idempotency_key="g withdraw",
    )  # fmt: skip
    app.give_consent(
        pid, party=ConsentParty.PARENTS, given_by="parents", evidence_reference="met",
        actor=HEAD, on=day, idempotency_key="g consent again",
    )  # fmt: skip
    app.record_medical_exemption(
        pid, evidence_reference="GP letter", review_on=day + timedelta(days=60), actor=HEAD,
        on=day, idempotency_key="g medical",
    )  # fmt: skip
    app.record_local_authority_notification(
        pid, kind="sickness", reference="LA-1", actor=HEAD, on=day, idempotency_key="g la"
    )
    # The student's own facts, copied onto the placement.
    app.record_ehc_plan_issued("STU-0001", reference="EHCP-3000", actor=HEAD, on=day,
                               idempotency_key="g ehcp")  # fmt: skip
    app.record_ehc_plan_ceased("STU-0001", actor=HEAD, on=day, idempotency_key="g ehcp-")
    app.record_looked_after("STU-0001", actor=HEAD, on=day, idempotency_key="g la+")
    app.record_no_longer_looked_after("STU-0001", actor=HEAD, on=day, idempotency_key="g la-")
    app.record_roll_status("STU-0001", on_roll=True, dual_registered_with="123456", actor=HEAD,
                           on=day, idempotency_key="g roll")  # fmt: skip
    app.record_compulsory_school_age("STU-0001", compulsory_school_age=False, actor=HEAD,
                                     on=day, idempotency_key="g age")  # fmt: skip
    day = at(day + timedelta(days=14))
    plan = full_time_plan(college.id, on=START.date())
    app.review_progress(
        pid, progress=[ObjectiveProgress("E1", "as expected", "Reading well"),
                       ObjectiveProgress("M1", "below expected")],
        effectiveness="partly effective", next_review_on=day + timedelta(days=42),
        with_provider=True, note="Settling in", actor=HEAD, on=day, idempotency_key="g review",
    )  # fmt: skip
    app.revise_plan(pid, plan, reason="Review", actor=HEAD, on=day, idempotency_key="g revise")
    app.agree_reintegration_criteria(
        pid, criteria=["Attends 90%", "Manages the hall"], actor=HEAD, on=day,
        idempotency_key="g criteria",
    )  # fmt: skip
    app.assess_reintegration(
        pid, ready=True, criteria_met=["Attends 90%", "Manages the hall"], note="Ready",
        actor=HEAD, on=day, idempotency_key="g assess",
    )  # fmt: skip
    app.agree_reintegration_support(
        pid, support=["A mentor for six weeks"], actor=HEAD, on=day, idempotency_key="g support"
    )
    app.end_placement(pid, destination=Destination.SEN_SCHOOL, note="Back in class",
                      actor=HEAD, on=day, idempotency_key="g end")  # fmt: skip

    # A second placement of the same student, under the name she now goes by.
    app.open_placement(
        student_reference="STU-0001", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=college.id, location="Riverside FE College", residential=False,
        student_name="Alice Q Example", actor=HEAD, on=day, idempotency_key="g open 1b",
    )  # fmt: skip

    # --- a third student, whose record is erased at the end of retention
    third = app.open_placement(
        student_reference="STU-0003", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=college.id, location="Riverside FE College", residential=False,
        student_name="Bea Example", date_of_birth=date(2012, 3, 4), actor=HEAD, on=day,
        idempotency_key="g open 3",
    )  # fmt: skip
    app.end_placement(third.id, destination="further education", actor=HEAD, on=day,
                      idempotency_key="g end 3")  # fmt: skip
    app.seal(actor=HEAD)
    clock.now = AFTER_RETENTION
    app.forget_student("STU-0003", actor=HEAD, on=AFTER_RETENTION.date(),
                       idempotency_key="g forget")  # fmt: skip
    app.finish_erasures()
    app.seal(actor=HEAD)
