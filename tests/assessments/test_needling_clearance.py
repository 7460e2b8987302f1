"""The gate before a needled site is saved: the whole patient first, then the site rules of 5.8."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import anatomy
from assessments.needling_safety import MUSCLE_BODY_REGIONS, SessionSite, SiteOutcome
from assessments.services import needling_site_clearance
from ims_clinic.demo import ALL_NO
from patients import services
from tests.factories import ConsentFactory, PatientFactory, UserFactory


def submitted(patient: object, **changes: object) -> object:
    """A questionnaire the patient submitted through a real link, with the given answers changed."""
    link, _ = services.questionnaire_link_issue(
        patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    services.questionnaire_save_answers(link=link, answers={**ALL_NO, "Z1_NAME": "Pat Doe", **changes})
    return services.questionnaire_submit(link=link)


def acknowledge_all(response: object) -> None:
    physio = UserFactory()
    for flag in response.flags.all():
        if flag.is_open:
            services.safety_flag_acknowledge(flag=flag, acknowledged_by=physio, note="Plan discussed with patient.")


@pytest.fixture
def patient(db: None) -> object:
    patient = PatientFactory()
    ConsentFactory(patient=patient)
    return patient


def test_every_catalogue_muscle_has_a_body_region() -> None:
    assert set(MUSCLE_BODY_REGIONS) == set(anatomy.MUSCLES)


@pytest.mark.django_db
def test_without_a_questionnaire_no_site_may_be_needled(patient: object) -> None:
    clearance = needling_site_clearance(patient=patient, muscle_code="deltoid", side="L")

    assert not clearance.may_needle
    assert "The safety questionnaire has not been completed." in clearance.patient_reasons
    assert clearance.site is None


@pytest.mark.django_db
def test_unacknowledged_flags_stop_needling_until_acknowledged(patient: object) -> None:
    response = submitted(patient, A1="yes", A2=["apixaban"])

    before = needling_site_clearance(patient=patient, muscle_code="deltoid", side="L")
    acknowledge_all(response)
    after = needling_site_clearance(patient=patient, muscle_code="deltoid", side="L")

    assert not before.may_needle
    assert any("not acknowledged" in reason for reason in before.patient_reasons)
    assert after.may_needle


@pytest.mark.django_db
def test_lymphoedema_of_the_left_arm_holds_the_left_arm_only(patient: object) -> None:
    acknowledge_all(submitted(patient, H2="yes", H2_WHERE=["left_arm"]))

    left = needling_site_clearance(patient=patient, muscle_code="deltoid", side="L")
    right = needling_site_clearance(patient=patient, muscle_code="deltoid", side="R")
    back = needling_site_clearance(patient=patient, muscle_code="lumbar-multifidus", side="L")

    assert (left.may_needle, left.site.outcome) == (False, SiteOutcome.HOLD)
    assert right.may_needle and back.may_needle


@pytest.mark.django_db
def test_a_blood_thinner_asks_for_confirmation_at_a_deep_site_only(patient: object) -> None:
    acknowledge_all(submitted(patient, A1="yes", A2=["apixaban"]))

    deep = needling_site_clearance(patient=patient, muscle_code="soleus", side="L")
    superficial = needling_site_clearance(patient=patient, muscle_code="deltoid", side="L")

    assert deep.may_needle and deep.needs_confirmation
    assert deep.site.outcome == SiteOutcome.BLOCK_NEEDS_CONFIRMATION
    assert superficial.may_needle and not superficial.needs_confirmation


@pytest.mark.django_db
def test_needling_the_thorax_on_both_sides_in_one_session_needs_confirmation(patient: object) -> None:
    acknowledge_all(submitted(patient))

    second_side = needling_site_clearance(
        patient=patient,
        muscle_code="rhomboids",
        side="L",
        other_sites_in_session=[SessionSite(site_tags=("THORAX",), side="R")],
    )
    same_side = needling_site_clearance(
        patient=patient,
        muscle_code="rhomboids",
        side="R",
        other_sites_in_session=[SessionSite(site_tags=("THORAX",), side="R")],
    )

    assert second_side.needs_confirmation
    assert not same_side.needs_confirmation
    assert any("pneumothorax" in message.text.lower() for message in same_side.site.messages)


@pytest.mark.django_db
def test_a_withdrawn_consent_stops_needling(patient: object) -> None:
    acknowledge_all(submitted(patient))
    services.consent_withdraw(consent=patient.consents.get(), withdrawn_by=UserFactory(), reason="Changed their mind")

    clearance = needling_site_clearance(patient=patient, muscle_code="deltoid", side="L")

    assert not clearance.may_needle
    assert "There is no IMS consent in force." in clearance.patient_reasons


@pytest.mark.django_db
def test_an_old_questionnaire_must_be_answered_again(patient: object, settings: object) -> None:
    acknowledge_all(submitted(patient))
    later = timezone.localdate() + timedelta(days=settings.CLINIC_QUESTIONNAIRE_VALID_DAYS + 1)

    clearance = needling_site_clearance(patient=patient, muscle_code="deltoid", side="L", on=later)

    assert not clearance.may_needle
    assert any("send a new link" in reason for reason in clearance.patient_reasons)
