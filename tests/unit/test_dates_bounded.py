"""Dates bounded: no command takes effect, or carries a date, before the policy's
``earliest_date``; an inspector's access is granted at most a year at a time."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest

from senad_ap.domain.placement import decide_placement
from senad_ap.domain.policy import RecordPolicyVersion, decide_policy
from senad_ap.domain.school import GrantInspectorAccess, RecordTerm, decide_school
from senad_ap.domain.values import PolicyParameters
from senad_ap.errors import InvalidInputError
from tests.unit.builders import (
    HEAD,
    OPENED_ON,
    TODAY,
    agree_command,
    context,
    objective,
    open_command,
    opened,
    plan,
    related,
    school,
)

EARLIEST = date(2000, 1, 1)
DAY_BEFORE = EARLIEST - timedelta(days=1)


def _refused_field(error: pytest.ExceptionInfo[InvalidInputError]) -> str | None:
    return error.value.field


def test_a_placement_opened_in_the_year_25_is_refused_naming_effective_on() -> None:
    with pytest.raises(InvalidInputError, match="before 2000-01-01") as refused:
        decide_placement(None, open_command(on=date(25, 1, 1)), context(), related())

    assert _refused_field(refused) == "effective_on"


def test_a_placement_opened_on_the_earliest_date_is_recorded() -> None:
    events = decide_placement(None, open_command(on=EARLIEST), context(), related())

    assert events[0].effective_on == EARLIEST


def test_the_earliest_date_is_the_policy_s_own() -> None:
    policy = PolicyParameters(earliest_date=OPENED_ON)
    command = open_command(on=OPENED_ON - timedelta(days=1))

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(None, command, context(policy=policy), related())

    assert _refused_field(refused) == "effective_on"


def test_a_plan_objective_due_before_the_earliest_date_is_refused_naming_target_date() -> None:
    early = attrs.evolve(objective(), target_date=DAY_BEFORE)
    command = agree_command(attrs.evolve(plan(), objectives=(early,)))

    with pytest.raises(InvalidInputError) as refused:
        decide_placement(opened(), command, context(), related())

    assert _refused_field(refused) == "target_date"


def test_a_plan_objective_due_after_the_earliest_date_is_agreed() -> None:
    events = decide_placement(opened(), agree_command(plan()), context(), related())

    assert len(events) >= 1


def test_a_date_of_birth_before_the_earliest_date_is_not_a_decision_date() -> None:
    command = attrs.evolve(open_command(), date_of_birth=date(1999, 6, 1))

    events = decide_placement(None, command, context(), related())

    assert events[0].effective_on == OPENED_ON


def test_a_term_starting_before_the_earliest_date_is_refused_naming_starts_on() -> None:
    command = RecordTerm(actor=HEAD, effective_on=OPENED_ON, name="Autumn 1999",
                         starts_on=date(1999, 9, 1), ends_on=date(1999, 12, 17))  # fmt: skip

    with pytest.raises(InvalidInputError) as refused:
        decide_school(school(), command, context())

    assert _refused_field(refused) == "starts_on"


def test_a_term_starting_on_the_earliest_date_is_recorded() -> None:
    command = RecordTerm(actor=HEAD, effective_on=OPENED_ON, name="Spring 2000",
                         starts_on=EARLIEST, ends_on=date(2000, 3, 31))  # fmt: skip

    assert len(decide_school(school(), command, context())) == 1


def _policy_version(ratified_on: date, parameters: PolicyParameters) -> RecordPolicyVersion:
    review_due_on = TODAY + timedelta(days=365)
    return RecordPolicyVersion(actor=HEAD, effective_on=TODAY, parameters=parameters,
                               ratified_on=ratified_on, review_due_on=review_due_on)  # fmt: skip


def test_a_policy_version_ratified_before_the_earliest_date_is_refused_naming_ratified_on() -> None:
    command = _policy_version(DAY_BEFORE, PolicyParameters(version="section 7, version 7"))

    with pytest.raises(InvalidInputError) as refused:
        decide_policy(None, command, context())

    assert _refused_field(refused) == "ratified_on"


def test_a_policy_version_may_set_an_earlier_floor() -> None:
    parameters = PolicyParameters(version="section 7, version 7", earliest_date=date(1990, 1, 1))

    events = decide_policy(None, _policy_version(TODAY, parameters), context())

    assert len(events) == 1


def _grant(until: date, *, on: date = TODAY) -> GrantInspectorAccess:
    return GrantInspectorAccess(actor=HEAD, effective_on=on, inspector_id="inspector-1",
                                until=until)  # fmt: skip


def test_inspector_access_for_more_than_366_days_is_refused_naming_until() -> None:
    with pytest.raises(InvalidInputError, match="at most 366 days") as refused:
        decide_school(school(), _grant(TODAY + timedelta(days=367)), context())

    assert _refused_field(refused) == "until"


def test_inspector_access_until_9999_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        decide_school(school(), _grant(date(9999, 12, 31)), context())


def test_inspector_access_for_366_days_is_granted() -> None:
    events = decide_school(school(), _grant(TODAY + timedelta(days=366)), context())

    assert len(events) == 1


def test_inspector_access_dated_ahead_counts_from_the_day_it_is_recorded() -> None:
    ahead = TODAY + timedelta(days=300)

    with pytest.raises(InvalidInputError) as refused:
        decide_school(school(), _grant(ahead + timedelta(days=300), on=ahead), context())

    assert _refused_field(refused) == "until"
