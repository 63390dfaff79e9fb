"""Bad input everywhere: every public method of ``AlternativeProvision`` refuses junk properly.

Hypothesis starts from a valid call of a public method on a small real record (an existing
placement, the right person, a sensible date), replaces one or two of its arguments with junk
— wrong types (None, whole numbers, floats with nan and inf, bytes, lists, dicts, objects),
100,000-character text, control characters, lone surrogates, far dates (``date.min``,
``date.max``, a date and time, a naive one), ids nobody recorded or of another kind of record,
text that looks like SQL or like a UUID, unicode oddities — and calls it. It checks:

1. the only outcomes are success or a ``SenadApError`` (never ``TypeError``, ``ValueError``,
   ``AttributeError``, a sqlite3 or eventsourcing error, ``RecursionError`` …);
2. a refused call writes nothing: the log's last position, every stored notification byte for
   byte, and the records as loaded are as they were (and so are they after any read).

The methods are found by introspection (every public method with an ``actor`` parameter, plus
``record_register``, ``execute`` and the reads that take input), and a test fails until each
has a valid call here, so a new command cannot be left out of the fuzzing.
The cases they found are kept as plain tests at the end, so they stay fixed.
"""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import pytest
from eventsourcing.persistence import Notification
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from senad_ap import (
    Actor,
    AlternativeProvision,
    ArrangedBy,
    AttendanceCode,
    CodeCategory,
    ConsentParty,
    ContactMethod,
    Destination,
    Effectiveness,
    InformationParty,
    InformationScope,
    NeedArea,
    NotificationKind,
    ObjectiveArea,
    ObjectiveProgress,
    PlacementStatus,
    PolicyParameters,
    ProgressRating,
    ProviderKind,
    Reason,
    RegisterMark,
    RiskOutcome,
    Role,
    SenadApError,
    Service,
    Session,
    Setting,
    Weekday,
)
from senad_ap.application.integrity import SealRecord
from senad_ap.domain.base import Command
from senad_ap.domain.placement import OpenPlacement, RecordAttendance
from senad_ap.domain.provider import RegisterProvider
from senad_ap.domain.school import school_aggregate_id
from senad_ap.projections.access import FULL_ACCESS
from tests.integration.scenario import (
    DELEGATE,
    HEAD,
    INSPECTOR,
    OPENED_ON,
    OTHER_HEAD,
    OTHER_SCHOOL_STAFF,
    SCHOOL,
    STAFF,
    TODAY,
    Clock,
    full_time_plan,
    open_outside_placement,
    plan_outside_placement,
    provider_staff,
    start_outside_placement,
)

# ============================================================================ the record
#: The reads that take input; every other fuzzed method is found by its ``actor`` parameter.
READS = (
    "get_placement",
    "placement_history",
    "placement_as_at",
    "get_provider",
    "provider_history",
    "get_school",
    "state_at_version",
    "events_of",
    "verify",
    "get_student",
    "reveal",
    "policy_in_force",
)
#: A student whose retention ended long ago (opened 40 years back), so erasing them succeeds.
FORGOTTEN = "STU-0099"
MARKED_ON = OPENED_ON  # Monday: the started placement's morning is marked
CRITERION = "Attends 90% of sessions for four weeks"
SPRING_TERM = ("Spring term 2026", date(2026, 1, 5), date(2026, 3, 27))


@attrs.frozen
class Record:
    """A small valid record: one ready provider and three placements there.

    ``started``: started, its first morning marked, readiness criteria agreed; ``opened``:
    only opened; ``planned``: needs assessed, plan agreed, both consents, not started. The
    school has a delegate, an inspector's access and its spring term; the log is sealed.
    """

    app: AlternativeProvision
    provider: UUID
    started: UUID
    opened: UUID
    planned: UUID

    def snapshot(self) -> tuple[object, ...]:
        """Everything a refused call must leave as it was."""
        app = self.app
        states: tuple[object, ...] = (
            *(app.get_placement(p, reader=HEAD) for p in (self.started, self.opened, self.planned)),
            app.get_provider(self.provider, reader=HEAD),
            app.get_school(SCHOOL, reader=HEAD),
        )
        return (app.recorder.max_notification_id(), _dump(app), states)


def _dump(app: AlternativeProvision) -> bytes:
    """The stored notifications, byte for byte."""
    notifications: list[Notification] = list(
        app.recorder.select_notifications(start=1, limit=10**6)
    )
    return b"\x1e".join(
        b"\x1f".join(
            (
                str(n.id).encode(),
                str(n.originator_id).encode(),
                str(n.originator_version).encode(),
                n.topic.encode(),
                n.state,
            )
        )
        for n in notifications
    )


def write_record(app: AlternativeProvision) -> Record:
    started = start_outside_placement(app)
    provider = started.provider
    opened = open_outside_placement(app, provider=provider, student_reference="STU-0043")
    planned = plan_outside_placement(app, provider=provider, student_reference="STU-0044")
    placement_id = started.placement.id
    app.record_attendance(placement_id, session=Session.AM, code="/", actor=STAFF, on=MARKED_ON)
    app.record_looked_after("STU-0044", actor=STAFF, on=OPENED_ON)
    app.agree_reintegration_criteria(placement_id, criteria=[CRITERION], actor=HEAD, on=MARKED_ON)
    app.appoint_delegate(DELEGATE.id, actor=HEAD, on=OPENED_ON)
    app.grant_inspector_access(INSPECTOR.id, until=TODAY + timedelta(days=30), actor=HEAD)
    name, starts_on, ends_on = SPRING_TERM
    app.record_term(name, starts_on=starts_on, ends_on=ends_on, actor=HEAD, on=OPENED_ON)
    long_ago = date(2000, 1, 4)  # the earliest the record takes is 1 January 2000
    app.open_placement(
        student_reference=FORGOTTEN, reason=Reason.ANXIETY, setting=Setting.ON_SITE,
        location="Old annex", residential=False, student_name="Sam Old",
        date_of_birth=long_ago.replace(year=long_ago.year - 12), actor=STAFF, on=long_ago,
    )  # fmt: skip
    app.seal(actor=HEAD)
    return Record(app, provider.id, placement_id, opened.placement.id, planned.placement.id)


