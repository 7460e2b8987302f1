"""The clinic's CSV files: for the clinic admin, pseudonymised on request, always an audit event."""

import csv
import io
import uuid
import zipfile
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from patients.models import Patient
from records.clinic_export import pseudonym

URL = reverse("records:clinic-export")
FILES = {
    "README.txt", "patients.csv", "appointments.csv", "treatment_sessions.csv", "needled_sites.csv",
    "adverse_events.csv", "outcome_scores.csv",
}  # fmt: skip


def export(client: Client, **changes: Any) -> Any:
    data = {
        "recipient": "Clinic research group",
        "purpose": "research",
        "pseudonymise": "on",
        "submission_key": str(uuid.uuid4()),
        **changes,
    }
    return client.post(URL, {key: value for key, value in data.items() if value is not None})


def tables(response: Any) -> dict[str, list[dict[str, str]]]:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert set(archive.namelist()) == FILES
    return {
        name: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
        if name.endswith(".csv")
    }


@pytest.mark.django_db
def test_pseudonymised_files_hold_no_names_contact_or_birth_dates(admin_client: Client, full_patient: Patient) -> None:
    response = export(admin_client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="clinic-export-pseudonymised-')
    files = tables(response)
    text = repr(files)
    patient = full_patient
    private = [
        patient.given_name,
        patient.family_name,
        patient.phone,
        patient.email,
        patient.date_of_birth.isoformat(),
    ]
    for value in private:
        assert value not in text
    row = next(row for row in files["patients.csv"] if row["patient"] == pseudonym(patient.pk))
    assert row["year_of_birth"] == str(patient.date_of_birth.year)
    assert set(files["patients.csv"][0]) == {
        "patient", "year_of_birth", "administrative_sex", "province", "is_archived", "registered_on",
    }  # fmt: skip
    assert len(files["treatment_sessions.csv"]) == 6
    assert len(files["needled_sites.csv"]) == 18
    assert len(files["outcome_scores.csv"]) == 6
    assert {row["patient"] for row in files["outcome_scores.csv"]} == {pseudonym(patient.pk)}


@pytest.mark.django_db
def test_the_pseudonym_is_stable_across_exports_and_differs_between_patients(
    admin_client: Client, full_patient: Patient
) -> None:
    first = tables(export(admin_client))["patients.csv"]
    second = tables(export(admin_client))["patients.csv"]

    assert first == second
    assert len({row["patient"] for row in first}) == Patient.objects.count()


@pytest.mark.django_db
def test_an_identified_export_names_the_patients(admin_client: Client, full_patient: Patient) -> None:
    files = tables(export(admin_client, pseudonymise=None))

    row = next(row for row in files["patients.csv"] if row["patient"] == str(full_patient.pk))
    assert (row["family_name"], row["date_of_birth"]) == (
        full_patient.family_name,
        full_patient.date_of_birth.isoformat(),
    )


@pytest.mark.django_db
def test_each_clinic_export_is_an_audit_event_with_to_whom_and_why(admin_client: Client) -> None:
    export(admin_client)

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "records.clinicexport" and event.actor == admin_client.user
    disclosure = LogEntry.objects.get(pk=event.log_entry_id).additional_data["disclosure"]
    assert (disclosure["to"], disclosure["purpose"], disclosure["pseudonymised"]) == (
        "Clinic research group",
        "research",
        True,
    )


@pytest.mark.django_db
def test_a_double_submit_makes_one_export(admin_client: Client) -> None:
    key = str(uuid.uuid4())

    export(admin_client, submission_key=key)
    second = export(admin_client, submission_key=key)

    assert second.status_code == 200
    assert "already made from this form" in second.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"recipient": ""}, "recipient"), ({"recipient": "r" * 201}, "recipient"), ({"purpose": "sale"}, "purpose")],
)
@pytest.mark.django_db
def test_bad_input_is_refused_at_the_field(admin_client: Client, changes: dict[str, str], field: str) -> None:
    response = export(admin_client, **changes)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.django_db
def test_only_the_clinic_admin_exports_the_clinic(physio_client: Client, front_desk_client: Client) -> None:
    assert export(physio_client).status_code == 403
    assert export(front_desk_client).status_code == 403


@pytest.mark.django_db
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(admin_client: Client, full_patient: Patient) -> None:
    Patient.objects.filter(pk=full_patient.pk).update(family_name="=HYPERLINK(1)")

    row = next(
        r
        for r in tables(export(admin_client, pseudonymise=None))["patients.csv"]
        if r["patient"] == str(full_patient.pk)
    )

    assert row["family_name"] == "'=HYPERLINK(1)"


@pytest.mark.django_db
def test_the_export_takes_the_same_queries_however_many_patients(
    admin_client: Client, full_patient: Patient, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(25):
        tables(export(admin_client))
