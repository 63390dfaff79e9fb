"""The cases of the issue "Performance: benchmarks …", each with its baselines."""

from __future__ import annotations

import functools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from eventsourcing.utils import get_topic

from benchmarks.data import (
    FIRST_DAY,
    HEAD,
    STAFF,
    BarePlacement,
    Clock,
    open_school,
    record_year,
    school_days,
)
from benchmarks.harness import Result, Sample, timed
from benchmarks.stores import Store
from senad_ap import AlternativeProvision, InformationParty, InformationScope
from senad_ap.domain.placement.events import AttendanceRecorded
from senad_ap.projections import FULL_ACCESS, AsAt, Projections, Sense
from senad_ap.projections.as_at import (
    placement_as_at,
    register_as_at,
    register_as_at_by_fold,
)
from senad_ap.projections.register import RegisterRow

__all__ = [
    "as_at_case",
    "build_store",
    "load_case",
    "rebuild_case",
    "rebuilt_projections",
    "register_case",
]

Say = Callable[[str], None]


# --------------------------------------------------------------------------- 1. a day's register
def register_case(store: Store, placements: int, repeat: int, say: Say) -> Result:
    """A day's register (AM and PM) for every placement: through AlternativeProvision with
    every guard checked, against bare eventsourcing doing the same work (with and without its
    aggregate cache) on the same kind of store, and the raw limit: ``executemany`` of rows of
    the same size in one transaction (see ``benchmarks.stores``)."""
    marks = 2 * placements
    days = list(school_days(FIRST_DAY, 2 * repeat + 2))

    say(f"register ({store.title}): opening {placements} placements")
    clock = Clock(FIRST_DAY)
    ours = store.app("register", clock)
    ids = open_school(ours, clock, placements)
    bare = store.bare("bare", cache=None)
    bare_ids = bare.open(placements)
    cached = store.bare("bare-cached", cache=2 * placements)
    cached_ids = cached.open(placements)

    def ours_day(day: date) -> None:
        clock.on(day)
        record_year(ours, clock, ids, 1, first=day)

    # One warm-up day each, then the samples, interleaved so that drift hits all alike.
    ours_day(days[0])
    bare.register(bare_ids, days[0])
    cached.register(cached_ids, days[0])
    samples: dict[str, list[float]] = {"ours": [], "bare": [], "cached": [], "raw": []}
    size = _stored_size(ours)
    raw = store.raw("raw", size)
    say(f"register: {repeat} days of {marks} marks each way (stored event {size} bytes)")
    for day in days[1 : repeat + 1]:
        samples["ours"] += timed(lambda d=day: ours_day(d), 1)  # type: ignore[misc]
        samples["bare"] += timed(lambda d=day: bare.register(bare_ids, d), 1)  # type: ignore[misc]
        samples["cached"] += timed(lambda d=day: cached.register(cached_ids, d), 1)  # type: ignore[misc]
        samples["raw"] += timed(lambda: raw.insert(marks), 1)
    for app in (ours, bare, cached):
        app.close()
    raw.close()
    unit = "marks"
    return Result(
        case=f"1. a day's register, {placements} placements ({store.title})",
        store=store.kind,
        ours=Sample("AlternativeProvision.record_register", unit, marks, tuple(samples["ours"])),
        baselines=(
            Sample("bare eventsourcing, no cache", unit, marks, tuple(samples["bare"])),
            Sample("bare eventsourcing, its cache", unit, marks, tuple(samples["cached"])),
            Sample(store.raw_name, unit, marks, tuple(samples["raw"])),
        ),
        goals=(
            ("bare eventsourcing, no cache", 1.5, "≥ 1.5× bare"),
            (store.raw_name, 1 / 8, "within 8× of raw"),
        ),
        notes=(_absolute(marks / _median(samples["ours"]), 10_000, "marks/s"),),
    )


def _stored_size(app: AlternativeProvision) -> int:
    """The mean size of a stored attendance event in ``app``'s store (what the raw rows are
    made as big as), read the same way on every kind of store."""
    stored = app.recorder.select_notifications(
        start=None, limit=10_000, topics=[get_topic(AttendanceRecorded)]
    )
    return sum(len(n.state) for n in stored) // len(stored) if stored else 400


def _median(values: list[float] | tuple[float, ...]) -> float:
    # As the table's median (Sample.median), also for an even number of samples.
    return statistics.median(values)


def _absolute(rate: float, goal: float, unit: str) -> str:
    verdict = "MET" if rate >= goal else "MISSED"
    return f"goal ≥ {goal:,.0f} {unit}: {verdict} ({rate:,.0f})"


