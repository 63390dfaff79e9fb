"""The students projection, the retention list (STAT-7), and what every read model shows once
a student's personal data is erased (crypto-shredding, docs/personal-data.md).

A student's record here carries every kind of personal value the record knows (name, date of
birth, the reasons and notes of every decision), each a text that appears nowhere else. After
``forget_student`` none of them may be read from any projection, the export or the record as
at a past date; ``[erased]`` stands where they were; another student's values still read in
clear; and the projections need no rebuild.

Every test runs once per (event store, projections' database) of ``conftest.CASES``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs
import pytest

from senad_ap import (
    Actor,
    AlternativeProvision,
    ConsentParty,
    Destination,
    Effectiveness,
    InformationParty,
    InformationScope,
    NeedArea,
    NeedsAssessed,
    ObjectiveProgress,
    PlacementStatus,
    PolicyViolationError,
    ProgressRating,
    Reason,
    Session,
    Setting,
    StudentState,
)
from senad_ap.domain.placement import school_year_of
from senad_ap.projections import (
    AsAt,
    Projections,
    Sense,
    attendance,
    audit,
    compliance,
    providers,
    register,
    students,
)
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import placement_as_at
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import START, day, mark_day, move_to
from tests.integration.scenario import (
    HEAD,
    OTHER_SCHOOL_STAFF,
    STAFF,
    full_time_plan,
    ready_provider,
    start_outside_placement,
)

ERASED = "[erased]"
#: A day long after every retention in these tests has ended.
FAR_AHEAD = date(2099, 1, 1)
_SEALED = re.compile(r"⟦pd[12]:[0-9a-f]{32}:[A-Za-z0-9_-]+⟧")


# --------------------------------------------------------------------------- personal values
@attrs.frozen
class Personal:
    """Every personal value of one student's record: each a text found nowhere else (all
    carry the student's surname, and no two students share one)."""

    surname: str
    born: date

    @property
    def name(self) -> str:
        return f"Quilla {self.surname}"

    def note(self, what: str) -> str:
        """The personal text ``what`` of this student, e.g. ``"Marchbanks needs summary"``."""
        return f"{self.surname} {what}"

    def texts(self) -> list[str]:
        """Every personal value, as it would be read in clear (the date as ISO text)."""
        return [self.name, self.born.isoformat(), *(self.note(what) for what in NOTES)]


#: The free-text personal values ``record_student`` writes (``Personal.note``).
NOTES = (
    "reason detail",
    "location rationale",
    "needs summary",
    "first barrier",
    "second barrier",
    "medical evidence",
    "objective E1",
    "baseline E1",
    "objective M1",
    "baseline M1",
    "monitoring arrangements",
    "assessment arrangements",
    "contact arrangements",
    "challenge arrangements",
    "curriculum continuity",
    "placing authority consent",
    "parents consent",
    "sharing note",
    "correction reason",
    "progress note E1",
    "review note",
    "first criterion",
    "second criterion",
    "reintegration note",
    "support package",
    "revision reason",
    "withdrawal reason",
    "ending note",
)

#: Erased at the end of its retention (the SEN file's, 2042-04-17, decides).
ERASED_STUDENT = Personal("Marchbanks", date(2011, 4, 17))
ERASED_RETENTION_ENDS = date(2042, 4, 17)
#: Kept: its retention ends later (2044-09-30).
KEPT_STUDENT = Personal("Okonkwo", date(2013, 9, 30))
#: The last day ``record_student`` records anything on, counted from the day it opens.
HISTORY_DAYS = 9


