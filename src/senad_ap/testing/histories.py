"""Whole valid histories of one placement: the ordered commands that the record accepts, run
through ``AlternativeProvision.execute`` with ``clock_at(now)``."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from uuid import UUID

import attrs
from hypothesis import strategies as st

from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.base import Command
from senad_ap.domain.placement import (
    AgreePlan,
    ConsentParty,
    CorrectAttendance,
    RecordAttendance,
    RevisePlan,
    StartPlacement,
)
from senad_ap.domain.plan import Plan, Setting
from senad_ap.domain.provider import ProviderKind, RegisterProvider
from senad_ap.domain.school import AppointDelegate, RecordTerm
from senad_ap.domain.values import Actor, Role, Weekday
from senad_ap.testing.clock import HISTORY_NOW
from senad_ap.testing.commands import (
    assess_needs_commands,
    end_placement_commands,
    give_consent_commands,
    medical_exemption_commands,
    open_placement_commands,
    reintegration_assessment_commands,
    reintegration_criteria_commands,
    reintegration_support_commands,
    review_progress_commands,
    share_information_commands,
    withdraw_consent_commands,
)
from senad_ap.testing.plan import plans
from senad_ap.testing.providers import provider_commands
from senad_ap.testing.values import (
    MarkTexts,
    _attendance_code_list,
    _attendance_codes,
    _texts,
    actors,
    school_ids,
)

__all__ = ["valid_histories"]


def _sometimes(draw: st.DrawFn, one_in: int) -> bool:
    # Shrinks towards "no": shorter histories are easier to read in a failure report.
    return draw(_up_to(one_in - 1)) == one_in - 1


@functools.cache
def _up_to(most: int) -> st.SearchStrategy[int]:
    return st.integers(0, most)


def _texts_for(draw: st.DrawFn, code: AttendanceCode) -> MarkTexts:
    """What a mark with ``code`` must say (STAT-1): a B activity's nature and supervisor, a
    Y7's cause. Drawn only for those codes: most marks draw nothing more."""
    if code is AttendanceCode.APPROVED_EDUCATIONAL_ACTIVITY:
        return MarkTexts(draw(_texts()), draw(_texts()))
    if code is AttendanceCode.OTHER_UNAVOIDABLE_CAUSE:
        return MarkTexts(note=draw(_texts()))
    return _NO_TEXTS


_NO_TEXTS = MarkTexts()


