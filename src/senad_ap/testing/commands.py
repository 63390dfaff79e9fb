"""One command at a time: the placement's commands, and the school's term dates.

Each takes its arguments either as plain values or as strategies (``actor=head`` or
``actor=actors(role=Role.HEAD_TEACHER)``); an argument left out is drawn. A command drawn on its
own is valid in itself; whether the record accepts it depends on what came before (open the
placement first, agree a plan before starting it ...): ``valid_histories`` puts them in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

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
    OpenPlacement,
    RecordAttendance,
    RecordMedicalExemption,
    ReviewProgress,
    RevisePlan,
    ShareInformation,
    StartPlacement,
    WithdrawConsent,
)
from senad_ap.domain.plan import Effectiveness, NeedArea, Reason, Setting
from senad_ap.domain.school import RecordTerm
from senad_ap.domain.values import Actor, Destination, Role
from senad_ap.testing.plan import objective_progress, plans
from senad_ap.testing.values import (
    _births,
    _days,
    _optional_texts,
    _references,
    _strategy,
    _text_tuples,
    _texts,
    actors,
    attendance_codes,
    mark_texts,
    student_references,
)

__all__ = [
    "agree_plan_commands",
    "assess_needs_commands",
    "correct_attendance_commands",
    "end_placement_commands",
    "give_consent_commands",
    "medical_exemption_commands",
    "open_placement_commands",
    "record_attendance_commands",
    "record_term_commands",
    "reintegration_assessment_commands",
    "reintegration_criteria_commands",
    "reintegration_support_commands",
    "review_progress_commands",
    "revise_plan_commands",
    "share_information_commands",
    "start_placement_commands",
    "withdraw_consent_commands",
]

_Actors = Actor | st.SearchStrategy[Actor] | None
_Days = date | st.SearchStrategy[date] | None
_Ids = UUID | st.SearchStrategy[UUID] | None


def _school_staff() -> st.SearchStrategy[Actor]:
    return actors(role=st.sampled_from((Role.HEAD_TEACHER, Role.SCHOOL_STAFF)))


def _heads() -> st.SearchStrategy[Actor]:
    return actors(role=Role.HEAD_TEACHER)


@st.composite
def open_placement_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    setting: Setting | None = None,
    provider_id: UUID | None = None,
    residential: bool | None = None,
    arranged_under: ArrangementPower | None = None,
) -> OpenPlacement:
    """``OpenPlacement`` commands that NEED-2 and LOC-3 accept.

    Never a side room of a classroom; the children's home only for a residential student.
    Naming ``provider_id`` makes the setting an outside provider (it must be registered for
    the command to be accepted); an outside setting without one draws an unknown provider id.
    Who arranged it follows the power (``arranged_under``, drawn if not given, or left out:
    the school's own commissioning); a direction off-site (s.29A) is never to the school's
    own site.
    """
    if provider_id is not None:
        setting = Setting.OUTSIDE_PROVIDER
    elif setting is None:
        setting = draw(
            st.sampled_from(
                (Setting.ON_SITE, Setting.OUTSIDE_PROVIDER, Setting.ALLIED_CHILDRENS_HOME)
            )
        )
    if setting in (Setting.SIDE_ROOM_OF_CLASSROOM, Setting.SCHOOL_CLASS):
        raise InvalidArgument(f"{setting} is not alternative provision (NEED-2).")
    if setting is Setting.ALLIED_CHILDRENS_HOME:
        if residential is False:
            raise InvalidArgument("The children's home is only for residential students (LOC-3).")
        residential = True
    if setting is Setting.OUTSIDE_PROVIDER and provider_id is None:
        provider_id = draw(st.uuids())
    effective_on = draw(_days(on))
    if arranged_under is None:
        powers = [
            p for p in ArrangementPower if not (p.only_off_site and setting is Setting.ON_SITE)
        ]
        arranged_under = draw(st.none() | st.sampled_from(powers))
    return OpenPlacement(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=effective_on,
        placement_id=draw(_strategy(placement_id, st.uuids())),
        student_reference=draw(student_references()),
        reason=draw(st.sampled_from(Reason)),
        setting=setting,
        location=draw(_texts(80)),
        residential=draw(st.booleans()) if residential is None else residential,
        looked_after=draw(st.booleans()),
        ehcp_reference=draw(_optional_texts(20)),
        on_roll=draw(st.booleans()),
        provider_id=provider_id,
        reason_detail=draw(_optional_texts()),
        location_rationale=draw(_optional_texts()),
        student_name=draw(_optional_texts(60)),
        date_of_birth=draw(st.none() | _births(effective_on)),
        arranged_by=ArrangedBy.SCHOOL if arranged_under is None else arranged_under.arranged_by,
        arranged_under=arranged_under,
    )


def assess_needs_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[AssessNeeds]:
    """``AssessNeeds`` commands: the areas of need, a summary and barriers (PLAN-1, AIM-2)."""
    return st.builds(
        AssessNeeds,
        actor=_strategy(actor, _school_staff()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        areas=st.lists(st.sampled_from(NeedArea), min_size=1, max_size=4, unique=True).map(tuple),
        summary=_texts(200),
        barriers=_text_tuples(0, 3),
    )


@st.composite
def agree_plan_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    provider_ids: Sequence[UUID] = (),
    full_time: bool = True,
    residential: bool = False,
) -> AgreePlan:
    """``AgreePlan`` commands whose plan's targets fall after the day it is agreed (see
    ``plans``). A part-time plan (``full_time=False``) needs a medical exemption (PLAN-2)."""
    day = draw(_days(on))
    return AgreePlan(
        actor=draw(_strategy(actor, _heads())),
        effective_on=day,
        placement_id=draw(_strategy(placement_id, st.uuids())),
        plan=draw(
            plans(
                provider_ids=provider_ids,
                full_time=full_time,
                agreed_on=day,
                residential=residential,
            )
        ),
    )


@st.composite
def revise_plan_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    provider_ids: Sequence[UUID] = (),
    full_time: bool = True,
    residential: bool = False,
) -> RevisePlan:
    """``RevisePlan`` commands: a new plan as in ``agree_plan_commands``, with a reason."""
    agreed = draw(
        agree_plan_commands(
            placement_id=placement_id,
            actor=actor,
            on=on,
            provider_ids=provider_ids,
            full_time=full_time,
            residential=residential,
        )
    )
    return RevisePlan(
        actor=agreed.actor,
        effective_on=agreed.effective_on,
        placement_id=agreed.placement_id,
        plan=agreed.plan,
        reason=draw(_texts()),
    )


def give_consent_commands(
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    party: ConsentParty | st.SearchStrategy[ConsentParty] | None = None,
) -> st.SearchStrategy[GiveConsent]:
    """``GiveConsent`` commands: the placing authority's consent or the parents' (INFO-2)."""
    return st.builds(
        GiveConsent,
        actor=_strategy(actor, _school_staff()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        party=_strategy(party, st.sampled_from(ConsentParty)),
        given_by=_texts(80),
        evidence_reference=_texts(80),
    )


def withdraw_consent_commands(
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    party: ConsentParty | st.SearchStrategy[ConsentParty] | None = None,
) -> st.SearchStrategy[WithdrawConsent]:
    """``WithdrawConsent`` commands; accepted only where that party's consent is on record."""
    return st.builds(
        WithdrawConsent,
        actor=_strategy(actor, _school_staff()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        party=_strategy(party, st.sampled_from(ConsentParty)),
        reason=_texts(),
    )


def share_information_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[ShareInformation]:
    """``ShareInformation`` commands: with whom, and what it covered (INFO-1, INFO-3)."""
    return st.builds(
        ShareInformation,
        actor=_strategy(actor, _school_staff()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        party=st.sampled_from(InformationParty),
        scope=st.lists(st.sampled_from(InformationScope), min_size=1, max_size=3, unique=True).map(
            tuple
        ),
        note=_optional_texts(),
    )


@st.composite
def medical_exemption_commands(
    draw: st.DrawFn, *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> RecordMedicalExemption:
    """``RecordMedicalExemption`` commands with a review date after the day (PLAN-2, STAT-6)."""
    day = draw(_days(on))
    return RecordMedicalExemption(
        actor=draw(_strategy(actor, _heads())),
        effective_on=day,
        placement_id=draw(_strategy(placement_id, st.uuids())),
        evidence_reference=draw(_texts(80)),
        review_on=day + timedelta(days=draw(st.integers(1, 180))),
    )


def start_placement_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[StartPlacement]:
    """``StartPlacement`` commands (the Head Teacher's by default)."""
    return st.builds(
        StartPlacement,
        actor=_strategy(actor, _heads()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
    )


@st.composite
def record_term_commands(
    draw: st.DrawFn, *, actor: _Actors = None, on: _Days = None, starts_on: _Days = None
) -> RecordTerm:
    """``RecordTerm`` commands: a term of 1 to 16 weeks, named after its first day (COMM-6)."""
    first = draw(_days(starts_on))
    last = first + timedelta(days=draw(st.integers(0, 16 * 7)))
    return RecordTerm(
        actor=draw(_strategy(actor, _heads())),
        effective_on=draw(_days(on)),
        name=f"Term from {first.isoformat()}",
        starts_on=first,
        ends_on=last,
    )


@st.composite
def record_attendance_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    session: Session | None = None,
    attending: bool | None = None,
    fitting: ArrangedBy = ArrangedBy.SCHOOL,
) -> RecordAttendance:
    """``RecordAttendance`` commands whose code may mark their session and fits a placement
    arranged by ``fitting`` (see ``attendance_codes``), with the texts it needs (STAT-1)."""
    chosen = draw(st.sampled_from(Session)) if session is None else session
    code = draw(attendance_codes(session=chosen, attending=attending, fitting=fitting))
    texts = draw(mark_texts(code))
    return RecordAttendance(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=draw(_days(on)),
        placement_id=draw(_strategy(placement_id, st.uuids())),
        session=chosen,
        code=code,
        activity=texts.activity,
        supervised_by=texts.supervised_by,
        note=texts.note,
    )


@st.composite
def correct_attendance_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    session: Session | None = None,
    replacing: AttendanceCode | None = None,
    attending: bool | None = None,
    fitting: ArrangedBy = ArrangedBy.SCHOOL,
) -> CorrectAttendance:
    """``CorrectAttendance`` commands (STAT-2) whose new code differs from ``replacing`` and
    fits as in ``record_attendance_commands``."""
    chosen = draw(st.sampled_from(Session)) if session is None else session
    codes = attendance_codes(session=chosen, attending=attending, fitting=fitting).filter(
        lambda c: c is not replacing
    )
    code = draw(codes)
    texts = draw(mark_texts(code))
    return CorrectAttendance(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=draw(_days(on)),
        placement_id=draw(_strategy(placement_id, st.uuids())),
        session=chosen,
        code=code,
        reason=draw(_texts()),
        activity=texts.activity,
        supervised_by=texts.supervised_by,
        note=texts.note,
        amended_by_name=draw(_texts(80)),
        amended_by_position=draw(_texts(80)),
    )


@st.composite
def review_progress_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    references: Sequence[str] = (),
) -> ReviewProgress:
    """``ReviewProgress`` commands rating some of the plan's objectives, by ``references``
    (drawn if none are given), with a next review after the day (COMM-5, QUAL-1)."""
    day = draw(_days(on))
    if references:
        chosen = draw(
            st.lists(
                st.sampled_from(tuple(references)),
                min_size=1,
                max_size=len(references),
                unique=True,
            )
        )
    else:
        chosen = draw(st.lists(_references(), min_size=1, max_size=3, unique=True))
    return ReviewProgress(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=day,
        placement_id=draw(_strategy(placement_id, st.uuids())),
        progress=tuple(draw(objective_progress(references=[reference])) for reference in chosen),
        effectiveness=draw(st.sampled_from(Effectiveness)),
        next_review_on=day + timedelta(days=draw(st.integers(1, 63))),
        with_provider=draw(st.booleans()),
        note=draw(_optional_texts()),
    )


def reintegration_criteria_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[AgreeReintegrationCriteria]:
    """``AgreeReintegrationCriteria`` commands: how readiness to return is judged (COMM-8)."""
    return st.builds(
        AgreeReintegrationCriteria,
        actor=_strategy(actor, _heads()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        criteria=_text_tuples(1, 4),
    )


@st.composite
def reintegration_assessment_commands(
    draw: st.DrawFn,
    *,
    placement_id: _Ids = None,
    actor: _Actors = None,
    on: _Days = None,
    criteria: Sequence[str] = (),
) -> AssessReintegration:
    """``AssessReintegration`` commands meeting some of the agreed ``criteria`` (COMM-8)."""
    met = draw(st.lists(st.sampled_from(tuple(criteria)), unique=True)) if criteria else []
    return AssessReintegration(
        actor=draw(_strategy(actor, _school_staff())),
        effective_on=draw(_days(on)),
        placement_id=draw(_strategy(placement_id, st.uuids())),
        ready=draw(st.booleans()),
        criteria_met=tuple(met),
        note=draw(_optional_texts()),
    )


def reintegration_support_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[AgreeReintegrationSupport]:
    """``AgreeReintegrationSupport`` commands: the package of support to return (COMM-8)."""
    return st.builds(
        AgreeReintegrationSupport,
        actor=_strategy(actor, _heads()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        support=_text_tuples(1, 4),
    )


def end_placement_commands(
    *, placement_id: _Ids = None, actor: _Actors = None, on: _Days = None
) -> st.SearchStrategy[EndPlacement]:
    """``EndPlacement`` commands naming where the student goes next (AIM-4)."""
    return st.builds(
        EndPlacement,
        actor=_strategy(actor, _heads()),
        effective_on=_days(on),
        placement_id=_strategy(placement_id, st.uuids()),
        destination=st.sampled_from(Destination),
        note=_optional_texts(),
    )
