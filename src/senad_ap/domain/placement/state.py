"""A placement's current state, and ``evolve``: how each event changes it.

The state is a frozen attrs class. ``evolve`` never mutates: it returns a new state. Mappings
inside the state are replaced, never changed in place, so a state can be cached and shared.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import ClassVar
from uuid import UUID

import attrs

from senad_ap.domain.arrangement import ArrangedBy, ArrangementPower
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.base import IdempotencyRecord, advance
from senad_ap.domain.personal import with_fields
from senad_ap.domain.placement.contacts import ProviderContacted
from senad_ap.domain.placement.events import (
    AttendanceCorrected,
    AttendanceRecorded,
    ConsentGiven,
    ConsentParty,
    ConsentWithdrawn,
    InformationParty,
    InformationScope,
    InformationShared,
    LocationRationaleRecorded,
    MedicalExemptionRecorded,
    NeedsAssessed,
    PlacementEnded,
    PlacementEvent,
    PlacementOpened,
    PlacementRecordErased,
    PlacementStarted,
    PlanAgreed,
    PlanRevised,
    ProgressReviewed,
    ReintegrationAssessed,
    ReintegrationCriteriaAgreed,
    ReintegrationSupportAgreed,
    StudentEhcPlanCeased,
    StudentEhcPlanIssued,
    StudentLookedAfterEnded,
    StudentLookedAfterStarted,
    StudentRollStatusRecorded,
    StudentSchoolAgeRecorded,
)
from senad_ap.domain.placement.notifications import LocalAuthorityNotified, NotificationKind
from senad_ap.domain.plan import Effectiveness, NeedArea, Plan, Reason, Setting
from senad_ap.domain.values import Destination, mapping_field

__all__ = [
    "AttendanceMark",
    "Consent",
    "ConsentChange",
    "MedicalExemption",
    "PlacementState",
    "PlacementStatus",
    "ReintegrationAssessment",
    "evolve_placement",
    "mark_key",
]


class PlacementStatus(enum.Enum):
    OPEN = "open: not started"
    ACTIVE = "active"
    SUSPENDED = "suspended: consent withdrawn"
    ENDED = "ended"
    ERASED = "erased: personal data destroyed at the end of retention"


@functools.lru_cache(maxsize=8192)
def mark_key(day: date, session: Session) -> str:
    """The key of a session's mark, ``"2025-11-03 AM"``. One string per key is kept and
    shared by every placement's marks (a million marks hold about 1,000 distinct keys)."""
    return f"{day.isoformat()} {session.value}"


@functools.lru_cache(maxsize=4096)
def shared_day(day: date) -> date:
    """One ``date`` object per day, shared by every mark of that day (memory: each decoded
    event brings its own)."""
    return day


@attrs.frozen(weakref_slot=False)
class AttendanceMark:
    """The mark in force for one session; ``version`` is the event that set it. (No weak
    references: a year's log holds a million of them.)"""

    day: date
    session: Session
    code: AttendanceCode
    version: int
    corrected: bool = False


@attrs.frozen
class Consent:
    given: bool
    on: date


@attrs.frozen
class ConsentChange:
    """One consent given or withdrawn, in the order it was recorded (INFO-2)."""

    party: ConsentParty
    given: bool
    on: date


@attrs.frozen
class MedicalExemption:
    evidence_reference: str
    recorded_on: date
    review_on: date
    personal: ClassVar[tuple[str, ...]] = ("evidence_reference",)


@attrs.frozen
class ReintegrationAssessment:
    ready: bool
    assessed_on: date
    criteria_met: tuple[str, ...]
    personal: ClassVar[tuple[str, ...]] = ("criteria_met",)


