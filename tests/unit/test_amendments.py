"""An amendment to an attendance entry names who made it (STAT-2).

The School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208,
regulation 6) ask an amendment to show the original entry, the amended entry, the reason, the
date of the amendment and the name and position of the person who made it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from senad_ap.application.codec import converter
from senad_ap.application.integrity import canonical, chain_hash
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement import AttendanceCorrected, CorrectAttendance, decide_placement
from senad_ap.domain.staff import staff_record_id
from senad_ap.errors import InvalidInputError
from senad_ap.projections.wording import describe
from tests.unit.builders import (
    A_SCHOOL_DAY,
    PLACEMENT_ID,
    TEACHER,
    apply,
    context,
    correct_command,
    provider_staff,
    record_command,
    related,
    started,
)

WHO = {"amended_by_name": "Sam Okafor", "amended_by_position": "Attendance officer"}


def _correction(**changes: object) -> CorrectAttendance:
    fields: dict[str, object] = {
        "actor": TEACHER,
        "effective_on": A_SCHOOL_DAY,
        "placement_id": PLACEMENT_ID,
        "session": Session.AM,
        "code": AttendanceCode.ILLNESS,
        "reason": "Mum phoned: ill",
        **WHO,
    }
    fields.update(changes)
    return CorrectAttendance(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("blank", ["", "   ", "\n"], ids=repr)
def test_a_correction_without_the_amenders_name_is_refused_naming_the_field(blank: str) -> None:
    with pytest.raises(InvalidInputError) as refusal:
        _correction(amended_by_name=blank)

    assert refusal.value.field == "amended_by_name"


@pytest.mark.parametrize("blank", ["", "   ", "\n"], ids=repr)
def test_a_correction_without_the_amenders_position_is_refused_naming_the_field(
    blank: str,
) -> None:
    with pytest.raises(InvalidInputError) as refusal:
        _correction(amended_by_position=blank)

    assert refusal.value.field == "amended_by_position"


def test_a_correction_that_leaves_the_name_out_is_refused_citing_the_regulation() -> None:
    fields = attrs.asdict(_correction(), recurse=False)
    del fields["amended_by_name"]

    with pytest.raises(InvalidInputError, match="regulation 6") as refusal:
        CorrectAttendance(**fields)

    assert refusal.value.field == "amended_by_name"


def test_a_name_that_is_not_text_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as refusal:
        _correction(amended_by_name=42)

    assert refusal.value.field == "amended_by_name"


def test_a_correction_with_the_amenders_name_and_position_is_allowed() -> None:
    command = _correction()

    assert (command.amended_by_name, command.amended_by_position) == (
        "Sam Okafor",
        "Attendance officer",
    )


def test_the_amendment_carries_the_name_and_position_given() -> None:
    state = apply(started(), record_command())
    (event,) = decide_placement(state, correct_command(), context(), related())

    assert isinstance(event, AttendanceCorrected)
    assert (event.amended_by_name, event.amended_by_position) == (
        "Sam Okafor",
        "Attendance officer",
    )


def _event(**changes: str) -> AttendanceCorrected:
    event = AttendanceCorrected(
        originator_id=PLACEMENT_ID,
        originator_version=9,
        timestamp=datetime(2025, 3, 12, 9, 30, tzinfo=UTC),
        actor=TEACHER,
        effective_on=A_SCHOOL_DAY,
        policy_version="section 7, version 6",
        session=Session.AM,
        original_code=AttendanceCode.PRESENT_AM,
        corrected_code=AttendanceCode.ILLNESS,
        reason="Mum phoned: ill",
        corrects_version=8,
    )
    return attrs.evolve(event, **changes)  # type: ignore[arg-type]


def test_the_wording_names_the_amender_the_position_and_the_date_of_the_amendment() -> None:
    words = describe(_event(**WHO))

    assert words == (
        'Attendance corrected: 2025-03-05 AM from / to I (reason: "Mum phoned: ill"); '
        'amended on 2025-03-12, by "Sam Okafor", "Attendance officer"; corrects entry '
        "version 8."
    )


def test_an_amendment_recorded_before_names_were_asked_for_reads_as_not_recorded() -> None:
    words = describe(_event())

    assert "name and position of the person who made it not recorded" in words


def test_an_amendment_without_a_name_hashes_as_it_did_before_the_fields_existed() -> None:
    assert b"amended_by" not in canonical(_event())


#: ``chain_hash(None, _event())`` computed with the library at commit aa794e6, before
#: ``AttendanceCorrected`` had the amender's name and position.
OLD_HASH = "8ba0d2bcb5e7ff139fc686d11026fd6e2306a5bce39fa571d4a421cbc5de75e3"


def test_an_amendment_stored_before_the_fields_existed_keeps_its_hash() -> None:
    assert chain_hash(None, _event()) == OLD_HASH


def test_an_amendment_stored_before_the_fields_existed_reads_them_as_not_recorded() -> None:
    stored = converter.unstructure(_event(), AttendanceCorrected)
    del stored["amended_by_name"], stored["amended_by_position"]

    event = converter.structure(stored, AttendanceCorrected)

    assert (event.amended_by_name, event.amended_by_position) == (None, None)


def test_the_name_and_position_count_in_the_hash_once_given() -> None:
    assert canonical(_event(**WHO)) != canonical(_event())


def test_each_staff_member_has_a_key_of_their_own() -> None:
    ids = {
        staff_record_id(TEACHER),
        staff_record_id(attrs.evolve(TEACHER, id="another-teacher")),
        staff_record_id(attrs.evolve(TEACHER, school_id="school-b")),
        staff_record_id(provider_staff()),
    }

    assert len(ids) == 4


def test_an_amendment_with_only_a_name_says_its_position_was_not_recorded() -> None:
    words = describe(_event(amended_by_name="Sam Okafor"))

    assert 'by "Sam Okafor", position not recorded;' in words
