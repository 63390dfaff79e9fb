"""The read models agree with the record they are fed from.

Each scenario (``histories.scenarios``) records one to three interleaved valid histories, late
entries included, on an in-memory application. Then: every projection's rows are what the
domain's own states say; rebuilding, catching up in pieces, stopping and restarting, or
crashing in the middle of a batch all end with the same rows; and the record as at a past
date is what the application showed then.

The properties of the projections' rows draw, for each example, where the projections under
test live (``databases()``): SQLite, or PostgreSQL in a schema of their own. Drawing instead
of running each property twice keeps the file's time near what SQLite alone took, and still
gives each database about half of the examples. The reference rows they are compared with
come from SQLite in memory, so on PostgreSQL they also check that both databases hold the
same rows, with the same types.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from uuid import UUID

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import senad_ap.application.records
from senad_ap import PlacementState
from senad_ap.domain.base import Event
from senad_ap.domain.compliance import placement_findings, policy_findings
from senad_ap.domain.placement import evolve_placement
from senad_ap.domain.values import Actor, PolicyParameters, Role
from senad_ap.projections import (
    AsAt,
    Projections,
    Sense,
    attendance,
    audit,
    compliance,
    providers,
    register,
)
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.as_at import findings_as_at, placement_as_at
from senad_ap.projections.base import Change, Cursor, Projection, World
from senad_ap.projections.register import register_row
from tests.postgres import (
    borrowed_schema,
    postgres_available,
    postgres_schema,
    projections_database,
)
from tests.properties.histories import Run, Scenario, all_rows, end_of, run, scenarios

# Each example draws up to three whole histories (most of its time) and feeds them to every
# projection; 20 examples per property keep the whole file under a minute.
projection_settings = settings(max_examples=20, deadline=None)

FindingKey = tuple[UUID, str, str, date]


@functools.cache
def _databases() -> tuple[str, ...]:
    return ("sqlite", "postgres") if postgres_available() else ("sqlite",)


def databases() -> st.SearchStrategy[str]:
    """Where an example keeps the projections under test: SQLite or PostgreSQL, drawn for
    each example (about half each); SQLite only when no PostgreSQL server is configured, which
    ``test_the_properties_reach_postgresql`` reports."""
    return st.deferred(lambda: st.sampled_from(_databases()))


def test_the_properties_reach_postgresql() -> None:
    """Skips (fails in CI) when the properties could not draw PostgreSQL."""
    _, drop = postgres_schema()
    drop()


@attrs.frozen
class Place:
    """Where projections live: a SQLite file, or a PostgreSQL schema."""

    path: Path | None = None
    schema: str | None = None

    def open(self, run_: Run, *, batch_size: int = 500) -> Projections:
        if self.schema is not None:
            database = projections_database(self.schema)
            return Projections(run_.app, postgres=database, batch_size=batch_size)
        return Projections(run_.app, self.path, batch_size=batch_size)


@contextmanager
def new_place(database: str) -> Iterator[Place]:
    """A new, empty place in ``database``: a SQLite file in a new folder, or a PostgreSQL
    schema borrowed from the pool (``tests.postgres.SchemaPool``: the projections' tables
    already made there, and empty, as new projections find them after a restart); removed or
    given back afterwards."""
    if database == "postgres":
        schema, give_back = borrowed_schema("projections")
        try:
            yield Place(schema=schema)
        finally:
            give_back()
        return
    with tempfile.TemporaryDirectory() as folder:
        yield Place(path=Path(folder) / "projections.sqlite")


@contextmanager
def projections(
    run_: Run, place: Place | None = None, *, batch_size: int = 500
) -> Iterator[Projections]:
    """The run's projections (SQLite in memory unless ``place`` is given), closed afterwards."""
    if place is None:
        opened = Projections(run_.app, batch_size=batch_size)
    else:
        opened = place.open(run_, batch_size=batch_size)
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def projections_in(database: str, run_: Run) -> Iterator[Projections]:
    """The run's projections in a new place in ``database``, closed and removed afterwards."""
    with new_place(database) as place, projections(run_, place) as opened:
        yield opened