# --------------------------------------------------------------------------- 2. load a placement
def _year_of_one(store: Store, days: int) -> tuple[AlternativeProvision, UUID]:
    clock = Clock(FIRST_DAY)
    app = store.app("load", clock)
    (pid,) = open_school(app, clock, 1)
    end = record_year(app, clock, [pid], days)
    # About 30 decisions in all: information shared through the year, besides the reviews.
    for number, day in enumerate(school_days(FIRST_DAY, days)):
        if number % 10 == 5:
            clock.now = clock.now.replace(year=end.year, month=end.month, day=end.day)
            app.share_information(
                pid, party=InformationParty.PARENTS, scope=[InformationScope.ATTENDANCE],
                note="Weekly letter home.", actor=STAFF, on=day,
            )  # fmt: skip
    return app, pid


def load_case(store: Store, days: int, repeat: int, say: Say) -> Result:
    """Load one placement with a year of history, from the store (no aggregate cache, as
    after a restart), with and without snapshots, against bare eventsourcing loading an
    aggregate of the same length."""
    say(f"load ({store.title}): a placement with {days} days of registers")
    app, pid = _year_of_one(store, days)
    version = app.get_placement(pid, reader=HEAD).version
    app.repository.cache = None  # every load reads the store

    def load() -> None:
        app.get_placement(pid, reader=HEAD)

    with_snapshots = timed(load, repeat)
    snapshots = app.repository.snapshot_store
    app.repository.snapshot_store = None
    without = timed(load, repeat)
    app.repository.snapshot_store = snapshots
    app.close()

    bare = store.bare("load-bare", cache=None)
    placement = BarePlacement("BENCH-1")
    for n in range(version - 1):
        placement.record_attendance(f"day {n}", "AM", "/")
    bare.save(placement)
    bare_load = timed(lambda: bare.repository.get(placement.id), repeat)
    bare.close()
    return Result(
        case=f"2. load one placement of {version} events ({store.title})",
        store=store.kind,
        ours=Sample("get_placement, with snapshots", "loads", 1, with_snapshots),
        baselines=(
            Sample("get_placement, without snapshots", "loads", 1, without),
            Sample(f"bare eventsourcing, {version} events", "loads", 1, bare_load),
        ),
        notes=(
            f"goal ≤ 5 ms median with snapshots: "
            f"{'MET' if _median(with_snapshots) <= 0.005 else 'MISSED'}",
        ),
        extra=(("events", version),),
    )


# --------------------------------------------------------------------------- 3. rebuild
#: Events a placement has in a school year: 190 days of AM and PM marks, reviews, the start.
EVENTS_A_YEAR = 400


