"""One command, from the facade to the store: the steps every decision goes through.

``AlternativeProvision``'s command methods build a command (``Pipeline.command``) and hand it
to ``Pipeline.run``. For a placement (``run_placement``) the steps are, in order:

1. **load** the placement's current state (``Records.load``: cache, snapshot, events);
2. **seal** the command's personal values with the student's own key
   (``application.personal``), so the fingerprint, events, hashes and snapshots hold only
   sealed values;
3. **replay**: a retried command (same idempotency key, same content) records nothing more
   and returns the state its first run produced; the same key for another command is refused;
4. **expected version**: a caller that loaded the record at an earlier version (a screen
   opened an hour ago) is refused with ``ConcurrentChangeError`` when it has moved on;
5. **decide**: the pure domain (``domain.placement.decide_placement``) returns the events or
   refuses with the rule id;
6. **chain**: each event gets its hash, chaining it to the one before it in its record
   (``application.integrity``);
7. **fold** the events into the new state (``domain.placement.evolve_placement``), and, for
   an opening, a start or an end, the student's record in the same transaction (a start or
   an end: one register per pupil, STAT-1, ``application.pupil_register``);
8. **roll** (STAT-4): a change to who is taught full-time at an unregistered setting is
   recorded on the provider too (``domain.full_time_roll``);
9. **keep the key** of a student met for the first time;
10. **save** every event in one transaction (``Records.save``), remember the new states and
    snapshot those due; the state returned has its personal values revealed.

Providers, schools and the policy record take steps 1, 3, 4, 5, 6, 7 and 10. Every decision
is taken under the policy version in force on the day it takes effect (``Pipeline.context``,
POL-1): its numbers are the ``Context``'s, its name the events' ``policy_version``. A day's register
(``Pipeline.register``) runs steps 1 and 3 to 7 per mark and saves all marks at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

import attrs

from senad_ap.application.command_keys import sealed_command
from senad_ap.application.integrity import chain_and_fold, chained
from senad_ap.application.marks import MarkKeys, code_of, session_of
from senad_ap.application.personal import PersonalData
from senad_ap.application.pupil_register import placements_of, run_events, with_the_holder
from senad_ap.application.records import Records, fold, hash_of, store_errors
from senad_ap.application.store_secret import StoreSecret
from senad_ap.application.stores import check_text
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.authority import Authority
from senad_ap.domain.base import Command, Event, fingerprint
from senad_ap.domain.full_time_roll import full_time_roll_changes
from senad_ap.domain.placement import (
    AUTHORITY,
    EndPlacement,
    OpenPlacement,
    PlacementCommand,
    PlacementState,
    RecordAttendance,
    Related,
    StartPlacement,
    decide_placement,
    evolve_placement,
    providers_needed,
)
from senad_ap.domain.policy import (
    POLICY_RECORD_ID,
    PolicyState,
    PolicyVersion,
    RecordPolicyVersion,
    decide_policy,
    evolve_policy,
    version_in_force,
)
from senad_ap.domain.provider import (
    ProviderCommand,
    ProviderState,
    decide_provider,
    evolve_provider,
)
from senad_ap.domain.school import (
    SchoolCommand,
    SchoolState,
    decide_school,
    evolve_school,
    school_aggregate_id,
)
from senad_ap.domain.student import StudentState
from senad_ap.domain.student_facts import decide_opening, facts_stated_at_opening
from senad_ap.domain.values import Actor, Context, PolicyParameters, Role
from senad_ap.errors import (
    ConcurrentChangeError,
    IdempotencyConflictError,
    InvalidInputError,
    RegisterRefusedError,
    SenadApError,
)

__all__ = ["Pipeline", "RegisterMark"]

S = TypeVar("S")
#: Record ids made from an idempotency key: a retried "create" lands on the same record.
_KEYS = UUID("0b8f5a57-3c1e-4b77-9d0e-6c2f4f6a3e90")


@attrs.frozen
class RegisterMark:
    """One mark of a day's register (see ``AlternativeProvision.record_register``).

    ``expected_version``: the placement's version when the register was loaded; the mark is
    refused (``ConcurrentChangeError``) if the placement has moved on since.
    """

    placement_id: UUID
    session: Session | str
    code: AttendanceCode | str
    idempotency_key: str | None = None
    expected_version: int | None = None
    #: What the code needs said (STAT-1; see ``record_attendance``), sealed personal data.
    activity: str | None = None
    supervised_by: str | None = None
    note: str | None = None


class Pipeline:
    """Runs commands against one store's records (see the module's docstring)."""

    def __init__(
        self,
        records: Records,
        personal: PersonalData,
        clock: Callable[[], datetime],
        policy: PolicyParameters,
    ) -> None:
        self.records = records
        self.personal = personal
        self.clock = clock
        self.policy = policy
        self._policy_record: PolicyState | None = None
        #: Idempotency keys are stored as keyed hashes of the caller's (``store_secret``).
        self.secret = StoreSecret(personal, clock, lambda: records.last_position() > 0)

    def context(self, on: date | None = None) -> Context:
        """When the decision is recorded, and under which policy: the version in force on
        ``on``, the day the decision takes effect (today if not given), as the record stands
        now (POL-1, ``domain.policy``)."""
        now = self.clock()
        with store_errors():
            self.secret.ensure()
        return Context(recorded_at=now, policy=self.policy_on(now.date() if on is None else on))

    def policy_on(self, day: date) -> PolicyParameters:
        """The numbers of the policy version in force on ``day`` (POL-1)."""
        return self.policy_version_on(day).parameters

    def policy_version_on(self, day: date) -> PolicyVersion:
        """The policy version in force on ``day``: the latest recorded one in force by then,
        else the application's own ``policy`` (POL-1)."""
        return version_in_force(self.policy_record(), self.policy, day)

    def policy_record(self) -> PolicyState | None:
        """The policy record as it stands (``None``: no version recorded), kept here and
        brought up to date with one query (another process may have recorded a version)."""
        self._policy_record = self.records.refreshed(
            POLICY_RECORD_ID, self._policy_record, evolve_policy
        )
        return self._policy_record

    def today(self) -> date:
        return self.clock().date()

    # ----------------------------------------------------------------- building a command
    def command(self, command_class: type[Any], *, on: date | None, **fields: Any) -> Any:
        """The command, taking effect ``on`` (today when not given); bad values are refused
        by the command's own validators (``InvalidInputError`` naming the field)."""
        try:
            return command_class(
                effective_on=self.today() if on is None else on, on_defaulted=on is None, **fields
            )
        except TypeError as error:
            raise InvalidInputError(f"Missing or unexpected value: {error}") from None

    def new_id(self, kind: str, actor: Actor, key: str | None) -> UUID:
        """A new record's id: random, or, with an idempotency key, the same on every retry
        (keyed with the store's secret on an encrypted store, ``application.store_secret``)."""
        if key is None:
            return uuid4()
        check_text(key, "idempotency_key", "idempotency key")
        school = actor.school_id if isinstance(actor, Actor) else ""
        return self.secret.record_id(_KEYS, f"{kind}\x1f{school}\x1f{key}")

    # ----------------------------------------------------------------- running one
    def run(
        self, command: Command, expected_version: int | None = None
    ) -> PlacementState | ProviderState | SchoolState | PolicyState:
        """Run any command object (what the public strategies in ``senad_ap.testing`` make)."""
        if isinstance(command, PlacementCommand):
            return self.run_placement(command, expected_version)
        if isinstance(command, ProviderCommand):
            return self.run_provider(command, expected_version)
        if isinstance(command, SchoolCommand):
            return self.run_school(command, expected_version)
        if isinstance(command, RecordPolicyVersion):
            return self.run_policy(command, expected_version)
        raise InvalidInputError(f"Not a command: {type(command).__name__}.", field="command")

    def run_placement(
        self, command: PlacementCommand, expected_version: int | None = None
    ) -> PlacementState:
        """A placement decision, steps 1 to 10 of the module's docstring."""
        # 1. load
        state = self.records.load(command.placement_id, PlacementState)
        # 2. seal personal values with the student's key, before anything else sees them
        student_id = _student_of(state, command, self.secret)
        keyed = self.secret.keyed(command)
        sealed, new_keys = sealed_command(self.personal, keyed, student_id)
        # 3. replay a retried command
        replayed = self.replayed_version(state, sealed, command.idempotency_key)
        if replayed is not None:
            return self.revealed(
                self.records.at_version(sealed.placement_id, replayed, PlacementState)
            )
        # 4. refuse a decision taken on an out-of-date view of the record
        check_expected_version(state, expected_version, "placement", command.placement_id)
        # 5. decide (pure), 6. chain, 7. fold
        context = self.context(sealed.effective_on)
        related = self.related(state, sealed)
        student_events: Sequence[Event] = ()
        students: list[Any] = []
        with self._revealing_errors():
            try:
                decided = decide_placement(state, sealed, context, related)
            except SenadApError as refusal:
                # A mark outside the placement's running period names the one that holds it.
                raise with_the_holder(
                    self.records, state, sealed, refusal, self.secret.student_id
                ) from None
            events = chained(decided, hash_of(state))
            if isinstance(sealed, StartPlacement | EndPlacement) and state is not None:
                # One register per pupil (STAT-1): the start or end is recorded on the
                # student's record too, so two at once conflict there (``pupil_register``).
                student_events, after_run = run_events(
                    self.records, state, sealed, context, self.secret.student_id
                )
                students.extend(after_run)
            if isinstance(sealed, OpenPlacement) and student_id is not None:
                # The student's record lists the placement, and takes any fact the opening
                # states, with the student's other open placements, in the same transaction.
                student = related.student
                others = {}
                if student is not None and facts_stated_at_opening(student, sealed):
                    others = self.placements_of(student)
                student_events, after = chain_and_fold(
                    decide_opening(student, sealed, context, others, record_id=student_id),
                    {student_id: student, **others},
                )
                students.extend(after.values())
        new_state = fold(state, events, evolve_placement)
        # 8. STAT-4: a change to who is taught full-time at an unregistered setting is recorded
        # on the provider too, atomically with the placement's decision.
        roll = [
            chained([e], related.providers[e.originator_id].chain_hash)[0]
            for e in full_time_roll_changes(state, new_state, related.providers, sealed, context)
        ]
        providers = [fold(related.providers[e.originator_id], [e], evolve_provider) for e in roll]
        # 9. keep the key of a student (or staff member) met for the first time
        for record_id, new_key in new_keys.items():
            with store_errors():
                kept = self.personal.keep(record_id, new_key, context.recorded_at)
            if kept != new_key:  # pragma: no cover - another writer kept this key first
                return self.run_placement(command, expected_version)
        # 10. save, all or nothing
        self.records.save([*events, *student_events, *roll], [new_state, *providers, *students])
        return self.revealed(new_state)

    def run_provider(
        self, command: ProviderCommand, expected_version: int | None = None
    ) -> ProviderState:
        """A provider decision: load, replay, expected version, decide, chain, fold, save."""
        provider_id: UUID = command.provider_id  # type: ignore[attr-defined]
        state = self.records.load(provider_id, ProviderState)
        clear, command = command.idempotency_key, self.secret.keyed(command)
        replayed = self.replayed_version(state, command, clear)
        if replayed is not None:
            return self.records.at_version(provider_id, replayed, ProviderState)
        check_expected_version(state, expected_version, "provider", provider_id)
        school = self.school_for(command.actor, Authority.HEAD_OR_DELEGATE)
        context = self.context(command.effective_on)
        events = chained(decide_provider(state, command, context, school), hash_of(state))
        new_state = fold(state, events, evolve_provider)
        self.records.save(events, [new_state])
        return new_state

    def run_school(
        self, command: SchoolCommand, expected_version: int | None = None
    ) -> SchoolState:
        """A school decision: load, replay, expected version, decide, chain, fold, save."""
        check_text(command.actor.school_id, "school_id", "school id")
        school_id = school_aggregate_id(command.actor.school_id)
        state = self.records.load(school_id, SchoolState)
        clear, command = command.idempotency_key, self.secret.keyed(command)
        replayed = self.replayed_version(state, command, clear)
        if replayed is not None:
            return self.records.at_version(school_id, replayed, SchoolState)
        check_expected_version(state, expected_version, "school", command.actor.school_id)
        context = self.context(command.effective_on)
        events = chained(decide_school(state, command, context), hash_of(state))
        new_state = fold(state, events, evolve_school)
        self.records.save(events, [new_state])
        return new_state

    def run_policy(
        self, command: RecordPolicyVersion, expected_version: int | None = None
    ) -> PolicyState:
        """A new policy version: load, replay, expected version, decide, chain, fold, save."""
        state = self.records.load(POLICY_RECORD_ID, PolicyState)
        clear, command = command.idempotency_key, self.secret.keyed(command)
        replayed = self.replayed_version(state, command, clear)
        if replayed is not None:
            return self.records.at_version(POLICY_RECORD_ID, replayed, PolicyState)
        check_expected_version(state, expected_version, "policy record", POLICY_RECORD_ID)
        context = self.context(command.effective_on)
        events = chained(decide_policy(state, command, context), hash_of(state))
        new_state = fold(state, events, evolve_policy)
        self.records.save(events, [new_state])
        return new_state

    # ----------------------------------------------------------------- a day's register
    def register(
        self, marks: Sequence[RegisterMark], *, on: date, actor: Actor,
        idempotency_key: str | None,
    ) -> dict[UUID, PlacementState]:  # fmt: skip
        """A day's marks across many placements, all or none (``RegisterRefusedError``)."""
        if not isinstance(marks, Sequence) or isinstance(marks, str):
            raise InvalidInputError("The register must be a list of marks.", field="marks")
        if idempotency_key is not None:
            check_text(idempotency_key, "idempotency_key", "idempotency key")
        context = self.context(on)
        states: dict[UUID, PlacementState] = {}
        before: dict[UUID, PlacementState] = {}
        pending: list[Event] = []
        refusals: list[tuple[int, SenadApError]] = []
        keys = MarkKeys(self.personal, self.secret.student_id)
        # 1. load: the cached placements still current, checked with one query
        current = self.records.current_from_cache(
            [m.placement_id for m in marks if isinstance(m, RegisterMark)]
        )
        for index, mark in enumerate(marks):
            number = index + 1
            try:
                if not isinstance(mark, RegisterMark):
                    raise InvalidInputError(f"Mark {number} is not a RegisterMark.", field="marks")
                session = session_of(mark.session)
                if not isinstance(mark.placement_id, UUID):
                    raise InvalidInputError(
                        f"Mark {number} needs a placement id (a UUID).", field="marks"
                    )
                key = mark.idempotency_key
                if key is None and idempotency_key is not None:
                    key = f"{idempotency_key}:{mark.placement_id}:{session.value}"
                command = RecordAttendance(
                    actor=actor, effective_on=on, idempotency_key=key,
                    placement_id=mark.placement_id, session=session, code=code_of(mark.code),
                    activity=mark.activity, supervised_by=mark.supervised_by, note=mark.note,
                )  # fmt: skip
                state = (
                    states.get(mark.placement_id)
                    or current.get(mark.placement_id)
                    or self.records.placement(mark.placement_id)
                )
                command = keys.seal(self.secret.keyed(command), state)
                # 3. replay
                if self.replayed_version(state, command, key) is not None:
                    states[mark.placement_id] = state
                    continue
                # 4. expected version: the placement as it was before this register's marks
                loaded = before.setdefault(mark.placement_id, state)
                check_expected_version(
                    loaded, mark.expected_version, "placement", mark.placement_id
                )
                # 5. decide, 6. chain, 7. fold
                related = self.related(state, command)
                try:
                    decided = decide_placement(state, command, context, related)
                except SenadApError as refusal:  # STAT-1: name the placement holding the session
                    raise with_the_holder(
                        self.records, state, command, refusal, self.secret.student_id
                    ) from None
                events = chained(decided, state.chain_hash)
                states[mark.placement_id] = fold(state, events, evolve_placement)
                pending.extend(events)
            except SenadApError as error:
                refusals.append((number, error))
        if refusals:
            raise RegisterRefusedError(tuple(refusals))
        keys.keep_new(context.recorded_at)
        # 10. save, all or nothing
        self.records.save(pending, states.values())
        with store_errors():
            revealed = self.personal.reveal_personal(states.values())
        return dict(zip(states, revealed, strict=True))

    # ----------------------------------------------------------------- the steps' parts
    def replayed_version(
        self, state: Any, command: Command, clear: str | None = None
    ) -> int | None:
        """The version the first use of this command's idempotency key (``keyed``) produced,
        if any; ``clear``, the caller's key, finds a key stored in clear before keys were
        hashed, so a retry across that upgrade records nothing more."""
        key = command.idempotency_key
        if key is None or state is None:
            return None
        record = state.idempotency.get(key)
        if record is None and clear is not None:
            record = state.idempotency.get(clear)
        if record is None:
            return None
        if record.fingerprint != fingerprint(command):
            raise IdempotencyConflictError(
                f"The idempotency key {clear or key!r} was already used for another command on "
                f"record {state.id}; use a new key for a new decision.",
                field="idempotency_key",
            )
        return int(record.version)

    def related(self, state: PlacementState | None, command: PlacementCommand) -> Related:
        """What a placement decision needs from other records: its providers, and the
        school's record when the actor's authority may be a delegation."""
        providers = {}
        for provider_id in providers_needed(state, command):
            provider = self.records.load(provider_id, ProviderState)
            if provider is not None:
                providers[provider_id] = provider
        needed = AUTHORITY[type(command)][0]
        student = None
        if isinstance(command, OpenPlacement) and state is None:
            check_text(command.actor.school_id, "school_id", "school id")
            school, reference = command.actor.school_id, command.student_reference
            student = self.records.load(self.secret.student_id(school, reference), StudentState)
        return Related(
            providers=providers, school=self.school_for(command.actor, needed), student=student
        )

    def placements_of(self, student: StudentState | None) -> dict[UUID, PlacementState]:
        """The student's placements as they stand."""
        return placements_of(self.records, student)

    def school_for(self, actor: Actor, needed: Authority) -> SchoolState | None:
        # Only a delegate's authority needs the school's record; skip the read otherwise.
        if needed is Authority.HEAD_OR_DELEGATE and actor.role is Role.SCHOOL_STAFF:
            check_text(actor.school_id, "school_id", "school id")
            return self.records.load(school_aggregate_id(actor.school_id), SchoolState)
        return None

    def revealed(self, state: S) -> S:
        """``state`` with its sealed personal values revealed (or ``[erased]``)."""
        with store_errors():
            return self.personal.reveal_personal([state])[0]

    @contextlib.contextmanager
    def _revealing_errors(self) -> Iterator[None]:
        """A refusal that quotes a sealed value (an unknown criterion) shows the text."""
        try:
            yield
        except SenadApError as error:
            if error.args and isinstance(error.args[0], str):
                with store_errors():
                    message = self.personal.reveal_text(error.args[0])
                error.args = (message, *error.args[1:])
                error.message = message
                reason = getattr(error, "reason", None)
                if isinstance(reason, str):
                    with store_errors():
                        error.reason = self.personal.reveal_text(reason)  # type: ignore[attr-defined]
            raise