@st.composite
def valid_histories(
    draw: st.DrawFn,
    *,
    now: datetime = HISTORY_NOW,
    school_id: str | None = None,
    setting: Setting | None = None,
    max_school_days: int = 10,
    may_end: bool = True,
    term: bool = False,
) -> list[Command]:
    """A whole valid history of one placement, as the ordered commands that make it.

    Run in order through ``AlternativeProvision.execute`` with ``clock_at(now)``, none is
    refused. The history may appoint a delegate; registers the providers it uses and makes
    them ready (COMM-3, COMM-4); opens the placement (``setting``, drawn if not given);
    assesses needs; records a medical exemption where the plan is part-time; agrees the plan;
    records consents (both where the provider is outside, INFO-2) and information shared;
    starts the placement; then, day by day over at most ``max_school_days`` of the plan's
    school days up to ``now``: register marks, corrections, reviews, the reintegration steps,
    a withdrawal of consent (and perhaps consent given again), a plan revision; and perhaps
    (``may_end``) the end of the placement. With ``term``, the school's term dates are recorded
    first (one term around the placement's days, so a history per school: the register days
    of COMM-6 depend on them). Effective dates never go back within the
    placement; some commands carry idempotency keys, none repeated.
    """
    today = now.date()
    school = school_id if school_id is not None else draw(school_ids())
    head = draw(actors(role=Role.HEAD_TEACHER, school_id=school))
    staff = draw(actors(role=Role.SCHOOL_STAFF, school_id=school))
    history: list[Command] = []

    opened = today - timedelta(days=draw(st.integers(0, 60)))
    set_up = opened - timedelta(days=draw(st.integers(0, 30)))
    deciders = [head]
    if draw(st.booleans()):
        delegate = draw(actors(role=Role.SCHOOL_STAFF, school_id=school))
        history.append(AppointDelegate(actor=head, effective_on=set_up, delegate_id=delegate.id))
        deciders.append(delegate)
    recorders = [head, staff, *deciders[1:]]
    decider = st.sampled_from(deciders)
    recorder = st.sampled_from(recorders)

    def day_between(first: date, last: date) -> date:
        return first + timedelta(days=draw(st.integers(0, (last - first).days)))

    started = day_between(opened, today)
    chosen_setting = setting or draw(
        st.sampled_from((Setting.ON_SITE, Setting.OUTSIDE_PROVIDER, Setting.ALLIED_CHILDRENS_HOME))
    )
    ids = draw(st.lists(st.uuids(), min_size=4, max_size=4, unique=True))
    placement_id = ids[0]
    provider_count = draw(st.integers(1 if chosen_setting is Setting.OUTSIDE_PROVIDER else 0, 2))
    kinds: dict[UUID, ProviderKind] = {}
    for provider_id in ids[1 : 1 + provider_count]:
        set_up_provider = draw(
            provider_commands(provider_id=provider_id, actor=decider, on=set_up, ready_on=today)
        )
        registration = set_up_provider[0]
        if isinstance(registration, RegisterProvider):
            kinds[provider_id] = registration.kind
        history.extend(set_up_provider)

    at_provider = (
        draw(st.sampled_from(sorted(kinds, key=str)))
        if chosen_setting is Setting.OUTSIDE_PROVIDER
        else None
    )
    opening = draw(
        open_placement_commands(
            placement_id=placement_id,
            actor=recorder,
            on=opened,
            setting=chosen_setting,
            provider_id=at_provider,
        )
    )
    history.append(opening)
    # STAT-1: K or B as the opening says who arranged it; never D or X (no such fact here).
    fitting = opening.arranged_by
    if term:
        first = opened + timedelta(days=draw(st.integers(0, 14)))
        last = max(first, today + timedelta(days=draw(st.integers(-7, 30))))
        history.append(
            RecordTerm(
                actor=head, effective_on=set_up, name=f"Term of {placement_id}",
                starts_on=first, ends_on=last,
            )
        )  # fmt: skip
    # STAT-4: an unregistered setting is never full-time for a pupil with an EHC plan or
    # looked after; keep such providers out of the plan for those students.
    protected = opening.ehcp_reference is not None or opening.looked_after
    usable = sorted(
        (p for p, kind in kinds.items() if not (protected and kind is ProviderKind.UNREGISTERED)),
        key=str,
    )

    def plan_provider_ids() -> list[UUID]:
        return draw(st.lists(st.sampled_from(usable), unique=True)) if usable else []

    def lawful(plan: Plan) -> Plan:
        # STAT-4 counts an EHC plan reference given on the plan too: none on a plan that
        # uses an unregistered setting.
        if any(kinds[p] is ProviderKind.UNREGISTERED for p in plan.provider_ids):
            return attrs.evolve(plan, ehcp_reference=None)
        return plan

    def is_outside(plan: Plan) -> bool:
        at = at_provider is not None and kinds[at_provider].is_outside
        return at or any(kinds[p].is_outside for p in plan.provider_ids)

    cursor = day_between(opened, started)
    history.append(
        draw(assess_needs_commands(placement_id=placement_id, actor=recorder, on=cursor))
    )
    full_time = draw(st.booleans())
    exempt = not full_time or _sometimes(draw, 4)
    if exempt:
        cursor = day_between(cursor, started)
        history.append(
            draw(medical_exemption_commands(placement_id=placement_id, actor=decider, on=cursor))
        )
    cursor = day_between(cursor, started)
    plan = lawful(
        draw(
            plans(
                provider_ids=plan_provider_ids(),
                full_time=full_time,
                agreed_on=cursor,
                residential=opening.residential,
            )
        )
    )
    history.append(
        AgreePlan(actor=draw(decider), effective_on=cursor, placement_id=placement_id, plan=plan)
    )
    given: set[ConsentParty] = set()
    for party in ConsentParty:
        if is_outside(plan) or draw(st.booleans()):
            cursor = day_between(cursor, started)
            history.append(
                draw(
                    give_consent_commands(
                        placement_id=placement_id, actor=recorder, on=cursor, party=party
                    )
                )
            )
            given.add(party)
    if draw(st.booleans()):
        cursor = day_between(cursor, started)
        history.append(
            draw(share_information_commands(placement_id=placement_id, actor=recorder, on=cursor))
        )
    history.append(
        StartPlacement(actor=draw(decider), effective_on=started, placement_id=placement_id)
    )

    withdrawn: set[ConsentParty] = set()
    criteria: tuple[str, ...] = ()
    reintegration_step = 0
    revised = False
    school_days_marked = 0
    last = started
    day = started
    register_takers = _register_takers(recorders, school, plan, at_provider)
    while day <= today and school_days_marked < max_school_days:
        suspended = bool(withdrawn) and is_outside(plan)
        attending = False if suspended else None
        if Weekday.of(day) in plan.school_days:
            school_days_marked += 1
            marked: list[tuple[Session, AttendanceCode]] = []
            # Made directly rather than by record_attendance_commands: this loop draws most
            # of a history, and fewer, cached strategies keep it quick.
            for session in Session:
                if not _sometimes(draw, 10):
                    code = draw(_attendance_codes(session, attending, fitting))
                    activity, supervised_by, note = _texts_for(draw, code)
                    history.append(
                        RecordAttendance(actor=draw(register_takers), effective_on=day,
                                         placement_id=placement_id, session=session, code=code,
                                         activity=activity, supervised_by=supervised_by,
                                         note=note)
                    )  # fmt: skip
                    marked.append((session, code))
            if marked and _sometimes(draw, 5):
                session, code = marked[draw(_up_to(len(marked) - 1))]
                options = [
                    c for c in _attendance_code_list(session, attending, fitting) if c is not code
                ]
                corrected = options[draw(_up_to(len(options) - 1))]
                activity, supervised_by, note = _texts_for(draw, corrected)
                history.append(
                    CorrectAttendance(actor=draw(register_takers), effective_on=day,
                                      placement_id=placement_id, session=session, code=corrected,
                                      reason=draw(_texts()), activity=activity,
                                      supervised_by=supervised_by, note=note,
                                      amended_by_name=draw(_texts(80)),
                                      amended_by_position=draw(_texts(80)))
                )  # fmt: skip
            last = day
        if _sometimes(draw, 6):
            history.append(
                draw(
                    review_progress_commands(
                        placement_id=placement_id,
                        on=day,
                        actor=register_takers,
                        references=list(plan.references()),
                    )
                )
            )
            last = day
        if _sometimes(draw, 6):
            if reintegration_step == 0:
                step: Command = draw(
                    reintegration_criteria_commands(
                        placement_id=placement_id, on=day, actor=decider
                    )
                )
                criteria = step.criteria  # type: ignore[attr-defined]
            elif reintegration_step == 1:
                step = draw(
                    reintegration_assessment_commands(
                        placement_id=placement_id, on=day, actor=recorder, criteria=criteria
                    )
                )
            else:
                step = draw(
                    reintegration_support_commands(placement_id=placement_id, on=day, actor=decider)
                )
            reintegration_step = (reintegration_step + 1) % 3
            history.append(step)
            last = day
        if not revised and not withdrawn and _sometimes(draw, 10):
            revision = lawful(
                draw(
                    plans(
                        provider_ids=plan_provider_ids(),
                        full_time=not exempt or draw(st.booleans()),
                        agreed_on=day,
                        residential=opening.residential,
                    )
                )
            )
            # A running placement moved to an outside setting needs both consents (INFO-2).
            if given == set(ConsentParty) or not is_outside(revision):
                plan = revision
                register_takers = _register_takers(recorders, school, plan, at_provider)
                history.append(
                    RevisePlan(actor=draw(decider), effective_on=day, placement_id=placement_id,
                               plan=plan, reason=draw(_texts()))
                )  # fmt: skip
                revised = True
            last = day
        if withdrawn and _sometimes(draw, 4):
            party = draw(st.sampled_from(sorted(withdrawn, key=lambda p: p.name)))
            history.append(
                draw(
                    give_consent_commands(
                        placement_id=placement_id, on=day, actor=recorder, party=party
                    )
                )
            )
            withdrawn.discard(party)
            given.add(party)
            last = day
        elif given and _sometimes(draw, 8):
            party = draw(st.sampled_from(sorted(given, key=lambda p: p.name)))
            history.append(
                draw(
                    withdraw_consent_commands(
                        placement_id=placement_id, on=day, actor=recorder, party=party
                    )
                )
            )
            given.discard(party)
            withdrawn.add(party)
            last = day
        day += timedelta(days=1)

    if may_end and draw(st.booleans()):
        history.append(
            draw(
                end_placement_commands(
                    placement_id=placement_id, actor=decider, on=day_between(last, today)
                )
            )
        )
    return _with_idempotency_keys(draw, history)


def _register_takers(
    recorders: list[Actor], school: str, plan: Plan, at_provider: UUID | None
) -> st.SearchStrategy[Actor]:
    """School staff, and the staff of each provider the placement uses."""
    providers = plan.provider_ids | ({at_provider} if at_provider is not None else set())
    provider_staff = [
        Actor(id=f"tutor-{provider_id.hex[:6]}", role=Role.PROVIDER_STAFF, school_id=school,
              provider_id=provider_id)
        for provider_id in sorted(providers, key=str)
    ]  # fmt: skip
    return st.sampled_from([*recorders, *provider_staff])


def _with_idempotency_keys(draw: st.DrawFn, history: list[Command]) -> list[Command]:
    if not draw(st.booleans()):
        return history
    return [
        attrs.evolve(command, idempotency_key=f"history-key-{index}")
        if draw(st.booleans())
        else command
        for index, command in enumerate(history)
    ]
