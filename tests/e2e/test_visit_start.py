"""The visit's session in Chromium: started from the checked-in appointment, past the question about a draft from
an earlier day (marked entered in error, with the reason the page asks for), checked with axe on each page."""

import re
from datetime import timedelta

from django.utils import timezone

from accounts.roles import Role
from assessments import services
from assessments.models import AssessmentStatus, TreatmentSession
from scheduling.models import Practitioner
from tests.e2e.test_treatment import a_cleared_patient
from tests.factories import AppointmentFactory, PractitionerFactory


def test_a_draft_of_an_earlier_day_is_set_aside_before_todays_session_of_the_appointment(
    page, sign_in_as, assert_accessible
) -> None:
    from playwright.sync_api import expect

    patient = a_cleared_patient()
    maya = sign_in_as(Role.PHYSIOTHERAPIST)
    earlier = services.session_start(patient=patient, physiotherapist=maya)
    TreatmentSession.objects.filter(pk=earlier.pk).update(started_at=timezone.now() - timedelta(days=11))
    earlier_day = timezone.localtime(timezone.now() - timedelta(days=11))
    day_words = f"{earlier_day:%A} {earlier_day.day} {earlier_day:%B %Y}"
    practitioner = Practitioner.objects.filter(user=maya).first() or PractitionerFactory(user=maya)
    appointment = AppointmentFactory(patient=patient, practitioner=practitioner, status="arrived")
    at = f"{timezone.localtime(appointment.starts_at):%H:%M}"
    mark_in_error = f"Start today's session and mark the draft of {day_words} entered in error"
    page.expected_problems.append("status of 400")  # the answer without a reason is sent back with its message

    page.goto(appointment.get_absolute_url())
    assert_accessible()
    page.get_by_role("button", name="Start the treatment session").click()

    expect(page).to_have_url(re.compile(r"/earlier-draft/\?appointment=\d+$"))
    expect(page.get_by_role("heading", level=2)).to_have_text(
        f"You have a draft session of {day_words}. Continue that draft, or start today's session?"
    )
    assert_accessible()
    page.get_by_label(mark_in_error).check()
    page.get_by_role("button", name="Go on").click()

    reason = page.get_by_label("Why the draft was entered in error")
    expect(page.get_by_text("Say why the draft session was entered in error.")).to_be_visible()
    expect(page.get_by_label(mark_in_error)).to_be_checked()
    assert_accessible()
    reason.fill("Opened for the wrong visit.")
    page.get_by_role("button", name="Go on").click()

    expect(page).to_have_url(re.compile(r"/assessments/sessions/\d+/$"))
    expect(page.get_by_text(f"for the appointment at {at}")).to_be_visible()
    expect(page.get_by_text(f"The draft of {day_words} is marked entered in error.")).to_be_visible()
    assert_accessible()
    today = TreatmentSession.objects.exclude(pk=earlier.pk).get()
    assert today.appointment == appointment
    assert TreatmentSession.objects.get(pk=earlier.pk).status == AssessmentStatus.ENTERED_IN_ERROR
