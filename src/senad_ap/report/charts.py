"""The report's two charts, drawn by the project as SVG: the geometry is worked out here (plain
numbers, tested), and the templates (``templates/charts.html.j2``) turn it into markup.

No chart library: the two charts are a row of marks on a date axis and stacked bars, a few
dozen lines of arithmetic, and the report must embed them inline with no script or font.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from senad_ap.projections.attendance import AttendancePeriod
from senad_ap.projections.audit import AuditEntry

__all__ = ["Bar", "Chart", "Mark", "Segment", "Timeline", "attendance_chart", "timeline"]

#: The drawing area of both charts (SVG user units; the SVG scales to the page's width).
WIDTH = 720
PLOT_HEIGHT = 160
LEFT = 40
TOP = 10
#: The three kinds of session a bar stacks, bottom up, with the fill pattern of each (colour
#: is never the only signal: each has its own pattern, and the table beside gives the numbers).
KINDS = ("present", "authorised", "unauthorised")


@attrs.frozen
class Segment:
    kind: str
    count: int
    y: float
    height: float


@attrs.frozen
class Bar:
    label: str
    x: float
    width: float
    segments: tuple[Segment, ...]


@attrs.frozen
class Chart:
    """Stacked bars, one a week: ``scale`` SVG units a session; ``top`` sessions at full height."""

    bars: tuple[Bar, ...]
    top: int
    scale: float
    width: int
    height: int


def attendance_chart(weeks: Sequence[AttendancePeriod]) -> Chart:
    """A bar a week: present, authorised and unauthorised absence stacked, each in proportion
    to its count of sessions (the full height: the most possible sessions of any week, at
    least 10, a school week's)."""
    top = max([10, *(w.present + w.authorised_absence + w.unauthorised_absence for w in weeks)])
    scale = PLOT_HEIGHT / top
    slot = (WIDTH - LEFT) / max(len(weeks), 1)
    bars = []
    for index, week in enumerate(weeks):
        base = float(TOP + PLOT_HEIGHT)
        segments = []
        counts = (week.present, week.authorised_absence, week.unauthorised_absence)
        for kind, count in zip(KINDS, counts, strict=True):
            height = count * scale
            base -= height
            segments.append(Segment(kind, count, round(base, 2), round(height, 2)))
        bars.append(
            Bar(
                label=week.starts_on.strftime("%d %b"),
                x=round(LEFT + index * slot + slot * 0.15, 2),
                width=round(slot * 0.7, 2),
                segments=tuple(segments),
            )
        )
    return Chart(tuple(bars), top, scale, WIDTH, TOP + PLOT_HEIGHT + 30)


@attrs.frozen
class Mark:
    """One decision on the timeline: where it sits (the day it took effect), its row, and
    whether it was recorded late (drawn as a hollow diamond, labelled, not only coloured)."""

    x: float
    y: float
    number: int
    event_type: str
    late: bool


@attrs.frozen
class Timeline:
    marks: tuple[Mark, ...]
    first: date
    last: date
    ticks: tuple[tuple[float, str], ...]
    width: int
    height: int


_ROWS = 6
_ROW = 16


def timeline(decisions: Sequence[AuditEntry], *, until: date) -> Timeline:
    """Every decision at the day it took effect, from the first to ``until`` (or the last
    decision, if later); decisions close together step down rows so that none hides another."""
    days = [d.effective_on for d in decisions]
    first = min(days, default=until)
    last = max([until, *days])
    span = max((last - first).days, 1)
    plot = WIDTH - LEFT - 20
    marks = []
    for number, decision in enumerate(decisions, start=1):
        x = LEFT + plot * (decision.effective_on - first).days / span
        y = TOP + 8 + ((number - 1) % _ROWS) * _ROW
        marks.append(Mark(round(x, 2), float(y), number, decision.event_type, decision.late_entry))
    ticks = []
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            x = LEFT + plot * (month - first).days / span
            ticks.append((round(x, 2), month.strftime("%b %Y")))
        if (month.year, month.month) == (date.max.year, 12):
            break  # no month after December 9999
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    height = TOP + 8 + _ROWS * _ROW + 30
    return Timeline(tuple(marks), first, last, tuple(ticks), WIDTH, height)
