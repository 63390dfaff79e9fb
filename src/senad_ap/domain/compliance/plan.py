"""Record findings before the start and on the plan in force: the roll (COMM-2), the plan and
the needs behind it (PLAN-1, PLAN-3, PLAN-4), its aims (AIM-1, AIM-4), reintegration (COMM-8),
the providers' agreement (COMM-9), contact (CONTACT-1), part-time provision (PT-1, PT-2),
services (QUAL-4) and the allied children's home (LOC-2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from uuid import UUID

from senad_ap.domain.compliance.dates import _plan_date
from senad_ap.domain.compliance.finding import Finding, _day, _names, _provider_name
from senad_ap.domain.placement.state import PlacementState
from senad_ap.domain.plan import ObjectiveArea, Plan, Setting
from senad_ap.domain.provider import ProviderState
from senad_ap.domain.values import Destination, PolicyParameters

_RETURN_TO_SCHOOL = frozenset({Destination.SEN_SCHOOL, Destination.MAINSTREAM_SCHOOL})


# --------------------------------------------------------------------------- before the start


def _before_start(state: PlacementState) -> Iterator[Finding]:
    if not state.on_roll:
        yield Finding(
            "COMM-2",
            state.id,
            state.opened_on,
            f"The student was recorded as off the school roll when the placement opened on "
            f"{_day(state.opened_on)}; a student in alternative provision stays on the roll.",
        )
    if state.plan is None:
        yield Finding(
            "PLAN-3",
            state.id,
            state.opened_on,
            f"The placement opened on {_day(state.opened_on)} and no personalised plan has "
            "been agreed by the Head Teacher or a delegate.",
        )
    if state.plan_agreed_on is not None:
        latest = _plan_date(state) or state.plan_agreed_on
        assessed = state.needs_assessed_on
        if assessed is None or assessed > latest:
            when = (
                "no assessment of the student's needs is on the record"
                if assessed is None
                else f"needs were assessed only afterwards, on {_day(assessed)}; revise the "
                "plan in the light of the assessment"
            )
            yield Finding(
                "PLAN-1",
                state.id,
                state.plan_agreed_on,
                f"The plan was agreed on {_day(state.plan_agreed_on)} and {when}.",
                related_rules=("AIM-2",),
            )


# --------------------------------------------------------------------------- the plan


def _plan_gaps(
    state: PlacementState, providers: Mapping[UUID, ProviderState], policy: PolicyParameters
) -> Iterator[Finding]:
    plan, on = state.plan, _plan_date(state)
    if plan is None or on is None:
        return
    dated = f"The plan of {_day(on)}"
    areas = plan.areas()
    for subject in (ObjectiveArea.ENGLISH, ObjectiveArea.MATHEMATICS):
        if subject not in areas:
            yield Finding(
                "AIM-1",
                state.id,
                on,
                f"{dated} has no {subject.value} objective; English and mathematics should be "
                "taught, with objectives from the student's starting points.",
                key=subject.name,
                related_rules=("QUAL-2",),
            )
    if plan.intended_destination is None and state.destination is None:
        yield Finding(
            "AIM-4",
            state.id,
            on,
            f"{dated} names no intended next step after the placement (return to school, "
            "further education, training or employment).",
            related_rules=("COMM-7",),
        )
    if state.ehcp_reference is not None and plan.ehcp_reference is None:
        yield Finding(
            "PLAN-4",
            state.id,
            on,
            f"The student has an EHC plan ({state.ehcp_reference}), but the plan of "
            f"{_day(on)} is not linked to it.",
        )
    yield from _reintegration_gaps(state, plan, on)
    if (state.is_outside or state.provider_ids) and not plan.agreed_with_providers:
        names = _names(sorted(_provider_name(p, providers) for p in state.provider_ids))
        yield Finding(
            "COMM-9",
            state.id,
            on,
            f"{dated} is not recorded as agreed in writing with {names or 'the provider'}.",
        )
    for key, arrangements, missing in (
        ("contact", plan.contact_arrangements, "how staff keep in contact with the provision "
         "and the student"),
        ("challenge", plan.challenge_arrangements, "how the school challenges the provision "
         "when it falls short"),
    ):  # fmt: skip
        if arrangements is None:
            yield Finding("CONTACT-1", state.id, on, f"{dated} does not say {missing}.", key=key)
    yield from _part_time_gaps(state, plan, on, policy)
    if not plan.services_involved:
        yield Finding(
            "QUAL-4",
            state.id,
            on,
            f"{dated} records no other services working with the student (such as social "
            "care, therapy, educational psychology or CAMHS).",
        )


def _reintegration_gaps(state: PlacementState, plan: Plan, on: date) -> Iterator[Finding]:
    planned = (
        ObjectiveArea.REINTEGRATION in plan.areas()
        or plan.intended_destination in _RETURN_TO_SCHOOL
    )
    returned = state.ended_on is not None and state.destination in _RETURN_TO_SCHOOL
    if not (planned or returned):
        return
    if not state.reintegration_criteria:
        if planned:
            since, why = on, f"The plan of {_day(on)} plans a return to school"
        else:
            since = state.ended_on or on
            why = f"The placement ended on {_day(since)} with a return to school"
        yield Finding(
            "COMM-8",
            state.id,
            since,
            f"{why}, but no criteria for judging the student's readiness to return have been "
            "agreed.",
            key="criteria",
        )
    if state.ended_on is None or not returned or state.destination is None:
        return
    ended = f"The placement ended on {_day(state.ended_on)} with {state.destination.value}"
    # COMM-8: the return rests on the latest readiness assessment made by the day it
    # happened. None (or only one dated after the return) is a gap; so is one that found the
    # student not ready: the return went ahead against it.
    assessment = state.reintegration_assessment
    if assessment is None or assessment.assessed_on > state.ended_on:
        yield Finding(
            "COMM-8",
            state.id,
            state.ended_on,
            f"{ended}, but the student's readiness to return was not assessed before the return.",
            key="readiness assessment",
        )
    elif not assessment.ready:
        yield Finding(
            "COMM-8",
            state.id,
            state.ended_on,
            f"{ended}, but the latest readiness assessment, on {_day(assessment.assessed_on)}, "
            "found the student not ready to return.",
            key="readiness assessment",
        )
    if not state.reintegration_support:
        yield Finding(
            "COMM-8",
            state.id,
            state.ended_on,
            f"{ended}, but no package of support for the return was agreed.",
            key="support package",
        )


def _part_time_gaps(
    state: PlacementState, plan: Plan, on: date, policy: PolicyParameters
) -> Iterator[Finding]:
    ap_hours = sum(
        (
            entry.hours
            for entry in plan.weekly_pattern
            if entry.setting.is_alternative_provision and entry.day in plan.school_days
        ),
        Decimal(0),
    )
    part_time = Setting.SCHOOL_CLASS in plan.settings or ap_hours < policy.full_time_hours
    if part_time and plan.curriculum_continuity is None:
        yield Finding(
            "PT-1",
            state.id,
            on,
            f"The plan of {_day(on)} gives {ap_hours} hours a week of alternative provision, "
            "part-time, but does not say how it keeps up with the student's curriculum, "
            "timetable and qualification route.",
        )
    uncovered = plan.days_not_covered()
    if uncovered:
        days = _names(day.value for day in uncovered)
        yield Finding(
            "PT-2",
            state.id,
            on,
            f"The plan of {_day(on)} has no hours in alternative provision or at school on "
            f"{days}; on days not in alternative provision the student attends school.",
        )


def _location_gaps(state: PlacementState) -> Iterator[Finding]:
    home, plan, on = Setting.ALLIED_CHILDRENS_HOME, state.plan, _plan_date(state)
    if state.location_rationale is not None:
        return
    if state.setting is home:
        since, how = state.opened_on, f"the placement opened there on {_day(state.opened_on)}"
    elif plan is not None and on is not None and home in plan.settings:
        since, how = on, f"the plan of {_day(on)} uses it"
    else:
        return
    yield Finding(
        "LOC-2",
        state.id,
        since,
        f"The allied children's home is used ({how}) with no rationale on the record for "
        "teaching a residential student there.",
    )
