"""send_reminders: each reminder once, also when run twice; no health information in the e-mail."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from scheduling import services
from scheduling.models import AppointmentReminder
from tests.factories import PatientFactory

from .conftest import at


def run(**options) -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_reminders_go_once_for_appointments_within_the_window(book, maya, desk, settings) -> None:
    settings.CLINIC_REMINDER_HOURS = 48
    soon = book(practitioner=maya, starts_at=at(9, days=1))
    book(practitioner=maya, starts_at=at(9, days=3), patient=PatientFactory())  # too far ahead
    book(practitioner=maya, starts_at=at(10, days=1), patient=PatientFactory(email=""))  # no address
    cancelled = book(practitioner=maya, starts_at=at(11, days=1), patient=PatientFactory())
    services.appointment_cancel(appointment=cancelled, reason="Called", cancelled_by=desk)

    first = run()
    second = run()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [soon.patient.email]
    assert f"Sent reminder for appointment {soon.pk} on 2026-03-03 09:00 to c***@example.com" in first
    assert "1 reminder(s) sent for the next 48 hours." in first
    assert "0 reminder(s) sent" in second
    assert AppointmentReminder.objects.count() == 1


@pytest.mark.django_db
def test_the_reminder_says_when_and_with_whom_but_not_why(book, maya, initial) -> None:
    book(practitioner=maya, starts_at=at(9, days=1), appointment_type=initial)

    run(hours=48)

    message = mail.outbox[0]
    assert "Tuesday 3 March at 09:00 with Maya Chen" in message.body
    for clinical in ("Initial", "assessment", "treatment"):
        assert clinical not in message.body and clinical not in message.subject


@pytest.mark.django_db
def test_a_moved_appointment_gets_a_new_reminder(book, maya, desk) -> None:
    appointment = book(practitioner=maya, starts_at=at(9, days=1))
    run()
    services.appointment_reschedule(appointment=appointment, starts_at=at(10, days=1), changed_by=desk)

    run()

    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_hours_option_must_be_positive(maya) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="positive"):
        run(hours=0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(book, maya) -> None:
    for hour in (9, 10, 11):
        book(practitioner=maya, starts_at=at(hour, days=1), patient=PatientFactory())
    barrier = threading.Barrier(4)

    def worker() -> None:
        try:
            barrier.wait()
            for appointment in services.reminders_due(within=timedelta(hours=48)):
                services.reminder_send(appointment=appointment)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert AppointmentReminder.objects.count() == 3
    assert len(mail.outbox) == 3
