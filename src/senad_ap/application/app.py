"""``AlternativeProvision``: the application a school system embeds.

It loads the current state of the records a command touches, asks the pure domain to
``decide``, and saves the resulting events in one transaction. It translates every library
error into the project's own, so an embedding system sees only ``senad_ap.errors``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time as time_module
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID, uuid4, uuid5

import attrs
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import EventSourcingError
from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    Mapper,
    PersistenceError,
    Transcoder,
)
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.utils import Environment

from senad_ap.application.codec import JSONBytes, Snapshot, TypedMapper
from senad_ap.application.integrity import (
    SealRecord,
    Verification,
    chained,
    next_head,
    seals_of,
    verify,
)
from senad_ap.application.personal import (
    MemoryStudentKeys,
    PersonalData,
    PostgresStudentKeys,
    SQLiteStudentKeys,
    StudentKeys,
)
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.authority import Authority, check_may_read
from senad_ap.domain.base import Command, Event, fingerprint
from senad_ap.domain.full_time_roll import full_time_roll_changes
from senad_ap.domain.placement import (
    AUTHORITY,
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
    PlacementCommand,
    PlacementEvent,
    PlacementState,
    RecordAttendance,
    RecordMedicalExemption,
    Related,
    ReviewProgress,
    RevisePlan,
    ShareInformation,
    StartPlacement,
    WithdrawConsent,
    decide_placement,
    evolve_placement,
    providers_needed,
)
from senad_ap.domain.plan import Effectiveness, NeedArea, ObjectiveProgress, Plan, Reason, Setting
from senad_ap.domain.provider import (
    AssessProviderRisk,
    ConfirmProviderRegistration,
    ProviderCommand,
    ProviderEvent,
    ProviderKind,
    ProviderState,
    RegisterProvider,
    RiskOutcome,
    decide_provider,
    evolve_provider,
)
from senad_ap.domain.records import evolve_record
from senad_ap.domain.school import (
    AppointDelegate,
    GrantInspectorAccess,
    RecordTerm,
    RevokeDelegation,
    RevokeInspectorAccess,
    SchoolCommand,
    SchoolEvent,
    SchoolState,
    decide_school,
    evolve_school,
    school_aggregate_id,
)
from senad_ap.domain.seal import SEAL_RECORD_ID, LogSealed, SealEvent, SealState, evolve_seal
from senad_ap.domain.student import (
    ForgetStudent,
    StudentEvent,
    StudentState,
    decide_forget,
    decide_student_on_opening,
    evolve_student,
    student_record_id,
)
from senad_ap.domain.values import Actor, Context, Destination, PolicyParameters, Role
from senad_ap.errors import (
    ConcurrentChangeError,
    IdempotencyConflictError,
    InvalidInputError,
    NotFoundError,
    PolicyViolationError,
    RegisterRefusedError,
    SenadApError,
    StoreError,
)
from senad_ap.sqlite_connections import use_statement_cache

__all__ = ["DEFAULT_SQLITE_FILE", "AlternativeProvision", "RegisterMark"]

#: The embedded default store, relative to the working directory.
DEFAULT_SQLITE_FILE = "senad_ap.sqlite"
#: eventsourcing's cipher and compressor, used when a key is given (encryption at rest).
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
COMPRESSOR_TOPIC = "eventsourcing.compressor:ZlibCompressor"
#: A snapshot is taken each time a record's version passes a multiple of this.
SNAPSHOT_INTERVAL = 100
_KEYS = UUID("0b8f5a57-3c1e-4b77-9d0e-6c2f4f6a3e90")

S = TypeVar("S")
T = TypeVar("T")
E = TypeVar("E", bound=Event)


class _WrongKindError(Exception):
    """The id belongs to another kind of record."""


def _projector(
    event_type: type[E], evolve: Callable[[S | None, E], S]
) -> Callable[[S | None, Iterable[Any]], S | None]:
    def project(state: S | None, events: Iterable[Any]) -> S | None:
        for event in events:
            if isinstance(event, Snapshot):
                state = event.state
            elif isinstance(event, event_type):
                state = evolve(state, event)
            else:
                raise _WrongKindError
        return state

    return project


_project_placement = _projector(PlacementEvent, evolve_placement)
_project_provider = _projector(ProviderEvent, evolve_provider)
_project_school = _projector(SchoolEvent, evolve_school)
_project_seal = _projector(SealEvent, evolve_seal)
_project_student = _projector(StudentEvent, evolve_student)


def _project_any(state: Any, events: Iterable[Any]) -> Any:
    for event in events:
        state = event.state if isinstance(event, Snapshot) else evolve_record(state, event)
    return state


@attrs.frozen
class RegisterMark:
    """One mark of a day's register (see ``AlternativeProvision.record_register``)."""

    placement_id: UUID
    session: Session
    code: AttendanceCode | str
    idempotency_key: str | None = None


def _code(value: AttendanceCode | str) -> AttendanceCode:
    if isinstance(value, AttendanceCode):
        return value
    if not isinstance(value, str):
        raise InvalidInputError(
            f"An attendance code is text such as '/' or 'I', not {type(value).__name__}.",
            field="code",
        )
    try:
        return AttendanceCode(value)
    except ValueError:
        # STAT-1: only the national codes in force since 19 August 2024.
        raise PolicyViolationError(
            "STAT-1",
            f"{value!r} is not one of the national attendance codes in force since 19 August 2024.",
        ) from None


