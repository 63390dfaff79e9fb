"""Several valid histories recorded together by one application, the way a school records them.

``scenarios()`` draws one to three ``valid_histories`` (different placements, sometimes of the
same school, so the school's record is shared), the school's term dates, and sometimes a later
risk assessment of a provider; it interleaves them in a drawn order that keeps each history's
own order, and draws how late each command is recorded. ``run()`` records them on an in-memory
application whose clock is moved to each command's effective day at 09:00 plus its lag (never
back, never beyond ``HISTORY_NOW``), and keeps, after each command, the clock time and the
state the application returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from senad_ap import AlternativeProvision, PlacementState, ProviderState, SchoolState
from senad_ap.domain.base import Command, Event
from senad_ap.domain.placement import OpenPlacement, StartPlacement
from senad_ap.domain.policy import POLICY_RECORD_ID, PolicyState
from senad_ap.domain.provider import (
    MAX_RISK_ASSESSMENT_VALIDITY,
    AssessProviderRisk,
    RegisterProvider,
    RiskOutcome,
)
from senad_ap.domain.records import evolve_record
from senad_ap.domain.school import RecordTerm
from senad_ap.domain.values import Actor, Role
from senad_ap.projections import (
    attendance,
    audit,
    compliance,
    providers,
    register,
    register_history,
)
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.base import ProjectionStore, RecordState
from senad_ap.testing import HISTORY_NOW, FixedClock, school_ids, valid_histories

__all__ = ["Run", "Scenario", "Step", "all_rows", "end_of", "run", "scenarios"]

#: The clock before the first command: long before any history.
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_TODAY = HISTORY_NOW.date()
_MOST_LAG_HOURS = 72


@attrs.frozen
class Scenario:
    """The commands in the order they are run, and how many hours after 09:00 on its
    effective day each is recorded."""

    commands: tuple[Command, ...]
    lags: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.commands)


@attrs.frozen
class Step:
    """One command as the application recorded it: when, and the state it returned."""

    recorded_at: datetime
    command: Command
    state: RecordState


@attrs.define
class Run:
    """A scenario recorded: the application, and each step in the order it was taken."""

    app: AlternativeProvision
    steps: list[Step]

    def placement_ids(self) -> list[UUID]:
        return sorted({s.state.id for s in self.steps if isinstance(s.state, PlacementState)})

    def placements(self) -> dict[UUID, PlacementState]:
        """Each placement's final state: the last state the application returned for it."""
        return {
            s.state.id: s.state for s in self.steps if isinstance(s.state, PlacementState)
        }  # later steps overwrite earlier ones

    def providers(self) -> dict[UUID, ProviderState]:
        """Each provider's final state, as the application loads it now (a placement's
        decision may also change a provider, STAT-4, without returning the provider)."""
        ids = {s.command.provider_id for s in self.steps if isinstance(s.command, RegisterProvider)}
        # The whole record, as the projections see it (``get_provider`` cuts the full-time
        # roll to what one reader may read).
        return {provider_id: _whole(self.app, provider_id) for provider_id in ids}

    def schools(self) -> dict[str, SchoolState]:
        found = {s.command.actor.school_id for s in self.steps}
        states = {
            school_id: self.app.get_school(school_id, reader=_head(school_id))
            for school_id in found
        }
        return {school_id: state for school_id, state in states.items() if state is not None}

    def policy(self) -> PolicyState | None:
        """The policy record's final state (``None``: no version recorded)."""
        state: PolicyState | None = None
        for event in self.app.events_of(POLICY_RECORD_ID, reader=FULL_ACCESS):
            state = evolve_record(state, event)  # type: ignore[assignment]
        return state

    def events(self) -> list[tuple[int, Event]]:
        """Every stored event with its position, in log order."""
        app = self.app
        notifications = app.recorder.select_notifications(start=1, limit=app.last_position())
        return [(n.id, app.mapper.to_domain_event(n)) for n in notifications]  # type: ignore[misc]


