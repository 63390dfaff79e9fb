"""Hypothesis strategies for property tests of senad_ap and of the systems that embed it.

Everything here makes *valid* values: a plan passes its own checks and, agreed on the day it
is drawn for, meets PLAN-2; an attendance mark never pairs ``/`` with the afternoon; a whole
history (``valid_histories``) runs through ``AlternativeProvision.execute`` without a refusal.
To test refusals, start from these and break one thing. ``docs/testing.md`` shows how to
state a policy rule as a property over them.

Hypothesis is a test dependency, not a runtime one: install the ``testing`` extra
(``pip install 'senad-ap[testing]'``); ``import senad_ap`` never imports this package. When
Hypothesis is installed, its plugin entry point (declared in ``pyproject.toml``) calls
``_hypothesis_setup_hook``, so ``st.from_type(Plan)``, ``st.from_type(Objective)``,
``st.from_type(WeeklyHours)``, ``st.from_type(Actor)``, ``st.from_type(ObjectiveProgress)`` and
``st.from_type(AttendanceCode)`` give valid values with no import from this package.

Histories are dated relative to a fixed "now" (``HISTORY_NOW`` unless you pass another), so run
them with a clock that stands at that moment:

>>> from hypothesis import given, settings
>>> from senad_ap import AlternativeProvision
>>> from senad_ap.testing import HISTORY_NOW, clock_at, valid_histories
>>> @settings(max_examples=5)
... @given(valid_histories())
... def test_every_valid_history_is_accepted(history):
...     app = AlternativeProvision.in_memory(clock=clock_at(HISTORY_NOW))
...     for command in history:
...         app.execute(command)
>>> test_every_valid_history_is_accepted()

Command strategies take their arguments either as plain values or as strategies (for example
``actor=head`` or ``actor=actors(role=Role.HEAD_TEACHER)``); an argument left out is drawn.

The strategies live in modules by topic: ``clock`` (``FixedClock``, ``clock_at``,
``HISTORY_NOW``), ``values`` (ids, actors, attendance codes and marks), ``plan`` (plans and
their parts), ``providers`` and ``commands`` (one command at a time) and ``histories`` (whole
valid histories). Import them from here: each module is loaded the first time one of its names
is asked for, so that the entry point, which Hypothesis loads in every process, costs no more
than ``import senad_ap``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

    from hypothesis.strategies import SearchStrategy

_T = TypeVar("_T")


def _hypothesis_setup_hook() -> None:
    """Make ``st.from_type`` give valid values of the public value types.

    Hypothesis calls this through the ``hypothesis`` entry point in ``pyproject.toml`` every
    time it is imported, whether or not this package is used: so it registers a function for
    each type, which loads the strategies only when ``st.from_type`` first asks for one.

    It is defined before this package imports Hypothesis: when this package is imported first,
    Hypothesis loads its plugins while the package is half loaded, and finds this hook.
    """
    from hypothesis import strategies as st

    from senad_ap.domain.attendance_codes import AttendanceCode
    from senad_ap.domain.plan import Objective, ObjectiveProgress, Plan, WeeklyHours
    from senad_ap.domain.values import Actor

    for value_type in (Plan, Objective, WeeklyHours, Actor, ObjectiveProgress, AttendanceCode):
        st.register_type_strategy(value_type, _strategy_for_type)


def _strategy_for_type(value_type: type[_T]) -> SearchStrategy[_T]:
    """The strategy ``st.from_type(value_type)`` gives, for the types the hook registers."""
    from senad_ap.domain.attendance_codes import AttendanceCode
    from senad_ap.domain.plan import Objective, ObjectiveProgress, Plan, WeeklyHours
    from senad_ap.domain.values import Actor
    from senad_ap.testing import plan, values

    made_by: dict[type, Callable[[], SearchStrategy[object]]] = {
        Plan: plan.plans,
        Objective: plan.objectives,
        WeeklyHours: plan.weekly_hours,
        ObjectiveProgress: plan.objective_progress,
        Actor: values.actors,
        AttendanceCode: values.attendance_codes,
    }
    return made_by[value_type]()  # type: ignore[return-value]


try:
    importlib.import_module("hypothesis")
except ImportError as missing:
    raise ImportError(
        "senad_ap.testing needs Hypothesis: pip install 'senad-ap[testing]'", name="hypothesis"
    ) from missing

if TYPE_CHECKING:
    from senad_ap.testing.clock import HISTORY_NOW, FixedClock, clock_at
    from senad_ap.testing.commands import (
        agree_plan_commands,
        assess_needs_commands,
        correct_attendance_commands,
        end_placement_commands,
        give_consent_commands,
        medical_exemption_commands,
        open_placement_commands,
        record_attendance_commands,
        record_term_commands,
        reintegration_assessment_commands,
        reintegration_criteria_commands,
        reintegration_support_commands,
        review_progress_commands,
        revise_plan_commands,
        share_information_commands,
        start_placement_commands,
        withdraw_consent_commands,
    )
    from senad_ap.testing.histories import valid_histories
    from senad_ap.testing.plan import (
        objective_progress,
        objectives,
        plans,
        school_days,
        weekly_hours,
        weekly_patterns,
    )
    from senad_ap.testing.providers import provider_commands, register_provider_commands
    from senad_ap.testing.values import (
        MarkTexts,
        actors,
        attendance_codes,
        attendance_marks,
        mark_texts,
        school_ids,
        student_references,
    )

__all__ = [
    "HISTORY_NOW",
    "FixedClock",
    "MarkTexts",
    "actors",
    "agree_plan_commands",
    "assess_needs_commands",
    "attendance_codes",
    "attendance_marks",
    "clock_at",
    "correct_attendance_commands",
    "end_placement_commands",
    "give_consent_commands",
    "mark_texts",
    "medical_exemption_commands",
    "objective_progress",
    "objectives",
    "open_placement_commands",
    "plans",
    "provider_commands",
    "record_attendance_commands",
    "record_term_commands",
    "register_provider_commands",
    "reintegration_assessment_commands",
    "reintegration_criteria_commands",
    "reintegration_support_commands",
    "review_progress_commands",
    "revise_plan_commands",
    "school_days",
    "school_ids",
    "share_information_commands",
    "start_placement_commands",
    "student_references",
    "valid_histories",
    "weekly_hours",
    "weekly_patterns",
    "withdraw_consent_commands",
]

#: The modules that define the public names, each loaded when one of its names is first asked
#: for (in this order: each imports only those before it).
_MODULES = ("clock", "values", "plan", "providers", "commands", "histories")

if not TYPE_CHECKING:  # mypy reads the imports above, and so still flags an unknown name

    def __getattr__(name: str) -> object:
        if name in __all__:
            for module_name in _MODULES:
                module = importlib.import_module(f"{__name__}.{module_name}")
                if name in module.__all__:
                    value = getattr(module, name)
                    globals()[name] = value
                    return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


# Hypothesis has usually called the hook already; not where its plugins are turned off
# (HYPOTHESIS_NO_PLUGINS) or this package is not installed with its entry point.
_hypothesis_setup_hook()
