"""The audit trail: one entry per decision, in log order, saying who, when (recorded and in
effect), under which policy version, as evidence for which rules, in plain words; its filters;
and the JSON Lines export with its stable field names.

Every test runs once per event store (``store`` fixture); the projections live in their own
SQLite file beside it.
"""

from __future__ import annotations

import json
from uuid import UUID

import pytest

from senad_ap import (
    POLICY_VERSION,
    AlternativeProvision,
    Destination,
    PlanAgreed,
    Session,
)
from senad_ap.application.store_secret import HASHED_KEY
from senad_ap.projections import AuditEntry, Projections
from senad_ap.projections import audit as audit_queries
from senad_ap.projections.access import FULL_ACCESS
from senad_ap.testing import FixedClock
from tests.integration.projection_scenes import START, day, move_to, noon
from tests.integration.scenario import (
    HEAD,
    SCHOOL,
    STAFF,
    Scene,
    provider_staff,
    ready_provider,
    start_outside_placement,
)

#: The events of ``start_outside_placement``, in the order they are recorded.
STARTED = [
    "ProviderRegistered",
    "ProviderRegistrationConfirmed",
    "ProviderRiskAssessed",
    "PlacementOpened",
    "StudentRecorded",
    "StudentPlacementOpened",
    "EhcPlanIssued",
    "NeedsAssessed",
    "PlanAgreed",
    "ConsentGiven",
    "ConsentGiven",
    "PlacementStarted",
    "PlacementRunStarted",
]
# Opening a placement also begins the student's record, in the same transaction, with the
# EHC plan the opening states; the start is recorded there too (one register per pupil).
_ON_THE_STUDENT = {"EhcPlanIssued", "PlacementRunStarted"}
PLACEMENT_EVENTS = [
    e for e in STARTED[3:] if not e.startswith("Student") and e not in _ON_THE_STUDENT
]

EXPORT_FIELDS = {
    "position", "record_id", "record_kind", "record_version", "placement_id", "provider_ids",
    "school_id", "event_type", "recorded_at", "effective_on", "late_entry", "actor",
    "policy_version", "evidence_for", "description", "facts", "idempotency_key",
    "corrects_version",
}  # fmt: skip


@pytest.fixture
def scene(app: AlternativeProvision) -> Scene:
    return start_outside_placement(app)


def _entries(projections: Projections, **filters: object) -> list[AuditEntry]:
    projections.catch_up()
    return audit_queries.entries(projections.store, reader=FULL_ACCESS, **filters)


def _last(projections: Projections) -> AuditEntry:
    return _entries(projections)[-1]


def _entry(projections: Projections, event_type: str) -> AuditEntry:
    (entry,) = _entries(projections, event_type=event_type)
    return entry


def _mark_late(app: AlternativeProvision, clock: FixedClock, placement_id: UUID) -> None:
    """On day 3, the register of day 1's morning: a late entry."""
    move_to(clock, day(3))
    app.record_attendance(placement_id, session=Session.AM, code="N", actor=STAFF, on=day(1))


# --------------------------------------------------------------------------- the entries


def test_trail_has_one_entry_per_event_in_log_order(
    app: AlternativeProvision, projections: Projections, scene: Scene
) -> None:
    entries = _entries(projections)

    assert [(e.position, e.event_type) for e in entries] == list(
        zip(range(1, app.last_position() + 1), STARTED, strict=True)
    )


def test_entry_names_the_actor_and_their_role(projections: Projections, scene: Scene) -> None:
    entry = _entry(projections, "PlanAgreed")

    assert (entry.actor_id, entry.actor_role, entry.actor_school_id, entry.actor_provider_id) == (
        HEAD.id,
        HEAD.role.value,
        SCHOOL,
        None,
    )


def test_entry_by_provider_staff_names_their_provider(
    app: AlternativeProvision, projections: Projections, scene: Scene
) -> None:
    tutor = provider_staff(scene.provider.id)
    app.record_attendance(scene.placement.id, session=Session.AM, code="/", actor=tutor, on=START)

    entry = _last(projections)

    assert (entry.actor_id, entry.actor_role, entry.actor_provider_id) == (
        tutor.id,
        tutor.role.value,
        scene.provider.id,
    )


def test_entry_recorded_on_the_day_it_took_effect_is_not_a_late_entry(
    projections: Projections, scene: Scene
) -> None:
    entry = _entry(projections, "PlacementStarted")

    assert (entry.recorded_at, entry.effective_on, entry.late_entry) == (noon(START), START, False)


