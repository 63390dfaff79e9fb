"""Read models for inspection, fed from the event log: the placement register, the audit
trail, compliance findings, attendance (per placement and per pupil), providers and students
(retention); and the record as at a past date.

``Projections(app, path)`` keeps them in a SQLite file, ``Projections.postgres(app, ...)`` in
PostgreSQL, ``projections_for(app, path_or_url)`` either (``catch_up()``, ``follow()``,
``rebuild()``); each module's query functions read them, for a ``reader`` (an ``Actor``,
or ``FULL_ACCESS``, the operator's mode: see ``access``).
"""

from senad_ap.projections import (
    access,
    as_at,
    attendance,
    audit,
    compliance,
    providers,
    pupil_attendance,
    register,
    students,
)
from senad_ap.projections.access import FULL_ACCESS, FullAccess, Reader
from senad_ap.projections.as_at import AsAt, PlacementAsAt, Sense
from senad_ap.projections.attendance import AttendancePeriod
from senad_ap.projections.audit import AuditEntry
from senad_ap.projections.compliance import FindingRow
from senad_ap.projections.providers import ProviderRow
from senad_ap.projections.register import RegisterRow
from senad_ap.projections.runner import Projections, default_projections_path, projections_for
from senad_ap.projections.students import RetentionRow

__all__ = [
    "FULL_ACCESS",
    "AsAt",
    "AttendancePeriod",
    "AuditEntry",
    "FindingRow",
    "FullAccess",
    "PlacementAsAt",
    "Projections",
    "ProviderRow",
    "Reader",
    "RegisterRow",
    "RetentionRow",
    "Sense",
    "access",
    "as_at",
    "attendance",
    "audit",
    "compliance",
    "default_projections_path",
    "projections_for",
    "providers",
    "pupil_attendance",
    "register",
    "students",
]
