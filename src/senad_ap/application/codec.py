"""How events and snapshots become stored bytes and back, exactly.

eventsourcing's default mapper stores ``vars(event)`` through a JSON transcoder that turns
tuples into lists and needs a transcoding per value type. Our events are typed attrs classes,
so a cattrs converter (un)structures them by their annotations instead: tuples, frozensets,
enums, dates, decimals and nested value objects come back as they went in. The library's
cipher and compressor still apply to the bytes, so encryption at rest works as documented.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs
from cattrs.gen import make_dict_unstructure_fn
from cattrs.preconf.json import make_converter
from eventsourcing.persistence import (
    Mapper,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import TopicError, get_topic, resolve_topic

from senad_ap.application.store_format import library_version
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.placement.state import AttendanceMark, shared_day
from senad_ap.domain.plan import Objective, ObjectiveProgress, Plan
from senad_ap.domain.values import PolicyParameters, defaults_added_later
from senad_ap.errors import CipherKeyError, DamagedRecordError, StoreFormatError

__all__ = ["STORED_CONTENT", "JSONBytes", "Snapshot", "TypedMapper", "converter", "plain_rows"]

#: The attribute (not an attrs field: never stored, compared or copied) on an event read from
#: an older version of its class: ``(version, content)``, its content as stored, before the
#: upcast. The hash chain covers that content (``integrity.canonical``).
STORED_CONTENT = "_stored_content"

converter = make_converter(detailed_validation=False)
converter.register_unstructure_hook(UUID, str)
converter.register_structure_hook(
    UUID, lambda value, _: value if isinstance(value, UUID) else UUID(value)
)
converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))
_policy_numbers = make_dict_unstructure_fn(PolicyParameters, converter)


def _unstructure_policy(value: PolicyParameters) -> dict[str, Any]:
    """A version's numbers as stored and hashed: without the numbers added later that hold
    their default, as a version recorded before they existed was (its hash still matches;
    reading it back gives the defaults)."""
    data: dict[str, Any] = _policy_numbers(value)
    for name in defaults_added_later(value):
        del data[name]
    return data


converter.register_unstructure_hook(PolicyParameters, _unstructure_policy)


def _as_stored(cls: type) -> Any:
    """Structure ``cls`` without its validators: a stored value was checked when it was
    decided, and may hold sealed personal values (longer than the text they seal)."""
    fields = attrs.fields(attrs.resolve_types(cls))

    def structure(data: Any, _: Any) -> Any:
        obj: Any = object.__new__(cls)
        for field in fields:
            if field.name in data:
                value = converter.structure(data[field.name], field.type)
            elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                value = field.default.factory()
            else:
                value = field.default
            object.__setattr__(obj, field.name, value)
        return obj

    return structure


# The value objects that hold personal values (``domain.personal``) and check their input.
for _cls in (Plan, Objective, ObjectiveProgress):
    converter.register_structure_hook(_cls, _as_stored(_cls))

_SESSIONS = {session.value: session for session in Session}
_CODES = {code.value: code for code in AttendanceCode}


def _mark(data: Any, _: Any) -> AttendanceMark:
    # A year-long placement's snapshot holds ~380 marks: built directly, this is about twice
    # as fast as cattrs' generated hook (whose enum lookups dominate a load).
    return AttendanceMark(
        shared_day(date.fromisoformat(data["day"])),
        _SESSIONS[data["session"]],
        _CODES[data["code"]],
        int(data["version"]),
        corrected=bool(data.get("corrected", False)),
    )


converter.register_structure_hook(AttendanceMark, _mark)


def _plain_json(data: bytes) -> bool:
    """Whether stored bytes look like this library's plain JSON (an encrypted row is random
    bytes: almost never text that begins with "{")."""
    if bytes(data[:1]) != b"{":
        return False
    try:
        bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _damaged(stored_event: StoredEvent, position: int | None, why: str) -> DamagedRecordError:
    """A stored row that cannot be read, said without guessing: which record, which version,
    where in the log (when read from the log), and what is wrong with it."""
    at = "" if position is None else f" at position {position} of the log"
    return DamagedRecordError(
        f"The stored event{at} (record {stored_event.originator_id}, version "
        f"{stored_event.originator_version}, {stored_event.topic}) could not be read: {why}. "
        "The row was damaged or altered outside the library.",
        record_id=UUID(str(stored_event.originator_id)),
        version=stored_event.originator_version,
        position=position,
    )


#: The topics of this library's own classes (``module:QualName``).
_OWN_TOPIC = ("senad_ap.", "senad_ap:")


def _newer_record(stored_event: StoredEvent, what: str) -> StoreFormatError:
    """A record this library cannot read because a newer version of senad_ap wrote it."""
    return StoreFormatError(
        f"The stored event (record {stored_event.originator_id}, version "
        f"{stored_event.originator_version}) was written by a newer version of senad_ap "
        f"({what}): this library (senad_ap {library_version()}) cannot read it, and reads "
        "nothing rather than misread it. Upgrade senad-ap to read this store."
    )


def _resolve(topic: str, stored_event: StoredEvent, position: int | None) -> Any:
    """The class of ``topic``. A topic of this library that this version does not know was
    written by a newer version (a type added since): ``StoreFormatError``. Any other unknown
    topic was never written by this library: the row was altered (``DamagedRecordError``)."""
    try:
        return resolve_topic(topic)
    except TopicError:
        if isinstance(topic, str) and topic.startswith(_OWN_TOPIC):
            raise _newer_record(
                stored_event, f"a type this library does not know, {topic}"
            ) from None
        raise _damaged(
            stored_event, position, f"its type {topic!r} is not this library's"
        ) from None


class JSONBytes(Transcoder):
    """Plain JSON of already-unstructured values (the converter did the typing)."""

    def encode(self, obj: Any) -> bytes:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def decode(self, data: bytes) -> Any:
        return json.loads(data.decode("utf-8"))


@attrs.frozen(slots=False, kw_only=True)
class Snapshot:
    """A state at a version, kept so that a long history need not be replayed from the start."""

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    topic: str
    state: Any

    @classmethod
    def take(cls, aggregate: Any, timestamp: datetime | None = None) -> Snapshot:
        return cls(
            originator_id=aggregate.id,
            originator_version=aggregate.version,
            timestamp=timestamp or datetime.now(UTC),
            topic=get_topic(type(aggregate)),
            state=aggregate,
        )


#: How many rows ``plain_rows`` looks at before it takes a store for encrypted.
_ROWS_LOOKED_AT = 1000


def plain_rows(recorder: Any) -> Callable[[], bool]:
    """Whether the store of ``recorder`` holds rows of plain JSON, so is not encrypted: asked
    only when a row cannot be read without a key, to say honestly why. An encrypted row is
    almost never text that begins with "{", so one plain row among the first
    ``_ROWS_LOOKED_AT`` settles it; once found, the answer is kept."""
    found = False

    def holds_plain_rows() -> bool:
        nonlocal found
        start: int | None = None
        looked = 0
        while not found and looked < _ROWS_LOOKED_AT:
            rows = recorder.select_notifications(start, 100, inclusive_of_start=start is None)
            found = any(_plain_json(row.state) for row in rows)
            if not rows:
                break
            looked += len(rows)
            start = rows[-1].id
        return found

    return holds_plain_rows


class TypedMapper(Mapper[UUID]):
    """Maps attrs events (and snapshots) to stored events with the typed converter.

    ``plain_store``: set by the application once its recorder exists (``plain_rows``), to
    tell a row that was altered in a store that is not encrypted from a store whose key was
    not given."""

    plain_store: Callable[[], bool] | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        cls = type(domain_event)
        if cls is Snapshot:
            state = domain_event.state
            data: dict[str, Any] = {
                "timestamp": converter.unstructure(domain_event.timestamp, datetime),
                "topic": domain_event.topic,
                "state": converter.unstructure(state, type(state)),
            }
        else:
            data = converter.unstructure(domain_event, cls)
            del data["originator_id"], data["originator_version"]
        class_version = getattr(cls, "class_version", 1)
        if class_version > 1:
            data["class_version"] = class_version
        stored = self.transcoder.encode(data)
        if self.compressor:
            stored = self.compressor.compress(stored)
        if self.cipher:
            stored = self.cipher.encrypt(stored)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(cls),
            state=stored,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        where = (
            f"event {stored_event.originator_id} v{stored_event.originator_version} "
            f"({stored_event.topic})"
        )
        position: int | None = getattr(stored_event, "id", None)
        cls = _resolve(stored_event.topic, stored_event, position)
        state = stored_event.state
        if self.cipher:
            try:
                state = self.cipher.decrypt(state)
            except Exception:
                # AES-GCM authenticates: another key and altered bytes look the same here.
                raise CipherKeyError(
                    f"The stored {where} cannot be decrypted with the key given: the key "
                    "(CIPHER_KEY) is not the one it was written with, the store is not "
                    "encrypted, or its bytes were altered."
                ) from None
        try:
            if self.compressor:
                state = self.compressor.decompress(state)
            data: dict[str, Any] = self.transcoder.decode(state)
        except Exception as error:
            if not self.cipher and not self.compressor and not _plain_json(state):
                # Without a key, every event this library writes is UTF-8 JSON starting "{":
                # a store whose other rows are plain is not encrypted, so this row was altered.
                if self.plain_store is None or not self.plain_store():
                    raise CipherKeyError(
                        f"The stored {where} is not plain JSON, nor is any other event of "
                        "the store: the store is encrypted (give its key, CIPHER_KEY)."
                    ) from None
                raise _damaged(stored_event, position, "it is not even text") from None
            raise _damaged(
                stored_event, position, f"it is not the JSON this library writes "
                f"({type(error).__name__})",
            ) from None  # fmt: skip
        try:
            return self._structure(cls, stored_event, data)
        except (StoreFormatError, DamagedRecordError):
            raise
        except Exception as error:
            # A stored event that no longer has the shape of its type was changed outside
            # the library (or written by an unknown version): say so, never garbage.
            raise _damaged(
                stored_event, position, f"its content does not fit its type "
                f"({type(error).__name__}: {error})",
            ) from None  # fmt: skip

    def _structure(self, cls: Any, stored_event: StoredEvent, data: dict[str, Any]) -> Any:
        from_version = data.pop("class_version", 1)
        class_version = getattr(cls, "class_version", 1)
        if isinstance(from_version, int) and from_version > class_version:
            raise _newer_record(stored_event, f"version {from_version} of {cls.__name__}, "
                                f"this library knows up to version {class_version}")  # fmt: skip
        stored = (from_version, copy.deepcopy(data)) if from_version < class_version else None
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(data)
            from_version += 1
        originator_id = stored_event.originator_id
        if not isinstance(originator_id, UUID):
            originator_id = UUID(str(originator_id))
        if cls is Snapshot:
            return Snapshot(
                originator_id=originator_id,
                originator_version=stored_event.originator_version,
                timestamp=converter.structure(data["timestamp"], datetime),
                topic=data["topic"],
                state=converter.structure(
                    data["state"], _resolve(data["topic"], stored_event, None)
                ),
            )
        data["originator_id"] = originator_id
        data["originator_version"] = stored_event.originator_version
        event = converter.structure(data, cls)
        if stored is not None:
            # The hash chain protects what was stored, not what this version makes of it
            # (``integrity.canonical``): an upcast event keeps its content as stored.
            object.__setattr__(event, STORED_CONTENT, stored)
        return event
