"""``senad-ap report`` and ``build_report`` on the demo: the numbers the HTML shows are the
projections' own, and the file stands alone (no script, no link out)."""

from __future__ import annotations

import html as html_text
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import attrs
import pytest

from senad_ap import AlternativeProvision
from senad_ap.demo.cast import DEMO_SCHOOL_ID
from senad_ap.projections import attendance, audit, compliance, projections_for, register
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import AsAt, Sense, findings_as_at, register_as_at
from senad_ap.projections.runner import Projections
from senad_ap.report import ReportScope, build_report
from senad_ap.report.data import MARK_EVENTS
from tests.integration.demo_school import END_OF_TERM, DemoFolder, run_senad_ap

DAY = date.fromisoformat(END_OF_TERM)


@attrs.frozen
class Opened:
    app: AlternativeProvision
    projections: Projections


@pytest.fixture(scope="module")
def demo(demo_folder: DemoFolder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Opened]:
    db = demo_folder.copy(tmp_path_factory.mktemp("report"))
    app = AlternativeProvision.sqlite(db)
    projections = projections_for(app, db.with_name("senad_ap.projections.sqlite"))
    projections.catch_up()
    yield Opened(app, projections)
    projections.close()
    app.close()


@pytest.fixture(scope="module")
def html_now(demo: Opened) -> str:
    """The report as the projections stand, on the last day of the demo's term."""
    return build_report(demo.app, demo.projections, reader=FULL_ACCESS, today=DAY)


def _counts(html: str, table: str) -> dict[str, int]:
    body = html.split(f'id="count-{table}"', 1)[1].split("</table>", 1)[0]
    return {
        html_text.unescape(k): int(n)
        for k, n in re.findall(r'<th scope="row">([^<]*)</th><td class="n">(\d+)', body)
    }


def _rule_counts(html: str) -> dict[str, int]:
    return {rule: int(n) for rule, n in re.findall(r'data-rule="([^"]+)">(\d+)<', html)}


def _weeks(html: str, placement_id: object) -> list[tuple[str, int, int, int, int]]:
    section = html.split(f'id="placement-{placement_id}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(
        r'<tr data-week="([^"]+)">.*?<td class="n">(\d+)</td><td class="n present">(\d+)</td>'
        r'<td class="n authorised">(\d+)</td><td class="n unauthorised">(\d+)</td>',
        section,
    )
    return [(w, int(a), int(b), int(c), int(d)) for w, a, b, c, d in rows]


def test_the_status_counts_equal_the_registers(demo: Opened, html_now: str) -> None:
    rows = register.placements(demo.projections.store, reader=FULL_ACCESS)
    assert _counts(html_now, "status") == dict(Counter(r.status for r in rows))


def test_the_setting_counts_equal_the_registers(demo: Opened, html_now: str) -> None:
    rows = register.placements(demo.projections.store, reader=FULL_ACCESS)
    assert _counts(html_now, "setting") == dict(Counter(r.setting for r in rows))


def test_the_findings_by_rule_equal_the_open_findings(demo: Opened, html_now: str) -> None:
    rows = compliance.open_findings(demo.projections.store, on=DAY, reader=FULL_ACCESS)
    assert rows
    assert _rule_counts(html_now) == dict(Counter(r.rule_id for r in rows))


def test_every_placements_weeks_equal_the_attendance_projections(
    demo: Opened, html_now: str
) -> None:
    for row in register.placements(demo.projections.store, reader=FULL_ACCESS):
        expected = [
            (str(w.starts_on), w.possible, w.present, w.authorised_absence, w.unauthorised_absence)
            for w in attendance.by_week(
                demo.projections.store, row.placement_id, reader=FULL_ACCESS
            )
        ]
        assert _weeks(html_now, row.placement_id) == expected


def test_every_placement_has_a_timeline_and_an_attendance_chart(
    demo: Opened, html_now: str
) -> None:
    placements = register.placements(demo.projections.store, reader=FULL_ACCESS)
    assert html_now.count('<svg class="chart timeline"') == len(placements)
    assert html_now.count('<svg class="chart attendance"') == len(placements)