def record_student(
    app: AlternativeProvision,
    personal: Personal,
    *,
    student_reference: str,
    opened_on: date,
    staff: Actor = STAFF,
    head: Actor = HEAD,
) -> UUID:
    """One placement of a student at a ready outside provider, from its opening on
    ``opened_on`` (a Monday) to its end ``HISTORY_DAYS`` days later, with every decision that
    carries a personal value. The application's clock must stand on or after the last day."""
    provider = ready_provider(app, on=opened_on)
    placement_id = app.open_placement(
        student_reference=student_reference,
        reason=Reason.ANXIETY,
        setting=Setting.OUTSIDE_PROVIDER,
        provider_id=provider.id,
        location="Riverside FE College, main campus",
        residential=False,
        ehcp_reference="EHCP-2291",
        reason_detail=personal.note("reason detail"),
        location_rationale=personal.note("location rationale"),
        student_name=personal.name,
        date_of_birth=personal.born,
        actor=staff,
        on=opened_on,
    ).id
    app.assess_needs(
        placement_id,
        areas=[NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        summary=personal.note("needs summary"),
        barriers=[personal.note("first barrier"), personal.note("second barrier")],
        actor=staff,
        on=opened_on,
    )
    app.record_medical_exemption(
        placement_id,
        evidence_reference=personal.note("medical evidence"),
        review_on=opened_on + timedelta(days=90),
        actor=head,
        on=opened_on,
    )
    template = full_time_plan(provider.id, on=opened_on)
    plan = attrs.evolve(
        template,
        monitoring_arrangements=personal.note("monitoring arrangements"),
        assessment_arrangements=personal.note("assessment arrangements"),
        contact_arrangements=personal.note("contact arrangements"),
        challenge_arrangements=personal.note("challenge arrangements"),
        curriculum_continuity=personal.note("curriculum continuity"),
        objectives=tuple(
            attrs.evolve(
                objective,
                description=personal.note(f"objective {objective.reference}"),
                baseline=personal.note(f"baseline {objective.reference}"),
            )
            for objective in template.objectives
        ),
    )
    app.agree_plan(placement_id, plan, actor=head, on=opened_on)
    for party, given_by in (
        (ConsentParty.PLACING_AUTHORITY, personal.note("placing authority consent")),
        (ConsentParty.PARENTS, personal.note("parents consent")),
    ):
        app.give_consent(
            placement_id,
            party=party,
            given_by=given_by,
            evidence_reference="signed form",
            actor=staff,
            on=opened_on,
        )
    app.share_information(
        placement_id,
        party=InformationParty.PARENTS,
        scope=[InformationScope.ATTENDANCE],
        note=personal.note("sharing note"),
        actor=staff,
        on=opened_on,
    )
    app.start_placement(placement_id, actor=head, on=opened_on)
    mark_day(app, placement_id, opened_on)
    app.correct_attendance(
        placement_id,
        session=Session.PM,
        code="I",
        reason=personal.note("correction reason"),
        amended_by_name="Sam Okafor",
        amended_by_position="Attendance officer",
        actor=staff,
        on=opened_on,
    )
    week_on = opened_on + timedelta(days=7)
    app.review_progress(
        placement_id,
        progress=[
            ObjectiveProgress("E1", ProgressRating.AS_EXPECTED, personal.note("progress note E1")),
            ObjectiveProgress("M1", ProgressRating.AS_EXPECTED),
        ],
        effectiveness=Effectiveness.EFFECTIVE,
        next_review_on=week_on + timedelta(days=42),
        note=personal.note("review note"),
        actor=staff,
        on=week_on,
    )
    criteria = [personal.note("first criterion"), personal.note("second criterion")]
    app.agree_reintegration_criteria(placement_id, criteria=criteria, actor=head, on=week_on)
    app.assess_reintegration(
        placement_id,
        ready=True,
        criteria_met=criteria[:1],
        note=personal.note("reintegration note"),
        actor=staff,
        on=week_on,
    )
    app.agree_reintegration_support(
        placement_id, support=[personal.note("support package")], actor=head, on=week_on
    )
    app.revise_plan(
        placement_id,
        attrs.evolve(plan, review_interval_weeks=4),
        reason=personal.note("revision reason"),
        actor=head,
        on=week_on,
    )
    app.withdraw_consent(
        placement_id,
        party=ConsentParty.PARENTS,
        reason=personal.note("withdrawal reason"),
        actor=staff,
        on=week_on + timedelta(days=1),
    )
    app.end_placement(
        placement_id,
        destination=Destination.SEN_SCHOOL,
        note=personal.note("ending note"),
        actor=head,
        on=opened_on + timedelta(days=HISTORY_DAYS),
    )
    return placement_id


# --------------------------------------------------------------------------- reading
def shown(value: object) -> str:
    """Every text in ``value`` (rows, entries, states, events, lists of them), one a line."""
    found: list[str] = []
    _collect(value, found)
    return "\n".join(found)


def _collect(value: Any, found: list[str]) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, enum.Enum):
        _collect(value.value, found)
    elif isinstance(value, int | Decimal | UUID | date):  # datetime is a date
        found.append(value.isoformat() if isinstance(value, date) else str(value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _collect(key, found)
            _collect(item, found)
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _collect(getattr(value, field.name), found)
    elif isinstance(value, Iterable):
        for item in value:
            _collect(item, found)
    else:
        found.append(str(value))


def in_clear(personal: Personal, text: str) -> list[str]:
    """The personal values of ``personal`` that ``text`` shows in clear."""
    return [value for value in personal.texts() if value in text]


def replaced(value: Any, personal: Personal, by: str = ERASED) -> Any:
    """``value`` (rows, entries, JSON facts) with every personal value of ``personal`` in its
    texts replaced ``by``: what an erasure should leave of what was shown before it."""
    if isinstance(value, str):
        for text in sorted(personal.texts(), key=len, reverse=True):
            value = value.replace(text, by)
        return value
    if isinstance(value, list | tuple):
        return type(value)(replaced(item, personal, by) for item in value)
    if isinstance(value, Mapping):
        return {key: replaced(item, personal, by) for key, item in value.items()}
    if attrs.has(type(value)):
        changes = {
            field.name: replaced(getattr(value, field.name), personal, by)
            for field in attrs.fields(type(value))
        }
        return attrs.evolve(value, **changes)
    return value


Reader = Callable[[Projections, list[UUID]], object]

#: Every query function and ``stored_rows`` of every projection, and the export.
READERS: dict[str, Reader] = {
    "register.placements": lambda p, ids: register.placements(p.store, reader=FULL_ACCESS),
    "register.stored_rows": lambda p, ids: register.stored_rows(p.store),
    "audit.entries": lambda p, ids: audit.entries(p.store, reader=FULL_ACCESS),
    "audit.stored_rows": lambda p, ids: audit.stored_rows(p.store),
    "audit.export_lines": lambda p, ids: list(audit.export_lines(p.store, reader=FULL_ACCESS)),
    "compliance.open_findings": lambda p, ids: compliance.open_findings(
        p.store, on=FAR_AHEAD, reader=FULL_ACCESS
    ),
    "compliance.findings_known_on": lambda p, ids: compliance.findings_known_on(
        p.store, known_on=FAR_AHEAD, reader=FULL_ACCESS
    ),
    "compliance.finding_history": lambda p, ids: [
        compliance.finding_history(p.store, i, reader=FULL_ACCESS) for i in ids
    ],
    "compliance.stored_rows": lambda p, ids: compliance.stored_rows(p.store),
    "attendance.by_week": lambda p, ids: [
        attendance.by_week(p.store, i, reader=FULL_ACCESS) for i in ids
    ],
    "attendance.by_term": lambda p, ids: [
        attendance.by_term(p.store, i, reader=FULL_ACCESS) for i in ids
    ],
    "attendance.total": lambda p, ids: [
        attendance.total(p.store, i, reader=FULL_ACCESS) for i in ids
    ],
    "attendance.stored_rows": lambda p, ids: attendance.stored_rows(p.store),
    "providers.providers": lambda p, ids: providers.providers(p.store, reader=FULL_ACCESS),
    "providers.stored_rows": lambda p, ids: providers.stored_rows(p.store),
    "students.retention": lambda p, ids: students.retention(
        p.store, on=FAR_AHEAD, due_only=False, reader=FULL_ACCESS
    ),
    "students.stored_rows": lambda p, ids: students.stored_rows(p.store),
}
#: The readers that show personal values at all (the others show none, erased or not).
PERSONAL_READERS = (
    "audit.entries",
    "audit.stored_rows",
    "audit.export_lines",
    "students.retention",
    "students.stored_rows",
)


def _read(name: str, projections: Projections, placement_ids: list[UUID]) -> str:
    return shown(READERS[name](projections, placement_ids))


def _all_stored_rows(projections: Projections) -> list[list[dict[str, Any]]]:
    modules = (providers, register, attendance, audit, compliance, students)
    return [module.stored_rows(projections.store) for module in modules]


# --------------------------------------------------------------------------- set-ups
def _open_for(
    app: AlternativeProvision,
    student_reference: str,
    *,
    born: date | None,
    actor: Actor = STAFF,
    name: str | None = "Ada Example",
    on: date = START,
) -> UUID:
    """A placement on the school's site, opened on ``on``: its only entry."""
    return app.open_placement(
        student_reference=student_reference,
        reason=Reason.BEHAVIOUR,
        setting=Setting.ON_SITE,
        location="The Orchard Room",
        residential=False,
        student_name=name,
        date_of_birth=born,
        actor=actor,
        on=on,
    ).id


def _rows(projections: Projections, **options: Any) -> list[students.RetentionRow]:
    projections.catch_up()
    return students.retention(projections.store, reader=FULL_ACCESS, **options)


@attrs.frozen
class Erasure:
    """Two students' records, the first erased at the end of its retention; what the
    projections showed just before the erasure; the erasure's result."""

    erased_placement: UUID
    kept_placement: UUID
    entries_before: list[audit.AuditEntry]
    export_before: list[str]
    forgotten: StudentState

    @property
    def placement_ids(self) -> list[UUID]:
        return [self.erased_placement, self.kept_placement]


def _record_two_students(app: AlternativeProvision, clock: FixedClock) -> tuple[UUID, UUID]:
    move_to(clock, day(14))
    erased = record_student(app, ERASED_STUDENT, student_reference="STU-0042", opened_on=START)
    kept = record_student(app, KEPT_STUDENT, student_reference="STU-0043", opened_on=START)
    return erased, kept


@pytest.fixture
def erasure(app: AlternativeProvision, clock: FixedClock, projections: Projections) -> Erasure:
    """Both students recorded and caught up; then the first forgotten on the day its retention
    ends, and the same projections caught up again (no rebuild)."""
    erased, kept = _record_two_students(app, clock)
    projections.catch_up()
    entries = audit.entries(projections.store, reader=FULL_ACCESS)
    export = list(audit.export_lines(projections.store, reader=FULL_ACCESS))
    move_to(clock, ERASED_RETENTION_ENDS)
    forgotten = app.forget_student("STU-0042", actor=HEAD)
    projections.catch_up()
    return Erasure(erased, kept, entries, export, forgotten)


# --------------------------------------------------------------------------- the students table
def test_students_table_has_one_row_per_student(
    app: AlternativeProvision, projections: Projections
) -> None:
    _open_for(app, "STU-0042", born=date(2011, 4, 17))
    _open_for(app, "STU-0042", born=date(2011, 4, 17), on=day(1))
    _open_for(app, "STU-0043", born=date(2012, 1, 9))
    projections.catch_up()

    rows = projections.store.rows("SELECT student_reference FROM students ORDER BY 1")

    assert rows == [{"student_reference": "STU-0042"}, {"student_reference": "STU-0043"}]


def test_students_table_reveals_name_and_date_of_birth_through_rows(
    app: AlternativeProvision, projections: Projections
) -> None:
    _open_for(app, "STU-0042", born=date(2011, 4, 17), name="Quilla Marchbanks")
    projections.catch_up()

    rows = projections.store.rows("SELECT name, date_of_birth FROM students")

    assert rows == [{"name": "Quilla Marchbanks", "date_of_birth": "2011-04-17"}]


def test_students_table_keeps_name_and_date_of_birth_sealed(
    app: AlternativeProvision, projections: Projections
) -> None:
    _open_for(app, "STU-0042", born=date(2011, 4, 17), name="Quilla Marchbanks")
    projections.catch_up()

    (row,) = projections.store.sealed_rows("SELECT name, date_of_birth FROM students")

    assert {key: bool(_SEALED.fullmatch(value)) for key, value in row.items()} == {
        "name": True,
        "date_of_birth": True,
    }


def test_no_projection_table_holds_a_personal_value_in_clear(
    app: AlternativeProvision, clock: FixedClock, projections: Projections
) -> None:
    _record_two_students(app, clock)
    projections.catch_up()

    found = {
        table: in_clear(ERASED_STUDENT, text) + in_clear(KEPT_STUDENT, text)
        for projection in projections.all
        for table in projection.tables
        for text in [shown(projections.store.sealed_rows(f"SELECT * FROM {table}"))]  # noqa: S608
    }

    assert {table: texts for table, texts in found.items() if texts} == {}


def test_the_projections_show_the_personal_values_they_hold_sealed(
    app: AlternativeProvision, clock: FixedClock, projections: Projections
) -> None:
    # The other side of the test above: the values are there, only sealed.
    _record_two_students(app, clock)
    projections.catch_up()

    text = _read("audit.stored_rows", projections, [])

    assert in_clear(ERASED_STUDENT, text) == ERASED_STUDENT.texts()


# --------------------------------------------------------------------------- retention
#: (date of birth, the day retention ends) of a student whose only entry is on ``START``
#: (2026-02-02): the SEN file's 31 years from birth decide, or the registers' 6 years from
#: the last entry (a date of birth long before).
SEN_FILE_DECIDES = (date(2011, 4, 17), date(2042, 4, 17))
REGISTERS_DECIDE = (date(1998, 3, 1), date(2032, 2, 2))


@pytest.mark.parametrize(
    ("born", "ends_on"), [SEN_FILE_DECIDES, REGISTERS_DECIDE], ids=["sen-file", "registers"]
)
def test_retention_is_not_due_the_day_before_it_ends(
    app: AlternativeProvision, projections: Projections, born: date, ends_on: date
) -> None:
    _open_for(app, "STU-0042", born=born)

    assert _rows(projections, on=ends_on - timedelta(days=1)) == []


def test_retention_is_due_on_the_day_the_sen_file_period_ends(
    app: AlternativeProvision, projections: Projections
) -> None:
    born, ends_on = SEN_FILE_DECIDES
    _open_for(app, "STU-0042", born=born)

    rows = _rows(projections, on=ends_on)

    assert [(r.student_reference, r.retention_ends_on) for r in rows] == [("STU-0042", ends_on)]


def test_retention_is_due_on_the_day_the_register_period_ends(
    app: AlternativeProvision, projections: Projections
) -> None:
    born, ends_on = REGISTERS_DECIDE
    _open_for(app, "STU-0042", born=born)

    rows = _rows(projections, on=ends_on)

    assert [(r.student_reference, r.retention_ends_on) for r in rows] == [("STU-0042", ends_on)]


def test_retention_without_a_date_of_birth_ends_31_years_after_the_last_entry(
    app: AlternativeProvision, projections: Projections
) -> None:
    _open_for(app, "STU-0042", born=None)

    (row,) = _rows(projections, on=START, due_only=False)

    assert (row.date_of_birth, row.retention_ends_on) == (None, date(2057, 2, 2))


def test_retention_counts_from_the_last_attendance_mark(
    app: AlternativeProvision, clock: FixedClock, projections: Projections
) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(10))
    mark_day(app, placement_id, day(10))

    (row,) = _rows(projections, on=START, due_only=False)

    assert (row.last_entry_on, row.retention_ends_on) == (day(10), date(2057, 2, 12))


def test_retention_lists_everyone_with_the_day_theirs_ends_when_not_due_only(
    app: AlternativeProvision, projections: Projections
) -> None:
    _open_for(app, "STU-0042", born=SEN_FILE_DECIDES[0])
    _open_for(app, "STU-0043", born=REGISTERS_DECIDE[0])

    rows = _rows(projections, on=START, due_only=False)

    assert [(r.student_reference, r.retention_ends_on) for r in rows] == [
        ("STU-0042", SEN_FILE_DECIDES[1]),
        ("STU-0043", REGISTERS_DECIDE[1]),
    ]


def test_retention_lists_the_name_and_date_of_birth(
    app: AlternativeProvision, projections: Projections
) -> None:
    _open_for(app, "STU-0042", born=date(2011, 4, 17), name="Quilla Marchbanks")

    (row,) = _rows(projections, on=START, due_only=False)

    assert (row.name, row.date_of_birth) == ("Quilla Marchbanks", date(2011, 4, 17))


def test_retention_of_a_school_lists_only_its_students(
    app: AlternativeProvision, projections: Projections
) -> None:
    _open_for(app, "STU-0042", born=SEN_FILE_DECIDES[0])
    _open_for(app, "STU-0043", born=SEN_FILE_DECIDES[0], actor=OTHER_SCHOOL_STAFF)

    rows = _rows(projections, on=FAR_AHEAD, school_id=OTHER_SCHOOL_STAFF.school_id)

    assert [(r.school_id, r.student_reference) for r in rows] == [
        (OTHER_SCHOOL_STAFF.school_id, "STU-0043")
    ]


def test_a_forgotten_student_is_not_listed_as_due(
    projections: Projections, erasure: Erasure
) -> None:
    rows = students.retention(projections.store, on=FAR_AHEAD, reader=FULL_ACCESS)

    assert [r.student_reference for r in rows] == ["STU-0043"]


def test_a_forgotten_student_shows_the_day_it_was_forgotten(
    projections: Projections, erasure: Erasure
) -> None:
    rows = students.retention(projections.store, on=FAR_AHEAD, due_only=False, reader=FULL_ACCESS)

    assert [(r.student_reference, r.forgotten_on) for r in rows] == [
        ("STU-0042", ERASED_RETENTION_ENDS),
        ("STU-0043", None),
    ]


def test_a_forgotten_student_shows_only_the_school_year_its_retention_ended(
    projections: Projections, erasure: Erasure
) -> None:
    rows = students.retention(projections.store, on=FAR_AHEAD, due_only=False, reader=FULL_ACCESS)

    assert [(r.student_reference, r.retention_ends_on, r.retention_ended_in) for r in rows][:1] == [
        ("STU-0042", None, erasure.forgotten.retention_ended_in)
    ]


def _only_placement_on(app: AlternativeProvision, clock: FixedClock, born: date) -> None:
    _open_for(app, "STU-0042", born=born)


def _marked_after_the_start(app: AlternativeProvision, clock: FixedClock, born: date) -> None:
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(10))
    mark_day(app, placement_id, day(10))


