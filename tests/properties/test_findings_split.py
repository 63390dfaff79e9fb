"""The split of a placement's findings, and the register hint, change no finding.

``placement_findings`` is the union of ``record_findings`` (what the record shows apart from
the register) and ``register_findings`` (AIM-3 attendance and COMM-6). The compliance
projection leans on three claims, checked here over random scenarios
(``histories.scenarios``: one to three interleaved histories, the schools' terms recorded at
drawn points, plans revised to other school days, late entries): the union is the whole; a
``register_hint`` from an earlier evaluation of the same placement changes nothing, whatever
terms or plan came in between; and an attendance mark, recorded or corrected, leaves
``record_findings`` as it was.

Each scenario is recorded by the application, and its log (personal values revealed, as the
projections read them) is folded event by event, the way the projection meets it; after each
event every placement is evaluated with the records of its providers and school as they stand.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import attrs
from hypothesis import event, given, settings
from hypothesis import strategies as st

from senad_ap import PlacementState, ProviderState, SchoolState
from senad_ap.domain.base import Command, Event
from senad_ap.domain.compliance import (
    Finding,
    RegisterHint,
    placement_findings,
    record_findings,
    register_findings,
    register_hint,
)
from senad_ap.domain.placement import PlacementEvent, StartPlacement, evolve_placement
from senad_ap.domain.placement.events import AttendanceCorrected, AttendanceRecorded
from senad_ap.domain.provider import ProviderEvent, evolve_provider
from senad_ap.domain.school import (
    RecordTerm,
    SchoolEvent,
    Term,
    evolve_school,
    school_aggregate_id,
)
from senad_ap.domain.values import Actor, PolicyParameters, Role, Weekday
from senad_ap.testing import HISTORY_NOW, valid_histories
from tests.properties.histories import Scenario, run, scenarios

# Drawing a scenario is most of an example's time (about 0.1 s): 20 examples keep each
# property to a few seconds, in CI too.
split_settings = settings(max_examples=20, deadline=None)

#: The events the projection keeps ``record_findings`` across.
REGISTER_EVENTS = (AttendanceRecorded, AttendanceCorrected)


def policies() -> st.SearchStrategy[PolicyParameters]:
    """The policy's longest review interval decides when AIM-3 falls due, on both sides of the
    split; the histories run for at most about three months."""
    return st.builds(PolicyParameters, longest_review_interval_weeks=st.integers(1, 8))


@st.composite
def terms_recorded_as_the_register_fills(draw: st.DrawFn) -> Scenario:
    """One placement's history, with two or three terms of its school that cut its register
    days into pieces, each recorded at a drawn point after the start, in a drawn order.

    ``scenarios()`` seldom records a term that comes before one already recorded while the
    placement runs, after marks: the case where a hint found with the earlier terms would
    skip unmarked sessions of the new one.
    """
    history: list[Command] = draw(valid_histories(max_school_days=8))
    start = next(i for i, c in enumerate(history) if isinstance(c, StartPlacement))
    started_on = history[start].effective_on
    school_id = history[0].actor.school_id
    head = Actor(id=f"head-{school_id}", role=Role.HEAD_TEACHER, school_id=school_id)
    last_day = (HISTORY_NOW.date() - started_on).days + 14
    bounds = sorted(draw(st.sets(st.integers(-7, last_day), min_size=4, max_size=6)))
    spans = list(zip(bounds[0::2], bounds[1::2], strict=False))
    # Each term is recorded after a drawn command of the history; those after the same one
    # in a drawn order.
    after = [draw(st.integers(start, len(history) - 1)) for _ in spans]
    order = draw(st.permutations(range(len(spans))))
    commands: list[Command] = []
    for index, command in enumerate(history):
        commands.append(command)
        for n in order:
            if after[n] == index:
                first, last = spans[n]
                commands.append(
                    RecordTerm(
                        actor=head,
                        effective_on=command.effective_on,
                        name=f"Term {n + 1}",
                        starts_on=started_on + timedelta(days=first),
                        ends_on=started_on + timedelta(days=last),
                    )
                )
    return Scenario(tuple(commands), tuple(0 for _ in commands))


@attrs.define
class Records:
    """The records as the log builds them, one event at a time."""

    placements: dict[UUID, PlacementState] = attrs.Factory(dict)
    providers: dict[UUID, ProviderState] = attrs.Factory(dict)
    schools: dict[UUID, SchoolState] = attrs.Factory(dict)

    def apply(self, logged: Event) -> None:
        key = logged.originator_id
        if isinstance(logged, PlacementEvent):
            self.placements[key] = evolve_placement(self.placements.get(key), logged)
        elif isinstance(logged, ProviderEvent):
            self.providers[key] = evolve_provider(self.providers.get(key), logged)
        elif isinstance(logged, SchoolEvent):
            self.schools[key] = evolve_school(self.schools.get(key), logged)

    def providers_of(self, state: PlacementState) -> dict[UUID, ProviderState]:
        return {p: self.providers[p] for p in state.provider_ids if p in self.providers}

    def school_of(self, state: PlacementState) -> SchoolState | None:
        return self.schools.get(school_aggregate_id(state.school_id))

    def findings(
        self,
        state: PlacementState,
        policy: PolicyParameters,
        marked_before: RegisterHint | None = None,
    ) -> tuple[Finding, ...]:
        return placement_findings(
            state,
            providers=self.providers_of(state),
            school=self.school_of(state),
            policy=policy,
            marked_before=marked_before,
        )


def logged_events(scenario: Scenario) -> list[Event]:
    """The scenario's log, recorded by the application, with personal values revealed."""
    recorded = run(scenario)
    return recorded.app.reveal([logged for _, logged in recorded.events()])