@attrs.frozen
class PlacementState:
    id: UUID
    version: int
    school_id: str
    student_reference: str
    reason: Reason
    setting: Setting
    location: str
    provider_id: UUID | None
    residential: bool
    looked_after: bool
    ehcp_reference: str | None
    on_roll: bool
    opened_on: date
    opened_outside: bool
    location_rationale: str | None = None
    reason_detail: str | None = None
    needs_assessed_on: date | None = None
    need_areas: tuple[NeedArea, ...] = ()
    plan: Plan | None = None
    plan_agreed_on: date | None = None
    plan_revised_on: date | None = None
    plan_outside_provider_ids: tuple[UUID, ...] = ()
    consents: Mapping[ConsentParty, Consent] = mapping_field()
    consent_changes: tuple[ConsentChange, ...] = ()
    information_shared: Mapping[InformationParty, date] = mapping_field()
    #: Everything shared with each party so far (INFO-3).
    information_scopes: Mapping[InformationParty, frozenset[InformationScope]] = mapping_field()
    medical_exemption: MedicalExemption | None = None
    started_on: date | None = None
    ended_on: date | None = None
    destination: Destination | None = None
    marks: Mapping[str, AttendanceMark] = mapping_field()
    reviews: int = 0
    last_reviewed_on: date | None = None
    next_review_on: date | None = None
    #: The latest review held with the provider (STAT-3: the commissioner and the provider).
    last_reviewed_with_provider_on: date | None = None
    last_effectiveness: Effectiveness | None = None
    #: The objectives the latest review reported progress against (QUAL-1).
    last_review_references: tuple[str, ...] = ()
    reintegration_criteria: tuple[str, ...] = ()
    reintegration_assessment: ReintegrationAssessment | None = None
    reintegration_support: tuple[str, ...] = ()
    #: The latest contact recorded with each provider (CONTACT-1).
    provider_contacts: Mapping[UUID, date] = mapping_field()
    #: The latest return of each kind made to the local authority (NOTIFY-1, NOTIFY-2).
    local_authority_notified: Mapping[NotificationKind, date] = mapping_field()
    idempotency: Mapping[str, IdempotencyRecord] = mapping_field()
    #: The chain hash of the record's latest event (tamper evidence).
    chain_hash: str | None = None
    #: The day the student's personal data was erased (STAT-7): the record is then closed.
    erased_on: date | None = None
    #: The latest day any decision or mark on the record took effect (retention, STAT-7).
    last_entry_on: date | None = None
    #: The student's facts that change (``domain.student_facts``): the day the EHC plan in
    #: force was issued, the day they became looked after, the day the roll status last
    #: changed (COMM-2), the other school they are dual registered with (its URN), and
    #: whether they are of compulsory school age (STAT-4), since when.
    ehcp_from: date | None = None
    looked_after_from: date | None = None
    roll_changed_on: date | None = None
    dual_registered_with: str | None = None
    compulsory_school_age: bool = True
    school_age_changed_on: date | None = None
    #: Who arranged the placement, under which power (``domain.arrangement``): K and B fit
    #: only the matching arrangement (STAT-1).
    arranged_by: ArrangedBy = ArrangedBy.SCHOOL
    arranged_under: ArrangementPower = ArrangementPower.SCHOOL_COMMISSIONED
    #: Every change of the dual registration (the day, the other school's URN or ``None``)
    #: and of compulsory school age (the day, the fact), in order, so that a mark reads them
    #: as they stood on its day (STAT-1: D, X).
    dual_registration_changes: tuple[tuple[date, str | None], ...] = ()
    school_age_changes: tuple[tuple[date, bool], ...] = ()

    personal: ClassVar[tuple[str, ...]] = (
        "reason_detail", "location_rationale", "plan", "medical_exemption",
        "reintegration_criteria", "reintegration_assessment", "reintegration_support",
    )  # fmt: skip

    @property
    def provider_ids(self) -> frozenset[UUID]:
        """Every provider the placement uses: its own and those in the plan's weekly pattern."""
        ids = set() if self.plan is None else set(self.plan.provider_ids)
        if self.provider_id is not None:
            ids.add(self.provider_id)
        return frozenset(ids)

    @property
    def is_outside(self) -> bool:
        """Uses an outside delivery party (INFO-2)."""
        return self.opened_outside or bool(self.plan_outside_provider_ids)

    def consents_missing_on(self, day: date) -> tuple[ConsentParty, ...]:
        """The parties whose consent was withdrawn and not in force on ``day`` (INFO-2).

        For each party, the last recorded change that had taken effect by ``day`` decides, so
        a withdrawal suspends the days after it even once consent is given again later.
        """
        if not self.is_outside:
            return ()
        latest: dict[ConsentParty, bool] = {}
        for change in self.consent_changes:
            if change.on <= day:
                latest[change.party] = change.given
        return tuple(party for party in ConsentParty if latest.get(party) is False)

    def consent_given(self, party: ConsentParty) -> bool:
        consent = self.consents.get(party)
        return consent is not None and consent.given

    @property
    def suspended_since(self) -> date | None:
        """The day consent was withdrawn, while an outside placement stays without it (INFO-2)."""
        if not self.is_outside:
            return None
        # The earliest standing withdrawal: from then on at least one consent was missing.
        withdrawn = [c.on for c in self.consents.values() if not c.given]
        return min(withdrawn) if withdrawn else None

    @property
    def status(self) -> PlacementStatus:
        if self.erased_on is not None:
            return PlacementStatus.ERASED
        if self.ended_on is not None:
            return PlacementStatus.ENDED
        if self.started_on is None:
            return PlacementStatus.OPEN
        if self.suspended_since is not None:
            return PlacementStatus.SUSPENDED
        return PlacementStatus.ACTIVE

    def mark(self, day: date, session: Session) -> AttendanceMark | None:
        return self.marks.get(mark_key(day, session))

    def dual_registered_on(self, day: date) -> str | None:
        """The URN of the other school the student was dual registered with on ``day``."""
        if not self.dual_registration_changes:
            # A state kept before the changes were: the latest fact, from its day.
            changed = self.roll_changed_on
            return self.dual_registered_with if changed is None or day >= changed else None
        urn: str | None = None
        for on, value in self.dual_registration_changes:
            if on > day:
                break
            urn = value
        return urn

    def compulsory_school_age_on(self, day: date) -> bool:
        """Whether the student was of compulsory school age on ``day`` (so the record says
        unless a fact says otherwise)."""
        if not self.school_age_changes:
            changed = self.school_age_changed_on
            current = self.compulsory_school_age
            return current if changed is None or day >= changed else not current
        compulsory = True
        for on, value in self.school_age_changes:
            if on > day:
                break
            compulsory = value
        return compulsory