def check_expected_version(
    state: Any, expected_version: int | None, kind: str, record_id: object
) -> None:
    """Refuse a decision taken on a view of the record older than its current version.

    ``expected_version`` is the record's version when the caller loaded it (0 for a record
    not yet begun); ``None`` skips the check.
    """
    if expected_version is None:
        return
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise InvalidInputError(
            "The expected version must be a whole number (0 for a new record).",
            field="expected_version",
        )
    version = 0 if state is None else int(state.version)
    if version < expected_version:
        raise ConcurrentChangeError(
            f"The {kind} {record_id} is at version {version}: it never had version "
            f"{expected_version}, so nothing was recorded. Load it again and decide again."
        )
    if version != expected_version:
        raise ConcurrentChangeError(
            f"The {kind} {record_id} is at version {version}, not {expected_version} as "
            "expected: it changed after it was loaded, so nothing was recorded. Load it "
            "again, check the change, and decide again."
        )


def _student_of(
    state: PlacementState | None, command: PlacementCommand, secret: StoreSecret
) -> UUID | None:
    """The record id of the student a placement command is about (``None``: no such
    placement, which ``decide`` refuses); keyed on an encrypted store (``store_secret``)."""
    if state is not None:
        return secret.student_id(state.school_id, state.student_reference)
    if isinstance(command, OpenPlacement):
        school, reference = command.actor.school_id, command.student_reference
        return secret.student_id(school, reference, make=True)
    return None
