"""The read-only FHIR API: a bearer token per integration, shown once, revocable; every read audited."""

import json
import uuid
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient

from accounts.models import AuditAction, AuditEvent
from patients.models import Patient
from records import services
from records.models import IntegrationToken
from tests.factories import PatientFactory, UserFactory

LIST = reverse("records:integration-list")


@pytest.fixture
def token(db: None) -> str:
    _, raw = services.integration_token_create(
        name="Referral portal", created_by=UserFactory(), submission_key=uuid.uuid4(), result_url="/"
    )
    return raw


def read(path: str, raw: str | None = None, client: Client | None = None, **headers: str) -> Any:
    if raw is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return (client or Client()).get(f"/fhir/{path}", **headers)


@pytest.mark.django_db
def test_clinic_admin_makes_a_token_shown_once_and_stored_only_as_a_hash(admin_client: Client) -> None:
    response = admin_client.post(LIST, {"name": "Referral portal", "submission_key": str(uuid.uuid4())})

    assert response.status_code == 200
    raw = response.context["shown_token"]
    assert len(raw) >= 43 and raw in response.content.decode()
    stored = IntegrationToken.objects.get()
    assert raw not in {stored.token_hash, stored.token_prefix} and stored.token_hash == services.token_hash(raw)
    again = admin_client.get(LIST)
    assert raw not in again.content.decode()


@pytest.mark.django_db
def test_a_double_submit_makes_one_token(admin_client: Client) -> None:
    data = {"name": "Referral portal", "submission_key": str(uuid.uuid4())}

    admin_client.post(LIST, data)
    second = admin_client.post(LIST, data, follow=True)

    assert IntegrationToken.objects.count() == 1
    assert "already created" in second.content.decode()


@pytest.mark.parametrize(("name", "message"), [("", "Name the integration."), ("   ", "Name the integration."),
                                               ("n" * 101, "at most 100 characters")])  # fmt: skip
@pytest.mark.django_db
def test_a_token_needs_a_name(admin_client: Client, name: str, message: str) -> None:
    response = admin_client.post(LIST, {"name": name, "submission_key": str(uuid.uuid4())})

    assert response.status_code == 200
    assert message in response.context["form"].errors["name"][0]
    assert not IntegrationToken.objects.exists()


@pytest.mark.django_db
def test_reading_a_patient_with_a_token_is_an_audit_event_naming_the_integration(token: str) -> None:
    patient = PatientFactory()

    response = read(f"Patient/{patient.pk}", token)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert FhirPatient.model_validate(json.loads(response.content)).id == str(patient.pk)
    event = AuditEvent.objects.get(action=AuditAction.VIEW, patient_id=patient.pk)
    assert LogEntry.objects.get(pk=event.log_entry_id).additional_data["integration"]["name"] == "Referral portal"
    assert IntegrationToken.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_everything_of_a_patient_is_a_searchset_bundle(token: str, full_patient: Patient) -> None:
    response = read(f"Patient/{full_patient.pk}/$everything", token)

    assert response.status_code == 200
    bundle = Bundle.model_validate(json.loads(response.content))
    assert bundle.type == "searchset" and bundle.total == len(bundle.entry) == 52
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, patient_id=full_patient.pk).count() == 1


