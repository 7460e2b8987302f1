"""Messages that cannot be sent: tried again with a limit, shown to the clinic admin, and never undoing a booking."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from patients import messaging, text_messages
from patients.models import ContactMethod, Message, MessageKind, MessageStatus
from patients.text_messages import TextMessage, TextMessageError
from scheduling import reminders
from scheduling.models import AppointmentStatus
from tests.factories import AppointmentFactory, PatientFactory
from tests.tasks import run_worker

pytestmark = pytest.mark.django_db


class BrokenTextBackend:
    """A provider that refuses every message."""

    def send(self, message: TextMessage) -> str:
        raise TextMessageError("The provider is down.")


class FlakyTextBackend:
    """A provider that refuses the first `failures` messages, then accepts (into the locmem outbox)."""

    failures: ClassVar[int] = 1

    def send(self, message: TextMessage) -> str:
        if FlakyTextBackend.failures > 0:
            FlakyTextBackend.failures -= 1
            raise TextMessageError("Try later.")
        text_messages.outbox.append(message)
        return "flaky-ok"


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def texting_patient() -> Any:
    text_messages.outbox.clear()
    return PatientFactory(preferred_contact_method=ContactMethod.TEXT, phone="604-555-0150")


def reminder_for(patient: Any) -> tuple[Any, Message]:
    appointment = AppointmentFactory(patient=patient, starts_at=timezone.now() + timedelta(hours=20))
    return appointment, reminders.reminder_queue(appointment=appointment)


def test_a_message_the_provider_refuses_once_is_sent_at_its_next_try(texting_patient, settings, clock) -> None:
    settings.CLINIC_TEXT_BACKEND = "tests.patients.test_messaging.FlakyTextBackend"
    FlakyTextBackend.failures = 1
    appointment, message = reminder_for(texting_patient)

    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.note == "Could not be sent (TextMessageError), try 1 of 5."
    assert text_messages.outbox == []

    clock.shift(timedelta(minutes=1))
    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.note) == (MessageStatus.SENT, 2, "")
    assert len(text_messages.outbox) == 1
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_message_that_always_fails_is_marked_failed_after_the_limit(texting_patient, settings, clock) -> None:
    settings.CLINIC_TEXT_BACKEND = "tests.patients.test_messaging.BrokenTextBackend"
    settings.CLINIC_MESSAGE_MAX_ATTEMPTS = 3
    appointment, message = reminder_for(texting_patient)

    waits = []
    for _ in range(5):
        run_worker()
        message.refresh_from_db()
        if message.status == MessageStatus.FAILED:
            break
        waits.append(message.send_after - timezone.now())
        clock.move_to(message.send_after)

    assert waits == [timedelta(minutes=1), timedelta(minutes=2)]
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    assert message.note == "Could not be sent (TextMessageError), try 3 of 3."
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_what_is_kept_of_a_sent_message_never_holds_its_link(texting_patient, settings, monkeypatch) -> None:
    settings.CLINIC_TEXT_BACKEND = "locmem"
    secret = "https://clinic.example.org/a/SECRET-TOKEN-0123456789abcdef/"
    composed = messaging.Composed(subject="Hi", body="Open {link}", link=secret, text="Open {link} now")
    monkeypatch.setitem(messaging._COMPOSERS, MessageKind.REMINDER, lambda message: composed)
    message = messaging.queue(patient=texting_patient, kind=MessageKind.REMINDER, key="test:link-kept")

    messaging.deliver(message.pk)

    message.refresh_from_db()
    assert secret in text_messages.outbox[0].body
    assert "SECRET-TOKEN" not in message.body and message.body == "IMS Clinic: Open [private link] now"


def test_absolute_links_start_with_the_clinics_site(settings) -> None:
    settings.CLINIC_SITE_URL = "https://clinic.example.org"

    assert messaging.absolute("/a/token/") == "https://clinic.example.org/a/token/"


# --- The back office ---------------------------------------------------------------------------


def failed_reminder(patient: Any) -> Message:
    _appointment, message = reminder_for(patient)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, attempts=5, note="Could not be sent (TextMessageError), try 5 of 5."
    )
    return message


def test_the_clinic_admin_sees_the_messages_without_their_text(admin_client: Client, texting_patient) -> None:
    message = failed_reminder(texting_patient)
    Message.objects.filter(pk=message.pk).update(body="Reminder: your appointment BODY-CANARY")

    page = admin_client.get(reverse("admin:patients_message_changelist"), {"status__exact": "failed"})

    assert page.status_code == 200
    text = page.content.decode()
    assert texting_patient.family_name in text and "Appointment reminder" in text and "Failed" in text
    assert "BODY-CANARY" not in text
    assert "Try the selected failed messages again" in text


def test_the_clinic_admin_tries_a_failed_message_again(admin_client: Client, texting_patient, settings) -> None:
    settings.CLINIC_TEXT_BACKEND = "locmem"
    message = failed_reminder(texting_patient)

    page = admin_client.post(
        reverse("admin:patients_message_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
        follow=True,
    )
    message.refresh_from_db()
    assert "1 message(s) queued to be sent again." in page.content.decode()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)

    run_worker()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and len(text_messages.outbox) == 1


def test_a_questionnaire_link_that_failed_is_not_sent_again(admin_client: Client, texting_patient) -> None:
    message = Message.objects.create(
        patient=texting_patient,
        kind=MessageKind.QUESTIONNAIRE,
        key="questionnaire:link:999",
        send_after=timezone.now(),
        status=MessageStatus.FAILED,
    )

    page = admin_client.post(
        reverse("admin:patients_message_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
        follow=True,
    )

    assert "send the patient a new one from their chart" in page.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


def test_the_clinic_admin_reads_the_workers_task_results(admin_client: Client, texting_patient) -> None:
    reminder_for(texting_patient)

    page = admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))

    assert page.status_code == 200
    assert "deliver_message" in page.content.decode()


@pytest.mark.parametrize("persona", ["front_desk", "physio"])
def test_other_roles_do_not_open_the_messages_back_office(persona: str, request: pytest.FixtureRequest) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    page = client.get(reverse("admin:patients_message_changelist"))

    assert page.status_code == 302 and "/admin/login/" in page["Location"]


def test_no_e_mail_goes_out_when_the_message_has_no_way_to_the_patient(settings) -> None:
    patient = PatientFactory(email="", phone="")
    _appointment, message = reminder_for(patient)

    run_worker()

    message.refresh_from_db()
    assert (message.status, message.note) == (MessageStatus.SKIPPED, "No e-mail address or phone number.")
    assert mail.outbox == []


def test_a_message_due_long_ago_and_being_sent_now_is_not_queued_again(texting_patient, settings, clock) -> None:
    """A worker catching up takes a message due an hour ago; the cron fallback running meanwhile leaves it alone,
    so a second worker does not send it too."""
    settings.CLINIC_TEXT_BACKEND = "locmem"
    _appointment, message = reminder_for(texting_patient)
    clock.move_to(message.send_after + timedelta(hours=1))
    taken = messaging._claim(message.pk)  # the first worker, in the middle of sending it
    assert taken is not None

    assert messaging.requeue_stranded() == 0
    assert messaging.deliver(message.pk) is None  # the second worker finds nothing to send

    messaging._compose_and_send(taken, lambda: messaging._COMPOSERS[taken.kind](taken), retry=True)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(text_messages.outbox) == 1

    clock.shift(messaging.STRANDED_AFTER)
    assert messaging.requeue_stranded() == 0  # sent, so not stranded either


def test_a_message_whose_worker_stopped_while_sending_is_queued_again_later(texting_patient, settings, clock) -> None:
    settings.CLINIC_TEXT_BACKEND = "locmem"
    _appointment, message = reminder_for(texting_patient)
    clock.move_to(message.send_after)
    assert messaging._claim(message.pk) is not None  # a worker takes it and stops

    clock.shift(messaging.STRANDED_AFTER)
    assert messaging.requeue_stranded() == 1
    run_worker()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(text_messages.outbox) == 1
