"""A compliance finding read from the projections carries its rule's words (issue 16):
``FindingRow.rule`` and ``FindingRow.related``, from the rule catalogue, on every store."""

from __future__ import annotations

from uuid import UUID

import pytest

from senad_ap import AlternativeProvision, ProviderState, rule
from senad_ap.projections import Projections
from tests.integration.projection_scenes import finding_rows, start_with_plan
from tests.integration.scenario import full_time_plan


@pytest.fixture
def planned_unassessed(app: AlternativeProvision, provider: ProviderState) -> UUID:
    """A placement whose plan was agreed with no needs assessment: PLAN-1 (AIM-2) opens."""
    plan = full_time_plan(provider.id)
    return start_with_plan(app, plan, provider=provider, assess_needs=False).id


def test_a_finding_row_gives_the_sentence_of_its_rule_and_its_related_rules(
    projections: Projections, planned_unassessed: UUID
) -> None:
    (row,) = finding_rows(projections, planned_unassessed, "PLAN-1")

    assert row.rule == rule("PLAN-1")
    assert "thorough assessment of the student's needs" in row.rule.sentence
    assert [r.id for r in row.related] == list(row.related_rules)
    assert "AIM-2" in row.related_rules
