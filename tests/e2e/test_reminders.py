"""A reminder's private page on the patient's phone, and the message in the patient's record at the desk."""

import re

from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from patients import messaging
from patients.models import Message
from scheduling import reminders
from tests.e2e.conftest import PHONE, assert_no_violations, next_weekday_at
from tests.factories import AppointmentFactory, PatientFactory, PractitionerFactory


def reminder_sent_to(patient):
    appointment = AppointmentFactory(
        patient=patient,
        practitioner=PractitionerFactory(display_name="Maya Chen"),
        starts_at=next_weekday_at(10),
    )
    message = reminders.reminder_queue(appointment=appointment)
    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
    messaging.deliver(message.pk)
    path = re.search(r"https?://[^/\s]+(/a/[A-Za-z0-9_-]+/)", mail.outbox[-1].body).group(1)
    return appointment, path


def test_the_patient_opens_the_reminders_page_on_a_phone(phone, settings) -> None:
    from playwright.sync_api import expect

    appointment, path = reminder_sent_to(PatientFactory(given_name="Zoé"))
    starts = timezone.localtime(appointment.starts_at)

    phone.goto(path)

    expect(phone.get_by_role("heading", level=1)).to_have_text("Your appointment")
    expect(phone.get_by_text(f"{starts:%A} {starts.day} {starts:%B %Y}")).to_be_visible()
    expect(phone.get_by_text("with Maya Chen")).to_be_visible()
    expect(phone.get_by_role("heading", name="Need to cancel or move it?")).to_be_visible()
    call = phone.get_by_role("link", name=settings.CLINIC_PHONE)
    expect(call).to_have_attribute("href", "tel:" + re.sub(r"[^0-9+]", "", settings.CLINIC_PHONE))
    expect(phone.get_by_role("link", name=settings.CLINIC_EMAIL)).to_be_visible()
    expect(phone.locator("address")).to_contain_text("1450 West Broadway")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_violations(phone)


def test_the_reminders_page_works_without_javascript(phone_without_javascript) -> None:
    from playwright.sync_api import expect

    _appointment, path = reminder_sent_to(PatientFactory())

    phone_without_javascript.goto(path)

    expect(phone_without_javascript.get_by_text("with Maya Chen")).to_be_visible()


def test_the_desk_sees_the_reminder_in_the_patients_record(page, sign_in_as, assert_accessible) -> None:
    from playwright.sync_api import expect

    patient = PatientFactory(given_name="Zoé", family_name="Quartermaine")
    reminder_sent_to(patient)
    sign_in_as(Role.FRONT_DESK)

    page.goto(patient.get_absolute_url())

    messages = page.get_by_role("region", name="Messages")
    expect(messages.get_by_role("cell", name="Appointment reminder")).to_be_visible()
    expect(messages.get_by_text("Sent", exact=True)).to_be_visible()
    assert_accessible()
    messages.get_by_role("link", name="All messages to").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages to Zoé Quartermaine")
    assert_accessible()
