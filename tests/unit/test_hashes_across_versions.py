"""Events stored by an earlier version of the library still match their hashes after a field
was added to their type (``Event.added_later``): the hashes below were computed by the
library before ``TermRecorded`` had its half-term break and ``LogSealed`` its signature, and
before ``PolicyParameters`` had its absence rates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import attrs
import pytest

from senad_ap.application.codec import converter
from senad_ap.application.integrity import canonical, chain_hash
from senad_ap.domain.base import Event, fingerprint
from senad_ap.domain.policy import POLICY_RECORD_ID, PolicyVersionRecorded, RecordPolicyVersion
from senad_ap.domain.school import TermRecorded
from senad_ap.domain.seal import LogSealed
from senad_ap.domain.values import Actor, PolicyParameters, Role

HEAD = Actor(id="head-1", role=Role.HEAD_TEACHER, school_id="712E")
WHEN = {
    "timestamp": datetime(2025, 9, 1, 8, tzinfo=UTC),
    "actor": HEAD,
    "effective_on": date(2025, 9, 1),
    "policy_version": "section 7, version 6",
    "originator_version": 1,
}
TERM = TermRecorded(
    originator_id=UUID(int=7), school_id="712E", name="Autumn 2025",
    starts_on=date(2025, 9, 3), ends_on=date(2025, 12, 19), **WHEN,  # type: ignore[arg-type]
)  # fmt: skip
SEAL = LogSealed(
    originator_id=UUID(int=8), head="ab" * 32, last_position=12, events=12, **WHEN,  # type: ignore[arg-type]
)  # fmt: skip
#: Computed with the library at commit 20d7cba (before either field existed).
OLD_HASHES = {
    "TermRecorded": "50c1881ca570aebdfca8a909a623ccdce8313bdab8a5a8ee70bb8514be991e59",
    "LogSealed": "18c333a9b75264c2dc3510ba50073897f72d37267f09e9041ac8b994f8a1b4c6",
}


@pytest.mark.parametrize("event", [TERM, SEAL], ids=lambda e: type(e).__name__)
def test_an_event_stored_before_a_field_was_added_keeps_its_hash(event: Event) -> None:
    assert chain_hash(None, event) == OLD_HASHES[type(event).__name__]


def test_a_field_added_later_counts_in_the_hash_once_it_is_given() -> None:
    with_break = attrs.evolve(
        TERM, half_term_starts_on=date(2025, 10, 27), half_term_ends_on=date(2025, 10, 31)
    )

    assert chain_hash(None, with_break) != OLD_HASHES["TermRecorded"]


def _event_types(cls: type[Event]) -> list[type[Event]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_event_types(sub)]
    return found


@pytest.mark.parametrize("cls", _event_types(Event), ids=lambda c: c.__name__)
def test_every_field_added_later_has_a_default_of_none(cls: type[Event]) -> None:
    defaults = {f.name: f.default for f in attrs.fields(cls)}

    assert all(defaults[name] is None for name in cls.added_later)


def test_a_field_left_none_is_not_in_the_content_hashed() -> None:
    assert b"half_term" not in canonical(TERM)


VERSION = PolicyVersionRecorded(
    originator_id=UUID(int=9), parameters=PolicyParameters(version="section 7, version 7"),
    ratified_on=date(2026, 1, 14), review_due_on=date(2026, 12, 31),
    **{**WHEN, "effective_on": date(2026, 1, 19)},  # type: ignore[arg-type]
)  # fmt: skip
#: Computed with the library at commit aa794e6, before the absence numbers (issue 13) were
#: added to ``PolicyParameters``.
VERSION_HASH_BEFORE_ABSENCE_NUMBERS = (
    "54384a1e7268b53ed111d4fbf326d06c22671e461840f675d9253bc34e5dcf4d"
)


def test_a_policy_version_recorded_before_numbers_were_added_keeps_its_hash() -> None:
    assert chain_hash(None, VERSION) == VERSION_HASH_BEFORE_ABSENCE_NUMBERS


def test_a_number_added_later_counts_in_a_versions_hash_once_it_is_not_the_default() -> None:
    stricter = attrs.evolve(
        VERSION, parameters=attrs.evolve(VERSION.parameters, unexplained_absence_school_days=3)
    )

    assert chain_hash(None, stricter) != VERSION_HASH_BEFORE_ABSENCE_NUMBERS


# A policy version (POL-1) recorded before PolicyParameters had its absence rates.
VERSION_7 = PolicyVersionRecorded(
    originator_id=POLICY_RECORD_ID, parameters=PolicyParameters(version="section 7, version 7"),
    ratified_on=date(2025, 8, 1), review_due_on=date(2026, 8, 1), **WHEN,  # type: ignore[arg-type]
)  # fmt: skip
RECORD_VERSION_7 = RecordPolicyVersion(
    actor=HEAD, effective_on=date(2025, 9, 1), parameters=VERSION_7.parameters,
    ratified_on=date(2025, 8, 1), review_due_on=date(2026, 8, 1),
)  # fmt: skip


def test_a_policy_version_stored_before_the_absence_rates_keeps_its_hash() -> None:
    # Computed with the library at commit aa794e6 (before the absence rates existed).
    assert chain_hash(None, VERSION_7) == (
        "1ca797db6b0430d40fa0cd109be68e1fcb051c0da77c110854aba6b6735d45c2"
    )


def test_a_policy_version_command_sent_before_the_absence_rates_keeps_its_fingerprint() -> None:
    # Computed with the library at commit aa794e6: a retry still matches its first run.
    assert fingerprint(RECORD_VERSION_7) == "70e49ee3fb65b8ac32f47138a34a9f9d"


def test_an_absence_rate_other_than_the_default_counts_in_the_hash() -> None:
    stricter = attrs.evolve(
        VERSION_7,
        parameters=attrs.evolve(VERSION_7.parameters, persistent_absence_rate=Decimal("0.08")),
    )

    assert b"persistent_absence_rate" in canonical(stricter)


def test_a_policy_version_read_back_without_its_absence_rates_has_the_defaults() -> None:
    stored = converter.unstructure(VERSION_7.parameters, PolicyParameters)

    assert converter.structure(stored, PolicyParameters) == PolicyParameters(
        version="section 7, version 7"
    )
