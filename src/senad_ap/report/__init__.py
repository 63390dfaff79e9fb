"""The inspector's pack: ``build_report`` writes one self-contained HTML file for the school
group, a school, a provider or one placement, as the record stands or as at a date
(docs/inspection.md, "The report")."""

from senad_ap.report.data import ReportScope
from senad_ap.report.render import build_report

__all__ = ["ReportScope", "build_report"]