#: How the student's last entry comes about: the opening alone, or an attendance mark.
HISTORIES: dict[str, tuple[Callable[[AlternativeProvision, FixedClock, date], None], date]] = {
    "sen-file": (_only_placement_on, SEN_FILE_DECIDES[0]),
    "registers": (_only_placement_on, REGISTERS_DECIDE[0]),
    "last-mark": (_marked_after_the_start, REGISTERS_DECIDE[0]),
}


def _listed_end(
    app: AlternativeProvision, clock: FixedClock, projections: Projections, history: str
) -> date:
    record, born = HISTORIES[history]
    record(app, clock, born)
    (row,) = _rows(projections, on=START, due_only=False, policy=app.policy)
    assert row.retention_ends_on is not None
    return row.retention_ends_on


@pytest.mark.parametrize("history", list(HISTORIES))
def test_forget_is_refused_the_day_before_the_listed_end_of_retention(
    app: AlternativeProvision, clock: FixedClock, projections: Projections, history: str
) -> None:
    ends_on = _listed_end(app, clock, projections, history)
    move_to(clock, ends_on - timedelta(days=1))

    with pytest.raises(PolicyViolationError) as refused:
        app.forget_student("STU-0042", actor=HEAD)

    assert refused.value.rule_id == "STAT-7"


