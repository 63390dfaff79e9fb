"""``build_report``: the inspector's pack as one self-contained HTML file (inline CSS and SVG,
no script, no font, no link out), from Jinja2 templates shipped in the package."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import jinja2

from senad_ap.application import AlternativeProvision
from senad_ap.domain.personal import ERASED
from senad_ap.projections.access import Reader
from senad_ap.projections.as_at import AsAt
from senad_ap.projections.providers import ProviderRow
from senad_ap.projections.runner import Projections
from senad_ap.report.charts import attendance_chart, timeline
from senad_ap.report.data import ReportData, ReportScope, gather
from senad_ap.report.rules import rule_checks, rule_sentences

__all__ = ["build_report", "provider_warnings", "summary_counts"]

#: How near an expiry must be to be highlighted (days).
EXPIRY_WARNING_DAYS = 30

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("senad_ap.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def build_report(
    app: AlternativeProvision,
    projections: Projections,
    *,
    reader: Reader,
    scope: ReportScope | None = None,
    as_at: AsAt | None = None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """The report's HTML for ``scope`` (default: every school), as at ``as_at`` or, without
    it, as the projections stand on ``today`` (default: today's date, UTC). Catch the
    projections up first: the report reads what they hold. ``progress(done, total)`` is told
    after each placement is read (the command draws a bar with it)."""
    today = today or datetime.now(UTC).date()
    data = gather(
        app, projections, reader=reader, scope=scope or ReportScope(), as_at=as_at,
        today=today, progress=progress,
    )  # fmt: skip
    return render(data)


def render(data: ReportData) -> str:
    """The HTML of data already gathered."""
    template = _ENVIRONMENT.get_template("report.html.j2")
    return template.render(**_context(data))


def summary_counts(data: ReportData) -> dict[str, dict[str, int]]:
    """The summary's counts of placements by status, setting and provider (by name)."""
    names = {p.provider_id: p.name for p in data.providers}
    by_provider: Counter[str] = Counter()
    for placement in data.placements:
        for provider_id in placement.row.provider_ids:
            by_provider[names.get(provider_id, str(provider_id))] += 1
        if not placement.row.provider_ids:
            by_provider["(no outside provider)"] += 1
    return {
        "status": dict(sorted(Counter(p.row.status for p in data.placements).items())),
        "setting": dict(sorted(Counter(p.row.setting for p in data.placements).items())),
        "provider": dict(sorted(by_provider.items())),
    }


def provider_warnings(provider: ProviderRow, day: date) -> list[str]:
    """What an inspector must see about a provider on ``day``: a lapsed or unconfirmed
    registration, a risk assessment expired or expiring within 30 days."""
    warnings = []
    # The last days a date can hold (9999-12-31) have no 30 days after them.
    soon = day + min(timedelta(days=EXPIRY_WARNING_DAYS), date.max - day)
    if provider.registration_lapsed_on is not None and provider.registration_lapsed_on <= day:
        warnings.append(f"registration lapsed on {provider.registration_lapsed_on}")
    elif provider.registration_lapsed_on is not None and provider.registration_lapsed_on <= soon:
        warnings.append(f"registration lapses on {provider.registration_lapsed_on}")
    if provider.risk_valid_until is None:
        warnings.append("no risk assessment recorded")
    elif provider.risk_valid_until < day:
        warnings.append(f"risk assessment expired on {provider.risk_valid_until}")
    elif provider.risk_valid_until <= soon:
        warnings.append(f"risk assessment expires on {provider.risk_valid_until}")
    return warnings


def _context(data: ReportData) -> dict[str, Any]:
    by_rule: dict[str, list[Any]] = {}
    for finding in data.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    names = {p.provider_id: p.name for p in data.providers}
    return {
        "data": data,
        "sense": "as the record stands" if data.as_at is None else data.as_at.sense.value,
        "counts": summary_counts(data),
        "findings_by_rule": dict(sorted(by_rule.items())),
        "warnings": {p.provider_id: provider_warnings(p, data.day) for p in data.providers},
        "provider_names": names,
        "checks": rule_checks(),
        "sentences": rule_sentences(),
        "placements": [
            {
                "p": p,
                "timeline": timeline(p.decisions, until=data.day),
                "chart": attendance_chart(p.weeks),
                "progress": {item.reference: item for item in p.latest_progress},
            }
            for p in data.placements
        ],
        "erased": ERASED,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
