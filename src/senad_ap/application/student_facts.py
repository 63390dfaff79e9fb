"""Facts about a student that change, and the location's rationale: a part of
``AlternativeProvision``.

A fact (an EHC plan issued or ceased, looked after or not, on the roll or not, of compulsory
school age or not) is recorded on the student's record and on each of their open placements in
one transaction (``domain.student_facts``), with the steps of the pipeline over several records
at once: load, replay, expected version (the student's record), decide, chain, fold, the
full-time roll of unregistered settings (STAT-4), save. It returns the student's record.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from senad_ap.application.integrity import chain_and_fold
from senad_ap.application.pipeline import Pipeline, check_expected_version
from senad_ap.domain.full_time_roll import full_time_roll_changes
from senad_ap.domain.placement import PlacementState, RecordLocationRationale
from senad_ap.domain.provider import ProviderState
from senad_ap.domain.student import StudentState
from senad_ap.domain.student_facts import (
    RecordCompulsorySchoolAge,
    RecordEhcPlanCeased,
    RecordEhcPlanIssued,
    RecordLookedAfter,
    RecordNoLongerLookedAfter,
    RecordRollStatus,
    StudentFactCommand,
    decide_fact,
)
from senad_ap.domain.values import Actor

__all__ = ["StudentFacts", "record_fact"]


class StudentFacts:
    """The student's facts and the location's rationale (a part of ``AlternativeProvision``).

    Each fact method takes the student reference (a student of the actor's school with at
    least one placement), ``actor`` (staff of the school or the Head Teacher), ``on`` (the day
    the fact took effect; today if left out), ``idempotency_key`` and ``expected_version``
    (the student's record's version, as ``get_student`` showed it). A fact is not refused for
    what it means (a finding opens instead); it is refused when it changes nothing
    (``AlreadyRecordedError``) or is dated before the last change of the same fact.
    """

    _pipeline: Pipeline

    def _fact(
        self, command_class: type[StudentFactCommand], *, expected_version: int | None,
        **fields: Any,
    ) -> StudentState:  # fmt: skip
        command = self._pipeline.command(command_class, **fields)
        return record_fact(self._pipeline, command, expected_version)

    def record_ehc_plan_issued(
        self, student_reference: str, *, reference: str, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> StudentState:  # fmt: skip
        """The student's EHC plan ``reference`` was issued (or replaced) ``on`` (PLAN-4,
        STAT-4). If the student is then taught full-time at an unregistered setting, a STAT-4
        finding opens at once and present marks there are refused until the plan is revised."""
        return self._fact(
            RecordEhcPlanIssued, actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, student_reference=student_reference,
            reference=reference,
        )  # fmt: skip

    def record_ehc_plan_ceased(
        self, student_reference: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> StudentState:  # fmt: skip
        """The student's EHC plan ceased ``on`` (PLAN-4, STAT-4)."""
        return self._fact(
            RecordEhcPlanCeased, actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, student_reference=student_reference,
        )  # fmt: skip

    def record_looked_after(
        self, student_reference: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> StudentState:  # fmt: skip
        """The student is looked after by a local authority from ``on`` (STAT-4)."""
        return self._fact(
            RecordLookedAfter, actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, student_reference=student_reference,
        )  # fmt: skip

    def record_no_longer_looked_after(
        self, student_reference: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> StudentState:  # fmt: skip
        """The student is no longer looked after from ``on`` (STAT-4)."""
        return self._fact(
            RecordNoLongerLookedAfter, actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, student_reference=student_reference,
        )  # fmt: skip

    def record_roll_status(
        self, student_reference: str, *, on_roll: bool, dual_registered_with: str | None = None,
        actor: Actor, on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> StudentState:  # fmt: skip
        """On the school roll or not from ``on``; dual registered with the school whose URN
        (6 digits) is ``dual_registered_with`` (COMM-2: off the roll opens a finding)."""
        return self._fact(
            RecordRollStatus, actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, student_reference=student_reference,
            on_roll=on_roll, dual_registered_with=dual_registered_with,
        )  # fmt: skip

    def record_compulsory_school_age(
        self, student_reference: str, *, compulsory_school_age: bool, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> StudentState:  # fmt: skip
        """Of compulsory school age or not from ``on`` (STAT-4 counts only such pupils). The
        record holds this fact; it never reads the sealed date of birth."""
        return self._fact(
            RecordCompulsorySchoolAge, actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, student_reference=student_reference,
            compulsory_school_age=compulsory_school_age,
        )  # fmt: skip

    def record_location_rationale(
        self, placement_id: UUID, *, rationale: str, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Why the placement uses its location, recorded or revised after the opening: closes
        the LOC-2 finding for the allied children's home. The Head Teacher or a delegate; the
        rationale is personal text, sealed like every note."""
        command = self._pipeline.command(
            RecordLocationRationale, actor=actor, on=on, idempotency_key=idempotency_key,
            placement_id=placement_id, rationale=rationale,
        )  # fmt: skip
        return self._pipeline.run_placement(command, expected_version)


def record_fact(
    pipeline: Pipeline, command: StudentFactCommand, expected_version: int | None = None
) -> StudentState:
    """Run ``command`` over the student's record and their open placements, atomically."""
    records = pipeline.records
    # 1. load the student
    student_id = pipeline.secret.student_id(command.actor.school_id, command.student_reference)
    student = records.load(student_id, StudentState)
    # 3. replay a retried command
    clear, command = command.idempotency_key, pipeline.secret.keyed(command)
    replayed = pipeline.replayed_version(student, command, clear)
    if replayed is not None:
        return pipeline.revealed(records.at_version(student_id, replayed, StudentState))
    # 4. refuse a decision taken on an out-of-date view of the student's record
    check_expected_version(student, expected_version, "student", command.student_reference)
    # 1. load the placements; 5. decide (pure); 6. chain and 7. fold, record by record
    context = pipeline.context(command.effective_on)
    placements = pipeline.placements_of(student)
    events, states = chain_and_fold(
        decide_fact(student, command, context, placements), {student_id: student, **placements}
    )
    # 8. STAT-4: who is taught full-time at an unregistered setting may change with the fact
    # (compulsory school age); recorded on the providers, never refused (a fact is a fact).
    providers: dict[UUID, ProviderState] = {}
    for record_id, after in list(states.items()):
        before = placements.get(record_id)
        if not isinstance(after, PlacementState) or before is None:
            continue
        for provider_id in after.provider_ids - providers.keys():
            provider = records.load(provider_id, ProviderState)
            if provider is not None:
                providers[provider_id] = provider
        roll = full_time_roll_changes(before, after, providers, command, context, refuse=False)
        roll_events, roll_states = chain_and_fold(roll, providers)
        events.extend(roll_events)
        providers.update(roll_states)
        states.update(roll_states)
    # 10. save, all or nothing
    records.save(events, states.values())
    recorded: StudentState = states[student_id]
    return pipeline.revealed(recorded)
