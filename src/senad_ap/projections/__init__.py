"""Read models for inspection, fed from the event log: the placement register, the audit
trail, compliance findings, attendance, and providers; and the record as at a past date.

``Projections(app, path)`` keeps them in a SQLite file, ``Projections.postgres(app, ...)`` in
PostgreSQL, ``projections_for(app, path_or_url)`` either (``catch_up()``, ``follow()``,
``rebuild()``); each module's query functions read them.
"""

from senad_ap.projections import as_at, attendance, audit, compliance, providers, register
from senad_ap.projections.as_at import AsAt, PlacementAsAt, Sense
from senad_ap.projections.attendance import AttendancePeriod
from senad_ap.projections.audit import AuditEntry
from senad_ap.projections.compliance import FindingRow
from senad_ap.projections.providers import ProviderRow
from senad_ap.projections.register import RegisterRow
from senad_ap.projections.runner import Projections, default_projections_path, projections_for

__all__ = [
    "AsAt",
    "AttendancePeriod",
    "AuditEntry",
    "FindingRow",
    "PlacementAsAt",
    "Projections",
    "ProviderRow",
    "RegisterRow",
    "Sense",
    "as_at",
    "attendance",
    "audit",
    "compliance",
    "default_projections_path",
    "projections_for",
    "providers",
    "register",
]