def test_back_dated_entry_is_a_late_entry(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, scene: Scene
) -> None:
    _mark_late(app, clock, scene.placement.id)

    entry = _last(projections)

    assert (entry.recorded_at, entry.effective_on, entry.late_entry) == (noon(day(3)), day(1), True)


def test_entry_taking_effect_on_a_later_day_is_not_a_late_entry(
    app: AlternativeProvision, projections: Projections, scene: Scene
) -> None:
    app.end_placement(scene.placement.id, destination=Destination.TRAINING, actor=HEAD, on=day(10))

    entry = _last(projections)

    assert (entry.recorded_at, entry.effective_on, entry.late_entry) == (
        noon(START),
        day(10),
        False,
    )


def test_every_entry_names_the_policy_version(projections: Projections, scene: Scene) -> None:
    assert {entry.policy_version for entry in _entries(projections)} == {POLICY_VERSION}


def test_entry_lists_the_rules_its_event_is_evidence_for(
    projections: Projections, scene: Scene
) -> None:
    assert _entry(projections, "PlanAgreed").evidence_for == PlanAgreed.evidence_for


def test_entry_describes_the_decision_in_plain_words(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, scene: Scene
) -> None:
    _mark_late(app, clock, scene.placement.id)

    assert _last(projections).description == (
        "Attendance recorded: 2026-02-03 AM, code N (Reason for absence not yet established) "
        "— unauthorised absence."
    )


def test_entry_gives_the_events_facts(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, scene: Scene
) -> None:
    _mark_late(app, clock, scene.placement.id)

    assert _last(projections).facts == {"session": "AM", "code": "N"}


def test_entry_names_the_kind_of_record(
    app: AlternativeProvision, projections: Projections, scene: Scene
) -> None:
    app.record_term("Spring 1", starts_on=START, ends_on=day(11), actor=HEAD)

    entries = _entries(projections)

    assert [(e.event_type, e.record_kind) for e in (*entries[2:4], entries[-1])] == [
        ("ProviderRiskAssessed", "provider"),
        ("PlacementOpened", "placement"),
        ("TermRecorded", "school"),
    ]


def test_correction_entry_names_the_version_it_corrects(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, scene: Scene
) -> None:
    _mark_late(app, clock, scene.placement.id)
    marked = app.correct_attendance(
        scene.placement.id,
        session=Session.AM,
        code="I",
        reason="Note from home.",
        amended_by_name="Sam Okafor",
        amended_by_position="Attendance officer",
        actor=STAFF,
        on=day(1),
    )

    entries = _entries(projections)

    assert (entries[-1].event_type, entries[-1].corrects_version) == (
        "AttendanceCorrected",
        marked.version - 1,
    )


def test_entry_that_corrects_nothing_has_no_corrected_version(
    projections: Projections, scene: Scene
) -> None:
    assert {entry.corrects_version for entry in _entries(projections)} == {None}


# --------------------------------------------------------------------------- the filters


def test_trail_filters_by_placement(
    app: AlternativeProvision, projections: Projections, scene: Scene
) -> None:
    start_outside_placement(app, provider=scene.provider, student_reference="STU-0043")

    entries = _entries(projections, placement_id=scene.placement.id)

    assert [(e.placement_id, e.event_type) for e in entries] == [
        (scene.placement.id, event_type) for event_type in PLACEMENT_EVENTS
    ]


def test_trail_filters_by_provider_its_own_entries_and_its_placements(
    app: AlternativeProvision, projections: Projections, scene: Scene
) -> None:
    start_outside_placement(app, student_reference="STU-0043")  # at another provider

    entries = _entries(projections, provider_id=scene.provider.id)

    assert [(e.record_id, e.event_type) for e in entries] == [
        *((scene.provider.id, event_type) for event_type in STARTED[:3]),
        *((scene.placement.id, event_type) for event_type in PLACEMENT_EVENTS),
    ]


def test_trail_filters_by_actor(projections: Projections, scene: Scene) -> None:
    entries = _entries(projections, actor_id=HEAD.id)

    assert [e.event_type for e in entries] == [
        *STARTED[:3],
        "PlanAgreed",
        "PlacementStarted",
        "PlacementRunStarted",
    ]


def test_trail_filters_by_event_type(projections: Projections, scene: Scene) -> None:
    entries = _entries(projections, event_type="ConsentGiven")

    assert [e.event_type for e in entries] == ["ConsentGiven", "ConsentGiven"]