@pytest.mark.parametrize("history", list(HISTORIES))
def test_forget_is_accepted_on_the_listed_end_of_retention(
    app: AlternativeProvision, clock: FixedClock, projections: Projections, history: str
) -> None:
    ends_on = _listed_end(app, clock, projections, history)
    move_to(clock, ends_on)

    forgotten = app.forget_student("STU-0042", actor=HEAD)

    assert (forgotten.forgotten_on, forgotten.retention_ended_in) == (
        ends_on,
        school_year_of(ends_on),
    )


# --------------------------------------------------------------------------- after an erasure
@pytest.mark.parametrize("reader", list(READERS))
def test_after_erasure_no_reader_shows_a_personal_value_of_the_student(
    projections: Projections, erasure: Erasure, reader: str
) -> None:
    text = _read(reader, projections, erasure.placement_ids)

    assert in_clear(ERASED_STUDENT, text) == []


@pytest.mark.parametrize("reader", PERSONAL_READERS)
def test_before_erasure_the_personal_readers_show_the_students_values(
    app: AlternativeProvision, clock: FixedClock, projections: Projections, reader: str
) -> None:
    # What the test above checks is gone is there before the erasure.
    placement_ids = list(_record_two_students(app, clock))
    projections.catch_up()

    text = _read(reader, projections, placement_ids)

    shown_in_clear = [p.surname for p in (ERASED_STUDENT, KEPT_STUDENT) if in_clear(p, text)]
    assert shown_in_clear == [ERASED_STUDENT.surname, KEPT_STUDENT.surname]


