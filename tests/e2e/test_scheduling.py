"""The schedule in a real browser: book from a free slot with the inline search, check in, cancel, and two
desks booking the same slot."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from scheduling.models import Appointment, AppointmentStatus
from tests.e2e.conftest import next_weekday_at
from tests.factories import TEST_PASSWORD, AppointmentTypeFactory, PatientFactory, PractitionerFactory, UserFactory


@pytest.fixture
def clinic(db: None) -> dict:
    maya = PractitionerFactory(
        user=UserFactory(username="maya", first_name="Maya", last_name="Chen", roles=[Role.PHYSIOTHERAPIST]),
        display_name="Maya Chen",
    )
    return {
        "maya": maya,
        "treatment": AppointmentTypeFactory(name="IMS treatment", kind="treatment", duration_minutes=30),
        "patient": PatientFactory(given_name="Chloé", family_name="Tremblay"),
    }


def test_front_desk_books_a_free_slot_finding_the_patient_inline(page, sign_in_as, clinic) -> None:
    sign_in_as(Role.FRONT_DESK, first_name="Sam")
    starts_at = next_weekday_at(9)

    page.goto(f"/schedule/?date={starts_at.date().isoformat()}")
    page.locator(f"a[data-testid=free-slot][href*='starts_at={starts_at:%Y-%m-%d}T09%3A00']").click()
    page.get_by_label("Find the patient").fill("chloe")
    page.get_by_test_id("patient-choice").filter(has_text="Tremblay, Chloé").click()
    page.get_by_role("button", name="Book", exact=True).click()

    page.wait_for_url("**/schedule/appointments/*/?booked=1")
    assert "Booked: Chloé Tremblay with Maya Chen." in page.content()
    appointment = Appointment.objects.get()
    assert appointment.starts_at == starts_at

    page.goto(f"/schedule/?date={starts_at.date().isoformat()}")
    assert page.get_by_test_id("appointment").filter(has_text="Chloé Tremblay").is_visible()


def test_front_desk_checks_a_patient_in_and_cancels_another(page, sign_in_as, clinic) -> None:
    desk = sign_in_as(Role.FRONT_DESK, first_name="Sam")
    later_today = timezone.localtime().replace(second=0, microsecond=0) + timedelta(minutes=5)
    today = Appointment.objects.create(
        patient=clinic["patient"], practitioner=clinic["maya"], appointment_type=clinic["treatment"],
        starts_at=later_today, ends_at=later_today + timedelta(minutes=30),
        blocked_until=later_today + timedelta(minutes=30), booked_by=desk,
    )  # fmt: skip
    tomorrow = next_weekday_at(10)
    other = Appointment.objects.create(
        patient=PatientFactory(), practitioner=clinic["maya"], appointment_type=clinic["treatment"],
        starts_at=tomorrow, ends_at=tomorrow + timedelta(minutes=30), blocked_until=tomorrow + timedelta(minutes=30),
        booked_by=desk,
    )  # fmt: skip

    page.goto(today.get_absolute_url())
    page.get_by_role("button", name="Check in").click()
    assert page.locator("#appointment-status").inner_text() == "Arrived"

    page.goto(other.get_absolute_url())
    page.get_by_role("link", name="Cancel appointment").click()
    page.get_by_role("button", name="Cancel the appointment").click()
    assert "Say why the appointment is cancelled." in page.content()
    page.get_by_label("Why is it cancelled?").fill("Patient called: unwell")
    page.get_by_role("button", name="Cancel the appointment").click()
    assert page.locator("#appointment-status").inner_text() == "Cancelled"
    assert "Offer the freed time" in page.content()
    other.refresh_from_db()
    assert other.status == AppointmentStatus.CANCELLED


@pytest.fixture
def alex(page, live_server) -> Iterator[object]:
    """Another front-desk computer: its own browser context, signed in as Alex."""
    context = page.context.browser.new_context(base_url=live_server.url, viewport=page.viewport_size)
    alex = context.new_page()
    UserFactory(username="alex", first_name="Alex", roles=[Role.FRONT_DESK])
    alex.goto("/accounts/login/")
    alex.get_by_label("Username").fill("alex")
    alex.get_by_label("Password").fill(TEST_PASSWORD)
    alex.get_by_role("button", name="Sign in").click()
    alex.wait_for_url("**/")
    yield alex
    context.close()


def test_two_desks_book_the_same_slot_and_the_second_is_told_at_the_time_field(
    page, sign_in_as, assert_accessible, clinic, alex
) -> None:
    from playwright.sync_api import expect

    starts_at = next_weekday_at(9)
    slot = f"a[data-testid=free-slot][href*='starts_at={starts_at:%Y-%m-%d}T09%3A00']"
    PatientFactory(given_name="Noah", family_name="Okafor")
    sign_in_as(Role.FRONT_DESK, username="sam", first_name="Sam")

    # Both desks open the booking form for Maya's 9:00 and choose their patient.
    for desk, search, choice in ((alex, "chloe", "Tremblay, Chloé"), (page, "okafor", "Okafor, Noah")):
        desk.goto(f"/schedule/?date={starts_at.date().isoformat()}")
        desk.locator(slot).click()
        desk.get_by_label("Find the patient").fill(search)
        desk.get_by_test_id("patient-choice").filter(has_text=choice).click()
    page.get_by_label("Front-desk note").fill("Needs the ground-floor room")

    alex.get_by_role("button", name="Book", exact=True).click()
    alex.wait_for_url("**/schedule/appointments/*/?booked=1")
    page.get_by_role("button", name="Book", exact=True).click()

    starts = page.get_by_label("Starts at")
    expect(starts).to_have_accessible_description("Maya Chen is already booked at this time. Choose another time.")
    expect(starts).to_have_attribute("aria-invalid", "true")
    expect(starts).to_be_focused()
    expect(starts).to_have_value(f"{starts_at:%Y-%m-%dT%H:%M}")
    expect(page.locator("#chosen-patient")).to_contain_text("Noah Okafor")
    expect(page.get_by_label("Front-desk note")).to_have_value("Needs the ground-floor room")
    assert_accessible()

    page.goto(f"/schedule/?date={starts_at.date().isoformat()}")
    at_nine = page.get_by_test_id("appointment").filter(has_text=f"{starts_at:%H:%M}")
    expect(at_nine).to_have_count(1)
    expect(at_nine).to_contain_text("Chloé Tremblay")
    assert Appointment.objects.filter(starts_at=starts_at, practitioner=clinic["maya"]).count() == 1


def test_a_large_clinic_pages_through_its_practitioners_on_the_day(page, sign_in_as, assert_accessible) -> None:
    from playwright.sync_api import expect

    from scheduling.views import COLUMNS_PER_PAGE

    names = [f"Colleague {index:02d}" for index in range(COLUMNS_PER_PAGE + 3)]
    for name in names:
        PractitionerFactory(display_name=name)
    sign_in_as(Role.FRONT_DESK)
    day = next_weekday_at(9).date().isoformat()

    page.goto(f"/schedule/?date={day}")
    pager = page.get_by_role("navigation", name="Practitioners shown")
    expect(pager).to_contain_text(f"Practitioners 1\u2013{COLUMNS_PER_PAGE} of {len(names)}")
    expect(page.locator(".schedule-head a")).to_have_count(COLUMNS_PER_PAGE)
    assert_accessible()

    pager.get_by_role("link", name="Next practitioners").click()
    expect(pager).to_contain_text(f"Practitioners {COLUMNS_PER_PAGE + 1}\u2013{len(names)} of {len(names)}")
    expect(page.locator(".schedule-head a")).to_have_text(names[COLUMNS_PER_PAGE:])
    page.locator("a[rel=next]").click()  # the next day, on the same page of practitioners
    expect(page).to_have_url(re.compile(r"practitioners=2"))
    expect(page.locator(".schedule-head a")).to_have_text(names[COLUMNS_PER_PAGE:])
    assert_accessible()