def in_memory_record() -> Record:
    return write_record(AlternativeProvision.in_memory(clock=Clock()))


# ============================================================================ valid calls
Kwargs = dict[str, object]


def _kw(**kwargs: object) -> Kwargs:
    return kwargs


def _valid_calls() -> dict[str, Callable[[Record], Kwargs]]:
    """One call of each public method that the record above accepts (checked by a test)."""
    soon = TODAY + timedelta(days=42)
    return {
        # ------------------------------------------------------------ school
        "appoint_delegate": lambda r: _kw(delegate_id="teacher-712E", actor=HEAD, on=TODAY),
        "revoke_delegation": lambda r: _kw(delegate_id=DELEGATE.id, actor=HEAD, on=TODAY),
        "grant_inspector_access": lambda r: _kw(
            inspector_id="inspector-2", until=soon, actor=HEAD, on=TODAY
        ),
        "revoke_inspector_access": lambda r: _kw(inspector_id=INSPECTOR.id, actor=HEAD, on=TODAY),
        "record_term": lambda r: _kw(
            name="Summer term 2026",
            starts_on=date(2026, 4, 13),
            ends_on=date(2026, 7, 17),
            half_term_starts_on=date(2026, 5, 25),
            half_term_ends_on=date(2026, 5, 29),
            actor=HEAD,
            on=TODAY,
        ),
        # ------------------------------------------------------------ the policy (POL-1)
        "record_policy_version": lambda r: _kw(
            version="section 7, version 7",
            ratified_on=TODAY,
            review_due_on=TODAY + timedelta(days=365),
            parameters=PolicyParameters(full_time_hours=Decimal("30")),
            actor=HEAD,
            on=TODAY,
        ),
        # ------------------------------------------------------------ providers
        "register_provider": lambda r: _kw(
            name="Hill Farm Project",
            kind=ProviderKind.UNREGISTERED,
            delivers_accredited_education=False,
            sites=["Barn"],
            staffing="Two instructors",
            actor=HEAD,
            on=TODAY,
        ),
        "confirm_provider_registration": lambda r: _kw(
            provider_id=r.provider,
            urn="130457",
            evidence_reference="GIAS check",
            actor=HEAD,
            on=TODAY,
        ),
        "assess_provider_risk": lambda r: _kw(
            provider_id=r.provider,
            outcome=RiskOutcome.SATISFACTORY,
            safeguarding_policies_seen=True,
            staff_checks_confirmed_in_writing=True,
            valid_until=TODAY + timedelta(days=200),
            actor=HEAD,
            on=TODAY,
        ),
        "record_provider_kind": lambda r: _kw(
            provider_id=r.provider, kind=ProviderKind.SCHOOL, actor=HEAD, on=TODAY
        ),
        "record_provider_accreditation": lambda r: _kw(
            provider_id=r.provider, delivers_accredited_education=False, actor=HEAD, on=TODAY
        ),
        "record_provider_sites": lambda r: _kw(
            provider_id=r.provider, sites=["Main campus", "Annexe"], actor=HEAD, on=TODAY
        ),
        "record_provider_staffing": lambda r: _kw(
            provider_id=r.provider, staffing="FE tutors with QTLS", actor=HEAD, on=TODAY
        ),
        "record_provider_registration_lapsed": lambda r: _kw(
            provider_id=r.provider, evidence_reference="GIAS: closed", actor=HEAD, on=TODAY
        ),
        "record_quality_assurance_visit": lambda r: _kw(
            provider_id=r.provider,
            effectiveness=Effectiveness.EFFECTIVE,
            summary="Lessons observed",
            actor=HEAD,
            on=TODAY,
        ),
        "record_provider_contact": lambda r: _kw(
            placement_id=r.started,
            provider_id=r.provider,
            method=ContactMethod.TELEPHONE,
            contact_with="The college tutor",
            note=None,
            actor=STAFF,
            on=TODAY,
        ),
        "record_local_authority_notification": lambda r: _kw(
            placement_id=r.started,
            kind=NotificationKind.SICKNESS,
            reference="LA form 2026/3",
            actor=STAFF,
            on=TODAY,
        ),
        # ------------------------------------------------------------ placements
        "open_placement": lambda r: _kw(
            student_reference="STU-0100",
            reason=Reason.BEHAVIOUR,
            setting=Setting.ON_SITE,
            location="Orchard room",
            residential=False,
            looked_after=False,
            ehcp_reference=None,
            on_roll=True,
            provider_id=None,
            reason_detail=None,
            location_rationale=None,
            student_name="Robin Example",
            date_of_birth=date(2013, 5, 6),
            arranged_by=ArrangedBy.SCHOOL,
            arranged_under=None,
            actor=STAFF,
            on=TODAY,
        ),
        "assess_needs": lambda r: _kw(
            placement_id=r.opened,
            areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
            summary="Anxiety in large groups.",
            barriers=["Noise"],
            actor=STAFF,
            on=TODAY,
        ),
        "agree_plan": lambda r: _kw(
            placement_id=r.opened, plan=full_time_plan(r.provider), actor=HEAD, on=TODAY
        ),
        "revise_plan": lambda r: _kw(
            placement_id=r.started,
            plan=full_time_plan(r.provider),
            reason="Timetable changed.",
            actor=HEAD,
            on=TODAY,
        ),
        "give_consent": lambda r: _kw(
            placement_id=r.opened,
            party=ConsentParty.PARENTS,
            given_by="Mother",
            evidence_reference="Signed form",
            actor=STAFF,
            on=TODAY,
        ),
        "withdraw_consent": lambda r: _kw(
            placement_id=r.started,
            party=ConsentParty.PARENTS,
            reason="Moved away.",
            actor=STAFF,
            on=TODAY,
        ),
        "share_information": lambda r: _kw(
            placement_id=r.started,
            party=InformationParty.LOCAL_AUTHORITY,
            scope=[InformationScope.ATTENDANCE],
            note=None,
            actor=STAFF,
            on=TODAY,
        ),
        "record_medical_exemption": lambda r: _kw(
            placement_id=r.opened,
            evidence_reference="Consultant's letter",
            review_on=TODAY + timedelta(days=90),
            actor=HEAD,
            on=TODAY,
        ),
        "start_placement": lambda r: _kw(placement_id=r.planned, actor=HEAD, on=TODAY),
        "record_attendance": lambda r: _kw(
            placement_id=r.started,
            session=Session.PM,
            code="\\",
            activity=None,
            supervised_by=None,
            note=None,
            actor=STAFF,
            on=MARKED_ON,
        ),
        "correct_attendance": lambda r: _kw(
            placement_id=r.started,
            session=Session.AM,
            code="I",
            reason="Was ill.",
            activity=None,
            supervised_by=None,
            note=None,
            amended_by_name="Sam Okafor",
            amended_by_position="Attendance officer",
            actor=STAFF,
            on=MARKED_ON,
        ),
        "review_progress": lambda r: _kw(
            placement_id=r.started,
            progress=[
                ObjectiveProgress("E1", ProgressRating.AS_EXPECTED),
                ObjectiveProgress("M1", ProgressRating.ACHIEVED),
            ],
            effectiveness=Effectiveness.EFFECTIVE,
            next_review_on=soon,
            with_provider=True,
            note=None,
            actor=STAFF,
            on=TODAY,
        ),
        "agree_reintegration_criteria": lambda r: _kw(
            placement_id=r.started, criteria=["Calm in a group of ten"], actor=HEAD, on=TODAY
        ),
        "assess_reintegration": lambda r: _kw(
            placement_id=r.started,
            ready=False,
            criteria_met=[CRITERION],
            note=None,
            actor=STAFF,
            on=TODAY,
        ),
        "agree_reintegration_support": lambda r: _kw(
            placement_id=r.started, support=["A buddy for break times"], actor=HEAD, on=TODAY
        ),
        "end_placement": lambda r: _kw(
            placement_id=r.started,
            destination=Destination.MAINSTREAM_SCHOOL,
            note=None,
            actor=HEAD,
            on=TODAY,
        ),
        "record_register": lambda r: _kw(
            marks=[
                RegisterMark(r.started, Session.AM, "/"),
                RegisterMark(r.started, Session.PM, "\\"),
            ],
            on=MARKED_ON + timedelta(days=1),
            actor=STAFF,
        ),
        "execute": lambda r: _kw(
            command=RecordAttendance(
                actor=STAFF,
                effective_on=MARKED_ON + timedelta(days=2),
                placement_id=r.started,
                session=Session.AM,
                code=AttendanceCode("/"),
            )
        ),
        # ------------------------------------------------------------ reads
        "get_placement": lambda r: _kw(placement_id=r.started, reader=HEAD),
        "placement_history": lambda r: _kw(placement_id=r.started, reader=HEAD),
        "placement_as_at": lambda r: _kw(
            placement_id=r.started, reader=HEAD, version=2, known_on=None
        ),
        "get_provider": lambda r: _kw(provider_id=r.provider, reader=HEAD),
        "provider_history": lambda r: _kw(provider_id=r.provider, reader=HEAD),
        "get_school": lambda r: _kw(school_id=SCHOOL, reader=HEAD),
        "state_at_version": lambda r: _kw(aggregate_id=r.started, version=1, reader=HEAD),
        "events_of": lambda r: _kw(record_id=r.provider, reader=HEAD),
        "get_student": lambda r: _kw(student_reference="STU-0043", reader=HEAD, school_id=None),
        "reveal": lambda r: _kw(value=r.app.events_of(r.started, reader=FULL_ACCESS)),
        # ------------------------------------------------------------ the student's facts
        "record_ehc_plan_issued": lambda r: _kw(
            student_reference="STU-0043", reference="EHCP-5000", actor=STAFF, on=TODAY
        ),
        "record_ehc_plan_ceased": lambda r: _kw(
            student_reference="STU-0043", actor=STAFF, on=TODAY
        ),
        "record_looked_after": lambda r: _kw(student_reference="STU-0043", actor=STAFF, on=TODAY),
        "record_no_longer_looked_after": lambda r: _kw(
            student_reference="STU-0044", actor=STAFF, on=TODAY
        ),
        "record_roll_status": lambda r: _kw(
            student_reference="STU-0043",
            on_roll=True,
            dual_registered_with="140123",
            actor=STAFF,
            on=TODAY,
        ),
        "record_compulsory_school_age": lambda r: _kw(
            student_reference="STU-0043", compulsory_school_age=False, actor=STAFF, on=TODAY
        ),
        "record_location_rationale": lambda r: _kw(
            placement_id=r.opened, rationale="Nearest safe setting", actor=HEAD, on=TODAY
        ),
        "policy_in_force": lambda r: _kw(on=TODAY),
        # ------------------------------------------------------------ erasure
        "forget_student": lambda r: _kw(student_reference=FORGOTTEN, actor=HEAD, on=TODAY),
        # ------------------------------------------------------------ tamper evidence
        "seal": lambda r: _kw(actor=HEAD),
        "verify": lambda r: _kw(kept=r.app.seals(), public_key=None),
    }


