"""Tamper evidence on ``AlternativeProvision``: recording seals (signed with the school group's
key when one is given), exporting them, and ``verify`` (see ``application.integrity``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from senad_ap.application.integrity import (
    SealRecord,
    Verification,
    check_kept,
    record_seal,
    seals_of,
    verify,
)
from senad_ap.application.pipeline import Pipeline
from senad_ap.application.records import Records, store_errors
from senad_ap.application.signing import SigningKeys, create_signing_key
from senad_ap.domain.values import Actor, PolicyParameters

__all__ = ["Sealing"]


class Sealing:
    """Seals and ``verify`` (a part of ``AlternativeProvision``)."""

    _records: Records
    _keys: SigningKeys
    _pipeline: Pipeline
    _clock: Callable[[], datetime]
    policy: PolicyParameters

    @staticmethod
    def create_signing_key() -> tuple[str, str]:
        """A new Ed25519 key pair for signing seals: (the private key, for the process that
        seals, kept like ``CIPHER_KEY``; the public key, for inspectors and ``verify``)."""
        return create_signing_key()

    # ----------------------------------------------------------------- tamper evidence
    def seal(self, *, actor: Actor) -> SealRecord | None:
        """Record a seal: the head of the hash chain over every event in log order so far.

        Run it at intervals (say nightly, and after each register day) and let inspectors keep
        the seals (``seals()``; ``senad-ap seals``). Returns the new seal, or ``None`` when no
        event was recorded since the last one.
        """
        policy = self._pipeline.policy_on(self._clock().date())
        return record_seal(
            self._records, actor=actor, clock=self._clock, policy=policy, keys=self._keys
        )

    def seals(self) -> list[SealRecord]:
        """Every seal recorded in this store, oldest first (to export for an inspector). No
        reader: a seal holds log positions, hashes and signatures, no personal data."""
        with store_errors():
            return seals_of(self._records)

    def verify(
        self, *, kept: Sequence[SealRecord] = (), public_key: str | None = None
    ) -> Verification:
        """Walk the whole store: report every event that no longer matches its hash, every
        record that skips or repeats a version, every snapshot that differs from its events,
        and every seal (recorded here, or ``kept`` by an inspector) the log no longer matches.

        With the school group's public key (``public_key``, or the store's signing keys),
        every recorded seal must carry its valid signature: a log rewritten with recomputed
        seals then fails without any kept seal. Without it, a rewrite of the whole store
        with its seals recomputed is caught only by seals kept outside the store."""
        kept = check_kept(kept)
        keys = self._keys if public_key is None else SigningKeys.from_text(None, public_key)
        with store_errors():
            return verify(self._records, kept=kept, keys=keys)
