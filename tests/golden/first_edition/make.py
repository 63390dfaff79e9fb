# mypy: ignore-errors
# (Typed against the first edition's API, which it runs with, not the current one.)
"""Write the first edition's fixtures: the rows senad_ap 0.1.0 (commit 20d7cba) stored.

Run with the FIRST EDITION's code, never the current one (it refuses any other version)::

    git worktree add /tmp/first-edition 20d7cba        # from this repository, detached
    python3 -m venv /tmp/first-edition/.venv
    /tmp/first-edition/.venv/bin/pip install -e '/tmp/first-edition[test]'
    /tmp/first-edition/.venv/bin/python tests/golden/first_edition/make.py
    git worktree remove /tmp/first-edition

It records, on a new SQLite file, the first edition's own example
(``examples/record_a_placement.py`` of that commit, with a fixed clock instead of today) and a
few more of its commands (a school's delegate, inspector and term, a second provider, a
correction, consent withdrawn and given again, information shared, a medical exemption, a
progress review, a revised plan, reintegration, an end, seals), then erases the example's
student at the end of retention: once not encrypted (``plain.json``) and once encrypted at
rest (``cipher.json``, the key derived as ``tests/golden/fixtures.py`` derives it). The rows
are written in the golden fixtures' format (``tests/golden/fixtures.py``: ``export_rows``),
and what the first edition's own API said about the store in ``first_edition.expected.json``.
This file imports nothing of the current code: it runs in the first edition's interpreter.
Never run it over committed fixtures: they are what schools' first-edition stores hold.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

from senad_ap import (
    Actor,
    AlternativeProvision,
    ConsentParty,
    Destination,
    Effectiveness,
    InformationParty,
    InformationScope,
    NeedArea,
    Objective,
    ObjectiveArea,
    ObjectiveProgress,
    Plan,
    ProgressRating,
    ProviderKind,
    Reason,
    RiskOutcome,
    Role,
    Session,
    Setting,
    Weekday,
    WeeklyHours,
)

HERE = Path(__file__).parent
#: The example's "last week's Monday", fixed: Monday 2 February 2026.
MONDAY = date(2026, 2, 2)
#: 35 years on, as the example's ``later`` clock (retention of a 2010 birth has ended).
LATER = datetime(2044, 9, 1, 9, tzinfo=UTC)
HEAD = Actor(id="head-712E", role=Role.HEAD_TEACHER, school_id="712E")
SENCO = Actor(id="senco-712E", role=Role.SCHOOL_STAFF, school_id="712E")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def on(self, day: date) -> date:
        self.now = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        return day


def cipher_key(mode: str) -> str | None:
    """As ``tests/golden/fixtures.py``: derived here, never a literal (it protects nothing)."""
    if mode == "plain":
        return None
    digest = hashlib.sha256(b"senad_ap golden fixture, not a secret").digest()
    return base64.b64encode(digest).decode("ascii")


def write_history(app: AlternativeProvision, clock: Clock) -> dict[str, Any]:
    """The example's history, then more of the first edition's commands; the ids made."""
    monday = clock.on(MONDAY)
    college = app.register_provider(
        name="Riverside FE College", kind=ProviderKind.FE_COLLEGE,
        delivers_accredited_education=True, sites=("Main campus",), actor=HEAD, on=monday,
        idempotency_key="fe college",
    )  # fmt: skip
    app.confirm_provider_registration(
        college.id, urn="130456", evidence_reference="DfE GIAS check", actor=HEAD, on=monday,
        idempotency_key="fe urn",
    )  # fmt: skip
    app.assess_provider_risk(
        college.id, outcome=RiskOutcome.SATISFACTORY, safeguarding_policies_seen=True,
        staff_checks_confirmed_in_writing=True, valid_until=monday + timedelta(days=300),
        actor=HEAD, on=monday, idempotency_key="fe risk",
    )  # fmt: skip
    placement = app.open_placement(
        student_reference="STU-0042", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=college.id, location="Riverside FE College, main campus",
        residential=False, ehcp_reference="EHCP-2291", student_name="Sam Example",
        date_of_birth=date(2010, 5, 17), actor=SENCO, on=monday, idempotency_key="fe open",
    )  # fmt: skip
    pid = placement.id
    app.assess_needs(
        pid, areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        summary="High anxiety in large groups; strong in practical work.", actor=SENCO,
        on=monday, idempotency_key="fe needs",
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
    app.agree_plan(pid, plan, actor=HEAD, on=monday, idempotency_key="fe plan")
    for party in ConsentParty:
        app.give_consent(
            pid, party=party, given_by=party.value, evidence_reference="signed form",
            actor=SENCO, on=monday, idempotency_key=f"fe consent {party.name}",
        )  # fmt: skip
    app.start_placement(pid, actor=HEAD, on=monday, idempotency_key="fe start")
    for offset, (am, pm) in enumerate([("/", "\\"), ("L", "\\"), ("I", "I")]):
        day = clock.on(monday + timedelta(days=offset))
        app.record_attendance(pid, session=Session.AM, code=am, actor=SENCO, on=day,
                              idempotency_key=f"fe am {offset}")  # fmt: skip
        app.record_attendance(pid, session=Session.PM, code=pm, actor=SENCO, on=day,
                              idempotency_key=f"fe pm {offset}")  # fmt: skip

    # --- more of the first edition's commands
    day = clock.on(monday + timedelta(days=3))
    app.appoint_delegate("deputy-712E", actor=HEAD, on=day, idempotency_key="fe delegate")
    app.revoke_delegation("deputy-712E", actor=HEAD, on=day, idempotency_key="fe revoke")
    app.grant_inspector_access("inspector-1", until=date(2026, 12, 31), actor=HEAD, on=day,
                               idempotency_key="fe inspector")  # fmt: skip
    app.revoke_inspector_access("inspector-1", actor=HEAD, on=day, idempotency_key="fe insp-")
    app.record_term("Spring 2026", starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 27),
                    actor=HEAD, on=day, idempotency_key="fe term")  # fmt: skip
    farm = app.register_provider(
        name="Hill Farm Project", kind=ProviderKind.UNREGISTERED,
        delivers_accredited_education=False, sites=("The farm",), staffing="Two instructors",
        actor=HEAD, on=day, idempotency_key="fe farm",
    )  # fmt: skip
    app.assess_provider_risk(
        farm.id, outcome=RiskOutcome.SATISFACTORY, safeguarding_policies_seen=True,
        staff_checks_confirmed_in_writing=True, valid_until=day + timedelta(days=300),
        actor=HEAD, on=day, idempotency_key="fe farm risk",
    )  # fmt: skip
    app.correct_attendance(pid, session=Session.PM, code="I", reason="Doctor's note",
                           actor=SENCO, on=monday, idempotency_key="fe correct")  # fmt: skip
    app.withdraw_consent(pid, party=ConsentParty.PARENTS, reason="Wants a meeting",
                         actor=SENCO, on=day, idempotency_key="fe withdraw")  # fmt: skip
    app.give_consent(pid, party=ConsentParty.PARENTS, given_by="parents",
                     evidence_reference="met", actor=SENCO, on=day,
                     idempotency_key="fe consent again")  # fmt: skip
    app.share_information(pid, party=InformationParty.PROVIDER,
                          scope=[InformationScope.SPECIAL_EDUCATIONAL_NEEDS], note="Sent the plan",
                          actor=SENCO, on=day, idempotency_key="fe share")  # fmt: skip
    app.record_medical_exemption(pid, evidence_reference="GP letter",
                                 review_on=day + timedelta(days=60), actor=HEAD, on=day,
                                 idempotency_key="fe medical")  # fmt: skip
    day = clock.on(monday + timedelta(days=42))
    app.review_progress(
        pid, progress=[ObjectiveProgress("E1", ProgressRating.AS_EXPECTED, "Reading well")],
        effectiveness=Effectiveness.PARTLY_EFFECTIVE, next_review_on=day + timedelta(days=42),
        with_provider=True, note="Settling in", actor=HEAD, on=day, idempotency_key="fe review",
    )  # fmt: skip
    app.revise_plan(pid, plan, reason="Review", actor=HEAD, on=day, idempotency_key="fe revise")
    app.agree_reintegration_criteria(pid, criteria=["Attends 90%"], actor=HEAD, on=day,
                                     idempotency_key="fe criteria")  # fmt: skip
    app.assess_reintegration(pid, ready=True, criteria_met=["Attends 90%"], note="Ready",
                             actor=HEAD, on=day, idempotency_key="fe assess")  # fmt: skip
    app.agree_reintegration_support(pid, support=["A mentor for six weeks"], actor=HEAD,
                                    on=day, idempotency_key="fe support")  # fmt: skip
    app.end_placement(pid, destination=Destination.FURTHER_EDUCATION, note="College full time",
                      actor=HEAD, on=day, idempotency_key="fe end")  # fmt: skip
    # A second student, kept: the key table keeps her key, her name still reveals.
    kept = app.open_placement(
        student_reference="STU-0043", reason=Reason.ANXIETY, setting=Setting.OUTSIDE_PROVIDER,
        provider_id=farm.id, location="Hill Farm", residential=False, student_name="Kim Example",
        date_of_birth=date(2011, 9, 1), reason_detail="Refuses the bus", actor=SENCO, on=day,
        idempotency_key="fe open kept",
    )  # fmt: skip
    app.seal(actor=HEAD)
    return {"placement": pid, "college": college.id, "farm": farm.id, "kept": kept.id}


def export_rows(app: AlternativeProvision, mode: str) -> dict[str, Any]:
    """As ``tests/golden/fixtures.py``'s ``export_rows``: the events, then the key table."""
    events = []
    for row in app.recorder.select_notifications(start=None, limit=10**6):
        state = bytes(row.state)
        events.append({
            "originator_id": str(row.originator_id),
            "originator_version": row.originator_version,
            "topic": row.topic,
            "state": state.decode("utf-8") if mode == "plain" else
            base64.b64encode(state).decode("ascii"),
        })  # fmt: skip
    keys: Any = app.personal.keys
    with keys.datastore.transaction(commit=False) as cursor:
        cursor.execute(
            f"SELECT student_id, key, created_at, erased_at FROM {keys.table} "  # noqa: S608
            "ORDER BY student_id"
        )
        key_rows = [
            {
                "student_id": str(r["student_id"]),
                "key": None if r["key"] is None else base64.b64encode(bytes(r["key"])).decode(),
                "created_at": str(r["created_at"]),
                "erased_at": None if r["erased_at"] is None else str(r["erased_at"]),
            }
            for r in cursor.fetchall()
        ]
    return {"events": events, "keys": key_rows}


