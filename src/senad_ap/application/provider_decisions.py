"""The provider decisions of ``AlternativeProvision``: registering a provider, the facts about
it that change later, the checks made of it, and the school's contacts with it.

Every provider decision is the Head Teacher's or a recorded delegate's (COMM-1); a contact
with a placement's provider is recorded by the school's staff on the placement (CONTACT-1).
Each method builds its command and hands it to the pipeline (``application.pipeline``) and
returns the record's new state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from senad_ap.application.pipeline import Pipeline
from senad_ap.domain.placement import ContactMethod, PlacementState, RecordProviderContact
from senad_ap.domain.plan import Effectiveness
from senad_ap.domain.provider import (
    AssessProviderRisk,
    ConfirmProviderRegistration,
    ProviderCommand,
    ProviderKind,
    ProviderState,
    RecordProviderAccreditation,
    RecordProviderKind,
    RecordProviderRegistrationLapsed,
    RecordProviderSites,
    RecordProviderStaffing,
    RecordQualityAssuranceVisit,
    RegisterProvider,
    RiskOutcome,
)
from senad_ap.domain.values import Actor

__all__ = ["ProviderDecisions"]


class ProviderDecisions:
    """The provider commands, and contacts with providers (a part of ``AlternativeProvision``)."""

    _pipeline: Pipeline

    def _provider(
        self, command_class: type[ProviderCommand], *, expected_version: int | None,
        **fields: Any,
    ) -> ProviderState:  # fmt: skip
        command = self._pipeline.command(command_class, **fields)
        return self._pipeline.run_provider(command, expected_version)

    def register_provider(
        self, *, name: str, kind: ProviderKind | str, delivers_accredited_education: bool,
        sites: Sequence[str] = (), staffing: str | None = None, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> ProviderState:  # fmt: skip
        """Add a provider (a setting a placement may use). Returns it, with its new ``id``.

        ``staffing``: the staff and qualifications it offers (QUAL-3), where known.
        """
        provider_id = self._pipeline.new_id("provider", actor, idempotency_key)
        return self._provider(
            RegisterProvider,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, provider_id=provider_id,
            name=name, kind=kind, delivers_accredited_education=delivers_accredited_education,
            sites=tuple(sites) if isinstance(sites, list) else sites, staffing=staffing,
        )  # fmt: skip

    def confirm_provider_registration(
        self, provider_id: UUID, *, urn: str, evidence_reference: str, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record that the DfE register was checked on ``on`` and shows ``urn`` (COMM-3)."""
        return self._provider(
            ConfirmProviderRegistration,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, provider_id=provider_id,
            urn=urn, evidence_reference=evidence_reference,
        )  # fmt: skip

    def assess_provider_risk(
        self, provider_id: UUID, *, outcome: RiskOutcome | str, safeguarding_policies_seen: bool,
        staff_checks_confirmed_in_writing: bool, valid_until: date, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record a risk assessment of the setting made on ``on`` (COMM-4)."""
        return self._provider(
            AssessProviderRisk,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, provider_id=provider_id,
            outcome=outcome, safeguarding_policies_seen=safeguarding_policies_seen,
            staff_checks_confirmed_in_writing=staff_checks_confirmed_in_writing,
            valid_until=valid_until,
        )  # fmt: skip

    # ----------------------------------------------------------------- facts that change
    def record_provider_kind(
        self, provider_id: UUID, *, kind: ProviderKind | str, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record that the provider is of ``kind`` from ``on`` (an unregistered setting that
        registered as an independent school, say: its registration can then be confirmed,
        COMM-3). A kind with no DfE registration, or an unregistered one, opens COMM-3 and
        STAT-4 findings at once for placements it now breaks."""
        return self._provider(
            RecordProviderKind,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, provider_id=provider_id, kind=kind,
        )  # fmt: skip

    def record_provider_accreditation(
        self, provider_id: UUID, *, delivers_accredited_education: bool, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record whether the provider delivers accredited education from ``on`` (COMM-3)."""
        return self._provider(
            RecordProviderAccreditation,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, provider_id=provider_id,
            delivers_accredited_education=delivers_accredited_education,
        )  # fmt: skip

    def record_provider_sites(
        self, provider_id: UUID, *, sites: Sequence[str], actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record the provider's sites from ``on``: all of them, replacing the list (LOC-1)."""
        return self._provider(
            RecordProviderSites,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, provider_id=provider_id,
            sites=tuple(sites) if isinstance(sites, list) else sites,
        )  # fmt: skip

    def record_provider_staffing(
        self, provider_id: UUID, *, staffing: str, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record the provider's staffing and staff qualifications from ``on`` (QUAL-3): a
        QUAL-3 finding for its placements closes."""
        return self._provider(
            RecordProviderStaffing,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, provider_id=provider_id, staffing=staffing,
        )  # fmt: skip

    def record_provider_registration_lapsed(
        self, provider_id: UUID, *, evidence_reference: str, actor: Actor,
        on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record that the provider's DfE registration lapsed (or was withdrawn) on ``on``.

        From then on COMM-3 and STAT-4 do not count it as registered: placements there that
        deliver accredited education (COMM-3), or teach a student with an EHC plan or who is
        looked after full-time (STAT-4), get a finding at once, and starting a placement there
        or revising a running one that uses it is refused, until
        ``confirm_provider_registration`` records it registered again.
        """
        return self._provider(
            RecordProviderRegistrationLapsed,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, provider_id=provider_id,
            evidence_reference=evidence_reference,
        )  # fmt: skip

    # ----------------------------------------------------------------- monitoring
    def record_quality_assurance_visit(
        self, provider_id: UUID, *, effectiveness: Effectiveness | str, summary: str,
        actor: Actor, on: date | None = None, idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> ProviderState:  # fmt: skip
        """Record a quality-assurance visit to the provider on ``on`` (COMM-9): how effective
        the provision was found, and a summary (about the provider: it is not sealed, so name
        no student in it)."""
        return self._provider(
            RecordQualityAssuranceVisit,
            actor=actor, on=on, idempotency_key=idempotency_key,
            expected_version=expected_version, provider_id=provider_id,
            effectiveness=effectiveness, summary=summary,
        )  # fmt: skip

    def record_provider_contact(
        self, placement_id: UUID, *, provider_id: UUID, method: ContactMethod | str,
        contact_with: str, note: str | None = None, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PlacementState:  # fmt: skip
        """Record a contact with one of the placement's providers on ``on`` (CONTACT-1): how
        (``method``), with whom, and a note. ``contact_with`` and ``note`` are about the
        student: they are sealed with the student's key like every note. School staff only;
        not dated after today."""
        command = self._pipeline.command(
            RecordProviderContact,
            actor=actor, on=on, idempotency_key=idempotency_key, placement_id=placement_id,
            provider_id=provider_id, method=method, contact_with=contact_with, note=note,
        )  # fmt: skip
        return self._pipeline.run_placement(command, expected_version)
