"""Every message to the patient is in their record: the chart's latest few, and the paged list of all."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from patients.models import Message, MessageChannel, MessageKind, MessageStatus
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def messages_for(patient: Any, count: int) -> list[Message]:
    now = timezone.now()
    return [
        Message.objects.create(
            patient=patient,
            kind=MessageKind.REMINDER,
            key=f"test:{patient.pk}:{number}",
            send_after=now - timedelta(hours=number),
            sent_at=now - timedelta(hours=number),
            status=MessageStatus.SENT,
            channel=MessageChannel.TEXT,
            recipient="604-555-0123",
            body="Reminder: BODY-CANARY",
            note=f"note {number}",
        )
        for number in range(count)
    ]


@pytest.mark.parametrize("persona", ["front_desk", "physio"])
def test_the_chart_shows_the_latest_messages_and_links_to_all(persona: str, request: pytest.FixtureRequest) -> None:
    client = request.getfixturevalue(f"{persona}_client")
    patient = PatientFactory()
    messages_for(patient, 7)

    page = client.get(patient.get_absolute_url()).content.decode()

    assert "Messages</h2>" in page
    assert page.count("Appointment reminder") == 5
    assert "note 4" in page and "note 5" not in page
    assert reverse("patients:patient-messages", kwargs={"pk": patient.pk}) in page
    assert "•••0123" in page and "604-555-0123" not in page.split("Messages</h2>")[1]
    assert "BODY-CANARY" not in page


def test_a_chart_without_messages_says_so(front_desk_client: Client) -> None:
    patient = PatientFactory()

    page = front_desk_client.get(patient.get_absolute_url()).content.decode()

    assert "No message has been sent to the patient yet." in page


def test_the_messages_page_lists_every_message_in_pages(front_desk_client: Client) -> None:
    patient = PatientFactory(email="zoe@example.com")
    messages_for(patient, 30)
    Message.objects.create(
        patient=patient,
        kind=MessageKind.QUESTIONNAIRE,
        key="test:failed",
        send_after=timezone.now() + timedelta(hours=1),
        status=MessageStatus.FAILED,
        channel=MessageChannel.EMAIL,
        recipient="zoe@example.com",
        note="Could not be sent (SMTPException); its link was not kept: send a new one.",
    )
    url = reverse("patients:patient-messages", kwargs={"pk": patient.pk})

    first = front_desk_client.get(url).content.decode()
    second = front_desk_client.get(url, {"page": 2}).content.decode()

    assert "Safety questionnaire link" in first and "Failed" in first and "z***@example.com" in first
    assert "its link was not kept" in first
    assert first.count("Appointment reminder") == 24 and second.count("Appointment reminder") == 6
    assert "Page 2 of 2" in second
    assert "BODY-CANARY" not in first + second
    assert AuditEvent.objects.filter(object_type="patients.messages", patient_id=patient.pk).count() == 2


def test_the_messages_page_takes_the_same_queries_however_many_messages(
    front_desk_client: Client, django_assert_max_num_queries: Any
) -> None:
    patient = PatientFactory()
    messages_for(patient, 2)
    url = reverse("patients:patient-messages", kwargs={"pk": patient.pk})
    with django_assert_max_num_queries(40) as few:
        front_desk_client.get(url)
    messages_for(PatientFactory(), 1)
    Message.objects.filter(patient=patient).delete()
    messages_for(patient, 60)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert front_desk_client.get(url).status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("admin", 403), ("anonymous", 302)])
def test_others_do_not_open_the_messages_page(persona: str, status: int, request: pytest.FixtureRequest) -> None:
    client = request.getfixturevalue(f"{persona}_client")
    patient = PatientFactory()
    messages_for(patient, 1)

    page = client.get(reverse("patients:patient-messages", kwargs={"pk": patient.pk}))

    assert page.status_code == status and b"note 0" not in page.content


def test_another_patients_number_is_a_404(front_desk_client: Client) -> None:
    assert front_desk_client.get(reverse("patients:patient-messages", kwargs={"pk": 999999})).status_code == 404


def test_a_bad_page_number_shows_a_page(front_desk_client: Client) -> None:
    patient = PatientFactory()
    messages_for(patient, 3)
    url = reverse("patients:patient-messages", kwargs={"pk": patient.pk})

    for value in ("abc", "-1", "999", "1e9"):
        assert front_desk_client.get(url, {"page": value}).status_code == 200
