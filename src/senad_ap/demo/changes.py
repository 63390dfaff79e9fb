"""What changes during the demo's term, as real placements do (issue 12): the monitoring the
school keeps up (contacts with providers, quality-assurance visits), and facts that change
after a placement opened, each opening or closing a finding on the day it takes effect:

- Hollow Lane Farm's staffing is recorded mid-term (QUAL-3 closes); the farm starts teaching
  an accredited course (COMM-3 opens for its running placements: it is not registered), then
  registers as an independent school and its registration is confirmed (COMM-3 closes);
- one student at the farm has no contact recorded after the start (CONTACT-1 stays open);
- an EHC plan is issued mid-term for a student without one (STAT-4 and PLAN-4 are then
  checked against it);
- the rationale for a residential student's placement at the home is written a week late
  (LOC-2 opens, then closes);
- a student at St Aidan's Academy two days a week is dual registered there before the term
  (the D marks of those days fit, STAT-1);
- after ten school days of unexplained absence, the attendance return to the local authority
  is made two school days late (NOTIFY-1 opens, then closes).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

import attrs

from senad_ap.demo.cast import (
    _ACADEMY_URN,
    _ATTENDANCE,
    _CHILDRENS_HOME,
    _CONTINUOUS_ABSENCE,
    _DEPUTY,
    _DUAL_REGISTERED,
    _ENDS,
    _NOT_STARTED,
    _OUTSIDE,
    _RETURN_MADE_ON,
    _SENCO,
    DEMO_HEAD,
)
from senad_ap.demo.clock import _TERM_END, _term_day_on_or_after, _uk
from senad_ap.demo.script import _Script
from senad_ap.demo.students import _EHCP_ISSUED_LATER, _Student
from senad_ap.domain.plan import Effectiveness
from senad_ap.domain.provider import ProviderKind

#: A student at the farm whose contacts were never recorded after the start (CONTACT-1).
_NO_CONTACTS = 36
#: When the school visits each outside provider to assure the quality of its provision.
_QA_VISITS = (date(2025, 10, 1), date(2025, 11, 19))
_FARM_STAFFING_ON = date(2025, 10, 13)
_FARM_ACCREDITED_ON = date(2025, 11, 10)
_FARM_REGISTERED_ON = date(2025, 11, 24)
_FARM_URN = "151234"


def monitoring(script: _Script, roster: Sequence[_Student]) -> None:
    """Quality-assurance visits to every outside provider each half term (COMM-9), and a
    contact with each outside placement's provider every four weeks (CONTACT-1)."""
    app = script.app
    for key in _OUTSIDE:
        for index, on in enumerate(_QA_VISITS):
            visit = partial(
                app.record_quality_assurance_visit, effectiveness=Effectiveness.EFFECTIVE,
                summary="Lesson observations, work scrutiny and the attendance log checked",
                actor=DEMO_HEAD if index else _DEPUTY, on=on,
            )  # fmt: skip
            script.at(_uk(on, 13, 5 * _OUTSIDE.index(key)), _provider_step(script, key, visit))
    for student in roster:
        if student.provider not in _OUTSIDE or student.starts_on is None:
            continue
        if student.number in (_NO_CONTACTS, _NOT_STARTED):
            continue
        last = min(_ENDS.get(student.number, _TERM_END), _TERM_END)
        on = _term_day_on_or_after(student.starts_on + timedelta(days=14))
        while on <= last:
            script.at(_uk(on, 12, student.number % 50), partial(_contact, script, student, on))
            on = _term_day_on_or_after(on + timedelta(days=28))


#: Why the allied children's home: written a week after the opening (LOC-2 open meanwhile).
HOME_RATIONALE = (
    "Lives at Orchard House; the journey to the main site each morning led to crises. "
    "Mornings taught at the home, afternoons on site (LOC-2)."
)
_EHCP_ISSUED_ON = date(2025, 11, 5)
_PLAN_LINKED_ON = date(2025, 11, 17)


