"""A provider's facts that change after it is registered (kind, accreditation, sites, staffing,
its DfE registration lapsed or confirmed again), quality-assurance visits (COMM-9), contacts
with a placement's provider (CONTACT-1), the allied children's home and the school's own
provision as provider records (COMM-4), and DfE numbers of exactly 6 or 8 digits (COMM-3).

Calendar (from the builders): placements open Monday 24 February 2025, plans are agreed on
Wednesday 26 February, placements start Monday 3 March, "today" is Friday 14 March.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import attrs
import pytest

from senad_ap.domain.compliance import Finding, placement_findings
from senad_ap.domain.placement import (
    ConsentParty,
    ContactMethod,
    OpenPlacement,
    PlacementState,
    ProviderContacted,
    RecordProviderContact,
    RevisePlan,
    decide_placement,
)
from senad_ap.domain.plan import Effectiveness, Setting
from senad_ap.domain.provider import (
    ConfirmProviderRegistration,
    ProviderCommand,
    ProviderKind,
    ProviderKindChanged,
    ProviderState,
    RecordProviderAccreditation,
    RecordProviderKind,
    RecordProviderRegistrationLapsed,
    RecordProviderSites,
    RecordProviderStaffing,
    RecordQualityAssuranceVisit,
    decide_provider,
    evolve_provider,
)
from senad_ap.domain.values import Actor, PolicyParameters
from senad_ap.errors import (
    AlreadyRecordedError,
    InvalidInputError,
    NotAuthorisedError,
    NotFoundError,
    PolicyViolationError,
)
from tests.unit.builders import (
    HEAD,
    OPENED_ON,
    PLACEMENT_ID,
    PROVIDER_ID,
    STARTS_ON,
    TEACHER,
    TODAY,
    agree_command,
    apply,
    consent_command,
    context,
    full_time_plan_at,
    open_command,
    open_outside_command,
    opened,
    outside_planned,
    outside_started,
    plan,
    provider,
    provider_staff,
    related,
    start_command,
    started,
    unregistered_provider,
)

LAPSED_ON = date(2025, 3, 10)
EHCP = "EHCP-2291"


# --------------------------------------------------------------------------- helpers
def record(state: ProviderState | None, command: ProviderCommand) -> ProviderState:
    for event in decide_provider(state, command, context(), None):
        state = evolve_provider(state, event)
    assert state is not None
    return state


def lapse(state: ProviderState, on: date = LAPSED_ON) -> ProviderState:
    return record(
        state,
        RecordProviderRegistrationLapsed(
            actor=HEAD,
            effective_on=on,
            provider_id=state.id,
            evidence_reference="GIAS: closed 10/03/2025",
        ),
    )


def with_kind(state: ProviderState, kind: ProviderKind, on: date = LAPSED_ON) -> ProviderState:
    return record(
        state, RecordProviderKind(actor=HEAD, effective_on=on, provider_id=state.id, kind=kind)
    )


def confirm(state: ProviderState, on: date = TODAY) -> ProviderState:
    return record(
        state,
        ConfirmProviderRegistration(
            actor=HEAD,
            effective_on=on,
            provider_id=state.id,
            urn="148213",
            evidence_reference="GIAS check",
        ),
    )


def findings_of(
    rule_id: str,
    state: PlacementState,
    providers: tuple[ProviderState, ...],
    policy: PolicyParameters | None = None,
) -> list[Finding]:
    return [
        f
        for f in placement_findings(
            state, providers={p.id: p for p in providers}, policy=policy or PolicyParameters()
        )
        if f.rule_id == rule_id
    ]


def ehcp_outside_started(provider_state: ProviderState) -> PlacementState:
    """A student with an EHC plan taught full-time at ``provider_state`` since the start."""
    related_ = related(provider_state)
    state = opened(open_outside_command(provider_state.id, ehcp_reference=EHCP), related_)
    state = apply(state, agree_command(full_time_plan_at(provider_state.id)), related_)
    for party in ConsentParty:
        state = apply(state, consent_command(party))
    return apply(state, start_command(), related_)


def contact(
    on: date = date(2025, 3, 12), provider_id: UUID = PROVIDER_ID, actor: Actor = TEACHER
) -> RecordProviderContact:
    return RecordProviderContact(
        actor=actor,
        effective_on=on,
        placement_id=PLACEMENT_ID,
        provider_id=provider_id,
        method=ContactMethod.TELEPHONE,
        contact_with="AP coordinator; the student joined the call",
        note="Settled; attendance good this week",
    )


# --------------------------------------------------------------------------- item 7: DfE numbers
def test_a_seven_digit_dfe_number_is_refused_naming_urn_and_ukprn() -> None:
    with pytest.raises(InvalidInputError) as refused:
        ConfirmProviderRegistration(
            actor=HEAD,
            effective_on=OPENED_ON,
            provider_id=PROVIDER_ID,
            urn="1234567",
            evidence_reference="GIAS check",
        )

    assert (refused.value.field, "URN" in str(refused.value), "UKPRN" in str(refused.value)) == (
        "urn",
        True,
        True,
    )


@pytest.mark.parametrize("urn", ["148213", "10005534"])
def test_a_six_digit_urn_or_an_eight_digit_ukprn_is_accepted(urn: str) -> None:
    command = ConfirmProviderRegistration(
        actor=HEAD,
        effective_on=OPENED_ON,
        provider_id=PROVIDER_ID,
        urn=urn,
        evidence_reference="GIAS check",
    )

    assert command.urn == urn


# --------------------------------------------------------------------------- kind
def test_recording_a_new_kind_changes_the_providers_kind_from_that_day() -> None:
    state = with_kind(unregistered_provider(), ProviderKind.REGISTERED_INDEPENDENT)

    assert (state.kind, state.kind_since) == (ProviderKind.REGISTERED_INDEPENDENT, LAPSED_ON)


def test_an_unregistered_provider_that_registers_can_have_its_registration_confirmed() -> None:
    state = confirm(with_kind(unregistered_provider(), ProviderKind.REGISTERED_INDEPENDENT))

    assert state.registration_confirmed


def test_an_unregistered_providers_registration_cannot_be_confirmed_before_its_kind_changes() -> (
    None
):
    with pytest.raises(PolicyViolationError) as refused:
        confirm(unregistered_provider())

    assert refused.value.rule_id == "COMM-3"


def test_recording_the_kind_the_provider_already_has_is_refused() -> None:
    with pytest.raises(AlreadyRecordedError) as refused:
        with_kind(provider(), ProviderKind.REGISTERED_INDEPENDENT)

    assert refused.value.field == "kind"


def test_the_kind_change_event_is_evidence_for_comm_3_and_stat_4() -> None:
    assert {"COMM-3", "STAT-4"} <= set(ProviderKindChanged.evidence_for)


# --------------------------------------------------------------------------- accreditation, sites
def test_recording_accreditation_changes_it() -> None:
    state = record(
        unregistered_provider(),
        RecordProviderAccreditation(
            actor=HEAD,
            effective_on=LAPSED_ON,
            provider_id=PROVIDER_ID,
            delivers_accredited_education=True,
        ),
    )

    assert (state.delivers_accredited_education, state.accreditation_since) == (True, LAPSED_ON)


def test_recording_the_accreditation_already_recorded_is_refused() -> None:
    with pytest.raises(AlreadyRecordedError):
        record(
            provider(),
            RecordProviderAccreditation(
                actor=HEAD,
                effective_on=LAPSED_ON,
                provider_id=PROVIDER_ID,
                delivers_accredited_education=True,
            ),
        )


def test_recording_sites_replaces_the_list() -> None:
    state = record(
        provider(),
        RecordProviderSites(
            actor=HEAD,
            effective_on=LAPSED_ON,
            provider_id=PROVIDER_ID,
            sites=("Unit 4, Riverside", "Hollow Lane barn"),
        ),
    )

    assert state.sites == ("Unit 4, Riverside", "Hollow Lane barn")


def test_recording_no_sites_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        RecordProviderSites(actor=HEAD, effective_on=LAPSED_ON, provider_id=PROVIDER_ID, sites=())

    assert refused.value.field == "sites"


# --------------------------------------------------------------------------- staffing (QUAL-3)
def test_staffing_recorded_later_closes_the_qual_3_finding() -> None:
    before = provider()
    placement = outside_started(before)
    after = record(
        before,
        RecordProviderStaffing(
            actor=HEAD,
            effective_on=LAPSED_ON,
            provider_id=PROVIDER_ID,
            staffing="Two qualified teachers (QTS)",
        ),
    )

    assert (
        len(findings_of("QUAL-3", placement, (before,))),
        findings_of("QUAL-3", placement, (after,)),
    ) == (1, [])


def test_blank_staffing_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        RecordProviderStaffing(
            actor=HEAD, effective_on=LAPSED_ON, provider_id=PROVIDER_ID, staffing="  "
        )

    assert refused.value.field == "staffing"


# --------------------------------------------------------------------------- authority
@pytest.mark.parametrize(
    "command",
    [
        RecordProviderKind(
            actor=TEACHER, effective_on=LAPSED_ON, provider_id=PROVIDER_ID,
            kind=ProviderKind.SCHOOL,
        ),
        RecordProviderStaffing(
            actor=TEACHER, effective_on=LAPSED_ON, provider_id=PROVIDER_ID, staffing="QTS",
        ),
        RecordProviderRegistrationLapsed(
            actor=TEACHER, effective_on=LAPSED_ON, provider_id=PROVIDER_ID,
            evidence_reference="GIAS",
        ),
        RecordQualityAssuranceVisit(
            actor=TEACHER, effective_on=LAPSED_ON, provider_id=PROVIDER_ID,
            effectiveness=Effectiveness.EFFECTIVE, summary="Good lessons seen",
        ),
    ],
    ids=lambda c: type(c).__name__,
)  # fmt: skip
def test_provider_facts_are_recorded_only_by_the_head_or_a_delegate(
    command: ProviderCommand,
) -> None:
    with pytest.raises(NotAuthorisedError):
        decide_provider(provider(), command, context(), None)


def test_a_fact_about_an_unknown_provider_is_refused() -> None:
    command = RecordProviderStaffing(
        actor=HEAD, effective_on=LAPSED_ON, provider_id=PROVIDER_ID, staffing="QTS"
    )

    with pytest.raises(NotFoundError):
        decide_provider(None, command, context(), None)


# --------------------------------------------------------------------------- registration lapsed
def test_a_lapsed_registration_is_no_longer_confirmed() -> None:
    assert (provider().registration_confirmed, lapse(provider()).registration_confirmed) == (
        True,
        False,
    )


def test_a_registration_confirmed_again_after_a_lapse_is_confirmed() -> None:
    state = confirm(lapse(provider()))

    assert (state.registration_confirmed, state.registration_lapsed_on) == (True, None)


def test_a_lapse_is_refused_for_a_kind_with_no_dfe_registration() -> None:
    with pytest.raises(PolicyViolationError) as refused:
        lapse(unregistered_provider())

    assert refused.value.rule_id == "COMM-3"


def test_a_second_lapse_is_refused() -> None:
    with pytest.raises(AlreadyRecordedError):
        lapse(lapse(provider()))


def test_a_lapse_while_accredited_education_runs_there_opens_comm_3_from_that_day() -> None:
    placement = outside_started()

    (finding,) = findings_of("COMM-3", placement, (lapse(provider()),))

    assert (finding.since, finding.key) == (LAPSED_ON, str(PROVIDER_ID))


def test_a_confirmed_registration_is_no_comm_3_finding() -> None:
    assert findings_of("COMM-3", outside_started(), (provider(),)) == []


def test_confirming_the_registration_again_closes_comm_3() -> None:
    assert findings_of("COMM-3", outside_started(), (confirm(lapse(provider())),)) == []


def test_after_a_lapse_the_start_of_a_placement_there_is_refused_under_comm_3() -> None:
    placement = outside_planned(provider())

    with pytest.raises(PolicyViolationError) as refused:
        apply(placement, start_command(), related(lapse(provider(), OPENED_ON)))

    assert refused.value.rule_id == "COMM-3"


def test_after_a_lapse_a_revised_plan_of_the_running_placement_is_refused_under_comm_3() -> None:
    placement = outside_started()
    revise = RevisePlan(
        actor=HEAD,
        effective_on=TODAY,
        placement_id=PLACEMENT_ID,
        plan=full_time_plan_at(PROVIDER_ID),
        reason="New timetable",
    )

    with pytest.raises(PolicyViolationError) as refused:
        decide_placement(placement, revise, context(), related(lapse(provider())))

    assert refused.value.rule_id == "COMM-3"


def test_accreditation_begun_at_an_unregistered_provider_opens_comm_3_from_that_day() -> None:
    before = unregistered_provider()
    placement = outside_started(before)
    after = record(
        before,
        RecordProviderAccreditation(
            actor=HEAD,
            effective_on=LAPSED_ON,
            provider_id=PROVIDER_ID,
            delivers_accredited_education=True,
        ),
    )

    assert [f.since for f in findings_of("COMM-3", placement, (after,))] == [LAPSED_ON]


# --------------------------------------------------------------------------- STAT-4
def test_a_lapse_where_a_student_with_an_ehc_plan_is_taught_full_time_opens_stat_4() -> None:
    placement = ehcp_outside_started(provider())

    assert [f.since for f in findings_of("STAT-4", placement, (lapse(provider()),))] == [LAPSED_ON]


def test_a_provider_recorded_as_unregistered_opens_stat_4_for_a_student_with_an_ehc_plan() -> None:
    placement = ehcp_outside_started(provider())
    unregistered = with_kind(provider(), ProviderKind.UNREGISTERED)

    assert [f.since for f in findings_of("STAT-4", placement, (unregistered,))] == [LAPSED_ON]


def test_a_registered_provider_teaching_a_student_with_an_ehc_plan_is_no_stat_4_finding() -> None:
    assert findings_of("STAT-4", ehcp_outside_started(provider()), (provider(),)) == []


def test_a_student_without_an_ehc_plan_at_a_lapsed_provider_is_no_stat_4_finding() -> None:
    assert findings_of("STAT-4", outside_started(), (lapse(provider()),)) == []


def test_after_a_lapse_a_plan_making_it_the_full_time_setting_of_an_ehcp_student_is_refused() -> (
    None
):
    lapsed = lapse(provider(), OPENED_ON)
    related_ = related(lapsed)
    state = opened(open_outside_command(PROVIDER_ID, ehcp_reference=EHCP), related_)

    with pytest.raises(PolicyViolationError) as refused:
        apply(state, agree_command(full_time_plan_at(PROVIDER_ID)), related_)

    assert refused.value.rule_id == "STAT-4"


# --------------------------------------------------------------------------- COMM-9 visits
def test_quality_assurance_visit_is_kept_on_the_provider() -> None:
    state = record(
        provider(),
        RecordQualityAssuranceVisit(
            actor=HEAD,
            effective_on=LAPSED_ON,
            provider_id=PROVIDER_ID,
            effectiveness=Effectiveness.PARTLY_EFFECTIVE,
            summary="Maths teaching good; English lessons too short",
        ),
    )

    assert state.quality_assurance is not None
    assert (state.quality_assurance.visited_on, state.quality_assurance.effectiveness) == (
        LAPSED_ON,
        Effectiveness.PARTLY_EFFECTIVE,
    )


def test_no_quality_assurance_visit_within_twelve_weeks_of_the_start_is_a_comm_9_finding() -> None:
    (finding,) = [
        f
        for f in findings_of("COMM-9", outside_started(), (provider(),))
        if f.key.startswith("monitoring")
    ]

    assert finding.since == STARTS_ON + timedelta(weeks=12, days=1)


def test_a_quality_assurance_visit_moves_the_next_one_due() -> None:
    visited = record(
        provider(),
        RecordQualityAssuranceVisit(
            actor=HEAD,
            effective_on=LAPSED_ON,
            provider_id=PROVIDER_ID,
            effectiveness=Effectiveness.EFFECTIVE,
            summary="Good lessons seen",
        ),
    )
    placement = outside_started()

    (finding,) = [
        f for f in findings_of("COMM-9", placement, (visited,)) if f.key.startswith("monitoring")
    ]

    assert finding.since == LAPSED_ON + timedelta(weeks=12, days=1)


def test_an_on_site_placement_needs_no_quality_assurance_visit() -> None:
    assert findings_of("COMM-9", started(), ()) == []


# --------------------------------------------------------------------------- CONTACT-1 contacts
def test_no_contact_with_the_provider_within_six_weeks_of_the_start_is_a_contact_1_finding() -> (
    None
):
    (finding,) = [
        f
        for f in findings_of("CONTACT-1", outside_started(), (provider(),))
        if f.key.startswith("contact with")
    ]

    assert finding.since == STARTS_ON + timedelta(weeks=6, days=1)


def test_a_recorded_contact_moves_the_next_contact_due() -> None:
    placement = apply(outside_started(), contact(date(2025, 3, 12)))

    (finding,) = [
        f
        for f in findings_of("CONTACT-1", placement, (provider(),))
        if f.key.startswith("contact with")
    ]

    assert finding.since == date(2025, 3, 12) + timedelta(weeks=6, days=1)


def test_the_contact_interval_is_a_policy_parameter() -> None:
    policy = PolicyParameters(longest_contact_interval_weeks=2)

    (finding,) = [
        f
        for f in findings_of("CONTACT-1", outside_started(), (provider(),), policy)
        if f.key.startswith("contact with")
    ]

    assert finding.since == STARTS_ON + timedelta(weeks=2, days=1)


def test_a_contact_is_recorded_with_its_method_and_sealable_notes() -> None:
    (event,) = decide_placement(outside_started(), contact(), context(), related(provider()))

    assert isinstance(event, ProviderContacted)
    assert (event.method, set(event.personal)) == (
        ContactMethod.TELEPHONE,
        {"contact_with", "note"},
    )


def test_a_contact_with_a_provider_the_placement_does_not_use_is_refused() -> None:
    other = "00000000-0000-4000-8000-0000000000ff"
    with pytest.raises(InvalidInputError) as refused:
        decide_placement(outside_started(), contact(provider_id=UUID(other)), context(), related())

    assert refused.value.field == "provider_id"


def test_a_contact_dated_after_today_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        decide_placement(
            outside_started(), contact(TODAY + timedelta(days=1)), context(), related()
        )


def test_provider_staff_cannot_record_the_schools_contact_with_them() -> None:
    with pytest.raises(NotAuthorisedError):
        decide_placement(outside_started(), contact(actor=provider_staff()), context(), related())


def test_the_latest_contact_is_kept_when_an_earlier_one_is_recorded_later() -> None:
    placement = apply(apply(outside_started(), contact(date(2025, 3, 12))), contact(STARTS_ON))

    assert placement.provider_contacts == {PROVIDER_ID: date(2025, 3, 12)}


# --------------------------------------------------------------------------- item 6
def home(assessed: bool = True) -> ProviderState:
    return provider(
        kind=ProviderKind.CHILDRENS_HOME, accredited=False, confirmed=False, assessed=assessed
    )


def home_command() -> OpenPlacement:
    return attrs.evolve(
        open_command(), setting=Setting.ALLIED_CHILDRENS_HOME, provider_id=PROVIDER_ID,
        residential=True,
    )  # fmt: skip


def test_the_childrens_home_is_not_an_outside_party_but_is_risk_assessed() -> None:
    kind = ProviderKind.CHILDRENS_HOME

    assert (kind.is_outside, kind.needs_risk_assessment, kind.can_be_registered) == (
        False,
        True,
        False,
    )


def test_a_placement_at_the_childrens_home_may_name_the_homes_provider_record() -> None:
    state = opened(home_command(), related(home()))

    assert (state.provider_ids, state.is_outside) == (frozenset({PROVIDER_ID}), False)


def test_a_placement_at_the_childrens_home_naming_another_kind_of_provider_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        opened(home_command(), related(provider()))

    assert refused.value.field == "provider_id"


def test_an_on_site_placement_may_name_the_schools_own_provider_record() -> None:
    school_itself = provider(kind=ProviderKind.SCHOOL_ITSELF, confirmed=False)
    command = attrs.evolve(open_command(), provider_id=PROVIDER_ID)

    assert opened(command, related(school_itself)).provider_id == PROVIDER_ID


def test_a_placement_in_the_students_usual_classes_cannot_name_a_provider() -> None:
    with pytest.raises(InvalidInputError) as refused:
        attrs.evolve(
            open_command(), setting=Setting.SIDE_ROOM_OF_CLASSROOM, provider_id=PROVIDER_ID
        )

    assert refused.value.field == "provider_id"


def test_the_childrens_home_for_a_non_residential_student_is_still_refused_under_loc_3() -> None:
    command = attrs.evolve(home_command(), residential=False)

    with pytest.raises(PolicyViolationError) as refused:
        opened(command, related(home()))

    assert refused.value.rule_id == "LOC-3"


def _home_planned(home_state: ProviderState) -> PlacementState:
    related_ = related(home_state)
    state = opened(home_command(), related_)
    state = attrs.evolve(state, location_rationale="Lives at the home")
    return apply(state, agree_command(plan()), related_)


def test_a_placement_at_the_childrens_home_cannot_start_without_its_risk_assessment() -> None:
    unassessed = home(assessed=False)

    with pytest.raises(PolicyViolationError) as refused:
        apply(_home_planned(unassessed), start_command(), related(unassessed))

    assert refused.value.rule_id == "COMM-4"


def test_a_placement_at_the_assessed_childrens_home_starts() -> None:
    assessed = home()

    state = apply(_home_planned(assessed), start_command(), related(assessed))

    assert state.started_on == STARTS_ON


def test_the_homes_risk_assessment_running_out_is_a_comm_4_finding() -> None:
    assessed = home()
    state = apply(_home_planned(assessed), start_command(), related(assessed))

    assert [f.since for f in findings_of("COMM-4", state, (assessed,))] == [date(2026, 2, 2)]


def test_a_placement_at_the_home_naming_it_needs_no_written_agreement_with_it() -> None:
    assessed = home()
    state = apply(_home_planned(assessed), start_command(), related(assessed))

    assert findings_of("COMM-9", state, (assessed,)) == []
