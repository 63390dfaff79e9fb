"""The rule catalogue: every rule id the library cites, with the words behind it (issue 16).

Each refusal (``PolicyViolationError.rule``) and each compliance finding (``FindingRow.rule``)
names a rule by id; ``rule(rule_id)`` gives the ``Rule``: its force, the policy's own sentence
(or the statute's words) and where it comes from, the evidence on the record that meets it,
and the commands and findings that apply it. ``all_rules()`` gives them all, in catalogue
order. The catalogue is the package's data file ``catalogue.toml``; docs/rules.md is generated
from it (``python -m senad_ap.rules.docs``).
"""

from __future__ import annotations

import enum
import tomllib
from functools import cache
from importlib import resources
from typing import Any

import attrs

from senad_ap.errors import InvalidInputError

__all__ = ["Force", "Origin", "Rule", "all_rules", "rule"]


class Force(enum.Enum):
    """What breaking a rule does."""

    #: ``must`` / ``cannot`` / ``will only``: the command is refused, nothing is recorded.
    GUARD = "guard"
    #: ``should`` / ``will``: the decision is recorded; the compliance projection reports the gap.
    FINDING = "finding"
    #: What the policy's words mean: applied where the record is shaped, not checked alone.
    DEFINITION = "definition"
    #: A fact the record keeps (the policy version, retention periods).
    FACT = "fact"


class Origin(enum.Enum):
    """Where a rule comes from."""

    POLICY = "policy"  # the school group's policy, section 7, version 6
    STATUTE = "statute"  # law or DfE guidance (the catalogue's statutory facts, STAT-*)
    PROJECT = "project"  # defined by this project from a statute (NOTIFY-*)


@attrs.frozen
class Rule:
    """One rule of the catalogue.

    ``id`` (``"PLAN-2"``); ``force``; ``modal``, the policy's (or the law's) own verb;
    ``origin``; ``short``, the rule in short; ``sentence``, the policy's own words, quoted (for
    a statutory fact or a rule of our own, the rule in this project's words); ``source``, the
    policy's heading and paragraph, or the statute or guidance; ``evidence``, what on the
    record meets it; ``applied_by``, the commands and findings that apply it.
    """

    id: str
    force: Force
    modal: str
    origin: Origin
    short: str
    sentence: str
    source: str
    evidence: str
    applied_by: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.id}: {self.short}"


def _rule_of(entry: dict[str, Any]) -> Rule:
    return Rule(
        id=entry["id"],
        force=Force(entry["force"]),
        modal=entry["modal"],
        origin=Origin(entry["origin"]),
        short=entry["short"],
        sentence=entry["sentence"],
        source=entry["source"],
        evidence=entry["evidence"],
        applied_by=tuple(entry["applied_by"]),
    )


@cache
def _catalogue() -> dict[str, Rule]:
    text = resources.files("senad_ap.rules").joinpath("catalogue.toml").read_text(encoding="utf-8")
    return {entry["id"]: _rule_of(entry) for entry in tomllib.loads(text)["rule"]}


def all_rules() -> tuple[Rule, ...]:
    """Every rule of the catalogue, in its order (policy rules, statutory facts, our own)."""
    return tuple(_catalogue().values())


def rule(rule_id: str) -> Rule:
    """The rule with this id (``"CONTACT-1"``); ``InvalidInputError`` for an id not in the
    catalogue."""
    found = _catalogue().get(rule_id)
    if found is None:
        raise InvalidInputError(
            f"There is no rule {rule_id!r} in the rule catalogue (docs/rules.md lists them).",
            field="rule_id",
        )
    return found
