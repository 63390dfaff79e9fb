"""Timing, the table and the JSON file: each case is several samples of a baseline and ours."""

from __future__ import annotations

import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

__all__ = ["Result", "Sample", "peak_rss_mb", "report", "timed"]


@attrs.frozen
class Sample:
    """Repeated timings of one thing, as a rate of ``unit`` per second."""

    name: str
    unit: str
    amount: int
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        return self.amount / self.median if self.median > 0 else float("inf")

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median: how much the samples drifted."""
        if len(self.seconds) < 2 or self.median == 0:
            return 0.0
        return (max(self.seconds) - min(self.seconds)) / self.median


@attrs.frozen
class Result:
    """One case: ours, its baselines, and the goal line (a ratio) where the issue sets one."""

    case: str
    ours: Sample
    #: The kind of store it ran on: "sqlite" or "postgres".
    store: str
    baselines: tuple[Sample, ...] = ()
    #: name of a baseline → (the goal for ours/baseline as rates, or None), what it means
    goals: tuple[tuple[str, float, str], ...] = ()
    notes: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()

    def ratio(self, baseline: str) -> float:
        base = next(b for b in self.baselines if b.name == baseline)
        return self.ours.rate / base.rate


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, ...]:
    """Wall-clock seconds of ``repeat`` runs of ``action``."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return tuple(seconds)


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB.

    On Linux it is ``VmHWM`` of ``/proc/self/status``, not ``getrusage``: Linux keeps
    ``ru_maxrss`` across ``exec``, so a process started by ``subprocess`` (a ``vfork`` that
    shares the parent's memory until the ``exec``) would report its parent's peak whenever
    that was higher, as the rebuild's child did after the parent had built a large store.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def _rate(sample: Sample) -> str:
    rate = sample.rate
    text = f"{rate:,.0f}" if rate >= 100 else f"{rate:,.1f}"
    return f"{text} {sample.unit}/s"


def _time(sample: Sample) -> str:
    median = sample.median
    return f"{median * 1000:,.2f} ms" if median < 1 else f"{median:,.2f} s"


def report(
    results: list[Result],
    *,
    json_path: Path | None,
    mode: str,
    stores: dict[str, str] | None = None,
) -> None:
    """Print the table, then write the JSON file. ``stores``: each kind of store and one line
    on it (what ran on, or why it was skipped), printed above the table."""
    stores = stores or {}
    for line in stores.values():
        print(line)
    if stores:
        print()
    rows: list[tuple[str, ...]] = []
    for result in results:
        rows.append(
            (result.case, result.ours.name, _time(result.ours), f"±{result.ours.spread:.0%}",
             _rate(result.ours), "", "")
        )  # fmt: skip
        goals = {name: (goal, meaning) for name, goal, meaning in result.goals}
        for base in result.baselines:
            ratio = result.ours.rate / base.rate
            goal = goals.get(base.name)
            verdict = ""
            if goal is not None:
                verdict = ("MET " if ratio >= goal[0] else "MISSED ") + goal[1]
            rows.append(
                ("", base.name, _time(base), f"±{base.spread:.0%}", _rate(base),
                 f"{ratio:.2f}×", verdict)
            )  # fmt: skip
        for note in result.notes:
            rows.append(("", note, "", "", "", "", ""))
    headers = ("case", "what", "median", "spread", "rate", "ours ÷ this", "goal")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    if json_path is not None:
        document = _json(results, mode, stores)
        json_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"\nJSON: {json_path}")


def _sample_json(sample: Sample) -> dict[str, Any]:
    return {
        "name": sample.name,
        "unit": sample.unit,
        "amount": sample.amount,
        "seconds": list(sample.seconds),
        "median_seconds": sample.median,
        "rate_per_second": sample.rate,
        "spread": sample.spread,
    }


def _json(results: list[Result], mode: str, stores: dict[str, str]) -> dict[str, Any]:
    return {
        "mode": mode,
        "stores": stores,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "cases": [
            {
                "case": r.case,
                "store": r.store,
                "ours": _sample_json(r.ours),
                "baselines": [
                    {**_sample_json(b), "ours_over_this": r.ours.rate / b.rate} for b in r.baselines
                ],
                "goals": [
                    {
                        "baseline": name,
                        "ratio_at_least": goal,
                        "meaning": meaning,
                        "met": r.ratio(name) >= goal,
                    }
                    for name, goal, meaning in r.goals
                ],
                "notes": list(r.notes),
                **dict(r.extra),
            }
            for r in results
        ],
    }
