"""Erasure at the end of retention (STAT-7): crypto-shredding a student's personal data.

``forget`` records ``StudentForgotten`` on the student and ``PlacementRecordErased`` on each of
their placements in one transaction, then destroys the student's key (``application.personal``).
The steps are the pipeline's (load, replay, decide, chain, fold, save) over several records at
once; an erasure interrupted between the save and the key's destruction is finished by the
next call.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from senad_ap.application.integrity import chained
from senad_ap.application.pipeline import Pipeline
from senad_ap.application.records import fold, hash_of, store_errors
from senad_ap.domain.base import Event
from senad_ap.domain.placement import PlacementState
from senad_ap.domain.records import evolve_record
from senad_ap.domain.student import ForgetStudent, StudentState, decide_forget

__all__ = ["forget"]


def forget(pipeline: Pipeline, command: ForgetStudent) -> StudentState:
    """Run ``command`` (see ``AlternativeProvision.forget_student``)."""
    records, personal = pipeline.records, pipeline.personal
    # 1. load the student
    student_id = pipeline.secret.student_id(command.actor.school_id, command.student_reference)
    student = records.load(student_id, StudentState)
    context = pipeline.context(command.effective_on)
    # An erasure recorded before a crash, whose key survived: finish it.
    if student is not None and student.forgotten_on is not None:
        with store_errors():
            if not personal.erased(student_id):
                personal.destroy(student_id, context.recorded_at)
    # 3. replay a retried command
    clear, command = command.idempotency_key, pipeline.secret.keyed(command)
    replayed = pipeline.replayed_version(student, command, clear)
    if replayed is not None:
        return pipeline.revealed(records.at_version(student_id, replayed, StudentState))
    # 1. load the student's placements
    placements: dict[UUID, PlacementState] = {}
    for placement_id in () if student is None else student.placement_ids:
        placement = records.load(placement_id, PlacementState)
        if placement is not None:
            placements[placement_id] = placement
    born_on = None if student is None else pipeline.revealed(student).born_on
    # 5. decide (pure), 6. chain and 7. fold, record by record
    events = decide_forget(student, command, context, placements, born_on)
    before: dict[UUID, Any] = {student_id: student, **placements}
    chained_events: list[Event] = []
    states: list[Any] = []
    for record_id in dict.fromkeys(e.originator_id for e in events):
        mine = chained(
            [e for e in events if e.originator_id == record_id], hash_of(before[record_id])
        )
        chained_events.extend(mine)
        states.append(fold(before[record_id], mine, evolve_record))
    # 10. save, all or nothing; then destroy the key
    records.save(chained_events, states)
    with store_errors():
        personal.destroy(student_id, context.recorded_at)
    forgotten: StudentState = states[0]
    return pipeline.revealed(forgotten)
