"""The versions of the school group's policy (POL-1), a part of ``AlternativeProvision``.

Recording a version (``record_policy_version``) puts it on the group's policy record
(``domain.policy``); from the day it comes into force every decision is checked against its
numbers and carries its name as ``policy_version``. The version in force before any is
recorded is the application's own ``policy`` (``AlternativeProvision(policy=...)``).
"""

from __future__ import annotations

from datetime import date

import attrs

from senad_ap.application.pipeline import Pipeline
from senad_ap.domain.policy import (
    PolicyState,
    PolicyVersion,
    RecordPolicyVersion,
    built_in_version,
)
from senad_ap.domain.validation import check_type
from senad_ap.domain.values import POLICY_VERSION, Actor, PolicyParameters
from senad_ap.errors import InvalidInputError

__all__ = ["PolicyVersions"]


class PolicyVersions:
    """The policy's versions (a part of ``AlternativeProvision``)."""

    _pipeline: Pipeline
    policy: PolicyParameters

    def record_policy_version(
        self, version: str, *, ratified_on: date, review_due_on: date,
        parameters: PolicyParameters | None = None, actor: Actor, on: date | None = None,
        idempotency_key: str | None = None, expected_version: int | None = None,
    ) -> PolicyState:  # fmt: skip
        """Record a new version of the policy, ratified on ``ratified_on``, in force from
        ``on`` (the ratification day if not given), its review due on ``review_due_on``
        (POL-1). Only the Head Teacher / Head of Service records it.

        ``version``: its name, e.g. ``"section 7, version 7"`` (a name not already recorded).
        ``parameters``: its numbers (full-time hours, the longest review interval …); left
        out, the numbers of the version in force when it comes in stay. Their own ``version``
        is set to ``version`` (give the same name, or leave the default). From ``on``, every
        decision taking effect that day or later is checked against these numbers and carries
        ``version``; POL-1 (the version in force is past its review date) closes that day.
        Returns the policy record (``versions``: every recorded version).

            app.record_policy_version(
                "section 7, version 7", ratified_on=date(2026, 1, 14),
                review_due_on=date(2026, 12, 31), actor=head,
            )
        """
        if not isinstance(version, str):
            raise InvalidInputError("A policy version's name is text.", field="version")
        if on is None and not isinstance(ratified_on, date):
            raise InvalidInputError("The day the version was ratified must be a date.",
                                    field="ratified_on")  # fmt: skip
        when = ratified_on if on is None else on
        if parameters is None:
            parameters = self._pipeline.policy_on(when) if isinstance(when, date) else self.policy
        elif not isinstance(parameters, PolicyParameters):
            raise InvalidInputError("The policy's numbers must be PolicyParameters.",
                                    field="parameters")  # fmt: skip
        elif parameters.version not in (version, POLICY_VERSION):
            raise InvalidInputError(
                f"The parameters are named {parameters.version!r}, not {version!r}: give the "
                "version's name once, as version.",
                field="parameters",
            )
        command = self._pipeline.command(
            RecordPolicyVersion, on=when, actor=actor, idempotency_key=idempotency_key,
            parameters=attrs.evolve(parameters, version=version), ratified_on=ratified_on,
            review_due_on=review_due_on,
        )  # fmt: skip
        return self._pipeline.run_policy(command, expected_version)

    def policy_in_force(self, *, on: date | None = None) -> PolicyVersion:
        """The policy version in force on ``on`` (today if not given), as the record stands:
        its numbers (``parameters``), name, ratification, and review date (POL-1)."""
        if on is not None:
            check_type(on, "day", date, "on")
        return self._pipeline.policy_version_on(self._pipeline.today() if on is None else on)

    def policy_versions(self) -> tuple[PolicyVersion, ...]:
        """Every version: the built-in one (the application's ``policy``), then each recorded
        version in the order it was recorded."""
        state = self._pipeline.policy_record()
        recorded = () if state is None else state.versions
        return (built_in_version(self.policy), *recorded)
