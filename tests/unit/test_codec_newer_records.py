"""A record written by a newer version of senad_ap (a type this version does not know, or a
newer ``class_version`` of one it does) is refused with ``StoreFormatError``, never read as
garbage nor blamed on damage; a type that is not this library's at all is damage."""

from __future__ import annotations

import json

import pytest
from eventsourcing.persistence import StoredEvent

from senad_ap.application.codec import JSONBytes, TypedMapper
from senad_ap.domain.school import AppointDelegate, decide_school
from senad_ap.errors import DamagedRecordError, StoreFormatError
from tests.unit.builders import HEAD, OPENED_ON, context


def _mapper() -> TypedMapper:
    return TypedMapper(transcoder=JSONBytes())


def _stored() -> StoredEvent:
    command = AppointDelegate(actor=HEAD, effective_on=OPENED_ON, delegate_id="deputy")
    event = decide_school(None, command, context(OPENED_ON))[0]
    return _mapper().to_stored_event(event)


def _with(stored: StoredEvent, *, topic: str | None = None, **fields: object) -> StoredEvent:
    data = json.loads(stored.state)
    data.update(fields)
    return StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic if topic is None else topic,
        state=json.dumps(data).encode(),
    )


def test_a_stored_event_reads_back() -> None:
    stored = _stored()

    assert _mapper().to_domain_event(stored).delegate_id == "deputy"


def test_an_event_of_a_type_this_version_does_not_know_is_from_a_newer_version() -> None:
    stored = _with(_stored(), topic="senad_ap.domain.school:DelegateSuspended")

    with pytest.raises(StoreFormatError, match="written by a newer version of senad_ap"):
        _mapper().to_domain_event(stored)


def test_an_event_of_a_module_this_version_does_not_have_is_from_a_newer_version() -> None:
    stored = _with(_stored(), topic="senad_ap.domain.transport:TransportArranged")

    with pytest.raises(StoreFormatError, match="TransportArranged"):
        _mapper().to_domain_event(stored)


def test_an_event_of_a_newer_class_version_is_from_a_newer_version() -> None:
    stored = _with(_stored(), class_version=7)

    with pytest.raises(StoreFormatError, match="version 7 of DelegateAppointed"):
        _mapper().to_domain_event(stored)


def test_an_event_whose_type_is_not_this_librarys_is_damaged() -> None:
    stored = _with(_stored(), topic="elsewhere.events:Thing")

    with pytest.raises(DamagedRecordError, match="not this library's"):
        _mapper().to_domain_event(stored)
