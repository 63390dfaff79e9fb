"""The public strategies of ``senad_ap.testing`` make what they promise: valid values.

An embedding system builds its own property tests on these, so a strategy that now and then
made an invalid plan or a history the record refuses would fail their tests, not ours.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
import warnings
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any
from uuid import UUID

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import NonInteractiveExampleWarning

import senad_ap.testing
from senad_ap import (
    Actor,
    AlternativeProvision,
    AttendanceCode,
    Objective,
    ObjectiveProgress,
    PlacementStatus,
    Plan,
    Role,
    Session,
    Setting,
    Weekday,
    WeeklyHours,
)
from senad_ap.domain.base import Command
from senad_ap.domain.placement import (
    AgreePlan,
    CorrectAttendance,
    EndPlacement,
    OpenPlacement,
    PlacementCommand,
    RecordAttendance,
    RevisePlan,
    StartPlacement,
)
from senad_ap.domain.provider import RegisterProvider
from senad_ap.domain.school import RecordTerm, SchoolState
from senad_ap.testing import (
    HISTORY_NOW,
    FixedClock,
    actors,
    attendance_codes,
    attendance_marks,
    clock_at,
    open_placement_commands,
    plans,
    provider_commands,
    record_term_commands,
    valid_histories,
)

FULL_TIME = Decimal("32.5")
MOST_HOURS_A_DAY = Decimal("12")
TODAY = HISTORY_NOW.date()
HEAD = Actor(id="head-712E", role=Role.HEAD_TEACHER, school_id="712E")
# Whole histories are slow to draw: the main property (every history is recorded) runs the
# profile's full count; these checks of their shape run fewer.
HISTORY_CHECKS = settings(max_examples=30)
VALUE_TYPES = [Plan, Objective, WeeklyHours, Actor, ObjectiveProgress, AttendanceCode]


def placement_commands(history: list[Command]) -> list[PlacementCommand]:
    return [command for command in history if isinstance(command, PlacementCommand)]


def strategy_modules() -> list[ModuleType]:
    """The modules of the ``senad_ap.testing`` package, each imported."""
    return [
        importlib.import_module(f"senad_ap.testing.{info.name}")
        for info in pkgutil.iter_modules(senad_ap.testing.__path__)
    ]


def run_fresh(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter, as a school system's test run would start."""
    return subprocess.run(  # noqa: S603 - this interpreter, on fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )


# --------------------------------------------------------------------------- histories
@given(history=valid_histories())
def test_every_valid_history_is_recorded_without_a_refusal(history: list[Command]) -> None:
    app = AlternativeProvision.in_memory(clock=clock_at(HISTORY_NOW))
    try:
        states = [app.execute(command) for command in history]
    finally:
        app.close()

    assert len(states) == len(history)


@HISTORY_CHECKS
@given(history=valid_histories())
def test_a_valid_history_ends_with_a_placement_that_started(history: list[Command]) -> None:
    app = AlternativeProvision.in_memory(clock=clock_at(HISTORY_NOW))
    try:
        for command in history:
            app.execute(command)
        placement_id = placement_commands(history)[0].placement_id
        state = app.get_placement(placement_id, reader=history[-1].actor)
    finally:
        app.close()

    assert state.status in (
        PlacementStatus.ACTIVE,
        PlacementStatus.SUSPENDED,
        PlacementStatus.ENDED,
    )


@HISTORY_CHECKS
@given(history=valid_histories())
def test_a_valid_history_never_dates_a_placement_decision_before_the_last(
    history: list[Command],
) -> None:
    days = [command.effective_on for command in placement_commands(history)]

    assert days == sorted(days)


@HISTORY_CHECKS
@given(history=valid_histories())
def test_a_valid_history_marks_only_days_from_the_start_to_today(history: list[Command]) -> None:
    started = next(c.effective_on for c in history if isinstance(c, StartPlacement))
    marked = [c for c in history if isinstance(c, RecordAttendance | CorrectAttendance)]

    outside = [c.effective_on for c in marked if not started <= c.effective_on <= TODAY]

    assert outside == []


@HISTORY_CHECKS
@given(history=valid_histories())
def test_a_valid_history_marks_only_school_days_of_the_plan_in_force(
    history: list[Command],
) -> None:
    plan: Plan | None = None
    off_plan: list[date] = []
    for command in history:
        if isinstance(command, AgreePlan | RevisePlan):
            plan = command.plan
        elif isinstance(command, RecordAttendance | CorrectAttendance) and (
            plan is None or Weekday.of(command.effective_on) not in plan.school_days
        ):
            off_plan.append(command.effective_on)

    assert off_plan == []


@HISTORY_CHECKS
@given(history=valid_histories(max_school_days=3))
def test_valid_histories_mark_no_more_school_days_than_asked(history: list[Command]) -> None:
    marked_days = {c.effective_on for c in history if isinstance(c, RecordAttendance)}

    assert len(marked_days) <= 3


@HISTORY_CHECKS
@given(history=valid_histories(may_end=False))
def test_valid_histories_asked_not_to_end_never_end(history: list[Command]) -> None:
    ended = [c for c in history if isinstance(c, EndPlacement)]

    assert ended == []


@HISTORY_CHECKS
@given(history=valid_histories(setting=Setting.OUTSIDE_PROVIDER, school_id="999X"))
def test_valid_histories_open_the_placement_where_asked(history: list[Command]) -> None:
    opening = next(c for c in history if isinstance(c, OpenPlacement))

    assert (opening.setting, opening.actor.school_id) == (Setting.OUTSIDE_PROVIDER, "999X")


# --------------------------------------------------------------------------- st.from_type
@pytest.mark.parametrize("value_type", VALUE_TYPES, ids=lambda t: t.__name__)
@given(data=st.data())
def test_from_type_gives_values_that_pass_their_own_checks(
    value_type: type[Any], data: st.DataObject
) -> None:
    value = data.draw(st.from_type(value_type))

    if attrs.has(value_type):
        attrs.validate(value)  # raises InvalidInputError on a bad value
        rebuilt = attrs.evolve(value)  # runs the validators and __attrs_post_init__ again
        assert rebuilt == value
    assert type(value) is value_type


@given(plan=st.from_type(Plan))
def test_from_type_plans_are_full_time_within_the_hours_a_day(plan: Plan) -> None:
    hours_a_day = {
        day: sum((e.hours for e in plan.weekly_pattern if e.day is day), Decimal(0))
        for day in plan.days_covered()
    }

    assert plan.weekly_hours >= FULL_TIME
    assert max(hours_a_day.values()) <= MOST_HOURS_A_DAY


@given(plan=st.from_type(Plan))
def test_from_type_plans_never_use_a_side_room_or_the_childrens_home(plan: Plan) -> None:
    refused = {Setting.SIDE_ROOM_OF_CLASSROOM, Setting.ALLIED_CHILDRENS_HOME}

    assert plan.settings & refused == set()


# --------------------------------------------------------------------------- plans
@given(data=st.data(), provider_ids=st.lists(st.uuids(), max_size=3, unique=True))
def test_part_time_plans_fall_short_of_full_time_and_use_every_provider_named(
    data: st.DataObject, provider_ids: list[UUID]
) -> None:
    plan = data.draw(plans(provider_ids=provider_ids, full_time=False))

    assert (plan.weekly_hours < FULL_TIME, plan.provider_ids) == (True, frozenset(provider_ids))


@given(data=st.data(), agreed_on=st.dates(date(2020, 1, 1), date(2030, 1, 1)))
def test_plans_agreed_on_a_day_set_every_target_after_it(
    data: st.DataObject, agreed_on: date
) -> None:
    plan = data.draw(plans(agreed_on=agreed_on))

    early = [o.reference for o in plan.objectives if o.target_date <= agreed_on]
    assert early == []


@given(plan=plans(residential=True, days=(Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY)))
def test_plans_keep_to_the_school_days_given(plan: Plan) -> None:
    days = {entry.day for entry in plan.weekly_pattern}

    assert days <= {Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY}
    assert plan.weekly_hours >= FULL_TIME


# --------------------------------------------------------------------------- attendance
@given(mark=attendance_marks())
def test_attendance_marks_never_pair_a_code_with_the_wrong_session(
    mark: tuple[Session, AttendanceCode],
) -> None:
    session, code = mark

    assert code.meaning.only_session in (None, session)


@given(mark=attendance_marks())
def test_attendance_marks_never_pair_present_am_with_the_afternoon(
    mark: tuple[Session, AttendanceCode],
) -> None:
    assert mark != (Session.PM, AttendanceCode.PRESENT_AM)
    assert mark != (Session.AM, AttendanceCode.PRESENT_PM)


@given(code=attendance_codes(attending=False))
def test_codes_for_a_suspended_placement_never_say_the_student_attended(
    code: AttendanceCode,
) -> None:
    assert code.means_attending_the_placement is False


# --------------------------------------------------------------------------- commands
@given(commands=provider_commands(actor=HEAD, on=TODAY, ready_on=TODAY + timedelta(days=90)))
def test_provider_commands_leave_a_provider_ready_for_a_placement(
    commands: list[Command],
) -> None:
    app = AlternativeProvision.in_memory(clock=clock_at(HISTORY_NOW))
    try:
        for command in commands:
            app.execute(command)
        registration = commands[0]
        assert isinstance(registration, RegisterProvider)
        provider = app.get_provider(registration.provider_id, reader=registration.actor)
    finally:
        app.close()

    assessment = provider.risk_assessment
    assert assessment is not None
    assert assessment.shows_safe_on(TODAY + timedelta(days=90))
    # COMM-3 asks it of outside providers delivering accredited education.
    needs_confirming = provider.kind.is_outside and provider.delivers_accredited_education
    assert provider.registration_confirmed or not needs_confirming


@given(command=open_placement_commands())
def test_open_placement_commands_are_never_refused_for_their_setting(
    command: OpenPlacement,
) -> None:
    allowed = command.setting is not Setting.SIDE_ROOM_OF_CLASSROOM and (
        command.setting is not Setting.ALLIED_CHILDRENS_HOME or command.residential
    )

    assert allowed


@given(actor=actors(role=Role.PROVIDER_STAFF, school_id="712E"))
def test_provider_staff_always_name_their_provider(actor: Actor) -> None:
    assert (actor.school_id, actor.provider_id is not None) == ("712E", True)


# --------------------------------------------------------------------------- the clock
def test_a_fixed_clock_stands_still_until_it_is_moved() -> None:
    clock = FixedClock(datetime(2025, 7, 18, 15, 30, tzinfo=UTC))

    before = (clock(), clock())
    clock.advance(timedelta(days=3))

    assert before == (datetime(2025, 7, 18, 15, 30, tzinfo=UTC),) * 2
    assert clock.today == date(2025, 7, 21)


# --------------------------------------------------------------------------- packaging
def test_importing_senad_ap_does_not_import_hypothesis() -> None:
    result = run_fresh("import sys, senad_ap; print('hypothesis' in sys.modules)")

    assert (result.stdout.strip(), result.stderr) == ("False", "")


@pytest.mark.parametrize(
    "imports",
    [
        "from hypothesis import strategies as st",
        "import senad_ap.testing; from hypothesis import strategies as st",
        "import os; os.environ['HYPOTHESIS_NO_PLUGINS'] = '1'\n"
        "import senad_ap.testing; from hypothesis import strategies as st",
    ],
    ids=["hypothesis first", "senad_ap.testing first", "hypothesis plugins off"],
)
def test_from_type_gives_a_valid_plan_in_a_fresh_process(imports: str) -> None:
    code = (
        f"{imports}\n"
        "import attrs\n"
        "from senad_ap import Plan\n"
        "plan = st.from_type(Plan).example()\n"
        "attrs.validate(plan)\n"
        "print(type(plan).__name__)\n"
    )

    result = run_fresh(code)

    assert (result.stdout.strip(), result.returncode) == ("Plan", 0), result.stderr


def test_the_testing_package_exports_exactly_the_public_names_of_its_modules() -> None:
    names = [name for module in strategy_modules() for name in module.__all__]

    assert sorted(names) == sorted(senad_ap.testing.__all__)
    assert len(set(names)) == len(names)
    assert [n for n in senad_ap.testing.__all__ if not hasattr(senad_ap.testing, n)] == []


def test_importing_hypothesis_loads_no_strategies_of_senad_ap() -> None:
    # Hypothesis loads the entry point in every process it is imported in, used or not.
    code = (
        "import sys, hypothesis\n"
        "print(sorted(m for m in sys.modules if m.startswith('senad_ap.testing')))\n"
    )

    result = run_fresh(code)

    assert (result.stdout.strip(), result.stderr) == ("['senad_ap.testing']", "")


def test_without_hypothesis_importing_senad_ap_testing_says_which_extra_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None  # as if it were not installed\n"
        "import senad_ap\n"
        "try:\n"
        "    import senad_ap.testing\n"
        "except ImportError as error:\n"
        "    print(type(error).__name__, error, sep=': ')\n"
    )

    result = run_fresh(code)

    assert (result.stdout.strip(), result.stderr) == (
        "ImportError: senad_ap.testing needs Hypothesis: pip install 'senad-ap[testing]'",
        "",
    )


