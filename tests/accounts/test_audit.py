"""Every look at and change to a patient's record is on record: who, role, when, patient, object, action, address."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from assessments import services as assessment_services
from patients import services
from tests.factories import PatientFactory, QuestionnaireResponseFactory, UserFactory

AUDIT_LIST = reverse("accounts:audit-list")
AUDIT_EXPORT = reverse("accounts:audit-export")


def events_for(patient_id: int, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(patient_id=patient_id, action=action))


def csv_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
def test_opening_a_chart_records_who_in_which_role_which_patient_and_from_where(front_desk_client: Client) -> None:
    patient = PatientFactory()

    front_desk_client.get(reverse("patients:patient-detail", args=[patient.pk]), REMOTE_ADDR="10.1.2.3")

    [event] = events_for(patient.pk, AuditAction.VIEW)
    assert event.actor == front_desk_client.user and event.actor_username == "frontdesk"
    assert event.role == Role.FRONT_DESK
    assert (event.object_type, event.object_id) == ("patients.patient", str(patient.pk))
    assert event.client_address == "10.1.2.3"
    assert timezone.now() - event.at < timedelta(minutes=1)
    assert event.log_entry_id is not None


@pytest.mark.django_db
def test_reading_questionnaire_answers_is_a_view_of_that_patients_record(physio_client: Client) -> None:
    response = QuestionnaireResponseFactory()

    physio_client.get(reverse("patients:questionnaire-review", args=[response.patient_id, response.pk]))

    [event] = events_for(response.patient_id, AuditAction.VIEW)
    assert (event.object_type, event.role) == ("patients.questionnaireresponse", Role.PHYSIOTHERAPIST)


@pytest.mark.django_db
def test_creating_and_changing_records_are_events_tied_to_the_patient(physio_client: Client) -> None:
    patient = PatientFactory()
    data = {"given_name": "Renamed", "date_of_birth": patient.date_of_birth, "family_name": patient.family_name}
    with audit_request_as(physio_client.user):
        services.patient_update(patient=patient, data=data, updated_by=physio_client.user, version=patient.version)
        assessment = assessment_services.assessment_start(patient=patient, physiotherapist=physio_client.user)
        finding = assessment_services.finding_record(
            assessment=assessment, sign_code="SEN-MOTORPOINT", side="L", status="present", muscle="deltoid"
        )

    assert [e.object_type for e in events_for(patient.pk, AuditAction.UPDATE) if e.object_type.endswith("patient")]
    created = {(e.object_type, e.object_id) for e in events_for(patient.pk, AuditAction.CREATE)}
    assert ("assessments.assessment", str(assessment.pk)) in created
    assert ("assessments.signfinding", str(finding.pk)) in created
    during_the_request = AuditEvent.objects.filter(patient_id=patient.pk).exclude(role="System")
    assert {e.role for e in during_the_request} == {Role.PHYSIOTHERAPIST}
    assert {e.actor for e in during_the_request} == {physio_client.user}


@pytest.mark.django_db
def test_the_audit_helper_records_print_and_export_with_the_requests_context(rf, physio_client: Client) -> None:
    patient = PatientFactory()
    request = rf.get("/assessments/1/print/", REMOTE_ADDR="192.0.2.9")
    request.user = physio_client.user
    token = audit.bind_request(request)
    try:
        event = audit.audit(action=AuditAction.PRINT, instance=patient)
    finally:
        audit.unbind(token)

    assert (event.action, event.patient_id, event.role) == ("print", patient.pk, Role.PHYSIOTHERAPIST)
    assert (event.actor, event.client_address) == (physio_client.user, "192.0.2.9")


@pytest.mark.django_db
def test_outside_a_request_an_event_is_the_systems() -> None:
    event = audit.audit(action=AuditAction.EXPORT, object_type="backup")

    assert (event.actor, event.role, event.client_address) == (None, "System", None)


@pytest.mark.django_db
def test_a_forged_forwarded_address_is_not_believed(front_desk_client: Client, settings) -> None:
    settings.CLINIC_TRUSTED_PROXIES = ["10.0.0.1"]
    patient = PatientFactory()
    url = reverse("patients:patient-detail", args=[patient.pk])

    front_desk_client.get(url, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    front_desk_client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")

    addresses = sorted(e.client_address for e in events_for(patient.pk, AuditAction.VIEW))
    assert addresses == ["198.51.100.7", "203.0.113.5"]


# --- The clinic admin's audit page -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_audit_page_filters_by_patient_user_and_date(admin_client: Client) -> None:
    maya, sam = UserFactory(username="maya"), UserFactory(username="sam")
    first, second = PatientFactory(), PatientFactory()
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        audit.audit(action=AuditAction.VIEW, instance=first, actor=maya)
    audit.audit(action=AuditAction.VIEW, instance=first, actor=sam)
    audit.audit(action=AuditAction.VIEW, instance=second, actor=maya)
    today = timezone.localdate().isoformat()

    by_patient = admin_client.get(AUDIT_LIST, {"patient": first.pk})
    by_user = admin_client.get(AUDIT_LIST, {"user": maya.pk})
    by_date = admin_client.get(AUDIT_LIST, {"since": today, "until": today, "user": maya.pk})

    def views(response) -> list[tuple[str, int]]:
        return [(e.actor_username, e.patient_id) for e in response.context["page"] if e.action == "view"]

    assert views(by_patient) == [("sam", first.pk), ("maya", first.pk)]
    assert {e.patient_id for e in by_user.context["page"]} == {first.pk, second.pk}
    assert views(by_date) == [("maya", second.pk)]


@pytest.mark.django_db
def test_the_audit_page_is_paginated_with_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries
) -> None:
    patient, maya = PatientFactory(), UserFactory(username="maya")
    AuditEvent.objects.bulk_create(
        AuditEvent(action="view", patient_id=patient.pk, object_type="patients.patient", actor=maya)
        for _ in range(120)
    )

    with django_assert_max_num_queries(12):
        response = admin_client.get(AUDIT_LIST, {"patient": patient.pk, "page": 2})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert "Page 2 of 3" in response.content.decode()


@pytest.mark.django_db
def test_a_reversed_date_range_is_explained(admin_client: Client) -> None:
    response = admin_client.get(AUDIT_LIST, {"since": "2026-02-01", "until": "2026-01-01"})

    assert "The start date is after the end date." in response.content.decode()


@pytest.mark.django_db
def test_the_audit_csv_is_an_attachment_and_exporting_is_itself_audited(admin_client: Client) -> None:
    patient = PatientFactory()
    audit.audit(action=AuditAction.VIEW, instance=patient, actor=UserFactory(username="=cmd|calc"))

    response = admin_client.get(AUDIT_EXPORT, {"patient": patient.pk})

    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = csv_of(response)
    assert rows[0] == audit.CSV_HEADER
    [viewed] = [row for row in rows[1:] if row[3] == "Viewed"]
    assert viewed[1] == "'=cmd|calc"  # a spreadsheet formula is written as text
    assert viewed[4] == str(patient.pk)
    [export] = events_for(patient.pk, AuditAction.EXPORT)
    assert export.actor == admin_client.user and export.role == Role.CLINIC_ADMIN


@pytest.mark.django_db
def test_a_patients_access_report_lists_who_has_seen_the_record(
    admin_client: Client, front_desk_client: Client, physio_client: Client
) -> None:
    patient, other = PatientFactory(), PatientFactory()
    front_desk_client.get(reverse("patients:patient-detail", args=[patient.pk]))
    physio_client.get(reverse("patients:patient-detail", args=[patient.pk]))
    physio_client.get(reverse("patients:patient-detail", args=[other.pk]))

    page = admin_client.get(reverse("patients:patient-access-report", args=[patient.pk]))
    export = admin_client.get(reverse("patients:patient-access-report-export", args=[patient.pk]))

    assert {(v["actor_username"], v["role"]) for v in page.context["viewers"]} >= {
        ("frontdesk", Role.FRONT_DESK),
        ("physio", Role.PHYSIOTHERAPIST),
    }
    assert {e.patient_id for e in page.context["page"]} == {patient.pk}
    assert export["Content-Disposition"].startswith(f'attachment; filename="access-report-patient-{patient.pk}-')
    users = {row[1] for row in csv_of(export)[1:]}
    assert {"frontdesk", "physio"} <= users


@pytest.mark.django_db
def test_an_unknown_patients_access_report_is_not_found(admin_client: Client) -> None:
    assert admin_client.get(reverse("patients:patient-access-report", args=[999999])).status_code == 404


# --- Append-only -----------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_audit_rows() -> None:
    event = audit.audit(action=AuditAction.VIEW, object_type="patients.patient", object_id="1", patient_id=1)
    statements = [
        ("UPDATE accounts_auditevent SET role = 'x' WHERE id = %s", [event.pk]),
        ("DELETE FROM accounts_auditevent WHERE id = %s", [event.pk]),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(role="Clinic admin")

    assert AuditEvent.objects.get(pk=event.pk).role == event.role


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_to_change_django_auditlogs_entries_too(physio_client: Client) -> None:
    from auditlog.models import LogEntry

    physio_client.get(reverse("patients:patient-detail", args=[PatientFactory().pk]))
    entry = LogEntry.objects.latest("pk")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()


class audit_request_as:
    """Run service calls as if inside a request by `user`, as the middleware would."""

    def __init__(self, user: object) -> None:
        from django.test import RequestFactory

        self.request = RequestFactory().get("/")
        self.request.user = user

    def __enter__(self) -> None:
        from auditlog.context import set_actor

        self.token = audit.bind_request(self.request)
        self.actor = set_actor(self.request.user, remote_addr="127.0.0.1")
        self.actor.__enter__()

    def __exit__(self, *exc: object) -> None:
        self.actor.__exit__(*exc)
        audit.unbind(self.token)
