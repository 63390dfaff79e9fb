"""``CitesRule``: the ``rule`` of a row or record that names its rule by ``rule_id`` (a
compliance finding's row, ``FindingRow``), looked up in the rule catalogue."""

from __future__ import annotations

from senad_ap.rules import Rule, rule

__all__ = ["CitesRule"]


class CitesRule:
    """Mixin: ``rule``, the catalogue's ``Rule`` for ``rule_id``, and ``related``, those of
    ``related_rules``, so that a report can show the words of the rule, not only its id."""

    __slots__ = ()

    rule_id: str
    related_rules: tuple[str, ...]

    @property
    def rule(self) -> Rule:
        """The rule this names (its id, force, the policy's sentence and its source)."""
        return rule(self.rule_id)

    @property
    def related(self) -> tuple[Rule, ...]:
        """The other rules the same gap breaks, in the order of ``related_rules``."""
        return tuple(rule(rule_id) for rule_id in self.related_rules)
