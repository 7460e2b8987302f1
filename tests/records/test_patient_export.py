"""A patient's record for an access request or a referral: one download, one disclosure in the audit log."""

import json
import re
import uuid
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from accounts.models import AuditAction, AuditEvent
from assessments import anatomy
from patients.models import Patient
from tests.factories import PatientFactory
from tests.ims_clinic.test_no_codes_on_screen import VisibleText, _full_assessment, codes_in


def export_url(patient: Patient | int) -> str:
    return reverse("records:patient-export", kwargs={"pk": getattr(patient, "pk", patient)})


def export_data(**changes: str) -> dict[str, str]:
    data = {
        "recipient": "The patient, at her request",
        "purpose": "patient_access",
        "purpose_detail": "Written request of 2026-05-01",
        "export_format": "fhir",
        "submission_key": str(uuid.uuid4()),
    }
    return {**data, **changes}


def exports_of(patient: Patient) -> Any:
    return AuditEvent.objects.filter(action=AuditAction.EXPORT, patient_id=patient.pk)


@pytest.mark.django_db
def test_physio_downloads_the_whole_record_as_a_fhir_bundle_recorded_as_a_disclosure(
    physio_client: Client, full_patient: Patient
) -> None:
    response = physio_client.post(export_url(full_patient), export_data())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert re.fullmatch(
        rf'attachment; filename="patient-{full_patient.pk}-record-\d{{8}}-\d{{4}}\.json"',
        response["Content-Disposition"],
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    bundle = Bundle.model_validate(json.loads(response.content))
    assert bundle.entry[0].resource.id == str(full_patient.pk)
    event = exports_of(full_patient).get()
    assert event.actor == physio_client.user and event.object_type == "patients.patient"
    entry = LogEntry.objects.get(pk=event.log_entry_id)
    disclosure = entry.additional_data["disclosure"]
    assert (disclosure["to"], disclosure["purpose"], disclosure["detail"], disclosure["format"]) == (
        "The patient, at her request",
        "patient_access",
        "Written request of 2026-05-01",
        "fhir",
    )


@pytest.mark.django_db
def test_clinic_admin_downloads_the_printable_document(admin_client: Client, full_patient: Patient) -> None:
    response = admin_client.post(
        export_url(full_patient), export_data(export_format="document", recipient="Dr Lee", purpose="continuing_care")
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="patient-{full_patient.pk}-record-')
    body = response.content.decode()
    for expected in (
        "Al-Farsi",
        "Dr Lee",
        "Right lateral elbow pain",
        "QuickDASH",
        "Addendum",
        "Bruising",
        "INR 2.4.",
    ):
        assert expected in body
    assert exports_of(full_patient).count() == 1


@pytest.mark.django_db
def test_the_printable_document_reads_in_words_with_every_part_of_the_assessment(physio_client: Client) -> None:
    patient = PatientFactory(given_name="Mohammed", family_name="Al-Farsi")
    assessment = _full_assessment(physio_client.user, patient)
    [planned, *_] = assessment.planned_muscles

    response = physio_client.post(export_url(patient), export_data(export_format="document"))

    assert response.status_code == 200
    body = response.content.decode()
    assert codes_in(body) == []
    text = " ".join(VisibleText(body).text.split())
    for expected in (
        "Cervical rotation (each side) (active) right 60° 75% yes",
        "Shoulder internal (medial) rotation (passive) left 50°",
        "C6 (ASIA: wrist extensors; also elbow flexion) right 4/5 Left 5/5, right 4/5: right weaker",
        "Extensor carpi radialis brevis (C6-C7) right 4/5 (weak) Left 5/5, right 4/5: right weaker",
        "Right hand 24.0 kg Right weaker by 7.0 kg",
        "Achilles (S1-S2) left 1+ (asymmetric)",
        "Lifting the kettle: 3",
        "(baseline, at the assessment) Patient-Specific Functional Scale (PSFS) 4.7",
        "Spine palpated: C4 to C7, left, midline and right",
        f"Plan of muscles to needle {anatomy.MUSCLES[planned['muscle']].name}, ",
        "C5 right: Involved",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_opening_the_form_discloses_nothing(physio_client: Client) -> None:
    patient = PatientFactory()

    response = physio_client.get(export_url(patient))

    assert response.status_code == 200
    assert 'name="recipient"' in response.content.decode()
    assert not exports_of(patient).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"recipient": ""}, "recipient", "Say who receives the record."),
        ({"recipient": "   "}, "recipient", "Say who receives the record."),
        ({"recipient": "x" * 201}, "recipient", "at most 200 characters"),
        ({"purpose": ""}, "purpose", "Choose why the record is released."),
        ({"purpose": "gossip"}, "purpose", "Choose a purpose."),
        ({"purpose": "other", "purpose_detail": ""}, "purpose_detail", "Say what the purpose is."),
        ({"purpose_detail": "y" * 301}, "purpose_detail", "at most 300 characters"),
        ({"export_format": "pdf"}, "export_format", "Choose one of the formats."),
        ({"submission_key": "not-a-key"}, None, "This form is out of date."),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_refused_at_the_field_and_nothing_is_disclosed(
    physio_client: Client, changes: dict[str, str], field: str | None, message: str
) -> None:
    patient = PatientFactory()

    response = physio_client.post(export_url(patient), export_data(**changes))

    assert response.status_code == 200
    form = response.context["form"]
    errors = " ".join(form.errors.get(field, []) if field else form.non_field_errors())
    assert message in errors
    assert not exports_of(patient).exists()


@pytest.mark.django_db
def test_a_double_submit_is_one_disclosure(physio_client: Client) -> None:
    patient = PatientFactory()
    data = export_data()

    first = physio_client.post(export_url(patient), data)
    second = physio_client.post(export_url(patient), data)

    assert first.status_code == 200 and "attachment" in first["Content-Disposition"]
    assert second.status_code == 200
    assert "already made from this form" in second.content.decode()
    assert exports_of(patient).count() == 1


@pytest.mark.django_db
def test_an_unknown_patient_is_not_found(physio_client: Client) -> None:
    assert physio_client.post(export_url(987654), export_data()).status_code == 404
    assert physio_client.get(export_url(987654)).status_code == 404


@pytest.mark.django_db
def test_front_desk_cannot_export_a_record(front_desk_client: Client) -> None:
    patient = PatientFactory()

    assert front_desk_client.post(export_url(patient), export_data()).status_code == 403
    assert not exports_of(patient).exists()


@pytest.mark.django_db
def test_the_chart_offers_the_export_to_the_physio_only(physio_client: Client, front_desk_client: Client) -> None:
    patient = PatientFactory()
    chart = reverse("patients:patient-detail", kwargs={"pk": patient.pk})

    assert export_url(patient) in physio_client.get(chart).content.decode()
    assert export_url(patient) not in front_desk_client.get(chart).content.decode()


@pytest.mark.django_db
def test_clinic_admin_finds_the_patient_to_export_including_archived(admin_client: Client) -> None:
    PatientFactory(family_name="Quistgaard", is_archived=True, archived_at="2026-01-01T00:00:00Z")
    patient = PatientFactory(family_name="Quistgaard")

    response = admin_client.get(reverse("records:patient-pick"), {"q": "quistgaard"})

    assert response.status_code == 200
    assert export_url(patient) in response.content.decode()
    assert response.content.decode().count("Export the record") == 2


@pytest.mark.django_db
def test_the_patient_picker_refuses_a_too_long_query_at_the_field(admin_client: Client) -> None:
    response = admin_client.get(reverse("records:patient-pick"), {"q": "x" * 101})

    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert response.context["page"] is None


@pytest.mark.django_db
def test_the_patient_picker_takes_the_same_queries_for_many_patients(
    admin_client: Client, django_assert_num_queries: Any
) -> None:
    PatientFactory.create_batch(3, family_name="Quistgaard")
    admin_client.get(reverse("records:patient-pick"), {"q": "quistgaard"})
    with django_assert_num_queries(7) as few:
        admin_client.get(reverse("records:patient-pick"), {"q": "quistgaard"})
    PatientFactory.create_batch(15, family_name="Quistgaard")
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("records:patient-pick"), {"q": "quistgaard"})


@pytest.mark.django_db
def test_the_export_form_takes_the_same_queries_for_a_big_record(
    physio_client: Client, full_patient: Patient, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(12):
        physio_client.get(export_url(full_patient))
    with django_assert_max_num_queries(40):
        physio_client.post(export_url(full_patient), export_data())