VALID_CALLS = _valid_calls()


def fuzzed_methods() -> dict[str, inspect.Signature]:
    """Every public method with an ``actor`` parameter, ``execute`` and the reads."""
    found: dict[str, inspect.Signature] = {}
    for name, member in inspect.getmembers(AlternativeProvision, inspect.isfunction):
        if name.startswith("_"):
            continue
        signature = inspect.signature(member)
        if "actor" in signature.parameters or name in (*READS, "execute", "record_register"):
            found[name] = signature
    return found


METHODS = fuzzed_methods()


def parameters(method: str) -> list[str]:
    return [p for p in METHODS[method].parameters if p != "self"]


# ============================================================================ junk
Make = Callable[[Record, object], object]


@attrs.frozen
class Junk:
    """A bad value, by the name Hypothesis prints; ``make`` builds it for the record and the
    valid value it replaces (so it can be an id of the record, or a valid list plus junk)."""

    label: str
    make: Make = attrs.field(repr=False, eq=False)


def fixed(label: str, value: object) -> Junk:
    return Junk(label, lambda _r, _v: value)


def _nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


def _nested_dict(depth: int) -> dict[str, object]:
    value: dict[str, object] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def _looped() -> list[object]:
    loop: list[object] = []
    loop.append(loop)
    return loop


class _LocalDate(date):
    """A subclass of date, as some libraries hand out."""


