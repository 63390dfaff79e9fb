"""Small values: ids, student references, actors, attendance codes and marks; the helpers
(texts, days, "a value or a strategy") the other strategy modules build on."""

from __future__ import annotations

import functools
import string
from datetime import date, datetime, timedelta
from typing import NamedTuple, TypeVar
from uuid import UUID

from hypothesis import strategies as st

from senad_ap.domain.arrangement import ArrangedBy
from senad_ap.domain.attendance_codes import AttendanceCode, Session
from senad_ap.domain.validation import SEAL_MARKS
from senad_ap.domain.values import Actor, Role
from senad_ap.testing.clock import HISTORY_NOW

__all__ = [
    "MarkTexts",
    "actors",
    "attendance_codes",
    "attendance_marks",
    "mark_texts",
    "school_ids",
    "student_references",
]

T = TypeVar("T")


def _strategy(
    value: T | st.SearchStrategy[T] | None, default: st.SearchStrategy[T]
) -> st.SearchStrategy[T]:
    if value is None:
        return default
    if isinstance(value, st.SearchStrategy):
        return value
    return st.just(value)


# Text never holds the brackets of a sealed personal value (the commands refuse them).
_CHARACTERS = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters=SEAL_MARKS
)


# Strategies are cached: Hypothesis validates each new strategy object on its first draw, and
# a history draws thousands of small values.
@functools.cache
def _texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Text the commands accept: not empty, not only spaces, no control characters."""
    return st.text(_CHARACTERS, min_size=1, max_size=max_size).filter(
        lambda text: bool(text.strip())
    )


def _births(on: date) -> st.SearchStrategy[date]:
    """A pupil's date of birth: 4 to 25 years before ``on``."""
    return st.dates(on.replace(year=on.year - 25, day=1), on.replace(year=on.year - 4, day=1))


@functools.cache
def _optional_texts(max_size: int = 60) -> st.SearchStrategy[str | None]:
    return st.none() | _texts(max_size)


@functools.cache
def _text_tuples(
    min_size: int, max_size: int, item_size: int = 40
) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(_texts(item_size), min_size=min_size, max_size=max_size, unique=True).map(tuple)


_LETTERS = st.sampled_from(string.ascii_uppercase)


@functools.cache
def school_ids() -> st.SearchStrategy[str]:
    """School ids such as ``"712E"``."""
    return st.builds("{}{}".format, st.integers(100, 999), _LETTERS)


@functools.cache
def student_references() -> st.SearchStrategy[str]:
    """Pseudonymous student references such as ``"STU-0042"`` (never a name)."""
    usual = st.builds("{}-{:04d}".format, st.sampled_from(("STU", "S", "AP")), st.integers(0, 9999))
    unusual = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,20}", fullmatch=True)
    return st.one_of(usual, unusual)


@functools.cache
def _actor_ids() -> st.SearchStrategy[str]:
    roles = st.sampled_from(("head", "staff", "senco", "deputy", "tutor"))
    return st.builds("{}-{}".format, roles, st.integers(0, 999)) | _texts(40)


def _days(
    on: date | st.SearchStrategy[date] | None, now: datetime = HISTORY_NOW
) -> st.SearchStrategy[date]:
    # By default, a day in the year up to HISTORY_NOW: never refused as too far ahead.
    today = now.date()
    return _strategy(on, st.dates(today - timedelta(days=365), today))


def actors(
    *,
    role: Role | st.SearchStrategy[Role] | None = None,
    school_id: str | st.SearchStrategy[str] | None = None,
    provider_id: UUID | st.SearchStrategy[UUID] | None = None,
) -> st.SearchStrategy[Actor]:
    """People who act on the record. Provider staff always name a provider.

    >>> actor = actors(role=Role.HEAD_TEACHER, school_id="712E").example()
    >>> (actor.role, actor.school_id)
    (<Role.HEAD_TEACHER: 'head teacher / head of service'>, '712E')
    """
    return _actors(
        _strategy(role, st.sampled_from(Role)),
        _strategy(school_id, school_ids()),
        None if provider_id is None else _strategy(provider_id, st.uuids()),
    )


