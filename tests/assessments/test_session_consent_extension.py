"""Recording, during a treatment session, the patient's consent to the region of a site the gate held (7.2 element
10): the session page's form, its refusals at the fields, and who may post it."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services, site_gate
from assessments.models import TreatmentSession
from patients import gate, safety_state
from patients.models import ConsentExtension
from patients.safety_rules import REGION_RISKS, BodyRegion
from patients.services import consent_in_force, consent_withdraw
from tests.assessments.sessions import fresh, questionnaire, signed
from tests.factories import PatientFactory, clear_for_needling
from tests.pages import body_of, field_error, physio_client_for, shown

pytestmark = pytest.mark.django_db

CHEST_RISKS = REGION_RISKS[BodyRegion.CHEST]
EXTENDED = "Consent extended to the chest wall."
NO_NAME = "For written consent the patient types their full name."
NOT_AGREED = "Tick this once the risks were explained and the patient agreed."


@pytest.fixture
def session(physio_client: Client) -> TreatmentSession:
    """Maya's draft for a patient whose consent covers the head and neck and the upper back, not the chest."""
    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    questionnaire(patient)
    clear_for_needling(patient, regions=("head_neck", "upper_back"))
    return services.session_start(patient=patient, physiotherapist=physio_client.user)


def extend_url(session: TreatmentSession) -> str:
    return reverse("assessments:session-consent-extend", kwargs={"pk": session.pk})


def extension_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "region": "chest",
        "risks_explained": CHEST_RISKS,
        "includes_paraspinal": "on",
        "form": "verbal",
        "signed_name": "",
        "patient_agrees": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def chest_region_missing(session: TreatmentSession) -> BodyRegion | None:
    """What the gate says the consent lacks for a right pectoralis major today."""
    state = safety_state.safety_states([session.patient_id])[session.patient_id]
    patient = gate.patient_decision(state, today=timezone.localdate(), settings=safety_state.gate_settings())
    return site_gate.decide_site(patient, site_gate.PlannedSite("pectoralis-major", "R")).consent_region_missing


def test_the_consent_is_extended_from_the_session_and_the_gate_no_longer_holds_the_chest(
    physio_client: Client, session: TreatmentSession
) -> None:
    assert chest_region_missing(session) is BodyRegion.CHEST

    response = physio_client.post(extend_url(session), extension_data(), follow=True)

    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert shown(EXTENDED, response)
    extension = ConsentExtension.objects.get()
    assert extension.consent == consent_in_force(patient=session.patient)
    assert (extension.region, extension.clinician, extension.risks_explained) == (
        "chest",
        physio_client.user,
        CHEST_RISKS,
    )
    assert chest_region_missing(session) is None


def test_a_refused_extension_is_shown_again_with_the_messages_at_the_fields(
    physio_client: Client, session: TreatmentSession
) -> None:
    response = physio_client.post(extend_url(session), extension_data(form="written", patient_agrees=None))

    assert response.status_code == 400
    assert response.context["extension_form"].errors == {"signed_name": [NO_NAME], "patient_agrees": [NOT_AGREED]}
    assert field_error(response, "signed_name", NO_NAME)
    assert field_error(response, "patient_agrees", NOT_AGREED)
    body = body_of(response)
    assert f'action="{extend_url(session)}"' in body
    assert 'type="hidden" name="region" value="chest"' in body
    assert "Consent to needle the chest wall" in body
    assert not ConsentExtension.objects.exists()


def test_a_region_the_consent_covers_is_refused_at_the_region(
    physio_client: Client, session: TreatmentSession
) -> None:
    response = physio_client.post(extend_url(session), extension_data(region="head_neck"))

    assert response.status_code == 400
    assert response.context["extension_form"].errors == {"region": ["This consent already covers the head and neck."]}
    assert shown("This consent already covers the head and neck.", response)
    assert not ConsentExtension.objects.exists()


def test_the_same_extension_posted_twice_is_recorded_once(physio_client: Client, session: TreatmentSession) -> None:
    first = physio_client.post(extend_url(session), extension_data())
    second = physio_client.post(extend_url(session), extension_data())

    assert first.status_code == second.status_code == 302
    assert ConsentExtension.objects.count() == 1


def test_without_a_consent_in_force_nothing_is_extended(physio_client: Client, session: TreatmentSession) -> None:
    consent_withdraw(
        consent=consent_in_force(patient=session.patient), withdrawn_by=physio_client.user, reason="Asked to stop"
    )

    response = physio_client.post(extend_url(session), extension_data())

    assert response.status_code == 400
    assert shown("No consent is in force: record the patient's consent to IMS first.", response)
    assert not ConsentExtension.objects.exists()


def test_a_signed_session_refuses_the_extension(physio_client: Client, session: TreatmentSession) -> None:
    services.needled_site_add(session=session, muscle="scalenes", side="L", insertions=2)
    signed(fresh(session))

    response = physio_client.post(extend_url(session), extension_data())

    assert response.status_code == 400
    assert shown("This treatment session is signed and cannot change", response)
    assert not ConsentExtension.objects.exists()


def test_another_physio_cannot_extend_from_someone_elses_session(session: TreatmentSession) -> None:
    colleague = physio_client_for("daniel")

    response = colleague.post(extend_url(session), extension_data())

    assert response.status_code == 403
    assert not ConsentExtension.objects.exists()


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_front_desk_and_clinic_admin_cannot_extend_from_a_session(
    request: pytest.FixtureRequest, persona: str, session: TreatmentSession
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    assert client.post(extend_url(session), extension_data()).status_code == 403
    assert not ConsentExtension.objects.exists()


def test_extending_from_a_session_by_get_is_refused(physio_client: Client, session: TreatmentSession) -> None:
    assert physio_client.get(extend_url(session)).status_code == 405
