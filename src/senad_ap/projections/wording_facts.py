"""The wording of the student's facts that change, on the student's record and on each
placement's, of the running periods of the student's placements (STAT-1), and of a
location's rationale recorded after the opening (registered with ``wording``'s table when
that module is imported)."""

from __future__ import annotations

from senad_ap.domain.placement.events import (
    LocationRationaleRecorded,
    StudentEhcPlanCeased,
    StudentEhcPlanIssued,
    StudentLookedAfterEnded,
    StudentLookedAfterStarted,
    StudentRollStatusRecorded,
    StudentSchoolAgeRecorded,
)
from senad_ap.domain.placement.notifications import LocalAuthorityNotified
from senad_ap.domain.pupil_register import PlacementRunEnded, PlacementRunStarted
from senad_ap.domain.student import (
    CompulsorySchoolAgeRecorded,
    EhcPlanCeased,
    EhcPlanIssued,
    LookedAfterEnded,
    LookedAfterStarted,
    RollStatusRecorded,
)
from senad_ap.projections.wording import _quoted, _words

__all__: list[str] = []


@_words(LocalAuthorityNotified)
def _notified(event: LocalAuthorityNotified) -> str:
    return (
        f"The local authority was notified on {event.effective_on.isoformat()}: "
        f"{event.kind.value} ({event.kind.rule_id}; reference {_quoted(event.reference)})."
    )


@_words(LocationRationaleRecorded)
def _rationale(event: LocationRationaleRecorded) -> str:
    return f"Rationale for the location recorded (LOC-2): {_quoted(event.rationale)}."


def _ehcp_issued(event: EhcPlanIssued | StudentEhcPlanIssued) -> str:
    return (
        f"The student's EHC plan {event.reference} was issued, in force from "
        f"{event.effective_on.isoformat()}."
    )


def _ehcp_ceased(event: EhcPlanCeased | StudentEhcPlanCeased) -> str:
    return f"The student's EHC plan ceased on {event.effective_on.isoformat()}."


def _looked_after(event: LookedAfterStarted | StudentLookedAfterStarted) -> str:
    return (
        f"The student is looked after by a local authority from {event.effective_on.isoformat()}."
    )


def _not_looked_after(event: LookedAfterEnded | StudentLookedAfterEnded) -> str:
    return f"The student is no longer looked after from {event.effective_on.isoformat()}."


def _roll(event: RollStatusRecorded | StudentRollStatusRecorded) -> str:
    status = "on the school roll" if event.on_roll else "not on the school roll"
    if event.dual_registered_with is not None:
        status += f", dual registered with the school of URN {event.dual_registered_with}"
    return f"The student is {status} from {event.effective_on.isoformat()}."


def _school_age(event: CompulsorySchoolAgeRecorded | StudentSchoolAgeRecorded) -> str:
    age = "of" if event.compulsory_school_age else "not of"
    return f"The student is {age} compulsory school age from {event.effective_on.isoformat()}."


# Each fact reads the same on the student's record and on a placement's.
_words(EhcPlanIssued)(_ehcp_issued)
_words(StudentEhcPlanIssued)(_ehcp_issued)
_words(EhcPlanCeased)(_ehcp_ceased)
_words(StudentEhcPlanCeased)(_ehcp_ceased)
_words(LookedAfterStarted)(_looked_after)
_words(StudentLookedAfterStarted)(_looked_after)
_words(LookedAfterEnded)(_not_looked_after)
_words(StudentLookedAfterEnded)(_not_looked_after)
_words(RollStatusRecorded)(_roll)
_words(StudentRollStatusRecorded)(_roll)
_words(CompulsorySchoolAgeRecorded)(_school_age)
_words(StudentSchoolAgeRecorded)(_school_age)


# One register per pupil (STAT-1): the student's record shows when each placement ran.
@_words(PlacementRunStarted)
def _run_started(event: PlacementRunStarted) -> str:
    return (
        f"Placement {event.placement_id} started running on {event.effective_on.isoformat()} "
        "(the student's one running placement, STAT-1)."
    )


@_words(PlacementRunEnded)
def _run_ended(event: PlacementRunEnded) -> str:
    return f"Placement {event.placement_id} ran until {event.effective_on.isoformat()} (STAT-1)."