class _Text(str):
    """A subclass of str."""


class _Whole(int):
    """A subclass of int."""


class _Opaque:
    def __repr__(self) -> str:
        return "<opaque>"


A_UUID = UUID("6f1c2b7e-8a8d-4c1e-9a57-3b2f0c1d2e3f")
HUGE = 100_000

#: Text no field should take as it is, or that has tripped other systems.
SQL_TEXTS = (
    "'; DROP TABLE stored_events; --",
    '" OR 1=1 --',
    "1; DELETE FROM stored_events",
    "%s",
    "%d %n",
    "?",
    "?1",
    ":name",
    "%",
    "_",
    "________",
    "%%",
    "NULL",
    "null",
    "None",
    "\\",
    "'",
    '"',
    "`",
    "--",
    "/* */",
    "{0}",
    "{}",
    "${PATH}",
    "$(rm -rf /)",
)
CONTROL_TEXTS = (
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\x00",
    "STU\x000042",
    "\x1b[2J\x1b[H",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x7f",
    "\x85",
    "\x9b31m",
    "\u2028",
    "\u2029",
)
SURROGATE_TEXTS = ("\ud800", "\udfff", "\udcff", "STU-\udc80", "a\ud83db")
UNICODE_TEXTS = (
    "\u202eevil\u202c",
    "\u200b",
    "\u200d",
    "\ufeff",
    "e\u0301" * 50,
    "🏫",
    "\U0001f469\U0001f3fd\u200d\U0001f3eb",
    "\U0010ffff",
    "\ufffd",
    "\uffff",
    "\ufdd0",
    "ｆｕｌｌ ｔｉｍｅ",
    "İı",
    "ß",
    "ǅ",
    "\U000e0041",
    "\u0600",
    "ﷺ" * 30,
    "Ω" + "Ω",
    "𝕊𝕋𝕌-𝟘𝟘𝟜𝟚",
)
UUID_TEXTS = (
    str(A_UUID),
    str(A_UUID).upper(),
    "{" + str(A_UUID) + "}",
    A_UUID.urn,
    A_UUID.hex,
    str(A_UUID)[:8],
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "not-a-uuid",
    "6f1c2b7e-8a8d-4c1e-9a57-3b2f0c1d2e3",
    "6f1c2b7e-8a8d-4c1e-9a57-3b2f0c1d2e3fa",
    "6f1c2b7e-8a8d-4c1e-9a57-3b2f0c1d2e3g",
)
HUGE_TEXTS = (
    ("x * 100,000", "x" * HUGE),
    ("é * 100,000", "é" * HUGE),
    ("newline * 100,000", "\n" * HUGE),
    ("space * 100,000", " " * HUGE),
    ("🏫 * 100,000", "🏫" * HUGE),
    ("x * 4,001", "x" * 4001),
    ("x * 2,001", "x" * 2001),
    ("x * 201", "x" * 201),
    ("x * 65", "x" * 65),
)
ALL_ENUM_MEMBERS: tuple[Any, ...] = tuple(
    member
    for kind in (
        Role,
        Setting,
        Reason,
        ProviderKind,
        RiskOutcome,
        ConsentParty,
        InformationParty,
        InformationScope,
        Session,
        AttendanceCode,
        CodeCategory,
        Effectiveness,
        Destination,
        NeedArea,
        ObjectiveArea,
        ProgressRating,
        Service,
        Weekday,
        PlacementStatus,
    )
    for member in kind
)


def _texts() -> list[Junk]:
    found = [
        fixed(repr(text)[:60], text)
        for text in (*SQL_TEXTS, *CONTROL_TEXTS, *SURROGATE_TEXTS, *UNICODE_TEXTS, *UUID_TEXTS)
    ]
    found += [fixed(label, text) for label, text in HUGE_TEXTS]
    found += [fixed("a str subclass", _Text("STU-0042")), fixed("bytes of a str", b"STU-0042")]
    return found


def _wrong_types() -> list[Junk]:
    return [
        fixed("None", None),
        fixed("True", True),
        fixed("False", False),
        fixed("0", 0),
        fixed("1", 1),
        fixed("-1", -1),
        fixed("2**63", 2**63),
        fixed("2**100", 2**100),
        fixed("-2**100", -(2**100)),
        fixed("an int subclass", _Whole(1)),
        fixed("nan", float("nan")),
        fixed("inf", float("inf")),
        fixed("-inf", float("-inf")),
        fixed("-0.0", -0.0),
        fixed("1e308", 1e308),
        fixed("5e-324", 5e-324),
        fixed("Decimal NaN", Decimal("NaN")),
        fixed("Decimal sNaN", Decimal("sNaN")),
        fixed("Decimal 1E+999999", Decimal("1E+999999")),
        fixed("1+1j", complex(1, 1)),
        fixed("b''", b""),
        fixed("b'\\xff\\xfe'", b"\xff\xfe"),
        Junk("bytearray", lambda _r, _v: bytearray(b"STU-0042")),
        Junk("memoryview", lambda _r, _v: memoryview(b"STU-0042")),
        Junk("[]", lambda _r, _v: []),
        Junk("[None]", lambda _r, _v: [None]),
        Junk("{}", lambda _r, _v: {}),
        Junk("{'a': 1}", lambda _r, _v: {"a": 1}),
        Junk("set()", lambda _r, _v: set()),
        fixed("frozenset({1})", frozenset({1})),
        fixed("()", ()),
        fixed("(None,)", (None,)),
        fixed("range(3)", range(3)),
        Junk("a generator", lambda _r, _v: (n for n in range(3))),
        fixed("object()", object()),
        fixed("an opaque object", _Opaque()),
        fixed("the type int", int),
        fixed("Ellipsis", ...),
        fixed("print", print),
        Junk("a list holding itself", lambda _r, _v: _looped()),
        Junk("a list nested 20,000 deep", lambda _r, _v: _nested(20_000)),
        Junk("a dict nested 20,000 deep", lambda _r, _v: _nested_dict(20_000)),
        fixed("a Plan", full_time_plan(A_UUID)),
        fixed("an Actor", HEAD),
        fixed("a RegisterMark", RegisterMark(A_UUID, Session.AM, "/")),
        fixed("timedelta(1)", timedelta(days=1)),
        fixed("time(12)", time(12)),
    ]


