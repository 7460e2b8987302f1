"""Messages to patients: queued once per reason, sent once at their time, the way and in the language the patient
chose, skipped when their reason went away, and kept in the record as sent (without the private link)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from patients import messaging, text_messages
from patients.models import ContactMethod, Message, MessageChannel, MessageKind, MessageStatus
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

KIND = MessageKind.AFTERCARE


@pytest.fixture(autouse=True)
def composer(settings: pytest.FixtureRequest) -> None:
    settings.CLINIC_TEXT_BACKEND = "locmem"
    settings.CLINIC_NAME = "Kits Physio"
    settings.CLINIC_PHONE = "604-555-0100"
    text_messages.outbox.clear()

    def compose(message: Message) -> messaging.Composed:
        from django.utils.translation import get_language, gettext

        if message.about == "gone":
            raise messaging.Skip("The visit was cancelled.")
        return messaging.Composed(
            subject=f"Your sheet ({get_language()})",
            body=f"{gettext('Hello')}: {{link}}",
            link="https://clinic.test/aftercare/SECRET-TOKEN/",
        )

    previous = messaging._COMPOSERS.get(KIND)
    messaging.register(KIND, compose)
    yield
    if previous is not None:
        messaging.register(KIND, previous)


def test_a_reason_queues_one_message_and_one_task_however_often_it_is_queued() -> None:
    patient = PatientFactory()
    first = messaging.queue(patient=patient, kind=KIND, key="aftercare:session:1")
    again = messaging.queue(patient=patient, kind=KIND, key="aftercare:session:1")

    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    assert first.status == MessageStatus.QUEUED


def test_an_e_mail_patient_gets_an_e_mail_with_the_clinic_s_name_and_phone_and_the_record_keeps_no_token() -> None:
    patient = PatientFactory(preferred_contact_method=ContactMethod.EMAIL)
    message = messaging.queue(patient=patient, kind=KIND, key="aftercare:session:2")

    sent = messaging.deliver(message.pk)

    assert sent is not None and sent.status == MessageStatus.SENT
    assert sent.channel == MessageChannel.EMAIL and sent.recipient == patient.email
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Kits Physio: ")
    assert "https://clinic.test/aftercare/SECRET-TOKEN/" in mail.outbox[0].body
    assert "604-555-0100" in mail.outbox[0].body
    stored = Message.objects.get(pk=message.pk)
    assert "SECRET-TOKEN" not in stored.body and messaging.LINK_WORDS in stored.body
    assert stored.sent_at is not None


def test_a_text_message_patient_gets_a_text_and_no_e_mail() -> None:
    patient = PatientFactory(preferred_contact_method=ContactMethod.TEXT)
    message = messaging.queue(patient=patient, kind=KIND, key="aftercare:session:3")

    messaging.deliver(message.pk)

    assert mail.outbox == []
    assert [text.to for text in text_messages.outbox] == [patient.phone]
    assert text_messages.outbox[0].body.startswith("Kits Physio: ")
    assert Message.objects.get(pk=message.pk).channel == MessageChannel.TEXT


def test_the_message_is_composed_in_the_patient_s_language() -> None:
    patient = PatientFactory(preferred_contact_method=ContactMethod.EMAIL, preferred_language="fr-ca")
    message = messaging.queue(patient=patient, kind=KIND, key="aftercare:session:4")

    messaging.deliver(message.pk)

    assert "(fr-ca)" in mail.outbox[0].subject
    assert Message.objects.get(pk=message.pk).language == "fr-ca"


def test_a_message_due_later_is_not_sent_before_its_time_and_is_sent_once_after() -> None:
    patient = PatientFactory(preferred_contact_method=ContactMethod.EMAIL)
    due = timezone.now() + timedelta(hours=24)
    message = messaging.queue(patient=patient, kind=KIND, key="check:session:5", send_after=due)
    assert DBTaskResult.objects.get().run_after == due

    assert messaging.deliver(message.pk) is None
    assert mail.outbox == []

    with time_machine.travel(due + timedelta(minutes=1)):
        assert messaging.deliver(message.pk) is not None
        assert messaging.deliver(message.pk) is None  # a second worker, or the task run twice

    assert len(mail.outbox) == 1


def test_a_message_whose_reason_went_away_is_kept_as_not_sent_with_why() -> None:
    patient = PatientFactory(preferred_contact_method=ContactMethod.EMAIL)
    message = messaging.queue(patient=patient, kind=KIND, key="reminder:gone", about="gone")

    messaging.deliver(message.pk)

    stored = Message.objects.get(pk=message.pk)
    assert stored.status == MessageStatus.SKIPPED and stored.note == "The visit was cancelled."
    assert mail.outbox == []


def test_a_patient_with_no_address_or_number_is_recorded_as_not_reached() -> None:
    patient = PatientFactory(email="", phone="", phone_digits="")
    message = messaging.queue(patient=patient, kind=KIND, key="aftercare:session:6")

    messaging.deliver(message.pk)

    stored = Message.objects.get(pk=message.pk)
    assert stored.status == MessageStatus.SKIPPED
    assert stored.note == "No e-mail address or phone number."


def test_cancelling_a_reason_marks_its_queued_messages_not_sent() -> None:
    patient = PatientFactory()
    message = messaging.queue(patient=patient, kind=KIND, key="reminder:appointment:7:2027-01-15T10:00")

    assert messaging.cancel(key_prefix="reminder:appointment:7:", reason="The visit was cancelled.") == 1

    stored = Message.objects.get(pk=message.pk)
    assert stored.status == MessageStatus.SKIPPED
    assert messaging.deliver(message.pk) is None


def test_a_composer_that_fails_is_tried_again_later_and_then_marked_failed(settings: pytest.FixtureRequest) -> None:
    settings.CLINIC_MESSAGE_MAX_ATTEMPTS = 2
    patient = PatientFactory(preferred_contact_method=ContactMethod.EMAIL)
    message = messaging.queue(patient=patient, kind=KIND, key="aftercare:session:8", about="broken")

    def broken(message: Message) -> messaging.Composed:
        raise LookupError("the session is gone")

    messaging.register(KIND, broken)
    messaging.deliver(message.pk)
    first = Message.objects.get(pk=message.pk)
    assert first.status == MessageStatus.QUEUED and first.attempts == 1
    assert first.note == "Could not be sent (LookupError), try 1 of 2."

    with time_machine.travel(first.send_after + timedelta(seconds=1)):
        messaging.deliver(message.pk)
    last = Message.objects.get(pk=message.pk)
    assert last.status == MessageStatus.FAILED and last.attempts == 2
    assert mail.outbox == []
