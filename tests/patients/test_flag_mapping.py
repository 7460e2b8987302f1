"""Mapping a place the patient described (an implant, skin, surgery, lymphoedema) to body regions the gate holds."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.site_gate import PlannedSite, Verdict, decide_site
from patients import safety_state, services
from patients.models import SafetyFlag
from tests.factories import PatientFactory, SafetyFlagFactory, UserFactory, clear_for_needling
from tests.patients.answers import ALL_NO

pytestmark = pytest.mark.django_db


def submitted(patient: object, **changes: object) -> object:
    """A questionnaire the patient submitted through a real link, with the given answers changed."""
    link, _ = services.questionnaire_link_issue(
        patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    services.questionnaire_save_answers(link=link, answers={**ALL_NO, "Z1_NAME": "Pat Doe", **changes})
    return services.questionnaire_submit(link=link)


def acknowledged(response: object) -> None:
    physio = UserFactory()
    for flag in response.flags.all():
        if flag.is_open:
            services.safety_flag_acknowledge(flag=flag, acknowledged_by=physio, note="Plan discussed with patient.")


@pytest.fixture
def implant() -> SafetyFlag:
    """A patient with a pacemaker "under the left collarbone", cleared for needling apart from that place."""
    patient = PatientFactory()
    response = submitted(patient, H4=["pacemaker"], H4_WHERE="under the left collarbone")
    acknowledged(response)
    clear_for_needling(patient)
    return response.flags.get(code="IMPLANT_SITE")


def verdict(patient: object, muscle: str, side: str) -> Verdict:
    return decide_site(safety_state.patient_decision(patient=patient), PlannedSite(muscle, side)).verdict


def map_url(flag: SafetyFlag) -> str:
    return reverse(
        "patients:safety-flag-map",
        kwargs={"pk": flag.response.patient_id, "response_pk": flag.response_id, "flag_pk": flag.pk},
    )


# --- The service -------------------------------------------------------------------------------


def test_mapping_stores_the_regions_on_one_side_and_who_mapped_them(implant: SafetyFlag) -> None:
    physio = UserFactory()

    mapped = services.safety_flag_map_areas(flag=implant, regions=["chest"], side="L", mapped_by=physio)

    implant.refresh_from_db()
    assert implant.areas == [{"region": "chest", "side": "L"}]
    assert implant.areas_mapped_by == physio
    assert implant.areas_mapped_at is not None
    assert implant.location_note == "under the left collarbone"  # the patient's words stay
    assert mapped.areas_words == "chest wall and armpit, left"


def test_mapping_again_replaces_the_areas_and_the_audit_log_keeps_the_earlier_ones(implant: SafetyFlag) -> None:
    physio = UserFactory()
    services.safety_flag_map_areas(flag=implant, regions=["chest"], side="L", mapped_by=physio)

    services.safety_flag_map_areas(flag=implant, regions=["chest", "shoulder"], side="B", mapped_by=physio)

    implant.refresh_from_db()
    assert implant.areas == [{"region": "shoulder", "side": None}, {"region": "chest", "side": None}]
    assert implant.areas_words == "shoulder and shoulder blade; chest wall and armpit, both sides"
    area_changes = [entry for entry in LogEntry.objects.get_for_object(implant) if "areas" in entry.changes_dict]
    assert len(area_changes) == 2


def test_a_flag_without_a_described_place_is_not_mapped() -> None:
    patient = PatientFactory()
    response = submitted(patient, H1="yes")
    pregnancy = response.flags.get(code="PREGNANCY")

    with pytest.raises(ValidationError) as error:
        services.safety_flag_map_areas(flag=pregnancy, regions=["chest"], side="L", mapped_by=UserFactory())

    assert error.value.messages == [
        "Only a place the patient described, or did not locate, is mapped to body regions."
    ]
    pregnancy.refresh_from_db()
    assert pregnancy.areas_mapped_at is None


def test_a_flag_that_holds_no_place_is_not_mapped() -> None:
    bleeding = SafetyFlagFactory()

    with pytest.raises(ValidationError):
        services.safety_flag_map_areas(flag=bleeding, regions=["chest"], side="L", mapped_by=UserFactory())


def test_an_unlocated_lymphoedema_may_be_mapped() -> None:
    response = submitted(PatientFactory(), H2="not_sure")
    flag = response.flags.get(code="LYMPHOEDEMA_UNSPECIFIED")

    services.safety_flag_map_areas(flag=flag, regions=["upper_limb"], side="R", mapped_by=UserFactory())

    flag.refresh_from_db()
    assert flag.areas == [{"region": "upper_limb", "side": "R"}]


def test_mapping_a_lymphoedema_keeps_the_limb_the_patient_named() -> None:
    response = submitted(PatientFactory(), H2="yes", H2_WHERE=["left_arm", "other"], H2_OTHER="right breast")
    flag = response.flags.get(code="LYMPHOEDEMA_SITE")
    named = list(flag.areas)

    services.safety_flag_map_areas(flag=flag, regions=["chest"], side="R", mapped_by=UserFactory())

    flag.refresh_from_db()
    assert flag.areas == [*named, {"region": "chest", "side": "R"}]


@pytest.mark.parametrize(
    ("regions", "side", "field", "message"),
    [
        (["chest", "elbow"], "L", "regions", "Unknown body region: elbow."),
        ([], "L", "regions", "Tick at least one body region the place covers."),
        (["chest"], "up", "side", "Choose left, right or both sides."),
    ],
)
def test_a_mapping_is_refused_at_its_field_and_nothing_is_saved(
    implant: SafetyFlag, regions: list[str], side: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.safety_flag_map_areas(flag=implant, regions=regions, side=side, mapped_by=UserFactory())

    assert error.value.message_dict == {field: [message]}
    implant.refresh_from_db()
    assert (implant.areas, implant.areas_mapped_at) == ([], None)


def test_a_superseded_questionnaires_flag_is_not_mapped(implant: SafetyFlag) -> None:
    submitted(implant.response.patient, H4=["pacemaker"], H4_WHERE="left chest")

    with pytest.raises(ValidationError) as error:
        services.safety_flag_map_areas(flag=implant, regions=["chest"], side="L", mapped_by=UserFactory())

    assert error.value.messages == ["Only the current questionnaire's flags are mapped: the gate reads no other."]


# --- The gate --------------------------------------------------------------------------------


def test_before_mapping_every_site_needs_a_note(implant: SafetyFlag) -> None:
    patient = implant.response.patient

    verdicts = {
        (muscle, side): verdict(patient, muscle, side) for muscle in ("pectoralis-major", "deltoid") for side in "LR"
    }

    assert set(verdicts.values()) == {Verdict.NEEDS_NOTE}


def test_an_implant_mapped_to_the_left_chest_wall_holds_only_the_sites_over_it(implant: SafetyFlag) -> None:
    patient = implant.response.patient
    services.safety_flag_map_areas(flag=implant, regions=["chest"], side="L", mapped_by=UserFactory())

    assert verdict(patient, "pectoralis-major", "L") is Verdict.HELD
    assert verdict(patient, "pectoralis-major", "R") is not Verdict.HELD
    assert Verdict.NEEDS_NOTE not in (verdict(patient, "pectoralis-major", "R"), verdict(patient, "deltoid", "L"))
    assert verdict(patient, "deltoid", "L") is Verdict.ALLOWED


def test_recent_surgery_mapped_gives_a_caution_inside_the_region_only() -> None:
    patient = PatientFactory()
    response = submitted(patient, H8="yes", H8_WHERE="left knee")
    acknowledged(response)
    clear_for_needling(patient)
    flag = response.flags.get(code="RECENT_SURGERY")
    services.safety_flag_map_areas(flag=flag, regions=["lower_limb"], side="L", mapped_by=UserFactory())

    inside = decide_site(safety_state.patient_decision(patient=patient), PlannedSite("vastus-lateralis", "L"))

    assert inside.verdict is Verdict.CAUTION
    assert any("inside the affected region" in reason.text for reason in inside.cautions)
    assert verdict(patient, "vastus-lateralis", "R") is Verdict.ALLOWED


# --- The view --------------------------------------------------------------------------------


def test_a_physio_maps_the_place_and_sees_it_on_the_review_page(physio_client: Client, implant: SafetyFlag) -> None:
    response = physio_client.post(
        map_url(implant), {f"map-{implant.pk}-regions": ["chest"], f"map-{implant.pk}-side": "L"}, follow=True
    )

    assert response.redirect_chain[-1][0].endswith(f"#flag-{implant.pk}")
    assert "Place mapped: chest wall and armpit, left." in [str(message) for message in response.context["messages"]]
    implant.refresh_from_db()
    assert implant.areas == [{"region": "chest", "side": "L"}]
    page = response.content.decode()
    mapped_on = f"{timezone.localtime(implant.areas_mapped_at):%-d %B %Y}"
    assert f"Mapped to:</strong> chest wall and armpit, left — by {implant.areas_mapped_by}, {mapped_on}" in page
    assert "Change the mapped place" in page


def test_a_mapping_with_errors_shows_them_at_the_fields(physio_client: Client, implant: SafetyFlag) -> None:
    response = physio_client.post(map_url(implant), {f"map-{implant.pk}-side": "up"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Tick at least one body region the place covers." in page
    assert "Select a valid choice. up is not one of the available choices." in page
    implant.refresh_from_db()
    assert implant.areas_mapped_at is None


def test_front_desk_cannot_map_a_place(front_desk_client: Client, implant: SafetyFlag) -> None:
    response = front_desk_client.post(map_url(implant), {f"map-{implant.pk}-regions": ["chest"]})

    assert response.status_code == 403
    implant.refresh_from_db()
    assert implant.areas_mapped_at is None


def test_another_patients_flag_is_not_found(physio_client: Client, implant: SafetyFlag) -> None:
    other = PatientFactory()
    url = reverse(
        "patients:safety-flag-map",
        kwargs={"pk": other.pk, "response_pk": implant.response_id, "flag_pk": implant.pk},
    )

    response = physio_client.post(url, {f"map-{implant.pk}-regions": ["chest"], f"map-{implant.pk}-side": "L"})

    assert response.status_code == 404


def test_mapping_refuses_get(physio_client: Client, implant: SafetyFlag) -> None:
    assert physio_client.get(map_url(implant)).status_code == 405