def _opened(event: PlacementOpened) -> PlacementState:
    return PlacementState(
        id=event.originator_id,
        version=0,
        school_id=event.school_id,
        student_reference=event.student_reference,
        reason=event.reason,
        reason_detail=event.reason_detail,
        setting=event.setting,
        location=event.location,
        provider_id=event.provider_id,
        residential=event.residential,
        looked_after=event.looked_after,
        ehcp_reference=event.ehcp_reference,
        on_roll=event.on_roll,
        opened_on=event.effective_on,
        opened_outside=event.outside_delivery,
        location_rationale=event.location_rationale,
        arranged_by=event.arranged_by or ArrangedBy.SCHOOL,
        arranged_under=event.arranged_under or ArrangementPower.SCHOOL_COMMISSIONED,
        ehcp_from=None if event.ehcp_reference is None else event.effective_on,
        looked_after_from=event.effective_on if event.looked_after else None,
    )


def evolve_placement(state: PlacementState | None, event: PlacementEvent) -> PlacementState:
    """The state after ``event``. The first event of every placement is ``PlacementOpened``."""
    after = _evolve(state, event)
    on = event.effective_on
    if isinstance(event, PlacementRecordErased) or (
        after.last_entry_on is not None and after.last_entry_on >= on
    ):
        return after
    return with_fields(after, {"last_entry_on": on})


