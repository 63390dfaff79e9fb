"""Reviews in school time: half-term breaks on the recorded terms, review intervals counted in
school weeks (COMM-5, COMM-7, AIM-3), the half-termly review between the commissioner and the
provider (STAT-3), and no register in a half-term break (COMM-6).

Calendar: the builders' placement starts on Monday 3 March 2025 ("today" Friday 14 March). The
school's year, as recorded: the spring term 6 January to 4 April 2025 with half term 17 to 21
February; Easter holidays 5 to 21 April; the summer term 22 April to 18 July with half term
26 to 30 May. Its half terms: 6 January to 16 February, 22 February to 4 April, 22 April to
25 May, 31 May to 18 July.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from uuid import UUID

import attrs
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from senad_ap.application.codec import JSONBytes, TypedMapper
from senad_ap.domain.base import fingerprint
from senad_ap.domain.compliance import half_termly_review_due, review_due
from senad_ap.domain.compliance.school_time import next_half_term_ends, school_weeks_after
from senad_ap.domain.placement import PlacementState, ReviewProgress
from senad_ap.domain.plan import Effectiveness, ObjectiveProgress, ProgressRating
from senad_ap.domain.school import (
    RecordTerm,
    SchoolState,
    Term,
    TermRecorded,
    decide_school,
    evolve_school,
)
from senad_ap.domain.values import PolicyParameters
from senad_ap.errors import InvalidInputError
from senad_ap.projections.wording import describe
from tests.unit.builders import (
    HEAD,
    OPENED_ON,
    PLACEMENT_ID,
    STARTS_ON,
    TEACHER,
    TODAY,
    apply,
    context,
    outside_started,
    provider,
    started,
)
from tests.unit.test_compliance import end, found, marked, since_of, started_with, with_plan

SPRING = ("Spring 2025", date(2025, 1, 6), date(2025, 4, 4), date(2025, 2, 17), date(2025, 2, 21))
SUMMER = ("Summer 2025", date(2025, 4, 22), date(2025, 7, 18), date(2025, 5, 26), date(2025, 5, 30))
# The same year, each half term recorded as a term of its own.
HALF_TERMS = (
    ("Spring 1 2025", date(2025, 1, 6), date(2025, 2, 14), None, None),
    ("Spring 2 2025", date(2025, 2, 24), date(2025, 4, 4), None, None),
    ("Summer 1 2025", date(2025, 4, 22), date(2025, 5, 23), None, None),
    ("Summer 2 2025", date(2025, 6, 2), date(2025, 7, 18), None, None),
)
SUMMER_1_REVIEW = date(2025, 4, 28)  # a Monday in the first half of the summer term
MONDAY_12_MAY = date(2025, 5, 12)
LATER = date(2025, 9, 1)

_TermRow = tuple[str, date, date, date | None, date | None]


def record_term(
    name: str,
    starts_on: date,
    ends_on: date,
    half_term_starts_on: date | None = None,
    half_term_ends_on: date | None = None,
) -> RecordTerm:
    return RecordTerm(
        actor=HEAD,
        effective_on=OPENED_ON,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        half_term_starts_on=half_term_starts_on,
        half_term_ends_on=half_term_ends_on,
    )


def school_with(*terms: _TermRow) -> SchoolState:
    state: SchoolState | None = None
    for row in terms:
        for event in decide_school(state, record_term(*row), context(OPENED_ON)):
            state = evolve_school(state, event)
    assert state is not None
    return state


def year() -> SchoolState:
    return school_with(SPRING, SUMMER)


def reviewed(
    state: PlacementState, on: date, *, with_provider: bool, next_review_on: date = LATER
) -> PlacementState:
    command = ReviewProgress(
        actor=TEACHER,
        effective_on=on,
        placement_id=PLACEMENT_ID,
        progress=(
            ObjectiveProgress("EN1", ProgressRating.AS_EXPECTED),
            ObjectiveProgress("MA1", ProgressRating.AS_EXPECTED),
        ),
        effectiveness=Effectiveness.EFFECTIVE,
        next_review_on=next_review_on,
        with_provider=with_provider,
    )
    return apply(state, command, ctx=context(max(on, TODAY)))


# --------------------------------------------------------------------------- the terms


def test_a_term_with_a_half_term_break_has_two_half_terms() -> None:
    assert year().half_terms() == (
        (date(2025, 1, 6), date(2025, 2, 16)),
        (date(2025, 2, 22), date(2025, 4, 4)),
        (date(2025, 4, 22), date(2025, 5, 25)),
        (date(2025, 5, 31), date(2025, 7, 18)),
    )


def test_a_half_term_recorded_as_a_term_is_one_half_term() -> None:
    assert len(school_with(*HALF_TERMS).half_terms()) == 4


def test_a_day_of_the_half_term_break_is_no_school_day() -> None:
    assert year().terms[0].is_school_day(date(2025, 2, 18)) is False


def test_a_weekday_of_the_term_outside_the_break_is_a_school_day() -> None:
    assert year().terms[0].is_school_day(date(2025, 2, 24)) is True


def test_record_term_keeps_the_half_term_break() -> None:
    term = year().terms[1]

    assert (term.half_term_starts_on, term.half_term_ends_on) == (SUMMER[3], SUMMER[4])


def test_record_term_without_a_half_term_break_is_accepted() -> None:
    assert year().terms[0] != school_with(HALF_TERMS[0]).terms[0]


def test_record_term_with_half_of_the_break_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        record_term("Autumn 2025", date(2025, 9, 3), date(2025, 12, 19), date(2025, 10, 27))

    assert refused.value.field == "half_term_ends_on"


def test_record_term_with_a_break_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        record_term(
            "Autumn 2025",
            date(2025, 9, 3),
            date(2025, 12, 19),
            date(2025, 10, 31),
            date(2025, 10, 27),
        )

    assert refused.value.field == "half_term_ends_on"


def test_record_term_with_a_break_outside_the_term_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        record_term(
            "Autumn 2025",
            date(2025, 9, 3),
            date(2025, 12, 19),
            date(2025, 12, 22),
            date(2026, 1, 2),
        )

    assert refused.value.field == "half_term_starts_on"


def test_record_term_with_a_break_on_its_first_day_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        record_term(
            "Autumn 2025", date(2025, 9, 3), date(2025, 12, 19), date(2025, 9, 3), date(2025, 9, 5)
        )


def test_record_term_with_a_break_that_is_not_a_date_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        RecordTerm(
            actor=HEAD,
            effective_on=OPENED_ON,
            name="Autumn 2025",
            starts_on=date(2025, 9, 3),
            ends_on=date(2025, 12, 19),
            half_term_starts_on="27 October",  # type: ignore[arg-type]
            half_term_ends_on=date(2025, 10, 31),
        )

    assert refused.value.field == "half_term_starts_on"


def test_term_recorded_event_carries_the_half_term_break() -> None:
    (event,) = decide_school(None, record_term(*SUMMER), context(OPENED_ON))

    assert isinstance(event, TermRecorded)
    assert (event.half_term_starts_on, event.half_term_ends_on) == (SUMMER[3], SUMMER[4])


def test_term_recorded_wording_names_the_half_term_break() -> None:
    (event,) = decide_school(None, record_term(*SUMMER), context(OPENED_ON))

    assert "half term from 2025-05-26 to 2025-05-30" in describe(event)


# --------------------------------------------------------------------------- stored format


def test_a_term_recorded_stored_without_a_half_term_break_still_loads() -> None:
    # The stored shape of a TermRecorded before half-term breaks were recorded (golden).
    stored = {
        "timestamp": "2025-02-24T16:00:00+00:00",
        "actor": {
            "id": "head-teacher",
            "role": "head teacher / head of service",
            "school_id": "school-a",
            "provider_id": None,
        },
        "effective_on": "2025-02-24",
        "policy_version": "section 7, version 6",
        "idempotency_key": None,
        "command_digest": None,
        "chain_hash": None,
        "school_id": "school-a",
        "name": "Spring 2025",
        "starts_on": "2025-01-06",
        "ends_on": "2025-04-04",
    }
    mapper = TypedMapper(transcoder=JSONBytes())
    event = mapper.to_domain_event(
        StoredEvent(
            originator_id=UUID("6d1f1c0e-8a53-4d3c-9a8e-3a4f1f0b5a12"),
            originator_version=1,
            topic=get_topic(TermRecorded),
            state=json.dumps(stored).encode(),
        )
    )

    assert (event.name, event.half_term_starts_on, event.half_term_ends_on) == (
        "Spring 2025",
        None,
        None,
    )


def test_a_term_recorded_without_a_break_folds_into_a_term_of_one_half() -> None:
    (event,) = decide_school(None, record_term(*HALF_TERMS[0]), context(OPENED_ON))
    assert isinstance(event, TermRecorded)
    old = attrs.evolve(event, half_term_starts_on=None, half_term_ends_on=None)

    assert evolve_school(None, old).terms == (
        Term("Spring 1 2025", date(2025, 1, 6), date(2025, 2, 14)),
    )


# --------------------------------------------------------------------------- school weeks


def test_school_weeks_skip_a_half_term_break() -> None:
    assert school_weeks_after(MONDAY_12_MAY, 6, year().terms) == date(2025, 6, 30)


def test_school_weeks_skip_the_holidays_between_terms() -> None:
    assert school_weeks_after(STARTS_ON, 6, year().terms) == date(2025, 4, 28)


def test_school_weeks_without_recorded_terms_are_calendar_weeks() -> None:
    assert school_weeks_after(STARTS_ON, 6, ()) == date(2025, 4, 14)


def test_school_weeks_after_the_last_recorded_term_are_calendar_weeks() -> None:
    spring_only = school_with(SPRING)

    assert school_weeks_after(STARTS_ON, 6, spring_only.terms) == date(2025, 4, 14)


def test_next_half_term_ends_on_the_last_day_of_the_half_term_after() -> None:
    assert next_half_term_ends(STARTS_ON, year().terms, fallback_weeks=6) == (
        date(2025, 5, 25),
        True,
    )


def test_next_half_term_not_recorded_is_half_a_term_of_school_weeks() -> None:
    assert next_half_term_ends(date(2025, 6, 2), year().terms, fallback_weeks=6) == (
        date(2025, 7, 14),
        False,
    )


# --------------------------------------------------------------------------- COMM-5, COMM-7


def test_comm_5_holidays_are_not_counted() -> None:
    assert since_of("COMM-5", started(), school=year()) == date(2025, 4, 29)


def test_comm_5_review_due_date_skips_a_half_term_break() -> None:
    state = reviewed(started(), MONDAY_12_MAY, with_provider=False)

    assert since_of("COMM-5", state, school=year()) == date(2025, 7, 1)


def test_comm_5_without_recorded_terms_counts_calendar_weeks() -> None:
    assert since_of("COMM-5", started(), school=None) == date(2025, 4, 15)


def test_comm_5_the_date_the_last_review_set_still_applies_if_earlier() -> None:
    state = reviewed(
        started(), date(2025, 3, 10), with_provider=False, next_review_on=date(2025, 3, 24)
    )

    assert since_of("COMM-5", state, school=year()) == date(2025, 3, 25)


def test_comm_5_detail_says_holidays_are_not_counted_when_terms_are_recorded() -> None:
    finding = found("COMM-5", started(), school=year())

    assert finding is not None
    assert "every 6 weeks, holidays not counted" in finding.detail


def test_aim_3_first_review_counts_school_weeks() -> None:
    assert since_of("AIM-3", started(), "progress review", school=year()) == date(2025, 4, 29)


def test_review_due_is_in_school_weeks() -> None:
    assert review_due(started(), school=year()) == date(2025, 4, 28)


# --------------------------------------------------------------------------- STAT-3


def test_stat_3_is_due_by_the_end_of_the_next_half_term() -> None:
    assert since_of("STAT-3", started(), school=year()) == date(2025, 5, 26)


def test_stat_3_half_terms_recorded_as_terms_of_their_own_are_the_half_terms() -> None:
    assert since_of("STAT-3", started(), school=school_with(*HALF_TERMS)) == date(2025, 5, 24)


def test_stat_3_outside_review_without_the_provider_does_not_count() -> None:
    state = reviewed(outside_started(), SUMMER_1_REVIEW, with_provider=False)

    assert since_of("STAT-3", state, providers=[provider()], school=year()) == date(2025, 5, 26)


def test_stat_3_outside_review_with_the_provider_counts() -> None:
    state = reviewed(outside_started(), SUMMER_1_REVIEW, with_provider=True)

    assert since_of("STAT-3", state, providers=[provider()], school=year()) == date(2025, 7, 19)


def test_stat_3_on_site_review_without_a_provider_counts() -> None:
    state = reviewed(started(), SUMMER_1_REVIEW, with_provider=False)

    assert since_of("STAT-3", state, school=year()) == date(2025, 7, 19)


def test_stat_3_outside_review_without_the_provider_still_satisfies_comm_5() -> None:
    state = reviewed(outside_started(), SUMMER_1_REVIEW, with_provider=False)

    assert since_of("COMM-5", state, providers=[provider()], school=year()) == date(2025, 6, 17)


def test_stat_3_without_recorded_terms_is_half_a_term_of_calendar_weeks() -> None:
    assert since_of("STAT-3", started(), school=None) == date(2025, 4, 15)


def test_stat_3_outside_placement_names_the_provider_in_the_detail() -> None:
    finding = found("STAT-3", outside_started(), providers=[provider()], school=year())

    assert finding is not None
    assert finding.detail.startswith("A half-termly review held with the provider was due by")


def test_stat_3_placement_ended_before_it_was_due_is_no_finding() -> None:
    state = end(started(), on=date(2025, 5, 23))

    assert since_of("STAT-3", state, school=year()) is None


def test_half_termly_review_due_counts_only_reviews_with_the_provider_outside() -> None:
    state = reviewed(outside_started(), SUMMER_1_REVIEW, with_provider=False)

    assert half_termly_review_due(state, PolicyParameters(), year()) == date(2025, 5, 25)


def test_review_due_is_the_earlier_of_the_plans_interval_and_the_half_term() -> None:
    state = started_with(with_plan(review_interval_weeks=12))

    assert review_due(state, school=year()) == date(2025, 5, 25)


# --------------------------------------------------------------------------- COMM-6


def test_comm_6_expects_no_register_in_a_half_term_break() -> None:
    school = school_with(
        ("Spring 2025", date(2025, 1, 6), date(2025, 4, 4), date(2025, 3, 10), date(2025, 3, 14))
    )
    state = marked(started(), [STARTS_ON + timedelta(days=n) for n in range(5)])

    assert since_of("COMM-6", state, school=school) == date(2025, 3, 18)


# --------------------------------------------------------------------------- idempotency


def test_a_term_without_a_break_keeps_the_digest_it_was_stored_with() -> None:
    # Computed before half-term breaks existed: a retry of a stored command still matches.
    command = RecordTerm(
        actor=HEAD,
        effective_on=OPENED_ON,
        name="Spring 2025",
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 4, 4),
        idempotency_key="spring",
    )

    assert fingerprint(command) == "ac37b6c70c5b417e3eb2d381962bb842"


def test_a_term_with_a_break_has_a_digest_of_its_own() -> None:
    command = RecordTerm(
        actor=HEAD,
        effective_on=OPENED_ON,
        name="Spring 2025",
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 4, 4),
        half_term_starts_on=date(2025, 2, 17),
        half_term_ends_on=date(2025, 2, 21),
        idempotency_key="spring",
    )

    assert fingerprint(command) != "ac37b6c70c5b417e3eb2d381962bb842"
