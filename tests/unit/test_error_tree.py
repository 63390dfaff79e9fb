"""The error tree: each class means one thing to a caller, and every error says which rule
(if any) is behind it."""

from __future__ import annotations

from uuid import uuid4

import pytest

from senad_ap import errors
from senad_ap.errors import (
    AlreadyRecordedError,
    ConcurrentChangeError,
    IdempotencyConflictError,
    InvalidInputError,
    LifecycleError,
    NotAuthorisedError,
    NotFoundError,
    PolicyViolationError,
    RegisterRefusedError,
    SenadApError,
    StoreError,
    StoreFormatError,
)

#: The branches a caller tells apart: none of them is another's subclass.
BRANCHES = (
    PolicyViolationError,
    NotAuthorisedError,
    InvalidInputError,
    AlreadyRecordedError,
    LifecycleError,
    NotFoundError,
    ConcurrentChangeError,
    StoreError,
    RegisterRefusedError,
)


@pytest.mark.parametrize("branch", BRANCHES, ids=lambda c: c.__name__)
@pytest.mark.parametrize("other", BRANCHES, ids=lambda c: c.__name__)
def test_no_branch_of_the_tree_is_another_branch(
    branch: type[SenadApError], other: type[SenadApError]
) -> None:
    assert issubclass(branch, other) == (branch is other)


def test_every_public_error_is_a_branch_or_under_one() -> None:
    public = [getattr(errors, name) for name in errors.__all__]

    assert all(issubclass(e, SenadApError) for e in public)
    assert {e for e in public if not any(issubclass(e, b) for b in BRANCHES)} == {SenadApError}


def test_already_recorded_is_not_a_form_error() -> None:
    assert not issubclass(AlreadyRecordedError, InvalidInputError)


def test_an_idempotency_key_used_for_another_command_is_already_recorded() -> None:
    assert issubclass(IdempotencyConflictError, AlreadyRecordedError)
    assert not issubclass(IdempotencyConflictError, InvalidInputError)


def test_an_error_with_no_rule_has_rule_id_none() -> None:
    error = NotFoundError(f"No placement {uuid4()} is on the record.", kind="placement", id="x")

    assert error.rule_id is None


def test_a_policy_violation_carries_its_rule() -> None:
    assert PolicyViolationError("PLAN-2", "not full-time").rule_id == "PLAN-2"


def test_a_lifecycle_error_from_a_rule_carries_it() -> None:
    error = LifecycleError("the placement was erased", rule_id="STAT-7")

    assert error.rule_id == "STAT-7"


def test_a_message_that_begins_with_a_rule_id_names_that_rule() -> None:
    assert LifecycleError("STAT-7: the personal data was erased.").rule_id == "STAT-7"


def test_already_recorded_can_carry_its_rule_and_field() -> None:
    error = AlreadyRecordedError("already marked", field="session", rule_id="STAT-2")

    assert (error.rule_id, error.field) == ("STAT-2", "session")


def test_register_refusals_count_from_1_as_the_message_does() -> None:
    error = RegisterRefusedError(((3, InvalidInputError("bad code", field="code")),))

    assert error.refusals[0][0] == 3
    assert "mark 3: bad code" in str(error)


def test_a_store_written_by_a_newer_version_is_a_store_error() -> None:
    assert issubclass(StoreFormatError, StoreError)