def test_the_report_as_in_effect_on_a_day_counts_as_the_as_at_queries(demo: Opened) -> None:
    as_at = AsAt(Sense.IN_EFFECT_ON, date(2025, 10, 20))
    html = build_report(demo.app, demo.projections, reader=FULL_ACCESS, as_at=as_at)
    rows = register_as_at(demo.projections, as_at, reader=FULL_ACCESS)
    findings = findings_as_at(demo.projections, as_at, reader=FULL_ACCESS)
    assert _counts(html, "status") == dict(Counter(r.status for r in rows))
    assert _rule_counts(html) == dict(Counter(f.rule_id for f in findings))


def test_a_report_of_one_placement_shows_only_that_placement(demo: Opened) -> None:
    row = register.placements(demo.projections.store, reader=FULL_ACCESS)[0]
    html = build_report(
        demo.app, demo.projections, reader=FULL_ACCESS,
        scope=ReportScope(placement_id=row.placement_id), today=DAY,
    )  # fmt: skip
    assert re.findall(r'<section class="page placement" id="placement-([^"]+)"', html) == [
        str(row.placement_id)
    ]


def test_the_footer_shows_the_verified_log_and_its_seal(demo: Opened, html_now: str) -> None:
    seal = demo.app.seals()[-1]
    assert "✓ verified" in html_now
    assert seal.head in html_now


def test_the_report_loads_nothing_from_elsewhere(html_now: str) -> None:
    assert "<script" not in html_now
    assert not re.search(r'(src|href)="(https?:)?//', html_now)
    assert "@import" not in html_now
    assert "url(http" not in html_now


def test_the_command_writes_the_report_file(demo_folder: DemoFolder, tmp_path: Path) -> None:
    db = demo_folder.copy(tmp_path)
    ran = run_senad_ap("--db", str(db), "report", "--as-at", END_OF_TERM, "--out", "r.html",
                       cwd=tmp_path)  # fmt: skip
    assert ran.code == 0, ran.err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f'<strong id="report-day">{END_OF_TERM}</strong>' in html


def test_an_unknown_provider_is_refused_with_a_message(
    demo_folder: DemoFolder, tmp_path: Path
) -> None:
    db = demo_folder.copy(tmp_path)
    ran = run_senad_ap("--db", str(db), "report", "--provider", "deadbeef", cwd=tmp_path)
    assert ran.code == 4
    assert "No provider 'deadbeef'" in ran.err
    assert not (tmp_path / "report.html").exists()


def test_every_rule_with_an_open_finding_shows_the_sentence_of_its_check(
    demo: Opened, html_now: str
) -> None:
    rules = {r.rule_id for r in compliance.open_findings(demo.projections.store, on=DAY,
                                                         reader=FULL_ACCESS)}  # fmt: skip
    missing = [r for r in rules if f"What the record is checked for under {r}:" not in html_now]
    assert missing == []


def test_as_known_on_a_day_the_decisions_recorded_later_are_counted_not_hidden(
    demo: Opened,
) -> None:
    as_at = AsAt(Sense.KNOWN_ON, date(2025, 10, 17))  # a review of 14 October, recorded 21st
    html = build_report(demo.app, demo.projections, reader=FULL_ACCESS, as_at=as_at)
    later = [
        e
        for e in audit.entries(
            demo.projections.store,
            effective_to=as_at.on,
            recorded_from=date(2025, 10, 18),
            reader=FULL_ACCESS,
        )
        if e.placement_id is not None and e.event_type not in MARK_EVENTS
    ]
    shown = re.findall(r"<strong>(\d+) later decisions took effect by", html)
    assert later
    assert sum(int(n) for n in shown) == len(later)


def test_the_report_tells_its_progress_after_each_placement(demo: Opened) -> None:
    told: list[tuple[int, int]] = []
    scope = ReportScope(school_id=DEMO_SCHOOL_ID)

    build_report(
        demo.app, demo.projections, reader=FULL_ACCESS, scope=scope, today=DAY,
        progress=lambda done, total: told.append((done, total)),
    )  # fmt: skip

    total = len(register.placements(demo.projections.store, reader=FULL_ACCESS))
    assert told == [(n, total) for n in range(1, total + 1)]