def _evolve(state: PlacementState | None, event: PlacementEvent) -> PlacementState:
    if isinstance(event, PlacementOpened):
        return advance(_opened(event), event)
    if state is None:
        raise LookupError("a placement's history must begin with PlacementOpened")
    on = event.effective_on
    if isinstance(event, AttendanceRecorded):
        # The most frequent event by far: one copy of the state, one of the marks.
        on = shared_day(on)
        mark = AttendanceMark(on, event.session, event.code, event.originator_version)
        last = state.last_entry_on
        marks = MappingProxyType({**state.marks, mark_key(on, event.session): mark})
        latest = on if last is None or on > last else last
        return advance(state, event, {"marks": marks, "last_entry_on": latest})
    state = advance(state, event)
    match event:
        case NeedsAssessed():
            return attrs.evolve(state, needs_assessed_on=on, need_areas=event.areas)
        case PlanRevised():
            return attrs.evolve(
                state,
                plan=event.plan,
                plan_revised_on=on,
                plan_outside_provider_ids=event.outside_provider_ids,
            )
        case PlanAgreed():
            return attrs.evolve(
                state,
                plan=event.plan,
                plan_agreed_on=on,
                plan_outside_provider_ids=event.outside_provider_ids,
            )
        case ConsentGiven() | ConsentWithdrawn():
            given = isinstance(event, ConsentGiven)
            return attrs.evolve(
                state,
                consents={**state.consents, event.party: Consent(given=given, on=on)},
                consent_changes=(*state.consent_changes, ConsentChange(event.party, given, on)),
            )
        case InformationShared():
            shared = {**state.information_shared, event.party: on}
            scopes = state.information_scopes.get(event.party, frozenset())
            all_scopes = {**state.information_scopes, event.party: scopes | set(event.scope)}
            return attrs.evolve(state, information_shared=shared, information_scopes=all_scopes)
        case MedicalExemptionRecorded():
            exemption = MedicalExemption(event.evidence_reference, on, event.review_on)
            return attrs.evolve(state, medical_exemption=exemption)
        case PlacementStarted():
            return attrs.evolve(state, started_on=on)
        case AttendanceCorrected():
            mark = AttendanceMark(
                shared_day(on),
                event.session,
                event.corrected_code,
                event.originator_version,
                corrected=True,
            )
            marks = MappingProxyType({**state.marks, mark_key(on, event.session): mark})
            return with_fields(state, {"marks": marks})
        case ProgressReviewed():
            return attrs.evolve(
                state,
                reviews=state.reviews + 1,
                last_reviewed_on=on,
                next_review_on=event.next_review_on,
                last_reviewed_with_provider_on=(
                    on if event.with_provider else state.last_reviewed_with_provider_on
                ),
                last_effectiveness=event.effectiveness,
                last_review_references=tuple(p.reference for p in event.progress),
            )
        case ReintegrationCriteriaAgreed():
            return attrs.evolve(state, reintegration_criteria=event.criteria)
        case ReintegrationAssessed():
            assessment = ReintegrationAssessment(event.ready, on, event.criteria_met)
            return attrs.evolve(state, reintegration_assessment=assessment)
        case ReintegrationSupportAgreed():
            return attrs.evolve(state, reintegration_support=event.support)
        case ProviderContacted():
            last = state.provider_contacts.get(event.provider_id)
            if last is not None and last >= on:
                return state
            contacts = {**state.provider_contacts, event.provider_id: on}
            return attrs.evolve(state, provider_contacts=contacts)
        case LocalAuthorityNotified():
            last = state.local_authority_notified.get(event.kind)
            if last is not None and last >= on:
                return state
            notified = {**state.local_authority_notified, event.kind: on}
            return attrs.evolve(state, local_authority_notified=notified)
        case PlacementEnded():
            return attrs.evolve(state, ended_on=on, destination=event.destination)
        case PlacementRecordErased():
            return attrs.evolve(state, erased_on=on)
    return _evolve_fact(state, event, on)


def _evolve_fact(state: PlacementState, event: PlacementEvent, on: date) -> PlacementState:
    """The student's facts that change, and the location's rationale (LOC-2)."""
    match event:
        case LocationRationaleRecorded():
            return with_fields(state, {"location_rationale": event.rationale})
        case StudentEhcPlanIssued():
            return attrs.evolve(state, ehcp_reference=event.reference, ehcp_from=on)
        case StudentEhcPlanCeased():
            return attrs.evolve(state, ehcp_reference=None, ehcp_from=None)
        case StudentLookedAfterStarted():
            return attrs.evolve(state, looked_after=True, looked_after_from=on)
        case StudentLookedAfterEnded():
            return attrs.evolve(state, looked_after=False, looked_after_from=None)
        case StudentRollStatusRecorded():
            return attrs.evolve(
                state,
                on_roll=event.on_roll,
                dual_registered_with=event.dual_registered_with,
                roll_changed_on=on,
                dual_registration_changes=(
                    *state.dual_registration_changes,
                    (on, event.dual_registered_with),
                ),
            )
        case StudentSchoolAgeRecorded():
            return attrs.evolve(
                state,
                compulsory_school_age=event.compulsory_school_age,
                school_age_changed_on=on,
                school_age_changes=(
                    *state.school_age_changes,
                    (on, event.compulsory_school_age),
                ),
            )
    return state
