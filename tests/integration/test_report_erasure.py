"""The report of an erased student's placement: the personal data reads "erased", never the
values that were recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from senad_ap import AlternativeProvision
from senad_ap.projections import projections_for
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.report import ReportScope, build_report
from tests.integration.scenario import Clock
from tests.integration.test_erasure import WORDS, alices_placement, forgotten


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> Iterator[AlternativeProvision]:
    app = AlternativeProvision.in_memory(clock=clock)
    yield app
    app.close()


def _report(app: AlternativeProvision, clock: Clock) -> str:
    projections = projections_for(app)
    projections.catch_up()
    try:
        return build_report(
            app, projections, reader=FULL_ACCESS, scope=ReportScope(), today=clock().date()
        )
    finally:
        projections.close()


def test_an_erased_placement_reads_erased_and_shows_no_personal_value(
    app: AlternativeProvision, clock: Clock
) -> None:
    forgotten(app, clock)
    html = _report(app, clock)
    assert "(personal data erased)" in html
    assert [word for word in WORDS if word in html] == []


def test_before_the_erasure_the_report_shows_the_plan(
    app: AlternativeProvision, clock: Clock
) -> None:
    alices_placement(app)
    html = _report(app, clock)
    assert "Xylophone" in html
    assert "(personal data erased)" not in html
