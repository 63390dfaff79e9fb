"""Tamper evidence: hash chains per record, seals over the whole log, and ``verify``.

- Every event carries ``chain_hash``: SHA-256 over the previous event's hash in its record and
  the event's *canonical content* (its facts as sorted JSON, with its record id, version and
  type), not over the stored bytes, so encryption with random nonces does not change it.
- The log as a whole is chained too: ``head = SHA-256(previous head, event hash)`` over every
  event in log order (positions may have gaps on PostgreSQL: only the order counts). A seal
  (``LogSealed``) records the head up to a position; it can be exported and kept by an
  inspector.
- ``verify`` walks the store and reports every event whose content no longer matches its hash
  (altered), whose record skips or repeats a version (removed, inserted or reordered), and
  every seal the log no longer matches, first problem first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import attrs
from eventsourcing.utils import get_topic

from senad_ap.application.codec import STORED_CONTENT, converter
from senad_ap.application.records import SNAPSHOT_INTERVAL, Records, fold, hash_of, store_errors
from senad_ap.application.signing import SigningKeys, seal_statement
from senad_ap.domain.base import Event
from senad_ap.domain.records import evolve_record
from senad_ap.domain.seal import SEAL_RECORD_ID, LogSealed, SealState, evolve_seal
from senad_ap.domain.values import Actor, PolicyParameters, Role
from senad_ap.errors import CipherKeyError, InvalidInputError, NotAuthorisedError, StoreError

__all__ = [
    "Problem",
    "SealRecord",
    "Verification",
    "canonical",
    "chain_and_fold",
    "chain_hash",
    "chained",
    "check_kept",
    "next_head",
    "record_seal",
    "seals_of",
    "verify",
]

E = TypeVar("E", bound=Event)
#: No signing key and no public key: seals unsigned, signatures not checked.
NO_KEYS = SigningKeys()


def canonical(event: Event) -> bytes:
    """The event's content in one fixed form: what its hash covers.

    The content is the event as stored: its fields as the mapper writes them (with
    ``class_version`` from version 2 of a class on), without ``chain_hash`` and without the
    fields added later that are ``None``. An event read from an older version of its class
    was upcast (``codec.TypedMapper``): its hash was made over what that version stored, so
    it is checked against that content, kept on the event (``codec.STORED_CONTENT``), never
    against the upcast fields. That is sound because the stored bytes are what the hash
    protects and the upcast is a pure function of them: a change to the stored content
    still fails the hash, and the upcast event is the same whenever those bytes are read.
    """
    cls = type(event)
    stored: tuple[int, dict[str, Any]] | None = getattr(event, STORED_CONTENT, None)
    if stored is None:
        version: int = getattr(cls, "class_version", 1)
        data: dict[str, Any] = converter.unstructure(event, cls)
        added_later = cls.added_later
    else:
        version, content = stored
        data = dict(content)
        added_later = getattr(cls, f"added_later_v{version}", cls.added_later)
    data.pop("chain_hash", None)
    for name in added_later:
        if data.get(name) is None:
            data.pop(name, None)
    if version > 1:
        data["class_version"] = version
    data["originator_id"] = str(event.originator_id)
    data["originator_version"] = event.originator_version
    data["topic"] = get_topic(cls)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def chain_hash(previous: str | None, event: Event) -> str:
    """The hash chaining ``event`` to the previous event of its record (``None`` for none)."""
    digest = hashlib.sha256((previous or "").encode("ascii") + b"\n")
    digest.update(canonical(event))
    return digest.hexdigest()


def chained(events: Sequence[E], previous: str | None) -> list[E]:
    """``events`` (the next events of one record, in order) with their chain hashes set."""
    result = []
    for event in events:
        previous = chain_hash(previous, event)
        result.append(attrs.evolve(event, chain_hash=previous))
    return result


def chain_and_fold(
    events: Sequence[Event], before: Mapping[UUID, Any]
) -> tuple[list[Event], dict[UUID, Any]]:
    """One decision's events over several records (a student's fact and its placements):
    each record's events chained to its last hash and folded into its new state, by record,
    in the order the records first appear (``before``: each record's state, or ``None``)."""
    chained_events: list[Event] = []
    states: dict[UUID, Any] = {}
    for record_id in dict.fromkeys(e.originator_id for e in events):
        state = before.get(record_id)
        mine = chained([e for e in events if e.originator_id == record_id], hash_of(state))
        chained_events.extend(mine)
        states[record_id] = fold(state, mine, evolve_record)
    return chained_events, states


def next_head(head: str, event: Event) -> str:
    """The log chain's head after ``event``."""
    own = event.chain_hash or chain_hash(None, event)
    return hashlib.sha256(f"{head}\n{own}".encode("ascii")).hexdigest()


@attrs.frozen
class SealRecord:
    """A seal as an inspector keeps it: the head of the log chain after ``last_position``."""

    last_position: int
    events: int
    head: str
    #: The school group's signature of the seal (``None``: sealed without a signing key).
    signature: str | None = None

    def to_json(self) -> str:
        data = attrs.asdict(self)
        if data["signature"] is None:
            del data["signature"]
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> SealRecord:
        data = json.loads(line)
        signature = data.get("signature")
        return cls(
            int(data["last_position"]), int(data["events"]), str(data["head"]),
            None if signature is None else str(signature),
        )  # fmt: skip

    @property
    def statement(self) -> bytes:
        """What the seal's signature covers."""
        return seal_statement(self.last_position, self.events, self.head)


@attrs.frozen
class Problem:
    """One thing in the store that is not as it was recorded."""

    position: int
    kind: str
    message: str
    record_id: UUID | None = None
    version: int | None = None


@attrs.frozen
class Verification:
    """What ``verify`` found: ``events`` checked, ``seals`` recorded, the ``problems``, and
    how many decisions are not yet covered by a seal (``unsealed``), the first of them
    recorded at ``unsealed_since``. Events after the last seal can be removed from the end of
    the log without a trace that the store alone can show: seal often, and keep the seals."""

    events: int
    seals: int
    problems: tuple[Problem, ...]
    unsealed: int
    unsealed_since: datetime | None = None
    #: How many recorded seals carry a valid signature of the public key given.
    signed: int = 0
    #: Whether a public key was given, so that the seals' signatures were checked.
    signatures_checked: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _log(
    records: Records, *, batch: int = 1000, start: int | None = None
) -> Iterator[tuple[int, Event | StoreError]]:
    """Every event of the log after ``start``, in order, with its position (or why it cannot
    be read)."""
    while True:
        notifications = records.recorder.select_notifications(
            start=start, limit=batch, inclusive_of_start=False
        )
        if not notifications:
            return
        for notification in notifications:
            try:
                event = records.mapper.to_domain_event(notification)
            except StoreError as error:
                yield notification.id, error
                continue
            if isinstance(event, Event):
                yield notification.id, event
            else:  # pragma: no cover - only the library's events are in its log
                yield notification.id, StoreError("not an event of this library")
        start = notifications[-1].id


def seals_of(records: Records) -> list[SealRecord]:
    """Every seal recorded in the store, oldest first."""
    topic = get_topic(LogSealed)
    notifications = records.recorder.select_notifications(
        start=None, limit=10**9, topics=[topic], inclusive_of_start=False
    )
    found = []
    for notification in notifications:
        try:
            event = records.mapper.to_domain_event(notification)
        except StoreError:
            continue
        if isinstance(event, LogSealed):
            found.append(SealRecord(event.last_position, event.events, event.head, event.signature))
    return found


def verify(
    records: Records, *, kept: Sequence[SealRecord] = (), keys: SigningKeys = NO_KEYS
) -> Verification:
    """Walk the whole store and report what no longer matches its hashes and seals.

    ``kept``: seals an inspector exported earlier (``senad-ap seals``); the log must still
    match them too, so rewriting the store's own seals does not hide a change.
    """
    recorded = seals_of(records)
    wanted = {seal.last_position for seal in (*recorded, *kept)}
    heads: dict[int, tuple[str, int]] = {}
    chains: dict[UUID, tuple[int, str | None]] = {}
    problems: list[Problem] = []
    head, count, last_sealed = "", 0, 0
    decisions: dict[int, int] = {}  # events other than seals, up to each wanted position
    positions: dict[tuple[UUID, int], int] = {}  # where the events snapshots are taken at lie
    plain = 0
    locked = 0  # events that cannot be decrypted (or, with no key, are not plain JSON)
    last_seen = 0
    for position, event in _log(records):
        last_seen = position
        if isinstance(event, StoreError):
            locked += isinstance(event, CipherKeyError)
            problems.append(Problem(position, "unreadable", f"The event at position "
                                    f"{position} cannot be read: {event}", None, None))  # fmt: skip
            continue
        record, version = event.originator_id, event.originator_version
        seen_version, seen_hash = chains.get(record, (0, None))
        if version != seen_version + 1:
            kind = "removed or reordered" if version > seen_version + 1 else "inserted or reordered"
            problems.append(Problem(
                position, kind,
                f"Record {record} goes from version {seen_version} to {version} at position "
                f"{position}: an event was {kind}.",
                record, version,
            ))  # fmt: skip
        expected = chain_hash(seen_hash, event)
        if event.chain_hash is None:
            problems.append(Problem(position, "unhashed", f"The event at position {position} "
                                    "carries no hash.", record, version))  # fmt: skip
        elif event.chain_hash != expected:
            problems.append(Problem(
                position, "altered",
                f"The event at position {position} (record {record}, version {version}, "
                f"{type(event).__name__}) does not match its hash: it was altered, or an "
                "event before it in its record was.",
                record, version,
            ))  # fmt: skip
        chains[record] = (version, event.chain_hash)
        if version % SNAPSHOT_INTERVAL == 0:
            positions[record, version] = position
        head = next_head(head, event)
        count += 1
        if isinstance(event, LogSealed):
            last_sealed = max(last_sealed, event.last_position)
        else:
            plain += 1
        if position in wanted:
            heads[position] = (head, count)
            decisions[position] = plain
    for seal in (*recorded, *kept):
        if seal.last_position > last_seen:
            problems.append(Problem(
                last_seen, "truncated",
                f"The log ends at position {last_seen}, but a seal covers it up to position "
                f"{seal.last_position} ({seal.events} events): events were removed from its "
                "end.",
            ))  # fmt: skip
        elif heads.get(seal.last_position) != (seal.head, seal.events):
            problems.append(Problem(
                seal.last_position, "seal mismatch",
                f"The log up to position {seal.last_position} no longer matches the seal "
                f"taken of it ({seal.events} events, head {seal.head[:16]}…): an event at or "
                "before that position was altered, removed, inserted or reordered.",
            ))  # fmt: skip
    signed = 0
    if keys.public is not None:
        for seal in recorded:
            if keys.check(seal.statement, seal.signature):
                signed += 1
                continue
            kind = "unsigned seal" if seal.signature is None else "forged seal"
            problems.append(Problem(
                seal.last_position, kind,
                f"The seal up to position {seal.last_position} is "
                f"{'not signed' if seal.signature is None else 'not signed by the key given'}: "
                "with a signing key in use, every seal is signed; this one was recorded or "
                "recomputed by someone without the key.",
            ))  # fmt: skip
        for seal in kept:
            if seal.signature is not None and not keys.check(seal.statement, seal.signature):
                problems.append(Problem(
                    seal.last_position, "forged seal",
                    f"The kept seal up to position {seal.last_position} is not signed by the "
                    "key given.",
                ))  # fmt: skip
    if locked and not chains:
        # Not one event could be read, each for want of its key: not tampering, a locked store.
        raise CipherKeyError(
            f"None of the {locked} events can be read: the store is encrypted and its key was "
            "not given, or another key was. Give the store's key (CIPHER_KEY) to verify it."
        )
    problems.extend(_snapshot_problems(records, chains, positions))
    unsealed = max(plain - decisions.get(last_sealed, 0), 0)
    problems.sort(key=lambda p: (p.position, p.kind))
    since = _first_decision_after(records, last_sealed) if unsealed else None
    return Verification(
        count, len(recorded), tuple(problems), unsealed, since,
        signed=signed, signatures_checked=keys.public is not None,
    )  # fmt: skip


def _first_decision_after(records: Records, position: int) -> datetime | None:
    """When the first decision (an event other than a seal) after ``position`` was recorded."""
    for _, event in _log(records, start=position):
        if isinstance(event, Event) and not isinstance(event, LogSealed):
            return event.timestamp
    return None


def record_seal(
    records: Records, *, actor: Actor, clock: Callable[[], datetime], policy: PolicyParameters,
    keys: SigningKeys = NO_KEYS,
) -> SealRecord | None:  # fmt: skip
    """Record a seal (``LogSealed``): the head of the log chain over every event so far.

    ``None`` when no decision was recorded since the last seal (only seals: nothing new).
    """
    if not isinstance(actor, Actor):
        raise InvalidInputError("The actor must be an Actor.", field="actor")
    if actor.role not in (Role.HEAD_TEACHER, Role.SCHOOL_STAFF):
        # Inspectors never write to the record (they keep seals by exporting them), and
        # provider staff record only for their own placements.
        raise NotAuthorisedError(
            f"{actor.id} ({actor.role.value}) may not record a seal: seals are recorded by "
            "the school's staff; an inspector keeps them by exporting them (`seals()`).",
            actor_id=actor.id,
        )
    state = records.load(SEAL_RECORD_ID, SealState)
    head = "" if state is None else state.head
    count = 0 if state is None else state.events
    last = 0 if state is None else state.last_position
    decisions = 0
    with store_errors():
        while True:
            notifications = records.recorder.select_notifications(
                start=last, limit=1000, inclusive_of_start=False
            )
            if not notifications:
                break
            for notification in notifications:
                event: Any = records.mapper.to_domain_event(notification)
                head = next_head(head, event)
                count += 1
                decisions += not isinstance(event, LogSealed)
            last = notifications[-1].id
    if state is not None and not decisions:
        return None  # only seals since the last one: nothing new to seal
    now = clock()
    sealed = LogSealed(
        originator_id=SEAL_RECORD_ID,
        originator_version=1 if state is None else state.version + 1,
        timestamp=now, actor=actor, effective_on=now.date(),
        policy_version=policy.version, head=head, last_position=last, events=count,
        signature=keys.sign(seal_statement(last, count, head)),
    )  # fmt: skip
    (event,) = chained([sealed], None if state is None else state.chain_hash)
    records.save([event], [evolve_seal(state, event)])
    return SealRecord(last, count, head, sealed.signature)


def check_kept(kept: Any) -> Sequence[SealRecord]:
    """``kept`` if it is a list of whole seals, else ``InvalidInputError``."""
    if not isinstance(kept, list | tuple) or not all(_whole_seal(k) for k in kept):
        raise InvalidInputError(
            "kept must be a list of SealRecord (a position and a count from 0, and a head).",
            field="kept",
        )
    return kept


def _whole_seal(seal: object) -> bool:
    return (
        isinstance(seal, SealRecord)
        and all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0
            for n in (seal.last_position, seal.events)
        )
        and isinstance(seal.head, str)
    )


