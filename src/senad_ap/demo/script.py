"""The demo's script: every decision planned at the moment it is recorded, then run in time
order; the school, the providers and the registers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

import attrs

from senad_ap.application import AlternativeProvision, RegisterMark
from senad_ap.demo.cast import (
    _ATTENDANCE,
    _ATTENDANCE_OFFICER_NAME,
    _DEPUTY,
    _LATE_REGISTER,
    _PROVIDERS,
    DEMO_HEAD,
    DEMO_INSPECTOR,
    _Provider,
)
from senad_ap.demo.clock import _FIRST_DAY, _TERMS, DemoClock, _uk
from senad_ap.demo.students import _Student
from senad_ap.demo.term import _attendance, _Correction
from senad_ap.domain.attendance_codes import Session
from senad_ap.domain.provider import RiskOutcome

_Step = Callable[[], object]

#: A B mark says what the activity is and who the school authorised to supervise it (STAT-1).
_B_ACTIVITY = "Timetabled lessons at the placement's provider"
_B_SUPERVISOR = "The provider's tutor, authorised by the school"


@attrs.define
class _Script:
    """The demo's decisions, each at the moment it is recorded, run in time order.

    Steps are planned first and run after: a step that needs a record's id (known once the
    record is registered or opened) looks it up when it runs.
    """

    app: AlternativeProvision
    clock: DemoClock
    steps: list[tuple[datetime, int, _Step]] = attrs.Factory(list)
    providers: dict[str, UUID] = attrs.Factory(dict)
    placements: dict[int, UUID] = attrs.Factory(dict)

    def at(self, when: datetime, step: _Step) -> None:
        self.steps.append((when, len(self.steps), step))

    def on_placement(
        self, when: datetime, student: _Student, command: Callable[..., object], **fields: Any
    ) -> None:
        """Plan ``command(placement_id, **fields)``, keyed by the student and the command."""
        name = getattr(command, "__name__", "step").replace("_", " ")
        key = f"{student.reference} {fields.pop('key', name)}"
        self.at(
            when,
            lambda: command(self.placements[student.number], idempotency_key=key, **fields),
        )

    def run(self, progress: Callable[[int, int], None] | None = None) -> None:
        steps = sorted(self.steps, key=lambda planned: planned[:2])
        for done, (when, _, step) in enumerate(steps, start=1):
            self.clock.set(when)
            step()
            if progress is not None:
                progress(done, len(steps))

    # --- the school and the providers
    def school(self) -> None:
        app, on, granted = self.app, _FIRST_DAY, date(2025, 12, 1)
        self.at(_uk(on, 8, 30), partial(
            app.appoint_delegate, _DEPUTY.id, actor=DEMO_HEAD, on=on,
            idempotency_key="delegate deputy"))  # fmt: skip
        # The second half term is recorded by the delegate: term dates may be delegated.
        for (name, starts_on, ends_on), actor in zip(_TERMS, (DEMO_HEAD, _DEPUTY), strict=True):
            self.at(_uk(on, 8, 40), partial(
                app.record_term, name, starts_on=starts_on, ends_on=ends_on, actor=actor, on=on,
                idempotency_key=name))  # fmt: skip
        self.at(_uk(granted, 9), partial(
            app.grant_inspector_access, DEMO_INSPECTOR.id, until=date(2026, 3, 31),
            actor=DEMO_HEAD, on=granted, idempotency_key="inspector access"))  # fmt: skip
        for index, provider in enumerate(_PROVIDERS):
            self.at(_uk(on, 10, 10 * index), partial(self.register_provider, provider))
            if provider.urn is not None:
                confirm = partial(
                    app.confirm_provider_registration,
                    urn=provider.urn,
                    evidence_reference="DfE Get Information about Schools check, printed",
                    actor=DEMO_HEAD,
                    on=on,
                )
                self.at(_uk(on, 14, 10 * index), partial(self.provider_step, provider, confirm))
            assess = partial(
                app.assess_provider_risk,
                outcome=RiskOutcome.SATISFACTORY,
                safeguarding_policies_seen=True,
                staff_checks_confirmed_in_writing=True,
                valid_until=provider.assessed_on + timedelta(days=364),
                actor=DEMO_HEAD if index % 2 else _DEPUTY,
                on=provider.assessed_on,
            )
            self.at(_uk(provider.assessed_on, 16), partial(self.provider_step, provider, assess))

    def register_provider(self, provider: _Provider) -> None:
        state = self.app.register_provider(
            name=provider.name,
            kind=provider.kind,
            delivers_accredited_education=provider.accredited,
            sites=(provider.site,),
            staffing=provider.staffing,
            actor=DEMO_HEAD,
            on=_FIRST_DAY,
            idempotency_key=f"provider {provider.key}",
        )
        self.providers[provider.key] = state.id

    def provider_step(self, provider: _Provider, command: partial[Any]) -> None:
        key = f"{provider.key} {command.func.__name__}"
        command(self.providers[provider.key], idempotency_key=key)

    # --- the registers
    def registers(self, roster: Sequence[_Student]) -> None:
        """One register a session for the whole school (09:20 and 13:50), and corrections."""
        sessions: dict[tuple[date, Session], list[tuple[int, str]]] = {}
        for student in roster:
            marks, corrections = _attendance(student)
            for (day, session), code in marks.items():
                sessions.setdefault((day, session), []).append((student.number, code))
            for correction in corrections:
                correct = partial(self.correct, student, correction)
                self.at(_uk(correction.recorded_on, 10, 30), correct)
        for (day, session), taken in sessions.items():
            when = _uk(day, 9, 20) if session is Session.AM else _uk(day, 13, 50)
            if (day, session) == _LATE_REGISTER[:2]:
                when = _uk(_LATE_REGISTER[2], 8, 45)
            self.at(when, partial(self.register, day, session, taken))

    def register(self, day: date, session: Session, taken: Sequence[tuple[int, str]]) -> None:
        self.app.record_register(
            [
                RegisterMark(
                    self.placements[number],
                    session,
                    code,
                    activity=_B_ACTIVITY,
                    supervised_by=_B_SUPERVISOR,
                )
                if code == "B"
                else RegisterMark(self.placements[number], session, code)
                for number, code in taken
            ],
            on=day,
            actor=_ATTENDANCE,
            idempotency_key=f"register {day} {session.value}",
        )

    def correct(self, student: _Student, correction: _Correction) -> None:
        self.app.correct_attendance(
            self.placements[student.number],
            session=correction.session,
            code=correction.code,
            reason=correction.reason,
            amended_by_name=_ATTENDANCE_OFFICER_NAME,
            amended_by_position="Attendance officer",
            actor=_ATTENDANCE,
            on=correction.day,
            idempotency_key=f"{student.reference} correct {correction.day} "
            f"{correction.session.value}",
        )
