"""Who reads the read models: the query functions take a ``reader`` and apply the rules of
``AlternativeProvision.get_placement`` to the rows they return.

- A Head Teacher or school staff read their own school's rows (naming another school is
  refused).
- Inspectors and provider staff are refused by the functions that read only the projections'
  tables: the tables do not hold the inspector grants or which rows are at which provider, so
  they could not be checked there. They read through the application (``get_placement``,
  ``as_at.placement_as_at``), which checks their grant or provider.
- ``FULL_ACCESS``: the operator's mode, for the ``senad-ap`` command and tools that work on the
  whole store. Whoever can open the projections file or database can read all of it anyway;
  an embedding system that serves people passes their ``Actor`` instead.
"""

from __future__ import annotations

from senad_ap.domain.authority import FULL_ACCESS, FullAccess, Reader
from senad_ap.domain.values import Actor, Role
from senad_ap.errors import InvalidInputError, NotAuthorisedError

__all__ = ["FULL_ACCESS", "FullAccess", "Reader", "school_condition", "school_readable_by"]


def school_readable_by(reader: Reader, school_id: str | None) -> str | None:
    """The school whose rows ``reader`` may read (``None``: every school, ``FULL_ACCESS``
    only), given the school a query asks for (``None``: any)."""
    if isinstance(reader, FullAccess):
        return school_id
    if not isinstance(reader, Actor):
        raise InvalidInputError("The reader must be an Actor or FULL_ACCESS.", field="reader")
    if reader.role in (Role.INSPECTOR, Role.PROVIDER_STAFF):
        reason = (
            "inspectors and provider staff read a placement through the application "
            "(get_placement, as_at.placement_as_at), which checks their grant or provider"
        )
    elif school_id is not None and school_id != reader.school_id:
        reason = f"school {school_id}'s records belong to another school"
    else:
        return reader.school_id
    raise NotAuthorisedError(
        f"{reader.id} ({reader.role.value}) may not read these rows: {reason}.",
        actor_id=reader.id,
    )


def school_condition(
    reader: Reader, column: str = "school_id", school_id: str | None = None
) -> tuple[str, tuple[str, ...]]:
    """An SQL condition (`` AND column = ?``, or nothing for every school) and its parameter
    that keep a query to the rows ``reader`` may read (``school_readable_by``)."""
    school = school_readable_by(reader, school_id)
    return ("", ()) if school is None else (f" AND {column} = ?", (school,))
