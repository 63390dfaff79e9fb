"""The stories of the demo's placements: each one from its opening to the end of term, and the
endings."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial

import attrs

from senad_ap.demo.cast import (
    _CHILDRENS_HOME,
    _DEPUTY,
    _ENDS,
    _GIVEN_AGAIN_ON,
    _LA_ARRANGED,
    _LATE_CONSENT,
    _LATE_REVIEW,
    _MEDICAL,
    _MOVED_AWAY,
    _NEEDS_AFTER_PLAN,
    _NO_NEEDS_ASSESSMENT,
    _NO_READINESS_CRITERIA,
    _NOT_SHARED_WITH_LA,
    _NOT_SHARED_WITH_PROVIDER,
    _NOT_STARTED,
    _OUTSIDE,
    _PLAN_REVISED,
    _PROVIDER_BY_KEY,
    _REINTEGRATED,
    _SENCO,
    _TO_COLLEGE,
    _WITHDRAWN,
    _WITHDRAWN_ON,
    DEMO_HEAD,
    DEMO_SCHOOL_ID,
)
from senad_ap.demo.clock import _term_day_on_or_after, _uk, _weekdays_after
from senad_ap.demo.script import _Script
from senad_ap.demo.students import (
    _CRITERIA,
    _NEEDS,
    _SUPPORT,
    _objectives,
    _plan,
    _plan_returns_to_school,
    _Student,
)
from senad_ap.demo.term import _rating, _reviews
from senad_ap.domain.placement import ConsentParty, InformationParty, InformationScope
from senad_ap.domain.plan import Effectiveness, NeedArea, ObjectiveProgress, Setting
from senad_ap.domain.values import Actor, Destination, Role


@attrs.define
class _PlacementScript(_Script):
    """The whole script: the school, the providers and the registers of ``_Script``, with each
    placement's story and the endings."""

    # --- a placement, from its opening to the end of term
    def placement(self, student: _Student) -> None:
        app, number = self.app, student.number
        minute = 7 * ((number - 1) % 8)
        self.at(_uk(student.opened_on, 10, minute), partial(self.open, student))
        needs_on = _weekdays_after(student.opened_on, 1)
        if number == _NEEDS_AFTER_PLAN:
            needs_on = _weekdays_after(student.plan_on, 4)
        if number != _NO_NEEDS_ASSESSMENT:
            areas = [NeedArea.SOCIAL_EMOTIONAL_MENTAL_HEALTH]
            if number % 3 == 0:
                areas.append(NeedArea.COGNITION_AND_LEARNING)
            self.on_placement(
                _uk(needs_on, 11, 30), student, app.assess_needs, areas=areas,
                summary=_NEEDS[student.reason], barriers=["Large groups", "Transitions"],
                actor=_SENCO, on=needs_on,
            )  # fmt: skip
        if number == _MEDICAL:  # before the part-time plan, which PLAN-2 refuses without it
            self.on_placement(
                _uk(student.plan_on, 14, 30), student, app.record_medical_exemption,
                evidence_reference="Consultant paediatrician's letter of 2 July 2025",
                review_on=date(2026, 1, 16), actor=DEMO_HEAD, on=student.plan_on,
            )  # fmt: skip
        self.at(_uk(student.plan_on, 15, minute), partial(self.agree_plan, student))
        if _plan_returns_to_school(student) and number != _NO_READINESS_CRITERIA:
            self.on_placement(
                _uk(student.plan_on, 15, minute + 5), student,
                app.agree_reintegration_criteria, criteria=_CRITERIA[student.reason],
                actor=DEMO_HEAD if number % 3 else _DEPUTY, on=student.plan_on,
            )  # fmt: skip
        self.consents(student)
        self.information(student)
        if student.starts_on is not None:
            self.on_placement(
                _uk(student.starts_on, 8, 10), student, app.start_placement,
                actor=DEMO_HEAD if number % 5 else _DEPUTY, on=student.starts_on,
            )  # fmt: skip
        self.reviews(student)

    def open(self, student: _Student) -> None:
        provider = _PROVIDER_BY_KEY[student.provider]
        # Every placement names its provider record: the school's own provision and the home
        # have theirs too, so that the providers view shows their placements.
        setting, provider_id, rationale = Setting.ON_SITE, self.providers[provider.key], None
        if student.provider in _OUTSIDE:
            setting = Setting.OUTSIDE_PROVIDER
        if student.number == _CHILDRENS_HOME:
            # The rationale (LOC-2) is written a week later: ``demo.changes``.
            setting, provider_id = Setting.ALLIED_CHILDRENS_HOME, self.providers["home"]
        state = self.app.open_placement(
            student_reference=student.reference,
            reason=student.reason,
            setting=setting,
            location=provider.site,
            residential=student.residential,
            looked_after=student.looked_after,
            ehcp_reference=student.ehcp_reference,
            provider_id=provider_id,
            reason_detail=_NEEDS[student.reason],
            location_rationale=rationale,
            student_name=student.name,
            date_of_birth=student.date_of_birth,
            arranged_by=_ARRANGED.get(student.number, ("the school", None))[0],
            arranged_under=_ARRANGED.get(student.number, ("the school", None))[1],
            actor=_SENCO,
            on=student.opened_on,
            idempotency_key=f"{student.reference} open",
        )
        self.placements[student.number] = state.id

    def agree_plan(self, student: _Student) -> None:
        self.app.agree_plan(
            self.placements[student.number],
            _plan(student, self.providers),
            actor=DEMO_HEAD if student.number % 3 else _DEPUTY,
            on=student.plan_on,
            idempotency_key=f"{student.reference} plan",
        )

    def revise_plan(self, student: _Student, on: date) -> None:
        self.app.revise_plan(
            self.placements[student.number],
            _plan(student, self.providers, revised=True),
            reason="The first review found gaps in reading and number: English and maths "
            "objectives added",
            actor=DEMO_HEAD,
            on=on,
            idempotency_key=f"{student.reference} plan revised",
        )

    def consents(self, student: _Student) -> None:
        if not student.with_provider:
            return
        number, app = student.number, self.app
        placing, parents = ConsentParty.PLACING_AUTHORITY, ConsentParty.PARENTS
        given = {
            placing: _weekdays_after(student.plan_on, 1),
            parents: _weekdays_after(student.plan_on, 2),
        }
        if number == 26:  # the placing authority took until September: it starts on the 15th
            given[placing] = date(2025, 9, 12)
        if number == 34:  # the parents agreed in September: it starts on the 8th
            given[parents] = date(2025, 9, 5)
        if number == _NOT_STARTED:  # the parents have not agreed yet
            given = {placing: date(2025, 12, 15)}
        by = {placing: "SEN casework officer, Northshire County Council", parents: "Mother"}
        for hour, (party, on) in enumerate(given.items(), start=10):
            recorded = on
            if number == _LATE_CONSENT and party is placing:
                recorded = date(2025, 9, 1)  # the email was found at the start of term
            self.on_placement(
                _uk(recorded, hour, 45), student, app.give_consent, party=party,
                given_by=by[party], evidence_reference=f"Signed form of {on:%d %B %Y}",
                actor=_SENCO, on=on, key=f"consent {party.name}",
            )  # fmt: skip
        if number == _WITHDRAWN:
            self.on_placement(
                _uk(_WITHDRAWN_ON, 8, 40), student, app.withdraw_consent, party=parents,
                reason="Parents asked for a pause over transport and a change of key worker",
                actor=_SENCO, on=_WITHDRAWN_ON,
            )  # fmt: skip
            self.on_placement(
                _uk(_GIVEN_AGAIN_ON, 8, 30), student, app.give_consent, party=parents,
                given_by="Both parents", actor=_SENCO, on=_GIVEN_AGAIN_ON,
                evidence_reference="Minutes of the meeting of 21 November 2025",
                key="consent given again",
            )  # fmt: skip

    def information(self, student: _Student) -> None:
        number, scope = student.number, InformationScope
        shares: list[tuple[InformationParty, tuple[InformationScope, ...]]] = []
        if number != _NOT_SHARED_WITH_LA:
            needs = (scope.SPECIAL_EDUCATIONAL_NEEDS, scope.PLAN_AND_OBJECTIVES)
            shares.append((InformationParty.LOCAL_AUTHORITY, needs))
        if number != _NOT_STARTED:
            progress = (scope.PLAN_AND_OBJECTIVES, scope.ATTENDANCE)
            shares.append((InformationParty.PARENTS, progress))
        if student.with_provider and number not in (_NOT_SHARED_WITH_PROVIDER, _NOT_STARTED):
            for_provider: tuple[InformationScope, ...] = (
                scope.SPECIAL_EDUCATIONAL_NEEDS,
                scope.LITERACY,
                scope.SAFEGUARDING,
                scope.PLAN_AND_OBJECTIVES,
            )
            if number % 4 == 0:
                for_provider += (scope.MEDICAL,)
            shares.append((InformationParty.PROVIDER, for_provider))
        if student.looked_after:
            # The Virtual School Head of the authority that looks after the student.
            virtual_school = (scope.SPECIAL_EDUCATIONAL_NEEDS, scope.ATTENDANCE)
            shares.append((InformationParty.OTHER_AGENCY, virtual_school))
        on = _weekdays_after(student.plan_on, 1)
        for index, (party, scopes) in enumerate(shares):
            agency = party is InformationParty.OTHER_AGENCY
            self.on_placement(
                _uk(on, 14, 30 + 5 * index), student, self.app.share_information, party=party,
                scope=scopes, note="Virtual School Head" if agency else None, actor=_SENCO,
                on=on, key=f"shared {party.name}",
            )  # fmt: skip

    def reviews(self, student: _Student) -> None:
        number = student.number
        rng = random.Random(f"{DEMO_SCHOOL_ID} reviews {student.reference}")  # noqa: S311 - demo data
        for index, (on, due) in enumerate(_reviews(student)):
            recorded = on
            if number == _LATE_REVIEW and index == 0:  # written up a week later
                recorded = _term_day_on_or_after(on + timedelta(days=7))
            revised = number == _PLAN_REVISED and index > 0
            thriving = number == _REINTEGRATED
            progress = [
                ObjectiveProgress(objective.reference, _rating(rng, index, thriving))
                for objective in _objectives(student, revised=revised)
            ]
            effectiveness = rng.choices(list(Effectiveness), weights=(70, 25, 5))[0]
            review = partial(self.review, student, on, due, progress, effectiveness, index)
            self.at(_uk(recorded, 15, 30 + 5 * (number % 6)), review)
            if number == _PLAN_REVISED and index == 0:
                revised_on = date(2025, 10, 20)
                self.at(_uk(revised_on, 15), partial(self.revise_plan, student, revised_on))

    def review(
        self, student: _Student, on: date, due: date, progress: Sequence[ObjectiveProgress],
        effectiveness: Effectiveness, index: int,
    ) -> None:  # fmt: skip
        actor = _SENCO
        if student.provider == "college" and student.number % 2:
            # The college's AP coordinator records some reviews: provider staff may (S/P).
            actor = Actor(
                id="ap-coordinator-riverside",
                role=Role.PROVIDER_STAFF,
                school_id=DEMO_SCHOOL_ID,
                provider_id=self.providers["college"],
            )
        people = "parents and the provider" if student.with_provider else "parents"
        self.app.review_progress(
            self.placements[student.number],
            progress=progress,
            effectiveness=effectiveness,
            next_review_on=due,
            with_provider=student.with_provider,
            note=f"Half-termly review with {people}",
            actor=actor,
            on=on,
            idempotency_key=f"{student.reference} review {index + 1}",
        )

    def endings(self, roster: Sequence[_Student]) -> None:
        app, returning = self.app, roster[_REINTEGRATED - 1]
        assessed, supported = date(2025, 12, 1), date(2025, 12, 3)
        self.on_placement(
            _uk(assessed, 10), returning, app.assess_reintegration, ready=True,
            criteria_met=_CRITERIA[returning.reason], note="All three criteria met for six weeks",
            actor=_SENCO,
            on=assessed,
        )  # fmt: skip
        self.on_placement(
            _uk(supported, 15), returning, app.agree_reintegration_support, support=_SUPPORT,
            actor=_DEPUTY, on=supported,
        )  # fmt: skip
        endings = {
            _REINTEGRATED: (Destination.SEN_SCHOOL, "Back in the class group from 15 December"),
            _TO_COLLEGE: (
                Destination.FURTHER_EDUCATION,
                "Enrolled full-time on the college's Foundation Learning programme",
            ),
            _MOVED_AWAY: (Destination.OTHER, "Moved out of the area; records sent on"),
        }
        for number, (destination, note) in endings.items():
            on = _ENDS[number]
            self.on_placement(
                _uk(on, 15, 45), roster[number - 1], app.end_placement,
                destination=destination, note=note, actor=DEMO_HEAD, on=on,
            )  # fmt: skip


#: Who arranged a placement, where not the school under its own commissioning: the local
#: authority arranged one under s.19 Education Act 1996 (its marks there are K, STAT-1).
_ARRANGED: dict[int, tuple[str, str | None]] = {
    _LA_ARRANGED: ("the local authority", "s.19 Education Act 1996"),
}