def student_changes(script: _Script, roster: Sequence[_Student]) -> None:
    """An EHC plan issued mid-term (PLAN-4 opens: the plan does not name it), linked to the
    plan twelve days later (PLAN-4 closes); the home's rationale written a week late (LOC-2
    opens at the opening and closes)."""
    app = script.app
    issued = roster[_EHCP_ISSUED_LATER - 1]
    issue = partial(
        app.record_ehc_plan_issued, issued.reference,
        reference=f"EHCP-DEMO-{issued.number:03d}", actor=_SENCO, on=_EHCP_ISSUED_ON,
        idempotency_key=f"{issued.reference} EHC plan",
    )  # fmt: skip
    script.at(_uk(_EHCP_ISSUED_ON, 11), issue)
    script.at(_uk(_PLAN_LINKED_ON, 15), partial(_link_plan, script, issued))
    dual = roster[_DUAL_REGISTERED - 1]
    registered = partial(
        app.record_roll_status, dual.reference, on_roll=True, dual_registered_with=_ACADEMY_URN,
        actor=_SENCO, on=dual.opened_on, idempotency_key=f"{dual.reference} dual registered",
    )  # fmt: skip
    script.at(_uk(dual.opened_on, 16), registered)
    absent = roster[_CONTINUOUS_ABSENCE - 1]
    script.on_placement(
        _uk(_RETURN_MADE_ON, 14), absent, app.record_local_authority_notification,
        kind="continuous absence without leave", reference="ATT-RETURN-2025-117",
        actor=_ATTENDANCE, on=_RETURN_MADE_ON,
    )  # fmt: skip
    home = roster[_CHILDRENS_HOME - 1]
    written = home.opened_on + timedelta(days=7)
    script.on_placement(
        _uk(written, 12), home, app.record_location_rationale, rationale=HOME_RATIONALE,
        actor=DEMO_HEAD, on=written,
    )  # fmt: skip


def _link_plan(script: _Script, student: _Student) -> None:
    placement_id = script.placements[student.number]
    plan = script.app.get_placement(placement_id, reader=DEMO_HEAD).plan
    assert plan is not None  # noqa: S101 - the demo's own story: the plan was agreed in July
    script.app.revise_plan(
        placement_id, attrs.evolve(plan, ehcp_reference=f"EHCP-DEMO-{student.number:03d}"),
        reason="Linked to the EHC plan issued on 5 November (PLAN-4)", actor=DEMO_HEAD,
        on=_PLAN_LINKED_ON, idempotency_key=f"{student.reference} plan linked to EHC plan",
    )  # fmt: skip


def provider_changes(script: _Script) -> None:
    """The farm: staffing recorded late (QUAL-3 closes), an accredited course started while it
    is unregistered (COMM-3 opens), then registered as an independent school (COMM-3 closes)."""
    app = script.app
    steps = (
        (_FARM_STAFFING_ON, partial(
            app.record_provider_staffing,
            staffing="A qualified teacher (QTS) two days a week; land-based instructors with "
            "Level 3 awards", actor=_DEPUTY, on=_FARM_STAFFING_ON)),
        (_FARM_ACCREDITED_ON, partial(
            app.record_provider_accreditation, delivers_accredited_education=True,
            actor=DEMO_HEAD, on=_FARM_ACCREDITED_ON)),
        (_FARM_REGISTERED_ON, partial(
            app.record_provider_kind, kind=ProviderKind.REGISTERED_INDEPENDENT, actor=DEMO_HEAD,
            on=_FARM_REGISTERED_ON)),
        (_FARM_REGISTERED_ON, partial(
            app.confirm_provider_registration, urn=_FARM_URN,
            evidence_reference="DfE Get Information about Schools: registered 21 November 2025",
            actor=DEMO_HEAD, on=_FARM_REGISTERED_ON)),
    )  # fmt: skip
    for minute, (on, step) in enumerate(steps):
        script.at(_uk(on, 9, minute), _provider_step(script, "farm", step))


def _contact(script: _Script, student: _Student, on: date) -> None:
    script.app.record_provider_contact(
        script.placements[student.number], provider_id=script.providers[student.provider],
        method="a telephone call", contact_with="Placement lead",
        note="Attendance and progress since the last call", actor=_SENCO, on=on,
        idempotency_key=f"{student.reference} contact {on.isoformat()}",
    )  # fmt: skip


def _provider_step(script: _Script, key: str, command: partial[Any]) -> partial[None]:
    name = getattr(command.func, "__name__", "step")
    on = command.keywords.get("on")
    return partial(_run, script, key, command, f"{key} {name} {on}")


def _run(script: _Script, key: str, command: partial[Any], idempotency_key: str) -> None:
    command(script.providers[key], idempotency_key=idempotency_key)
