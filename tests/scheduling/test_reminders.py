"""Reminders: queued by the booking for CLINIC_REMINDER_HOURS before the visit, sent by the task worker, re-checked
when due (moved, cancelled); `send_reminders` from cron is a fallback that queues what is missing."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from patients import messaging, text_messages
from patients.models import ContactMethod, Message, MessageChannel, MessageKind, MessageStatus
from scheduling import reminders, services
from scheduling.models import AppointmentLink, AppointmentStatus
from tests.factories import AppointmentFactory, PatientFactory, QuestionnaireResponseFactory
from tests.tasks import run_worker

from .conftest import at

LINK = re.compile(r"https?://\S+/a/([A-Za-z0-9_-]+)/")


def run(**options) -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out, **options)
    return out.getvalue()


def reminder_of(appointment) -> Message:
    return Message.objects.get(key=reminders.reminder_key(appointment))


@pytest.mark.django_db
def test_booking_queues_the_reminder_for_48_hours_before_the_visit(book, maya, clock, settings) -> None:
    settings.CLINIC_REMINDER_HOURS = 48
    appointment = book(practitioner=maya, starts_at=at(9, days=3))

    message = reminder_of(appointment)
    assert (message.kind, message.status) == (MessageKind.REMINDER, MessageStatus.QUEUED)
    assert message.send_after == at(9, days=1)
    run_worker()
    assert mail.outbox == []

    clock.move_to(at(9, days=1))
    run_worker()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at == at(9, days=1)
    assert mail.outbox[0].to == [appointment.patient.email]


@pytest.mark.django_db
def test_a_visit_booked_inside_the_window_is_reminded_at_once(book, maya) -> None:
    book(practitioner=maya, starts_at=at(9, days=1))

    run_worker()

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_reminder_says_when_with_whom_and_how_to_reach_the_clinic_not_why(book, maya, initial, settings) -> None:
    settings.CLINIC_SITE_URL = "https://clinic.example.org"
    appointment = book(practitioner=maya, starts_at=at(9, days=1), appointment_type=initial)

    run_worker()

    sent = mail.outbox[0]
    assert sent.subject == "IMS Clinic: Your appointment on Tuesday 3 March at 09:00"
    assert "Tuesday 3 March at 09:00 with Maya Chen" in sent.body
    assert settings.CLINIC_PHONE in sent.body and settings.CLINIC_EMAIL in sent.body
    assert "1450 West Broadway" in sent.body
    assert LINK.search(sent.body).group(0).startswith("https://clinic.example.org/a/")
    for clinical in ("Initial", "assessment", "treatment"):
        assert clinical not in sent.body and clinical not in sent.subject
    stored = reminder_of(appointment)
    assert "[private link]" in stored.body and "/a/" not in stored.body


@pytest.mark.django_db
def test_the_reminder_asks_for_the_questionnaire_only_when_it_is_missing_or_expiring(book, maya, daniel) -> None:
    without = PatientFactory(given_name="Without")
    answered = PatientFactory(given_name="Answered")
    QuestionnaireResponseFactory(patient=answered)
    book(practitioner=maya, starts_at=at(9, days=1), patient=without)
    book(practitioner=daniel, starts_at=at(9, days=1), patient=answered)

    run_worker()

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "short safety questionnaire" in bodies[without.email]
    assert f"call us at {without.phone}" not in bodies[without.email]
    assert "questionnaire" not in bodies[answered.email]


@pytest.mark.django_db
def test_a_questionnaire_that_expires_before_the_visit_is_asked_for_again(book, maya, clock, settings) -> None:
    settings.CLINIC_QUESTIONNAIRE_VALID_DAYS = 90
    patient = PatientFactory()
    clock.move_to(at(7) - timedelta(days=88))
    QuestionnaireResponseFactory(patient=patient)
    clock.move_to(at(7))
    book(practitioner=maya, starts_at=at(9, days=1), patient=patient)

    run_worker()

    assert "short safety questionnaire" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_moved_visit_is_reminded_of_its_new_time_only(book, maya, desk, clock) -> None:
    appointment = book(practitioner=maya, starts_at=at(9, days=4))
    first = reminder_of(appointment)
    services.appointment_reschedule(appointment=appointment, starts_at=at(10, days=3), changed_by=desk)
    appointment.refresh_from_db()

    clock.move_to(at(9, days=2))  # the first reminder's time, after the new one's
    run_worker()

    first.refresh_from_db()
    assert (first.status, first.note) == (
        MessageStatus.SKIPPED,
        "The visit was moved: its new time has its own reminder.",
    )
    assert len(mail.outbox) == 1 and "Thursday 5 March at 10:00" in mail.outbox[0].body
    assert reminder_of(appointment).status == MessageStatus.SENT


@pytest.mark.django_db
def test_a_visit_moved_away_and_back_after_its_reminder_was_skipped_is_reminded(book, maya, desk, clock) -> None:
    appointment = book(practitioner=maya, starts_at=at(9, days=3))
    first = reminder_of(appointment)
    services.appointment_reschedule(appointment=appointment, starts_at=at(9, days=4), changed_by=desk)
    clock.move_to(first.send_after)
    run_worker()
    first.refresh_from_db()
    assert first.status == MessageStatus.SKIPPED

    appointment.refresh_from_db()
    services.appointment_reschedule(appointment=appointment, starts_at=at(9, days=3), changed_by=desk)
    run_worker()

    first.refresh_from_db()
    assert first.status == MessageStatus.SENT
    assert len(mail.outbox) == 1 and "Thursday 5 March at 09:00" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_reminder_due_for_an_old_time_is_skipped_when_it_runs(book, maya) -> None:
    """A visit moved while its reminder was already being claimed: the composer finds the time changed."""
    appointment = book(practitioner=maya, starts_at=at(9, days=1))
    message = reminder_of(appointment)
    type(appointment).objects.filter(pk=appointment.pk).update(
        starts_at=at(11, days=1), ends_at=at(11, 30, days=1), blocked_until=at(11, 30, days=1)
    )

    messaging.deliver(message.pk)

    message.refresh_from_db()
    assert message.status == MessageStatus.SKIPPED
    assert message.note == "The visit was moved: its new time has its own reminder."
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_cancelled_visit_is_not_reminded(book, maya, desk) -> None:
    appointment = book(practitioner=maya, starts_at=at(9, days=1))
    services.appointment_cancel(appointment=appointment, reason="Called", cancelled_by=desk)

    run_worker()

    message = reminder_of(appointment)
    assert (message.status, message.note) == (MessageStatus.SKIPPED, "The visit was cancelled.")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_text_preferring_patient_gets_a_short_text_with_the_link(book, maya, settings) -> None:
    settings.CLINIC_TEXT_BACKEND = "locmem"
    text_messages.outbox.clear()
    patient = PatientFactory(preferred_contact_method=ContactMethod.TEXT, phone="604-555-0199")
    appointment = book(practitioner=maya, starts_at=at(9, days=1), patient=patient)

    run_worker()

    [text] = text_messages.outbox
    assert text.to == "604-555-0199" and mail.outbox == []
    assert text.body.startswith("IMS Clinic: Reminder: your appointment on Tuesday 3 March at 09:00 with Maya Chen.")
    assert LINK.search(text.body)
    stored = reminder_of(appointment)
    assert stored.channel == MessageChannel.TEXT and "[private link]" in stored.body
    assert LINK.search(stored.body) is None


@pytest.mark.django_db
def test_a_french_speaking_patient_gets_the_reminder_in_french(book, maya) -> None:
    patient = PatientFactory(preferred_language="fr-ca")
    appointment = book(practitioner=maya, starts_at=at(9, days=1), patient=patient)

    run_worker()

    assert "mardi 3 mars" in mail.outbox[0].body
    assert reminder_of(appointment).language == "fr-ca"


@pytest.mark.django_db
def test_a_failing_reminder_never_undoes_the_booking(book, maya, monkeypatch) -> None:
    def broken(**kwargs):
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(reminders.messaging, "queue", broken)

    appointment = book(practitioner=maya, starts_at=at(9, days=1))

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_send_reminders_queues_only_what_the_bookings_missed_once(book, maya, daniel) -> None:
    booked = book(practitioner=maya, starts_at=at(9, days=1))
    written = AppointmentFactory(practitioner=daniel, starts_at=at(10, days=1))  # no booking, so no reminder yet
    AppointmentFactory(practitioner=daniel, starts_at=at(10, days=4))  # outside the window
    archived = PatientFactory(is_archived=True, archived_at=timezone.now())
    AppointmentFactory(practitioner=daniel, starts_at=at(11, days=1), patient=archived)

    first = run()
    second = run()

    assert "1 missing reminder(s) queued for the next 48 hours" in first
    assert "0 missing reminder(s) queued" in second
    assert Message.objects.filter(kind=MessageKind.REMINDER).count() == 2
    run_worker()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([booked.patient.email, written.patient.email])


@pytest.mark.django_db
def test_send_reminders_queues_again_a_message_whose_worker_stopped(book, maya, clock) -> None:
    appointment = book(practitioner=maya, starts_at=at(9, days=1))
    Message.objects.filter(pk=reminder_of(appointment).pk).update(status=MessageStatus.SENDING)
    clock.move_to(at(7, 20))

    assert "1 interrupted message(s) queued again" in run()
    run_worker()

    assert reminder_of(appointment).status == MessageStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_hours_option_must_be_positive(maya) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="positive"):
        run(hours=0)


def token_from_reminder() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


@pytest.mark.django_db
def test_the_reminders_link_shows_the_visit_and_how_to_cancel_or_move_it(book, maya, settings) -> None:
    book(practitioner=maya, starts_at=at(9, days=1))
    run_worker()

    page = Client().get(f"/a/{token_from_reminder()}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Tuesday 3 March 2026" in text and "09:00" in text and "Maya Chen" in text
    assert settings.CLINIC_PHONE in text and settings.CLINIC_EMAIL in text and "1450 West Broadway" in text
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_link_opens_again_until_the_visit_is_over(book, maya, clock) -> None:
    book(practitioner=maya, starts_at=at(9, days=1))
    run_worker()
    token = token_from_reminder()

    assert Client().get(f"/a/{token}/").status_code == 200
    assert Client().get(f"/a/{token}/").status_code == 200
    clock.move_to(at(9, 30, days=1))
    after = Client().get(f"/a/{token}/")

    assert "This link cannot be used" in after.content.decode()
    assert "Maya Chen" not in after.content.decode()


@pytest.mark.django_db
def test_a_cancelled_visits_link_says_it_is_no_longer_booked(book, maya, desk) -> None:
    appointment = book(practitioner=maya, starts_at=at(9, days=1))
    run_worker()
    services.appointment_cancel(appointment=appointment, reason="Called", cancelled_by=desk)

    page = Client().get(f"/a/{token_from_reminder()}/").content.decode()

    assert "This appointment is no longer booked" in page and "Maya Chen" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["x" * 43, "short", "../../etc/passwd" * 3])
def test_a_forged_link_opens_nothing(book, maya, token) -> None:
    book(practitioner=maya, starts_at=at(9, days=1))
    run_worker()

    page = Client().get(f"/a/{token}/")

    assert page.status_code in (200, 404)
    assert "Maya Chen" not in page.content.decode()


@pytest.mark.django_db
def test_a_post_to_the_link_is_refused(book, maya) -> None:
    book(practitioner=maya, starts_at=at(9, days=1))
    run_worker()

    assert Client().post(f"/a/{token_from_reminder()}/").status_code == 405


@pytest.mark.django_db
def test_each_reminder_sent_issues_its_own_link_valid_until_the_visit_ends(book, maya) -> None:
    appointment = book(practitioner=maya, starts_at=at(9, days=1))

    run_worker()

    [link] = AppointmentLink.objects.filter(appointment=appointment)
    assert link.expires_at == appointment.ends_at and link.patient == appointment.patient
    assert link.token_hash not in mail.outbox[0].body
    assert timezone.now() < link.expires_at
