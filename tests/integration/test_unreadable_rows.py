"""A stored row that cannot be read says so without guessing: in a store that is not
encrypted it is damaged or altered (naming the record and its position); in an encrypted
store opened without its key, the key is asked for. Rows are changed with plain SQL, as
someone with the database's password could."""

from __future__ import annotations

from uuid import UUID

import pytest

from senad_ap import AlternativeProvision
from senad_ap.errors import CipherKeyError, DamagedRecordError
from senad_ap.projections.access import FULL_ACCESS
from tests.integration.test_tamper_evidence import Database, _opened_row, _write, database

__all__ = ["database"]

GARBAGE = b"\x00\xff not an event"


def test_a_garbled_row_of_a_plain_store_is_named_damaged_not_encrypted(
    database: Database,
) -> None:
    _write(database.open())
    _, record, version, _ = _opened_row(database)
    database.set_state(_opened_row(database)[0], GARBAGE)

    with pytest.raises(DamagedRecordError, match="damaged or altered") as raised:
        database.open().state_at_version(UUID(record), version, reader=FULL_ACCESS)

    assert (raised.value.record_id, raised.value.version) == (UUID(record), version)


def test_a_row_of_an_encrypted_store_read_without_its_key_asks_for_the_key(
    database: Database,
) -> None:
    _write(database.open(cipher_key=AlternativeProvision.create_cipher_key()))
    _, record, version, _ = database.rows()[0]

    with pytest.raises(CipherKeyError, match="the store is encrypted"):
        database.open().state_at_version(UUID(record), version, reader=FULL_ACCESS)


def test_verify_names_the_position_of_a_garbled_row_of_a_plain_store(
    database: Database,
) -> None:
    _write(database.open())
    position = _opened_row(database)[0]
    database.set_state(position, GARBAGE)

    result = database.open().verify()

    assert [(p.position, p.kind, f"at position {position} of the log" in p.message)
            for p in result.problems][:1] == [(position, "unreadable", True)]  # fmt: skip
