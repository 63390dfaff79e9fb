"""Absence followed up (COMM-6, NOTIFY-1, NOTIFY-2), the return to the local authority that
closes a notification finding, and the DfE's absence bands. Pure: the domain only.

The placement starts on Monday 3 March 2025 (``builders``); marks here are recorded as on
``LATER``, so that weeks of register can be on the record.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.attendance_summary import AbsenceBand, absence_band_of_counts
from senad_ap.domain.compliance import Finding, placement_findings
from senad_ap.domain.placement import (
    LocalAuthorityNotified,
    NotificationKind,
    PlacementState,
    RecordLocalAuthorityNotification,
    Related,
    decide_placement,
)
from senad_ap.domain.policy import RecordPolicyVersion
from senad_ap.domain.school import RecordTerm, SchoolState, decide_school, evolve_school
from senad_ap.domain.values import PolicyParameters
from senad_ap.errors import InvalidInputError, NotAuthorisedError
from tests.unit.builders import (
    HEAD,
    OPENED_ON,
    PLACEMENT_ID,
    STARTS_ON,
    TEACHER,
    apply,
    context,
    correct_command,
    end_command,
    provider_staff,
    record_command,
    started,
)

LATER = date(2025, 5, 30)
UNEXPLAINED = AttendanceCode.REASON_NOT_ESTABLISHED
UNAUTHORISED = AttendanceCode.OTHER_UNAUTHORISED
ILL = AttendanceCode.ILLNESS
CONTINUOUS = NotificationKind.CONTINUOUS_ABSENCE
SICKNESS = NotificationKind.SICKNESS


def weekdays(first: date, last: date) -> list[date]:
    count = (last - first).days + 1
    days = (first + timedelta(days=n) for n in range(count))
    return [day for day in days if day.weekday() < 5]


def marked(state: PlacementState, first: date, last: date, code: AttendanceCode) -> PlacementState:
    """Both sessions of every weekday from ``first`` to ``last`` marked ``code`` (present:
    ``/`` and ``\\``)."""
    ctx = context(LATER)
    for day in weekdays(first, last):
        for session in Session:
            mark = code
            if code is AttendanceCode.PRESENT_AM and session is Session.PM:
                mark = AttendanceCode.PRESENT_PM
            state = apply(state, record_command(day, session, mark), ctx=ctx)
    return state


def notified(state: PlacementState, kind: NotificationKind, on: date) -> PlacementState:
    command = RecordLocalAuthorityNotification(
        actor=TEACHER, effective_on=on, placement_id=PLACEMENT_ID, kind=kind, reference="LA-7"
    )
    return apply(state, command, ctx=context(LATER))


def found(
    state: PlacementState,
    rule_id: str,
    *,
    school: SchoolState | None = None,
    policy: PolicyParameters | None = None,
) -> list[Finding]:
    every = placement_findings(state, school=school, policy=policy or PolicyParameters())
    return [f for f in every if f.rule_id == rule_id and f.key != ""]


def keyed(findings: list[Finding]) -> dict[str, date]:
    return {f.key: f.since for f in findings}


def one_n(day: date = STARTS_ON) -> PlacementState:
    return apply(started(), record_command(day, Session.AM, UNEXPLAINED), ctx=context(LATER))


# --------------------------------------------------------------------------- an unresolved N


def test_an_n_mark_still_n_five_school_days_on_is_a_finding_from_the_day_after() -> None:
    # Monday 3 March: five school days on is Monday 10 March; open from Tuesday 11.
    assert keyed(found(one_n(), "COMM-6")) == {"unexplained 2025-03-03 AM": date(2025, 3, 11)}


def test_an_n_mark_counts_school_days_not_the_weekend() -> None:
    # Thursday 6 March: Fri 7, Mon 10 to Thu 13; open from Friday 14.
    state = one_n(date(2025, 3, 6))

    assert keyed(found(state, "COMM-6")) == {"unexplained 2025-03-06 AM": date(2025, 3, 14)}


def test_an_n_mark_does_not_count_the_holiday_between_recorded_terms() -> None:
    terms = school_with_terms((date(2025, 3, 3), date(2025, 3, 7)), (date(2025, 3, 17), LATER))
    # Thursday 6 March: Fri 7, then (the week of 10 March is a holiday) Mon 17 to Thu 20.
    state = one_n(date(2025, 3, 6))

    found_ = found(state, "COMM-6", school=terms)

    assert keyed(found_) == {"unexplained 2025-03-06 AM": date(2025, 3, 21)}


def test_the_number_of_school_days_for_an_n_is_the_policys() -> None:
    policy = PolicyParameters(unexplained_absence_school_days=2)

    assert keyed(found(one_n(), "COMM-6", policy=policy)) == {
        "unexplained 2025-03-03 AM": date(2025, 3, 6)
    }


def test_an_n_mark_corrected_to_another_code_closes_the_finding() -> None:
    state = apply(one_n(), correct_command(STARTS_ON, Session.AM, UNAUTHORISED), ctx=context(LATER))

    assert found(state, "COMM-6") == []


def test_an_absence_with_its_reason_recorded_is_no_unexplained_finding() -> None:
    state = apply(
        started(), record_command(STARTS_ON, Session.AM, UNAUTHORISED), ctx=context(LATER)
    )

    assert found(state, "COMM-6") == []


def test_an_n_mark_on_the_last_day_of_a_placement_is_no_finding() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 13), AttendanceCode.PRESENT_AM)
    state = apply(
        state, record_command(date(2025, 3, 14), Session.AM, UNEXPLAINED), ctx=context(LATER)
    )
    state = apply(state, end_command(on=date(2025, 3, 14)), ctx=context(LATER))

    assert found(state, "COMM-6") == []


# --------------------------------------------------------------------------- a run of absence


def test_five_school_days_absent_in_a_row_is_a_finding_from_the_day_after() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 7), ILL)

    assert keyed(found(state, "COMM-6")) == {"absence from 2025-03-03": date(2025, 3, 8)}


def test_four_and_a_half_school_days_absent_is_no_run_finding() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 6), ILL)
    state = apply(state, record_command(date(2025, 3, 7), Session.AM, ILL), ctx=context(LATER))
    state = apply(
        state,
        record_command(date(2025, 3, 7), Session.PM, AttendanceCode.PRESENT_PM),
        ctx=context(LATER),
    )

    assert found(state, "COMM-6") == []


def test_a_run_of_absence_closes_when_the_student_attends_again() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 7), ILL)
    state = marked(state, date(2025, 3, 10), date(2025, 3, 10), AttendanceCode.PRESENT_AM)

    assert found(state, "COMM-6") == []


def test_a_session_that_is_not_possible_does_not_break_a_run() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 4), ILL)
    state = marked(state, date(2025, 3, 5), date(2025, 3, 5), AttendanceCode.PLANNED_CLOSURE)
    state = marked(state, date(2025, 3, 6), date(2025, 3, 10), ILL)

    assert keyed(found(state, "COMM-6")) == {"absence from 2025-03-03": date(2025, 3, 11)}


# --------------------------------------------------------------------------- NOTIFY-1


def test_ten_school_days_absent_without_leave_is_a_notification_due_from_the_day_after() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 14), UNAUTHORISED)

    assert keyed(found(state, "NOTIFY-1")) == {"absence from 2025-03-03": date(2025, 3, 15)}


def test_an_authorised_absence_breaks_the_continuous_absence_without_leave() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 7), UNAUTHORISED)
    state = marked(state, date(2025, 3, 10), date(2025, 3, 10), ILL)
    state = marked(state, date(2025, 3, 11), date(2025, 3, 14), UNAUTHORISED)

    assert found(state, "NOTIFY-1") == []


def test_an_attendance_return_made_during_the_run_closes_the_notification_finding() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 14), UNAUTHORISED)
    state = marked(state, date(2025, 3, 17), date(2025, 3, 17), AttendanceCode.PRESENT_AM)

    state = notified(state, CONTINUOUS, date(2025, 3, 18))

    assert found(state, "NOTIFY-1") == []


def test_the_notification_finding_stays_open_once_the_student_is_back() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 14), UNAUTHORISED)
    state = marked(state, date(2025, 3, 17), date(2025, 3, 17), AttendanceCode.PRESENT_AM)

    assert keyed(found(state, "NOTIFY-1")) == {"absence from 2025-03-03": date(2025, 3, 15)}


def test_an_attendance_return_made_before_the_run_does_not_cover_it() -> None:
    state = notified(started(), CONTINUOUS, date(2025, 2, 28))
    state = marked(state, STARTS_ON, date(2025, 3, 14), UNAUTHORISED)

    assert keyed(found(state, "NOTIFY-1")) == {"absence from 2025-03-03": date(2025, 3, 15)}


def test_a_sickness_return_does_not_answer_continuous_absence_without_leave() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 14), UNAUTHORISED)

    state = notified(state, SICKNESS, date(2025, 3, 17))

    assert len(found(state, "NOTIFY-1")) == 1


def test_a_student_not_of_compulsory_school_age_needs_no_return() -> None:
    state = started()
    state = attrs.evolve(state, compulsory_school_age=False)
    state = marked(state, STARTS_ON, date(2025, 3, 14), UNAUTHORISED)

    assert found(state, "NOTIFY-1") == []


# --------------------------------------------------------------------------- NOTIFY-2


def fifteen_days_ill_in_two_spells() -> PlacementState:
    state = marked(started(), STARTS_ON, date(2025, 3, 7), ILL)  # 5 days
    state = marked(state, date(2025, 3, 10), date(2025, 3, 14), AttendanceCode.PRESENT_AM)
    return marked(state, date(2025, 3, 17), date(2025, 3, 28), ILL)  # 10 more


def test_fifteen_school_days_ill_in_all_is_a_sickness_return_due_from_the_day_after() -> None:
    state = fifteen_days_ill_in_two_spells()

    assert keyed(found(state, "NOTIFY-2")) == {"sickness from 2025-03-03": date(2025, 3, 29)}


def test_fourteen_and_a_half_school_days_ill_is_no_sickness_finding() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 20), ILL)
    state = apply(state, record_command(date(2025, 3, 21), Session.AM, ILL), ctx=context(LATER))

    assert found(state, "NOTIFY-2") == []


def test_a_sickness_return_closes_the_sickness_finding() -> None:
    state = notified(fifteen_days_ill_in_two_spells(), SICKNESS, date(2025, 3, 31))

    assert found(state, "NOTIFY-2") == []


def test_a_sickness_return_covers_the_spell_going_on_when_it_was_made() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 4), ILL)
    state = notified(state, SICKNESS, date(2025, 3, 4))

    state = marked(state, date(2025, 3, 5), date(2025, 3, 28), ILL)

    assert found(state, "NOTIFY-2") == []


def test_illness_after_the_covered_spell_counts_afresh() -> None:
    state = marked(started(), STARTS_ON, date(2025, 3, 4), ILL)
    state = notified(state, SICKNESS, date(2025, 3, 4))
    state = marked(state, date(2025, 3, 5), date(2025, 3, 5), AttendanceCode.PRESENT_AM)

    state = marked(state, date(2025, 3, 6), date(2025, 3, 26), ILL)  # 15 school days

    assert keyed(found(state, "NOTIFY-2")) == {"sickness from 2025-03-06": date(2025, 3, 27)}


# --------------------------------------------------------------------------- the command


def notification(**changes: object) -> RecordLocalAuthorityNotification:
    fields: dict[str, object] = {
        "actor": TEACHER,
        "effective_on": date(2025, 3, 12),
        "placement_id": PLACEMENT_ID,
        "kind": "sickness",
        "reference": "LA form 15-day 2025/31",
    }
    fields.update(changes)
    return RecordLocalAuthorityNotification(**fields)  # type: ignore[arg-type]


def test_a_notification_is_recorded_with_its_kind_day_and_reference() -> None:
    (event,) = decide_placement(started(), notification(), context(), Related())

    assert isinstance(event, LocalAuthorityNotified)
    assert (event.kind, event.effective_on, event.reference) == (
        SICKNESS,
        date(2025, 3, 12),
        "LA form 15-day 2025/31",
    )


def test_the_latest_return_of_each_kind_is_on_the_placements_state() -> None:
    state = apply(started(), notification())
    state = apply(state, notification(effective_on=date(2025, 3, 10)))

    assert state.local_authority_notified == {SICKNESS: date(2025, 3, 12)}


def test_a_notification_dated_after_today_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        decide_placement(started(), notification(effective_on=LATER), context(), Related())

    assert refused.value.field == "effective_on"


def test_provider_staff_may_not_record_a_notification() -> None:
    with pytest.raises(NotAuthorisedError):
        decide_placement(started(), notification(actor=provider_staff()), context(), Related())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "truancy"}, "kind"),
        ({"reference": " "}, "reference"),
        ({"reference": 7}, "reference"),
    ],
)
def test_bad_notification_input_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        notification(**changes)

    assert refused.value.field == field


# --------------------------------------------------------------------------- absence bands


@pytest.mark.parametrize(
    ("absent", "possible", "band"),
    [
        (0, 0, None),
        (9, 100, None),
        (10, 100, AbsenceBand.PERSISTENT),
        (249, 2500, None),  # 9.96 per cent: not persistent, though it rounds to 10.0
        (49, 100, AbsenceBand.PERSISTENT),
        (50, 100, AbsenceBand.SEVERE),
        (100, 100, AbsenceBand.SEVERE),
    ],
)
def test_absence_band_is_the_dfe_band_of_the_sessions_missed(
    absent: int, possible: int, band: AbsenceBand | None
) -> None:
    assert absence_band_of_counts(absent, possible) == band


def test_absence_bands_follow_the_policys_rates() -> None:
    policy = PolicyParameters(persistent_absence_rate=Decimal("0.05"))

    assert absence_band_of_counts(5, 100, policy) == AbsenceBand.PERSISTENT


@pytest.mark.parametrize(
    "changes",
    [
        {"persistent_absence_rate": Decimal("0")},
        {"severe_absence_rate": Decimal("1.005")},
        {"severe_absence_rate": Decimal("0.10")},
        {"unexplained_absence_school_days": 0},
        {"sickness_notification_school_days": 1.5},
    ],
)
def test_a_policy_version_with_absence_numbers_that_make_no_sense_is_refused(
    changes: dict[str, object],
) -> None:
    parameters = PolicyParameters(version="section 7, version 7", **changes)  # type: ignore[arg-type]

    with pytest.raises(InvalidInputError) as refused:
        RecordPolicyVersion(
            actor=HEAD,
            effective_on=date(2026, 1, 19),
            parameters=parameters,
            ratified_on=date(2026, 1, 14),
            review_due_on=date(2026, 12, 31),
        )

    assert refused.value.field == "parameters"


# --------------------------------------------------------------------------- helpers


def school_with_terms(*terms: tuple[date, date]) -> SchoolState:
    state: SchoolState | None = None
    for number, (first, last) in enumerate(terms, start=1):
        command = RecordTerm(
            actor=HEAD, effective_on=OPENED_ON, name=f"Term {number}", starts_on=first, ends_on=last
        )
        for event in decide_school(state, command, context(OPENED_ON)):
            state = evolve_school(state, event)
    assert state is not None
    return state