def test_without_hypothesis_the_entry_point_fails_only_with_that_message() -> None:
    # Hypothesis never loads it then (it is Hypothesis's own plugin); a tool listing the
    # plugins of the environment would see why it cannot be loaded.
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "from importlib.metadata import entry_points\n"
        "(entry,) = [e for e in entry_points(group='hypothesis') if e.module.startswith('senad')]\n"
        "print(entry.value)\n"
        "try:\n"
        "    entry.load()\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )

    result = run_fresh(code)

    assert (result.stdout.splitlines(), result.stderr) == (
        [
            "senad_ap.testing:_hypothesis_setup_hook",
            "senad_ap.testing needs Hypothesis: pip install 'senad-ap[testing]'",
        ],
        "",
    )


# --------------------------------------------------------------------------- docs
def test_the_examples_in_the_testing_package_docs_run() -> None:
    with warnings.catch_warnings():
        # The docs show ``.example()``, which Hypothesis means for interactive use.
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        results = {
            module.__name__.removeprefix("senad_ap."): doctest.testmod(
                module, optionflags=doctest.ELLIPSIS
            )
            for module in [senad_ap.testing, *strategy_modules()]
        }

    failed = {name: result.failed for name, result in results.items() if result.failed}
    with_examples = {name for name, result in results.items() if result.attempted}
    assert (failed, with_examples) == (
        {},
        {"testing", "testing.clock", "testing.plan", "testing.values"},
    )


@given(history=valid_histories(term=True))
def test_valid_histories_with_a_term_are_accepted_and_record_it(history: list[Command]) -> None:
    app = AlternativeProvision.in_memory(clock=clock_at(HISTORY_NOW))
    for command in history:
        app.execute(command)
    head = next(c.actor for c in history if isinstance(c, RecordTerm))
    school = app.get_school(head.school_id, reader=head)
    assert school is not None
    assert len(school.terms) == 1


@given(command=record_term_commands())
def test_record_term_commands_are_accepted(command: RecordTerm) -> None:
    app = AlternativeProvision.in_memory(clock=clock_at(HISTORY_NOW))
    school = app.execute(command)
    assert isinstance(school, SchoolState)
    assert [t.name for t in school.terms] == [command.name]
