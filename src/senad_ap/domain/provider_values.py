"""The provider record's vocabulary: its kinds, risk assessments, quality-assurance visits and
DfE numbers, and the bases of its events and commands.

Kept apart from ``domain.provider`` (which holds the stored event classes, whose module is part
of their stored topic and of every event's hash) so that the commands and the later facts
(``domain.provider_facts``) can use them without an import cycle.
"""

from __future__ import annotations

import enum
import re
from datetime import date, timedelta
from typing import cast

import attrs

from senad_ap.domain.base import Command, Event
from senad_ap.domain.plan import Effectiveness
from senad_ap.domain.validation import enum_text
from senad_ap.errors import InvalidInputError

__all__ = [
    "MAX_RISK_ASSESSMENT_VALIDITY",
    "ProviderCommand",
    "ProviderEvent",
    "ProviderKind",
    "QualityAssuranceVisit",
    "RiskAssessment",
    "RiskOutcome",
    "check_dfe_number",
]

#: The longest a risk assessment may be relied on; the school group reviews settings yearly.
MAX_RISK_ASSESSMENT_VALIDITY = timedelta(days=366)
# A URN (the DfE's Unique Reference Number of a school or college, as Get Information about
# Schools shows it) has exactly 6 digits; a UKPRN (the UK Register of Learning Providers'
# number, used for FE colleges and training providers) exactly 8.
_URN = re.compile(r"[0-9]{6}")
_UKPRN = re.compile(r"[0-9]{8}")


class ProviderKind(enum.Enum):
    SCHOOL_ITSELF = "the school itself"
    FE_COLLEGE = "further education college"
    SCHOOL = "school"
    REGISTERED_INDEPENDENT = "registered independent provider"
    UNREGISTERED = "unregistered provider"
    #: The school group's allied children's home (LOC-2, LOC-3): not an outside delivery
    #: party, but a setting of its own whose risk assessment COMM-4 checks.
    CHILDRENS_HOME = "the allied children's home"

    @property
    def can_be_registered(self) -> bool:
        """The kinds COMM-3 accepts for accredited education, with a DfE number to check."""
        return self in (
            ProviderKind.FE_COLLEGE,
            ProviderKind.SCHOOL,
            ProviderKind.REGISTERED_INDEPENDENT,
        )

    @property
    def is_outside(self) -> bool:
        """An outside delivery party (INFO-2): anyone but the school itself and its home."""
        return self not in (ProviderKind.SCHOOL_ITSELF, ProviderKind.CHILDRENS_HOME)

    @property
    def needs_risk_assessment(self) -> bool:
        """COMM-4: every setting away from the school's own site, the children's home too."""
        return self is not ProviderKind.SCHOOL_ITSELF


class RiskOutcome(enum.Enum):
    SATISFACTORY = "safe for the student to learn"
    UNSATISFACTORY = "not safe"


@attrs.frozen(slots=False, kw_only=True)
class ProviderEvent(Event):
    pass


@attrs.frozen(kw_only=True)
class ProviderCommand(Command):
    pass


@attrs.frozen
class RiskAssessment:
    outcome: RiskOutcome
    safeguarding_policies_seen: bool
    staff_checks_confirmed_in_writing: bool
    assessed_on: date
    valid_until: date

    def shows_safe_on(self, day: date) -> bool:
        return (
            self.outcome is RiskOutcome.SATISFACTORY
            and self.safeguarding_policies_seen
            and self.staff_checks_confirmed_in_writing
            and self.assessed_on <= day <= self.valid_until
        )


@attrs.frozen
class QualityAssuranceVisit:
    """The latest quality-assurance visit to a provider (COMM-9)."""

    visited_on: date
    effectiveness: Effectiveness
    summary: str


# Enumerated values may be given as the member or as its text (``"AM"``, ``"parents"``):
# named converters, so that type checkers see the text accepted too.


_PROVIDER_KIND_TEXT = enum_text(ProviderKind)


def as_provider_kind(value: ProviderKind | str) -> ProviderKind:
    return cast(ProviderKind, _PROVIDER_KIND_TEXT(value))


_RISK_OUTCOME_TEXT = enum_text(RiskOutcome)


def as_risk_outcome(value: RiskOutcome | str) -> RiskOutcome:
    return cast(RiskOutcome, _RISK_OUTCOME_TEXT(value))


_EFFECTIVENESS_TEXT = enum_text(Effectiveness)


def as_effectiveness(value: Effectiveness | str) -> Effectiveness:
    return cast(Effectiveness, _EFFECTIVENESS_TEXT(value))


def check_dfe_number(urn: str) -> None:
    """A DfE number is a URN of exactly 6 digits or a UKPRN of exactly 8 (COMM-3)."""
    if _URN.fullmatch(urn) or _UKPRN.fullmatch(urn):
        return
    if urn.isdigit() and len(urn) == 7:
        problem = "has 7 digits: a URN has exactly 6 and a UKPRN exactly 8"
    else:
        problem = "is neither a URN (exactly 6 digits) nor a UKPRN (exactly 8 digits)"
    raise InvalidInputError(f"The DfE number (URN or UKPRN) {urn!r} {problem}.", field="urn")
