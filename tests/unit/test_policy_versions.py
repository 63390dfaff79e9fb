"""The policy's versions (POL-1): recording one, which is in force on a day, and the group-level
finding while the version in force is past its review date.

The built-in version is section 7, version 6: ratified December 2024, review due December
2025, taken as Wednesday 31 December 2025, so the finding opens on Thursday 1 January 2026.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

from senad_ap.domain.compliance import policy_findings
from senad_ap.domain.policy import (
    POLICY_RECORD_ID,
    PolicyState,
    PolicyVersionRecorded,
    RecordPolicyVersion,
    built_in_version,
    decide_policy,
    evolve_policy,
    version_in_force,
)
from senad_ap.domain.values import POLICY_VERSION, PolicyParameters
from senad_ap.errors import AlreadyRecordedError, InvalidInputError, NotAuthorisedError
from tests.unit.builders import DELEGATE, HEAD, INSPECTOR, TEACHER, context

BUILT_IN = PolicyParameters()
RECORDED_ON = date(2026, 2, 16)  # "today" for the decisions here
VERSION_7 = PolicyParameters(version="section 7, version 7", full_time_hours=Decimal("30"))


def record_command(
    parameters: PolicyParameters = VERSION_7,
    *,
    on: date = date(2026, 2, 2),
    ratified_on: date = date(2026, 1, 28),
    review_due_on: date = date(2026, 12, 31),
    actor: object = HEAD,
) -> RecordPolicyVersion:
    return RecordPolicyVersion(
        actor=actor,  # type: ignore[arg-type]
        effective_on=on,
        parameters=parameters,
        ratified_on=ratified_on,
        review_due_on=review_due_on,
    )


def recorded(*commands: RecordPolicyVersion, state: PolicyState | None = None) -> PolicyState:
    for command in commands:
        for event in decide_policy(state, command, context(RECORDED_ON)):
            state = evolve_policy(state, event)
    assert state is not None
    return state


# --------------------------------------------------------------------------- recording


def test_a_head_teacher_records_a_policy_version_in_force_from_its_day() -> None:
    (event,) = decide_policy(None, record_command(), context(RECORDED_ON))

    assert isinstance(event, PolicyVersionRecorded)
    assert (event.originator_id, event.effective_on, event.parameters) == (
        POLICY_RECORD_ID,
        date(2026, 2, 2),
        VERSION_7,
    )


def test_the_recording_event_carries_the_version_in_force_before_it() -> None:
    (event,) = decide_policy(None, record_command(), context(RECORDED_ON))

    assert event.policy_version == POLICY_VERSION


@pytest.mark.parametrize("actor", [DELEGATE, TEACHER, INSPECTOR], ids=lambda a: a.id)
def test_only_the_head_teacher_records_a_policy_version(actor: object) -> None:
    with pytest.raises(NotAuthorisedError) as refused:
        decide_policy(None, record_command(actor=actor), context(RECORDED_ON))

    assert refused.value.rule_id == "POL-1"


def test_a_version_already_recorded_is_refused() -> None:
    state = recorded(record_command())

    with pytest.raises(AlreadyRecordedError) as refused:
        decide_policy(state, record_command(on=date(2026, 2, 9)), context(RECORDED_ON))

    assert (refused.value.rule_id, refused.value.field) == ("POL-1", "parameters")


def test_a_second_version_with_a_name_of_its_own_is_recorded() -> None:
    version_8 = attrs.evolve(VERSION_7, version="section 7, version 8")
    state = recorded(record_command(), record_command(version_8, on=date(2026, 2, 9)))

    assert [v.name for v in state.versions] == ["section 7, version 7", "section 7, version 8"]


def test_a_version_coming_into_force_after_today_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        decide_policy(None, record_command(on=date(2026, 2, 17)), context(RECORDED_ON))

    assert refused.value.field == "effective_on"


def test_a_version_coming_into_force_today_is_recorded() -> None:
    state = recorded(record_command(on=RECORDED_ON))

    assert state.versions[0].in_force_from == RECORDED_ON


def test_a_version_in_force_before_its_ratification_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        record_command(on=date(2026, 1, 27))

    assert refused.value.field == "effective_on"


def test_a_review_not_after_the_ratification_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        record_command(review_due_on=date(2026, 1, 28))

    assert refused.value.field == "review_due_on"


@pytest.mark.parametrize(
    "bad",
    [
        PolicyParameters(version=" "),
        PolicyParameters(version="v7", full_time_hours=Decimal(0)),
        PolicyParameters(version="v7", full_time_hours=Decimal("169")),
        PolicyParameters(version="v7", full_time_hours=Decimal("NaN")),
        PolicyParameters(version="v7", full_time_hours=32.5),  # type: ignore[arg-type]
        PolicyParameters(version="v7", max_hours_per_day=Decimal("25")),
        PolicyParameters(version="v7", longest_review_interval_weeks=0),
        PolicyParameters(version="v7", register_retention_years=True),
        PolicyParameters(version="v7", persistent_absence_rate=Decimal(0)),
        PolicyParameters(version="v7", severe_absence_rate=Decimal("1.5")),
        PolicyParameters(version="v7", persistent_absence_rate=0.1),  # type: ignore[arg-type]
        PolicyParameters(
            version="v7",
            persistent_absence_rate=Decimal("0.6"),
            severe_absence_rate=Decimal("0.5"),
        ),
    ],
    ids=[
        "no name",
        "no hours",
        "more than a week",
        "NaN",
        "float",
        "day",
        "zero",
        "bool",
        "no absence rate",
        "rate above 1",
        "float rate",
        "persistent above severe",
    ],
)
def test_a_version_with_numbers_that_make_no_sense_is_refused(bad: PolicyParameters) -> None:
    with pytest.raises(InvalidInputError) as refused:
        record_command(bad)

    assert refused.value.field == "parameters"


def test_parameters_that_are_not_policy_parameters_are_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        record_command({"full_time_hours": 30})  # type: ignore[arg-type]

    assert refused.value.field == "parameters"


# --------------------------------------------------------------------------- in force


def test_before_any_version_is_recorded_the_built_in_one_is_in_force() -> None:
    assert version_in_force(None, BUILT_IN, RECORDED_ON) == built_in_version(BUILT_IN)


def test_the_built_in_version_has_the_policy_texts_review_date() -> None:
    built_in = built_in_version(BUILT_IN)

    assert (built_in.name, built_in.review_due_on) == (POLICY_VERSION, date(2025, 12, 31))


def test_a_built_in_version_of_another_name_has_no_review_date() -> None:
    assert built_in_version(PolicyParameters(version="our own")).review_due_on is None


def test_a_recorded_version_is_in_force_from_its_day() -> None:
    state = recorded(record_command())

    assert (
        version_in_force(state, BUILT_IN, date(2026, 2, 1)).name,
        version_in_force(state, BUILT_IN, date(2026, 2, 2)).name,
    ) == (POLICY_VERSION, "section 7, version 7")


def test_the_version_in_force_is_the_one_that_came_into_force_last() -> None:
    version_8 = attrs.evolve(VERSION_7, version="section 7, version 8")
    # Version 8 recorded first; version 7, in force earlier, recorded late.
    state = recorded(record_command(version_8, on=date(2026, 2, 9)), record_command())

    assert (
        version_in_force(state, BUILT_IN, date(2026, 2, 5)).name,
        version_in_force(state, BUILT_IN, date(2026, 2, 10)).name,
    ) == ("section 7, version 7", "section 7, version 8")


def test_of_two_versions_in_force_from_one_day_the_later_recorded_is_in_force() -> None:
    version_8 = attrs.evolve(VERSION_7, version="section 7, version 8")
    state = recorded(record_command(), record_command(version_8))

    assert version_in_force(state, BUILT_IN, RECORDED_ON).name == "section 7, version 8"


# --------------------------------------------------------------------------- POL-1


def test_pol_1_opens_the_day_after_the_built_in_review_date() -> None:
    (finding,) = policy_findings(None, BUILT_IN)

    assert (finding.rule_id, finding.placement_id, finding.key, finding.since) == (
        "POL-1",
        POLICY_RECORD_ID,
        POLICY_VERSION,
        date(2026, 1, 1),
    )


def test_pol_1_is_not_open_on_the_review_date() -> None:
    assert policy_findings(None, BUILT_IN, on=date(2025, 12, 31)) == ()


def test_pol_1_is_open_on_the_day_after_the_review_date() -> None:
    (finding,) = policy_findings(None, BUILT_IN, on=date(2026, 1, 1))

    assert finding.since == date(2026, 1, 1)


def test_pol_1_says_which_version_was_due_for_review_when() -> None:
    (finding,) = policy_findings(None, BUILT_IN)

    assert finding.detail == (
        "The policy in force, section 7, version 6 was due for review by Wednesday 31 "
        "December 2025, and no later version is in force: record the reviewed version (its "
        "numbers, ratification and next review date)."
    )


def test_pol_1_closes_when_a_reviewed_version_comes_into_force() -> None:
    found = policy_findings(recorded(record_command()), BUILT_IN, on=date(2026, 2, 2))

    assert found == ()


def test_pol_1_stays_open_on_a_day_before_the_new_version_came_into_force() -> None:
    (finding,) = policy_findings(recorded(record_command()), BUILT_IN, on=date(2026, 2, 1))

    assert (finding.key, finding.since) == (POLICY_VERSION, date(2026, 1, 1))


def test_pol_1_reopens_when_the_new_version_passes_its_own_review_date() -> None:
    (finding,) = policy_findings(recorded(record_command()), BUILT_IN)

    assert (finding.key, finding.since) == ("section 7, version 7", date(2027, 1, 1))


def test_a_version_recorded_already_past_its_review_is_a_finding_from_its_day() -> None:
    late = record_command(
        on=date(2026, 2, 2), ratified_on=date(2025, 1, 6), review_due_on=date(2025, 6, 30)
    )

    (finding,) = policy_findings(recorded(late), BUILT_IN)

    assert (finding.key, finding.since) == ("section 7, version 7", date(2026, 2, 2))


def test_a_built_in_version_with_no_review_date_is_never_a_finding() -> None:
    assert policy_findings(None, PolicyParameters(version="our own")) == ()