def _dates() -> list[Junk]:
    return [
        fixed("date.min", date.min),
        fixed("date.max", date.max),
        fixed("date(1970, 1, 1)", date(1970, 1, 1)),
        fixed("datetime.min", datetime.min),
        fixed("datetime.max", datetime.max),
        fixed("datetime.max UTC", datetime.max.replace(tzinfo=UTC)),
        fixed("datetime.min UTC", datetime.min.replace(tzinfo=UTC)),
        fixed("naive datetime today", datetime.combine(TODAY, time(12))),
        fixed("aware datetime today", datetime.combine(TODAY, time(12), tzinfo=UTC)),
        fixed(
            "datetime today +14:00",
            datetime.combine(TODAY, time(23, 59), tzinfo=timezone(timedelta(hours=14))),
        ),
        fixed(
            "datetime today -12:00",
            datetime.combine(TODAY, time(0, 1), tzinfo=timezone(timedelta(hours=-12))),
        ),
        fixed("a date subclass", _LocalDate(2026, 3, 2)),
        fixed("'2026-03-02'", "2026-03-02"),
        fixed("'02/03/2026'", "02/03/2026"),
        fixed("20260302", 20260302),
        fixed("a POSIX timestamp", 1772452800.0),
        fixed("today + 367 days", TODAY + timedelta(days=367)),
        fixed("today + 366 days", TODAY + timedelta(days=366)),
        fixed("today - 100 years", TODAY - timedelta(days=36525)),
        fixed("the day before the placements opened", OPENED_ON - timedelta(days=1)),
        fixed("a Saturday", OPENED_ON + timedelta(days=5)),
        fixed("tomorrow", TODAY + timedelta(days=1)),
    ]


def _ids() -> list[Junk]:
    return [
        Junk("the started placement's id", lambda r, _v: r.started),
        Junk("the opened placement's id", lambda r, _v: r.opened),
        Junk("the planned placement's id", lambda r, _v: r.planned),
        Junk("the provider's id", lambda r, _v: r.provider),
        Junk("the school's record id", lambda _r, _v: school_aggregate_id(SCHOOL)),
        Junk("the started placement's id as text", lambda r, _v: str(r.started)),
        Junk("the started placement's id as hex", lambda r, _v: r.started.hex),
        Junk("the started placement's id as int", lambda r, _v: r.started.int),
        Junk("the started placement's id as bytes", lambda r, _v: r.started.bytes),
        Junk("the started placement's id as URN", lambda r, _v: r.started.urn),
        fixed("UUID(int=0)", UUID(int=0)),
        fixed("UUID(int=2**128 - 1)", UUID(int=2**128 - 1)),
        fixed("an unknown UUID", A_UUID),
    ]


def _actors() -> list[Junk]:
    return [
        fixed("the Head", HEAD),
        fixed("school staff", STAFF),
        fixed("the delegate", DELEGATE),
        fixed("the inspector with access", INSPECTOR),
        fixed("an inspector without access", Actor("inspector-9", Role.INSPECTOR, SCHOOL)),
        fixed("another school's Head", OTHER_HEAD),
        fixed("another school's staff", OTHER_SCHOOL_STAFF),
        Junk("the provider's staff", lambda r, _v: provider_staff(r.provider)),
        fixed("staff of an unknown provider", provider_staff(A_UUID)),
        fixed(
            "a Head with SQL for ids",
            Actor("'; DROP TABLE stored_events; --", Role.HEAD_TEACHER, "%s"),
        ),
        fixed("a Head of a school named '?'", Actor("head-?", Role.HEAD_TEACHER, "?")),
        fixed("the Head's id as text", HEAD.id),
        fixed("a role", Role.HEAD_TEACHER),
        fixed("an actor as a dict", {"id": HEAD.id, "role": HEAD.role, "school_id": SCHOOL}),
    ]


def _enums() -> list[Junk]:
    members = [fixed(f"{type(m).__name__}.{m.name}", m) for m in ALL_ENUM_MEMBERS]
    texts = [fixed(f"{m.value!r}", m.value) for m in ALL_ENUM_MEMBERS[:40]]
    names = [fixed(f"{m.name!r}", m.name) for m in ALL_ENUM_MEMBERS[:40]]
    codes = [fixed(repr(text), text) for text in ("H", "/\\", "//", "i", "Y", "Y9", "#", " /")]
    return members + texts + names + codes


def _sequences() -> list[Junk]:
    return [
        fixed("'text'", "Noise"),
        fixed("b'bytes'", b"Noise"),
        Junk("{'a': 1}", lambda _r, _v: {"a": 1}),
        Junk("{1, 2}", lambda _r, _v: {1, 2}),
        Junk("a generator of the items", lambda _r, v: (item for item in _items(v))),
        Junk("a tuple of the items", lambda _r, v: tuple(_items(v))),
        Junk("the items twice", lambda _r, v: _items(v) * 2),
        Junk("the items * 201", lambda _r, v: _items(v) * 201),
        Junk("the items * 10,000", lambda _r, v: _items(v) * 10_000),
        Junk("the items reversed", lambda _r, v: _items(v)[::-1]),
        Junk("the items, nested", lambda _r, v: [_items(v)]),
    ]


def _items(valid: object) -> list[object]:
    return list(valid) if isinstance(valid, list | tuple) else [valid]


def _plans() -> list[Junk]:
    return [
        fixed("a plan at an unknown provider", full_time_plan(A_UUID)),
        Junk("a part-time plan", lambda r, _v: full_time_plan(r.provider, hours_a_day="2")),
        Junk(
            "a plan dated long ago",
            lambda r, _v: full_time_plan(r.provider, on=date(2000, 1, 3)),
        ),
        Junk("a plan at a placement's id", lambda r, _v: full_time_plan(r.started)),
    ]