def end_of(day: date) -> datetime:
    """The last moment of ``day``: what "as known on" the day includes."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def run(scenario: Scenario, *, after_each: Callable[[Run, int], object] | None = None) -> Run:
    """Record the scenario on a fresh in-memory application; ``after_each(run, i)`` is called
    after the i-th command (from 0) is recorded, with the run so far."""
    clock = FixedClock(_EPOCH)
    recorded = Run(AlternativeProvision.in_memory(clock=clock), [])
    for index, (command, lag) in enumerate(zip(scenario.commands, scenario.lags, strict=True)):
        when = datetime.combine(command.effective_on, time(9), tzinfo=UTC) + timedelta(hours=lag)
        clock.now = min(max(clock.now, when), HISTORY_NOW)
        recorded.steps.append(Step(clock.now, command, recorded.app.execute(command)))
        if after_each is not None:
            after_each(recorded, index)
    return recorded


def all_rows(store: ProjectionStore) -> dict[str, list[dict[str, object]]]:
    """Every projection's rows as stored, by projection, for comparisons."""
    return {
        "register": register.stored_rows(store),
        "audit": audit.stored_rows(store),
        "compliance": compliance.stored_rows(store),
        "compliance in effect": compliance.stored_in_effect_rows(store),
        "attendance": attendance.stored_rows(store),
        "providers": providers.stored_rows(store),
        "register history": register_history.stored_rows(store),
    }


# --------------------------------------------------------------------------- drawing
def _ids(history: Iterable[Command]) -> set[UUID]:
    found: set[UUID] = set()
    for command in history:
        if isinstance(command, OpenPlacement):
            found.add(command.placement_id)
        elif isinstance(command, RegisterProvider):
            found.add(command.provider_id)
    return found


def _own_keys(index: int, history: list[Command]) -> list[Command]:
    # valid_histories numbers its idempotency keys from 0, so two histories of one school would
    # reuse a key on the school's shared record (a delegate's appointment) for a different
    # command: the application rightly refuses that. Each history gets keys of its own.
    return [
        command
        if command.idempotency_key is None
        else attrs.evolve(command, idempotency_key=f"h{index}-{command.idempotency_key}")
        for command in history
    ]


def _own_student(index: int, history: list[Command], earlier: list[list[Command]]) -> list[Command]:
    # Two histories may draw one student reference (shrinking makes it likely). Each history's
    # opening states the student's facts (EHC plan, looked after, on roll) on its own drawn day,
    # and a fact dated before the student's last recorded change of it is refused (PLAN-4,
    # COMM-2): the histories would not all be valid together. Each history gets its own student;
    # the facts shared by one student's placements are the state machine's to test.
    taken = {c.student_reference for h in earlier for c in h if isinstance(c, OpenPlacement)}
    own = [
        f"H{index}-{c.student_reference}"[:21]
        for c in history
        if isinstance(c, OpenPlacement) and c.student_reference in taken
    ]
    assume(not taken.intersection(own))
    return [
        attrs.evolve(command, student_reference=f"H{index}-{command.student_reference}"[:21])
        if isinstance(command, OpenPlacement) and command.student_reference in taken
        else command
        for command in history
    ]


@st.composite
def _terms(draw: st.DrawFn, school_id: str) -> list[Command]:
    """0 to 2 terms of the school, not overlapping, each recorded on a drawn day."""
    head = Actor(id=f"head-{school_id}", role=Role.HEAD_TEACHER, school_id=school_id)
    starts = _TODAY - timedelta(days=draw(st.integers(0, 120)))
    terms: list[Command] = []
    for number in range(draw(st.integers(0, 2))):
        ends = starts + timedelta(days=draw(st.integers(0, 60)))
        recorded = _TODAY - timedelta(days=draw(st.integers(0, 90)))
        terms.append(
            RecordTerm(actor=head, effective_on=recorded, name=f"Term {number + 1}",
                       starts_on=starts, ends_on=ends)
        )  # fmt: skip
        starts = ends + timedelta(days=draw(st.integers(1, 30)))
    return terms


