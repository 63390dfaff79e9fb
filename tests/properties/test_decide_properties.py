"""Properties of the pure domain: ``decide`` and ``evolve``, with no store and no clock.

A record is built by folding a prefix of a valid history through the deciders (so every stage
of a placement's life is reached), then any command, good or bad, is put to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import attrs
from hypothesis import given
from hypothesis import strategies as st

from senad_ap import (
    Actor,
    AttendanceCode,
    ConsentParty,
    Destination,
    Effectiveness,
    NeedArea,
    ObjectiveProgress,
    PlacementState,
    ProgressRating,
    ProviderState,
    Reason,
    Role,
    SchoolState,
    SenadApError,
    Session,
    Setting,
)
from senad_ap.domain.base import Command
from senad_ap.domain.placement import (
    AgreeReintegrationCriteria,
    AssessNeeds,
    AssessReintegration,
    CorrectAttendance,
    EndPlacement,
    OpenPlacement,
    PlacementCommand,
    PlacementEvent,
    RecordAttendance,
    RecordMedicalExemption,
    Related,
    ReviewProgress,
    StartPlacement,
    WithdrawConsent,
    decide_placement,
    evolve_placement,
    providers_needed,
)
from senad_ap.domain.provider import (
    AssessProviderRisk,
    ConfirmProviderRegistration,
    RegisterProvider,
    decide_provider,
    evolve_provider,
)
from senad_ap.domain.school import SchoolCommand, decide_school, evolve_school
from senad_ap.domain.values import Context
from senad_ap.testing import (
    HISTORY_NOW,
    agree_plan_commands,
    give_consent_commands,
    revise_plan_commands,
    share_information_commands,
    valid_histories,
)

SCHOOL = "712E"
CONTEXT = Context(recorded_at=HISTORY_NOW)
UNKNOWN = UUID("00000000-0000-4000-8000-00000000dead")
TODAY = HISTORY_NOW.date()
ProviderCommandType = RegisterProvider | ConfirmProviderRegistration | AssessProviderRisk


# --------------------------------------------------------------------------- a pure record
@attrs.define
class Record:
    """The states a history leads to, kept by folding decide's events through evolve."""

    placements: dict[UUID, PlacementState] = attrs.Factory(dict)
    providers: dict[UUID, ProviderState] = attrs.Factory(dict)
    schools: dict[str, SchoolState] = attrs.Factory(dict)

    def related(self, state: PlacementState | None, command: PlacementCommand) -> Related:
        providers: Mapping[UUID, ProviderState] = {
            provider_id: self.providers[provider_id]
            for provider_id in providers_needed(state, command)
            if provider_id in self.providers
        }
        return Related(providers=providers, school=self.schools.get(command.actor.school_id))

    def decide(self, command: PlacementCommand) -> tuple[PlacementEvent, ...]:
        state = self.placements.get(command.placement_id)
        return decide_placement(state, command, CONTEXT, self.related(state, command))

    def apply(self, command: Command) -> None:
        if isinstance(command, PlacementCommand):
            state = self.placements.get(command.placement_id)
            for event in self.decide(command):
                state = evolve_placement(state, event)
            assert state is not None
            self.placements[command.placement_id] = state
        elif isinstance(command, ProviderCommandType):
            provider = self.providers.get(command.provider_id)
            school = self.schools.get(command.actor.school_id)
            for provider_event in decide_provider(provider, command, CONTEXT, school):
                provider = evolve_provider(provider, provider_event)
            assert provider is not None
            self.providers[command.provider_id] = provider
        elif isinstance(command, SchoolCommand):
            school_state = self.schools.get(command.actor.school_id)
            for school_event in decide_school(school_state, command, CONTEXT):
                school_state = evolve_school(school_state, school_event)
            assert school_state is not None
            self.schools[command.actor.school_id] = school_state


@st.composite
def records_and_commands(draw: st.DrawFn) -> tuple[Record, PlacementCommand]:
    """A record part-way through a valid history, and a command (good or bad) for it."""
    history = draw(valid_histories(school_id=SCHOOL, max_school_days=4))
    opening = next(c for c in history if isinstance(c, OpenPlacement))
    # Mostly a record where the placement is open (at any stage after), now and then before.
    first = 0 if draw(st.integers(0, 9)) == 0 else history.index(opening) + 1
    record = Record()
    for command in history[: draw(st.integers(first, len(history)))]:
        record.apply(command)
    return record, draw(placement_commands(record, opening.placement_id))


# --------------------------------------------------------------------------- any command
def who(record: Record, placement_id: UUID) -> st.SearchStrategy[Actor]:
    state = record.placements.get(placement_id)
    provider_ids = sorted(state.provider_ids if state else record.providers, key=str)
    delegates = sorted(record.schools[SCHOOL].delegates) if SCHOOL in record.schools else []
    head = Actor(id="head-712E", role=Role.HEAD_TEACHER, school_id=SCHOOL)
    staff = Actor(id="staff-712E", role=Role.SCHOOL_STAFF, school_id=SCHOOL)
    people = [
        *(head, head, head, staff, staff),
        Actor(id="head-999X", role=Role.HEAD_TEACHER, school_id="999X"),
        Actor(id="inspector-1", role=Role.INSPECTOR, school_id=SCHOOL),
        *(Actor(id=d, role=Role.SCHOOL_STAFF, school_id=SCHOOL) for d in delegates),
        *(
            Actor(id="tutor-1", role=Role.PROVIDER_STAFF, school_id=SCHOOL, provider_id=p)
            for p in provider_ids
        ),
    ]
    return st.sampled_from(people)


# From four months ago to ten days ahead, and now and then further ahead than any decision
# may be dated.
DAYS = st.integers(-120, 11).map(lambda days: TODAY + timedelta(days=400 if days == 11 else days))


