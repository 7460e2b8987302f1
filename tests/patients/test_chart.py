"""The chart: a header and a timeline; front desk sees that things happened, never what was found."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from assessments.models import Assessment, TreatmentSession
from patients import services
from patients.models import ConsentExtension
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    PatientFactory,
    QuestionnaireResponseFactory,
    SafetyFlagFactory,
    SafetyRecheckFactory,
    UserFactory,
)

CANARY = "CANARY-clinical-7f3a"


def chart(patient: object) -> str:
    return reverse("patients:patient-detail", args=[patient.pk])


@pytest.fixture
def consented_patient(db: None) -> object:
    consent = ConsentFactory(
        patient_specific_risks=f"Takes warfarin {CANARY}",
        questions_and_answers=f"Asked about bruising {CANARY}",
        regions=["head_neck"],
    )
    return consent.patient


@pytest.mark.django_db
def test_the_header_shows_identity_contact_and_consent_on_file(
    physio_client: Client, consented_patient: object
) -> None:
    given_at = timezone.localtime(consented_patient.consents.get().given_at)

    body = physio_client.get(chart(consented_patient)).content.decode()

    assert consented_patient.given_name in body and consented_patient.family_name in body
    assert f"{consented_patient.age} years" in body
    assert consented_patient.phone in body
    assert f"IMS consent in force, {given_at:%Y-%m-%d}" in body
    assert "No IMS consent on file" not in body


@pytest.mark.django_db
def test_a_withdrawn_consent_is_not_shown_as_in_force(physio_client: Client, consented_patient: object) -> None:
    services.consent_withdraw(
        consent=consented_patient.consents.get(), withdrawn_by=physio_client.user, reason="Changed their mind"
    )

    body = physio_client.get(chart(consented_patient)).content.decode()

    assert "IMS consent withdrawn" in body
    assert "IMS consent in force" not in body


@pytest.mark.django_db
def test_a_patient_without_consent_says_so(front_desk_client: Client) -> None:
    body = front_desk_client.get(chart(PatientFactory())).content.decode()

    assert "No IMS consent on file" in body


@pytest.mark.django_db
def test_front_desk_sees_that_consent_happened_but_not_what_it_holds(
    front_desk_client: Client, consented_patient: object
) -> None:
    body = front_desk_client.get(chart(consented_patient)).content.decode()

    assert "Consent to IMS recorded" in body
    assert CANARY not in body
    assert "Head and neck" not in body
    assert "/consents/" not in body
    assert "Record consent" not in body


@pytest.mark.django_db
def test_the_physiotherapist_sees_the_consent_in_the_timeline_with_its_link(
    physio_client: Client, consented_patient: object
) -> None:
    consent = consented_patient.consents.get()

    body = physio_client.get(chart(consented_patient)).content.decode()

    assert consent.get_absolute_url() in body
    assert "Head and neck" in body
    assert "Record consent" in body


@pytest.mark.django_db
def test_the_timeline_is_newest_first_and_shows_withdrawal(physio_client: Client) -> None:
    patient = PatientFactory(created_at=timezone.now() - timedelta(days=30))
    old = ConsentFactory(patient=patient, given_at=timezone.now() - timedelta(days=20))
    ConsentFactory(patient=patient, given_at=timezone.now() - timedelta(days=5))
    services.consent_withdraw(consent=old, withdrawn_by=physio_client.user, reason="Changed their mind")

    entries = physio_client.get(chart(patient)).context["timeline"]

    assert [entry.title for entry in entries] == [
        "Consent to IMS withdrawn",
        "Consent to IMS recorded",
        "Consent to IMS recorded (withdrawn)",
        "Registered",
    ]


@pytest.mark.django_db
def test_every_opening_of_a_chart_is_in_the_audit_log(front_desk_client: Client, consented_patient: object) -> None:
    front_desk_client.get(chart(consented_patient), REMOTE_ADDR="10.1.2.3")
    front_desk_client.get(chart(consented_patient), REMOTE_ADDR="10.1.2.3")

    opened = LogEntry.objects.get_for_object(consented_patient).filter(action=LogEntry.Action.ACCESS)
    assert opened.count() == 2
    assert {(entry.actor, entry.remote_addr) for entry in opened} == {(front_desk_client.user, "10.1.2.3")}


@pytest.mark.django_db
def test_a_refused_chart_is_not_shown_and_not_logged_as_opened(
    admin_client: Client, consented_patient: object
) -> None:
    response = admin_client.get(chart(consented_patient))

    assert response.status_code == 403
    assert consented_patient.family_name not in response.content.decode()
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def add_to_the_record(patient: object, times: int) -> None:
    """`times` of every kind of row the chart reads: consents with an extension, questionnaires with flags and
    today's re-checks, bookings, visits."""
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    for consent in ConsentFactory.create_batch(times, patient=patient):
        ConsentExtension.objects.create(
            consent=consent,
            region="lower_limb",
            risks_explained="The region's risks, as read to the patient.",
            form="verbal",
            clinician=physio,
        )
    already = Assessment.objects.filter(patient=patient).count()
    for index in range(already, already + times):
        SafetyFlagFactory(response=QuestionnaireResponseFactory(patient=patient))
        SafetyRecheckFactory(patient=patient, asked_by=physio)
        AppointmentFactory(patient=patient, starts_at=timezone.now() + timedelta(days=index + 1))
        Assessment.objects.create(patient=patient, physiotherapist=physio)
        TreatmentSession.objects.create(patient=patient, physiotherapist=physio, pain_before=8 - index % 8)


@pytest.mark.django_db
def test_the_chart_query_count_does_not_grow_with_the_record(
    physio_client: Client, django_assert_max_num_queries: object
) -> None:
    patient = PatientFactory()
    add_to_the_record(patient, 2)
    physio_client.get(chart(patient))
    # 17 in production (the needling gate reads the current questionnaire's flags and the consent's extensions, the
    # timeline the extensions too, and the latest messages to the patient); a test's transaction adds a savepoint and
    # its release around the session's save.
    with django_assert_max_num_queries(19) as few:
        body = physio_client.get(chart(patient)).content.decode()
    assert "over 2 sessions" in body
    assert "Needling today:" in body
    add_to_the_record(patient, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = physio_client.get(chart(patient)).content.decode()
    assert "over 32 sessions" in body
