"""The projections' store: where its file lives, resuming from its tracking position, its
errors; and the providers' table it keeps (registration, risk assessment, placements now).

Every test runs once per event store and projections' database (``case`` in conftest.py):
SQLite files, and PostgreSQL beside the PostgreSQL store's events.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from senad_ap import (
    AlternativeProvision,
    Destination,
    InformationParty,
    InformationScope,
    Setting,
    StoreError,
    WeeklyHours,
)
from senad_ap.domain.plan import SCHOOL_WEEK
from senad_ap.projections import (
    Projections,
    attendance,
    audit,
    compliance,
    default_projections_path,
    projections_for,
    students,
)
from senad_ap.projections import providers as provider_queries
from senad_ap.projections import register as register_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.projections.base import SQLiteProjectionStore
from senad_ap.projections.postgres import PostgresProjectionStore
from senad_ap.testing import FixedClock
from tests.integration.conftest import Store
from tests.integration.projection_scenes import (
    START,
    day,
    mark_days,
    move_to,
    plan_at,
    record_spring_terms,
    review,
    start_with_plan,
)
from tests.integration.read_models.conftest import Place
from tests.integration.scenario import (
    HEAD,
    STAFF,
    open_outside_placement,
    ready_provider,
    school_days,
    start_outside_placement,
)

PROJECTION_NAMES = (
    "providers",
    "register",
    "attendance",
    "audit",
    "compliance",
    "students",
    "register_history",
)


def _share(app: AlternativeProvision, placement_id: UUID, party: InformationParty) -> None:
    app.share_information(
        placement_id, party=party, scope=[InformationScope.SAFEGUARDING], actor=STAFF, on=START
    )


# --------------------------------------------------------------------------- the store


def test_default_projections_path_is_beside_the_event_store() -> None:
    assert default_projections_path("x/senad_ap.sqlite") == str(
        Path("x/senad_ap.projections.sqlite")
    )


def test_default_projections_path_of_a_file_without_suffix_ends_in_sqlite() -> None:
    assert default_projections_path("x/store") == str(Path("x/store.projections.sqlite"))


def _where(projections: Projections) -> tuple[str, str | None]:
    """The projections' database, and their file or schema."""
    store = projections.store
    if isinstance(store, PostgresProjectionStore):
        return store.dialect_name, store.database.schema
    assert isinstance(store, SQLiteProjectionStore)
    return store.dialect_name, store.path


def test_projections_for_a_store_keep_them_beside_it(
    store: Store, app: AlternativeProvision, tmp_path: Path
) -> None:
    projections = projections_for(app)
    where = _where(projections)
    projections.close()

    assert (
        where
        == {
            "memory": ("sqlite", None),
            "sqlite": ("sqlite", default_projections_path(tmp_path / "ap.sqlite")),
            "postgres": ("postgresql", store.schema),
        }[store.name]
    )


def test_projections_for_a_path_keep_them_in_that_sqlite_file(
    app: AlternativeProvision, tmp_path: Path
) -> None:
    projections = projections_for(app, tmp_path / "elsewhere.sqlite")
    where = _where(projections)
    projections.close()

    assert where == ("sqlite", str(tmp_path / "elsewhere.sqlite"))


def test_catch_up_processes_every_event_of_the_log(
    app: AlternativeProvision, projections: Projections
) -> None:
    start_outside_placement(app)

    assert projections.catch_up() == app.last_position()


def test_fresh_projections_on_an_up_to_date_file_process_no_events(
    store: Store, place: Place
) -> None:
    start_outside_placement(store.open())
    first = place.open(store.open())
    first.catch_up()
    first.close()

    again = place.open(store.open())
    processed = again.catch_up()
    again.close()

    assert processed == 0


def test_fresh_projections_start_from_the_positions_kept_in_the_file(
    store: Store, place: Place
) -> None:
    start_outside_placement(store.open())
    first = place.open(store.open())
    first.catch_up()
    first.close()

    again = place.open(store.open())
    positions = again.positions()
    again.close()

    assert positions == dict.fromkeys(PROJECTION_NAMES, store.open().last_position())


