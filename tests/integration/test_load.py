"""Load: several processes record a term of attendance for hundreds of placements at once.

Bounded in time and count, on loopback only. Each day's register is sent by two processes at
the same time with the same idempotency keys (a school system retrying on another node), and
every process retries a ``ConcurrentChangeError``. Afterwards every mark is on the record
exactly once, the projections agree with the events, and the test prints the throughput.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from senad_ap import (
    AlternativeProvision,
    AttendanceRecorded,
    ConcurrentChangeError,
    Objective,
    ObjectiveArea,
    Plan,
    Reason,
    RegisterMark,
    Session,
    Setting,
    StoreError,
    WeeklyHours,
)
from senad_ap.domain.plan import SCHOOL_WEEK
from senad_ap.projections import Projections, attendance
from tests.integration.scenario import HEAD, STAFF, school_days
from tests.postgres import postgres_schema

PLACEMENTS = 200
PROCESSES = 4
FIRST_DAY = date(2025, 9, 1)
DAYS = school_days(FIRST_DAY, FIRST_DAY + timedelta(days=27))  # four school weeks
NOW = datetime(2025, 10, 1, 12, tzinfo=UTC)


def _open(store: dict[str, str]) -> AlternativeProvision:
    clock = lambda: NOW  # noqa: E731 - a fixed clock, picklable settings only cross processes
    if store["kind"] == "sqlite":
        return AlternativeProvision.sqlite(store["path"], clock=clock)
    return AlternativeProvision.postgres(
        store["dbname"], user=store["user"], host=store["host"], schema=store["schema"],
        clock=clock,
    )  # fmt: skip


def _plan() -> Plan:
    target = FIRST_DAY + timedelta(days=180)
    return Plan(
        objectives=(
            Objective("E1", ObjectiveArea.ENGLISH, "Reading", "Entry 3", target),
            Objective("M1", ObjectiveArea.MATHEMATICS, "Number", "Entry 3", target),
        ),
        review_interval_weeks=6,
        monitoring_arrangements="Daily check-in.",
        assessment_arrangements="Half-termly assessment.",
        weekly_pattern=tuple(
            WeeklyHours(day, Setting.ON_SITE, Decimal("6.5")) for day in SCHOOL_WEEK
        ),
    )


def _plan_days() -> tuple[Any, ...]:
    from senad_ap.domain.plan import SCHOOL_WEEK

    return SCHOOL_WEEK


def _set_up(app: AlternativeProvision) -> list[UUID]:
    placements = []
    for number in range(PLACEMENTS):
        key = f"load-{number}"
        placement = app.open_placement(
            student_reference=f"STU-{number:04d}", reason=Reason.BEHAVIOUR,
            setting=Setting.ON_SITE, location="Main site", residential=False, actor=STAFF,
            on=FIRST_DAY - timedelta(days=7), idempotency_key=key,
        )  # fmt: skip
        app.agree_plan(placement.id, _plan(), actor=HEAD, on=FIRST_DAY - timedelta(days=7))
        app.start_placement(placement.id, actor=HEAD, on=FIRST_DAY)
        placements.append(placement.id)
    return placements


def _record_term(store: dict[str, str], placements: list[str], days: list[str]) -> int:
    """One process: the registers of ``days`` for ``placements``; returns the retries made."""
    app = _open(store)
    retries = 0
    for day_text in days:
        day = date.fromisoformat(day_text)
        for session, code in ((Session.AM, "/"), (Session.PM, "\\")):
            marks = [
                RegisterMark(
                    UUID(p), session, code, idempotency_key=f"{p}-{day_text}-{session.value}"
                )
                for p in placements
            ]
            while True:
                try:
                    app.record_register(marks, on=day, actor=STAFF)
                    break
                except (ConcurrentChangeError, StoreError):
                    # The other process saved first (or held the lock): retry; the keys make
                    # a repeat record nothing new.
                    retries += 1
                    time.sleep(0.01)
    app.close()
    return retries


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "sqlite":
        yield {"kind": "sqlite", "path": str(tmp_path / "load.sqlite")}
        return
    schema, drop = postgres_schema()
    yield {
        "kind": "postgres", "dbname": os.environ["PGDATABASE"],
        "user": os.environ.get("PGUSER", "senad_ap"),
        "host": os.environ.get("PGHOST", "localhost"), "schema": schema,
    }  # fmt: skip
    drop()


@pytest.mark.slow
def test_several_processes_record_a_term_with_no_mark_lost_or_duplicated(
    store: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _open(store)
    placements = [str(p) for p in _set_up(app)]
    halves = [placements[: PLACEMENTS // 2], placements[PLACEMENTS // 2 :]]
    day_texts = [d.isoformat() for d in DAYS]
    # Each half of the school is sent by two processes at once, with the same keys.
    jobs = [(store, half, day_texts) for half in halves for _ in range(PROCESSES // 2)]
    before = app.last_position()
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        retries = sum(pool.starmap(_record_term, jobs, chunksize=1))
    seconds = time.perf_counter() - started

    reader = _open(store)
    notifications = reader.recorder.select_notifications(start=before, limit=10**6,
                                                         inclusive_of_start=False)  # fmt: skip
    marks: Counter[tuple[UUID, date, Session]] = Counter()
    for notification in notifications:
        event = reader.mapper.to_domain_event(notification)
        if isinstance(event, AttendanceRecorded):
            marks[(event.originator_id, event.effective_on, event.session)] += 1
    expected = {(UUID(p), d, s) for p in placements for d in DAYS for s in Session}
    projections = Projections(reader, tmp_path / "p.sqlite")
    projections.catch_up()
    rows = len(attendance.stored_rows(projections.store))
    with capsys.disabled():
        print(
            f"\n[load {store['kind']}] {len(expected)} marks by {PROCESSES} processes "
            f"(each register sent twice) in {seconds:.1f} s: {len(expected) / seconds:,.0f} "
            f"marks/s; {retries} retries"
        )

    assert (set(marks), max(marks.values()), rows) == (expected, 1, len(expected))