@st.composite
def _actors(
    draw: st.DrawFn,
    roles: st.SearchStrategy[Role],
    schools: st.SearchStrategy[str],
    providers: st.SearchStrategy[UUID] | None,
) -> Actor:
    role = draw(roles)
    provider_id = None
    if providers is not None:
        provider_id = draw(providers)
    elif role is Role.PROVIDER_STAFF:
        provider_id = draw(st.uuids())
    return Actor(id=draw(_actor_ids()), role=role, school_id=draw(schools), provider_id=provider_id)


def attendance_codes(
    *,
    session: Session | None = None,
    attending: bool | None = None,
    fitting: ArrangedBy | None = None,
) -> st.SearchStrategy[AttendanceCode]:
    """National attendance codes (STAT-1).

    ``session``: only codes that may mark that session ('/' is morning only, '\\' afternoon
    only). ``attending=False``: only codes that say the student was neither there nor at an
    approved activity, the marks a placement suspended by withdrawn consent still takes
    (INFO-2); ``True``: only those that say they were. ``fitting``: only codes that fit a
    placement arranged by that party, for a pupil of compulsory school age who is not dual
    registered (``domain.placement.codes``): ``K`` only for the local authority's, ``B`` only
    for the school's (with its texts: ``mark_texts``), never ``D`` or ``X``.
    """
    return _attendance_codes(session, attending, fitting)


@functools.cache
def _attendance_codes(
    session: Session | None, attending: bool | None, fitting: ArrangedBy | None = None
) -> st.SearchStrategy[AttendanceCode]:
    return st.sampled_from(_attendance_code_list(session, attending, fitting))


#: The codes that fit only some placements (STAT-1), and whose arrangement they need.
_ONLY_FOR = {
    AttendanceCode.LOCAL_AUTHORITY_PROVISION: ArrangedBy.LOCAL_AUTHORITY,
    AttendanceCode.APPROVED_EDUCATIONAL_ACTIVITY: ArrangedBy.SCHOOL,
    AttendanceCode.DUAL_REGISTERED: None,
    AttendanceCode.NOT_REQUIRED_TO_ATTEND: None,
}


@functools.cache
def _attendance_code_list(
    session: Session | None, attending: bool | None, fitting: ArrangedBy | None = None
) -> tuple[AttendanceCode, ...]:
    return tuple(
        code
        for code in AttendanceCode
        if (session is None or code.meaning.only_session in (None, session))
        and (attending is None or code.means_attending_the_placement is attending)
        and (fitting is None or code not in _ONLY_FOR or _ONLY_FOR[code] is fitting)
    )


class MarkTexts(NamedTuple):
    """A mark's texts (STAT-1): a ``B`` activity's nature and supervisor, a note."""

    activity: str | None = None
    supervised_by: str | None = None
    note: str | None = None


@st.composite
def mark_texts(draw: st.DrawFn, code: AttendanceCode) -> MarkTexts:
    """What a mark with ``code`` must say (STAT-1): a ``B`` activity's nature and supervisor,
    a ``Y7``'s cause as its note; any other mark may carry a note."""
    if code is AttendanceCode.APPROVED_EDUCATIONAL_ACTIVITY:
        return MarkTexts(draw(_texts()), draw(_texts()), draw(_optional_texts()))
    if code is AttendanceCode.OTHER_UNAVOIDABLE_CAUSE:
        return MarkTexts(note=draw(_texts()))
    return MarkTexts(note=draw(_optional_texts()))


def attendance_marks(
    *, attending: bool | None = None
) -> st.SearchStrategy[tuple[Session, AttendanceCode]]:
    """A session and a code that may mark it: ``/`` only in the morning, ``\\`` only after noon.

    >>> session, code = attendance_marks().example()
    >>> code.meaning.only_session in (None, session)
    True
    """
    return st.sampled_from(Session).flatmap(
        lambda session: st.tuples(
            st.just(session), attendance_codes(session=session, attending=attending)
        )
    )


@functools.cache
def _references() -> st.SearchStrategy[str]:
    return st.builds("{}{}".format, _LETTERS, st.integers(1, 99))
