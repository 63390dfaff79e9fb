"""The placement decisions of ``AlternativeProvision``: one method per command.

Each method builds its command and hands it to the pipeline (``application.pipeline``), which
loads the placement, seals personal values, replays a retry, checks ``expected_version``, asks
the pure domain to decide, chains, folds and saves. Each returns the placement's new state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from senad_ap.application.marks import code_of, session_of
from senad_ap.application.pipeline import Pipeline
from senad_ap.domain.arrangement import ArrangedBy, ArrangementPower
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement import (
    AgreePlan,
    AgreeReintegrationCriteria,
    AgreeReintegrationSupport,
    AssessNeeds,
    AssessReintegration,
    ConsentParty,
    CorrectAttendance,
    EndPlacement,
    GiveConsent,
    InformationParty,
    InformationScope,
    NotificationKind,
    OpenPlacement,
    PlacementCommand,
    PlacementState,
    RecordAttendance,
    RecordLocalAuthorityNotification,
    RecordMedicalExemption,
    ReviewProgress,
    RevisePlan,
    ShareInformation,
    StartPlacement,
    WithdrawConsent,
)
from senad_ap.domain.plan import Effectiveness, NeedArea, ObjectiveProgress, Plan, Reason, Setting
from senad_ap.domain.values import Actor, Destination

__all__ = ["PlacementDecisions"]


class PlacementDecisions:
    """The placement commands (a part of ``AlternativeProvision``)."""

    _pipeline: Pipeline

    def _placement(
        self, command_class: type[PlacementCommand], *, expected_version: int | None,
        **fields: Any,
    ) -> PlacementState:  # fmt: skip
        command = self._pipeline.command(command_class, **fields)
        return self._pipeline.run_placement(command, expected_version)

    def open_placement(
        self, *, student_reference: str, reason: Reason | str, setting: Setting | str,
        location: str,
        residential: bool, looked_after: bool | None = None, ehcp_reference: str | None = None,
        on_roll: bool | None = None, provider_id: UUID | None = None,
        reason_detail: str | None = None,
        location_rationale: str | None = None, student_name: str | None = None,
        date_of_birth: date | None = None, arranged_by: ArrangedBy | str = ArrangedBy.SCHOOL,
        arranged_under: ArrangementPower | str | None = None, actor: Actor,
        on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record that a student needs alternative provision (NEED-1) and where (LOC-1).

        Refused: a side room of a classroom (NEED-2); the allied children's home for a
        student who is not residential (LOC-3). Returns the placement, with its new ``id``.
        ``student_name`` and ``date_of_birth`` (give them with the student's first placement)
        go on the student's record (``get_student``), sealed with the student's own key like
        every note: ``forget_student`` erases them at the end of retention (STAT-7).
        ``looked_after``, ``ehcp_reference`` and ``on_roll`` left out are the student's facts
        as their record holds them (a first placement: not looked after, no EHC plan, on the
        roll); a fact given that the record does not hold is recorded on it, and on the
        student's other open placements, with the opening (``record_ehc_plan_issued`` …).
        ``arranged_by`` (``"the school"``, the default, or ``"the local authority"``) and
        ``arranged_under`` (the power: ``"s.19 Education Act 1996"``, ``"s.42 Children and
        Families Act 2014"``, ``"s.61 Children and Families Act 2014"`` for the local
        authority, which must name one; ``"s.29A Education Act 2002"`` or ``"the school's own
        commissioning"``, the default, for the school) decide whether the register may mark
        the placement K or B (STAT-1).
        """
        placement_id = self._pipeline.new_id("placement", actor, idempotency_key)
        return self._placement(
            OpenPlacement,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            student_reference=student_reference, reason=reason, setting=setting,
            location=location, residential=residential, looked_after=looked_after,
            ehcp_reference=ehcp_reference, on_roll=on_roll, provider_id=provider_id,
            reason_detail=reason_detail, location_rationale=location_rationale,
            student_name=student_name, date_of_birth=date_of_birth, arranged_by=arranged_by,
            arranged_under=arranged_under,
        )  # fmt: skip

    def assess_needs(
        self, placement_id: UUID, *, areas: Sequence[NeedArea | str], summary: str,
        barriers: Sequence[str] = (), actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record the assessment of the student's needs (PLAN-1, AIM-2)."""
        return self._placement(
            AssessNeeds,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            areas=_tuple(areas), summary=summary, barriers=_tuple(barriers),
        )  # fmt: skip

    def agree_plan(
        self, placement_id: UUID, plan: Plan, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Agree the personalised plan (PLAN-3). Head Teacher or recorded delegate only.

        Refused: fewer than full-time hours without a medical exemption (PLAN-2); an
        unregistered provider as the full-time setting of a student with an EHC plan or who
        is looked after (STAT-4); the children's home for a non-residential student (LOC-3).
        """
        return self._placement(
            AgreePlan,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            plan=plan,
        )  # fmt: skip

    def revise_plan(
        self, placement_id: UUID, plan: Plan, *, reason: str, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Replace the plan, giving the reason; the same guards as ``agree_plan`` apply."""
        return self._placement(
            RevisePlan,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            plan=plan, reason=reason,
        )  # fmt: skip

    def give_consent(
        self, placement_id: UUID, *, party: ConsentParty | str, given_by: str,
        evidence_reference: str, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record the placing authority's consent or the parents' agreement (INFO-2)."""
        return self._placement(
            GiveConsent,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            party=party, given_by=given_by, evidence_reference=evidence_reference,
        )  # fmt: skip

    def withdraw_consent(
        self, placement_id: UUID, *, party: ConsentParty | str, reason: str, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record a withdrawal of consent: an outside placement is suspended (INFO-2)."""
        return self._placement(
            WithdrawConsent,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            party=party, reason=reason,
        )  # fmt: skip

    def share_information(
        self, placement_id: UUID, *, party: InformationParty | str,
        scope: Sequence[InformationScope | str],
        note: str | None = None, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record information shared with the local authority, parents or a provider (INFO-1)."""
        return self._placement(
            ShareInformation,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            party=party, scope=_tuple(scope), note=note,
        )  # fmt: skip

    def record_medical_exemption(
        self, placement_id: UUID, *, evidence_reference: str, review_on: date, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record that a medical condition makes full-time provision inappropriate (PLAN-2)."""
        return self._placement(
            RecordMedicalExemption,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            evidence_reference=evidence_reference, review_on=review_on,
        )  # fmt: skip

    def start_placement(
        self, placement_id: UUID, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Commission and start the placement on ``on`` (COMM-1).

        Refused unless the record shows: an agreed plan with full-time hours or a medical
        exemption (PLAN-2); for an outside provider delivering accredited education, its DfE
        registration (COMM-3); a current satisfactory risk assessment of every outside
        setting (COMM-4); the placing authority's consent and the parents' agreement (INFO-2).
        """
        return self._placement(
            StartPlacement,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
        )  # fmt: skip

    def record_attendance(
        self, placement_id: UUID, *, session: Session | str, code: AttendanceCode | str,
        activity: str | None = None, supervised_by: str | None = None, note: str | None = None,
        actor: Actor, on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record one register mark with a national code (STAT-1, COMM-6).

        ``code`` is an ``AttendanceCode`` or its letter (``"/"``, ``"I"``, ``"Y1"`` …).
        A second mark for the same session is refused: record a correction instead. The code
        must fit the placement (STAT-1): ``K`` only if the local authority arranged it;
        ``B`` only if the school did, with ``activity`` (its nature) and ``supervised_by``;
        ``D`` only while dual registered; ``X`` only when not of compulsory school age;
        ``Y7`` with its cause as ``note``. The texts are sealed personal data.
        """
        return self._placement(
            RecordAttendance,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            session=session_of(session), code=code_of(code), activity=activity,
            supervised_by=supervised_by, note=note,
        )  # fmt: skip

    def correct_attendance(
        self, placement_id: UUID, *, session: Session | str, code: AttendanceCode | str,
        reason: str, amended_by_name: str, amended_by_position: str,
        activity: str | None = None, supervised_by: str | None = None,
        note: str | None = None,
        actor: Actor, on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Amend a mark: the original stays on the record, with the amended entry, the reason,
        the date of the amendment (the day it is recorded) and the name and position (job
        title) of the person making it, as the School Attendance (Pupil Registration)
        (England) Regulations 2024, regulation 6, require (STAT-2). ``on`` is the session's
        day. The corrected code must fit as in ``record_attendance``, with its own texts. A
        blank name or position is refused (``InvalidInputError`` naming the field); both are
        sealed with a key of the staff member's own (docs/personal-data.md).
        """
        return self._placement(
            CorrectAttendance,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            session=session_of(session), code=code_of(code), reason=reason,
            activity=activity, supervised_by=supervised_by, note=note,
            amended_by_name=amended_by_name, amended_by_position=amended_by_position,
        )  # fmt: skip

    def review_progress(
        self, placement_id: UUID, *, progress: Sequence[ObjectiveProgress],
        effectiveness: Effectiveness | str, next_review_on: date, with_provider: bool = False,
        note: str | None = None, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record a review: progress per objective and the provision's effectiveness (COMM-5)."""
        return self._placement(
            ReviewProgress,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            progress=_tuple(progress), effectiveness=effectiveness,
            next_review_on=next_review_on, with_provider=with_provider, note=note,
        )  # fmt: skip

    def agree_reintegration_criteria(
        self, placement_id: UUID, *, criteria: Sequence[str], actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Agree how readiness to return will be assessed (COMM-8)."""
        return self._placement(
            AgreeReintegrationCriteria,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            criteria=_tuple(criteria),
        )  # fmt: skip

    def assess_reintegration(
        self, placement_id: UUID, *, ready: bool, criteria_met: Sequence[str] = (),
        note: str | None = None, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record an assessment of readiness to return against the agreed criteria (COMM-8)."""
        return self._placement(
            AssessReintegration,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            ready=ready, criteria_met=_tuple(criteria_met), note=note,
        )  # fmt: skip

    def agree_reintegration_support(
        self, placement_id: UUID, *, support: Sequence[str], actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Agree the package of support for the return (COMM-8)."""
        return self._placement(
            AgreeReintegrationSupport,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            support=_tuple(support),
        )  # fmt: skip

    def end_placement(
        self, placement_id: UUID, *, destination: Destination | str, note: str | None = None,
        actor: Actor, on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """End the placement, recording where the student goes next (AIM-4)."""
        return self._placement(
            EndPlacement,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            destination=destination, note=note,
        )  # fmt: skip

    def record_local_authority_notification(
        self, placement_id: UUID, *, kind: NotificationKind | str, reference: str,
        actor: Actor, on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record a return made to the local authority on ``on`` about the student's absence
        (SI 2024/208, regulation 13): ``kind`` "continuous absence without leave" (an
        attendance return, NOTIFY-1) or "sickness" (a sickness return, NOTIFY-2), and its
        ``reference`` (the form's or the case's; not sealed, so it names no student). It
        closes the finding it answers. School staff only; not dated after today."""
        return self._placement(
            RecordLocalAuthorityNotification,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, placement_id=placement_id,
            kind=kind, reference=reference,
        )  # fmt: skip


def _tuple(values: Any) -> Any:
    """Lists are accepted where tuples are stored; anything else is checked by the command."""
    return tuple(values) if isinstance(values, list) else values