def _snapshot_problems(
    records: Records,
    chains: dict[UUID, tuple[int, str | None]],
    positions: dict[tuple[UUID, int], int],
) -> Iterator[Problem]:
    """Every snapshot recomputed from its record's events: one that differs (altered,
    forged, or taken at a version the record never reached) is a problem. Reads check a
    snapshot's id, version and chain hash and fall back to the events; only this recomputing
    catches a snapshot whose content was changed and whose hash was copied."""
    if records.snapshots is None:
        return
    for record_id, (last_version, _) in chains.items():
        try:
            snapshots: list[Any] = list(records.snapshots.get(record_id))
        except StoreError as error:
            yield Problem(0, "snapshot", f"A snapshot of record {record_id} cannot be read: "
                          f"{error}", record_id, None)  # fmt: skip
            continue
        if not snapshots:
            continue
        states: dict[int, Any] = {}
        wanted = {snapshot.originator_version for snapshot in snapshots}
        state: Any = None
        try:
            events: Iterator[Any] = iter(records.events.get(record_id, lte=max(wanted)))
            for event in events:
                state = evolve_record(state, event)
                if event.originator_version in wanted:
                    states[event.originator_version] = state
        except StoreError:
            continue  # an unreadable event: reported by the walk of the log already
        for snapshot in snapshots:
            version = snapshot.originator_version
            position = positions.get((record_id, version), 0)
            if version > last_version or version not in states:
                message = (
                    f"The snapshot of record {record_id} is at version {version}, which the "
                    f"record never reached (its last is {last_version})."
                )
            elif snapshot.state != states[version]:
                message = (
                    f"The snapshot of record {record_id} at version {version} does not match "
                    "the record's events: it was altered or forged."
                )
            else:
                continue
            yield Problem(position, "snapshot", message, record_id, version)
