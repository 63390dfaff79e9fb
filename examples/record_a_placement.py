"""Open a placement, agree its plan, record consent and attendance, print its history; then,
decades later, erase the student's personal data at the end of retention and verify the store.

Run:  python examples/record_a_placement.py [path/to/store.sqlite]
The store is a SQLite file (the embedded default); the example writes a fresh one.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from senad_ap import (
    Actor,
    AlternativeProvision,
    ConsentParty,
    Destination,
    NeedArea,
    Objective,
    ObjectiveArea,
    Plan,
    ProviderKind,
    Reason,
    RiskOutcome,
    Role,
    Session,
    Setting,
    Weekday,
    WeeklyHours,
)


def main(path: Path) -> None:
    head = Actor(id="head-712E", role=Role.HEAD_TEACHER, school_id="712E")
    senco = Actor(id="senco-712E", role=Role.SCHOOL_STAFF, school_id="712E")
    monday = date.today() - timedelta(days=date.today().weekday() + 7)  # last week's Monday
    app = AlternativeProvision.sqlite(path)

    college = app.register_provider(
        name="Riverside FE College", kind=ProviderKind.FE_COLLEGE,
        delivers_accredited_education=True, sites=("Main campus",), actor=head, on=monday,
    )  # fmt: skip
    app.confirm_provider_registration(
        college.id, urn="130456", evidence_reference="DfE GIAS check", actor=head, on=monday
    )
    app.assess_provider_risk(
        college.id, outcome=RiskOutcome.SATISFACTORY, safeguarding_policies_seen=True,
        staff_checks_confirmed_in_writing=True, valid_until=monday + timedelta(days=300),
        actor=head, on=monday,
    )  # fmt: skip

    placement = app.open_placement(
        student_reference="STU-0042", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=college.id, location="Riverside FE College, main campus",
        residential=False, ehcp_reference="EHCP-2291", student_name="Sam Example",
        date_of_birth=date(2010, 5, 17), actor=senco, on=monday,
    )  # fmt: skip
    app.assess_needs(
        placement.id, areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        summary="High anxiety in large groups; strong in practical work.", actor=senco, on=monday,
    )  # fmt: skip
    days = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
    plan = Plan(
        objectives=(
            Objective("E1", ObjectiveArea.ENGLISH, "Functional Skills English L1",
                      "Entry 3 reading", monday + timedelta(days=180), "FS English L1"),
            Objective("M1", ObjectiveArea.MATHEMATICS, "Functional Skills maths L1",
                      "Entry 3 number", monday + timedelta(days=180), "FS maths L1"),
        ),
        review_interval_weeks=6,
        monitoring_arrangements="Weekly call with the college tutor; termly visit.",
        assessment_arrangements="College assessments each half term.",
        weekly_pattern=tuple(
            WeeklyHours(day, Setting.OUTSIDE_PROVIDER, Decimal("6.5"), college.id) for day in days
        ),
        intended_destination=Destination.FURTHER_EDUCATION,
        ehcp_reference="EHCP-2291",
        agreed_with_providers=True,
    )  # fmt: skip
    app.agree_plan(placement.id, plan, actor=head, on=monday)
    for party in ConsentParty:
        app.give_consent(
            placement.id, party=party, given_by=party.value, evidence_reference="signed form",
            actor=senco, on=monday,
        )  # fmt: skip
    app.start_placement(placement.id, actor=head, on=monday)
    for offset, (am, pm) in enumerate([("/", "\\"), ("L", "\\"), ("I", "I")]):
        day = monday + timedelta(days=offset)
        app.record_attendance(placement.id, session=Session.AM, code=am, actor=senco, on=day)
        app.record_attendance(placement.id, session=Session.PM, code=pm, actor=senco, on=day)

    print(f"History of placement {placement.id} (store: {path})")
    for event in app.placement_history(placement.id, reader=head):
        facts = getattr(event, "code", None) or getattr(event, "party", None)
        extra = f"  [{facts.value}]" if facts is not None else ""
        print(
            f"v{event.originator_version:<3} {event.effective_on}  {type(event).__name__:<26}"
            f" by {event.actor.id} ({event.actor.role.value}), policy {event.policy_version}"
            f"{extra}"
        )
    print(f"Status now: {app.get_placement(placement.id, reader=head).status.value}")
    print(f"Student: {app.get_student('STU-0042', reader=head).name}")
    app.close()

    # 35 years on, retention has ended (STAT-7): erase the student's personal data.
    def later() -> datetime:
        return datetime.now(UTC) + timedelta(days=35 * 366)

    archive = AlternativeProvision.sqlite(path, clock=later)
    erased = archive.forget_student("STU-0042", actor=head)
    notes = archive.get_placement(placement.id, reader=head)
    print(f"After erasure: student {erased.name}, status {notes.status.value}")
    print(f"Verified: {archive.verify().ok} ({archive.verify().events} events, none rewritten)")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "ap.sqlite"
    main(target)
