"""Who arranged a placement, and under which power: what decides whether a register may mark
it ``K`` (provision the local authority arranged) or ``B`` (the school's own approved
educational activity) (STAT-1).

Sources (read for this module):

- The School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208),
  regulation 10(3), Table 2: code ``K`` is a pupil "attending a place, other than the school
  or another school at which they are a registered pupil, for educational provision arranged
  by a local authority under section 19(1) of the 1996 Act or section 42(2) or 61(1) of the
  2014 Act" (the Education Act 1996 and the Children and Families Act 2014).
- DfE, "Working together to improve school attendance" (statutory guidance, August 2024),
  the section on the codes for attending a place other than the school, Code K: "A pupil
  attending provision arranged by the school rather than the local authority must be recorded
  using Codes P or B instead."
- Education Act 1996 s.19(1): the local authority's duty to arrange suitable education for a
  child of compulsory school age who, "by reason of illness, exclusion from school or
  otherwise", would not otherwise receive it.
- Children and Families Act 2014 s.42(2): the local authority's duty to secure the special
  educational provision in a child's EHC plan; s.61(1): its power to arrange special
  educational provision otherwise than in a school (explanatory notes, paragraph 285).
- Education Act 2002 s.29A(1): "The governing body of a maintained school in England may
  require any registered pupil to attend at any place outside the school premises for the
  purpose of receiving educational provision which is intended to improve the behaviour of
  the pupil" (procedure: the Education (Educational Provision for Improving Behaviour)
  Regulations 2010). An academy has the power where its funding agreement gives it.
- Otherwise the school commissions the provision itself: the policy's COMM-1 (responsibility
  for the AP used rests with the Head Teacher / Head of Service).
"""

from __future__ import annotations

import enum
from typing import cast

from senad_ap.domain.validation import enum_text

__all__ = ["ArrangedBy", "ArrangementPower", "as_arranged_by", "as_arrangement_power"]


class ArrangedBy(enum.Enum):
    """Who arranged the placement. A placement recorded before this was recorded reads as
    arranged by the school (the library only ever recorded the school's own decisions)."""

    SCHOOL = "the school"
    LOCAL_AUTHORITY = "the local authority"


class ArrangementPower(enum.Enum):
    """The power the placement was arranged under (see the module's sources)."""

    #: The local authority: education for a child who would otherwise not receive it.
    EDUCATION_ACT_1996_S19 = "s.19 Education Act 1996"
    #: The local authority: the special educational provision of the child's EHC plan.
    CHILDREN_AND_FAMILIES_ACT_2014_S42 = "s.42 Children and Families Act 2014"
    #: The local authority: special educational provision otherwise than in a school.
    CHILDREN_AND_FAMILIES_ACT_2014_S61 = "s.61 Children and Families Act 2014"
    #: The school: a direction off-site to improve behaviour (outside the school premises).
    EDUCATION_ACT_2002_S29A = "s.29A Education Act 2002"
    #: The school: provision it commissions itself (COMM-1).
    SCHOOL_COMMISSIONED = "the school's own commissioning"

    @property
    def arranged_by(self) -> ArrangedBy:
        """Whose power it is."""
        if self in (ArrangementPower.EDUCATION_ACT_2002_S29A, ArrangementPower.SCHOOL_COMMISSIONED):
            return ArrangedBy.SCHOOL
        return ArrangedBy.LOCAL_AUTHORITY

    @property
    def only_off_site(self) -> bool:
        """s.29A directs a pupil "to attend at any place outside the school premises"."""
        return self is ArrangementPower.EDUCATION_ACT_2002_S29A


_ARRANGED_BY_TEXT = enum_text(ArrangedBy)


def as_arranged_by(value: ArrangedBy | str) -> ArrangedBy:
    """``ArrangedBy`` from the member or its text (an attrs converter; see ``enum_text``)."""
    return cast(ArrangedBy, _ARRANGED_BY_TEXT(value))


_POWER_TEXT = enum_text(ArrangementPower)


def as_arrangement_power(value: ArrangementPower | str | None) -> ArrangementPower | None:
    """``ArrangementPower`` (or ``None``) from the member or its text (an attrs converter)."""
    return cast("ArrangementPower | None", _POWER_TEXT(value))
