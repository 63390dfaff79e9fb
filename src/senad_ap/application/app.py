"""``AlternativeProvision``: the application a school system embeds — a thin facade.

Each public method builds a command or asks for a read, in a few lines, and hands it to the
room that does the work:

- ``application.stores``: opening a store (environment, cipher, the SQLite statement cache);
- ``application.pipeline``: one command from load to save (idempotency, personal data, the
  expected version, the pure decision, the hash chain, the STAT-4 roll), and a day's register;
- ``application.placement_decisions``: the placement commands' methods;
- ``application.policy_versions``: the policy's versions (POL-1);
- ``application.reading``: reads, reader checks and as-at;
- ``application.erasure``: erasure at the end of retention;
- ``application.integrity``: seals and ``verify``;
- ``application.records``: the store's repository, cache, snapshots and saving.

Every library error is translated into the project's own, so an embedding system sees only
``senad_ap.errors``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time as time_module
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import Application, Repository
from eventsourcing.domain import EventSourcingError
from eventsourcing.persistence import (
    ApplicationRecorder,
    InfrastructureFactory,
    Mapper,
    Transcoder,
)
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.utils import Environment

from senad_ap.application import stores
from senad_ap.application.codec import JSONBytes, Snapshot, TypedMapper, plain_rows
from senad_ap.application.erasure import forget
from senad_ap.application.personal import PersonalData
from senad_ap.application.pipeline import Pipeline, RegisterMark
from senad_ap.application.placement_decisions import PlacementDecisions
from senad_ap.application.policy_versions import PolicyVersions
from senad_ap.application.provider_decisions import ProviderDecisions
from senad_ap.application.reading import Reading, check_reader
from senad_ap.application.records import AnyState, CheckedRepository, Records, store_errors
from senad_ap.application.sealing import Sealing
from senad_ap.application.signing import SigningKeys
from senad_ap.application.store_format import StoreFormat, format_record_for
from senad_ap.application.stores import DEFAULT_SQLITE_FILE
from senad_ap.application.student_facts import StudentFacts, record_fact
from senad_ap.domain.authority import FullAccess, Reader
from senad_ap.domain.base import Command, Event
from senad_ap.domain.placement import PlacementEvent, PlacementState
from senad_ap.domain.policy import PolicyState
from senad_ap.domain.provider import ProviderEvent, ProviderState
from senad_ap.domain.school import (
    AppointDelegate,
    GrantInspectorAccess,
    RecordTerm,
    RevokeDelegation,
    RevokeInspectorAccess,
    SchoolCommand,
    SchoolState,
)
from senad_ap.domain.student import ForgetStudent, StudentState
from senad_ap.domain.student_facts import StudentFactCommand
from senad_ap.domain.values import Actor, PolicyParameters
from senad_ap.errors import InvalidInputError, NotFoundError, SenadApError, StoreError

__all__ = ["DEFAULT_SQLITE_FILE", "AlternativeProvision", "RegisterMark"]

T = TypeVar("T")


class AlternativeProvision(
    PlacementDecisions,
    ProviderDecisions,
    StudentFacts,
    PolicyVersions,
    Sealing,
    Application[UUID],
):
    """The record of a school group's alternative provision decisions.

    Open a store explicitly::

        app = AlternativeProvision.sqlite("senad_ap.sqlite")   # the embedded default
        app = AlternativeProvision.in_memory()                  # tests and trials
        app = AlternativeProvision.from_environment()           # eventsourcing's variables

    Every command method takes ``actor`` (who decides) and ``on`` (the day it takes effect,
    today if omitted), and may take ``idempotency_key`` (a retried call with the same key
    records nothing more and returns what the first call returned) and ``expected_version``
    (the record's version when the caller loaded it: if it has moved on since, the command is
    refused with ``ConcurrentChangeError``). Command methods return the record's new state;
    refusals raise ``senad_ap.errors`` exceptions and record nothing.
    """

    env = dict(stores.DEFAULTS)  # noqa: RUF012 - eventsourcing reads it as the lowest defaults
    snapshot_class = Snapshot
    #: The store's format: checked when it is opened, recorded on the first write.
    store_format: StoreFormat

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        policy: PolicyParameters | None = None,
        signing_key: str | None = None,
        public_key: str | None = None,
    ) -> None:
        # Seals are signed with the school group's key (never stored beside the data): given
        # here, or SENAD_AP_SIGNING_KEY / SENAD_AP_SIGNING_KEY_FILE / SENAD_AP_PUBLIC_KEY.
        self._keys = (
            SigningKeys.from_environment()
            if signing_key is None and public_key is None
            else SigningKeys.from_text(signing_key, public_key)
        )
        self._clock = clock or (lambda: datetime.now(UTC))
        self.policy = policy or PolicyParameters()
        self._explicit = dict(env or {})
        try:
            super().__init__(env)
            if isinstance(self.mapper, TypedMapper):
                # A row it cannot read without a key: altered, or the store is encrypted.
                self.mapper.plain_store = plain_rows(self.recorder)
            #: The students' own keys, beside the events (see ``application.personal``).
            self.personal = PersonalData(
                stores.student_keys_for(self.recorder), cipher=self.mapper.cipher
            )
        except SenadApError:
            raise
        except (
            EventSourcingError, OSError, sqlite3.Error, ValueError, ImportError, AttributeError,
        ) as error:  # fmt: skip
            raise StoreError(f"The store could not be opened: {error}") from None
        self._records = Records(self, self._clock, before_write=self.store_format.ensure)
        #: The students this object erased (record id, hex → reference).
        self._erasing: dict[str, str] = {}
        self._pipeline = Pipeline(self._records, self.personal, self._clock, self.policy)
        self._reading = Reading(
            self._records, self.personal, self._clock, self._pipeline.secret.student_id
        )

    # ----------------------------------------------------------------- eventsourcing's hooks
    def construct_factory(self, env: Environment) -> InfrastructureFactory[Any]:
        """eventsourcing's factory; on SQLite, its connections keep a statement cache (see
        ``senad_ap.application.stores``)."""
        factory = super().construct_factory(env)
        datastore = getattr(factory, "datastore", None)
        if isinstance(datastore, SQLiteDatastore):
            stores.use_statement_cache(datastore)
        return factory

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """eventsourcing's environment, corrected (see ``stores.environment``)."""
        return Environment(name, stores.environment(super().construct_env(name, env), name,
                                                    self._explicit))  # fmt: skip

    def construct_recorder(self) -> ApplicationRecorder:
        """eventsourcing's recorder, once the store's format is known to be one this library
        reads: a store written by a newer version is refused (``StoreFormatError``) before
        anything, even a table, is created in it (see ``application.store_format``)."""
        try:
            self.store_format = StoreFormat.open(format_record_for(self.factory), self._clock)
        except BaseException:
            self.factory.close()
            raise
        return super().construct_recorder()

    def construct_repository(self) -> Repository[UUID]:
        """eventsourcing's repository, checking each snapshot before it starts from it."""
        return CheckedRepository.checking(super().construct_repository())

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=TypedMapper)

    def construct_transcoder(self) -> Transcoder:
        return JSONBytes()

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
        return cls(stores.in_memory_settings(cipher_key), **options)

    @classmethod
    def sqlite(
        cls, path: str | os.PathLike[str], *, cipher_key: str | None = None, **options: Any
    ) -> AlternativeProvision:
        """A SQLite file, created if it does not exist: the embedded default.

        ``cipher_key`` (or the ``CIPHER_KEY`` environment variable) encrypts every event and
        snapshot at rest (see ``create_cipher_key``)."""
        return cls(stores.sqlite_settings(path, cipher_key), **options)

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
        env = stores.postgres_settings(
            dbname, user=user, password=password, host=host, port=port, schema=schema,
            cipher_key=cipher_key,
        )  # fmt: skip
        for attempt in range(4):
            try:
                return cls(dict(env), **options)
            except StoreError as error:
                if not stores.is_startup_race(error):
                    raise
                time_module.sleep(0.05 * (attempt + 1))
        return cls(dict(env), **options)

    @classmethod
    def from_environment(cls, **options: Any) -> AlternativeProvision:
        """Configured by eventsourcing's variables (``PERSISTENCE_MODULE``, ``SQLITE_DBNAME``,
        ``POSTGRES_*`` …); without them, the SQLite file ``senad_ap.sqlite``."""
        return cls(None, **options)

    # ----------------------------------------------------------------- school decisions
    def appoint_delegate(
        self, delegate_id: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> SchoolState:  # fmt: skip
        """Record that ``delegate_id`` holds the Head Teacher's authority (COMM-1, PLAN-3)."""
        return self._school(
            AppointDelegate,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, delegate_id=delegate_id,
        )  # fmt: skip

    def revoke_delegation(
        self, delegate_id: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> SchoolState:  # fmt: skip
        """Take back the Head Teacher's authority from ``delegate_id`` from ``on``."""
        return self._school(
            RevokeDelegation,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, delegate_id=delegate_id,
        )  # fmt: skip

    def grant_inspector_access(
        self, inspector_id: str, *, until: date, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> SchoolState:  # fmt: skip
        """Let an inspector read this school's placements until ``until`` (inclusive)."""
        return self._school(
            GrantInspectorAccess,
            actor=actor, on=on, idempotency_key=idempotency_key, expected_version=expected_version,
            inspector_id=inspector_id, until=until,
        )  # fmt: skip

    def revoke_inspector_access(
        self, inspector_id: str, *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> SchoolState:  # fmt: skip
        """End an inspector's access to this school's placements from ``on``."""
        return self._school(
            RevokeInspectorAccess,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, inspector_id=inspector_id,
        )  # fmt: skip

    def record_term(
        self, name: str, *, starts_on: date, ends_on: date,
        half_term_starts_on: date | None = None, half_term_ends_on: date | None = None,
        actor: Actor, on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> SchoolState:  # fmt: skip
        """Record a term of the school's year with its half-term break (its first and last
        day), or a half term as a term of its own: the register days (COMM-6), the half terms
        of the half-termly review (STAT-3) and the school weeks reviews are counted in
        (COMM-5), e.g. ``record_term("Autumn 2025", starts_on=date(2025, 9, 3),
        ends_on=date(2025, 12, 19), half_term_starts_on=date(2025, 10, 27),
        half_term_ends_on=date(2025, 10, 31), actor=head)``."""
        return self._school(
            RecordTerm,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, name=name,
            starts_on=starts_on, ends_on=ends_on,
            half_term_starts_on=half_term_starts_on, half_term_ends_on=half_term_ends_on,
        )  # fmt: skip

    def _school(
        self, command_class: type[SchoolCommand], *, expected_version: int | None, **fields: Any
    ) -> SchoolState:
        command = self._pipeline.command(command_class, **fields)
        return self._pipeline.run_school(command, expected_version)

    # ----------------------------------------------------------------- a day's register
    def record_register(
        self, marks: Sequence[RegisterMark], *, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None,
    ) -> dict[UUID, PlacementState]:  # fmt: skip
        """Record a day's register across many placements in one transaction.

        All or nothing: if any mark is refused, ``RegisterRefusedError`` lists every refused
        mark (numbered from 1, as in its message) and nothing is recorded. With
        ``idempotency_key``, each mark gets a key derived from it (unless it has its own), so
        a retried register records nothing twice. A mark's ``expected_version`` refuses it if
        its placement moved on since the register was loaded. Returns the new state of each
        placement marked.
        """
        day = self._pipeline.today() if on is None else on
        return self._pipeline.register(marks, on=day, actor=actor, idempotency_key=idempotency_key)

    def execute(
        self, command: Command, *, expected_version: int | None = None
    ) -> PlacementState | ProviderState | SchoolState | StudentState | PolicyState:
        """Run any command object (what the public strategies in ``senad_ap.testing`` make)."""
        if isinstance(command, StudentFactCommand):
            return record_fact(self._pipeline, command, expected_version)
        return self._pipeline.run(command, expected_version)

    # ----------------------------------------------------------------- reading the record
    def get_placement(self, placement_id: UUID, *, reader: Actor) -> PlacementState:
        """The placement as it stands now (personal values revealed, or ``[erased]``)."""
        return self._reading.placement(placement_id, reader)

    def placement_history(self, placement_id: UUID, *, reader: Actor) -> tuple[PlacementEvent, ...]:
        """Every decision on the placement's record, oldest first."""
        return self._reading.placement_history(placement_id, reader)

    def placement_as_at(
        self, placement_id: UUID, *, reader: Actor, version: int | None = None,
        known_on: date | datetime | None = None,
    ) -> PlacementState:  # fmt: skip
        """The placement as the record stood at ``version``, or at the end of ``known_on``
        (only what had been recorded by then). Give exactly one of the two."""
        return self._reading.placement_as_at(placement_id, reader, version, known_on)

    def get_provider(self, provider_id: UUID, *, reader: Actor) -> ProviderState:
        """A provider's record (providers are shared by the schools of the group: staff of any
        school read it, provider staff their own provider's, inspectors while granted). Its
        full-time roll (``full_time_pupils``) lists only the placements ``reader`` may read."""
        return self._reading.provider(provider_id, reader)

    def provider_history(self, provider_id: UUID, *, reader: Actor) -> tuple[ProviderEvent, ...]:
        """Every decision on the provider's record, oldest first, without the full-time roll's
        entries for placements ``reader`` may not read."""
        return self._reading.provider_history(provider_id, reader)

    def get_school(self, school_id: str, *, reader: Actor) -> SchoolState | None:
        """The school's delegations, inspector grants and terms (``None`` if it has recorded
        none), for its Head and staff, and inspectors it granted access to."""
        return self._reading.school_for(school_id, reader)

    def get_student(
        self, student_reference: str, *, reader: Actor, school_id: str | None = None
    ) -> StudentState:
        """The student's record: name, date of birth (revealed, or ``[erased]``), placements,
        and when their personal data was erased. ``school_id``: the reader's school if not
        given (an inspector names the school they were granted)."""
        return self._reading.student(student_reference, reader, school_id)

    # ----------------------------------------------------------------- personal data
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

        If another connection was reading the SQLite file (or the PostgreSQL key table) at
        that moment, an old copy of the key may stay in the store's files until it has
        finished: the student is then listed in ``erasures_waiting`` until
        ``finish_erasures`` (also run by ``close``) clears it.

        Refused (``PolicyViolationError`` STAT-7) before retention ends: registers
        ``policy.register_retention_years`` after the last entry, the SEN file
        ``policy.sen_file_retention_years`` after the date of birth. Only the Head Teacher /
        Head of Service may erase. If a crash came between the event and the key's
        destruction, calling again (with the same idempotency key) finishes the erasure.
        """
        command = self._pipeline.command(
            ForgetStudent, actor=actor, on=on, idempotency_key=idempotency_key,
            student_reference=student_reference,
        )  # fmt: skip
        forgotten = forget(self._pipeline, command)
        self._erasing[forgotten.id.hex] = forgotten.student_reference
        return forgotten

    @property
    def erasures_waiting(self) -> tuple[str, ...]:
        """The students (references) erased by this object whose destroyed key may still sit
        in the store's files, because another connection was reading at the time."""
        waiting = self.personal.waiting
        return tuple(sorted(ref for hex_id, ref in self._erasing.items() if hex_id in waiting))

    def finish_erasures(self) -> tuple[str, ...]:
        """Clear old copies of destroyed keys from the store's files (SQLite: fold the
        write-ahead log back into the file and empty it; PostgreSQL: ``VACUUM FULL`` the key
        table). Returns ``erasures_waiting``: empty once done, else still held by a reader."""
        with store_errors():
            self.personal.settle()
        return self.erasures_waiting

    def close(self) -> None:
        """Finish erasures still waiting (``finish_erasures``, if it can) and close the store."""
        personal = getattr(self, "personal", None)
        if personal is not None and personal.waiting:
            with contextlib.suppress(StoreError):
                self.finish_erasures()
        super().close()

    def reveal(self, value: T) -> T:
        """``value`` — any state, event or row read from this store (``state_at_version``,
        ``events_of``, the projections' rows) — with its sealed personal values revealed, or
        ``[erased]`` for a student whose data was erased."""
        return self._reading.reveal(value)

    # ----------------------------------------------------------------- the whole store
    def state_at_version(self, aggregate_id: UUID, version: int, *, reader: Reader) -> AnyState:
        """Any record (placement, provider, school, student, seal, policy) as it stood at
        ``version``, if ``reader`` may read the record now, by the rules of ``get_placement``,
        ``get_provider`` (the full-time roll cut to what ``reader`` may read), ``get_school``
        and ``get_student``; seals and the policy record hold no personal data: anyone reads
        them. ``FULL_ACCESS`` (projections, tools on the whole store) reads any record.
        Personal values stay sealed, as stored (``reveal`` shows them).
        """
        if not isinstance(aggregate_id, UUID):
            raise InvalidInputError("An id must be a UUID.", field="id")
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 2**62:
            raise InvalidInputError("The version must be a whole number from 1.", field="version")
        check_reader(reader)
        if not isinstance(reader, FullAccess):
            # Checked on the record now, before saying whether that version exists.
            current = self._records.any_at_version(aggregate_id, None)
            if current is not None:
                self._reading.checked_record(reader, current)
        state = self._records.any_at_version(aggregate_id, version)
        if state is None:
            raise NotFoundError(
                f"No record {aggregate_id} has a version {version}.", kind="record",
                id=aggregate_id,
            )  # fmt: skip
        # A provider's roll at that version, cut to the placements ``reader`` may read.
        return self._reading.checked_record(reader, state)

    def events_of(self, record_id: UUID, *, reader: Reader) -> tuple[Event, ...]:
        """Every event of any record, oldest first, if ``reader`` may read the record (the
        rules of ``state_at_version``; a provider's full-time roll entries for placements
        ``reader`` may not read are left out; ``FULL_ACCESS``: projections and tools read
        every event). Personal values sealed, as stored. Empty if there is no such record."""
        if not isinstance(record_id, UUID):
            raise InvalidInputError("An id must be a UUID.", field="id")
        return self._reading.events_of(record_id, reader)

    def last_position(self) -> int:
        """The position of the latest event in the store's log (0 when it is empty)."""
        return self._records.last_position()
