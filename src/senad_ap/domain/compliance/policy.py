"""The group-level finding: the policy in force is past its review date (POL-1).

Not a gap of one placement's record but of the school group's: it is reported on the policy
record (``POLICY_RECORD_ID`` stands where a placement's id would), for every school.
"""

from __future__ import annotations

from datetime import date, timedelta

from senad_ap.domain.compliance.finding import Finding, _day
from senad_ap.domain.policy import POLICY_RECORD_ID, PolicyState, PolicyVersion, version_in_force
from senad_ap.domain.values import PolicyParameters

__all__ = ["policy_findings", "policy_findings_in_effect"]


def policy_findings(
    state: PolicyState | None, built_in: PolicyParameters, *, on: date | None = None
) -> tuple[Finding, ...]:
    """POL-1 while the version in force is past its review date: from the day after the
    review date (a review due in December 2025 is done in time on 31 December) until a later
    version comes into force.

    ``on``: the finding of the version in force that day, if it is open then; without it, the
    finding of the version in force last (from the latest day of coming into force on the
    record), which may open in the future. ``key`` is the version's name, so each version's
    late review is a finding of its own.
    """
    last = _last_in_force(state, built_in) if on is None else version_in_force(state, built_in, on)
    if last.review_due_on is None:
        return ()
    since = last.review_due_on + timedelta(days=1)
    if last.in_force_from is not None:
        since = max(since, last.in_force_from)
    if on is not None and since > on:
        return ()
    # The built-in version's ratification is known only to the month: left out.
    ratified = (
        f", ratified on {_day(last.ratified_on)},"
        if last.recorded and last.ratified_on is not None
        else ""
    )
    return (
        Finding(
            "POL-1",
            POLICY_RECORD_ID,
            since,
            f"The policy in force, {last.name}{ratified} was due for review by "
            f"{_day(last.review_due_on)}, and no later version is in force: record the "
            "reviewed version (its numbers, ratification and next review date).",
            key=last.name,
        ),
    )


def _last_in_force(state: PolicyState | None, built_in: PolicyParameters) -> PolicyVersion:
    versions = () if state is None else state.versions
    starts = [v.in_force_from for v in versions if v.in_force_from is not None]
    return version_in_force(state, built_in, max(starts, default=date.min))


def policy_findings_in_effect(
    state: PolicyState | None, built_in: PolicyParameters
) -> tuple[tuple[Finding, date, date | None], ...]:
    """POL-1 as in effect on every day, by the record as it stands: each stretch of days
    the version then in force was past its review date, as ``(finding, open_from,
    open_until)`` (``open_until`` exclusive: the day a later version came into force; ``None``
    while still open). A version recorded late (in force from a past day) changes the days
    from then on, so the stretches are worked out whole from the record each time."""
    versions = () if state is None else state.versions
    starts = sorted({v.in_force_from for v in versions if v.in_force_from is not None})
    stretches: list[tuple[Finding, date, date | None]] = []
    bounds: list[date | None] = [*starts, None]
    for start, end in zip([date.min, *starts], bounds, strict=True):
        version = version_in_force(state, built_in, start)
        if version.review_due_on is None:
            continue
        open_from = max(version.review_due_on + timedelta(days=1), start)
        if end is not None and open_from >= end:
            continue
        stretches.extend(
            (finding, open_from, end) for finding in policy_findings(state, built_in, on=open_from)
        )
    return tuple(stretches)
