"""The register as at a date, read from the register's history tables, equals the fold of
every placement's history (``register_as_at_by_fold``) in both senses, on SQLite and
PostgreSQL, for generated histories (late entries and corrections included)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import AsAt, Sense, register_as_at, register_as_at_by_fold
from tests.properties.histories import Scenario, run, scenarios
from tests.properties.test_projections import databases, projections_in


def _days(scenario_days: list[date]) -> st.SearchStrategy[date]:
    first, last = min(scenario_days), max(scenario_days)
    return st.dates(first - timedelta(days=2), last + timedelta(days=2))


@settings(max_examples=20, deadline=None)
@given(scenario=scenarios(), database=databases(), data=st.data())
def test_the_register_as_at_any_day_from_the_history_equals_the_fold(
    scenario: Scenario, database: str, data: st.DataObject
) -> None:
    recorded = run(scenario)
    events = [event for _, event in recorded.events()]
    days = [e.effective_on for e in events] + [e.timestamp.date() for e in events]
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        for _ in range(4):
            as_at = AsAt(data.draw(st.sampled_from(Sense)), data.draw(_days(days)))
            assert register_as_at(read_models, as_at, reader=FULL_ACCESS) == register_as_at_by_fold(
                read_models, as_at, reader=FULL_ACCESS
            ), str(as_at)