@pytest.mark.parametrize("reader", PERSONAL_READERS)
def test_after_erasure_the_personal_readers_show_erased(
    projections: Projections, erasure: Erasure, reader: str
) -> None:
    text = _read(reader, projections, erasure.placement_ids)

    assert ERASED in text


@pytest.mark.parametrize("reader", PERSONAL_READERS)
def test_after_erasure_the_personal_readers_still_show_the_other_student_in_clear(
    projections: Projections, erasure: Erasure, reader: str
) -> None:
    text = _read(reader, projections, erasure.placement_ids)

    assert KEPT_STUDENT.name in text


def test_after_erasure_each_audit_entry_reads_erased_where_a_personal_value_was(
    projections: Projections, erasure: Erasure
) -> None:
    before = len(erasure.entries_before)

    entries = audit.entries(projections.store, reader=FULL_ACCESS)[:before]

    assert entries == replaced(erasure.entries_before, ERASED_STUDENT)


def test_after_erasure_each_export_line_reads_erased_where_a_personal_value_was(
    projections: Projections, erasure: Erasure
) -> None:
    before = len(erasure.export_before)

    lines = list(audit.export_lines(projections.store, reader=FULL_ACCESS))[:before]

    assert lines == replaced(erasure.export_before, ERASED_STUDENT)