@pytest.mark.django_db
def test_one_observation_is_read_by_its_id(token: str, full_patient: Patient) -> None:
    everything = json.loads(read(f"Patient/{full_patient.pk}/$everything", token).content)
    rom = next(e["resource"] for e in everything["entry"] if e["resource"]["id"].startswith("rom-"))

    response = read(f"Observation/{rom['id']}", token)

    assert response.status_code == 200
    assert Observation.model_validate(json.loads(response.content)).valueQuantity.code == "deg"


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer "}, {"HTTP_AUTHORIZATION": "Bearer forged-token"},
     {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}, {"HTTP_AUTHORIZATION": "Bearer " + "x" * 5000}],
)  # fmt: skip
@pytest.mark.django_db
def test_no_valid_token_is_401(headers: dict[str, str], token: str) -> None:
    patient = PatientFactory()

    response = read(f"Patient/{patient.pk}", **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert json.loads(response.content)["resourceType"] == "OperationOutcome"
    assert patient.family_name not in response.content.decode()
    assert not AuditEvent.objects.filter(patient_id=patient.pk, action=AuditAction.VIEW).exists()


@pytest.mark.django_db
def test_a_revoked_token_no_longer_opens_the_api(admin_client: Client, token: str) -> None:
    patient = PatientFactory()
    assert read(f"Patient/{patient.pk}", token).status_code == 200
    stored = IntegrationToken.objects.get()

    revoked = admin_client.post(reverse("records:integration-revoke", kwargs={"pk": stored.pk}))

    assert revoked.status_code == 302
    assert read(f"Patient/{patient.pk}", token).status_code == 401
    stored.refresh_from_db()
    assert stored.revoked_by == admin_client.user


@pytest.mark.django_db
def test_revoking_one_integration_leaves_the_others_working(token: str) -> None:
    _, other = services.integration_token_create(
        name="Billing", created_by=UserFactory(), submission_key=uuid.uuid4(), result_url="/"
    )
    patient = PatientFactory()

    services.integration_token_revoke(token=IntegrationToken.objects.get(name="Billing"), revoked_by=UserFactory())

    assert read(f"Patient/{patient.pk}", other).status_code == 401
    assert read(f"Patient/{patient.pk}", token).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["Patient/999999", "Patient/abc", "Observation/rom-999999", "Observation/nothing-1", "Spaceship/1",
     "Patient/99999999999999999999999999", "Patient/999999/$everything", "Condition/1", "Practitioner/999999"],
)  # fmt: skip
@pytest.mark.django_db
def test_unknown_ids_are_404(token: str, path: str) -> None:
    response = read(path, token)

    assert response.status_code == 404
    assert json.loads(response.content)["issue"][0]["code"] == "not-found"


@pytest.mark.django_db
def test_a_signed_in_session_without_a_token_is_401(physio_client: Client) -> None:
    patient = PatientFactory()

    assert read(f"Patient/{patient.pk}", client=physio_client).status_code == 401


@pytest.mark.django_db
def test_the_api_only_reads(token: str) -> None:
    patient = PatientFactory()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    assert Client().post(f"/fhir/Patient/{patient.pk}", **headers).status_code == 405
    assert Client().delete(f"/fhir/Patient/{patient.pk}", **headers).status_code == 405
    # A browser's forged POST does not even reach the view.
    assert Client(enforce_csrf_checks=True).post(f"/fhir/Patient/{patient.pk}", **headers).status_code == 403
    assert Patient.objects.filter(pk=patient.pk).exists()


@pytest.mark.django_db
def test_the_base_url_describes_what_it_serves(token: str) -> None:
    response = read("", token)

    assert response.status_code == 200
    assert json.loads(response.content)["resourceType"] == "CapabilityStatement"


@pytest.mark.django_db
def test_everything_takes_the_same_queries_however_much_the_record_holds(
    token: str, full_patient: Patient, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(30):
        read(f"Patient/{full_patient.pk}/$everything", token)


@pytest.mark.django_db
def test_only_the_clinic_admin_manages_integrations(physio_client: Client, front_desk_client: Client) -> None:
    assert physio_client.get(LIST).status_code == 403
    assert front_desk_client.post(LIST, {"name": "x", "submission_key": str(uuid.uuid4())}).status_code == 403
    assert not IntegrationToken.objects.exists()


@pytest.mark.django_db
def test_revoking_refuses_get_and_an_unknown_token(admin_client: Client) -> None:
    assert admin_client.get(reverse("records:integration-revoke", kwargs={"pk": 1})).status_code == 405
    assert admin_client.post(reverse("records:integration-revoke", kwargs={"pk": 999})).status_code == 404
