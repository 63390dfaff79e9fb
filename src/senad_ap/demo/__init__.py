"""A demonstration record: one special school's autumn term 2025 of alternative provision.

``write_demo`` records, through the public API only, what school DEMO-1 would have on its
record at the end of the autumn term 2025: the Head Teacher's delegate, the term dates, an
inspector's access, six providers (the school itself, an FE college, a registered independent
provider, an unregistered farm project, the allied children's home, another school), and 41
placements — opened in July with needs assessments, plans, consents and information shared,
started in September, with a term of morning and afternoon registers, corrections, half-termly
progress reviews, a consent withdrawn and given again, a reintegration and other endings::

    clock = demo_clock()
    app = AlternativeProvision.sqlite("demo.sqlite", clock=clock)
    summary = write_demo(app, clock)

The clock is set so that every decision is *recorded* on a realistic day and time (UK local
time, stored in UTC), late entries included: a consent recorded seven weeks after it was
given, a review written up a week late, an afternoon register entered the next school day,
"reason not yet established" (N) marks corrected a week later (STAT-2).

Every command carries an idempotency key, so the ids are the same in every store and writing
the demo again on the same store records nothing new. Marks come from a ``random.Random``
seeded per student: every run writes the same record.

Deliberate gaps for the compliance view to find (rule ids from docs/rules.md):

- PLAN-1: DEMO-S015's needs were assessed after its plan; DEMO-S016's never were (AIM-2 too).
- AIM-1, QUAL-2: DEMO-S021's plan has no English or mathematics objective (DEMO-S020's had
  none until its plan was revised on 20 October 2025).
- AIM-4: DEMO-S022's plan names no destination.
- INFO-1, STAT-5: nothing shared with the local authority about DEMO-S023; INFO-1, INFO-3:
  nothing shared with the farm project (its outside provider) about DEMO-S037.
- COMM-5, COMM-7, STAT-3: DEMO-S012's second review, due on 26 November 2025, never happened.
- COMM-6: DEMO-S007's afternoons of 14 to 16 October and DEMO-S027's morning of 20 November
  2025 were never marked.
- COMM-8: DEMO-S019's plan plans a return to school, but no readiness criteria are agreed
  (everyone else's are agreed at the plan meeting).
- QUAL-3: the farm project's staffing and qualifications are not on its record.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import attrs

from senad_ap.application import AlternativeProvision
from senad_ap.demo.cast import (
    _CHILDRENS_HOME,
    _REINTEGRATED,
    _WITHDRAWN,
    DEMO_HEAD,
    DEMO_INSPECTOR,
    DEMO_SCHOOL_ID,
)
from senad_ap.demo.changes import monitoring, provider_changes, student_changes
from senad_ap.demo.clock import _TERM_END, DemoClock, demo_clock
from senad_ap.demo.placements import _PlacementScript
from senad_ap.demo.students import _roster

__all__ = [
    "DEMO_HEAD",
    "DEMO_INSPECTOR",
    "DEMO_LAST_DAY",
    "DEMO_SCHOOL_ID",
    "DemoClock",
    "DemoSummary",
    "demo_clock",
    "write_demo",
]

#: The demo's last day: the end of its autumn term 2025 (its decisions are dated up to it).
DEMO_LAST_DAY = _TERM_END


@attrs.frozen
class DemoSummary:
    """What ``write_demo`` found or put on the record."""

    placements: int
    providers: int
    #: Events this call wrote (none when the demo was already on the store).
    events: int
    reintegrated_placement_id: UUID
    withdrawn_consent_placement_id: UUID
    childrens_home_placement_id: UUID

    @property
    def reintegrated_student(self) -> str:
        """The student reference of the placement that ends with a return to school (its
        history shows a placement's whole life): ``DEMO-S003``."""
        return f"DEMO-S{_REINTEGRATED:03d}"


def write_demo(
    app: AlternativeProvision,
    clock: DemoClock,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Record the demo school's autumn term 2025 on ``app``, whose clock must be ``clock``.

    The clock is set to each decision's moment, from 1 July to 19 December 2025, and is left
    at the last one. Writing the demo again on the same store records nothing new.
    ``progress(done, total)`` is called after each step, if given.
    """
    before = app.recorder.max_notification_id() or 0
    script = _PlacementScript(app, clock)
    roster = _roster()
    script.school()
    for student in roster:
        script.placement(student)
    script.endings(roster)
    script.registers(roster)
    monitoring(script, roster)
    provider_changes(script)
    student_changes(script, roster)
    script.run(progress)
    return DemoSummary(
        placements=len(script.placements),
        providers=len(script.providers),
        events=(app.recorder.max_notification_id() or 0) - before,
        reintegrated_placement_id=script.placements[_REINTEGRATED],
        withdrawn_consent_placement_id=script.placements[_WITHDRAWN],
        childrens_home_placement_id=script.placements[_CHILDRENS_HOME],
    )