def test_after_erasure_the_other_students_audit_entries_are_unchanged(
    projections: Projections, erasure: Erasure
) -> None:
    def kept(entries: list[audit.AuditEntry]) -> list[audit.AuditEntry]:
        return [e for e in entries if e.placement_id == erasure.kept_placement]

    assert kept(audit.entries(projections.store, reader=FULL_ACCESS)) == kept(
        erasure.entries_before
    )


def test_after_erasure_the_other_students_values_are_all_in_the_export(
    projections: Projections, erasure: Erasure
) -> None:
    text = "\n".join(audit.export_lines(projections.store, reader=FULL_ACCESS))

    assert in_clear(KEPT_STUDENT, text) == KEPT_STUDENT.texts()


def test_after_erasure_the_students_table_reads_erased_for_name_and_date_of_birth(
    projections: Projections, erasure: Erasure
) -> None:
    rows = projections.store.rows(
        "SELECT student_reference, name, date_of_birth FROM students ORDER BY 1"
    )

    assert rows == [
        {"student_reference": "STU-0042", "name": ERASED, "date_of_birth": ERASED},
        {
            "student_reference": "STU-0043",
            "name": KEPT_STUDENT.name,
            "date_of_birth": KEPT_STUDENT.born.isoformat(),
        },
    ]