def _policy_parameters() -> list[Junk]:
    return [
        fixed(label, value)
        for label, value in (
            ("no hours", PolicyParameters(full_time_hours=Decimal(0))),
            ("NaN hours", PolicyParameters(full_time_hours=Decimal("NaN"))),
            ("sNaN hours", PolicyParameters(max_hours_per_day=Decimal("sNaN"))),
            ("infinite hours", PolicyParameters(full_time_hours=Decimal("Infinity"))),
            ("float hours", PolicyParameters(full_time_hours=32.5)),  # type: ignore[arg-type]
            ("text hours", PolicyParameters(full_time_hours="32.5")),  # type: ignore[arg-type]
            ("no weeks", PolicyParameters(longest_review_interval_weeks=0)),
            ("True years", PolicyParameters(register_retention_years=True)),
            ("None pupils", PolicyParameters(unregistered_full_time_pupils=None)),  # type: ignore[arg-type]
            ("another name", PolicyParameters(version="section 7, version 8")),
            ("a long name", PolicyParameters(version="v" * 100_000)),
            ("a name that is not text", PolicyParameters(version=7)),  # type: ignore[arg-type]
        )
    ]


def _commands() -> list[Junk]:
    def record(placement: Callable[[Record], UUID], day: date) -> Make:
        return lambda r, _v: RecordAttendance(
            actor=STAFF,
            effective_on=day,
            placement_id=placement(r),
            session=Session.AM,
            code=AttendanceCode("/"),
        )

    def reopen(r: Record, _v: object) -> object:
        return OpenPlacement(
            actor=STAFF,
            effective_on=TODAY,
            placement_id=r.started,
            student_reference="STU-9",
            reason=Reason.OTHER,
            setting=Setting.ON_SITE,
            location="Hall",
            residential=False,
        )

    def register_over(r: Record, _v: object) -> object:
        return RegisterProvider(
            actor=HEAD,
            effective_on=TODAY,
            provider_id=r.started,
            name="Over a placement",
            kind=ProviderKind.SCHOOL,
            delivers_accredited_education=False,
        )

    return [
        fixed("a bare Command", Command(actor=HEAD, effective_on=TODAY)),
        Junk("a mark for an unknown placement", record(lambda _r: A_UUID, MARKED_ON)),
        Junk("a mark on the provider's record", record(lambda r: r.provider, MARKED_ON)),
        Junk("a mark on date.max", record(lambda r: r.started, date.max)),
        Junk("a mark on date.min", record(lambda r: r.started, date.min)),
        Junk("a mark already recorded", record(lambda r: r.started, MARKED_ON)),
        Junk("an opening of an existing placement", reopen),
        Junk("a provider registered over a placement's id", register_over),
        fixed("the command class", RecordAttendance),
    ]


def _register_marks() -> list[Junk]:
    def mark(**changes: Make) -> Make:
        def make(r: Record, v: object) -> object:
            fields: dict[str, object] = {
                "placement_id": r.started,
                "session": Session.AM,
                "code": "/",
                "idempotency_key": None,
            }
            fields |= {name: value(r, v) for name, value in changes.items()}
            return [RegisterMark(**fields)]  # type: ignore[arg-type]

        return make

    found: list[Junk] = []
    for name, pool in (
        ("placement_id", _ids() + _wrong_types()[:24]),
        ("session", _enums()[::7] + _wrong_types()[:24]),
        ("code", _enums()[::5] + _wrong_types() + _texts()[::3]),
        ("idempotency_key", _texts()[::2] + _wrong_types()[:24]),
    ):
        found += [Junk(f"a mark whose {name} is {j.label}", mark(**{name: j.make})) for j in pool]
    return found


def _versions() -> list[Junk]:
    return [
        fixed(label, value)
        for label, value in (
            ("0", 0),
            ("-1", -1),
            ("1", 1),
            ("2**31", 2**31),
            ("2**63 - 1", 2**63 - 1),
            ("2**63", 2**63),
            ("2**64", 2**64),
            ("2**100", 2**100),
            ("-2**100", -(2**100)),
            ("True", True),
            ("1.0", 1.0),
            ("1.5", 1.5),
            ("nan", float("nan")),
            ("inf", float("inf")),
            ("'1'", "1"),
            ("b'1'", b"1"),
            ("None", None),
            ("Decimal(1)", Decimal(1)),
            ("an int subclass", _Whole(1)),
        )
    ]


def _kept_seals() -> list[Junk]:
    def seal(position: object, events: object, head: object) -> Junk:
        label = f"a seal of ({position!r}, {events!r}, {str(head)[:20]!r})"
        return fixed(label, [SealRecord(position, events, head)])  # type: ignore[arg-type]

    return [
        seal(1, 1, "0" * 64),
        seal(0, 0, ""),
        seal(-1, 0, "x"),
        seal(10**6, 10**6, "f" * 64),
        seal(2**63, 2**63, "f" * 64),
        seal(1, 1, "'; DROP TABLE stored_events; --"),
        seal("1", 1, "x"),
        seal(None, None, None),
        seal(1.5, 1, "x"),
    ]


def _drawn() -> st.SearchStrategy[Junk]:
    """Junk Hypothesis makes up, beside the fixed lists."""
    surrogate = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])
    return st.one_of(
        st.integers().map(lambda n: fixed(f"int {n}", n)),
        st.floats().map(lambda x: fixed(f"float {x!r}", x)),
        st.binary(max_size=16).map(lambda b: fixed(f"bytes {b!r}", b)),
        st.text(max_size=24).map(lambda t: fixed(f"text {t!r}", t)),
        st.tuples(st.text(max_size=8), surrogate, st.text(max_size=8))
        .map("".join)
        .map(lambda t: fixed(f"text {t!r}", t)),
        st.dates().map(lambda d: fixed(f"date {d}", d)),
        st.datetimes(timezones=st.none() | st.just(UTC)).map(lambda d: fixed(f"{d!r}", d)),
        st.uuids().map(lambda u: fixed(f"UUID {u}", u)),
        st.uuids().map(lambda u: fixed(f"'{u}'", str(u))),
    )


