"""One register per pupil under concurrent registers (STAT-1, issue 13), as a property.

A pupil has two placements, one after the other: the first ran two weeks and ended, the second
runs now. Two processes (two application instances on one SQLite file) each take a day's
register, drawn at random: which of the pupil's placements each mark names, the day, the
sessions. The second process writes while the first is between its decision and its save
(the way two processes at once interleave), or after it. Whatever is drawn:

- each pupil-session has at most one mark across both placements;
- each register is all or nothing: every one of its marks is stored, or none is;
- a register that does not land is refused with one of the project's errors.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import event, given, settings
from hypothesis import strategies as st

from senad_ap import AlternativeProvision, AttendanceRecorded, RegisterMark, Session
from senad_ap.errors import SenadApError
from tests.integration.scenario import HEAD, STAFF, Clock
from tests.integration.test_pupil_register import (
    A_DAY_OF_THE_SECOND,
    FIRST_ENDS_ON,
    SECOND_STARTS_ON,
    one_after_the_other,
)

#: The days a register may be taken for: two of the second placement's, mostly, and the first's
#: last day (it has ended: a register then is refused whole).
DAYS = (SECOND_STARTS_ON, A_DAY_OF_THE_SECOND) * 3 + (FIRST_ENDS_ON,)


@st.composite
def registers(draw: st.DrawFn) -> tuple[date, list[tuple[int, Session]]]:
    """A day, and its marks: (which placement, 0 or 1; the session), one to four of them,
    mostly through the placement that runs that day (the first on its last day), sometimes
    through the other one (refused, naming the holder)."""
    day = draw(st.sampled_from(DAYS))
    holder = 0 if day == FIRST_ENDS_ON else 1
    placement = st.integers(0, 7).map(lambda n: 1 - holder if n == 0 else holder)
    marks = draw(
        st.lists(
            st.tuples(placement, st.sampled_from(Session)), min_size=1, max_size=3, unique=True
        )
    )
    return day, marks


@contextlib.contextmanager
def writing_before_the_save(
    app: AlternativeProvision, write: Callable[[], object]
) -> Iterator[None]:
    """``app``'s next save first lets ``write`` run: both processes decided on the same view."""
    records = app._pipeline.records
    save = records.save
    fired = False

    def save_after_the_other(*args: Any, **kwargs: Any) -> None:
        nonlocal fired
        if not fired:
            fired = True
            write()
        save(*args, **kwargs)

    records.save = save_after_the_other  # type: ignore[method-assign]
    try:
        yield
    finally:
        records.save = save  # type: ignore[method-assign]


def take(app: AlternativeProvision, placements: tuple[UUID, UUID], register: Any, key: str) -> bool:
    """Take the register; True if it landed, False if it was refused (a project error)."""
    day, marks = register
    code = {Session.AM: "/", Session.PM: "\\"}
    try:
        app.record_register(
            [RegisterMark(placements[p], s, code[s]) for p, s in marks],
            actor=STAFF, on=day, idempotency_key=key,
        )  # fmt: skip
    except SenadApError:
        return False
    return True


def stored_marks(app: AlternativeProvision, placements: tuple[UUID, UUID]) -> list[Any]:
    return [
        (placement_id, event.effective_on, event.session)
        for placement_id in placements
        for event in app.placement_history(placement_id, reader=HEAD)
        if isinstance(event, AttendanceRecorded)
    ]


@settings(max_examples=40, deadline=None)
@given(first=registers(), second=registers(), racing=st.booleans())
def test_two_registers_at_once_leave_each_pupil_session_one_mark_and_each_whole_or_absent(
    first: Any, second: Any, racing: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ap.sqlite"
        clock = Clock()
        app = AlternativeProvision.sqlite(path, clock=clock)
        other = AlternativeProvision.sqlite(path, clock=clock)
        try:
            placements = one_after_the_other(app)
            before = set(stored_marks(app, placements))
            landed: dict[str, bool] = {}

            def second_process() -> None:
                landed["second"] = take(other, placements, second, "second")

            if racing:
                with writing_before_the_save(app, second_process):
                    landed["first"] = take(app, placements, first, "first")
                if "second" not in landed:  # the first was refused before it saved
                    second_process()
            else:
                landed["first"] = take(app, placements, first, "first")
                second_process()

            reader = AlternativeProvision.sqlite(path, clock=clock)
            after = stored_marks(reader, placements)
            reader.close()
        finally:
            app.close()
            other.close()

    event(f"first landed: {landed['first']}, second landed: {landed['second']}")
    sessions = Counter((day, session) for _, day, session in after)
    landed_marks: set[Any] = set()
    for name, (day, marks) in (("first", first), ("second", second)):
        if landed[name]:
            landed_marks |= {(placements[p], day, s) for p, s in marks}
    # At most one mark a pupil-session; the registers that landed, whole; nothing else.
    assert [s for s, n in sessions.items() if n > 1] == []
    assert set(after) - before == landed_marks