def test_after_erasure_the_register_shows_the_placement_erased(
    projections: Projections, erasure: Erasure
) -> None:
    statuses = {
        r.placement_id: r.status for r in register.placements(projections.store, reader=FULL_ACCESS)
    }

    assert statuses == {
        erasure.erased_placement: PlacementStatus.ERASED.value,
        erasure.kept_placement: PlacementStatus.ENDED.value,
    }


def test_erasure_shows_in_the_projections_before_they_catch_up(
    app: AlternativeProvision, clock: FixedClock, projections: Projections
) -> None:
    _record_two_students(app, clock)
    projections.catch_up()
    move_to(clock, ERASED_RETENTION_ENDS)

    app.forget_student("STU-0042", actor=HEAD)

    assert in_clear(ERASED_STUDENT, _read("audit.stored_rows", projections, [])) == []


def test_rebuild_after_erasure_gives_the_rows_caught_up(
    projections: Projections, erasure: Erasure
) -> None:
    caught_up = _all_stored_rows(projections)

    projections.rebuild()

    assert _all_stored_rows(projections) == caught_up


# --------------------------------------------------------------------------- as at a past date
#: The placement as in effect on its eighth day leaves decisions recorded later (on day 14)
#: as late entries; as known on day 14 it holds everything.
AS_AT = {
    "in-effect": AsAt(Sense.IN_EFFECT_ON, day(8)),
    "known": AsAt(Sense.KNOWN_ON, day(14)),
}