def test_fresh_projections_process_only_the_events_recorded_since(
    store: Store, place: Place
) -> None:
    placement_id = start_outside_placement(store.open()).placement.id
    first = place.open(store.open())
    first.catch_up()
    first.close()
    _share(store.open(), placement_id, InformationParty.LOCAL_AUTHORITY)
    _share(store.open(), placement_id, InformationParty.PARENTS)

    again = place.open(store.open())
    processed = again.catch_up()
    again.close()

    assert processed == 2


def test_fresh_projections_read_the_rows_kept_in_the_file(store: Store, place: Place) -> None:
    start_outside_placement(store.open())
    first = place.open(store.open())
    first.catch_up()
    kept = register_queries.placements(first.store, reader=FULL_ACCESS)
    first.close()

    again = place.open(store.open())
    read = register_queries.placements(again.store, reader=FULL_ACCESS)
    again.close()

    assert read == kept


def test_positions_of_new_projections_are_all_zero(projections: Projections) -> None:
    assert projections.positions() == dict.fromkeys(PROJECTION_NAMES, 0)


def test_positions_give_each_projection_the_last_event_it_processed(
    app: AlternativeProvision, projections: Projections
) -> None:
    start_outside_placement(app)

    projections.catch_up()

    assert projections.positions() == dict.fromkeys(PROJECTION_NAMES, app.last_position())


def test_positions_after_an_interrupted_catch_up_are_where_it_stopped(
    app: AlternativeProvision, projections: Projections
) -> None:
    start_outside_placement(app)

    projections.catch_up(stop_after=4)

    assert projections.positions() == dict.fromkeys(PROJECTION_NAMES, 4)


def _all_rows(projections: Projections) -> list[list[dict[str, Any]]]:
    """Every row of every projection, as stored, in a fixed order."""
    modules = (provider_queries, register_queries, attendance, audit, compliance, students)
    return [module.stored_rows(projections.store) for module in modules]


@pytest.fixture
def busy_log(app: AlternativeProvision, clock: FixedClock) -> None:
    """A started placement with two weeks of registers, term dates and a review."""
    placement_id = start_outside_placement(app).placement.id
    move_to(clock, day(20))
    mark_days(app, placement_id, school_days(START, day(11)))
    record_spring_terms(app)
    review(app, placement_id, on=day(18), next_review_on=day(30))


def test_catch_up_in_small_batches_gives_the_rows_of_one_pass(
    app: AlternativeProvision, projections: Projections, busy_log: None
) -> None:
    in_batches = Projections(app, batch_size=3)
    in_batches.catch_up()
    projections.catch_up()

    rows = _all_rows(in_batches)
    in_batches.close()

    assert rows == _all_rows(projections)


def test_interrupted_catch_up_resumed_gives_the_rows_of_one_pass(
    app: AlternativeProvision, projections: Projections, busy_log: None
) -> None:
    resumed = Projections(app, batch_size=3)
    resumed.catch_up(stop_after=7)
    resumed.catch_up(stop_after=11)
    resumed.catch_up()
    projections.catch_up()

    rows = _all_rows(resumed)
    resumed.close()

    assert rows == _all_rows(projections)


def test_catch_up_reports_progress_after_each_batch(
    app: AlternativeProvision, place: Place
) -> None:
    # 13 events (the opening states the EHC plan; the start is on the student's record too)
    start_outside_placement(app)
    reported: list[tuple[int, int]] = []
    projections = place.open(app, batch_size=4)

    projections.catch_up(progress=lambda done, total: reported.append((done, total)))
    projections.close()

    assert reported == [(4, 13), (8, 13), (12, 13), (13, 13)]


def test_rebuild_processes_the_whole_log_again(
    app: AlternativeProvision, projections: Projections, busy_log: None
) -> None:
    projections.catch_up()

    assert projections.rebuild() == app.last_position()


def test_rebuild_gives_the_rows_catch_up_gave(projections: Projections, busy_log: None) -> None:
    projections.catch_up()
    before = _all_rows(projections)

    projections.rebuild()

    assert _all_rows(projections) == before


