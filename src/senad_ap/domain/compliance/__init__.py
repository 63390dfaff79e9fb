"""Compliance findings: the gaps a placement's record shows against the ``should`` / ``will``
rules of the policy, each with the day it opens.

Guards (``must``, ``cannot``, ``will only``) refuse a command; findings do not. The decision is
recorded and this module reports what is still missing. It is pure: no clock, no I/O. A
finding's ``since`` is the first day the gap is open, and may lie in the future (a review, a
register, a risk assessment or a medical review that is due but not yet overdue). The caller
asks about a day with ``open_on``; a finding goes away once the evidence that closes it is on
the record.

Which check reports each rule (``rule_id``; in brackets, ``related_rules`` of the same gap):

==========  ============================================================================
rule        check
==========  ============================================================================
AIM-1       plan objectives cover English and mathematics, one finding per subject (QUAL-2)
AIM-2       reported with PLAN-1
AIM-3       once the first review falls due: attendance recorded, a progress review recorded
AIM-4       plan names an intended destination, unless the placement ended with one (COMM-7)
PLAN-1      needs assessed on or before the day of the plan in force (AIM-2)
PLAN-3      a plan is agreed
PLAN-4      the plan gives the EHC plan reference where the student has one
POL-1       (group-level, ``policy_findings``) the policy version in force is not past its
            review date
COMM-2      the student stays on the school roll
COMM-3      an outside provider of a running placement that delivers accredited education
            keeps its DfE registration (a guard at the start; a finding when it lapses, or the
            provider's kind or accreditation changes, while the placement runs)
COMM-4      each outside provider (and the allied children's home) of a running placement
            keeps a current, satisfactory risk assessment (a ``must`` rule: checked as a guard
            at the start, reported as a finding afterwards, when an assessment runs out and
            nothing can be refused)
COMM-5      progress reviews at the plan's interval, in school weeks (COMM-7)
COMM-6      attendance recorded for every session of the placement; an N mark resolved
            within ``unexplained_absence_school_days``; no run of absence of
            ``absence_run_school_days`` going on (``absence``)
NOTIFY-1    the local authority notified of continuous absence without leave of
            ``continuous_absence_notification_school_days`` (SI 2024/208 reg. 13)
NOTIFY-2    the local authority notified of ``sickness_notification_school_days`` of
            illness (SI 2024/208 reg. 13)
COMM-7      reported with COMM-5 and AIM-4
COMM-8      readiness criteria where return to school is planned; when the placement ends with
            a return to school: a support package, and a readiness assessment made by the day
            of the return whose latest word was "ready" (none, or "not ready": a finding)
COMM-9      a placement that uses outside providers has its plan agreed with them; each
            outside provider of a running placement has a quality-assurance visit at least
            every ``longest_quality_assurance_interval_weeks``
INFO-1      information shared with the local authority, parents and any outside provider
            (STAT-5 for the local authority)
INFO-3      information shared with an outside provider covers safeguarding
CONTACT-1   contact arrangements and challenge arrangements on the plan; a contact with each
            outside provider of a running placement at least every
            ``longest_contact_interval_weeks``
PT-1        curriculum continuity on a plan with part-time alternative provision
PT-2        every school day covered by the weekly pattern
QUAL-1      the latest review reports progress against every objective of the plan
QUAL-2      reported with AIM-1
QUAL-3      staffing recorded for each provider of a started placement
QUAL-4      services involved recorded on the plan
LOC-2       a rationale recorded where the allied children's home is used
STAT-3      a review between the commissioner and the provider in every half term after the
            one of the last such review or the start; for an outside placement, a review
            held with the provider (COMM-9)
STAT-4      a provider that became unregistered (its kind, or a lapsed registration) teaches a
            student with an EHC plan or who is looked after full-time
STAT-5      reported with INFO-1 (the local authority)
STAT-4      a running placement whose student is protected (EHC plan, looked after; of compulsory
            school age) and whose plan gives full-time education (the registration test's
            hours) at an unregistered setting: a guard on the plan and the start, a finding
            when a fact changes afterwards (one per provider)
STAT-6      a part-time plan under a medical exemption is reviewed by the exemption's review date
==========  ============================================================================

Choices the record leaves open:

- *The plan's date.* The state holds only the plan in force, so a gap in the plan is dated
  from that plan (its revision, else its agreement). A gap carried over a revision is then
  dated from the revision; a projection that wants the earliest date keeps the first
  ``since`` it saw for the same (``rule_id``, ``placement_id``, ``key``), which stay stable.
  PLAN-1 is dated from the first agreement: the plan was made without an assessment then.
- *Ended placements.* Nothing can be recorded after a placement ends, so a gap that opened
  while it ran stays on the record. Obligations that fall due over time (AIM-3, COMM-4, COMM-5,
  STAT-6) are reported only if they were overdue on or before the last day; attendance
  (COMM-6) is expected up to and including the last day.
- *COMM-6 calendar.* Sessions are the AM and PM of each of the current plan's school days from
  the start, within the school's recorded terms when it has recorded any (days outside every
  recorded term, including after the last one, and days of a half-term break expect no
  register).
- *School time* (``school_time``): review intervals are counted in school weeks and the
  half-termly review by the recorded half terms; where no terms are recorded (none, or before
  the first or after the last) every week counts, so a review is reported late rather than
  not at all.
- *PLAN-1* compares the plan with the latest needs assessment (the state keeps only that one):
  needs assessed again after the plan reopen the gap until the plan is revised.
- *QUAL-1* compares the latest review with the plan in force only when the review is not older
  than the plan: a plan revised after the review is covered by the next review (COMM-5).
- Providers missing from ``providers`` are not judged (COMM-4, QUAL-3).

Where the checks live: ``finding`` (the finding and its wording), ``dates`` (the plan's date,
when reviews fall due), ``school_time`` (school weeks and half terms), ``plan`` (before the
start and the plan), ``running`` (while the placement runs: reviews, information, the medical
exemption), ``providers`` (the providers of a running placement: COMM-3, COMM-4, COMM-9,
CONTACT-1, QUAL-3, STAT-4), ``register`` (the attendance register: AIM-3's first marks and
COMM-6's unmarked session) and ``absence`` (absence followed up: COMM-6, NOTIFY-1, NOTIFY-2).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from uuid import UUID

from senad_ap.domain.compliance.absence import absence_findings
from senad_ap.domain.compliance.dates import half_termly_review_due, review_due
from senad_ap.domain.compliance.finding import Finding, open_on
from senad_ap.domain.compliance.plan import _before_start, _location_gaps, _plan_gaps
from senad_ap.domain.compliance.policy import policy_findings, policy_findings_in_effect
from senad_ap.domain.compliance.register import (
    RegisterHint,
    _attendance_gap,
    _first_attendance_gap,
    _register_key,
    register_hint,
)
from senad_ap.domain.compliance.running import _running_gaps
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.provider import ProviderState
from senad_ap.domain.school import SchoolState
from senad_ap.domain.values import PolicyParameters

__all__ = [
    "Finding",
    "RegisterHint",
    "half_termly_review_due",
    "open_on",
    "placement_findings",
    "policy_findings",
    "policy_findings_in_effect",
    "record_findings",
    "register_findings",
    "register_hint",
    "review_due",
]

_NO_PROVIDERS: Mapping[UUID, ProviderState] = MappingProxyType({})
_DEFAULT_POLICY = PolicyParameters()


def placement_findings(
    state: PlacementState,
    *,
    providers: Mapping[UUID, ProviderState] = _NO_PROVIDERS,
    school: SchoolState | None = None,
    policy: PolicyParameters = _DEFAULT_POLICY,
    marked_before: RegisterHint | None = None,
) -> tuple[Finding, ...]:
    """Every gap the record shows, each with the day it opens, sorted by rule id and key.

    Independent of today: the caller keeps those with ``since`` on or before the day it asks
    about (``open_on``). ``providers`` are the records of the placement's providers, ``school``
    the school's record (its terms say which days have registers). A record closed by the
    erasure of the student's personal data (STAT-7) has no gaps left: nothing more can be
    recorded on it, so its findings close on the day of the erasure.

    ``marked_before``: what an earlier evaluation of the same placement found (``register_hint``
    of its findings), so that the search for the first unmarked register session (COMM-6)
    starts where that one stopped instead of at the start: marks are never removed, so the
    sessions before it are still marked. It is used only while the start, the plan's school
    days and the school's terms are those it was found with; the findings are the same either
    way.
    """
    if state.erased_on is not None:
        return ()
    found = [
        *record_findings(state, providers=providers, school=school, policy=policy),
        *register_findings(state, school=school, policy=policy, marked_before=marked_before),
    ]
    return tuple(sorted(found, key=_order))


def record_findings(
    state: PlacementState,
    *,
    providers: Mapping[UUID, ProviderState] = _NO_PROVIDERS,
    school: SchoolState | None = None,
    policy: PolicyParameters = _DEFAULT_POLICY,
) -> tuple[Finding, ...]:
    """The part of ``placement_findings`` that does not read the register: it stays the same
    when an attendance mark is recorded or corrected (which changes only the marks, the last
    entry, the version and the idempotency keys), so a caller may keep it across marks while
    the school's record (its terms: school time, COMM-5, STAT-3) stays the same too."""
    if state.erased_on is not None:
        return ()
    found = [
        *_before_start(state),
        *_location_gaps(state),
        *_plan_gaps(state, providers, policy),
        *_running_gaps(state, providers, policy, school),
    ]
    return tuple(sorted(found, key=_order))


def register_findings(
    state: PlacementState,
    *,
    school: SchoolState | None = None,
    policy: PolicyParameters = _DEFAULT_POLICY,
    marked_before: RegisterHint | None = None,
) -> tuple[Finding, ...]:
    """The part of ``placement_findings`` that reads the register: no attendance recorded in
    the first weeks (AIM-3), the first session without a mark (COMM-6), and absence followed
    up (``absence``: COMM-6, NOTIFY-1, NOTIFY-2)."""
    started = state.started_on
    if state.erased_on is not None or started is None:
        return ()
    first = started
    if marked_before is not None and marked_before.key == _register_key(state, school):
        first = max(started, marked_before.day)
    return (
        *_first_attendance_gap(state, started, policy, school),
        *_attendance_gap(state, started, school, first),
        *absence_findings(state, school, policy),
    )


def _order(finding: Finding) -> tuple[str, str]:
    return finding.rule_id, finding.key