class AlternativeProvision(Application[UUID]):
    """The record of a school group's alternative provision decisions.

    Open a store explicitly::

        app = AlternativeProvision.sqlite("senad_ap.sqlite")   # the embedded default
        app = AlternativeProvision.in_memory()                  # tests and trials
        app = AlternativeProvision.from_environment()           # eventsourcing's variables

    Every command method takes ``actor`` (who decides) and ``on`` (the day it takes effect,
    today if omitted) and may take ``idempotency_key``: a retried call with the same key
    records nothing more and returns what the first call returned. Command methods return the
    record's new state; refusals raise ``senad_ap.errors`` exceptions and record nothing.
    """

    env = {  # noqa: RUF012 - eventsourcing reads this class attribute as the lowest defaults
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": DEFAULT_SQLITE_FILE,
        "IS_SNAPSHOTTING_ENABLED": "y",
        "AGGREGATE_CACHE_MAXSIZE": "10000",
        # States are frozen: a cached state can be shared, never needs a deep copy.
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
    }
    snapshot_class = Snapshot

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        policy: PolicyParameters | None = None,
    ) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self.policy = policy or PolicyParameters()
        self._explicit = dict(env or {})
        try:
            super().__init__(env)
            #: The students' own keys, beside the events (see ``application.personal``).
            self.personal = PersonalData(self._student_keys(), cipher=self.mapper.cipher)
        except SenadApError:
            raise
        except (
            EventSourcingError, OSError, sqlite3.Error, ValueError, ImportError, AttributeError,
        ) as error:  # fmt: skip
            raise StoreError(f"The store could not be opened: {error}") from None

    def construct_factory(self, env: Environment) -> InfrastructureFactory[Any]:
        """eventsourcing's factory; on SQLite, its connections keep a statement cache (see
        ``senad_ap.sqlite_connections``)."""
        factory = super().construct_factory(env)
        datastore = getattr(factory, "datastore", None)
        if isinstance(datastore, SQLiteDatastore):
            use_statement_cache(datastore)
        return factory

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """eventsourcing's environment, with two corrections.

        An empty variable counts as unset (so ``PERSISTENCE_MODULE=""`` does not silently give
        an in-memory store), and what the caller passed explicitly — ``sqlite(path)``,
        ``in_memory()`` — wins over application-prefixed variables in the process environment.
        """
        base = super().construct_env(name, env)
        values = {key: value for key, value in base.items() if value != ""}
        for key, value in type(self).env.items():
            values.setdefault(key, value)
        for key, value in self._explicit.items():
            values[key] = value
            values[f"{name.upper()}_{key}"] = value
        if values.get("CIPHER_KEY") or values.get(f"{name.upper()}_CIPHER_KEY"):
            # Encryption at rest: the cryptography package's AES-GCM, after zlib compression.
            values.setdefault("CIPHER_TOPIC", CIPHER_TOPIC)
            values.setdefault("COMPRESSOR_TOPIC", COMPRESSOR_TOPIC)
        return Environment(name, values)

    @staticmethod
    def create_cipher_key() -> str:
        """A new random key for encryption at rest (AES-256, base64): keep it in a secret
        store and give it as ``cipher_key=`` or the ``CIPHER_KEY`` environment variable."""
        from eventsourcing.cryptography import AESCipher

        return AESCipher.create_key(32)

    # ----------------------------------------------------------------- opening a store
    @classmethod
    def in_memory(cls, *, cipher_key: str | None = None, **options: Any) -> AlternativeProvision:
        """A store that lives only as long as this object (tests, trials)."""
        return cls(_with_key({"PERSISTENCE_MODULE": "eventsourcing.popo"}, cipher_key), **options)

    @classmethod
    def sqlite(
        cls, path: str | os.PathLike[str], *, cipher_key: str | None = None, **options: Any
    ) -> AlternativeProvision:
        """A SQLite file, created if it does not exist: the embedded default.

        ``cipher_key`` (or the ``CIPHER_KEY`` environment variable) encrypts every event and
        snapshot at rest (see ``create_cipher_key``)."""
        try:
            name = os.fspath(path)
        except TypeError:
            raise InvalidInputError("The SQLite store's path must be text.", field="path") from None
        if not isinstance(name, str) or "\x00" in name or not _encodable(name):
            raise InvalidInputError("The SQLite store's path is not valid text.", field="path")
        if name != ":memory:" and not name.startswith("file:"):
            parent = Path(name).resolve().parent
            if not parent.is_dir():
                raise StoreError(f"The folder for the SQLite store does not exist: {parent}")
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": name}
        return cls(_with_key(env, cipher_key), **options)

    @classmethod
    def postgres(
        cls, dbname: str, *, user: str, password: str | None = None, host: str = "localhost",
        port: int = 5432, schema: str | None = None, cipher_key: str | None = None,
        **options: Any,
    ) -> AlternativeProvision:  # fmt: skip
        """A PostgreSQL database (a school group's or a local authority's shared store).

        ``password`` defaults to the ``PGPASSWORD`` environment variable, so it need not be
        written in code; ``schema`` keeps the tables in a schema of their own (it must exist).
        Uses eventsourcing's own PostgreSQL persistence (psycopg 3): install the ``postgres``
        extra.
        """
        secret = password if password is not None else os.environ.get("PGPASSWORD")
        if secret is None:
            raise StoreError("No PostgreSQL password: give password= or set PGPASSWORD.")
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": host,
            "POSTGRES_PORT": str(port),
            "POSTGRES_USER": user,
            "POSTGRES_PASSWORD": secret,
            # Fail in seconds, with a clear error, when the server cannot be reached.
            "POSTGRES_CONNECT_TIMEOUT": "5",
        }
        if schema is not None:
            env["POSTGRES_SCHEMA"] = schema
        env = _with_key(env, cipher_key)
        for attempt in range(4):
            try:
                return cls(dict(env), **options)
            except StoreError as error:
                # Processes starting at once each run eventsourcing's CREATE ... IF NOT EXISTS;
                # PostgreSQL can refuse the loser with "tuple concurrently updated": retry.
                # (Likewise "duplicate key" when two create the same table at the same moment.)
                if not any(sign in str(error) for sign in ("concurrently", "duplicate key")):
                    raise
                time_module.sleep(0.05 * (attempt + 1))
        return cls(dict(env), **options)

    @classmethod
    def from_environment(cls, **options: Any) -> AlternativeProvision:
        """Configured by eventsourcing's variables (``PERSISTENCE_MODULE``, ``SQLITE_DBNAME``,
        ``POSTGRES_*`` …); without them, the SQLite file ``senad_ap.sqlite``."""
        return cls(None, **options)

    def _student_keys(self) -> StudentKeys:
        datastore = getattr(self.recorder, "datastore", None)
        module = type(self.recorder).__module__
        if module.startswith("eventsourcing.sqlite"):
            return SQLiteStudentKeys(datastore)
        if module.startswith("eventsourcing.postgres"):
            return PostgresStudentKeys(datastore)
        return MemoryStudentKeys()

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=TypedMapper)

    def construct_transcoder(self) -> Transcoder:
        return JSONBytes()

    # ----------------------------------------------------------------- school decisions
    def appoint_delegate(
        self, delegate_id: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> SchoolState:  # fmt: skip
        """Record that ``delegate_id`` holds the Head Teacher's authority (COMM-1, PLAN-3)."""
        return self._school(
            AppointDelegate,
            actor=actor, on=on, idempotency_key=idempotency_key, delegate_id=delegate_id,
        )  # fmt: skip

    def revoke_delegation(
        self, delegate_id: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> SchoolState:  # fmt: skip
        return self._school(
            RevokeDelegation,
            actor=actor, on=on, idempotency_key=idempotency_key, delegate_id=delegate_id,
        )  # fmt: skip

    def grant_inspector_access(
        self, inspector_id: str, *, until: date, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> SchoolState:  # fmt: skip
        """Let an inspector read this school's placements until ``until`` (inclusive)."""
        return self._school(
            GrantInspectorAccess,
            actor=actor, on=on, idempotency_key=idempotency_key,
            inspector_id=inspector_id, until=until,
        )  # fmt: skip

    def revoke_inspector_access(
        self, inspector_id: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> SchoolState:  # fmt: skip
        return self._school(
            RevokeInspectorAccess,
            actor=actor, on=on, idempotency_key=idempotency_key, inspector_id=inspector_id,
        )  # fmt: skip

    def record_term(
        self, name: str, *, starts_on: date, ends_on: date, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
    ) -> SchoolState:  # fmt: skip
        """Record a term or half term of the school's year (its register days, COMM-6)."""
        return self._school(
            RecordTerm,
            actor=actor, on=on, idempotency_key=idempotency_key, name=name,
            starts_on=starts_on, ends_on=ends_on,
        )  # fmt: skip

    # ----------------------------------------------------------------- provider decisions
    def register_provider(
        self, *, name: str, kind: ProviderKind, delivers_accredited_education: bool,
        sites: Sequence[str] = (), staffing: str | None = None, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
    ) -> ProviderState:  # fmt: skip
        """Add a provider (a setting a placement may use). Returns it, with its new ``id``.

        ``staffing``: the staff and qualifications it offers (QUAL-3), where known.
        """
        provider_id = self._new_id("provider", actor, idempotency_key)
        return self._provider(
            RegisterProvider,
            actor=actor, on=on, idempotency_key=idempotency_key, provider_id=provider_id,
            name=name, kind=kind, delivers_accredited_education=delivers_accredited_education,
            sites=tuple(sites) if isinstance(sites, list) else sites, staffing=staffing,
        )  # fmt: skip

    def confirm_provider_registration(
        self, provider_id: UUID, *, urn: str, evidence_reference: str, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record that the DfE register was checked on ``on`` and shows ``urn`` (COMM-3)."""
        return self._provider(
            ConfirmProviderRegistration,
            actor=actor, on=on, idempotency_key=idempotency_key, provider_id=provider_id,
            urn=urn, evidence_reference=evidence_reference,
        )  # fmt: skip

    def assess_provider_risk(
        self, provider_id: UUID, *, outcome: RiskOutcome, safeguarding_policies_seen: bool,
        staff_checks_confirmed_in_writing: bool, valid_until: date, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record a risk assessment of the setting made on ``on`` (COMM-4)."""
        return self._provider(
            AssessProviderRisk,
            actor=actor, on=on, idempotency_key=idempotency_key, provider_id=provider_id,
            outcome=outcome, safeguarding_policies_seen=safeguarding_policies_seen,
            staff_checks_confirmed_in_writing=staff_checks_confirmed_in_writing,
            valid_until=valid_until,
        )  # fmt: skip

    # ----------------------------------------------------------------- placement decisions
    def open_placement(
        self, *, student_reference: str, reason: Reason, setting: Setting, location: str,
        residential: bool, looked_after: bool = False, ehcp_reference: str | None = None,
        on_roll: bool = True, provider_id: UUID | None = None, reason_detail: str | None = None,
        location_rationale: str | None = None, student_name: str | None = None,
        date_of_birth: date | None = None, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record that a student needs alternative provision (NEED-1) and where (LOC-1).

        Refused: a side room of a classroom (NEED-2); the allied children's home for a
        student who is not residential (LOC-3). Returns the placement, with its new ``id``.
        ``student_name`` and ``date_of_birth`` (give them with the student's first placement)
        go on the student's record (``get_student``), sealed with the student's own key like
        every note: ``forget_student`` erases them at the end of retention (STAT-7).
        """
        placement_id = self._new_id("placement", actor, idempotency_key)
        return self._placement(
            OpenPlacement,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            student_reference=student_reference, reason=reason, setting=setting,
            location=location, residential=residential, looked_after=looked_after,
            ehcp_reference=ehcp_reference, on_roll=on_roll, provider_id=provider_id,
            reason_detail=reason_detail, location_rationale=location_rationale,
            student_name=student_name, date_of_birth=date_of_birth,
        )  # fmt: skip

    def assess_needs(
        self, placement_id: UUID, *, areas: Sequence[NeedArea], summary: str,
        barriers: Sequence[str] = (), actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record the assessment of the student's needs (PLAN-1, AIM-2)."""
        return self._placement(
            AssessNeeds,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            areas=_tuple(areas), summary=summary, barriers=_tuple(barriers),
        )  # fmt: skip

    def agree_plan(
        self, placement_id: UUID, plan: Plan, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Agree the personalised plan (PLAN-3). Head Teacher or recorded delegate only.

        Refused: fewer than full-time hours without a medical exemption (PLAN-2); an
        unregistered provider as the full-time setting of a student with an EHC plan or who
        is looked after (STAT-4); the children's home for a non-residential student (LOC-3).
        """
        return self._placement(
            AgreePlan,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            plan=plan,
        )  # fmt: skip

    def revise_plan(
        self, placement_id: UUID, plan: Plan, *, reason: str, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Replace the plan, giving the reason; the same guards as ``agree_plan`` apply."""
        return self._placement(
            RevisePlan,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            plan=plan, reason=reason,
        )  # fmt: skip

    def give_consent(
        self, placement_id: UUID, *, party: ConsentParty, given_by: str,
        evidence_reference: str, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record the placing authority's consent or the parents' agreement (INFO-2)."""
        return self._placement(
            GiveConsent,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            party=party, given_by=given_by, evidence_reference=evidence_reference,
        )  # fmt: skip

    def withdraw_consent(
        self, placement_id: UUID, *, party: ConsentParty, reason: str, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record a withdrawal of consent: an outside placement is suspended (INFO-2)."""
        return self._placement(
            WithdrawConsent,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            party=party, reason=reason,
        )  # fmt: skip

    def share_information(
        self, placement_id: UUID, *, party: InformationParty, scope: Sequence[InformationScope],
        note: str | None = None, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record information shared with the local authority, parents or a provider (INFO-1)."""
        return self._placement(
            ShareInformation,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            party=party, scope=_tuple(scope), note=note,
        )  # fmt: skip

    def record_medical_exemption(
        self, placement_id: UUID, *, evidence_reference: str, review_on: date, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record that a medical condition makes full-time provision inappropriate (PLAN-2)."""
        return self._placement(
            RecordMedicalExemption,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            evidence_reference=evidence_reference, review_on=review_on,
        )  # fmt: skip

    def start_placement(
        self, placement_id: UUID, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Commission and start the placement on ``on`` (COMM-1).

        Refused unless the record shows: an agreed plan with full-time hours or a medical
        exemption (PLAN-2); for an outside provider delivering accredited education, its DfE
        registration (COMM-3); a current satisfactory risk assessment of every outside
        setting (COMM-4); the placing authority's consent and the parents' agreement (INFO-2).
        """
        return self._placement(
            StartPlacement,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
        )  # fmt: skip

    def record_attendance(
        self, placement_id: UUID, *, session: Session, code: AttendanceCode | str,
        actor: Actor, on: date | None = None, idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record one register mark with a national code (STAT-1, COMM-6).

        ``code`` is an ``AttendanceCode`` or its letter (``"/"``, ``"I"``, ``"Y1"`` …).
        A second mark for the same session is refused: record a correction instead.
        """
        return self._placement(
            RecordAttendance,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            session=session, code=_code(code),
        )  # fmt: skip

    def correct_attendance(
        self, placement_id: UUID, *, session: Session, code: AttendanceCode | str, reason: str,
        actor: Actor, on: date, idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Amend a mark: the original stays on the record, with the reason and who (STAT-2)."""
        return self._placement(
            CorrectAttendance,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            session=session, code=_code(code), reason=reason,
        )  # fmt: skip

    def review_progress(
        self, placement_id: UUID, *, progress: Sequence[ObjectiveProgress],
        effectiveness: Effectiveness, next_review_on: date, with_provider: bool = False,
        note: str | None = None, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record a review: progress per objective and the provision's effectiveness (COMM-5)."""
        return self._placement(
            ReviewProgress,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            progress=_tuple(progress), effectiveness=effectiveness,
            next_review_on=next_review_on, with_provider=with_provider, note=note,
        )  # fmt: skip

    def agree_reintegration_criteria(
        self, placement_id: UUID, *, criteria: Sequence[str], actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Agree how readiness to return will be assessed (COMM-8)."""
        return self._placement(
            AgreeReintegrationCriteria,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            criteria=_tuple(criteria),
        )  # fmt: skip

    def assess_reintegration(
        self, placement_id: UUID, *, ready: bool, criteria_met: Sequence[str] = (),
        note: str | None = None, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record an assessment of readiness to return against the agreed criteria (COMM-8)."""
        return self._placement(
            AssessReintegration,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            ready=ready, criteria_met=_tuple(criteria_met), note=note,
        )  # fmt: skip

    def agree_reintegration_support(
        self, placement_id: UUID, *, support: Sequence[str], actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """Agree the package of support for the return (COMM-8)."""
        return self._placement(
            AgreeReintegrationSupport,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            support=_tuple(support),
        )  # fmt: skip

    def end_placement(
        self, placement_id: UUID, *, destination: Destination, note: str | None = None,
        actor: Actor, on: date | None = None, idempotency_key: str | None = None,
    ) -> PlacementState:  # fmt: skip
        """End the placement, recording where the student goes next (AIM-4)."""
        return self._placement(
            EndPlacement,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            destination=destination, note=note,
        )  # fmt: skip

    def record_register(
        self, marks: Sequence[RegisterMark], *, on: date, actor: Actor,
        idempotency_key: str | None = None,
    ) -> dict[UUID, PlacementState]:  # fmt: skip
        """Record a day's register across many placements in one transaction.

        All or nothing: if any mark is refused, ``RegisterRefusedError`` lists every refused
        mark and nothing is recorded. With ``idempotency_key``, each mark gets a key derived
        from it (unless it has its own), so a retried register records nothing twice.
        Returns the new state of each placement marked.
        """
        if not isinstance(marks, Sequence) or isinstance(marks, str):
            raise InvalidInputError("The register must be a list of marks.", field="marks")
        if idempotency_key is not None:
            _check_text(idempotency_key, "idempotency_key", "idempotency key")
        context = self._context()
        states: dict[UUID, PlacementState] = {}
        pending: list[Event] = []
        refusals: list[tuple[int, SenadApError]] = []
        current = self._current_from_cache(
            [m.placement_id for m in marks if isinstance(m, RegisterMark)]
        )
        for index, mark in enumerate(marks):
            try:
                if not isinstance(mark, RegisterMark):
                    raise InvalidInputError(
                        f"Mark {index + 1} is not a RegisterMark.", field="marks"
                    )
                if not isinstance(mark.placement_id, UUID) or not isinstance(mark.session, Session):
                    raise InvalidInputError(
                        f"Mark {index + 1} needs a placement id (a UUID) and a session (AM/PM).",
                        field="marks",
                    )
                key = mark.idempotency_key
                if key is None and idempotency_key is not None:
                    key = f"{idempotency_key}:{mark.placement_id}:{mark.session.value}"
                command = RecordAttendance(
                    actor=actor, effective_on=on, idempotency_key=key,
                    placement_id=mark.placement_id, session=mark.session, code=_code(mark.code),
                )  # fmt: skip
                state = (
                    states.get(mark.placement_id)
                    or current.get(mark.placement_id)
                    or self._placement_state(mark.placement_id)
                )
                if self._replayed_version(state, command) is not None:
                    states[mark.placement_id] = state
                    continue
                related = self._related(state, command)
                events = chained(decide_placement(state, command, context, related),
                                 state.chain_hash)  # fmt: skip
                states[mark.placement_id] = _fold(state, events, evolve_placement)
                pending.extend(events)
            except SenadApError as error:
                refusals.append((index, error))
        if refusals:
            raise RegisterRefusedError(tuple(refusals))
        self._save(pending, states.values())
        with self._store_errors():
            revealed = self.personal.reveal_personal(states.values())
        return dict(zip(states, revealed, strict=True))

    # ----------------------------------------------------------------- reading the record
    def get_placement(self, placement_id: UUID, *, reader: Actor) -> PlacementState:
        """The placement as it stands now (personal values revealed, or ``[erased]``)."""
        state = self._placement_state(placement_id)
        self._check_may_read(reader, state)
        return self._revealed(state)

    def placement_history(self, placement_id: UUID, *, reader: Actor) -> tuple[PlacementEvent, ...]:
        """Every decision on the placement's record, oldest first."""
        self.get_placement(placement_id, reader=reader)
        with self._store_errors():
            events: list[PlacementEvent] = list(self.events.get(placement_id))  # type: ignore[arg-type]
            return tuple(self.personal.reveal_personal(events))

    def placement_as_at(
        self, placement_id: UUID, *, reader: Actor, version: int | None = None,
        known_on: date | datetime | None = None,
    ) -> PlacementState:  # fmt: skip
        """The placement as the record stood at ``version``, or at the end of ``known_on``
        (only what had been recorded by then). Give exactly one of the two."""
        current = self.get_placement(placement_id, reader=reader)
        if (version is None) == (known_on is None):
            raise InvalidInputError("Give either a version or a date (known_on), not both.")
        if version is not None:
            if isinstance(version, bool) or not isinstance(version, int) or version < 1:
                raise InvalidInputError("The version must be a whole number from 1.")
            if version > current.version:
                raise InvalidInputError(
                    f"The placement has {current.version} versions; there is no version {version}.",
                    field="version",
                )
            with self._store_errors():
                try:
                    state = self.repository.get(
                        placement_id, version=version, projector_func=_project_placement
                    )
                except AggregateNotFoundError:  # pragma: no cover - checked above
                    state = None
            if not isinstance(state, PlacementState):  # pragma: no cover - checked above
                raise NotFoundError("No such placement.", kind="placement", id=placement_id)
            return self._revealed(state)
        cutoff = _end_of(known_on)
        with self._store_errors():
            events = [e for e in self.events.get(placement_id) if e.timestamp <= cutoff]  # type: ignore[attr-defined]
        if not events:
            raise NotFoundError(
                f"The placement was not yet on the record on {known_on}.",
                kind="placement",
                id=placement_id,
            )
        return self._revealed(_fold(None, events, evolve_placement))

    def get_provider(self, provider_id: UUID) -> ProviderState:
        """A provider's record (providers are shared by the schools of the group)."""
        state = self._load(provider_id, _project_provider, ProviderState)
        if state is None:
            raise NotFoundError("No provider with this id is registered.", kind="provider",
                                id=provider_id)  # fmt: skip
        return state

    def provider_history(self, provider_id: UUID) -> tuple[ProviderEvent, ...]:
        self.get_provider(provider_id)
        with self._store_errors():
            return tuple(self.events.get(provider_id))  # type: ignore[arg-type]

    def get_school(self, school_id: str) -> SchoolState | None:
        """The school's delegations and inspector grants (``None`` if it has recorded none)."""
        _check_text(school_id, "school_id", "school id")
        return self._load(school_aggregate_id(school_id), _project_school, SchoolState)

    # ----------------------------------------------------------------- students
    def get_student(
        self, student_reference: str, *, reader: Actor, school_id: str | None = None
    ) -> StudentState:
        """The student's record: name, date of birth (revealed, or ``[erased]``), placements,
        and when their personal data was erased. ``school_id``: the reader's school if not
        given (an inspector names the school they were granted)."""
        if not isinstance(reader, Actor):
            raise InvalidInputError("The reader must be an Actor.", field="reader")
        school = reader.school_id if school_id is None else school_id
        _check_text(school, "school_id", "school id")
        _check_text(student_reference, "student_reference", "student reference")
        state = self._load(
            student_record_id(school, student_reference), _project_student, StudentState
        )
        if state is None:
            raise NotFoundError(
                f"No student {student_reference!r} is on the school's record.",
                kind="student",
                id=student_reference,
            )
        check_may_read(
            reader,
            school_id=state.school_id,
            school=self.get_school(state.school_id) if reader.role is Role.INSPECTOR else None,
            provider_ids=frozenset(),
            today=self._today(),
        )
        return self._revealed(state)

    def forget_student(
        self, student_reference: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> StudentState:  # fmt: skip
        """Erase a student's personal data at the end of retention (STAT-7): crypto-shredding.

        Records ``StudentForgotten`` on the student and ``PlacementRecordErased`` on each of
        their placements (one transaction), then destroys the student's key. From then on the
        name, date of birth and every note about the student read as ``[erased]`` in every
        state, event, projection, report and export, while the decisions, dates, actors and
        rule ids stay, and ``verify`` still passes. The placements are closed to new decisions.

        Refused (``PolicyViolationError`` STAT-7) before retention ends: registers
        ``policy.register_retention_years`` after the last entry, the SEN file
        ``policy.sen_file_retention_years`` after the date of birth. Only the Head Teacher /
        Head of Service may erase. If a crash came between the event and the key's
        destruction, calling again (with the same idempotency key) finishes the erasure.
        """
        command = self._build(
            ForgetStudent, actor=actor, on=on, idempotency_key=idempotency_key,
            student_reference=student_reference,
        )  # fmt: skip
        student_id = student_record_id(command.actor.school_id, command.student_reference)
        student = self._load(student_id, _project_student, StudentState)
        context = self._context()
        if student is not None and student.forgotten_on is not None:
            with self._store_errors():
                if not self.personal.erased(student_id):
                    self.personal.destroy(student_id, context.recorded_at)
        replayed = self._replayed_version(student, command)
        if replayed is not None:
            return self._revealed(self._at_version(student_id, replayed, StudentState))
        placements: dict[UUID, PlacementState] = {}
        for placement_id in () if student is None else student.placement_ids:
            placement = self._load(placement_id, _project_placement, PlacementState)
            if placement is not None:
                placements[placement_id] = placement
        born_on = None if student is None else self._revealed(student).born_on
        events = decide_forget(student, command, context, placements, born_on)
        before: dict[UUID, Any] = {student_id: student, **placements}
        chained_events: list[Event] = []
        states: list[Any] = []
        for record_id in dict.fromkeys(e.originator_id for e in events):
            mine = chained(
                [e for e in events if e.originator_id == record_id],
                _hash_of(before[record_id]),
            )
            chained_events.extend(mine)
            states.append(_fold(before[record_id], mine, evolve_record))
        self._save(chained_events, states)
        with self._store_errors():
            self.personal.destroy(student_id, context.recorded_at)
        forgotten: StudentState = states[0]
        return self._revealed(forgotten)

    def reveal(self, value: T) -> T:
        """``value`` — any state, event or row read from this store (``state_at_version``,
        ``events_of``, the projections' rows) — with its sealed personal values revealed, or
        ``[erased]`` for a student whose data was erased."""
        with self._store_errors():
            try:
                return self.personal.reveal(value)
            except RecursionError:
                raise InvalidInputError(
                    "The value is nested too deeply, or holds itself.", field="value"
                ) from None

    # ----------------------------------------------------------------- tamper evidence
    def seal(self, *, actor: Actor) -> SealRecord | None:
        """Record a seal: the head of the hash chain over every event in log order so far.

        Run it at intervals (say nightly, and after each register day) and let inspectors keep
        the seals (``seals()``; ``senad-ap seals``). Returns the new seal, or ``None`` when no
        event was recorded since the last one.
        """
        if not isinstance(actor, Actor):
            raise InvalidInputError("The actor must be an Actor.", field="actor")
        state = self._load(SEAL_RECORD_ID, _project_seal, SealState)
        head = "" if state is None else state.head
        count = 0 if state is None else state.events
        last = 0 if state is None else state.last_position
        decisions = 0
        with self._store_errors():
            while True:
                notifications = self.recorder.select_notifications(
                    start=last, limit=1000, inclusive_of_start=False
                )
                if not notifications:
                    break
                for notification in notifications:
                    event: Any = self.mapper.to_domain_event(notification)
                    head = next_head(head, event)
                    count += 1
                    decisions += not isinstance(event, LogSealed)
                last = notifications[-1].id
        if state is not None and not decisions:
            return None  # only seals since the last one: nothing new to seal
        now = self._clock()
        sealed = LogSealed(
            originator_id=SEAL_RECORD_ID,
            originator_version=1 if state is None else state.version + 1,
            timestamp=now, actor=actor, effective_on=now.date(),
            policy_version=self.policy.version, head=head, last_position=last, events=count,
        )  # fmt: skip
        (event,) = chained([sealed], _hash_of(state))
        self._save([event], [evolve_seal(state, event)])
        return SealRecord(last, count, head)

    def seals(self) -> list[SealRecord]:
        """Every seal recorded in this store, oldest first (to export for an inspector)."""
        with self._store_errors():
            return seals_of(self)

    def verify(self, *, kept: Sequence[SealRecord] = ()) -> Verification:
        """Walk the whole store: report every event that no longer matches its hash, every
        record that skips or repeats a version, and every seal (recorded here, or ``kept`` by
        an inspector) the log no longer matches."""
        if not isinstance(kept, list | tuple) or not all(_whole_seal(k) for k in kept):
            raise InvalidInputError(
                "kept must be a list of SealRecord (a position and a count from 0, and a head).",
                field="kept",
            )
        with self._store_errors():
            return verify(self, kept=kept)

    def state_at_version(
        self, aggregate_id: UUID, version: int
    ) -> PlacementState | ProviderState | SchoolState | StudentState | SealState:
        """Any record (placement, provider, school, student) as it stood at ``version``.

        For the projections and tools that work on the whole store: it checks no reader, so
        do not expose it to users who may only see some placements. Personal values stay
        sealed, as stored (``reveal`` shows them).
        """
        if not isinstance(aggregate_id, UUID):
            raise InvalidInputError("An id must be a UUID.", field="id")
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 2**62:
            raise InvalidInputError("The version must be a whole number from 1.", field="version")
        with self._store_errors():
            try:
                state = self.repository.get(
                    aggregate_id, version=version, projector_func=_project_any
                )
            except AggregateNotFoundError:
                state = None
        if not isinstance(
            state, PlacementState | ProviderState | SchoolState | StudentState | SealState
        ):
            raise NotFoundError("No such record.", kind="record", id=aggregate_id)
        return state

    def events_of(self, record_id: UUID) -> tuple[Event, ...]:
        """Every event of any record, oldest first (for projections and tools; no reader
        check; personal values sealed, as stored). Empty if there is no such record."""
        if not isinstance(record_id, UUID):
            raise InvalidInputError("An id must be a UUID.", field="id")
        with self._store_errors():
            return tuple(self.events.get(record_id))  # type: ignore[arg-type]

    def last_position(self) -> int:
        """The position of the latest event in the store's log (0 when it is empty)."""
        with self._store_errors():
            return int(self.recorder.max_notification_id() or 0)

    # ----------------------------------------------------------------- the machinery
    def execute(self, command: Command) -> PlacementState | ProviderState | SchoolState:
        """Run any command object (what the public strategies in ``senad_ap.testing`` make)."""
        if isinstance(command, PlacementCommand):
            return self._run_placement(command)
        if isinstance(command, ProviderCommand):
            return self._run_provider(command)
        if isinstance(command, SchoolCommand):
            return self._run_school(command)
        raise InvalidInputError(f"Not a command: {type(command).__name__}.", field="command")

    def _context(self) -> Context:
        return Context(recorded_at=self._clock(), policy=self.policy)

    def _today(self) -> date:
        return self._clock().date()

    def _new_id(self, kind: str, actor: Actor, key: str | None) -> UUID:
        # A retried "create" with the same key must land on the same record.
        if key is None:
            return uuid4()
        _check_text(key, "idempotency_key", "idempotency key")
        school = actor.school_id if isinstance(actor, Actor) else ""
        return uuid5(_KEYS, f"{kind}\x1f{school}\x1f{key}")

    def _build(self, command_class: type[Any], *, on: date | None, **fields: Any) -> Any:
        try:
            return command_class(
                effective_on=self._today() if on is None else on, on_defaulted=on is None, **fields
            )
        except TypeError as error:
            raise InvalidInputError(f"Missing or unexpected value: {error}") from None

    def _placement(self, command_class: type[PlacementCommand], **fields: Any) -> PlacementState:
        return self._run_placement(self._build(command_class, **fields))

    def _provider(self, command_class: type[ProviderCommand], **fields: Any) -> ProviderState:
        return self._run_provider(self._build(command_class, **fields))

    def _school(self, command_class: type[SchoolCommand], **fields: Any) -> SchoolState:
        return self._run_school(self._build(command_class, **fields))

    def _run_placement(self, command: PlacementCommand) -> PlacementState:
        state = self._load(command.placement_id, _project_placement, PlacementState)
        student_id = _student_of(state, command)
        # Personal values are sealed with the student's key before anything else sees them:
        # the fingerprint, the events, their hashes and the snapshots hold only sealed values.
        sealed, new_key = self._sealed(command, student_id)
        replayed = self._replayed_version(state, sealed)
        if replayed is not None:
            return self._revealed(self._at_version(sealed.placement_id, replayed, PlacementState))
        context = self._context()
        related = self._related(state, sealed)
        student_events: Sequence[Event] = ()
        students: list[StudentState] = []
        with self._revealing_errors():
            events = chained(decide_placement(state, sealed, context, related), _hash_of(state))
            if isinstance(sealed, OpenPlacement) and student_id is not None:
                # The student's record lists the placement, in the same transaction.
                student = self._load(student_id, _project_student, StudentState)
                student_events = chained(
                    decide_student_on_opening(student, sealed, context), _hash_of(student)
                )
                students.append(_fold(student, student_events, evolve_student))
        new_state = _fold(state, events, evolve_placement)
        # STAT-4: a change to who is taught full-time at an unregistered setting is recorded
        # on the provider too, atomically with the placement's decision.
        roll = [
            chained([e], related.providers[e.originator_id].chain_hash)[0]
            for e in full_time_roll_changes(state, new_state, related.providers, sealed, context)
        ]
        providers = [_fold(related.providers[e.originator_id], [e], evolve_provider) for e in roll]
        if new_key is not None and student_id is not None:
            with self._store_errors():
                kept = self.personal.keep(student_id, new_key, context.recorded_at)
            if kept != new_key:  # pragma: no cover - another writer kept this student's key first
                return self._run_placement(command)
        self._save([*events, *student_events, *roll], [new_state, *providers, *students])
        return self._revealed(new_state)

    def _sealed(
        self, command: PlacementCommand, student_id: UUID | None
    ) -> tuple[PlacementCommand, bytes | None]:
        """The command with its personal values sealed, and the key made for it (if new)."""
        if student_id is None or not PersonalData.needs_key(command):
            return command, None
        with self._store_errors():
            key = self.personal.key_of(student_id)
        new_key = None
        if key is None:
            key = new_key = PersonalData.new_key()
        return self.personal.seal(command, student_id, key), new_key

    def _revealed(self, state: S) -> S:
        with self._store_errors():
            return self.personal.reveal_personal([state])[0]

    @contextlib.contextmanager
    def _revealing_errors(self) -> Iterator[None]:
        """A refusal that quotes a sealed value (an unknown criterion) shows the text."""
        try:
            yield
        except SenadApError as error:
            if error.args and isinstance(error.args[0], str):
                with self._store_errors():
                    message = self.personal.reveal_text(error.args[0])
                error.args = (message, *error.args[1:])
            raise

    def _run_provider(self, command: ProviderCommand) -> ProviderState:
        provider_id: UUID = command.provider_id  # type: ignore[attr-defined]
        state = self._load(provider_id, _project_provider, ProviderState)
        replayed = self._replayed_version(state, command)
        if replayed is not None:
            return self._at_version(provider_id, replayed, ProviderState)
        school = self._school_for(command.actor, Authority.HEAD_OR_DELEGATE)
        events = chained(decide_provider(state, command, self._context(), school), _hash_of(state))
        new_state = _fold(state, events, evolve_provider)
        self._save(events, [new_state])
        return new_state

    def _run_school(self, command: SchoolCommand) -> SchoolState:
        state = self.get_school(command.actor.school_id)
        replayed = self._replayed_version(state, command)
        if replayed is not None:
            return self._at_version(
                school_aggregate_id(command.actor.school_id), replayed, SchoolState
            )
        events = chained(decide_school(state, command, self._context()), _hash_of(state))
        new_state = _fold(state, events, evolve_school)
        self._save(events, [new_state])
        return new_state

    def _replayed_version(self, state: Any, command: Command) -> int | None:
        """The version the first use of this command's idempotency key produced, if any."""
        key = command.idempotency_key
        if key is None or state is None:
            return None
        record = state.idempotency.get(key)
        if record is None:
            return None
        if record.fingerprint != fingerprint(command):
            raise IdempotencyConflictError(
                f"The idempotency key {key!r} was already used for a different command; "
                "use a new key for a new decision.",
                field="idempotency_key",
            )
        return int(record.version)

    def _related(self, state: PlacementState | None, command: PlacementCommand) -> Related:
        providers = {}
        for provider_id in providers_needed(state, command):
            provider = self._load(provider_id, _project_provider, ProviderState)
            if provider is not None:
                providers[provider_id] = provider
        needed = AUTHORITY[type(command)][0]
        return Related(providers=providers, school=self._school_for(command.actor, needed))

    def _school_for(self, actor: Actor, needed: Authority) -> SchoolState | None:
        # Only a delegate's authority needs the school's record; skip the read otherwise.
        if needed is Authority.HEAD_OR_DELEGATE and actor.role is Role.SCHOOL_STAFF:
            return self.get_school(actor.school_id)
        return None

    def _check_may_read(self, reader: Actor, state: PlacementState) -> None:
        if not isinstance(reader, Actor):
            raise InvalidInputError("The reader must be an Actor.", field="reader")
        school = self.get_school(state.school_id) if reader.role is Role.INSPECTOR else None
        check_may_read(
            reader,
            school_id=state.school_id,
            school=school,
            provider_ids=state.provider_ids,
            today=self._today(),
            placement_id=state.id,
        )

    def _placement_state(self, placement_id: UUID) -> PlacementState:
        state = self._load(placement_id, _project_placement, PlacementState)
        if state is None:
            raise NotFoundError(
                "No placement with this id is on the record.", kind="placement", id=placement_id
            )
        return state

    def _load(self, aggregate_id: UUID, project: Any, kind: type[S]) -> S | None:
        if not isinstance(aggregate_id, UUID):
            raise InvalidInputError(
                f"An id must be a UUID, not {type(aggregate_id).__name__}.", field="id"
            )
        with self._store_errors():
            try:
                state = self.repository.get(aggregate_id, projector_func=project)
            except (AggregateNotFoundError, _WrongKindError):
                return None
        if not isinstance(state, kind):
            return None
        self._remember(state)
        return state

    def _current_from_cache(self, ids: Iterable[object]) -> dict[UUID, PlacementState]:
        """The cached placements among ``ids`` that are still current, found with one query
        for them all (a day's register: one round trip, not one per placement as
        eventsourcing's fast-forward makes). A placement recorded since it was cached (by
        another process) is left out, and loaded the usual way."""
        cache = self.repository.cache
        if cache is None:
            return {}
        cached: dict[UUID, PlacementState] = {}
        for placement_id in ids:
            if not isinstance(placement_id, UUID) or placement_id in cached:
                continue
            try:
                state = cache.get(placement_id)
            except KeyError:
                continue
            if isinstance(state, PlacementState):
                cached[placement_id] = state
        if not cached:
            return {}
        with self._store_errors():
            moved = self._recorded_since(
                [(placement_id, state.version) for placement_id, state in cached.items()]
            )
        if moved is None:
            return {}
        return {pid: state for pid, state in cached.items() if pid not in moved}

    def _recorded_since(self, versions: Sequence[tuple[UUID, int]]) -> set[UUID] | None:
        """Which of the records have an event after the given version: one query per 500
        records (``None``: this store cannot tell in one query, as in memory)."""
        recorder: Any = self.recorder
        module = type(recorder).__module__
        if module.startswith("eventsourcing.sqlite"):
            table = recorder.events_table_name
            found: set[UUID] = set()
            with recorder.datastore.transaction(commit=False) as cursor:
                for start in range(0, len(versions), 500):
                    chunk = versions[start : start + 500]
                    cursor.execute(
                        f"SELECT originator_id FROM {table} WHERE "  # noqa: S608 - its own name
                        "(originator_id, originator_version) IN "
                        f"(VALUES {', '.join('(?, ?)' for _ in chunk)})",
                        [value for pid, version in chunk for value in (pid.hex, version + 1)],
                    )
                    found.update(UUID(row["originator_id"]) for row in cursor.fetchall())
            return found
        if module.startswith("eventsourcing.postgres"):
            from psycopg.sql import SQL, Identifier

            statement = SQL(
                "SELECT originator_id FROM {schema}.{table} WHERE "
                "(originator_id, originator_version) IN "
                "(SELECT * FROM unnest(%s::uuid[], %s::bigint[]))"
            ).format(
                schema=Identifier(recorder.datastore.schema),
                table=Identifier(recorder.events_table_name),
            )
            with recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(
                    statement,
                    ([pid for pid, _ in versions], [version + 1 for _, version in versions]),
                )
                return {UUID(str(row["originator_id"])) for row in cursor.fetchall()}
        return None

    def _remember(self, state: Any) -> None:
        # eventsourcing fast-forwards a cached state but keeps only mutable aggregates up to
        # date in place; frozen states must be put back, or every load replays from the
        # version first cached and never benefits from snapshots.
        cache = self.repository.cache
        if cache is not None:
            cache.put(state.id, state)

    def _at_version(self, aggregate_id: UUID, version: int, kind: type[S]) -> S:
        project: Any = {
            PlacementState: _project_placement,
            ProviderState: _project_provider,
            SchoolState: _project_school,
            StudentState: _project_student,
        }[kind]
        with self._store_errors():
            state: Any = self.repository.get(aggregate_id, version=version, projector_func=project)
        if not isinstance(state, kind):  # pragma: no cover - the key was found in this record
            raise NotFoundError("No such record.", kind=kind.__name__, id=aggregate_id)
        return state

    def _save(self, events: Sequence[Event], states: Iterable[Any]) -> None:
        if not events:
            return
        with self._store_errors():
            try:
                self.save(*events)
            except IntegrityError:
                raise ConcurrentChangeError(
                    "Someone else changed this record at the same moment, so nothing was "
                    "recorded. Load it again and retry (an idempotency key makes that safe)."
                ) from None
        states = list(states)
        for state in states:
            self._remember(state)
        self._snapshot_if_due(events, states)

    def _snapshot_if_due(self, events: Sequence[Event], states: Iterable[Any]) -> None:
        if self.snapshots is None:
            return
        due = {e.originator_id for e in events if e.originator_version % SNAPSHOT_INTERVAL == 0}
        if not due:
            return
        now = self._clock()
        snapshots = [Snapshot.take(state, now) for state in states if state.id in due]
        # A snapshot only saves replay time: losing one to a race is harmless.
        with contextlib.suppress(PersistenceError, sqlite3.Error):
            self.snapshots.put(snapshots)

    @contextlib.contextmanager
    def _store_errors(self) -> Iterator[None]:
        try:
            yield
        except SenadApError:
            raise
        except IntegrityError:
            raise
        except (PersistenceError, sqlite3.Error) as error:
            raise StoreError(f"The store could not complete the operation: {error}") from None


def _whole_seal(seal: object) -> bool:
    return (
        isinstance(seal, SealRecord)
        and all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0
            for n in (seal.last_position, seal.events)
        )
        and isinstance(seal.head, str)
    )


def _student_of(state: PlacementState | None, command: PlacementCommand) -> UUID | None:
    """The record id of the student a placement command is about (``None``: no such
    placement, which ``decide`` refuses)."""
    if state is not None:
        return student_record_id(state.school_id, state.student_reference)
    if isinstance(command, OpenPlacement):
        return student_record_id(command.actor.school_id, command.student_reference)
    return None


def _with_key(env: dict[str, str], cipher_key: str | None) -> dict[str, str]:
    if cipher_key is not None:
        if not isinstance(cipher_key, str) or not cipher_key:
            raise InvalidInputError("The cipher key must be a non-empty text.", field="cipher_key")
        env["CIPHER_KEY"] = cipher_key
    return env


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_text(value: object, field: str, what: str) -> None:
    if not isinstance(value, str) or not _encodable(value):
        raise InvalidInputError(f"The {what} must be valid text.", field=field)


def _hash_of(state: Any) -> str | None:
    return None if state is None else state.chain_hash


def _tuple(values: Any) -> Any:
    """Lists are accepted where tuples are stored; anything else is checked by the command."""
    return tuple(values) if isinstance(values, list) else values


def _fold(state: S | None, events: Iterable[Any], evolve: Callable[[Any, Any], S]) -> S:
    for event in events:
        state = evolve(state, event)
    if state is None:  # pragma: no cover - decide never returns no events without raising
        raise NotFoundError("Nothing on the record.", kind="record", id="")
    return state


def _end_of(day: date | datetime | None) -> datetime:
    if isinstance(day, datetime):
        return day if day.tzinfo is not None else day.replace(tzinfo=UTC)
    if isinstance(day, date):
        return datetime.combine(day, time.max, tzinfo=UTC)
    raise InvalidInputError("known_on must be a date or a date and time.", field="known_on")