def caught_up_rows(run_: Run, *, stop_after: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every projection's rows after one uninterrupted run over the log."""
    with projections(run_) as fresh:
        fresh.catch_up(stop_after=stop_after)
        return all_rows(fresh.store)


def open_finding_keys(rows: list[dict[str, Any]]) -> set[FindingKey]:
    return {
        (UUID(r["placement_id"]), r["rule_id"], r["key"], date.fromisoformat(r["since"]))
        for r in rows
        if r["closed_position"] is None
    }


def head_of(school_id: str) -> Actor:
    return Actor(id=f"reader-{school_id}", role=Role.HEAD_TEACHER, school_id=school_id)


class FailingOnce:
    """A projection's ``process`` that raises the first time it meets the event at
    ``position``, as a crash in the middle of a batch would."""

    def __init__(self, projection: Projection, position: int) -> None:
        self.process = projection.process
        self.position = position
        self.failed = False

    def __call__(self, cursor: Cursor, change: Change, world: World) -> None:
        if change.position == self.position and not self.failed:
            self.failed = True
            raise RuntimeError("the projection failed")
        self.process(cursor, change, world)


# --------------------------------------------------------------------------- the fold
@projection_settings
@given(scenario=scenarios(), database=databases())
def test_the_register_holds_the_row_of_each_placements_final_state(
    database: str, scenario: Scenario
) -> None:
    recorded = run(scenario)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        actual = register.stored_rows(read_models.store)
    expected = sorted(
        (register_row(state) for state in recorded.placements().values()),
        key=lambda row: row["placement_id"],
    )
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), database=databases())
def test_the_providers_table_holds_the_row_of_each_providers_final_state(
    database: str, scenario: Scenario
) -> None:
    recorded = run(scenario)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        actual = providers.stored_rows(read_models.store)
    expected = sorted(
        (providers.provider_row(state) for state in recorded.providers().values()),
        key=lambda row: row["provider_id"],
    )
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), database=databases())
def test_the_attendance_table_holds_the_marks_of_each_placements_final_state(
    database: str, scenario: Scenario
) -> None:
    recorded = run(scenario)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        actual = attendance.stored_rows(read_models.store)
    expected = sorted(
        (row for state in recorded.placements().values() for row in attendance.state_rows(state)),
        key=lambda row: (row["placement_id"], row["day"], row["session"]),
    )
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), database=databases())
def test_the_audit_trail_has_one_row_per_stored_event_in_log_order(
    database: str, scenario: Scenario
) -> None:
    recorded = run(scenario)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        actual = [
            (r["position"], r["record_id"], r["record_version"], r["event_type"])
            for r in audit.stored_rows(read_models.store)
        ]
    expected = [
        (position, str(e.originator_id), e.originator_version, type(e).__name__)
        for position, e in recorded.events()
    ]
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), database=databases())
def test_the_open_compliance_findings_are_the_findings_of_the_final_states(
    database: str, scenario: Scenario
) -> None:
    recorded = run(scenario)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        actual = open_finding_keys(compliance.stored_rows(read_models.store))
    final_providers = recorded.providers()
    schools = recorded.schools()
    expected = {
        (finding.placement_id, finding.rule_id, finding.key, finding.since)
        for state in recorded.placements().values()
        for finding in placement_findings(
            state,
            providers={p: final_providers[p] for p in state.provider_ids if p in final_providers},
            school=schools.get(state.school_id),
        )
    }
    # The group-level finding (POL-1) of the version in force last, once the log has begun.
    group = policy_findings(recorded.policy(), PolicyParameters()) if recorded.steps else ()
    expected |= {(f.placement_id, f.rule_id, f.key, f.since) for f in group}
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), database=databases())
def test_the_registers_attendance_counts_are_the_final_marks_counted_by_their_codes(
    database: str, scenario: Scenario
) -> None:
    recorded = run(scenario)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        actual = {
            row.placement_id: (row.sessions_possible, row.sessions_present)
            for row in register.placements(read_models.store, reader=FULL_ACCESS)
        }
    expected = {
        placement_id: (
            sum(1 for m in state.marks.values() if m.code.meaning.counts_as_possible),
            sum(1 for m in state.marks.values() if m.code.meaning.is_present),
        )
        for placement_id, state in recorded.placements().items()
    }
    assert actual == expected