def test_trail_filters_by_the_days_decisions_took_effect(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, scene: Scene
) -> None:
    _mark_late(app, clock, scene.placement.id)  # took effect on day 1, recorded on day 3

    entries = _entries(projections, effective_from=day(1), effective_to=day(2))

    assert [(e.event_type, e.effective_on) for e in entries] == [("AttendanceRecorded", day(1))]


def test_trail_filters_by_the_days_decisions_were_recorded(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, scene: Scene
) -> None:
    _mark_late(app, clock, scene.placement.id)  # took effect on day 1, recorded on day 3

    entries = _entries(projections, recorded_from=day(1), recorded_to=day(3))

    assert [(e.event_type, e.recorded_at) for e in entries] == [
        ("AttendanceRecorded", noon(day(3)))
    ]


def test_trail_recorded_to_a_day_includes_the_whole_of_that_day(
    projections: Projections, scene: Scene
) -> None:
    entries = _entries(projections, recorded_to=START)

    assert len(entries) == len(STARTED)


def test_trail_effective_range_with_no_decision_is_empty(
    projections: Projections, scene: Scene
) -> None:
    assert _entries(projections, effective_from=day(1), effective_to=day(9)) == []


# --------------------------------------------------------------------------- the export


def _export(projections: Projections) -> list[dict[str, object]]:
    projections.catch_up()
    return [
        json.loads(line)
        for line in audit_queries.export_lines(projections.store, reader=FULL_ACCESS)
    ]


def test_export_shows_a_keyed_hash_of_the_idempotency_key_never_the_key(
    app: AlternativeProvision, projections: Projections, scene: Scene
) -> None:
    app.record_attendance(
        scene.placement.id, session=Session.AM, code="/", actor=STAFF, on=START,
        idempotency_key="register-jane-smith",
    )  # fmt: skip

    (key,) = [line["idempotency_key"] for line in _export(projections) if line["idempotency_key"]]
    assert HASHED_KEY.fullmatch(str(key))


def test_export_has_one_line_per_stored_event(
    app: AlternativeProvision, projections: Projections, scene: Scene
) -> None:
    lines = _export(projections)

    assert [line["position"] for line in lines] == list(range(1, app.last_position() + 1))


def test_export_in_small_batches_gives_the_same_lines(
    projections: Projections, scene: Scene
) -> None:
    projections.catch_up()

    in_batches = list(audit_queries.export_lines(projections.store, batch=2, reader=FULL_ACCESS))

    assert in_batches == list(audit_queries.export_lines(projections.store, reader=FULL_ACCESS))


def test_export_lines_have_the_documented_field_names(
    projections: Projections, scene: Scene
) -> None:
    assert {frozenset(line) for line in _export(projections)} == {frozenset(EXPORT_FIELDS)}


def test_export_actor_has_id_role_school_and_provider(
    projections: Projections, scene: Scene
) -> None:
    actors = [line["actor"] for line in _export(projections)]

    assert {frozenset(actor) for actor in actors if isinstance(actor, dict)} == {
        frozenset({"id", "role", "school_id", "provider_id"})
    }


def test_export_line_of_a_correction_gives_its_corrected_version(
    app: AlternativeProvision, projections: Projections, clock: FixedClock, scene: Scene
) -> None:
    _mark_late(app, clock, scene.placement.id)
    app.correct_attendance(
        scene.placement.id,
        session=Session.AM,
        code="I",
        reason="Note from home.",
        amended_by_name="Sam Okafor",
        amended_by_position="Attendance officer",
        actor=STAFF,
        on=day(1),
    )

    recorded, corrected = _export(projections)[-2:]

    assert (corrected["event_type"], corrected["corrects_version"]) == (
        "AttendanceCorrected",
        recorded["record_version"],
    )


def test_export_line_gives_times_as_iso_text_and_ids_as_text(
    projections: Projections, scene: Scene
) -> None:
    line = _export(projections)[3]

    assert (
        line["record_id"],
        line["provider_ids"],
        line["recorded_at"],
        line["effective_on"],
    ) == (
        str(scene.placement.id),
        [str(scene.provider.id)],
        "2026-02-02T12:00:00+00:00",
        "2026-02-02",
    )


def test_export_of_a_provider_with_no_placements_lists_it_alone(
    app: AlternativeProvision, projections: Projections
) -> None:
    provider = ready_provider(app, confirm=False, assess=False)

    (line,) = _export(projections)

    assert (line["placement_id"], line["provider_ids"], line["school_id"]) == (
        None,
        [str(provider.id)],
        SCHOOL,
    )