def make(mode: str, folder: Path) -> dict[str, Any]:
    clock = Clock(datetime(2026, 2, 2, 9, tzinfo=UTC))
    app = AlternativeProvision.sqlite(folder / f"{mode}.sqlite", clock=clock,
                                      cipher_key=cipher_key(mode))  # fmt: skip
    try:
        ids = write_history(app, clock)
        pid = ids["placement"]
        before = app.get_placement(pid, reader=HEAD)
        student_before = app.get_student("STU-0042", reader=HEAD)
        clock.now = LATER
        erased = app.forget_student("STU-0042", actor=HEAD, idempotency_key="fe forget")
        app.seal(actor=HEAD)
        after = app.get_placement(pid, reader=HEAD)
        verification = app.verify()
        rows = export_rows(app, mode)
        versions: dict[str, list[int]] = {}
        for row in app.recorder.select_notifications(start=None, limit=10**6):
            event: Any = app.mapper.to_domain_event(row)
            cls = type(event)
            versions[f"{cls.__module__}:{cls.__qualname__}"] = sorted(
                {*versions.get(f"{cls.__module__}:{cls.__qualname__}", []),
                 getattr(cls, "class_version", 1)}
            )  # fmt: skip
        said = {
            "library_version": metadata.version("senad-ap"),
            "events": len(rows["events"]),
            "events_per_type": dict(sorted(Counter(e["topic"] for e in rows["events"]).items())),
            "class_version_per_type": dict(sorted(versions.items())),
            "verify": {
                "ok": verification.ok,
                "events": verification.events,
                "seals": verification.seals,
                "problems": [str(p) for p in verification.problems],
            },
            "placement_id": str(pid),
            "provider_ids": [str(ids["college"]), str(ids["farm"])],
            "student_id": str(student_before.id),
            "placement_status_before_erasure": before.status.value,
            "placement_status_after_erasure": after.status.value,
            "placement_version": after.version,
            "student_name_before_erasure": student_before.name,
            "student_date_of_birth_before_erasure": student_before.date_of_birth,
            "student_name_after_erasure": erased.name,
            "student_forgotten_on": str(erased.forgotten_on),
            "retention_ended_on": str(erased.retention_ended_on),
            "student_version": erased.version,
            "student_chain_hash": erased.chain_hash,
            "placement_chain_hash": after.chain_hash,
            "seals": len(app.seals()),
        }
        kim = app.get_student("STU-0043", reader=HEAD)
        said["kept_student"] = {
            "id": str(kim.id), "name": kim.name, "date_of_birth": kim.date_of_birth,
            "placement_id": str(ids["kept"]),
            "placement_status": app.get_placement(ids["kept"], reader=HEAD).status.value,
        }  # fmt: skip
        return {"rows": rows, "said": said}
    finally:
        app.close()


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")  # fmt: skip


def main() -> None:
    version = metadata.version("senad-ap")
    if version != "0.1.0":
        sys.exit(f"Run this with the first edition (0.1.0), not senad_ap {version}.")
    said = {}
    with tempfile.TemporaryDirectory() as folder:
        for mode in ("plain", "cipher"):
            made = make(mode, Path(folder))
            write_json(HERE / f"{mode}.json", made["rows"])
            said[mode] = made["said"]
    write_json(HERE / "first_edition.expected.json", said)


if __name__ == "__main__":
    main()