def build_store(store: Store, name: str, events: int, say: Say) -> tuple[UUID, date]:
    """The store ``name`` of about ``events`` events, as a school group's year: one placement
    per ``EVENTS_A_YEAR`` events, each with the school days of registers that make up the rest
    (about a year), so a larger store has more placements, not longer ones. Returns a
    placement and a day in the middle."""
    placements = max(10, events // EVENTS_A_YEAR)
    clock = Clock(FIRST_DAY)
    app = store.app(name, clock)
    ids = open_school(app, clock, placements)
    opened = app.last_position()
    days = max(1, (events - opened) // (2 * placements))
    say(f"  building {events:,} events: {placements} placements, {days} days of registers")
    started = time.perf_counter()
    record_year(app, clock, ids, days)
    say(f"  built {app.last_position():,} events in {time.perf_counter() - started:.0f} s")
    middle = list(school_days(FIRST_DAY, days))[days // 2]
    app.close()
    return ids[0], middle


def decode_rate(app: AlternativeProvision) -> tuple[int, float]:
    """The library's own read-and-decode rate of the log: select_notifications and
    mapper.to_domain_event, in pages of 1,000."""
    started = time.perf_counter()
    last = 0
    count = 0
    while True:
        page = app.recorder.select_notifications(start=last, limit=1000, inclusive_of_start=False)
        if not page:
            break
        for notification in page:
            app.mapper.to_domain_event(notification)
        count += len(page)
        last = page[-1].id
    return count, time.perf_counter() - started


def rebuilt_projections(name: str, sample: int) -> str:
    """The name of the (new) store that rebuild ``sample`` of the store ``name`` fills."""
    return f"{name}-p{sample}"


def rebuild_in_a_process(store: Store, name: str, projections: str) -> tuple[float, float]:
    """Seconds to rebuild every projection of the store ``name`` into the new store
    ``projections``, and the peak RSS (MB) of the process that did."""
    arguments = store.child_arguments(name, projections)
    out = subprocess.run(  # noqa: S603 - this interpreter, our own module, paths and schemas
        [sys.executable, "-m", "benchmarks.rebuild_child", *arguments],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return float(found["seconds"]), float(found["peak_rss_mb"])


def rebuild_case(store: Store, name: str, repeat: int, say: Say) -> Result:
    """Rebuild all projections from the store's log into a new store beside it (a file, or
    a schema), against the library's own read-and-decode rate of the same log in the same
    run; peak RSS reported."""
    app = store.app(name, Clock(FIRST_DAY))
    events = app.last_position()
    decodes = []
    rebuilds = []
    peaks = []
    for n in range(repeat):
        count, seconds = decode_rate(app)
        decodes.append(seconds)
        say(f"  {events:,} events: decoded at {count / seconds:,.0f}/s; rebuilding …")
        seconds, peak = rebuild_in_a_process(store, name, rebuilt_projections(name, n))
        rebuilds.append(seconds)
        peaks.append(peak)
        say(f"  rebuilt at {events / seconds:,.0f}/s, peak RSS {peak:.0f} MB")
    app.close()
    return Result(
        case=f"3. rebuild all projections, {events:,} events ({store.title})",
        store=store.kind,
        ours=Sample("Projections.rebuild", "events", events, tuple(rebuilds)),
        baselines=(Sample("decode (select + to_domain_event)", "events", events, tuple(decodes)),),
        goals=(("decode (select + to_domain_event)", 0.5, "≥ 0.5× decode"),),
        notes=(f"peak RSS {max(peaks):.0f} MB (goal ≤ 300 MB at 1M)",),
        extra=(("events", events), ("peak_rss_mb", max(peaks))),
    )


# --------------------------------------------------------------------------- 4. as at a date
def _register_as_at(
    read_models: Projections, results: dict[Sense, list[RegisterRow]], sense: Sense, on: date
) -> None:
    results[sense] = register_as_at(read_models, AsAt(sense, on), reader=FULL_ACCESS)


def as_at_case(
    store: Store, name: str, projections: str, placement: UUID, middle: date, repeat: int,
    say: Say,
) -> list[Result]:  # fmt: skip
    """The record as at a past date: one placement, against loading the placement as it
    stands now (from the store, no cache); and the whole register, read from the register's
    history tables (``register_as_at``, goal ≤ 2 s) against folding every placement's history
    (``register_as_at_by_fold``), checked equal. ``projections`` names the store of the
    projections the register is read from: caught up first (untimed), which is nothing to do
    when a rebuild has just filled it."""
    app = store.app(name, Clock(FIRST_DAY + timedelta(days=400)))
    events = app.last_position()
    read_models = store.projections(app, projections)
    say(f"  as-at: catching up the projections of {events:,} events")
    read_models.catch_up()
    app.repository.cache = None
    as_at = AsAt(Sense.IN_EFFECT_ON, middle)
    one = timed(lambda: placement_as_at(app, placement, as_at, reader=HEAD), repeat)
    now = timed(lambda: app.get_placement(placement, reader=HEAD), repeat)
    say("  as-at: the register from its history, then by folding every history")
    results: dict[Sense, list[RegisterRow]] = {}
    history: list[float] = []
    for sense in Sense:
        action = functools.partial(_register_as_at, read_models, results, sense, middle)
        history += timed(action, repeat)
    folded: list[RegisterRow] = []
    fold = timed(
        lambda: folded.__setitem__(
            slice(None), register_as_at_by_fold(read_models, as_at, reader=FULL_ACCESS)
        ),
        max(1, repeat // 3),
    )
    same = folded == results[Sense.IN_EFFECT_ON]
    rows = len(folded)
    read_models.close()
    app.close()
    median = _median(one)
    quick = _median(history)
    return [
        Result(
            case=f"4. as at {middle.isoformat()}, {events:,} events ({store.title})",
            store=store.kind,
            ours=Sample("placement_as_at (one placement)", "queries", 1, one),
            baselines=(Sample("get_placement now (no cache)", "queries", 1, now),),
            notes=(f"goal ≤ 50 ms for one placement: {'MET' if median <= 0.05 else 'MISSED'}",),
            extra=(("events", events),),
        ),
        Result(
            case=f"4b. register as at {middle.isoformat()}, {rows} placements ({store.title})",
            store=store.kind,
            ours=Sample("register_as_at (history tables)", "queries", 1, tuple(history)),
            baselines=(Sample("register_as_at_by_fold", "queries", 1, fold),),
            notes=(
                f"goal ≤ 2 s: {'MET' if quick <= 2 else 'MISSED'}; equal to the fold: "
                f"{'yes' if same else 'NO'} (both senses timed, the fold as in effect)",
            ),
            extra=(("events", events), ("placements", rows), ("equal_to_fold", same)),
        ),
    ]