# --------------------------------------------------------------------------- rebuilding
@projection_settings
@given(scenario=scenarios(), database=databases())
def test_a_rebuild_from_the_first_event_gives_the_same_rows(
    database: str, scenario: Scenario
) -> None:
    recorded = run(scenario)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        expected = all_rows(read_models.store)
        read_models.rebuild()
        actual = all_rows(read_models.store)
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_catching_up_after_groups_of_commands_gives_the_rows_of_one_catch_up_at_the_end(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    cuts = data.draw(st.sets(st.integers(0, len(scenario) - 1)), label="catch up after")
    incremental: list[Projections] = []
    with new_place(database) as place:

        def catch_up_at_cuts(so_far: Run, index: int) -> None:
            if not incremental:
                incremental.append(place.open(so_far))
            if index in cuts:
                incremental[0].catch_up()

        recorded = run(scenario, after_each=catch_up_at_cuts)
        try:
            incremental[0].catch_up()
            actual = all_rows(incremental[0].store)
        finally:
            incremental[0].close()
    assert actual == caught_up_rows(recorded)


@projection_settings
@given(
    scenario=scenarios(), interval=st.integers(1, 7), piece=st.integers(1, 10), database=databases()
)
def test_rows_caught_up_in_pieces_from_a_store_with_snapshots_are_the_rows_without_them(
    database: str, scenario: Scenario, interval: int, piece: int
) -> None:
    # Each catch-up starts with an empty cache, so it loads the records it resumes from the
    # application (state_at_version), which starts from the latest snapshot at or before.
    with mock.patch.object(senad_ap.application.records, "SNAPSHOT_INTERVAL", interval):
        snapshotted = run(scenario)
    with projections_in(database, snapshotted) as read_models:
        while read_models.catch_up(stop_after=piece):
            pass
        actual = all_rows(read_models.store)
    assert keys_by_order(actual) == keys_by_order(caught_up_rows(run(scenario)))


def keys_by_order(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """``rows`` with each stored idempotency key named by the order it first appears in: two
    stores hash the same caller's key under their own secrets (``hk1:``), so the hashes of two
    runs of one history differ while the keys they stand for are the same."""
    names: dict[object, str] = {}
    audit_rows = [
        {**row, "idempotency_key": None if row["idempotency_key"] is None
         else names.setdefault(row["idempotency_key"], f"key {len(names)}")}
        for row in rows["audit"]
    ]  # fmt: skip
    return {**rows, "audit": audit_rows}


# --------------------------------------------------------------------------- restarts
@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_a_run_stopped_and_restarted_gives_the_rows_of_an_uninterrupted_run(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    stop_after = data.draw(st.integers(0, recorded.app.last_position()), label="stop after")
    with new_place(database) as place:
        with projections(recorded, place) as first:
            first.catch_up(stop_after=stop_after)
        with projections(recorded, place) as restarted:
            restarted.catch_up()
            actual = all_rows(restarted.store)
    assert actual == caught_up_rows(recorded)


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_a_run_stopped_and_restarted_ends_at_the_last_position_of_the_log(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    last = recorded.app.last_position()
    stop_after = data.draw(st.integers(0, last), label="stop after")
    with new_place(database) as place:
        with projections(recorded, place) as first:
            first.catch_up(stop_after=stop_after)
        with projections(recorded, place) as restarted:
            restarted.catch_up()
            actual = restarted.positions()
    assert actual == {projection.name: last for projection in restarted.all}


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_a_run_stopped_and_restarted_audits_each_position_once(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    stop_after = data.draw(st.integers(0, recorded.app.last_position()), label="stop after")
    with new_place(database) as place:
        with projections(recorded, place) as first:
            first.catch_up(stop_after=stop_after)
        with projections(recorded, place) as restarted:
            restarted.catch_up()
            actual = [row["position"] for row in audit.stored_rows(restarted.store)]
    assert actual == [position for position, _ in recorded.events()]


@contextmanager
def crashed(
    recorded: Run, data: st.DataObject, database: str
) -> Iterator[tuple[Projections, Place, int]]:
    """Projections in ``database`` whose catch-up crashed in a drawn projection at a drawn
    event, in batches of a drawn size; yields them, their place, and how many events were
    committed."""
    positions = [position for position, _ in recorded.events()]
    batch_size = data.draw(st.integers(1, 5), label="batch size")
    failing_index = data.draw(st.integers(0, len(positions) - 1), label="failing event index")
    with (
        new_place(database) as place,
        projections(recorded, place, batch_size=batch_size) as read_models,
    ):
        projection = data.draw(st.sampled_from(read_models.all), label="failing projection")
        failing = FailingOnce(projection, positions[failing_index])
        with mock.patch.object(projection, "process", failing), pytest.raises(RuntimeError):
            read_models.catch_up()
        committed = (failing_index // batch_size) * batch_size
        yield read_models, place, committed


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_a_crash_mid_batch_leaves_the_tracking_at_the_last_committed_batch(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    positions = [0] + [position for position, _ in recorded.events()]
    with crashed(recorded, data, database) as (read_models, _, committed):
        actual = read_models.positions()
        expected = {projection.name: positions[committed] for projection in read_models.all}
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_a_crash_mid_batch_leaves_the_rows_of_the_last_committed_batch(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    with crashed(recorded, data, database) as (read_models, _, committed):
        actual = all_rows(read_models.store)
    assert actual == caught_up_rows(recorded, stop_after=committed)


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_a_restart_after_a_crash_mid_batch_gives_the_rows_of_an_uninterrupted_run(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    with crashed(recorded, data, database) as (read_models, place, _):
        read_models.close()
        with projections(recorded, place) as restarted:
            restarted.catch_up()
            actual = all_rows(restarted.store)
    assert actual == caught_up_rows(recorded)


# --------------------------------------------------------------------------- as at a date
def last_returned(recorded: Run, placement_id: UUID, day: date) -> PlacementState | None:
    """The last state the application returned for the placement by the end of ``day``."""
    found = None
    for step in recorded.steps:
        if step.recorded_at > end_of(day):
            break  # the clock never goes back
        if isinstance(step.state, PlacementState) and step.state.id == placement_id:
            found = step.state
    return found


def known_on(recorded: Run, data: st.DataObject) -> date:
    """A day on which something was recorded."""
    return data.draw(st.sampled_from(recorded.steps), label="moment").recorded_at.date()


@projection_settings
@given(scenario=scenarios(), data=st.data())
def test_a_placement_as_known_on_a_day_is_the_last_state_the_application_returned_by_then(
    scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    day = known_on(recorded, data)
    placement_id = data.draw(st.sampled_from(recorded.placement_ids()), label="placement")
    found = placement_as_at(
        recorded.app, placement_id, AsAt(Sense.KNOWN_ON, day), reader=FULL_ACCESS
    )
    actual = None if found is None else found.state
    assert actual == last_returned(recorded, placement_id, day)


@projection_settings
@given(scenario=scenarios(), data=st.data())
def test_the_applications_placement_as_known_on_a_day_is_the_last_state_it_returned_by_then(
    scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    # A day on which some placement's decision was recorded: that one, at least, is known.
    placement_steps = [s for s in recorded.steps if isinstance(s.state, PlacementState)]
    day = data.draw(st.sampled_from(placement_steps), label="moment").recorded_at.date()
    known = [p for p in recorded.placement_ids() if last_returned(recorded, p, day) is not None]
    placement_id = data.draw(st.sampled_from(known), label="placement")
    school_id = recorded.placements()[placement_id].school_id
    actual = recorded.app.placement_as_at(placement_id, known_on=day, reader=head_of(school_id))
    assert actual == last_returned(recorded, placement_id, day)


def in_effect_on(recorded: Run, data: st.DataObject) -> date:
    """A day near one on which something took effect."""
    step = data.draw(st.sampled_from(recorded.steps), label="effective step")
    offset = data.draw(st.integers(-2, 2), label="days from it")
    return step.command.effective_on + timedelta(days=offset)


def events_of(recorded: Run, placement_id: UUID) -> list[Event]:
    """The placement's events as the as-at queries return them: personal values revealed."""
    return recorded.app.reveal([e for _, e in recorded.events() if e.originator_id == placement_id])


@projection_settings
@given(scenario=scenarios(), data=st.data())
def test_a_placement_as_in_effect_on_a_day_folds_the_events_that_took_effect_by_then(
    scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    day = in_effect_on(recorded, data)
    placement_id = data.draw(st.sampled_from(recorded.placement_ids()), label="placement")
    found = placement_as_at(
        recorded.app, placement_id, AsAt(Sense.IN_EFFECT_ON, day), reader=FULL_ACCESS
    )
    actual = None if found is None else found.state
    expected = None
    for event in events_of(recorded, placement_id):
        if event.effective_on <= day:
            expected = evolve_placement(expected, event)  # type: ignore[arg-type]
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), data=st.data())
def test_the_late_entries_as_in_effect_on_a_day_took_effect_by_then_and_were_recorded_after(
    scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    day = in_effect_on(recorded, data)
    placement_id = data.draw(st.sampled_from(recorded.placement_ids()), label="placement")
    found = placement_as_at(
        recorded.app, placement_id, AsAt(Sense.IN_EFFECT_ON, day), reader=FULL_ACCESS
    )
    actual = () if found is None else found.late_entries
    expected = tuple(
        e
        for e in events_of(recorded, placement_id)
        if e.effective_on <= day and e.timestamp > end_of(day)
    )
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_the_compliance_findings_known_on_a_day_are_those_worked_out_from_the_log(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    day = known_on(recorded, data) + timedelta(days=data.draw(st.integers(-3, 3), label="offset"))
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        from_table = compliance.findings_known_on(
            read_models.store, known_on=day, reader=FULL_ACCESS
        )
        from_log = findings_as_at(read_models, AsAt(Sense.KNOWN_ON, day), reader=FULL_ACCESS)
    actual = {(r.placement_id, r.rule_id, r.key, r.since) for r in from_table}
    expected = {(r.placement_id, r.rule_id, r.key, r.since) for r in from_log}
    assert actual == expected


def past_day(recorded: Run, data: st.DataObject) -> date:
    """A day up to a week either side of one on which a decision took effect."""
    step = data.draw(st.sampled_from(recorded.steps), label="effective step")
    offset = data.draw(st.integers(-7, 7), label="days from it")
    return step.command.effective_on + timedelta(days=offset)


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_the_compliance_findings_in_effect_on_a_day_are_those_worked_out_from_the_log(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    # Issue 12 item 8: the gaps open on a past day include those closed since, and count the
    # late entries that took effect by then.
    recorded = run(scenario)
    day = past_day(recorded, data)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        from_table = compliance.open_findings(read_models.store, on=day, reader=FULL_ACCESS)
        from_log = findings_as_at(read_models, AsAt(Sense.IN_EFFECT_ON, day), reader=FULL_ACCESS)
    actual = sorted((r.placement_id, r.rule_id, r.key, r.since) for r in from_table)
    expected = sorted((r.placement_id, r.rule_id, r.key, r.since) for r in from_log)
    assert actual == expected


@projection_settings
@given(scenario=scenarios(), data=st.data(), database=databases())
def test_the_compliance_findings_known_on_any_day_are_those_worked_out_from_the_log(
    database: str, scenario: Scenario, data: st.DataObject
) -> None:
    recorded = run(scenario)
    day = past_day(recorded, data)
    with projections_in(database, recorded) as read_models:
        read_models.catch_up()
        from_table = compliance.findings_known_on(
            read_models.store, known_on=day, reader=FULL_ACCESS
        )
        from_log = findings_as_at(read_models, AsAt(Sense.KNOWN_ON, day), reader=FULL_ACCESS)
    actual = sorted((r.placement_id, r.rule_id, r.key, r.since) for r in from_table)
    expected = sorted((r.placement_id, r.rule_id, r.key, r.since) for r in from_log)
    assert actual == expected
