"""The demo's report in a real browser: headless Chromium from Debian's packages, driven by
Playwright. It must open offline with no console error, draw every chart at a size, and show
the projections' numbers. ``.ci/run`` installs Chromium and sets SENAD_AP_REQUIRE_BROWSER=1, so
that there the test fails rather than skips when the browser is missing."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

from senad_ap import AlternativeProvision
from senad_ap.projections import attendance, projections_for
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import AsAt, Sense, findings_as_at, register_as_at
from tests.integration.demo_school import END_OF_TERM, DemoFolder, run_senad_ap

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

pytestmark = pytest.mark.slow


def _browser_missing() -> str | None:
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        return "Chromium is not installed (apt-get install chromium; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return None


@attrs.frozen
class Browsed:
    """The report open in the browser, what the browser complained of, and where it is."""

    view: Any
    errors: list[str]
    folder: Path
    db: Path


@pytest.fixture(scope="module")
def page(demo_folder: DemoFolder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browsed]:
    missing = _browser_missing()
    if missing is not None:
        if os.environ.get("SENAD_AP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SENAD_AP_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("browser")
    db = demo_folder.copy(folder)
    ran = run_senad_ap("--db", str(db), "report", "--as-at", END_OF_TERM, "--out", "report.html",
                       cwd=folder)  # fmt: skip
    assert ran.code == 0, ran.err
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        view = browser.new_page(viewport={"width": 1100, "height": 1400})
        errors: list[str] = []
        view.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        view.on("pageerror", lambda e: errors.append(str(e)))
        view.on("request", lambda r: None if r.url.startswith("file:") else errors.append(r.url))
        view.goto((folder / "report.html").as_uri())
        yield Browsed(view, errors, folder, db)
        browser.close()


def test_the_report_opens_with_no_console_error_and_no_request_out(page: Browsed) -> None:
    assert page.errors == []


def test_the_summary_and_a_placement_page_screenshot_at_a_size(page: Browsed) -> None:
    summary = page.folder / "summary.png"
    placement = page.folder / "placement.png"
    page.view.locator("#summary").screenshot(path=str(summary))
    page.view.locator("section.placement").first.screenshot(path=str(placement))
    assert summary.stat().st_size > 10_000
    assert placement.stat().st_size > 10_000


def test_every_chart_is_drawn_at_a_size(page: Browsed) -> None:
    sizes = page.view.eval_on_selector_all(
        "svg.chart",
        "all => all.map(s => [s.getBoundingClientRect().width, s.getBoundingClientRect().height])",
    )
    placements = page.view.locator("section.placement").count()
    assert placements > 0
    assert len(sizes) == 2 * placements
    assert all(width > 100 and height > 50 for width, height in sizes)


def _projections(page: Browsed) -> tuple[Any, Any]:
    app = AlternativeProvision.sqlite(page.db)
    projections = projections_for(app, page.db.with_name("senad_ap.projections.sqlite"))
    return app, projections


def test_the_numbers_shown_equal_the_projections(page: Browsed) -> None:
    as_at = AsAt(Sense.IN_EFFECT_ON, date.fromisoformat(END_OF_TERM))
    app, projections = _projections(page)
    try:
        rows = register_as_at(projections, as_at, reader=FULL_ACCESS)
        findings = findings_as_at(projections, as_at, reader=FULL_ACCESS)
        first = rows[0]
        weeks = attendance.by_week(
            projections.store, first.placement_id, until=as_at.on, reader=FULL_ACCESS
        )
    finally:
        projections.close()
        app.close()
    shown_status = page.view.eval_on_selector_all(
        "#count-status tbody tr",
        "rows => rows.map(r => [r.cells[0].innerText, r.cells[1].innerText])",
    )
    assert {k: int(n) for k, n in shown_status} == dict(Counter(r.status for r in rows))
    shown_rules = page.view.eval_on_selector_all(
        ".rule-count", "all => all.map(e => [e.dataset.rule, e.innerText])"
    )
    assert {k: int(n) for k, n in shown_rules} == dict(Counter(f.rule_id for f in findings))
    bars = page.view.eval_on_selector_all(
        f'[id="placement-{first.placement_id}"] svg.attendance rect.present',
        "all => all.map(r => Number(r.dataset.count))",
    )
    assert bars == [w.present for w in weeks if w.present]


def test_in_print_each_placement_starts_an_a4_page(page: Browsed) -> None:
    page.view.emulate_media(media="print")
    try:
        breaks = page.view.eval_on_selector_all(
            "section.placement", "all => all.map(s => getComputedStyle(s).breakBefore)"
        )
    finally:
        page.view.emulate_media(media="screen")
    assert set(breaks) == {"page"}
