"""The report's flags on providers: a risk assessment expired or expiring within 30 days, a
registration lapsed (senad_ap.report.render.provider_warnings)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from senad_ap.projections.providers import ProviderRow
from senad_ap.report.render import provider_warnings

DAY = date(2025, 12, 19)


def provider(*, risk_valid_until: date | None, lapsed_on: date | None = None) -> ProviderRow:
    return ProviderRow(
        provider_id=UUID(int=7), name="Farm", kind="unregistered",
        delivers_accredited_education=False,
        sites="Farm", staffing=None, urn="123456", registration_checked_on=date(2025, 7, 1),
        risk_outcome="acceptable", risk_assessed_on=date(2025, 7, 1),
        risk_valid_until=risk_valid_until, full_time_pupils=0, placements_now=1,
        registration_lapsed_on=lapsed_on,
    )  # fmt: skip


def test_a_risk_assessment_valid_beyond_30_days_is_not_flagged() -> None:
    assert provider_warnings(provider(risk_valid_until=DAY + timedelta(days=31)), DAY) == []


def test_a_risk_assessment_expiring_within_30_days_is_flagged() -> None:
    until = DAY + timedelta(days=30)
    assert provider_warnings(provider(risk_valid_until=until), DAY) == [
        f"risk assessment expires on {until}"
    ]


def test_an_expired_risk_assessment_is_flagged_as_expired() -> None:
    until = DAY - timedelta(days=1)
    assert provider_warnings(provider(risk_valid_until=until), DAY) == [
        f"risk assessment expired on {until}"
    ]


def test_a_lapsed_registration_is_flagged() -> None:
    row = provider(risk_valid_until=DAY + timedelta(days=90), lapsed_on=DAY - timedelta(days=3))
    assert provider_warnings(row, DAY) == [f"registration lapsed on {DAY - timedelta(days=3)}"]


def test_on_the_last_day_a_date_can_hold_an_expiry_is_still_judged() -> None:
    row = provider(risk_valid_until=date(9999, 12, 30))
    assert provider_warnings(row, date.max) == ["risk assessment expired on 9999-12-30"]