@pytest.mark.parametrize("as_at", list(AS_AT))
def test_placement_as_at_after_erasure_shows_no_personal_value(
    app: AlternativeProvision, erasure: Erasure, as_at: str
) -> None:
    found = placement_as_at(app, erasure.erased_placement, AS_AT[as_at], reader=FULL_ACCESS)

    assert in_clear(ERASED_STUDENT, shown(found)) == []


@pytest.mark.parametrize("as_at", list(AS_AT))
def test_placement_as_at_after_erasure_reads_erased_for_the_reason_detail(
    app: AlternativeProvision, erasure: Erasure, as_at: str
) -> None:
    found = placement_as_at(app, erasure.erased_placement, AS_AT[as_at], reader=FULL_ACCESS)

    assert found is not None
    assert found.state.reason_detail == ERASED


def test_placement_as_at_after_erasure_lists_late_entries_with_erased_values(
    app: AlternativeProvision, erasure: Erasure
) -> None:
    found = placement_as_at(app, erasure.erased_placement, AS_AT["in-effect"], reader=FULL_ACCESS)

    assert found is not None
    (needs,) = [e for e in found.late_entries if isinstance(e, NeedsAssessed)]
    assert (needs.summary, needs.barriers) == (ERASED, (ERASED, ERASED))


# --------------------------------------------------------------------------- compliance
def test_the_erased_placements_findings_close_with_the_erasure(
    projections: Projections, erasure: Erasure
) -> None:
    # Nothing more can be recorded on an erased record, so none of its gaps could ever close.
    open_now = compliance.open_findings(
        projections.store,
        on=ERASED_RETENTION_ENDS,
        placement_id=erasure.erased_placement,
        reader=FULL_ACCESS,
    )

    assert open_now == []


def test_the_other_students_findings_stay_open_after_an_erasure(
    projections: Projections, erasure: Erasure
) -> None:
    open_now = compliance.open_findings(
        projections.store,
        on=ERASED_RETENTION_ENDS,
        placement_id=erasure.kept_placement,
        reader=FULL_ACCESS,
    )

    assert open_now != []