def in_order(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda finding: (finding.rule_id, finding.key)))


@attrs.frozen
class Calendar:
    """What a hint was found with, in this test's own terms: its plan's school days and its
    school's terms (the start never changes once recorded)."""

    school_days: tuple[Weekday, ...] | None
    terms: tuple[Term, ...] | None

    @classmethod
    def of(cls, state: PlacementState, school: SchoolState | None) -> Calendar:
        return cls(
            None if state.plan is None else state.plan.school_days,
            None if school is None else school.terms,
        )


def note_hint(
    state: PlacementState, hint: RegisterHint | None, found_with: Calendar | None, now: Calendar
) -> None:
    """Statistics (``--hypothesis-show-statistics``): how often a hint was in play, and why it
    had to be ignored."""
    if hint is None or found_with is None:
        event("no hint")
    elif found_with.school_days != now.school_days:
        event("hint found with other school days")
    elif found_with.terms != now.terms:
        event("hint found with other terms")
    elif state.started_on is not None and hint.day > state.started_on:
        event("hint in use, after the start")
    else:
        event("hint in use, at the start")


# --------------------------------------------------------------------------- the union
@split_settings
@given(scenario=scenarios(), policy=policies())
def test_placement_findings_are_the_record_and_register_findings_in_order_at_every_step(
    scenario: Scenario, policy: PolicyParameters
) -> None:
    records = Records()
    for logged in logged_events(scenario):
        records.apply(logged)
        for state in records.placements.values():
            providers = records.providers_of(state)
            school = records.school_of(state)
            actual = placement_findings(state, providers=providers, school=school, policy=policy)
            expected = in_order(
                record_findings(state, providers=providers, school=school, policy=policy)
                + register_findings(state, school=school, policy=policy)
            )
            assert actual == expected, f"after {type(logged).__name__} of {logged.originator_id}"


# --------------------------------------------------------------------------- the hint
@split_settings
@given(scenario=scenarios(), policy=policies())
def test_the_hint_carried_from_each_evaluation_to_the_next_changes_no_finding(
    scenario: Scenario, policy: PolicyParameters
) -> None:
    # As the projection does: each evaluation's hint is passed to the next of the placement.
    records = Records()
    hints: dict[UUID, tuple[RegisterHint, Calendar]] = {}
    for logged in logged_events(scenario):
        records.apply(logged)
        for state in records.placements.values():
            school = records.school_of(state)
            calendar = Calendar.of(state, school)
            hint, found_with = hints.get(state.id, (None, None))
            note_hint(state, hint, found_with, calendar)
            actual = records.findings(state, policy, marked_before=hint)
            expected = records.findings(state, policy)
            assert actual == expected, f"after {type(logged).__name__} of {logged.originator_id}"
            next_hint = register_hint(state, school, actual)
            if next_hint is None:
                hints.pop(state.id, None)
            else:
                hints[state.id] = (next_hint, calendar)


def check_every_earlier_hint(scenario: Scenario, policy: PolicyParameters) -> None:
    """At every step, each placement's findings with each hint found for it so far are its
    findings with none."""
    records = Records()
    earlier: dict[UUID, dict[RegisterHint, Calendar]] = {}
    for logged in logged_events(scenario):
        records.apply(logged)
        for state in records.placements.values():
            school = records.school_of(state)
            calendar = Calendar.of(state, school)
            expected = records.findings(state, policy)
            hints = earlier.setdefault(state.id, {})
            for hint, found_with in hints.items():
                note_hint(state, hint, found_with, calendar)
                actual = records.findings(state, policy, marked_before=hint)
                assert actual == expected, f"{hint} after {type(logged).__name__}"
            found = register_hint(state, school, expected)
            if found is not None:
                hints.setdefault(found, calendar)


@split_settings
@given(scenario=scenarios(), policy=policies())
def test_any_earlier_hint_of_the_same_placement_changes_no_finding(
    scenario: Scenario, policy: PolicyParameters
) -> None:
    # Not only the latest: a hint found many events ago (before terms were recorded, before
    # the plan was revised, before more marks) is still safe to pass.
    check_every_earlier_hint(scenario, policy)


@split_settings
@given(scenario=terms_recorded_as_the_register_fills(), policy=policies())
def test_a_hint_found_before_an_earlier_term_was_recorded_changes_no_finding(
    scenario: Scenario, policy: PolicyParameters
) -> None:
    check_every_earlier_hint(scenario, policy)


# --------------------------------------------------------------------------- attendance
@split_settings
@given(scenario=scenarios(), policy=policies())
def test_an_attendance_mark_recorded_or_corrected_leaves_the_record_findings_as_they_were(
    scenario: Scenario, policy: PolicyParameters
) -> None:
    records = Records()
    for logged in logged_events(scenario):
        if not isinstance(logged, REGISTER_EVENTS):
            records.apply(logged)
            continue
        before = records.placements[logged.originator_id]
        providers = records.providers_of(before)
        school = records.school_of(before)
        records.apply(logged)
        after = records.placements[logged.originator_id]
        event(type(logged).__name__)
        actual = record_findings(after, providers=providers, school=school, policy=policy)
        expected = record_findings(before, providers=providers, school=school, policy=policy)
        assert actual == expected, f"{type(logged).__name__} on {logged.effective_on}"
