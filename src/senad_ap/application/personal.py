"""Personal data sealed with a key of each student's own, so that it can be erased.

Every personal value (``senad_ap.domain.personal``: the student's name and date of birth, the
free-text notes about them) is recorded as a *sealed value*::

    ⟦pd2:<student record id, hex>:<AES-SIV ciphertext, base64url>⟧

the text's UTF-8 bytes padded to a bucket (``padded``: 32, 64, 128, … bytes, so a sealed value
tells only which bucket its text's length falls in, not the length), encrypted with the
student's own 512-bit key (AES-SIV, deterministic: the same text under the same key seals to
the same value, so a retried command has the same fingerprint and the domain can compare
sealed values). The student's record id is bound in as associated data, so a sealed
value cannot be moved to another student. The event, its chain hash (tamper evidence), its
snapshot and every projection row hold only the sealed value; the text is revealed on the way
out (the states and events the API returns, the projections' rows, reports and exports).

The keys live in a table beside the events (``senad_ap_student_keys``, in the SQLite file or
the PostgreSQL schema), wrapped with the store's cipher key when encryption at rest is on.
Erasure (``AlternativeProvision.forget_student``) destroys the key: every sealed value of that
student then reveals as ``[erased]``, everywhere at once, while the history, its hashes and its
seals stay exactly as they were, so ``verify`` still passes.

Values sealed before padding came in (``pd1``, the text unpadded) still open.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar
from uuid import UUID

import attrs
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from senad_ap.application.student_keys import (
    KEY_TABLE,
    MemoryStudentKeys,
    PostgresStudentKeys,
    SQLiteStudentKeys,
    StudentKeys,
    Wrapper,
)
from senad_ap.domain.personal import ERASED, map_personal, personal_fields, with_fields
from senad_ap.domain.personal import map_value as _map
from senad_ap.domain.staff import staff_fields
from senad_ap.domain.validation import SEAL_MARKS
from senad_ap.errors import LifecycleError, StoreError

__all__ = [
    "KEY_TABLE",
    "PAD_BUCKETS",
    "UNREADABLE",
    "MemoryStudentKeys",
    "PersonalData",
    "PostgresStudentKeys",
    "SQLiteStudentKeys",
    "StudentKeys",
    "padded",
    "sealed_ids",
    "unpadded",
]

T = TypeVar("T")

#: What a sealed value reads as when its key exists but does not open it (altered on disk).
UNREADABLE = "[unreadable]"
_OPEN, _CLOSE = SEAL_MARKS
_SEALED = re.compile(_OPEN + r"pd([12]):([0-9a-f]{32}):([A-Za-z0-9_-]+)" + _CLOSE)
_KEY_BYTES = 64  # AES-256-SIV
#: The smallest bucket; each next bucket is twice the one before (32, 64, 128, … bytes).
PAD_BUCKETS = 32
_PAD_MARK = b"\x80"


def padded(data: bytes) -> bytes:
    """``data``, a 0x80 byte, then zero bytes up to the smallest bucket (``PAD_BUCKETS``
    bytes, doubled as often as needed) that holds them (ISO/IEC 7816-4 padding)."""
    size = PAD_BUCKETS
    while size < len(data) + 1:
        size *= 2
    return data + _PAD_MARK + bytes(size - len(data) - 1)


def unpadded(data: bytes) -> bytes:
    """``data`` without its padding (``padded``); ``ValueError`` if it has none."""
    end = data.rstrip(b"\x00")
    if not end.endswith(_PAD_MARK):
        raise ValueError("not padded")
    return end[:-1]


def sealed_ids(text: str) -> set[str]:
    """The student record ids (hex) whose sealed values appear in ``text``."""
    if _OPEN not in text:
        return set()
    return {match.group(2) for match in _SEALED.finditer(text)}


class PersonalData:
    """Seals personal values on the way in and reveals them on the way out."""

    def __init__(self, keys: StudentKeys, cipher: Any | None = None) -> None:
        self.keys = keys
        self._wrapper = Wrapper(cipher)
        self._sivs: dict[bytes, AESSIV] = {}
        # What each student's current key opened, and what each personal value revealed to.
        self._opened: dict[str, tuple[bytes, dict[str, str]]] = {}
        self._values: dict[int, tuple[Any, Any, frozenset[str], tuple[bytes | None, ...]]] = {}
        #: Students (record ids, hex) whose destroyed key may still sit in the store's files.
        self.waiting: set[str] = set()

    @property
    def wrapper(self) -> Wrapper:
        """What wraps the stored keys (the store's secret too, ``application.store_secret``)."""
        return self._wrapper

    # ------------------------------------------------------------------ keys
    def key_of(self, student_id: UUID) -> bytes | None:
        """The student's key; ``None`` if none was made yet. Refuses an erased student."""
        stored = self.keys.fetch([student_id.hex])
        if student_id.hex not in stored:
            return None
        wrapped = stored[student_id.hex]
        if wrapped is None:
            raise LifecycleError(
                "STAT-7: this student's personal data was erased at the end of retention; "
                "nothing more can be recorded about them.",
                rule_id="STAT-7",
            )
        return self._wrapper.unwrap(wrapped)

    @staticmethod
    def new_key() -> bytes:
        return os.urandom(_KEY_BYTES)

    def keep(self, student_id: UUID, key: bytes, at: datetime) -> bytes:
        """Keep a new key (unless another writer kept one first) and return the kept key."""
        self.keys.add(student_id.hex, self._wrapper.wrap(key), at)
        kept = self.key_of(student_id)
        if kept is None:  # pragma: no cover - the row was just written
            raise StoreError("A student's key could not be kept.")
        return kept

    def destroy(self, student_id: UUID, at: datetime) -> None:
        """Destroy the student's key; if an old copy may still sit in the store's files (a
        reader), the student stays in ``waiting`` until ``settle`` clears it."""
        if self.keys.destroy(student_id.hex, at):
            self.waiting.discard(student_id.hex)
        else:
            self.waiting.add(student_id.hex)

    def settle(self) -> frozenset[str]:
        """Clear old copies of destroyed keys from the store's files; the students (record
        ids, hex) whose key may still be there."""
        if self.keys.settle():
            self.waiting.clear()
        return frozenset(self.waiting)

    def erased(self, student_id: UUID) -> bool:
        stored = self.keys.fetch([student_id.hex])
        return student_id.hex in stored and stored[student_id.hex] is None

    # ------------------------------------------------------------------ sealing
    def seal(self, value: T, student_id: UUID, key: bytes) -> T:
        """``value`` with each personal value sealed with the student's key (a value already
        sealed, with a staff member's key, stays as it is: text cannot hold the brackets)."""
        return map_personal(value, self._sealer(student_id, key))

    def seal_text(self, text: str, record_id: UUID, key: bytes) -> str:
        """One text sealed with the key of the record ``record_id``."""
        return self._sealer(record_id, key)(text)

    def seal_staff(self, value: T, staff_id: UUID, key: bytes) -> T:
        """``value`` with its staff member's own personal values (``staff_personal``) sealed
        with their key (``senad_ap.domain.staff``)."""
        seal_text = self._sealer(staff_id, key)
        changes = {name: seal_text(getattr(value, name)) for name in staff_fields(type(value))}
        return with_fields(value, changes) if changes else value

    def _sealer(self, record_id: UUID, key: bytes) -> Callable[[str], str]:
        siv = self._siv(key)
        bound = [record_id.bytes]
        prefix = f"{_OPEN}pd2:{record_id.hex}:"

        def seal_text(text: str) -> str:
            if _SEALED.fullmatch(text):
                return text
            sealed = siv.encrypt(padded(text.encode("utf-8")), bound)
            return prefix + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode() + _CLOSE

        return seal_text

    @staticmethod
    def needs_key(value: object) -> bool:
        """Whether ``value`` has any personal value to seal."""
        found = False

        def note(text: str) -> str:
            nonlocal found
            found = True
            return text

        map_personal(value, note)
        return found

    # ------------------------------------------------------------------ revealing
    def _keys_of(self, ids: Collection[str]) -> dict[str, bytes | None]:
        """The students' keys as the key table holds them now (``None``: erased)."""
        if not ids:
            return {}
        stored = self.keys.fetch(ids)
        return {i: None if w is None else self._wrapper.unwrap(w) for i, w in stored.items()}

    def opener(self, texts: Iterable[str]) -> Callable[[str], str]:
        """A function that reveals the sealed values in text, with one read of the key table
        for every student whose sealed values appear in ``texts``."""
        ids: set[str] = set()
        for text in texts:
            ids |= sealed_ids(text)
        return self._opener(self._keys_of(ids))

    def _opener(self, keys: Mapping[str, bytes | None]) -> Callable[[str], str]:
        # The keys are read afresh for every call, so an erasure by another process shows at
        # once; what a key opened is remembered only while the same key is still there.
        def replace(match: re.Match[str]) -> str:
            student = match.group(2)
            key = keys.get(student)
            if key is None:
                return ERASED
            known = self._opened.get(student)
            if known is None or known[0] != key:
                if len(self._opened) > 4096:
                    self._opened.clear()
                known = self._opened[student] = (key, {})
            sealed = match.group(0)
            plain = known[1].get(sealed)
            if plain is None:
                try:
                    data = base64.urlsafe_b64decode(
                        match.group(3) + "=" * (-len(match.group(3)) % 4)
                    )
                    opened = self._siv(key).decrypt(data, [bytes.fromhex(student)])
                    plain = (unpadded(opened) if match.group(1) == "2" else opened).decode()
                except (InvalidTag, ValueError, binascii.Error):
                    return UNREADABLE
                known[1][sealed] = plain
            return plain

        def reveal(text: str) -> str:
            if _OPEN not in text:
                return text
            return _SEALED.sub(replace, text)

        return reveal

    def reveal_text(self, text: str) -> str:
        return self.opener([text])(text)

    def reveal(self, value: T) -> T:
        """``value`` (a state, an event, a row, a list or mapping of them, any attrs object)
        with every sealed value in it revealed, or ``[erased]``."""
        texts: list[str] = []
        _texts(value, texts)
        if not any(_OPEN in text for text in texts):
            return value
        reveal = self.opener(texts)
        revealed: T = _walk(value, reveal)
        return revealed

    def reveal_personal(self, values: Iterable[T]) -> list[T]:
        """Reveal the declared personal fields of many states or events at once, with one
        read of the key table (the fast path: ``get_placement``, ``record_register``).

        A state shares most of its values with the state before it (the same plan object, the
        same notes), so what each value revealed to is remembered, with the keys it was
        revealed with, and reused while those keys are unchanged."""
        items = list(values)
        work: list[tuple[int, str, Any]] = []
        ids: set[str] = set()
        for index, item in enumerate(items):
            for name in personal_fields(type(item)):
                value = getattr(item, name)
                if value is None:
                    continue
                entry = self._values.get(id(value))
                if entry is None or entry[0] is not value:
                    texts: list[str] = []
                    _map_texts(value, texts)
                    found = frozenset(i for text in texts for i in sealed_ids(text))
                    if not found:
                        continue
                    if len(self._values) > 8192:
                        self._values.clear()
                    entry = self._values[id(value)] = (value, None, found, ())
                ids |= entry[2]
                work.append((index, name, value))
        if not work:
            return items
        keys = self._keys_of(ids)
        reveal = self._opener(keys)
        changes: dict[int, dict[str, Any]] = {}
        for index, name, value in work:
            sealed, revealed, found, used = self._values[id(value)]
            now = tuple(keys.get(i) for i in sorted(found))
            if revealed is None or used != now:
                revealed = _map(value, reveal)
                self._values[id(value)] = (sealed, revealed, found, now)
            changes.setdefault(index, {})[name] = revealed
        for index, fields in changes.items():
            items[index] = with_fields(items[index], fields)
        return items

    def reveal_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Projection rows with their sealed values revealed (inside JSON text as JSON)."""
        texts = [v for row in rows for v in row.values() if isinstance(v, str) and _OPEN in v]
        if not texts:
            return rows
        reveal = self.opener(texts)
        return [{k: _reveal_column(v, reveal) for k, v in row.items()} for row in rows]

    def _siv(self, key: bytes) -> AESSIV:
        siv = self._sivs.get(key)
        if siv is None:
            if len(self._sivs) > 4096:
                self._sivs.clear()
            siv = self._sivs[key] = AESSIV(key)
        return siv


def _reveal_column(value: Any, reveal: Callable[[str], str]) -> Any:
    if not isinstance(value, str) or _OPEN not in value:
        return value
    if value[:1] in "{[":
        try:
            decoded = json.loads(value)
        except ValueError:
            return reveal(value)
        return json.dumps(_walk(decoded, reveal), sort_keys=True, ensure_ascii=False)
    return reveal(value)


def _walk(value: Any, text: Callable[[str], str]) -> Any:
    """Apply ``text`` to every string anywhere in ``value``, copying only what changes."""
    if isinstance(value, str):
        return text(value)
    if value is None or isinstance(value, int | float | bytes | UUID | datetime):
        return value
    if isinstance(value, tuple):
        revealed = tuple(_walk(item, text) for item in value)
        return value if all(a is b for a, b in zip(revealed, value, strict=True)) else revealed
    if isinstance(value, list):
        return [_walk(item, text) for item in value]
    if isinstance(value, frozenset | set):
        items = [_walk(item, text) for item in value]
        return type(value)(items)
    if isinstance(value, Mapping):
        pairs = {_walk(k, text): _walk(v, text) for k, v in value.items()}
        if isinstance(value, MappingProxyType):
            return MappingProxyType(pairs)
        return pairs
    if attrs.has(type(value)):
        changes = {}
        for field in attrs.fields(type(value)):
            old = getattr(value, field.name)
            new = _walk(old, text)
            if new is not old:
                changes[field.name] = new
        return with_fields(value, changes) if changes else value
    return value


def _map_texts(value: Any, out: list[str]) -> None:
    def note(text: str) -> str:
        out.append(text)
        return text

    _map(value, note)


def _texts(value: Any, out: list[str]) -> None:
    """Collect every string anywhere in ``value``."""
    if isinstance(value, str):
        out.append(value)
    elif value is None or isinstance(value, int | float | bytes | UUID | datetime):
        return
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            _texts(item, out)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _texts(key, out)
            _texts(item, out)
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _texts(getattr(value, field.name), out)