@st.composite
def _later_risk_assessment(draw: st.DrawFn, history: list[Command]) -> list[Command]:
    """Sometimes a new risk assessment of one of the history's providers, after all of it
    (so no later command of the history depends on the provider being ready, COMM-4)."""
    registrations = [c for c in history if isinstance(c, RegisterProvider)]
    if not registrations or not draw(st.booleans()):
        return []
    registration = draw(st.sampled_from(registrations))
    last = max(c.effective_on for c in history)
    day = last + timedelta(days=draw(st.integers(0, max(0, (_TODAY - last).days))))
    valid_until = day + timedelta(
        days=draw(st.integers(1, MAX_RISK_ASSESSMENT_VALIDITY.days))
    )  # fmt: skip
    return [
        AssessProviderRisk(
            actor=registration.actor,
            effective_on=day,
            provider_id=registration.provider_id,
            outcome=draw(st.sampled_from(RiskOutcome)),
            safeguarding_policies_seen=draw(st.booleans()),
            staff_checks_confirmed_in_writing=draw(st.booleans()),
            valid_until=valid_until,
        )
    ]


def _set_up_length(history: list[Command]) -> int:
    """How many commands come before the placement runs (up to and including its start)."""
    return next(i + 1 for i, c in enumerate(history) if isinstance(c, StartPlacement))


@st.composite
def _interleaved(draw: st.DrawFn, parts: list[list[Command]]) -> list[Command]:
    """The parts' commands in a drawn order that keeps each part's own order."""
    labels = [index for index, part in enumerate(parts) for _ in part]
    order = draw(st.permutations(labels))
    queues = [iter(part) for part in parts]
    return [next(queues[index]) for index in order]


@st.composite
def scenarios(draw: st.DrawFn, *, max_histories: int = 3, max_school_days: int = 6) -> Scenario:
    """One to ``max_histories`` placements' histories, with their schools' terms and perhaps
    later risk assessments, interleaved, each command with a lag of 0 to 72 hours."""
    count = draw(st.integers(1, max_histories))
    shared_school = draw(st.none() | school_ids())
    histories: list[list[Command]] = []
    for index in range(count):
        history = draw(valid_histories(school_id=shared_school, max_school_days=max_school_days))
        history = _own_student(index, history, histories)
        histories.append(_own_keys(index, history) + draw(_later_risk_assessment(history)))
    # Placements and providers are told apart by id; st.uuids() may draw one twice.
    seen: set[UUID] = set()
    for history in histories:
        ids = _ids(history)
        assume(not ids & seen)
        seen |= ids
    schools = sorted({h[0].actor.school_id for h in histories})
    terms = [[term] for school_id in schools for term in draw(_terms(school_id))]
    if draw(st.booleans()):
        # Every placement set up and started before any runs: fewer very late entries.
        cuts = [_set_up_length(h) for h in histories]
        first = draw(_interleaved([h[:cut] for h, cut in zip(histories, cuts, strict=True)]))
        rest = draw(_interleaved([h[cut:] for h, cut in zip(histories, cuts, strict=True)] + terms))
        commands = first + rest
    else:
        commands = draw(_interleaved(histories + terms))
    lags = draw(
        st.lists(st.integers(0, _MOST_LAG_HOURS), min_size=len(commands), max_size=len(commands))
    )
    return Scenario(tuple(commands), tuple(lags))


def _whole(app: AlternativeProvision, provider_id: UUID) -> ProviderState:
    state: ProviderState | None = None
    for event in app.events_of(provider_id, reader=FULL_ACCESS):
        state = evolve_record(state, event)  # type: ignore[assignment]
    if state is None:
        raise LookupError(provider_id)
    return state


def _head(school_id: str) -> Actor:
    return Actor(id=f"head-{school_id}", role=Role.HEAD_TEACHER, school_id=school_id)
