"""The demo's cast: the school's people, the students with something to show (by number),
the providers and the weekly timetables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from senad_ap.domain.attendance_codes import Session
from senad_ap.domain.plan import Setting
from senad_ap.domain.provider import ProviderKind
from senad_ap.domain.values import Actor, Role

__all__ = ["DEMO_HEAD", "DEMO_INSPECTOR", "DEMO_SCHOOL_ID"]

DEMO_SCHOOL_ID = "DEMO-1"
#: The demo school's Head Teacher, who may read all of its placements.
DEMO_HEAD = Actor(id="head-DEMO-1", role=Role.HEAD_TEACHER, school_id=DEMO_SCHOOL_ID)
#: The inspector the Head lets in on 1 December 2025, until 31 March 2026.
DEMO_INSPECTOR = Actor(id="inspector-DEMO-1", role=Role.INSPECTOR, school_id=DEMO_SCHOOL_ID)
_DEPUTY = Actor(id="deputy-DEMO-1", role=Role.SCHOOL_STAFF, school_id=DEMO_SCHOOL_ID)
_SENCO = Actor(id="senco-DEMO-1", role=Role.SCHOOL_STAFF, school_id=DEMO_SCHOOL_ID)
_ATTENDANCE = Actor(id="attendance-DEMO-1", role=Role.SCHOOL_STAFF, school_id=DEMO_SCHOOL_ID)
#: Who signs the demo's register amendments (STAT-2): an invented name.
_ATTENDANCE_OFFICER_NAME = "Jo Demo"
_FULL_DAY = Decimal("6.5")  # five make the 32.5 hours of full-time provision (PLAN-2)

# The students with something to show, by number (their references are DEMO-S001 …).
_REINTEGRATED = 3
_LATE_REVIEW = 5
_FORCED_N = (9, date(2025, 10, 8), Session.AM)  # at least one N mark, corrected a week later
_OVERDUE_REVIEW = 12
_NEEDS_AFTER_PLAN = 15
_NO_NEEDS_ASSESSMENT = 16
_NO_READINESS_CRITERIA = 19
_PLAN_REVISED = 20
_NO_ENGLISH_OR_MATHS = (20, 21)
_NO_DESTINATION = 22
_NOT_SHARED_WITH_LA = 23
_MEDICAL = 24
_TO_COLLEGE = 25
_LATE_CONSENT = 28
_WITHDRAWN = 31
_WITHDRAWN_ON, _GIVEN_AGAIN_ON = date(2025, 11, 10), date(2025, 11, 24)
_MOVED_AWAY = 33
_NOT_SHARED_WITH_PROVIDER = 37
_CHILDRENS_HOME = 39
#: Arranged by the local authority under s.19 Education Act 1996 at Northgate: marked K there.
_LA_ARRANGED = 32
#: Dual registered with St Aidan's Academy (its URN): marked D on its days there.
_DUAL_REGISTERED = 40
_ACADEMY_URN = "137915"
#: Ten school days of unexplained absence in November (O; 3 November is an INSET day), then
#: the attendance return to the local authority (NOTIFY-1) two school days late.
_CONTINUOUS_ABSENCE = 35
_ABSENT_FROM, _ABSENT_UNTIL = date(2025, 11, 4), date(2025, 11, 17)
_RETURN_MADE_ON = date(2025, 11, 20)
_NOT_STARTED = 41
_LOOKED_AFTER = (10, 18, _CHILDRENS_HOME)
_RESIDENTIAL = (8, 17, _CHILDRENS_HOME)
_LATE_STARTS = {26: date(2025, 9, 15), 34: date(2025, 9, 8)}
_ENDS = {
    _TO_COLLEGE: date(2025, 11, 28),
    _MOVED_AWAY: date(2025, 12, 5),
    _REINTEGRATED: date(2025, 12, 12),
}
_UNMARKED = {
    (7, date(2025, 10, 14), Session.PM),
    (7, date(2025, 10, 15), Session.PM),
    (7, date(2025, 10, 16), Session.PM),
    (27, date(2025, 11, 20), Session.AM),
}
#: This session's register is entered on the next school day, before that day's morning.
_LATE_REGISTER = (date(2025, 11, 21), Session.PM, date(2025, 11, 24))


# --------------------------------------------------------------------------------- providers
@attrs.frozen
class _Provider:
    key: str
    name: str
    kind: ProviderKind
    accredited: bool
    site: str
    staffing: str | None
    urn: str | None  # a DfE URN (6 digits) or UKPRN (8), where the kind has one to confirm
    assessed_on: date


# fmt: off
_PROVIDERS = (
    _Provider("school", "DEMO-1 on-site provision (the Orchard Room)", ProviderKind.SCHOOL_ITSELF,
              True, "Main site, the Orchard Room",
              "Two qualified teachers (QTS) and an HLTA, overseen by the SENCo", None,
              date(2025, 7, 2)),
    _Provider("college", "Riverside College of Further Education", ProviderKind.FE_COLLEGE,
              True, "Riverside campus",
              "Foundation Learning tutors with FE teaching qualifications", "10005534",
              date(2025, 7, 3)),
    _Provider("independent", "Northgate Learning Centre", ProviderKind.REGISTERED_INDEPENDENT,
              True, "Northgate Road site",
              "Qualified teachers of English, maths and science; two learning mentors",
              "148213", date(2025, 7, 4)),
    # QUAL-3 gap on purpose: nothing recorded about the staff.
    _Provider("farm", "Hollow Lane Farm Project", ProviderKind.UNREGISTERED,
              False, "Hollow Lane Farm", None, None, date(2025, 7, 7)),
    # The allied children's home: a provider record of its own kind, so that its risk
    # assessment is checked (COMM-4) and it shows its placements.
    _Provider("home", "Orchard House (the allied children's home)", ProviderKind.CHILDRENS_HOME,
              False, "Orchard House", "Residential care staff; teaching by DEMO-1 teachers",
              None, date(2025, 7, 2)),
    _Provider("academy", "St Aidan's Academy vocational centre", ProviderKind.SCHOOL,
              True, "St Aidan's Academy, vocational centre",
              "Vocational lecturers and a qualified Key Stage 4 teacher", "137915",
              date(2025, 7, 8)),
)
# fmt: on
_PROVIDER_BY_KEY = {provider.key: provider for provider in _PROVIDERS}
#: The providers a placement names: those teaching away from the school and the home.
_OUTSIDE = ("college", "independent", "farm", "academy")

#: Monday to Friday: (place, hours) each day. A place is a provider key, "on-site", "class"
#: (the student's usual classes) or "home" (the allied children's home).
_TIMETABLES: dict[str, tuple[tuple[tuple[str, Decimal], ...], ...]] = {
    "on-site": ((("on-site", _FULL_DAY),),) * 5,
    "medical": ((("on-site", Decimal(3)),),) * 5,  # mornings only: a medical exemption
    "college 3 days": ((("college", _FULL_DAY),),) * 3 + ((("class", _FULL_DAY),),) * 2,
    "college": ((("college", _FULL_DAY),),) * 5,
    "independent": ((("independent", _FULL_DAY),),) * 5,
    "farm": ((("on-site", _FULL_DAY),), (("farm", _FULL_DAY),)) * 2 + ((("on-site", _FULL_DAY),),),
    "home": ((("home", Decimal(4)), ("on-site", Decimal("2.5"))),) * 5,
    "academy": ((("class", _FULL_DAY),), (("academy", _FULL_DAY),)) * 2
    + ((("class", _FULL_DAY),),),
}
_SETTINGS = {
    "on-site": Setting.ON_SITE,
    "class": Setting.SCHOOL_CLASS,
    "home": Setting.ALLIED_CHILDRENS_HOME,
}
