"""The store's own secret: idempotency keys kept as keyed hashes, never in clear.

A caller's idempotency key may carry a name ("enrol-jane-smith"). It is never stored as
given: every event, state, snapshot, projection row and export holds instead::

    hk1:<HMAC-SHA256(idempotency key, the caller's key), hex>

where the idempotency key is derived from the store's secret (32 random bytes). The secret is
made once, when the store is first used, and kept in the key table beside the events
(``application.personal``: one row, not a student's, wrapped with the store's cipher key when
encryption at rest is on), so it goes wherever the store goes and no further. Two processes
opening a new store at once both insert-if-absent and read the row back: they use the same
secret.

A retry hashes the key it is given and looks for the hash; a store written before keys were
hashed holds them in clear, so a retry also looks for the clear key when the hash is absent,
and still records nothing more.

Record ids made from an idempotency key (``Pipeline.new_id``: a retried "create" lands on the
same record) are, on an encrypted store, keyed too: a version-4-shaped UUID made from
HMAC-SHA256 with a key derived from the secret, so a guessed key cannot be confirmed from an
id without the secret. A store without a cipher key keeps the deterministic ``uuid5`` ids
(the demo and the docs quote them; such a store hides no reference anyway: the projections
hold them in clear). The secret's row records the store's *scheme* for those ids, chosen
once, when the secret is made (before the store's first event, ``ensure``): a store that
already held events then was written with ``uuid5`` ids and keeps them (``SCHEME_OLD_IDS``),
so a retry across the upgrade still lands on the record it made; a new store gets keyed ids
(``SCHEME_KEYED_STUDENT_IDS``).

The student's record id is keyed the same way on an encrypted store of the newest scheme
(``student_id``): derived from the school and the student reference, it was ``uuid5`` (still
``domain.student.student_record_id``), so anyone who could read the ids (the events' and the
key table's ``originator_id`` / ``student_id`` columns, the sealed values ``⟦pd2:<id>:…⟧``)
could confirm a guessed reference by computing its id. The scheme byte says which ids a store
uses, and it never changes:

- ``SCHEME_KEYED_IDS`` (1): stores whose secret was made before student ids were keyed: ids
  made from idempotency keys are keyed, the student's record id is ``uuid5``;
- ``SCHEME_OLD_IDS`` (2): stores that held events when the secret was made: both ``uuid5``;
- ``SCHEME_KEYED_STUDENT_IDS`` (3): every store made since: both keyed (with different keys
  derived from the secret), on an encrypted store.

Without a cipher key every id is ``uuid5`` whatever the scheme. A staff member's record id
(``domain.staff.staff_record_id``, the row of their own key) stays ``uuid5``: it is made from
their school, provider and actor id, which every event they recorded holds in clear, so a
keyed id would hide nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID, uuid5

from senad_ap.application.personal import PersonalData
from senad_ap.application.records import store_errors
from senad_ap.application.stores import check_text
from senad_ap.domain.base import Command
from senad_ap.domain.personal import with_fields
from senad_ap.domain.student import student_record_id
from senad_ap.errors import StoreError

__all__ = [
    "HASHED_KEY",
    "KEY_PREFIX",
    "SCHEME_KEYED_IDS",
    "SCHEME_KEYED_STUDENT_IDS",
    "SCHEME_OLD_IDS",
    "SECRET_ROW",
    "StoreSecret",
]

C = TypeVar("C", bound=Command)

#: The key-table row that holds the store's secret (a student's row is a 32-digit hex id).
SECRET_ROW = "store-secret"  # noqa: S105 - the row's name, not a secret
#: What marks a stored idempotency key as a keyed hash.
KEY_PREFIX = "hk1:"
HASHED_KEY = re.compile(KEY_PREFIX + "[0-9a-f]{64}")
#: The first byte of the stored secret: the store's scheme for record ids.
SCHEME_KEYED_IDS = 1
SCHEME_OLD_IDS = 2
SCHEME_KEYED_STUDENT_IDS = 3
#: The scheme of a store whose secret is made before its first event.
NEW_STORE_SCHEME = SCHEME_KEYED_STUDENT_IDS
_KEYED_RECORD_IDS = (SCHEME_KEYED_IDS, SCHEME_KEYED_STUDENT_IDS)
_SECRET_BYTES = 32
_IDEMPOTENCY = b"senad_ap idempotency keys v1"
_RECORD_IDS = b"senad_ap record ids v1"
_STUDENT_IDS = b"senad_ap student record ids v1"


class StoreSecret:
    """The store's secret, read (or made) on first use and then kept in memory."""

    def __init__(
        self,
        personal: PersonalData,
        clock: Callable[[], datetime],
        has_events: Callable[[], bool],
    ) -> None:
        self._personal = personal
        self._clock = clock
        self._has_events = has_events
        self._lock = threading.Lock()
        self._secret: bytes | None = None
        self._id_key = b""
        self._student_key = b""
        self._scheme = 0
        self._hashes: dict[str, str] = {}

    def _load(self) -> bytes:
        with self._lock:
            if self._secret is None:
                with store_errors():
                    stored = self._read()
                    if stored is None:
                        scheme = SCHEME_OLD_IDS if self._has_events() else NEW_STORE_SCHEME
                        made = bytes([scheme]) + os.urandom(_SECRET_BYTES)
                        wrapper = self._personal.wrapper
                        self._personal.keys.add(SECRET_ROW, wrapper.wrap(made), self._clock())
                        stored = self._read()
                if stored is None or len(stored) != _SECRET_BYTES + 1:
                    raise StoreError(
                        "The store's secret could not be kept or read: was the store written "
                        "with a CIPHER_KEY, and opened without it?"
                    )
                self._scheme = stored[0]
                self._id_key = hmac.new(stored[1:], _RECORD_IDS, hashlib.sha256).digest()
                self._student_key = hmac.new(stored[1:], _STUDENT_IDS, hashlib.sha256).digest()
                self._secret = hmac.new(stored[1:], _IDEMPOTENCY, hashlib.sha256).digest()
            return self._secret

    def _read(self) -> bytes | None:
        found = self._personal.keys.fetch([SECRET_ROW])
        wrapped = found.get(SECRET_ROW)
        return None if wrapped is None else self._personal.wrapper.unwrap(wrapped)

    def ensure(self) -> None:
        """Make the secret now if the store has none yet (before a decision is recorded, so
        that a new store chooses its scheme before its first event)."""
        self._load()

    @property
    def scheme(self) -> int:
        """The store's scheme for record ids (made with the secret, on first use)."""
        self._load()
        return self._scheme

    def record_id(self, namespace: UUID, name: str) -> UUID:
        """The id of a record named ``name`` in ``namespace``: ``uuid5`` on a store without a
        cipher key, or one whose events predate the secret; keyed on an encrypted store."""
        if not self._personal.wrapper.encrypts or self.scheme not in _KEYED_RECORD_IDS:
            return uuid5(namespace, name)
        return _keyed_uuid(self._id_key, namespace.bytes + name.encode())

    def student_id(self, school_id: str, student_reference: str, *, make: bool = False) -> UUID:
        """The record id of the student ``student_reference`` of ``school_id``: keyed on an
        encrypted store of ``SCHEME_KEYED_STUDENT_IDS``, else ``student_record_id`` (``uuid5``).

        ``make``: make the secret if the store has none yet (a new student's record is about
        to begin); otherwise a store without one has no keyed ids, and nothing is written.
        """
        plain = student_record_id(school_id, student_reference)
        if not self._personal.wrapper.encrypts:
            if self._secret is None:
                self._kept()  # refuses a store encrypted at rest, opened without its key
            return plain
        if make:
            self._load()
        elif self._secret is None and not self._kept():
            return plain
        if self._scheme != SCHEME_KEYED_STUDENT_IDS:
            return plain
        return _keyed_uuid(self._student_key, f"{school_id}\x1f{student_reference}".encode())

    def _kept(self) -> bool:
        """Whether the store has a secret (then read into memory), without making one."""
        with store_errors():
            if self._read() is None:
                return False
        self._load()
        return True

    def hashed(self, key: str) -> str:
        """The idempotency key as stored: ``hk1:`` and its keyed hash, in hex."""
        found = self._hashes.get(key)
        if found is None:
            digest = hmac.new(self._load(), key.encode("utf-8"), hashlib.sha256).hexdigest()
            found = KEY_PREFIX + digest
            if len(self._hashes) > 65536:
                self._hashes.clear()
            self._hashes[key] = found
        return found

    def keyed(self, command: C) -> C:
        """``command`` with its idempotency key as it is stored: ``hk1:`` and a keyed hash of
        the caller's key, never the key itself."""
        key = command.idempotency_key
        if key is None:
            return command
        check_text(key, "idempotency_key", "idempotency key")
        return with_fields(command, {"idempotency_key": self.hashed(key)})


def _keyed_uuid(key: bytes, name: bytes) -> UUID:
    """A version-4-shaped UUID from HMAC-SHA256 of ``name`` with ``key``."""
    digest = hmac.new(key, name, hashlib.sha256).digest()
    return UUID(bytes=digest[:16], version=4)
