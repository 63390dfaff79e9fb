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

import attrs

from senad_ap.domain.values import Actor, Role
from senad_ap.errors import InvalidInputError, NotAuthorisedError

__all__ = ["FULL_ACCESS", "FullAccess", "Reader", "school_readable_by"]


@attrs.frozen
class FullAccess:
    """Read every school's rows (the operator's mode: the ``senad-ap`` command)."""

    why: str = "the operator, who can open the whole store"


#: The operator's reader: every school's rows, sealed values revealed.
FULL_ACCESS = FullAccess()

Reader = Actor | FullAccess


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