_WRONG_TYPES = st.sampled_from(_wrong_types())
_TEXTS = st.sampled_from(_texts())
_DATES = st.sampled_from(_dates())
_IDS = st.sampled_from(_ids())
_ACTORS = st.sampled_from(_actors())
_ENUMS = st.sampled_from(_enums())
_SEQUENCES = st.sampled_from(_sequences())
_ITEMS = st.lists(_WRONG_TYPES | _TEXTS | _ENUMS, min_size=1, max_size=3).map(
    lambda items: Junk(
        f"the items with {[j.label for j in items]}",
        lambda r, v: _items(v) + [j.make(r, v) for j in items],
    )
)
#: Each kind of junk equally likely (``|`` would flatten them into one long list of branches).
_GENERAL = st.sampled_from((_WRONG_TYPES, _TEXTS, _DATES, _ENUMS, _drawn())).flatmap(lambda s: s)
TEXT_PARAMETERS = {
    "delegate_id",
    "inspector_id",
    "name",
    "urn",
    "evidence_reference",
    "student_reference",
    "location",
    "given_by",
    "summary",
    "note",
    "staffing",
    "reason_detail",
    "ehcp_reference",
    "location_rationale",
    "school_id",
    "idempotency_key",
    "reason",
    "student_name",
    "reference",
    "dual_registered_with",
    "rationale",
    "contact_with",
    "activity",
    "supervised_by",
    "amended_by_name",
    "amended_by_position",
}
FLAG_PARAMETERS = {
    "delivers_accredited_education",
    "safeguarding_policies_seen",
    "staff_checks_confirmed_in_writing",
    "residential",
    "looked_after",
    "on_roll",
    "with_provider",
    "ready",
    "compulsory_school_age",
}
SEQUENCE_PARAMETERS = {
    "sites",
    "areas",
    "barriers",
    "scope",
    "progress",
    "criteria",
    "criteria_met",
    "support",
}
JUNK_BY_PARAMETER: dict[str, st.SearchStrategy[Junk]] = {
    **dict.fromkeys(("placement_id", "provider_id", "aggregate_id", "record_id"), _IDS),
    **dict.fromkeys(
        (
            "on",
            "until",
            "starts_on",
            "ends_on",
            "half_term_starts_on",
            "half_term_ends_on",
            "review_on",
            "valid_until",
            "next_review_on",
            "known_on",
            "date_of_birth",
            "ratified_on",
            "review_due_on",
        ),
        _DATES,
    ),
    **dict.fromkeys(("actor", "reader"), _ACTORS),
    **dict.fromkeys(TEXT_PARAMETERS, _TEXTS),
    **dict.fromkeys(
        (
            "reason",
            "kind",
            "setting",
            "party",
            "session",
            "code",
            "effectiveness",
            "destination",
            "outcome",
            "method",
            "arranged_by",
            "arranged_under",
        ),
        _ENUMS,
    ),
    **dict.fromkeys(FLAG_PARAMETERS, _WRONG_TYPES),
    **dict.fromkeys(SEQUENCE_PARAMETERS, _SEQUENCES | _ITEMS),
    "reason": _TEXTS | _ENUMS,
    "plan": st.sampled_from(_plans()),
    "parameters": st.sampled_from(_policy_parameters()) | _GENERAL,
    "command": st.sampled_from(_commands()),
    "marks": st.sampled_from(_register_marks()) | _SEQUENCES | _ITEMS,
    "version": st.sampled_from(_versions()),
    "expected_version": st.sampled_from(_versions()) | _WRONG_TYPES,
    "kept": st.sampled_from(_kept_seals()) | _SEQUENCES | _ITEMS,
    "public_key": _TEXTS | _WRONG_TYPES,
    "value": _GENERAL | _SEQUENCES | _ITEMS,
}


def junk_for(parameter: str) -> st.SearchStrategy[Junk]:
    """Junk aimed at the parameter half the time, any junk the other half."""
    return st.sampled_from((JUNK_BY_PARAMETER[parameter], _GENERAL)).flatmap(lambda s: s)


# ============================================================================ calls
@attrs.frozen
class Call:
    """A valid call of ``method`` with some arguments replaced by junk."""

    method: str
    junk: tuple[tuple[str, Junk], ...]
    idempotency_key: str | None = None

    def kwargs(self, record: Record) -> Kwargs:
        kwargs = VALID_CALLS[self.method](record)
        if "idempotency_key" in parameters(self.method):
            kwargs["idempotency_key"] = self.idempotency_key
        for parameter, junk in self.junk:
            kwargs[parameter] = junk.make(record, kwargs.get(parameter))
        return kwargs


@st.composite
def calls(draw: st.DrawFn, methods: tuple[str, ...] = tuple(sorted(VALID_CALLS))) -> Call:
    method = draw(st.sampled_from(methods))
    names = parameters(method)
    # One or two arguments replaced, now and then none (a valid call moves the record on);
    # the first choice comes first because Hypothesis draws it more often than its share.
    count = min(len(names), draw(st.sampled_from((1, 1, 1, 2, 2, 0))))
    replaced = draw(st.lists(st.sampled_from(names), min_size=count, max_size=count, unique=True))
    junk = tuple((name, draw(junk_for(name))) for name in replaced)
    key = draw(st.sampled_from((None, None, "retry-1")))
    return Call(method, junk, key)