def test_projections_path_in_a_missing_folder_raises_store_error(
    app: AlternativeProvision, tmp_path: Path
) -> None:
    with pytest.raises(StoreError):
        Projections(app, tmp_path / "missing" / "p.sqlite")


def test_projections_store_error_does_not_chain_the_library_error(
    app: AlternativeProvision, tmp_path: Path
) -> None:
    with pytest.raises(StoreError) as raised:
        Projections(app, tmp_path / "missing" / "p.sqlite")

    assert (raised.value.__cause__, raised.value.__suppress_context__) == (None, True)


# --------------------------------------------------------------------------- providers


def _only_provider(projections: Projections) -> provider_queries.ProviderRow:
    projections.catch_up()
    (row,) = provider_queries.providers(projections.store, reader=FULL_ACCESS)
    return row


def test_provider_shows_its_confirmed_registration_number(
    app: AlternativeProvision, projections: Projections
) -> None:
    ready_provider(app)

    row = _only_provider(projections)

    assert (row.registration_confirmed, row.urn, row.registration_checked_on) == (
        True,
        "130456",
        START,
    )


def test_provider_not_yet_confirmed_has_no_registration_number(
    app: AlternativeProvision, projections: Projections
) -> None:
    ready_provider(app, confirm=False)

    row = _only_provider(projections)

    assert (row.registration_confirmed, row.urn) == (False, None)


def test_provider_shows_its_risk_assessment_date_and_expiry(
    app: AlternativeProvision, projections: Projections
) -> None:
    ready_provider(app)

    row = _only_provider(projections)

    assert (row.risk_assessed_on, row.risk_valid_until) == (START, day(300))


def test_provider_risk_assessment_is_current_up_to_its_expiry(
    app: AlternativeProvision, projections: Projections
) -> None:
    ready_provider(app)

    row = _only_provider(projections)

    assert [row.risk_assessment_current_on(d) for d in (day(300), day(301))] == [True, False]


def test_provider_placements_now_counts_started_placements_not_ended(
    app: AlternativeProvision, projections: Projections, clock: FixedClock
) -> None:
    provider = ready_provider(app)
    open_outside_placement(app, provider=provider, student_reference="STU-0001")
    start_outside_placement(app, provider=provider, student_reference="STU-0002")
    ended = start_outside_placement(app, provider=provider, student_reference="STU-0003")
    move_to(clock, day(5))
    app.end_placement(ended.placement.id, destination=Destination.TRAINING, actor=HEAD)

    assert _only_provider(projections).placements_now == 1


def test_provider_placements_now_counts_placements_whose_plan_uses_it(
    app: AlternativeProvision, projections: Projections
) -> None:
    college = ready_provider(app, name="Riverside FE College")
    farm = ready_provider(app, name="Willow Farm School")
    plan = plan_at(
        college.id,
        weekly_pattern=tuple(
            WeeklyHours(weekday, Setting.OUTSIDE_PROVIDER, Decimal("6.5"), provider.id)
            for weekday, provider in zip(
                SCHOOL_WEEK, (college, college, college, farm, farm), strict=True
            )
        ),
    )
    start_with_plan(app, plan, provider=college)
    projections.catch_up()

    rows = provider_queries.providers(projections.store, reader=FULL_ACCESS)

    assert [(row.name, row.placements_now) for row in rows] == [
        ("Riverside FE College", 1),
        ("Willow Farm School", 1),
    ]


def test_a_projections_file_built_from_another_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    first = AlternativeProvision.in_memory()
    first.appoint_delegate("deputy-1", actor=HEAD, on=START)
    Projections(first, path).catch_up()
    second = AlternativeProvision.in_memory()
    second.appoint_delegate("deputy-2", actor=HEAD, on=START)

    with pytest.raises(StoreError, match="another store"):
        Projections(second, path).catch_up()


def test_a_rebuild_adopts_the_store_it_is_given(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    first = AlternativeProvision.in_memory()
    first.appoint_delegate("deputy-1", actor=HEAD, on=START)
    Projections(first, path).catch_up()
    second = AlternativeProvision.in_memory()
    second.appoint_delegate("deputy-2", actor=HEAD, on=START)

    assert Projections(second, path).rebuild() == 1