def placement_commands(record: Record, placement_id: UUID) -> st.SearchStrategy[PlacementCommand]:
    """Commands of every kind for the placement (or, now and then, for an unknown one)."""
    ids = st.sampled_from([placement_id] * 9 + [UNKNOWN])
    state = record.placements.get(placement_id)
    references: Sequence[str] = list(state.plan.references()) if state and state.plan else ["Z9"]
    criteria = state.reintegration_criteria if state else ()
    provider_ids = sorted(record.providers, key=str)
    people = who(record, placement_id)
    # Mostly a day the placement could take a decision on; sometimes any day at all.
    fitting = st.dates(state.opened_on, TODAY) if state and state.opened_on <= TODAY else DAYS
    days = st.one_of(fitting, fitting, fitting, DAYS)
    common: dict[str, Any] = {"placement_id": ids, "actor": people, "on": days}
    plain = {"placement_id": ids, "actor": people, "effective_on": days}
    return st.one_of(
        st.builds(
            OpenPlacement,
            **plain,
            student_reference=st.just("STU-1"),
            reason=st.sampled_from(Reason),
            setting=st.sampled_from((Setting.ON_SITE, Setting.SIDE_ROOM_OF_CLASSROOM)),
            location=st.just("Room 4"),
            residential=st.booleans(),
        ),
        st.builds(
            AssessNeeds,
            **plain,
            areas=st.just((NeedArea.COGNITION_AND_LEARNING,)),
            summary=st.just("x"),
        ),
        st.lists(st.sampled_from(provider_ids), unique=True, max_size=2).flatmap(
            lambda chosen: agree_plan_commands(
                **common, provider_ids=chosen, full_time=bool(len(chosen) % 2 == 0)
            )
        )
        if provider_ids
        else agree_plan_commands(**common),
        revise_plan_commands(**common),
        give_consent_commands(**common),
        st.builds(
            WithdrawConsent, **plain, party=st.sampled_from(ConsentParty), reason=st.just("Moved")
        ),
        share_information_commands(**common),
        days.flatmap(
            lambda day: st.builds(
                RecordMedicalExemption,
                placement_id=ids,
                actor=people,
                effective_on=st.just(day),
                evidence_reference=st.just("GP letter"),
                review_on=st.just(day + timedelta(days=30)),
            )
        ),
        st.builds(StartPlacement, **plain),
        st.builds(
            RecordAttendance,
            **plain,
            session=st.sampled_from(Session),
            code=st.sampled_from(AttendanceCode),
        ),
        st.builds(
            CorrectAttendance,
            **plain,
            session=st.sampled_from(Session),
            code=st.sampled_from(AttendanceCode),
            reason=st.just("Entered in error"),
            amended_by_name=st.just("Sam Okafor"),
            amended_by_position=st.just("Attendance officer"),
        ),
        days.flatmap(
            lambda day: st.builds(
                ReviewProgress,
                placement_id=ids,
                actor=people,
                effective_on=st.just(day),
                progress=st.just(
                    tuple(ObjectiveProgress(r, ProgressRating.AS_EXPECTED) for r in references)
                ),
                effectiveness=st.sampled_from(Effectiveness),
                next_review_on=st.just(day + timedelta(days=42)),
            )
        ),
        st.builds(AgreeReintegrationCriteria, **plain, criteria=st.just(("Attends 90%",))),
        st.builds(
            AssessReintegration,
            **plain,
            ready=st.booleans(),
            criteria_met=st.just(criteria) | st.just(("Not agreed",)),
        ),
        st.builds(EndPlacement, **plain, destination=st.sampled_from(Destination)),
    )


def outcome(record: Record, command: PlacementCommand) -> tuple[PlacementEvent, ...] | Exception:
    try:
        return record.decide(command)
    except Exception as error:  # the property is about which errors escape
        return error


def described(error: Exception) -> tuple[object, ...]:
    return (type(error), str(error), sorted(vars(error).items(), key=lambda item: item[0]))


# --------------------------------------------------------------------------- the properties
@given(case=records_and_commands())
def test_decide_gives_new_events_or_a_refusal_never_anything_else(
    case: tuple[Record, PlacementCommand],
) -> None:
    record, command = case

    result = outcome(record, command)

    if isinstance(result, Exception):
        assert isinstance(result, SenadApError), repr(result)
    else:
        assert len(result) > 0
        assert {event.originator_id for event in result} == {command.placement_id}


@given(case=records_and_commands())
def test_evolving_decided_events_moves_the_version_on_by_their_number(
    case: tuple[Record, PlacementCommand],
) -> None:
    record, command = case
    before = record.placements.get(command.placement_id)
    result = outcome(record, command)
    if isinstance(result, Exception):
        return
    after = before
    for event in result:
        after = evolve_placement(after, event)

    expected = (0 if before is None else before.version) + len(result)
    assert after is not None
    assert after.version == expected
    assert [e.originator_version for e in result] == list(
        range(expected - len(result) + 1, expected + 1)
    )


@given(case=records_and_commands())
def test_a_refused_command_is_refused_again_the_same_way(
    case: tuple[Record, PlacementCommand],
) -> None:
    record, command = case
    first = outcome(record, command)
    if not isinstance(first, Exception):
        return

    second = outcome(record, command)

    assert isinstance(second, Exception)
    assert described(second) == described(first)


@given(case=records_and_commands())
def test_an_accepted_command_is_decided_the_same_way_again(
    case: tuple[Record, PlacementCommand],
) -> None:
    record, command = case
    first = outcome(record, command)
    if isinstance(first, Exception):
        return

    second = outcome(record, command)

    assert second == first