def _is_text(value: object) -> bool:
    """Text that can be written as UTF-8 (no lone surrogates)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _formats(value: object) -> bool:
    """Whether ``f"{value}"`` works (not for a list nested thousands deep)."""
    try:
        f"{value}"
    except RecursionError:
        return False
    return True


def _is_int64(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def _is_seals(value: object) -> bool:
    """A list of seals whose positions and counts are whole numbers and heads are text."""
    return isinstance(value, list | tuple) and all(
        isinstance(seal, SealRecord)
        and type(seal.last_position) is int
        and type(seal.events) is int
        and type(seal.head) is str
        for seal in value
    )


def run_call(record: Record, call: Call) -> None:
    """Make the call; a refusal must be a ``SenadApError`` and must write nothing."""
    kwargs = call.kwargs(record)
    note(f"{call.method}({', '.join(f'{p}={j.label}' for p, j in call.junk)})")
    before = record.snapshot()
    try:
        getattr(record.app, call.method)(**kwargs)
    except SenadApError:
        assert record.snapshot() == before
    else:
        if call.method in READS:
            assert record.snapshot() == before


# ============================================================================ the tests
def test_every_public_command_and_read_has_a_valid_call_to_start_from() -> None:
    assert set(VALID_CALLS) == set(METHODS)


@pytest.mark.parametrize("method", sorted(VALID_CALLS))
def test_valid_call_names_every_parameter_of_the_method(method: str) -> None:
    record = in_memory_record()

    # The idempotency key is drawn for every call (``Call.idempotency_key``); the expected
    # version is optional and fuzzed as junk only.
    optional = {"idempotency_key", "expected_version"}
    assert set(VALID_CALLS[method](record)) == set(parameters(method)) - optional


@pytest.mark.parametrize("method", sorted(VALID_CALLS))
def test_every_parameter_has_junk_aimed_at_it(method: str) -> None:
    assert set(parameters(method)) <= set(JUNK_BY_PARAMETER)


@pytest.mark.parametrize("method", sorted(VALID_CALLS))
def test_valid_call_is_accepted_on_the_record(method: str) -> None:
    record = in_memory_record()

    getattr(record.app, method)(**Call(method, ()).kwargs(record))


FUZZ = settings(
    max_examples=800,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.slow
@FUZZ
@given(st.lists(calls(), min_size=1, max_size=3))
def test_junk_at_any_public_method_is_refused_with_a_project_error_and_writes_nothing(
    batch: list[Call],
) -> None:
    record = in_memory_record()
    for call in batch:
        run_call(record, call)


@settings(FUZZ, max_examples=120)
@given(st.lists(calls(), min_size=1, max_size=3))
def test_junk_on_a_sqlite_store_is_refused_with_a_project_error_and_writes_nothing(
    batch: list[Call],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = AlternativeProvision.sqlite(Path(folder) / "ap.sqlite", clock=Clock())
        try:
            record = write_record(app)
            for call in batch:
                run_call(record, call)
        finally:
            app.close()


# ============================================================================ found by fuzzing
# Each reproduces a case the properties found; all are fixed, and these keep them fixed.


@pytest.fixture
def record() -> Record:
    return in_memory_record()


@pytest.mark.parametrize("school_id", [None, 712, b"712E", "\ud800"], ids=repr)
def test_get_school_with_a_school_id_that_is_not_text_is_refused(
    record: Record, school_id: object
) -> None:
    with pytest.raises(SenadApError):
        record.app.get_school(school_id, reader=HEAD)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", ["1", b"1", Role.HEAD_TEACHER], ids=repr)
def test_state_at_version_with_a_version_that_is_not_a_whole_number_is_refused(
    record: Record, version: object
) -> None:
    with pytest.raises(SenadApError):
        record.app.state_at_version(record.started, version, reader=FULL_ACCESS)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", [2**63, 2**100], ids=repr)
def test_state_at_version_beyond_what_sqlite_stores_is_refused(
    tmp_path: Path, version: int
) -> None:
    app = AlternativeProvision.sqlite(tmp_path / "ap.sqlite", clock=Clock())
    try:
        record = write_record(app)
        with pytest.raises(SenadApError):
            app.state_at_version(record.started, version, reader=FULL_ACCESS)
    finally:
        app.close()


@pytest.mark.parametrize("method", ["open_placement", "register_provider"])
@pytest.mark.parametrize(
    "key", [pytest.param("\ud800", id="surrogate"), pytest.param(_nested(20_000), id="nested")]
)
def test_creating_with_an_idempotency_key_that_cannot_be_encoded_is_refused(
    record: Record, method: str, key: object
) -> None:
    kwargs = VALID_CALLS[method](record) | {"idempotency_key": key}

    with pytest.raises(SenadApError):
        getattr(record.app, method)(**kwargs)


@pytest.mark.parametrize("method", ["record_attendance", "correct_attendance", "record_register"])
def test_attendance_code_nested_too_deep_to_print_is_refused(record: Record, method: str) -> None:
    deep = _nested(20_000)
    kwargs = VALID_CALLS[method](record)
    if method == "record_register":
        kwargs["marks"] = [RegisterMark(record.started, Session.AM, deep)]  # type: ignore[arg-type]
    else:
        kwargs["code"] = deep

    with pytest.raises(SenadApError):
        getattr(record.app, method)(**kwargs)


@pytest.mark.parametrize("method", ["record_attendance", "correct_attendance", "record_register"])
def test_attendance_session_nested_too_deep_to_print_is_refused(
    record: Record, method: str
) -> None:
    deep = _nested(20_000)
    kwargs = VALID_CALLS[method](record)
    if method == "record_register":
        kwargs["marks"] = [RegisterMark(record.started, deep, "/")]  # type: ignore[arg-type]
    else:
        kwargs["session"] = deep

    with pytest.raises(SenadApError):
        getattr(record.app, method)(**kwargs)


@pytest.mark.parametrize("session", [None, "noon", 0], ids=repr)
def test_register_with_a_key_and_a_mark_whose_session_is_not_a_session(
    record: Record, session: object
) -> None:
    marks = [RegisterMark(record.started, session, "/")]  # type: ignore[arg-type]

    with pytest.raises(SenadApError):
        record.app.record_register(
            marks, on=MARKED_ON + timedelta(days=1), actor=STAFF, idempotency_key="register-1"
        )


@pytest.mark.parametrize("where", ["register key", "placement id"])
def test_register_with_a_key_nested_too_deep_to_print_is_refused(
    record: Record, where: str
) -> None:
    deep = _nested(20_000)
    placement: object = deep if where == "placement id" else record.started
    key: object = deep if where == "register key" else "register-1"
    marks = [RegisterMark(placement, Session.AM, "/")]  # type: ignore[arg-type]

    with pytest.raises(SenadApError):
        record.app.record_register(
            marks,
            on=MARKED_ON + timedelta(days=1),
            actor=STAFF,
            idempotency_key=key,  # type: ignore[arg-type]
        )


@pytest.mark.parametrize("path", ["a\x00b.sqlite", "\ud800.sqlite"], ids=repr)
def test_sqlite_store_at_a_path_the_system_cannot_take_is_a_store_error(
    tmp_path: Path, path: str
) -> None:
    with pytest.raises(SenadApError):
        AlternativeProvision.sqlite(str(tmp_path / path)).close()


@pytest.mark.parametrize("kept", [None, "text", [None], [{"last_position": 1}]], ids=repr)
def test_verify_with_kept_seals_that_are_not_seals_is_refused(record: Record, kept: object) -> None:
    with pytest.raises(SenadApError):
        record.app.verify(kept=kept)  # type: ignore[arg-type]
